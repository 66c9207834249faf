/*
 * test/aws/test_services.c
 *		The service calls (rds, iam, ec2, kms, secretsmanager, backup,
 *		rdsdata) against the test bed: moto behind test/aws/fault_proxy.py
 *		with request authentication on (test/aws/run_services.sh starts it).
 *		Each call's parameters are proved to have arrived by reading moto's
 *		state back through our own describe/get calls (moto silently drops
 *		wrongly-flattened lists, AWS.md), or, where moto falls short, by the
 *		proxy's request log.  The last line is
 *		"aws-services: N passed, M failed"; exit 1 on a failure.
 */
#define _GNU_SOURCE
#define UNIT_MAIN
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/aws/backup.h"
#include "cli/aws/ec2.h"
#include "cli/aws/http.h"
#include "cli/aws/iam.h"
#include "cli/aws/kms.h"
#include "cli/aws/rds.h"
#include "cli/aws/rdsdata.h"
#include "cli/aws/request.h"
#include "cli/aws/secretsmanager.h"
#include "cli/aws/sts.h"
#include "test/unit.h"

static bool
streq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

#define S(x) ((x) ? (x) : "(null)")

static bool
has(const struct aws_strings *s, const char *v)
{
	size_t		i;

	for (i = 0; i < s->n; i++)
		if (streq(s->v[i], v))
			return true;
	return false;
}

static const char *proxy_url;
static struct aws_http control;

/* A control call to the fault proxy; the body answered, malloc'd. */
static char *
proxy(const char *method, const char *path, const char *body)
{
	struct aws_http_response h;
	struct aws_http_request req;
	struct sigv4_header headers[2];
	char	   *url;
	char	   *out = NULL;
	char		host[128];

	snprintf(host, sizeof(host), "%s", proxy_url + strlen("http://"));
	url = malloc(strlen(proxy_url) + strlen(path) + 1);
	sprintf(url, "%s%s", proxy_url, path);
	headers[0] = (struct sigv4_header) {"Host", host};
	headers[1] = (struct sigv4_header) {"Content-Type", "application/json"};
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = url;
	req.headers = headers;
	req.nheaders = body ? 2 : 1;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	aws_http_response_init(&h);
	if (aws_http_perform(&control, &req, &h) == AWS_HTTP_OK && h.status == 200)
		out = strdup(h.body.data ? h.body.data : "");
	else
		printf("proxy control %s %s failed: %s %ld\n", method, path, S(h.error), h.status);
	aws_http_response_clean_up(&h);
	free(url);
	return out;
}

static void
proxy_reset(void)
{
	free(proxy("POST", "/__proxy/reset", ""));
}

static void __attribute__((unused))
proxy_fault(const char *json)
{
	free(proxy("POST", "/__proxy/faults", json));
}

/* The proxy's log entries whose "op" is op (NULL: all), up to max. */
static int
proxy_log(const char *op, json_object **entries, int max)
{
	char	   *text = proxy("GET", "/__proxy/log", NULL);
	char	   *save = NULL;
	char	   *line;
	int			n = 0;

	if (text == NULL)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
	{
		json_object *e = aws_json_parse(line, strlen(line));
		json_object *v;

		if (e && (op == NULL || (json_object_object_get_ex(e, "op", &v) &&
								 streq(json_object_get_string(v), op))))
		{
			if (entries && n < max)
				entries[n] = json_object_get(e);
			n++;
		}
		json_object_put(e);
	}
	free(text);
	return n;
}

static const char *
entry_string(json_object *e, const char *name)
{
	json_object *v;

	return json_object_object_get_ex(e, name, &v) ? json_object_get_string(v) : NULL;
}

/* The body of the last logged request whose op is op, malloc'd, or NULL. */
static char *
logged(const char *op, const char *field)
{
	json_object *e[64] = {0};
	int			n = proxy_log(op, e, 64);
	char	   *out = NULL;
	int			i;

	if (n > 64)
		n = 64;
	if (n > 0 && entry_string(e[n - 1], field))
		out = strdup(entry_string(e[n - 1], field));
	for (i = 0; i < n && i < 64; i++)
		json_object_put(e[i]);
	return out;
}

/* Did the last op request carry each of the NULL-terminated needles? */
static void
check_sent(const char *name, const char *op, const char *field, ...)
{
	va_list		args;
	const char *needle;
	char	   *body = logged(op, field);

	va_start(args, field);
	while ((needle = va_arg(args, const char *)) != NULL)
		check(body && strstr(body, needle), name, "%s: no \"%s\" in %s", op, needle, S(body));
	va_end(args);
	free(body);
}

/* Did the last op request carry none of the NULL-terminated needles? */
static void
check_not_sent(const char *name, const char *op, const char *field, ...)
{
	va_list		args;
	const char *needle;
	char	   *body = logged(op, field);

	check(body != NULL, name, "%s: not logged", op);
	va_start(args, field);
	while ((needle = va_arg(args, const char *)) != NULL)
		check(body && !strstr(body, needle), name, "%s: \"%s\" in %s", op, needle, S(body));
	va_end(args);
	free(body);
}

static struct aws_client *
bed_client(const struct aws_credentials *creds)
{
	struct aws_client *c = aws_client_new(creds, "us-east-1", NULL);

	c->retry.max_attempts = 1;	/* moto's 500s are its gaps: no retries */
	return c;
}

/* A failed call reported cleanly: a service error, code and text set. */
static void
check_clean_error(const char *name, enum aws_status st, struct aws_error *err,
				  const char *service_op)
{
	if (check(st != AWS_OK, name, "succeeded"))
	{
		check(err->text && strstr(err->text, service_op) && err->code,
			  name, "text %s", S(err->text));
		aws_error_clean_up(err);
	}
}

static char *account;
static char *vpc_id;
static char *subnet_ids[3];
static char *sg_id;
static char *kms_arn;
static char *cluster_arn;
static char *secret_arn;

static void
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
}

static void
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

static void
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

