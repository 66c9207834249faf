/*
 * test/core/test_run.c
 *		The run loop (core/run.c): setup, plan and check over the fake
 *		executor, and the roles refused before anything runs.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/catalog.h"
#include "core/config.h"
#include "core/error.h"
#include "core/exec.h"
#include "core/mem.h"
#include "core/run.h"

#include "test/core/fake_exec.h"
#include "test/core/test_core.h"
#include "test/unit.h"

/* Setup: lock, plan, execute, plan again (empty), then the report. */
static void
test_run_setup(struct app_mem *mem, const void *arg)
{
	struct app_config cfg;
	struct app_snapshot before;
	struct app_snapshot after;
	struct fake f;
	struct app_executor exec;
	struct app_error err = {0};
	char	   *report = NULL;
	int			executed = -1;

	(void) arg;
	if (app_config_build(mem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
		return;
	snap_empty(mem, &before, 160000);
	snap_converged(mem, &after, 160000);
	fake_init(&f, mem);
	fake_report_data(&f);
	f.model = &before;
	f.after = &after;
	exec_init(&exec, &f);
	EXPECT(app_run_setup(&exec, mem, &cfg, &executed, &report, &err) == 0,
		   "setup failed: %s", nz(err.message));
	expect_list("executed", &f.executed, want_empty16);
	EXPECT(executed == f.executed.n, "executed %d, fake saw %d", executed, f.executed.n);
	EXPECT(f.q_lock == 1 && f.lock_seq == 1, "lock %d times, at query %d", f.q_lock, f.lock_seq);
	EXPECT(f.q_identity == 2, "catalogs read %d times, want 2 (before and after)", f.q_identity);
	EXPECT(report && strcmp(report, REPORT_JSON) == 0, "report %s", nz(report));
}

static void
test_run_setup_converged(struct app_mem *mem, const void *arg)
{
	struct app_config cfg;
	struct app_snapshot model;
	struct fake f;
	struct app_executor exec;
	struct app_error err = {0};
	char	   *report = NULL;
	int			executed = -1;

	(void) arg;
	if (app_config_build(mem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
		return;
	snap_converged(mem, &model, 150000);
	fake_init(&f, mem);
	f.model = &model;
	exec_init(&exec, &f);
	EXPECT(app_run_setup(&exec, mem, &cfg, &executed, &report, &err) == 0,
		   "setup failed: %s", nz(err.message));
	EXPECT(executed == 0 && f.executed.n == 0, "executed %d statements", f.executed.n);
	EXPECT(f.q_identity == 1, "catalogs read %d times, want 1", f.q_identity);
	EXPECT(report && strcmp(report, "{\"roles\":[],\"roles_with_groups\":{},\"schema_privileges\":{}}") == 0,
		   "report %s", nz(report));
}

/* Statements that had no effect: setup refuses to report success. */
static void
test_run_setup_not_converged(struct app_mem *mem, const void *arg)
{
	struct app_config cfg;
	struct app_snapshot model;
	struct fake f;
	struct app_executor exec;
	struct app_error err = {0};
	char	   *report = NULL;
	int			executed = -1;

	(void) arg;
	if (app_config_build(mem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
		return;
	snap_converged(mem, &model, 160000);
	model.search_path_ok = false;
	model.db_public_any = true;
	fake_init(&f, mem);
	f.model = &model;			/* no "after": nothing changes */
	exec_init(&exec, &f);
	EXPECT(app_run_setup(&exec, mem, &cfg, &executed, &report, &err) == -1,
		   "setup succeeded although nothing changed");
	EXPECT(err.kind == APP_ERR_NOT_CONVERGED, "kind %d", (int) err.kind);
	EXPECT(err.detail && strcmp(err.detail,
								"Still needed: REVOKE ALL ON DATABASE \"db\" FROM PUBLIC; "
								"ALTER DATABASE \"db\" SET search_path TO \"app\".") == 0,
		   "detail %s", nz(err.detail));
	EXPECT(executed == 2, "executed %d", executed);
}

/* Plan alone: lock then the statements, nothing executed. */
static void
test_run_plan(struct app_mem *mem, const void *arg)
{
	struct app_config cfg;
	struct app_snapshot model;
	struct fake f;
	struct app_executor exec;
	struct app_error err = {0};
	struct app_strlist out;

	(void) arg;
	if (app_config_build(mem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
		return;
	snap_empty(mem, &model, 150000);
	fake_init(&f, mem);
	f.model = &model;
	exec_init(&exec, &f);
	EXPECT(app_run_plan(&exec, mem, &cfg, &out, &err) == 0, "plan failed: %s", nz(err.message));
	expect_list("plan", &out, want_empty15);
	EXPECT(f.executed.n == 0, "plan executed %d statements", f.executed.n);
	EXPECT(f.q_lock == 1 && f.lock_seq == 1, "lock %d times, at query %d", f.q_lock, f.lock_seq);
}

/* Check: every check, then the report with checks and success. */
static void
test_run_check(struct app_mem *mem, const void *arg)
{
	struct app_config cfg;
	struct app_snapshot model;
	struct fake f;
	struct app_executor exec;
	struct app_error err = {0};
	char	   *report = NULL;
	bool		success = false;

	(void) arg;
	if (app_config_build(mem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
		return;
	snap_converged(mem, &model, 160000);
	fake_init(&f, mem);
	fake_report_data(&f);
	f.model = &model;
	exec_init(&exec, &f);
	EXPECT(app_run_check(&exec, mem, &cfg, &success, &report, &err) == 0,
		   "check failed: %s", nz(err.message));
	EXPECT(success, "success false on a converged database");
	EXPECT(report && strncmp(report, REPORT_JSON, strlen(REPORT_JSON) - 1) == 0,
		   "report does not start with the three keys: %.200s", nz(report));
	EXPECT(report && has(report, "},\"checks\":[{\"check\":\"migrator_role\"") &&
		   ends_with(report, "],\"success\":true}"), "report %s", nz(report));
	EXPECT(f.relations_unusable == 1 && f.relations_to_grant == 0,
		   "check read the relations to grant");
	EXPECT(f.executed.n == 0, "check executed statements");
}

/*
 * A role setup must never manage (issue 10 §4), found in the catalog: plan,
 * setup and check refuse it before executing or probing anything.
 */
struct refuse_case
{
	const char *name;
	void		(*tweak) (struct app_snapshot *s);
	const char *msg;
	const char *detail_has;
};

static void
rf_app_master(struct app_snapshot *s)
{
	s->app.is_master = true;
}

static void
rf_mig_bootstrap(struct app_snapshot *s)
{
	s->migrator.is_bootstrap = true;
	s->migrator.powers = "SUPERUSER, CREATEROLE, CREATEDB, REPLICATION, BYPASSRLS";
}

static void
rf_app_powers(struct app_snapshot *s)
{
	s->app.powers = "CREATEDB, BYPASSRLS";
}

static void
rf_mig_rds_superuser(struct app_snapshot *s)
{
	s->migrator.in_rds_superuser = true;
}

/* Flags of a role that does not exist cannot refuse it. */
static void
rf_app_missing_flags(struct app_snapshot *s)
{
	set_role_facts(&s->app, false);
	s->app.in_rds_superuser = true;
}

static const struct refuse_case refuse_cases[] = {
	{"refuse: app_user is the master", rf_app_master,
	"app_user \"app\" is the current user", "ordinary roles"},
	{"refuse: migrator_user is the bootstrap superuser", rf_mig_bootstrap,
	"migrator_user \"migrator\" is the bootstrap superuser", "LOGIN"},
	{"refuse: app_user has CREATEDB and BYPASSRLS", rf_app_powers,
	"app_user \"app\" is a privileged role", "It has CREATEDB, BYPASSRLS."},
	{"refuse: migrator_user is a member of rds_superuser", rf_mig_rds_superuser,
	"migrator_user \"migrator\" is a member of rds_superuser", "rds_iam"},
	{"refuse: none for a role that does not exist yet", rf_app_missing_flags, NULL, NULL},
};

static void
test_refuse(struct app_mem *mem, const void *arg)
{
	const struct refuse_case *c = arg;
	struct app_config cfg;
	struct app_snapshot model;
	struct app_strlist plan;
	struct fake f;
	struct app_executor exec;
	struct app_error err = {0};
	char	   *report = NULL;
	bool		success = true;
	int			executed = -1;
	int			rc;

	if (app_config_build(mem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
		return;
	snap_converged(mem, &model, 160000);
	model.search_path_ok = false;	/* setup would have work to do */
	c->tweak(&model);
	fake_init(&f, mem);
	fake_report_data(&f);
	f.model = &model;
	exec_init(&exec, &f);

	rc = app_run_setup(&exec, mem, &cfg, &executed, &report, &err);
	if (c->msg == NULL)
	{
		EXPECT(f.executed.n > 0, "setup refused: %s", nz(err.message));
		return;
	}
	EXPECT(rc == -1, "setup accepted");
	EXPECT(f.executed.n == 0 && executed == 0, "setup executed %d statements", f.executed.n);
	EXPECT(err.kind == APP_ERR_INVALID_VALUE, "kind %d", (int) err.kind);
	EXPECT(err.message && strcmp(err.message, c->msg) == 0, "message [%s], want [%s]",
		   nz(err.message), c->msg);
	EXPECT(has(err.detail, c->detail_has), "detail [%s] lacks [%s]", nz(err.detail),
		   c->detail_has);
	EXPECT(has(err.hint, "Choose another name"), "hint [%s]", nz(err.hint));

	memset(&err, 0, sizeof(err));
	EXPECT(app_run_plan(&exec, mem, &cfg, &plan, &err) == -1 &&
		   strcmp(nz(err.message), c->msg) == 0, "plan: %s", nz(err.message));
	memset(&err, 0, sizeof(err));
	EXPECT(app_run_check(&exec, mem, &cfg, &success, &report, &err) == -1 &&
		   strcmp(nz(err.message), c->msg) == 0, "check: %s", nz(err.message));
	EXPECT(f.probe_calls == 0, "check probed %d times", f.probe_calls);
}

/* The run cases, in order. */
void
run_tests(void)
{
	size_t		i;

	run_case("run: setup executes the plan and converges", test_run_setup, NULL);
	run_case("run: setup on a converged database executes nothing",
			 test_run_setup_converged, NULL);
	run_case("run: setup that does not converge fails", test_run_setup_not_converged, NULL);
	run_case("run: plan locks and executes nothing", test_run_plan, NULL);
	run_case("run: check adds checks and success to the report", test_run_check, NULL);
	for (i = 0; i < sizeof(refuse_cases) / sizeof(refuse_cases[0]); i++)
		run_case(refuse_cases[i].name, test_refuse, &refuse_cases[i]);
}
