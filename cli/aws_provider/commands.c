/*
 * cli/aws_provider/commands.c
 *		The aws provider's operations (cli/provider.h): configure, plan and
 *		provision (the steps of steps_*.c in order), roles over the RDS Data
 *		API with their login check, url, status; destroy is destroy.c's,
 *		outputs outputs.c's.
 */
#include "cli/aws_provider.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "aws_int.h"
#include "cli/aws/rds.h"
#include "cli/aws/rdsdata.h"
#include "cli/aws/token.h"
#include "cli/aws_report.h"
#include "cli/doctor.h"
#include "cli/msgs.h"
#include "cli/pgexec.h"
#include "cli/rdsdata_exec.h"
#include "cli/roles.h"
#include "cli/util.h"
#include "core/catalog.h"

/*
 * Every step, in dependency order; plan (apply false) makes read calls
 * only.  A step whose create found the resource there (STEP_AGAIN) is run
 * once more, to read it back and go on from what is there.
 */
static int
provision_steps(struct awsenv *e)
{
	static int (*const steps[]) (struct awsenv *e) = {
		step_identity, step_access_roles, step_network, step_key, step_parameter_group, step_subnet_group,
		step_security_group, step_monitoring_role, step_cluster, step_instance,
		step_connect_policies, step_connect_attachments,
		step_backup_role, step_backup
	};
	size_t		i;
	int			rc;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
	{
		e->rereading = 0;
		while ((rc = steps[i] (e)) == STEP_AGAIN)
			e->rereading++;
		e->rereading = 0;
		if (rc >= 0)
			return rc;
	}
	return EXIT_GO_ON;
}

/* plan and provision --output json: the counts, the lines, the cluster's name. */
static struct json_object *
steps_json(struct awsenv *e, const char *lines_key)
{
	struct json_object *obj = json_object_new_object();

	json_object_object_add(obj, "provider", json_object_new_string("aws"));
	json_object_object_add(obj, "cluster", json_object_new_string(e->name));
	json_object_object_add(obj, "region", json_object_new_string(e->cfg->region));
	json_object_object_add(obj, "temporary", json_object_new_boolean(e->cfg->temporary));
	json_object_object_add(obj, lines_key, plan_lines_take(&e->lines));
	return obj;
}

static int
cmd_plan(struct awsenv *e)
{
	bool		json = e->opts->output == OUTPUT_JSON;
	int			rc;

	e->apply = false;
	if (e->cfg->temporary && !json)
		printf("temporary: yes (deletion protection off; destroy takes no final snapshot and deletes the backups)\n");
	if ((rc = provision_steps(e)) != EXIT_GO_ON)
		return rc;
	if (json)
	{
		struct json_object *obj = steps_json(e, "changes");

		json_object_object_add(obj, "to_create", json_object_new_int(e->creates));
		json_object_object_add(obj, "to_change", json_object_new_int(e->changes));
		json_object_object_add(obj, "as_configured", json_object_new_int(e->leaves));
		print_json(obj);
	}
	else if (e->creates + e->changes == 0)
		printf("Nothing to do: every resource of %s is as configured.\n", e->name);
	else
		printf("Plan: %d to create, %d to change, %d as configured.\n", e->creates, e->changes, e->leaves);
	return EXIT_OK;
}

static int
cmd_provision(struct awsenv *e)
{
	int			rc;

	e->apply = true;
	if ((rc = provision_steps(e)) != EXIT_GO_ON)
	{
		if (e->creates + e->changes > 0)
			hintf("what was made stays; run provision again to complete the rest");
		return rc;
	}
	if (e->creates + e->changes == 0)
		notef("provision: nothing changed; every resource of %s was already as configured", e->name);
	else
		notef("provision: %d created, %d changed; cluster %s is available at %s:%d", e->creates,
			  e->changes, e->name, e->cluster.endpoint ? e->cluster.endpoint : "?", e->cluster.port);
	if (e->opts->output == OUTPUT_JSON)
	{
		struct json_object *obj = steps_json(e, "steps");

		json_object_object_add(obj, "created", json_object_new_int(e->creates));
		json_object_object_add(obj, "changed", json_object_new_int(e->changes));
		json_object_object_add(obj, "state", e->cluster.status ? json_object_new_string(e->cluster.status) : NULL);
		json_object_object_add(obj, "endpoint", e->cluster.endpoint ? json_object_new_string(e->cluster.endpoint) : NULL);
		json_object_object_add(obj, "port", json_object_new_int(e->cluster.port));
		print_json(obj);
	}
	return EXIT_OK;
}

