/*
 * cli/aws_provider.c
 *		The aws provider: provision an Aurora Serverless v2 cluster and what
 *		template-infra's database module makes around it, set up and check
 *		its roles through the RDS Data API, and tear it all down.
 *
 * Every resource is one step: describe it, then create it if missing,
 * change what differs, else leave it.  plan runs the same steps with
 * apply off, so it says exactly what provision would do and makes only
 * read calls; a provision that stopped halfway is completed by the next.
 * Names derive from the config's cluster_name (NAME):
 *
 *   KMS key              alias/NAME-database (rotation on)
 *   parameter group      NAME-MAJOR (log_statement=ddl, log_min_duration_statement=100)
 *   DB subnet group      NAME
 *   security group       NAME-database (PostgreSQL from the VPC's own range)
 *   monitoring role      NAME-database-monitoring
 *   cluster, instance    NAME, NAME-1 (db.serverless, monitoring every 30 s)
 *   IAM policies         NAME-app-access, NAME-migrator-access (rds-db:connect)
 *   AWS Backup           vault, plan, selection NAME-database; role NAME-database-backup
 */
#include "aws_provider.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "aws/backup.h"
#include "aws/credentials.h"
#include "aws/ec2.h"
#include "aws/iam.h"
#include "aws/kms.h"
#include "aws/rds.h"
#include "aws/rdsdata.h"
#include "aws/request.h"
#include "aws/sts.h"
#include "aws/token.h"
#include "aws_report.h"
#include "core/catalog.h"
#include "msgs.h"
#include "pgexec.h"
#include "rdsdata_exec.h"
#include "roles.h"
#include "util.h"

#define MASTER_USER "postgres"
#define INSTANCE_CLASS "db.serverless"
#define MONITORING_INTERVAL 30
#define BACKUP_DELETE_AFTER_DAYS 35
#define KEY_DELETION_WINDOW_DAYS 30
#define KEY_UNNAMED_DELETION_WINDOW_DAYS 7	/* KMS's shortest */
#define MONITORING_POLICY "arn:%s:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
#define BACKUP_POLICY "arn:%s:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"

/* One run over one environment. */
struct awsenv
{
	const struct appdb_options *opts;
	const struct env_config *cfg;
	struct aws_credentials creds;
	struct aws_client *client;
	bool		apply;			/* provision: make the changes; plan: say them */
	int			rereading;		/* how often the step has been run again after a create found
								 * its resource there */
	time_t		started;		/* the run's start: its idempotency tokens */
	int			creates;
	int			changes;
	int			leaves;
	const char *name;			/* cfg->cluster_name */
	const char *partition;		/* "aws", "aws-cn", "aws-us-gov" */
	char	   *account;
	struct aws_tag tags[3];

	/* found or made by the steps, for the later ones (NULL: not yet) */
	char	   *vpc_id;
	char	   *vpc_cidr;
	struct aws_strings subnets;
	char	   *key_arn;
	char	   *pg_name;
	char	   *sg_id;
	char	   *monitoring_role_arn;
	char	   *backup_role_arn;
	struct aws_rds_cluster cluster;
};

static void
awsenv_free(struct awsenv *e)
{
	if (e->client)
		aws_client_free(e->client);
	aws_credentials_free(&e->creds);
	free(e->account);
	free(e->vpc_id);
	free(e->vpc_cidr);
	aws_strings_clean_up(&e->subnets);
	free(e->key_arn);
	free(e->pg_name);
	free(e->sg_id);
	free(e->monitoring_role_arn);
	free(e->backup_role_arn);
	aws_rds_cluster_clean_up(&e->cluster);
}

/* The partition of a region's ARNs. */
static const char *
region_partition(const char *region)
{
	if (strncmp(region, "cn-", 3) == 0)
		return "aws-cn";
	if (strncmp(region, "us-gov-", 7) == 0)
		return "aws-us-gov";
	return "aws";
}

static char *
resource_name(const struct awsenv *e, const char *suffix)
{
	return str_printf("%s%s", e->name, suffix);
}

/* The names provision gives and destroy looks for, each made in one place. */
static char *
key_alias(const struct awsenv *e)
{
	return str_printf("alias/%s-database", e->name);
}

static char *
parameter_group_name(const struct awsenv *e)
{
	return str_printf("%s-%d", e->name, env_engine_major(e->cfg->engine_version));
}

static char *
connect_policy_name(const struct awsenv *e, const char *role)
{
	return str_printf("%s-%s-access", e->name, role);
}

static char *
connect_policy_arn(const struct awsenv *e, const char *role)
{
	return str_printf("arn:%s:iam::%s:policy/%s-%s-access", e->partition, e->account, e->name, role);
}

/*
 * A failed AWS call: AWS's message, a hint where the cause is clear, and
 * the exit code (2 for what the user's configuration got wrong, else 3).
 */
static int
aws_failed(struct aws_error *err)
{
	int			code = err->status == AWS_ERR_CONFIG ? EXIT_USAGE : EXIT_FAILURE_REMOTE;

	errorf("%s", err->text ? err->text : "an AWS call failed");
	if (err->code && (strcmp(err->code, "AccessDenied") == 0 ||
					  strcmp(err->code, "AccessDeniedException") == 0 ||
					  strcmp(err->code, "UnauthorizedOperation") == 0))
		hintf("the credentials lack a permission appdb needs; the policy it needs is in policy/appdb.json (README: \"Permissions\")");
	else if (err->code && (strcmp(err->code, "InvalidClientTokenId") == 0 ||
						   strcmp(err->code, "SignatureDoesNotMatch") == 0 ||
						   strcmp(err->code, "AuthFailure") == 0 ||
						   strcmp(err->code, "ExpiredToken") == 0 ||
						   strcmp(err->code, "UnrecognizedClientException") == 0))
		hintf("AWS refused the credentials; check AWS_ACCESS_KEY_ID / the profile, or refresh the session");
	aws_error_clean_up(err);
	return code;
}

/* One step's outcome: plan prints it, provision reports what it does. */
static void
say(struct awsenv *e, const char *verb, const char *fmt,...) __attribute__((format(printf, 3, 4)));

static void
say(struct awsenv *e, const char *verb, const char *fmt,...)
{
	va_list		args;
	char	   *text;

	va_start(args, fmt);
	text = str_vprintf(fmt, args);
	va_end(args);
	if (strcmp(verb, "create") == 0)
		e->creates++;
	else if (strcmp(verb, "change") == 0)
		e->changes++;
	else if (strcmp(verb, "leave") == 0)
		e->leaves++;
	if (!e->apply)
		printf("%s: %s\n", verb, text);
	else if (strcmp(verb, "leave") == 0 || strcmp(verb, "use") == 0)
		verbosef("%s: %s", verb, text);
	else
		notef("%s: %s", verb, text);
	free(text);
}

/* ---- waiting ---- */

