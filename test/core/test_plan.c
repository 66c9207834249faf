/*
 * test/core/test_plan.c
 *		The plan (core/plan.c): config and a catalog snapshot in, the ordered
 *		statements setup would execute out, by server version.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/config.h"
#include "core/error.h"
#include "core/mem.h"
#include "core/plan.h"

#include "test/core/fake_exec.h"
#include "test/core/test_core.h"
#include "test/unit.h"

static void
tw_schema_other_can_act(struct app_mem *mem, struct app_snapshot *s)
{
	s->schema_owner = S(mem, "alice");
	s->master_can_act = true;
}

static void
tw_can_act(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->master_can_act = true;
}

static void
tw_no_rds_iam(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->rds_iam_exists = false;
}

static void
tw_holds(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->master_holds_grant = true;
}

static void
tw_holds_schema_other(struct app_mem *mem, struct app_snapshot *s)
{
	s->master_holds_grant = true;
	s->schema_owner = S(mem, "alice");
}

static void
tw_holds_superuser_schema_other(struct app_mem *mem, struct app_snapshot *s)
{
	tw_holds_schema_other(mem, s);
	s->master_superuser = true;
}

static void
tw_noadmin(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->migrator.master_admin = false;
}

static void
tw_noadmin_no_schema(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->migrator.master_admin = false;
	s->schema_exists = false;
	s->schema_owner = NULL;
	s->migrator_schema_create = false;
	s->migrator_schema_usage = false;
	s->app_schema_usage = false;
}

static void
tw_noadmin_superuser_schema_other(struct app_mem *mem, struct app_snapshot *s)
{
	s->migrator.master_admin = false;
	s->master_superuser = true;
	s->schema_owner = S(mem, "alice");
}

static void
tw_app_nologin_noadmin(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->app.can_login = false;
	s->app.master_admin = false;
}

static void
tw_app_missing(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	set_role_facts(&s->app, false);
}

/* Before 16, master_admin is rolsuper OR rolcreaterole (catalog.c). */
static void
tw_app_nologin_no_createrole(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->app.can_login = false;
	s->app.master_admin = false;
	s->migrator.master_admin = false;
	s->master_createrole = false;
}

static void
tw_relations_small(struct app_mem *mem, struct app_snapshot *s)
{
	add_relation(mem, s, "a", 'r', "migrator", NULL);
	add_relation(mem, s, "b", 'r', "migrator", NULL);
	add_relation(mem, s, "c", 'r', "migrator", NULL);
	add_relation(mem, s, "s", 'S', "migrator", NULL);
}

static void
tw_role_search_paths_noadmin(struct app_mem *mem, struct app_snapshot *s)
{
	tw_role_search_paths(mem, s);
	s->migrator.master_admin = false;
}

#define Q "\""
#define L_DB \
	"REVOKE ALL ON DATABASE \"db\" FROM PUBLIC", \
	"ALTER DATABASE \"db\" SET search_path TO \"app\""
#define L_MIG_IAM \
	"CREATE ROLE \"migrator\" LOGIN", \
	"GRANT \"rds_iam\" TO \"migrator\"", \
	"GRANT CONNECT ON DATABASE \"db\" TO \"migrator\""
#define L_APP_IAM \
	"CREATE ROLE \"app\" LOGIN", \
	"GRANT \"rds_iam\" TO \"app\"", \
	"GRANT CONNECT ON DATABASE \"db\" TO \"app\""
#define L_TAKE15 "GRANT \"migrator\" TO \"postgres\""
#define L_TAKE16 "GRANT \"migrator\" TO \"postgres\" WITH SET TRUE, INHERIT TRUE"
#define L_GIVE "REVOKE \"migrator\" FROM \"postgres\""
#define L_OWNED \
	"CREATE SCHEMA \"app\" AUTHORIZATION \"migrator\"", \
	"GRANT USAGE ON SCHEMA \"app\" TO \"app\"", \
	"ALTER DEFAULT PRIVILEGES FOR ROLE \"migrator\" IN SCHEMA \"app\" GRANT ALL ON TABLES TO \"app\"", \
	"ALTER DEFAULT PRIVILEGES FOR ROLE \"migrator\" IN SCHEMA \"app\" GRANT ALL ON SEQUENCES TO \"app\"", \
	"ALTER DEFAULT PRIVILEGES FOR ROLE \"migrator\" IN SCHEMA \"app\" GRANT ALL ON ROUTINES TO \"app\""
#define L_ALTER_SCHEMA "ALTER SCHEMA \"app\" OWNER TO \"migrator\""

