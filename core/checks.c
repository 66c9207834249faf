/*
 * core/checks.c
 *		The checks: each reads the snapshot, one runs the behavioural probe.
 *
 * A check never raises for a failed check: it reports it, with a detail that
 * says what is wrong and, where one statement fixes it, which.
 */
#include "checks.h"

#include <stdarg.h>
#include <string.h>

#include "plan.h"
#include "quote.h"

struct checker
{
	struct app_mem *mem;
	const struct app_config *cfg;
	const struct app_snapshot *snap;
	struct app_checks *out;
};

/* Append a sentence to a detail being built, separated by "; ". */
static void
note(struct app_buf *buf, const char *fmt,...)
{
	va_list		args;

	if (buf->len > 0)
		app_buf_append(buf, "; ");
	va_start(args, fmt);
	app_quote_vprintf(buf, fmt, args);
	va_end(args);
}

static void
record(struct checker *c, const char *name, bool ok, struct app_buf *detail)
{
	struct app_check *item = &c->out->items[c->out->n++];

	item->name = name;
	item->ok = ok;
	item->detail = detail->data;
	if (!ok)
		c->out->success = false;
}

/*
 * Note that role is missing and return true: a fix that grants to it or acts
 * as it cannot work before setup creates it.
 */
static bool
note_missing_role(struct app_buf *d, const char *role, const struct app_role_facts *f)
{
	if (f->exists)
		return false;
	note(d, "role %I does not exist (run setup)", role);
	return true;
}

static void
check_role(struct checker *c, const char *name, const char *role,
		   const struct app_role_facts *f)
{
	struct app_buf d;

	app_buf_init(&d, c->mem);
	if (!f->exists)
		note(&d, "role %I does not exist (run setup)", role);
	else if (!f->can_login)
		note(&d, "role %I cannot log in (fix: ALTER ROLE %I LOGIN)", role, role);
	else
		note(&d, "role %I exists and can log in", role);
	record(c, name, f->exists && f->can_login, &d);
}

static void
check_rds_iam(struct checker *c)
{
	const char *roles[2] = {c->cfg->migrator_user, c->cfg->app_user};
	const struct app_role_facts *facts[2] = {&c->snap->migrator, &c->snap->app};
	struct app_buf d;
	bool		ok = true;
	int			i;

	app_buf_init(&d, c->mem);
	if (!c->snap->rds_iam_exists)
	{
		ok = false;
		note(&d, "role %I does not exist on this server: RDS and Aurora always have it (check that this is the right server); on plain PostgreSQL, use auth \"password\"",
			 "rds_iam");
	}
	else
		for (i = 0; i < 2; i++)
			if (!facts[i]->in_rds_iam)
			{
				ok = false;
				if (!note_missing_role(&d, roles[i], facts[i]))
					note(&d, "%I is not a member of rds_iam (fix: GRANT rds_iam TO %I)",
						 roles[i], roles[i]);
			}
	if (ok)
		note(&d, "%I and %I are members of rds_iam", roles[0], roles[1]);
	record(c, "rds_iam_membership", ok, &d);
}

static void
check_connect(struct checker *c)
{
	const char *roles[2] = {c->cfg->migrator_user, c->cfg->app_user};
	const struct app_role_facts *facts[2] = {&c->snap->migrator, &c->snap->app};
	struct app_buf d;
	bool		ok = true;
	int			i;

	app_buf_init(&d, c->mem);
	for (i = 0; i < 2; i++)
		if (!facts[i]->has_connect)
		{
			ok = false;
			if (!note_missing_role(&d, roles[i], facts[i]))
				note(&d, "%I has no CONNECT on database %I (fix: GRANT CONNECT ON DATABASE %I TO %I)",
					 roles[i], c->snap->database, c->snap->database, roles[i]);
		}
	if (ok)
		note(&d, "%I and %I may connect to database %I",
			 roles[0], roles[1], c->snap->database);
	record(c, "database_connect", ok, &d);
}

