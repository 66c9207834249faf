/*
 * cli/local/commands.c
 *		The local provider's operations (cli/provider.h): configure, plan,
 *		provision, roles, url and psql, status, outputs, destroy.
 *
 * Every step of provision is idempotent: it looks, then does only what is
 * missing, so a provision that stopped halfway is completed by the next.
 * Nothing is used or deleted before state.c has found it this environment's.
 */
#include "local.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/envlock.h"
#include "cli/msgs.h"
#include "cli/output.h"
#include "cli/roles.h"
#include "local_int.h"

/* provision: make, start and bootstrap whatever is missing. */
static int
local_provision(const struct appdb_options *opts, const struct env_config *cfg)
{
	struct local_env e;
	char	   *bindir = NULL;
	int			major = 0;
	int			rc;
	int			changes = 0;
	bool		fresh = false;	/* the data's home was made just now */
	bool		gone;
	struct plan_lines steps;	/* --output json: what was done */

	plan_lines_init(&steps, opts->output);
	if ((rc = local_load(cfg, &e)) != EXIT_GO_ON)
		goto out;
	bindir = choose_bindir(opts, cfg);
	if (e.exists && (opts->pg_bindir || cfg->pg_bindir) && bindir &&
		strcmp(bindir, e.bindir) != 0)
	{
		errorf("this environment's cluster runs PostgreSQL %d from %s, not %s", e.major, e.bindir, bindir);
		hintf("\"appdb destroy\" then \"appdb provision\" makes a new cluster (its data is lost)");
		rc = EXIT_USAGE;
		goto out;
	}
	if (!e.exists)
	{
		if ((rc = check_bindir(bindir, &major)) != EXIT_GO_ON)
			goto out;
		e.bindir = xstrdup(bindir);
		e.major = major;
		e.port = cfg->port ? cfg->port : free_port();
		/* a taken port is found before anything is made */
		if (e.port > 0 && (rc = check_port(e.port)) != EXIT_GO_ON)
			goto out;
		if (e.port <= 0 || make_data_home(&e, cfg) != 0 || local_save(&e) != 0)
		{
			errorf("cannot prepare the environment in %s", e.state_dir);
			rc = EXIT_FAILURE_REMOTE;
			goto out;
		}
		e.exists = true;
		fresh = true;
		plan_keep(&steps, "create", "the environment's state directory");
		changes++;
	}
	else
	{
		/* nothing is used or deleted before it is known to be ours */
		if ((rc = check_own(&e, cfg, &gone)) != EXIT_GO_ON)
			goto out;
		if (access(e.bindir, X_OK) != 0)
		{
			errorf("this environment's PostgreSQL %d binaries are gone from %s", e.major, e.bindir);
			rc = EXIT_FAILURE_REMOTE;
			goto out;
		}
		/* its home removed from outside: a new one (the warning is below) */
		if (gone && (make_data_home(&e, cfg) != 0 || local_save(&e) != 0))
		{
			rc = EXIT_FAILURE_REMOTE;
			goto out;
		}
		if (cfg->port && cfg->port != e.port)
		{
			if ((rc = move_port(&e, cfg->port)) != EXIT_GO_ON)
				goto out;
			plan_keep(&steps, "change", "the port");
			changes++;
		}
	}

	/* no ready marker: initdb or our configuration did not finish; do both again */
	if (!cluster_ready(&e))
	{
		if (access(e.data_dir, F_OK) == 0)
		{
			notef("%s was left half made (a provision was stopped); making it again", e.data_dir);
			if (remove_tree(e.data_dir) != 0)
			{
				errorf("cannot remove %s", e.data_dir);
				rc = EXIT_FAILURE_REMOTE;
				goto out;
			}
		}
		else if (!fresh)
			warnf("the data directory %s was removed from outside; making a new, empty cluster (run \"appdb roles setup\" again after)",
				  e.data_dir);
		pgpass_remove_all(&e);
		if (init_cluster(&e) != 0)
		{
			rc = EXIT_FAILURE_REMOTE;
			goto out;
		}
		plan_keep(&steps, "create", "the cluster (initdb), its certificate; every connection over TLS");
		changes++;
	}
	else if (!tls_configured(&e))
	{
		/* made before appdb's local clusters took TLS: they do now */
		notef("the cluster takes connections over TLS only from now on (a certificate in %s)", e.data_dir);
		if (configure_cluster(&e) != 0 || (server_running(&e) && server_reload(&e) != 0))
		{
			rc = EXIT_FAILURE_REMOTE;
			goto out;
		}
		plan_keep(&steps, "change", "connections over TLS only");
		changes++;
	}
	else if (!hba_as_configured(&e))
	{
		notef("%s", e.master_tls ? "the master and rdsadmin log in over TLS only from now on (master_tls)" :
			  "the master and rdsadmin may log in without TLS too from now on (master_tls off)");
		if (configure_cluster(&e) != 0 || (server_running(&e) && server_reload(&e) != 0))
		{
			rc = EXIT_FAILURE_REMOTE;
			goto out;
		}
		plan_keep(&steps, "change", e.master_tls ? "the master and rdsadmin over TLS only" :
				  "the master and rdsadmin also without TLS");
		changes++;
	}
	if (!server_running(&e))
	{
		if ((rc = check_port(e.port)) != EXIT_GO_ON)
			goto out;
		if (server_start(&e) != 0)
		{
			rc = EXIT_FAILURE_REMOTE;
			goto out;
		}
		plan_keep(&steps, "start", "the server");
		changes++;
	}
	progressf("checking the roles and database of the bootstrap");
	rc = bootstrap(&e, cfg);
	progress_done();
	if (rc < 0)
	{
		rc = EXIT_FAILURE_REMOTE;
		goto out;
	}
	if (rc > 0)
		plan_keep(&steps, "create", "the bootstrap's roles, database or extension, where missing");
	changes += rc;
	if (changes == 0)
		notef("provision: nothing to change; the cluster is running (PostgreSQL %d, port %d, database \"%s\")",
			  e.major, e.port, cfg->database);
	else
		notef("provision: the cluster is running (PostgreSQL %d, port %d, database \"%s\")",
			  e.major, e.port, cfg->database);
	if (opts->output == OUTPUT_JSON)
	{
		struct json_object *obj = json_object_new_object();

		json_object_object_add(obj, "provider", json_object_new_string("local"));
		json_object_object_add(obj, "changed", json_object_new_boolean(changes > 0));
		json_object_object_add(obj, "steps", plan_lines_take(&steps));
		json_object_object_add(obj, "state", json_object_new_string("running"));
		json_object_object_add(obj, "engine_version", json_object_new_int(e.major));
		json_object_object_add(obj, "endpoint", json_object_new_string("127.0.0.1"));
		json_object_object_add(obj, "port", json_object_new_int(e.port));
		json_object_object_add(obj, "database", json_object_new_string(cfg->database));
		json_object_object_add(obj, "data_dir", json_object_new_string(e.data_dir));
		print_json(obj);
	}
	rc = EXIT_OK;
out:
	plan_lines_free(&steps);
	free(bindir);
	local_env_free(&e);
	return rc;
}

