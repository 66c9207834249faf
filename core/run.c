/*
 * core/run.c
 *		The three operations over an executor.
 */
#include "run.h"

#include "catalog.h"
#include "checks.h"
#include "plan.h"
#include "report.h"

static int
lock(const struct app_executor *exec, struct app_mem *mem, struct app_error *err)
{
	struct app_rows rows;

	if (exec->query(exec->state, mem, APP_LOCK_SQL, 0, NULL, &rows, err) != 0)
		return -1;
	app_rows_free(mem, &rows);
	return 0;
}

static int
read_and_plan(const struct app_executor *exec, struct app_mem *mem,
			  const struct app_config *cfg, struct app_strlist *out,
			  struct app_error *err)
{
	struct app_snapshot snap;

	if (app_read_snapshot(exec, mem, cfg, APP_RELATIONS_TO_GRANT, &snap, err) != 0)
		return -1;
	return app_plan(mem, cfg, &snap, out, err);
}

/* The statements setup would execute now. */
int
app_run_plan(const struct app_executor *exec, struct app_mem *mem,
			 const struct app_config *cfg, struct app_strlist *out,
			 struct app_error *err)
{
	if (lock(exec, mem, err) != 0)
		return -1;
	return read_and_plan(exec, mem, cfg, out, err);
}

/* The report alone, as setup returns it. */
int
app_run_report(const struct app_executor *exec, struct app_mem *mem,
			   char **report, struct app_error *err)
{
	struct app_report_rows rows;
	struct json_object *obj;

	if (app_read_report(exec, mem, &rows, err) != 0)
		return -1;
	obj = app_build_report(mem, &rows);
	*report = app_json_string(mem, obj);
	json_object_put(obj);
	return 0;
}

/*
 * Execute the plan, then read the catalogs again: the plan must now be empty.
 * That catches a statement PostgreSQL only warned about ("no privileges could
 * be revoked"), since warnings reach neither SPI nor the Data API's caller.
 */
int
app_run_setup(const struct app_executor *exec, struct app_mem *mem,
			  const struct app_config *cfg, int *executed, char **report,
			  struct app_error *err)
{
	struct app_strlist plan;
	struct app_strlist after;
	int			i;

	*executed = 0;
	if (lock(exec, mem, err) != 0 ||
		read_and_plan(exec, mem, cfg, &plan, err) != 0)
		return -1;
	for (i = 0; i < plan.n; i++)
	{
		if (exec->execute(exec->state, mem, plan.items[i], err) != 0)
		{
			if (err->kind == APP_ERR_DATABASE && app_sqlstate_lost_race(err->sqlstate))
				err->kind = APP_ERR_LOST_RACE;
			return -1;
		}
		(*executed)++;
	}
	if (plan.n > 0)
	{
		if (read_and_plan(exec, mem, cfg, &after, err) != 0)
			return -1;
		if (after.n > 0)
		{
			struct app_buf detail;

			app_buf_init(&detail, mem);
			app_buf_append(&detail, "Still needed: ");
			for (i = 0; i < after.n; i++)
			{
				if (i > 0)
					app_buf_append(&detail, "; ");
				app_buf_append(&detail, after.items[i]);
			}
			app_buf_append(&detail, ".");
			return app_error_set(err, mem, APP_ERR_NOT_CONVERGED, detail.data,
								 "A statement may have had no effect for lack of a privilege: run it by hand as the master to see the warning.",
								 "setup did not converge");
		}
	}
	return app_run_report(exec, mem, report, err);
}

/* Every check, then the report with "checks" and "success". */
int
app_run_check(const struct app_executor *exec, struct app_mem *mem,
			  const struct app_config *cfg, bool *success, char **report,
			  struct app_error *err)
{
	struct app_snapshot snap;
	struct app_checks checks;
	struct app_report_rows rows;
	struct json_object *obj;

	if (lock(exec, mem, err) != 0 ||
		app_read_snapshot(exec, mem, cfg, APP_RELATIONS_UNUSABLE, &snap, err) != 0 ||
		app_checks_run(exec, mem, cfg, &snap, &checks, err) != 0 ||
		app_read_report(exec, mem, &rows, err) != 0)
		return -1;
	obj = app_build_report(mem, &rows);
	app_checks_to_json(&checks, obj);
	*report = app_json_string(mem, obj);
	json_object_put(obj);
	*success = checks.success;
	return 0;
}

/*
 * A report indented for people, keys in the report's order (jsonb_pretty
 * would sort them); NULL when json does not parse.
 */
char *
app_json_pretty(struct app_mem *mem, const char *json)
{
	struct json_object *obj = json_tokener_parse(json);
	char	   *pretty;

	if (obj == NULL)
		return NULL;
	pretty = app_strdup(mem, json_object_to_json_string_ext(obj,
															 JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
	return pretty;
}
