/*
 * core/config.c
 *		Validating the configuration before anything reaches the server.
 *
 * Every name is refused here if PostgreSQL would cut, reject or treat it
 * specially, so that a bad name fails before the first statement runs.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "quote.h"

/* Role names PostgreSQL reserves or reads as keywords in GRANT and ALTER. */
static const char *const reserved_roles[] = {
	"public", "none", "current_user", "session_user", "current_role", NULL
};

/* Schemas that exist in every database (pg_* aside). */
static const char *const reserved_schemas[] = {
	"public", "information_schema", NULL
};

/*
 * The first control character of s (C0, DEL, or C1 as UTF-8), or NULL.
 * Such a name prints misleadingly in logs and psql, and cannot be typed back.
 */
static const char *
find_control(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *) s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return (const char *) p;
	return NULL;
}

/*
 * Refuse a name that is empty, that PostgreSQL would cut, or that holds a
 * control character or an edge space (two names that look the same).
 */
int
app_check_name(struct app_mem *mem, const char *what, const char *name,
			   struct app_error *err)
{
	size_t		len;
	const char *ctl;

	if (name == NULL || name[0] == '\0')
		return app_error_set(err, mem, APP_ERR_INVALID_VALUE, NULL,
							 "Give a name of 1 to 63 bytes.",
							 "%s must not be empty", what);
	len = strlen(name);
	if (len > APP_MAX_IDENT_BYTES)
	{
		struct app_buf detail;

		app_buf_init(&detail, mem);
		app_buf_printf(&detail,
					   "It is %zu bytes long; PostgreSQL keeps at most %d bytes of a name and would silently cut the rest.",
					   len, APP_MAX_IDENT_BYTES);
		return app_error_set(err, mem, APP_ERR_NAME_TOO_LONG, detail.data,
							 NULL, "%s \"%s\" is too long", what, name);
	}
	/* the name itself is left out of these messages: it would not print */
	if ((ctl = find_control(name)) != NULL)
	{
		struct app_buf detail;

		app_buf_init(&detail, mem);
		app_buf_printf(&detail, "Byte %zu of the name is a control character.",
					   (size_t) (ctl - name) + 1);
		return app_error_set(err, mem, APP_ERR_INVALID_VALUE, detail.data,
							 "Use a name without tabs, newlines or other control characters.",
							 "%s must not contain a control character", what);
	}
	if (name[0] == ' ' || name[len - 1] == ' ')
		return app_error_set(err, mem, APP_ERR_INVALID_VALUE,
							 "A space at either end makes a name that looks like another one.",
							 "Remove the spaces at the ends of the name.",
							 "%s \"%s\" begins or ends with a space", what, name);
	return 0;
}

/*
 * Refuse a role or schema name that PostgreSQL rejects or reads as a
 * keyword, or that names what PostgreSQL or RDS own: setup would otherwise
 * give an RDS role LOGIN, or hand schema public to migrator.
 */
static int
check_role_or_schema(struct app_mem *mem, const char *what, const char *name,
					 bool is_role, struct app_error *err)
{
	const char *const *reserved = is_role ? reserved_roles : reserved_schemas;
	int			i;

	if (app_check_name(mem, what, name, err) != 0)
		return -1;
	if (strncmp(name, "pg_", 3) == 0)
		return app_error_set(err, mem, APP_ERR_INVALID_VALUE,
							 "Names beginning with \"pg_\" are reserved for PostgreSQL's own roles and schemas.",
							 NULL, "%s \"%s\" is reserved", what, name);
	if (is_role && strncmp(name, "rds_", 4) == 0)
		return app_error_set(err, mem, APP_ERR_INVALID_VALUE,
							 "Roles beginning with \"rds_\" are RDS's own (rds_superuser, rds_iam, ...); setup would change their rights.",
							 "Choose another name, such as the default.",
							 "%s \"%s\" is reserved", what, name);
	for (i = 0; reserved[i]; i++)
		if (strcmp(name, reserved[i]) == 0)
			return app_error_set(err, mem, APP_ERR_INVALID_VALUE,
								 is_role ? "PostgreSQL reserves this name for its own use." :
								 "Every role can reach this schema, and setup would make migrator its owner.",
								 is_role ? NULL : "Choose a schema of the application's own, such as the default \"app\".",
								 "%s \"%s\" is reserved", what, name);
	return 0;
}

const char *
app_auth_name(enum app_auth auth)
{
	return auth == APP_AUTH_IAM ? "iam" : "password";
}

static int
cmp_extension(const void *a, const void *b)
{
	return strcmp(((const struct app_extension *) a)->name,
				  ((const struct app_extension *) b)->name);
}

