/*
 * test/aws/test_rdsdata_exec.c
 *		The core's executor over the RDS Data API (cli/rdsdata_exec.c)
 *		against the test bed's Data API server on a real PostgreSQL
 *		(test/aws/run_rdsdata_exec.sh starts both and runs this).
 *
 * Build (from the repository root):
 *   cc -std=gnu11 -g -O1 -Wall -Wextra -Werror -I. $(xml2-config --cflags) \
 *      -o test/aws/test_rdsdata_exec test/aws/test_rdsdata_exec.c \
 *      cli/aws/?*.c cli/rdsdata_exec.c core/?*.c cli/msgs.c cli/util.c \
 *      -lcurl -lxml2 -ljson-c -lcrypto
 *
 * Usage: test_rdsdata_exec ENDPOINT SECRET_ARN DATABASE PHASE
 *   PHASE "setup": unit tests of the $n rewriting, then setup (twice) and
 *   check over the Data API, the reports compared byte for byte with
 *   app_setup_roles() / app_check_roles() run through psql ($PSQL, with
 *   PGHOST/PGPORT/PGDATABASE from the environment) on the same database;
 *   cell text, errors and probe.  PHASE "big": after the runner made 10,000
 *   tables, check (and a converged setup) over the Data API, paged, equal
 *   to the extension's.  PHASE "revoked": after the runner revoked app's
 *   privileges on every table, check fails with the same report as the
 *   extension's, setup repairs it, check passes.  Last line "rdsdata-exec: N passed, M failed".
 */
#define _GNU_SOURCE
#define UNIT_MAIN
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/aws/rdsdata.h"
#include "cli/aws/request.h"
#include "cli/rdsdata_exec.h"
#include "cli/util.h"
#include "core/run.h"
#include "test/unit.h"

#define S(x) ((x) ? (x) : "(null)")

static struct aws_client *client;
static struct aws_rdsdata_target target;
static struct rdsdata_exec_state st;
static struct app_executor exec;

/* The extension's report through psql as postgres, the trailing newline cut. */
static char *
psql_report(const char *call)
{
	const char *psql = getenv("PSQL") ? getenv("PSQL") : "psql";
	char	   *cmd = str_printf("'%s' -X -q -At -v ON_ERROR_STOP=1 -U postgres -c "
								"'SET client_min_messages = warning; SELECT %s'",
								psql, call);
	FILE	   *f = popen(cmd, "r");
	char	   *out = NULL;
	size_t		len = 0,
				cap = 0;
	int			c;

	free(cmd);
	if (f == NULL)
		return NULL;
	while ((c = fgetc(f)) != EOF)
	{
		if (len + 2 > cap)
		{
			char	   *n = xmalloc(cap = cap * 2 + 4096);

			if (out)
				memcpy(n, out, len);
			free(out);
			out = n;
		}
		out[len++] = (char) c;
	}
	if (pclose(f) != 0 || out == NULL)
	{
		free(out);
		return NULL;
	}
	while (len > 0 && out[len - 1] == '\n')
		len--;
	out[len] = '\0';
	return out;
}

static bool
begin(void)
{
	struct aws_error err;
	enum aws_status s;

	aws_error_init(&err);
	free(st.transaction_id);
	st.transaction_id = NULL;
	s = aws_rdsdata_begin(client, &target, &st.transaction_id, &err);
	if (s != AWS_OK)
		printf("# BeginTransaction: %s\n", S(err.text));
	aws_error_clean_up(&err);
	return s == AWS_OK;
}

static bool
finish(bool commit)
{
	struct aws_error err;
	enum aws_status s;

	aws_error_init(&err);
	s = commit ? aws_rdsdata_commit(client, &target, st.transaction_id, NULL, &err)
		: aws_rdsdata_rollback(client, &target, st.transaction_id, NULL, &err);
	if (s != AWS_OK)
		printf("# %s: %s\n", commit ? "CommitTransaction" : "RollbackTransaction", S(err.text));
	aws_error_clean_up(&err);
	free(st.transaction_id);
	st.transaction_id = NULL;
	return s == AWS_OK;
}

