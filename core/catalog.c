/*
 * core/catalog.c
 *		Reading the catalog snapshot that plan and checks work from.
 *
 * The plan reads explicit ACL entries (aclexplode), never has_*_privilege:
 * PUBLIC's CONNECT, revoked in the same run, would otherwise hide a missing
 * grant.  What ALL means comes from acldefault(type, owner), so a version
 * whose ALL carries more (17's MAINTAIN) needs no version test.  The few
 * role-membership tests that differ by version are chosen by the server's
 * server_version_num, never by the version the core was compiled against.
 */
#include "catalog.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#define PAGE_LIMIT " LIMIT 1000"

/* The caller, and the server's version, which picks the queries below. */
static const char *const sql_identity =
"SELECT pg_catalog.current_setting('server_version_num'),"
" pg_catalog.current_database(), r.rolname, r.rolsuper, r.rolcreaterole"
" FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER";

/*
 * The oid of a role or schema by its exact name, NULL when there is none:
 * a cache lookup, where a subquery on pg_roles (a view, a join) cost more to
 * plan than the whole converged run executes.  The subquery makes it an
 * InitPlan, run once: bare, it ran for every relation a question tested.
 */
#define ROLE_OID(name) "(SELECT pg_catalog.to_regrole(pg_catalog.quote_ident(" name "))::oid)"
#define SCHEMA_OID(name) "(SELECT pg_catalog.to_regnamespace(pg_catalog.quote_ident(" name "))::oid)"

/*
 * A role-level search_path of role k.<r> in database <db> (0: every
 * database) that differs from the schema.  Login applies it over the
 * database's (role and database, then role, then database), so the role's
 * unqualified names would miss the schema.
 */
#define ROLE_SEARCH_PATH(r, db) \
"  (SELECT pg_catalog.substr(c, 13) FROM pg_catalog.pg_db_role_setting s," \
"   pg_catalog.unnest(s.setconfig) c WHERE s.setrole = k." r " AND s.setdatabase = " db \
"   AND pg_catalog.split_part(c, '=', 1) = 'search_path'" \
"   AND c <> 'search_path=' || pg_catalog.quote_ident($3::text))"

/*
 * Six columns on role k.<r>: whether it is the caller, the bootstrap
 * superuser, its powers over the cluster, membership of rds_superuser (at
 * any depth: pg_has_role's MEMBER follows every grant), and its own
 * search_path here and everywhere.
 */
#define ROLE_GUARDS(r) \
"  COALESCE(k." r " = k.me, false), COALESCE(k." r " = 10, false)," \
"  (SELECT NULLIF(pg_catalog.concat_ws(', '," \
"    CASE WHEN rolsuper THEN 'SUPERUSER' END, CASE WHEN rolcreaterole THEN 'CREATEROLE' END," \
"    CASE WHEN rolcreatedb THEN 'CREATEDB' END, CASE WHEN rolreplication THEN 'REPLICATION' END," \
"    CASE WHEN rolbypassrls THEN 'BYPASSRLS' END), '')" \
"   FROM pg_catalog.pg_roles WHERE oid = k." r ")," \
"  COALESCE(pg_catalog.pg_has_role(k." r ", k.su, 'MEMBER'), false)," \
ROLE_SEARCH_PATH(r, "k.db") "," ROLE_SEARCH_PATH(r, "0")

/*
 * The roles whose comment is setup's mark (APP_READONLY_MARK, built here the
 * same way) for this database and schema, as a JSON array of [name, owns]
 * (text: every executor hands text over as it is).
 */
#define MARK_SQL(kind) \
"'app_roles " kind " user; database=' || pg_catalog.current_database() || '; schema=' || $3::text"
#define MARKED_ROLES(kind) \
"  (SELECT pg_catalog.json_agg(pg_catalog.json_build_array(r.rolname, EXISTS (" \
"    SELECT 1 FROM pg_catalog.pg_shdepend o WHERE o.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass" \
"    AND o.refobjid = r.oid AND o.deptype = 'o')) ORDER BY r.rolname)::text" \
"   FROM pg_catalog.pg_shdescription x JOIN pg_catalog.pg_roles r ON r.oid = x.objoid" \
"   WHERE x.classoid = 'pg_catalog.pg_authid'::pg_catalog.regclass AND x.description = " MARK_SQL(kind) ")"

/*
 * One row of facts; $1 app, $2 migrator, $3 schema.  %s are the
 * version-dependent membership tests (see read_facts).
 */
