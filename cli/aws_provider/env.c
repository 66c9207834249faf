/*
 * cli/aws_provider/env.c
 *		The aws provider's environment: struct awsenv opened (credentials, the
 *		HTTP client) and freed, the names of what provision makes, a step's
 *		report (say), AWS's errors as appdb's, and whether what a step found
 *		is this environment's.
 */
#include "aws_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/aws/credentials.h"
#include "cli/aws/rds.h"
#include "cli/aws/request.h"
#include "cli/aws_report.h"
#include "cli/msgs.h"
#include "cli/util.h"

/* The partition of a region's ARNs. */
static const char *
region_partition(const char *region)
{
	if (strncmp(region, "cn-", 3) == 0)
		return "aws-cn";
	if (strncmp(region, "us-gov-", 7) == 0)
		return "aws-us-gov";
	return "aws";
}

/* Open a run over an environment: EXIT_GO_ON when it is ready, else an exit code. */
int
awsenv_open(struct awsenv *e, const struct appdb_options *opts, const struct env_config *cfg)
{
	struct aws_error err;

	memset(e, 0, sizeof(*e));
	e->opts = opts;
	e->cfg = cfg;
	e->name = cfg->cluster_name;
	e->started = time(NULL);
	e->partition = region_partition(cfg->region);
	e->tags[0] = (struct aws_tag) {"app", cfg->app};
	e->tags[1] = (struct aws_tag) {"environment", cfg->env};
	e->tags[2] = (struct aws_tag) {"managed-by", "appdb"};
	plan_lines_init(&e->lines, opts->output);
	if (opts->region && strcmp(opts->region, cfg->region) != 0)
		return usage_error("--region %s differs from the config file's region %s", opts->region, cfg->region);
	if (opts->pg_bindir)
		return usage_error("option --pg-bindir is the local provider's; this environment runs on Aurora");
	aws_report_install();
	aws_error_init(&err);
	if (aws_resolve_credentials_in(opts->profile, cfg->region, &e->creds, &err) != AWS_OK)
		return aws_report_error(&err);
	if (!aws_global_init() ||
		(e->client = aws_client_new(&e->creds, cfg->region, opts->endpoint_url)) == NULL)
	{
		errorf("cannot set up the HTTP client (libcurl or OpenSSL failed)");
		return EXIT_FAILURE_REMOTE;
	}
	return EXIT_GO_ON;
}

/* Free what the run holds (awsenv_open's, then the steps'). */
void
awsenv_free(struct awsenv *e)
{
	if (e->client)
		aws_client_free(e->client);
	aws_credentials_free(&e->creds);
	free(e->account);
	free(e->vpc_id);
	free(e->vpc_cidr);
	aws_strings_clean_up(&e->subnets);
	free(e->key_arn);
	free(e->pg_name);
	free(e->sg_id);
	free(e->monitoring_role_arn);
	free(e->backup_role_arn);
	aws_rds_cluster_clean_up(&e->cluster);
	plan_lines_free(&e->lines);
}

char *
resource_name(const struct awsenv *e, const char *suffix)
{
	return str_printf("%s%s", e->name, suffix);
}

/* The names provision gives and destroy looks for, each made in one place. */
char *
key_alias(const struct awsenv *e)
{
	return str_printf("alias/%s-database", e->name);
}

char *
parameter_group_name(const struct awsenv *e)
{
	return str_printf("%s-%d", e->name, env_engine_major(e->cfg->engine_version));
}

/*
 * How connections to the cluster use TLS: verified against the RDS bundle
 * the config names (its host name too: the endpoint's certificate), else
 * encrypted only.
 */
const char *
cluster_sslmode(const struct awsenv *e)
{
	return e->cfg->ssl_root_cert ? "verify-full" : "require";
}

char *
connect_policy_name(const struct awsenv *e, const char *role)
{
	return str_printf("%s-%s-access", e->name, role);
}

char *
connect_policy_arn(const struct awsenv *e, const char *role)
{
	return str_printf("arn:%s:iam::%s:policy/%s-%s-access", e->partition, e->account, e->name, role);
}