static void
test_rewrite(void)
{
	static const char *const cases[][2] = {
		{"SELECT $1::text, $2::oid", "SELECT :p1::text, :p2::oid"},
		{"SELECT '$1', $1", "SELECT '$1', :p1"},
		{"SELECT 'it''s $2' || $3", "SELECT 'it''s $2' || :p3"},
		{"SELECT E'\\' $1' , $1", "SELECT E'\\' $1' , :p1"},
		{"SELECT \"a$1\", \"x\"\"$1\" FROM t WHERE a=$10", "SELECT \"a$1\", \"x\"\"$1\" FROM t WHERE a=:p10"},
		{"SELECT $$ $1 $$, $q$ $2 $q$, $1", "SELECT $$ $1 $$, $q$ $2 $q$, :p1"},
		{"SELECT 1 -- $1\n, $2 /* $3 /* $4 */ */ , $5", "SELECT 1 -- $1\n, :p2 /* $3 /* $4 */ */ , :p5"},
		{"SELECT a$1 FROM t", "SELECT a$1 FROM t"},
		{"SELECT (a, b) > ($1::oid, $2::oid)", "SELECT (a, b) > (:p1::oid, :p2::oid)"},
	};
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		char	   *got = rdsdata_named_params(cases[i][0]);
		char		name[64];

		snprintf(name, sizeof(name), "rewrite-%zu", i + 1);
		check(strcmp(got, cases[i][1]) == 0, name, "[%s] -> [%s], want [%s]",
			  cases[i][0], got, cases[i][1]);
		free(got);
	}
}

/* Cell text as libpq prints it; NULL; parameters; errors; probe. */
static void
test_cells(void)
{
	struct app_mem mem;
	struct app_error err = {0};
	struct app_rows rows = {0};
	static const char *const want[] = {"t", "f", NULL, "42", "1.5", "x", "{\"a b\",c,NULL}",
	"12.30", "-7", "$1", "v", NULL, "0.1", "é\"'"};
	const char *params[] = {"v", NULL};
	int			i,
				rc,
				failed_at = 0;

	app_mem_init(&mem, &malloc_allocator);
	rc = exec.query(exec.state, &mem,
					"SELECT true, false, NULL::text, 42::oid, 1.5::float8, 'x'::name,"
					" ARRAY['a b', 'c', NULL]::text[], 12.30::numeric, (-7)::int2,"
					" '$1', $1::text, $2::text, 0.1::float4, 'é\"''' AS \"exists\"",
					2, params, &rows, &err);
	if (check(rc == 0 && rows.nrows == 1 && rows.ncols == 14, "cells-shape", "rc %d %d x %d: %s",
			  rc, rows.nrows, rows.ncols, S(err.message)))
		for (i = 0; i < 14; i++)
		{
			const char *got = APP_CELL(&rows, 0, i);
			char		name[32];

			snprintf(name, sizeof(name), "cell-%d", i + 1);
			check((got == NULL && want[i] == NULL) ||
				  (got && want[i] && strcmp(got, want[i]) == 0), name,
				  "got [%s] want [%s]", S(got), S(want[i]));
		}

	rows = (struct app_rows) {0};
	rc = exec.query(exec.state, &mem, "SELECT oid FROM pg_catalog.pg_class WHERE false",
					0, NULL, &rows, &err);
	check(rc == 0 && rows.nrows == 0, "query-no-rows", "rc %d nrows %d", rc, rows.nrows);

	/* the same column name twice: typed records keep both */
	rows = (struct app_rows) {0};
	rc = exec.query(exec.state, &mem, "SELECT EXISTS (SELECT 1), EXISTS (SELECT 1 WHERE false)",
					0, NULL, &rows, &err);
	check(rc == 0 && rows.ncols == 2 && strcmp(S(APP_CELL(&rows, 0, 0)), "t") == 0 &&
		  strcmp(S(APP_CELL(&rows, 0, 1)), "f") == 0, "query-duplicate-names",
		  "rc %d ncols %d", rc, rows.ncols);

	err = (struct app_error) {0};
	rc = exec.query(exec.state, &mem, "SELEC 1", 0, NULL, &rows, &err);
	check(rc == -1 && err.kind == APP_ERR_DATABASE && err.message &&
		  strstr(err.message, "syntax error") && strncmp(err.message, "ERROR", 5) != 0 &&
		  err.sqlstate && strcmp(err.sqlstate, "42601") == 0, "query-error",
		  "rc %d kind %d msg [%s] state [%s]", rc, err.kind, S(err.message), S(err.sqlstate));

	/* probe in a transaction: the failure is reported, the work undone */
	if (check(begin(), "probe-begin", "BeginTransaction failed"))
	{
		static const char *const stmts[] = {
			"CREATE TABLE public.rdsdata_probe (a int)",
			"INSERT INTO public.rdsdata_probe VALUES (1)",
			"INSERT INTO public.no_such_table VALUES (1)",
			"SELECT 1",
		};

		err = (struct app_error) {0};
		rc = exec.probe(exec.state, &mem, stmts, 4, &failed_at, &err);
		check(rc == 0 && failed_at == 2 && err.message && strstr(err.message, "no_such_table"),
			  "probe-failed-at", "rc %d failed_at %d [%s]", rc, failed_at, S(err.message));
		err = (struct app_error) {0};
		rc = exec.probe(exec.state, &mem, stmts, 2, &failed_at, &err);
		check(rc == 0 && failed_at == -1, "probe-all-ran", "rc %d failed_at %d [%s]", rc,
			  failed_at, S(err.message));
		rows = (struct app_rows) {0};
		rc = exec.query(exec.state, &mem,
						"SELECT pg_catalog.to_regclass('public.rdsdata_probe') IS NULL",
						0, NULL, &rows, &err);
		check(rc == 0 && rows.nrows == 1 && strcmp(S(APP_CELL(&rows, 0, 0)), "t") == 0,
			  "probe-rolled-back", "rc %d [%s]", rc, S(err.message));
		err = (struct app_error) {0};
		rc = exec.execute(exec.state, &mem, "CREATE TABLE public.rdsdata_exec_t (a int)", &err);
		check(rc == 0, "execute-in-transaction", "rc %d [%s]", rc, S(err.message));
		check(finish(false), "probe-rollback", "RollbackTransaction failed");
	}
	app_mem_free_all(&mem);
}

