/*
 * cli/aws/ec2.c
 *		EC2 calls (see ec2.h).  Answers: vpcSet/item, subnetSet/item,
 *		securityGroupInfo/item (with ipPermissions/item/{ipRanges,groups}),
 *		tagSet/item/{key,value}; CreateSecurityGroup answers groupId.
 */
#include "ec2.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const id_not_found[] = {"InvalidVpcID.NotFound",
"InvalidSubnetID.NotFound", "InvalidGroup.NotFound", NULL};
static const char *const group_not_found[] = {"InvalidGroup.NotFound", NULL};

static void
add_ids(struct aws_params *p, const char *name, const char *const *ids, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		aws_params_addf(p, ids[i], "%s.%zu", name, i + 1);
}

static void
add_filters(struct aws_params *p, const struct aws_ec2_filter *f, size_t n)
{
	size_t		i,
				j;

	for (i = 0; i < n; i++)
	{
		aws_params_addf(p, f[i].name, "Filter.%zu.Name", i + 1);
		for (j = 0; j < f[i].nvalues; j++)
			aws_params_addf(p, f[i].values[j], "Filter.%zu.Value.%zu", i + 1, j + 1);
	}
}

/* Called for each item of the answer's set. */
typedef void (*item_reader) (const xmlNode *item, void *list);

/*
 * A Describe call, every page: each <set>/item to read(item, list).  An
 * id's NotFound code is an empty answer.
 */
static enum aws_status
describe(struct aws_client *client, const char *op, const char *ids_name,
		 const char *const *ids, size_t nids, const struct aws_ec2_filter *filters,
		 size_t nfilters, const char *set, item_reader read, void *list,
		 struct aws_error *err)
{
	char	   *token = NULL;

	do
	{
		struct aws_params p;
		struct aws_response resp;
		enum aws_status st;
		xmlNode    *root;
		xmlNode    *n;

		aws_params_init(&p);
		add_ids(&p, ids_name, ids, nids);
		add_filters(&p, filters, nfilters);
		if (token)
			aws_params_add(&p, "NextToken", token);
		free(token);
		token = NULL;
		st = aws_call_query(client, &aws_service_ec2, op, &p, &resp, err);
		aws_params_free(&p);
		if (st != AWS_OK)
		{
			if (nids > 0 && aws_svc_absorb(err, id_not_found))
				return AWS_OK;
			return st;
		}
		root = aws_xml_result(&resp, op);
		for (n = aws_xml_path(root, set), n = aws_xml_child(n, "item"); n;
			 n = aws_xml_next(n, "item"))
			read(n, list);
		token = aws_xml_path_text(root, "nextToken");
		if (token && token[0] == '\0')
		{
			free(token);
			token = NULL;
		}
		aws_response_clean_up(&resp);
	} while (token);
	return AWS_OK;
}

/* Grow an array of elements of size each by one zeroed element. */
static void *
grow(void *v, size_t n, size_t size)
{
	char	   *bigger = aws_xmalloc((n + 1) * size);

	if (n)
		memcpy(bigger, v, n * size);
	memset(bigger + n * size, 0, size);
	free(v);
	return bigger;
}

/* ---- VPCs ---- */

static void
read_vpc(const xmlNode *n, void *list)
{
	struct aws_ec2_vpc_list *l = list;
	struct aws_ec2_vpc *v;

	l->v = grow(l->v, l->n, sizeof(*l->v));
	v = &l->v[l->n++];
	v->id = aws_xml_path_text(n, "vpcId");
	v->cidr_block = aws_xml_path_text(n, "cidrBlock");
	v->state = aws_xml_path_text(n, "state");
	v->is_default = aws_svc_xml_bool(n, "isDefault");
	aws_svc_xml_tags(n, "tagSet", "item", "key", "value", &v->tags);
}

