/*
 * cli/aws_provider/steps_network.c
 *		provision's (and plan's) steps for where the cluster runs: who the
 *		credentials act as, the VPC and its subnets, the DB subnet group, the
 *		security group.
 */
#include "aws_int.h"

#include <stdlib.h>
#include <string.h>

#include "cli/aws/ec2.h"
#include "cli/aws/rds.h"
#include "cli/aws/sts.h"
#include "cli/msgs.h"
#include "cli/util.h"

int
step_identity(struct awsenv *e)
{
	struct aws_caller_identity id;
	struct aws_error err;

	aws_error_init(&err);
	if (aws_sts_get_caller_identity(e->client, &id, &err) != AWS_OK)
		return aws_failed(&err);
	e->account = xstrdup(id.account);
	verbosef("acting as %s in account %s, region %s", id.arn, id.account, e->cfg->region);
	aws_caller_identity_clean_up(&id);
	return EXIT_GO_ON;
}

/* "Key=Value" into a tag:Key filter's name and value. */
static void
tag_filter(const char *tag, char **name, char **value)
{
	const char *eq = strchr(tag, '=');

	*name = str_printf("tag:%.*s", (int) (eq - tag), tag);
	*value = xstrdup(eq + 1);
}

/*
 * template-infra's network module tags its database subnets so; its database
 * module takes those.  Without a VPC or subnets configured, they are the
 * default before the region's default VPC.
 */
#define TEMPLATE_INFRA_DB_SUBNETS "subnet_type=database"

/*
 * The VPC of the subnets tagged TEMPLATE_INFRA_DB_SUBNETS into vpc_id, and
 * those subnets into *subnets; vpc_id NULL when there are none.  EXIT_GO_ON,
 * else the exit code (reported).
 */
static int
template_infra_vpc(struct awsenv *e, char **vpc_id, struct aws_ec2_subnet_list *subnets)
{
	struct aws_error err;
	char	   *fname,
			   *fvalue;
	const char *values[1];
	struct aws_ec2_filter f;
	enum aws_status st;
	int			rc = EXIT_GO_ON;
	size_t		i;

	*vpc_id = NULL;
	aws_error_init(&err);
	tag_filter(TEMPLATE_INFRA_DB_SUBNETS, &fname, &fvalue);
	values[0] = fvalue;
	f = (struct aws_ec2_filter) {fname, values, 1};
	st = aws_ec2_describe_subnets(e->client, NULL, 0, &f, 1, subnets, &err);
	free(fname);
	free(fvalue);
	if (st != AWS_OK)
		return aws_failed(&err);
	for (i = 0; i < subnets->n && rc == EXIT_GO_ON; i++)
	{
		if (*vpc_id == NULL)
			*vpc_id = xstrdup(subnets->v[i].vpc_id);
		else if (strcmp(*vpc_id, subnets->v[i].vpc_id) != 0)
		{
			errorf("subnets tagged %s (template-infra's database subnets) are in more than one VPC in %s: %s and %s",
				   TEMPLATE_INFRA_DB_SUBNETS, e->cfg->region, *vpc_id, subnets->v[i].vpc_id);
			hintf("name the VPC in %s: vpc_id, or vpc_tag (template-infra tags its VPC network_name=<network>)",
				  e->cfg->path);
			free(*vpc_id);
			*vpc_id = NULL;
			rc = EXIT_USAGE;
		}
	}
	if (*vpc_id == NULL)
		aws_ec2_subnet_list_clean_up(subnets);
	return rc;
}

/*
 * The VPC and its database subnets: by id, by tag, template-infra's, or the
 * default VPC's.
 */