/* The cluster must exist (else exit 2, provision's hint); warns unless available. */
int
require_cluster(struct awsenv *e)
{
	struct aws_error err;

	aws_error_init(&err);
	if (aws_rds_describe_db_cluster(e->client, e->name, &e->cluster, &err) != AWS_OK)
		return aws_failed(&err);
	if (!e->cluster.found)
	{
		errorf("cluster %s does not exist in %s", e->name, e->cfg->region);
		hintf("create it with \"appdb provision\"");
		return EXIT_USAGE;
	}
	if (e->cluster.status && strcmp(e->cluster.status, "available") != 0)
		warnf("cluster %s is %s, not available", e->name, e->cluster.status);
	return EXIT_GO_ON;
}

/* The Data API's transactions, for roles_command_in. */
struct data_api_session
{
	struct aws_client *client;
	struct aws_rdsdata_target target;
	struct rdsdata_exec_state st;
};

/* How long a run waits for setup's lock: past the Data API's 3 idle minutes. */
#define DATA_API_LOCK_WAIT 240
#define DATA_API_LOCK_POLL 2

/*
 * Take setup's lock as the transaction begins.  A transaction that a failed
 * run left open holds it until the Data API rolls it back, after 3 idle
 * minutes; one statement waiting for it would end at the Data API's 45 s
 * statement timeout, so ask again every few seconds instead, and say so.
 * (The core's own lock statement then finds the lock held by us.)
 */
static int
data_api_lock(struct data_api_session *s)
{
	struct app_executor exec;
	struct app_mem mem;
	struct app_error err = {0};
	time_t		start = time(NULL);
	bool		said = false;
	int			rc = -1;

	rdsdata_executor_init(&exec, &s->st);
	app_mem_init(&mem, &malloc_allocator);
	for (;;)
	{
		struct app_rows rows;
		bool		taken;

		if (exec.query(exec.state, &mem, APP_LOCK_TRY_SQL, 0, NULL, &rows, &err) != 0)
		{
			report_app_error(&err);
			break;
		}
		taken = rows.nrows == 1 && rows.ncols == 1 && APP_CELL(&rows, 0, 0) &&
			strcmp(APP_CELL(&rows, 0, 0), "t") == 0;
		app_rows_free(&mem, &rows);
		if (taken)
		{
			rc = 0;
			break;
		}
		if (time(NULL) - start >= DATA_API_LOCK_WAIT)
		{
			errorf("setup's lock in %s is still held by another session after %d s",
				   s->target.database ? s->target.database : "the database", DATA_API_LOCK_WAIT);
			hintf("another roles setup may be running; else find the session holding it in pg_locks (locktype advisory) and end it");
			break;
		}
		if (!said)
		{
			notef("waiting for setup's lock, held by another session: another roles command, or a transaction a failed run left open, which the Data API rolls back after 3 idle minutes");
			said = true;
		}
		sleep(DATA_API_LOCK_POLL);
	}
	app_mem_free_all(&mem);
	return rc;
}

static int
data_api_begin(void *state)
{
	struct data_api_session *s = state;
	struct aws_error err;

	aws_error_init(&err);
	free(s->st.transaction_id);
	s->st.transaction_id = NULL;
	if (aws_rdsdata_begin(s->client, &s->target, &s->st.transaction_id, &err) != AWS_OK)
	{
		aws_failed(&err);
		return EXIT_GO_ON;
	}
	if (data_api_lock(s) != 0)
	{
		aws_rdsdata_rollback(s->client, &s->target, s->st.transaction_id, NULL, &err);
		aws_error_clean_up(&err);
		free(s->st.transaction_id);
		s->st.transaction_id = NULL;
		return EXIT_GO_ON;
	}
	return 0;
}

/*
 * Commit or roll back.  A commit whose answer was lost (its retry finds the
 * transaction gone: TransactionNotFoundException), or that failed with no
 * answer or a 5xx, may have taken effect: the transaction is rolled back in
 * case it did not, and 1 returned for the caller to find out.  A rollback
 * that finds the transaction gone succeeded (its answer lost, or the Data
 * API rolled it back); one that failed leaves the transaction open, holding
 * setup's lock: said, with how long.
 */
