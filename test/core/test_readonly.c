/*
 * test/core/test_readonly.c
 *		Read-only users in plan and checks (core/plan.c, core/checks.c):
 *		what setup grants, revokes and drops, and what check names.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/checks.h"
#include "core/config.h"
#include "core/error.h"
#include "core/mem.h"
#include "core/plan.h"

#include "test/core/fake_exec.h"
#include "test/core/test_core.h"
#include "test/unit.h"

#define MARK "'app_roles read-only user; database=db; schema=app'"
#define RETIRED "'app_roles removed read-only user; database=db; schema=app'"

/* A converged database (16) and a configuration naming the read-only user analyst. */
static int
setup(struct app_mem *mem, struct app_config *cfg, struct app_snapshot *snap, bool drop)
{
	const char *users[1] = {"analyst"};
	struct app_error err = {0};

	if (app_config_build(mem, cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0 ||
		app_config_set_readonly(mem, cfg, users, 1, &err) != 0)
	{
		fail("config refused: %s", nz(err.message));
		return -1;
	}
	cfg->drop_removed = drop;
	snap_converged(mem, snap, 160000);
	snap->readonly = app_alloc(mem, sizeof(struct app_readonly_facts));
	memset(snap->readonly, 0, sizeof(struct app_readonly_facts));
	snap->readonly[0].name = "analyst";
	snap->n_readonly = 1;
	return 0;
}

/* analyst as setup leaves it */
static void
converge(struct app_readonly_facts *ro)
{
	ro->role.exists = ro->role.can_login = ro->role.in_rds_iam = ro->role.has_connect = true;
	ro->role.master_admin = true;
	ro->marked = ro->schema_usage = ro->defacl_tables = ro->defacl_sequences = true;
}

static struct app_relation *
one_relation(struct app_mem *mem, const char *name, char kind, const char *lacks)
{
	struct app_relation *r = app_alloc(mem, sizeof(*r));

	r->name = app_strdup(mem, name);
	r->kind = kind;
	r->owner = app_strdup(mem, "migrator");
	r->app_lacks = app_strdup(mem, lacks);
	return r;
}

static void
expect_plan(struct app_mem *mem, const struct app_config *cfg, const struct app_snapshot *snap,
			const char *const *want)
{
	struct app_strlist out;
	struct app_error err = {0};

	if (app_plan(mem, cfg, snap, &out, &err) != 0)
	{
		fail("plan refused: %s", nz(err.message));
		return;
	}
	expect_list("statements", &out, want);
}

static void
test_plan_new_user(struct app_mem *mem, const void *arg)
{
	static const char *const want[] = {
		"CREATE ROLE \"analyst\" LOGIN",
		"GRANT \"rds_iam\" TO \"analyst\"",
		"GRANT CONNECT ON DATABASE \"db\" TO \"analyst\"",
		"COMMENT ON ROLE \"analyst\" IS " MARK,
		"GRANT \"migrator\" TO \"postgres\" WITH SET TRUE, INHERIT TRUE",
		"GRANT USAGE ON SCHEMA \"app\" TO \"analyst\"",
		"ALTER DEFAULT PRIVILEGES FOR ROLE \"migrator\" IN SCHEMA \"app\" GRANT SELECT ON TABLES TO \"analyst\"",
		"ALTER DEFAULT PRIVILEGES FOR ROLE \"migrator\" IN SCHEMA \"app\" GRANT SELECT ON SEQUENCES TO \"analyst\"",
		"GRANT SELECT ON TABLE \"app\".\"orders\" TO \"analyst\"",
		"GRANT SELECT ON SEQUENCE \"app\".\"orders_id_seq\" TO \"analyst\"",
		"REVOKE \"migrator\" FROM \"postgres\"",
		NULL
	};
	struct app_config cfg;
	struct app_snapshot snap;
	struct app_relation *rel;

	(void) arg;
	if (setup(mem, &cfg, &snap, false) != 0)
		return;
	rel = app_alloc(mem, sizeof(*rel) * 2);
	rel[0] = *one_relation(mem, "orders", 'r', "+SELECT");
	rel[1] = *one_relation(mem, "orders_id_seq", 'S', "+SELECT");
	snap.readonly[0].relations = rel;
	snap.readonly[0].n_relations = 2;
	expect_plan(mem, &cfg, &snap, want);
}

static void
test_plan_converged(struct app_mem *mem, const void *arg)
{
	static const char *const want[] = {NULL};
	struct app_config cfg;
	struct app_snapshot snap;

	(void) arg;
	if (setup(mem, &cfg, &snap, false) != 0)
		return;
	converge(&snap.readonly[0]);
	expect_plan(mem, &cfg, &snap, want);
}

/* Writes held (a table's INSERT, CREATE on the schema, defaults beyond SELECT): revoked. */
static void
test_plan_too_much(struct app_mem *mem, const void *arg)
{
	static const char *const want[] = {
		"GRANT \"migrator\" TO \"postgres\" WITH SET TRUE, INHERIT TRUE",
		"REVOKE CREATE ON SCHEMA \"app\" FROM \"analyst\"",
		"ALTER DEFAULT PRIVILEGES FOR ROLE \"migrator\" IN SCHEMA \"app\" REVOKE ALL ON TABLES FROM \"analyst\"",
		"ALTER DEFAULT PRIVILEGES FOR ROLE \"migrator\" IN SCHEMA \"app\" GRANT SELECT ON TABLES TO \"analyst\"",
		"ALTER DEFAULT PRIVILEGES FOR ROLE \"migrator\" IN SCHEMA \"app\" REVOKE ALL ON SEQUENCES FROM \"analyst\"",
		"ALTER DEFAULT PRIVILEGES FOR ROLE \"migrator\" IN SCHEMA \"app\" GRANT SELECT ON SEQUENCES TO \"analyst\"",
		"REVOKE INSERT, UPDATE ON TABLE \"app\".\"orders\" FROM \"analyst\"",
		"REVOKE \"migrator\" FROM \"postgres\"",
		NULL
	};
	struct app_config cfg;
	struct app_snapshot snap;

	(void) arg;
	if (setup(mem, &cfg, &snap, false) != 0)
		return;
	converge(&snap.readonly[0]);
	snap.readonly[0].schema_create = true;
	snap.readonly[0].defacl_extra = true;
	snap.readonly[0].relations = one_relation(mem, "orders", 'r', "-INSERT, UPDATE");
	snap.readonly[0].n_relations = 1;
	expect_plan(mem, &cfg, &snap, want);
}

static struct app_marked_role *
marked(struct app_mem *mem, const char *name, bool owns)
{
	struct app_marked_role *m = app_alloc(mem, sizeof(*m));

	m->name = app_strdup(mem, name);
	m->owns = owns;
	return m;
}

#define REVOKES(u) \
	"GRANT \"migrator\" TO \"postgres\" WITH SET TRUE, INHERIT TRUE", \
	"REVOKE ALL ON ALL TABLES IN SCHEMA \"app\" FROM \"" u "\"", \
	"REVOKE ALL ON ALL SEQUENCES IN SCHEMA \"app\" FROM \"" u "\"", \
	"ALTER DEFAULT PRIVILEGES FOR ROLE \"migrator\" IN SCHEMA \"app\" REVOKE ALL ON TABLES FROM \"" u "\"", \
	"ALTER DEFAULT PRIVILEGES FOR ROLE \"migrator\" IN SCHEMA \"app\" REVOKE ALL ON SEQUENCES FROM \"" u "\"", \
	"REVOKE ALL ON SCHEMA \"app\" FROM \"" u "\"", \
	"REVOKE \"migrator\" FROM \"postgres\"", \
	"REVOKE CONNECT ON DATABASE \"db\" FROM \"" u "\"", \
	"COMMENT ON ROLE \"" u "\" IS " RETIRED

/* A marked user the config no longer names: its grants revoked, kept unless drop_removed. */
static void
test_plan_removed(struct app_mem *mem, const void *arg)
{
	static const char *const want[] = {REVOKES("old"), NULL};
	static const char *const want_drop[] = {REVOKES("old"), "DROP ROLE \"old\"", NULL};
	struct app_config cfg;
	struct app_snapshot snap;
	struct app_strlist out;
	struct app_error err = {0};

	(void) arg;
	if (setup(mem, &cfg, &snap, false) != 0)
		return;
	converge(&snap.readonly[0]);
	snap.removed_readonly = marked(mem, "old", false);
	snap.n_removed_readonly = 1;
	expect_plan(mem, &cfg, &snap, want);
	cfg.drop_removed = true;
	expect_plan(mem, &cfg, &snap, want_drop);
	snap.removed_readonly[0].owns = true;
	EXPECT(app_plan(mem, &cfg, &snap, &out, &err) == -1 && has(err.message, "\"old\" owns objects") &&
		   has(err.hint, "REASSIGN OWNED"), "an owning user dropped: %s", nz(err.message));
}

/* A user an earlier setup revoked: dropped only with drop_removed. */
static void
test_plan_retired(struct app_mem *mem, const void *arg)
{
	static const char *const want_none[] = {NULL};
	static const char *const want_drop[] = {"DROP ROLE \"gone\"", NULL};
	struct app_config cfg;
	struct app_snapshot snap;

	(void) arg;
	if (setup(mem, &cfg, &snap, false) != 0)
		return;
	converge(&snap.readonly[0]);
	snap.retired_readonly = marked(mem, "gone", false);
	snap.n_retired_readonly = 1;
	expect_plan(mem, &cfg, &snap, want_none);
	cfg.drop_removed = true;
	expect_plan(mem, &cfg, &snap, want_drop);
}

/* check's readonly_users: there only with read-only users; each fault with its fix. */
static void
test_check(struct app_mem *mem, const void *arg)
{
	struct app_config cfg;
	struct app_snapshot snap;
	struct app_checks out;
	struct app_error err = {0};
	struct fake f;
	struct app_executor exec;
	const struct app_check *c;

	(void) arg;
	if (setup(mem, &cfg, &snap, false) != 0)
		return;
	fake_init(&f, mem);
	exec_init(&exec, &f);
	converge(&snap.readonly[0]);
	EXPECT(app_checks_run(&exec, mem, &cfg, &snap, &out, &err) == 0, "checks: %s", nz(err.message));
	c = find_check(&out, "readonly_users");
	EXPECT(c && c->ok && has(c->detail, "\"analyst\" reads every table, view and sequence in schema \"app\" and writes none"),
		   "converged: %s", c ? c->detail : "no readonly_users check");
	EXPECT(f.probed.n > 0 && has(f.probed.items[f.probed.n - 1], "insufficient_privilege"),
		   "the probe does not try analyst's insert");

	snap.readonly[0].schema_create = true;
	snap.readonly[0].relations = one_relation(mem, "orders", 'r', "lacks SELECT");
	snap.readonly[0].n_relations = 1;
	snap.readonly[0].relations_total = 3;
	EXPECT(app_checks_run(&exec, mem, &cfg, &snap, &out, &err) == 0, "checks: %s", nz(err.message));
	c = find_check(&out, "readonly_users");
	EXPECT(c && !c->ok && !out.success &&
		   has(c->detail, "REVOKE CREATE ON SCHEMA \"app\" FROM \"analyst\"") &&
		   has(c->detail, "TABLE \"app\".\"orders\": \"analyst\" lacks SELECT (fix: GRANT SELECT ON TABLE \"app\".\"orders\" TO \"analyst\")") &&
		   has(c->detail, "and 2 more for \"analyst\""), "faults: %s", c ? c->detail : "none");

	snap.readonly[0].role.exists = false;
	EXPECT(app_checks_run(&exec, mem, &cfg, &snap, &out, &err) == 0, "checks: %s", nz(err.message));
	c = find_check(&out, "readonly_users");
	EXPECT(c && !c->ok && strcmp(c->detail, "role \"analyst\" does not exist (run setup)") == 0,
		   "missing: %s", c ? c->detail : "none");

	cfg.n_readonly_users = 0;
	snap.n_readonly = 0;
	EXPECT(app_checks_run(&exec, mem, &cfg, &snap, &out, &err) == 0 && find_check(&out, "readonly_users") == NULL,
		   "a readonly_users check without read-only users");
}

void
readonly_tests(void)
{
	run_case("readonly: plan for a new user: role, mark, USAGE, defaults, SELECT", test_plan_new_user, NULL);
	run_case("readonly: converged user: nothing to do", test_plan_converged, NULL);
	run_case("readonly: writes and CREATE held are revoked", test_plan_too_much, NULL);
	run_case("readonly: a removed user is revoked, dropped only when asked and owning nothing",
			 test_plan_removed, NULL);
	run_case("readonly: a user revoked earlier is dropped only when asked", test_plan_retired, NULL);
	run_case("readonly: check names each fault with its fix; none without users", test_check, NULL);
}