int
step_network(struct awsenv *e)
{
	const struct env_config *cfg = e->cfg;
	struct aws_ec2_vpc_list vpcs = {0};
	struct aws_ec2_subnet_list subnets = {0};
	struct aws_error err;
	enum aws_status st = AWS_OK;
	const char *how;
	const char *subnet_tag = cfg->subnet_tag;
	const char *subnets_how = subnet_tag ? "its subnets tagged" : "its subnets";
	char	   *infra_vpc = NULL;
	size_t		i,
				nsubnets = 0;
	int			rc = -1;

	aws_error_init(&err);
	while (cfg->subnet_ids && cfg->subnet_ids[nsubnets])
		nsubnets++;
	if (cfg->vpc_id)
	{
		const char *ids[1] = {cfg->vpc_id};

		how = "the configured VPC";
		st = aws_ec2_describe_vpcs(e->client, ids, 1, NULL, 0, &vpcs, &err);
	}
	else if (cfg->vpc_tag)
	{
		char	   *fname,
				   *fvalue;
		const char *values[1];
		struct aws_ec2_filter f;

		tag_filter(cfg->vpc_tag, &fname, &fvalue);
		values[0] = fvalue;
		f = (struct aws_ec2_filter) {fname, values, 1};
		how = "the VPC tagged";
		st = aws_ec2_describe_vpcs(e->client, NULL, 0, &f, 1, &vpcs, &err);
		free(fname);
		free(fvalue);
	}
	else if (nsubnets > 0)
	{
		how = "the configured subnets' VPC";
		st = aws_ec2_describe_subnets(e->client, (const char *const *) cfg->subnet_ids, nsubnets,
									  NULL, 0, &subnets, &err);
		if (st == AWS_OK && subnets.n > 0)
		{
			const char *ids[1] = {subnets.v[0].vpc_id};

			st = aws_ec2_describe_vpcs(e->client, ids, 1, NULL, 0, &vpcs, &err);
		}
	}
	else if ((rc = template_infra_vpc(e, &infra_vpc, &subnets)) != EXIT_GO_ON)
		goto out;
	else if (infra_vpc)
	{
		const char *ids[1] = {infra_vpc};

		how = "template-infra's network: the VPC";
		st = aws_ec2_describe_vpcs(e->client, ids, 1, NULL, 0, &vpcs, &err);
	}
	else
	{
		how = "the region's default VPC (no VPC configured, as RDS does without a subnet group)";
		st = aws_ec2_default_vpc(e->client, &vpcs, &err);
	}
	rc = -1;
	if (st != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}
	if (vpcs.n != 1)
	{
		if (vpcs.n == 0)
			errorf("no VPC found for %s in %s: %s", e->name, cfg->region,
				   cfg->vpc_id ? cfg->vpc_id : cfg->vpc_tag ? cfg->vpc_tag : "the region has no default VPC");
		else
			errorf("%zu VPCs carry the tag %s in %s; it must name one", vpcs.n, cfg->vpc_tag, cfg->region);
		hintf("set vpc_id (or vpc_tag) in %s, e.g. with configure --vpc-id", cfg->path);
		rc = EXIT_USAGE;
		goto out;
	}
	e->vpc_id = xstrdup(vpcs.v[0].id);
	e->vpc_cidr = vpcs.v[0].cidr_block ? xstrdup(vpcs.v[0].cidr_block) : NULL;
	if (nsubnets > 0 && subnets.n == 0 &&
		aws_ec2_describe_subnets(e->client, (const char *const *) cfg->subnet_ids, nsubnets,
								 NULL, 0, &subnets, &err) != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}

	/*
	 * the subnets: as configured, else the VPC's with the tag if one is set,
	 * else template-infra's database subnets where the VPC has them (already
	 * read when they chose the VPC), else all
	 */
	if (nsubnets == 0 && subnet_tag == NULL && infra_vpc == NULL)
	{
		const char *vpc[1] = {e->vpc_id};
		char	   *fname,
				   *fvalue;
		const char *values[1];
		struct aws_ec2_filter f[2] = {{"vpc-id", vpc, 1}};

		tag_filter(TEMPLATE_INFRA_DB_SUBNETS, &fname, &fvalue);
		values[0] = fvalue;
		f[1] = (struct aws_ec2_filter) {fname, values, 1};
		st = aws_ec2_describe_subnets(e->client, NULL, 0, f, 2, &subnets, &err);
		free(fname);
		free(fvalue);
		if (st != AWS_OK)
		{
			rc = aws_failed(&err);
			goto out;
		}
	}
	if (nsubnets == 0 && subnet_tag == NULL && subnets.n > 0)
	{
		subnet_tag = TEMPLATE_INFRA_DB_SUBNETS;
		subnets_how = "template-infra's database subnets, tagged";
	}
	if (nsubnets == 0 && subnets.n == 0)
	{
		const char *vpc[1] = {e->vpc_id};
		struct aws_ec2_filter f[2] = {{"vpc-id", vpc, 1}};
		char	   *fname = NULL,
				   *fvalue = NULL;
		const char *values[1];
		size_t		nf = 1;

		if (subnet_tag)
		{
			tag_filter(subnet_tag, &fname, &fvalue);
			values[0] = fvalue;
			f[1] = (struct aws_ec2_filter) {fname, values, 1};
			nf = 2;
		}
		st = aws_ec2_describe_subnets(e->client, NULL, 0, f, nf, &subnets, &err);
		free(fname);
		free(fvalue);
		if (st != AWS_OK)
		{
			rc = aws_failed(&err);
			goto out;
		}
	}
	{
		struct aws_strings zones = {0};

		for (i = 0; i < subnets.n; i++)
		{
			size_t		z;
			bool		seen = false;

			if (strcmp(subnets.v[i].vpc_id, e->vpc_id) != 0)
			{
				errorf("subnet %s is in VPC %s, not in %s", subnets.v[i].id, subnets.v[i].vpc_id, e->vpc_id);
				rc = EXIT_USAGE;
				break;
			}
			aws_strings_add(&e->subnets, xstrdup(subnets.v[i].id));
			for (z = 0; z < zones.n; z++)
				seen |= strcmp(zones.v[z], subnets.v[i].availability_zone ? subnets.v[i].availability_zone : "") == 0;
			if (!seen)
				aws_strings_add(&zones, xstrdup(subnets.v[i].availability_zone ? subnets.v[i].availability_zone : ""));
		}
		if (rc < 0 && nsubnets > 0 && subnets.n != nsubnets)
		{
			errorf("of the %zu configured subnets, %zu exist in %s", nsubnets, subnets.n, cfg->region);
			rc = EXIT_USAGE;
		}
		if (rc < 0 && zones.n < 2)
		{
			errorf("a DB subnet group needs subnets in at least two availability zones; VPC %s offers %zu subnet%s in %zu",
				   e->vpc_id, subnets.n, subnets.n == 1 ? "" : "s", zones.n);
			hintf("set subnet_ids (or subnet_tag) in %s", cfg->path);
			rc = EXIT_USAGE;
		}
		if (rc < 0 && nsubnets > 0)
			say(e, "use", "%s %s (%s) and the %zu configured subnets, in %zu availability zones",
				how, e->vpc_id, e->vpc_cidr ? e->vpc_cidr : "no IPv4 range", e->subnets.n, zones.n);
		else if (rc < 0)
			say(e, "use", "%s %s (%s) and %s%s%s: %zu, in %zu availability zones",
				how, e->vpc_id, e->vpc_cidr ? e->vpc_cidr : "no IPv4 range", subnets_how,
				subnet_tag ? " " : "", subnet_tag ? subnet_tag : "", e->subnets.n, zones.n);
		aws_strings_clean_up(&zones);
	}
out:
	free(infra_vpc);
	aws_ec2_vpc_list_clean_up(&vpcs);
	aws_ec2_subnet_list_clean_up(&subnets);
	return rc;
}