static const char *const want_nothing[] = {NULL};
const char *const want_empty15[] = {
	L_DB, L_MIG_IAM, L_APP_IAM, L_TAKE15, L_OWNED, L_GIVE, NULL
};
const char *const want_empty16[] = {
	L_DB, L_MIG_IAM, L_APP_IAM, L_TAKE16, L_OWNED, L_GIVE, NULL
};
static const char *const want_empty_acting[] = {
	L_DB, L_MIG_IAM, L_APP_IAM, L_OWNED, NULL
};
static const char *const want_empty15_password[] = {
	L_DB,
	"CREATE ROLE \"migrator\" LOGIN",
	"GRANT CONNECT ON DATABASE \"db\" TO \"migrator\"",
	"CREATE ROLE \"app\" LOGIN",
	"GRANT CONNECT ON DATABASE \"db\" TO \"app\"",
	L_TAKE15, L_OWNED, L_GIVE, NULL
};
static const char *const want_alter_schema_only[] = {L_ALTER_SCHEMA, NULL};
static const char *const want_alter_schema15[] = {L_TAKE15, L_ALTER_SCHEMA, L_GIVE, NULL};
static const char *const want_alter_schema16[] = {L_TAKE16, L_ALTER_SCHEMA, L_GIVE, NULL};
static const char *const want_app_login[] = {"ALTER ROLE \"app\" LOGIN", NULL};
static const char *const want_reset_search_paths[] = {
	"ALTER ROLE \"migrator\" IN DATABASE \"db\" RESET search_path",
	"ALTER ROLE \"app\" RESET search_path", NULL
};
static const char *const want_relations16[] = {
	L_TAKE16,
	"GRANT ALL ON TABLE \"app\".\"a\", \"app\".\"b\", \"app\".\"c\" TO \"app\"",
	"GRANT ALL ON SEQUENCE \"app\".\"s\" TO \"app\"",
	L_GIVE, NULL
};
static const char *const want_extensions[] = {
	"DROP EXTENSION \"citext\"",
	"CREATE EXTENSION \"hstore\" SCHEMA pg_catalog",
	NULL
};
static const char *const want_public_create[] = {
	"REVOKE CREATE ON SCHEMA \"public\" FROM PUBLIC", NULL
};
static const char *const want_search_path[] = {
	"ALTER DATABASE \"db\" SET search_path TO \"app\"", NULL
};
static const char *const want_quoted_app[] = {
	"CREATE ROLE \"a\"\"b\" LOGIN",
	"GRANT \"rds_iam\" TO \"a\"\"b\"",
	"GRANT CONNECT ON DATABASE \"db\" TO \"a\"\"b\"",
	NULL
};
static const char *const want_custom_names15[] = {
	"REVOKE ALL ON DATABASE \"db\" FROM PUBLIC",
	"ALTER DATABASE \"db\" SET search_path TO \"My Schema\"",
	"CREATE ROLE \"mig-rator\" LOGIN",
	"GRANT CONNECT ON DATABASE \"db\" TO \"mig-rator\"",
	"CREATE ROLE \"Order\" LOGIN",
	"GRANT CONNECT ON DATABASE \"db\" TO \"Order\"",
	"GRANT \"mig-rator\" TO \"postgres\"",
	"CREATE SCHEMA \"My Schema\" AUTHORIZATION \"mig-rator\"",
	"GRANT USAGE ON SCHEMA \"My Schema\" TO \"Order\"",
	"ALTER DEFAULT PRIVILEGES FOR ROLE \"mig-rator\" IN SCHEMA \"My Schema\" GRANT ALL ON TABLES TO \"Order\"",
	"ALTER DEFAULT PRIVILEGES FOR ROLE \"mig-rator\" IN SCHEMA \"My Schema\" GRANT ALL ON SEQUENCES TO \"Order\"",
	"ALTER DEFAULT PRIVILEGES FOR ROLE \"mig-rator\" IN SCHEMA \"My Schema\" GRANT ALL ON ROUTINES TO \"Order\"",
	"REVOKE \"mig-rator\" FROM \"postgres\"",
	NULL
};
static const char *const want_mig_no_create16[] = {
	L_TAKE16, "GRANT USAGE, CREATE ON SCHEMA \"app\" TO \"migrator\"", L_GIVE, NULL
};

struct plan_case
{
	const char *name;
	int			version;
	bool		empty;			/* start from snap_empty, else snap_converged */
	const char *app;
	const char *mig;
	const char *schema;
	const char *auth;
	const char *exts;
	tweak_fn	tweak;
	enum app_error_kind kind;	/* APP_OK: want exactly expect */
	const char *hint_has;
	const char *const *expect;
};