static int
run_setup(const struct app_config *cfg, int *executed, char **report)
{
	struct app_mem mem;
	struct app_error err = {0};
	int			rc;

	*report = NULL;
	if (!begin())
		return -1;
	app_mem_init(&mem, &malloc_allocator);
	rc = app_run_setup(&exec, &mem, cfg, executed, report, &err);
	if (rc != 0)
		printf("# setup: %s (%s)\n", S(err.message), S(err.detail));
	else
		*report = xstrdup(*report);
	app_mem_free_all(&mem);
	if (!finish(rc == 0))
		rc = -1;
	return rc;
}

static int
run_check(const struct app_config *cfg, bool *success, char **report)
{
	struct app_mem mem;
	struct app_error err = {0};
	int			rc;

	*report = NULL;
	if (!begin())
		return -1;
	app_mem_init(&mem, &malloc_allocator);
	rc = app_run_check(&exec, &mem, cfg, success, report, &err);
	if (rc != 0)
		printf("# check: %s (%s)\n", S(err.message), S(err.detail));
	else
		*report = xstrdup(*report);
	app_mem_free_all(&mem);
	if (!finish(false))			/* check changes nothing: rolled back */
		rc = -1;
	return rc;
}

static void
compare(const char *name, const char *ours, const char *fn)
{
	char	   *theirs = psql_report(fn);

	check(ours && theirs && strcmp(ours, theirs) == 0, name,
		  "Data API report (%zu bytes) differs from %s (%zu bytes)\n--- data api:\n%.2000s\n"
		  "--- psql:\n%.2000s", ours ? strlen(ours) : 0, fn, theirs ? strlen(theirs) : 0,
		  S(ours), S(theirs));
	free(theirs);
}

