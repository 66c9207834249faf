/*
 * cli/aws_provider/doctor.c
 *		appdb doctor on Aurora: why a login as app or migrator with an IAM
 *		token fails ("PAM authentication failed for user").  The cluster and
 *		its IAM authentication, the token's inputs, this machine's clock
 *		against AWS's, each role's rds_iam and CONNECT (read through the
 *		Data API), the caller's rds-db:connect for each (IAM's
 *		SimulatePrincipalPolicy), a TCP path to the endpoint (PGHOSTADDR honoured), then a
 *		login.  After the first check that fails, the ones that need it are
 *		not run.
 */
#define _GNU_SOURCE				/* timegm */
#include "cli/aws_provider.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "aws_int.h"
#include "cli/aws/ec2.h"
#include "cli/aws/iam.h"
#include "cli/aws/sts.h"
#include "cli/doctor.h"
#include "cli/msgs.h"
#include "cli/pgexec.h"
#include "cli/rdsdata_exec.h"
#include "cli/util.h"

/* AWS refuses a token signed further than this from its clock. */
#define CLOCK_SKEW_MAX 300

/* The cluster exists, is available and takes IAM tokens. */
static int
cluster_checks(struct awsenv *e, struct doctor *d, bool *ok)
{
	struct aws_error err;
	struct aws_rds_cluster *c = &e->cluster;

	*ok = false;
	aws_error_init(&err);
	if (aws_rds_describe_db_cluster(e->client, e->name, c, &err) != AWS_OK)
		return aws_failed(&err);
	if (!c->found)
	{
		doctor_check(d, "cluster", false, "run \"appdb provision\"", "cluster %s does not exist in %s",
					 e->name, e->cfg->region);
		return EXIT_GO_ON;
	}
	if (!doctor_check(d, "cluster", c->status && strcmp(c->status, "available") == 0,
					  "wait until it is available (\"appdb status\"); a stopped cluster: start it (aws rds start-db-cluster)",
					  "cluster %s is %s", e->name, c->status ? c->status : "in an unknown state") ||
		!doctor_check(d, "iam authentication", c->iam_database_authentication_enabled,
					  "run \"appdb provision\", which turns it on",
					  c->iam_database_authentication_enabled ? "on: the cluster takes IAM tokens" :
					  "off: the cluster refuses every IAM token") ||
		!(c->endpoint ?
		  doctor_check(d, "token inputs", true, NULL,
					   "region %s, endpoint %s, port %d (what each token is signed for)",
					   e->cfg->region, c->endpoint, c->port) :
		  doctor_check(d, "token inputs", false, "wait until the cluster is available",
					   "the cluster has no endpoint yet")))
		return EXIT_GO_ON;
	*ok = true;
	return EXIT_GO_ON;
}

/* RFC 7231's IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"); -1 if it is not one. */
static time_t
http_date(const char *s)
{
	struct tm	tm = {0};
	const char *end = s ? strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm) : NULL;

	return end && *end == '\0' ? timegm(&tm) : (time_t) -1;
}

