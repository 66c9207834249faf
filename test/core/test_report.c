/*
 * test/core/test_report.c
 *		The report (core/report.c): catalog rows read through the fake
 *		executor, paged, into the exact JSON both executors print.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/catalog.h"
#include "core/error.h"
#include "core/exec.h"
#include "core/mem.h"
#include "core/report.h"
#include "core/run.h"

#include "test/core/fake_exec.h"
#include "test/core/test_core.h"
#include "test/unit.h"

static char *
report_of(struct app_mem *mem, const struct app_executor *exec, int *rc)
{
	struct app_report_rows rows;
	struct app_error err = {0};
	struct json_object *obj;
	char	   *json;

	*rc = app_read_report(exec, mem, &rows, &err);
	if (*rc != 0)
	{
		fail("app_read_report: %s", nz(err.message));
		return NULL;
	}
	obj = app_build_report(mem, &rows);
	json = app_json_string(mem, obj);
	json_object_put(obj);
	return json;
}

static void
test_report_exact(struct app_mem *mem, const void *arg)
{
	struct fake f;
	struct app_executor exec;
	char	   *json;
	int			rc;

	(void) arg;
	fake_init(&f, mem);
	fake_report_data(&f);
	exec_init(&exec, &f);
	json = report_of(mem, &exec, &rc);
	if (!json)
		return;
	EXPECT(strcmp(json, REPORT_JSON) == 0, "got\n  %s\nwant\n  %s", json, REPORT_JSON);
	EXPECT(has(json, "{migrator=UC/migrator,app=U/migrator}"), "ACL not verbatim");
	EXPECT(!has(json, "\\/"), "a '/' was escaped");
	EXPECT(f.q_roles == 1 && f.q_members == 1 && f.q_schemas == 1,
		   "queries roles %d members %d schemas %d, want 1 each",
		   f.q_roles, f.q_members, f.q_schemas);
	EXPECT(f.bad_params == 0 && f.q_unknown == 0, "bad params %d, unknown queries %d",
		   f.bad_params, f.q_unknown);
}

/* The whole-report entry point gives the same bytes. */
static void
test_report_run(struct app_mem *mem, const void *arg)
{
	struct fake f;
	struct app_executor exec;
	struct app_error err = {0};
	char	   *json = NULL;

	(void) arg;
	fake_init(&f, mem);
	fake_report_data(&f);
	exec_init(&exec, &f);
	EXPECT(app_run_report(&exec, mem, &json, &err) == 0, "app_run_report: %s", nz(err.message));
	EXPECT(json && strcmp(json, REPORT_JSON) == 0, "got %s", nz(json));
}

/* Pretty: indented, the same keys in the same order, '/' unescaped. */
static void
test_report_pretty(struct app_mem *mem, const void *arg)
{
	const char *want = "{\n  \"roles\": [\n    \"a/b\"\n  ],\n  \"checks\": [\n  ],\n  \"success\": true\n}";
	char	   *got;

	(void) arg;
	got = app_json_pretty(mem, "{\"roles\":[\"a/b\"],\"checks\":[],\"success\":true}");
	EXPECT(got && strcmp(got, want) == 0, "got\n%s\nwant\n%s", nz(got), want);
	EXPECT(app_json_pretty(mem, "{\"roles\":") == NULL, "a truncated report was printed");
}

static void
test_report_empty(struct app_mem *mem, const void *arg)
{
	struct fake f;
	struct app_executor exec;
	char	   *json;
	int			rc;
	const char *want = "{\"roles\":[],\"roles_with_groups\":{},\"schema_privileges\":{}}";

	(void) arg;
	fake_init(&f, mem);
	exec_init(&exec, &f);
	json = report_of(mem, &exec, &rc);
	if (json)
		EXPECT(strcmp(json, want) == 0, "got %s, want %s", json, want);
}

/* An executor error stops the report and is passed on. */
static void
test_report_query_error(struct app_mem *mem, const void *arg)
{
	struct app_executor exec;
	struct fake f;
	struct app_report_rows rows;
	struct app_error err = {0};

	(void) arg;
	fake_init(&f, mem);
	fake_report_data(&f);
	f.fail_sql = app_sql_memberships;
	exec_init(&exec, &f);
	EXPECT(app_read_report(&exec, mem, &rows, &err) == -1, "no error");
	EXPECT(err.kind == APP_ERR_DATABASE && has(err.message, "canceling statement"),
		   "error not passed on: kind %d, %s", (int) err.kind, nz(err.message));
	EXPECT(f.q_schemas == 0, "went on reading after the error");
}

