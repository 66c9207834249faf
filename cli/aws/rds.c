/*
 * cli/aws/rds.c
 *		RDS calls (see rds.h): clusters, cluster parameter groups, DB subnet
 *		groups and cluster snapshots, and the request pieces the RDS files
 *		share (rds_int.h); the DB instance calls are rds_instance.c's.
 *		Answers are read with response.c's XML helpers.
 */
#include "rds.h"
#include "rds_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ------------------------------------------------------------------ */
/* Request pieces                                                      */
/* ------------------------------------------------------------------ */

void
rds_add_opt(struct aws_params *p, const char *name, const char *value)
{
	if (value)
		aws_params_add(p, name, value);
}

void
rds_add_flag(struct aws_params *p, const char *name, enum aws_flag f)
{
	if (f != AWS_FLAG_UNSET)
		aws_params_add_bool(p, name, f == AWS_FLAG_TRUE);
}

static void
add_double(struct aws_params *p, const char *name, double v)
{
	char		text[32];

	snprintf(text, sizeof(text), "%g", v);
	aws_params_add(p, name, text);
}

/* Name.<item>.N from 1 (item "member" for unnamed members). */
static void
add_list(struct aws_params *p, const char *name, const char *item,
		 const char *const *values, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		aws_params_addf(p, values[i], "%s.%s.%zu", name, item, i + 1);
}

/* RDS tags: Tags.Tag.N.Key / .Value. */
void
rds_add_tags(struct aws_params *p, const struct aws_tag *tags, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		aws_params_addf(p, tags[i].key, "Tags.Tag.%zu.Key", i + 1);
		aws_params_addf(p, tags[i].value, "Tags.Tag.%zu.Value", i + 1);
	}
}

static void
add_scaling(struct aws_params *p, double min, double max)
{
	if (min > 0)
		add_double(p, "ServerlessV2ScalingConfiguration.MinCapacity", min);
	if (max > 0)
		add_double(p, "ServerlessV2ScalingConfiguration.MaxCapacity", max);
}

/* ------------------------------------------------------------------ */
/* Clusters                                                            */
/* ------------------------------------------------------------------ */

static const char *const cluster_not_found[] = {"DBClusterNotFoundFault", NULL};
static const char *const pgroup_not_found[] = {"DBParameterGroupNotFound",
"DBClusterParameterGroupNotFound", NULL};
static const char *const subnet_group_not_found[] = {"DBSubnetGroupNotFoundFault", NULL};
static const char *const snapshot_not_found[] = {"DBClusterSnapshotNotFoundFault", NULL};

void
aws_rds_cluster_clean_up(struct aws_rds_cluster *c)
{
	free(c->identifier);
	free(c->arn);
	free(c->resource_id);
	free(c->status);
	free(c->endpoint);
	free(c->reader_endpoint);
	free(c->engine);
	free(c->engine_version);
	free(c->database_name);
	free(c->master_username);
	free(c->master_user_secret_arn);
	free(c->kms_key_id);
	free(c->parameter_group);
	free(c->subnet_group);
	free(c->writer);
	free(c->maintenance_window);
	free(c->pending_engine_version);
	aws_strings_clean_up(&c->vpc_security_group_ids);
	aws_strings_clean_up(&c->cloudwatch_logs_exports);
	aws_strings_clean_up(&c->members);
	aws_tag_list_clean_up(&c->tags);
	memset(c, 0, sizeof(*c));
}