/* The clock against the Date of an STS answer: a token signed off by over 5 minutes is refused. */
static int
clock_check(struct awsenv *e, struct doctor *d, char **caller_arn, bool *ok)
{
	struct aws_caller_identity id;
	struct aws_error err;
	time_t		now;
	time_t		theirs;
	long		skew;

	aws_error_init(&err);
	if (aws_sts_get_caller_identity(e->client, &id, &err) != AWS_OK)
	{
		/* AWS refuses a request signed over 5 minutes off too, before any Date */
		bool		skewed = err.code && (strcmp(err.code, "RequestExpired") == 0 ||
										  strcmp(err.code, "RequestTimeTooSkewed") == 0 ||
										  (strcmp(err.code, "SignatureDoesNotMatch") == 0 && err.text &&
										   strstr(err.text, "expired")));

		if (skewed)
			*ok = doctor_check(d, "clock", false,
							   "set this machine's clock right (NTP): AWS refuses tokens signed more than 5 minutes off",
							   "AWS refused a request for its time: %s", err.text ? err.text : err.code);
		else
			*ok = doctor_check(d, "credentials", false,
							   "give credentials that AWS accepts (--profile, AWS_PROFILE, the task role)",
							   "%s", err.text ? err.text : "STS GetCallerIdentity failed");
		aws_error_clean_up(&err);
		return EXIT_GO_ON;
	}
	*caller_arn = xstrdup(id.arn);
	if (e->account == NULL)		/* the ARNs the checks name carry it */
		e->account = xstrdup(id.account);
	now = time(NULL);
	theirs = http_date(id.date);
	skew = theirs == (time_t) -1 ? 0 : (long) (now - theirs);
	if (theirs == (time_t) -1)
		*ok = doctor_check(d, "clock", true, NULL, "not compared: AWS's answer had no Date header");
	else
		*ok = doctor_check(d, "clock", labs(skew) <= CLOCK_SKEW_MAX,
						   "set this machine's clock right (NTP): AWS refuses tokens signed more than 5 minutes off",
						   "this machine's clock is %ld s %s AWS's (%s)", labs(skew),
						   skew >= 0 ? "ahead of" : "behind", id.date);
	aws_caller_identity_clean_up(&id);
	return EXIT_GO_ON;
}

/*
 * One role as the database has it, through the Data API: it exists as
 * spelled (the token names it exactly), may log in, is in rds_iam, has
 * CONNECT.  *ok when all pass.
 */
static int
role_checks(struct awsenv *e, struct doctor *d, struct app_executor *exec, const char *user,
			bool *ok)
{
	static const char *const sql =
		"SELECT r.rolname, r.rolcanlogin,"
		" pg_catalog.pg_has_role(r.oid, 'rds_iam', 'MEMBER'),"
		" pg_catalog.has_database_privilege(r.oid, $2::text, 'CONNECT')"
		" FROM pg_catalog.pg_roles r WHERE r.rolname = $1::text"
		" OR (r.rolname <> $1::text AND lower(r.rolname) = lower($1::text))"
		" ORDER BY r.rolname = $1::text DESC LIMIT 1";
	const char *params[2] = {user, e->cfg->database};
	struct app_mem mem;
	struct app_rows rows;
	struct app_error err = {0};
	char	   *grant_iam = str_printf("run \"appdb roles setup\", which grants it (or through the Data API as the master: GRANT rds_iam TO \"%s\")", user);
	char	   *grant_connect = str_printf("run \"appdb roles setup\", which grants it (or as the master: GRANT CONNECT ON DATABASE \"%s\" TO \"%s\")",
										   e->cfg->database, user);
	char	   *detail = NULL;
	int			rc = EXIT_GO_ON;

	*ok = false;
	app_mem_init(&mem, &malloc_allocator);
	if (exec->query(exec->state, &mem, sql, 2, params, &rows, &err) != 0)
	{
		report_app_error(&err);
		rc = EXIT_FAILURE_REMOTE;
		goto out;
	}
	if (rows.nrows != 1 || strcmp(APP_CELL(&rows, 0, 0), user) != 0)
	{
		detail = rows.nrows == 1 ?
			str_printf("does not exist; the database has \"%s\": the token's user must be spelled as the database spells it",
					   APP_CELL(&rows, 0, 0)) : xstrdup("does not exist");
		doctor_role_check(d, user, "role", false, "run \"appdb roles setup\" (it creates the role)", detail);
	}
	else if (doctor_role_check(d, user, "role", true, NULL, "exists, spelled as the token names it") &&
			 doctor_role_check(d, user, "may log in", strcmp(APP_CELL(&rows, 0, 1), "t") == 0,
							   "run \"appdb roles setup\" (it gives the role LOGIN again)",
							   strcmp(APP_CELL(&rows, 0, 1), "t") == 0 ? "LOGIN" :
							   "NOLOGIN: the server refuses every login as it") &&
			 doctor_role_check(d, user, "rds_iam", strcmp(APP_CELL(&rows, 0, 2), "t") == 0, grant_iam,
							   strcmp(APP_CELL(&rows, 0, 2), "t") == 0 ? "a member of rds_iam: it logs in with IAM tokens" :
							   "not a member of rds_iam: its IAM token is refused (PAM authentication failed)"))
	{
		detail = str_printf("%s CONNECT on database \"%s\"",
							strcmp(APP_CELL(&rows, 0, 3), "t") == 0 ? "has" : "lacks", e->cfg->database);
		*ok = doctor_role_check(d, user, "connect", strcmp(APP_CELL(&rows, 0, 3), "t") == 0, grant_connect, detail);
	}
	app_rows_free(&mem, &rows);
out:
	app_mem_free_all(&mem);
	free(grant_iam);
	free(grant_connect);
	free(detail);
	return rc;
}

