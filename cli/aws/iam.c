/*
 * cli/aws/iam.c
 *		IAM calls (see iam.h).  Answers: CreatePolicyResult/Policy,
 *		GetRoleResult/Role, GetPolicyVersionResult/PolicyVersion,
 *		ListAttachedRolePoliciesResult/AttachedPolicies/member,
 *		ListPolicyVersionsResult/Versions/member,
 *		ListEntitiesForPolicyResult/PolicyRoles/member,
 *		ListPolicyTagsResult/Tags/member, pages by IsTruncated + Marker;
 *		SimulatePrincipalPolicyResult/EvaluationResults/member/EvalDecision.
 */
#include "iam.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const no_such_entity[] = {"NoSuchEntity", NULL};

static void
add_tags(struct aws_params *p, const struct aws_tag *tags, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		aws_params_addf(p, tags[i].key, "Tags.member.%zu.Key", i + 1);
		aws_params_addf(p, tags[i].value, "Tags.member.%zu.Value", i + 1);
	}
}

/* A call; *resp kept for the caller on AWS_OK (resp NULL: dropped). */
static enum aws_status
call(struct aws_client *client, const char *op, const struct aws_params *p,
	 struct aws_response *resp, struct aws_error *err)
{
	struct aws_response tmp;
	enum aws_status st = aws_call_query(client, &aws_service_iam, op, p,
										resp ? resp : &tmp, err);

	if (st == AWS_OK && resp == NULL)
		aws_response_clean_up(&tmp);
	return st;
}

/* ---- policies ---- */

void
aws_iam_policy_clean_up(struct aws_iam_policy *p)
{
	free(p->name);
	free(p->id);
	free(p->arn);
	free(p->default_version_id);
	memset(p, 0, sizeof(*p));
}

static enum aws_status
read_policy(const char *op, struct aws_response *resp, struct aws_iam_policy *out,
			struct aws_error *err)
{
	xmlNode    *n = aws_xml_path(aws_xml_result(resp, op), "Policy");
	enum aws_status st = AWS_OK;

	if (n == NULL || (out->arn = aws_xml_path_text(n, "Arn")) == NULL)
		st = aws_svc_bad_answer(&aws_service_iam, op, resp, "Policy/Arn", err);
	else
	{
		out->found = true;
		out->name = aws_xml_path_text(n, "PolicyName");
		out->id = aws_xml_path_text(n, "PolicyId");
		out->default_version_id = aws_xml_path_text(n, "DefaultVersionId");
		out->attachment_count = (int) aws_svc_xml_long(n, "AttachmentCount");
	}
	aws_response_clean_up(resp);
	return st;
}

enum aws_status
aws_iam_create_policy(struct aws_client *client, const char *name, const char *path,
					  const char *document, const char *description,
					  const struct aws_tag *tags, size_t ntags,
					  struct aws_iam_policy *out, struct aws_error *err)
{
	struct aws_params p;
	struct aws_response resp;
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	aws_params_init(&p);
	aws_params_add(&p, "PolicyName", name);
	if (path)
		aws_params_add(&p, "Path", path);
	aws_params_add(&p, "PolicyDocument", document);
	if (description)
		aws_params_add(&p, "Description", description);
	add_tags(&p, tags, ntags);
	st = call(client, "CreatePolicy", &p, &resp, err);
	aws_params_free(&p);
	if (st != AWS_OK)
		return st;
	return read_policy("CreatePolicy", &resp, out, err);
}

enum aws_status
aws_iam_get_policy(struct aws_client *client, const char *arn,
				   struct aws_iam_policy *out, struct aws_error *err)
{
	struct aws_params p;
	struct aws_response resp;
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	aws_params_init(&p);
	aws_params_add(&p, "PolicyArn", arn);
	st = call(client, "GetPolicy", &p, &resp, err);
	aws_params_free(&p);
	if (st != AWS_OK)
	{
		if (aws_svc_absorb(err, no_such_entity))
			return AWS_OK;
		return st;
	}
	return read_policy("GetPolicy", &resp, out, err);
}

