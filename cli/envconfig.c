/*
 * cli/envconfig.c
 *		Reading and writing the environment's config file (JSON).
 *
 * Every key is checked, with an error that names the file, the key and why;
 * unknown keys are refused, so a typo never silently falls back to a default.
 * Role, schema and database names are checked by the core, the same checks
 * the extension applies.
 */
#include "envconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/config.h"
#include "msgs.h"
#include "util.h"

/* App and environment names become paths: letters, digits, '-' and '_'. */
int
check_env_name(const char *what, const char *value)
{
	const char *p;

	if (value == NULL || value[0] == '\0')
		return usage_error("%s must not be empty", what);
	if (strlen(value) > 40)
		return usage_error("%s \"%s\" is too long (at most 40 characters)", what, value);
	for (p = value; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return usage_error("%s \"%s\" may hold only letters, digits, '-' and '_'", what, value);
	return -1;
}

char *
default_config_path(const char *app, const char *env)
{
	return str_printf("infra/%s/database/%s.json", app, env);
}

static const char *const known_keys[] = {
	"provider", "app", "env", "database", "app_user", "migrator_user",
	"schema_name", "auth", "superuser_extensions", "pg_bindir", "port", NULL
};

/* An error in "where" (e.g. "config file F"): message, exit code 2. */
static int
config_error(const char *where, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static int
config_error(const char *where, const char *fmt,...)
{
	va_list		args;
	char		msg[1024];

	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	errorf("%s: %s", where, msg);
	return EXIT_USAGE;
}

static int
get_string(const char *where, struct json_object *obj, const char *key,
		   char **out, bool required)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null))
	{
		if (required)
			return config_error(where, "key \"%s\" is missing", key);
		return -1;
	}
	if (!json_object_is_type(v, json_type_string))
		return config_error(where, "key \"%s\" must be a string", key);
	*out = xstrdup(json_object_get_string(v));
	return -1;
}

/* Check the configuration's names and values with the core's own rules. */
static int
validate(const char *where, struct env_config *cfg)
{
	struct app_mem mem;
	struct app_config roles;
	struct app_error err = {0};
	int			rc = -1;

	app_mem_init(&mem, &malloc_allocator);
	if (strcmp(cfg->provider, "local") != 0)
		rc = config_error(where, "key \"provider\": \"%s\" is not a provider this appdb has (use \"local\")",
						  cfg->provider);
	else if (app_config_build(&mem, &roles, cfg->app_user, cfg->migrator_user,
							  cfg->schema, cfg->auth, cfg->extensions, &err) != 0 ||
			 app_check_name(&mem, "database", cfg->database, &err) != 0)
	{
		rc = config_error(where, "%s", err.message);
		if (err.detail)
			hintf("%s", err.detail);
		if (err.hint)
			hintf("%s", err.hint);
	}
	app_mem_free_all(&mem);
	return rc;
}

