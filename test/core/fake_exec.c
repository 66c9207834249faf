/*
 * test/core/fake_exec.c
 *		The fake executor every core test runs on: it answers the core's
 *		catalog queries from hand-built snapshots (the models below) and
 *		report rows, records what it was asked and executed, and fails
 *		where a test tells it to.  No database.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/error.h"
#include "core/exec.h"
#include "core/mem.h"
#include "core/run.h"

#include "test/core/fake_exec.h"
#include "test/core/test_core.h"
#include "test/unit.h"

void
set_role_facts(struct app_role_facts *f, bool v)
{
	f->exists = v;
	f->can_login = v;
	f->in_rds_iam = v;
	f->has_connect = v;
	f->master_admin = v;
}

/* Everything setup does is done; master "postgres" is not a superuser. */
void
snap_converged(struct app_mem *mem, struct app_snapshot *s, int version)
{
	memset(s, 0, sizeof(*s));
	s->server_version = version;
	s->database = S(mem, "db");
	s->master = S(mem, "postgres");
	s->master_superuser = false;
	s->master_createrole = true;
	set_role_facts(&s->app, true);
	set_role_facts(&s->migrator, true);
	s->rds_iam_exists = true;
	s->master_can_act = false;
	s->master_holds_grant = false;
	s->db_public_any = false;
	s->db_public_connect = false;
	s->search_path_ok = true;
	s->public_schema_exists = true;
	s->public_schema_public_create = false;
	s->schema_exists = true;
	s->schema_owner = S(mem, "migrator");
	s->migrator_schema_create = true;
	s->migrator_schema_usage = true;
	s->app_schema_usage = true;
	s->defacl_tables = true;
	s->defacl_sequences = true;
	s->defacl_routines = true;
}

/* A fresh database: no roles, no schema, PUBLIC may connect. */
void
snap_empty(struct app_mem *mem, struct app_snapshot *s, int version)
{
	snap_converged(mem, s, version);
	set_role_facts(&s->app, false);
	set_role_facts(&s->migrator, false);
	s->db_public_any = true;
	s->db_public_connect = true;
	s->search_path_ok = false;
	s->schema_exists = false;
	s->schema_owner = NULL;
	s->migrator_schema_create = false;
	s->migrator_schema_usage = false;
	s->app_schema_usage = false;
	s->defacl_tables = false;
	s->defacl_sequences = false;
	s->defacl_routines = false;
}

void
add_relation(struct app_mem *mem, struct app_snapshot *s, const char *name,
			 char kind, const char *owner, const char *lacks)
{
	struct app_relation *r;

	s->relations = app_realloc(mem, s->relations,
							   sizeof(struct app_relation) * (size_t) (s->n_relations + 1));
	r = &s->relations[s->n_relations++];
	r->name = S(mem, name);
	r->kind = kind;
	r->owner = S(mem, owner);
	r->app_lacks = S(mem, lacks);
	s->relations_total = s->n_relations;
}

void
add_installed(struct app_mem *mem, struct app_snapshot *s, const char *name,
			  const char *schema)
{
	struct app_installed_extension *e;

	s->extensions = app_realloc(mem, s->extensions,
								sizeof(*e) * (size_t) (s->n_extensions + 1));
	e = &s->extensions[s->n_extensions++];
	e->name = S(mem, name);
	e->schema = S(mem, schema);
}

void
tw_none(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	(void) s;
}

void
tw_superuser(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->master_superuser = true;
}

void
tw_schema_other(struct app_mem *mem, struct app_snapshot *s)
{
	s->schema_owner = S(mem, "alice");
}

void
tw_app_nologin(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->app.can_login = false;
}

void
tw_mig_no_create(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->migrator_schema_create = false;
}

void
tw_public_create(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->public_schema_public_create = true;
}

void
tw_search_path(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->search_path_ok = false;
}

void
tw_citext_installed(struct app_mem *mem, struct app_snapshot *s)
{
	add_installed(mem, s, "plpgsql", "pg_catalog");
	add_installed(mem, s, "citext", "public");
}