enum aws_status
aws_iam_create_policy_version(struct aws_client *client, const char *arn,
							  const char *document, bool set_as_default,
							  char **version_id, struct aws_error *err)
{
	struct aws_params p;
	struct aws_response resp;
	enum aws_status st;

	*version_id = NULL;
	aws_params_init(&p);
	aws_params_add(&p, "PolicyArn", arn);
	aws_params_add(&p, "PolicyDocument", document);
	aws_params_add_bool(&p, "SetAsDefault", set_as_default);
	st = call(client, "CreatePolicyVersion", &p, &resp, err);
	aws_params_free(&p);
	if (st != AWS_OK)
		return st;
	*version_id = aws_xml_path_text(aws_xml_result(&resp, "CreatePolicyVersion"),
									"PolicyVersion/VersionId");
	if (*version_id == NULL)
		st = aws_svc_bad_answer(&aws_service_iam, "CreatePolicyVersion", &resp,
								"PolicyVersion/VersionId", err);
	aws_response_clean_up(&resp);
	return st;
}

enum aws_status
aws_iam_delete_policy(struct aws_client *client, const char *arn, bool *found,
					  struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	aws_params_init(&p);
	aws_params_add(&p, "PolicyArn", arn);
	st = call(client, "DeletePolicy", &p, NULL, err);
	aws_params_free(&p);
	return aws_svc_not_found_ok(st, err, no_such_entity, found);
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
aws_iam_decode_document(const char *text)
{
	const char *s = text;
	char	   *out;
	char	   *o;

	if (text == NULL)
		return NULL;
	while (isspace((unsigned char) *s))
		s++;
	/* encoded, '{' would be "%7B": this one is decoded already */
	if (*s == '{')
		return aws_xstrdup(text);
	out = o = aws_xmalloc(strlen(text) + 1);
	for (s = text; *s; s++)
	{
		int			hi,
					lo;

		/* a '%' without two hex digits stays, as Python's unquote keeps it */
		if (s[0] == '%' && (hi = hex_value(s[1])) >= 0 && (lo = hex_value(s[2])) >= 0)
		{
			*o++ = (char) (hi * 16 + lo);
			s += 2;
		}
		else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

enum aws_status
aws_iam_get_policy_version(struct aws_client *client, const char *arn,
						   const char *version_id, char **document,
						   struct aws_error *err)
{
	struct aws_params p;
	struct aws_response resp;
	enum aws_status st;
	char	   *text;

	*document = NULL;
	aws_params_init(&p);
	aws_params_add(&p, "PolicyArn", arn);
	aws_params_add(&p, "VersionId", version_id);
	st = call(client, "GetPolicyVersion", &p, &resp, err);
	aws_params_free(&p);
	if (st != AWS_OK)
		return st;
	text = aws_xml_path_text(aws_xml_result(&resp, "GetPolicyVersion"),
							 "PolicyVersion/Document");
	if (text == NULL)
		st = aws_svc_bad_answer(&aws_service_iam, "GetPolicyVersion", &resp,
								"PolicyVersion/Document", err);
	else
		*document = aws_iam_decode_document(text);
	free(text);
	aws_response_clean_up(&resp);
	return st;
}

void
aws_iam_policy_versions_clean_up(struct aws_iam_policy_versions *v)
{
	aws_strings_clean_up(&v->ids);
	free(v->is_default);
	memset(v, 0, sizeof(*v));
}

static void
read_versions_page(const xmlNode *result, void *state)
{
	struct aws_iam_policy_versions *out = state;
	xmlNode    *n;

	out->found = true;
	for (n = aws_xml_path(result, "Versions/member"); n; n = aws_xml_next(n, "member"))
	{
		char	   *id = aws_xml_path_text(n, "VersionId");
		bool	   *bigger;

		if (id == NULL)
			continue;
		bigger = aws_xmalloc((out->ids.n + 1) * sizeof(*bigger));
		if (out->ids.n)
			memcpy(bigger, out->is_default, out->ids.n * sizeof(*bigger));
		free(out->is_default);
		out->is_default = bigger;
		out->is_default[out->ids.n] = aws_svc_xml_bool(n, "IsDefaultVersion");
		aws_strings_add(&out->ids, id);
	}
}

/*
 * A list call of every page, by name=value (and name2=value2 unless NULL);
 * NoSuchEntity leaves out empty (found false).
 */
static enum aws_status
list_pages(struct aws_client *client, const char *op, const char *name, const char *value,
		   const char *name2, const char *value2, aws_svc_page_reader read, void *out,
		   void (*clean_up) (void *), struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	aws_params_init(&p);
	aws_params_add(&p, name, value);
	if (name2)
		aws_params_add(&p, name2, value2);
	st = aws_svc_query_pages(client, &aws_service_iam, op, &p, read, out, err);
	aws_params_free(&p);
	if (st != AWS_OK)
	{
		clean_up(out);
		if (aws_svc_absorb(err, no_such_entity))
			return AWS_OK;
	}
	return st;
}

static void
versions_clean_up(void *v)
{
	aws_iam_policy_versions_clean_up(v);
}

enum aws_status
aws_iam_list_policy_versions(struct aws_client *client, const char *arn,
							 struct aws_iam_policy_versions *out,
							 struct aws_error *err)
{
	memset(out, 0, sizeof(*out));
	return list_pages(client, "ListPolicyVersions", "PolicyArn", arn, NULL, NULL, read_versions_page,
					  out, versions_clean_up, err);
}

enum aws_status
aws_iam_delete_policy_version(struct aws_client *client, const char *arn,
							  const char *version_id, bool *found,
							  struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	aws_params_init(&p);
	aws_params_add(&p, "PolicyArn", arn);
	aws_params_add(&p, "VersionId", version_id);
	st = call(client, "DeletePolicyVersion", &p, NULL, err);
	aws_params_free(&p);
	return aws_svc_not_found_ok(st, err, no_such_entity, found);
}

/* ---- roles ---- */

void
aws_iam_role_clean_up(struct aws_iam_role *r)
{
	free(r->name);
	free(r->id);
	free(r->arn);
	free(r->path);
	free(r->assume_role_policy);
	aws_tag_list_clean_up(&r->tags);
	memset(r, 0, sizeof(*r));
}

static enum aws_status
read_role(const char *op, struct aws_response *resp, struct aws_iam_role *out,
		  struct aws_error *err)
{
	xmlNode    *n = aws_xml_path(aws_xml_result(resp, op), "Role");
	enum aws_status st = AWS_OK;
	char	   *doc;

	if (n == NULL || (out->arn = aws_xml_path_text(n, "Arn")) == NULL)
		st = aws_svc_bad_answer(&aws_service_iam, op, resp, "Role/Arn", err);
	else
	{
		out->found = true;
		out->name = aws_xml_path_text(n, "RoleName");
		out->id = aws_xml_path_text(n, "RoleId");
		out->path = aws_xml_path_text(n, "Path");
		/* URL-encoded on AWS (and moto); decoded once, here */
		doc = aws_xml_path_text(n, "AssumeRolePolicyDocument");
		out->assume_role_policy = aws_iam_decode_document(doc);
		free(doc);
		aws_svc_xml_tags(n, "Tags", "member", "Key", "Value", &out->tags);
	}
	aws_response_clean_up(resp);
	return st;
}

enum aws_status
aws_iam_create_role(struct aws_client *client, const char *name, const char *path,
					const char *assume_role_policy, const char *description,
					const struct aws_tag *tags, size_t ntags,
					struct aws_iam_role *out, struct aws_error *err)
{
	struct aws_params p;
	struct aws_response resp;
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	aws_params_init(&p);
	aws_params_add(&p, "RoleName", name);
	if (path)
		aws_params_add(&p, "Path", path);
	aws_params_add(&p, "AssumeRolePolicyDocument", assume_role_policy);
	if (description)
		aws_params_add(&p, "Description", description);
	add_tags(&p, tags, ntags);
	st = call(client, "CreateRole", &p, &resp, err);
	aws_params_free(&p);
	if (st != AWS_OK)
		return st;
	return read_role("CreateRole", &resp, out, err);
}

enum aws_status
aws_iam_get_role(struct aws_client *client, const char *name,
				 struct aws_iam_role *out, struct aws_error *err)
{
	struct aws_params p;
	struct aws_response resp;
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	aws_params_init(&p);
	aws_params_add(&p, "RoleName", name);
	st = call(client, "GetRole", &p, &resp, err);
	aws_params_free(&p);
	if (st != AWS_OK)
	{
		if (aws_svc_absorb(err, no_such_entity))
			return AWS_OK;
		return st;
	}
	return read_role("GetRole", &resp, out, err);
}

enum aws_status
aws_iam_delete_role(struct aws_client *client, const char *name, bool *found,
					struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	aws_params_init(&p);
	aws_params_add(&p, "RoleName", name);
	st = call(client, "DeleteRole", &p, NULL, err);
	aws_params_free(&p);
	return aws_svc_not_found_ok(st, err, no_such_entity, found);
}

/* ---- attachments ---- */

static enum aws_status
role_policy(struct aws_client *client, const char *op, const char *role,
			const char *policy_arn, struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	aws_params_init(&p);
	aws_params_add(&p, "RoleName", role);
	aws_params_add(&p, "PolicyArn", policy_arn);
	st = call(client, op, &p, NULL, err);
	aws_params_free(&p);
	return st;
}

enum aws_status
aws_iam_attach_role_policy(struct aws_client *client, const char *role,
						   const char *policy_arn, struct aws_error *err)
{
	return role_policy(client, "AttachRolePolicy", role, policy_arn, err);
}

enum aws_status
aws_iam_detach_role_policy(struct aws_client *client, const char *role,
						   const char *policy_arn, bool *found, struct aws_error *err)
{
	return aws_svc_not_found_ok(role_policy(client, "DetachRolePolicy", role, policy_arn, err),
								err, no_such_entity, found);
}

void
aws_iam_attached_clean_up(struct aws_iam_attached *a)
{
	aws_strings_clean_up(&a->arns);
	aws_strings_clean_up(&a->names);
	memset(a, 0, sizeof(*a));
}

static void
read_attached_page(const xmlNode *result, void *state)
{
	struct aws_iam_attached *out = state;
	xmlNode    *n;

	out->found = true;
	for (n = aws_xml_path(result, "AttachedPolicies/member"); n;
		 n = aws_xml_next(n, "member"))
	{
		char	   *arn = aws_xml_path_text(n, "PolicyArn");
		char	   *name = aws_xml_path_text(n, "PolicyName");

		if (arn == NULL)
		{
			free(name);
			continue;
		}
		aws_strings_add(&out->arns, arn);
		aws_strings_add(&out->names, name ? name : aws_xstrdup(""));
	}
}

static void
attached_clean_up(void *a)
{
	aws_iam_attached_clean_up(a);
}

enum aws_status
aws_iam_list_attached_role_policies(struct aws_client *client, const char *role,
									struct aws_iam_attached *out,
									struct aws_error *err)
{
	memset(out, 0, sizeof(*out));
	return list_pages(client, "ListAttachedRolePolicies", "RoleName", role, NULL, NULL, read_attached_page,
					  out, attached_clean_up, err);
}

/* ---- a policy's roles and tags ---- */

void
aws_iam_policy_roles_clean_up(struct aws_iam_policy_roles *r)
{
	aws_strings_clean_up(&r->names);
	memset(r, 0, sizeof(*r));
}

static void
read_policy_roles_page(const xmlNode *result, void *state)
{
	struct aws_iam_policy_roles *out = state;
	xmlNode    *n;

	for (n = aws_xml_path(result, "PolicyRoles/member"); n; n = aws_xml_next(n, "member"))
	{
		char	   *name = aws_xml_path_text(n, "RoleName");

		if (name)
			aws_strings_add(&out->names, name);
	}
}

static void
policy_roles_clean_up(void *r)
{
	aws_iam_policy_roles_clean_up(r);
}

enum aws_status
aws_iam_list_policy_roles(struct aws_client *client, const char *arn,
						  struct aws_iam_policy_roles *out, struct aws_error *err)
{
	memset(out, 0, sizeof(*out));
	return list_pages(client, "ListEntitiesForPolicy", "PolicyArn", arn, "EntityFilter", "Role",
					  read_policy_roles_page, out, policy_roles_clean_up, err);
}

static void
read_policies_page(const xmlNode *result, void *state)
{
	xmlNode    *n;

	for (n = aws_xml_path(result, "Policies/member"); n; n = aws_xml_next(n, "member"))
	{
		char	   *name = aws_xml_path_text(n, "PolicyName");

		if (name)
			aws_strings_add(state, name);
	}
}

static void
strings_clean_up(void *s)
{
	aws_strings_clean_up(s);
}

enum aws_status
aws_iam_list_local_policies(struct aws_client *client, struct aws_strings *names, struct aws_error *err)
{
	memset(names, 0, sizeof(*names));
	return list_pages(client, "ListPolicies", "Scope", "Local", NULL, NULL, read_policies_page, names,
					  strings_clean_up, err);
}

static void
read_tags_page(const xmlNode *result, void *state)
{
	aws_svc_xml_tags(result, "Tags", "member", "Key", "Value", state);
}

static void
tags_clean_up(void *t)
{
	aws_tag_list_clean_up(t);
}

enum aws_status
aws_iam_list_policy_tags(struct aws_client *client, const char *arn,
						 struct aws_tag_list *out, struct aws_error *err)
{
	memset(out, 0, sizeof(*out));
	return list_pages(client, "ListPolicyTags", "PolicyArn", arn, NULL, NULL, read_tags_page, out,
					  tags_clean_up, err);
}

enum aws_status
aws_iam_tag_policy(struct aws_client *client, const char *arn,
				   const struct aws_tag *tags, size_t ntags, struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	aws_params_init(&p);
	aws_params_add(&p, "PolicyArn", arn);
	add_tags(&p, tags, ntags);
	st = call(client, "TagPolicy", &p, NULL, err);
	aws_params_free(&p);
	return st;
}

enum aws_status
aws_iam_untag_policy(struct aws_client *client, const char *arn,
					 const char *const *keys, size_t nkeys, struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;
	size_t		i;

	aws_params_init(&p);
	aws_params_add(&p, "PolicyArn", arn);
	for (i = 0; i < nkeys; i++)
		aws_params_addf(&p, keys[i], "TagKeys.member.%zu", i + 1);
	st = call(client, "UntagPolicy", &p, NULL, err);
	aws_params_free(&p);
	return st;
}

/* ---- simulation ---- */

enum aws_status
aws_iam_simulate_principal_policy(struct aws_client *client, const char *source_arn,
								  const char *action, const char *resource_arn,
								  char **decision, struct aws_error *err)
{
	static const char op[] = "SimulatePrincipalPolicy";
	struct aws_params p;
	struct aws_response resp;
	enum aws_status st;

	*decision = NULL;
	aws_params_init(&p);
	aws_params_add(&p, "PolicySourceArn", source_arn);
	aws_params_add(&p, "ActionNames.member.1", action);
	aws_params_add(&p, "ResourceArns.member.1", resource_arn);
	st = call(client, op, &p, &resp, err);
	aws_params_free(&p);
	if (st != AWS_OK)
		return st;
	*decision = aws_xml_path_text(aws_xml_result(&resp, op), "EvaluationResults/member/EvalDecision");
	if (*decision == NULL)
		st = aws_svc_bad_answer(&aws_service_iam, op, &resp, "EvaluationResults/member/EvalDecision", err);
	aws_response_clean_up(&resp);
	return st;
}