/* Read and check the config file that opts name.  Returns -1 or an exit code. */
int
env_config_read(const struct appdb_options *opts, struct env_config *cfg)
{
	struct json_object *root = NULL;
	struct json_object *v;
	char	   *text = NULL;
	const char *path;
	char	   *where = NULL;
	int			rc = -1;
	int			i;

	memset(cfg, 0, sizeof(*cfg));
	if (opts->config_path)
		cfg->path = xstrdup(opts->config_path);
	else
	{
		if (opts->app == NULL || opts->env == NULL)
			return usage_error("%s needs the environment: give --app and --env, or --config",
							   command_name(opts->command));
		if ((rc = check_env_name("--app", opts->app)) >= 0 ||
			(rc = check_env_name("--env", opts->env)) >= 0)
			return rc;
		cfg->path = default_config_path(opts->app, opts->env);
	}
	path = cfg->path;
	where = str_printf("config file %s", path);

	if ((text = read_file(path)) == NULL)
	{
		int			saved = errno;

		errorf("cannot read config file %s: %s", path, strerror(saved));
		if (saved == ENOENT)
			hintf("create it with \"appdb configure --app APP --env ENV\"");
		rc = EXIT_USAGE;
		goto out;
	}
	{
		struct json_tokener *tok = json_tokener_new();

		root = json_tokener_parse_ex(tok, text, (int) strlen(text));
		if (json_tokener_get_error(tok) == json_tokener_continue)
			rc = config_error(where, "not valid JSON (the file ends before the JSON object does)");
		else if (root == NULL || json_tokener_get_error(tok) != json_tokener_success)
			rc = config_error(where, "not valid JSON (%s at character %d)",
							  json_tokener_error_desc(json_tokener_get_error(tok)),
							  (int) tok->char_offset);
		else if (tok->char_offset != (int) strlen(text) &&
				 strspn(text + tok->char_offset, " \t\r\n") != strlen(text + tok->char_offset))
			rc = config_error(where, "not valid JSON (text after the object at character %d)",
							  (int) tok->char_offset);
		json_tokener_free(tok);
	}
	free(text);
	if (rc >= 0)
		goto out;
	if (!json_object_is_type(root, json_type_object))
	{
		rc = config_error(where, "must hold a JSON object");
		goto out;
	}
	{
		json_object_object_foreach(root, key, val)
		{
			bool		known = false;

			(void) val;
			for (i = 0; known_keys[i]; i++)
				if (strcmp(key, known_keys[i]) == 0)
					known = true;
			if (!known)
			{
				rc = config_error(where, "unknown key \"%s\"", key);
				hintf("the keys are: provider, app, env, database, app_user, migrator_user, schema_name, auth, superuser_extensions, pg_bindir, port");
				goto out;
			}
		}
	}
	if ((rc = get_string(where, root, "provider", &cfg->provider, true)) >= 0 ||
		(rc = get_string(where, root, "app", &cfg->app, true)) >= 0 ||
		(rc = get_string(where, root, "env", &cfg->env, true)) >= 0 ||
		(rc = get_string(where, root, "database", &cfg->database, true)) >= 0 ||
		(rc = get_string(where, root, "app_user", &cfg->app_user, true)) >= 0 ||
		(rc = get_string(where, root, "migrator_user", &cfg->migrator_user, true)) >= 0 ||
		(rc = get_string(where, root, "schema_name", &cfg->schema, true)) >= 0 ||
		(rc = get_string(where, root, "auth", &cfg->auth, true)) >= 0 ||
		(rc = get_string(where, root, "pg_bindir", &cfg->pg_bindir, false)) >= 0)
		goto out;
	if ((rc = check_env_name("key \"app\"", cfg->app)) >= 0 ||
		(rc = check_env_name("key \"env\"", cfg->env)) >= 0)
		goto out;
	if (json_object_object_get_ex(root, "superuser_extensions", &v))
	{
		if (!json_object_is_type(v, json_type_object))
		{
			rc = config_error(where, "key \"superuser_extensions\" must be an object such as {\"hstore\": true}");
			goto out;
		}
		cfg->extensions = xstrdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	}
	else
		cfg->extensions = xstrdup("{}");
	if (json_object_object_get_ex(root, "port", &v) && !json_object_is_type(v, json_type_null))
	{
		int64_t		port = json_object_get_int64(v);

		if (!json_object_is_type(v, json_type_int) || port < 1 || port > 65535)
		{
			rc = config_error(where, "key \"port\" must be a whole number from 1 to 65535");
			goto out;
		}
		cfg->port = (int) port;
	}
	rc = validate(where, cfg);

out:
	free(where);
	if (root)
		json_object_put(root);
	if (rc < 0 && opts->app && strcmp(opts->app, cfg->app) != 0)
		warnf("--app %s differs from the config file's app \"%s\"; using the file's", opts->app, cfg->app);
	if (rc >= 0)
		env_config_free(cfg);
	return rc;
}

