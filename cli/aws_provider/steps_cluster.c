/*
 * cli/aws_provider/steps_cluster.c
 *		provision's (and plan's) steps for the database itself: the cluster
 *		parameter group, the Aurora Serverless v2 cluster and its instance.
 */
#include "aws_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/aws/rds.h"
#include "cli/msgs.h"
#include "cli/util.h"

#define MASTER_USER "postgres"
#define INSTANCE_CLASS "db.serverless"
#define MONITORING_INTERVAL 30

/*
 * The cluster parameter group: the two parameters DESIGN §1 asks for, and
 * TLS for every connection (IAM authentication needs it anyway; template-infra
 * leaves rds.force_ssl unset).
 */
#define N_WANTED 3
int
step_parameter_group(struct awsenv *e)
{
	static const struct aws_rds_parameter wanted[N_WANTED] = {
		{"log_statement", "ddl", "immediate"},
		{"log_min_duration_statement", "100", "immediate"},
		{"rds.force_ssl", "1", "immediate"},
	};
	int			major = env_engine_major(e->cfg->engine_version);
	char	   *family = str_printf("aurora-postgresql%d", major);
	struct aws_rds_parameter_group g;
	struct aws_rds_parameter_list current = {0};
	struct aws_rds_parameter diff[N_WANTED];
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
		say(e, "create", "cluster parameter group %s (%s): log_statement=ddl, log_min_duration_statement=100, rds.force_ssl=1",
			e->pg_name, family);
		if (!e->apply)
			goto out;
		aws_rds_parameter_group_clean_up(&g);
		/* found after all: its answer carries no tags; the name is the environment's */
		if (aws_rds_create_cluster_parameter_group(e->client, e->pg_name, family,
												   "appdb: TLS only, logs DDL and statements over 100 ms",
												   e->tags, 3, &g, &err) != AWS_OK)
			rc = exists_after_all(e, &err, "cluster parameter group") ? STEP_AGAIN : aws_failed(&err);
		else if (aws_rds_modify_cluster_parameter_group(e->client, e->pg_name, wanted, N_WANTED, &err) != AWS_OK)
			rc = aws_failed(&err);
		goto out;
	}
	if (aws_rds_describe_cluster_parameters(e->client, e->pg_name, "user", &current, &err) != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}
	for (i = 0; i < N_WANTED; i++)
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

const char *
on_off(bool b)
{
	return b ? "on" : "off";
}

/* The cluster: created as configured, or changed where it differs. */
int
step_cluster(struct awsenv *e)
{
	const struct env_config *cfg = e->cfg;
	struct aws_rds_cluster *c = &e->cluster;
	struct aws_rds_cluster_changes ch = {.identifier = e->name};
	const char *sgs[1] = {e->sg_id};
	struct aws_error err;
	bool		changed = false;
	bool		created = false;
	char		later[128] = "";	/* when a queued change applies */
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
			return EXIT_GO_ON;
		aws_rds_cluster_clean_up(c);
		if (aws_rds_create_db_cluster(e->client, &spec, c, &err) != AWS_OK)
			return exists_after_all(e, &err, "Aurora cluster") ? STEP_AGAIN : aws_failed(&err);
		created = true;
		if ((rc = wait_for(e, NULL, WAIT_AVAILABLE)) != EXIT_GO_ON)
			return rc;
	}
	else if (e->rereading && !is_ours(e, &c->tags))
		return not_ours(e, "Aurora cluster");
	else
	{
		/*
		 * Without ApplyImmediately, RDS queues an engine version or IAM
		 * authentication change for the maintenance window (shown as
		 * pending until then); capacity, deletion protection, the parameter
		 * group's name and security groups change at once regardless (the
		 * ModifyDBCluster reference, and the Aurora user guide's settings).
		 */
		if (!cfg->apply_immediately && c->maintenance_window)
			snprintf(later, sizeof(later), " (applies at the next maintenance window, %.64s UTC)",
					 c->maintenance_window);
		else if (!cfg->apply_immediately)
			snprintf(later, sizeof(later), " (applies at the next maintenance window)");
		ch.apply_immediately = cfg->apply_immediately;

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
			if (!cfg->apply_immediately && c->pending_engine_version &&
				strcmp(c->pending_engine_version, cfg->engine_version) == 0)
				say(e, "pending", "cluster %s: engine version %s → %s%s", e->name, c->engine_version,
					cfg->engine_version, later);
			else
			{
				say(e, "change", "cluster %s: engine version %s → %s%s", e->name, c->engine_version,
					cfg->engine_version, later);
				ch.engine_version = cfg->engine_version;
				changed = true;
			}
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
		if (!c->iam_database_authentication_enabled && !cfg->apply_immediately &&
			c->pending_iam_auth == AWS_FLAG_TRUE)
			say(e, "pending", "cluster %s: IAM database authentication off → on%s", e->name, later);
		else if (!c->iam_database_authentication_enabled)
		{
			say(e, "change", "cluster %s: IAM database authentication off → on%s", e->name, later);
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
			(rc = wait_for(e, NULL, WAIT_AVAILABLE)) != EXIT_GO_ON)
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
	return EXIT_GO_ON;
}

/* The cluster's primary instance, db.serverless, with enhanced monitoring. */
int
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