/* plan: what provision would do, changing nothing. */
static int
local_plan(const struct appdb_options *opts, const struct env_config *cfg)
{
	struct local_env e;
	char	   *bindir;
	int			major = 0;
	int			rc;
	bool		gone;
	struct plan_lines lines;

	if ((rc = local_load(cfg, &e)) != EXIT_GO_ON)
		return rc;
	plan_lines_init(&lines, opts->output);
	bindir = choose_bindir(opts, cfg);
	if (!e.exists)
	{
		if ((rc = check_bindir(bindir, &major)) == EXIT_GO_ON)
		{
			plan_line(&lines, "create", "a PostgreSQL %d cluster from %s, in %s", major, bindir,
					  running_as_root() ? "/var/tmp (run by an unprivileged OS user)" : e.state_dir);
			plan_line(&lines, "create", "roles rds_superuser, rds_iam, rds_password; master \"%s\" (not a superuser)",
					  MASTER_USER);
			plan_line(&lines, "create", "database \"%s\" owned by \"%s\", with the app_roles extension where available",
					  cfg->database, MASTER_USER);
			if (cfg->port)
				plan_line(&lines, "start", "the server on 127.0.0.1, port %d", cfg->port);
			else
				plan_line(&lines, "start", "the server on 127.0.0.1, on a free port");
			plan_line(&lines, "create", "a certificate for the cluster; every connection over TLS (hostssl)%s",
					  cfg->master_tls ? "" : ", the master's and rdsadmin's also without (master_tls off)");
			rc = EXIT_OK;
		}
	}
	else if (bindir && (opts->pg_bindir || cfg->pg_bindir) && strcmp(bindir, e.bindir) != 0)
	{
		plan_line(&lines, "conflict", "the cluster runs PostgreSQL %d from %s, not %s (destroy it to change)",
				  e.major, e.bindir, bindir);
		rc = EXIT_USAGE;
	}
	else if ((rc = check_own(&e, cfg, &gone)) == EXIT_GO_ON)
	{
		int			port = cfg->port ? cfg->port : e.port;

		if (gone || !cluster_ready(&e))
		{
			plan_line(&lines, "create", "a new, empty PostgreSQL %d cluster in %s (%s)", e.major, e.data_dir,
					  !gone && access(e.data_dir, F_OK) == 0 ? "the one there is half made" :
					  "the data directory was removed from outside");
			plan_line(&lines, "start", "the server on 127.0.0.1, port %d", port);
		}
		else
		{
			bool		tls = tls_configured(&e) && hba_as_configured(&e);

			if (!tls_configured(&e))
				plan_line(&lines, "change", "connections over TLS only (a certificate made for the cluster, hostssl in pg_hba.conf)");
			else if (!tls)
				plan_line(&lines, "change", "%s", e.master_tls ?
						  "the master and rdsadmin log in over TLS only (master_tls; pg_hba.conf)" :
						  "the master and rdsadmin may also log in without TLS (master_tls off; pg_hba.conf)");
			if (port != e.port)
				plan_line(&lines, "change", "the port from %d to %d (postgresql.conf, state.json, the password file)",
						  e.port, port);
			if (!server_running(&e))
				plan_line(&lines, "start", "the stopped cluster (PostgreSQL %d, port %d)", e.major, port);
			else if (port != e.port)
				plan_line(&lines, "restart", "the cluster (PostgreSQL %d) on port %d", e.major, port);
			if (!server_running(&e) || port != e.port || !tls)
				plan_line(&lines, "leave", "everything else (checked when it runs)");
			else
				plan_line(&lines, "leave", "the running cluster (PostgreSQL %d, port %d, database \"%s\"); nothing to change",
						  e.major, e.port, cfg->database);
		}
		rc = EXIT_OK;
	}
	/* a conflict is plan's answer too: printed, with exit 2 */
	if (opts->output == OUTPUT_JSON && (rc == EXIT_OK || json_object_array_length(lines.list) > 0))
	{
		struct json_object *obj = json_object_new_object();

		json_object_object_add(obj, "provider", json_object_new_string("local"));
		json_object_object_add(obj, "changes", plan_lines_take(&lines));
		print_json(obj);
	}
	plan_lines_free(&lines);
	free(bindir);
	local_env_free(&e);
	return rc;
}