/* The database's search_path, and no role-level one of app or migrator over it. */
static void
check_search_path(struct checker *c)
{
	const char *roles[2] = {c->cfg->migrator_user, c->cfg->app_user};
	const struct app_role_facts *facts[2] = {&c->snap->migrator, &c->snap->app};
	const char *db = c->snap->database;
	struct app_buf d;
	bool		ok = c->snap->search_path_ok;
	int			i;

	app_buf_init(&d, c->mem);
	if (c->snap->search_path_ok)
		note(&d, "database %I has search_path %I", db, c->cfg->schema);
	else
		note(&d, "database %I does not have search_path %I (fix: ALTER DATABASE %I SET search_path TO %I)",
			 db, c->cfg->schema, db, c->cfg->schema);
	for (i = 0; i < 2; i++)
	{
		if (facts[i]->search_path_here)
			note(&d, "role %I has its own search_path %s in database %I, which overrides the database's (fix: ALTER ROLE %I IN DATABASE %I RESET search_path)",
				 roles[i], facts[i]->search_path_here, db, roles[i], db);
		if (facts[i]->search_path_everywhere)
			note(&d, "role %I has its own search_path %s in every database, which overrides the database's (fix: ALTER ROLE %I RESET search_path)",
				 roles[i], facts[i]->search_path_everywhere, roles[i]);
		if (facts[i]->search_path_here || facts[i]->search_path_everywhere)
			ok = false;
	}
	record(c, "search_path", ok, &d);
}

static void
check_schema_owner(struct checker *c)
{
	const struct app_snapshot *s = c->snap;
	const char *schema = c->cfg->schema;
	const char *mig = c->cfg->migrator_user;
	struct app_buf d;
	bool		ok = false;

	app_buf_init(&d, c->mem);
	if (!s->schema_exists)
		note(&d, "schema %I does not exist (run setup)", schema);
	else if (note_missing_role(&d, mig, &s->migrator))
		;
	else if (s->schema_owner == NULL || strcmp(s->schema_owner, mig) != 0)
		note(&d, "schema %I is owned by %I, not %I (fix: ALTER SCHEMA %I OWNER TO %I)",
			 schema, s->schema_owner ? s->schema_owner : "?", mig, schema, mig);
	else if (!s->migrator_schema_create || !s->migrator_schema_usage)
		note(&d, "%I owns schema %I but cannot create in it (fix: GRANT USAGE, CREATE ON SCHEMA %I TO %I)",
			 mig, schema, schema, mig);
	else
	{
		ok = true;
		note(&d, "%I owns schema %I and can create in it", mig, schema);
	}
	record(c, "schema_owner", ok, &d);
}

static void
check_schema_usage(struct checker *c)
{
	struct app_buf d;
	const char *schema = c->cfg->schema;
	const char *app = c->cfg->app_user;

	app_buf_init(&d, c->mem);
	if (c->snap->app_schema_usage)
		note(&d, "%I has USAGE on schema %I", app, schema);
	else if (!c->snap->schema_exists)
		note(&d, "schema %I does not exist (run setup)", schema);
	else if (note_missing_role(&d, app, &c->snap->app))
		;
	else
		note(&d, "%I has no USAGE on schema %I (fix: GRANT USAGE ON SCHEMA %I TO %I)",
			 app, schema, schema, app);
	record(c, "schema_usage", c->snap->app_schema_usage, &d);
}

/* Name one relation app cannot use, why, and the statement that fixes it. */
static void
note_relation(struct checker *c, struct app_buf *d, const struct app_relation *r)
{
	const char *schema = c->cfg->schema;
	const char *mig = c->cfg->migrator_user;
	const char *noun = app_relkind_noun(r->kind);
	const char *grant_noun = r->kind == 'S' ? "SEQUENCE" : "TABLE";

	if (strcmp(r->owner, mig) == 0)
		note(d, "%s %I.%I lacks %s for %I, a grant was revoked (fix: GRANT ALL ON %s %I.%I TO %I, or run setup)",
			 noun, schema, r->name, r->app_lacks, c->cfg->app_user,
			 grant_noun, schema, r->name, c->cfg->app_user);
	else
		note(d, "%s %I.%I %s %I, not by %I, and lacks %s for %I (fix, as a role that can act as both %I and %I: ALTER %s %I.%I OWNER TO %I)",
			 noun, schema, r->name,
			 strcmp(r->owner, c->snap->master) == 0 ? "was created by the master" : "is owned by",
			 r->owner, mig, r->app_lacks, c->cfg->app_user,
			 r->owner, mig, noun, schema, r->name, mig);
}

