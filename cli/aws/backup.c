/*
 * cli/aws/backup.c
 *		AWS Backup calls (see backup.h): bodies built and answers read with
 *		json-c; path segments URI-encoded with the signer's encoder.
 */
#include "backup.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const not_found[] = {"ResourceNotFoundException", NULL};

/* A path segment, URI-encoded ('/' too), malloc'd. */
static char *
seg(const char *s)
{
	struct sigv4_buf b = {0};
	char	   *out;

	sigv4_uri_encode(&b, s, strlen(s), false);
	out = aws_xstrdup(b.data ? b.data : "");
	sigv4_buf_clean_up(&b);
	return out;
}

/*
 * One call: path (consumed), query (may be NULL), body (consumed, may be
 * NULL).  found, when not NULL, makes ResourceNotFoundException AWS_OK
 * with *found false.  On AWS_OK with *found true, *resp is the caller's
 * (resp NULL: dropped).
 */
static enum aws_status
call_query(struct aws_client *client, const char *op, const char *method, char *path,
		   const struct aws_params *query, json_object *body,
		   struct aws_response *resp, bool *found, struct aws_error *err)
{
	struct aws_response tmp;
	enum aws_status st;

	aws_response_init(&tmp);
	st = aws_call_rest_json(client, &aws_service_backup, op, method, path, query,
							body ? json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : NULL,
							resp ? resp : &tmp, err);
	free(path);
	json_object_put(body);
	if (st == AWS_OK && resp == NULL)
		aws_response_clean_up(&tmp);
	return aws_svc_not_found_ok(st, err, not_found, found);
}

/* call_query without a query. */
static enum aws_status
call(struct aws_client *client, const char *op, const char *method, char *path,
	 json_object *body, struct aws_response *resp, bool *found, struct aws_error *err)
{
	return call_query(client, op, method, path, NULL, body, resp, found, err);
}

/* A list's next page token (NextToken), malloc'd, or NULL when none. */
static char *
next_token(const struct aws_response *resp)
{
	char	   *t = aws_svc_json_string(resp->json, "NextToken");

	if (t && t[0] == '\0')
	{
		free(t);
		t = NULL;
	}
	return t;
}

/* Each obj[list][i][name] (a string, else "") appended to out. */
static void
json_strings(json_object *obj, const char *list, const char *name,
			 struct aws_strings *out)
{
	json_object *a;
	size_t		i;

	if (obj == NULL || !json_object_object_get_ex(obj, list, &a) ||
		!json_object_is_type(a, json_type_array))
		return;
	for (i = 0; i < json_object_array_length(a); i++)
	{
		char	   *v = aws_svc_json_string(json_object_array_get_idx(a, i), name);

		aws_strings_add(out, v ? v : aws_xstrdup(""));
	}
}

/* A column of a list: each item's name (a string, else "") into out. */
struct list_column
{
	const char *name;
	struct aws_strings *out;
};

/*
 * A GET list call, all pages (nextToken): each page's items under list
 * appended to the columns.  path_fmt's %s is the parent (a plan id, a
 * vault), URI-encoded; NULL: none.  found as call_query's, false on an
 * error too; then the columns are left for the caller to clean up.
 */
static enum aws_status
list_all(struct aws_client *client, const char *op, const char *path_fmt, const char *parent,
		 const char *list, const struct list_column *cols, size_t ncols, bool *found,
		 struct aws_error *err)
{
	char	   *s = parent ? seg(parent) : NULL;
	char	   *path = aws_str_printf(path_fmt, s ? s : "");
	char	   *token = NULL;
	enum aws_status st;
	bool		here = true;
	size_t		i;

	free(s);
	do
	{
		struct aws_params q;
		struct aws_response resp;

		aws_params_init(&q);
		if (token)
			aws_params_add(&q, "nextToken", token);
		free(token);
		token = NULL;
		st = call_query(client, op, "GET", aws_xstrdup(path), &q, NULL, &resp,
						found ? &here : NULL, err);
		aws_params_free(&q);
		if (st != AWS_OK || !here)
			break;
		for (i = 0; i < ncols; i++)
			json_strings(resp.json, list, cols[i].name, cols[i].out);
		token = next_token(&resp);
		aws_response_clean_up(&resp);
	} while (token);
	free(path);
	if (found)
		*found = st == AWS_OK && here;
	return st;
}