/*
 * local_load, where an environment without a cluster yet is a usage error;
 * on an error e is freed.
 */
static int
require_cluster(const struct env_config *cfg, struct local_env *e)
{
	int			rc = local_load(cfg, e);

	if (rc == EXIT_GO_ON && !e->exists)
	{
		errorf("environment %s-%s has no cluster yet", cfg->app, cfg->env);
		hintf("run \"appdb provision\" first");
		rc = EXIT_USAGE;
	}
	if (rc != EXIT_GO_ON)
		local_env_free(e);
	return rc;
}

/* check --login: role logs in with its password (a roles_login callback). */
struct login_env
{
	const struct local_env *e;
	const struct env_config *cfg;
};

static bool
login_check(void *arg, const char *role, char **detail)
{
	const struct login_env *l = arg;
	PGconn	   *conn;

	if (!pgpass_has(l->e, role))
	{
		*detail = xstrdup("no password yet: run \"appdb roles setup\"");
		return false;
	}
	conn = local_connect(l->e, role, l->cfg->database);
	if (conn == NULL)
	{
		*detail = xstrdup("could not log in");
		return false;
	}
	PQfinish(conn);
	*detail = str_printf("logged in to \"%s\" with its password", l->cfg->database);
	return true;
}

/*
 * A password, in its own password file, for each role setup manages that has
 * none yet: app and migrator said in one line (the first setup's), each
 * read-only user in its own.
 */
