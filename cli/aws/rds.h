/*
 * cli/aws/rds.h
 *		RDS (query protocol, 2014-10-31): the calls provisioning makes on
 *		Aurora clusters, their instances and snapshots, cluster parameter
 *		groups and DB subnet groups, and EnableHttpEndpoint (AWS-DETAIL.md §3.1, §3.2).
 *
 * Every call returns AWS_OK with its output filled, or a status with *err
 * filled (free it with aws_error_clean_up).  A describe of something that
 * does not exist is AWS_OK with found = false (the wire codes
 * DBClusterNotFoundFault, DBInstanceNotFound, DBParameterGroupNotFound,
 * DBSubnetGroupNotFoundFault, DBClusterSnapshotNotFoundFault); a delete takes a bool *found that, when not
 * NULL, turns "not found" into AWS_OK with *found = false.  Every output
 * has its clean-up function; outputs are zeroed on entry, so a clean-up
 * after a failed call is harmless.
 *
 * Lists are flattened as the model's locationName says (AWS.md trap 1):
 * VpcSecurityGroupIds.VpcSecurityGroupId.N, Tags.Tag.N.Key,
 * SubnetIds.SubnetIdentifier.N, Parameters.Parameter.N.*,
 * Filters.Filter.N.Values.Value.M, but EnableCloudwatchLogsExports.member.N.
 */
#ifndef APPDB_AWS_RDS_H
#define APPDB_AWS_RDS_H

#include <stdbool.h>
#include <stddef.h>

#include "request.h"
#include "svc.h"

/* ---- clusters ---- */

/* CreateDBCluster; NULL strings, 0 numbers and empty lists are not sent. */
struct aws_rds_cluster_spec
{
	const char *identifier;
	const char *engine;			/* "aurora-postgresql" */
	const char *engine_version;
	const char *engine_mode;	/* "provisioned" */
	const char *database_name;
	int			port;
	const char *master_username;
	bool		manage_master_user_password;
	bool		storage_encrypted;
	const char *kms_key_id;
	bool		iam_database_authentication;
	const char *const *cloudwatch_logs_exports;
	size_t		n_cloudwatch_logs_exports;
	bool		copy_tags_to_snapshot;
	bool		deletion_protection;
	bool		enable_http_endpoint;
	const char *parameter_group;	/* DBClusterParameterGroupName */
	const char *subnet_group;	/* DBSubnetGroupName */
	const char *const *vpc_security_group_ids;
	size_t		n_vpc_security_group_ids;
	int			backup_retention_period;
	double		min_capacity;	/* ServerlessV2ScalingConfiguration, 0: none */
	double		max_capacity;
	const struct aws_tag *tags;
	size_t		ntags;
};

/* A cluster as DescribeDBClusters (and create/modify/delete) answer it. */
struct aws_rds_cluster
{
	bool		found;
	char	   *identifier;
	char	   *arn;			/* DBClusterArn */
	char	   *resource_id;	/* DbClusterResourceId, for rds-db:connect */
	char	   *status;
	char	   *endpoint;
	char	   *reader_endpoint;
	int			port;
	char	   *engine;
	char	   *engine_version;
	char	   *database_name;
	char	   *master_username;
	char	   *master_user_secret_arn; /* MasterUserSecret/SecretArn */
	char	   *kms_key_id;
	char	   *parameter_group;
	char	   *subnet_group;
	bool		http_endpoint_enabled;
	bool		iam_database_authentication_enabled;
	bool		deletion_protection;
	bool		storage_encrypted;
	bool		copy_tags_to_snapshot;
	double		min_capacity;	/* 0: no ServerlessV2ScalingConfiguration */
	double		max_capacity;
	struct aws_strings vpc_security_group_ids;
	struct aws_strings cloudwatch_logs_exports;
	struct aws_strings members; /* DBClusterMembers' instance ids */
	char	   *writer;			/* the member with IsClusterWriter */
	struct aws_tag_list tags;
	char	   *maintenance_window; /* PreferredMaintenanceWindow, "sun:05:00-sun:05:30" */
	/* PendingModifiedValues: changes queued for the maintenance window */
	char	   *pending_engine_version;
	enum aws_flag pending_iam_auth;
};

void		aws_rds_cluster_clean_up(struct aws_rds_cluster *c);

enum aws_status aws_rds_create_db_cluster(struct aws_client *client,
										  const struct aws_rds_cluster_spec *spec,
										  struct aws_rds_cluster *out,
										  struct aws_error *err);