static void
check_relations(struct checker *c)
{
	const struct app_snapshot *s = c->snap;
	struct app_buf d;
	int			i;
	bool		ok = false;

	app_buf_init(&d, c->mem);
	if (!s->app.exists)
		note(&d, "role %I does not exist (run setup)", c->cfg->app_user);
	else if (!s->schema_exists)
		note(&d, "schema %I does not exist (run setup)", c->cfg->schema);
	else if (s->relations_total == 0)
	{
		ok = true;
		note(&d, "every table and sequence in schema %I is usable by %I",
			 c->cfg->schema, c->cfg->app_user);
	}
	else
	{
		for (i = 0; i < s->n_relations && i < APP_RELATIONS_NAMED; i++)
			note_relation(c, &d, &s->relations[i]);
		if (s->relations_total > i)
			note(&d, "and %d more", s->relations_total - i);
	}
	record(c, "relations_usable", ok, &d);
}

static void
check_default_privileges(struct checker *c)
{
	const struct app_snapshot *s = c->snap;
	const char *kinds[3] = {"TABLES", "SEQUENCES", "ROUTINES"};
	bool		have[3] = {s->defacl_tables, s->defacl_sequences, s->defacl_routines};
	struct app_buf d;
	bool		ok = true;
	int			i;

	app_buf_init(&d, c->mem);
	if (!s->schema_exists)
	{
		ok = false;
		note(&d, "schema %I does not exist (run setup)", c->cfg->schema);
	}
	else
	{
		/* name both when both are missing */
		bool		mig_missing = note_missing_role(&d, c->cfg->migrator_user, &s->migrator);
		bool		app_missing = note_missing_role(&d, c->cfg->app_user, &s->app);

		if (mig_missing || app_missing)
			ok = false;
		else
			for (i = 0; i < 3; i++)
				if (!have[i])
				{
					ok = false;
					note(&d, "%I's default privileges in schema %I do not give %I ALL on %s (fix: ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT ALL ON %s TO %I)",
						 c->cfg->migrator_user, c->cfg->schema, c->cfg->app_user, kinds[i],
						 c->cfg->migrator_user, c->cfg->schema, kinds[i], c->cfg->app_user);
				}
	}
	if (ok)
		note(&d, "tables, sequences and routines %I creates in schema %I are usable by %I",
			 c->cfg->migrator_user, c->cfg->schema, c->cfg->app_user);
	record(c, "default_privileges", ok, &d);
}

/*
 * Each read-only user: a role that logs in as app does, reads every relation
 * of the schema and writes none, cannot create in it, and reads what migrator
 * creates later; each failure with its fix.
 */