static void
sleep_seconds(int seconds)
{
	struct timespec ts = {seconds, 0};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Worth another poll: throttled, 5xx, no answer (the request path retried already). */
static bool
is_transient(const struct aws_error *err)
{
	return err->status == AWS_ERR_TRANSPORT || err->http_status >= 500 ||
		(err->code && (aws_retry_is_throttle_code(err->code) ||
					   aws_retry_is_transient_code(err->code)));
}

/* The statuses the SDK waiters stop on (AWS.md "Waiters"). */
static bool
is_failed_status(const char *status)
{
	static const char *const failed[] = {
		"deleted", "deleting", "failed", "incompatible-restore",
		"incompatible-parameters", "incompatible-network", "inaccessible-encryption-credentials", NULL
	};
	int			i;

	for (i = 0; failed[i]; i++)
		if (strcmp(status, failed[i]) == 0)
			return true;
	return false;
}

enum wait_goal
{
	WAIT_AVAILABLE,
	WAIT_GONE
};

static int
wait_delay(const struct awsenv *e)
{
	return e->opts->wait_delay >= 0 ? e->opts->wait_delay : 30;
}

static int
wait_max_attempts(const struct awsenv *e)
{
	return e->opts->wait_max_attempts >= 0 ? e->opts->wait_max_attempts : 60;
}

/*
 * Poll the cluster (instance NULL) or an instance as the SDK waiters do:
 * a describe, then wait_delay seconds, at most wait_max_attempts
 * describes; each change of state is shown with the time elapsed.
 * Returns -1 when the goal is reached, else an exit code.
 */
static int
wait_for(struct awsenv *e, const char *instance, enum wait_goal goal)
{
	const char *what = instance ? "instance" : "cluster";
	const char *id = instance ? instance : e->name;
	char	   *last = NULL;
	time_t		start = time(NULL);
	int			attempt;
	int			rc = -1;

	progressf("waiting for %s %s to be %s (a poll every %d s, at most %d)", what, id,
			  goal == WAIT_AVAILABLE ? "available" : "deleted", wait_delay(e), wait_max_attempts(e));
	for (attempt = 1;; attempt++)
	{
		struct aws_error err;
		enum aws_status st;
		char	   *status = NULL;
		bool		found;

		aws_error_init(&err);
		if (instance)
		{
			struct aws_rds_instance in;

			st = aws_rds_describe_db_instance(e->client, instance, &in, &err);
			found = in.found;
			status = in.status ? xstrdup(in.status) : NULL;
			aws_rds_instance_clean_up(&in);
		}
		else
		{
			aws_rds_cluster_clean_up(&e->cluster);
			st = aws_rds_describe_db_cluster(e->client, e->name, &e->cluster, &err);
			found = e->cluster.found;
			status = e->cluster.status ? xstrdup(e->cluster.status) : NULL;
		}
		if (st != AWS_OK && !is_transient(&err))
		{
			free(status);
			rc = aws_failed(&err);
			break;
		}
		if (st != AWS_OK)
		{
			warnf("%s (poll %d of %d; waiting goes on)", err.text, attempt, wait_max_attempts(e));
			aws_error_clean_up(&err);
		}
		else
		{
			const char *now = found ? (status ? status : "(no status)") : "deleted";

			if (last == NULL || strcmp(last, now) != 0)
			{
				long		s = (long) (time(NULL) - start);

				notef("%s %s: %s (%ld:%02ld elapsed)", what, id, now, s / 60, s % 60);
				free(last);
				last = xstrdup(now);
			}
			if (goal == WAIT_GONE && !found)
			{
				free(status);
				break;
			}
			if (goal == WAIT_AVAILABLE)
			{
				if (found && status && strcmp(status, "available") == 0)
				{
					free(status);
					break;
				}
				if (!found || (status && is_failed_status(status)))
				{
					errorf("%s %s is %s, not becoming available", what, id, found ? status : "gone");
					hintf("see the RDS console's events for %s; run provision again once it is fixed", id);
					free(status);
					rc = EXIT_FAILURE_REMOTE;
					break;
				}
			}
		}
		free(status);
		if (attempt >= wait_max_attempts(e))
		{
			errorf("%s %s is still %s after %d polls %d s apart; gave up waiting",
				   what, id, last ? last : "unknown", attempt, wait_delay(e));
			hintf("nothing was undone: run the same command again to go on waiting (or raise --wait-max-attempts)");
			rc = EXIT_FAILURE_REMOTE;
			break;
		}
		sleep_seconds(wait_delay(e));
	}
	free(last);
	progress_done();
	return rc;
}

/* ---- steps of provision and plan ---- */

static int
step_identity(struct awsenv *e)
{
	struct aws_caller_identity id;
	struct aws_error err;

	aws_error_init(&err);
	if (aws_sts_get_caller_identity(e->client, &id, &err) != AWS_OK)
		return aws_failed(&err);
	e->account = xstrdup(id.account);
	verbosef("acting as %s in account %s, region %s", id.arn, id.account, e->cfg->region);
	aws_caller_identity_clean_up(&id);
	return -1;
}

/* "Key=Value" into a tag:Key filter's name and value. */
static void
tag_filter(const char *tag, char **name, char **value)
{
	const char *eq = strchr(tag, '=');

	*name = str_printf("tag:%.*s", (int) (eq - tag), tag);
	*value = xstrdup(eq + 1);
}

/* The VPC and its database subnets: by id, by tag, or the default VPC's. */
static int
step_network(struct awsenv *e)
{
	const struct env_config *cfg = e->cfg;
	struct aws_ec2_vpc_list vpcs = {0};
	struct aws_ec2_subnet_list subnets = {0};
	struct aws_error err;
	enum aws_status st = AWS_OK;
	const char *how;
	size_t		i,
				nsubnets = 0;
	int			rc = -1;

	aws_error_init(&err);
	while (cfg->subnet_ids && cfg->subnet_ids[nsubnets])
		nsubnets++;
	if (cfg->vpc_id)
	{
		const char *ids[1] = {cfg->vpc_id};

		how = "the configured VPC";
		st = aws_ec2_describe_vpcs(e->client, ids, 1, NULL, 0, &vpcs, &err);
	}
	else if (cfg->vpc_tag)
	{
		char	   *fname,
				   *fvalue;
		const char *values[1];
		struct aws_ec2_filter f;

		tag_filter(cfg->vpc_tag, &fname, &fvalue);
		values[0] = fvalue;
		f = (struct aws_ec2_filter) {fname, values, 1};
		how = "the VPC tagged";
		st = aws_ec2_describe_vpcs(e->client, NULL, 0, &f, 1, &vpcs, &err);
		free(fname);
		free(fvalue);
	}
	else if (nsubnets > 0)
	{
		how = "the configured subnets' VPC";
		st = aws_ec2_describe_subnets(e->client, (const char *const *) cfg->subnet_ids, nsubnets,
									  NULL, 0, &subnets, &err);
		if (st == AWS_OK && subnets.n > 0)
		{
			const char *ids[1] = {subnets.v[0].vpc_id};

			st = aws_ec2_describe_vpcs(e->client, ids, 1, NULL, 0, &vpcs, &err);
		}
	}
	else
	{
		how = "the region's default VPC (no VPC configured, as RDS does without a subnet group)";
		st = aws_ec2_default_vpc(e->client, &vpcs, &err);
	}
	if (st != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}
	if (vpcs.n != 1)
	{
		if (vpcs.n == 0)
			errorf("no VPC found for %s in %s: %s", e->name, cfg->region,
				   cfg->vpc_id ? cfg->vpc_id : cfg->vpc_tag ? cfg->vpc_tag : "the region has no default VPC");
		else
			errorf("%zu VPCs carry the tag %s in %s; it must name one", vpcs.n, cfg->vpc_tag, cfg->region);
		hintf("set vpc_id (or vpc_tag) in %s, e.g. with configure --vpc-id", cfg->path);
		rc = EXIT_USAGE;
		goto out;
	}
	e->vpc_id = xstrdup(vpcs.v[0].id);
	e->vpc_cidr = vpcs.v[0].cidr_block ? xstrdup(vpcs.v[0].cidr_block) : NULL;
	if (nsubnets > 0 && subnets.n == 0 &&
		aws_ec2_describe_subnets(e->client, (const char *const *) cfg->subnet_ids, nsubnets,
								 NULL, 0, &subnets, &err) != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}

	/* the subnets: as configured, else the VPC's (with the tag, if one is set) */
	if (nsubnets == 0)
	{
		const char *vpc[1] = {e->vpc_id};
		struct aws_ec2_filter f[2] = {{"vpc-id", vpc, 1}};
		char	   *fname = NULL,
				   *fvalue = NULL;
		const char *values[1];
		size_t		nf = 1;

		if (cfg->subnet_tag)
		{
			tag_filter(cfg->subnet_tag, &fname, &fvalue);
			values[0] = fvalue;
			f[1] = (struct aws_ec2_filter) {fname, values, 1};
			nf = 2;
		}
		st = aws_ec2_describe_subnets(e->client, NULL, 0, f, nf, &subnets, &err);
		free(fname);
		free(fvalue);
		if (st != AWS_OK)
		{
			rc = aws_failed(&err);
			goto out;
		}
	}
	{
		struct aws_strings zones = {0};

		for (i = 0; i < subnets.n; i++)
		{
			size_t		z;
			bool		seen = false;

			if (strcmp(subnets.v[i].vpc_id, e->vpc_id) != 0)
			{
				errorf("subnet %s is in VPC %s, not in %s", subnets.v[i].id, subnets.v[i].vpc_id, e->vpc_id);
				rc = EXIT_USAGE;
				break;
			}
			aws_strings_add(&e->subnets, xstrdup(subnets.v[i].id));
			for (z = 0; z < zones.n; z++)
				seen |= strcmp(zones.v[z], subnets.v[i].availability_zone ? subnets.v[i].availability_zone : "") == 0;
			if (!seen)
				aws_strings_add(&zones, xstrdup(subnets.v[i].availability_zone ? subnets.v[i].availability_zone : ""));
		}
		if (rc < 0 && nsubnets > 0 && subnets.n != nsubnets)
		{
			errorf("of the %zu configured subnets, %zu exist in %s", nsubnets, subnets.n, cfg->region);
			rc = EXIT_USAGE;
		}
		if (rc < 0 && zones.n < 2)
		{
			errorf("a DB subnet group needs subnets in at least two availability zones; VPC %s offers %zu subnet%s in %zu",
				   e->vpc_id, subnets.n, subnets.n == 1 ? "" : "s", zones.n);
			hintf("set subnet_ids (or subnet_tag) in %s", cfg->path);
			rc = EXIT_USAGE;
		}
		if (rc < 0)
			say(e, "use", "%s %s (%s) and %zu of its subnets, in %zu availability zones",
				how, e->vpc_id, e->vpc_cidr ? e->vpc_cidr : "no IPv4 range", e->subnets.n, zones.n);
		aws_strings_clean_up(&zones);
	}
out:
	aws_ec2_vpc_list_clean_up(&vpcs);
	aws_ec2_subnet_list_clean_up(&subnets);
	return rc;
}

/* Does a resource's tags name this app and environment (appdb's tags)? */
static bool
is_ours(const struct awsenv *e, const struct aws_tag_list *tags)
{
	const char *app = aws_tag_list_get(tags, "app");
	const char *env = aws_tag_list_get(tags, "environment");

	return app && env && strcmp(app, e->cfg->app) == 0 && strcmp(env, e->cfg->env) == 0;
}

/*
 * A create refused because the resource exists: made by this very call
 * (AWS applied it, its answer was lost, and the retry was refused), or by
 * a run alongside.  The step is run once more (STEP_AGAIN), and reads the
 * resource back as a rerun would.  The codes are the wire codes (AWS.md
 * trap 5).
 */
#define STEP_AGAIN (-2)
#define STEP_CREATES_MAX 3		/* the most creates a step makes (backup's) */

static bool
exists_after_all(struct awsenv *e, struct aws_error *err, const char *what)
{
	static const char *const exists[] = {
		"AlreadyExistsException", "DBParameterGroupAlreadyExists", "DBSubnetGroupAlreadyExists",
		"InvalidGroup.Duplicate", "EntityAlreadyExists", "DBClusterAlreadyExistsFault",
		"DBInstanceAlreadyExists", NULL
	};

	if (e->rereading >= STEP_CREATES_MAX || !aws_svc_is_code(err, exists))
		return false;
	notef("%s exists after all (%s): reading it back", what, err->code);
	aws_error_clean_up(err);
	return true;
}

/* A resource found by its name whose tags are not this environment's. */
static int
not_ours(const struct awsenv *e, const char *what)
{
	errorf("%s exists, but is not tagged app=%s, environment=%s: appdb did not make it for this environment",
		   what, e->cfg->app, e->cfg->env);
	hintf("rename or remove it, or give this environment another cluster_name in %s", e->cfg->path);
	return EXIT_FAILURE_REMOTE;
}

/*
 * The enabled keys tagged with this environment, but skip (NULL: none):
 * keys appdb made whose alias never came (a CreateKey whose answer was
 * lost).  It costs a ListKeys page per 1000 keys of the account and
 * region, a ListResourceTags per key, and a DescribeKey per key tagged as
 * ours; keys whose tags the credentials may not read (the policy lets
 * appdb read only its own) are not ours.  Run only where the alias is
 * missing and by destroy, never on a converged provision.
 */
static int
env_keys(struct awsenv *e, const char *skip, struct aws_strings *out)
{
	static const char *const denied[] = {"AccessDeniedException", "AccessDenied", NULL};
	struct aws_strings ids = {0};
	struct aws_error err;
	size_t		i;
	int			rc = -1;

	aws_error_init(&err);
	memset(out, 0, sizeof(*out));
	if (aws_kms_list_keys(e->client, &ids, &err) != AWS_OK)
		return aws_failed(&err);
	for (i = 0; rc < 0 && i < ids.n; i++)
	{
		struct aws_tag_list tags;
		struct aws_kms_key key;

		if (skip && strcmp(ids.v[i], skip) == 0)
			continue;
		if (aws_kms_list_resource_tags(e->client, ids.v[i], &tags, &err) != AWS_OK)
		{
			if (!aws_svc_absorb(&err, denied))
				rc = aws_failed(&err);
			continue;
		}
		if (is_ours(e, &tags))
		{
			if (aws_kms_describe_key(e->client, ids.v[i], &key, &err) != AWS_OK)
				rc = aws_failed(&err);
			else if (key.found && key.state && strcmp(key.state, "Enabled") == 0)
				aws_strings_add(out, xstrdup(ids.v[i]));
			aws_kms_key_clean_up(&key);
		}
		aws_tag_list_clean_up(&tags);
	}
	aws_strings_clean_up(&ids);
	if (rc >= 0)
		aws_strings_clean_up(out);
	return rc;
}

/*
 * CreateKey is not idempotent: a retry after an answer lost would make a
 * second key.  So each attempt is sent alone, and after one that failed
 * in a way AWS may have applied it, the environment's unaliased key is
 * looked for before the next; found, it is the one made.
 */
static int
create_key(struct awsenv *e, struct aws_kms_key *key)
{
	int			attempt;
	int			rc = -1;

	for (attempt = 1;; attempt++)
	{
		struct aws_strings made = {0};
		struct aws_error err;
		enum aws_status st;

		aws_error_init(&err);
		e->client->send_once = true;
		st = aws_kms_create_key(e->client, "appdb: storage of the Aurora cluster", e->tags, 3, key, &err);
		e->client->send_once = false;
		if (st == AWS_OK)
			return -1;
		if (!is_transient(&err) || attempt >= e->client->retry.max_attempts)
			return aws_failed(&err);
		verbosef("CreateKey: %s (attempt %d of %d); looking for the key before sending it again",
				 err.text ? err.text : "failed", attempt, e->client->retry.max_attempts);
		aws_error_clean_up(&err);
		if ((rc = env_keys(e, NULL, &made)) >= 0)
			return rc;
		if (made.n > 0)
		{
			st = aws_kms_describe_key(e->client, made.v[0], key, &err);
			aws_strings_clean_up(&made);
			return st == AWS_OK ? -1 : aws_failed(&err);
		}
		aws_retry_wait(&e->client->retry, aws_retry_backoff(&e->client->retry, attempt));
	}
}

/*
 * Name key_id with alias.  A CreateAlias that failed may have been applied
 * all the same (its answer lost, the retry then refused with
 * AlreadyExistsException): an alias naming this key is success, and a key
 * an alias names is never scheduled for deletion.  Otherwise the key has
 * no name provision could find it by, and is scheduled for deletion (the
 * shortest window) before the failure is reported.
 */
static int
name_key(struct awsenv *e, const char *alias, const char *key_id)
{
	struct aws_error err;
	struct aws_error drop_err;
	struct aws_kms_key named;
	int			rc;

	aws_error_init(&err);
	aws_error_init(&drop_err);
	if (aws_kms_create_alias(e->client, alias, key_id, &err) == AWS_OK)
		return -1;
	if (aws_kms_describe_key(e->client, alias, &named, &drop_err) != AWS_OK)
	{
		/* whether the alias names the key is unknown: the key is kept */
		aws_error_clean_up(&drop_err);
		rc = aws_failed(&err);
		hintf("run provision again: it adopts the key %s if %s does not name it", key_id, alias);
		return rc;
	}
	if (named.found && strcmp(named.id, key_id) == 0)
	{
		verbosef("%s names key %s: CreateAlias was applied, its answer lost (%s)", alias, key_id,
				 err.text ? err.text : "");
		aws_error_clean_up(&err);
		aws_kms_key_clean_up(&named);
		return -1;
	}
	aws_kms_key_clean_up(&named);
	rc = aws_failed(&err);
	if (aws_kms_schedule_key_deletion(e->client, key_id, KEY_UNNAMED_DELETION_WINDOW_DAYS, &drop_err) == AWS_OK)
		notef("scheduled the new KMS key %s for deletion in %d days: without its alias a rerun would not find it",
			  key_id, KEY_UNNAMED_DELETION_WINDOW_DAYS);
	else
	{
		errorf("the new KMS key %s has no alias and could not be scheduled for deletion: %s",
			   key_id, drop_err.text ? drop_err.text : "an AWS call failed");
		hintf("delete it with \"aws kms schedule-key-deletion --key-id %s --pending-window-in-days %d\"",
			  key_id, KEY_UNNAMED_DELETION_WINDOW_DAYS);
		aws_error_clean_up(&drop_err);
	}
	return rc;
}

/*
 * The cluster's own KMS key, found by its alias, with rotation on.  With
 * no alias, an enabled key tagged with this environment (made by a run
 * whose CreateKey answer was lost) is adopted instead of making another.
 */
static int
step_key(struct awsenv *e)
{
	char	   *alias = key_alias(e);
	struct aws_kms_key key;
	struct aws_error err;
	bool		rotation = false;
	int			rc = -1;

	aws_error_init(&err);
	if (aws_kms_describe_key(e->client, alias, &key, &err) != AWS_OK)
	{
		free(alias);
		return aws_failed(&err);
	}
	if (!key.found)
	{
		struct aws_strings left = {0};

		if ((rc = env_keys(e, NULL, &left)) < 0 && left.n > 0)
		{
			say(e, "create", "KMS alias %s for key %s (tagged for this environment by an earlier run, which did not name it), with yearly rotation",
				alias, left.v[0]);
			if (aws_kms_describe_key(e->client, left.v[0], &key, &err) != AWS_OK)
				rc = aws_failed(&err);
		}
		else if (rc < 0)
		{
			say(e, "create", "KMS key %s for the cluster's storage, with yearly rotation", alias);
			if (e->apply)
				rc = create_key(e, &key);
		}
		aws_strings_clean_up(&left);
		if (rc < 0 && e->apply && key.found && (rc = name_key(e, alias, key.id)) < 0 &&
			aws_kms_enable_key_rotation(e->client, key.id, &err) != AWS_OK)
			rc = aws_failed(&err);
	}
	else if (key.state && strcmp(key.state, "Enabled") != 0)
	{
		errorf("the KMS key of %s (%s) is %s, not Enabled", alias, key.id, key.state);
		hintf("a key pending deletion can be kept with \"aws kms cancel-key-deletion --key-id %s\", then \"aws kms enable-key\"", key.id);
		rc = EXIT_FAILURE_REMOTE;
	}
	else if (aws_kms_get_key_rotation_status(e->client, key.id, &rotation, &err) != AWS_OK)
		rc = aws_failed(&err);
	else if (!rotation)
	{
		say(e, "change", "KMS key %s: rotation off → on", alias);
		if (e->apply && aws_kms_enable_key_rotation(e->client, key.id, &err) != AWS_OK)
			rc = aws_failed(&err);
	}
	else
		say(e, "leave", "KMS key %s (%s), rotation on", alias, key.id);
	if (rc < 0 && key.arn)
		e->key_arn = xstrdup(key.arn);
	aws_kms_key_clean_up(&key);
	free(alias);
	return rc;
}

/* The cluster parameter group and the two parameters DESIGN §1 asks for. */
static int
step_parameter_group(struct awsenv *e)
{
	static const struct aws_rds_parameter wanted[] = {
		{"log_statement", "ddl", "immediate"},
		{"log_min_duration_statement", "100", "immediate"},
	};
	int			major = env_engine_major(e->cfg->engine_version);
	char	   *family = str_printf("aurora-postgresql%d", major);
	struct aws_rds_parameter_group g;
	struct aws_rds_parameter_list current = {0};
	struct aws_rds_parameter diff[2];
	struct aws_error err;
	size_t		ndiff = 0,
				i;
	int			rc = -1;

	aws_error_init(&err);
	free(e->pg_name);
	e->pg_name = parameter_group_name(e);
	if (aws_rds_describe_cluster_parameter_group(e->client, e->pg_name, &g, &err) != AWS_OK)
	{
		free(family);
		return aws_failed(&err);
	}
	if (g.found && g.family && strcmp(g.family, family) != 0)
	{
		errorf("cluster parameter group %s exists for %s, not %s", e->pg_name, g.family, family);
		rc = EXIT_FAILURE_REMOTE;
		goto out;
	}
	if (!g.found)
	{
		say(e, "create", "cluster parameter group %s (%s): log_statement=ddl, log_min_duration_statement=100",
			e->pg_name, family);
		if (!e->apply)
			goto out;
		aws_rds_parameter_group_clean_up(&g);
		/* found after all: its answer carries no tags; the name is the environment's */
		if (aws_rds_create_cluster_parameter_group(e->client, e->pg_name, family,
												   "appdb: logs DDL and statements over 100 ms",
												   e->tags, 3, &g, &err) != AWS_OK)
			rc = exists_after_all(e, &err, "cluster parameter group") ? STEP_AGAIN : aws_failed(&err);
		else if (aws_rds_modify_cluster_parameter_group(e->client, e->pg_name, wanted, 2, &err) != AWS_OK)
			rc = aws_failed(&err);
		goto out;
	}
	if (aws_rds_describe_cluster_parameters(e->client, e->pg_name, "user", &current, &err) != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}
	for (i = 0; i < 2; i++)
	{
		const struct aws_rds_parameter_value *v = aws_rds_parameter_list_get(&current, wanted[i].name);

		if (v == NULL || v->value == NULL || strcmp(v->value, wanted[i].value) != 0)
		{
			say(e, "change", "cluster parameter group %s: %s %s → %s", e->pg_name, wanted[i].name,
				v && v->value ? v->value : "(default)", wanted[i].value);
			diff[ndiff++] = wanted[i];
		}
	}
	if (ndiff == 0)
		say(e, "leave", "cluster parameter group %s (%s)", e->pg_name, family);
	else if (e->apply && aws_rds_modify_cluster_parameter_group(e->client, e->pg_name, diff, ndiff, &err) != AWS_OK)
		rc = aws_failed(&err);
out:
	aws_rds_parameter_group_clean_up(&g);
	aws_rds_parameter_list_clean_up(&current);
	free(family);
	return rc;
}

static bool
same_set(const struct aws_strings *a, const struct aws_strings *b)
{
	size_t		i,
				j;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
	{
		bool		found = false;

		for (j = 0; j < b->n && !found; j++)
			found = strcmp(a->v[i], b->v[j]) == 0;
		if (!found)
			return false;
	}
	return true;
}

static int
step_subnet_group(struct awsenv *e)
{
	struct aws_rds_subnet_group g;
	struct aws_error err;
	int			rc = -1;

	aws_error_init(&err);
	if (aws_rds_describe_subnet_group(e->client, e->name, &g, &err) != AWS_OK)
		return aws_failed(&err);
	if (!g.found)
	{
		say(e, "create", "DB subnet group %s (%zu subnets of %s)", e->name, e->subnets.n, e->vpc_id);
		aws_rds_subnet_group_clean_up(&g);
		/* found after all: its answer carries no tags; the name is the environment's */
		if (e->apply &&
			aws_rds_create_subnet_group(e->client, e->name, "appdb: subnets of the Aurora cluster",
										(const char *const *) e->subnets.v, e->subnets.n,
										e->tags, 3, &g, &err) != AWS_OK)
			rc = exists_after_all(e, &err, "DB subnet group") ? STEP_AGAIN : aws_failed(&err);
	}
	else if (g.vpc_id && strcmp(g.vpc_id, e->vpc_id) != 0)
	{
		errorf("DB subnet group %s is in VPC %s, not %s; a cluster cannot move VPC in place",
			   e->name, g.vpc_id, e->vpc_id);
		rc = EXIT_FAILURE_REMOTE;
	}
	else if (!same_set(&g.subnet_ids, &e->subnets))
	{
		say(e, "change", "DB subnet group %s: %zu subnets → %zu", e->name, g.subnet_ids.n, e->subnets.n);
		if (e->apply &&
			aws_rds_modify_subnet_group(e->client, e->name, NULL, (const char *const *) e->subnets.v,
										e->subnets.n, &err) != AWS_OK)
			rc = aws_failed(&err);
	}
	else
		say(e, "leave", "DB subnet group %s (%zu subnets)", e->name, g.subnet_ids.n);
	aws_rds_subnet_group_clean_up(&g);
	return rc;
}

/* Does the group let the VPC's range reach the port? */
static bool
has_ingress(const struct aws_ec2_security_group *g, int port, const char *cidr)
{
	size_t		i,
				j;

	for (i = 0; i < g->ningress; i++)
		if (g->ingress[i].protocol && strcmp(g->ingress[i].protocol, "tcp") == 0 &&
			g->ingress[i].from_port <= port && g->ingress[i].to_port >= port)
			for (j = 0; j < g->ingress[i].cidrs.n; j++)
				if (strcmp(g->ingress[i].cidrs.v[j], cidr) == 0)
					return true;
	return false;
}

static int
step_security_group(struct awsenv *e)
{
	/* the rule is there: this call's own, its answer lost */
	static const char *const rule_exists[] = {"InvalidPermission.Duplicate", NULL};
	char	   *gname = resource_name(e, "-database");
	const char *names[1] = {gname};
	const char *vpc[1] = {e->vpc_id};
	const struct aws_ec2_filter f[2] = {{"group-name", names, 1}, {"vpc-id", vpc, 1}};
	struct aws_ec2_security_group_list groups = {0};
	const char *cidrs[1] = {e->vpc_cidr};
	struct aws_ec2_ingress rule = {"tcp", e->cfg->port, e->cfg->port, cidrs, 1, NULL, 0,
	"PostgreSQL from within the VPC"};
	struct aws_error err;
	bool		need_rule;
	int			rc = -1;

	aws_error_init(&err);
	if (aws_ec2_describe_security_groups(e->client, NULL, 0, f, 2, &groups, &err) != AWS_OK)
	{
		free(gname);
		return aws_failed(&err);
	}
	need_rule = e->vpc_cidr && (groups.n == 0 || !has_ingress(&groups.v[0], e->cfg->port, e->vpc_cidr));
	if (groups.n == 0)
	{
		say(e, "create", "security group %s in %s: TCP %d from %s", gname, e->vpc_id, e->cfg->port,
			e->vpc_cidr ? e->vpc_cidr : "nowhere (the VPC has no IPv4 range)");
		if (e->apply &&
			aws_ec2_create_security_group(e->client, gname, "appdb: the Aurora cluster's network access",
										  e->vpc_id, e->tags, 3, &e->sg_id, &err) != AWS_OK)
			rc = exists_after_all(e, &err, "security group") ? STEP_AGAIN : aws_failed(&err);
	}
	else if (e->rereading && !is_ours(e, &groups.v[0].tags))
		rc = not_ours(e, "security group");
	else
	{
		free(e->sg_id);
		e->sg_id = xstrdup(groups.v[0].id);
		if (need_rule)
			say(e, "change", "security group %s (%s): add TCP %d from %s", gname, e->sg_id,
				e->cfg->port, e->vpc_cidr);
		else
			say(e, "leave", "security group %s (%s)", gname, e->sg_id);
	}
	if (rc == -1 && need_rule && e->apply &&
		aws_ec2_authorize_ingress(e->client, e->sg_id, &rule, NULL, &err) != AWS_OK &&
		!aws_svc_absorb(&err, rule_exists))
		rc = aws_failed(&err);
	aws_ec2_security_group_list_clean_up(&groups);
	free(gname);
	return rc;
}

/* An IAM role that service may assume, with one AWS-managed policy attached. */
static int
step_service_role(struct awsenv *e, const char *suffix, const char *service,
				  const char *policy_fmt, const char *purpose, char **arn_out)
{
	char	   *rname = resource_name(e, suffix);
	char	   *policy_arn = str_printf(policy_fmt, e->partition);
	char	   *trust = str_printf("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
								   "\"Principal\":{\"Service\":\"%s\"},\"Action\":\"sts:AssumeRole\"}]}",
								   service);
	struct aws_iam_role role;
	struct aws_iam_attached attached = {0};
	struct aws_error err;
	size_t		i;
	bool		is_attached = false;
	int			rc = -1;

	aws_error_init(&err);
	if (aws_iam_get_role(e->client, rname, &role, &err) != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}
	if (!role.found)
	{
		say(e, "create", "IAM role %s for %s, with %s", rname, purpose, strrchr(policy_arn, '/') + 1);
		if (!e->apply)
			goto out;
		aws_iam_role_clean_up(&role);
		if (aws_iam_create_role(e->client, rname, NULL, trust, purpose, e->tags, 3, &role, &err) != AWS_OK)
			rc = exists_after_all(e, &err, "IAM role") ? STEP_AGAIN : aws_failed(&err);
		else if (aws_iam_attach_role_policy(e->client, rname, policy_arn, &err) != AWS_OK)
			rc = aws_failed(&err);
		else
			*arn_out = xstrdup(role.arn);
		goto out;
	}
	if (e->rereading && !is_ours(e, &role.tags))
	{
		rc = not_ours(e, "IAM role");
		goto out;
	}
	*arn_out = xstrdup(role.arn);
	if (aws_iam_list_attached_role_policies(e->client, rname, &attached, &err) != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}
	for (i = 0; i < attached.arns.n; i++)
		is_attached |= strcmp(attached.arns.v[i], policy_arn) == 0;
	if (is_attached)
		say(e, "leave", "IAM role %s", rname);
	else
	{
		say(e, "change", "IAM role %s: attach %s", rname, strrchr(policy_arn, '/') + 1);
		if (e->apply && aws_iam_attach_role_policy(e->client, rname, policy_arn, &err) != AWS_OK)
			rc = aws_failed(&err);
	}
out:
	aws_iam_attached_clean_up(&attached);
	aws_iam_role_clean_up(&role);
	free(trust);
	free(policy_arn);
	free(rname);
	return rc;
}

/* Compare dotted versions: <0, 0, >0. */
static int
version_cmp(const char *a, const char *b)
{
	while (*a || *b)
	{
		long		x = strtol(a, (char **) &a, 10);
		long		y = strtol(b, (char **) &b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
		if ((*a && (*a < '0' || *a > '9')) || (*b && (*b < '0' || *b > '9')))
			return strcmp(a, b);
	}
	return 0;
}

static bool
has_string(const struct aws_strings *s, const char *v)
{
	size_t		i;

	for (i = 0; v && i < s->n; i++)
		if (strcmp(s->v[i], v) == 0)
			return true;
	return false;
}

static const char *
on_off(bool b)
{
	return b ? "on" : "off";
}

/* The cluster: created as configured, or changed where it differs. */
static int
step_cluster(struct awsenv *e)
{
	const struct env_config *cfg = e->cfg;
	struct aws_rds_cluster *c = &e->cluster;
	struct aws_rds_cluster_changes ch = {.identifier = e->name};
	const char *sgs[1] = {e->sg_id};
	struct aws_error err;
	bool		changed = false;
	bool		created = false;
	int			rc;

	aws_error_init(&err);
	aws_rds_cluster_clean_up(c);
	if (aws_rds_describe_db_cluster(e->client, e->name, c, &err) != AWS_OK)
		return aws_failed(&err);
	if (!c->found)
	{
		static const char *const logs[] = {"postgresql"};
		struct aws_rds_cluster_spec spec = {
			.identifier = e->name, .engine = "aurora-postgresql",
			.engine_version = cfg->engine_version, .engine_mode = "provisioned",
			.database_name = cfg->database, .port = cfg->port,
			.master_username = MASTER_USER, .manage_master_user_password = true,
			.storage_encrypted = true, .kms_key_id = e->key_arn,
			.iam_database_authentication = true,
			.cloudwatch_logs_exports = logs, .n_cloudwatch_logs_exports = 1,
			.copy_tags_to_snapshot = true, .deletion_protection = cfg->deletion_protection,
			.enable_http_endpoint = true, .parameter_group = e->pg_name,
			.subnet_group = e->name, .vpc_security_group_ids = sgs,
			.n_vpc_security_group_ids = 1, .min_capacity = cfg->min_capacity,
			.max_capacity = cfg->max_capacity, .tags = e->tags, .ntags = 3
		};

		say(e, "create", "Aurora cluster %s: aurora-postgresql %s, Serverless v2 %g–%g ACU, database \"%s\" on port %d, master \"%s\" (password in Secrets Manager), IAM authentication, Data API, encrypted, deletion protection %s",
			e->name, cfg->engine_version, cfg->min_capacity, cfg->max_capacity, cfg->database,
			cfg->port, MASTER_USER, on_off(cfg->deletion_protection));
		if (!e->apply)
			return -1;
		aws_rds_cluster_clean_up(c);
		if (aws_rds_create_db_cluster(e->client, &spec, c, &err) != AWS_OK)
			return exists_after_all(e, &err, "Aurora cluster") ? STEP_AGAIN : aws_failed(&err);
		created = true;
		if ((rc = wait_for(e, NULL, WAIT_AVAILABLE)) >= 0)
			return rc;
	}
	else if (e->rereading && !is_ours(e, &c->tags))
		return not_ours(e, "Aurora cluster");
	else
	{
		/* what cannot change in place: said, not hidden */
		if (c->database_name && strcmp(c->database_name, cfg->database) != 0)
			warnf("cluster %s's database is \"%s\", the config says \"%s\"; appdb cannot rename it",
				  e->name, c->database_name, cfg->database);
		if (!c->storage_encrypted)
			warnf("cluster %s's storage is not encrypted; encryption is chosen when a cluster is made (restore a snapshot into an encrypted cluster)",
				  e->name);
		else if (e->key_arn && c->kms_key_id && strcmp(c->kms_key_id, e->key_arn) != 0)
			warnf("cluster %s is encrypted with %s, not with alias/%s-database; a cluster's key cannot change",
				  e->name, c->kms_key_id, e->name);
		if (c->master_username && strcmp(c->master_username, MASTER_USER) != 0)
			warnf("cluster %s's master user is \"%s\", not \"%s\"; appdb cannot change it",
				  e->name, c->master_username, MASTER_USER);
		if (c->port && c->port != cfg->port)
			warnf("cluster %s listens on port %d, the config says %d; appdb leaves the port as it is",
				  e->name, c->port, cfg->port);
		if (c->engine_version && env_engine_major(c->engine_version) != env_engine_major(cfg->engine_version))
		{
			errorf("cluster %s runs aurora-postgresql %s; the config asks for %s, a major version upgrade",
				   e->name, c->engine_version, cfg->engine_version);
			hintf("appdb does not upgrade major versions: follow AWS's major upgrade procedure, then set engine_version");
			return EXIT_FAILURE_REMOTE;
		}
		if (c->engine_version && version_cmp(c->engine_version, cfg->engine_version) < 0)
		{
			say(e, "change", "cluster %s: engine version %s → %s", e->name, c->engine_version, cfg->engine_version);
			ch.engine_version = cfg->engine_version;
			changed = true;
		}
		if (c->min_capacity != cfg->min_capacity || c->max_capacity != cfg->max_capacity)
		{
			say(e, "change", "cluster %s: Serverless v2 capacity %g–%g ACU → %g–%g ACU", e->name,
				c->min_capacity, c->max_capacity, cfg->min_capacity, cfg->max_capacity);
			ch.min_capacity = cfg->min_capacity;
			ch.max_capacity = cfg->max_capacity;
			changed = true;
		}
		if (c->deletion_protection != cfg->deletion_protection)
		{
			say(e, "change", "cluster %s: deletion protection %s → %s", e->name,
				on_off(c->deletion_protection), on_off(cfg->deletion_protection));
			ch.deletion_protection = cfg->deletion_protection ? AWS_FLAG_TRUE : AWS_FLAG_FALSE;
			changed = true;
		}
		if (!c->iam_database_authentication_enabled)
		{
			say(e, "change", "cluster %s: IAM database authentication off → on", e->name);
			ch.iam_database_authentication = AWS_FLAG_TRUE;
			changed = true;
		}
		if (c->parameter_group && strcmp(c->parameter_group, e->pg_name) != 0)
		{
			say(e, "change", "cluster %s: parameter group %s → %s", e->name, c->parameter_group, e->pg_name);
			ch.parameter_group = e->pg_name;
			changed = true;
		}
		if (e->sg_id && !has_string(&c->vpc_security_group_ids, e->sg_id))
		{
			say(e, "change", "cluster %s: security groups → %s", e->name, e->sg_id);
			ch.vpc_security_group_ids = sgs;
			ch.n_vpc_security_group_ids = 1;
			changed = true;
		}
		if (!changed)
			say(e, "leave", "Aurora cluster %s (%s, aurora-postgresql %s, %g–%g ACU)", e->name,
				c->status ? c->status : "?", c->engine_version ? c->engine_version : "?",
				c->min_capacity, c->max_capacity);
		if (changed && e->apply)
		{
			struct aws_rds_cluster after;

			if (aws_rds_modify_db_cluster(e->client, &ch, &after, &err) != AWS_OK)
				return aws_failed(&err);
			aws_rds_cluster_clean_up(&after);
		}
		/* a cluster being created or modified: wait before going on */
		if (e->apply && (changed || (c->status && strcmp(c->status, "available") != 0)) &&
			(rc = wait_for(e, NULL, WAIT_AVAILABLE)) >= 0)
			return rc;
	}

	/* the Data API: CreateDBCluster asks for it, but not every path keeps it */
	if (c->found && !c->http_endpoint_enabled)
	{
		if (!created)
			say(e, "change", "cluster %s: Data API (HTTP endpoint) off → on", e->name);
		if (e->apply)
		{
			bool		enabled = false;

			if (aws_rds_enable_http_endpoint(e->client, c->arn, &enabled, &err) != AWS_OK)
				return aws_failed(&err);
			c->http_endpoint_enabled = true;
		}
	}
	return -1;
}

/* The cluster's primary instance, db.serverless, with enhanced monitoring. */
static int
step_instance(struct awsenv *e)
{
	char	   *id = resource_name(e, "-1");
	struct aws_rds_instance_list list = {0};
	const struct aws_rds_instance *primary = NULL;
	struct aws_error err;
	size_t		i;
	int			rc = -1;

	aws_error_init(&err);
	if (e->cluster.found &&
		aws_rds_describe_cluster_instances(e->client, e->name, &list, &err) != AWS_OK)
	{
		free(id);
		return aws_failed(&err);
	}
	for (i = 0; i < list.n; i++)
		if (strcmp(list.v[i].identifier, id) == 0 ||
			(e->cluster.writer && strcmp(list.v[i].identifier, e->cluster.writer) == 0))
			primary = &list.v[i];
	if (primary == NULL && list.n > 0)
		primary = &list.v[0];
	if (primary == NULL)
	{
		struct aws_rds_instance_spec spec = {
			.identifier = id, .cluster_identifier = e->name,
			.instance_class = INSTANCE_CLASS, .engine = "aurora-postgresql",
			.monitoring_interval = MONITORING_INTERVAL,
			.monitoring_role_arn = e->monitoring_role_arn,
			.auto_minor_version_upgrade = AWS_FLAG_TRUE,
			.publicly_accessible = AWS_FLAG_FALSE, .tags = e->tags, .ntags = 3
		};
		struct aws_rds_instance made;

		say(e, "create", "instance %s (%s, the writer), enhanced monitoring every %d s",
			id, INSTANCE_CLASS, MONITORING_INTERVAL);
		if (e->apply)
		{
			if (aws_rds_create_db_instance(e->client, &spec, &made, &err) != AWS_OK)
				rc = exists_after_all(e, &err, "instance") ? STEP_AGAIN : aws_failed(&err);
			else
			{
				aws_rds_instance_clean_up(&made);
				rc = wait_for(e, id, WAIT_AVAILABLE);
			}
		}
	}
	else
	{
		bool		role_differs = primary->monitoring_role_arn == NULL || e->monitoring_role_arn == NULL ||
			strcmp(primary->monitoring_role_arn, e->monitoring_role_arn) != 0;

		if (e->rereading && !is_ours(e, &primary->tags))
		{
			aws_rds_instance_list_clean_up(&list);
			free(id);
			return not_ours(e, "instance");
		}
		if (primary->instance_class && strcmp(primary->instance_class, INSTANCE_CLASS) != 0)
			warnf("instance %s is %s, not %s; appdb leaves its class as it is",
				  primary->identifier, primary->instance_class, INSTANCE_CLASS);
		if (primary->monitoring_interval != MONITORING_INTERVAL || role_differs)
		{
			struct aws_rds_instance_changes ch = {primary->identifier, MONITORING_INTERVAL,
			e->monitoring_role_arn, AWS_FLAG_UNSET};

			say(e, "change", "instance %s: enhanced monitoring every %d s → %d s", primary->identifier,
				primary->monitoring_interval, MONITORING_INTERVAL);
			if (e->apply)
			{
				struct aws_rds_instance after;

				if (aws_rds_modify_db_instance(e->client, &ch, &after, &err) != AWS_OK)
					rc = aws_failed(&err);
				else
					aws_rds_instance_clean_up(&after);
			}
		}
		else
			say(e, "leave", "instance %s (%s, %s)", primary->identifier,
				primary->instance_class ? primary->instance_class : "?",
				primary->status ? primary->status : "?");
		if (rc < 0 && e->apply && primary->status && strcmp(primary->status, "available") != 0)
		{
			char	   *pid = xstrdup(primary->identifier);

			rc = wait_for(e, pid, WAIT_AVAILABLE);
			free(pid);
		}
	}
	aws_rds_instance_list_clean_up(&list);
	free(id);
	return rc;
}

/* The policy document that lets an IAM principal connect as user. */
static char *
connect_policy(const struct awsenv *e, const char *user)
{
	json_object *doc = json_object_new_object();
	json_object *stmts = json_object_new_array();
	json_object *st = json_object_new_object();
	char	   *resource = str_printf("arn:%s:rds-db:%s:%s:dbuser:%s/%s", e->partition, e->cfg->region,
									  e->account, e->cluster.resource_id, user);
	char	   *text;

	json_object_object_add(st, "Effect", json_object_new_string("Allow"));
	json_object_object_add(st, "Action", json_object_new_string("rds-db:connect"));
	json_object_object_add(st, "Resource", json_object_new_string(resource));
	json_object_array_add(stmts, st);
	json_object_object_add(doc, "Version", json_object_new_string("2012-10-17"));
	json_object_object_add(doc, "Statement", stmts);
	text = xstrdup(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	free(resource);
	return text;
}

static bool
same_json(const char *a, const char *b)
{
	json_object *x = json_tokener_parse(a);
	json_object *y = json_tokener_parse(b);
	bool		same = x && y && json_object_equal(x, y);

	json_object_put(x);
	json_object_put(y);
	return same;
}

/* NAME-<role>-access: rds-db:connect as that database user, on this cluster only. */
static int
step_connect_policy(struct awsenv *e, const char *role, const char *user)
{
	char	   *pname = connect_policy_name(e, role);
	char	   *arn = connect_policy_arn(e, role);
	char	   *doc = NULL;
	char	   *current = NULL;
	struct aws_iam_policy p;
	struct aws_error err;
	int			rc = -1;

	aws_error_init(&err);
	if (aws_iam_get_policy(e->client, arn, &p, &err) != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}
	if (e->cluster.resource_id == NULL)
	{
		/* plan before the cluster exists: its resource id is not known yet */
		say(e, p.found ? "change" : "create", "IAM policy %s: rds-db:connect as \"%s\" on the new cluster",
			pname, user);
		goto out;
	}
	doc = connect_policy(e, user);
	if (!p.found)
	{
		struct aws_iam_policy made;

		say(e, "create", "IAM policy %s: rds-db:connect as \"%s\" on cluster %s (%s)", pname, user,
			e->name, e->cluster.resource_id);
		if (e->apply)
		{
			if (aws_iam_create_policy(e->client, pname, NULL, doc,
									  "appdb: connect to the Aurora cluster with IAM authentication",
									  e->tags, 3, &made, &err) != AWS_OK)
				rc = exists_after_all(e, &err, "IAM policy") ? STEP_AGAIN : aws_failed(&err);
			else
				aws_iam_policy_clean_up(&made);
		}
		goto out;
	}
	if (aws_iam_get_policy_version(e->client, arn, p.default_version_id, &current, &err) != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}
	if (same_json(current, doc))
	{
		say(e, "leave", "IAM policy %s", pname);
		goto out;
	}
	say(e, "change", "IAM policy %s: a new version allowing rds-db:connect as \"%s\" on cluster %s (%s)",
		pname, user, e->name, e->cluster.resource_id);
	if (e->apply)
	{
		struct aws_iam_policy_versions versions = {0};
		char	   *new_version = NULL;
		size_t		i;

		/* IAM keeps five versions: make room by deleting the oldest non-default one */
		if (aws_iam_list_policy_versions(e->client, arn, &versions, &err) != AWS_OK)
			rc = aws_failed(&err);
		else if (versions.ids.n >= 5)
		{
			for (i = versions.ids.n; i-- > 0;)
				if (!versions.is_default[i])
				{
					if (aws_iam_delete_policy_version(e->client, arn, versions.ids.v[i], NULL, &err) != AWS_OK)
						rc = aws_failed(&err);
					break;
				}
		}
		if (rc < 0 && aws_iam_create_policy_version(e->client, arn, doc, true, &new_version, &err) != AWS_OK)
			rc = aws_failed(&err);
		free(new_version);
		aws_iam_policy_versions_clean_up(&versions);
	}
out:
	aws_iam_policy_clean_up(&p);
	free(current);
	free(doc);
	free(arn);
	free(pname);
	return rc;
}

/* The backup vault, the weekly plan, and the selection of the cluster. */
static int
step_backup(struct awsenv *e)
{
	char	   *bname = resource_name(e, "-database");
	struct aws_backup_rule_spec rule = {"weekly", bname, e->cfg->backup_schedule,
	BACKUP_DELETE_AFTER_DAYS, 0};
	struct aws_backup_vault vault;
	struct aws_backup_plan_list plans = {0};
	struct aws_backup_plan plan = {0};
	struct aws_backup_selection_list selections = {0};
	struct aws_error err;
	const char *plan_id = NULL;
	size_t		i;
	int			rc = -1;

	/*
	 * Backup's idempotency tokens: the same across the retries of one call
	 * (the body is sent again as it is), another on each run.  A rerun
	 * finds what was made by its name first, and a token reused after the
	 * plan or selection was deleted could hand back the deleted one.
	 */
	char	   *vault_token = str_printf("%s-vault-%lld", e->name, (long long) e->started);
	char	   *plan_token = str_printf("%s-plan-%lld", e->name, (long long) e->started);
	char	   *selection_token = str_printf("%s-selection-%lld", e->name, (long long) e->started);

	aws_error_init(&err);
	if (aws_backup_describe_vault(e->client, bname, &vault, &err) != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}
	if (!vault.found)
	{
		say(e, "create", "backup vault %s", bname);
		aws_backup_vault_clean_up(&vault);
		/* found after all: a vault's answer carries no tags; the name is the environment's */
		if (e->apply && aws_backup_create_vault(e->client, bname, NULL, e->tags, 3, vault_token,
												&vault, &err) != AWS_OK)
		{
			rc = exists_after_all(e, &err, "backup vault") ? STEP_AGAIN : aws_failed(&err);
			goto out;
		}
	}
	else
		say(e, "leave", "backup vault %s", bname);

	if (aws_backup_list_plans(e->client, &plans, &err) != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}
	for (i = 0; i < plans.names.n; i++)
		if (strcmp(plans.names.v[i], bname) == 0)
			plan_id = plans.ids.v[i];
	if (plan_id == NULL)
	{
		say(e, "create", "backup plan %s: %s, kept %d days", bname, e->cfg->backup_schedule,
			BACKUP_DELETE_AFTER_DAYS);
		if (e->apply)
		{
			if (aws_backup_create_plan(e->client, bname, &rule, 1, e->tags, 3, plan_token,
									   &plan, &err) != AWS_OK)
			{
				rc = exists_after_all(e, &err, "backup plan") ? STEP_AGAIN : aws_failed(&err);
				goto out;
			}
			plan_id = plan.id;
		}
	}
	else
	{
		bool		same;

		if (aws_backup_get_plan(e->client, plan_id, &plan, &err) != AWS_OK)
		{
			rc = aws_failed(&err);
			goto out;
		}
		same = plan.nrules == 1 && plan.rules[0].schedule && plan.rules[0].vault &&
			strcmp(plan.rules[0].schedule, e->cfg->backup_schedule) == 0 &&
			strcmp(plan.rules[0].vault, bname) == 0 &&
			plan.rules[0].delete_after_days == BACKUP_DELETE_AFTER_DAYS;
		if (same)
			say(e, "leave", "backup plan %s (%s)", bname, e->cfg->backup_schedule);
		else
		{
			struct aws_backup_plan updated;

			say(e, "change", "backup plan %s: schedule %s → %s, kept %d days", bname,
				plan.nrules > 0 && plan.rules[0].schedule ? plan.rules[0].schedule : "(none)",
				e->cfg->backup_schedule, BACKUP_DELETE_AFTER_DAYS);
			if (e->apply)
			{
				if (aws_backup_update_plan(e->client, plan_id, bname, &rule, 1, &updated, &err) != AWS_OK)
				{
					rc = aws_failed(&err);
					goto out;
				}
				aws_backup_plan_clean_up(&updated);
			}
		}
	}

	/* the selection: the cluster, backed up with the backup role */
	if (plan_id)
	{
		bool		found = false;

		if (aws_backup_list_selections(e->client, plan_id, &selections, &found, &err) != AWS_OK)
		{
			rc = aws_failed(&err);
			goto out;
		}
	}
	for (i = 0; i < selections.names.n; i++)
		if (strcmp(selections.names.v[i], bname) == 0)
			break;
	if (plan_id && i < selections.names.n)
		say(e, "leave", "backup selection %s (cluster %s)", bname, e->name);
	else
	{
		say(e, "create", "backup selection %s: cluster %s", bname, e->name);
		if (e->apply)
		{
			const char *resources[1] = {e->cluster.arn};
			struct aws_backup_selection made;

			if (aws_backup_create_selection(e->client, plan_id, bname, e->backup_role_arn,
											resources, 1, selection_token, &made, &err) != AWS_OK)
				rc = exists_after_all(e, &err, "backup selection") ? STEP_AGAIN : aws_failed(&err);
			else
				aws_backup_selection_clean_up(&made);
		}
	}
out:
	aws_backup_selection_list_clean_up(&selections);
	aws_backup_plan_clean_up(&plan);
	aws_backup_plan_list_clean_up(&plans);
	aws_backup_vault_clean_up(&vault);
	free(selection_token);
	free(plan_token);
	free(vault_token);
	free(bname);
	return rc;
}

/* ---- the commands ---- */

static int
awsenv_open(struct awsenv *e, const struct appdb_options *opts, const struct env_config *cfg)
{
	struct aws_error err;

	memset(e, 0, sizeof(*e));
	e->opts = opts;
	e->cfg = cfg;
	e->name = cfg->cluster_name;
	e->started = time(NULL);
	e->partition = region_partition(cfg->region);
	e->tags[0] = (struct aws_tag) {"app", cfg->app};
	e->tags[1] = (struct aws_tag) {"environment", cfg->env};
	e->tags[2] = (struct aws_tag) {"managed-by", "appdb"};
	if (opts->region && strcmp(opts->region, cfg->region) != 0)
		return usage_error("--region %s differs from the config file's region %s", opts->region, cfg->region);
	if (opts->pg_bindir)
		return usage_error("option --pg-bindir is the local provider's; this environment runs on Aurora");
	aws_report_install();
	aws_error_init(&err);
	if (aws_resolve_credentials_in(opts->profile, cfg->region, &e->creds, &err) != AWS_OK)
		return aws_report_error(&err);
	if (!aws_global_init() ||
		(e->client = aws_client_new(&e->creds, cfg->region, opts->endpoint_url)) == NULL)
	{
		errorf("cannot set up the HTTP client (libcurl or OpenSSL failed)");
		return EXIT_FAILURE_REMOTE;
	}
	return -1;
}

static int
step_monitoring_role(struct awsenv *e)
{
	return step_service_role(e, "-database-monitoring", "monitoring.rds.amazonaws.com",
							 MONITORING_POLICY, "RDS enhanced monitoring", &e->monitoring_role_arn);
}

static int
step_app_policy(struct awsenv *e)
{
	return step_connect_policy(e, "app", e->cfg->app_user);
}

static int
step_migrator_policy(struct awsenv *e)
{
	return step_connect_policy(e, "migrator", e->cfg->migrator_user);
}

static int
step_backup_role(struct awsenv *e)
{
	return step_service_role(e, "-database-backup", "backup.amazonaws.com",
							 BACKUP_POLICY, "AWS Backup of the cluster", &e->backup_role_arn);
}

/*
 * Every step, in dependency order; plan (apply false) makes read calls
 * only.  A step whose create found the resource there (STEP_AGAIN) is run
 * once more, to read it back and go on from what is there.
 */
static int
provision_steps(struct awsenv *e)
{
	static int (*const steps[]) (struct awsenv *e) = {
		step_identity, step_network, step_key, step_parameter_group, step_subnet_group,
		step_security_group, step_monitoring_role, step_cluster, step_instance,
		step_app_policy, step_migrator_policy, step_backup_role, step_backup
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
	return -1;
}

static int
cmd_plan(struct awsenv *e)
{
	int			rc;

	e->apply = false;
	if ((rc = provision_steps(e)) >= 0)
		return rc;
	if (e->creates + e->changes == 0)
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
	if ((rc = provision_steps(e)) >= 0)
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
	return EXIT_OK;
}

/* The cluster must exist, be available, and have its Data API and secret. */
static int
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
	return -1;
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
		return -1;
	}
	if (data_api_lock(s) != 0)
	{
		aws_rdsdata_rollback(s->client, &s->target, s->st.transaction_id, NULL, &err);
		aws_error_clean_up(&err);
		free(s->st.transaction_id);
		s->st.transaction_id = NULL;
		return -1;
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
static PGconn *
token_connect(struct awsenv *e, const char *user, char **why)
{
	char	   *token = aws_rds_auth_token(e->cluster.endpoint, e->cluster.port, user,
										   e->cfg->region, &e->creds, time(NULL));
	char		port[16];
	const char *keys[] = {"host", "port", "dbname", "user", "password", "sslmode",
	"connect_timeout", NULL};
	const char *values[8];
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
	values[5] = "require";
	values[6] = "10";
	values[7] = NULL;
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

static int
cmd_roles(struct awsenv *e)
{
	struct data_api_session s = {0};
	struct roles_session session = {0};
	struct roles_login login = {login_check, e, NULL};
	char	   *where;
	char	   *hint;
	int			rc;

	if ((rc = require_cluster(e)) >= 0)
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
	rc = roles_command_in(&session, e->opts, e->cfg, &login);
	verbosef("%d ExecuteStatement calls through the Data API", s.st.calls);
	free(s.st.transaction_id);
	free(where);
	free(hint);
	return rc;
}

/* url and psql: app or migrator, with a fresh IAM token. */
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
		hintf("connect as app or migrator with IAM tokens; roles setup and check reach the master through the Data API");
		return EXIT_USAGE;
	}
	user = strcmp(role, "migrator") == 0 ? e->cfg->migrator_user : e->cfg->app_user;
	if ((rc = require_cluster(e)) >= 0)
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
	if (e->opts->command == CMD_URL)
	{
		char	   *euser = uri_encode(user, "");
		char	   *etoken = uri_encode(token, "");
		char	   *edb = uri_encode(e->cfg->database, "");

		/* the token is the password: printed because it was asked for (DESIGN §7) */
		printf("postgresql://%s:%s@%s:%d/%s?sslmode=require\n", euser, etoken,
			   e->cluster.endpoint, e->cluster.port, edb);
		wipe_free(etoken);
		free(euser);
		free(edb);
		wipe_free(token);
		return EXIT_OK;
	}
	{
		char	   *conninfo = str_printf("host=%s port=%d dbname='%s' user='%s' sslmode=require",
										  e->cluster.endpoint, e->cluster.port, e->cfg->database, user);
		char	   *argv[] = {"psql", conninfo, NULL};

		/* the token goes in the environment, not on the command line */
		setenv("PGPASSWORD", token, 1);
		wipe_free(token);
		fflush(stdout);
		execvp("psql", argv);
		errorf("cannot run psql: %s", strerror(errno));
		hintf("install the PostgreSQL client (psql)");
		free(conninfo);
		return EXIT_FAILURE_REMOTE;
	}
}

static int
cmd_status(struct awsenv *e)
{
	struct aws_rds_instance_list list = {0};
	struct aws_error err;
	size_t		i;

	aws_error_init(&err);
	if (aws_rds_describe_db_cluster(e->client, e->name, &e->cluster, &err) != AWS_OK)
		return aws_failed(&err);
	if (!e->cluster.found)
	{
		struct aws_rds_snapshot_list snaps = {0};

		printf("state:     absent (cluster %s does not exist in %s; run provision)\n", e->name, e->cfg->region);
		/* where a destroyed cluster's data is */
		if (aws_rds_describe_cluster_snapshots(e->client, e->name, &snaps, &err) != AWS_OK)
			return aws_failed(&err);
		for (i = 0; i < snaps.ids.n; i++)
			printf("snapshot:  %s (%s)\n", snaps.ids.v[i], snaps.statuses.v[i] ? snaps.statuses.v[i] : "?");
		aws_rds_snapshot_list_clean_up(&snaps);
		return EXIT_OK;
	}
	if (aws_rds_describe_cluster_instances(e->client, e->name, &list, &err) != AWS_OK)
		return aws_failed(&err);
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
	for (i = 0; i < list.n; i++)
		printf("instance:  %s (%s, %s)\n", list.v[i].identifier,
			   list.v[i].instance_class ? list.v[i].instance_class : "?",
			   list.v[i].status ? list.v[i].status : "?");
	aws_rds_instance_list_clean_up(&list);
	return EXIT_OK;
}

/* destroy's question; true when the user typed the cluster's name. */
static bool
confirmed(const struct awsenv *e, bool keep_snapshot)
{
	char		answer[128];

	if (e->opts->yes)
		return true;
	if (!isatty(STDIN_FILENO))
	{
		errorf("destroy deletes cluster %s and what provision made for it; refusing without --yes when not on a terminal",
			   e->name);
		return false;
	}
	fprintf(stderr, "This deletes cluster %s in %s and what provision made for it%s.\n"
			"Type the cluster's name (%s) to go on: ", e->name, e->cfg->region,
			keep_snapshot ? ", keeping a final snapshot" : ", WITHOUT a final snapshot: its data is lost",
			e->name);
	if (fgets(answer, sizeof(answer), stdin) == NULL)
		return false;
	answer[strcspn(answer, "\n")] = '\0';
	if (strcmp(answer, e->name) != 0)
	{
		errorf("not confirmed; nothing changed");
		return false;
	}
	return true;
}

/*
 * Report a delete; "not found" is fine (a destroy that stopped halfway).
 * found is read here, after the call that sets it has run.
 */
static int
deleted(enum aws_status st, struct aws_error *err, const bool *found, const char *what)
{
	if (st != AWS_OK)
		return aws_failed(err);
	if (*found)
		notef("deleted %s", what);
	else
		verbosef("%s: already gone", what);
	return -1;
}

static int
destroy_policy(struct awsenv *e, const char *role)
{
	char	   *pname = connect_policy_name(e, role);
	char	   *arn = connect_policy_arn(e, role);
	struct aws_iam_policy_versions versions = {0};
	struct aws_error err;
	bool		found = false;
	size_t		i;
	int			rc = -1;

	aws_error_init(&err);
	/* a policy with versions besides the default cannot be deleted */
	if (aws_iam_list_policy_versions(e->client, arn, &versions, &err) != AWS_OK)
		rc = aws_failed(&err);
	for (i = 0; rc < 0 && i < versions.ids.n; i++)
		if (!versions.is_default[i] &&
			aws_iam_delete_policy_version(e->client, arn, versions.ids.v[i], NULL, &err) != AWS_OK)
			rc = aws_failed(&err);
	if (rc < 0 && versions.found)
		{
		char	   *what = str_printf("IAM policy %s", pname);

		rc = deleted(aws_iam_delete_policy(e->client, arn, &found, &err), &err, &found, what);
		free(what);
	}
	aws_iam_policy_versions_clean_up(&versions);
	free(arn);
	free(pname);
	return rc;
}

static int
destroy_role(struct awsenv *e, const char *suffix)
{
	char	   *rname = resource_name(e, suffix);
	struct aws_iam_attached attached = {0};
	struct aws_error err;
	bool		found = false;
	size_t		i;
	int			rc = -1;

	aws_error_init(&err);
	if (aws_iam_list_attached_role_policies(e->client, rname, &attached, &err) != AWS_OK)
		rc = aws_failed(&err);
	for (i = 0; rc < 0 && i < attached.arns.n; i++)
		if (aws_iam_detach_role_policy(e->client, rname, attached.arns.v[i], NULL, &err) != AWS_OK)
			rc = aws_failed(&err);
	if (rc < 0 && attached.found)
		{
		char	   *what = str_printf("IAM role %s", rname);

		rc = deleted(aws_iam_delete_role(e->client, rname, &found, &err), &err, &found, what);
		free(what);
	}
	aws_iam_attached_clean_up(&attached);
	free(rname);
	return rc;
}

static int
destroy_backup(struct awsenv *e, bool *vault_kept)
{
	char	   *bname = resource_name(e, "-database");
	struct aws_backup_plan_list plans = {0};
	struct aws_backup_vault vault = {0};
	struct aws_error err;
	bool		found;
	size_t		i,
				j;
	int			rc = -1;

	aws_error_init(&err);
	*vault_kept = false;
	if (aws_backup_list_plans(e->client, &plans, &err) != AWS_OK)
		rc = aws_failed(&err);
	for (i = 0; rc < 0 && i < plans.names.n; i++)
	{
		struct aws_backup_selection_list sel = {0};

		if (strcmp(plans.names.v[i], bname) != 0)
			continue;
		if (aws_backup_list_selections(e->client, plans.ids.v[i], &sel, &found, &err) != AWS_OK)
			rc = aws_failed(&err);
		for (j = 0; rc < 0 && j < sel.ids.n; j++)
			rc = deleted(aws_backup_delete_selection(e->client, plans.ids.v[i], sel.ids.v[j], &found, &err),
						 &err, &found, "the backup selection");
		aws_backup_selection_list_clean_up(&sel);
		if (rc < 0)
			rc = deleted(aws_backup_delete_plan(e->client, plans.ids.v[i], &found, &err), &err, &found,
						 "the backup plan");
	}
	if (rc < 0 && aws_backup_describe_vault(e->client, bname, &vault, &err) != AWS_OK)
		rc = aws_failed(&err);
	if (rc < 0 && vault.found && vault.recovery_points > 0)
	{
		/* backups are data: never deleted by appdb */
		warnf("backup vault %s holds %ld recovery point%s: kept, with the KMS key", bname,
			  vault.recovery_points, vault.recovery_points == 1 ? "" : "s");
		*vault_kept = true;
	}
	else if (rc < 0 && vault.found)
		{
		char	   *what = str_printf("backup vault %s", bname);

		rc = deleted(aws_backup_delete_vault(e->client, bname, &found, &err), &err, &found, what);
		free(what);
	}
	aws_backup_vault_clean_up(&vault);
	aws_backup_plan_list_clean_up(&plans);
	free(bname);
	return rc;
}

/*
 * The environment's enabled keys other than named (the key its alias
 * names): left by a run whose CreateKey answer was lost, or whose
 * CreateAlias never came.  Nothing was encrypted with them: provision
 * names a key before a cluster uses it.
 */
static int
destroy_unnamed_keys(struct awsenv *e, const char *named)
{
	struct aws_strings keys = {0};
	struct aws_error err;
	size_t		i;
	int			rc;

	aws_error_init(&err);
	if ((rc = env_keys(e, named, &keys)) >= 0)
		return rc;
	for (i = 0; rc < 0 && i < keys.n; i++)
	{
		if (aws_kms_schedule_key_deletion(e->client, keys.v[i], KEY_UNNAMED_DELETION_WINDOW_DAYS, &err) != AWS_OK)
			rc = aws_failed(&err);
		else
			notef("scheduled KMS key %s (this environment's, with no alias) for deletion in %d days",
				  keys.v[i], KEY_UNNAMED_DELETION_WINDOW_DAYS);
	}
	aws_strings_clean_up(&keys);
	return rc;
}

static int
cmd_destroy(struct awsenv *e)
{
	struct aws_rds_instance_list list = {0};
	struct aws_error err;
	bool		keep_snapshot = !e->opts->skip_final_snapshot;
	bool		vault_kept = false;
	bool		found;
	char	   *snapshot = NULL;
	size_t		i;
	int			rc;

	aws_error_init(&err);
	if ((rc = step_identity(e)) >= 0)
		return rc;
	if (aws_rds_describe_db_cluster(e->client, e->name, &e->cluster, &err) != AWS_OK)
		return aws_failed(&err);

	/* what would stop it halfway is refused before anything is deleted */
	if (e->cluster.found && e->cluster.deletion_protection && !e->opts->lift_deletion_protection)
	{
		errorf("cluster %s has deletion protection on; nothing deleted", e->name);
		hintf("give --lift-deletion-protection to turn it off and delete (and set deletion_protection to false in %s, or provision turns it on again)",
			  e->cfg->path);
		return EXIT_USAGE;
	}
	{
		const char *roles[2] = {"app", "migrator"};

		for (i = 0; i < 2; i++)
		{
			char	   *arn = connect_policy_arn(e, roles[i]);
			struct aws_iam_policy p;

			if (aws_iam_get_policy(e->client, arn, &p, &err) != AWS_OK)
			{
				free(arn);
				return aws_failed(&err);
			}
			if (p.found && p.attachment_count > 0)
			{
				errorf("IAM policy %s is attached to %d role%s, user%s or group%s; nothing deleted",
					   p.name, p.attachment_count, p.attachment_count == 1 ? "" : "s",
					   p.attachment_count == 1 ? "" : "s", p.attachment_count == 1 ? "" : "s");
				hintf("the services using it lose database access: detach it first (aws iam list-entities-for-policy --policy-arn %s)", arn);
				aws_iam_policy_clean_up(&p);
				free(arn);
				return EXIT_FAILURE_REMOTE;
			}
			aws_iam_policy_clean_up(&p);
			free(arn);
		}
	}
	if (!confirmed(e, keep_snapshot))
		return EXIT_USAGE;

	if ((rc = destroy_backup(e, &vault_kept)) >= 0 ||
		(rc = destroy_role(e, "-database-backup")) >= 0 ||
		(rc = destroy_policy(e, "app")) >= 0 ||
		(rc = destroy_policy(e, "migrator")) >= 0)
		return rc;

	if (e->cluster.found)
	{
		/* the last instance of a protected cluster cannot be deleted either */
		if (e->cluster.deletion_protection)
		{
			struct aws_rds_cluster_changes ch = {.identifier = e->name,
			.deletion_protection = AWS_FLAG_FALSE};
			struct aws_rds_cluster after;

			notef("turning deletion protection of cluster %s off", e->name);
			if (aws_rds_modify_db_cluster(e->client, &ch, &after, &err) != AWS_OK)
				return aws_failed(&err);
			aws_rds_cluster_clean_up(&after);
		}
		if (aws_rds_describe_cluster_instances(e->client, e->name, &list, &err) != AWS_OK)
			return aws_failed(&err);
		for (i = 0; i < list.n; i++)
		{
			notef("deleting instance %s", list.v[i].identifier);
			if (aws_rds_delete_db_instance(e->client, list.v[i].identifier, &found, &err) != AWS_OK)
			{
				aws_rds_instance_list_clean_up(&list);
				return aws_failed(&err);
			}
		}
		for (i = 0; i < list.n; i++)
			if ((rc = wait_for(e, list.v[i].identifier, WAIT_GONE)) >= 0)
			{
				aws_rds_instance_list_clean_up(&list);
				return rc;
			}
		aws_rds_instance_list_clean_up(&list);
		if (keep_snapshot)
		{
			char		stamp[32];
			time_t		now = time(NULL);

			strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime(&now));
			snapshot = str_printf("%s-final-%s", e->name, stamp);
		}
		notef("deleting cluster %s%s%s", e->name, snapshot ? ", with the final snapshot " : " (no final snapshot)",
			  snapshot ? snapshot : "");
		if (aws_rds_delete_db_cluster(e->client, e->name, snapshot, &found, &err) != AWS_OK)
		{
			free(snapshot);
			return aws_failed(&err);
		}
		if ((rc = wait_for(e, NULL, WAIT_GONE)) >= 0)
		{
			free(snapshot);
			return rc;
		}
	}
	{
		char	   *pg = parameter_group_name(e);
		char	   *pgwhat = str_printf("cluster parameter group %s", pg);
		char	   *sgname = resource_name(e, "-database");
		char	   *sgwhat = str_printf("security group %s", sgname);
		char	   *sngwhat = str_printf("DB subnet group %s", e->name);
		const char *names[1] = {sgname};
		const struct aws_ec2_filter f = {"group-name", names, 1};
		struct aws_ec2_security_group_list groups = {0};

		rc = deleted(aws_rds_delete_cluster_parameter_group(e->client, pg, &found, &err),
					 &err, &found, pgwhat);
		if (rc < 0)
			rc = deleted(aws_rds_delete_subnet_group(e->client, e->name, &found, &err), &err, &found,
						 sngwhat);
		if (rc < 0 && aws_ec2_describe_security_groups(e->client, NULL, 0, &f, 1, &groups, &err) != AWS_OK)
			rc = aws_failed(&err);
		for (i = 0; rc < 0 && i < groups.n; i++)
			rc = deleted(aws_ec2_delete_security_group(e->client, groups.v[i].id, &found, &err), &err,
						 &found, sgwhat);
		aws_ec2_security_group_list_clean_up(&groups);
		free(sngwhat);
		free(sgwhat);
		free(pgwhat);
		free(sgname);
		free(pg);
		if (rc < 0)
			rc = destroy_role(e, "-database-monitoring");
	}
	if (rc < 0)
	{
		char	   *alias = key_alias(e);
		struct aws_kms_key key;

		if (aws_kms_describe_key(e->client, alias, &key, &err) != AWS_OK)
			rc = aws_failed(&err);
		else if (key.found && (keep_snapshot || vault_kept))
			notef("kept KMS key %s: the %s encrypted with it", alias,
				  vault_kept ? "recovery points are" : "final snapshot is");
		else if (key.found)
		{
			if (aws_kms_delete_alias(e->client, alias, &found, &err) != AWS_OK ||
				aws_kms_schedule_key_deletion(e->client, key.id, KEY_DELETION_WINDOW_DAYS, &err) != AWS_OK)
				rc = aws_failed(&err);
			else
				notef("scheduled KMS key %s (%s) for deletion in %d days", alias, key.id, KEY_DELETION_WINDOW_DAYS);
		}
		if (rc < 0)
			rc = destroy_unnamed_keys(e, key.found ? key.id : NULL);
		aws_kms_key_clean_up(&key);
		free(alias);
	}
	if (rc < 0)
	{
		if (snapshot)
			notef("destroy: cluster %s and its resources are deleted; its data is in the final snapshot %s", e->name, snapshot);
		else
			notef("destroy: cluster %s and its resources are deleted", e->name);
	}
	free(snapshot);
	return rc < 0 ? EXIT_OK : rc;
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

	if ((rc = awsenv_open(&e, opts, cfg)) < 0)
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
aws_destroy(const struct appdb_options *opts, const struct env_config *cfg)
{
	return aws_run(opts, cfg, cmd_destroy);
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
	.destroy = aws_destroy,
};