enum aws_status aws_rds_describe_db_cluster(struct aws_client *client,
											const char *identifier,
											struct aws_rds_cluster *out,
											struct aws_error *err);

/*
 * ModifyDBCluster: only what is set is sent, and ApplyImmediately always
 * (false: RDS queues what it can for the next maintenance window).
 */
struct aws_rds_cluster_changes
{
	const char *identifier;
	enum aws_flag deletion_protection;
	enum aws_flag iam_database_authentication;
	enum aws_flag enable_http_endpoint;
	double		min_capacity;	/* 0: unchanged */
	double		max_capacity;
	const char *parameter_group;
	const char *engine_version;
	bool		allow_major_version_upgrade;
	const char *const *vpc_security_group_ids;
	size_t		n_vpc_security_group_ids;
	bool		apply_immediately;
};

enum aws_status aws_rds_modify_db_cluster(struct aws_client *client,
										  const struct aws_rds_cluster_changes *ch,
										  struct aws_rds_cluster *out,
										  struct aws_error *err);

/* DeleteDBCluster: final_snapshot NULL means SkipFinalSnapshot=true. */
enum aws_status aws_rds_delete_db_cluster(struct aws_client *client,
										  const char *identifier,
										  const char *final_snapshot,
										  bool *found,
										  struct aws_error *err);

/* EnableHttpEndpoint (ResourceArn: the cluster's ARN). */
enum aws_status aws_rds_enable_http_endpoint(struct aws_client *client,
											 const char *cluster_arn,
											 bool *enabled,
											 struct aws_error *err);

/* ---- instances ---- */

struct aws_rds_instance_spec
{
	const char *identifier;
	const char *cluster_identifier;
	const char *instance_class; /* "db.serverless" */
	const char *engine;
	int			monitoring_interval;	/* 0: not sent */
	const char *monitoring_role_arn;
	enum aws_flag auto_minor_version_upgrade;
	enum aws_flag publicly_accessible;
	const struct aws_tag *tags;
	size_t		ntags;
};

struct aws_rds_instance
{
	bool		found;
	char	   *identifier;
	char	   *arn;
	char	   *resource_id;	/* DbiResourceId */
	char	   *status;			/* DBInstanceStatus */
	char	   *instance_class;
	char	   *cluster_identifier;
	char	   *engine;
	char	   *address;		/* Endpoint/Address */
	int			port;			/* Endpoint/Port */
	int			monitoring_interval;
	char	   *monitoring_role_arn;
	bool		auto_minor_version_upgrade;
	bool		publicly_accessible;
	struct aws_tag_list tags;
};

struct aws_rds_instance_list
{
	struct aws_rds_instance *v;
	size_t		n;
};

void		aws_rds_instance_clean_up(struct aws_rds_instance *i);
void		aws_rds_instance_list_clean_up(struct aws_rds_instance_list *l);

enum aws_status aws_rds_create_db_instance(struct aws_client *client,
										   const struct aws_rds_instance_spec *spec,
										   struct aws_rds_instance *out,
										   struct aws_error *err);
enum aws_status aws_rds_describe_db_instance(struct aws_client *client,
											 const char *identifier,
											 struct aws_rds_instance *out,
											 struct aws_error *err);
/* Every instance of a cluster (Filters db-cluster-id), all pages. */
enum aws_status aws_rds_describe_cluster_instances(struct aws_client *client,
												   const char *cluster_identifier,
												   struct aws_rds_instance_list *out,
												   struct aws_error *err);
enum aws_status aws_rds_delete_db_instance(struct aws_client *client,
										   const char *identifier,
										   bool *found,
										   struct aws_error *err);

/*
 * ModifyDBInstance, ApplyImmediately=true: only what is set is sent.
 * monitoring_interval -1 is unchanged (0 is a value: monitoring off).
 */
struct aws_rds_instance_changes
{
	const char *identifier;
	int			monitoring_interval;	/* -1: unchanged */
	const char *monitoring_role_arn;
	enum aws_flag auto_minor_version_upgrade;
};

enum aws_status aws_rds_modify_db_instance(struct aws_client *client,
										   const struct aws_rds_instance_changes *ch,
										   struct aws_rds_instance *out,
										   struct aws_error *err);

/* ---- cluster parameter groups ---- */

struct aws_rds_parameter_group
{
	bool		found;
	char	   *name;
	char	   *family;
	char	   *description;
	char	   *arn;
};

void		aws_rds_parameter_group_clean_up(struct aws_rds_parameter_group *g);

