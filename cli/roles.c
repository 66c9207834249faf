/*
 * cli/roles.c
 *		The roles commands: one transaction each, with the same logic and
 *		report whether the extension runs it or appdb does.
 */
#include "roles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/run.h"
#include "msgs.h"
#include "output.h"
#include "pgexec.h"
#include "util.h"

/* NOTICEs of the extension: while setup runs (arg set), each is a statement it executed. */
static void
count_notice(void *arg, const PGresult *res)
{
	int		   *executed = arg;
	const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	if (msg == NULL)
		return;
	if (executed && severity && strcmp(severity, "NOTICE") == 0 &&
		strncmp(msg, "setup lost a race", 17) != 0)
	{
		(*executed)++;
		verbosef("%s", msg);
	}
	else if (severity && strcmp(severity, "WARNING") == 0)
		warnf("%s", msg);
	else
		verbosef("%s", msg);
}

static bool
extension_usable(PGconn *conn)
{
	PGresult   *res = PQexec(conn,
							 "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'app_roles')"
							 " AND pg_catalog.has_function_privilege("
							 "  'pg_catalog.app_setup_roles(text, text, text, text, jsonb)', 'EXECUTE')");
	bool		usable = PQresultStatus(res) == PGRES_TUPLES_OK &&
		strcmp(PQgetvalue(res, 0, 0), "t") == 0;

	PQclear(res);
	return usable;
}

/* The "success" of a check report. */
static bool
report_success(const char *json)
{
	struct json_object *root = json_tokener_parse(json);
	struct json_object *v;
	bool		ok = root && json_object_object_get_ex(root, "success", &v) &&
		json_object_get_boolean(v);

	if (root)
		json_object_put(root);
	return ok;
}

/* A lost race with a setup in another database: worth one retry. */
static bool
is_lost_race(const struct app_error *err)
{
	return (err->sqlstate && (strcmp(err->sqlstate, "42710") == 0 ||
							  strcmp(err->sqlstate, "23505") == 0)) ||
		(err->message && strcmp(err->message, "tuple concurrently updated") == 0);
}

/*
 * Whether setup or check refused what it was given (exit 2): the core's own
 * refusal, or the extension's, which raises it with SQLSTATE 22023 or 42622
 * (extension/spi_exec.c).
 */
static bool
is_refusal(const struct app_error *err, bool via_extension)
{
	if (err->kind == APP_ERR_INVALID_VALUE || err->kind == APP_ERR_NAME_TOO_LONG)
		return true;
	return via_extension && err->sqlstate &&
		(strcmp(err->sqlstate, "22023") == 0 || strcmp(err->sqlstate, "42622") == 0);
}