/*
 * The IAM principal a caller ARN stands for, as SimulatePrincipalPolicy takes
 * it: a user or role as it is; an assumed role's session as its role (without
 * the role's path, which the session ARN does not carry).  NULL for the
 * account's root and federated users, which it does not take.
 */
static char *
iam_principal(const char *caller)
{
	const char *iam = strstr(caller, ":iam::");
	const char *sts = strstr(caller, ":sts::");
	const char *acct_end;
	const char *role;
	const char *role_end;

	if (iam && (strstr(iam, ":user/") || strstr(iam, ":role/")))
		return xstrdup(caller);
	if (sts == NULL || (acct_end = strchr(sts + 6, ':')) == NULL ||
		strncmp(acct_end, ":assumed-role/", 14) != 0)
		return NULL;
	role = acct_end + 14;
	if ((role_end = strchr(role, '/')) == NULL)
		return NULL;
	/* "arn:PART" + ":iam::ACCT" + ":role/ROLE" */
	return str_printf("%.*s:iam::%.*s:role/%.*s", (int) (sts - caller), caller,
					  (int) (acct_end - (sts + 6)), sts + 6, (int) (role_end - role), role);
}

/*
 * The caller may rds-db:connect as user on this cluster (IAM's
 * SimulatePrincipalPolicy of exactly the resource the token names).  A
 * simulation IAM will not run (no iam:SimulatePrincipalPolicy, the root user)
 * is said and passes: the login below still tells.
 */
static bool
permission_check(struct awsenv *e, struct doctor *d, const char *caller, const char *user)
{
	bool		app = strcmp(user, e->cfg->app_user) == 0;
	bool		mig = strcmp(user, e->cfg->migrator_user) == 0;
	char	   *kind = app ? xstrdup("app") : mig ? xstrdup("migrator") : readonly_kind(user);
	char	   *principal = iam_principal(caller);
	char	   *resource = str_printf("arn:%s:rds-db:%s:%s:dbuser:%s/%s", e->partition, e->cfg->region,
									  e->account, e->cluster.resource_id, user);
	char	   *policy = connect_policy_arn(e, kind);
	char	   *fix = NULL;
	char	   *decision = NULL;
	struct aws_error err;
	bool		ok = true;

	aws_error_init(&err);
	if (principal == NULL)
		doctor_role_check(d, user, "permission", true, NULL,
						  "not checked: IAM simulates only users and roles, not the caller");
	else if (aws_iam_simulate_principal_policy(e->client, principal, "rds-db:connect", resource,
											   &decision, &err) != AWS_OK)
	{
		char	   *why = str_printf("not checked: %s", err.text ? err.text : "IAM's SimulatePrincipalPolicy failed");

		doctor_role_check(d, user, "permission", true, NULL, why);
		free(why);
	}
	else
	{
		char	   *detail;

		ok = strcmp(decision, "allowed") == 0;
		if (strcmp(decision, "explicitDeny") == 0)
			fix = str_printf("remove the Deny of rds-db:connect on %s from %s's policies", resource, principal);
		else if (!ok && (app || mig))
			fix = str_printf("attach %s to %s (for a role: name it in %s_access_role_names, \"appdb configure --%s-access-role NAME\", and provision)",
							 policy, principal, kind, kind);
		else if (!ok)
			fix = str_printf("attach %s to %s (for a role: name it in readonly_access_role_names, \"appdb configure --readonly-access-role %s=NAME\", and provision)",
							 policy, principal, user);
		detail = str_printf("%s: rds-db:connect on %s for %s", decision, resource, principal);
		doctor_role_check(d, user, "permission", ok, fix, detail);
		free(detail);
	}
	aws_error_clean_up(&err);
	free(principal);
	free(resource);
	free(policy);
	free(kind);
	free(fix);
	free(decision);
	return ok;
}