static int
data_api_finish(void *state, bool commit)
{
	struct data_api_session *s = state;
	struct aws_error err;
	enum aws_status st;
	bool		gone;
	int			rc = 0;

	aws_error_init(&err);
	st = commit ? aws_rdsdata_commit(s->client, &s->target, s->st.transaction_id, NULL, &err)
		: aws_rdsdata_rollback(s->client, &s->target, s->st.transaction_id, NULL, &err);
	gone = st == AWS_ERR_SERVICE && err.code &&
		strcmp(err.code, "TransactionNotFoundException") == 0;
	if (st == AWS_OK || (!commit && gone))
		aws_error_clean_up(&err);
	else if (commit && (gone || st == AWS_ERR_TRANSPORT || err.http_status >= 500))
	{
		verbosef("%s", err.text ? err.text : "CommitTransaction failed");
		aws_error_clean_up(&err);
		data_api_finish(state, false);
		rc = 1;
	}
	else if (commit)
	{
		aws_failed(&err);
		rc = -1;
	}
	else
	{
		warnf("%s", err.text ? err.text : "RDS Data API RollbackTransaction failed");
		hintf("the transaction stays open on the server, holding setup's lock, until the Data API rolls it back after 3 idle minutes; a roles command started before then waits for it");
		aws_error_clean_up(&err);
		rc = -1;
	}
	free(s->st.transaction_id);
	s->st.transaction_id = NULL;
	return rc;
}