static int
set_new_passwords(struct local_env *e, const struct env_config *cfg)
{
	char	  **users = NULL;
	PGconn	   *boot = NULL;
	bool		fresh[2] = {!pgpass_has(e, cfg->migrator_user), !pgpass_has(e, cfg->app_user)};
	int			rc = EXIT_OK;
	int			i;

	strv_add(&users, cfg->migrator_user);
	strv_add(&users, cfg->app_user);
	for (i = 0; cfg->readonly_users && cfg->readonly_users[i]; i++)
		strv_add(&users, cfg->readonly_users[i]);
	for (i = 0; users[i] && rc == EXIT_OK; i++)
	{
		char	   *file;

		if (pgpass_has(e, users[i]))
			continue;
		if (boot == NULL && (boot = local_connect(e, BOOTSTRAP_USER, cfg->database)) == NULL)
			rc = EXIT_FAILURE_REMOTE;
		else if (set_password(e, boot, users[i]) != 0)
			rc = EXIT_FAILURE_REMOTE;
		else if (i >= 2)
		{
			file = pgpass_path(e, users[i]);
			notef("the password of \"%s\" is in %s (readable by you only)", users[i], file);
			free(file);
		}
	}
	if (rc == EXIT_OK && fresh[0] && fresh[1])
	{
		char	   *files[2] = {pgpass_path(e, users[0]), pgpass_path(e, users[1])};

		notef("passwords of \"%s\" and \"%s\" are in %s and %s (readable by you only)",
			  users[0], users[1], files[0], files[1]);
		free(files[0]);
		free(files[1]);
	}
	PQfinish(boot);
	strv_free(&users);
	return rc;
}

/* roles setup, plan and check as the master; setup then gives app and migrator passwords. */
static int
local_roles(const struct appdb_options *opts, const struct env_config *cfg)
{
	struct local_env e;
	struct login_env le = {&e, cfg};
	struct roles_login login = {login_check, &le, NULL};
	PGconn	   *master;
	int			rc;

	if ((rc = require_cluster(cfg, &e)) != EXIT_GO_ON)
		return rc;
	if ((master = local_connect(&e, MASTER_USER, cfg->database)) == NULL)
	{
		local_env_free(&e);
		return EXIT_FAILURE_REMOTE;
	}
	rc = roles_command(master, opts, cfg, &login);
	/* it may have stopped, or been killed, since we connected */
	if (rc == EXIT_FAILURE_REMOTE)
		hint_if_stopped(&e, PQstatus(master) == CONNECTION_BAD);
	PQfinish(master);

	/* passwords for app, migrator and read-only users, once: right after setup first creates them */
	if (rc == EXIT_OK && opts->command == CMD_ROLES_SETUP)
		rc = set_new_passwords(&e, cfg);
	local_env_free(&e);
	return rc;
}

/*
 * The connection string of role: no password, passfile= instead; TLS,
 * verified against the cluster's own certificate.
 */
static char *
connection_url(const struct local_env *e, const struct env_config *cfg, const char *role,
			   char **user_out)
{
	/* else a read-only user's name (appdb.c checked it) */
	const char *user = strcmp(role, "master") == 0 ? MASTER_USER :
		strcmp(role, "migrator") == 0 ? cfg->migrator_user :
		strcmp(role, "app") == 0 ? cfg->app_user : role;
	char	   *euser;
	char	   *edb;
	char	   *passfile = pgpass_path(e, user);
	char	   *root = tls_root_path(e);
	char	   *epass;
	char	   *eroot;
	char	   *url;

	euser = uri_encode(user, "");
	edb = uri_encode(cfg->database, "");
	epass = uri_encode(passfile, "/");
	eroot = uri_encode(root, "/");
	free(passfile);
	free(root);
	url = str_printf("postgresql://%s@127.0.0.1:%d/%s?passfile=%s&sslmode=" SSLMODE "&sslrootcert=%s",
					 euser, e->port, edb, epass, eroot);
	*user_out = xstrdup(user);
	free(euser);
	free(edb);
	free(epass);
	free(eroot);
	return url;
}

