/*
 * cli/aws_provider/destroy.c
 *		The aws provider's destroy: once confirmed, what provision made, in
 *		reverse order, a final snapshot kept unless told otherwise or the
 *		environment is temporary (then its backups go too).
 */
#include "aws_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/aws/backup.h"
#include "cli/aws/ec2.h"
#include "cli/aws/iam.h"
#include "cli/aws/kms.h"
#include "cli/aws/rds.h"
#include "cli/msgs.h"
#include "cli/util.h"

#define KEY_DELETION_WINDOW_DAYS 30

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
			keep_snapshot ? ", keeping a final snapshot" : e->cfg->temporary ?
			" (a temporary environment), WITHOUT a final snapshot and with its backups: its data is lost" :
			", WITHOUT a final snapshot: its data is lost",
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

/* What destroy did: a note, and with --output json a step of its document. */
static void
done(struct awsenv *e, const char *action, const char *fmt,...)
{
	va_list		args;
	char	   *text;

	va_start(args, fmt);
	text = str_vprintf(fmt, args);
	va_end(args);
	notef("%s", text);
	plan_keep(&e->lines, action, text);
	free(text);
}

/*
 * Report a delete; "not found" is fine (a destroy that stopped halfway).
 * found is read here, after the call that sets it has run.
 */
static int
deleted(struct awsenv *e, enum aws_status st, struct aws_error *err, const bool *found, const char *what)
{
	if (st != AWS_OK)
		return aws_failed(err);
	if (*found)
		done(e, "delete", "deleted %s", what);
	else
		verbosef("%s: already gone", what);
	return -1;
}

int
destroy_connect_policy(struct awsenv *e, const char *role)
{
	char	   *pname = connect_policy_name(e, role);
	char	   *arn = connect_policy_arn(e, role);
	struct aws_iam_policy_versions versions = {0};
	struct aws_iam_policy_roles roles = {0};
	struct aws_error err;
	bool		found = false;
	size_t		i;
	int			rc = -1;

	aws_error_init(&err);
	/* an attached policy cannot be deleted: its roles lose it first */
	if (aws_iam_list_policy_roles(e->client, arn, &roles, &err) != AWS_OK)
		rc = aws_failed(&err);
	for (i = 0; rc < 0 && i < roles.names.n; i++)
	{
		if (aws_iam_detach_role_policy(e->client, roles.names.v[i], arn, &found, &err) != AWS_OK)
			rc = aws_failed(&err);
		else if (found)
			done(e, "detach", "detached IAM policy %s from role %s", pname, roles.names.v[i]);
	}
	/* a policy with versions besides the default cannot be deleted */
	if (rc < 0 && aws_iam_list_policy_versions(e->client, arn, &versions, &err) != AWS_OK)
		rc = aws_failed(&err);
	for (i = 0; rc < 0 && i < versions.ids.n; i++)
		if (!versions.is_default[i] &&
			aws_iam_delete_policy_version(e->client, arn, versions.ids.v[i], NULL, &err) != AWS_OK)
			rc = aws_failed(&err);
	if (rc < 0 && versions.found)
		{
		char	   *what = str_printf("IAM policy %s", pname);

		rc = deleted(e, aws_iam_delete_policy(e->client, arn, &found, &err), &err, &found, what);
		free(what);
	}
	aws_iam_policy_versions_clean_up(&versions);
	aws_iam_policy_roles_clean_up(&roles);
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

		rc = deleted(e, aws_iam_delete_role(e->client, rname, &found, &err), &err, &found, what);
		free(what);
	}
	aws_iam_attached_clean_up(&attached);
	free(rname);
	return rc;
}

/*
 * A temporary environment's backups go with it (template-infra's
 * force_destroy of the vault): each recovery point is deleted, then waited
 * for, so that the vault can go.
 */