/* A <DBCluster> element into out. */
static void
read_cluster(const xmlNode *n, struct aws_rds_cluster *out)
{
	xmlNode    *m;

	out->found = true;
	out->identifier = aws_xml_path_text(n, "DBClusterIdentifier");
	out->arn = aws_xml_path_text(n, "DBClusterArn");
	out->resource_id = aws_xml_path_text(n, "DbClusterResourceId");
	out->status = aws_xml_path_text(n, "Status");
	out->endpoint = aws_xml_path_text(n, "Endpoint");
	out->reader_endpoint = aws_xml_path_text(n, "ReaderEndpoint");
	out->port = (int) aws_svc_xml_long(n, "Port");
	out->engine = aws_xml_path_text(n, "Engine");
	out->engine_version = aws_xml_path_text(n, "EngineVersion");
	out->database_name = aws_xml_path_text(n, "DatabaseName");
	out->master_username = aws_xml_path_text(n, "MasterUsername");
	out->master_user_secret_arn = aws_xml_path_text(n, "MasterUserSecret/SecretArn");
	out->kms_key_id = aws_xml_path_text(n, "KmsKeyId");
	out->parameter_group = aws_xml_path_text(n, "DBClusterParameterGroup");
	out->subnet_group = aws_xml_path_text(n, "DBSubnetGroup");
	out->http_endpoint_enabled = aws_svc_xml_bool(n, "HttpEndpointEnabled");
	out->iam_database_authentication_enabled =
		aws_svc_xml_bool(n, "IAMDatabaseAuthenticationEnabled");
	out->deletion_protection = aws_svc_xml_bool(n, "DeletionProtection");
	out->storage_encrypted = aws_svc_xml_bool(n, "StorageEncrypted");
	out->copy_tags_to_snapshot = aws_svc_xml_bool(n, "CopyTagsToSnapshot");
	out->min_capacity = aws_svc_xml_double(n, "ServerlessV2ScalingConfiguration/MinCapacity");
	out->max_capacity = aws_svc_xml_double(n, "ServerlessV2ScalingConfiguration/MaxCapacity");
	aws_svc_xml_strings(n, "VpcSecurityGroups", "VpcSecurityGroupMembership",
						"VpcSecurityGroupId", &out->vpc_security_group_ids);
	aws_svc_xml_strings(n, "EnabledCloudwatchLogsExports", "member", NULL,
						&out->cloudwatch_logs_exports);
	for (m = aws_xml_path(n, "DBClusterMembers/DBClusterMember"); m;
		 m = aws_xml_next(m, "DBClusterMember"))
	{
		char	   *id = aws_xml_path_text(m, "DBInstanceIdentifier");

		if (id == NULL)
			continue;
		if (aws_svc_xml_bool(m, "IsClusterWriter") && out->writer == NULL)
			out->writer = aws_xstrdup(id);
		aws_strings_add(&out->members, id);
	}
	aws_svc_xml_tags(n, "TagList", "Tag", "Key", "Value", &out->tags);
	out->maintenance_window = aws_xml_path_text(n, "PreferredMaintenanceWindow");
	out->pending_engine_version = aws_xml_path_text(n, "PendingModifiedValues/EngineVersion");
	if (aws_xml_path(n, "PendingModifiedValues/IAMDatabaseAuthenticationEnabled"))
		out->pending_iam_auth = aws_svc_xml_bool(n, "PendingModifiedValues/IAMDatabaseAuthenticationEnabled") ?
			AWS_FLAG_TRUE : AWS_FLAG_FALSE;
}

/* A call whose result is <OpResult><element>, which read takes into out. */
enum aws_status
rds_result_call(struct aws_client *client, const char *op, const struct aws_params *p,
				const char *element, aws_svc_page_reader read, void *out,
				struct aws_error *err)
{
	struct aws_response resp;
	enum aws_status st;
	xmlNode    *n;

	st = aws_call_query(client, &aws_service_rds, op, p, &resp, err);
	if (st != AWS_OK)
		return st;
	n = aws_xml_path(aws_xml_result(&resp, op), element);
	if (n == NULL)
		st = aws_svc_bad_answer(&aws_service_rds, op, &resp, element, err);
	else
		read(n, out);
	aws_response_clean_up(&resp);
	return st;
}

static void
read_cluster_into(const xmlNode *n, void *out)
{
	read_cluster(n, out);
}