static const char *const sql_facts_fmt =
"WITH k AS (SELECT"
"  " ROLE_OID("$1::text") " AS app, " ROLE_OID("$2::text") " AS mig,"
"  " ROLE_OID("'rds_iam'") " AS iam, " ROLE_OID("'rds_superuser'") " AS su,"
"  " ROLE_OID("CURRENT_USER") " AS me,"
"  " SCHEMA_OID("$3::text") " AS nsp, " SCHEMA_OID("'public'") " AS pub,"
"  (SELECT oid FROM pg_catalog.pg_database"
"    WHERE datname = pg_catalog.current_database()) AS db),"
" d AS (SELECT e.grantee, e.privilege_type"
"  FROM pg_catalog.pg_database x, k, pg_catalog.aclexplode("
"   COALESCE(x.datacl, pg_catalog.acldefault('d', x.datdba))) e WHERE x.oid = k.db),"
" n AS (SELECT x.oid, e.grantee, e.privilege_type"
"  FROM pg_catalog.pg_namespace x, k, pg_catalog.aclexplode("
"   COALESCE(x.nspacl, pg_catalog.acldefault('n', x.nspowner))) e"
"  WHERE x.oid IN (k.nsp, k.pub))"
" SELECT"
"  k.app IS NOT NULL,"
"  COALESCE((SELECT rolcanlogin FROM pg_catalog.pg_roles WHERE oid = k.app), false),"
"  EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members x"
"   WHERE x.member = k.app AND x.roleid = k.iam),"
"  EXISTS (SELECT 1 FROM d WHERE d.grantee = k.app AND d.privilege_type = 'CONNECT'),"
"  COALESCE(%s, false),"	/* admin(app) */
"  k.mig IS NOT NULL,"
"  COALESCE((SELECT rolcanlogin FROM pg_catalog.pg_roles WHERE oid = k.mig), false),"
"  EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members x"
"   WHERE x.member = k.mig AND x.roleid = k.iam),"
"  EXISTS (SELECT 1 FROM d WHERE d.grantee = k.mig AND d.privilege_type = 'CONNECT'),"
"  COALESCE(%s, false),"	/* admin(migrator) */
"  k.iam IS NOT NULL,"
"  COALESCE(%s, false),"	/* can act as migrator */
"  COALESCE(%s, false),"	/* holds a grant setup must not touch */
"  EXISTS (SELECT 1 FROM d WHERE d.grantee = 0),"
"  EXISTS (SELECT 1 FROM d WHERE d.grantee = 0 AND d.privilege_type = 'CONNECT'),"
"  EXISTS (SELECT 1 FROM pg_catalog.pg_db_role_setting s,"
"   pg_catalog.unnest(s.setconfig) c WHERE s.setdatabase = k.db AND s.setrole = 0"
"   AND c = 'search_path=' || pg_catalog.quote_ident($3::text)),"
"  k.pub IS NOT NULL,"
"  EXISTS (SELECT 1 FROM n WHERE n.oid = k.pub AND n.grantee = 0"
"   AND n.privilege_type = 'CREATE'),"
"  k.nsp IS NOT NULL,"
"  (SELECT pg_catalog.pg_get_userbyid(nspowner) FROM pg_catalog.pg_namespace"
"   WHERE oid = k.nsp),"
"  EXISTS (SELECT 1 FROM n WHERE n.oid = k.nsp AND n.grantee = k.mig"
"   AND n.privilege_type = 'CREATE'),"
"  EXISTS (SELECT 1 FROM n WHERE n.oid = k.nsp AND n.grantee = k.mig"
"   AND n.privilege_type = 'USAGE'),"
"  EXISTS (SELECT 1 FROM n WHERE n.oid = k.nsp AND n.grantee = k.app"
"   AND n.privilege_type = 'USAGE'),"
"  %s, %s, %s,"				/* default privileges for r, S, f */
ROLE_GUARDS("app") "," ROLE_GUARDS("mig") ","
MARKED_ROLES("read-only") "," MARKED_ROLES("removed read-only")
" FROM k";

/*
 * One read-only user's facts; $1 the user, $2 migrator, $3 schema.  %s is
 * the version's test of whether the master may alter it (see read_facts).
 */
#define DEFACL_GIVES(type, test) \
"  EXISTS (SELECT 1 FROM pg_catalog.pg_default_acl a, pg_catalog.aclexplode(a.defaclacl) e" \
"   WHERE a.defaclrole = k.mig AND a.defaclnamespace = k.nsp AND a.defaclobjtype " type \
"   AND e.grantee = k.app AND " test ")"
static const char *const sql_readonly_facts_fmt =
"WITH k AS (SELECT"
"  " ROLE_OID("$1::text") " AS app, " ROLE_OID("$2::text") " AS mig,"
"  " ROLE_OID("'rds_iam'") " AS iam, " ROLE_OID("'rds_superuser'") " AS su,"
"  " ROLE_OID("CURRENT_USER") " AS me, " SCHEMA_OID("$3::text") " AS nsp,"
"  (SELECT oid FROM pg_catalog.pg_database"
"    WHERE datname = pg_catalog.current_database()) AS db),"
" n AS (SELECT e.grantee, e.privilege_type"
"  FROM pg_catalog.pg_namespace x, k, pg_catalog.aclexplode("
"   COALESCE(x.nspacl, pg_catalog.acldefault('n', x.nspowner))) e WHERE x.oid = k.nsp)"
" SELECT"
"  k.app IS NOT NULL,"
"  COALESCE((SELECT rolcanlogin FROM pg_catalog.pg_roles WHERE oid = k.app), false),"
"  EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members x"
"   WHERE x.member = k.app AND x.roleid = k.iam),"
"  EXISTS (SELECT 1 FROM pg_catalog.pg_database x, pg_catalog.aclexplode("
"   COALESCE(x.datacl, pg_catalog.acldefault('d', x.datdba))) e"
"   WHERE x.oid = k.db AND e.grantee = k.app AND e.privilege_type = 'CONNECT'),"
"  COALESCE(%s, false),"
"  EXISTS (SELECT 1 FROM pg_catalog.pg_shdescription x"
"   WHERE x.classoid = 'pg_catalog.pg_authid'::pg_catalog.regclass AND x.objoid = k.app"
"   AND x.description = " MARK_SQL("read-only") "),"
"  EXISTS (SELECT 1 FROM n WHERE n.grantee = k.app AND n.privilege_type = 'USAGE'),"
"  EXISTS (SELECT 1 FROM n WHERE n.grantee = k.app AND n.privilege_type = 'CREATE'),"
DEFACL_GIVES("= 'r'", "e.privilege_type = 'SELECT'") ","
DEFACL_GIVES("= 'S'", "e.privilege_type = 'SELECT'") ","
DEFACL_GIVES("IN ('r', 'S')", "e.privilege_type <> 'SELECT'") ","
ROLE_GUARDS("app")
" FROM k";
#define READONLY_FACT_COLUMNS 17

