/*
 * test/core/test_catalog.c
 *		The catalog snapshot (core/catalog.c): paged queries, the facts
 *		row's columns, identity, extensions and relations.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/config.h"
#include "core/error.h"
#include "core/exec.h"
#include "core/mem.h"
#include "core/run.h"

#include "test/core/fake_exec.h"
#include "test/core/test_core.h"
#include "test/unit.h"

/* Every paged query's LIMIT is APP_PAGE_ROWS, else rows would be lost. */
static void
test_page_limit(struct app_mem *mem, const void *arg)
{
	const char *queries[3] = {app_sql_roles, app_sql_memberships, app_sql_schemas};
	char		limit[32];
	int			i;

	(void) mem;
	(void) arg;
	snprintf(limit, sizeof(limit), " LIMIT %d", APP_PAGE_ROWS);
	for (i = 0; i < 3; i++)
		EXPECT(ends_with(queries[i], limit), "query %d does not end with%s", i, limit);
	EXPECT(has(app_sql_roles, "ORDER BY oid") && has(app_sql_schemas, "ORDER BY oid") &&
		   has(app_sql_memberships, "ORDER BY a.member, a.roleid, a.grantor"),
		   "paged queries not ordered by their keyset");
}

/* Each boolean column of the facts row lands in its own field. */
static void
test_snapshot_columns(struct app_mem *mem, const void *arg)
{
	struct app_config cfg;
	struct app_snapshot model;
	struct app_error err = {0};
	int			i,
				j;

	(void) arg;
	if (app_config_build(mem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
	{
		fail("config refused");
		return;
	}
	snap_converged(mem, &model, 150000);
	model.schema_exists = false;	/* no relation query */
	for (i = 0; i < n_fact_cols; i++)
	{
		const char *row[APP_FACT_COLUMNS];
		struct fake f;
		struct app_executor exec;
		struct app_snapshot got;

		for (j = 0; j < APP_FACT_COLUMNS; j++)
			row[j] = "f";
		row[28] = row[30] = row[31] = NULL;	/* app: powers, search paths */
		row[34] = row[36] = row[37] = NULL;	/* migrator */
		row[19] = "owner";
		row[fact_cols[i].col] = "t";
		fake_init(&f, mem);
		f.model = &model;
		f.facts_override = row;
		exec_init(&exec, &f);
		if (app_read_snapshot(&exec, mem, &cfg, APP_RELATIONS_TO_GRANT, &got, &err) != 0)
		{
			fail("column %d: read failed: %s", fact_cols[i].col, nz(err.message));
			return;
		}
		for (j = 0; j < n_fact_cols; j++)
			EXPECT(snap_bool(&got, fact_cols[j].offset) == (i == j),
				   "column %d true: %s is %d", fact_cols[i].col, fact_cols[j].field,
				   (int) snap_bool(&got, fact_cols[j].offset));
		EXPECT(got.schema_owner && strcmp(got.schema_owner, "owner") == 0,
			   "schema_owner %s", nz(got.schema_owner));
	}
}

/* Identity, extensions and relations (paged, sorted by name). */
static void
test_snapshot_read(struct app_mem *mem, const void *arg)
{
	static const struct
	{
		const char *name;
		int			version;
		enum app_relations_for rel;
		bool		want_set;
	}			cases[] = {
		{"15, to grant", 150000, APP_RELATIONS_TO_GRANT, false},
		{"16, unusable", 160000, APP_RELATIONS_UNUSABLE, true},
		{"15.99, to grant", 159999, APP_RELATIONS_TO_GRANT, false},
	};
	struct app_config cfg;
	struct app_error err = {0};
	size_t		k;

	(void) arg;
	if (app_config_build(mem, &cfg, "web", "owner", "sch", NULL, NULL, &err) != 0)
	{
		fail("config refused");
		return;
	}
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
	{
		struct app_snapshot model;
		struct app_snapshot got;
		struct fake f;
		struct app_executor exec;
		int			i;
		int			want;
		bool		sorted = true;

		snap_converged(mem, &model, cases[k].version);
		model.master_superuser = true;
		model.master_createrole = true;
		add_installed(mem, &model, "plpgsql", "pg_catalog");
		add_installed(mem, &model, "hstore", "pg_catalog");
		for (i = 0; i < 1001; i++)
		{
			char		name[16];

			snprintf(name, sizeof(name), "r%04d", 1000 - i);	/* oid order reversed */
			add_relation(mem, &model, name, i % 2 ? 'S' : 'r', "owner",
						 cases[k].rel == APP_RELATIONS_UNUSABLE ? "SELECT" : NULL);
		}
		fake_init(&f, mem);
		f.model = &model;
		f.expect_params[0] = "web";
		f.expect_params[1] = "owner";
		f.expect_params[2] = "sch";
		exec_init(&exec, &f);
		if (app_read_snapshot(&exec, mem, &cfg, cases[k].rel, &got, &err) != 0)
		{
			fail("%s: read failed: %s", cases[k].name, nz(err.message));
			continue;
		}
		EXPECT(got.server_version == cases[k].version, "%s: version %d", cases[k].name,
			   got.server_version);
		EXPECT(got.database && strcmp(got.database, "db") == 0 &&
			   got.master && strcmp(got.master, "postgres") == 0,
			   "%s: database %s master %s", cases[k].name, nz(got.database), nz(got.master));
		EXPECT(got.master_superuser && got.master_createrole,
			   "%s: superuser %d createrole %d (\"t\" and \"true\" are both true)",
			   cases[k].name, (int) got.master_superuser, (int) got.master_createrole);
		EXPECT(got.n_extensions == 2 && strcmp(got.extensions[1].name, "hstore") == 0 &&
			   strcmp(got.extensions[1].schema, "pg_catalog") == 0,
			   "%s: extensions wrong (%d)", cases[k].name, got.n_extensions);
		want = cases[k].rel == APP_RELATIONS_UNUSABLE ? APP_RELATIONS_NAMED : 1001;
		EXPECT(got.n_relations == want && got.relations_total == 1001,
			   "%s: %d relations of %d, want %d of 1001", cases[k].name,
			   got.n_relations, got.relations_total, want);
		for (i = 1; i < got.n_relations; i++)
			if (strcmp(got.relations[i - 1].name, got.relations[i].name) >= 0)
				sorted = false;
		EXPECT(sorted, "%s: relations not sorted by name", cases[k].name);
		if (got.n_relations == want)
		{
			/* check names the first made: oid order is r1000, r0999, ... */
			EXPECT(strcmp(got.relations[0].name, want == 1001 ? "r0000" : "r0901") == 0 &&
				   strcmp(got.relations[want - 1].name, "r1000") == 0 &&
				   got.relations[want - 1].kind == 'r' &&
				   strcmp(got.relations[0].owner, "owner") == 0,
				   "%s: relations %s .. %s", cases[k].name, got.relations[0].name,
				   got.relations[want - 1].name);
			EXPECT(strcmp(nz(got.relations[1].app_lacks),
						  cases[k].rel == APP_RELATIONS_UNUSABLE ? "SELECT" : "ALL") == 0,
				   "%s: app_lacks %s", cases[k].name, nz(got.relations[1].app_lacks));
		}
		/* setup reads every page; check the first, which names enough */
		EXPECT(f.q_relation_questions == 1 && f.q_relations == (want == 1001 ? 2 : 1),
			   "%s: %d questions and %d pages", cases[k].name, f.q_relation_questions,
			   f.q_relations);
		EXPECT(cases[k].rel == APP_RELATIONS_UNUSABLE ?
			   f.relations_unusable == f.q_relations + 1 && f.relations_to_grant == 0 :
			   f.relations_to_grant == f.q_relations + 1 && f.relations_unusable == 0,
			   "%s: wrong relation query", cases[k].name);
		EXPECT(f.facts_has_set == cases[k].want_set,
			   "%s: facts query %s pg_has_role 'SET' (server version %d)", cases[k].name,
			   f.facts_has_set ? "uses" : "lacks", cases[k].version);
		EXPECT(f.facts_has_admin_option == cases[k].want_set,
			   "%s: facts query ADMIN OPTION test by version", cases[k].name);
		EXPECT(f.bad_params == 0 && f.q_unknown == 0, "%s: bad params %d, unknown %d",
			   cases[k].name, f.bad_params, f.q_unknown);
	}
}

/* No schema: the relations are not read. */
static void
test_snapshot_no_schema(struct app_mem *mem, const void *arg)
{
	struct app_config cfg;
	struct app_snapshot model;
	struct app_snapshot got;
	struct fake f;
	struct app_executor exec;
	struct app_error err = {0};

	(void) arg;
	if (app_config_build(mem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
		return;
	snap_empty(mem, &model, 160000);
	fake_init(&f, mem);
	f.model = &model;
	exec_init(&exec, &f);
	EXPECT(app_read_snapshot(&exec, mem, &cfg, APP_RELATIONS_UNUSABLE, &got, &err) == 0,
		   "read failed: %s", nz(err.message));
	EXPECT(f.q_relations == 0, "relations read without a schema");
	EXPECT(!got.schema_exists && got.schema_owner == NULL && got.n_relations == 0,
		   "schema facts wrong");
	EXPECT(got.db_public_any && !got.search_path_ok && !got.app.exists,
		   "facts of an empty database wrong");
}

/*
 * A walked row that app lacks nothing on is dropped but still moves the
 * walk on; a converged schema costs the question alone.
 */
static void
test_relation_walk(struct app_mem *mem, const void *arg)
{
	struct app_config cfg;
	struct app_error err = {0};
	int			round;

	(void) arg;
	if (app_config_build(mem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
	{
		fail("config refused");
		return;
	}
	for (round = 0; round < 2; round++)
	{
		const bool	converged = round == 1;
		struct app_snapshot model;
		struct app_snapshot got;
		struct fake f;
		struct app_executor exec;
		int			i;

		snap_converged(mem, &model, 160000);
		for (i = 0; i < 3001; i++)
		{
			char		name[16];

			snprintf(name, sizeof(name), "t%04d", i);
			add_relation(mem, &model, name, 'r', "migrator",
						 converged || i % 3 ? "" : "ALL");
		}
		fake_init(&f, mem);
		f.model = &model;
		if (converged)
			model.n_relations = 0;	/* what the question counts */
		exec_init(&exec, &f);
		if (app_read_snapshot(&exec, mem, &cfg, APP_RELATIONS_TO_GRANT, &got, &err) != 0)
		{
			fail("read failed: %s", nz(err.message));
			continue;
		}
		if (converged)
		{
			EXPECT(got.n_relations == 0 && f.q_relation_questions == 1 && f.q_relations == 0,
				   "converged: %d relations, %d questions, %d pages", got.n_relations,
				   f.q_relation_questions, f.q_relations);
			continue;
		}
		EXPECT(got.n_relations == 1001 && got.relations_total == 1001,
			   "%d relations of %d, want 1001", got.n_relations, got.relations_total);
		EXPECT(got.n_relations > 1 && strcmp(got.relations[0].name, "t0000") == 0 &&
			   strcmp(got.relations[1].name, "t0003") == 0 &&
			   strcmp(got.relations[got.n_relations - 1].name, "t3000") == 0,
			   "relations %s, %s .. %s", got.n_relations > 1 ? got.relations[0].name : "",
			   got.n_relations > 1 ? got.relations[1].name : "",
			   got.n_relations > 0 ? got.relations[got.n_relations - 1].name : "");
		EXPECT(f.q_relations == 4 && f.max_page == APP_PAGE_ROWS,
			   "%d pages of at most %d rows, want 4 of %d", f.q_relations, f.max_page,
			   APP_PAGE_ROWS);
	}
}

/* The catalog cases, in order. */
void
catalog_tests(void)
{
	run_case("catalog: paged queries limited to APP_PAGE_ROWS", test_page_limit, NULL);
	run_case("catalog: facts columns map to their fields", test_snapshot_columns, NULL);
	run_case("catalog: snapshot identity, extensions, relations", test_snapshot_read, NULL);
	run_case("catalog: no schema, no relation query", test_snapshot_no_schema, NULL);
	run_case("catalog: relations walked, converged asks one question",
			 test_relation_walk, NULL);
}