static const struct plan_case plan_cases[] = {
	{"plan: converged on 15 gives nothing", 150000, false, NULL, NULL, NULL, NULL, NULL,
	tw_none, APP_OK, NULL, want_nothing},
	{"plan: converged on 16 gives nothing", 160000, false, NULL, NULL, NULL, NULL, NULL,
	tw_none, APP_OK, NULL, want_nothing},
	{"plan: empty database on 15", 150000, true, NULL, NULL, NULL, NULL, NULL,
	tw_none, APP_OK, NULL, want_empty15},
	{"plan: empty database on 16", 160000, true, NULL, NULL, NULL, NULL, NULL,
	tw_none, APP_OK, NULL, want_empty16},
	{"plan: empty database on 17 takes membership as 16", 170002, true, NULL, NULL, NULL, NULL, NULL,
	tw_none, APP_OK, NULL, want_empty16},
	{"plan: empty database, superuser master on 15: no membership taken", 150000, true,
		NULL, NULL, NULL, NULL, NULL,
	tw_superuser, APP_OK, NULL, want_empty_acting},
	{"plan: empty database, superuser master on 16: no membership taken", 160000, true,
		NULL, NULL, NULL, NULL, NULL,
	tw_superuser, APP_OK, NULL, want_empty_acting},
	{"plan: empty database, master can act on 16: no membership taken", 160000, true,
		NULL, NULL, NULL, NULL, NULL,
	tw_can_act, APP_OK, NULL, want_empty_acting},
	{"plan: schema owned by another, master can act", 160000, false, NULL, NULL, NULL, NULL, NULL,
	tw_schema_other_can_act, APP_OK, NULL, want_alter_schema_only},
	{"plan: schema owned by another on 15", 150000, false, NULL, NULL, NULL, NULL, NULL,
	tw_schema_other, APP_OK, NULL, want_alter_schema15},
	{"plan: schema owned by another on 16", 160000, false, NULL, NULL, NULL, NULL, NULL,
	tw_schema_other, APP_OK, NULL, want_alter_schema16},
	{"plan: iam with rds_iam missing is an error", 160000, true, NULL, NULL, NULL, "iam", NULL,
	tw_no_rds_iam, APP_ERR_UNDEFINED_OBJECT, "password", NULL},
	{"plan: password with rds_iam missing grants no rds_iam", 150000, true,
		NULL, NULL, NULL, "password", NULL,
	tw_no_rds_iam, APP_OK, NULL, want_empty15_password},
	{"plan: master holds a grant on 16: refused", 160000, false, NULL, NULL, NULL, NULL, NULL,
	tw_holds_schema_other, APP_ERR_PRIVILEGE, "WITH SET TRUE, INHERIT TRUE", NULL},
	{"plan: master holds a grant on 15: refused", 150000, false, NULL, NULL, NULL, NULL, NULL,
	tw_holds_schema_other, APP_ERR_PRIVILEGE, "INHERIT", NULL},
	{"plan: master holds a grant, nothing to do: no error", 160000, false,
		NULL, NULL, NULL, NULL, NULL,
	tw_holds, APP_OK, NULL, want_nothing},
	{"plan: master holds a grant but is superuser: no error", 160000, false,
		NULL, NULL, NULL, NULL, NULL,
	tw_holds_superuser_schema_other, APP_OK, NULL, want_alter_schema_only},
	{"plan: no ADMIN on existing migrator on 16: refused", 160000, false,
		NULL, NULL, NULL, NULL, NULL,
	tw_noadmin_no_schema, APP_ERR_PRIVILEGE, "WITH ADMIN OPTION", NULL},
	{"plan: no ADMIN on migrator, nothing to do: no error", 160000, false,
		NULL, NULL, NULL, NULL, NULL,
	tw_noadmin, APP_OK, NULL, want_nothing},
	{"plan: no ADMIN on migrator, superuser master: no error", 160000, false,
		NULL, NULL, NULL, NULL, NULL,
	tw_noadmin_superuser_schema_other, APP_OK, NULL, want_alter_schema_only},
	{"plan: app cannot log in", 160000, false, NULL, NULL, NULL, NULL, NULL,
	tw_app_nologin, APP_OK, NULL, want_app_login},
	{"plan: app cannot log in, no ADMIN on app on 16: refused", 160000, false,
		NULL, NULL, NULL, NULL, NULL,
	tw_app_nologin_noadmin, APP_ERR_PRIVILEGE, "GRANT \"app\" TO \"postgres\" WITH ADMIN OPTION", NULL},
	/*
	 * core bug: on 13-15 ALTER ROLE needs CREATEROLE, and master_admin is read
	 * from rolcreaterole; the 16-only "WITH ADMIN OPTION" remedy fixes nothing.
	 */
	{"plan: app cannot log in, 15, master without CREATEROLE: hint gives 15's remedy", 150000,
		false, NULL, NULL, NULL, NULL, NULL,
	tw_app_nologin_no_createrole, APP_ERR_PRIVILEGE, "CREATEROLE", NULL},
	{"plan: migrator-owned relations granted in one statement per kind", 160000, false,
		NULL, NULL, NULL, NULL, NULL,
	tw_relations_small, APP_OK, NULL, want_relations16},
	{"plan: extensions created in pg_catalog and dropped", 160000, false,
		NULL, NULL, NULL, NULL, "{\"hstore\": true, \"citext\": false}",
	tw_citext_installed, APP_OK, NULL, want_extensions},
	{"plan: extensions already as configured", 160000, false,
		NULL, NULL, NULL, NULL, "{\"hstore\": true, \"citext\": false}",
	tw_hstore_installed, APP_OK, NULL, want_nothing},
	{"plan: PUBLIC may create in public", 150000, false, NULL, NULL, NULL, NULL, NULL,
	tw_public_create, APP_OK, NULL, want_public_create},
	{"plan: search_path alone", 150000, false, NULL, NULL, NULL, NULL, NULL,
	tw_search_path, APP_OK, NULL, want_search_path},
	{"plan: identifiers quoted (app_user a\"b)", 160000, false, "a\"b", NULL, NULL, NULL, NULL,
	tw_app_missing, APP_OK, NULL, want_quoted_app},
	{"plan: custom names, password, empty database on 15", 150000, true,
		"Order", "mig-rator", "My Schema", "password", NULL,
	tw_none, APP_OK, NULL, want_custom_names15},
	{"plan: migrator owns schema but cannot create", 160000, false,
		NULL, NULL, NULL, NULL, NULL,
	tw_mig_no_create, APP_OK, NULL, want_mig_no_create16},
	{"plan: role-level search_paths reset, here and everywhere", 160000, false,
		NULL, NULL, NULL, NULL, NULL,
	tw_role_search_paths, APP_OK, NULL, want_reset_search_paths},
	{"plan: role-level search_paths on 15", 150000, false, NULL, NULL, NULL, NULL, NULL,
	tw_role_search_paths, APP_OK, NULL, want_reset_search_paths},
	{"plan: role-level search_path of a role the master cannot manage", 160000, false,
		NULL, NULL, NULL, NULL, NULL,
	tw_role_search_paths_noadmin, APP_ERR_PRIVILEGE, "WITH ADMIN OPTION", NULL},
};