void
tw_hstore_installed(struct app_mem *mem, struct app_snapshot *s)
{
	add_installed(mem, s, "plpgsql", "pg_catalog");
	add_installed(mem, s, "hstore", "pg_catalog");
}

/* Role-level search_paths that override the database's (issue 10 §4). */
void
tw_role_search_paths(struct app_mem *mem, struct app_snapshot *s)
{
	s->migrator.search_path_here = S(mem, "public");
	s->app.search_path_everywhere = S(mem, "\"$user\"");
}

void
fake_init(struct fake *f, struct app_mem *mem)
{
	memset(f, 0, sizeof(*f));
	f->mem = mem;
	f->probe_fail_at = -1;
	f->probe_msg = "permission denied";
	f->probe_kind = APP_ERR_DATABASE;
}

static size_t
cell_bytes(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

static void
note_page(struct fake *f, int n)
{
	if (n > f->max_page)
		f->max_page = n;
}

static unsigned
param_oid(const char *p)
{
	return (unsigned) strtoul(p, NULL, 10);
}

static void
serve_roles(struct fake *f, struct app_mem *mem, const char *const *params,
			struct app_rows *rows)
{
	unsigned	key = param_oid(params[0]);
	int			first = 0;
	int			n = 0;
	int			i;
	size_t		bytes = 0;
	char		b[24];

	while (first < f->n_roles && f->roles[first].oid <= key)
		first++;
	for (i = first; i < f->n_roles && n < APP_PAGE_ROWS; i++, n++)
	{
		snprintf(b, sizeof(b), "%u", f->roles[i].oid);
		bytes += cell_bytes(b) + cell_bytes(f->roles[i].name);
	}
	app_rows_init(mem, rows, n, 2, bytes);
	for (i = 0; i < n; i++)
	{
		snprintf(b, sizeof(b), "%u", f->roles[first + i].oid);
		app_rows_set(rows, i, 0, b);
		app_rows_set(rows, i, 1, f->roles[first + i].name);
	}
	note_page(f, n);
}

static int
member_cmp_key(const struct f_member *m, unsigned a, unsigned b, unsigned c)
{
	if (m->member != a)
		return m->member < a ? -1 : 1;
	if (m->roleid != b)
		return m->roleid < b ? -1 : 1;
	if (m->grantor != c)
		return m->grantor < c ? -1 : 1;
	return 0;
}

static void
serve_members(struct fake *f, struct app_mem *mem, const char *const *params,
			  struct app_rows *rows)
{
	unsigned	k0 = param_oid(params[0]),
				k1 = param_oid(params[1]),
				k2 = param_oid(params[2]);
	int			first = 0;
	int			n = 0;
	int			i;
	size_t		bytes = 0;
	char		b[3][24];

	while (first < f->n_members && member_cmp_key(&f->members[first], k0, k1, k2) <= 0)
		first++;
	for (i = first; i < f->n_members && n < APP_PAGE_ROWS; i++, n++)
		bytes += 3 * 12 + cell_bytes(f->members[i].mname) + cell_bytes(f->members[i].gname);
	app_rows_init(mem, rows, n, 5, bytes);
	for (i = 0; i < n; i++)
	{
		const struct f_member *m = &f->members[first + i];

		snprintf(b[0], sizeof(b[0]), "%u", m->member);
		snprintf(b[1], sizeof(b[1]), "%u", m->roleid);
		snprintf(b[2], sizeof(b[2]), "%u", m->grantor);
		app_rows_set(rows, i, 0, b[0]);
		app_rows_set(rows, i, 1, b[1]);
		app_rows_set(rows, i, 2, b[2]);
		app_rows_set(rows, i, 3, m->mname);
		app_rows_set(rows, i, 4, m->gname);
	}
	note_page(f, n);
}

static void
serve_schemas(struct fake *f, struct app_mem *mem, const char *const *params,
			  struct app_rows *rows)
{
	unsigned	key = param_oid(params[0]);
	int			first = 0;
	int			n = 0;
	int			i;
	size_t		bytes = 0;
	char		b[24];

	while (first < f->n_schemas && f->schemas[first].oid <= key)
		first++;
	for (i = first; i < f->n_schemas && n < APP_PAGE_ROWS; i++, n++)
		bytes += 12 + cell_bytes(f->schemas[i].name) + cell_bytes(f->schemas[i].acl);
	app_rows_init(mem, rows, n, 3, bytes);
	for (i = 0; i < n; i++)
	{
		snprintf(b, sizeof(b), "%u", f->schemas[first + i].oid);
		app_rows_set(rows, i, 0, b);
		app_rows_set(rows, i, 1, f->schemas[first + i].name);
		app_rows_set(rows, i, 2, f->schemas[first + i].acl);
	}
	note_page(f, n);
}

/*
 * The facts query's columns, in the order of its SELECT list (catalog.c,
 * sql_facts_fmt); column 19 is the schema owner's name.
 */
const struct fact_col fact_cols[] = {
	{0, offsetof(struct app_snapshot, app.exists), "app.exists"},
	{1, offsetof(struct app_snapshot, app.can_login), "app.can_login"},
	{2, offsetof(struct app_snapshot, app.in_rds_iam), "app.in_rds_iam"},
	{3, offsetof(struct app_snapshot, app.has_connect), "app.has_connect"},
	{4, offsetof(struct app_snapshot, app.master_admin), "app.master_admin"},
	{5, offsetof(struct app_snapshot, migrator.exists), "migrator.exists"},
	{6, offsetof(struct app_snapshot, migrator.can_login), "migrator.can_login"},
	{7, offsetof(struct app_snapshot, migrator.in_rds_iam), "migrator.in_rds_iam"},
	{8, offsetof(struct app_snapshot, migrator.has_connect), "migrator.has_connect"},
	{9, offsetof(struct app_snapshot, migrator.master_admin), "migrator.master_admin"},
	{10, offsetof(struct app_snapshot, rds_iam_exists), "rds_iam_exists"},
	{11, offsetof(struct app_snapshot, master_can_act), "master_can_act"},
	{12, offsetof(struct app_snapshot, master_holds_grant), "master_holds_grant"},
	{13, offsetof(struct app_snapshot, db_public_any), "db_public_any"},
	{14, offsetof(struct app_snapshot, db_public_connect), "db_public_connect"},
	{15, offsetof(struct app_snapshot, search_path_ok), "search_path_ok"},
	{16, offsetof(struct app_snapshot, public_schema_exists), "public_schema_exists"},
	{17, offsetof(struct app_snapshot, public_schema_public_create), "public_schema_public_create"},
	{18, offsetof(struct app_snapshot, schema_exists), "schema_exists"},
	{20, offsetof(struct app_snapshot, migrator_schema_create), "migrator_schema_create"},
	{21, offsetof(struct app_snapshot, migrator_schema_usage), "migrator_schema_usage"},
	{22, offsetof(struct app_snapshot, app_schema_usage), "app_schema_usage"},
	{23, offsetof(struct app_snapshot, defacl_tables), "defacl_tables"},
	{24, offsetof(struct app_snapshot, defacl_sequences), "defacl_sequences"},
	{25, offsetof(struct app_snapshot, defacl_routines), "defacl_routines"},
	{26, offsetof(struct app_snapshot, app.is_master), "app.is_master"},
	{27, offsetof(struct app_snapshot, app.is_bootstrap), "app.is_bootstrap"},
	{29, offsetof(struct app_snapshot, app.in_rds_superuser), "app.in_rds_superuser"},
	{32, offsetof(struct app_snapshot, migrator.is_master), "migrator.is_master"},
	{33, offsetof(struct app_snapshot, migrator.is_bootstrap), "migrator.is_bootstrap"},
	{35, offsetof(struct app_snapshot, migrator.in_rds_superuser), "migrator.in_rds_superuser"},
};

const int	n_fact_cols = NELEM(fact_cols);

bool
snap_bool(const struct app_snapshot *s, size_t offset)
{
	return *(const bool *) ((const char *) s + offset);
}

static void
serve_one_row(struct app_mem *mem, struct app_rows *rows, int ncols,
			  const char *const *cells)
{
	size_t		bytes = 0;
	int			i;

	for (i = 0; i < ncols; i++)
		bytes += cell_bytes(cells[i]);
	app_rows_init(mem, rows, 1, ncols, bytes);
	for (i = 0; i < ncols; i++)
		app_rows_set(rows, 0, i, cells[i]);
}

static void
serve_identity(struct fake *f, struct app_mem *mem, struct app_rows *rows)
{
	const struct app_snapshot *s = f->model;
	char		version[24];
	const char *cells[5];

	snprintf(version, sizeof(version), "%d", s->server_version);
	cells[0] = f->identity_version ? f->identity_version : version;
	cells[1] = s->database;
	cells[2] = s->master;
	cells[3] = s->master_superuser ? "t" : "f";
	cells[4] = s->master_createrole ? "true" : "false";	/* the Data API's spelling */
	serve_one_row(mem, rows, 5, cells);
}

/* The six per-role columns after the first 26 (catalog.c, ROLE_GUARDS). */
static void
serve_guards(const char **cells, const struct app_role_facts *r)
{
	cells[0] = r->is_master ? "t" : "f";
	cells[1] = r->is_bootstrap ? "t" : "f";
	cells[2] = r->powers;
	cells[3] = r->in_rds_superuser ? "t" : "f";
	cells[4] = r->search_path_here;
	cells[5] = r->search_path_everywhere;
}

static void
serve_facts(struct fake *f, struct app_mem *mem, struct app_rows *rows)
{
	const char *cells[APP_FACT_COLUMNS];
	int			i;

	if (f->facts_override)
	{
		serve_one_row(mem, rows, APP_FACT_COLUMNS, f->facts_override);
		return;
	}
	for (i = 0; i < APP_FACT_COLUMNS; i++)
		cells[i] = "f";
	for (i = 0; i < n_fact_cols; i++)
		cells[fact_cols[i].col] = snap_bool(f->model, fact_cols[i].offset) ? "t" : "f";
	cells[19] = f->model->schema_owner;
	serve_guards(cells + 26, &f->model->app);
	serve_guards(cells + 32, &f->model->migrator);
	cells[38] = cells[39] = NULL;	/* no read-only users marked */
	serve_one_row(mem, rows, APP_FACT_COLUMNS, cells);
}

static void
serve_extensions(struct fake *f, struct app_mem *mem, const char *const *params,
				 struct app_rows *rows)
{
	const struct app_snapshot *s = f->model;
	unsigned	key = param_oid(params[0]);
	int			n = 0;
	int			i;
	size_t		bytes = 0;
	char		b[24];

	/* extension i has oid 30000 + i */
	for (i = 0; i < s->n_extensions; i++)
		if (30000u + (unsigned) i > key && n < APP_PAGE_ROWS)
		{
			n++;
			bytes += 12 + cell_bytes(s->extensions[i].name) + cell_bytes(s->extensions[i].schema);
		}
	app_rows_init(mem, rows, n, 3, bytes);
	n = 0;
	for (i = 0; i < s->n_extensions; i++)
		if (30000u + (unsigned) i > key && n < APP_PAGE_ROWS)
		{
			snprintf(b, sizeof(b), "%u", 30000u + (unsigned) i);
			app_rows_set(rows, n, 0, b);
			app_rows_set(rows, n, 1, s->extensions[i].name);
			app_rows_set(rows, n, 2, s->extensions[i].schema);
			n++;
		}
	note_page(f, n);
}

/* The walk of catalog.c's PAGE: relation i has oid 40000 + i. */
static void
serve_relations(struct fake *f, struct app_mem *mem, const char *const *params,
				struct app_rows *rows)
{
	const struct app_snapshot *s = f->model;
	unsigned	key = param_oid(params[3]);
	int			first = key < 40000u ? 0 : (int) (key - 40000u) + 1;
	int			n;
	int			i;
	size_t		bytes = 0;
	char		b[24];
	char		kind[2] = {0, 0};

	if (first > s->n_relations)
		first = s->n_relations;
	n = s->n_relations - first < APP_PAGE_ROWS ? s->n_relations - first : APP_PAGE_ROWS;
	for (i = first; i < first + n; i++)
		bytes += 12 + cell_bytes(s->relations[i].app_lacks) + 4 +
			cell_bytes(s->relations[i].name) + 2 + cell_bytes(s->relations[i].owner);
	app_rows_init(mem, rows, n, 5, bytes);
	for (i = 0; i < n; i++)
	{
		const struct app_relation *r = &s->relations[first + i];

		snprintf(b, sizeof(b), "%u", 40000u + (unsigned) (first + i));
		kind[0] = r->kind;
		app_rows_set(rows, i, 0, b);
		app_rows_set(rows, i, 1, r->app_lacks ? r->app_lacks : "ALL");
		app_rows_set(rows, i, 2, r->name);
		app_rows_set(rows, i, 3, kind);
		app_rows_set(rows, i, 4, r->owner);
	}
	note_page(f, n);
}

/* catalog.c's QUESTION: setup's stops at the first relation, check's counts. */
static void
serve_relations_count(struct fake *f, struct app_mem *mem, bool first_only,
					  struct app_rows *rows)
{
	char		b[24];
	int			n = f->model->n_relations;

	snprintf(b, sizeof(b), "%d", first_only && n > 1 ? 1 : n);
	app_rows_init(mem, rows, 1, 1, strlen(b) + 1);
	app_rows_set(rows, 0, 0, b);
}

static void
check_fixed_params(struct fake *f, int nparams, const char *const *params, int want)
{
	int			i;

	if (nparams != want)
	{
		f->bad_params++;
		return;
	}
	for (i = 0; i < 3; i++)
		if (f->expect_params[i] && strcmp(params[i], f->expect_params[i]) != 0)
			f->bad_params++;
}

static int
fake_query(void *state, struct app_mem *mem, const char *sql, int nparams,
		   const char *const *params, struct app_rows *rows,
		   struct app_error *err)
{
	struct fake *f = state;

	f->nqueries++;
	if (sql == f->fail_sql)
		return app_error_set(err, mem, APP_ERR_DATABASE, NULL, NULL,
							 "canceling statement due to user request");
	if (sql == app_sql_roles)
	{
		f->q_roles++;
		if (nparams != 1)
			f->bad_params++;
		serve_roles(f, mem, params, rows);
		return 0;
	}
	if (sql == app_sql_memberships)
	{
		f->q_members++;
		if (nparams != 3)
			f->bad_params++;
		serve_members(f, mem, params, rows);
		return 0;
	}
	if (sql == app_sql_schemas)
	{
		f->q_schemas++;
		if (nparams != 1)
			f->bad_params++;
		serve_schemas(f, mem, params, rows);
		return 0;
	}
	if (f->model != NULL)
	{
		if (strcmp(sql, APP_LOCK_SQL) == 0)
		{
			f->q_lock++;
			f->lock_seq = f->nqueries;
			app_rows_init(mem, rows, 1, 1, 0);
			app_rows_set(rows, 0, 0, "");
			return 0;
		}
		if (has(sql, "current_setting('server_version_num')"))
		{
			f->q_identity++;
			if (nparams != 0)
				f->bad_params++;
			serve_identity(f, mem, rows);
			return 0;
		}
		if (strncmp(sql, "WITH k AS", 9) == 0)
		{
			f->q_facts++;
			check_fixed_params(f, nparams, params, 3);
			f->facts_has_set = has(sql, "'SET'");
			f->facts_has_admin_option = has(sql, "WITH ADMIN OPTION");
			serve_facts(f, mem, rows);
			return 0;
		}
		if (has(sql, "FROM pg_catalog.pg_extension"))
		{
			f->q_extensions++;
			if (nparams != 1)
				f->bad_params++;
			serve_extensions(f, mem, params, rows);
			return 0;
		}
		if (has(sql, "FROM pg_catalog.pg_class"))
		{
			bool		question = strncmp(sql, "SELECT pg_catalog.count(*)", 26) == 0;

			if (question)
				f->q_relation_questions++;
			else
				f->q_relations++;
			check_fixed_params(f, nparams, params, question ? 3 : 4);
			if (has(sql, "has_table_privilege"))
				f->relations_unusable++;
			else
				f->relations_to_grant++;
			if (question)
				serve_relations_count(f, mem, has(sql, " LIMIT 1) x"), rows);
			else if (nparams == 4)
				serve_relations(f, mem, params, rows);
			else
				app_rows_init(mem, rows, 0, 5, 0);
			return 0;
		}
	}
	f->q_unknown++;
	return app_error_set(err, mem, APP_ERR_DATABASE, NULL, NULL,
						 "fake: unexpected query %.60s", sql);
}

static int
fake_execute(void *state, struct app_mem *mem, const char *sql,
			 struct app_error *err)
{
	struct fake *f = state;

	(void) mem;
	(void) err;
	app_strlist_add(f->mem, &f->executed, app_strdup(f->mem, sql));
	if (f->after)
		f->model = f->after;
	return 0;
}

static int
fake_probe(void *state, struct app_mem *mem, const char *const *stmts, int n,
		   int *failed_at, struct app_error *err)
{
	struct fake *f = state;
	int			i;

	f->probe_calls++;
	for (i = 0; i < n; i++)
		app_strlist_add(f->mem, &f->probed, app_strdup(f->mem, stmts[i]));
	if (f->probe_rc != 0)
		return app_error_set(err, mem, APP_ERR_DATABASE, NULL, NULL,
							 "server closed the connection unexpectedly");
	if (f->probe_fail_at >= 0 && f->probe_fail_at < n)
	{
		*failed_at = f->probe_fail_at;
		app_error_set(err, mem, f->probe_kind, NULL, NULL, "%s", f->probe_msg);
		return 0;
	}
	*failed_at = -1;
	return 0;
}

void
exec_init(struct app_executor *exec, struct fake *f)
{
	exec->state = f;
	exec->query = fake_query;
	exec->execute = fake_execute;
	exec->probe = fake_probe;
}

static const struct f_role report_roles[] = {
	{10, "postgres"},
	{3373, "pg_monitor"},
	{3374, "pg_read_all_settings"},
	{16384, "rdsadmin"},
	{16385, "rds_iam"},
	{16386, "rds_superuser"},
	{16387, "rdstopmgr"},
	{16388, "pg_"},
	{16390, "app"},
	{16391, "migrator"},
	{16392, "Zed"},
	{16393, "pgx_user"},
	{16394, "rd_user"},
	{16395, "pg"},
};

static const struct f_member report_members[] = {
	{10, 16386, 16384, "postgres", "rds_superuser"},
	{10, 16390, 10, "postgres", "app"},
	{10, 16391, 10, "postgres", "migrator"},
	{10, 16391, 16384, "postgres", "migrator"},	/* second grantor */
	{3373, 3374, 10, "pg_monitor", "pg_read_all_settings"},
	{16386, 3373, 10, "rds_superuser", "pg_monitor"},
	{16393, 3373, 10, "pgx_user", "pg_monitor"},
	{16390, 16385, 10, "app", "rds_iam"},
	{16391, 16385, 10, "migrator", "rds_iam"},
	{16392, 16390, 10, "Zed", "app"},
	{16392, 16391, 10, "Zed", "migrator"},
};

static const struct f_schema report_schemas[] = {
	{11, "pg_catalog", "{rdsadmin=UC/rdsadmin,=U/rdsadmin}"},
	{99, "pg_toast", NULL},
	{2200, "public", "{pg_database_owner=UC/pg_database_owner}"},
	{13000, "information_schema", "{rdsadmin=UC/rdsadmin,=U/rdsadmin}"},
	{16400, "app", "{migrator=UC/migrator,app=U/migrator}"},
	{16401, "Audit", NULL},
	{16402, "pgx", "{\"a b\"=U/migrator}"},
	{16403, "pg_temp_1", NULL},
};

void
fake_report_data(struct fake *f)
{
	f->roles = report_roles;
	f->n_roles = NELEM(report_roles);
	f->members = report_members;
	f->n_members = NELEM(report_members);
	f->schemas = report_schemas;
	f->n_schemas = NELEM(report_schemas);
}