/* A call whose result is <OpResult><DBCluster>. */
static enum aws_status
cluster_call(struct aws_client *client, const char *op, const struct aws_params *p,
			 struct aws_rds_cluster *out, struct aws_error *err)
{
	return rds_result_call(client, op, p, "DBCluster", read_cluster_into, out, err);
}

enum aws_status
aws_rds_create_db_cluster(struct aws_client *client,
						  const struct aws_rds_cluster_spec *s,
						  struct aws_rds_cluster *out, struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	aws_params_init(&p);
	aws_params_add(&p, "DBClusterIdentifier", s->identifier);
	rds_add_opt(&p, "Engine", s->engine);
	rds_add_opt(&p, "EngineVersion", s->engine_version);
	rds_add_opt(&p, "EngineMode", s->engine_mode);
	rds_add_opt(&p, "DatabaseName", s->database_name);
	if (s->port)
		aws_params_add_int(&p, "Port", s->port);
	rds_add_opt(&p, "MasterUsername", s->master_username);
	if (s->manage_master_user_password)
		aws_params_add_bool(&p, "ManageMasterUserPassword", true);
	aws_params_add_bool(&p, "StorageEncrypted", s->storage_encrypted);
	rds_add_opt(&p, "KmsKeyId", s->kms_key_id);
	aws_params_add_bool(&p, "EnableIAMDatabaseAuthentication",
						s->iam_database_authentication);
	add_list(&p, "EnableCloudwatchLogsExports", "member",
			 s->cloudwatch_logs_exports, s->n_cloudwatch_logs_exports);
	aws_params_add_bool(&p, "CopyTagsToSnapshot", s->copy_tags_to_snapshot);
	aws_params_add_bool(&p, "DeletionProtection", s->deletion_protection);
	if (s->enable_http_endpoint)
		aws_params_add_bool(&p, "EnableHttpEndpoint", true);
	rds_add_opt(&p, "DBClusterParameterGroupName", s->parameter_group);
	rds_add_opt(&p, "DBSubnetGroupName", s->subnet_group);
	add_list(&p, "VpcSecurityGroupIds", "VpcSecurityGroupId",
			 s->vpc_security_group_ids, s->n_vpc_security_group_ids);
	if (s->backup_retention_period)
		aws_params_add_int(&p, "BackupRetentionPeriod", s->backup_retention_period);
	add_scaling(&p, s->min_capacity, s->max_capacity);
	rds_add_tags(&p, s->tags, s->ntags);
	st = cluster_call(client, "CreateDBCluster", &p, out, err);
	aws_params_free(&p);
	return st;
}

enum aws_status
aws_rds_describe_db_cluster(struct aws_client *client, const char *identifier,
							struct aws_rds_cluster *out, struct aws_error *err)
{
	struct aws_params p;
	struct aws_response resp;
	enum aws_status st;
	xmlNode    *n;

	memset(out, 0, sizeof(*out));
	aws_params_init(&p);
	aws_params_add(&p, "DBClusterIdentifier", identifier);
	st = aws_call_query(client, &aws_service_rds, "DescribeDBClusters", &p, &resp, err);
	aws_params_free(&p);
	if (st != AWS_OK)
	{
		if (aws_svc_absorb(err, cluster_not_found))
			return AWS_OK;		/* found = false */
		return st;
	}
	n = aws_xml_path(aws_xml_result(&resp, "DescribeDBClusters"), "DBClusters/DBCluster");
	if (n)
		read_cluster(n, out);
	aws_response_clean_up(&resp);
	return AWS_OK;
}

