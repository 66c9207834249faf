/*
 * cli/aws_provider/steps_storage.c
 *		provision's (and plan's) steps for the data's keeping: the cluster's
 *		KMS key (a key whose alias never came adopted, not made again) and
 *		AWS Backup's vault, plan and selection.
 */
#include "aws_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/aws/backup.h"
#include "cli/aws/kms.h"
#include "cli/aws/request.h"
#include "cli/msgs.h"
#include "cli/util.h"


/*
 * The enabled keys tagged with this environment, but skip (NULL: none):
 * keys appdb made whose alias never came (a CreateKey whose answer was
 * lost).  It costs a ListKeys page per 1000 keys of the account and
 * region, a ListResourceTags per key, and a DescribeKey per key tagged as
 * ours; keys whose tags the credentials may not read (the policy lets
 * appdb read only its own) are not ours.  Run only where the alias is
 * missing and by destroy, never on a converged provision.
 */
int
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
			return EXIT_GO_ON;
		if (!is_transient(&err) || attempt >= e->client->retry.max_attempts)
			return aws_failed(&err);
		verbosef("CreateKey: %s (attempt %d of %d); looking for the key before sending it again",
				 err.text ? err.text : "failed", attempt, e->client->retry.max_attempts);
		aws_error_clean_up(&err);
		if ((rc = env_keys(e, NULL, &made)) != EXIT_GO_ON)
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
		return EXIT_GO_ON;
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
		return EXIT_GO_ON;
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
int
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

/* The backup vault, the weekly plan, and the selection of the cluster. */
int
step_backup(struct awsenv *e)
{
	char	   *bname = resource_name(e, "-database");
	int			days = e->cfg->backup_retention_days;	/* 0: no Lifecycle, kept */
	struct aws_backup_rule_spec rule = {"weekly", bname, e->cfg->backup_schedule, days, 0};
	char		kept[64];
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
	if (days)
		snprintf(kept, sizeof(kept), "kept %d day%s", days, days == 1 ? "" : "s");
	else
		snprintf(kept, sizeof(kept), "kept with no expiry");
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
		say(e, "create", "backup plan %s: %s, %s", bname, e->cfg->backup_schedule, kept);
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
			plan.rules[0].delete_after_days == days;
		if (same)
			say(e, "leave", "backup plan %s (%s, %s)", bname, e->cfg->backup_schedule, kept);
		else
		{
			struct aws_backup_plan updated;
			long		was = plan.nrules > 0 ? plan.rules[0].delete_after_days : 0;
			char		waskept[64];

			if (was)
				snprintf(waskept, sizeof(waskept), "kept %ld day%s", was, was == 1 ? "" : "s");
			else
				snprintf(waskept, sizeof(waskept), "kept with no expiry");
			const char *wassched = plan.nrules > 0 && plan.rules[0].schedule ? plan.rules[0].schedule : "(none)";

			if (was == days && strcmp(wassched, e->cfg->backup_schedule) != 0)
				say(e, "change", "backup plan %s: schedule %s → %s", bname, wassched, e->cfg->backup_schedule);
			else if (was != days && strcmp(wassched, e->cfg->backup_schedule) == 0)
				say(e, "change", "backup plan %s: %s → %s", bname, waskept, kept);
			else
				say(e, "change", "backup plan %s: schedule %s → %s, %s → %s", bname, wassched,
					e->cfg->backup_schedule, waskept, kept);
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