/* CreateDBClusterSnapshot, which the product does not call: test set-up. */
static bool
make_cluster_snapshot(struct aws_client *c, const char *cluster, const char *id)
{
	struct aws_params p;
	struct aws_response resp;
	struct aws_error err;
	enum aws_status st;

	aws_params_init(&p);
	aws_params_add(&p, "DBClusterIdentifier", cluster);
	aws_params_add(&p, "DBClusterSnapshotIdentifier", id);
	st = aws_call_query(c, &aws_service_rds, "CreateDBClusterSnapshot", &p, &resp, &err);
	aws_params_free(&p);
	if (st != AWS_OK)
	{
		printf("set-up CreateDBClusterSnapshot %s: %s\n", id, S(err.text));
		aws_error_clean_up(&err);
		return false;
	}
	aws_response_clean_up(&resp);
	return true;
}

/* ModifyDBInstance, ModifyDBSubnetGroup, cluster snapshots, parameter group delete. */
static void
test_rds_changes(struct aws_client *c)
{
	struct aws_rds_instance in;
	struct aws_rds_subnet_group sng;
	struct aws_rds_parameter_group pg;
	struct aws_rds_snapshot_list snaps;
	struct aws_error err;
	enum aws_status st;
	bool		found = false;

	{
		struct aws_rds_instance_changes ch = {"appdb-svc-1", 60,
		"arn:aws:iam::123456789012:role/appdb-svc-monitoring-2", AWS_FLAG_FALSE};

		st = aws_rds_modify_db_instance(c, &ch, &in, &err);
		check(st == AWS_OK && in.found && streq(in.identifier, "appdb-svc-1"),
			  "rds-modify-instance", "%s", st ? S(err.text) : "");
		if (st)
			aws_error_clean_up(&err);
		aws_rds_instance_clean_up(&in);
		check_sent("rds-modify-instance-sent", "ModifyDBInstance", "body",
				   "ApplyImmediately=true", "MonitoringInterval=60",
				   "AutoMinorVersionUpgrade=false", NULL);
		/* moto answers MonitoringInterval through the proxy (AWS.md) */
		st = aws_rds_describe_db_instance(c, "appdb-svc-1", &in, &err);
		check(st == AWS_OK && in.found && in.monitoring_interval == 60 &&
			  streq(in.monitoring_role_arn, ch.monitoring_role_arn) &&
			  !in.auto_minor_version_upgrade, "rds-modify-instance-readback",
			  "%d %s %d", in.monitoring_interval, S(in.monitoring_role_arn),
			  in.auto_minor_version_upgrade);
		if (st)
			aws_error_clean_up(&err);
		aws_rds_instance_clean_up(&in);

		/* only what is set is sent: -1 keeps the interval */
		ch.monitoring_interval = -1;
		ch.monitoring_role_arn = NULL;
		ch.auto_minor_version_upgrade = AWS_FLAG_TRUE;
		st = aws_rds_modify_db_instance(c, &ch, &in, &err);
		check(st == AWS_OK && in.found, "rds-modify-instance-2", "%s", st ? S(err.text) : "");
		if (st)
			aws_error_clean_up(&err);
		aws_rds_instance_clean_up(&in);
		check_not_sent("rds-modify-instance-unset", "ModifyDBInstance", "body",
					   "MonitoringInterval", "MonitoringRoleArn", NULL);
		st = aws_rds_describe_db_instance(c, "appdb-svc-1", &in, &err);
		check(st == AWS_OK && in.auto_minor_version_upgrade && in.monitoring_interval == 60,
			  "rds-modify-instance-2-readback", "%d %d", in.auto_minor_version_upgrade,
			  in.monitoring_interval);
		if (st)
			aws_error_clean_up(&err);
		aws_rds_instance_clean_up(&in);

		ch.identifier = "appdb-nope";
		st = aws_rds_modify_db_instance(c, &ch, &in, &err);
		check(st == AWS_ERR_SERVICE && streq(err.code, "DBInstanceNotFound") && !in.found,
			  "rds-modify-missing-instance", "%d %s", st, S(err.text));
		if (st)
			aws_error_clean_up(&err);
		aws_rds_instance_clean_up(&in);
	}

	if (subnet_ids[2])
	{
		const char *two[] = {subnet_ids[1], subnet_ids[2]};

		st = aws_rds_modify_subnet_group(c, "appdb-svc", "appdb-svc-2", two, 2, &err);
		check(st == AWS_OK, "rds-modify-subnet-group", "%s", st ? S(err.text) : "");
		if (st)
			aws_error_clean_up(&err);
		check_sent("rds-modify-subnet-group-sent", "ModifyDBSubnetGroup", "body",
				   "SubnetIds.SubnetIdentifier.1=subnet-", "SubnetIds.SubnetIdentifier.2=subnet-",
				   "DBSubnetGroupDescription=appdb-svc-2", NULL);
		st = aws_rds_describe_subnet_group(c, "appdb-svc", &sng, &err);
		check(st == AWS_OK && sng.found && sng.subnet_ids.n == 2 &&
			  has(&sng.subnet_ids, subnet_ids[1]) && has(&sng.subnet_ids, subnet_ids[2]) &&
			  !has(&sng.subnet_ids, subnet_ids[0]) && streq(sng.description, "appdb-svc-2"),
			  "rds-modify-subnet-group-readback", "%zu subnets, %s", sng.subnet_ids.n,
			  S(sng.description));
		if (st)
			aws_error_clean_up(&err);
		aws_rds_subnet_group_clean_up(&sng);
		st = aws_rds_modify_subnet_group(c, "appdb-nope", NULL, two, 2, &err);
		check(st == AWS_ERR_SERVICE && streq(err.code, "DBSubnetGroupNotFoundFault"),
			  "rds-modify-missing-subnet-group", "%d %s", st, S(err.text));
		if (st)
			aws_error_clean_up(&err);
		check_not_sent("rds-modify-subnet-group-no-description", "ModifyDBSubnetGroup", "body",
					   "DBSubnetGroupDescription", NULL);
	}

	/* parameter groups: a second one, deleted */
	st = aws_rds_create_cluster_parameter_group(c, "appdb-svc-doomed", "aurora-postgresql16",
												"appdb-svc", NULL, 0, &pg, &err);
	check(st == AWS_OK && pg.found, "rds-create-pg-2", "%s", st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	aws_rds_parameter_group_clean_up(&pg);
	st = aws_rds_delete_cluster_parameter_group(c, "appdb-svc-doomed", &found, &err);
	check(st == AWS_OK && found, "rds-delete-pg", "%d %s", st, st ? S(err.text) : "not found");
	if (st)
		aws_error_clean_up(&err);
	st = aws_rds_describe_cluster_parameter_group(c, "appdb-svc-doomed", &pg, &err);
	check(st == AWS_OK && !pg.found, "rds-pg-gone", "%d %s", st, st ? S(err.text) : "found");
	if (st)
		aws_error_clean_up(&err);
	aws_rds_parameter_group_clean_up(&pg);
	st = aws_rds_describe_cluster_parameter_group(c, "appdb-svc-16", &pg, &err);
	check(st == AWS_OK && pg.found, "rds-pg-other-kept", "%d", st);
	if (st)
		aws_error_clean_up(&err);
	aws_rds_parameter_group_clean_up(&pg);
	st = aws_rds_delete_cluster_parameter_group(c, "appdb-svc-doomed", &found, &err);
	check(st == AWS_OK && !found, "rds-delete-pg-again", "%d %s", st, st ? S(err.text) : "found");
	if (st)
		aws_error_clean_up(&err);

	/* cluster snapshots */
	if (make_cluster_snapshot(c, "appdb-svc", "appdb-svc-snap-1") &&
		make_cluster_snapshot(c, "appdb-svc", "appdb-svc-snap-2"))
	{
		st = aws_rds_describe_cluster_snapshots(c, "appdb-svc", &snaps, &err);
		if (check(st == AWS_OK, "rds-describe-snapshots", "%s", st ? S(err.text) : ""))
		{
			size_t		i;
			bool		ok = has(&snaps.ids, "appdb-svc-snap-1") && has(&snaps.ids, "appdb-svc-snap-2") &&
				snaps.ids.n == snaps.statuses.n;

			for (i = 0; ok && i < snaps.ids.n; i++)
				ok = streq(snaps.statuses.v[i], "available");
			check(ok, "rds-snapshots-readback", "%zu snapshots", snaps.ids.n);
			aws_rds_snapshot_list_clean_up(&snaps);
		}
		else
			aws_error_clean_up(&err);
		check_sent("rds-describe-snapshots-sent", "DescribeDBClusterSnapshots", "body",
				   "DBClusterIdentifier=appdb-svc", NULL);
		st = aws_rds_delete_cluster_snapshot(c, "appdb-svc-snap-1", &found, &err);
		check(st == AWS_OK && found, "rds-delete-snapshot", "%d %s", st, st ? S(err.text) : "not found");
		if (st)
			aws_error_clean_up(&err);
		st = aws_rds_describe_cluster_snapshots(c, "appdb-svc", &snaps, &err);
		check(st == AWS_OK && !has(&snaps.ids, "appdb-svc-snap-1") &&
			  has(&snaps.ids, "appdb-svc-snap-2"), "rds-snapshot-gone", "%zu", snaps.ids.n);
		if (st)
			aws_error_clean_up(&err);
		aws_rds_snapshot_list_clean_up(&snaps);
		st = aws_rds_delete_cluster_snapshot(c, "appdb-svc-snap-1", &found, &err);
		check(st == AWS_OK && !found, "rds-delete-snapshot-again", "%d %s", st, st ? S(err.text) : "found");
		if (st)
			aws_error_clean_up(&err);
		st = aws_rds_delete_cluster_snapshot(c, "appdb-svc-snap-2", NULL, &err);
		check(st == AWS_OK, "rds-delete-snapshot-2", "%s", st ? S(err.text) : "");
		if (st)
			aws_error_clean_up(&err);
	}
	else
		check(false, "rds-snapshot-setup", "CreateDBClusterSnapshot failed");
	st = aws_rds_describe_cluster_snapshots(c, "appdb-nope", &snaps, &err);
	check(st == AWS_OK && snaps.ids.n == 0, "rds-snapshots-none", "%d %s", st, st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	aws_rds_snapshot_list_clean_up(&snaps);
}

static void
test_rds(struct aws_client *c)
{
	struct aws_rds_parameter_group pg;
	struct aws_rds_parameter_list params;
	struct aws_rds_subnet_group sng;
	struct aws_rds_cluster cl;
	struct aws_rds_instance_list insts;
	struct aws_error err;
	enum aws_status st;
	const struct aws_tag tags[] = {{"app", "appdb"}, {"env", "test"}};
	const struct aws_rds_parameter ps[] = {
		{"log_statement", "ddl", "pending-reboot"},
		{"log_min_duration_statement", "1000", "immediate"}};
	static const char *const logs[] = {"postgresql"};
	const char *sgs[] = {sg_id};
	bool		found,
				enabled;

	st = aws_rds_create_cluster_parameter_group(c, "appdb-svc-16", "aurora-postgresql16",
												"appdb-svc", tags, 2, &pg, &err);
	check(st == AWS_OK && pg.found && streq(pg.family, "aurora-postgresql16"),
		  "rds-create-pg", "%s", st ? S(err.text) : S(pg.family));
	if (st)
		aws_error_clean_up(&err);
	aws_rds_parameter_group_clean_up(&pg);
	st = aws_rds_modify_cluster_parameter_group(c, "appdb-svc-16", ps, 2, &err);
	check(st == AWS_OK, "rds-modify-pg", "%s", st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	st = aws_rds_describe_cluster_parameters(c, "appdb-svc-16", "user", &params, &err);
	if (check(st == AWS_OK && params.found, "rds-describe-params", "%s", st ? S(err.text) : ""))
	{
		const struct aws_rds_parameter_value *v = aws_rds_parameter_list_get(&params, "log_statement");
		const struct aws_rds_parameter_value *w = aws_rds_parameter_list_get(&params, "log_min_duration_statement");

		check(v && streq(v->value, "ddl") && w && streq(w->value, "1000"),
			  "rds-params-readback", "%zu params", params.n);
		aws_rds_parameter_list_clean_up(&params);
	}
	else
		aws_error_clean_up(&err);
	st = aws_rds_describe_cluster_parameter_group(c, "appdb-svc-16", &pg, &err);
	check(st == AWS_OK && pg.found && streq(pg.name, "appdb-svc-16"), "rds-describe-pg", "%d", st);
	aws_rds_parameter_group_clean_up(&pg);
	if (st)
		aws_error_clean_up(&err);
	st = aws_rds_describe_cluster_parameter_group(c, "appdb-nope", &pg, &err);
	check(st == AWS_OK && !pg.found, "rds-describe-pg-missing", "%d %s", st, st ? S(err.text) : "found");
	aws_rds_parameter_group_clean_up(&pg);
	if (st)
		aws_error_clean_up(&err);

	if (subnet_ids[0])
	{
		st = aws_rds_create_subnet_group(c, "appdb-svc", "appdb-svc",
										 (const char *const *) subnet_ids, 2, tags, 2, &sng, &err);
		check(st == AWS_OK && sng.found, "rds-create-subnet-group", "%s", st ? S(err.text) : "");
		if (st)
			aws_error_clean_up(&err);
		aws_rds_subnet_group_clean_up(&sng);
		st = aws_rds_describe_subnet_group(c, "appdb-svc", &sng, &err);
		check(st == AWS_OK && sng.found && sng.subnet_ids.n == 2 &&
			  has(&sng.subnet_ids, subnet_ids[0]) && has(&sng.subnet_ids, subnet_ids[1]) &&
			  streq(sng.vpc_id, vpc_id), "rds-subnet-group-readback", "%zu subnets, vpc %s",
			  sng.subnet_ids.n, S(sng.vpc_id));
		aws_rds_subnet_group_clean_up(&sng);
		if (st)
			aws_error_clean_up(&err);
	}

	{
		struct aws_rds_cluster_spec s = {0};

		s.identifier = "appdb-svc";
		s.engine = "aurora-postgresql";
		s.engine_version = "16.4";
		s.engine_mode = "provisioned";
		s.database_name = "app";
		s.port = 5432;
		s.master_username = "postgres";
		s.manage_master_user_password = true;
		s.storage_encrypted = true;
		s.kms_key_id = kms_arn;
		s.iam_database_authentication = true;
		s.cloudwatch_logs_exports = logs;
		s.n_cloudwatch_logs_exports = 1;
		s.copy_tags_to_snapshot = true;
		s.deletion_protection = true;
		s.parameter_group = "appdb-svc-16";
		s.subnet_group = subnet_ids[0] ? "appdb-svc" : NULL;
		s.vpc_security_group_ids = sgs;
		s.n_vpc_security_group_ids = sg_id ? 1 : 0;
		s.backup_retention_period = 7;
		s.min_capacity = 0.5;
		s.max_capacity = 2;
		s.tags = tags;
		s.ntags = 2;
		st = aws_rds_create_db_cluster(c, &s, &cl, &err);
		check(st == AWS_OK && cl.found && cl.arn, "rds-create-cluster", "%s", st ? S(err.text) : "");
		if (st)
			aws_error_clean_up(&err);
		aws_rds_cluster_clean_up(&cl);
	}
	st = aws_rds_describe_db_cluster(c, "appdb-svc", &cl, &err);
	if (check(st == AWS_OK && cl.found, "rds-describe-cluster", "%s", st ? S(err.text) : "not found"))
	{
		check(streq(cl.status, "available") && cl.endpoint && cl.port == 5432 &&
			  cl.resource_id && cl.arn && strstr(cl.arn, ":cluster:appdb-svc"),
			  "rds-cluster-basics", "%s %s %d", S(cl.status), S(cl.endpoint), cl.port);
		check(cl.master_user_secret_arn != NULL, "rds-cluster-secret", "none");
		check(cl.iam_database_authentication_enabled && cl.deletion_protection &&
			  cl.storage_encrypted && cl.copy_tags_to_snapshot, "rds-cluster-flags", "flags");
		check(cl.min_capacity == 0.5 && cl.max_capacity == 2, "rds-cluster-scaling",
			  "%g %g", cl.min_capacity, cl.max_capacity);
		check(streq(cl.engine_version, "16.4"), "rds-cluster-version", "%s", S(cl.engine_version));
		check(!sg_id || has(&cl.vpc_security_group_ids, sg_id), "rds-cluster-sgs",
			  "%zu groups", cl.vpc_security_group_ids.n);
		check(has(&cl.cloudwatch_logs_exports, "postgresql"), "rds-cluster-logs",
			  "%zu logs", cl.cloudwatch_logs_exports.n);
		check(streq(aws_tag_list_get(&cl.tags, "env"), "test") &&
			  streq(aws_tag_list_get(&cl.tags, "app"), "appdb"), "rds-cluster-tags",
			  "%zu tags", cl.tags.keys.n);
		check(streq(cl.parameter_group, "appdb-svc-16"), "rds-cluster-pg", "%s", S(cl.parameter_group));
		cluster_arn = cl.arn ? strdup(cl.arn) : NULL;
		secret_arn = cl.master_user_secret_arn ? strdup(cl.master_user_secret_arn) : NULL;
		aws_rds_cluster_clean_up(&cl);
	}
	else if (st)
		aws_error_clean_up(&err);
	else
		aws_rds_cluster_clean_up(&cl);

	{
		struct aws_rds_instance_spec s = {0};
		struct aws_rds_instance in;

		s.identifier = "appdb-svc-1";
		s.cluster_identifier = "appdb-svc";
		s.instance_class = "db.serverless";
		s.engine = "aurora-postgresql";
		s.monitoring_interval = 30;
		s.monitoring_role_arn = "arn:aws:iam::123456789012:role/appdb-svc-monitoring";
		s.auto_minor_version_upgrade = AWS_FLAG_TRUE;
		st = aws_rds_create_db_instance(c, &s, &in, &err);
		check(st == AWS_OK && in.found, "rds-create-instance", "%s", st ? S(err.text) : "");
		if (st)
			aws_error_clean_up(&err);
		aws_rds_instance_clean_up(&in);
		/* moto drops MonitoringInterval (AWS.md): read what was sent */
		check_sent("rds-instance-sent", "CreateDBInstance", "body", "MonitoringInterval=30",
				   "MonitoringRoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fappdb-svc-monitoring",
				   "DBInstanceClass=db.serverless", NULL);
	}
	st = aws_rds_describe_cluster_instances(c, "appdb-svc", &insts, &err);
	check(st == AWS_OK && insts.n == 1 && streq(insts.v[0].identifier, "appdb-svc-1") &&
		  streq(insts.v[0].instance_class, "db.serverless"), "rds-cluster-instances",
		  "%d %zu", st, st == AWS_OK ? insts.n : 0);
	if (st)
		aws_error_clean_up(&err);
	else
		aws_rds_instance_list_clean_up(&insts);
	check_sent("rds-filter-flattened", "DescribeDBInstances", "body",
			   "Filters.Filter.1.Name=db-cluster-id", "Filters.Filter.1.Values.Value.1=appdb-svc", NULL);

	/*
	 * moto answers EnableHttpEndpoint with HTTP 500 (AWS.md): the request
	 * is checked in the proxy's log and the error must be reported cleanly.
	 */
	if (cluster_arn)
	{
		st = aws_rds_enable_http_endpoint(c, cluster_arn, &enabled, &err);
		if (st == AWS_OK)
			check(true, "rds-enable-http", "");
		else
			check_clean_error("rds-enable-http-moto-500", st, &err, "RDS EnableHttpEndpoint failed");
		check_sent("rds-enable-http-sent", "EnableHttpEndpoint", "body",
				   "ResourceArn=arn%3Aaws%3Ards%3Aus-east-1%3A", NULL);
	}

	{
		struct aws_rds_cluster_changes ch = {0};

		ch.identifier = "appdb-svc";
		ch.deletion_protection = AWS_FLAG_FALSE;
		ch.min_capacity = 1;
		ch.max_capacity = 4;
		st = aws_rds_modify_db_cluster(c, &ch, &cl, &err);
		check(st == AWS_OK, "rds-modify-cluster", "%s", st ? S(err.text) : "");
		if (st)
			aws_error_clean_up(&err);
		aws_rds_cluster_clean_up(&cl);
		st = aws_rds_describe_db_cluster(c, "appdb-svc", &cl, &err);
		check(st == AWS_OK && cl.found && !cl.deletion_protection && cl.min_capacity == 1 &&
			  cl.max_capacity == 4, "rds-modify-readback", "%g %g", cl.min_capacity, cl.max_capacity);
		if (st)
			aws_error_clean_up(&err);
		aws_rds_cluster_clean_up(&cl);
	}
	test_rds_changes(c);
	(void) found;
}

static void
test_rds_delete(struct aws_client *c)
{
	struct aws_rds_cluster cl;
	struct aws_rds_subnet_group sng;
	struct aws_error err;
	enum aws_status st;
	bool		found;

	st = aws_rds_delete_db_instance(c, "appdb-svc-1", &found, &err);
	check(st == AWS_OK && found, "rds-delete-instance", "%s", st ? S(err.text) : "not found");
	if (st)
		aws_error_clean_up(&err);
	st = aws_rds_delete_db_cluster(c, "appdb-svc", NULL, &found, &err);
	check(st == AWS_OK && found, "rds-delete-cluster", "%s", st ? S(err.text) : "not found");
	if (st)
		aws_error_clean_up(&err);
	check_sent("rds-delete-cluster-sent", "DeleteDBCluster", "body", "SkipFinalSnapshot=true", NULL);
	st = aws_rds_describe_db_cluster(c, "appdb-svc", &cl, &err);
	check(st == AWS_OK && (!cl.found || streq(cl.status, "deleting")), "rds-cluster-gone",
		  "%d %s", st, S(cl.status));
	if (st)
		aws_error_clean_up(&err);
	aws_rds_cluster_clean_up(&cl);
	st = aws_rds_delete_db_cluster(c, "appdb-nope", NULL, &found, &err);
	check(st == AWS_OK && !found, "rds-delete-missing-cluster", "%d %s", st, st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	st = aws_rds_delete_db_cluster(c, "appdb-nope", NULL, NULL, &err);
	check(st == AWS_ERR_SERVICE && streq(err.code, "DBClusterNotFoundFault") && err.http_status == 404,
		  "rds-delete-missing-is-error-without-found", "%d %s", st, S(err.text));
	if (st)
		aws_error_clean_up(&err);
	if (subnet_ids[0])
	{
		st = aws_rds_delete_subnet_group(c, "appdb-svc", &found, &err);
		check(st == AWS_OK && found, "rds-delete-subnet-group", "%s", st ? S(err.text) : "");
		if (st)
			aws_error_clean_up(&err);
		st = aws_rds_describe_subnet_group(c, "appdb-svc", &sng, &err);
		check(st == AWS_OK && !sng.found, "rds-subnet-group-gone", "%d", st);
		if (st)
			aws_error_clean_up(&err);
		aws_rds_subnet_group_clean_up(&sng);
	}
}

static const char *const POLICY1 =
"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"rds-db:connect\",\"Resource\":\"*\"}]}";
static const char *const POLICY2 =
"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"rds-db:connect\"],\"Resource\":\"*\"}]}";
static const char *const TRUST =
"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"monitoring.rds.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";

/* aws_iam_decode_document alone: AWS's URL-encoded text, and text already decoded. */
static void
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

static void
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

static void
test_secrets(struct aws_client *c)
{
	struct aws_secret_value sv;
	struct aws_error err;
	enum aws_status st;

	if (secret_arn)
	{
		st = aws_secrets_get_value(c, secret_arn, NULL, &sv, &err);
		/* moto's master secret names the user "admin" (AWS.md) */
		check(st == AWS_OK && sv.found && streq(sv.arn, secret_arn) && sv.password &&
			  sv.password[0] && sv.username, "sm-get-master-secret", "%s", st ? S(err.text) : "");
		if (st)
			aws_error_clean_up(&err);
		aws_secret_value_clean_up(&sv);
	}
	st = aws_secrets_get_value(c, "appdb-no-such-secret", NULL, &sv, &err);
	check(st == AWS_OK && !sv.found, "sm-missing", "%d %s", st, st ? S(err.text) : "found");
	if (st)
		aws_error_clean_up(&err);
	aws_secret_value_clean_up(&sv);
}

/* ListBackupPlans, UpdateBackupPlan (moto lacks it: the proxy's), GetBackupPlan. */
static void
test_backup_plan_changes(struct aws_client *c, const char *plan_id)
{
	struct aws_backup_plan_list l;
	struct aws_backup_plan plan;
	struct aws_backup_plan up;
	struct aws_error err;
	enum aws_status st;
	const struct aws_backup_rule_spec rules[] = {
		{"daily", "appdb-svc", "cron(0 5 * * ? *)", 7, 60}};
	char	   *old_version = NULL;
	char	   *path;
	size_t		i;

	st = aws_backup_list_plans(c, &l, &err);
	if (check(st == AWS_OK, "backup-list-plans", "%s", st ? S(err.text) : ""))
	{
		for (i = 0; i < l.ids.n; i++)
			if (streq(l.ids.v[i], plan_id))
				break;
		if (check(i < l.ids.n && l.arns.n == l.ids.n && l.names.n == l.ids.n &&
				  l.version_ids.n == l.ids.n, "backup-list-plans-has", "%zu plans", l.ids.n))
		{
			check(streq(l.names.v[i], "appdb-svc") && strstr(l.arns.v[i], plan_id) &&
				  l.version_ids.v[i][0], "backup-list-plans-fields", "%s %s",
				  l.names.v[i], l.arns.v[i]);
			old_version = strdup(l.version_ids.v[i]);
		}
		aws_backup_plan_list_clean_up(&l);
	}
	else
		aws_error_clean_up(&err);
	check_sent("backup-list-plans-sent", "GET /backup/plans/", "method", "GET", NULL);

	st = aws_backup_update_plan(c, plan_id, "appdb-svc-2", rules, 1, &up, &err);
	check(st == AWS_OK && up.found && streq(up.id, plan_id) && up.arn && up.version_id &&
		  !streq(up.version_id, old_version), "backup-update-plan", "%s",
		  st ? S(err.text) : S(up.version_id));
	if (st)
		aws_error_clean_up(&err);
	path = malloc(strlen(plan_id) + 64);
	sprintf(path, "POST /backup/plans/%s", plan_id);
	check_sent("backup-update-plan-sent", path, "body",
			   "{\"BackupPlan\":{\"BackupPlanName\":\"appdb-svc-2\",\"Rules\":[{\"RuleName\":\"daily\"",
			   "\"TargetBackupVaultName\":\"appdb-svc\"", "\"StartWindowMinutes\":60",
			   "\"Lifecycle\":{\"DeleteAfterDays\":7}", "\"ScheduleExpression\":\"cron(0 5 * * ? *)\"",
			   NULL);
	free(path);
	st = aws_backup_get_plan(c, plan_id, &plan, &err);
	check(st == AWS_OK && plan.found && streq(plan.name, "appdb-svc-2") && plan.nrules == 1 &&
		  streq(plan.rules[0].name, "daily") && plan.rules[0].delete_after_days == 7 &&
		  streq(plan.rules[0].schedule, "cron(0 5 * * ? *)") &&
		  streq(plan.version_id, up.version_id), "backup-update-plan-readback", "%s %zu",
		  st ? S(err.text) : S(plan.name), plan.nrules);
	if (st)
		aws_error_clean_up(&err);
	aws_backup_plan_clean_up(&plan);
	st = aws_backup_list_plans(c, &l, &err);
	if (st == AWS_OK)
	{
		for (i = 0; i < l.ids.n; i++)
			if (streq(l.ids.v[i], plan_id))
				break;
		check(i < l.ids.n && streq(l.names.v[i], "appdb-svc-2") &&
			  streq(l.version_ids.v[i], up.version_id), "backup-update-plan-listed",
			  "%zu plans", l.ids.n);
		aws_backup_plan_list_clean_up(&l);
	}
	else
		check_clean_error("backup-update-plan-listed", st, &err, "Backup ListBackupPlans failed");
	aws_backup_plan_clean_up(&up);
	st = aws_backup_update_plan(c, "no-such-plan", "x", rules, 1, &up, &err);
	check(st == AWS_ERR_SERVICE && streq(err.code, "ResourceNotFoundException") && !up.found,
		  "backup-update-missing-plan", "%d %s", st, S(err.text));
	if (st)
		aws_error_clean_up(&err);
	aws_backup_plan_clean_up(&up);
	free(old_version);
}

/* ListBackupSelections (moto lacks selections: the proxy's). */
static void
test_backup_list_selections(struct aws_client *c, const char *plan_id, const char *sel_id)
{
	struct aws_backup_selection_list l;
	struct aws_error err;
	enum aws_status st;
	bool		found = false;
	char	   *path;

	st = aws_backup_list_selections(c, plan_id, &l, &found, &err);
	check(st == AWS_OK && found && l.ids.n == 1 && l.names.n == 1 &&
		  (sel_id == NULL || streq(l.ids.v[0], sel_id)) && streq(l.names.v[0], "appdb-svc"),
		  "backup-list-selections", "%d %zu %s", st, l.ids.n, st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	aws_backup_selection_list_clean_up(&l);
	path = malloc(strlen(plan_id) + 64);
	sprintf(path, "GET /backup/plans/%s/selections/", plan_id);
	check_sent("backup-list-selections-sent", path, "method", "GET", NULL);
	free(path);
	st = aws_backup_list_selections(c, "no-such-plan", &l, &found, &err);
	check(st == AWS_OK && !found && l.ids.n == 0, "backup-list-selections-missing-plan",
		  "%d %s", st, st ? S(err.text) : "found");
	if (st)
		aws_error_clean_up(&err);
	aws_backup_selection_list_clean_up(&l);
	st = aws_backup_list_selections(c, "no-such-plan", &l, NULL, &err);
	check(st == AWS_ERR_SERVICE && streq(err.code, "ResourceNotFoundException"),
		  "backup-list-selections-missing-is-error-without-found", "%d %s", st, S(err.text));
	if (st)
		aws_error_clean_up(&err);
	aws_backup_selection_list_clean_up(&l);
}

static void
test_backup(struct aws_client *c)
{
	struct aws_backup_vault v;
	struct aws_backup_plan plan;
	struct aws_backup_selection sel;
	struct aws_error err;
	enum aws_status st;
	const struct aws_tag tags[] = {{"env", "test"}};
	const struct aws_backup_rule_spec rules[] = {
		{"weekly", "appdb-svc", "cron(0 7 ? * SUN *)", 35, 0}};
	const char *res[] = {"arn:aws:rds:us-east-1:123456789012:cluster:appdb-svc"};
	char	   *plan_id = NULL;
	bool		found;

	st = aws_backup_create_vault(c, "appdb-svc", kms_arn, tags, 1, NULL, &v, &err);
	check(st == AWS_OK && v.found && v.arn, "backup-create-vault", "%s", st ? S(err.text) : "");
	aws_backup_vault_clean_up(&v);
	if (st)
		aws_error_clean_up(&err);
	check_sent("backup-create-vault-sent", "PUT /backup-vaults/appdb-svc", "body",
			   "\"BackupVaultTags\":{\"env\":\"test\"}", "\"EncryptionKeyArn\":\"arn:aws:kms:", NULL);

	/*
	 * moto cannot verify a bodiless REST-JSON request's signature (AWS.md):
	 * DescribeBackupVault, GetBackupPlan and the deletes get
	 * SignatureDoesNotMatch from moto.  The proxy log proves the request,
	 * and the error must be clean; on AWS these succeed.
	 */
	st = aws_backup_describe_vault(c, "appdb-svc", &v, &err);
	if (st == AWS_OK)
		check(v.found && v.arn, "backup-describe-vault", "not found");
	else
		check_clean_error("backup-describe-vault-moto-gap", st, &err, "Backup DescribeBackupVault failed");
	aws_backup_vault_clean_up(&v);
	check_sent("backup-describe-vault-sent", "GET /backup-vaults/appdb-svc", "method", "GET", NULL);

	st = aws_backup_create_plan(c, "appdb-svc", rules, 1, tags, 1, NULL, &plan, &err);
	if (check(st == AWS_OK && plan.id, "backup-create-plan", "%s", st ? S(err.text) : ""))
		plan_id = strdup(plan.id);
	else
		aws_error_clean_up(&err);
	aws_backup_plan_clean_up(&plan);
	check_sent("backup-create-plan-sent", "PUT /backup/plans/", "body",
			   "\"RuleName\":\"weekly\"", "\"TargetBackupVaultName\":\"appdb-svc\"",
			   "\"DeleteAfterDays\":35", "\"ScheduleExpression\":\"cron(0 7 ? * SUN *)\"", NULL);
	if (plan_id == NULL)
		return;
	{
		char	   *path = malloc(strlen(plan_id) + 64);

		st = aws_backup_get_plan(c, plan_id, &plan, &err);
		if (st == AWS_OK)
			check(plan.found && plan.nrules == 1 && plan.rules[0].delete_after_days == 35,
				  "backup-get-plan", "%zu rules", plan.nrules);
		else
			check_clean_error("backup-get-plan-moto-gap", st, &err, "Backup GetBackupPlan failed");
		aws_backup_plan_clean_up(&plan);
		sprintf(path, "GET /backup/plans/%s/", plan_id);
		check_sent("backup-get-plan-sent", path, "method", "GET", NULL);
		test_backup_plan_changes(c, plan_id);

		/* moto has no Backup selections (HTML 500, AWS.md) */
		st = aws_backup_create_selection(c, plan_id, "appdb-svc",
										 "arn:aws:iam::123456789012:role/appdb-svc-backup",
										 res, 1, NULL, &sel, &err);
		if (st == AWS_OK)
			check(sel.found && sel.id, "backup-create-selection", "no id");
		else
			check_clean_error("backup-create-selection-moto-gap", st, &err,
							  "Backup CreateBackupSelection failed");
		test_backup_list_selections(c, plan_id, st == AWS_OK ? sel.id : NULL);
		aws_backup_selection_clean_up(&sel);
		sprintf(path, "PUT /backup/plans/%s/selections/", plan_id);
		check_sent("backup-create-selection-sent", path, "body",
				   "\"SelectionName\":\"appdb-svc\"", "\"Resources\":[\"arn:aws:rds:us-east-1:123456789012:cluster:appdb-svc\"]",
				   "\"IamRoleArn\":\"arn:aws:iam::123456789012:role/appdb-svc-backup\"", NULL);
		st = aws_backup_get_selection(c, plan_id, "sel-1", &sel, &err);
		if (st != AWS_OK)
			check_clean_error("backup-get-selection-moto-gap", st, &err, "Backup GetBackupSelection failed");
		aws_backup_selection_clean_up(&sel);
		sprintf(path, "GET /backup/plans/%s/selections/sel-1", plan_id);
		check_sent("backup-get-selection-sent", path, "method", "GET", NULL);
		st = aws_backup_delete_selection(c, plan_id, "sel-1", &found, &err);
		if (st != AWS_OK)
			check_clean_error("backup-delete-selection-moto-gap", st, &err, "Backup DeleteBackupSelection failed");
		sprintf(path, "DELETE /backup/plans/%s/selections/sel-1", plan_id);
		check_sent("backup-delete-selection-sent", path, "method", "DELETE", NULL);
		st = aws_backup_delete_plan(c, plan_id, &found, &err);
		if (st != AWS_OK)
			check_clean_error("backup-delete-plan-moto-gap", st, &err, "Backup DeleteBackupPlan failed");
		sprintf(path, "DELETE /backup/plans/%s", plan_id);
		check_sent("backup-delete-plan-sent", path, "method", "DELETE", NULL);
		free(path);
	}
	st = aws_backup_delete_vault(c, "appdb-svc", &found, &err);
	if (st != AWS_OK)
		check_clean_error("backup-delete-vault-moto-gap", st, &err, "Backup DeleteBackupVault failed");
	check_sent("backup-delete-vault-sent", "DELETE /backup-vaults/appdb-svc", "method", "DELETE", NULL);
	free(plan_id);
}

/* moto's rds-data answers canned empty results (AWS.md): the requests are
 * checked in the proxy's log; the Data API's semantics are tested against
 * the project's own Data API server. */
static void
test_rdsdata(struct aws_client *c)
{
	struct aws_rdsdata_target t = {
		"arn:aws:rds:us-east-1:123456789012:cluster:appdb-svc",
		"arn:aws:secretsmanager:us-east-1:123456789012:secret:rds-x", "app"};
	struct aws_rdsdata_param ps[] = {
		{"n", AWS_RDSDATA_STRING, "app", 0, false, 0, NULL},
		{"k", AWS_RDSDATA_LONG, NULL, 42, false, 0, NULL},
		{"z", AWS_RDSDATA_NULL, NULL, 0, false, 0, NULL}};
	struct aws_rdsdata_result r;
	struct aws_error err;
	enum aws_status st;
	char	   *tid = NULL;
	char	   *status = NULL;

	st = aws_rdsdata_begin(c, &t, &tid, &err);
	if (st != AWS_OK)
		check_clean_error("rdsdata-begin-error", st, &err, "RDS Data BeginTransaction failed");
	else
		check(tid != NULL, "rdsdata-begin", "no id");
	check_sent("rdsdata-begin-sent", "POST /BeginTransaction", "body",
			   "\"resourceArn\":\"arn:aws:rds:", "\"secretArn\":\"arn:aws:secretsmanager:",
			   "\"database\":\"app\"", NULL);
	st = aws_rdsdata_execute(c, &t, "SELECT rolname FROM pg_roles WHERE rolname = :n AND :k > 0",
							 ps, 3, tid ? tid : "tx-1", &r, &err);
	if (st != AWS_OK)
		check_clean_error("rdsdata-execute-error", st, &err, "RDS Data ExecuteStatement failed");
	else
		check(true, "rdsdata-execute", "");
	aws_rdsdata_result_clean_up(&r);
	check_sent("rdsdata-execute-sent", "POST /Execute", "body",
			   "\"formatRecordsAs\":\"JSON\"", "\"includeResultMetadata\":true",
			   "{\"name\":\"n\",\"value\":{\"stringValue\":\"app\"}}",
			   "{\"name\":\"k\",\"value\":{\"longValue\":42}}",
			   "{\"name\":\"z\",\"value\":{\"isNull\":true}}", "\"transactionId\":\"", NULL);
	st = aws_rdsdata_commit(c, &t, tid ? tid : "tx-1", &status, &err);
	if (st != AWS_OK)
		check_clean_error("rdsdata-commit-error", st, &err, "RDS Data CommitTransaction failed");
	free(status);
	check_sent("rdsdata-commit-sent", "POST /CommitTransaction", "body", "\"transactionId\":\"", NULL);
	st = aws_rdsdata_rollback(c, &t, tid ? tid : "tx-1", &status, &err);
	if (st != AWS_OK)
		check_clean_error("rdsdata-rollback-error", st, &err, "RDS Data RollbackTransaction failed");
	free(status);
	check_sent("rdsdata-rollback-sent", "POST /RollbackTransaction", "body", "\"transactionId\":\"", NULL);
	free(tid);
}

/* A wrong secret key: AWS's error shown clearly, one call per protocol. */
static void
test_wrong_secret(const struct aws_credentials *good)
{
	struct aws_credentials bad = *good;
	struct aws_client *c;
	struct aws_rds_cluster cl;
	struct aws_ec2_vpc_list vpcs;
	struct aws_kms_key key;
	struct aws_backup_vault v;
	struct aws_error err;
	enum aws_status st;

	bad.secret_access_key = "wrong-secret";
	c = bed_client(&bad);
	st = aws_rds_describe_db_cluster(c, "appdb-svc", &cl, &err);
	check(st == AWS_ERR_SERVICE && streq(err.code, "SignatureDoesNotMatch") &&
		  strstr(S(err.text), "RDS DescribeDBClusters failed: SignatureDoesNotMatch"),
		  "wrong-secret-query", "%d %s", st, st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	st = aws_ec2_default_vpc(c, &vpcs, &err);
	check(st == AWS_ERR_SERVICE && streq(err.code, "AuthFailure") && err.http_status == 401 &&
		  strstr(S(err.text), "EC2 DescribeVpcs failed: AuthFailure"),
		  "wrong-secret-ec2", "%d %s", st, st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	else
		aws_ec2_vpc_list_clean_up(&vpcs);
	st = aws_kms_describe_key(c, "alias/appdb-svc", &key, &err);
	check(st == AWS_ERR_SERVICE && streq(err.code, "SignatureDoesNotMatch") &&
		  strstr(S(err.text), "KMS DescribeKey failed: SignatureDoesNotMatch"),
		  "wrong-secret-json", "%d %s", st, st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	st = aws_backup_create_vault(c, "appdb-svc-bad", NULL, NULL, 0, NULL, &v, &err);
	check(st == AWS_ERR_SERVICE && streq(err.code, "SignatureDoesNotMatch") &&
		  strstr(S(err.text), "Backup CreateBackupVault failed: SignatureDoesNotMatch"),
		  "wrong-secret-rest-json", "%d %s", st, st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	else
		aws_backup_vault_clean_up(&v);
	aws_client_free(c);
}

int
main(void)
{
	struct aws_credentials creds;

	if (!aws_global_init())
		return 2;
	memset(&creds, 0, sizeof(creds));
	creds.access_key_id = getenv("AWS_ACCESS_KEY_ID");
	creds.secret_access_key = getenv("AWS_SECRET_ACCESS_KEY");
	proxy_url = getenv("MOTOBED_PROXY_URL");
	if (check(proxy_url && creds.access_key_id && creds.secret_access_key &&
			  getenv("AWS_ENDPOINT_URL"), "bed", "no test bed: run test/aws/run_services.sh") &&
		check(aws_http_init(&control), "bed", "no curl handle"))
	{
		struct aws_client *c = bed_client(&creds);
		struct aws_caller_identity id;
		struct aws_error err;

		enum aws_status st;

		proxy_reset();
		st = aws_sts_get_caller_identity(c, &id, &err);
		if (check(st == AWS_OK, "sts", "%s", st ? S(err.text) : ""))
		{
			account = strdup(id.account);
			aws_caller_identity_clean_up(&id);
		}
		else
			aws_error_clean_up(&err);
		test_ec2(c);
		test_kms(c);
		test_rds(c);
		test_secrets(c);
		test_iam_decode();
		test_iam(c);
		test_backup(c);
		test_rdsdata(c);
		test_rds_delete(c);
		test_ec2_delete(c);
		test_wrong_secret(&creds);
		aws_client_free(c);
		aws_http_clean_up(&control);
	}
	free(account);
	free(vpc_id);
	free(subnet_ids[0]);
	free(subnet_ids[1]);
	free(subnet_ids[2]);
	free(sg_id);
	free(kms_arn);
	free(cluster_arn);
	free(secret_arn);
	aws_global_cleanup();
	return unit_summary("aws-services");
}
