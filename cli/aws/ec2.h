/*
 * cli/aws/ec2.h
 *		EC2 (ec2 protocol, 2016-11-15): finding the VPC and subnets a
 *		cluster goes in, and its security group (AWS-DETAIL.md §3.4).
 *
 * Lists are flattened without a member segment, under the model's
 * locationName: VpcId.N, SubnetId.N, GroupId.N, Filter.N.Name,
 * Filter.N.Value.M, TagSpecification.N.Tag.M.Key, IpPermissions.N.
 * IpRanges.M.CidrIp.  Answers have no Result wrapper; lists are
 * <xxxSet><item>; pages use NextToken/nextToken (followed here).
 * A lookup by id of something missing (InvalidVpcID.NotFound,
 * InvalidSubnetID.NotFound, InvalidGroup.NotFound) is AWS_OK with an empty
 * list; a delete with a non-NULL *found turns InvalidGroup.NotFound into
 * AWS_OK with *found = false.
 */
#ifndef APPDB_AWS_EC2_H
#define APPDB_AWS_EC2_H

#include "svc.h"

/* A filter: Name and its values (borrowed). */
struct aws_ec2_filter
{
	const char *name;			/* "vpc-id", "tag:Name", "isDefault" */
	const char *const *values;
	size_t		nvalues;
};

struct aws_ec2_vpc
{
	char	   *id;
	char	   *cidr_block;
	char	   *state;
	bool		is_default;
	struct aws_tag_list tags;
};

struct aws_ec2_vpc_list
{
	struct aws_ec2_vpc *v;
	size_t		n;
};

void		aws_ec2_vpc_list_clean_up(struct aws_ec2_vpc_list *l);

/* DescribeVpcs by ids and/or filters (either may be empty). */
enum aws_status aws_ec2_describe_vpcs(struct aws_client *client,
									  const char *const *ids, size_t nids,
									  const struct aws_ec2_filter *filters,
									  size_t nfilters,
									  struct aws_ec2_vpc_list *out,
									  struct aws_error *err);
/* The default VPC (filter isDefault=true); out->n is 0 when there is none. */
enum aws_status aws_ec2_default_vpc(struct aws_client *client,
									struct aws_ec2_vpc_list *out,
									struct aws_error *err);

struct aws_ec2_subnet
{
	char	   *id;
	char	   *vpc_id;
	char	   *availability_zone;
	char	   *cidr_block;
	bool		default_for_az;
	struct aws_tag_list tags;
};

struct aws_ec2_subnet_list
{
	struct aws_ec2_subnet *v;
	size_t		n;
};

void		aws_ec2_subnet_list_clean_up(struct aws_ec2_subnet_list *l);

enum aws_status aws_ec2_describe_subnets(struct aws_client *client,
										 const char *const *ids, size_t nids,
										 const struct aws_ec2_filter *filters,
										 size_t nfilters,
										 struct aws_ec2_subnet_list *out,
										 struct aws_error *err);

/* One inbound rule as described. */
struct aws_ec2_rule
{
	char	   *protocol;		/* "tcp", "-1" */
	int			from_port;
	int			to_port;
	struct aws_strings cidrs;
	struct aws_strings groups;	/* source security group ids */
	struct aws_strings group_descriptions;	/* each one's, "" for none */
};

struct aws_ec2_security_group
{
	char	   *id;
	char	   *name;
	char	   *description;
	char	   *vpc_id;
	struct aws_ec2_rule *ingress;
	size_t		ningress;
	struct aws_tag_list tags;
};

struct aws_ec2_security_group_list
{
	struct aws_ec2_security_group *v;
	size_t		n;
};

void		aws_ec2_security_group_list_clean_up(struct aws_ec2_security_group_list *l);

/* CreateSecurityGroup; tags go in one TagSpecification; *group_id malloc'd. */
enum aws_status aws_ec2_create_security_group(struct aws_client *client,
											  const char *name,
											  const char *description,
											  const char *vpc_id,
											  const struct aws_tag *tags,
											  size_t ntags, char **group_id,
											  struct aws_error *err);
enum aws_status aws_ec2_describe_security_groups(struct aws_client *client,
												 const char *const *ids, size_t nids,
												 const struct aws_ec2_filter *filters,
												 size_t nfilters,
												 struct aws_ec2_security_group_list *out,
												 struct aws_error *err);
enum aws_status aws_ec2_delete_security_group(struct aws_client *client,
											  const char *group_id, bool *found,
											  struct aws_error *err);

/* An ingress rule to add: from CIDRs and/or source groups. */
struct aws_ec2_ingress
{
	const char *protocol;		/* "tcp" */
	int			from_port;
	int			to_port;
	const char *const *cidrs;
	size_t		ncidrs;
	const char *const *source_groups;
	size_t		nsource_groups;
	const char *description;	/* on every range, or NULL */
};

/*
 * AuthorizeSecurityGroupIngress, one IpPermission.  *duplicate (may be
 * NULL) turns InvalidPermission.Duplicate into AWS_OK with *duplicate true.
 */
enum aws_status aws_ec2_authorize_ingress(struct aws_client *client,
										  const char *group_id,
										  const struct aws_ec2_ingress *rule,
										  bool *duplicate, struct aws_error *err);
/*
 * RevokeSecurityGroupIngress, one IpPermission.  *absent (may be NULL) turns
 * InvalidPermission.NotFound (no such rule) into AWS_OK with *absent true.
 */
enum aws_status aws_ec2_revoke_ingress(struct aws_client *client,
									   const char *group_id,
									   const struct aws_ec2_ingress *rule,
									   bool *absent, struct aws_error *err);

#endif							/* APPDB_AWS_EC2_H */
