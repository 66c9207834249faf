/*
 * core/plan.c
 *		The statements setup needs, computed from the catalog snapshot.
 *
 * Order (DESIGN §5): PUBLIC's rights, the database search_path, the roles
 * (migrator first), the schema, default privileges and existing relations,
 * the superuser extensions.  The schema and privilege statements act on
 * what migrator owns, so when the master cannot already act as migrator
 * they are wrapped in a membership taken and given back in the same run.
 */
#include "plan.h"

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "quote.h"

/* Longest GRANT on a list of relations, well within the Data API's 64 KiB. */
#define GRANT_BATCH_BYTES 16000

struct planner
{
	struct app_mem *mem;
	const struct app_config *cfg;
	const struct app_snapshot *snap;
	struct app_strlist *out;
};

/* Add one statement: fmt as app_quote_printf takes it (%I an identifier). */
static void
emit(struct planner *p, const char *fmt,...)
{
	struct app_buf sql;
	va_list		args;

	app_buf_init(&sql, p->mem);
	va_start(args, fmt);
	app_quote_vprintf(&sql, fmt, args);
	va_end(args);
	app_strlist_add(p->mem, p->out, sql.data);
}

void
app_grant_act_as(struct app_buf *buf, const struct app_snapshot *snap,
				 const char *role)
{
	app_buf_append(buf, "GRANT ");
	app_quote_ident(buf, role);
	app_buf_append(buf, " TO ");
	app_quote_ident(buf, snap->master);
	/* from 16, SET lets the master own as role and INHERIT use its rights */
	if (snap->server_version >= 160000)
		app_buf_append(buf, " WITH SET TRUE, INHERIT TRUE");
}

/*
 * From 16 the master may grant or alter only roles it holds WITH ADMIN
 * OPTION; before 16, CREATEROLE lets it manage every ordinary role.
 */
static int
require_admin(struct planner *p, const struct app_role_facts *role,
			  const char *name, struct app_error *err)
{
	const char *master = p->snap->master;
	struct app_buf detail;
	struct app_buf hint;

	if (!role->exists || role->master_admin || p->snap->master_superuser)
		return 0;
	app_buf_init(&detail, p->mem);
	app_buf_init(&hint, p->mem);
	if (p->snap->server_version >= 160000)
	{
		app_buf_printf(&detail,
					   "From PostgreSQL 16 a role may grant and alter only roles it holds WITH ADMIN OPTION, and \"%s\" does not hold \"%s\" so (another role created it).",
					   master, name);
		app_buf_append(&hint, "As the role that created it, or a superuser, run: GRANT ");
		app_quote_ident(&hint, name);
		app_buf_append(&hint, " TO ");
		app_quote_ident(&hint, master);
		app_buf_append(&hint, " WITH ADMIN OPTION;");
	}
	else
	{
		app_buf_printf(&detail,
					   "Before PostgreSQL 16, managing roles takes the CREATEROLE attribute, which \"%s\" lacks.",
					   master);
		app_buf_append(&hint, "As a superuser, run: ALTER ROLE ");
		app_quote_ident(&hint, master);
		app_buf_append(&hint, " CREATEROLE;");
	}
	return app_error_set(err, p->mem, APP_ERR_PRIVILEGE, detail.data, hint.data,
						 "\"%s\" cannot manage role \"%s\"", master, name);
}

/* A login setup manages: LOGIN, rds_iam (auth iam), CONNECT. */
static int
plan_login(struct planner *p, const struct app_role_facts *role,
		   const char *name, struct app_error *err)
{
	const struct app_snapshot *snap = p->snap;

	if (!role->exists)
		emit(p, "CREATE ROLE %I LOGIN", name);
	else if (!role->can_login)
	{
		if (require_admin(p, role, name, err) != 0)
			return -1;
		emit(p, "ALTER ROLE %I LOGIN", name);
	}
	if (p->cfg->auth == APP_AUTH_IAM && !role->in_rds_iam)
	{
		if (!snap->rds_iam_exists)
			return app_error_set(err, p->mem, APP_ERR_UNDEFINED_OBJECT,
								 "With auth \"iam\", app and migrator become members of rds_iam, the role through which RDS and Aurora accept IAM authentication tokens.",
								 "On RDS and Aurora rds_iam always exists: check that you are connected to the right server. On plain PostgreSQL, use auth \"password\".",
								 "role \"rds_iam\" does not exist");
		emit(p, "GRANT %I TO %I", "rds_iam", name);
	}
	if (!role->has_connect)
		emit(p, "GRANT CONNECT ON DATABASE %I TO %I", snap->database, name);
	return 0;
}

