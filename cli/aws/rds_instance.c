/*
 * cli/aws/rds_instance.c
 *		RDS DB instance calls (see rds.h): create, describe (one, or a
 *		cluster's), modify, delete; the request pieces are rds.c's
 *		(rds_int.h).
 */
#include "rds.h"
#include "rds_int.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const instance_not_found[] = {"DBInstanceNotFound", NULL};

void
aws_rds_instance_clean_up(struct aws_rds_instance *i)
{
	free(i->identifier);
	free(i->arn);
	free(i->resource_id);
	free(i->status);
	free(i->instance_class);
	free(i->cluster_identifier);
	free(i->engine);
	free(i->address);
	free(i->monitoring_role_arn);
	aws_tag_list_clean_up(&i->tags);
	memset(i, 0, sizeof(*i));
}

void
aws_rds_instance_list_clean_up(struct aws_rds_instance_list *l)
{
	size_t		i;

	for (i = 0; i < l->n; i++)
		aws_rds_instance_clean_up(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void
read_instance(const xmlNode *n, struct aws_rds_instance *out)
{
	out->found = true;
	out->identifier = aws_xml_path_text(n, "DBInstanceIdentifier");
	out->arn = aws_xml_path_text(n, "DBInstanceArn");
	out->resource_id = aws_xml_path_text(n, "DbiResourceId");
	out->status = aws_xml_path_text(n, "DBInstanceStatus");
	out->instance_class = aws_xml_path_text(n, "DBInstanceClass");
	out->cluster_identifier = aws_xml_path_text(n, "DBClusterIdentifier");
	out->engine = aws_xml_path_text(n, "Engine");
	out->address = aws_xml_path_text(n, "Endpoint/Address");
	out->port = (int) aws_svc_xml_long(n, "Endpoint/Port");
	out->monitoring_interval = (int) aws_svc_xml_long(n, "MonitoringInterval");
	out->monitoring_role_arn = aws_xml_path_text(n, "MonitoringRoleArn");
	out->auto_minor_version_upgrade = aws_svc_xml_bool(n, "AutoMinorVersionUpgrade");
	out->publicly_accessible = aws_svc_xml_bool(n, "PubliclyAccessible");
	aws_svc_xml_tags(n, "TagList", "Tag", "Key", "Value", &out->tags);
}

static void
read_instance_into(const xmlNode *n, void *out)
{
	read_instance(n, out);
}

/* A call whose result is <OpResult><DBInstance>. */
static enum aws_status
instance_call(struct aws_client *client, const char *op, const struct aws_params *p,
			  struct aws_rds_instance *out, struct aws_error *err)
{
	return rds_result_call(client, op, p, "DBInstance", read_instance_into, out, err);
}

enum aws_status
aws_rds_create_db_instance(struct aws_client *client,
						   const struct aws_rds_instance_spec *s,
						   struct aws_rds_instance *out, struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	aws_params_init(&p);
	aws_params_add(&p, "DBInstanceIdentifier", s->identifier);
	rds_add_opt(&p, "DBClusterIdentifier", s->cluster_identifier);
	rds_add_opt(&p, "DBInstanceClass", s->instance_class);
	rds_add_opt(&p, "Engine", s->engine);
	if (s->monitoring_interval)
		aws_params_add_int(&p, "MonitoringInterval", s->monitoring_interval);
	rds_add_opt(&p, "MonitoringRoleArn", s->monitoring_role_arn);
	rds_add_flag(&p, "AutoMinorVersionUpgrade", s->auto_minor_version_upgrade);
	rds_add_flag(&p, "PubliclyAccessible", s->publicly_accessible);
	rds_add_tags(&p, s->tags, s->ntags);
	st = instance_call(client, "CreateDBInstance", &p, out, err);
	aws_params_free(&p);
	return st;
}

enum aws_status
aws_rds_modify_db_instance(struct aws_client *client,
						   const struct aws_rds_instance_changes *ch,
						   struct aws_rds_instance *out, struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	aws_params_init(&p);
	aws_params_add(&p, "DBInstanceIdentifier", ch->identifier);
	aws_params_add_bool(&p, "ApplyImmediately", true);
	if (ch->monitoring_interval >= 0)
		aws_params_add_int(&p, "MonitoringInterval", ch->monitoring_interval);
	rds_add_opt(&p, "MonitoringRoleArn", ch->monitoring_role_arn);
	rds_add_flag(&p, "AutoMinorVersionUpgrade", ch->auto_minor_version_upgrade);
	st = instance_call(client, "ModifyDBInstance", &p, out, err);
	aws_params_free(&p);
	return st;
}

static void
read_instances_page(const xmlNode *result, void *state)
{
	struct aws_rds_instance_list *list = state;
	xmlNode    *n;

	for (n = aws_xml_path(result, "DBInstances/DBInstance"); n;
		 n = aws_xml_next(n, "DBInstance"))
	{
		struct aws_rds_instance *bigger = aws_xmalloc((list->n + 1) * sizeof(*bigger));

		if (list->n)
			memcpy(bigger, list->v, list->n * sizeof(*bigger));
		free(list->v);
		list->v = bigger;
		memset(&list->v[list->n], 0, sizeof(list->v[0]));
		read_instance(n, &list->v[list->n++]);
	}
}

/* DescribeDBInstances by id or by cluster, every page, into list. */
static enum aws_status
describe_instances(struct aws_client *client, const char *id, const char *cluster,
				   struct aws_rds_instance_list *list, struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	aws_params_init(&p);
	if (id)
		aws_params_add(&p, "DBInstanceIdentifier", id);
	if (cluster)
	{
		aws_params_add(&p, "Filters.Filter.1.Name", "db-cluster-id");
		aws_params_add(&p, "Filters.Filter.1.Values.Value.1", cluster);
	}
	st = aws_svc_query_pages(client, &aws_service_rds, "DescribeDBInstances", &p,
							 read_instances_page, list, err);
	aws_params_free(&p);
	return st;
}

enum aws_status
aws_rds_describe_db_instance(struct aws_client *client, const char *identifier,
							 struct aws_rds_instance *out, struct aws_error *err)
{
	struct aws_rds_instance_list l = {0};
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	st = describe_instances(client, identifier, NULL, &l, err);
	if (st != AWS_OK)
	{
		aws_rds_instance_list_clean_up(&l);
		if (aws_svc_absorb(err, instance_not_found))
			return AWS_OK;
		return st;
	}
	if (l.n > 0)
	{
		*out = l.v[0];
		memset(&l.v[0], 0, sizeof(l.v[0]));
	}
	aws_rds_instance_list_clean_up(&l);
	return AWS_OK;
}

enum aws_status
aws_rds_describe_cluster_instances(struct aws_client *client,
								   const char *cluster_identifier,
								   struct aws_rds_instance_list *out,
								   struct aws_error *err)
{
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	st = describe_instances(client, NULL, cluster_identifier, out, err);
	if (st != AWS_OK)
		aws_rds_instance_list_clean_up(out);
	return st;
}

enum aws_status
aws_rds_delete_db_instance(struct aws_client *client, const char *identifier,
						   bool *found, struct aws_error *err)
{
	struct aws_params p;
	enum aws_status st;

	aws_params_init(&p);
	aws_params_add(&p, "DBInstanceIdentifier", identifier);
	st = rds_plain_call(client, "DeleteDBInstance", &p, err);
	aws_params_free(&p);
	return aws_svc_not_found_ok(st, err, instance_not_found, found);
}
