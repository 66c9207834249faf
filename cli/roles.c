/*
 * cli/roles.c
 *		The roles commands: one transaction each, with the same logic and
 *		report whether the extension runs it or appdb does.
 *
 * Two runners do setup, check and plan: the extension's, which calls its SQL
 * functions over libpq, and the core's, over the session's executor (libpq
 * or the Data API).  roles_command_in picks one and calls it the same way
 * for every command; retries, the commit and printing are the same for both.
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

/* SQLSTATE serialization_failure: what the extension raises for a lost race. */
#define SQLSTATE_LOST_RACE "40001"

/* What one run of a command produced. */
struct roles_result
{
	char	   *report;			/* setup and check: the report's JSON */
	struct app_strlist plan;	/* plan: the statements */
	bool		success;		/* check: every check passed */
	int			executed;		/* setup: statements executed */
};

/* The three operations, each in the session's open transaction. */
enum roles_op
{
	ROLES_SETUP,
	ROLES_CHECK,
	ROLES_PLAN,
	ROLES_N_OPS
};

typedef int (*roles_fn) (struct roles_session *session, struct app_mem *mem,
						 const struct env_config *cfg, struct roles_result *out,
						 struct app_error *err);

/* A runner: where the logic runs.  Each op returns 0, or -1 with err set. */
struct roles_runner
{
	const char *what;			/* for --verbose */
	roles_fn	op[ROLES_N_OPS];
};

/* NOTICEs of the extension: while setup runs (arg set), each is a statement it executed. */
static void
count_notice(void *arg, const PGresult *res)
{
	int		   *executed = arg;
	const char *severity = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	if (msg == NULL)
		return;
	/* setup's NOTICE that it lost a race and retries carries its SQLSTATE */
	if (executed && severity && strcmp(severity, "NOTICE") == 0 &&
		!(state && strcmp(state, SQLSTATE_LOST_RACE) == 0))
	{
		(*executed)++;
		verbosef("%s", msg);
	}
	else if (severity && strcmp(severity, "WARNING") == 0)
		warnf("%s", msg);
	else
		verbosef("%s", msg);
}

/*
 * Whether the extension is there and we may call it (whatever its version's
 * signature); with read-only users, whether it takes them (0.2 and later).
 */
