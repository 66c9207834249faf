/*
 * cli/aws_provider/doctor.c
 *		appdb doctor on Aurora: why a login as app or migrator with an IAM
 *		token fails ("PAM authentication failed for user").  The cluster and
 *		its IAM authentication, the token's inputs, this machine's clock
 *		against AWS's, each role's rds_iam and CONNECT (read through the
 *		Data API), a TCP path to the endpoint (PGHOSTADDR honoured), then a
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
clock_check(struct awsenv *e, struct doctor *d, bool *ok)
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

/* A TCP path to endpoint:port, or to PGHOSTADDR (a tunnel) where it is set. */
static bool
path_check(struct awsenv *e, struct doctor *d)
{
	const char *hostaddr = getenv("PGHOSTADDR");
	const char *host = hostaddr && *hostaddr ? hostaddr : e->cluster.endpoint;
	char	   *why = NULL;
	char	   *fix;
	bool		ok;

	ok = doctor_tcp_connect(host, e->cluster.port, 5000, &why);
	fix = str_printf("connect from inside the VPC, from a security group the database's admits, or open a tunnel to %s:%d and set PGHOSTADDR=127.0.0.1",
					 e->cluster.endpoint, e->cluster.port);
	if (ok)
		doctor_check(d, "network path", true, NULL, "%s port %d answers%s", host, e->cluster.port,
					 host == hostaddr ? " (PGHOSTADDR: a tunnel)" : "");
	else
		doctor_check(d, "network path", false, fix, "%s%s", why,
					 host == hostaddr ? " (PGHOSTADDR)" : "");
	free(why);
	free(fix);
	return ok;
}

int
cmd_doctor(struct awsenv *e)
{
	struct doctor d;
	struct rdsdata_exec_state st = {0};
	struct app_executor exec;
	const char *users[2];
	bool		role_ok[2] = {false, false};
	int			n = doctor_roles(e->opts, e->cfg->app_user, e->cfg->migrator_user, users);
	int			i;
	int			rc;
	bool		ok;

	doctor_init(&d);
	if ((rc = cluster_checks(e, &d, &ok)) != EXIT_GO_ON || !ok ||
		(rc = clock_check(e, &d, &ok)) != EXIT_GO_ON || !ok)
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
	if (rc != EXIT_GO_ON)
	{
		doctor_free(&d);
		return rc;
	}
	return doctor_finish(&d, e->opts->output);
}