enum aws_status aws_rds_create_cluster_parameter_group(struct aws_client *client,
													   const char *name,
													   const char *family,
													   const char *description,
													   const struct aws_tag *tags,
													   size_t ntags,
													   struct aws_rds_parameter_group *out,
													   struct aws_error *err);
enum aws_status aws_rds_describe_cluster_parameter_group(struct aws_client *client,
														 const char *name,
														 struct aws_rds_parameter_group *out,
														 struct aws_error *err);

/* DeleteDBClusterParameterGroup (not found: DBParameterGroupNotFound). */
enum aws_status aws_rds_delete_cluster_parameter_group(struct aws_client *client,
													   const char *name, bool *found,
													   struct aws_error *err);

/* One parameter: apply_method "immediate" or "pending-reboot". */
struct aws_rds_parameter
{
	const char *name;
	const char *value;
	const char *apply_method;
};

/* ModifyDBClusterParameterGroup (AWS takes at most 20 a call). */
enum aws_status aws_rds_modify_cluster_parameter_group(struct aws_client *client,
													   const char *name,
													   const struct aws_rds_parameter *params,
													   size_t nparams,
													   struct aws_error *err);

/* A parameter read back (DescribeDBClusterParameters). */
struct aws_rds_parameter_value
{
	char	   *name;
	char	   *value;			/* NULL when not set */
	char	   *apply_method;
	char	   *source;
};

struct aws_rds_parameter_list
{
	bool		found;
	struct aws_rds_parameter_value *v;
	size_t		n;
};

void		aws_rds_parameter_list_clean_up(struct aws_rds_parameter_list *l);
/* The parameter called name, or NULL. */
const struct aws_rds_parameter_value *aws_rds_parameter_list_get(const struct aws_rds_parameter_list *l,
																 const char *name);

/* DescribeDBClusterParameters, all pages; source "user" (NULL: all). */
enum aws_status aws_rds_describe_cluster_parameters(struct aws_client *client,
													const char *name,
													const char *source,
													struct aws_rds_parameter_list *out,
													struct aws_error *err);

/* ---- DB subnet groups ---- */

struct aws_rds_subnet_group
{
	bool		found;
	char	   *name;
	char	   *description;
	char	   *vpc_id;
	char	   *status;			/* SubnetGroupStatus */
	char	   *arn;
	struct aws_strings subnet_ids;
};

void		aws_rds_subnet_group_clean_up(struct aws_rds_subnet_group *g);

enum aws_status aws_rds_create_subnet_group(struct aws_client *client,
											const char *name,
											const char *description,
											const char *const *subnet_ids,
											size_t nsubnets,
											const struct aws_tag *tags,
											size_t ntags,
											struct aws_rds_subnet_group *out,
											struct aws_error *err);
enum aws_status aws_rds_describe_subnet_group(struct aws_client *client,
											  const char *name,
											  struct aws_rds_subnet_group *out,
											  struct aws_error *err);
enum aws_status aws_rds_delete_subnet_group(struct aws_client *client,
											const char *name, bool *found,
											struct aws_error *err);

/*
 * ModifyDBSubnetGroup: the subnets replace the group's; description NULL
 * is unchanged.  A missing group is an error (DBSubnetGroupNotFoundFault).
 */
enum aws_status aws_rds_modify_subnet_group(struct aws_client *client,
											const char *name,
											const char *description,
											const char *const *subnet_ids,
											size_t nsubnets,
											struct aws_error *err);

/* ---- cluster snapshots ---- */

/* Snapshots read back: parallel lists of identifiers and statuses. */
struct aws_rds_snapshot_list
{
	struct aws_strings ids;		/* DBClusterSnapshotIdentifier */
	struct aws_strings statuses;	/* Status: "available", "creating" */
};

void		aws_rds_snapshot_list_clean_up(struct aws_rds_snapshot_list *l);

/*
 * DescribeDBClusterSnapshots of one cluster, all pages: its automated and
 * manual snapshots (a cluster without any, or unknown: an empty list).
 */
enum aws_status aws_rds_describe_cluster_snapshots(struct aws_client *client,
												   const char *cluster_identifier,
												   struct aws_rds_snapshot_list *out,
												   struct aws_error *err);
/* DeleteDBClusterSnapshot (not found: DBClusterSnapshotNotFoundFault). */
enum aws_status aws_rds_delete_cluster_snapshot(struct aws_client *client,
												const char *snapshot_id,
												bool *found,
												struct aws_error *err);

#endif							/* APPDB_AWS_RDS_H */