static bool
extension_usable(PGconn *conn, bool readers)
{
	PGresult   *res = PQexecParams(conn,
								   "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'app_roles')"
								   " AND EXISTS (SELECT 1 FROM pg_catalog.pg_proc"
								   "  WHERE proname = 'app_setup_roles' AND pronamespace = 'pg_catalog'::pg_catalog.regnamespace"
								   "  AND (NOT $1::boolean OR 'readonly_users' = ANY (proargnames))"
								   "  AND pg_catalog.has_function_privilege(oid, 'EXECUTE'))",
								   1, NULL, (const char *const[]) {readers ? "t" : "f"}, NULL, NULL, 0);
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

/*
 * The extension's error as a core error: the SQLSTATEs its core errors are
 * raised with (extension/spi_exec.c) give back their kinds, so a refusal and
 * a lost race read the same whichever runner ran.
 */
static void
extension_error(struct app_mem *mem, const PGresult *res, PGconn *conn,
				struct app_error *err)
{
	pg_result_error(mem, res, conn, err);
	if (err->sqlstate == NULL)
		return;
	if (strcmp(err->sqlstate, "22023") == 0)
		err->kind = APP_ERR_INVALID_VALUE;
	else if (strcmp(err->sqlstate, "42622") == 0)
		err->kind = APP_ERR_NAME_TOO_LONG;
	else if (strcmp(err->sqlstate, SQLSTATE_LOST_RACE) == 0)
		err->kind = APP_ERR_LOST_RACE;
}

/* The read-only users as a text[] literal: each element double-quoted. */
static char *
readonly_array(struct app_mem *mem, const struct env_config *cfg)
{
	struct app_buf a;
	int			i;

	app_buf_init(&a, mem);
	app_buf_append(&a, "{");
	for (i = 0; cfg->readonly_users && cfg->readonly_users[i]; i++)
	{
		const char *p;

		app_buf_append(&a, i ? ",\"" : "\"");
		for (p = cfg->readonly_users[i]; *p; p++)
		{
			if (*p == '"' || *p == '\\')
				app_buf_append_len(&a, "\\", 1);
			app_buf_append_len(&a, p, 1);
		}
		app_buf_append(&a, "\"");
	}
	app_buf_append(&a, "}");
	return a.data;
}

/*
 * Run a call of the extension function fn (with AS and FROM as sql_fmt puts
 * them) with the configuration's names as $1..$5, and its read-only users,
 * when there are any, as readonly_users => $6 (an extension before 0.2 has no
 * such argument: extension_usable sent those runs to the core), into rows
 * (the first column of each).
 */
static int
call_extension(PGconn *conn, struct app_mem *mem, const char *sql_fmt,
			   const struct env_config *cfg, struct app_strlist *rows,
			   struct app_error *err)
{
	const char *params[6] = {cfg->app_user, cfg->migrator_user, cfg->schema,
	cfg->auth, cfg->extensions, NULL};
	bool		readers = cfg->readonly_users && cfg->readonly_users[0];
	struct app_buf sql;
	PGresult   *res;
	int			rc = 0;
	int			i;

	app_buf_init(&sql, mem);
	app_buf_printf(&sql, sql_fmt, readers ? ", readonly_users => $6::text[]" : "");
	if (readers)
		params[5] = readonly_array(mem, cfg);
	res = PQexecParams(conn, sql.data, readers ? 6 : 5, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		extension_error(mem, res, conn, err);
		rc = -1;
	}
	else
		for (i = 0; i < PQntuples(res); i++)
			app_strlist_add(mem, rows, app_strdup(mem, PQgetvalue(res, i, 0)));
	PQclear(res);
	return rc;
}

/* The same for a function returning one JSON value. */
static int
call_extension_json(PGconn *conn, struct app_mem *mem, const char *sql,
					const struct env_config *cfg, char **out, struct app_error *err)
{
	struct app_strlist rows = {0};

	if (call_extension(conn, mem, sql, cfg, &rows, err) != 0)
		return -1;
	*out = rows.items[0];
	return 0;
}

static int
extension_setup(struct roles_session *session, struct app_mem *mem,
				const struct env_config *cfg, struct roles_result *out,
				struct app_error *err)
{
	int			rc;

	PQsetNoticeReceiver(session->conn, count_notice, &out->executed);
	rc = call_extension_json(session->conn, mem,
							 "SELECT pg_catalog.app_setup_roles($1, $2, $3, $4, $5::jsonb%s)",
							 cfg, &out->report, err);
	PQsetNoticeReceiver(session->conn, count_notice, NULL);
	return rc;
}

static int
extension_check(struct roles_session *session, struct app_mem *mem,
				const struct env_config *cfg, struct roles_result *out,
				struct app_error *err)
{
	if (call_extension_json(session->conn, mem,
							"SELECT pg_catalog.app_check_roles($1, $2, $3, $4, $5::jsonb%s)",
							cfg, &out->report, err) != 0)
		return -1;
	out->success = report_success(out->report);
	return 0;
}

static int
extension_plan(struct roles_session *session, struct app_mem *mem,
			   const struct env_config *cfg, struct roles_result *out,
			   struct app_error *err)
{
	return call_extension(session->conn, mem,
						  "SELECT * FROM pg_catalog.app_roles_plan($1, $2, $3, $4, $5::jsonb%s)",
						  cfg, &out->plan, err);
}

static int
core_setup(struct roles_session *session, struct app_mem *mem,
		   const struct env_config *cfg, struct roles_result *out,
		   struct app_error *err)
{
	return app_run_setup(&session->exec, mem, cfg->roles, &out->executed, &out->report, err);
}

static int
core_check(struct roles_session *session, struct app_mem *mem,
		   const struct env_config *cfg, struct roles_result *out,
		   struct app_error *err)
{
	return app_run_check(&session->exec, mem, cfg->roles, &out->success, &out->report, err);
}

static int
core_plan(struct roles_session *session, struct app_mem *mem,
		  const struct env_config *cfg, struct roles_result *out,
		  struct app_error *err)
{
	return app_run_plan(&session->exec, mem, cfg->roles, &out->plan, err);
}

static const struct roles_runner extension_runner = {
	"the app_roles extension", {extension_setup, extension_check, extension_plan}
};

static const struct roles_runner core_runner = {
	"appdb's own copy of its logic", {core_setup, core_check, core_plan}
};

/* Whether setup or check refused what it was given (exit 2). */
static bool
is_refusal(const struct app_error *err)
{
	return err->kind == APP_ERR_INVALID_VALUE || err->kind == APP_ERR_NAME_TOO_LONG;
}

/* The statements, as setup's plan has them, one a line (or a JSON array). */
static void
print_plan(const struct app_strlist *plan, enum appdb_output output)
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

/*
 * check --login: log in as migrator, then app, and add the results to the
 * report under "login".  Returns how many could not log in.
 */
static int
add_logins(struct app_mem *mem, const struct roles_login *login,
		   const struct env_config *cfg, char **report)
{
	char	  **roles = NULL;
	struct json_object *root = json_tokener_parse(*report);
	struct json_object *list = json_object_new_array();
	int			failed = 0;
	int			i;

	strv_add(&roles, cfg->migrator_user);
	strv_add(&roles, cfg->app_user);
	for (i = 0; cfg->readonly_users && cfg->readonly_users[i]; i++)
		strv_add(&roles, cfg->readonly_users[i]);
	for (i = 0; roles[i]; i++)
	{
		struct json_object *item = json_object_new_object();
		char	   *detail = NULL;
		bool		ok = login->login(login->arg, roles[i], &detail);

		if (!ok)
			failed++;
		json_object_object_add(item, "role", json_object_new_string(roles[i]));
		json_object_object_add(item, "ok", json_object_new_boolean(ok));
		json_object_object_add(item, "detail", json_object_new_string(detail ? detail : ""));
		json_object_array_add(list, item);
		free(detail);
	}
	if (root == NULL)
		root = json_object_new_object();
	json_object_object_add(root, "login", list);
	*report = app_strdup(mem, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
															  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	strv_free(&roles);
	return failed;
}

/* How often a command whose statement lost its answer is run again in all. */
#define LOST_ANSWER_ATTEMPTS 3

/* attempt's outcomes besides 0 */
#define ATTEMPT_FAILED -1		/* err set; *rolled_back says if it was */
#define ATTEMPT_REPORTED -2		/* reported already */
#define ATTEMPT_COMMIT_UNKNOWN -3	/* the commit's answer was lost */

/*
 * One attempt of the command in its own transaction.  Setup commits; check
 * and plan changed nothing and roll back, and keep their result when the
 * rollback fails (the failure was reported).
 */
static int
attempt(struct roles_session *session, struct app_mem *mem, const struct env_config *cfg,
		roles_fn run, bool commits, struct roles_result *out, bool *rolled_back,
		struct app_error *err)
{
	memset(out, 0, sizeof(*out));
	*rolled_back = false;
	if (session->begin(session->state) != 0)
		return ATTEMPT_REPORTED;
	if (run(session, mem, cfg, out, err) != 0)
	{
		*rolled_back = session->finish(session->state, false) == 0;
		return ATTEMPT_FAILED;
	}
	if (!commits)
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
 * a new transaction; an empty plan means it did.  Returns EXIT_GO_ON (it
 * did), or an exit code after saying what is known.
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
		return EXIT_GO_ON;
	}
	errorf("roles setup: the commit did not take effect: %d statement%s still to run, nothing was changed",
		   plan.n, plan.n == 1 ? " is" : "s are");
	hintf("run roles setup again");
	return EXIT_FAILURE_REMOTE;
}

/* The runner for this command, or NULL after saying why there is none. */
/*
 * The extension where it is installed (and takes the read-only users, when
 * there are some); else appdb's core, which alone drops removed read-only
 * users (--drop-removed: the extension's API has no such argument).
 */
static const struct roles_runner *
choose_runner(struct roles_session *session, const struct appdb_options *opts,
			  const struct env_config *cfg)
{
	enum appdb_via via = opts->via;
	bool		readers = cfg->readonly_users && cfg->readonly_users[0];

	if (opts->drop_removed)
	{
		if (via == VIA_EXTENSION)
		{
			errorf("--drop-removed runs appdb's own logic; the extension takes no such argument");
			hintf("leave out --via extension");
			return NULL;
		}
		return &core_runner;
	}
	if (session->conn && (via == VIA_EXTENSION ||
						  (via == VIA_AUTO && extension_usable(session->conn, readers))))
		return &extension_runner;
	if (via != VIA_EXTENSION)
		return &core_runner;
	if (session->conn)
		errorf("the app_roles extension is not installed in database \"%s\", or its functions are not yours to execute",
			   session->where);
	else
		errorf("the app_roles extension cannot run in %s: Aurora loads no custom C extensions",
			   session->where);
	hintf("use --via core (or auto) to run the same logic in appdb");
	return NULL;
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
			  const struct env_config *cfg, const struct roles_login *login)
{
	struct roles_session session = {.begin = pg_begin, .finish = pg_finish,
	.state = conn, .conn = conn, .where = PQdb(conn)};

	pg_executor_init(&session.exec, conn);
	PQsetNoticeReceiver(conn, count_notice, NULL);
	return roles_command_in(&session, opts, cfg, login);
}

int
roles_command_in(struct roles_session *session, const struct appdb_options *opts,
				 const struct env_config *cfg, const struct roles_login *login)
{
	const struct roles_runner *runner;
	enum roles_op op = opts->command == CMD_ROLES_SETUP ? ROLES_SETUP :
		opts->command == CMD_ROLES_CHECK ? ROLES_CHECK : ROLES_PLAN;
	struct app_mem mem;
	struct app_error err = {0};
	struct roles_result result = {0};
	bool		rolled_back;
	int			rc;
	int			tries;
	int			races = 0;
	int			code = EXIT_OK;

	if ((runner = choose_runner(session, opts, cfg)) == NULL)
		return EXIT_USAGE;
	cfg->roles->drop_removed = opts->drop_removed;
	verbosef("running %s through %s", command_name(opts->command), runner->what);

	app_mem_init(&mem, &malloc_allocator);
	for (tries = 1;; tries++)
	{
		rc = attempt(session, &mem, cfg, runner->op[op], op == ROLES_SETUP, &result,
					 &rolled_back, &err);
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
		if (err.kind != APP_ERR_LOST_RACE || races++ > 0)
			break;
		notef("setup lost a race with a setup in another database (%s); retrying", err.message);
	}
	if (rc == ATTEMPT_COMMIT_UNKNOWN &&
		(code = settle_commit(session, &mem, cfg->roles)) != EXIT_GO_ON)
		goto out;
	code = EXIT_OK;
	if (rc == ATTEMPT_REPORTED)
	{
		code = EXIT_FAILURE_REMOTE;
		goto out;
	}
	if (rc == ATTEMPT_FAILED)
	{
		report_app_error(&err);
		code = is_refusal(&err) ? EXIT_USAGE : EXIT_FAILURE_REMOTE;
		goto out;
	}

	switch (op)
	{
		case ROLES_SETUP:
			if (result.executed == 0)
				notef("roles setup: nothing to change; every role, grant and default privilege was already in place");
			else
				notef("roles setup: executed %d statement%s", result.executed,
					  result.executed == 1 ? "" : "s");
			print_report(result.report, opts->output);
			break;
		case ROLES_CHECK:
			{
				int			failed = 0;

				if ((opts->login || opts->login_if_reachable) && login)
					failed = add_logins(&mem, login, cfg, &result.report);
				print_report(result.report, opts->output);
				if (failed > 0 && login->hint)
					hintf("%s", login->hint);
				code = result.success && failed == 0 ? EXIT_OK : EXIT_CHECK_FAILED;
			}
			break;
		default:
			print_plan(&result.plan, opts->output);
			break;
	}
out:
	app_mem_free_all(&mem);
	return code;
}