/*
 * Whether the default ACL of migrator in the schema gives app every
 * privilege that ALL means for objtype (pg_default_acl.defaclobjtype);
 * acltype is the same type as acldefault() spells it.
 */
static const char *const sql_defacl_fmt =
"(k.app IS NOT NULL AND k.mig IS NOT NULL AND k.nsp IS NOT NULL AND NOT EXISTS ("
"  SELECT 1 FROM pg_catalog.aclexplode(pg_catalog.acldefault('%c', k.mig)) o"
"  WHERE o.grantee = k.mig AND NOT EXISTS ("
"   SELECT 1 FROM pg_catalog.pg_default_acl a, pg_catalog.aclexplode(a.defaclacl) e"
"   WHERE a.defaclrole = k.mig AND a.defaclnamespace = k.nsp"
"    AND a.defaclobjtype = '%c' AND e.grantee = k.app"
"    AND e.privilege_type = o.privilege_type)))";

/*
 * The relations of the schema that any of this concerns.  Each query is a
 * condition, a cheap part on pg_class's own columns and a costly one, what
 * app lacks, asked two ways.  The question counts the relations that meet it
 * (setup's stops at the first), and a converged run asks nothing more.  A
 * page walks the next APP_PAGE_ROWS rows of pg_class in the schema, by oid
 * and on nothing else, and tests the condition on those rows alone; every
 * walked row comes back, "" where it fails (an index, a relation app lacks
 * nothing on), so that the next page starts after the last one.  Oid order
 * is the order pg_class rows were written in (its correlation stays near 1)
 * and a walk with no other filter looks long to the planner, so it prices
 * pg_class_oid_index below a scan and sort of the whole catalog at every
 * size (test/scale_walk.sh).  Walked in name order, or with the cheap
 * filters inside, pages scanned the catalog from about a thousand tables up;
 * with the costly test inside the LIMIT, every remaining relation was tested
 * again on every page.
 */
#define RELKINDS "('r', 'p', 'v', 'm', 'f', 'S')"
#define KEYS_SELECT \
"SELECT " ROLE_OID("$1::text") " AS app, " ROLE_OID("$2::text") " AS mig," \
" " SCHEMA_OID("$3::text") " AS nsp"
#define ACLTYPE "(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END)::\"char\""
#define QUESTION(keys, cheap, lacks, limit) \
"SELECT pg_catalog.count(*) FROM (SELECT FROM pg_catalog.pg_class c, " keys \
" WHERE " cheap " AND " lacks " <> ''" limit ") x"
#define PAGE(keys, cheap, lacks) \
"SELECT c.oid, CASE WHEN " cheap " THEN " lacks " ELSE '' END," \
" c.relname, c.relkind, pg_catalog.pg_get_userbyid(c.relowner)" \
" FROM (SELECT c.oid, c.relname, c.relkind, c.relowner, c.relacl, c.relnamespace" \
"  FROM pg_catalog.pg_class c, " keys " WHERE c.relnamespace = k.nsp AND c.oid > $4::oid" \
"  ORDER BY c.oid" PAGE_LIMIT ") c, " keys " ORDER BY c.oid"

/*
 * Setup's: owned by migrator, and app lacks an explicit privilege of ALL
 * granted by the owner (whoever runs a GRANT on migrator's table, the owner
 * is recorded as grantor): "ALL", else "".  What ALL means is read once per
 * type from acldefault(type, migrator), as one aclitem a privilege (before
 * 16, makeaclitem takes one), so that a relation costs one array test.
 */