enum aws_status
aws_rds_modify_db_cluster(struct aws_client *client,
						  const struct aws_rds_cluster_changes *ch,
						  struct aws_rds_cluster *out, struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	aws_params_init(&p);
	aws_params_add(&p, "DBClusterIdentifier", ch->identifier);
	aws_params_add_bool(&p, "ApplyImmediately", ch->apply_immediately);
	rds_add_flag(&p, "DeletionProtection", ch->deletion_protection);
	rds_add_flag(&p, "EnableIAMDatabaseAuthentication", ch->iam_database_authentication);
	rds_add_flag(&p, "EnableHttpEndpoint", ch->enable_http_endpoint);
	add_scaling(&p, ch->min_capacity, ch->max_capacity);
	rds_add_opt(&p, "DBClusterParameterGroupName", ch->parameter_group);
	rds_add_opt(&p, "EngineVersion", ch->engine_version);
	if (ch->allow_major_version_upgrade)
		aws_params_add_bool(&p, "AllowMajorVersionUpgrade", true);
	add_list(&p, "VpcSecurityGroupIds", "VpcSecurityGroupId",
			 ch->vpc_security_group_ids, ch->n_vpc_security_group_ids);
	st = cluster_call(client, "ModifyDBCluster", &p, out, err);
	aws_params_free(&p);
	return st;
}

/* A call whose answer is only needed to have succeeded. */
enum aws_status
rds_plain_call(struct aws_client *client, const char *op, const struct aws_params *p,
			   struct aws_error *err)
{
	struct aws_response resp;
	enum aws_status st = aws_call_query(client, &aws_service_rds, op, p, &resp, err);

	if (st == AWS_OK)
		aws_response_clean_up(&resp);
	return st;
}

enum aws_status
aws_rds_delete_db_cluster(struct aws_client *client, const char *identifier,
						  const char *final_snapshot, bool *found,
						  struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	aws_params_init(&p);
	aws_params_add(&p, "DBClusterIdentifier", identifier);
	if (final_snapshot)
		aws_params_add(&p, "FinalDBSnapshotIdentifier", final_snapshot);
	else
		aws_params_add_bool(&p, "SkipFinalSnapshot", true);
	st = rds_plain_call(client, "DeleteDBCluster", &p, err);
	aws_params_free(&p);
	return aws_svc_not_found_ok(st, err, cluster_not_found, found);
}

enum aws_status
aws_rds_enable_http_endpoint(struct aws_client *client, const char *cluster_arn,
							 bool *enabled, struct aws_error *err)
{
	struct aws_params p;
	struct aws_response resp;
	enum aws_status st;

	*enabled = false;
	aws_params_init(&p);
	aws_params_add(&p, "ResourceArn", cluster_arn);
	st = aws_call_query(client, &aws_service_rds, "EnableHttpEndpoint", &p, &resp, err);
	aws_params_free(&p);
	if (st != AWS_OK)
		return st;
	*enabled = aws_svc_xml_bool(aws_xml_result(&resp, "EnableHttpEndpoint"),
								"HttpEndpointEnabled");
	aws_response_clean_up(&resp);
	return AWS_OK;
}

/* ------------------------------------------------------------------ */
/* Cluster parameter groups                                            */
/* ------------------------------------------------------------------ */

void
aws_rds_parameter_group_clean_up(struct aws_rds_parameter_group *g)
{
	free(g->name);
	free(g->family);
	free(g->description);
	free(g->arn);
	memset(g, 0, sizeof(*g));
}

static void
read_parameter_group(const xmlNode *n, struct aws_rds_parameter_group *out)
{
	out->found = true;
	out->name = aws_xml_path_text(n, "DBClusterParameterGroupName");
	out->family = aws_xml_path_text(n, "DBParameterGroupFamily");
	out->description = aws_xml_path_text(n, "Description");
	out->arn = aws_xml_path_text(n, "DBClusterParameterGroupArn");
}

enum aws_status
aws_rds_create_cluster_parameter_group(struct aws_client *client, const char *name,
									   const char *family, const char *description,
									   const struct aws_tag *tags, size_t ntags,
									   struct aws_rds_parameter_group *out,
									   struct aws_error *err)
{
	struct aws_params p;
	struct aws_response resp;
	enum aws_status st;
	xmlNode    *n;