/*
 * What the database's security groups admit on its port, against the address
 * this machine would connect from (source, NULL when unknown): a sentence,
 * malloc'd; NULL when the groups cannot be read.
 */
static char *
security_groups_say(struct awsenv *e, const char *source)
{
	struct aws_ec2_security_group_list sgs = {0};
	struct aws_error err;
	char	   *from = NULL;	/* "10.0.0.0/16, security group sg-1, ..." */
	const char *admitted_by = NULL;
	const char *cidr_hit = NULL;
	size_t		i,
				j,
				k;
	char	   *out = NULL;

	aws_error_init(&err);
	if (e->cluster.vpc_security_group_ids.n == 0 ||
		aws_ec2_describe_security_groups(e->client, (const char *const *) e->cluster.vpc_security_group_ids.v,
										 e->cluster.vpc_security_group_ids.n, NULL, 0, &sgs, &err) != AWS_OK)
	{
		verbosef("doctor: the security groups could not be read: %s", err.text ? err.text : "?");
		aws_error_clean_up(&err);
		return NULL;
	}
	for (i = 0; i < sgs.n; i++)
		for (j = 0; j < sgs.v[i].ningress; j++)
		{
			const struct aws_ec2_rule *r = &sgs.v[i].ingress[j];

			if (!(strcmp(r->protocol, "-1") == 0 ||
				  (strcmp(r->protocol, "tcp") == 0 && r->from_port <= e->cluster.port && e->cluster.port <= r->to_port)))
				continue;
			for (k = 0; k < r->cidrs.n; k++)
			{
				list_append(&from, r->cidrs.v[k]);
				if (source && cidr_hit == NULL && doctor_address_in(source, r->cidrs.v[k]))
				{
					cidr_hit = r->cidrs.v[k];
					admitted_by = sgs.v[i].id;
				}
			}
			for (k = 0; k < r->groups.n; k++)
			{
				char	   *group = str_printf("security group %s", r->groups.v[k]);

				list_append(&from, group);
				free(group);
			}
		}
	if (cidr_hit)
		out = str_printf("security group %s admits this machine's address %s (%s): the path is blocked elsewhere (routes, network ACLs, a VPN)",
						 admitted_by, source, cidr_hit);
	else if (from == NULL)
		out = str_printf("the database's security group%s admit%s nothing on port %d%s%s%s",
						 sgs.n == 1 ? "" : "s", sgs.n == 1 ? "s" : "", e->cluster.port,
						 source ? " (this machine's address: " : "", source ? source : "", source ? ")" : "");
	else
		out = str_printf("the database's security group%s admit%s port %d only from %s%s%s",
						 sgs.n == 1 ? "" : "s", sgs.n == 1 ? "s" : "", e->cluster.port, from,
						 source ? ", not this machine's address " : "", source ? source : "");
	free(from);
	aws_ec2_security_group_list_clean_up(&sgs);
	return out;
}