/* configure: write the config file, refusing to overwrite unless --force. */
int
env_config_configure(const struct appdb_options *opts)
{
	struct env_config cfg = {0};
	struct json_object *root;
	const char *text;
	char	   *old;
	int			rc;

	if (opts->app == NULL || opts->env == NULL)
		return usage_error("configure needs --app and --env");
	if ((rc = check_env_name("--app", opts->app)) >= 0 ||
		(rc = check_env_name("--env", opts->env)) >= 0)
		return rc;
	if (opts->provider && strcmp(opts->provider, "local") != 0)
	{
		errorf("provider \"%s\" is not available in this appdb", opts->provider);
		hintf("use --provider local (the default); the aws provider is not built yet");
		return EXIT_USAGE;
	}
	cfg.path = opts->config_path ? xstrdup(opts->config_path) : default_config_path(opts->app, opts->env);
	cfg.provider = xstrdup("local");
	cfg.app = xstrdup(opts->app);
	cfg.env = xstrdup(opts->env);
	cfg.database = xstrdup(opts->database ? opts->database : "app");
	cfg.app_user = xstrdup(opts->app_user ? opts->app_user : APP_DEFAULT_APP_USER);
	cfg.migrator_user = xstrdup(opts->migrator_user ? opts->migrator_user : APP_DEFAULT_MIGRATOR_USER);
	cfg.schema = xstrdup(opts->schema ? opts->schema : APP_DEFAULT_SCHEMA);
	cfg.auth = xstrdup(opts->auth ? opts->auth : APP_DEFAULT_AUTH);
	cfg.extensions = xstrdup(opts->extensions ? opts->extensions : "{}");
	cfg.pg_bindir = opts->pg_bindir ? xstrdup(opts->pg_bindir) : NULL;
	cfg.port = opts->port;
	if ((rc = validate("configure", &cfg)) >= 0)
		goto out;

	root = json_object_new_object();
	json_object_object_add(root, "provider", json_object_new_string(cfg.provider));
	json_object_object_add(root, "app", json_object_new_string(cfg.app));
	json_object_object_add(root, "env", json_object_new_string(cfg.env));
	json_object_object_add(root, "database", json_object_new_string(cfg.database));
	json_object_object_add(root, "app_user", json_object_new_string(cfg.app_user));
	json_object_object_add(root, "migrator_user", json_object_new_string(cfg.migrator_user));
	json_object_object_add(root, "schema_name", json_object_new_string(cfg.schema));
	json_object_object_add(root, "auth", json_object_new_string(cfg.auth));
	json_object_object_add(root, "superuser_extensions", json_tokener_parse(cfg.extensions));
	if (cfg.pg_bindir)
		json_object_object_add(root, "pg_bindir", json_object_new_string(cfg.pg_bindir));
	if (cfg.port)
		json_object_object_add(root, "port", json_object_new_int(cfg.port));
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
										  JSON_C_TO_STRING_SPACED |
										  JSON_C_TO_STRING_NOSLASHESCAPE);

	old = read_file(cfg.path);
	if (old && strncmp(old, text, strlen(text)) == 0 && strcmp(old + strlen(text), "\n") == 0)
	{
		notef("%s is up to date; nothing changed", cfg.path);
		rc = EXIT_OK;
	}
	else if (old && !opts->force)
	{
		errorf("%s exists with other settings; nothing changed", cfg.path);
		hintf("give --force to overwrite it");
		rc = EXIT_USAGE;
	}
	else if (write_file_atomic(cfg.path, text, 0644) != 0)
	{
		errorf("cannot write %s: %s", cfg.path, strerror(errno));
		rc = EXIT_USAGE;
	}
	else
	{
		notef("wrote %s", cfg.path);
		rc = EXIT_OK;
	}
	free(old);
	json_object_put(root);
out:
	env_config_free(&cfg);
	return rc;
}

void
env_config_free(struct env_config *cfg)
{
	char	  **fields[] = {
		&cfg->path, &cfg->provider, &cfg->app, &cfg->env, &cfg->database,
		&cfg->app_user, &cfg->migrator_user, &cfg->schema, &cfg->auth,
		&cfg->extensions, &cfg->pg_bindir
	};
	size_t		i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
	{
		free(*fields[i]);
		*fields[i] = NULL;
	}
}