	memset(out, 0, sizeof(*out));
	aws_params_init(&p);
	aws_params_add(&p, "DBClusterParameterGroupName", name);
	aws_params_add(&p, "DBParameterGroupFamily", family);
	aws_params_add(&p, "Description", description);
	rds_add_tags(&p, tags, ntags);
	st = aws_call_query(client, &aws_service_rds, "CreateDBClusterParameterGroup",
						&p, &resp, err);
	aws_params_free(&p);
	if (st != AWS_OK)
		return st;
	n = aws_xml_path(aws_xml_result(&resp, "CreateDBClusterParameterGroup"),
					 "DBClusterParameterGroup");
	if (n == NULL)
		st = aws_svc_bad_answer(&aws_service_rds, "CreateDBClusterParameterGroup",
								&resp, "DBClusterParameterGroup", err);
	else
		read_parameter_group(n, out);
	aws_response_clean_up(&resp);
	return st;
}

enum aws_status
aws_rds_describe_cluster_parameter_group(struct aws_client *client, const char *name,
										 struct aws_rds_parameter_group *out,
										 struct aws_error *err)
{
	struct aws_params p;
	struct aws_response resp;
	enum aws_status st;
	xmlNode    *n;

	memset(out, 0, sizeof(*out));
	aws_params_init(&p);
	aws_params_add(&p, "DBClusterParameterGroupName", name);
	st = aws_call_query(client, &aws_service_rds, "DescribeDBClusterParameterGroups",
						&p, &resp, err);
	aws_params_free(&p);
	if (st != AWS_OK)
	{
		if (aws_svc_absorb(err, pgroup_not_found))
			return AWS_OK;
		return st;
	}
	n = aws_xml_path(aws_xml_result(&resp, "DescribeDBClusterParameterGroups"),
					 "DBClusterParameterGroups/DBClusterParameterGroup");
	if (n)
		read_parameter_group(n, out);
	aws_response_clean_up(&resp);
	return AWS_OK;
}

enum aws_status
aws_rds_modify_cluster_parameter_group(struct aws_client *client, const char *name,
									   const struct aws_rds_parameter *params,
									   size_t nparams, struct aws_error *err)
{
	struct aws_params p;
	struct aws_response resp;
	enum aws_status st;
	size_t		i;

	aws_params_init(&p);
	aws_params_add(&p, "DBClusterParameterGroupName", name);
	for (i = 0; i < nparams; i++)
	{
		aws_params_addf(&p, params[i].name, "Parameters.Parameter.%zu.ParameterName", i + 1);
		aws_params_addf(&p, params[i].value, "Parameters.Parameter.%zu.ParameterValue", i + 1);
		aws_params_addf(&p, params[i].apply_method ? params[i].apply_method : "pending-reboot",
						"Parameters.Parameter.%zu.ApplyMethod", i + 1);
	}
	st = aws_call_query(client, &aws_service_rds, "ModifyDBClusterParameterGroup",
						&p, &resp, err);
	aws_params_free(&p);
	if (st == AWS_OK)
		aws_response_clean_up(&resp);
	return st;
}

enum aws_status
aws_rds_delete_cluster_parameter_group(struct aws_client *client, const char *name,
									   bool *found, struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	aws_params_init(&p);
	aws_params_add(&p, "DBClusterParameterGroupName", name);
	st = rds_plain_call(client, "DeleteDBClusterParameterGroup", &p, err);
	aws_params_free(&p);
	return aws_svc_not_found_ok(st, err, pgroup_not_found, found);
}

