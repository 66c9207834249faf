/*
 * test/aws/services/iam.c
 *		IAM against the bed: policies and their versions, roles, users and
 *		attachments, and the decoding of a policy document.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/aws/iam.h"
#include "cli/aws/request.h"
#include "test/aws/services/test_services.h"
#include "test/unit.h"

static const char *const POLICY1 =
"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"rds-db:connect\",\"Resource\":\"*\"}]}";
static const char *const POLICY2 =
"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"rds-db:connect\"],\"Resource\":\"*\"}]}";
static const char *const TRUST =
"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"monitoring.rds.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";

/* aws_iam_decode_document alone: AWS's URL-encoded text, and text already decoded. */
void
test_iam_decode(void)
{
	static const struct
	{
		const char *in;
		const char *out;
	}			cases[] = {
		{"%7B%22a%22%3A1%7D", "{\"a\":1}"},
		{"%7B%0A%20%20%22a%22%3A%20%22b%2Fc%22%0A%7D", "{\n  \"a\": \"b/c\"\n}"},
		/* '+' stays, as botocore's unquote keeps it; a bad escape stays */
		{"%7B%22a%22%3A%22b+c%25%22%7D", "{\"a\":\"b+c%\"}"},
		{"%7B%22a%22:%22%zz%4%22%7d", "{\"a\":\"%zz%4\"}"},
		/* decoded already (moto's GetPolicyVersion): kept as it is */
		{"{\"a\":\"%41\"}", "{\"a\":\"%41\"}"},
		{" \n{\"a\":1}", " \n{\"a\":1}"},
		{"", ""},
	};
	size_t		i;
	char	   *d;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		d = aws_iam_decode_document(cases[i].in);
		check(streq(d, cases[i].out), "iam-decode", "%s -> %s", cases[i].in, S(d));
		free(d);
	}
	check(aws_iam_decode_document(NULL) == NULL, "iam-decode-null", "not NULL");
}

/* ListPolicyVersions, GetPolicyVersion, DeletePolicyVersion on a policy with v1 and v2 (default). */
static void
test_iam_versions(struct aws_client *c, const char *arn)
{
	struct aws_iam_policy_versions vs;
	struct aws_error err;
	enum aws_status st;
	char	   *doc = NULL;
	bool		found = false;

	st = aws_iam_list_policy_versions(c, arn, &vs, &err);
	if (check(st == AWS_OK && vs.found && vs.ids.n == 2, "iam-list-versions", "%d %zu %s", st,
			  vs.ids.n, st ? S(err.text) : ""))
	{
		size_t		i;
		int			ok = 0;

		for (i = 0; i < vs.ids.n; i++)
			ok += (streq(vs.ids.v[i], "v1") && !vs.is_default[i]) ||
				(streq(vs.ids.v[i], "v2") && vs.is_default[i]);
		check(ok == 2, "iam-list-versions-default", "%d", ok);
	}
	if (st)
		aws_error_clean_up(&err);
	aws_iam_policy_versions_clean_up(&vs);

	st = aws_iam_get_policy_version(c, arn, "v1", &doc, &err);
	check(st == AWS_OK && streq(doc, POLICY1), "iam-get-version-1", "%s", st ? S(err.text) : S(doc));
	if (st)
		aws_error_clean_up(&err);
	free(doc);
	st = aws_iam_get_policy_version(c, arn, "v2", &doc, &err);
	check(st == AWS_OK && streq(doc, POLICY2), "iam-get-version-2", "%s", st ? S(err.text) : S(doc));
	if (st)
		aws_error_clean_up(&err);
	free(doc);
	check_sent("iam-get-version-sent", "GetPolicyVersion", "body", "VersionId=v2",
			   "PolicyArn=arn%3Aaws%3Aiam%3A%3A", NULL);
	st = aws_iam_get_policy_version(c, arn, "v9", &doc, &err);
	check(st == AWS_ERR_SERVICE && streq(err.code, "NoSuchEntity") && doc == NULL,
		  "iam-get-version-missing", "%d %s", st, S(err.text));
	if (st)
		aws_error_clean_up(&err);
	free(doc);

	st = aws_iam_delete_policy_version(c, arn, "v2", &found, &err);
	check(st == AWS_ERR_SERVICE && streq(err.code, "DeleteConflict"), "iam-delete-default-version",
		  "%d %s", st, S(err.text));
	if (st)
		aws_error_clean_up(&err);
	st = aws_iam_delete_policy_version(c, arn, "v1", &found, &err);
	check(st == AWS_OK && found, "iam-delete-version", "%d %s", st, st ? S(err.text) : "not found");
	if (st)
		aws_error_clean_up(&err);
	st = aws_iam_list_policy_versions(c, arn, &vs, &err);
	check(st == AWS_OK && vs.ids.n == 1 && streq(vs.ids.v[0], "v2") && vs.is_default[0],
		  "iam-version-gone", "%d %zu", st, vs.ids.n);
	if (st)
		aws_error_clean_up(&err);
	aws_iam_policy_versions_clean_up(&vs);
	st = aws_iam_delete_policy_version(c, arn, "v1", &found, &err);
	check(st == AWS_OK && !found, "iam-delete-version-again", "%d %s", st, st ? S(err.text) : "found");
	if (st)
		aws_error_clean_up(&err);
}