#define ALL_ITEMS(t) \
"(SELECT pg_catalog.array_agg(pg_catalog.makeaclitem(k.app, k.mig, privilege_type, false))" \
" FROM pg_catalog.aclexplode(pg_catalog.acldefault('" t "', k.mig)) WHERE grantee = k.mig)"
#define GRANT_KEYS \
"(SELECT k.*, " ALL_ITEMS("r") " AS all_r, " ALL_ITEMS("s") " AS all_s" \
" FROM (" KEYS_SELECT ") k) k"
#define GRANT_CHEAP \
"c.relnamespace = k.nsp AND c.relowner = k.mig AND c.relkind IN " RELKINDS
#define GRANT_LACKS \
"(CASE WHEN k.app IS NULL OR NOT" \
"  COALESCE(c.relacl, pg_catalog.acldefault(" ACLTYPE ", c.relowner))" \
"  OPERATOR(pg_catalog.@>) ALL (CASE c.relkind WHEN 'S' THEN k.all_s ELSE k.all_r END)" \
" THEN 'ALL' ELSE '' END)"

/* Check's: what app lacks of what "usable" means (DESIGN §5), "" if none. */
#define LACKS(fn, priv) \
" CASE WHEN pg_catalog." fn "(k.app, c.oid, '" priv "') THEN NULL ELSE '" priv "' END"
#define USABLE_KEYS "(" KEYS_SELECT ") k"
#define USABLE_CHEAP "c.relnamespace = k.nsp AND c.relkind IN " RELKINDS
#define USABLE_LACKS \
"(CASE WHEN c.relkind = 'S' THEN pg_catalog.concat_ws(', '," \
LACKS("has_sequence_privilege", "USAGE") "," \
LACKS("has_sequence_privilege", "SELECT") "," \
LACKS("has_sequence_privilege", "UPDATE") ")" \
" ELSE pg_catalog.concat_ws(', '," \
LACKS("has_table_privilege", "SELECT") "," \
LACKS("has_table_privilege", "INSERT") "," \
LACKS("has_table_privilege", "UPDATE") "," \
LACKS("has_table_privilege", "DELETE") ") END)"

/*
 * A read-only user's (in k.app: its name is $1): setup's, on migrator's
 * relations, "+SELECT" where the owner's grant of SELECT is missing and "-"
 * and the privileges it holds beyond SELECT; check's, on every relation of
 * the schema, "lacks SELECT" and "has INSERT" and the like.
 */
#define READONLY_GRANT_LACKS \
"pg_catalog.concat_ws(' ', CASE WHEN" \
"  COALESCE(c.relacl, pg_catalog.acldefault(" ACLTYPE ", c.relowner))" \
"  OPERATOR(pg_catalog.@>) pg_catalog.makeaclitem(k.app, k.mig, 'SELECT', false)" \
"  THEN NULL ELSE '+SELECT' END," \
" (SELECT '-' || pg_catalog.string_agg(DISTINCT e.privilege_type, ', ' ORDER BY e.privilege_type)" \
"  FROM pg_catalog.aclexplode(c.relacl) e WHERE e.grantee = k.app AND e.privilege_type <> 'SELECT'))"
#define HAS(fn, priv) \
" CASE WHEN pg_catalog." fn "(k.app, c.oid, '" priv "') THEN 'has " priv "' END"
#define READONLY_WRONG \
"(CASE WHEN c.relkind = 'S' THEN pg_catalog.concat_ws(', '," \
" CASE WHEN pg_catalog.has_sequence_privilege(k.app, c.oid, 'SELECT') THEN NULL ELSE 'lacks SELECT' END," \
HAS("has_sequence_privilege", "USAGE") "," HAS("has_sequence_privilege", "UPDATE") ")" \
" ELSE pg_catalog.concat_ws(', '," \
" CASE WHEN pg_catalog.has_table_privilege(k.app, c.oid, 'SELECT') THEN NULL ELSE 'lacks SELECT' END," \
HAS("has_table_privilege", "INSERT") "," HAS("has_table_privilege", "UPDATE") "," \
HAS("has_table_privilege", "DELETE") "," HAS("has_table_privilege", "TRUNCATE") "," \
HAS("has_table_privilege", "REFERENCES") "," HAS("has_table_privilege", "TRIGGER") ") END)"

static const char *const sql_any_readonly_to_grant =
QUESTION(USABLE_KEYS, GRANT_CHEAP, READONLY_GRANT_LACKS, " LIMIT 1");
static const char *const sql_readonly_to_grant =
PAGE(USABLE_KEYS, GRANT_CHEAP, READONLY_GRANT_LACKS);
static const char *const sql_count_readonly_wrong =
QUESTION(USABLE_KEYS, USABLE_CHEAP, READONLY_WRONG, "");
static const char *const sql_readonly_wrong =
PAGE(USABLE_KEYS, USABLE_CHEAP, READONLY_WRONG);

static const char *const sql_any_to_grant =
QUESTION(GRANT_KEYS, GRANT_CHEAP, GRANT_LACKS, " LIMIT 1");
static const char *const sql_relations_to_grant =
PAGE(GRANT_KEYS, GRANT_CHEAP, GRANT_LACKS);
static const char *const sql_count_unusable =
QUESTION(USABLE_KEYS, USABLE_CHEAP, USABLE_LACKS, "");
static const char *const sql_relations_unusable =
PAGE(USABLE_KEYS, USABLE_CHEAP, USABLE_LACKS);

static const char *const sql_extensions =
"SELECT e.oid, e.extname, n.nspname FROM pg_catalog.pg_extension e"
" JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
" WHERE e.oid > $1::oid ORDER BY e.oid" PAGE_LIMIT;