/* url: the connection string of --role; psql: psql on it. */
static int
local_url(const struct appdb_options *opts, const struct env_config *cfg)
{
	struct local_env e;
	const char *role = opts->role ? opts->role : "app";
	char	   *user;
	char	   *url;
	int			rc;

	if ((rc = require_cluster(cfg, &e)) != EXIT_GO_ON)
		return rc;
	url = connection_url(&e, cfg, role, &user);
	if (!pgpass_has(&e, user))
	{
		errorf("\"%s\" has no password yet", user);
		hintf("run \"appdb roles setup\" first");
		rc = EXIT_USAGE;
	}
	else if (opts->command == CMD_URL)
	{
		print_url(role, url, opts->output);
		rc = EXIT_OK;
	}
	else
	{
		char	   *psql = str_printf("%s/psql", e.bindir);

		if (access(psql, X_OK) != 0)
		{
			free(psql);
			psql = xstrdup("psql");
		}
		exec_psql(psql, url, opts->psql_args);
		errorf("cannot run %s: %s", psql, strerror(errno));
		free(psql);
		rc = EXIT_FAILURE_REMOTE;
	}
	free(url);
	free(user);
	local_env_free(&e);
	return rc;
}

/* status: the cluster's state, version, endpoint and data directory. */
static int
local_status(const struct appdb_options *opts, const struct env_config *cfg)
{
	struct local_env e;
	bool		running;
	bool		missing;
	const char *state;
	int			rc;
	struct json_object *obj;

	if ((rc = local_load(cfg, &e)) != EXIT_GO_ON)
		return rc;
	running = e.exists && server_running(&e);
	missing = e.exists && !running && access(e.data_dir, F_OK) != 0 && errno == ENOENT;
	state = !e.exists ? "absent" : running ? "running" : missing ? "missing" : "stopped";
	if (opts->output == OUTPUT_JSON)
	{
		obj = json_object_new_object();
		json_object_object_add(obj, "provider", json_object_new_string("local"));
		json_object_object_add(obj, "state", json_object_new_string(state));
		if (e.exists)
		{
			json_object_object_add(obj, "engine_version", json_object_new_int(e.major));
			json_object_object_add(obj, "endpoint", json_object_new_string("127.0.0.1"));
			json_object_object_add(obj, "port", json_object_new_int(e.port));
			json_object_object_add(obj, "database", json_object_new_string(cfg->database));
			json_object_object_add(obj, "data_dir", json_object_new_string(e.data_dir));
			json_object_object_add(obj, "bindir", json_object_new_string(e.bindir));
		}
		print_json(obj);
	}
	else if (!e.exists)
		printf("state:     absent (run \"appdb provision\")\n");
	else
		printf("state:     %s%s\nengine:    PostgreSQL %d (%s)\nendpoint:  127.0.0.1:%d\n"
			   "database:  %s\ndata:      %s\n",
			   state, missing ? " (the data directory was removed: \"appdb provision\" makes a new, empty cluster)" : "",
			   e.major, e.bindir, e.port, cfg->database, e.data_dir);
	local_env_free(&e);
	return EXIT_OK;
}

/*
 * outputs: where each role connects, and its password file and url (as
 * "appdb url" prints it); a role without its password yet is missing.
 */