static json_object *
tag_map(const struct aws_tag *tags, size_t ntags)
{
	json_object *m = json_object_new_object();
	size_t		i;

	for (i = 0; i < ntags; i++)
		json_object_object_add(m, tags[i].key, json_object_new_string(tags[i].value));
	return m;
}

/* ---- vaults ---- */

void
aws_backup_vault_clean_up(struct aws_backup_vault *v)
{
	free(v->name);
	free(v->arn);
	free(v->encryption_key_arn);
	memset(v, 0, sizeof(*v));
}

static enum aws_status
read_vault(const char *op, struct aws_response *resp, struct aws_backup_vault *out,
		   struct aws_error *err)
{
	enum aws_status st = AWS_OK;
	json_object *v;

	if (resp->json == NULL ||
		(out->arn = aws_svc_json_string(resp->json, "BackupVaultArn")) == NULL)
		st = aws_svc_bad_answer(&aws_service_backup, op, resp, "BackupVaultArn", err);
	else
	{
		out->found = true;
		out->name = aws_svc_json_string(resp->json, "BackupVaultName");
		out->encryption_key_arn = aws_svc_json_string(resp->json, "EncryptionKeyArn");
		if (json_object_object_get_ex(resp->json, "NumberOfRecoveryPoints", &v))
			out->recovery_points = (long) json_object_get_int64(v);
	}
	aws_response_clean_up(resp);
	return st;
}

/* The create's idempotency token (NULL: none): a retry that sends it again gets what the first made. */
static void
add_creator_request_id(json_object *b, const char *creator_request_id)
{
	if (creator_request_id)
		json_object_object_add(b, "CreatorRequestId", json_object_new_string(creator_request_id));
}

enum aws_status
aws_backup_create_vault(struct aws_client *client, const char *name,
						const char *encryption_key_arn, const struct aws_tag *tags,
						size_t ntags, const char *creator_request_id,
						struct aws_backup_vault *out, struct aws_error *err)
{
	json_object *b = json_object_new_object();
	struct aws_response resp;
	char	   *s = seg(name);
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	if (encryption_key_arn)
		json_object_object_add(b, "EncryptionKeyArn",
							   json_object_new_string(encryption_key_arn));
	if (ntags > 0)
		json_object_object_add(b, "BackupVaultTags", tag_map(tags, ntags));
	add_creator_request_id(b, creator_request_id);
	st = call(client, "CreateBackupVault", "PUT", aws_str_printf("/backup-vaults/%s", s),
			  b, &resp, NULL, err);
	free(s);
	if (st != AWS_OK)
		return st;
	return read_vault("CreateBackupVault", &resp, out, err);
}

enum aws_status
aws_backup_describe_vault(struct aws_client *client, const char *name,
						  struct aws_backup_vault *out, struct aws_error *err)
{
	struct aws_response resp;
	char	   *s = seg(name);
	bool		found;
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	st = call(client, "DescribeBackupVault", "GET", aws_str_printf("/backup-vaults/%s", s),
			  NULL, &resp, &found, err);
	free(s);
	if (st != AWS_OK || !found)
		return st;
	return read_vault("DescribeBackupVault", &resp, out, err);
}

enum aws_status
aws_backup_delete_vault(struct aws_client *client, const char *name, bool *found,
						struct aws_error *err)
{
	char	   *s = seg(name);
	enum aws_status st;

	st = call(client, "DeleteBackupVault", "DELETE", aws_str_printf("/backup-vaults/%s", s),
			  NULL, NULL, found, err);
	free(s);
	return st;
}

/* ---- plans ---- */

void
aws_backup_plan_clean_up(struct aws_backup_plan *p)
{
	size_t		i;

	free(p->id);
	free(p->arn);
	free(p->version_id);
	free(p->name);
	for (i = 0; i < p->nrules; i++)
	{
		free(p->rules[i].name);
		free(p->rules[i].vault);
		free(p->rules[i].schedule);
		free(p->rules[i].rule_id);
	}
	free(p->rules);
	memset(p, 0, sizeof(*p));
}

static enum aws_status
read_plan(const char *op, struct aws_response *resp, struct aws_backup_plan *out,
		  struct aws_error *err)
{
	enum aws_status st = AWS_OK;
	json_object *plan;
	json_object *rules;

