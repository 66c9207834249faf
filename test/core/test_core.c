// test/core/test_core.c
//	Table-driven unit tests of the backend-neutral core (core/*.c): quoting,
//	configuration, plan, report, checks, catalog paging and the run loop,
//	all over hand-built snapshots and a fake executor (no database).
//
// Build and run from the top of the tree (no Makefile needed):
//
//   cc -std=c11 -Wall -Wextra -Werror -g -I. -o test/core/test_core test/core/test_core.c core/*.c -ljson-c
//   ./test/core/test_core
//   valgrind --error-exitcode=1 --leak-check=full ./test/core/test_core
//
// A passing case prints nothing; a failing one prints "FAIL <case>: <what>".
// The last line is "core: N passed, M failed" (N, M count cases); the exit
// status is 1 when M > 0, else 0.  Every case gets its own arena, freed with
// app_mem_free_all() after it, so valgrind reports no leak.

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/catalog.h"
#include "core/checks.h"
#include "core/config.h"
#include "core/error.h"
#include "core/exec.h"
#include "core/mem.h"
#include "core/plan.h"
#include "core/quote.h"
#include "core/report.h"
#include "core/run.h"

/* ------------------------------------------------------------------ */
/* Harness                                                             */
/* ------------------------------------------------------------------ */

static const char *cur_case;
static int	cur_failures;
static int	n_passed;
static int	n_failed;

#define MAX_FAIL_LINES 8

static void
fail(const char *fmt,...)
{
	va_list		args;

	cur_failures++;
	if (cur_failures > MAX_FAIL_LINES)
		return;
	printf("FAIL %s: ", cur_case);
	if (cur_failures == MAX_FAIL_LINES)
	{
		printf("(further failures of this case not shown)\n");
		return;
	}
	va_start(args, fmt);
	vprintf(fmt, args);
	va_end(args);
	putchar('\n');
}

#define EXPECT(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)

static void *
t_alloc(void *state, size_t size)
{
	void	   *p = malloc(size ? size : 1);

	(void) state;
	if (p == NULL)
	{
		fprintf(stderr, "test_core: out of memory\n");
		exit(2);
	}
	return p;
}

static void
t_free(void *state, void *ptr)
{
	(void) state;
	free(ptr);
}

static const struct app_allocator allocator = {t_alloc, t_free, NULL};

typedef void (*case_fn) (struct app_mem *mem, const void *arg);

static void
run_case(const char *name, case_fn fn, const void *arg)
{
	struct app_mem mem;

	cur_case = name;
	cur_failures = 0;
	app_mem_init(&mem, &allocator);
	fn(&mem, arg);
	app_mem_free_all(&mem);
	if (cur_failures)
		n_failed++;
	else
		n_passed++;
	fflush(stdout);
}

static char *
S(struct app_mem *mem, const char *s)
{
	return s ? app_strdup(mem, s) : NULL;
}