/* Parse {"name": true|false, ...} into cfg->extensions. */
static int
parse_extensions(struct app_mem *mem, struct app_config *cfg,
				 const char *json, struct app_error *err)
{
	struct json_tokener *tok;
	struct json_object *obj;
	int			n = 0;
	int			rc = 0;

	cfg->extensions = NULL;
	cfg->n_extensions = 0;
	if (json == NULL || json[0] == '\0')
		return 0;

	/* json-c keeps keys as C strings: a NUL would silently cut a name */
	if (strstr(json, "\\u0000") != NULL)
		return app_error_set(err, mem, APP_ERR_INVALID_VALUE, NULL, NULL,
							 "superuser_extensions must not contain \\u0000");
	tok = json_tokener_new();
	obj = json_tokener_parse_ex(tok, json, (int) strlen(json));
	if (obj == NULL || json_tokener_get_error(tok) != json_tokener_success ||
		tok->char_offset != (int) strlen(json))
	{
		rc = app_error_set(err, mem, APP_ERR_INVALID_VALUE, NULL,
						   "Give a JSON object such as {\"hstore\": true}.",
						   "superuser_extensions is not valid JSON");
		goto cleanup;
	}
	if (!json_object_is_type(obj, json_type_object))
	{
		rc = app_error_set(err, mem, APP_ERR_INVALID_VALUE, NULL,
						   "Give a JSON object such as {\"hstore\": true}.",
						   "superuser_extensions must be a JSON object");
		goto cleanup;
	}

	cfg->extensions = app_alloc(mem, sizeof(struct app_extension) *
								(size_t) (json_object_object_length(obj) + 1));
	{
		json_object_object_foreach(obj, key, val)
		{
			if (!json_object_is_type(val, json_type_boolean))
			{
				rc = app_error_set(err, mem, APP_ERR_INVALID_VALUE,
								   "Each value says whether the extension should be installed (true) or absent (false).",
								   NULL,
								   "superuser_extensions: the value for \"%s\" must be true or false",
								   key);
				goto cleanup;
			}
			if ((rc = app_check_name(mem, "superuser_extensions: extension name", key, err)) != 0)
				goto cleanup;
			cfg->extensions[n].name = app_strdup(mem, key);
			cfg->extensions[n].wanted = json_object_get_boolean(val);
			n++;
		}
	}
	qsort(cfg->extensions, (size_t) n, sizeof(struct app_extension), cmp_extension);
	cfg->n_extensions = n;

cleanup:
	if (obj)
		json_object_put(obj);
	json_tokener_free(tok);
	return rc;
}

/*
 * Build a validated configuration; NULL arguments take the defaults.
 * Returns 0, or -1 with err set and cfg unusable.
 */
int
app_config_build(struct app_mem *mem, struct app_config *cfg,
				 const char *app_user, const char *migrator_user,
				 const char *schema, const char *auth,
				 const char *extensions_json, struct app_error *err)
{
	memset(cfg, 0, sizeof(*cfg));
	if (app_user == NULL)
		app_user = APP_DEFAULT_APP_USER;
	if (migrator_user == NULL)
		migrator_user = APP_DEFAULT_MIGRATOR_USER;
	if (schema == NULL)
		schema = APP_DEFAULT_SCHEMA;
	if (auth == NULL)
		auth = APP_DEFAULT_AUTH;

	if (check_role_or_schema(mem, "app_user", app_user, true, err) != 0 ||
		check_role_or_schema(mem, "migrator_user", migrator_user, true, err) != 0 ||
		check_role_or_schema(mem, "schema_name", schema, false, err) != 0)
		return -1;
	if (strcmp(app_user, migrator_user) == 0)
		return app_error_set(err, mem, APP_ERR_INVALID_VALUE,
							 "The migrator owns the schema and app uses it; one role cannot be both.",
							 NULL, "app_user and migrator_user must differ");
	if (strcmp(auth, "iam") == 0)
		cfg->auth = APP_AUTH_IAM;
	else if (strcmp(auth, "password") == 0)
		cfg->auth = APP_AUTH_PASSWORD;
	else
		return app_error_set(err, mem, APP_ERR_INVALID_VALUE, NULL,
							 "Use \"iam\" or \"password\".",
							 "invalid auth \"%s\"", auth);

	cfg->app_user = app_strdup(mem, app_user);
	cfg->migrator_user = app_strdup(mem, migrator_user);
	cfg->schema = app_strdup(mem, schema);
	return parse_extensions(mem, cfg, extensions_json, err);
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

int
app_config_set_readonly(struct app_mem *mem, struct app_config *cfg,
						const char *const *names, int n, struct app_error *err)
{
	char	  **users = app_alloc(mem, sizeof(char *) * (size_t) (n + 1));
	int			i;

	for (i = 0; i < n; i++)
	{
		if (check_role_or_schema(mem, "readonly_users", names[i], true, err) != 0)
			return -1;
		if (strcmp(names[i], cfg->app_user) == 0 || strcmp(names[i], cfg->migrator_user) == 0)
			return app_error_set(err, mem, APP_ERR_INVALID_VALUE,
								 "A read-only user may read the schema and nothing more; app writes and migrator owns.",
								 NULL, "readonly_users: \"%s\" is %s", names[i],
								 strcmp(names[i], cfg->app_user) == 0 ? "app_user" : "migrator_user");
		users[i] = app_strdup(mem, names[i]);
	}
	users[n] = NULL;
	qsort(users, (size_t) n, sizeof(char *), cmp_name);
	for (i = 1; i < n; i++)
		if (strcmp(users[i - 1], users[i]) == 0)
			return app_error_set(err, mem, APP_ERR_INVALID_VALUE, NULL, NULL,
								 "readonly_users: \"%s\" is named twice", users[i]);
	cfg->readonly_users = users;
	cfg->n_readonly_users = n;
	return 0;
}