static void
check_readonly(struct checker *c)
{
	const struct app_snapshot *s = c->snap;
	const char *schema = c->cfg->schema;
	const char *mig = c->cfg->migrator_user;
	struct app_buf d;
	bool		ok = true;
	int			i,
				j;

	app_buf_init(&d, c->mem);
	for (i = 0; i < s->n_readonly; i++)
	{
		const struct app_readonly_facts *ro = &s->readonly[i];
		const char *u = ro->name;
		size_t		before = d.len;

		if (note_missing_role(&d, u, &ro->role))
			;
		else
		{
			if (!ro->role.can_login)
				note(&d, "role %I cannot log in (fix: ALTER ROLE %I LOGIN)", u, u);
			if (c->cfg->auth == APP_AUTH_IAM && !ro->role.in_rds_iam)
				note(&d, "%I is not a member of rds_iam (fix: GRANT rds_iam TO %I)", u, u);
			if (!ro->role.has_connect)
				note(&d, "%I has no CONNECT on database %I (fix: GRANT CONNECT ON DATABASE %I TO %I)",
					 u, s->database, s->database, u);
			if (!s->schema_exists)
				note(&d, "schema %I does not exist (run setup)", schema);
			else
			{
				if (!ro->schema_usage)
					note(&d, "%I has no USAGE on schema %I (fix: GRANT USAGE ON SCHEMA %I TO %I)",
						 u, schema, schema, u);
				if (ro->schema_create)
					note(&d, "%I can create in schema %I (fix: REVOKE CREATE ON SCHEMA %I FROM %I)",
						 u, schema, schema, u);
				if (ro->defacl_extra)
					note(&d, "%I's default privileges in schema %I give %I more than SELECT (fix: ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I REVOKE ALL ON TABLES FROM %I, then run setup)",
						 mig, schema, u, mig, schema, u);
				if (!ro->defacl_tables || !ro->defacl_sequences)
					note(&d, "%I's default privileges in schema %I do not give %I SELECT on %s (fix: ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT ON %s TO %I)",
						 mig, schema, u, !ro->defacl_tables ? "TABLES" : "SEQUENCES",
						 mig, schema, !ro->defacl_tables ? "TABLES" : "SEQUENCES", u);
				for (j = 0; j < ro->n_relations; j++)
				{
					const struct app_relation *r = &ro->relations[j];
					const char *noun = app_relkind_noun(r->kind);
					const char *grant_noun = r->kind == 'S' ? "SEQUENCE" : "TABLE";
					struct app_buf fix;
					struct app_buf writes;
					const char *p;

					/* "lacks SELECT, has INSERT, has UPDATE": one statement for each part */
					app_buf_init(&fix, c->mem);
					app_buf_init(&writes, c->mem);
					for (p = strstr(r->app_lacks, "has "); p; p = strstr(p + 4, "has "))
					{
						const char *end = strchr(p, ',');

						if (writes.len)
							app_buf_append(&writes, ", ");
						app_buf_append_len(&writes, p + 4, end ? (size_t) (end - p - 4) : strlen(p + 4));
					}
					if (strstr(r->app_lacks, "lacks SELECT"))
						app_quote_printf(&fix, "GRANT SELECT ON %s %I.%I TO %I", grant_noun, schema, r->name, u);
					if (writes.len)
						app_quote_printf(&fix, "%sREVOKE %s ON %s %I.%I FROM %I", fix.len ? "; " : "",
										 writes.data, grant_noun, schema, r->name, u);
					note(&d, "%s %I.%I: %I %s (fix: %s)", noun, schema, r->name, u, r->app_lacks, fix.data);
				}
				if (ro->relations_total > ro->n_relations)
					note(&d, "and %d more for %I", ro->relations_total - ro->n_relations, u);
			}
		}
		if (d.len > before)
			ok = false;
		else
			note(&d, "%I reads every table, view and sequence in schema %I and writes none", u, schema);
	}
	record(c, "readonly_users", ok, &d);
}

static void
check_public(struct checker *c)
{
	const struct app_snapshot *s = c->snap;
	struct app_buf d;

	app_buf_init(&d, c->mem);
	if (s->public_schema_public_create)
		note(&d, "PUBLIC can create in schema public (fix: REVOKE CREATE ON SCHEMA public FROM PUBLIC)");
	else
		note(&d, "PUBLIC cannot create in schema public");
	record(c, "public_schema_create", !s->public_schema_public_create, &d);

	app_buf_init(&d, c->mem);
	if (s->db_public_connect)
		note(&d, "PUBLIC can connect to database %I (fix: REVOKE ALL ON DATABASE %I FROM PUBLIC)",
			 s->database, s->database);
	else
		note(&d, "PUBLIC cannot connect to database %I", s->database);
	record(c, "public_database_connect", !s->db_public_connect, &d);
}

static void
check_extensions(struct checker *c)
{
	struct app_buf d;
	bool		ok = true;
	int			i,
				j;

	app_buf_init(&d, c->mem);
	for (i = 0; i < c->cfg->n_extensions; i++)
	{
		const struct app_extension *want = &c->cfg->extensions[i];
		const char *schema = NULL;

		for (j = 0; j < c->snap->n_extensions; j++)
			if (strcmp(c->snap->extensions[j].name, want->name) == 0)
				schema = c->snap->extensions[j].schema;
		if (want->wanted && !schema)
		{
			ok = false;
			note(&d, "extension %I is not installed (fix: CREATE EXTENSION %I SCHEMA pg_catalog)",
				 want->name, want->name);
		}
		else if (!want->wanted && schema)
		{
			ok = false;
			note(&d, "extension %I is installed but should not be (fix: DROP EXTENSION %I)",
				 want->name, want->name);
		}
		else
			note(&d, want->wanted ? "extension %I is installed" : "extension %I is absent",
				 want->name);
	}
	if (c->cfg->n_extensions == 0)
		note(&d, "no superuser extensions are configured");
	record(c, "superuser_extensions", ok, &d);
}