/* app or migrator: a login, and no search_path of its own over the database's. */
static int
plan_role(struct planner *p, const struct app_role_facts *role,
		  const char *name, struct app_error *err)
{
	const struct app_snapshot *snap = p->snap;

	if (plan_login(p, role, name, err) != 0)
		return -1;

	/*
	 * The role's own search_path would override the database's.  Both kinds
	 * are the master's to remove, with the same right as ALTER ROLE LOGIN;
	 * one set for every database goes too, since it applies here as well.
	 */
	if (role->search_path_here || role->search_path_everywhere)
	{
		if (require_admin(p, role, name, err) != 0)
			return -1;
		if (role->search_path_here)
			emit(p, "ALTER ROLE %I IN DATABASE %I RESET search_path", name, snap->database);
		if (role->search_path_everywhere)
			emit(p, "ALTER ROLE %I RESET search_path", name);
	}
	return 0;
}

/*
 * GRANT privilege to grantee on the relations of one kind ("TABLE" or
 * "SEQUENCE"), batched; with need, only those whose app_lacks holds it.
 */
static void
plan_relation_grants(struct planner *p, const struct app_relation *rels, int n,
					 bool sequences, const char *privilege, const char *grantee,
					 const char *need)
{
	const char *schema = p->cfg->schema;
	struct app_buf names;
	int			i;

	app_buf_init(&names, p->mem);
	for (i = 0; i < n; i++)
	{
		const struct app_relation *r = &rels[i];

		if ((r->kind == 'S') != sequences || (need && strstr(r->app_lacks, need) == NULL))
			continue;
		if (names.len > 0)
			app_buf_append(&names, ", ");
		app_quote_ident(&names, schema);
		app_buf_append(&names, ".");
		app_quote_ident(&names, r->name);
		if (names.len >= GRANT_BATCH_BYTES)
		{
			emit(p, "GRANT %s ON %s %s TO %I", privilege, sequences ? "SEQUENCE" : "TABLE",
				 names.data, grantee);
			names.len = 0;
			names.data[0] = '\0';
		}
	}
	if (names.len > 0)
		emit(p, "GRANT %s ON %s %s TO %I", privilege, sequences ? "SEQUENCE" : "TABLE",
			 names.data, grantee);
	app_free(p->mem, names.data);
}

static void plan_readonly_owned(struct planner *p, const struct app_readonly_facts *ro);
static void plan_removed_owned(struct planner *p, const char *name);

/* What migrator owns or is to own: the schema, its privileges, its relations. */
static void
plan_migrator_owned(struct planner *p)
{
	const struct app_config *cfg = p->cfg;
	const struct app_snapshot *snap = p->snap;
	static const struct
	{
		const char *objects;
		size_t		offset;
	}			defaults[] = {
		{"TABLES", offsetof(struct app_snapshot, defacl_tables)},
		{"SEQUENCES", offsetof(struct app_snapshot, defacl_sequences)},
		{"ROUTINES", offsetof(struct app_snapshot, defacl_routines)},
	};
	int			i;

	if (!snap->schema_exists)
		emit(p, "CREATE SCHEMA %I AUTHORIZATION %I", cfg->schema, cfg->migrator_user);
	else if (snap->schema_owner == NULL || strcmp(snap->schema_owner, cfg->migrator_user) != 0)
		emit(p, "ALTER SCHEMA %I OWNER TO %I", cfg->schema, cfg->migrator_user);
	else if (!snap->migrator_schema_create || !snap->migrator_schema_usage)
		emit(p, "GRANT USAGE, CREATE ON SCHEMA %I TO %I", cfg->schema, cfg->migrator_user);
	if (!snap->app_schema_usage)
		emit(p, "GRANT USAGE ON SCHEMA %I TO %I", cfg->schema, cfg->app_user);

	for (i = 0; i < 3; i++)
		if (!*(const bool *) ((const char *) snap + defaults[i].offset))
			emit(p, "ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT ALL ON %s TO %I",
				 cfg->migrator_user, cfg->schema, defaults[i].objects, cfg->app_user);

	for (i = 0; i < 2; i++)
		plan_relation_grants(p, snap->relations, snap->n_relations, i == 1, "ALL",
							 cfg->app_user, NULL);
	for (i = 0; i < p->snap->n_readonly; i++)
		plan_readonly_owned(p, &p->snap->readonly[i]);
	if (snap->schema_exists)
		for (i = 0; i < p->snap->n_removed_readonly; i++)
			plan_removed_owned(p, p->snap->removed_readonly[i].name);
}

