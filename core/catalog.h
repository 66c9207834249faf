/*
 * core/catalog.h
 *		What the core reads from the catalogs, and the queries that read it.
 *
 * Every read is a query with $n parameters, paged by keyset on oid with a
 * bounded number of rows a page and one row per object, so that one answer
 * stays within the RDS Data API's limits however large the schema is.
 * Nothing here reads pg_authid, which RDS and Aurora deny to the master.
 */
#ifndef APP_CATALOG_H
#define APP_CATALOG_H

#include <stdbool.h>

#include "config.h"
#include "exec.h"

#define APP_PAGE_ROWS 1000

/*
 * The columns of the facts query (catalog.c): 26, then 6 for each role, then
 * the roles setup marked as this schema's read-only users, and as removed.
 */
#define APP_FACT_COLUMNS 40

/* One of the two roles setup manages. */
struct app_role_facts
{
	bool		exists;
	bool		can_login;
	bool		in_rds_iam;		/* a direct member of rds_iam */
	bool		has_connect;	/* an explicit CONNECT on the database */
	bool		master_admin;	/* the master may grant and alter it */

	/* what makes a role one setup must not manage (app_read_snapshot) */
	bool		is_master;		/* the current user */
	bool		is_bootstrap;	/* the bootstrap superuser (oid 10) */
	char	   *powers;			/* "SUPERUSER, CREATEROLE, ...", or NULL */
	bool		in_rds_superuser;	/* directly or through other roles */

	/*
	 * Its own search_path, which overrides the database's: in this database,
	 * and in every database; NULL when none, or when it is the schema.
	 */
	char	   *search_path_here;
	char	   *search_path_everywhere;
};

/* A table or sequence of the schema that setup or check has to name. */
struct app_relation
{
	char	   *name;
	char		kind;			/* pg_class.relkind */
	char	   *owner;
	char	   *app_lacks;		/* check: "SELECT, INSERT", ...; plan: "ALL" */
};

/* A read-only user (readonly_users) as the catalogs have it. */
struct app_readonly_facts
{
	const char *name;
	struct app_role_facts role;
	bool		marked;			/* setup's comment: this schema's read-only user */
	bool		schema_usage;
	bool		schema_create;	/* it must not have it */
	bool		defacl_tables;	/* migrator's default privileges give it SELECT */
	bool		defacl_sequences;
	bool		defacl_extra;	/* ... and more than SELECT on either */

	/*
	 * plan: migrator's relations where it lacks SELECT or holds more ("+SELECT
	 * -INSERT, UPDATE" in app_lacks); check: those it cannot read or can write
	 * ("lacks SELECT, has INSERT"), the first APP_RELATIONS_NAMED of total
	 */
	struct app_relation *relations;
	int			n_relations;
	int			relations_total;
};

/* A role setup marked as a read-only user of this schema. */
struct app_marked_role
{
	char	   *name;
	bool		owns;			/* owns an object somewhere (pg_shdepend) */
};

struct app_installed_extension
{
	char	   *name;
	char	   *schema;
};

struct app_snapshot
{
	int			server_version; /* server_version_num of the server */
	char	   *database;
	char	   *master;			/* current_user */
	bool		master_superuser;
	bool		master_createrole;

	struct app_role_facts app;
	struct app_role_facts migrator;
	bool		rds_iam_exists;
	bool		master_can_act; /* as migrator, with no grant */
	bool		master_holds_grant; /* a membership in migrator setup must
									 * not touch (DESIGN §5) */

	bool		db_public_any;	/* PUBLIC holds anything on the database */
	bool		db_public_connect;
	bool		search_path_ok;
	bool		public_schema_exists;
	bool		public_schema_public_create;

	bool		schema_exists;
	char	   *schema_owner;
	bool		migrator_schema_create;
	bool		migrator_schema_usage;
	bool		app_schema_usage;

	bool		defacl_tables;	/* default privileges give app ALL */
	bool		defacl_sequences;
	bool		defacl_routines;

	struct app_installed_extension *extensions;
	int			n_extensions;

	/* cfg->readonly_users in its order; the marked ones it no longer names */
	struct app_readonly_facts *readonly;
	int			n_readonly;
	struct app_marked_role *removed_readonly;	/* marked, no longer configured */
	int			n_removed_readonly;
	struct app_marked_role *retired_readonly;	/* revoked by an earlier setup */
	int			n_retired_readonly;

	/*
	 * plan: owned by migrator, app without ALL, every one; check: not usable
	 * by app, the first APP_RELATIONS_NAMED made (by oid) of relations_total;
	 * sorted by name
	 */
	struct app_relation *relations;
	int			n_relations;
	int			relations_total;
};

/*
 * The comments setup puts on a read-only user's role, naming the database
 * and schema (what setup marked, it revokes when the config drops the name;
 * what it did not mark, it never touches); removed: revoked, kept.
 */
#define APP_READONLY_MARK "app_roles read-only user; database=%s; schema=%s"
#define APP_RETIRED_MARK "app_roles removed read-only user; database=%s; schema=%s"

/* Most relations check names (in one detail) before it only counts. */
#define APP_RELATIONS_NAMED 100

enum app_relations_for
{
	APP_RELATIONS_TO_GRANT,		/* what setup grants */
	APP_RELATIONS_UNUSABLE		/* what check names */
};

int			app_read_snapshot(const struct app_executor *exec, struct app_mem *mem,
							  const struct app_config *cfg,
							  enum app_relations_for relations,
							  struct app_snapshot *snap, struct app_error *err);

/* Call fn for every row of a paged query (see catalog.c). */
typedef int (*app_row_fn) (void *ctx, struct app_mem *mem, char **row,
						   struct app_error *err);
int			app_read_pages(const struct app_executor *exec, struct app_mem *mem,
						   const char *sql, int nfixed,
						   const char *const *fixed, int nkeys,
						   app_row_fn fn, void *ctx, struct app_error *err);

/* What an app_row_fn returns to end the reading early, with success. */
#define APP_PAGES_ENOUGH 1

const char *app_relkind_noun(char kind);

/* The queries behind the report (report.c). */
extern const char *const app_sql_roles;
extern const char *const app_sql_memberships;
extern const char *const app_sql_schemas;

/* Setup's transaction-scoped advisory lock; plan and check take it too. */
#define APP_LOCK_KEY "7021786343870459493"
#define APP_LOCK_SQL "SELECT pg_catalog.pg_advisory_xact_lock(" APP_LOCK_KEY ")"
/* The same without waiting: one row, "t" when taken. */
#define APP_LOCK_TRY_SQL "SELECT pg_catalog.pg_try_advisory_xact_lock(" APP_LOCK_KEY ")"

#endif							/* APP_CATALOG_H */