static bool
has(const char *haystack, const char *needle)
{
	return haystack != NULL && strstr(haystack, needle) != NULL;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t		a,
				b;

	if (s == NULL)
		return false;
	a = strlen(s);
	b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static const char *
nz(const char *s)
{
	return s ? s : "(null)";
}

/* Compare a list of statements with a NULL-terminated expectation. */
static void
expect_list(const char *what, const struct app_strlist *got,
			const char *const *want)
{
	int			nwant = 0;
	int			i;

	while (want[nwant])
		nwant++;
	for (i = 0; i < got->n && i < nwant; i++)
		if (strcmp(got->items[i], want[i]) != 0)
		{
			fail("%s: item %d is [%s], want [%s]", what, i, got->items[i], want[i]);
			return;
		}
	if (got->n > nwant)
		fail("%s: %d items, want %d; first extra: [%s]", what, got->n, nwant,
			 got->items[nwant]);
	else if (got->n < nwant)
		fail("%s: %d items, want %d; first missing: [%s]", what, got->n, nwant,
			 want[got->n]);
}

/* 63 and 64 bytes */
#define NAME63 "a123456789b123456789c123456789d123456789e123456789f123456789xyz"
#define NAME64 NAME63 "Z"

/* ------------------------------------------------------------------ */
/* 1. Quoting                                                          */
/* ------------------------------------------------------------------ */

struct quote_case
{
	const char *name;
	const char *prefix;			/* already in the buffer */
	const char *ident;
	const char *want;
};

static const struct quote_case quote_cases[] = {
	{"quote: plain name", "", "app", "\"app\""},
	{"quote: embedded double quote doubled", "", "a\"b", "\"a\"\"b\""},
	{"quote: only double quotes", "", "\"\"", "\"\"\"\"\"\""},
	{"quote: 63-byte name unchanged", "", NAME63, "\"" NAME63 "\""},
	{"quote: spaces kept", "", "my table", "\"my table\""},
	{"quote: dashes kept", "", "app-user", "\"app-user\""},
	{"quote: uppercase kept", "", "Order", "\"Order\""},
	{"quote: keyword still quoted", "", "select", "\"select\""},
	{"quote: single quote and backslash untouched", "", "o'k\\", "\"o'k\\\""},
	{"quote: UTF-8 bytes untouched", "", "caf\xc3\xa9", "\"caf\xc3\xa9\""},
	{"quote: appends to what the buffer holds", "\"app\".", "t", "\"app\".\"t\""},
};

static void
test_quote(struct app_mem *mem, const void *arg)
{
	const struct quote_case *c = arg;
	struct app_buf buf;

	app_buf_init(&buf, mem);
	app_buf_append(&buf, c->prefix);
	app_quote_ident(&buf, c->ident);
	EXPECT(strcmp(buf.data, c->want) == 0, "got [%s], want [%s]", buf.data, c->want);
	EXPECT(buf.len == strlen(c->want), "len %zu, want %zu", buf.len, strlen(c->want));
}

/* A long name makes the buffer grow several times. */
static void
test_quote_long(struct app_mem *mem, const void *arg)
{
	struct app_buf buf;
	char		ident[1001];
	int			i;

	(void) arg;
	for (i = 0; i < 1000; i++)
		ident[i] = (i % 10 == 9) ? '"' : 'x';
	ident[1000] = '\0';
	app_buf_init(&buf, mem);
	app_quote_ident(&buf, ident);
	EXPECT(buf.len == 1000 + 100 + 2, "len %zu, want 1102", buf.len);
	EXPECT(buf.data[0] == '"' && buf.data[buf.len - 1] == '"', "not enclosed in quotes");
	EXPECT(has(buf.data, "xxxxxxxxx\"\"xxxxxxxxx\"\"x"), "quotes not doubled");
}

/* ------------------------------------------------------------------ */
/* 2. Configuration                                                    */
/* ------------------------------------------------------------------ */

struct config_case
{
	const char *name;
	const char *app;
	const char *mig;
	const char *schema;
	const char *auth;
	const char *exts;
	enum app_error_kind kind;	/* APP_OK: accepted */
	const char *msg_has;		/* refused: in the message */
	const char *hint_has;		/* refused: in the hint, when not NULL */
	/* accepted: */
	const char *want_app;
	const char *want_mig;
	const char *want_schema;
	enum app_auth want_auth;
	const char *want_exts;		/* "name=1,name=0" in order */
};

#define OK_DEFAULTS APP_OK, NULL, NULL, "app", "migrator", "app", APP_AUTH_IAM

#define REFUSED_REST NULL, NULL, NULL, APP_AUTH_IAM, NULL

static const struct config_case config_cases[] = {
	{"config: NULL arguments take the defaults", NULL, NULL, NULL, NULL, NULL,
	OK_DEFAULTS, ""},
	{"config: empty app_user refused", "", NULL, NULL, NULL, NULL,
	APP_ERR_INVALID_VALUE, "app_user", "1 to 63 bytes", REFUSED_REST},
	{"config: empty migrator_user refused", NULL, "", NULL, NULL, NULL,
	APP_ERR_INVALID_VALUE, "migrator_user", NULL, REFUSED_REST},
	{"config: empty schema_name refused", NULL, NULL, "", NULL, NULL,
	APP_ERR_INVALID_VALUE, "schema_name", NULL, REFUSED_REST},
	{"config: 63-byte app_user accepted", NAME63, NULL, NULL, NULL, NULL,
	APP_OK, NULL, NULL, NAME63, "migrator", "app", APP_AUTH_IAM, ""},
	{"config: 63-byte schema_name accepted", NULL, NULL, NAME63, NULL, NULL,
	APP_OK, NULL, NULL, "app", "migrator", NAME63, APP_AUTH_IAM, ""},
	{"config: 64-byte app_user refused", NAME64, NULL, NULL, NULL, NULL,
	APP_ERR_NAME_TOO_LONG, "app_user", NULL, REFUSED_REST},
	{"config: 64-byte migrator_user refused", NULL, NAME64, NULL, NULL, NULL,
	APP_ERR_NAME_TOO_LONG, "migrator_user", NULL, REFUSED_REST},
	{"config: 64-byte schema_name refused", NULL, NULL, NAME64, NULL, NULL,
	APP_ERR_NAME_TOO_LONG, "schema_name", NULL, REFUSED_REST},
	{"config: pg_ app_user refused", "pg_x", NULL, NULL, NULL, NULL,
	APP_ERR_INVALID_VALUE, "app_user", NULL, REFUSED_REST},
	{"config: pg_ migrator_user refused", NULL, "pg_x", NULL, NULL, NULL,
	APP_ERR_INVALID_VALUE, "migrator_user", NULL, REFUSED_REST},
	{"config: pg_ schema_name refused", NULL, NULL, "pg_x", NULL, NULL,
	APP_ERR_INVALID_VALUE, "schema_name", NULL, REFUSED_REST},
	{"config: pgx (not the pg_ prefix) accepted", "pgx", NULL, NULL, NULL, NULL,
	APP_OK, NULL, NULL, "pgx", "migrator", "app", APP_AUTH_IAM, ""},
	{"config: public as app_user refused", "public", NULL, NULL, NULL, NULL,
	APP_ERR_INVALID_VALUE, "app_user", NULL, REFUSED_REST},
	{"config: public as migrator_user refused", NULL, "public", NULL, NULL, NULL,
	APP_ERR_INVALID_VALUE, "migrator_user", NULL, REFUSED_REST},
	{"config: current_user as app_user refused", "current_user", NULL, NULL, NULL, NULL,
	APP_ERR_INVALID_VALUE, "app_user", NULL, REFUSED_REST},
	/* issue 10 §4: schemas PostgreSQL owns, or every role can reach */
	{"config: public as schema_name refused", NULL, NULL, "public", NULL, NULL,
	APP_ERR_INVALID_VALUE, "schema_name \"public\"", "schema", REFUSED_REST},
	{"config: information_schema as schema_name refused", NULL, NULL, "information_schema", NULL, NULL,
	APP_ERR_INVALID_VALUE, "schema_name \"information_schema\"", NULL, REFUSED_REST},
	{"config: Public (another name) as schema_name accepted", NULL, NULL, "Public", NULL, NULL,
	APP_OK, NULL, NULL, "app", "migrator", "Public", APP_AUTH_IAM, ""},
	/* issue 10 §4: RDS's own roles */
	{"config: rds_superuser as app_user refused", "rds_superuser", NULL, NULL, NULL, NULL,
	APP_ERR_INVALID_VALUE, "app_user \"rds_superuser\"", NULL, REFUSED_REST},
	{"config: rds_iam as migrator_user refused", NULL, "rds_iam", NULL, NULL, NULL,
	APP_ERR_INVALID_VALUE, "migrator_user \"rds_iam\"", NULL, REFUSED_REST},
	{"config: rds_ as schema_name accepted (a schema, not a role)", NULL, NULL, "rds_data", NULL, NULL,
	APP_OK, NULL, NULL, "app", "migrator", "rds_data", APP_AUTH_IAM, ""},
	{"config: rdsweb (not the rds_ prefix) accepted", "rdsweb", NULL, NULL, NULL, NULL,
	APP_OK, NULL, NULL, "rdsweb", "migrator", "app", APP_AUTH_IAM, ""},
	/* issue 10 §4: control characters and edge spaces, in every name */
	{"config: tab in app_user refused", "a\tb", NULL, NULL, NULL, NULL,
	APP_ERR_INVALID_VALUE, "control character", NULL, REFUSED_REST},
	{"config: newline in migrator_user refused", NULL, "mig\nrator", NULL, NULL, NULL,
	APP_ERR_INVALID_VALUE, "migrator_user", NULL, REFUSED_REST},
	{"config: DEL in schema_name refused", NULL, NULL, "app\x7f", NULL, NULL,
	APP_ERR_INVALID_VALUE, "schema_name", NULL, REFUSED_REST},
	{"config: C1 control (U+0085) in app_user refused", "a\xc2\x85", NULL, NULL, NULL, NULL,
	APP_ERR_INVALID_VALUE, "control character", NULL, REFUSED_REST},
	{"config: escape in extension name refused", NULL, NULL, NULL, NULL, "{\"h\\u001bstore\": true}",
	APP_ERR_INVALID_VALUE, "extension name", NULL, REFUSED_REST},
	{"config: leading space in app_user refused", " app", NULL, NULL, NULL, NULL,
	APP_ERR_INVALID_VALUE, "space", NULL, REFUSED_REST},
	{"config: trailing space in schema_name refused", NULL, NULL, "app ", NULL, NULL,
	APP_ERR_INVALID_VALUE, "schema_name", NULL, REFUSED_REST},
	{"config: only a space as migrator_user refused", NULL, " ", NULL, NULL, NULL,
	APP_ERR_INVALID_VALUE, "migrator_user", NULL, REFUSED_REST},
	{"config: UTF-8 name accepted (é is no control character)", "caf\xc3\xa9", NULL, NULL, NULL, NULL,
	APP_OK, NULL, NULL, "caf\xc3\xa9", "migrator", "app", APP_AUTH_IAM, ""},
	{"config: app_user equal to migrator_user refused", "same", "same", NULL, NULL, NULL,
	APP_ERR_INVALID_VALUE, "differ", NULL, REFUSED_REST},
	{"config: spaces, dashes, uppercase accepted", "Order", "mig-rator", "my schema", NULL, NULL,
	APP_OK, NULL, NULL, "Order", "mig-rator", "my schema", APP_AUTH_IAM, ""},
	{"config: auth iam", NULL, NULL, NULL, "iam", NULL,
	OK_DEFAULTS, ""},
	{"config: auth password", NULL, NULL, NULL, "password", NULL,
	APP_OK, NULL, NULL, "app", "migrator", "app", APP_AUTH_PASSWORD, ""},
	{"config: auth md5 refused with a hint", NULL, NULL, NULL, "md5", NULL,
	APP_ERR_INVALID_VALUE, "md5", "\"password\"", REFUSED_REST},
	{"config: extensions {} gives none", NULL, NULL, NULL, NULL, "{}",
	OK_DEFAULTS, ""},
	{"config: extensions sorted by name with flags", NULL, NULL, NULL, NULL,
		"{\"hstore\": true, \"citext\": false}",
	OK_DEFAULTS, "citext=0,hstore=1"},
	{"config: three extensions sorted", NULL, NULL, NULL, NULL,
		"{\"zz\": true, \"aa\": false, \"mm\": true}",
	OK_DEFAULTS, "aa=0,mm=1,zz=1"},
	{"config: extension pg_trgm accepted", NULL, NULL, NULL, NULL, "{\"pg_trgm\": true}",
	OK_DEFAULTS, "pg_trgm=1"},
	{"config: extensions array refused", NULL, NULL, NULL, NULL, "[1]",
	APP_ERR_INVALID_VALUE, "superuser_extensions", "{\"hstore\": true}", REFUSED_REST},
	{"config: extension value 1 refused", NULL, NULL, NULL, NULL, "{\"hstore\": 1}",
	APP_ERR_INVALID_VALUE, "hstore", NULL, REFUSED_REST},
	{"config: extension value null refused", NULL, NULL, NULL, NULL, "{\"hstore\": null}",
	APP_ERR_INVALID_VALUE, "hstore", NULL, REFUSED_REST},
	{"config: extension value \"true\" refused", NULL, NULL, NULL, NULL, "{\"hstore\": \"true\"}",
	APP_ERR_INVALID_VALUE, "hstore", NULL, REFUSED_REST},
	{"config: extensions not json refused", NULL, NULL, NULL, NULL, "not json",
	APP_ERR_INVALID_VALUE, "superuser_extensions", NULL, REFUSED_REST},
	{"config: extensions truncated json refused", NULL, NULL, NULL, NULL, "{\"hstore\": tr",
	APP_ERR_INVALID_VALUE, "superuser_extensions", NULL, REFUSED_REST},
	{"config: extensions trailing garbage refused", NULL, NULL, NULL, NULL,
		"{\"hstore\": true} trailing",
	APP_ERR_INVALID_VALUE, "superuser_extensions", NULL, REFUSED_REST},
	{"config: extensions second object refused", NULL, NULL, NULL, NULL,
		"{\"hstore\": true}{}",
	APP_ERR_INVALID_VALUE, "superuser_extensions", NULL, REFUSED_REST},
	{"config: extensions leading whitespace accepted", NULL, NULL, NULL, NULL,
		" \n{\"hstore\": true}",
	OK_DEFAULTS, "hstore=1"},
	{"config: extensions trailing newline accepted (RFC 8259 ws)", NULL, NULL, NULL, NULL,
		"{\"hstore\": true}\n",
	OK_DEFAULTS, "hstore=1"},
	{"config: empty extension name refused", NULL, NULL, NULL, NULL, "{\"\": true}",
	APP_ERR_INVALID_VALUE, "extension name", NULL, REFUSED_REST},
	/* core bug: json-c keeps keys as C strings, so the name is cut to "hst" */
	{"config: extension name with \\u0000 refused, not cut", NULL, NULL, NULL, NULL,
		"{\"hst\\u0000ore\": true}",
	APP_ERR_INVALID_VALUE, "superuser_extensions", NULL, REFUSED_REST},
	{"config: 64-byte extension name refused", NULL, NULL, NULL, NULL,
		"{\"" NAME64 "\": true}",
	APP_ERR_NAME_TOO_LONG, "extension name", NULL, REFUSED_REST},
};

static void
test_config(struct app_mem *mem, const void *arg)
{
	const struct config_case *c = arg;
	struct app_config cfg;
	struct app_error err = {0};
	int			rc;

	rc = app_config_build(mem, &cfg, c->app, c->mig, c->schema, c->auth, c->exts, &err);
	if (c->kind != APP_OK)
	{
		if (rc != -1)
		{
			fail("accepted, want refusal (kind %d); extensions: %d, first [%s]",
				 (int) c->kind, cfg.n_extensions,
				 cfg.n_extensions ? cfg.extensions[0].name : "");
			return;
		}
		EXPECT(err.kind == c->kind, "error kind %d, want %d (message: %s)",
			   (int) err.kind, (int) c->kind, nz(err.message));
		EXPECT(has(err.message, c->msg_has), "message [%s] lacks [%s]",
			   nz(err.message), c->msg_has);
		if (c->hint_has)
			EXPECT(has(err.hint, c->hint_has), "hint [%s] lacks [%s]",
				   nz(err.hint), c->hint_has);
		return;
	}

	EXPECT(rc == 0, "refused: kind %d, %s", (int) err.kind, nz(err.message));
	if (rc != 0)
		return;
	EXPECT(strcmp(cfg.app_user, c->want_app) == 0, "app_user [%s], want [%s]",
		   cfg.app_user, c->want_app);
	EXPECT(strcmp(cfg.migrator_user, c->want_mig) == 0, "migrator_user [%s], want [%s]",
		   cfg.migrator_user, c->want_mig);
	EXPECT(strcmp(cfg.schema, c->want_schema) == 0, "schema [%s], want [%s]",
		   cfg.schema, c->want_schema);
	EXPECT(cfg.auth == c->want_auth, "auth %s, want %s",
		   app_auth_name(cfg.auth), app_auth_name(c->want_auth));
	{
		struct app_buf got;
		int			i;

		app_buf_init(&got, mem);
		for (i = 0; i < cfg.n_extensions; i++)
			app_buf_printf(&got, "%s%s=%d", i ? "," : "", cfg.extensions[i].name,
						   cfg.extensions[i].wanted ? 1 : 0);
		EXPECT(strcmp(got.data, c->want_exts) == 0, "extensions [%s], want [%s]",
			   got.data, c->want_exts);
	}
}

/* The names the configuration keeps are copies, not the caller's strings. */
static void
test_config_copies(struct app_mem *mem, const void *arg)
{
	char		app[8] = "web";
	struct app_config cfg;
	struct app_error err = {0};

	(void) arg;
	EXPECT(app_config_build(mem, &cfg, app, NULL, NULL, NULL, NULL, &err) == 0,
		   "refused: %s", nz(err.message));
	strcpy(app, "xyz");
	EXPECT(strcmp(cfg.app_user, "web") == 0, "app_user follows the caller's buffer: [%s]",
		   cfg.app_user);
	EXPECT(strcmp(app_auth_name(APP_AUTH_IAM), "iam") == 0 &&
		   strcmp(app_auth_name(APP_AUTH_PASSWORD), "password") == 0,
		   "app_auth_name wrong");
}

/* ------------------------------------------------------------------ */
/* 3. Plan                                                             */
/* ------------------------------------------------------------------ */

static void
set_role_facts(struct app_role_facts *f, bool v)
{
	f->exists = v;
	f->can_login = v;
	f->in_rds_iam = v;
	f->has_connect = v;
	f->master_admin = v;
}

/* Everything setup does is done; master "postgres" is not a superuser. */
static void
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
static void
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

static void
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
}