/* The mark setup puts on a read-only user's role (APP_READONLY_MARK). */
static char *
readonly_mark(struct planner *p, const char *fmt)
{
	struct app_buf mark;

	app_buf_init(&mark, p->mem);
	app_buf_printf(&mark, fmt, p->snap->database, p->cfg->schema);
	return mark.data;
}

/*
 * A read-only user's role: LOGIN, rds_iam, CONNECT, as app's, and setup's
 * mark, by which a later setup knows it made the user.
 */
static int
plan_readonly_role(struct planner *p, const struct app_readonly_facts *ro, struct app_error *err)
{
	const char *name = ro->name;

	if (plan_login(p, &ro->role, name, err) != 0)
		return -1;
	if (!ro->marked)
	{
		if (require_admin(p, &ro->role, name, err) != 0)
			return -1;
		emit(p, "COMMENT ON ROLE %I IS %L", name, readonly_mark(p, APP_READONLY_MARK));
	}
	return 0;
}

/*
 * What a read-only user may do in migrator's schema: USAGE and no CREATE,
 * SELECT (only) in migrator's default privileges and on its relations.
 */
static void
plan_readonly_owned(struct planner *p, const struct app_readonly_facts *ro)
{
	const struct app_config *cfg = p->cfg;
	static const char *const kinds[2] = {"TABLES", "SEQUENCES"};
	bool		have[2] = {ro->defacl_tables, ro->defacl_sequences};
	int			i;

	if (!ro->schema_usage)
		emit(p, "GRANT USAGE ON SCHEMA %I TO %I", cfg->schema, ro->name);
	if (ro->schema_create)
		emit(p, "REVOKE CREATE ON SCHEMA %I FROM %I", cfg->schema, ro->name);
	for (i = 0; i < 2; i++)
	{
		if (ro->defacl_extra)
			emit(p, "ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I REVOKE ALL ON %s FROM %I",
				 cfg->migrator_user, cfg->schema, kinds[i], ro->name);
		if (ro->defacl_extra || !have[i])
			emit(p, "ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT ON %s TO %I",
				 cfg->migrator_user, cfg->schema, kinds[i], ro->name);
	}
	for (i = 0; i < 2; i++)
		plan_relation_grants(p, ro->relations, ro->n_relations, i == 1, "SELECT", ro->name, "+SELECT");
	for (i = 0; i < ro->n_relations; i++)
	{
		const struct app_relation *r = &ro->relations[i];
		const char *extra = strchr(r->app_lacks, '-');

		/* extra is "-INSERT, UPDATE": privileges the read-only user must not hold */
		if (extra)
			emit(p, "REVOKE %s ON %s %I.%I FROM %I", extra + 1, r->kind == 'S' ? "SEQUENCE" : "TABLE",
				 cfg->schema, r->name, ro->name);
	}
}

/* What a read-only user no longer configured holds in migrator's schema, revoked. */
static void
plan_removed_owned(struct planner *p, const char *name)
{
	const struct app_config *cfg = p->cfg;

	emit(p, "REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I", cfg->schema, name);
	emit(p, "REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM %I", cfg->schema, name);
	emit(p, "ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I REVOKE ALL ON TABLES FROM %I",
		 cfg->migrator_user, cfg->schema, name);
	emit(p, "ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I REVOKE ALL ON SEQUENCES FROM %I",
		 cfg->migrator_user, cfg->schema, name);
	emit(p, "REVOKE ALL ON SCHEMA %I FROM %I", cfg->schema, name);
}

/*
 * A removed read-only user, after the revokes: no CONNECT, and the mark says
 * removed; dropped with drop_removed, unless it owns something.
 */
static int
plan_removed_role(struct planner *p, const struct app_marked_role *r, bool revoked_now,
				  struct app_error *err)
{
	if (revoked_now)
	{
		emit(p, "REVOKE CONNECT ON DATABASE %I FROM %I", p->snap->database, r->name);
		emit(p, "COMMENT ON ROLE %I IS %L", r->name, readonly_mark(p, APP_RETIRED_MARK));
	}
	if (!p->cfg->drop_removed)
		return 0;
	if (r->owns)
		return app_error_set(err, p->mem, APP_ERR_INVALID_VALUE,
							 "Setup drops a removed read-only user only when it owns nothing: what it owns would be dropped or orphaned.",
							 "Give its objects to another role (REASSIGN OWNED BY ... TO ...), then run setup again.",
							 "read-only user \"%s\" owns objects", r->name);
	emit(p, "DROP ROLE %I", r->name);
	return 0;
}

