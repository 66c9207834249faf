/*
 * test/aws/services/rds.c
 *		RDS against the bed: the cluster, its instance, subnet and parameter
 *		groups, their changes, snapshots and deletion.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/aws/rds.h"
#include "cli/aws/request.h"
#include "test/aws/services/test_services.h"
#include "test/unit.h"

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

void
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
		/* outputs prints the reader endpoint beside the writer's */
		check(cl.reader_endpoint && cl.endpoint && strcmp(cl.reader_endpoint, cl.endpoint) != 0 &&
			  strstr(cl.reader_endpoint, "appdb-svc"), "rds-cluster-reader", "%s", S(cl.reader_endpoint));
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
		/* the config's apply_immediately, false by default: RDS waits for the window */
		check_sent("rds-modify-cluster-sent", "ModifyDBCluster", "body",
				   "ApplyImmediately=false", "DeletionProtection=false", NULL);
		st = aws_rds_describe_db_cluster(c, "appdb-svc", &cl, &err);
		check(st == AWS_OK && cl.found && !cl.deletion_protection && cl.min_capacity == 1 &&
			  cl.max_capacity == 4, "rds-modify-readback", "%g %g", cl.min_capacity, cl.max_capacity);
		if (st)
			aws_error_clean_up(&err);
		aws_rds_cluster_clean_up(&cl);
		ch.apply_immediately = true;
		ch.deletion_protection = AWS_FLAG_UNSET;
		st = aws_rds_modify_db_cluster(c, &ch, &cl, &err);
		check(st == AWS_OK, "rds-modify-cluster-now", "%s", st ? S(err.text) : "");
		if (st)
			aws_error_clean_up(&err);
		aws_rds_cluster_clean_up(&cl);
		check_sent("rds-modify-cluster-now-sent", "ModifyDBCluster", "body", "ApplyImmediately=true", NULL);
		check_not_sent("rds-modify-cluster-now-unset", "ModifyDBCluster", "body", "DeletionProtection", NULL);
	}
	test_rds_changes(c);
	(void) found;
}

void
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