static int
local_outputs(const struct appdb_options *opts, const struct env_config *cfg)
{
	/* app, migrator, master, then each read-only user */
	size_t		nro = strv_len(cfg->readonly_users);
	size_t		nroles = 3 + nro;
	struct output_item *items = xmalloc(sizeof(*items) * (17 + 2 * nro));
	struct local_env e;
	char	   *port;
	char	   *root;
	char	  **files = xmalloc(sizeof(char *) * nroles);
	char	  **urls = xmalloc(sizeof(char *) * nroles);
	char	  **users = xmalloc(sizeof(char *) * nroles);
	char	  **keys = xmalloc(sizeof(char *) * (2 * nro + 1));
	char	   *ro_users = xstrdup("");
	size_t		n = 0;
	size_t		i;
	int			rc;

	if ((rc = require_cluster(cfg, &e)) != EXIT_GO_ON)
	{
		free(items);
		free(files);
		free(urls);
		free(users);
		free(keys);
		free(ro_users);
		return rc;
	}
	port = str_printf("%d", e.port);
	/* the certificate clients verify the cluster with, once provision made it */
	root = tls_root_path(&e);
	if (!tls_configured(&e))
	{
		free(root);
		root = NULL;
	}
	for (i = 0; i < nroles; i++)
	{
		const char *role = i == 0 ? "app" : i == 1 ? "migrator" : i == 2 ? "master" : cfg->readonly_users[i - 3];

		urls[i] = connection_url(&e, cfg, role, &users[i]);
		files[i] = pgpass_path(&e, users[i]);
		if (!pgpass_has(&e, users[i]))
		{
			free(files[i]);
			free(urls[i]);
			files[i] = urls[i] = NULL;
		}
	}
	for (i = 0; i < nro; i++)
	{
		/* comma-joined: scripts split it on "," (a role name has none) */
		char	   *more = str_printf("%s%s%s", ro_users, i ? "," : "", cfg->readonly_users[i]);

		free(ro_users);
		ro_users = more;
		keys[2 * i] = str_printf("readonly_password_file.%s", cfg->readonly_users[i]);
		keys[2 * i + 1] = str_printf("readonly_url.%s", cfg->readonly_users[i]);
	}
	items[n++] = (struct output_item) {"provider", "local", NULL};
	items[n++] = (struct output_item) {"host", "127.0.0.1", NULL};
	items[n++] = (struct output_item) {"port", port, NULL};
	items[n++] = (struct output_item) {"database", cfg->database, NULL};
	items[n++] = (struct output_item) {"schema", cfg->schema, NULL};
	items[n++] = (struct output_item) {"app_user", cfg->app_user, NULL};
	items[n++] = (struct output_item) {"migrator_user", cfg->migrator_user, NULL};
	items[n++] = (struct output_item) {"master_user", MASTER_USER, NULL};
	items[n++] = (struct output_item) {"readonly_users", ro_users, NULL};
	items[n++] = (struct output_item) {"app_password_file", files[0], "run \"appdb roles setup\""};
	items[n++] = (struct output_item) {"migrator_password_file", files[1], "run \"appdb roles setup\""};
	items[n++] = (struct output_item) {"master_password_file", files[2], "run \"appdb provision\""};
	for (i = 0; i < nro; i++)
		items[n++] = (struct output_item) {keys[2 * i], files[3 + i], "run \"appdb roles setup\""};
	items[n++] = (struct output_item) {"sslmode", SSLMODE, NULL};
	items[n++] = (struct output_item) {"ssl_root_cert", root, "run \"appdb provision\""};
	items[n++] = (struct output_item) {"app_url", urls[0], "run \"appdb roles setup\""};
	items[n++] = (struct output_item) {"migrator_url", urls[1], "run \"appdb roles setup\""};
	items[n++] = (struct output_item) {"master_url", urls[2], "run \"appdb provision\""};
	for (i = 0; i < nro; i++)
		items[n++] = (struct output_item) {keys[2 * i + 1], urls[3 + i], "run \"appdb roles setup\""};
	rc = print_outputs(items, n, opts->output);
	for (i = 0; i < nroles; i++)
	{
		free(files[i]);
		free(urls[i]);
		free(users[i]);
	}
	for (i = 0; i < 2 * nro; i++)
		free(keys[i]);
	free(keys);
	free(files);
	free(urls);
	free(users);
	free(items);
	free(ro_users);
	free(port);
	free(root);
	local_env_free(&e);
	return rc;
}

/* destroy --output json: what was deleted (data_dir NULL: nothing). */
static void
print_destroyed(const struct appdb_options *opts, const char *data_dir)
{
	struct json_object *obj;

	if (opts->output != OUTPUT_JSON)
		return;
	obj = json_object_new_object();
	json_object_object_add(obj, "provider", json_object_new_string("local"));
	json_object_object_add(obj, "destroyed", json_object_new_boolean(data_dir != NULL));
	json_object_object_add(obj, "data_dir", data_dir ? json_object_new_string(data_dir) : NULL);
	print_json(obj);
}

