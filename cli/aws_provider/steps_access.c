/*
 * cli/aws_provider/steps_access.c
 *		provision's (and plan's) steps for who may do what: the service
 *		roles of enhanced monitoring and AWS Backup, and the IAM policies that
 *		let the app and the migrator connect (rds-db:connect).
 */
#include "aws_int.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/aws/iam.h"
#include "cli/util.h"

#define MONITORING_POLICY "arn:%s:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
#define BACKUP_POLICY "arn:%s:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"

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

int
step_monitoring_role(struct awsenv *e)
{
	return step_service_role(e, "-database-monitoring", "monitoring.rds.amazonaws.com",
							 MONITORING_POLICY, "RDS enhanced monitoring", &e->monitoring_role_arn);
}

int
step_app_policy(struct awsenv *e)
{
	return step_connect_policy(e, "app", e->cfg->app_user);
}

int
step_migrator_policy(struct awsenv *e)
{
	return step_connect_policy(e, "migrator", e->cfg->migrator_user);
}

int
step_backup_role(struct awsenv *e)
{
	return step_service_role(e, "-database-backup", "backup.amazonaws.com",
							 BACKUP_POLICY, "AWS Backup of the cluster", &e->backup_role_arn);
}