/* Refuse to take a membership in migrator where the master already has one. */
static int
refuse_held_membership(struct planner *p, struct app_error *err)
{
	const struct app_snapshot *snap = p->snap;
	const char *mig = p->cfg->migrator_user;
	struct app_buf detail;
	struct app_buf hint;

	app_buf_init(&detail, p->mem);
	app_buf_init(&hint, p->mem);
	if (snap->server_version >= 160000)
	{
		app_buf_printf(&detail,
					   "To act as \"%s\", setup grants it to \"%s\" WITH SET TRUE, INHERIT TRUE and revokes that grant afterwards, which would change and then delete the membership \"%s\" granted itself.",
					   mig, snap->master, snap->master);
		app_buf_append(&hint, "Give the membership both options, or end it, then run setup again: GRANT ");
		app_quote_ident(&hint, mig);
		app_buf_append(&hint, " TO ");
		app_quote_ident(&hint, snap->master);
		app_buf_append(&hint, " WITH SET TRUE, INHERIT TRUE;");
	}
	else
	{
		app_buf_printf(&detail,
					   "\"%s\" is a member of \"%s\" but does not inherit its rights; setup would revoke the membership after using it.",
					   snap->master, mig);
		app_buf_append(&hint, "Let the master inherit, or end the membership, then run setup again: ALTER ROLE ");
		app_quote_ident(&hint, snap->master);
		app_buf_append(&hint, " INHERIT;");
	}
	return app_error_set(err, p->mem, APP_ERR_PRIVILEGE, detail.data, hint.data,
						 "setup will not change the existing membership of \"%s\" in \"%s\"",
						 snap->master, mig);
}

/* Make setup's superuser extensions match the configuration. */
static void
plan_extensions(struct planner *p)
{
	int			i,
				j;

	for (i = 0; i < p->cfg->n_extensions; i++)
	{
		const struct app_extension *want = &p->cfg->extensions[i];
		bool		installed = false;

		for (j = 0; j < p->snap->n_extensions; j++)
			if (strcmp(p->snap->extensions[j].name, want->name) == 0)
				installed = true;
		if (want->wanted && !installed)
			emit(p, "CREATE EXTENSION %I SCHEMA pg_catalog", want->name);
		else if (!want->wanted && installed)
			emit(p, "DROP EXTENSION %I", want->name);
	}
}

/*
 * Compute the statements setup still needs into out.  Returns 0, or -1 with
 * err set when setup cannot proceed; then nothing must be executed.
 */
int
app_plan(struct app_mem *mem, const struct app_config *cfg,
		 const struct app_snapshot *snap, struct app_strlist *out,
		 struct app_error *err)
{
	struct planner p = {mem, cfg, snap, out};
	struct app_strlist owned = {0};
	int			i;

	memset(out, 0, sizeof(*out));
	if (snap->public_schema_exists && snap->public_schema_public_create)
		emit(&p, "REVOKE CREATE ON SCHEMA %I FROM PUBLIC", "public");
	if (snap->db_public_any)
		emit(&p, "REVOKE ALL ON DATABASE %I FROM PUBLIC", snap->database);
	if (!snap->search_path_ok)
		emit(&p, "ALTER DATABASE %I SET search_path TO %I", snap->database, cfg->schema);

	if (plan_role(&p, &snap->migrator, cfg->migrator_user, err) != 0 ||
		plan_role(&p, &snap->app, cfg->app_user, err) != 0)
		return -1;
	for (i = 0; i < snap->n_readonly; i++)
		if (plan_readonly_role(&p, &snap->readonly[i], err) != 0)
			return -1;

	p.out = &owned;
	plan_migrator_owned(&p);
	p.out = out;
	if (owned.n > 0)
	{
		bool		take = !snap->master_superuser && !snap->master_can_act;

		if (take)
		{
			struct app_buf grant;

			if (snap->master_holds_grant)
				return refuse_held_membership(&p, err);
			if (snap->server_version >= 160000 &&
				require_admin(&p, &snap->migrator, cfg->migrator_user, err) != 0)
				return -1;
			app_buf_init(&grant, mem);
			app_grant_act_as(&grant, snap, cfg->migrator_user);
			app_strlist_add(mem, out, grant.data);
		}
		for (i = 0; i < owned.n; i++)
			app_strlist_add(mem, out, owned.items[i]);
		if (take)
			emit(&p, "REVOKE %I FROM %I", cfg->migrator_user, snap->master);
	}

	for (i = 0; i < snap->n_removed_readonly; i++)
		if (plan_removed_role(&p, &snap->removed_readonly[i], true, err) != 0)
			return -1;
	for (i = 0; i < snap->n_retired_readonly; i++)
		if (plan_removed_role(&p, &snap->retired_readonly[i], false, err) != 0)
			return -1;
	plan_extensions(&p);
	return 0;
}