	if (resp->json == NULL ||
		(out->id = aws_svc_json_string(resp->json, "BackupPlanId")) == NULL)
	{
		st = aws_svc_bad_answer(&aws_service_backup, op, resp, "BackupPlanId", err);
		aws_response_clean_up(resp);
		return st;
	}
	out->found = true;
	out->arn = aws_svc_json_string(resp->json, "BackupPlanArn");
	out->version_id = aws_svc_json_string(resp->json, "VersionId");
	if (json_object_object_get_ex(resp->json, "BackupPlan", &plan))
	{
		out->name = aws_svc_json_string(plan, "BackupPlanName");
		if (json_object_object_get_ex(plan, "Rules", &rules) &&
			json_object_is_type(rules, json_type_array))
		{
			size_t		i,
						n = json_object_array_length(rules);

			out->rules = aws_xmalloc((n ? n : 1) * sizeof(*out->rules));
			memset(out->rules, 0, (n ? n : 1) * sizeof(*out->rules));
			for (i = 0; i < n; i++)
			{
				json_object *r = json_object_array_get_idx(rules, i);
				struct aws_backup_rule *rule = &out->rules[out->nrules++];
				json_object *lc;
				json_object *d;

				rule->name = aws_svc_json_string(r, "RuleName");
				rule->vault = aws_svc_json_string(r, "TargetBackupVaultName");
				rule->schedule = aws_svc_json_string(r, "ScheduleExpression");
				rule->rule_id = aws_svc_json_string(r, "RuleId");
				if (json_object_object_get_ex(r, "Lifecycle", &lc) &&
					json_object_object_get_ex(lc, "DeleteAfterDays", &d))
					rule->delete_after_days = (long) json_object_get_int64(d);
			}
		}
	}
	aws_response_clean_up(resp);
	return st;
}

/* {"BackupPlan": {"BackupPlanName", "Rules": [...]}}, as create and update send it. */
static json_object *
plan_body(const char *name, const struct aws_backup_rule_spec *rules, size_t nrules)
{
	json_object *b = json_object_new_object();
	json_object *plan = json_object_new_object();
	json_object *a = json_object_new_array();
	size_t		i;

	json_object_object_add(plan, "BackupPlanName", json_object_new_string(name));
	for (i = 0; i < nrules; i++)
	{
		json_object *r = json_object_new_object();

		json_object_object_add(r, "RuleName", json_object_new_string(rules[i].name));
		json_object_object_add(r, "TargetBackupVaultName",
							   json_object_new_string(rules[i].vault));
		if (rules[i].schedule)
			json_object_object_add(r, "ScheduleExpression",
								   json_object_new_string(rules[i].schedule));
		if (rules[i].start_window_minutes)
			json_object_object_add(r, "StartWindowMinutes",
								   json_object_new_int64(rules[i].start_window_minutes));
		if (rules[i].delete_after_days)
		{
			json_object *lc = json_object_new_object();

			json_object_object_add(lc, "DeleteAfterDays",
								   json_object_new_int64(rules[i].delete_after_days));
			json_object_object_add(r, "Lifecycle", lc);
		}
		json_object_array_add(a, r);
	}
	json_object_object_add(plan, "Rules", a);
	json_object_object_add(b, "BackupPlan", plan);
	return b;
}

enum aws_status
aws_backup_create_plan(struct aws_client *client, const char *name,
					   const struct aws_backup_rule_spec *rules, size_t nrules,
					   const struct aws_tag *tags, size_t ntags,
					   const char *creator_request_id,
					   struct aws_backup_plan *out, struct aws_error *err)
{
	json_object *b = plan_body(name, rules, nrules);
	struct aws_response resp;
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	if (ntags > 0)
		json_object_object_add(b, "BackupPlanTags", tag_map(tags, ntags));
	add_creator_request_id(b, creator_request_id);
	st = call(client, "CreateBackupPlan", "PUT", aws_xstrdup("/backup/plans/"), b, &resp,
			  NULL, err);
	if (st != AWS_OK)
		return st;
	return read_plan("CreateBackupPlan", &resp, out, err);
}

