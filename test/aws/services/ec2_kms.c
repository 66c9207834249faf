/*
 * test/aws/services/ec2_kms.c
 *		EC2 (the default VPC, its subnets, a security group and its rule) and
 *		KMS (a key, its alias, their removal) against the bed.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/aws/ec2.h"
#include "cli/aws/kms.h"
#include "cli/aws/request.h"
#include "test/aws/services/test_services.h"
#include "test/unit.h"

void
test_ec2(struct aws_client *c)
{
	struct aws_ec2_vpc_list vpcs;
	struct aws_ec2_subnet_list subnets;
	struct aws_ec2_security_group_list groups;
	struct aws_error err;
	enum aws_status st;
	const struct aws_tag tags[] = {{"Name", "appdb-svc-db"}, {"env", "test"}};
	static const char *const cidrs[] = {"10.0.0.0/16", "10.1.0.0/16"};
	struct aws_ec2_ingress rule = {"tcp", 5432, 5432, cidrs, 2, NULL, 0, "appdb"};
	bool		dup;

	st = aws_ec2_default_vpc(c, &vpcs, &err);
	if (check(st == AWS_OK && vpcs.n == 1 && vpcs.v[0].is_default, "ec2-default-vpc",
			  "%d %zu %s", st, st == AWS_OK ? vpcs.n : 0, st ? S(err.text) : ""))
		vpc_id = strdup(vpcs.v[0].id);
	if (st == AWS_OK)
		aws_ec2_vpc_list_clean_up(&vpcs);
	else
		aws_error_clean_up(&err);
	if (vpc_id == NULL)
		return;
	{
		const char *ids[] = {vpc_id};
		const char *vals[] = {vpc_id};
		struct aws_ec2_filter f = {"vpc-id", vals, 1};

		st = aws_ec2_describe_vpcs(c, ids, 1, NULL, 0, &vpcs, &err);
		check(st == AWS_OK && vpcs.n == 1 && streq(vpcs.v[0].id, vpc_id), "ec2-vpc-by-id", "%d", st);
		if (st == AWS_OK)
			aws_ec2_vpc_list_clean_up(&vpcs);
		else
			aws_error_clean_up(&err);
		ids[0] = "vpc-0000000000000dead";
		st = aws_ec2_describe_vpcs(c, ids, 1, NULL, 0, &vpcs, &err);
		check(st == AWS_OK && vpcs.n == 0, "ec2-vpc-missing-empty", "%d %s", st, st ? S(err.text) : "");
		if (st == AWS_OK)
			aws_ec2_vpc_list_clean_up(&vpcs);
		else
			aws_error_clean_up(&err);
		st = aws_ec2_describe_subnets(c, NULL, 0, &f, 1, &subnets, &err);
		if (check(st == AWS_OK && subnets.n >= 3, "ec2-subnets-by-vpc", "%d %s", st, st ? S(err.text) : ""))
		{
			subnet_ids[0] = strdup(subnets.v[0].id);
			subnet_ids[1] = strdup(subnets.v[1].id);
			subnet_ids[2] = strdup(subnets.v[2].id);
			check(streq(subnets.v[0].vpc_id, vpc_id) && subnets.v[0].availability_zone,
				  "ec2-subnet-fields", "%s", S(subnets.v[0].vpc_id));
		}
		if (st == AWS_OK)
			aws_ec2_subnet_list_clean_up(&subnets);
		else
			aws_error_clean_up(&err);
		check_sent("ec2-filter-flattened", "DescribeSubnets", "body",
				   "Filter.1.Name=vpc-id", "Filter.1.Value.1=vpc-", NULL);
	}

	st = aws_ec2_create_security_group(c, "appdb-svc-db", "appdb-services-test", vpc_id,
									   tags, 2, &sg_id, &err);
	if (!check(st == AWS_OK && sg_id, "ec2-create-sg", "%s", st ? S(err.text) : ""))
	{
		aws_error_clean_up(&err);
		return;
	}
	st = aws_ec2_authorize_ingress(c, sg_id, &rule, &dup, &err);
	check(st == AWS_OK && !dup, "ec2-authorize", "%s", st ? S(err.text) : "dup");
	if (st)
		aws_error_clean_up(&err);
	st = aws_ec2_authorize_ingress(c, sg_id, &rule, &dup, &err);
	check(st == AWS_OK && dup, "ec2-authorize-duplicate", "%d %s", st, st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	{
		const char *vals[] = {"appdb-svc-db"};
		struct aws_ec2_filter f = {"tag:Name", vals, 1};

		/* by tag filter: proves TagSpecification arrived */
		st = aws_ec2_describe_security_groups(c, NULL, 0, &f, 1, &groups, &err);
		if (check(st == AWS_OK && groups.n == 1, "ec2-sg-by-tag", "%d %zu %s", st,
				  st == AWS_OK ? groups.n : 0, st ? S(err.text) : ""))
		{
			struct aws_ec2_security_group *g = &groups.v[0];

			check(streq(g->id, sg_id) && streq(g->vpc_id, vpc_id) &&
				  streq(g->description, "appdb-services-test") &&
				  streq(aws_tag_list_get(&g->tags, "env"), "test"),
				  "ec2-sg-readback", "%s %s", S(g->id), S(g->description));
			check(g->ningress == 1 && streq(g->ingress[0].protocol, "tcp") &&
				  g->ingress[0].from_port == 5432 && g->ingress[0].to_port == 5432 &&
				  has(&g->ingress[0].cidrs, "10.0.0.0/16") &&
				  has(&g->ingress[0].cidrs, "10.1.0.0/16"),
				  "ec2-ingress-readback", "%zu rules", g->ningress);
		}
		if (st == AWS_OK)
			aws_ec2_security_group_list_clean_up(&groups);
		else
			aws_error_clean_up(&err);
	}
	st = aws_ec2_revoke_ingress(c, sg_id, &rule, &dup, &err);
	check(st == AWS_OK && !dup, "ec2-revoke", "%s", st ? S(err.text) : "absent");
	if (st)
		aws_error_clean_up(&err);
	st = aws_ec2_describe_security_groups(c, (const char *const *) &sg_id, 1, NULL, 0, &groups, &err);
	check(st == AWS_OK && groups.n == 1 && groups.v[0].ningress == 0, "ec2-revoke-readback",
		  "%d %zu rules", st, st == AWS_OK && groups.n == 1 ? groups.v[0].ningress : 0);
	if (st == AWS_OK)
		aws_ec2_security_group_list_clean_up(&groups);
	else
		aws_error_clean_up(&err);
	st = aws_ec2_revoke_ingress(c, sg_id, &rule, &dup, &err);
	check(st == AWS_OK && dup, "ec2-revoke-absent", "%d %s", st, st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	{
		/* a source group, with its description read back beside it */
		const char *sources[1] = {sg_id};
		struct aws_ec2_ingress from_group = {"tcp", 5432, 5432, NULL, 0, sources, 1, "appdb: from a group"};

		st = aws_ec2_authorize_ingress(c, sg_id, &from_group, NULL, &err);
		if (st == AWS_OK)
			st = aws_ec2_describe_security_groups(c, (const char *const *) &sg_id, 1, NULL, 0, &groups, &err);
		if (check(st == AWS_OK && groups.n == 1 && groups.v[0].ningress == 1, "ec2-group-rule",
				  "%d %s", st, st ? S(err.text) : ""))
		{
			const struct aws_ec2_rule *r = &groups.v[0].ingress[0];

			check(r->groups.n == 1 && streq(r->groups.v[0], sg_id) &&
				  r->group_descriptions.n == 1 && streq(r->group_descriptions.v[0], "appdb: from a group"),
				  "ec2-group-rule-readback", "%zu groups, %zu descriptions", r->groups.n,
				  r->group_descriptions.n);
			aws_ec2_security_group_list_clean_up(&groups);
		}
		else if (st)
			aws_error_clean_up(&err);
		st = aws_ec2_revoke_ingress(c, sg_id, &from_group, &dup, &err);
		check(st == AWS_OK && !dup, "ec2-revoke-group-rule", "%d %s", st, st ? S(err.text) : "absent");
		if (st)
			aws_error_clean_up(&err);
	}
}