static void
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

typedef void (*tweak_fn) (struct app_mem *mem, struct app_snapshot *s);

static void
tw_none(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	(void) s;
}

static void
tw_superuser(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->master_superuser = true;
}

static void
tw_schema_other(struct app_mem *mem, struct app_snapshot *s)
{
	s->schema_owner = S(mem, "alice");
}

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
tw_app_nologin(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->app.can_login = false;
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
tw_mig_no_create(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->migrator_schema_create = false;
}

static void
tw_public_create(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->public_schema_public_create = true;
}

static void
tw_search_path(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->search_path_ok = false;
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
tw_citext_installed(struct app_mem *mem, struct app_snapshot *s)
{
	add_installed(mem, s, "plpgsql", "pg_catalog");
	add_installed(mem, s, "citext", "public");
}

static void
tw_hstore_installed(struct app_mem *mem, struct app_snapshot *s)
{
	add_installed(mem, s, "plpgsql", "pg_catalog");
	add_installed(mem, s, "hstore", "pg_catalog");
}

/* Role-level search_paths that override the database's (issue 10 §4). */
static void
tw_role_search_paths(struct app_mem *mem, struct app_snapshot *s)
{
	s->migrator.search_path_here = S(mem, "public");
	s->app.search_path_everywhere = S(mem, "\"$user\"");
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
static const char *const want_empty15[] = {
	L_DB, L_MIG_IAM, L_APP_IAM, L_TAKE15, L_OWNED, L_GIVE, NULL
};
static const char *const want_empty16[] = {
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

/* ------------------------------------------------------------------ */
/* The fake executor                                                   */
/* ------------------------------------------------------------------ */

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
				q_relations,
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

static void
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
static const struct
{
	int			col;
	size_t		offset;
	const char *field;
}			fact_cols[] = {
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

#define N_FACT_COLS ((int) (sizeof(fact_cols) / sizeof(fact_cols[0])))

static bool
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
	for (i = 0; i < N_FACT_COLS; i++)
		cells[fact_cols[i].col] = snap_bool(f->model, fact_cols[i].offset) ? "t" : "f";
	cells[19] = f->model->schema_owner;
	serve_guards(cells + 26, &f->model->app);
	serve_guards(cells + 32, &f->model->migrator);
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

static void
serve_relations(struct fake *f, struct app_mem *mem, const char *const *params,
				struct app_rows *rows)
{
	const struct app_snapshot *s = f->model;
	unsigned	key = param_oid(params[3]);
	int			n = 0;
	int			i;
	size_t		bytes = 0;
	char		b[24];
	char		kind[2] = {0, 0};

	/* relation i has oid 40000 + i */
	for (i = 0; i < s->n_relations; i++)
		if (40000u + (unsigned) i > key && n < APP_PAGE_ROWS)
		{
			const struct app_relation *r = &s->relations[i];

			n++;
			bytes += 12 + cell_bytes(r->name) + 2 + cell_bytes(r->owner) + cell_bytes(r->app_lacks);
		}
	app_rows_init(mem, rows, n, 5, bytes);
	n = 0;
	for (i = 0; i < s->n_relations; i++)
		if (40000u + (unsigned) i > key && n < APP_PAGE_ROWS)
		{
			const struct app_relation *r = &s->relations[i];

			snprintf(b, sizeof(b), "%u", 40000u + (unsigned) i);
			kind[0] = r->kind;
			app_rows_set(rows, n, 0, b);
			app_rows_set(rows, n, 1, r->name);
			app_rows_set(rows, n, 2, kind);
			app_rows_set(rows, n, 3, r->owner);
			app_rows_set(rows, n, 4, r->app_lacks);
			n++;
		}
	note_page(f, n);
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
			f->q_relations++;
			check_fixed_params(f, nparams, params, 4);
			if (has(sql, "has_table_privilege"))
				f->relations_unusable++;
			else
				f->relations_to_grant++;
			if (nparams == 4)
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

static void
exec_init(struct app_executor *exec, struct fake *f)
{
	exec->state = f;
	exec->query = fake_query;
	exec->execute = fake_execute;
	exec->probe = fake_probe;
}

/* ------------------------------------------------------------------ */
/* 4. Report                                                           */
/* ------------------------------------------------------------------ */

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
	{16386, 3373, 10, "rds_superuser", "pg_monitor"},
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

#define REPORT_JSON \
	"{\"roles\":[\"Zed\",\"app\",\"migrator\",\"pg\",\"pgx_user\",\"postgres\",\"rd_user\"]," \
	"\"roles_with_groups\":{\"Zed\":\"app,migrator\",\"app\":\"rds_iam\",\"migrator\":\"rds_iam\"," \
	"\"postgres\":\"app,migrator,rds_superuser\",\"rds_superuser\":\"pg_monitor\"}," \
	"\"schema_privileges\":{\"Audit\":null,\"app\":\"{migrator=UC/migrator,app=U/migrator}\"," \
	"\"pgx\":\"{\\\"a b\\\"=U/migrator}\",\"public\":\"{pg_database_owner=UC/pg_database_owner}\"}}"

#define NELEM(a) ((int) (sizeof(a) / sizeof((a)[0])))

static void
fake_report_data(struct fake *f)
{
	f->roles = report_roles;
	f->n_roles = NELEM(report_roles);
	f->members = report_members;
	f->n_members = NELEM(report_members);
	f->schemas = report_schemas;
	f->n_schemas = NELEM(report_schemas);
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

/* ------------------------------------------------------------------ */
/* 5. Checks                                                           */
/* ------------------------------------------------------------------ */

static const char *const check_names_iam[] = {
	"migrator_role", "app_role", "rds_iam_membership", "database_connect",
	"master_manages_roles", "search_path", "schema_owner", "schema_usage",
	"relations_usable", "default_privileges", "public_schema_create",
	"public_database_connect", "superuser_extensions", "behaviour", NULL
};
static const char *const check_names_password[] = {
	"migrator_role", "app_role", "database_connect",
	"master_manages_roles", "search_path", "schema_owner", "schema_usage",
	"relations_usable", "default_privileges", "public_schema_create",
	"public_database_connect", "superuser_extensions", "behaviour", NULL
};

static const struct app_check *
find_check(const struct app_checks *c, const char *name)
{
	int			i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->items[i].name, name) == 0)
			return &c->items[i];
	return NULL;
}

static void
expect_check_names(const struct app_checks *c, const char *const *want)
{
	struct app_strlist got = {0};
	struct app_mem tmp;
	int			i;

	app_mem_init(&tmp, &allocator);
	for (i = 0; i < c->n; i++)
		app_strlist_add(&tmp, &got, (char *) c->items[i].name);
	expect_list("check names", &got, want);
	app_mem_free_all(&tmp);
}

/* Run the checks; returns the rc of app_checks_run. */
static int
run_checks(struct app_mem *mem, struct fake *f, const char *auth, const char *exts,
		   const struct app_snapshot *snap, struct app_checks *out,
		   struct app_error *err)
{
	struct app_config cfg;
	struct app_executor exec;

	if (app_config_build(mem, &cfg, NULL, NULL, NULL, auth, exts, err) != 0)
	{
		fail("config refused: %s", nz(err->message));
		return -2;
	}
	exec_init(&exec, f);
	return app_checks_run(&exec, mem, &cfg, snap, out, err);
}

/*
 * The probe's statements as migrator and as app: migrator creates its table
 * unqualified, with the search_path its login would give it (issue 10 §4),
 * and the table must then be in the schema.
 */
#define PROBE_AS_ROLES \
	"SET LOCAL ROLE \"migrator\"", \
	APP_PROBE_SEARCH_PATH_SQL, \
	"CREATE TABLE \"app_roles_probe\" (id serial PRIMARY KEY, note text)", \
	"SELECT FROM \"app\".\"app_roles_probe\"", \
	"SET LOCAL ROLE \"app\"", \
	"INSERT INTO \"app\".\"app_roles_probe\" (note) VALUES ('probe')", \
	"SELECT id, note FROM \"app\".\"app_roles_probe\"", \
	"UPDATE \"app\".\"app_roles_probe\" SET note = 'checked'", \
	"DELETE FROM \"app\".\"app_roles_probe\""

static const char *const probe16[] = {
	"GRANT \"migrator\" TO \"postgres\" WITH SET TRUE, INHERIT TRUE",
	"GRANT \"app\" TO \"postgres\" WITH SET TRUE, INHERIT TRUE",
	PROBE_AS_ROLES,
	NULL
};
static const char *const probe15[] = {
	"GRANT \"migrator\" TO \"postgres\"",
	"GRANT \"app\" TO \"postgres\"",
	PROBE_AS_ROLES,
	NULL
};
static const char *const probe_superuser[] = {
	PROBE_AS_ROLES,
	NULL
};

struct checks_all_case
{
	const char *name;
	int			version;
	const char *auth;
	tweak_fn	tweak;
	const char *const *names;
	const char *const *probe;
};

static const struct checks_all_case checks_all_cases[] = {
	{"checks: converged, iam, 16: all pass in order", 160000, "iam", tw_none,
	check_names_iam, probe16},
	{"checks: converged, password, 15: all pass, no rds_iam check", 150000, "password", tw_none,
	check_names_password, probe15},
	{"checks: converged, superuser master: probe takes no membership", 160000, "iam",
		tw_superuser, check_names_iam, probe_superuser},
};

static void
test_checks_all(struct app_mem *mem, const void *arg)
{
	const struct checks_all_case *c = arg;
	struct fake f;
	struct app_snapshot snap;
	struct app_checks out;
	struct app_error err = {0};
	int			i;

	fake_init(&f, mem);
	snap_converged(mem, &snap, c->version);
	c->tweak(mem, &snap);
	if (run_checks(mem, &f, c->auth, NULL, &snap, &out, &err) != 0)
	{
		fail("app_checks_run failed: %s", nz(err.message));
		return;
	}
	expect_check_names(&out, c->names);
	EXPECT(out.success, "success false");
	for (i = 0; i < out.n; i++)
	{
		EXPECT(out.items[i].ok, "check %s failed: %s", out.items[i].name,
			   nz(out.items[i].detail));
		EXPECT(out.items[i].detail && out.items[i].detail[0], "check %s has no detail",
			   out.items[i].name);
	}
	EXPECT(f.probe_calls == 1, "probe called %d times", f.probe_calls);
	expect_list("probe statements", &f.probed, c->probe);
}

/* A converged database with one fact broken fails exactly one check. */
struct checks_one_case
{
	const char *name;
	int			version;
	const char *exts;
	tweak_fn	tweak;
	const char *failing;		/* NULL: none fails */
	const char *detail_has;
};

static void
tw_mig_not_iam(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->migrator.in_rds_iam = false;
}

static void
tw_app_no_connect(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->app.has_connect = false;
}

static void
tw_app_noadmin(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->app.master_admin = false;
}

static void
tw_app_noadmin_superuser(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->app.master_admin = false;
	s->master_superuser = true;
}

static void
tw_app_no_usage(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->app_schema_usage = false;
}

static void
tw_no_defacl_seq(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->defacl_sequences = false;
}

static void
tw_public_connect(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->db_public_connect = true;
	s->db_public_any = true;
}

static void
tw_mig_nologin(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->migrator.can_login = false;
}

static void
tw_no_createrole(struct app_mem *mem, struct app_snapshot *s)
{
	(void) mem;
	s->master_createrole = false;
	s->app.master_admin = false;
	s->migrator.master_admin = false;
}

static const struct checks_one_case checks_one_cases[] = {
	{"checks: search_path wrong", 160000, NULL, tw_search_path, "search_path",
	"ALTER DATABASE \"db\" SET search_path TO \"app\""},
	{"checks: migrator's search_path in this database overrides", 160000, NULL,
		tw_role_search_paths, "search_path",
	"role \"migrator\" has its own search_path public in database \"db\", which overrides the database's (fix: ALTER ROLE \"migrator\" IN DATABASE \"db\" RESET search_path)"},
	{"checks: app's role-wide search_path overrides", 160000, NULL,
		tw_role_search_paths, "search_path",
	"role \"app\" has its own search_path \"$user\" in every database, which overrides the database's (fix: ALTER ROLE \"app\" RESET search_path)"},
	{"checks: migrator cannot log in", 160000, NULL, tw_mig_nologin, "migrator_role",
	"ALTER ROLE \"migrator\" LOGIN"},
	{"checks: app cannot log in", 160000, NULL, tw_app_nologin, "app_role",
	"ALTER ROLE \"app\" LOGIN"},
	{"checks: migrator not in rds_iam", 160000, NULL, tw_mig_not_iam, "rds_iam_membership",
	"GRANT rds_iam TO \"migrator\""},
	{"checks: app has no CONNECT", 160000, NULL, tw_app_no_connect, "database_connect",
	"GRANT CONNECT ON DATABASE \"db\" TO \"app\""},
	{"checks: no ADMIN on app", 160000, NULL, tw_app_noadmin, "master_manages_roles",
	"GRANT \"app\" TO \"postgres\" WITH ADMIN OPTION"},
	/* core bug: same 16-only remedy on 15 (see the plan case) */
	{"checks: 15, master without CREATEROLE: detail gives 15's remedy", 150000, NULL,
	tw_no_createrole, "master_manages_roles", "CREATEROLE"},
	{"checks: no ADMIN on app, superuser master: fine", 160000, NULL,
	tw_app_noadmin_superuser, NULL, NULL},
	{"checks: schema owned by another", 160000, NULL, tw_schema_other, "schema_owner",
	"ALTER SCHEMA \"app\" OWNER TO \"migrator\""},
	{"checks: migrator cannot create in its schema", 160000, NULL, tw_mig_no_create,
		"schema_owner", "GRANT USAGE, CREATE ON SCHEMA \"app\" TO \"migrator\""},
	{"checks: app has no USAGE", 160000, NULL, tw_app_no_usage, "schema_usage",
	"GRANT USAGE ON SCHEMA \"app\" TO \"app\""},
	{"checks: default privileges on sequences missing", 160000, NULL, tw_no_defacl_seq,
		"default_privileges",
	"ALTER DEFAULT PRIVILEGES FOR ROLE \"migrator\" IN SCHEMA \"app\" GRANT ALL ON SEQUENCES TO \"app\""},
	{"checks: PUBLIC may create in public", 160000, NULL, tw_public_create,
	"public_schema_create", "REVOKE CREATE ON SCHEMA public FROM PUBLIC"},
	{"checks: PUBLIC may connect", 160000, NULL, tw_public_connect,
	"public_database_connect", "REVOKE ALL ON DATABASE \"db\" FROM PUBLIC"},
	{"checks: wanted extension missing", 160000, "{\"hstore\": true}", tw_none,
	"superuser_extensions", "CREATE EXTENSION \"hstore\" SCHEMA pg_catalog"},
	{"checks: unwanted extension installed", 160000, "{\"citext\": false}",
		tw_citext_installed, "superuser_extensions", "DROP EXTENSION \"citext\""},
	{"checks: extensions as configured", 160000, "{\"hstore\": true, \"citext\": false}",
	tw_hstore_installed, NULL, NULL},
};

static void
test_checks_one(struct app_mem *mem, const void *arg)
{
	const struct checks_one_case *c = arg;
	struct fake f;
	struct app_snapshot snap;
	struct app_checks out;
	struct app_error err = {0};
	int			i;

	fake_init(&f, mem);
	snap_converged(mem, &snap, c->version);
	c->tweak(mem, &snap);
	if (run_checks(mem, &f, "iam", c->exts, &snap, &out, &err) != 0)
	{
		fail("app_checks_run failed: %s", nz(err.message));
		return;
	}
	EXPECT(out.success == (c->failing == NULL), "success %d", (int) out.success);
	for (i = 0; i < out.n; i++)
	{
		bool		should_fail = c->failing && strcmp(out.items[i].name, c->failing) == 0;

		EXPECT(out.items[i].ok == !should_fail, "check %s ok=%d: %s", out.items[i].name,
			   (int) out.items[i].ok, nz(out.items[i].detail));
		if (should_fail)
			EXPECT(has(out.items[i].detail, c->detail_has), "detail [%s] lacks [%s]",
				   nz(out.items[i].detail), c->detail_has);
	}
	if (c->failing)
		EXPECT(find_check(&out, c->failing) != NULL, "no check %s", c->failing);
}

struct probe_fail_case
{
	const char *name;
	int			fail_at;
	const char *want_detail;
};

static const struct probe_fail_case probe_fail_cases[] = {
	{"checks: probe fails at step 0", 0,
	"the master could not act as migrator: permission denied to grant role \"migrator\""},
	{"checks: probe fails at step 3", 3,
	"could not give migrator the search_path of its login: permission denied to grant role \"migrator\""},
	{"checks: probe fails at step 4", 4,
	"migrator could not create a table: permission denied to grant role \"migrator\""},
	{"checks: probe fails at step 5", 5,
	"migrator's unqualified CREATE TABLE did not create it in the schema: permission denied to grant role \"migrator\""},
	{"checks: probe fails at the last step", 10,
	"app could not delete from migrator's table: permission denied to grant role \"migrator\""},
};

static void
test_checks_probe_fails(struct app_mem *mem, const void *arg)
{
	const struct probe_fail_case *c = arg;
	struct fake f;
	struct app_snapshot snap;
	struct app_checks out;
	struct app_error err = {0};
	const struct app_check *b;
	int			i;

	fake_init(&f, mem);
	f.probe_fail_at = c->fail_at;
	f.probe_msg = "permission denied to grant role \"migrator\"";
	snap_converged(mem, &snap, 160000);
	if (run_checks(mem, &f, "iam", NULL, &snap, &out, &err) != 0)
	{
		fail("app_checks_run failed: %s", nz(err.message));
		return;
	}
	expect_check_names(&out, check_names_iam);
	EXPECT(!out.success, "success true with a failed probe");
	for (i = 0; i < out.n; i++)
		if (strcmp(out.items[i].name, "behaviour") != 0)
			EXPECT(out.items[i].ok, "check %s failed", out.items[i].name);
	b = find_check(&out, "behaviour");
	if (!b)
	{
		fail("no behaviour check");
		return;
	}
	EXPECT(!b->ok, "behaviour ok");
	EXPECT(b->detail && strcmp(b->detail, c->want_detail) == 0, "detail [%s], want [%s]",
		   nz(b->detail), c->want_detail);
}

/* An executor that fails in the probe makes the checks fail, not report. */
static void
test_checks_probe_error(struct app_mem *mem, const void *arg)
{
	struct fake f;
	struct app_snapshot snap;
	struct app_checks out;
	struct app_error err = {0};
	int			rc;

	(void) arg;
	fake_init(&f, mem);
	f.probe_rc = -1;
	snap_converged(mem, &snap, 160000);
	rc = run_checks(mem, &f, "iam", NULL, &snap, &out, &err);
	EXPECT(rc == -1, "rc %d, want -1", rc);
	EXPECT(err.kind == APP_ERR_DATABASE && has(err.message, "closed the connection"),
		   "error kind %d: %s", (int) err.kind, nz(err.message));
}

/*
 * A step the executor could not run (throttled; its answer lost) says
 * nothing about the roles: the checks fail with that error, no check fails.
 */
static void
test_checks_probe_step_not_run(struct app_mem *mem, const void *arg)
{
	const enum app_error_kind *kind = arg;
	struct fake f;
	struct app_snapshot snap;
	struct app_checks out;
	struct app_error err = {0};
	int			rc;

	fake_init(&f, mem);
	f.probe_fail_at = 5;
	f.probe_kind = *kind;
	f.probe_msg = "RDS Data API ExecuteStatement failed: ThrottlingException: Rate exceeded";
	snap_converged(mem, &snap, 160000);
	rc = run_checks(mem, &f, "iam", NULL, &snap, &out, &err);
	EXPECT(rc == -1, "rc %d, want -1: the step's failure was taken for a failed check", rc);
	EXPECT(err.kind == *kind && has(err.message, "ThrottlingException"),
		   "error kind %d: %s", (int) err.kind, nz(err.message));
}

/* Nothing set up: the probe is skipped, the checks say to run setup. */
static void
test_checks_empty(struct app_mem *mem, const void *arg)
{
	struct fake f;
	struct app_snapshot snap;
	struct app_checks out;
	struct app_error err = {0};
	const struct app_check *c;

	(void) arg;
	fake_init(&f, mem);
	snap_empty(mem, &snap, 160000);
	if (run_checks(mem, &f, "iam", NULL, &snap, &out, &err) != 0)
	{
		fail("app_checks_run failed: %s", nz(err.message));
		return;
	}
	expect_check_names(&out, check_names_iam);
	EXPECT(!out.success, "success true on an empty database");
	EXPECT(f.probe_calls == 0, "probe ran %d times with nothing set up", f.probe_calls);
	c = find_check(&out, "behaviour");
	EXPECT(c && !c->ok && has(c->detail, "skipped"), "behaviour: %s", c ? nz(c->detail) : "missing");
	c = find_check(&out, "relations_usable");
	EXPECT(c && !c->ok && has(c->detail, "role \"app\" does not exist"),
		   "relations_usable: %s", c ? nz(c->detail) : "missing");
	c = find_check(&out, "migrator_role");
	EXPECT(c && !c->ok && has(c->detail, "does not exist"), "migrator_role: %s",
		   c ? nz(c->detail) : "missing");
	c = find_check(&out, "master_manages_roles");
	EXPECT(c && c->ok, "master_manages_roles fails for roles that do not exist");
}

/* Split a detail at "; ". */
static int
split_detail(struct app_mem *mem, const char *detail, struct app_strlist *parts)
{
	const char *p = detail;

	memset(parts, 0, sizeof(*parts));
	while (p)
	{
		const char *q = strstr(p, "; ");
		size_t		n = q ? (size_t) (q - p) : strlen(p);
		char	   *s = app_alloc(mem, n + 1);

		memcpy(s, p, n);
		app_strlist_add(mem, parts, s);
		p = q ? q + 2 : NULL;
	}
	return parts->n;
}

static void
test_checks_relations(struct app_mem *mem, const void *arg)
{
	static const struct
	{
		const char *has[3];
	}			want[] = {
		{{"TABLE \"app\".\"a_foreign\" is owned by \"alice\"",
				"lacks SELECT, INSERT, UPDATE, DELETE for \"app\"",
		"ALTER TABLE \"app\".\"a_foreign\" OWNER TO \"migrator\""}},
		{{"TABLE \"app\".\"b_master\" was created by the master \"postgres\"",
				"lacks SELECT for \"app\"",
		"ALTER TABLE \"app\".\"b_master\" OWNER TO \"migrator\""}},
		{{"TABLE \"app\".\"c_mig\" lacks INSERT for \"app\"",
				"grant was revoked",
		"GRANT ALL ON TABLE \"app\".\"c_mig\" TO \"app\""}},
		{{"SEQUENCE \"app\".\"d_seq\" lacks USAGE, SELECT, UPDATE",
				"grant was revoked",
		"GRANT ALL ON SEQUENCE \"app\".\"d_seq\" TO \"app\""}},
		{{"VIEW \"app\".\"e_view\" is owned by \"alice\"",
				"lacks SELECT for \"app\"",
		"ALTER VIEW \"app\".\"e_view\" OWNER TO \"migrator\""}},
	};
	struct fake f;
	struct app_snapshot snap;
	struct app_checks out;
	struct app_error err = {0};
	const struct app_check *c;
	struct app_strlist parts;
	int			i,
				j;

	(void) arg;
	fake_init(&f, mem);
	snap_converged(mem, &snap, 160000);
	add_relation(mem, &snap, "a_foreign", 'r', "alice", "SELECT, INSERT, UPDATE, DELETE");
	add_relation(mem, &snap, "b_master", 'r', "postgres", "SELECT");
	add_relation(mem, &snap, "c_mig", 'r', "migrator", "INSERT");
	add_relation(mem, &snap, "d_seq", 'S', "migrator", "USAGE, SELECT, UPDATE");
	add_relation(mem, &snap, "e_view", 'v', "alice", "SELECT");
	if (run_checks(mem, &f, "iam", NULL, &snap, &out, &err) != 0)
	{
		fail("app_checks_run failed: %s", nz(err.message));
		return;
	}
	EXPECT(!out.success, "success with unusable relations");
	c = find_check(&out, "relations_usable");
	if (!c)
	{
		fail("no relations_usable check");
		return;
	}
	EXPECT(!c->ok, "relations_usable ok");
	if (split_detail(mem, c->detail, &parts) != NELEM(want))
	{
		fail("detail has %d parts, want %d: %s", parts.n, NELEM(want), c->detail);
		return;
	}
	for (i = 0; i < NELEM(want); i++)
		for (j = 0; j < 3; j++)
			EXPECT(has(parts.items[i], want[i].has[j]), "part %d [%s] lacks [%s]",
				   i, parts.items[i], want[i].has[j]);
	EXPECT(!has(parts.items[1], "is owned by"), "master's table described as another owner's");
}

struct many_rel_case
{
	const char *name;
	int			n;
	int			want_parts;
	const char *want_tail;		/* NULL: no count */
};

static const struct many_rel_case many_rel_cases[] = {
	{"checks: 150 unusable relations: 100 named and 50 more", 150, 101, "and 50 more"},
	{"checks: 100 unusable relations: all named", 100, 100, NULL},
	{"checks: 101 unusable relations: 100 named and 1 more", 101, 101, "and 1 more"},
};

static void
test_checks_many_relations(struct app_mem *mem, const void *arg)
{
	const struct many_rel_case *mc = arg;
	struct fake f;
	struct app_snapshot snap;
	struct app_checks out;
	struct app_error err = {0};
	const struct app_check *c;
	struct app_strlist parts;
	int			i;

	fake_init(&f, mem);
	snap_converged(mem, &snap, 160000);
	for (i = 0; i < mc->n; i++)
	{
		char		name[16];

		snprintf(name, sizeof(name), "rel%03d", i);
		add_relation(mem, &snap, name, 'r', "alice", "SELECT");
	}
	if (run_checks(mem, &f, "iam", NULL, &snap, &out, &err) != 0)
	{
		fail("app_checks_run failed: %s", nz(err.message));
		return;
	}
	c = find_check(&out, "relations_usable");
	if (!c)
	{
		fail("no relations_usable check");
		return;
	}
	EXPECT(!c->ok, "relations_usable ok");
	split_detail(mem, c->detail, &parts);
	EXPECT(parts.n == mc->want_parts, "%d parts, want %d", parts.n, mc->want_parts);
	if (mc->want_tail)
		EXPECT(ends_with(c->detail, mc->want_tail), "detail ends [%s], want [%s]",
			   c->detail + (strlen(c->detail) > 40 ? strlen(c->detail) - 40 : 0), mc->want_tail);
	else
		EXPECT(!has(c->detail, "more"), "detail counts more relations");
	EXPECT(parts.n >= 100 && has(parts.items[99], "\"rel099\""), "100th named is not rel099");
	EXPECT(!has(c->detail, "\"rel100\""), "names a 101st relation");
}

/* checks -> JSON: the report gains "checks" and "success", in that order. */
static void
test_checks_json(struct app_mem *mem, const void *arg)
{
	struct fake f;
	struct app_snapshot snap;
	struct app_checks out;
	struct app_error err = {0};
	struct json_object *obj;
	char	   *json;

	(void) arg;
	fake_init(&f, mem);
	f.probe_fail_at = 6;	/* SET LOCAL ROLE app */
	f.probe_msg = "a/b";
	snap_converged(mem, &snap, 160000);
	if (run_checks(mem, &f, "iam", NULL, &snap, &out, &err) != 0)
	{
		fail("app_checks_run failed: %s", nz(err.message));
		return;
	}
	obj = json_object_new_object();
	json_object_object_add(obj, "roles", json_object_new_array());
	app_checks_to_json(&out, obj);
	json = app_json_string(mem, obj);
	json_object_put(obj);
	EXPECT(strncmp(json, "{\"roles\":[],\"checks\":[{\"check\":\"migrator_role\",\"ok\":true,"
				   "\"detail\":\"role \\\"migrator\\\" exists and can log in\"},", 109) == 0,
		   "starts %.120s", json);
	EXPECT(ends_with(json, "{\"check\":\"behaviour\",\"ok\":false,"
					 "\"detail\":\"could not switch to app: a/b\"}],\"success\":false}"),
		   "ends %s", json + (strlen(json) > 120 ? strlen(json) - 120 : 0));
}

/* ------------------------------------------------------------------ */
/* 6. Catalog snapshot and the run loop (beyond the brief, same fake)  */
/* ------------------------------------------------------------------ */

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
	for (i = 0; i < N_FACT_COLS; i++)
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
		for (j = 0; j < N_FACT_COLS; j++)
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
		EXPECT(got.n_relations == 1001, "%s: %d relations, want 1001", cases[k].name,
			   got.n_relations);
		for (i = 1; i < got.n_relations; i++)
			if (strcmp(got.relations[i - 1].name, got.relations[i].name) >= 0)
				sorted = false;
		EXPECT(sorted, "%s: relations not sorted by name", cases[k].name);
		if (got.n_relations == 1001)
		{
			EXPECT(strcmp(got.relations[0].name, "r0000") == 0 &&
				   got.relations[0].kind == 'r' &&
				   strcmp(got.relations[0].owner, "owner") == 0,
				   "%s: first relation %s %c", cases[k].name, got.relations[0].name,
				   got.relations[0].kind);
			EXPECT((got.relations[1].app_lacks != NULL) ==
				   (cases[k].rel == APP_RELATIONS_UNUSABLE),
				   "%s: app_lacks %s", cases[k].name, nz(got.relations[1].app_lacks));
		}
		EXPECT(f.q_relations == 2, "%s: %d relation queries, want 2", cases[k].name,
			   f.q_relations);
		EXPECT(cases[k].rel == APP_RELATIONS_UNUSABLE ?
			   f.relations_unusable == 2 && f.relations_to_grant == 0 :
			   f.relations_to_grant == 2 && f.relations_unusable == 0,
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

/* Setup: lock, plan, execute, plan again (empty), then the report. */
static void
test_run_setup(struct app_mem *mem, const void *arg)
{
	struct app_config cfg;
	struct app_snapshot before;
	struct app_snapshot after;
	struct fake f;
	struct app_executor exec;
	struct app_error err = {0};
	char	   *report = NULL;
	int			executed = -1;

	(void) arg;
	if (app_config_build(mem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
		return;
	snap_empty(mem, &before, 160000);
	snap_converged(mem, &after, 160000);
	fake_init(&f, mem);
	fake_report_data(&f);
	f.model = &before;
	f.after = &after;
	exec_init(&exec, &f);
	EXPECT(app_run_setup(&exec, mem, &cfg, &executed, &report, &err) == 0,
		   "setup failed: %s", nz(err.message));
	expect_list("executed", &f.executed, want_empty16);
	EXPECT(executed == f.executed.n, "executed %d, fake saw %d", executed, f.executed.n);
	EXPECT(f.q_lock == 1 && f.lock_seq == 1, "lock %d times, at query %d", f.q_lock, f.lock_seq);
	EXPECT(f.q_identity == 2, "catalogs read %d times, want 2 (before and after)", f.q_identity);
	EXPECT(report && strcmp(report, REPORT_JSON) == 0, "report %s", nz(report));
}

static void
test_run_setup_converged(struct app_mem *mem, const void *arg)
{
	struct app_config cfg;
	struct app_snapshot model;
	struct fake f;
	struct app_executor exec;
	struct app_error err = {0};
	char	   *report = NULL;
	int			executed = -1;

	(void) arg;
	if (app_config_build(mem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
		return;
	snap_converged(mem, &model, 150000);
	fake_init(&f, mem);
	f.model = &model;
	exec_init(&exec, &f);
	EXPECT(app_run_setup(&exec, mem, &cfg, &executed, &report, &err) == 0,
		   "setup failed: %s", nz(err.message));
	EXPECT(executed == 0 && f.executed.n == 0, "executed %d statements", f.executed.n);
	EXPECT(f.q_identity == 1, "catalogs read %d times, want 1", f.q_identity);
	EXPECT(report && strcmp(report, "{\"roles\":[],\"roles_with_groups\":{},\"schema_privileges\":{}}") == 0,
		   "report %s", nz(report));
}

/* Statements that had no effect: setup refuses to report success. */
static void
test_run_setup_not_converged(struct app_mem *mem, const void *arg)
{
	struct app_config cfg;
	struct app_snapshot model;
	struct fake f;
	struct app_executor exec;
	struct app_error err = {0};
	char	   *report = NULL;
	int			executed = -1;

	(void) arg;
	if (app_config_build(mem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
		return;
	snap_converged(mem, &model, 160000);
	model.search_path_ok = false;
	model.db_public_any = true;
	fake_init(&f, mem);
	f.model = &model;			/* no "after": nothing changes */
	exec_init(&exec, &f);
	EXPECT(app_run_setup(&exec, mem, &cfg, &executed, &report, &err) == -1,
		   "setup succeeded although nothing changed");
	EXPECT(err.kind == APP_ERR_NOT_CONVERGED, "kind %d", (int) err.kind);
	EXPECT(err.detail && strcmp(err.detail,
								"Still needed: REVOKE ALL ON DATABASE \"db\" FROM PUBLIC; "
								"ALTER DATABASE \"db\" SET search_path TO \"app\".") == 0,
		   "detail %s", nz(err.detail));
	EXPECT(executed == 2, "executed %d", executed);
}

/* Plan alone: lock then the statements, nothing executed. */
static void
test_run_plan(struct app_mem *mem, const void *arg)
{
	struct app_config cfg;
	struct app_snapshot model;
	struct fake f;
	struct app_executor exec;
	struct app_error err = {0};
	struct app_strlist out;

	(void) arg;
	if (app_config_build(mem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
		return;
	snap_empty(mem, &model, 150000);
	fake_init(&f, mem);
	f.model = &model;
	exec_init(&exec, &f);
	EXPECT(app_run_plan(&exec, mem, &cfg, &out, &err) == 0, "plan failed: %s", nz(err.message));
	expect_list("plan", &out, want_empty15);
	EXPECT(f.executed.n == 0, "plan executed %d statements", f.executed.n);
	EXPECT(f.q_lock == 1 && f.lock_seq == 1, "lock %d times, at query %d", f.q_lock, f.lock_seq);
}

/* Check: every check, then the report with checks and success. */
static void
test_run_check(struct app_mem *mem, const void *arg)
{
	struct app_config cfg;
	struct app_snapshot model;
	struct fake f;
	struct app_executor exec;
	struct app_error err = {0};
	char	   *report = NULL;
	bool		success = false;

	(void) arg;
	if (app_config_build(mem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
		return;
	snap_converged(mem, &model, 160000);
	fake_init(&f, mem);
	fake_report_data(&f);
	f.model = &model;
	exec_init(&exec, &f);
	EXPECT(app_run_check(&exec, mem, &cfg, &success, &report, &err) == 0,
		   "check failed: %s", nz(err.message));
	EXPECT(success, "success false on a converged database");
	EXPECT(report && strncmp(report, REPORT_JSON, strlen(REPORT_JSON) - 1) == 0,
		   "report does not start with the three keys: %.200s", nz(report));
	EXPECT(report && has(report, "},\"checks\":[{\"check\":\"migrator_role\"") &&
		   ends_with(report, "],\"success\":true}"), "report %s", nz(report));
	EXPECT(f.relations_unusable == 1 && f.relations_to_grant == 0,
		   "check read the relations to grant");
	EXPECT(f.executed.n == 0, "check executed statements");
}

/* ------------------------------------------------------------------ */
/* Memory helpers the core relies on                                   */
/* ------------------------------------------------------------------ */

static void
test_mem(struct app_mem *mem, const void *arg)
{
	struct app_buf buf;
	struct app_strlist list = {0};
	char	   *p;
	int			i;

	(void) arg;
	app_buf_init(&buf, mem);
	for (i = 0; i < 1000; i++)
		app_buf_printf(&buf, "%d,", i % 10);
	EXPECT(buf.len == 2000 && strlen(buf.data) == 2000, "buf len %zu", buf.len);
	EXPECT(strncmp(buf.data, "0,1,2,", 6) == 0, "buf starts %.6s", buf.data);

	p = app_alloc(mem, 16);
	memcpy(p, "0123456789abcdef", 16);
	p = app_realloc(mem, p, 64);
	EXPECT(memcmp(p, "0123456789abcdef", 16) == 0, "realloc lost contents");
	for (i = 16; i < 64; i++)
		if (p[i] != 0)
		{
			fail("realloc byte %d not zeroed", i);
			break;
		}
	p = app_realloc(mem, p, 4);
	EXPECT(memcmp(p, "0123", 4) == 0, "shrinking realloc lost contents");
	app_free(mem, p);
	app_free(mem, NULL);

	app_strlist_add(mem, &list, S(mem, "b"));
	app_strlist_add(mem, &list, S(mem, "B"));
	app_strlist_add(mem, &list, S(mem, "a"));
	app_strlist_add(mem, &list, S(mem, "_"));
	app_strlist_sort(&list);
	{
		static const char *const want[] = {"B", "_", "a", "b", NULL};

		expect_list("bytewise sort", &list, want);
	}
}

static void
test_rows(struct app_mem *mem, const void *arg)
{
	struct app_rows rows;

	(void) arg;
	app_rows_init(mem, &rows, 2, 2, strlen("x") + 1 + strlen("") + 1 + strlen("yz") + 1);
	app_rows_set(&rows, 0, 0, "x");
	app_rows_set(&rows, 0, 1, NULL);
	app_rows_set(&rows, 1, 0, "");
	app_rows_set(&rows, 1, 1, "yz");
	EXPECT(strcmp(APP_CELL(&rows, 0, 0), "x") == 0, "cell 0,0");
	EXPECT(APP_CELL(&rows, 0, 1) == NULL, "NULL cell not NULL");
	EXPECT(strcmp(APP_CELL(&rows, 1, 0), "") == 0, "cell 1,0");
	EXPECT(strcmp(APP_CELL(&rows, 1, 1), "yz") == 0, "cell 1,1");
	app_rows_free(mem, &rows);
	EXPECT(rows.cells == NULL && rows.nrows == 0, "rows not cleared");
	EXPECT(mem->blocks == NULL, "rows block not freed");
}

/*
 * A role setup must never manage (issue 10 §4), found in the catalog: plan,
 * setup and check refuse it before executing or probing anything.
 */
struct refuse_case
{
	const char *name;
	void		(*tweak) (struct app_snapshot *s);
	const char *msg;
	const char *detail_has;
};

static void
rf_app_master(struct app_snapshot *s)
{
	s->app.is_master = true;
}

static void
rf_mig_bootstrap(struct app_snapshot *s)
{
	s->migrator.is_bootstrap = true;
	s->migrator.powers = "SUPERUSER, CREATEROLE, CREATEDB, REPLICATION, BYPASSRLS";
}

static void
rf_app_powers(struct app_snapshot *s)
{
	s->app.powers = "CREATEDB, BYPASSRLS";
}

static void
rf_mig_rds_superuser(struct app_snapshot *s)
{
	s->migrator.in_rds_superuser = true;
}

/* Flags of a role that does not exist cannot refuse it. */
static void
rf_app_missing_flags(struct app_snapshot *s)
{
	set_role_facts(&s->app, false);
	s->app.in_rds_superuser = true;
}

static const struct refuse_case refuse_cases[] = {
	{"refuse: app_user is the master", rf_app_master,
	"app_user \"app\" is the current user", "ordinary roles"},
	{"refuse: migrator_user is the bootstrap superuser", rf_mig_bootstrap,
	"migrator_user \"migrator\" is the bootstrap superuser", "LOGIN"},
	{"refuse: app_user has CREATEDB and BYPASSRLS", rf_app_powers,
	"app_user \"app\" is a privileged role", "It has CREATEDB, BYPASSRLS."},
	{"refuse: migrator_user is a member of rds_superuser", rf_mig_rds_superuser,
	"migrator_user \"migrator\" is a member of rds_superuser", "rds_iam"},
	{"refuse: none for a role that does not exist yet", rf_app_missing_flags, NULL, NULL},
};

static void
test_refuse(struct app_mem *mem, const void *arg)
{
	const struct refuse_case *c = arg;
	struct app_config cfg;
	struct app_snapshot model;
	struct app_strlist plan;
	struct fake f;
	struct app_executor exec;
	struct app_error err = {0};
	char	   *report = NULL;
	bool		success = true;
	int			executed = -1;
	int			rc;

	if (app_config_build(mem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
		return;
	snap_converged(mem, &model, 160000);
	model.search_path_ok = false;	/* setup would have work to do */
	c->tweak(&model);
	fake_init(&f, mem);
	fake_report_data(&f);
	f.model = &model;
	exec_init(&exec, &f);

	rc = app_run_setup(&exec, mem, &cfg, &executed, &report, &err);
	if (c->msg == NULL)
	{
		EXPECT(f.executed.n > 0, "setup refused: %s", nz(err.message));
		return;
	}
	EXPECT(rc == -1, "setup accepted");
	EXPECT(f.executed.n == 0 && executed == 0, "setup executed %d statements", f.executed.n);
	EXPECT(err.kind == APP_ERR_INVALID_VALUE, "kind %d", (int) err.kind);
	EXPECT(err.message && strcmp(err.message, c->msg) == 0, "message [%s], want [%s]",
		   nz(err.message), c->msg);
	EXPECT(has(err.detail, c->detail_has), "detail [%s] lacks [%s]", nz(err.detail),
		   c->detail_has);
	EXPECT(has(err.hint, "Choose another name"), "hint [%s]", nz(err.hint));

	memset(&err, 0, sizeof(err));
	EXPECT(app_run_plan(&exec, mem, &cfg, &plan, &err) == -1 &&
		   strcmp(nz(err.message), c->msg) == 0, "plan: %s", nz(err.message));
	memset(&err, 0, sizeof(err));
	EXPECT(app_run_check(&exec, mem, &cfg, &success, &report, &err) == -1 &&
		   strcmp(nz(err.message), c->msg) == 0, "check: %s", nz(err.message));
	EXPECT(f.probe_calls == 0, "check probed %d times", f.probe_calls);
}

/* ------------------------------------------------------------------ */

int
main(void)
{
	size_t		i;

	for (i = 0; i < sizeof(quote_cases) / sizeof(quote_cases[0]); i++)
		run_case(quote_cases[i].name, test_quote, &quote_cases[i]);
	run_case("quote: 1000-byte name with quotes", test_quote_long, NULL);

	for (i = 0; i < sizeof(config_cases) / sizeof(config_cases[0]); i++)
		run_case(config_cases[i].name, test_config, &config_cases[i]);
	run_case("config: names copied", test_config_copies, NULL);

	for (i = 0; i < sizeof(plan_cases) / sizeof(plan_cases[0]); i++)
		run_case(plan_cases[i].name, test_plan, &plan_cases[i]);
	run_case("plan: 2000 tables batched under 17000 bytes, each once",
			 test_plan_many_relations, NULL);
	run_case("plan: app_grant_act_as by server version", test_grant_act_as, NULL);

	run_case("report: exact JSON", test_report_exact, NULL);
	run_case("report: app_run_report gives the same bytes", test_report_run, NULL);
	run_case("report: empty catalogs", test_report_empty, NULL);
	run_case("report: executor error passed on", test_report_query_error, NULL);
	run_case("report: 2500 roles in pages of 1000", test_report_paging_2500, NULL);
	run_case("report: exactly 1000 roles", test_report_paging_1000, NULL);
	run_case("report: 1200 memberships, page ends inside a member",
			 test_report_paging_members, NULL);
	run_case("catalog: paged queries limited to APP_PAGE_ROWS", test_page_limit, NULL);

	for (i = 0; i < sizeof(checks_all_cases) / sizeof(checks_all_cases[0]); i++)
		run_case(checks_all_cases[i].name, test_checks_all, &checks_all_cases[i]);
	for (i = 0; i < sizeof(checks_one_cases) / sizeof(checks_one_cases[0]); i++)
		run_case(checks_one_cases[i].name, test_checks_one, &checks_one_cases[i]);
	for (i = 0; i < sizeof(probe_fail_cases) / sizeof(probe_fail_cases[0]); i++)
		run_case(probe_fail_cases[i].name, test_checks_probe_fails, &probe_fail_cases[i]);
	run_case("checks: executor error in the probe", test_checks_probe_error, NULL);
	{
		static const enum app_error_kind not_run[] = {APP_ERR_EXECUTOR, APP_ERR_LOST_ANSWER};

		run_case("checks: a probe step the executor could not run (throttled) is an error",
				 test_checks_probe_step_not_run, &not_run[0]);
		run_case("checks: a probe step whose answer was lost is an error",
				 test_checks_probe_step_not_run, &not_run[1]);
	}
	run_case("checks: empty database", test_checks_empty, NULL);
	run_case("checks: relations_usable names owner and fix", test_checks_relations, NULL);
	for (i = 0; i < sizeof(many_rel_cases) / sizeof(many_rel_cases[0]); i++)
		run_case(many_rel_cases[i].name, test_checks_many_relations, &many_rel_cases[i]);
	run_case("checks: JSON entries and success", test_checks_json, NULL);

	run_case("catalog: facts columns map to their fields", test_snapshot_columns, NULL);
	run_case("catalog: snapshot identity, extensions, relations", test_snapshot_read, NULL);
	run_case("catalog: no schema, no relation query", test_snapshot_no_schema, NULL);
	run_case("run: setup executes the plan and converges", test_run_setup, NULL);
	run_case("run: setup on a converged database executes nothing",
			 test_run_setup_converged, NULL);
	run_case("run: setup that does not converge fails", test_run_setup_not_converged, NULL);
	run_case("run: plan locks and executes nothing", test_run_plan, NULL);
	run_case("run: check adds checks and success to the report", test_run_check, NULL);
	for (i = 0; i < sizeof(refuse_cases) / sizeof(refuse_cases[0]); i++)
		run_case(refuse_cases[i].name, test_refuse, &refuse_cases[i]);

	run_case("mem: buffer, realloc, bytewise sort", test_mem, NULL);
	run_case("rows: cells and NULL", test_rows, NULL);

	printf("core: %d passed, %d failed\n", n_passed, n_failed);
	return n_failed > 0 ? 1 : 0;
}