const char *const app_sql_roles =
"SELECT oid, rolname FROM pg_catalog.pg_roles"
" WHERE oid > $1::oid ORDER BY oid" PAGE_LIMIT;

/* Keyed by (member, roleid, grantor): unique on every version. */
const char *const app_sql_memberships =
"SELECT a.member, a.roleid, a.grantor, m.rolname, g.rolname"
" FROM pg_catalog.pg_auth_members a"
" JOIN pg_catalog.pg_roles m ON m.oid = a.member"
" JOIN pg_catalog.pg_roles g ON g.oid = a.roleid"
" WHERE (a.member, a.roleid, a.grantor) > ($1::oid, $2::oid, $3::oid)"
" ORDER BY a.member, a.roleid, a.grantor" PAGE_LIMIT;

const char *const app_sql_schemas =
"SELECT oid, nspname, nspacl::text FROM pg_catalog.pg_namespace"
" WHERE oid > $1::oid ORDER BY oid" PAGE_LIMIT;

/*
 * Run a paged query: params are the nfixed fixed values followed by nkeys
 * keyset values, which start at "0" and then take the first nkeys columns
 * of the last row of each page.  fn sees every row, and stops the reading
 * early by returning APP_PAGES_ENOUGH.
 */
int
app_read_pages(const struct app_executor *exec, struct app_mem *mem,
			   const char *sql, int nfixed, const char *const *fixed,
			   int nkeys, app_row_fn fn, void *ctx, struct app_error *err)
{
	const char *params[8];
	char	   *keys[4] = {NULL, NULL, NULL, NULL};
	int			i;
	int			rc = 0;

	for (i = 0; i < nfixed; i++)
		params[i] = fixed[i];
	for (i = 0; i < nkeys; i++)
		params[nfixed + i] = "0";

	for (;;)
	{
		struct app_rows rows;
		int			r;

		if (exec->query(exec->state, mem, sql, nfixed + nkeys, params, &rows, err) != 0)
			return -1;
		for (r = 0; r < rows.nrows && rc == 0; r++)
			rc = fn(ctx, mem, &APP_CELL(&rows, r, 0), err);
		if (rc == 0 && rows.nrows > 0)
			for (i = 0; i < nkeys; i++)
			{
				app_free(mem, keys[i]);
				keys[i] = app_strdup(mem, APP_CELL(&rows, rows.nrows - 1, i));
				params[nfixed + i] = keys[i];
			}
		r = rows.nrows;
		app_rows_free(mem, &rows);
		if (rc != 0 || r < APP_PAGE_ROWS)
			break;
	}
	for (i = 0; i < nkeys; i++)
		app_free(mem, keys[i]);
	return rc == APP_PAGES_ENOUGH ? 0 : rc;
}

static bool
cell_true(const char *v)
{
	return v != NULL && (strcmp(v, "t") == 0 || strcmp(v, "true") == 0);
}

static char *
cell_dup(struct app_mem *mem, const char *v)
{
	return v ? app_strdup(mem, v) : NULL;
}

static int
read_identity(const struct app_executor *exec, struct app_mem *mem,
			  struct app_snapshot *snap, struct app_error *err)
{
	struct app_rows rows;

	if (exec->query(exec->state, mem, sql_identity, 0, NULL, &rows, err) != 0)
		return -1;
	if (rows.nrows != 1)
	{
		app_rows_free(mem, &rows);
		return app_error_set(err, mem, APP_ERR_DATABASE, NULL, NULL,
							 "could not find the current user in pg_roles");
	}
	snap->server_version = atoi(APP_CELL(&rows, 0, 0));
	snap->database = cell_dup(mem, APP_CELL(&rows, 0, 1));
	snap->master = cell_dup(mem, APP_CELL(&rows, 0, 2));
	snap->master_superuser = cell_true(APP_CELL(&rows, 0, 3));
	snap->master_createrole = cell_true(APP_CELL(&rows, 0, 4));
	app_rows_free(mem, &rows);
	return 0;
}

/* The six ROLE_GUARDS columns of one role. */
static void
read_guards(struct app_mem *mem, struct app_role_facts *f, char **c)
{
	f->is_master = cell_true(c[0]);
	f->is_bootstrap = cell_true(c[1]);
	f->powers = cell_dup(mem, c[2]);
	f->in_rds_superuser = cell_true(c[3]);
	f->search_path_here = cell_dup(mem, c[4]);
	f->search_path_everywhere = cell_dup(mem, c[5]);
}

/*
 * Refuse, before any plan, a role that setup must never manage: making it
 * app or migrator would give it LOGIN, rds_iam (on Aurora that forces IAM
 * login on the master) and CONNECT, or hand it the schema.  Roles setup made
 * itself are ordinary and pass: setup grants them rds_iam, and grants them
 * to the master, never rds_superuser to them.
 */