void
test_ec2_delete(struct aws_client *c)
{
	struct aws_error err;
	enum aws_status st;
	bool		found;

	if (sg_id == NULL)
		return;
	st = aws_ec2_delete_security_group(c, sg_id, &found, &err);
	check(st == AWS_OK && found, "ec2-delete-sg", "%s", st ? S(err.text) : "not found");
	if (st)
		aws_error_clean_up(&err);
	st = aws_ec2_delete_security_group(c, sg_id, &found, &err);
	check(st == AWS_OK && !found, "ec2-delete-sg-again", "%d %s", st, st ? S(err.text) : "found");
	if (st)
		aws_error_clean_up(&err);
}

/* DeleteAlias and ScheduleKeyDeletion, read back with ListAliases and DescribeKey. */
static void
test_kms_removal(struct aws_client *c)
{
	struct aws_kms_key key;
	struct aws_kms_alias_list aliases;
	struct aws_error err;
	enum aws_status st;
	bool		found = false;
	char	   *doomed = NULL;

	st = aws_kms_create_alias(c, "alias/appdb-svc-doomed", kms_arn, &err);
	check(st == AWS_OK, "kms-create-alias-2", "%s", st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	st = aws_kms_delete_alias(c, "alias/appdb-svc-doomed", &found, &err);
	check(st == AWS_OK && found, "kms-delete-alias", "%d %s", st, st ? S(err.text) : "not found");
	if (st)
		aws_error_clean_up(&err);
	check_sent("kms-delete-alias-sent", "TrentService.DeleteAlias", "body",
			   "{\"AliasName\":\"alias/appdb-svc-doomed\"}", NULL);
	st = aws_kms_list_aliases(c, NULL, &aliases, &err);
	if (check(st == AWS_OK, "kms-list-after-delete", "%s", st ? S(err.text) : ""))
	{
		check(!has(&aliases.names, "alias/appdb-svc-doomed") &&
			  has(&aliases.names, "alias/appdb-svc"), "kms-alias-gone",
			  "%zu aliases", aliases.names.n);
		aws_kms_alias_list_clean_up(&aliases);
	}
	else
		aws_error_clean_up(&err);
	st = aws_kms_delete_alias(c, "alias/appdb-svc-doomed", &found, &err);
	check(st == AWS_OK && !found, "kms-delete-alias-again", "%d %s", st, st ? S(err.text) : "found");
	if (st)
		aws_error_clean_up(&err);
	st = aws_kms_delete_alias(c, "alias/appdb-svc-doomed", NULL, &err);
	check(st == AWS_ERR_SERVICE && streq(err.code, "NotFoundException"),
		  "kms-delete-alias-missing-is-error-without-found", "%d %s", st, S(err.text));
	if (st)
		aws_error_clean_up(&err);

	st = aws_kms_create_key(c, "appdb doomed", NULL, 0, &key, &err);
	if (check(st == AWS_OK && key.arn, "kms-create-key-2", "%s", st ? S(err.text) : ""))
		doomed = strdup(key.arn);
	else
		aws_error_clean_up(&err);
	aws_kms_key_clean_up(&key);
	if (doomed == NULL)
		return;
	st = aws_kms_schedule_key_deletion(c, doomed, 7, &err);
	check(st == AWS_OK, "kms-schedule-deletion", "%s", st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	check_sent("kms-schedule-deletion-sent", "TrentService.ScheduleKeyDeletion", "body",
			   "\"PendingWindowInDays\":7", "\"KeyId\":\"arn:aws:kms:", NULL);
	st = aws_kms_describe_key(c, doomed, &key, &err);
	check(st == AWS_OK && key.found && streq(key.state, "PendingDeletion") && !key.enabled,
		  "kms-pending-deletion", "%s", st ? S(err.text) : S(key.state));
	if (st)
		aws_error_clean_up(&err);
	aws_kms_key_clean_up(&key);
	/* 0: the window is AWS's default, not sent */
	st = aws_kms_schedule_key_deletion(c, "11111111-2222-3333-4444-555555555555", 0, &err);
	check(st == AWS_ERR_SERVICE && streq(err.code, "NotFoundException"),
		  "kms-schedule-missing-key", "%d %s", st, S(err.text));
	if (st)
		aws_error_clean_up(&err);
	check_not_sent("kms-schedule-default-window", "TrentService.ScheduleKeyDeletion", "body",
				   "PendingWindowInDays", NULL);
	free(doomed);
}

void
test_kms(struct aws_client *c)
{
	struct aws_kms_key key;
	struct aws_kms_alias_list aliases;
	struct aws_error err;
	enum aws_status st;
	const struct aws_tag tags[] = {{"env", "test"}};
	bool		on = false;

	st = aws_kms_create_key(c, "appdb services", tags, 1, &key, &err);
	if (!check(st == AWS_OK && key.arn, "kms-create-key", "%s", st ? S(err.text) : ""))
	{
		aws_error_clean_up(&err);
		return;
	}
	kms_arn = strdup(key.arn);
	aws_kms_key_clean_up(&key);
	st = aws_kms_describe_key(c, kms_arn, &key, &err);
	check(st == AWS_OK && key.found && streq(key.arn, kms_arn) &&
		  streq(key.description, "appdb services") && streq(key.state, "Enabled"),
		  "kms-describe-key", "%s", st ? S(err.text) : S(key.description));
	if (st)
		aws_error_clean_up(&err);
	aws_kms_key_clean_up(&key);
	check_sent("kms-create-sent", "TrentService.CreateKey", "body",
			   "\"TagKey\":\"env\"", "\"KeySpec\":\"SYMMETRIC_DEFAULT\"", NULL);

	st = aws_kms_describe_key(c, "11111111-2222-3333-4444-555555555555", &key, &err);
	check(st == AWS_OK && !key.found, "kms-describe-missing", "%d %s", st, st ? S(err.text) : "found");
	if (st)
		aws_error_clean_up(&err);

	st = aws_kms_get_key_rotation_status(c, kms_arn, &on, &err);
	check(st == AWS_OK && !on, "kms-rotation-off", "%d", st);
	if (st)
		aws_error_clean_up(&err);
	st = aws_kms_enable_key_rotation(c, kms_arn, &err);
	check(st == AWS_OK, "kms-enable-rotation", "%s", st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	st = aws_kms_get_key_rotation_status(c, kms_arn, &on, &err);
	check(st == AWS_OK && on, "kms-rotation-on", "%d", st);
	if (st)
		aws_error_clean_up(&err);

	st = aws_kms_create_alias(c, "alias/appdb-svc", kms_arn, &err);
	check(st == AWS_OK, "kms-create-alias", "%s", st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	st = aws_kms_list_aliases(c, NULL, &aliases, &err);
	if (check(st == AWS_OK, "kms-list-aliases", "%s", st ? S(err.text) : ""))
	{
		size_t		i;
		bool		ok = false;

		for (i = 0; i < aliases.names.n; i++)
			if (streq(aliases.names.v[i], "alias/appdb-svc") &&
				kms_arn && strstr(kms_arn, aliases.targets.v[i]))
				ok = true;
		check(ok, "kms-alias-readback", "%zu aliases", aliases.names.n);
		aws_kms_alias_list_clean_up(&aliases);
	}
	else
		aws_error_clean_up(&err);
	test_kms_removal(c);
}