/* The master can manage app and migrator: ADMIN OPTION from 16, CREATEROLE before. */
static void
check_master_admin(struct checker *c)
{
	const struct app_snapshot *s = c->snap;
	const char *roles[2] = {c->cfg->migrator_user, c->cfg->app_user};
	const struct app_role_facts *facts[2] = {&s->migrator, &s->app};
	struct app_buf d;
	bool		ok = true;
	int			i;

	app_buf_init(&d, c->mem);
	for (i = 0; i < 2; i++)
		if (facts[i]->exists && !facts[i]->master_admin && !s->master_superuser)
		{
			ok = false;
			if (s->server_version >= 160000)
				note(&d, "%I cannot grant or alter role %I (fix, as the role that created it or a superuser: GRANT %I TO %I WITH ADMIN OPTION)",
					 s->master, roles[i], roles[i], s->master);
			else
				note(&d, "%I cannot grant or alter role %I without CREATEROLE (fix, as a superuser: ALTER ROLE %I CREATEROLE)",
					 s->master, roles[i], s->master);
		}
	if (ok)
		note(&d, "%I can manage roles %I and %I", s->master, roles[0], roles[1]);
	record(c, "master_manages_roles", ok, &d);
}

#define PROBE_TABLE "app_roles_probe"

/*
 * The behavioural check of the original role manager: migrator creates a
 * table with a sequence (serial: app's INSERT calls nextval, so it needs
 * the sequence's grant too), app inserts, reads, updates and deletes.  No
 * key, no text column: an index and a TOAST table would prove nothing more
 * and made the probe three times dearer.  It runs
 * in a subtransaction that is always rolled back, memberships included.
 * Migrator creates its table unqualified, as migrations do, under the
 * search_path its login would give it; app names the table in full, so that
 * a missing grant is reported as such (check search_path covers app's own).
 */
static int
check_behaviour(struct checker *c, const struct app_executor *exec,
				struct app_error *err)
{
	const struct app_snapshot *s = c->snap;
	const char *schema = c->cfg->schema;
	const int	max = 11 + 4 * s->n_readonly;
	const char **stmts = app_alloc(c->mem, sizeof(char *) * (size_t) max);
	const char **steps = app_alloc(c->mem, sizeof(char *) * (size_t) max);
	bool		readers = s->n_readonly > 0;
	int			n = 0;
	int			i;
	int			failed_at;
	struct app_buf d;
	struct app_buf sql;
	struct app_error probe_err = {0};

	app_buf_init(&d, c->mem);
	for (i = 0; i < s->n_readonly; i++)
		readers = readers && s->readonly[i].role.exists;
	if (!s->app.exists || !s->migrator.exists || !s->schema_exists)
	{
		note(&d, "skipped: %I, %I and schema %I must exist first (run setup)",
			 c->cfg->migrator_user, c->cfg->app_user, schema);
		record(c, "behaviour", false, &d);
		return 0;
	}

#define STEP(what, build) \
	do { app_buf_init(&sql, c->mem); build; stmts[n] = sql.data; steps[n++] = what; } while (0)
	if (!s->master_superuser)
	{
		STEP("the master could not act as migrator",
			 app_grant_act_as(&sql, s, c->cfg->migrator_user));
		STEP("the master could not act as app",
			 app_grant_act_as(&sql, s, c->cfg->app_user));
		for (i = 0; readers && i < s->n_readonly; i++)
			STEP("the master could not act as a read-only user",
				 app_grant_act_as(&sql, s, s->readonly[i].name));
	}
	STEP("could not switch to migrator",
		 note(&sql, "SET LOCAL ROLE %I", c->cfg->migrator_user));
	STEP("could not give migrator the search_path of its login",
		 app_buf_append(&sql, APP_PROBE_SEARCH_PATH_SQL));
	STEP("migrator could not create a table",
		 note(&sql, "CREATE TABLE %I (id serial)", PROBE_TABLE));
	STEP("migrator's unqualified CREATE TABLE did not create it in the schema",
		 note(&sql, "SELECT FROM %I.%I", schema, PROBE_TABLE));
	STEP("could not switch to app",
		 note(&sql, "SET LOCAL ROLE %I", c->cfg->app_user));
	STEP("app could not insert into migrator's table",
		 note(&sql, "INSERT INTO %I.%I DEFAULT VALUES", schema, PROBE_TABLE));
	STEP("app could not select from migrator's table",
		 note(&sql, "SELECT id FROM %I.%I", schema, PROBE_TABLE));
	STEP("app could not update migrator's table",
		 note(&sql, "UPDATE %I.%I SET id = id", schema, PROBE_TABLE));
	STEP("app could not delete from migrator's table",
		 note(&sql, "DELETE FROM %I.%I", schema, PROBE_TABLE));

