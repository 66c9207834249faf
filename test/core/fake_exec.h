/*
 * test/core/fake_exec.h
 *		The fake executor the core tests share (test/core/fake_exec.c): the
 *		catalog models it serves, the snapshots and one-fact tweaks the plan
 *		and checks tests both use, and the report rows with their JSON.
 */
#ifndef APPDB_TEST_FAKE_EXEC_H
#define APPDB_TEST_FAKE_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/catalog.h"
#include "core/error.h"
#include "core/exec.h"
#include "core/mem.h"

struct f_role
{
	unsigned	oid;
	const char *name;
};

struct f_member
{
	unsigned	member,
				roleid,
				grantor;
	const char *mname;
	const char *gname;
};

struct f_schema
{
	unsigned	oid;
	const char *name;
	const char *acl;
};

struct fake
{
	struct app_mem *mem;		/* where the fake records what it saw */

	/* report catalogs, sorted by key */
	const struct f_role *roles;
	int			n_roles;
	const struct f_member *members;
	int			n_members;
	const struct f_schema *schemas;
	int			n_schemas;

	/* snapshot queries */
	const struct app_snapshot *model;
	const struct app_snapshot *after;	/* model once a statement ran */
	const char *const *facts_override;	/* APP_FACT_COLUMNS cells */
	const char *identity_version;	/* override of the version cell */
	const char *expect_params[3];	/* of the facts and relation queries */
	const char *fail_sql;		/* this query fails */

	/* probe */
	int			probe_fail_at;
	const char *probe_msg;
	enum app_error_kind probe_kind; /* of the failing step's error */
	int			probe_rc;

	/* what was asked */
	int			nqueries;
	int			q_roles,
				q_members,
				q_schemas,
				q_lock,
				q_identity,
				q_facts,
				q_extensions,
				q_relation_questions,
				q_relations,	/* pages */
				q_unknown;
	int			lock_seq;		/* nqueries when the lock came */
	int			max_page;
	int			bad_params;
	bool		facts_has_set;
	bool		facts_has_admin_option;
	int			relations_to_grant;
	int			relations_unusable;
	struct app_strlist executed;
	struct app_strlist probed;
	int			probe_calls;
};

/* One boolean column of the facts query and the snapshot field it fills. */
struct fact_col
{
	int			col;
	size_t		offset;
	const char *field;
};

/*
 * The facts query's columns, in the order of its SELECT list (catalog.c,
 * sql_facts_fmt); column 19 is the schema owner's name.
 */
extern const struct fact_col fact_cols[];
extern const int n_fact_cols;

/* The report the rows of fake_report_data() give. */
#define REPORT_JSON \
	"{\"roles\":[\"Zed\",\"app\",\"migrator\",\"pg\",\"pgx_user\",\"postgres\",\"rd_user\"]," \
	"\"roles_with_groups\":{\"Zed\":\"app,migrator\",\"app\":\"rds_iam\",\"migrator\":\"rds_iam\"," \
	"\"pgx_user\":\"pg_monitor\",\"postgres\":\"app,migrator,rds_superuser\"}," \
	"\"schema_privileges\":{\"Audit\":null,\"app\":\"{migrator=UC/migrator,app=U/migrator}\"," \
	"\"pgx\":\"{\\\"a b\\\"=U/migrator}\",\"public\":\"{pg_database_owner=UC/pg_database_owner}\"}}"

/* Changes one fact of a snapshot. */
typedef void (*tweak_fn) (struct app_mem *mem, struct app_snapshot *s);

void		fake_init(struct fake *f, struct app_mem *mem);
void		fake_report_data(struct fake *f);
void		exec_init(struct app_executor *exec, struct fake *f);
bool		snap_bool(const struct app_snapshot *s, size_t offset);

void		set_role_facts(struct app_role_facts *f, bool v);
void		snap_converged(struct app_mem *mem, struct app_snapshot *s, int version);
void		snap_empty(struct app_mem *mem, struct app_snapshot *s, int version);
void		add_relation(struct app_mem *mem, struct app_snapshot *s, const char *name,
						 char kind, const char *owner, const char *lacks);
void		add_installed(struct app_mem *mem, struct app_snapshot *s, const char *name,
						  const char *schema);

/* Tweaks both the plan and the checks tests use. */
void		tw_none(struct app_mem *mem, struct app_snapshot *s);
void		tw_superuser(struct app_mem *mem, struct app_snapshot *s);
void		tw_schema_other(struct app_mem *mem, struct app_snapshot *s);
void		tw_app_nologin(struct app_mem *mem, struct app_snapshot *s);
void		tw_mig_no_create(struct app_mem *mem, struct app_snapshot *s);
void		tw_public_create(struct app_mem *mem, struct app_snapshot *s);
void		tw_search_path(struct app_mem *mem, struct app_snapshot *s);
void		tw_citext_installed(struct app_mem *mem, struct app_snapshot *s);
void		tw_hstore_installed(struct app_mem *mem, struct app_snapshot *s);
void		tw_role_search_paths(struct app_mem *mem, struct app_snapshot *s);

#endif							/* APPDB_TEST_FAKE_EXEC_H */