/*
 * A TCP path to endpoint:port, or to PGHOSTADDR (a tunnel) where it is set;
 * without one, what the security groups admit against this machine's address.
 */
static bool
path_check(struct awsenv *e, struct doctor *d)
{
	const char *hostaddr = getenv("PGHOSTADDR");
	const char *host = hostaddr && *hostaddr ? hostaddr : e->cluster.endpoint;
	char	   *why = NULL;
	char	   *fix;
	char	   *source;
	char	   *rules;
	bool		ok;

	ok = doctor_tcp_connect(host, e->cluster.port, 5000, &why);
	if (ok)
	{
		doctor_check(d, "network path", true, NULL, "%s port %d answers%s", host, e->cluster.port,
					 host == hostaddr ? " (PGHOSTADDR: a tunnel)" : "");
		free(why);
		return true;
	}
	fix = str_printf("connect from inside the VPC, from a security group the database's admits, or open a tunnel to %s:%d and set PGHOSTADDR=127.0.0.1",
					 e->cluster.endpoint, e->cluster.port);
	source = host == hostaddr ? NULL : doctor_source_address(host);
	rules = host == hostaddr ? NULL : security_groups_say(e, source);
	doctor_check(d, "network path", false, fix, "%s%s%s%s", why,
				 host == hostaddr ? " (PGHOSTADDR)" : "", rules ? "; " : "", rules ? rules : "");
	free(source);
	free(rules);
	free(why);
	free(fix);
	return false;
}

int
cmd_doctor(struct awsenv *e)
{
	struct doctor d;
	struct rdsdata_exec_state st = {0};
	struct app_executor exec;
	const char *users[2];
	bool		role_ok[2] = {false, false};
	char	   *caller = NULL;
	int			n = doctor_roles(e->opts, e->cfg->app_user, e->cfg->migrator_user, users);
	int			i;
	int			rc;
	bool		ok;

	doctor_init(&d);
	if ((rc = cluster_checks(e, &d, &ok)) != EXIT_GO_ON || !ok ||
		(rc = clock_check(e, &d, &caller, &ok)) != EXIT_GO_ON || !ok)
		goto out;
	if (!doctor_check(&d, "data api", e->cluster.http_endpoint_enabled && e->cluster.master_user_secret_arn,
					  "run \"appdb provision\" (it turns the Data API on, with the master's secret)",
					  "%s", e->cluster.http_endpoint_enabled && e->cluster.master_user_secret_arn ?
					  "on: the roles are read through it" :
					  "off, or no master user secret: the roles cannot be read"))
		goto out;
	st = (struct rdsdata_exec_state) {e->client, e->cluster.arn, e->cluster.master_user_secret_arn,
	e->cfg->database, NULL, 0};
	rdsdata_executor_init(&exec, &st);
	for (i = 0; i < n; i++)
		if ((rc = role_checks(e, &d, &exec, users[i], &role_ok[i])) != EXIT_GO_ON)
			goto out;
	for (i = 0; i < n; i++)
		if (!permission_check(e, &d, caller, users[i]))
			role_ok[i] = false;
	if (!path_check(e, &d))
		goto out;
	for (i = 0; i < n; i++)
	{
		char	   *why = NULL;
		PGconn	   *conn;

		if (!role_ok[i])
			continue;
		conn = token_connect(e, users[i], &why);
		doctor_role_check(&d, users[i], "login", conn != NULL,
						  "a refused token: the caller needs rds-db:connect for this user on this cluster (the connect policy, attached by provision to the roles the config names); a TLS error: see ssl_root_cert",
						  conn ? "logged in with an IAM token over TLS" : why);
		PQfinish(conn);
		free(why);
	}
out:
	free(caller);
	if (rc != EXIT_GO_ON)
	{
		doctor_free(&d);
		return rc;
	}
	return doctor_finish(&d, e->opts->output);
}