static void
test_plan(struct app_mem *mem, const void *arg)
{
	const struct plan_case *c = arg;
	struct app_config cfg;
	struct app_snapshot snap;
	struct app_strlist out;
	struct app_error err = {0};
	int			rc;

	if (app_config_build(mem, &cfg, c->app, c->mig, c->schema, c->auth, c->exts, &err) != 0)
	{
		fail("config refused: %s", nz(err.message));
		return;
	}
	if (c->empty)
		snap_empty(mem, &snap, c->version);
	else
		snap_converged(mem, &snap, c->version);
	c->tweak(mem, &snap);

	rc = app_plan(mem, &cfg, &snap, &out, &err);
	if (c->kind != APP_OK)
	{
		EXPECT(rc == -1, "no error, want kind %d (%d statements)", (int) c->kind, out.n);
		if (rc != -1)
			return;
		EXPECT(err.kind == c->kind, "error kind %d, want %d (%s)", (int) err.kind,
			   (int) c->kind, nz(err.message));
		EXPECT(err.message && err.message[0], "empty message");
		EXPECT(has(err.hint, c->hint_has), "hint [%s] lacks [%s]", nz(err.hint), c->hint_has);
		return;
	}
	EXPECT(rc == 0, "error kind %d: %s (hint: %s)", (int) err.kind, nz(err.message), nz(err.hint));
	if (rc != 0)
		return;
	EXPECT(err.kind == APP_OK, "err set on success");
	expect_list("statements", &out, c->expect);
}