static int
destroy_recovery_points(struct awsenv *e, const char *vault)
{
	struct aws_backup_recovery_point_list points = {0};
	struct aws_error err;
	bool		found = false;
	size_t		i,
				n = 0;
	int			rc = -1;

	aws_error_init(&err);
	if (aws_backup_list_recovery_points(e->client, vault, &points, &found, &err) != AWS_OK)
		return aws_failed(&err);
	for (i = 0; rc < 0 && i < points.arns.n; i++)
	{
		if (strcmp(points.statuses.v[i], "DELETING") == 0)
			continue;
		if (aws_backup_delete_recovery_point(e->client, vault, points.arns.v[i], &found, &err) != AWS_OK)
			rc = aws_failed(&err);
		else if (found)
			n++;
	}
	if (rc < 0 && n > 0)
		done(e, "delete", "deleted %zu recovery point%s of backup vault %s (a temporary environment)", n,
			 n == 1 ? "" : "s", vault);
	aws_backup_recovery_point_list_clean_up(&points);
	if (rc < 0 && points.arns.n > 0 && (rc = wait_recovery_points_gone(e, vault)) == EXIT_GO_ON)
		rc = -1;
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
			rc = deleted(e, aws_backup_delete_selection(e->client, plans.ids.v[i], sel.ids.v[j], &found, &err),
						 &err, &found, "the backup selection");
		aws_backup_selection_list_clean_up(&sel);
		if (rc < 0)
			rc = deleted(e, aws_backup_delete_plan(e->client, plans.ids.v[i], &found, &err), &err, &found,
						 "the backup plan");
	}
	if (rc < 0 && aws_backup_describe_vault(e->client, bname, &vault, &err) != AWS_OK)
		rc = aws_failed(&err);
	if (rc < 0 && vault.found && e->cfg->temporary && (rc = destroy_recovery_points(e, bname)) < 0)
		vault.recovery_points = 0;
	if (rc < 0 && vault.found && vault.recovery_points > 0)
	{
		/* backups are data: deleted only with a temporary environment */
		warnf("backup vault %s holds %ld recovery point%s: kept, with the KMS key", bname,
			  vault.recovery_points, vault.recovery_points == 1 ? "" : "s");
		*vault_kept = true;
	}
	else if (rc < 0 && vault.found)
		{
		char	   *what = str_printf("backup vault %s", bname);

		rc = deleted(e, aws_backup_delete_vault(e->client, bname, &found, &err), &err, &found, what);
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
	if ((rc = env_keys(e, named, &keys)) != EXIT_GO_ON)
		return rc;
	for (i = 0; rc < 0 && i < keys.n; i++)
	{
		if (aws_kms_schedule_key_deletion(e->client, keys.v[i], KEY_UNNAMED_DELETION_WINDOW_DAYS, &err) != AWS_OK)
			rc = aws_failed(&err);
		else
			done(e, "delete", "scheduled KMS key %s (this environment's, with no alias) for deletion in %d days",
				 keys.v[i], KEY_UNNAMED_DELETION_WINDOW_DAYS);
	}
	aws_strings_clean_up(&keys);
	return rc;
}