/* Log in as user with a fresh IAM token over TLS; NULL and *why on failure. */
PGconn *
token_connect(struct awsenv *e, const char *user, char **why)
{
	char	   *token = aws_rds_auth_token(e->cluster.endpoint, e->cluster.port, user,
										   e->cfg->region, &e->creds, time(NULL));
	char		port[16];
	const char *keys[] = {"host", "port", "dbname", "user", "password", "sslmode",
	"connect_timeout", "sslrootcert", NULL};
	const char *values[9];
	PGconn	   *conn;

	*why = NULL;
	if (token == NULL)
	{
		*why = xstrdup("could not sign an IAM token");
		return NULL;
	}
	snprintf(port, sizeof(port), "%d", e->cluster.port);
	values[0] = e->cluster.endpoint;
	values[1] = port;
	values[2] = e->cfg->database;
	values[3] = user;
	values[4] = token;
	values[5] = cluster_sslmode(e);
	values[6] = "10";
	values[7] = e->cfg->ssl_root_cert;	/* NULL ends the list where there is none */
	values[8] = NULL;
	conn = PQconnectdbParams(keys, values, 0);
	wipe_free(token);
	if (PQstatus(conn) != CONNECTION_OK)
	{
		const char *msg = PQerrorMessage(conn);
		size_t		n = strlen(msg);

		while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			n--;
		*why = str_printf("%.*s", (int) n, msg);
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

/* check --login: role logs in with an IAM token (a roles_login callback). */
static bool
login_check(void *arg, const char *role, char **detail)
{
	struct awsenv *e = arg;
	PGconn	   *conn;

	if (e->cluster.endpoint == NULL)
	{
		*detail = xstrdup("the cluster has no endpoint");
		return false;
	}
	if ((conn = token_connect(e, role, detail)) == NULL)
		return false;
	PQfinish(conn);
	*detail = str_printf("logged in to \"%s\" with an IAM token over TLS", e->cfg->database);
	return true;
}

/*
 * check --login-if-reachable: whether a TCP path to the endpoint (or to
 * PGHOSTADDR, a tunnel) exists; when not, the login is not tried, and said
 * so.  --login always tries.
 */
static bool
login_reachable(struct awsenv *e)
{
	const char *hostaddr = getenv("PGHOSTADDR");
	const char *host = hostaddr && *hostaddr ? hostaddr : e->cluster.endpoint;
	char	   *why = NULL;
	bool		ok;

	if (e->opts->login || !e->opts->login_if_reachable)
		return true;
	ok = host && doctor_tcp_connect(host, e->cluster.port, 5000, &why);
	if (!ok)
		notef("roles check: login not tried: %s (from inside the VPC, or through a tunnel with PGHOSTADDR, it is; \"appdb doctor\" says more)",
			  why ? why : "the cluster has no endpoint");
	free(why);
	return ok;
}

static int
cmd_roles(struct awsenv *e)
{
	struct data_api_session s = {0};
	struct roles_session session = {0};
	struct roles_login login = {login_check, e, NULL};
	char	   *where;
	char	   *hint;
	int			rc;

	if ((rc = require_cluster(e)) != EXIT_GO_ON)
		return rc;
	if (e->cluster.master_user_secret_arn == NULL)
	{
		errorf("cluster %s has no master user secret in Secrets Manager; the Data API needs one", e->name);
		hintf("appdb provision creates the cluster with ManageMasterUserPassword");
		return EXIT_FAILURE_REMOTE;
	}
	if (!e->cluster.http_endpoint_enabled)
	{
		errorf("cluster %s has its Data API (HTTP endpoint) off", e->name);
		hintf("run \"appdb provision\", which turns it on");
		return EXIT_FAILURE_REMOTE;
	}
	s.client = e->client;
	s.target = (struct aws_rdsdata_target) {e->cluster.arn, e->cluster.master_user_secret_arn, e->cfg->database};
	s.st = (struct rdsdata_exec_state) {e->client, e->cluster.arn, e->cluster.master_user_secret_arn,
	e->cfg->database, NULL, 0};
	where = str_printf("database \"%s\" of cluster %s", e->cfg->database, e->name);
	rdsdata_executor_init(&session.exec, &s.st);
	session.begin = data_api_begin;
	session.finish = data_api_finish;
	session.state = &s;
	session.where = where;
	hint = str_printf("logging in needs a network path to %s:%d (inside the VPC, or a tunnel to it on local port %d with PGHOSTADDR=127.0.0.1) and the role's rds-db:connect policy",
					  e->cluster.endpoint ? e->cluster.endpoint : e->name, e->cluster.port, e->cluster.port);
	login.hint = hint;
	rc = roles_command_in(&session, e->opts, e->cfg, login_reachable(e) ? &login : NULL);
	verbosef("%d ExecuteStatement calls through the Data API", s.st.calls);
	free(s.st.transaction_id);
	free(where);
	free(hint);
	return rc;
}

/* url and psql: app, migrator or a read-only user, with a fresh IAM token. */
static int
cmd_url(struct awsenv *e)
{
	const char *role = e->opts->role ? e->opts->role : "app";
	const char *user;
	char	   *token;
	int			rc;

	if (strcmp(role, "master") == 0)
	{
		errorf("--role master is the local provider's; on Aurora the master's password stays in Secrets Manager");
		hintf("connect as app, migrator or a read-only user with IAM tokens; roles setup and check reach the master through the Data API");
		return EXIT_USAGE;
	}
	/* app, migrator, or a read-only user the config names (checked by appdb.c) */
	user = strcmp(role, "migrator") == 0 ? e->cfg->migrator_user :
		strcmp(role, "app") == 0 ? e->cfg->app_user : role;
	if ((rc = require_cluster(e)) != EXIT_GO_ON)
		return rc;
	if (e->cluster.endpoint == NULL)
	{
		errorf("cluster %s has no endpoint yet (it is %s)", e->name, e->cluster.status ? e->cluster.status : "?");
		return EXIT_FAILURE_REMOTE;
	}
	token = aws_rds_auth_token(e->cluster.endpoint, e->cluster.port, user, e->cfg->region,
							   &e->creds, time(NULL));
	if (token == NULL)
	{
		errorf("could not sign an IAM token");
		return EXIT_FAILURE_REMOTE;
	}
	{
		char	   *euser = uri_encode(user, "");
		char	   *etoken = uri_encode(token, "");
		char	   *edb = uri_encode(e->cfg->database, "");
		char	   *eroot = e->cfg->ssl_root_cert ? uri_encode(e->cfg->ssl_root_cert, "/") : NULL;
		bool		print = e->opts->command == CMD_URL;
		char	   *url;

		/*
		 * url: the token is the password, printed because it was asked for
		 * (DESIGN §7); psql: the same URL (encoded: no conninfo quoting to
		 * get wrong) without it, the token in the environment instead.
		 */
		url = str_printf("postgresql://%s%s%s@%s:%d/%s?sslmode=%s%s%s", euser, print ? ":" : "",
						 print ? etoken : "", e->cluster.endpoint, e->cluster.port, edb,
						 cluster_sslmode(e), eroot ? "&sslrootcert=" : "", eroot ? eroot : "");
		free(eroot);
		wipe_free(etoken);
		free(euser);
		free(edb);
		if (print)
		{
			print_url(role, url, e->opts->output);
			wipe_free(url);
			wipe_free(token);
			return EXIT_OK;
		}
		setenv("PGPASSWORD", token, 1);
		wipe_free(token);
		exec_psql("psql", url, e->opts->psql_args);
		errorf("cannot run psql: %s", strerror(errno));
		hintf("install the PostgreSQL client (psql)");
		free(url);
		return EXIT_FAILURE_REMOTE;
	}
}

/* status --output json: the cluster (NULL: absent), its instances, or the snapshots left. */
static void
print_status_json(struct awsenv *e, const struct aws_rds_instance_list *list,
				  const struct aws_rds_snapshot_list *snaps)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *a = json_object_new_array();
	const struct aws_rds_cluster *c = &e->cluster;
	size_t		i;

#define STR(s) ((s) ? json_object_new_string(s) : NULL)
	json_object_object_add(obj, "provider", json_object_new_string("aws"));
	json_object_object_add(obj, "state", c->found ? STR(c->status) : json_object_new_string("absent"));
	json_object_object_add(obj, "cluster", json_object_new_string(e->name));
	json_object_object_add(obj, "region", json_object_new_string(e->cfg->region));
	json_object_object_add(obj, "temporary", json_object_new_boolean(e->cfg->temporary));
	if (c->found)
	{
		json_object_object_add(obj, "endpoint", STR(c->endpoint));
		json_object_object_add(obj, "port", json_object_new_int(c->port));
		json_object_object_add(obj, "engine", STR(c->engine));
		json_object_object_add(obj, "engine_version", STR(c->engine_version));
		json_object_object_add(obj, "pending_engine_version", STR(c->pending_engine_version));
		json_object_object_add(obj, "min_capacity", json_object_new_double(c->min_capacity));
		json_object_object_add(obj, "max_capacity", json_object_new_double(c->max_capacity));
		json_object_object_add(obj, "database", STR(c->database_name ? c->database_name : e->cfg->database));
		json_object_object_add(obj, "data_api", json_object_new_boolean(c->http_endpoint_enabled));
		json_object_object_add(obj, "iam_auth", json_object_new_boolean(c->iam_database_authentication_enabled));
		json_object_object_add(obj, "deletion_protection", json_object_new_boolean(c->deletion_protection));
		for (i = 0; i < list->n; i++)
		{
			struct json_object *inst = json_object_new_object();

			json_object_object_add(inst, "identifier", STR(list->v[i].identifier));
			json_object_object_add(inst, "instance_class", STR(list->v[i].instance_class));
			json_object_object_add(inst, "status", STR(list->v[i].status));
			json_object_array_add(a, inst);
		}
		json_object_object_add(obj, "instances", a);
	}
	else
	{
		for (i = 0; i < snaps->ids.n; i++)
		{
			struct json_object *snap = json_object_new_object();

			json_object_object_add(snap, "identifier", STR(snaps->ids.v[i]));
			json_object_object_add(snap, "status", STR(snaps->statuses.v[i]));
			json_object_array_add(a, snap);
		}
		json_object_object_add(obj, "snapshots", a);
	}
#undef STR
	print_json(obj);
}

static int
cmd_status(struct awsenv *e)
{
	struct aws_rds_instance_list list = {0};
	struct aws_error err;
	bool		json = e->opts->output == OUTPUT_JSON;
	size_t		i;

	aws_error_init(&err);
	if (aws_rds_describe_db_cluster(e->client, e->name, &e->cluster, &err) != AWS_OK)
		return aws_failed(&err);
	if (!e->cluster.found)
	{
		struct aws_rds_snapshot_list snaps = {0};

		/* where a destroyed cluster's data is */
		if (aws_rds_describe_cluster_snapshots(e->client, e->name, &snaps, &err) != AWS_OK)
			return aws_failed(&err);
		if (json)
			print_status_json(e, &list, &snaps);
		else
		{
			printf("state:     absent (cluster %s does not exist in %s; run provision)\n", e->name, e->cfg->region);
			if (e->cfg->temporary)
				printf("temporary: yes\n");
			for (i = 0; i < snaps.ids.n; i++)
				printf("snapshot:  %s (%s)\n", snaps.ids.v[i], snaps.statuses.v[i] ? snaps.statuses.v[i] : "?");
		}
		aws_rds_snapshot_list_clean_up(&snaps);
		return EXIT_OK;
	}
	if (aws_rds_describe_cluster_instances(e->client, e->name, &list, &err) != AWS_OK)
		return aws_failed(&err);
	if (json)
	{
		print_status_json(e, &list, NULL);
		aws_rds_instance_list_clean_up(&list);
		return EXIT_OK;
	}
	printf("state:     %s\n", e->cluster.status ? e->cluster.status : "?");
	printf("cluster:   %s (%s)\n", e->name, e->cfg->region);
	if (e->cluster.endpoint)
		printf("endpoint:  %s:%d\n", e->cluster.endpoint, e->cluster.port);
	printf("engine:    %s %s\n", e->cluster.engine ? e->cluster.engine : "?",
		   e->cluster.engine_version ? e->cluster.engine_version : "?");
	printf("capacity:  %g–%g ACU (Serverless v2)\n", e->cluster.min_capacity, e->cluster.max_capacity);
	printf("database:  %s\n", e->cluster.database_name ? e->cluster.database_name : e->cfg->database);
	printf("data api:  %s\n", e->cluster.http_endpoint_enabled ? "on" : "off");
	printf("iam auth:  %s\n", on_off(e->cluster.iam_database_authentication_enabled));
	printf("deletion protection: %s\n", on_off(e->cluster.deletion_protection));
	if (e->cfg->temporary)
		printf("temporary: yes\n");
	if (e->cluster.pending_engine_version)
		printf("pending:   engine version %s, at the next maintenance window (%s UTC)\n",
			   e->cluster.pending_engine_version,
			   e->cluster.maintenance_window ? e->cluster.maintenance_window : "?");
	for (i = 0; i < list.n; i++)
		printf("instance:  %s (%s, %s)\n", list.v[i].identifier,
			   list.v[i].instance_class ? list.v[i].instance_class : "?",
			   list.v[i].status ? list.v[i].status : "?");
	aws_rds_instance_list_clean_up(&list);
	return EXIT_OK;
}

/* configure --provider aws: the region as the SDKs find it, then the file. */
static int
aws_configure_env(const struct appdb_options *opts)
{
	char	   *region = NULL;
	struct aws_error err;
	int			rc;

	aws_report_install();
	aws_error_init(&err);
	if (aws_resolve_region(opts->region, opts->profile, &region, &err) != AWS_OK)
		return aws_report_error(&err);
	rc = env_config_configure(opts, region);
	free(region);
	return rc;
}

/* Open the environment, run one command on it, close it. */
static int
aws_run(const struct appdb_options *opts, const struct env_config *cfg, int (*command) (struct awsenv *e))
{
	struct awsenv e;
	int			rc;

	if ((rc = awsenv_open(&e, opts, cfg)) == EXIT_GO_ON)
		rc = command(&e);
	awsenv_free(&e);
	return rc;
}

static int
aws_plan(const struct appdb_options *opts, const struct env_config *cfg)
{
	return aws_run(opts, cfg, cmd_plan);
}

static int
aws_provision(const struct appdb_options *opts, const struct env_config *cfg)
{
	return aws_run(opts, cfg, cmd_provision);
}

static int
aws_roles(const struct appdb_options *opts, const struct env_config *cfg)
{
	return aws_run(opts, cfg, cmd_roles);
}

static int
aws_url(const struct appdb_options *opts, const struct env_config *cfg)
{
	return aws_run(opts, cfg, cmd_url);
}

static int
aws_status(const struct appdb_options *opts, const struct env_config *cfg)
{
	return aws_run(opts, cfg, cmd_status);
}

static int
aws_outputs(const struct appdb_options *opts, const struct env_config *cfg)
{
	return aws_run(opts, cfg, cmd_outputs);
}

static int
aws_destroy(const struct appdb_options *opts, const struct env_config *cfg)
{
	return aws_run(opts, cfg, cmd_destroy);
}

static int
aws_doctor(const struct appdb_options *opts, const struct env_config *cfg)
{
	return aws_run(opts, cfg, cmd_doctor);
}

/* Its options are checked by awsenv_open, with the credentials. */
const struct provider aws_provider = {
	.name = "aws",
	.configure = aws_configure_env,
	.plan = aws_plan,
	.provision = aws_provision,
	.roles = aws_roles,
	.url = aws_url,
	.status = aws_status,
	.outputs = aws_outputs,
	.destroy = aws_destroy,
	.doctor = aws_doctor,
};