	/*
	 * Each read-only user reads migrator's new table (its default privileges)
	 * and is refused an INSERT: the DO block succeeds only on that refusal.
	 */
	for (i = 0; readers && i < s->n_readonly; i++)
	{
		const char *u = s->readonly[i].name;
		struct app_buf what;

		app_buf_init(&what, c->mem);
		app_quote_printf(&what, "could not switch to %I", u);
		STEP(what.data, note(&sql, "SET LOCAL ROLE %I", u));
		app_buf_init(&what, c->mem);
		app_quote_printf(&what, "%I could not select from migrator's table", u);
		STEP(what.data, note(&sql, "SELECT id FROM %I.%I", schema, PROBE_TABLE));
		app_buf_init(&what, c->mem);
		app_quote_printf(&what, "%I could insert into migrator's table", u);
		STEP(what.data,
			 note(&sql, "DO $$BEGIN INSERT INTO %I.%I DEFAULT VALUES; RAISE EXCEPTION 'the insert was not refused';"
				  " EXCEPTION WHEN insufficient_privilege THEN NULL; END$$", schema, PROBE_TABLE));
	}
#undef STEP

	/*
	 * Only the database's own refusal counts against the roles: a step the
	 * executor could not run (throttled, no answer) says nothing about them.
	 */
	if (exec->probe(exec->state, c->mem, stmts, n, &failed_at, &probe_err) != 0 ||
		(failed_at >= 0 && probe_err.kind != APP_ERR_DATABASE))
	{
		*err = probe_err;
		return -1;
	}
	if (failed_at < 0)
	{
		note(&d, "%I created a table in schema %I and %I inserted, selected, updated and deleted rows (rolled back)",
			 c->cfg->migrator_user, schema, c->cfg->app_user);
		for (i = 0; readers && i < s->n_readonly; i++)
			note(&d, "%I read it and was refused an insert", s->readonly[i].name);
	}
	else
		note(&d, "%s: %s", steps[failed_at], probe_err.message);
	record(c, "behaviour", failed_at < 0, &d);
	return 0;
}

/* Run every check into out; -1 only when the executor fails. */
int
app_checks_run(const struct app_executor *exec, struct app_mem *mem,
			   const struct app_config *cfg, const struct app_snapshot *snap,
			   struct app_checks *out, struct app_error *err)
{
	struct checker c = {mem, cfg, snap, out};

	memset(out, 0, sizeof(*out));
	out->success = true;
	check_role(&c, "migrator_role", cfg->migrator_user, &snap->migrator);
	check_role(&c, "app_role", cfg->app_user, &snap->app);
	if (cfg->auth == APP_AUTH_IAM)
		check_rds_iam(&c);
	check_connect(&c);
	check_master_admin(&c);
	check_search_path(&c);
	check_schema_owner(&c);
	check_schema_usage(&c);
	check_relations(&c);
	check_default_privileges(&c);
	if (cfg->n_readonly_users > 0)
		check_readonly(&c);
	check_public(&c);
	check_extensions(&c);
	return check_behaviour(&c, exec, err);
}

/* Add "checks" and "success" to the report object. */
void
app_checks_to_json(const struct app_checks *checks, struct json_object *report)
{
	struct json_object *list = json_object_new_array();
	int			i;

	for (i = 0; i < checks->n; i++)
	{
		struct json_object *item = json_object_new_object();

		json_object_object_add(item, "check", json_object_new_string(checks->items[i].name));
		json_object_object_add(item, "ok", json_object_new_boolean(checks->items[i].ok));
		json_object_object_add(item, "detail", json_object_new_string(checks->items[i].detail));
		json_object_array_add(list, item);
	}
	json_object_object_add(report, "checks", list);
	json_object_object_add(report, "success", json_object_new_boolean(checks->success));
}
