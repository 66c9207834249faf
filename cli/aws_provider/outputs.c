/*
 * cli/aws_provider/outputs.c
 *		appdb outputs on Aurora: what the service and migration tasks need,
 *		read from AWS (the names template-infra's database data module
 *		reads: the cluster, the connect policies, the security group).
 *
 * Read calls only.  What provision has not made yet is missing (NULL),
 * never guessed from a name: a policy ARN is printed only when IAM has it.
 */
#include "aws_int.h"

#include <stdlib.h>

#include "cli/aws/ec2.h"
#include "cli/aws/iam.h"
#include "cli/msgs.h"
#include "cli/output.h"
#include "cli/util.h"

#define MADE_BY_PROVISION "run \"appdb provision\""

/* The ARN of role's connect policy if IAM has it, in *arn_out (NULL if not). */
static int
connect_policy_found(struct awsenv *e, const char *role, char **arn_out)
{
	char	   *arn = connect_policy_arn(e, role);
	struct aws_iam_policy p;
	struct aws_error err;

	*arn_out = NULL;
	aws_error_init(&err);
	if (aws_iam_get_policy(e->client, arn, &p, &err) != AWS_OK)
	{
		free(arn);
		return aws_failed(&err);
	}
	if (p.found)
		*arn_out = xstrdup(p.arn ? p.arn : arn);
	aws_iam_policy_clean_up(&p);
	free(arn);
	return EXIT_GO_ON;
}

/*
 * provision's security group (NAME-database) among the cluster's own, in
 * *id_out (NULL if the cluster is not in it).
 */
static int
security_group_found(struct awsenv *e, char **id_out)
{
	char	   *gname = resource_name(e, "-database");
	const char *names[1] = {gname};
	struct aws_ec2_filter f[2] = {{"group-name", names, 1}, {"group-id", NULL, 0}};
	struct aws_ec2_security_group_list groups = {0};
	struct aws_error err;
	int			rc = EXIT_GO_ON;

	*id_out = NULL;
	f[1].values = (const char *const *) e->cluster.vpc_security_group_ids.v;
	f[1].nvalues = e->cluster.vpc_security_group_ids.n;
	aws_error_init(&err);
	if (f[1].nvalues > 0)
	{
		if (aws_ec2_describe_security_groups(e->client, NULL, 0, f, 2, &groups, &err) != AWS_OK)
			rc = aws_failed(&err);
		else if (groups.n > 0)
			*id_out = xstrdup(groups.v[0].id);
	}
	aws_ec2_security_group_list_clean_up(&groups);
	free(gname);
	return rc;
}

int
cmd_outputs(struct awsenv *e)
{
	const struct aws_rds_cluster *c = &e->cluster;
	size_t		nro = strv_len(e->cfg->readonly_users);
	struct output_item *items = xmalloc(sizeof(*items) * (18 + nro));
	char	   *app_policy = NULL;
	char	   *migrator_policy = NULL;
	char	  **ro_policies = xmalloc(sizeof(char *) * (nro + 1));
	char	  **ro_keys = xmalloc(sizeof(char *) * (nro + 1));
	char	   *ro_users = NULL;
	char	   *sg = NULL;
	char	   *port = NULL;
	size_t		n = 0;
	size_t		i;
	int			rc;

	for (i = 0; i <= nro; i++)
		ro_policies[i] = ro_keys[i] = NULL;

	/* the account names the policies' ARNs */
	if ((rc = step_identity(e)) != EXIT_GO_ON || (rc = require_cluster(e)) != EXIT_GO_ON)
		goto out;
	if ((rc = connect_policy_found(e, "app", &app_policy)) != EXIT_GO_ON ||
		(rc = connect_policy_found(e, "migrator", &migrator_policy)) != EXIT_GO_ON ||
		(rc = security_group_found(e, &sg)) != EXIT_GO_ON)
		goto out;
	for (i = 0; i < nro; i++)
	{
		char	   *kind = readonly_kind(e->cfg->readonly_users[i]);

		rc = connect_policy_found(e, kind, &ro_policies[i]);
		free(kind);
		if (rc != EXIT_GO_ON)
			goto out;
		ro_keys[i] = str_printf("readonly_access_policy_arn.%s", e->cfg->readonly_users[i]);
		{
			/* comma-joined: scripts split it on "," (a role name has none) */
			char	   *more = str_printf("%s%s%s", ro_users ? ro_users : "", ro_users ? "," : "",
										  e->cfg->readonly_users[i]);

			free(ro_users);
			ro_users = more;
		}
	}
	if (c->port > 0)
		port = str_printf("%d", c->port);
	items[n++] = (struct output_item) {"provider", "aws", NULL};
	items[n++] = (struct output_item) {"region", e->cfg->region, NULL};
	items[n++] = (struct output_item) {"cluster_name", e->name, NULL};
	items[n++] = (struct output_item) {"cluster_resource_id", c->resource_id, MADE_BY_PROVISION};
	items[n++] = (struct output_item) {"writer_endpoint", c->endpoint, MADE_BY_PROVISION};
	items[n++] = (struct output_item) {"reader_endpoint", c->reader_endpoint, MADE_BY_PROVISION};
	items[n++] = (struct output_item) {"port", port, MADE_BY_PROVISION};
	items[n++] = (struct output_item) {"database", e->cfg->database, NULL};
	items[n++] = (struct output_item) {"schema", e->cfg->schema, NULL};
	items[n++] = (struct output_item) {"app_user", e->cfg->app_user, NULL};
	items[n++] = (struct output_item) {"migrator_user", e->cfg->migrator_user, NULL};
	items[n++] = (struct output_item) {"app_access_policy_arn", app_policy, MADE_BY_PROVISION};
	items[n++] = (struct output_item) {"migrator_access_policy_arn", migrator_policy, MADE_BY_PROVISION};
	items[n++] = (struct output_item) {"readonly_users", ro_users ? ro_users : "", NULL};
	for (i = 0; i < nro; i++)
		items[n++] = (struct output_item) {ro_keys[i], ro_policies[i], MADE_BY_PROVISION};
	items[n++] = (struct output_item) {"security_group_id", sg, MADE_BY_PROVISION};
	items[n++] = (struct output_item) {"master_secret_arn", c->master_user_secret_arn, MADE_BY_PROVISION};
	items[n++] = (struct output_item) {"sslmode", cluster_sslmode(e), NULL};
	/* optional: without it, TLS without verifying the server (sslmode=require) */
	items[n++] = (struct output_item) {"ssl_root_cert", e->cfg->ssl_root_cert, NULL};
	rc = print_outputs(items, n, e->opts->output);
out:
	for (i = 0; i < nro; i++)
	{
		free(ro_policies[i]);
		free(ro_keys[i]);
	}
	free(ro_policies);
	free(ro_keys);
	free(ro_users);
	free(items);
	free(port);
	free(sg);
	free(migrator_policy);
	free(app_policy);
	return rc;
}