int
cmd_destroy(struct awsenv *e)
{
	struct aws_rds_instance_list list = {0};
	struct aws_error err;
	bool		keep_snapshot = !e->opts->skip_final_snapshot && !e->cfg->temporary;
	bool		vault_kept = false;
	bool		found;
	bool		had_cluster;	/* e->cluster is read again as it goes */
	struct aws_strings readonly;
	char	  **kinds = NULL;	/* the connect policies' kinds */
	char	   *snapshot = NULL;
	size_t		i;
	int			rc;

	aws_error_init(&err);
	if ((rc = step_identity(e)) != EXIT_GO_ON)
		return rc;
	if (aws_rds_describe_db_cluster(e->client, e->name, &e->cluster, &err) != AWS_OK)
		return aws_failed(&err);
	had_cluster = e->cluster.found;

	/* what would stop it halfway is refused before anything is deleted */
	if (e->cluster.found && e->cluster.deletion_protection && !e->opts->lift_deletion_protection)
	{
		errorf("cluster %s has deletion protection on; nothing deleted", e->name);
		hintf("give --lift-deletion-protection to turn it off and delete (and set deletion_protection to false in %s, or provision turns it on again)",
			  e->cfg->path);
		return EXIT_USAGE;
	}
	/* app's, migrator's, then every read-only user's appdb made, named in the config or not */
	if ((rc = readonly_policies(e, &readonly)) != EXIT_GO_ON)
		return rc;
	strv_add(&kinds, "app");
	strv_add(&kinds, "migrator");
	for (i = 0; i < readonly.n; i++)
	{
		char	   *kind = readonly_kind(readonly.v[i]);

		strv_add(&kinds, kind);
		free(kind);
	}
	aws_strings_clean_up(&readonly);
	{
		for (i = 0; kinds[i]; i++)
		{
			char	   *arn = connect_policy_arn(e, kinds[i]);
			struct aws_iam_policy p;

			if (aws_iam_get_policy(e->client, arn, &p, &err) != AWS_OK)
			{
				free(arn);
				strv_free(&kinds);
				return aws_failed(&err);
			}
			/* roles are detached below; a user or group appdb cannot know about */
			if (p.found && p.attachment_count > 0)
			{
				struct aws_iam_policy_roles attached;
				int			others;

				if (aws_iam_list_policy_roles(e->client, arn, &attached, &err) != AWS_OK)
				{
					aws_iam_policy_clean_up(&p);
					free(arn);
					strv_free(&kinds);
					return aws_failed(&err);
				}
				others = p.attachment_count - (int) attached.names.n;
				if (attached.names.n > 0 && others <= 0)
					warnf("IAM policy %s is attached to %zu role%s (%s%s): destroy detaches it", p.name,
						  attached.names.n, attached.names.n == 1 ? "" : "s", attached.names.v[0],
						  attached.names.n > 1 ? ", ..." : "");
				aws_iam_policy_roles_clean_up(&attached);
				if (others > 0)
				{
					errorf("IAM policy %s is attached to %d IAM user%s or group%s; nothing deleted",
						   p.name, others, others == 1 ? "" : "s", others == 1 ? "" : "s");
					hintf("detach it from them first (aws iam list-entities-for-policy --policy-arn %s)", arn);
					aws_iam_policy_clean_up(&p);
					free(arn);
					strv_free(&kinds);
					return EXIT_FAILURE_REMOTE;
				}
			}
			aws_iam_policy_clean_up(&p);
			free(arn);
		}
	}
	if (!confirmed(e, keep_snapshot))
	{
		strv_free(&kinds);
		return EXIT_USAGE;
	}

	if ((rc = destroy_backup(e, &vault_kept)) == EXIT_GO_ON)
		rc = destroy_role(e, "-database-backup");
	for (i = 0; rc == EXIT_GO_ON && kinds[i]; i++)
		rc = destroy_connect_policy(e, kinds[i]);
	strv_free(&kinds);
	if (rc != EXIT_GO_ON)
		return rc;

	if (e->cluster.found)
	{
		/* the last instance of a protected cluster cannot be deleted either */
		if (e->cluster.deletion_protection)
		{
			struct aws_rds_cluster_changes ch = {.identifier = e->name,
			.deletion_protection = AWS_FLAG_FALSE, .apply_immediately = true};
			struct aws_rds_cluster after;

			done(e, "change", "turning deletion protection of cluster %s off", e->name);
			if (aws_rds_modify_db_cluster(e->client, &ch, &after, &err) != AWS_OK)
				return aws_failed(&err);
			aws_rds_cluster_clean_up(&after);
		}
		if (aws_rds_describe_cluster_instances(e->client, e->name, &list, &err) != AWS_OK)
			return aws_failed(&err);
		for (i = 0; i < list.n; i++)
		{
			done(e, "delete", "deleting instance %s", list.v[i].identifier);
			if (aws_rds_delete_db_instance(e->client, list.v[i].identifier, &found, &err) != AWS_OK)
			{
				aws_rds_instance_list_clean_up(&list);
				return aws_failed(&err);
			}
		}
		for (i = 0; i < list.n; i++)
			if ((rc = wait_for(e, list.v[i].identifier, WAIT_GONE)) != EXIT_GO_ON)
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
		done(e, "delete", "deleting cluster %s%s%s", e->name, snapshot ? ", with the final snapshot " : " (no final snapshot)",
			 snapshot ? snapshot : "");
		if (aws_rds_delete_db_cluster(e->client, e->name, snapshot, &found, &err) != AWS_OK)
		{
			free(snapshot);
			return aws_failed(&err);
		}
		if ((rc = wait_for(e, NULL, WAIT_GONE)) != EXIT_GO_ON)
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

		rc = deleted(e, aws_rds_delete_cluster_parameter_group(e->client, pg, &found, &err),
					 &err, &found, pgwhat);
		if (rc < 0)
			rc = deleted(e, aws_rds_delete_subnet_group(e->client, e->name, &found, &err), &err, &found,
						 sngwhat);
		if (rc < 0 && aws_ec2_describe_security_groups(e->client, NULL, 0, &f, 1, &groups, &err) != AWS_OK)
			rc = aws_failed(&err);
		for (i = 0; rc < 0 && i < groups.n; i++)
			rc = deleted(e, aws_ec2_delete_security_group(e->client, groups.v[i].id, &found, &err), &err,
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
			done(e, "keep", "kept KMS key %s: the %s encrypted with it", alias,
				 vault_kept ? "recovery points are" : "final snapshot is");
		else if (key.found)
		{
			if (aws_kms_delete_alias(e->client, alias, &found, &err) != AWS_OK ||
				aws_kms_schedule_key_deletion(e->client, key.id, KEY_DELETION_WINDOW_DAYS, &err) != AWS_OK)
				rc = aws_failed(&err);
			else
				done(e, "delete", "scheduled KMS key %s (%s) for deletion in %d days", alias, key.id, KEY_DELETION_WINDOW_DAYS);
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
		if (e->opts->output == OUTPUT_JSON)
		{
			struct json_object *obj = json_object_new_object();

			json_object_object_add(obj, "provider", json_object_new_string("aws"));
			json_object_object_add(obj, "cluster", json_object_new_string(e->name));
			json_object_object_add(obj, "region", json_object_new_string(e->cfg->region));
			/* the cluster was there; what else provision made is deleted either way */
			json_object_object_add(obj, "destroyed", json_object_new_boolean(had_cluster));
			json_object_object_add(obj, "final_snapshot", snapshot ? json_object_new_string(snapshot) : NULL);
			json_object_object_add(obj, "steps", plan_lines_take(&e->lines));
			print_json(obj);
		}
	}
	free(snapshot);
	return rc < 0 ? EXIT_OK : rc;
}