/* 2500 roles in pages of APP_PAGE_ROWS: all appear, sorted by name. */
static void
run_roles_paging(struct app_mem *mem, int nroles, int want_calls)
{
	struct fake f;
	struct app_executor exec;
	struct f_role *roles;
	struct app_buf want;
	char	   *json;
	int			rc;
	int			i;

	fake_init(&f, mem);
	roles = app_alloc(mem, sizeof(*roles) * (size_t) nroles);
	for (i = 0; i < nroles; i++)
	{
		char		name[16];

		/* oid order is the reverse of name order */
		snprintf(name, sizeof(name), "u%04d", nroles - 1 - i);
		roles[i].oid = 20000u + (unsigned) i;
		roles[i].name = S(mem, name);
	}
	f.roles = roles;
	f.n_roles = nroles;
	exec_init(&exec, &f);
	json = report_of(mem, &exec, &rc);
	if (!json)
		return;
	app_buf_init(&want, mem);
	app_buf_append(&want, "{\"roles\":[");
	for (i = 0; i < nroles; i++)
		app_buf_printf(&want, "%s\"u%04d\"", i ? "," : "", i);
	app_buf_append(&want, "],\"roles_with_groups\":{},\"schema_privileges\":{}}");
	EXPECT(strcmp(json, want.data) == 0, "report differs (%zu bytes, want %zu)",
		   strlen(json), want.len);
	EXPECT(f.q_roles == want_calls, "%d role queries, want %d", f.q_roles, want_calls);
	EXPECT(f.max_page <= APP_PAGE_ROWS, "a page of %d rows", f.max_page);
}

static void
test_report_paging_2500(struct app_mem *mem, const void *arg)
{
	(void) arg;
	run_roles_paging(mem, 2500, 3);
}

static void
test_report_paging_1000(struct app_mem *mem, const void *arg)
{
	(void) arg;
	run_roles_paging(mem, APP_PAGE_ROWS, 2);
}

/*
 * 400 members in three groups each: 1200 rows whose first page ends inside
 * one member's rows (row 999 is the first of member 333's three), so the
 * keyset must use all three columns.
 */
static void
test_report_paging_members(struct app_mem *mem, const void *arg)
{
	enum { NMEM = 400, NGRP = 3 };
	static const char *const gnames[NGRP] = {"gc", "ga", "gb"};	/* by roleid */
	struct fake f;
	struct app_executor exec;
	struct f_member *m;
	struct app_buf want;
	char	   *json;
	int			rc;
	int			i,
				g;

	(void) arg;
	fake_init(&f, mem);
	m = app_alloc(mem, sizeof(*m) * NMEM * NGRP);
	for (i = 0; i < NMEM; i++)
	{
		char		name[16];
		char	   *copy;

		snprintf(name, sizeof(name), "m%03d", i);
		copy = S(mem, name);
		for (g = 0; g < NGRP; g++)
		{
			struct f_member *x = &m[NGRP * i + g];

			x->member = 20000u + (unsigned) i;
			x->roleid = 100u + (unsigned) g;
			x->grantor = 10;
			x->mname = copy;
			x->gname = gnames[g];
		}
	}
	f.members = m;
	f.n_members = NMEM * NGRP;
	exec_init(&exec, &f);
	json = report_of(mem, &exec, &rc);
	if (!json)
		return;
	app_buf_init(&want, mem);
	app_buf_append(&want, "{\"roles\":[],\"roles_with_groups\":{");
	for (i = 0; i < NMEM; i++)
		app_buf_printf(&want, "%s\"m%03d\":\"ga,gb,gc\"", i ? "," : "", i);
	app_buf_append(&want, "},\"schema_privileges\":{}}");
	EXPECT(strcmp(json, want.data) == 0, "report differs: %.200s", json);
	if (strcmp(json, want.data) != 0)
		EXPECT(0, "m333 reads %.40s", has(json, "\"m333\"") ? strstr(json, "\"m333\"") : "(missing)");
	EXPECT(f.q_members == 2, "%d membership queries, want 2", f.q_members);
}

/* The report cases, in order. */
void
report_tests(void)
{
	run_case("report: exact JSON", test_report_exact, NULL);
	run_case("report: app_run_report gives the same bytes", test_report_run, NULL);
	run_case("report: empty catalogs", test_report_empty, NULL);
	run_case("report: pretty keeps the keys' order", test_report_pretty, NULL);
	run_case("report: executor error passed on", test_report_query_error, NULL);
	run_case("report: 2500 roles in pages of 1000", test_report_paging_2500, NULL);
	run_case("report: exactly 1000 roles", test_report_paging_1000, NULL);
	run_case("report: 1200 memberships, page ends inside a member",
			 test_report_paging_members, NULL);
}