static int
refuse_privileged(struct app_mem *mem, const char *what, const char *name,
				  const struct app_role_facts *f, struct app_error *err)
{
	const char *why;
	struct app_buf detail;

	if (!f->exists)
		return 0;
	app_buf_init(&detail, mem);
	if (f->is_master)
		why = "is the current user";
	else if (f->is_bootstrap)
		why = "is the bootstrap superuser";
	else if (f->powers)
	{
		why = "is a privileged role";
		app_buf_printf(&detail, "It has %s. ", f->powers);
	}
	else if (f->in_rds_superuser)
		why = "is a member of rds_superuser";
	else
		return 0;
	app_buf_append(&detail,
				   "Setup would give it LOGIN, CONNECT and (with auth \"iam\") membership in rds_iam, and let it own or use the schema; app and migrator must be ordinary roles of the application's own.");
	return app_error_set(err, mem, APP_ERR_INVALID_VALUE, detail.data,
						 "Choose another name; setup creates the role if it does not exist.",
						 "%s \"%s\" %s", what, name, why);
}

/* Whether the master may grant and alter role k.<r>: from 16, and before. */
#define ADMIN_16(r) "pg_catalog.pg_has_role(k.me, k." r ", 'USAGE WITH ADMIN OPTION')"
#define ADMIN_15(r) "(k." r " IS NOT NULL AND (SELECT rolsuper OR rolcreaterole" \
	" FROM pg_catalog.pg_roles WHERE oid = k.me))"

/* A JSON array of [name, owns] (MARKED_ROLES) into roles; NULL is none. */
static void
read_marked(struct app_mem *mem, const char *json, struct app_marked_role **roles, int *n)
{
	struct json_object *a = json ? json_tokener_parse(json) : NULL;
	int			i;

	*roles = NULL;
	*n = 0;
	if (a == NULL || !json_object_is_type(a, json_type_array))
	{
		if (a)
			json_object_put(a);
		return;
	}
	*roles = app_alloc(mem, sizeof(struct app_marked_role) * (json_object_array_length(a) + 1));
	for (i = 0; i < (int) json_object_array_length(a); i++)
	{
		struct json_object *e = json_object_array_get_idx(a, i);

		(*roles)[*n].name = app_strdup(mem, json_object_get_string(json_object_array_get_idx(e, 0)));
		(*roles)[*n].owns = json_object_get_boolean(json_object_array_get_idx(e, 1));
		(*n)++;
	}
	json_object_put(a);
}

/*
 * The membership tests of DESIGN §5.  From 16, acting as migrator needs SET
 * (to own) and USAGE (to use its rights), ADMIN is what lets the master grant
 * and alter a role, and only a row granted by the master itself would be
 * changed by our GRANT and deleted by our REVOKE.  Before 16 there is no SET,
 * CREATEROLE manages every ordinary role, and any membership (a NOINHERIT
 * master's) would be removed by our REVOKE.
 */
static int
read_facts(const struct app_executor *exec, struct app_mem *mem,
		   const struct app_config *cfg, struct app_snapshot *snap,
		   struct app_error *err)
{
	struct app_buf sql;
	struct app_buf defacl[3];
	const char *params[3];
	const char *types = "rSf";
	const char *acltypes = "rsf";
	struct app_rows rows;
	int			i;
	char	  **c;

	for (i = 0; i < 3; i++)
	{
		app_buf_init(&defacl[i], mem);
		app_buf_printf(&defacl[i], sql_defacl_fmt, acltypes[i], types[i]);
	}
	app_buf_init(&sql, mem);
	if (snap->server_version >= 160000)
		app_buf_printf(&sql, sql_facts_fmt, ADMIN_16("app"),
					   "pg_catalog.pg_has_role(k.me, k.mig, 'USAGE WITH ADMIN OPTION')",
					   "pg_catalog.pg_has_role(k.me, k.mig, 'SET')"
					   " AND pg_catalog.pg_has_role(k.me, k.mig, 'USAGE')",
					   "EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members x"
					   " WHERE x.roleid = k.mig AND x.member = k.me AND x.grantor = k.me)",
					   defacl[0].data, defacl[1].data, defacl[2].data);
	else
		app_buf_printf(&sql, sql_facts_fmt, ADMIN_15("app"),
					   "(k.mig IS NOT NULL AND (SELECT rolsuper OR rolcreaterole"
					   " FROM pg_catalog.pg_roles WHERE oid = k.me))",
					   "pg_catalog.pg_has_role(k.me, k.mig, 'USAGE')",
					   "pg_catalog.pg_has_role(k.me, k.mig, 'MEMBER')",
					   defacl[0].data, defacl[1].data, defacl[2].data);