/* destroy: once confirmed, stop the server and delete what is provably this environment's. */
static int
local_destroy(const struct appdb_options *opts, const struct env_config *cfg)
{
	struct local_env e;
	int			rc;
	bool		gone = false;
	bool		found;

	if ((rc = local_read(cfg, &e)) != EXIT_GO_ON)
	{
		local_env_free(&e);
		return rc;
	}
	if (!e.exists && !e.damaged && env_state_empty(e.state_dir))	/* the lock only */
	{
		notef("destroy: environment %s-%s has no cluster; nothing to do", cfg->app, cfg->env);
		print_destroyed(opts, NULL);
		local_env_free(&e);
		return EXIT_OK;
	}
	/* without a usable state.json, what is provably ours is found by its marker */
	found = e.damaged || !e.exists;
	if (e.damaged)
		warnf("%s is damaged (%s); removing what this environment's marker proves its own",
			  e.state_path, e.damaged);
	else if (!found && (rc = check_own(&e, cfg, &gone)) != EXIT_GO_ON)
	{
		local_env_free(&e);
		return rc;
	}
	if (!opts->yes)
	{
		char		answer[128];
		char	   *name = str_printf("%s-%s", cfg->app, cfg->env);

		if (!isatty(STDIN_FILENO))
		{
			errorf("destroy deletes the cluster and all its data; refusing without --yes when not on a terminal");
			free(name);
			local_env_free(&e);
			return EXIT_USAGE;
		}
		fprintf(stderr, "This stops and deletes the cluster of %s and all its data (%s).\n"
				"Type the environment's name (%s) to go on: ",
				name, e.data_dir ? e.data_dir : e.state_dir, name);
		if (fgets(answer, sizeof(answer), stdin) == NULL ||
			(answer[strcspn(answer, "\n")] = '\0', strcmp(answer, name) != 0))
		{
			errorf("not confirmed; nothing changed");
			free(name);
			local_env_free(&e);
			return EXIT_USAGE;
		}
		free(name);
	}
	if (found)
	{
		if (destroy_found(&e, cfg) != 0)
		{
			errorf("destroy: some of this environment's data is left (above); its state in %s is kept", e.state_dir);
			local_env_free(&e);
			return EXIT_FAILURE_REMOTE;
		}
	}
	else if (!gone && server_running(&e) && server_stop(&e) != 0)
	{
		errorf("could not stop the server; nothing deleted");
		local_env_free(&e);
		return EXIT_FAILURE_REMOTE;
	}
	if ((!found && !gone && e.data_parent && remove_tree(e.data_parent) != 0) ||
		remove_tree(e.state_dir) != 0)
	{
		errorf("could not delete all of the environment's files");
		local_env_free(&e);
		return EXIT_FAILURE_REMOTE;
	}
	notef("destroy: the cluster of %s-%s and its data are deleted", cfg->app, cfg->env);
	print_destroyed(opts, e.data_dir ? e.data_dir : e.state_dir);
	local_env_free(&e);
	return EXIT_OK;
}

/* configure --provider local (the default): the config file only. */
static int
local_configure(const struct appdb_options *opts)
{
	return env_config_configure(opts, NULL);
}

/* The local provider has no waiting and no snapshots. */
static int
local_check_options(const struct appdb_options *opts)
{
	const char *given = opts->wait_delay >= 0 ? "--wait-delay" :
		opts->wait_max_attempts >= 0 ? "--wait-max-attempts" :
		opts->lift_deletion_protection ? "--lift-deletion-protection" :
		opts->skip_final_snapshot ? "--skip-final-snapshot" : NULL;

	if (given)
		return usage_error("option %s is for an aws environment; this one is local", given);
	return EXIT_GO_ON;
}

const struct provider local_provider = {
	.name = "local",
	.configure = local_configure,
	.check_options = local_check_options,
	.plan = local_plan,
	.provision = local_provision,
	.roles = local_roles,
	.url = local_url,
	.status = local_status,
	.outputs = local_outputs,
	.destroy = local_destroy,
	.doctor = local_doctor,
};