/* One call of an extension function returning one JSON value. */
static int
call_extension(PGconn *conn, struct app_mem *mem, const char *function,
			   const struct env_config *cfg, char **out, struct app_error *err)
{
	const char *params[5] = {cfg->app_user, cfg->migrator_user, cfg->schema,
	cfg->auth, cfg->extensions};
	char	   *sql = str_printf("SELECT pg_catalog.%s($1, $2, $3, $4, $5::jsonb)", function);
	PGresult   *res = PQexecParams(conn, sql, 5, NULL, params, NULL, NULL, 0);
	int			rc = 0;

	free(sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		pg_result_error(mem, res, conn, err);
		rc = -1;
	}
	else
		*out = app_strdup(mem, PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

/* The statements, as setup's plan has them, one a line (or a JSON array). */
static void
print_plan(struct app_strlist *plan, enum appdb_output output)
{
	int			i;

	if (output == OUTPUT_JSON)
	{
		struct json_object *list = json_object_new_array();

		for (i = 0; i < plan->n; i++)
			json_object_array_add(list, json_object_new_string(plan->items[i]));
		printf("%s\n", json_object_to_json_string_ext(list, JSON_C_TO_STRING_PLAIN |
													  JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(list);
		return;
	}
	if (plan->n == 0)
		printf("Nothing to do: roles and privileges have converged.\n");
	for (i = 0; i < plan->n; i++)
		printf("%s;\n", plan->items[i]);
}

/* How often a command whose statement lost its answer is run again in all. */
#define LOST_ANSWER_ATTEMPTS 3

/* attempt's outcomes besides 0 */
#define ATTEMPT_FAILED -1		/* err set; *rolled_back says if it was */
#define ATTEMPT_REPORTED -2		/* reported already */
#define ATTEMPT_COMMIT_UNKNOWN -3	/* the commit's answer was lost */

/*
 * One attempt of the command in its own transaction.  A read-only command
 * (check, plan) keeps its result when its rollback fails: it changed
 * nothing, and the failure was reported.
 */
static int
attempt(struct roles_session *session, struct app_mem *mem, const struct appdb_options *opts,
		const struct env_config *cfg, const struct app_config *roles,
		bool via_extension, char **report, struct app_strlist *plan,
		bool *success, int *executed, bool *rolled_back, struct app_error *err)
{
	PGconn	   *conn = session->conn;
	const struct app_executor *exec = &session->exec;
	int			rc;

	*executed = 0;
	*rolled_back = false;
	if (session->begin(session->state) != 0)
		return ATTEMPT_REPORTED;
	switch (opts->command)
	{
		case CMD_ROLES_SETUP:
			if (via_extension)
			{
				PQsetNoticeReceiver(conn, count_notice, executed);
				rc = call_extension(conn, mem, "app_setup_roles", cfg, report, err);
				PQsetNoticeReceiver(conn, count_notice, NULL);
			}
			else
				rc = app_run_setup(exec, mem, roles, executed, report, err);
			break;
		case CMD_ROLES_CHECK:
			if (via_extension)
			{
				rc = call_extension(conn, mem, "app_check_roles", cfg, report, err);
				*success = rc == 0 && report_success(*report);
			}
			else
				rc = app_run_check(exec, mem, roles, success, report, err);
			break;
		default:
			if (via_extension)
			{
				const char *sql = "SELECT * FROM pg_catalog.app_roles_plan($1, $2, $3, $4, $5::jsonb)";
				const char *params[5] = {cfg->app_user, cfg->migrator_user, cfg->schema,
				cfg->auth, cfg->extensions};
				PGresult   *res = PQexecParams(conn, sql, 5, NULL, params, NULL, NULL, 0);
				int			i;

				memset(plan, 0, sizeof(*plan));
				rc = 0;
				if (PQresultStatus(res) != PGRES_TUPLES_OK)
				{
					pg_result_error(mem, res, conn, err);
					rc = -1;
				}
				else
					for (i = 0; i < PQntuples(res); i++)
						app_strlist_add(mem, plan, app_strdup(mem, PQgetvalue(res, i, 0)));
				PQclear(res);
			}
			else
				rc = app_run_plan(exec, mem, roles, plan, err);
			break;
	}
	/* setup commits; check and plan changed nothing and roll back */
	if (rc != 0)
	{
		*rolled_back = session->finish(session->state, false) == 0;
		return ATTEMPT_FAILED;
	}
	if (opts->command != CMD_ROLES_SETUP)
	{
		session->finish(session->state, false);
		return 0;
	}
	switch (session->finish(session->state, true))
	{
		case 0:
			return 0;
		case 1:
			return ATTEMPT_COMMIT_UNKNOWN;
		default:
			return ATTEMPT_REPORTED;
	}
}

/*
 * Whether setup's commit, whose answer was lost, took effect: plan again in
 * a new transaction; an empty plan means it did.  Returns 0 (it did), or an
 * exit code after saying what is known.
 */
static int
settle_commit(struct roles_session *session, struct app_mem *mem,
			  const struct app_config *roles)
{
	struct app_strlist plan = {0};
	struct app_error err = {0};
	int			rc;

	notef("roles setup: the commit's answer was lost (or was a server error); planning again to learn whether it took effect");
	if (session->begin(session->state) != 0)
		return EXIT_FAILURE_REMOTE;
	rc = app_run_plan(&session->exec, mem, roles, &plan, &err);
	session->finish(session->state, false);
	if (rc != 0)
	{
		report_app_error(&err);
		hintf("whether setup's changes were committed is unknown: \"appdb roles plan\" shows what is still to do");
		return EXIT_FAILURE_REMOTE;
	}
	if (plan.n == 0)
	{
		notef("roles setup: the commit took effect: planning again finds nothing left to do");
		return 0;
	}
	errorf("roles setup: the commit did not take effect: %d statement%s still to run, nothing was changed",
		   plan.n, plan.n == 1 ? " is" : "s are");
	hintf("run roles setup again");
	return EXIT_FAILURE_REMOTE;
}

static int
pg_begin(void *conn)
{
	return pg_command(conn, "BEGIN");
}

static int
pg_finish(void *conn, bool commit)
{
	if (!commit)
		return pg_command_quiet(conn, "ROLLBACK");
	return pg_command(conn, "COMMIT");
}

int
roles_command(PGconn *conn, const struct appdb_options *opts,
			  const struct env_config *cfg, int *executed)
{
	struct roles_session session = {.begin = pg_begin, .finish = pg_finish,
	.state = conn, .conn = conn, .where = PQdb(conn)};

	pg_executor_init(&session.exec, conn);
	PQsetNoticeReceiver(conn, count_notice, NULL);
	return roles_command_in(&session, opts, cfg, executed);
}

int
roles_command_in(struct roles_session *session, const struct appdb_options *opts,
				 const struct env_config *cfg, int *executed)
{
	PGconn	   *conn = session->conn;
	struct app_mem mem;
	struct app_config roles;
	struct app_error err = {0};
	struct app_strlist plan = {0};
	char	   *report = NULL;
	bool		success = false;
	bool		via_extension;
	bool		rolled_back;
	int			rc;
	int			tries;
	int			races = 0;
	int			code = EXIT_OK;

	app_mem_init(&mem, &malloc_allocator);
	if (app_config_build(&mem, &roles, cfg->app_user, cfg->migrator_user, cfg->schema,
						 cfg->auth, cfg->extensions, &err) != 0)
	{
		report_app_error(&err);
		code = EXIT_USAGE;
		goto out;
	}
	via_extension = conn && (opts->via == VIA_EXTENSION ||
							 (opts->via == VIA_AUTO && extension_usable(conn)));
	if (opts->via == VIA_EXTENSION && !via_extension)
	{
		if (conn)
			errorf("the app_roles extension is not installed in database \"%s\", or its functions are not yours to execute",
				   session->where);
		else
			errorf("the app_roles extension cannot run in %s: Aurora loads no custom C extensions",
				   session->where);
		hintf("use --via core (or auto) to run the same logic in appdb");
		code = EXIT_USAGE;
		goto out;
	}
	verbosef("running %s through %s", command_name(opts->command),
			 via_extension ? "the app_roles extension" : "appdb's own copy of its logic");

	for (tries = 1;; tries++)
	{
		rc = attempt(session, &mem, opts, cfg, &roles, via_extension, &report, &plan,
					 &success, executed, &rolled_back, &err);
		if (rc != ATTEMPT_FAILED || !rolled_back)
			break;

		/*
		 * A statement whose answer was lost may have run: never send it
		 * again in the same transaction, run the whole command again in a
		 * new one.
		 */
		if (err.kind == APP_ERR_LOST_ANSWER && tries < LOST_ANSWER_ATTEMPTS)
		{
			notef("%s: %s; rolled back, running it again", command_name(opts->command), err.message);
			continue;
		}
		if (races++ > 0 || !is_lost_race(&err))
			break;
		notef("setup lost a race with a setup in another database (%s); retrying", err.message);
	}
	if (rc == ATTEMPT_COMMIT_UNKNOWN && (code = settle_commit(session, &mem, &roles)) != 0)
		goto out;
	if (rc == ATTEMPT_REPORTED)
	{
		code = EXIT_FAILURE_REMOTE;
		goto out;
	}
	if (rc == ATTEMPT_FAILED)
	{
		report_app_error(&err);
		code = is_refusal(&err, via_extension) ? EXIT_USAGE : EXIT_FAILURE_REMOTE;
		goto out;
	}

	switch (opts->command)
	{
		case CMD_ROLES_SETUP:
			if (*executed == 0)
				notef("roles setup: nothing to change; every role, grant and default privilege was already in place");
			else
				notef("roles setup: executed %d statement%s", *executed, *executed == 1 ? "" : "s");
			print_report(report, opts->output);
			break;
		case CMD_ROLES_CHECK:
			print_report(report, opts->output);
			code = success ? EXIT_OK : EXIT_CHECK_FAILED;
			break;
		default:
			print_plan(&plan, opts->output);
			break;
	}
out:
	app_mem_free_all(&mem);
	return code;
}