	params[0] = cfg->app_user;
	params[1] = cfg->migrator_user;
	params[2] = cfg->schema;
	if (exec->query(exec->state, mem, sql.data, 3, params, &rows, err) != 0)
		return -1;
	if (rows.nrows != 1 || rows.ncols != APP_FACT_COLUMNS)
	{
		app_rows_free(mem, &rows);
		return app_error_set(err, mem, APP_ERR_DATABASE, NULL, NULL,
							 "unexpected answer to the catalog query");
	}
	c = &APP_CELL(&rows, 0, 0);
	snap->app.exists = cell_true(c[0]);
	snap->app.can_login = cell_true(c[1]);
	snap->app.in_rds_iam = cell_true(c[2]);
	snap->app.has_connect = cell_true(c[3]);
	snap->app.master_admin = cell_true(c[4]);
	snap->migrator.exists = cell_true(c[5]);
	snap->migrator.can_login = cell_true(c[6]);
	snap->migrator.in_rds_iam = cell_true(c[7]);
	snap->migrator.has_connect = cell_true(c[8]);
	snap->migrator.master_admin = cell_true(c[9]);
	snap->rds_iam_exists = cell_true(c[10]);
	snap->master_can_act = cell_true(c[11]);
	snap->master_holds_grant = cell_true(c[12]);
	snap->db_public_any = cell_true(c[13]);
	snap->db_public_connect = cell_true(c[14]);
	snap->search_path_ok = cell_true(c[15]);
	snap->public_schema_exists = cell_true(c[16]);
	snap->public_schema_public_create = cell_true(c[17]);
	snap->schema_exists = cell_true(c[18]);
	snap->schema_owner = cell_dup(mem, c[19]);
	snap->migrator_schema_create = cell_true(c[20]);
	snap->migrator_schema_usage = cell_true(c[21]);
	snap->app_schema_usage = cell_true(c[22]);
	snap->defacl_tables = cell_true(c[23]);
	snap->defacl_sequences = cell_true(c[24]);
	snap->defacl_routines = cell_true(c[25]);
	read_guards(mem, &snap->app, c + 26);
	read_guards(mem, &snap->migrator, c + 32);
	read_marked(mem, c[38], &snap->removed_readonly, &snap->n_removed_readonly);
	read_marked(mem, c[39], &snap->retired_readonly, &snap->n_retired_readonly);
	app_rows_free(mem, &rows);
	for (i = 0; i < 3; i++)
		app_free(mem, defacl[i].data);
	app_free(mem, sql.data);
	return 0;
}

struct growing
{
	void	   *items;
	int			n;
	int			cap;
};

static void *
grow(struct app_mem *mem, struct growing *g, size_t size)
{
	if (g->n == g->cap)
	{
		g->cap = g->cap ? g->cap * 2 : 16;
		g->items = app_realloc(mem, g->items, size * (size_t) g->cap);
	}
	return (char *) g->items + size * (size_t) g->n++;
}

static int
add_extension(void *ctx, struct app_mem *mem, char **row, struct app_error *err)
{
	struct app_installed_extension *e = grow(mem, ctx, sizeof(*e));

	(void) err;
	e->name = app_strdup(mem, row[1]);
	e->schema = app_strdup(mem, row[2]);
	return 0;
}

static int
cmp_relation(const void *a, const void *b)
{
	return strcmp(((const struct app_relation *) a)->name,
				  ((const struct app_relation *) b)->name);
}

struct relations_read
{
	struct growing list;
	int			keep;			/* how many to keep */
};

/* A walked relation (see PAGE): kept when app lacks something. */
static int
add_relation(void *ctx, struct app_mem *mem, char **row, struct app_error *err)
{
	struct relations_read *rr = ctx;
	struct app_relation *r;

	(void) err;
	if (row[1] == NULL || row[1][0] == '\0')
		return 0;
	r = grow(mem, &rr->list, sizeof(*r));
	r->app_lacks = app_strdup(mem, row[1]);
	r->name = app_strdup(mem, row[2]);
	r->kind = row[3][0];
	r->owner = app_strdup(mem, row[4]);
	return rr->list.n < rr->keep ? 0 : APP_PAGES_ENOUGH;
}

/*
 * The relations a question finds for role, a page at a time, sorted by name:
 * every one setup must act on; for check, the first APP_RELATIONS_NAMED made
 * (by oid), which it names, and the count of all.
 */
static int
read_relations(const struct app_executor *exec, struct app_mem *mem,
			   const struct app_config *cfg, const char *role, bool grant,
			   const char *question, const char *page,
			   struct app_relation **list, int *n, int *total, struct app_error *err)
{
	const char *params[3] = {role, cfg->migrator_user, cfg->schema};
	struct relations_read rr = {{0}, 0};
	struct app_rows rows;
	long		count;

	if (exec->query(exec->state, mem, question, 3, params, &rows, err) != 0)
		return -1;
	count = rows.nrows == 1 && APP_CELL(&rows, 0, 0) ? atol(APP_CELL(&rows, 0, 0)) : 0;
	app_rows_free(mem, &rows);
	if (count > 0)
	{
		rr.keep = grant ? INT_MAX : APP_RELATIONS_NAMED;
		if (app_read_pages(exec, mem, page, 3, params, 1, add_relation, &rr, err) != 0)
			return -1;
	}
	if (rr.list.n > 1)
		qsort(rr.list.items, (size_t) rr.list.n, sizeof(struct app_relation), cmp_relation);
	*list = rr.list.items;
	*n = rr.list.n;
	*total = grant ? rr.list.n : (int) count;
	return 0;
}