/* The roles a policy is attached to (role attached), and its tags set, read, removed. */
static void
test_iam_policy_roles_tags(struct aws_client *c, const char *arn, const char *role)
{
	struct aws_iam_policy_roles roles;
	struct aws_tag_list tags;
	struct aws_error err;
	enum aws_status st;
	const struct aws_tag add[] = {{"appdb:attached:x/y", "yes"}, {"second", "2"}};
	const char *const drop[] = {"appdb:attached:x/y"};

	st = aws_iam_list_policy_roles(c, arn, &roles, &err);
	check(st == AWS_OK && roles.names.n == 1 && has(&roles.names, role),
		  "iam-policy-roles", "%zu", roles.names.n);
	check_sent("iam-policy-roles-filter", "ListEntitiesForPolicy", "body", "EntityFilter=Role", NULL);
	aws_iam_policy_roles_clean_up(&roles);
	if (st)
		aws_error_clean_up(&err);
	st = aws_iam_tag_policy(c, arn, add, 2, &err);
	check(st == AWS_OK, "iam-tag-policy", "%s", st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	st = aws_iam_list_policy_tags(c, arn, &tags, &err);
	check(st == AWS_OK && streq(aws_tag_list_get(&tags, "appdb:attached:x/y"), "yes") &&
		  streq(aws_tag_list_get(&tags, "second"), "2") && streq(aws_tag_list_get(&tags, "env"), "test"),
		  "iam-policy-tags", "%zu tags", tags.keys.n);
	aws_tag_list_clean_up(&tags);
	if (st)
		aws_error_clean_up(&err);
	st = aws_iam_untag_policy(c, arn, drop, 1, &err);
	check(st == AWS_OK, "iam-untag-policy", "%s", st ? S(err.text) : "");
	check_sent("iam-untag-policy-keys", "UntagPolicy", "body", "TagKeys.member.1=appdb%3Aattached%3Ax%2Fy", NULL);
	if (st)
		aws_error_clean_up(&err);
	st = aws_iam_list_policy_tags(c, arn, &tags, &err);
	check(st == AWS_OK && aws_tag_list_get(&tags, "appdb:attached:x/y") == NULL &&
		  streq(aws_tag_list_get(&tags, "second"), "2"), "iam-untag-readback", "%zu tags", tags.keys.n);
	aws_tag_list_clean_up(&tags);
	if (st)
		aws_error_clean_up(&err);
}

void
test_iam(struct aws_client *c)
{
	struct aws_iam_policy pol;
	struct aws_iam_role role;
	struct aws_iam_attached att;
	struct aws_error err;
	enum aws_status st;
	const struct aws_tag tags[] = {{"env", "test"}};
	char	   *arn = NULL;
	char	   *version = NULL;
	bool		found;

	st = aws_iam_create_policy(c, "appdb-svc-connect", NULL, POLICY1, "appdb-svc", tags, 1, &pol, &err);
	if (!check(st == AWS_OK && pol.arn, "iam-create-policy", "%s", st ? S(err.text) : ""))
	{
		aws_error_clean_up(&err);
		return;
	}
	arn = strdup(pol.arn);
	aws_iam_policy_clean_up(&pol);
	check_sent("iam-create-policy-tags", "CreatePolicy", "body", "Tags.member.1.Key=env", NULL);
	st = aws_iam_get_policy(c, arn, &pol, &err);
	check(st == AWS_OK && pol.found && streq(pol.name, "appdb-svc-connect") &&
		  streq(pol.default_version_id, "v1"), "iam-get-policy", "%s", S(pol.default_version_id));
	aws_iam_policy_clean_up(&pol);
	if (st)
		aws_error_clean_up(&err);
	st = aws_iam_create_policy_version(c, arn, POLICY2, true, &version, &err);
	check(st == AWS_OK && streq(version, "v2"), "iam-create-version", "%s", st ? S(err.text) : S(version));
	if (st)
		aws_error_clean_up(&err);
	free(version);
	st = aws_iam_get_policy(c, arn, &pol, &err);
	check(st == AWS_OK && streq(pol.default_version_id, "v2"), "iam-version-readback", "%s",
		  S(pol.default_version_id));
	aws_iam_policy_clean_up(&pol);
	if (st)
		aws_error_clean_up(&err);
	test_iam_versions(c, arn);

	st = aws_iam_create_role(c, "appdb-svc-monitoring", NULL, TRUST, "appdb-svc", tags, 1, &role, &err);
	check(st == AWS_OK && role.arn, "iam-create-role", "%s", st ? S(err.text) : "");
	aws_iam_role_clean_up(&role);
	if (st)
		aws_error_clean_up(&err);
	/* moto answers the document URL-encoded, as AWS does: decoded here */
	st = aws_iam_get_role(c, "appdb-svc-monitoring", &role, &err);
	check(st == AWS_OK && role.found && streq(aws_tag_list_get(&role.tags, "env"), "test") &&
		  streq(role.assume_role_policy, TRUST),
		  "iam-role-readback", "%zu tags %s", role.tags.keys.n, S(role.assume_role_policy));
	aws_iam_role_clean_up(&role);
	if (st)
		aws_error_clean_up(&err);
	st = aws_iam_attach_role_policy(c, "appdb-svc-monitoring", arn, &err);
	check(st == AWS_OK, "iam-attach", "%s", st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	st = aws_iam_list_attached_role_policies(c, "appdb-svc-monitoring", &att, &err);
	check(st == AWS_OK && att.found && att.arns.n == 1 && has(&att.arns, arn), "iam-list-attached",
		  "%zu", att.arns.n);
	aws_iam_attached_clean_up(&att);
	if (st)
		aws_error_clean_up(&err);
	test_iam_policy_roles_tags(c, arn, "appdb-svc-monitoring");
	st = aws_iam_detach_role_policy(c, "appdb-svc-monitoring", arn, &found, &err);
	check(st == AWS_OK && found, "iam-detach", "%s", st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	st = aws_iam_list_attached_role_policies(c, "appdb-svc-monitoring", &att, &err);
	check(st == AWS_OK && att.arns.n == 0, "iam-detach-readback", "%zu", att.arns.n);
	aws_iam_attached_clean_up(&att);
	if (st)
		aws_error_clean_up(&err);
	st = aws_iam_delete_role(c, "appdb-svc-monitoring", &found, &err);
	check(st == AWS_OK && found, "iam-delete-role", "%s", st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	st = aws_iam_get_role(c, "appdb-svc-monitoring", &role, &err);
	check(st == AWS_OK && !role.found, "iam-role-gone", "%d", st);
	aws_iam_role_clean_up(&role);
	if (st)
		aws_error_clean_up(&err);
	st = aws_iam_delete_policy(c, arn, &found, &err);
	check(st == AWS_OK && found, "iam-delete-policy", "%s", st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	st = aws_iam_get_policy(c, arn, &pol, &err);
	check(st == AWS_OK && !pol.found, "iam-policy-gone", "%d", st);
	aws_iam_policy_clean_up(&pol);
	if (st)
		aws_error_clean_up(&err);
	{
		struct aws_iam_policy_versions vs;

		st = aws_iam_list_policy_versions(c, arn, &vs, &err);
		check(st == AWS_OK && !vs.found && vs.ids.n == 0, "iam-versions-of-missing-policy",
			  "%d %s", st, st ? S(err.text) : "found");
		if (st)
			aws_error_clean_up(&err);
		aws_iam_policy_versions_clean_up(&vs);
	}
	free(arn);
}