static bool
same_set(const struct aws_strings *a, const struct aws_strings *b)
{
	size_t		i,
				j;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
	{
		bool		found = false;

		for (j = 0; j < b->n && !found; j++)
			found = strcmp(a->v[i], b->v[j]) == 0;
		if (!found)
			return false;
	}
	return true;
}

int
step_subnet_group(struct awsenv *e)
{
	struct aws_rds_subnet_group g;
	struct aws_error err;
	int			rc = -1;

	aws_error_init(&err);
	if (aws_rds_describe_subnet_group(e->client, e->name, &g, &err) != AWS_OK)
		return aws_failed(&err);
	if (!g.found)
	{
		say(e, "create", "DB subnet group %s (%zu subnets of %s)", e->name, e->subnets.n, e->vpc_id);
		aws_rds_subnet_group_clean_up(&g);
		/* found after all: its answer carries no tags; the name is the environment's */
		if (e->apply &&
			aws_rds_create_subnet_group(e->client, e->name, "appdb: subnets of the Aurora cluster",
										(const char *const *) e->subnets.v, e->subnets.n,
										e->tags, 3, &g, &err) != AWS_OK)
			rc = exists_after_all(e, &err, "DB subnet group") ? STEP_AGAIN : aws_failed(&err);
	}
	else if (g.vpc_id && strcmp(g.vpc_id, e->vpc_id) != 0)
	{
		errorf("DB subnet group %s is in VPC %s, not %s; a cluster cannot move VPC in place",
			   e->name, g.vpc_id, e->vpc_id);
		rc = EXIT_FAILURE_REMOTE;
	}
	else if (!same_set(&g.subnet_ids, &e->subnets))
	{
		say(e, "change", "DB subnet group %s: %zu subnets → %zu", e->name, g.subnet_ids.n, e->subnets.n);
		if (e->apply &&
			aws_rds_modify_subnet_group(e->client, e->name, NULL, (const char *const *) e->subnets.v,
										e->subnets.n, &err) != AWS_OK)
			rc = aws_failed(&err);
	}
	else
		say(e, "leave", "DB subnet group %s (%zu subnets)", e->name, g.subnet_ids.n);
	aws_rds_subnet_group_clean_up(&g);
	return rc;
}