/* One read-only user's facts, and the relations it lacks or holds too much on. */
static int
read_readonly(const struct app_executor *exec, struct app_mem *mem,
			  const struct app_config *cfg, bool grant, const char *name,
			  struct app_snapshot *snap, struct app_readonly_facts *ro,
			  struct app_error *err)
{
	const char *params[3] = {name, cfg->migrator_user, cfg->schema};
	struct app_buf sql;
	struct app_rows rows;
	char	  **c;

	memset(ro, 0, sizeof(*ro));
	ro->name = name;
	app_buf_init(&sql, mem);
	app_buf_printf(&sql, sql_readonly_facts_fmt,
				   snap->server_version >= 160000 ? ADMIN_16("app") : ADMIN_15("app"));
	if (exec->query(exec->state, mem, sql.data, 3, params, &rows, err) != 0)
		return -1;
	app_free(mem, sql.data);
	if (rows.nrows != 1 || rows.ncols != READONLY_FACT_COLUMNS)
	{
		app_rows_free(mem, &rows);
		return app_error_set(err, mem, APP_ERR_DATABASE, NULL, NULL,
							 "unexpected answer to the read-only user's catalog query");
	}
	c = &APP_CELL(&rows, 0, 0);
	ro->role.exists = cell_true(c[0]);
	ro->role.can_login = cell_true(c[1]);
	ro->role.in_rds_iam = cell_true(c[2]);
	ro->role.has_connect = cell_true(c[3]);
	ro->role.master_admin = cell_true(c[4]);
	ro->marked = cell_true(c[5]);
	ro->schema_usage = cell_true(c[6]);
	ro->schema_create = cell_true(c[7]);
	ro->defacl_tables = cell_true(c[8]);
	ro->defacl_sequences = cell_true(c[9]);
	ro->defacl_extra = cell_true(c[10]);
	read_guards(mem, &ro->role, c + 11);
	app_rows_free(mem, &rows);
	if (refuse_privileged(mem, "readonly_users", name, &ro->role, err) != 0)
		return -1;
	/* a user setup has yet to create holds nothing; check names it missing */
	if (!snap->schema_exists || (!ro->role.exists && !grant))
		return 0;
	return read_relations(exec, mem, cfg, name, grant,
						  grant ? sql_any_readonly_to_grant : sql_count_readonly_wrong,
						  grant ? sql_readonly_to_grant : sql_readonly_wrong,
						  &ro->relations, &ro->n_relations, &ro->relations_total, err);
}

/*
 * Read everything plan and checks need.  relations says which tables and
 * sequences of the schema to collect; they come back sorted by name.
 */
int
app_read_snapshot(const struct app_executor *exec, struct app_mem *mem,
				  const struct app_config *cfg, enum app_relations_for relations,
				  struct app_snapshot *snap, struct app_error *err)
{
	struct growing ext = {0};
	int			i,
				j;

	memset(snap, 0, sizeof(*snap));
	if (read_identity(exec, mem, snap, err) != 0 ||
		read_facts(exec, mem, cfg, snap, err) != 0 ||
		refuse_privileged(mem, "migrator_user", cfg->migrator_user, &snap->migrator, err) != 0 ||
		refuse_privileged(mem, "app_user", cfg->app_user, &snap->app, err) != 0)
		return -1;

	if (app_read_pages(exec, mem, sql_extensions, 0, NULL, 1,
					   add_extension, &ext, err) != 0)
		return -1;
	snap->extensions = ext.items;
	snap->n_extensions = ext.n;

	if (snap->schema_exists &&
		read_relations(exec, mem, cfg, cfg->app_user, relations == APP_RELATIONS_TO_GRANT,
					   relations == APP_RELATIONS_TO_GRANT ? sql_any_to_grant : sql_count_unusable,
					   relations == APP_RELATIONS_TO_GRANT ? sql_relations_to_grant : sql_relations_unusable,
					   &snap->relations, &snap->n_relations, &snap->relations_total, err) != 0)
		return -1;

	/* read-only users: the configured ones; the marked ones no longer configured */
	snap->readonly = app_alloc(mem, sizeof(struct app_readonly_facts) * (size_t) (cfg->n_readonly_users + 1));
	for (i = 0; i < cfg->n_readonly_users; i++)
		if (read_readonly(exec, mem, cfg, relations == APP_RELATIONS_TO_GRANT,
						  cfg->readonly_users[i], snap, &snap->readonly[i], err) != 0)
			return -1;
	snap->n_readonly = cfg->n_readonly_users;
	for (i = 0, j = 0; i < snap->n_removed_readonly; i++)
	{
		bool		configured = false;
		int			u;

		for (u = 0; u < cfg->n_readonly_users; u++)
			configured = configured || strcmp(cfg->readonly_users[u], snap->removed_readonly[i].name) == 0;
		if (!configured)
			snap->removed_readonly[j++] = snap->removed_readonly[i];
	}
	snap->n_removed_readonly = j;
	return 0;
}

/* The word GRANT and ALTER use for a relkind. */
const char *
app_relkind_noun(char kind)
{
	switch (kind)
	{
		case 'S':
			return "SEQUENCE";
		case 'v':
			return "VIEW";
		case 'm':
			return "MATERIALIZED VIEW";
		case 'f':
			return "FOREIGN TABLE";
		default:
			return "TABLE";
	}
}