/* 2000 tables with 40-byte names: batched GRANTs, each table named once. */
static void
test_plan_many_relations(struct app_mem *mem, const void *arg)
{
	enum { NTAB = 2000 };
	static const char prefix[] = "GRANT ALL ON TABLE ";
	static const char suffix[] = " TO \"app\"";
	struct app_config cfg;
	struct app_snapshot snap;
	struct app_strlist out;
	struct app_error err = {0};
	int		   *seen;
	int			i;
	int			total = 0;

	(void) arg;
	if (app_config_build(mem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
	{
		fail("config refused");
		return;
	}
	snap_converged(mem, &snap, 160000);
	snap.master_can_act = true;
	snap.relations = app_alloc(mem, sizeof(struct app_relation) * NTAB);
	for (i = 0; i < NTAB; i++)
	{
		char		name[41];

		snprintf(name, sizeof(name), "t%04d%035d", i, 0);
		snap.relations[i].name = S(mem, name);
		snap.relations[i].kind = 'r';
		snap.relations[i].owner = S(mem, "migrator");
	}
	snap.n_relations = NTAB;
	if (strlen(snap.relations[0].name) != 40)
	{
		fail("test setup: name length %zu", strlen(snap.relations[0].name));
		return;
	}

	if (app_plan(mem, &cfg, &snap, &out, &err) != 0)
	{
		fail("plan failed: %s", nz(err.message));
		return;
	}
	EXPECT(out.n > 1, "%d statements, want several", out.n);
	seen = app_alloc(mem, sizeof(int) * NTAB);
	for (i = 0; i < out.n; i++)
	{
		const char *st = out.items[i];
		size_t		len = strlen(st);
		const char *p;
		const char *end;

		EXPECT(len < 17000, "statement %d is %zu bytes", i, len);
		if (strncmp(st, prefix, sizeof(prefix) - 1) != 0 || !ends_with(st, suffix))
		{
			fail("statement %d not a GRANT ALL ON TABLE ... TO \"app\": %.80s", i, st);
			continue;
		}
		p = st + sizeof(prefix) - 1;
		end = st + len - (sizeof(suffix) - 1);
		while (p < end)
		{
			int			idx;

			/* "app"."tNNNN0000..." */
			if (strncmp(p, "\"app\".\"t", 8) != 0 || end - p < 48 || p[47] != '"')
			{
				fail("statement %d: bad item at offset %td: %.60s", i, p - st, p);
				break;
			}
			{
				char		digits[5];

				memcpy(digits, p + 8, 4);
				digits[4] = '\0';
				idx = atoi(digits);
			}
			if (idx >= 0 && idx < NTAB)
				seen[idx]++;
			total++;
			p += 48;
			if (p < end)
			{
				if (strncmp(p, ", ", 2) != 0)
				{
					fail("statement %d: no \", \" at offset %td", i, p - st);
					break;
				}
				p += 2;
			}
		}
	}
	EXPECT(total == NTAB, "%d names in all, want %d", total, NTAB);
	for (i = 0; i < NTAB; i++)
		if (seen[i] != 1)
		{
			fail("table %d named %d times", i, seen[i]);
			break;
		}
}

/* app_grant_act_as spells the membership by the server's version. */
static void
test_grant_act_as(struct app_mem *mem, const void *arg)
{
	static const struct
	{
		int			version;
		const char *want;
	}			cases[] = {
		{130012, "GRANT \"mig\"\"x\" TO \"mas ter\""},
		{159999, "GRANT \"mig\"\"x\" TO \"mas ter\""},
		{160000, "GRANT \"mig\"\"x\" TO \"mas ter\" WITH SET TRUE, INHERIT TRUE"},
		{170004, "GRANT \"mig\"\"x\" TO \"mas ter\" WITH SET TRUE, INHERIT TRUE"},
	};
	size_t		i;

	(void) arg;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		struct app_snapshot snap;
		struct app_buf buf;

		memset(&snap, 0, sizeof(snap));
		snap.server_version = cases[i].version;
		snap.master = S(mem, "mas ter");
		app_buf_init(&buf, mem);
		app_grant_act_as(&buf, &snap, "mig\"x");
		EXPECT(strcmp(buf.data, cases[i].want) == 0, "version %d: [%s], want [%s]",
			   cases[i].version, buf.data, cases[i].want);
	}
}

/* The plan cases, in order. */
void
plan_tests(void)
{
	size_t		i;

	for (i = 0; i < sizeof(plan_cases) / sizeof(plan_cases[0]); i++)
		run_case(plan_cases[i].name, test_plan, &plan_cases[i]);
	run_case("plan: 2000 tables batched under 17000 bytes, each once",
			 test_plan_many_relations, NULL);
	run_case("plan: app_grant_act_as by server version", test_grant_act_as, NULL);
}