/* Does the group let the port be reached from source: a CIDR, or a source group? */
static bool
admits(const struct aws_ec2_security_group *g, int port, bool group, const char *source)
{
	size_t		i,
				j;

	for (i = 0; i < g->ningress; i++)
	{
		const struct aws_strings *from = group ? &g->ingress[i].groups : &g->ingress[i].cidrs;

		if (g->ingress[i].protocol && strcmp(g->ingress[i].protocol, "tcp") == 0 &&
			g->ingress[i].from_port <= port && g->ingress[i].to_port >= port)
			for (j = 0; j < from->n; j++)
				if (strcmp(from->v[j], source) == 0)
					return true;
	}
	return false;
}

static bool
listed(char **list, const char *s)
{
	for (; list && *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

/*
 * appdb's rules carry this description, so that it removes a source group
 * it admitted and no longer should, and never one admitted by another hand
 * (template-infra's service module adds its own).
 */
#define GROUP_RULE_DESCRIPTION "appdb: PostgreSQL from an allowed security group"

/*
 * The configured ingress groups must exist in the VPC: EXIT_GO_ON, else the
 * exit code (reported).
 */
static int
check_ingress_groups(struct awsenv *e)
{
	static const char *const not_found[] = {"InvalidGroup.NotFound", "InvalidGroupId.Malformed", NULL};
	char	  **ids = e->cfg->ingress_security_group_ids;
	struct aws_ec2_security_group_list found = {0};
	struct aws_error err;
	size_t		n = 0,
				i;
	int			rc = EXIT_GO_ON;

	while (ids && ids[n])
		n++;
	if (n == 0)
		return EXIT_GO_ON;
	aws_error_init(&err);
	if (aws_ec2_describe_security_groups(e->client, (const char *const *) ids, n, NULL, 0, &found,
										 &err) != AWS_OK)
	{
		if (!aws_svc_is_code(&err, not_found))
			return aws_failed(&err);
		errorf("ingress_security_group_ids: %s", err.text ? err.text : "a security group does not exist");
		aws_error_clean_up(&err);
		rc = EXIT_USAGE;
	}
	for (i = 0; rc == EXIT_GO_ON && i < n; i++)
	{
		size_t		j;
		bool		there = false;

		for (j = 0; j < found.n; j++)
			there |= found.v[j].id && strcmp(found.v[j].id, ids[i]) == 0;
		if (!there)
		{
			errorf("ingress_security_group_ids: security group %s does not exist in %s", ids[i],
				   e->cfg->region);
			rc = EXIT_USAGE;
		}
	}
	for (i = 0; rc == EXIT_GO_ON && i < found.n; i++)
		if (found.v[i].vpc_id && strcmp(found.v[i].vpc_id, e->vpc_id) != 0)
		{
			errorf("ingress_security_group_ids: %s is in VPC %s, not the database's %s",
				   found.v[i].id, found.v[i].vpc_id, e->vpc_id);
			rc = EXIT_USAGE;
		}
	if (rc != EXIT_GO_ON)
		hintf("name security groups of the database's VPC in %s, or leave the key out to admit the whole VPC",
			  e->cfg->path);
	aws_ec2_security_group_list_clean_up(&found);
	return rc;
}

/*
 * Who may reach the port: the configured security groups, else the VPC's
 * range.  What the group has and should not is removed, of appdb's own rules
 * only (the VPC's range, and group rules with GROUP_RULE_DESCRIPTION).
 */
static int
converge_ingress(struct awsenv *e, const char *gname, const struct aws_ec2_security_group *g)
{
	/* the rule is there, or gone: this call's own, its answer lost */
	static const char *const rule_exists[] = {"InvalidPermission.Duplicate", NULL};
	static const char *const rule_gone[] = {"InvalidPermission.NotFound", NULL};
	char	  **wanted = e->cfg->ingress_security_group_ids;
	int			port = e->cfg->port;
	const char *cidrs[1] = {e->vpc_cidr};
	struct aws_strings add = {0};
	struct aws_strings drop = {0};
	bool		add_cidr = !wanted && e->vpc_cidr && (g == NULL || !admits(g, port, false, e->vpc_cidr));
	bool		drop_cidr = wanted && g && e->vpc_cidr && admits(g, port, false, e->vpc_cidr);
	struct aws_error err;
	size_t		i,
				j,
				k;
	int			rc = -1;

	aws_error_init(&err);
	for (i = 0; wanted && wanted[i]; i++)
		if (g == NULL || !admits(g, port, true, wanted[i]))
			aws_strings_add(&add, xstrdup(wanted[i]));
	for (i = 0; g && i < g->ningress; i++)
		for (j = 0; j < g->ingress[i].groups.n; j++)
			if (strcmp(g->ingress[i].group_descriptions.v[j], GROUP_RULE_DESCRIPTION) == 0 &&
				!listed(wanted, g->ingress[i].groups.v[j]))
				aws_strings_add(&drop, xstrdup(g->ingress[i].groups.v[j]));
	if (g)
	{
		if (add_cidr)
			say(e, "change", "security group %s (%s): add TCP %d from %s", gname, e->sg_id, port, e->vpc_cidr);
		for (k = 0; k < add.n; k++)
			say(e, "change", "security group %s (%s): add TCP %d from %s", gname, e->sg_id, port, add.v[k]);
		if (drop_cidr)
			say(e, "change", "security group %s (%s): remove TCP %d from %s (the VPC; only the allowed security groups now)",
				gname, e->sg_id, port, e->vpc_cidr);
		for (k = 0; k < drop.n; k++)
			say(e, "change", "security group %s (%s): remove TCP %d from %s (no longer in ingress_security_group_ids)",
				gname, e->sg_id, port, drop.v[k]);
		if (!add_cidr && !drop_cidr && add.n == 0 && drop.n == 0)
			say(e, "leave", "security group %s (%s)", gname, e->sg_id);
	}
	if (e->apply && add_cidr)
	{
		struct aws_ec2_ingress rule = {"tcp", port, port, cidrs, 1, NULL, 0, "PostgreSQL from within the VPC"};

		if (aws_ec2_authorize_ingress(e->client, e->sg_id, &rule, NULL, &err) != AWS_OK &&
			!aws_svc_absorb(&err, rule_exists))
			goto fail;
	}
	if (e->apply && add.n > 0)
	{
		struct aws_ec2_ingress rule = {"tcp", port, port, NULL, 0, (const char *const *) add.v, add.n,
		GROUP_RULE_DESCRIPTION};

		if (aws_ec2_authorize_ingress(e->client, e->sg_id, &rule, NULL, &err) != AWS_OK &&
			!aws_svc_absorb(&err, rule_exists))
			goto fail;
	}
	if (e->apply && drop_cidr)
	{
		struct aws_ec2_ingress rule = {"tcp", port, port, cidrs, 1, NULL, 0, NULL};

		if (aws_ec2_revoke_ingress(e->client, e->sg_id, &rule, NULL, &err) != AWS_OK &&
			!aws_svc_absorb(&err, rule_gone))
			goto fail;
	}
	for (k = 0; e->apply && k < drop.n; k++)
	{
		const char *source[1] = {drop.v[k]};
		struct aws_ec2_ingress rule = {"tcp", port, port, NULL, 0, source, 1, NULL};

		if (aws_ec2_revoke_ingress(e->client, e->sg_id, &rule, NULL, &err) != AWS_OK &&
			!aws_svc_absorb(&err, rule_gone))
			goto fail;
	}
	goto out;
fail:
	rc = aws_failed(&err);
out:
	aws_strings_clean_up(&add);
	aws_strings_clean_up(&drop);
	return rc;
}

int
step_security_group(struct awsenv *e)
{
	char	   *gname = resource_name(e, "-database");
	const char *names[1] = {gname};
	const char *vpc[1] = {e->vpc_id};
	const struct aws_ec2_filter f[2] = {{"group-name", names, 1}, {"vpc-id", vpc, 1}};
	struct aws_ec2_security_group_list groups = {0};
	struct aws_error err;
	int			rc;

	if ((rc = check_ingress_groups(e)) != EXIT_GO_ON)
	{
		free(gname);
		return rc;
	}
	rc = -1;
	aws_error_init(&err);
	if (aws_ec2_describe_security_groups(e->client, NULL, 0, f, 2, &groups, &err) != AWS_OK)
	{
		free(gname);
		return aws_failed(&err);
	}
	if (groups.n == 0)
	{
		char	  **w = e->cfg->ingress_security_group_ids;
		char	   *from = NULL;

		for (; w && *w; w++)
			list_append(&from, *w);
		say(e, "create", "security group %s in %s: TCP %d from %s", gname, e->vpc_id, e->cfg->port,
			from ? from : e->vpc_cidr ? e->vpc_cidr : "nowhere (the VPC has no IPv4 range)");
		free(from);
		if (e->apply &&
			aws_ec2_create_security_group(e->client, gname, "appdb: the Aurora cluster's network access",
										  e->vpc_id, e->tags, 3, &e->sg_id, &err) != AWS_OK)
			rc = exists_after_all(e, &err, "security group") ? STEP_AGAIN : aws_failed(&err);
		else if (e->apply)
			rc = converge_ingress(e, gname, NULL);
	}
	else if (e->rereading && !is_ours(e, &groups.v[0].tags))
		rc = not_ours(e, "security group");
	else
	{
		free(e->sg_id);
		e->sg_id = xstrdup(groups.v[0].id);
		rc = converge_ingress(e, gname, &groups.v[0]);
	}
	aws_ec2_security_group_list_clean_up(&groups);
	free(gname);
	return rc;
}