void
aws_rds_parameter_list_clean_up(struct aws_rds_parameter_list *l)
{
	size_t		i;

	for (i = 0; i < l->n; i++)
	{
		free(l->v[i].name);
		free(l->v[i].value);
		free(l->v[i].apply_method);
		free(l->v[i].source);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const struct aws_rds_parameter_value *
aws_rds_parameter_list_get(const struct aws_rds_parameter_list *l, const char *name)
{
	size_t		i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].name && strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

static void
read_parameters_page(const xmlNode *result, void *state)
{
	struct aws_rds_parameter_list *out = state;
	xmlNode    *n;

	out->found = true;
	for (n = aws_xml_path(result, "Parameters/Parameter"); n;
		 n = aws_xml_next(n, "Parameter"))
	{
		struct aws_rds_parameter_value *bigger = aws_xmalloc((out->n + 1) * sizeof(*bigger));
		struct aws_rds_parameter_value *v;

		if (out->n)
			memcpy(bigger, out->v, out->n * sizeof(*bigger));
		free(out->v);
		out->v = bigger;
		v = &out->v[out->n++];
		v->name = aws_xml_path_text(n, "ParameterName");
		v->value = aws_xml_path_text(n, "ParameterValue");
		v->apply_method = aws_xml_path_text(n, "ApplyMethod");
		v->source = aws_xml_path_text(n, "Source");
	}
}

enum aws_status
aws_rds_describe_cluster_parameters(struct aws_client *client, const char *name,
									const char *source,
									struct aws_rds_parameter_list *out,
									struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	aws_params_init(&p);
	aws_params_add(&p, "DBClusterParameterGroupName", name);
	if (source)
		aws_params_add(&p, "Source", source);
	st = aws_svc_query_pages(client, &aws_service_rds, "DescribeDBClusterParameters", &p,
							 read_parameters_page, out, err);
	aws_params_free(&p);
	if (st != AWS_OK)
	{
		aws_rds_parameter_list_clean_up(out);
		if (aws_svc_absorb(err, pgroup_not_found))
			return AWS_OK;
	}
	return st;
}

/* ------------------------------------------------------------------ */
/* DB subnet groups                                                    */
/* ------------------------------------------------------------------ */

void
aws_rds_subnet_group_clean_up(struct aws_rds_subnet_group *g)
{
	free(g->name);
	free(g->description);
	free(g->vpc_id);
	free(g->status);
	free(g->arn);
	aws_strings_clean_up(&g->subnet_ids);
	memset(g, 0, sizeof(*g));
}

static void
read_subnet_group(const xmlNode *n, struct aws_rds_subnet_group *out)
{
	out->found = true;
	out->name = aws_xml_path_text(n, "DBSubnetGroupName");
	out->description = aws_xml_path_text(n, "DBSubnetGroupDescription");
	out->vpc_id = aws_xml_path_text(n, "VpcId");
	out->status = aws_xml_path_text(n, "SubnetGroupStatus");
	out->arn = aws_xml_path_text(n, "DBSubnetGroupArn");
	aws_svc_xml_strings(n, "Subnets", "Subnet", "SubnetIdentifier", &out->subnet_ids);
}

enum aws_status
aws_rds_create_subnet_group(struct aws_client *client, const char *name,
							const char *description, const char *const *subnet_ids,
							size_t nsubnets, const struct aws_tag *tags, size_t ntags,
							struct aws_rds_subnet_group *out, struct aws_error *err)
{
	struct aws_params p;
	struct aws_response resp;
	enum aws_status st;
	xmlNode    *n;

	memset(out, 0, sizeof(*out));
	aws_params_init(&p);
	aws_params_add(&p, "DBSubnetGroupName", name);
	aws_params_add(&p, "DBSubnetGroupDescription", description);
	add_list(&p, "SubnetIds", "SubnetIdentifier", subnet_ids, nsubnets);
	rds_add_tags(&p, tags, ntags);
	st = aws_call_query(client, &aws_service_rds, "CreateDBSubnetGroup", &p, &resp, err);
	aws_params_free(&p);
	if (st != AWS_OK)
		return st;
	n = aws_xml_path(aws_xml_result(&resp, "CreateDBSubnetGroup"), "DBSubnetGroup");
	if (n == NULL)
		st = aws_svc_bad_answer(&aws_service_rds, "CreateDBSubnetGroup", &resp,
								"DBSubnetGroup", err);
	else
		read_subnet_group(n, out);
	aws_response_clean_up(&resp);
	return st;
}

enum aws_status
aws_rds_describe_subnet_group(struct aws_client *client, const char *name,
							  struct aws_rds_subnet_group *out, struct aws_error *err)
{
	struct aws_params p;
	struct aws_response resp;
	enum aws_status st;
	xmlNode    *n;

	memset(out, 0, sizeof(*out));
	aws_params_init(&p);
	aws_params_add(&p, "DBSubnetGroupName", name);
	st = aws_call_query(client, &aws_service_rds, "DescribeDBSubnetGroups", &p, &resp, err);
	aws_params_free(&p);
	if (st != AWS_OK)
	{
		if (aws_svc_absorb(err, subnet_group_not_found))
			return AWS_OK;
		return st;
	}
	n = aws_xml_path(aws_xml_result(&resp, "DescribeDBSubnetGroups"),
					 "DBSubnetGroups/DBSubnetGroup");
	if (n)
		read_subnet_group(n, out);
	aws_response_clean_up(&resp);
	return AWS_OK;
}

enum aws_status
aws_rds_delete_subnet_group(struct aws_client *client, const char *name, bool *found,
							struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	aws_params_init(&p);
	aws_params_add(&p, "DBSubnetGroupName", name);
	st = rds_plain_call(client, "DeleteDBSubnetGroup", &p, err);
	aws_params_free(&p);
	return aws_svc_not_found_ok(st, err, subnet_group_not_found, found);
}

enum aws_status
aws_rds_modify_subnet_group(struct aws_client *client, const char *name,
							const char *description, const char *const *subnet_ids,
							size_t nsubnets, struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	aws_params_init(&p);
	aws_params_add(&p, "DBSubnetGroupName", name);
	rds_add_opt(&p, "DBSubnetGroupDescription", description);
	add_list(&p, "SubnetIds", "SubnetIdentifier", subnet_ids, nsubnets);
	st = rds_plain_call(client, "ModifyDBSubnetGroup", &p, err);
	aws_params_free(&p);
	return st;
}

/* ------------------------------------------------------------------ */
/* Cluster snapshots                                                   */
/* ------------------------------------------------------------------ */

void
aws_rds_snapshot_list_clean_up(struct aws_rds_snapshot_list *l)
{
	aws_strings_clean_up(&l->ids);
	aws_strings_clean_up(&l->statuses);
}

static void
read_snapshots_page(const xmlNode *result, void *state)
{
	struct aws_rds_snapshot_list *out = state;
	xmlNode    *n;

	for (n = aws_xml_path(result, "DBClusterSnapshots/DBClusterSnapshot"); n;
		 n = aws_xml_next(n, "DBClusterSnapshot"))
	{
		char	   *id = aws_xml_path_text(n, "DBClusterSnapshotIdentifier");
		char	   *status = aws_xml_path_text(n, "Status");

		if (id == NULL)
		{
			free(status);
			continue;
		}
		aws_strings_add(&out->ids, id);
		aws_strings_add(&out->statuses, status ? status : aws_xstrdup(""));
	}
}

enum aws_status
aws_rds_describe_cluster_snapshots(struct aws_client *client,
								   const char *cluster_identifier,
								   struct aws_rds_snapshot_list *out,
								   struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	aws_params_init(&p);
	aws_params_add(&p, "DBClusterIdentifier", cluster_identifier);
	st = aws_svc_query_pages(client, &aws_service_rds, "DescribeDBClusterSnapshots", &p,
							 read_snapshots_page, out, err);
	aws_params_free(&p);
	if (st != AWS_OK)
		aws_rds_snapshot_list_clean_up(out);
	return st;
}

enum aws_status
aws_rds_delete_cluster_snapshot(struct aws_client *client, const char *snapshot_id,
								bool *found, struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	aws_params_init(&p);
	aws_params_add(&p, "DBClusterSnapshotIdentifier", snapshot_id);
	st = rds_plain_call(client, "DeleteDBClusterSnapshot", &p, err);
	aws_params_free(&p);
	return aws_svc_not_found_ok(st, err, snapshot_not_found, found);
}