enum aws_status
aws_backup_update_plan(struct aws_client *client, const char *plan_id,
					   const char *name, const struct aws_backup_rule_spec *rules,
					   size_t nrules, struct aws_backup_plan *out,
					   struct aws_error *err)
{
	struct aws_response resp;
	char	   *s = seg(plan_id);
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	st = call(client, "UpdateBackupPlan", "POST", aws_str_printf("/backup/plans/%s", s),
			  plan_body(name, rules, nrules), &resp, NULL, err);
	free(s);
	if (st != AWS_OK)
		return st;
	return read_plan("UpdateBackupPlan", &resp, out, err);
}

void
aws_backup_plan_list_clean_up(struct aws_backup_plan_list *l)
{
	aws_strings_clean_up(&l->ids);
	aws_strings_clean_up(&l->arns);
	aws_strings_clean_up(&l->names);
	aws_strings_clean_up(&l->version_ids);
}

enum aws_status
aws_backup_list_plans(struct aws_client *client, struct aws_backup_plan_list *out,
					  struct aws_error *err)
{
	const struct list_column cols[] = {
		{"BackupPlanId", &out->ids}, {"BackupPlanArn", &out->arns},
		{"BackupPlanName", &out->names}, {"VersionId", &out->version_ids}};
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	st = list_all(client, "ListBackupPlans", "/backup/plans/%s", NULL, "BackupPlansList", cols, 4,
				  NULL, err);
	if (st != AWS_OK)
		aws_backup_plan_list_clean_up(out);
	return st;
}

enum aws_status
aws_backup_get_plan(struct aws_client *client, const char *plan_id,
					struct aws_backup_plan *out, struct aws_error *err)
{
	struct aws_response resp;
	char	   *s = seg(plan_id);
	bool		found;
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	st = call(client, "GetBackupPlan", "GET", aws_str_printf("/backup/plans/%s/", s), NULL,
			  &resp, &found, err);
	free(s);
	if (st != AWS_OK || !found)
		return st;
	return read_plan("GetBackupPlan", &resp, out, err);
}

enum aws_status
aws_backup_delete_plan(struct aws_client *client, const char *plan_id, bool *found,
					   struct aws_error *err)
{
	char	   *s = seg(plan_id);
	enum aws_status st;

	st = call(client, "DeleteBackupPlan", "DELETE", aws_str_printf("/backup/plans/%s", s),
			  NULL, NULL, found, err);
	free(s);
	return st;
}

/* ---- selections ---- */

void
aws_backup_selection_clean_up(struct aws_backup_selection *s)
{
	free(s->id);
	free(s->plan_id);
	free(s->name);
	free(s->iam_role_arn);
	aws_strings_clean_up(&s->resources);
	memset(s, 0, sizeof(*s));
}

static enum aws_status
read_selection(const char *op, struct aws_response *resp,
			   struct aws_backup_selection *out, struct aws_error *err)
{
	enum aws_status st = AWS_OK;
	json_object *sel;
	json_object *res;

	if (resp->json == NULL ||
		(out->id = aws_svc_json_string(resp->json, "SelectionId")) == NULL)
		st = aws_svc_bad_answer(&aws_service_backup, op, resp, "SelectionId", err);
	else
	{
		out->found = true;
		out->plan_id = aws_svc_json_string(resp->json, "BackupPlanId");
		if (json_object_object_get_ex(resp->json, "BackupSelection", &sel))
		{
			out->name = aws_svc_json_string(sel, "SelectionName");
			out->iam_role_arn = aws_svc_json_string(sel, "IamRoleArn");
			if (json_object_object_get_ex(sel, "Resources", &res) &&
				json_object_is_type(res, json_type_array))
			{
				size_t		i;

				for (i = 0; i < json_object_array_length(res); i++)
				{
					json_object *r = json_object_array_get_idx(res, i);

					if (json_object_is_type(r, json_type_string))
						aws_strings_add(&out->resources,
										aws_xstrdup(json_object_get_string(r)));
				}
			}
		}
	}
	aws_response_clean_up(resp);
	return st;
}

enum aws_status
aws_backup_create_selection(struct aws_client *client, const char *plan_id,
							const char *name, const char *iam_role_arn,
							const char *const *resources, size_t nresources,
							const char *creator_request_id,
							struct aws_backup_selection *out, struct aws_error *err)
{
	json_object *b = json_object_new_object();
	json_object *sel = json_object_new_object();
	json_object *a = json_object_new_array();
	struct aws_response resp;
	char	   *s = seg(plan_id);
	enum aws_status st;
	size_t		i;