void
aws_ec2_vpc_list_clean_up(struct aws_ec2_vpc_list *l)
{
	size_t		i;

	for (i = 0; i < l->n; i++)
	{
		free(l->v[i].id);
		free(l->v[i].cidr_block);
		free(l->v[i].state);
		aws_tag_list_clean_up(&l->v[i].tags);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

enum aws_status
aws_ec2_describe_vpcs(struct aws_client *client, const char *const *ids, size_t nids,
					  const struct aws_ec2_filter *filters, size_t nfilters,
					  struct aws_ec2_vpc_list *out, struct aws_error *err)
{
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	st = describe(client, "DescribeVpcs", "VpcId", ids, nids, filters, nfilters,
				  "vpcSet", read_vpc, out, err);
	if (st != AWS_OK)
		aws_ec2_vpc_list_clean_up(out);
	return st;
}

enum aws_status
aws_ec2_default_vpc(struct aws_client *client, struct aws_ec2_vpc_list *out,
					struct aws_error *err)
{
	static const char *const yes[] = {"true"};
	const struct aws_ec2_filter f = {"isDefault", yes, 1};

	return aws_ec2_describe_vpcs(client, NULL, 0, &f, 1, out, err);
}

/* ---- subnets ---- */

static void
read_subnet(const xmlNode *n, void *list)
{
	struct aws_ec2_subnet_list *l = list;
	struct aws_ec2_subnet *s;

	l->v = grow(l->v, l->n, sizeof(*l->v));
	s = &l->v[l->n++];
	s->id = aws_xml_path_text(n, "subnetId");
	s->vpc_id = aws_xml_path_text(n, "vpcId");
	s->availability_zone = aws_xml_path_text(n, "availabilityZone");
	s->cidr_block = aws_xml_path_text(n, "cidrBlock");
	s->default_for_az = aws_svc_xml_bool(n, "defaultForAz");
	aws_svc_xml_tags(n, "tagSet", "item", "key", "value", &s->tags);
}

void
aws_ec2_subnet_list_clean_up(struct aws_ec2_subnet_list *l)
{
	size_t		i;

	for (i = 0; i < l->n; i++)
	{
		free(l->v[i].id);
		free(l->v[i].vpc_id);
		free(l->v[i].availability_zone);
		free(l->v[i].cidr_block);
		aws_tag_list_clean_up(&l->v[i].tags);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

enum aws_status
aws_ec2_describe_subnets(struct aws_client *client, const char *const *ids, size_t nids,
						 const struct aws_ec2_filter *filters, size_t nfilters,
						 struct aws_ec2_subnet_list *out, struct aws_error *err)
{
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	st = describe(client, "DescribeSubnets", "SubnetId", ids, nids, filters, nfilters,
				  "subnetSet", read_subnet, out, err);
	if (st != AWS_OK)
		aws_ec2_subnet_list_clean_up(out);
	return st;
}

/* ---- security groups ---- */

static void
read_group(const xmlNode *n, void *list)
{
	struct aws_ec2_security_group_list *l = list;
	struct aws_ec2_security_group *g;
	xmlNode    *r;
	xmlNode    *pair;

	l->v = grow(l->v, l->n, sizeof(*l->v));
	g = &l->v[l->n++];
	g->id = aws_xml_path_text(n, "groupId");
	g->name = aws_xml_path_text(n, "groupName");
	g->description = aws_xml_path_text(n, "groupDescription");
	g->vpc_id = aws_xml_path_text(n, "vpcId");
	for (r = aws_xml_child(aws_xml_path(n, "ipPermissions"), "item"); r;
		 r = aws_xml_next(r, "item"))
	{
		struct aws_ec2_rule *rule;

		g->ingress = grow(g->ingress, g->ningress, sizeof(*g->ingress));
		rule = &g->ingress[g->ningress++];
		rule->protocol = aws_xml_path_text(r, "ipProtocol");
		rule->from_port = (int) aws_svc_xml_long(r, "fromPort");
		rule->to_port = (int) aws_svc_xml_long(r, "toPort");
		aws_svc_xml_strings(r, "ipRanges", "item", "cidrIp", &rule->cidrs);
		/* each source group with its description, "" for none: the two lists align */
		for (pair = aws_xml_child(aws_xml_path(r, "groups"), "item"); pair;
			 pair = aws_xml_next(pair, "item"))
		{
			char	   *id = aws_xml_path_text(pair, "groupId");
			char	   *desc = aws_xml_path_text(pair, "description");

			if (id == NULL)
			{
				free(desc);
				continue;
			}
			aws_strings_add(&rule->groups, id);
			aws_strings_add(&rule->group_descriptions, desc ? desc : aws_xstrdup(""));
		}
	}
	aws_svc_xml_tags(n, "tagSet", "item", "key", "value", &g->tags);
}

void
aws_ec2_security_group_list_clean_up(struct aws_ec2_security_group_list *l)
{
	size_t		i,
				j;

	for (i = 0; i < l->n; i++)
	{
		struct aws_ec2_security_group *g = &l->v[i];

		free(g->id);
		free(g->name);
		free(g->description);
		free(g->vpc_id);
		for (j = 0; j < g->ningress; j++)
		{
			free(g->ingress[j].protocol);
			aws_strings_clean_up(&g->ingress[j].cidrs);
			aws_strings_clean_up(&g->ingress[j].groups);
			aws_strings_clean_up(&g->ingress[j].group_descriptions);
		}
		free(g->ingress);
		aws_tag_list_clean_up(&g->tags);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

enum aws_status
aws_ec2_describe_security_groups(struct aws_client *client,
								 const char *const *ids, size_t nids,
								 const struct aws_ec2_filter *filters, size_t nfilters,
								 struct aws_ec2_security_group_list *out,
								 struct aws_error *err)
{
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	st = describe(client, "DescribeSecurityGroups", "GroupId", ids, nids, filters,
				  nfilters, "securityGroupInfo", read_group, out, err);
	if (st != AWS_OK)
		aws_ec2_security_group_list_clean_up(out);
	return st;
}

enum aws_status
aws_ec2_create_security_group(struct aws_client *client, const char *name,
							  const char *description, const char *vpc_id,
							  const struct aws_tag *tags, size_t ntags,
							  char **group_id, struct aws_error *err)
{
	struct aws_params p;
	struct aws_response resp;
	enum aws_status st;
	size_t		i;

	*group_id = NULL;
	aws_params_init(&p);
	aws_params_add(&p, "GroupName", name);
	aws_params_add(&p, "GroupDescription", description);
	if (vpc_id)
		aws_params_add(&p, "VpcId", vpc_id);
	if (ntags > 0)
		aws_params_add(&p, "TagSpecification.1.ResourceType", "security-group");
	for (i = 0; i < ntags; i++)
	{
		aws_params_addf(&p, tags[i].key, "TagSpecification.1.Tag.%zu.Key", i + 1);
		aws_params_addf(&p, tags[i].value, "TagSpecification.1.Tag.%zu.Value", i + 1);
	}
	st = aws_call_query(client, &aws_service_ec2, "CreateSecurityGroup", &p, &resp, err);
	aws_params_free(&p);
	if (st != AWS_OK)
		return st;
	*group_id = aws_xml_path_text(aws_xml_result(&resp, "CreateSecurityGroup"), "groupId");
	if (*group_id == NULL || (*group_id)[0] == '\0')
	{
		free(*group_id);
		*group_id = NULL;
		st = aws_svc_bad_answer(&aws_service_ec2, "CreateSecurityGroup", &resp,
								"groupId", err);
	}
	aws_response_clean_up(&resp);
	return st;
}

enum aws_status
aws_ec2_delete_security_group(struct aws_client *client, const char *group_id,
							  bool *found, struct aws_error *err)
{
	struct aws_params p;
	struct aws_response resp;
	enum aws_status st;

	aws_params_init(&p);
	aws_params_add(&p, "GroupId", group_id);
	st = aws_call_query(client, &aws_service_ec2, "DeleteSecurityGroup", &p, &resp, err);
	aws_params_free(&p);
	if (st == AWS_OK)
		aws_response_clean_up(&resp);
	return aws_svc_not_found_ok(st, err, group_not_found, found);
}

/* A rule as one IpPermission of Authorize/RevokeSecurityGroupIngress. */
static void
add_permission(struct aws_params *p, const char *group_id, const struct aws_ec2_ingress *rule)
{
	size_t		i;

	aws_params_add(p, "GroupId", group_id);
	aws_params_add(p, "IpPermissions.1.IpProtocol", rule->protocol);
	aws_params_add_int(p, "IpPermissions.1.FromPort", rule->from_port);
	aws_params_add_int(p, "IpPermissions.1.ToPort", rule->to_port);
	for (i = 0; i < rule->ncidrs; i++)
	{
		aws_params_addf(p, rule->cidrs[i], "IpPermissions.1.IpRanges.%zu.CidrIp", i + 1);
		if (rule->description)
			aws_params_addf(p, rule->description,
							"IpPermissions.1.IpRanges.%zu.Description", i + 1);
	}
	for (i = 0; i < rule->nsource_groups; i++)
	{
		aws_params_addf(p, rule->source_groups[i], "IpPermissions.1.Groups.%zu.GroupId", i + 1);
		if (rule->description)
			aws_params_addf(p, rule->description,
							"IpPermissions.1.Groups.%zu.Description", i + 1);
	}
}

/* Send action for rule; an error of code (list) is AWS_OK with *flag true. */
static enum aws_status
change_ingress(struct aws_client *client, const char *action, const char *group_id,
			   const struct aws_ec2_ingress *rule, const char *const *code, bool *flag,
			   struct aws_error *err)
{
	struct aws_params p;
	struct aws_response resp;
	enum aws_status st;

	if (flag)
		*flag = false;
	aws_params_init(&p);
	add_permission(&p, group_id, rule);
	st = aws_call_query(client, &aws_service_ec2, action, &p, &resp, err);
	aws_params_free(&p);
	if (st == AWS_OK)
		aws_response_clean_up(&resp);
	else if (flag && aws_svc_is_code(err, code))
	{
		aws_error_clean_up(err);
		*flag = true;
		st = AWS_OK;
	}
	return st;
}

enum aws_status
aws_ec2_authorize_ingress(struct aws_client *client, const char *group_id,
						  const struct aws_ec2_ingress *rule, bool *duplicate,
						  struct aws_error *err)
{
	static const char *const dup[] = {"InvalidPermission.Duplicate", NULL};

	return change_ingress(client, "AuthorizeSecurityGroupIngress", group_id, rule, dup,
						  duplicate, err);
}

enum aws_status
aws_ec2_revoke_ingress(struct aws_client *client, const char *group_id,
					   const struct aws_ec2_ingress *rule, bool *absent,
					   struct aws_error *err)
{
	static const char *const gone[] = {"InvalidPermission.NotFound", NULL};

	return change_ingress(client, "RevokeSecurityGroupIngress", group_id, rule, gone,
						  absent, err);
}
