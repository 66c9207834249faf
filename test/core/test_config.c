/*
 * test/core/test_config.c
 *		The configuration (core/config.c): defaults, names refused before
 *		anything runs, and the copies it keeps.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/error.h"
#include "core/mem.h"

#include "test/core/fake_exec.h"
#include "test/core/test_core.h"
#include "test/unit.h"

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

/* Read-only users: sorted, and each refused as a role name, a duplicate, app or migrator. */
struct readonly_case
{
	const char *name;
	const char *users[3];
	int			n;
	const char *want;			/* sorted, comma-joined; NULL: refused */
	const char *msg_has;
};

static const struct readonly_case readonly_cases[] = {
	{"config: readonly_users sorted", {"support", "analyst"}, 2, "analyst,support", NULL},
	{"config: no readonly_users", {NULL}, 0, "", NULL},
	{"config: readonly_users naming app refused", {"analyst", "app"}, 2, NULL, "\"app\" is app_user"},
	{"config: readonly_users naming migrator refused", {"migrator"}, 1, NULL, "is migrator_user"},
	{"config: a readonly user twice refused", {"a", "b", "a"}, 3, NULL, "\"a\" is named twice"},
	{"config: a reserved readonly user refused", {"rds_superuser"}, 1, NULL, "is reserved"},
	{"config: an empty readonly user refused", {""}, 1, NULL, "must not be empty"},
	{"config: a 64-byte readonly user refused", {NAME64}, 1, NULL, "is too long"},
};

static void
test_readonly(struct app_mem *mem, const void *arg)
{
	const struct readonly_case *c = arg;
	struct app_config cfg;
	struct app_error err = {0};
	struct app_buf got;
	int			i;

	if (app_config_build(mem, &cfg, NULL, NULL, NULL, NULL, NULL, &err) != 0)
	{
		fail("the defaults were refused: %s", nz(err.message));
		return;
	}
	if (app_config_set_readonly(mem, &cfg, c->users, c->n, &err) != 0)
	{
		EXPECT(c->want == NULL, "refused: %s", nz(err.message));
		if (c->want == NULL)
			EXPECT(has(err.message, c->msg_has) && cfg.n_readonly_users == 0,
				   "message [%s] lacks [%s], or users kept (%d)", nz(err.message), c->msg_has,
				   cfg.n_readonly_users);
		return;
	}
	EXPECT(c->want != NULL, "accepted, want a refusal naming [%s]", c->msg_has);
	app_buf_init(&got, mem);
	for (i = 0; i < cfg.n_readonly_users; i++)
		app_buf_printf(&got, "%s%s", i ? "," : "", cfg.readonly_users[i]);
	if (c->want)
		EXPECT(strcmp(got.data, c->want) == 0, "users [%s], want [%s]", got.data, c->want);
}

/* The config cases, in order. */
void
config_tests(void)
{
	size_t		i;

	for (i = 0; i < sizeof(config_cases) / sizeof(config_cases[0]); i++)
		run_case(config_cases[i].name, test_config, &config_cases[i]);
	run_case("config: names copied", test_config_copies, NULL);
	for (i = 0; i < sizeof(readonly_cases) / sizeof(readonly_cases[0]); i++)
		run_case(readonly_cases[i].name, test_readonly, &readonly_cases[i]);
}