/* The kind of read-only user's connect policy: NAME-readonly-USER-access. */
char *
readonly_kind(const char *user)
{
	return str_printf("readonly-%s", user);
}

/*
 * A failed AWS call: AWS's message, a hint where the cause is clear, and
 * the exit code (2 for what the user's configuration got wrong, else 3).
 */
int
aws_failed(struct aws_error *err)
{
	int			code = err->status == AWS_ERR_CONFIG ? EXIT_USAGE : EXIT_FAILURE_REMOTE;

	errorf("%s", err->text ? err->text : "an AWS call failed");
	if (err->code && (strcmp(err->code, "AccessDenied") == 0 ||
					  strcmp(err->code, "AccessDeniedException") == 0 ||
					  strcmp(err->code, "UnauthorizedOperation") == 0))
		hintf("the credentials lack a permission appdb needs; the policy it needs is in policy/appdb.json (README: \"Permissions\")");
	else if (err->code && (strcmp(err->code, "InvalidClientTokenId") == 0 ||
						   strcmp(err->code, "SignatureDoesNotMatch") == 0 ||
						   strcmp(err->code, "AuthFailure") == 0 ||
						   strcmp(err->code, "ExpiredToken") == 0 ||
						   strcmp(err->code, "UnrecognizedClientException") == 0))
		hintf("AWS refused the credentials; check AWS_ACCESS_KEY_ID / the profile, or refresh the session");
	aws_error_clean_up(err);
	return code;
}

/* One step's outcome: plan prints it, provision reports what it does. */
void
say(struct awsenv *e, const char *verb, const char *fmt,...)
{
	va_list		args;
	char	   *text;

	va_start(args, fmt);
	text = str_vprintf(fmt, args);
	va_end(args);
	if (strcmp(verb, "create") == 0)
		e->creates++;
	else if (strcmp(verb, "change") == 0 || strcmp(verb, "attach") == 0 || strcmp(verb, "detach") == 0 ||
			 strcmp(verb, "delete") == 0)
		e->changes++;
	else if (strcmp(verb, "leave") == 0)
		e->leaves++;
	if (!e->apply)
		plan_line(&e->lines, verb, "%s", text);
	else
	{
		if (strcmp(verb, "leave") == 0 || strcmp(verb, "use") == 0)
			verbosef("%s: %s", verb, text);
		else
			notef("%s: %s", verb, text);
		plan_keep(&e->lines, verb, text);
	}
	free(text);
}

/* Does a resource's tags name this app and environment (appdb's tags)? */
bool
is_ours(const struct awsenv *e, const struct aws_tag_list *tags)
{
	const char *app = aws_tag_list_get(tags, "app");
	const char *env = aws_tag_list_get(tags, "environment");

	return app && env && strcmp(app, e->cfg->app) == 0 && strcmp(env, e->cfg->env) == 0;
}

/* Is err a create refused because the resource exists (STEP_AGAIN, aws_int.h)? */
bool
exists_after_all(struct awsenv *e, struct aws_error *err, const char *what)
{
	static const char *const exists[] = {
		"AlreadyExistsException", "DBParameterGroupAlreadyExists", "DBSubnetGroupAlreadyExists",
		"InvalidGroup.Duplicate", "EntityAlreadyExists", "DBClusterAlreadyExistsFault",
		"DBInstanceAlreadyExists", NULL
	};

	if (e->rereading >= STEP_CREATES_MAX || !aws_svc_is_code(err, exists))
		return false;
	notef("%s exists after all (%s): reading it back", what, err->code);
	aws_error_clean_up(err);
	return true;
}

/* A resource found by its name whose tags are not this environment's. */
int
not_ours(const struct awsenv *e, const char *what)
{
	errorf("%s exists, but is not tagged app=%s, environment=%s: appdb did not make it for this environment",
		   what, e->cfg->app, e->cfg->env);
	hintf("rename or remove it, or give this environment another cluster_name in %s", e->cfg->path);
	return EXIT_FAILURE_REMOTE;
}