int
main(int argc, char **argv)
{
	struct aws_credentials creds = {
		.access_key_id = "AKIDDATAAPITEST",
		.secret_access_key = "data-api-test-secret",
		.source = "test",
	};
	struct app_mem cfgmem;
	struct app_config cfg;
	struct app_error err = {0};
	char	   *report = NULL;
	int			executed = -1;
	bool		success = false;
	bool		big;

	unit.show_passes = true;	/* "ok   <name>" for each check */
	if (argc != 5)
	{
		fprintf(stderr, "usage: %s ENDPOINT SECRET_ARN DATABASE setup|big\n", argv[0]);
		return 2;
	}
	big = strcmp(argv[4], "big") == 0 || strcmp(argv[4], "revoked") == 0;
	if (!aws_global_init() || (client = aws_client_new(&creds, "us-east-1", argv[1])) == NULL)
	{
		fprintf(stderr, "test_rdsdata_exec: cannot set up the client\n");
		return 2;
	}
	client->http.timeout_ms = 120000;
	target.resource_arn = "arn:aws:rds:us-east-1:123456789012:cluster:app-dev";
	target.secret_arn = argv[2];
	target.database = argv[3];
	st.client = client;
	st.resource_arn = target.resource_arn;
	st.secret_arn = target.secret_arn;
	st.database = target.database;
	rdsdata_executor_init(&exec, &st);
	app_mem_init(&cfgmem, &malloc_allocator);
	if (app_config_build(&cfgmem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
	{
		fprintf(stderr, "config: %s\n", S(err.message));
		return 2;
	}

	if (!big)
	{
		test_rewrite();
		test_cells();
		executed = -1;
		check(run_setup(&cfg, &executed, &report) == 0 && executed > 0, "setup-first",
			  "executed %d", executed);
		free(report);
		check(run_setup(&cfg, &executed, &report) == 0 && executed == 0, "setup-converged",
			  "executed %d", executed);
		compare("setup-report-equals-extension", report, "app_setup_roles()");
		free(report);
		check(run_check(&cfg, &success, &report) == 0 && success, "check-success",
			  "success %d", success);
		compare("check-report-equals-extension", report, "app_check_roles()");
		free(report);

		/* a read-only user: the same bytes through the Data API as through SPI */
		{
			const char *users[1] = {"analyst"};
			struct app_config ro = cfg;

			check(app_config_set_readonly(&cfgmem, &ro, users, 1, &err) == 0, "readonly-config", "%s",
				  S(err.message));
			check(run_setup(&ro, &executed, &report) == 0 && executed > 0, "readonly-setup",
				  "executed %d", executed);
			free(report);
			check(run_setup(&ro, &executed, &report) == 0 && executed == 0, "readonly-setup-converged",
				  "executed %d", executed);
			compare("readonly-setup-report-equals-extension", report,
					"app_setup_roles(readonly_users => ARRAY[$$analyst$$])");
			free(report);
			check(run_check(&ro, &success, &report) == 0 && success, "readonly-check-success",
				  "success %d", success);
			compare("readonly-check-report-equals-extension", report,
					"app_check_roles(readonly_users => ARRAY[$$analyst$$])");
			free(report);
			/* the later runs name no read-only user: analyst's grants are revoked now */
			check(run_setup(&cfg, &executed, &report) == 0 && executed > 0, "readonly-removed-revoked",
				  "executed %d", executed);
			free(report);
		}
	}
	else if (strcmp(argv[4], "revoked") == 0)
	{
		int			calls0 = st.calls;

		/* app lacks its privileges on every table: long pages of failures */
		check(run_check(&cfg, &success, &report) == 0 && !success, "revoked-check-fails",
			  "success %d", success);
		printf("# revoked check: %d ExecuteStatement calls, report %zu bytes\n",
			   st.calls - calls0, report ? strlen(report) : 0);
		compare("revoked-check-report-equals-extension", report, "app_check_roles()");
		free(report);
		check(run_setup(&cfg, &executed, &report) == 0 && executed > 0, "revoked-setup-repairs",
			  "executed %d", executed);
		printf("# revoked setup: %d statements executed\n", executed);
		free(report);
		check(run_check(&cfg, &success, &report) == 0 && success, "revoked-check-after-setup",
			  "success %d", success);
		compare("revoked-check-after-setup-equals-extension", report, "app_check_roles()");
		free(report);
	}
	else
	{
		int			calls0 = st.calls;

		check(run_check(&cfg, &success, &report) == 0 && success, "big-check-success",
			  "success %d", success);
		printf("# big check: %d ExecuteStatement calls\n", st.calls - calls0);
		compare("big-check-report-equals-extension", report, "app_check_roles()");
		free(report);
		check(run_setup(&cfg, &executed, &report) == 0 && executed == 0, "big-setup-converged",
			  "executed %d", executed);
		compare("big-setup-report-equals-extension", report, "app_setup_roles()");
		free(report);
	}
	app_mem_free_all(&cfgmem);
	aws_client_free(client);
	aws_global_cleanup();
	return unit_summary("rdsdata-exec");
}