	memset(out, 0, sizeof(*out));
	json_object_object_add(sel, "SelectionName", json_object_new_string(name));
	json_object_object_add(sel, "IamRoleArn", json_object_new_string(iam_role_arn));
	for (i = 0; i < nresources; i++)
		json_object_array_add(a, json_object_new_string(resources[i]));
	json_object_object_add(sel, "Resources", a);
	json_object_object_add(b, "BackupSelection", sel);
	add_creator_request_id(b, creator_request_id);
	st = call(client, "CreateBackupSelection", "PUT",
			  aws_str_printf("/backup/plans/%s/selections/", s), b, &resp, NULL, err);
	free(s);
	if (st != AWS_OK)
		return st;
	return read_selection("CreateBackupSelection", &resp, out, err);
}

enum aws_status
aws_backup_get_selection(struct aws_client *client, const char *plan_id,
						 const char *selection_id, struct aws_backup_selection *out,
						 struct aws_error *err)
{
	struct aws_response resp;
	char	   *s = seg(plan_id);
	char	   *t = seg(selection_id);
	bool		found;
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	st = call(client, "GetBackupSelection", "GET",
			  aws_str_printf("/backup/plans/%s/selections/%s", s, t), NULL, &resp, &found, err);
	free(s);
	free(t);
	if (st != AWS_OK || !found)
		return st;
	return read_selection("GetBackupSelection", &resp, out, err);
}

enum aws_status
aws_backup_delete_selection(struct aws_client *client, const char *plan_id,
							const char *selection_id, bool *found,
							struct aws_error *err)
{
	char	   *s = seg(plan_id);
	char	   *t = seg(selection_id);
	enum aws_status st;

	st = call(client, "DeleteBackupSelection", "DELETE",
			  aws_str_printf("/backup/plans/%s/selections/%s", s, t), NULL, NULL, found, err);
	free(s);
	free(t);
	return st;
}

void
aws_backup_selection_list_clean_up(struct aws_backup_selection_list *l)
{
	aws_strings_clean_up(&l->ids);
	aws_strings_clean_up(&l->names);
}

enum aws_status
aws_backup_list_selections(struct aws_client *client, const char *plan_id,
						   struct aws_backup_selection_list *out, bool *found,
						   struct aws_error *err)
{
	const struct list_column cols[] = {{"SelectionId", &out->ids}, {"SelectionName", &out->names}};
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	st = list_all(client, "ListBackupSelections", "/backup/plans/%s/selections/", plan_id,
				  "BackupSelectionsList", cols, 2, found, err);
	if (st != AWS_OK || (found && !*found))
		aws_backup_selection_list_clean_up(out);
	return st;
}

/* ---- recovery points ---- */

void
aws_backup_recovery_point_list_clean_up(struct aws_backup_recovery_point_list *l)
{
	aws_strings_clean_up(&l->arns);
	aws_strings_clean_up(&l->statuses);
}

enum aws_status
aws_backup_list_recovery_points(struct aws_client *client, const char *vault,
								struct aws_backup_recovery_point_list *out, bool *found,
								struct aws_error *err)
{
	const struct list_column cols[] = {{"RecoveryPointArn", &out->arns}, {"Status", &out->statuses}};
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	st = list_all(client, "ListRecoveryPointsByBackupVault", "/backup-vaults/%s/recovery-points/", vault,
				  "RecoveryPoints", cols, 2, found, err);
	if (st != AWS_OK || (found && !*found))
		aws_backup_recovery_point_list_clean_up(out);
	return st;
}

enum aws_status
aws_backup_delete_recovery_point(struct aws_client *client, const char *vault,
								 const char *recovery_point_arn, bool *found,
								 struct aws_error *err)
{
	char	   *s = seg(vault);
	char	   *t = seg(recovery_point_arn);
	enum aws_status st;

	st = call(client, "DeleteRecoveryPoint", "DELETE",
			  aws_str_printf("/backup-vaults/%s/recovery-points/%s", s, t), NULL, NULL, found, err);
	free(s);
	free(t);
	return st;
}
