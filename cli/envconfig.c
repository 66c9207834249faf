/*
 * cli/envconfig.c
 *		Reading the environment's config file (JSON); configure, which writes
 *		it, is cli/configure.c.
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
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/config.h"
#include "envlock.h"
#include "msgs.h"
#include "util.h"

/* App and environment names become paths: ASCII letters, digits, '-' and '_'. */
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
			return usage_error("%s \"%s\" may hold only ASCII letters, digits, '-' and '_'", what, value);
	return EXIT_GO_ON;
}

char *
default_config_path(const char *app, const char *env)
{
	return str_printf("infra/%s/database/%s.json", app, env);
}

/*
 * The environment's state directory, found from its config file so that
 * every command finds it from wherever it runs: a config file at
 * <top>/infra/<app>/database/<env>.json keeps its state in
 * <top>/.appdb/<app>-<env> (the layout of a repository's root); any other
 * keeps it in .appdb/<app>-<env> beside the file.
 */
char *
env_state_dir(const char *config_path, const char *app, const char *env)
{
	char	   *path = canonical_path(config_path);
	char	   *layout = default_config_path(app, env);
	char	   *tail = str_printf("/%s", layout);
	size_t		plen = strlen(path);
	size_t		tlen = strlen(tail);
	char	   *out;

	free(layout);
	if (plen >= tlen && strcmp(path + plen - tlen, tail) == 0)
		path[plen - tlen] = '\0';	/* <top> */
	else
		*strrchr(path, '/') = '\0';	/* the file's directory */
	out = str_printf("%s/.appdb/%s-%s", path, app, env);
	free(path);
	free(tail);
	return out;
}

/* The keys of every provider, then each provider's own. */
static const char *const common_keys[] = {
	"provider", "app", "env", "database", "app_user", "migrator_user",
	"schema_name", "auth", "superuser_extensions", "readonly_users", "port", NULL
};
static const char *const local_keys[] = {"pg_bindir", "master_tls", NULL};
static const char *const aws_keys[] = {
	"region", "cluster_name", "engine_version", "min_capacity", "max_capacity",
	"vpc_id", "vpc_tag", "subnet_ids", "subnet_tag", "ingress_security_group_ids", "deletion_protection",
	"backup_schedule", "backup_retention_days", "temporary", "apply_immediately", "ssl_root_cert",
	"app_access_role_names", "migrator_access_role_names", "readonly_access_role_names", NULL
};

/* "a, b, c" of a key list, malloc'd */
static char *
join_keys(const char *const *list)
{
	char	   *out = NULL;

	for (; *list; list++)
		list_append(&out, *list);
	return out;
}

static bool
in_list(const char *const *list, const char *key)
{
	for (; *list; list++)
		if (strcmp(*list, key) == 0)
			return true;
	return false;
}

int
env_engine_major(const char *engine_version)
{
	int			major = 0;
	const char *p;

	for (p = engine_version; p && *p >= '0' && *p <= '9' && major < 1000; p++)
		major = major * 10 + (*p - '0');
	return major;
}

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

/*
 * Whether text holds the escape \u0000.  json-c keeps strings and keys as C
 * strings, so a NUL would silently cut a name ("a\u0000b" became role "a").
 */
static bool
has_escaped_nul(const char *text)
{
	const char *p;

	for (p = text; *p; p++)
		if (*p == '\\')
		{
			if (strncmp(p + 1, "u0000", 5) == 0)
				return true;
			if (p[1])
				p++;			/* the escaped character: \\ is no escape */
		}
	return false;
}

/*
 * The first key that appears twice in one object of text (valid JSON), as
 * json-c decodes it, or NULL; malloc'd.  json-c keeps the last value of a
 * duplicate key silently, so which one counts would be a guess.
 */
static char *
duplicate_key(const char *text)
{
	struct level
	{
		bool		object;
		int			nkeys;
		char	   *keys[64];	/* the first 64 keys of an object are compared */
	}		   *stack;
	int			depth = 0;
	const char *p;
	char	   *dup = NULL;

	/* json-c refuses nesting deeper than JSON_TOKENER_DEFAULT_DEPTH (32) */
	stack = xmalloc(sizeof(struct level) * (JSON_TOKENER_DEFAULT_DEPTH + 1));
	for (p = text; *p && dup == NULL; p++)
	{
		if ((*p == '{' || *p == '[') && depth < JSON_TOKENER_DEFAULT_DEPTH + 1)
		{
			stack[depth].object = *p == '{';
			stack[depth++].nkeys = 0;
		}
		else if ((*p == '}' || *p == ']') && depth > 0)
		{
			depth--;
			while (stack[depth].nkeys > 0)
				free(stack[depth].keys[--stack[depth].nkeys]);
		}
		else if (*p == '"')
		{
			const char *start = p;
			const char *after;

			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (*p == '\0')
				break;
			after = p + 1 + strspn(p + 1, " \t\r\n");
			if (depth > 0 && stack[depth - 1].object && *after == ':')
			{
				struct level *l = &stack[depth - 1];
				char	   *raw = xmalloc((size_t) (p - start) + 2);
				struct json_object *s;
				int			i;

				memcpy(raw, start, (size_t) (p - start) + 1);
				raw[p - start + 1] = '\0';
				s = json_tokener_parse(raw);
				free(raw);
				if (s == NULL)
					continue;
				for (i = 0; i < l->nkeys && dup == NULL; i++)
					if (strcmp(l->keys[i], json_object_get_string(s)) == 0)
						dup = xstrdup(l->keys[i]);
				if (dup == NULL && l->nkeys < 64)
					l->keys[l->nkeys++] = xstrdup(json_object_get_string(s));
				json_object_put(s);
			}
		}
	}
	while (depth > 0)
	{
		depth--;
		while (stack[depth].nkeys > 0)
			free(stack[depth].keys[--stack[depth].nkeys]);
	}
	free(stack);
	return dup;
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
		return EXIT_GO_ON;
	}
	if (!json_object_is_type(v, json_type_string))
		return config_error(where, "key \"%s\" must be a string", key);
	*out = xstrdup(json_object_get_string(v));
	return EXIT_GO_ON;
}


bool
env_valid_rds_identifier(const char *s)
{
	size_t		i;

	if (!(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
			  (s[i] == '-' && s[i + 1] != '-' && s[i + 1] != '\0')))
			return false;
	return true;
}

/* "Key=Value", the key not empty. */
static bool
valid_tag_filter(const char *s)
{
	const char *eq = strchr(s, '=');

	return eq && eq != s && strlen(s) <= 256;
}

/* Letters, digits and the characters given, not empty, at most max bytes. */
static bool
plain_word(const char *s, const char *extra, size_t max)
{
	const char *p;

	if (s[0] == '\0' || strlen(s) > max)
		return false;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || strchr(extra, *p)))
			return false;
	return true;
}

/* Serverless v2 capacity: ACUs in steps of 0.5, AWS's ranges. */
static bool
valid_capacity(double v, double lowest)
{
	return v >= lowest && v <= 256 && (double) (long) (v * 2) == v * 2;
}

/* The aws provider's keys; names become AWS resource names. */
/* IAM role names (IAM's rule: 1 to 64 of letters, digits and _+=,.@-), each once. */
static int
check_role_names(const char *where, const char *key, char **names)
{
	size_t		i,
				j;

	for (i = 0; names && names[i]; i++)
	{
		if (!plain_word(names[i], "_+=,.@-", 64))
			return config_error(where, "key \"%s\": \"%s\" is not an IAM role name: 1 to 64 letters, digits and _+=,.@-",
								key, names[i]);
		for (j = 0; j < i; j++)
			if (strcasecmp(names[j], names[i]) == 0)
				return config_error(where, "key \"%s\": role \"%s\" is named twice", key, names[i]);
	}
	return EXIT_GO_ON;
}

static int
validate_aws(const char *where, const struct env_config *cfg)
{
	int			n;
	size_t		i,
				j;

	if (cfg->pg_bindir)
		return config_error(where, "key \"pg_bindir\" is the local provider's; an aws environment has none");
	if (cfg->region == NULL)
		return config_error(where, "key \"region\" is missing (the AWS region, e.g. us-east-1)");
	if (!plain_word(cfg->region, "-", 32))
		return config_error(where, "key \"region\": \"%s\" is not an AWS region name", cfg->region);
	if (cfg->cluster_name == NULL || strlen(cfg->cluster_name) > 40 ||
		!env_valid_rds_identifier(cfg->cluster_name))
		return config_error(where, "key \"cluster_name\": \"%s\" is not a usable cluster name: 1 to 40 lower-case letters, digits and single hyphens, beginning with a letter and not ending with a hyphen",
							cfg->cluster_name ? cfg->cluster_name : "");
	if (cfg->engine_version == NULL || !plain_word(cfg->engine_version, ".", 16) ||
		(n = env_engine_major(cfg->engine_version)) < 11 ||
		strspn(cfg->engine_version, "0123456789.") != strlen(cfg->engine_version))
		return config_error(where, "key \"engine_version\": \"%s\" is not an Aurora PostgreSQL version such as \"%s\"",
							cfg->engine_version ? cfg->engine_version : "", ENV_AWS_DEFAULT_ENGINE_VERSION);
	if (!valid_capacity(cfg->min_capacity, 0) || !valid_capacity(cfg->max_capacity, 1) ||
		cfg->min_capacity > cfg->max_capacity)
		return config_error(where, "keys \"min_capacity\" and \"max_capacity\" (%g and %g): Serverless v2 capacity is 0 to 256 ACUs in steps of 0.5, the maximum at least 1 and not below the minimum",
							cfg->min_capacity, cfg->max_capacity);
	if (cfg->vpc_id && cfg->vpc_tag)
		return config_error(where, "keys \"vpc_id\" and \"vpc_tag\" both name the VPC; keep one");
	if (cfg->vpc_id && (strncmp(cfg->vpc_id, "vpc-", 4) != 0 || !plain_word(cfg->vpc_id, "-", 32)))
		return config_error(where, "key \"vpc_id\": \"%s\" is not a VPC id (vpc-...)", cfg->vpc_id);
	if (cfg->vpc_tag && !valid_tag_filter(cfg->vpc_tag))
		return config_error(where, "key \"vpc_tag\": \"%s\" is not a tag filter such as \"Name=shop-dev\"", cfg->vpc_tag);
	if (cfg->subnet_ids && cfg->subnet_tag)
		return config_error(where, "keys \"subnet_ids\" and \"subnet_tag\" both choose the subnets; keep one");
	if (cfg->subnet_ids)
	{
		for (n = 0; cfg->subnet_ids[n]; n++)
			if (strncmp(cfg->subnet_ids[n], "subnet-", 7) != 0 || !plain_word(cfg->subnet_ids[n], "-", 32))
				return config_error(where, "key \"subnet_ids\": \"%s\" is not a subnet id (subnet-...)",
									cfg->subnet_ids[n]);
		if (n < 2)
			return config_error(where, "key \"subnet_ids\": a DB subnet group needs subnets in at least two availability zones; give two or more");
	}
	for (n = 0; cfg->ingress_security_group_ids && cfg->ingress_security_group_ids[n]; n++)
		if (strncmp(cfg->ingress_security_group_ids[n], "sg-", 3) != 0 ||
			!plain_word(cfg->ingress_security_group_ids[n], "-", 32))
			return config_error(where, "key \"ingress_security_group_ids\": \"%s\" is not a security group id (sg-...)",
								cfg->ingress_security_group_ids[n]);
	if (cfg->ingress_security_group_ids && n == 0)
		return config_error(where, "key \"ingress_security_group_ids\": give at least one, or leave the key out to admit the VPC");
	if (cfg->subnet_tag && !valid_tag_filter(cfg->subnet_tag))
		return config_error(where, "key \"subnet_tag\": \"%s\" is not a tag filter such as \"subnet_type=database\"", cfg->subnet_tag);
	if (cfg->backup_schedule == NULL || strncmp(cfg->backup_schedule, "cron(", 5) != 0 ||
		cfg->backup_schedule[strlen(cfg->backup_schedule) - 1] != ')' || strlen(cfg->backup_schedule) > 256)
		return config_error(where, "key \"backup_schedule\": \"%s\" is not an AWS Backup schedule such as \"%s\"",
							cfg->backup_schedule ? cfg->backup_schedule : "", ENV_AWS_DEFAULT_BACKUP_SCHEDULE);
	if (cfg->backup_retention_days < 0 || cfg->backup_retention_days > ENV_AWS_MAX_BACKUP_RETENTION_DAYS)
		return config_error(where, "key \"backup_retention_days\": %d is not a retention AWS Backup takes: a whole number of days from 1 to %d, or null (no expiry)",
							cfg->backup_retention_days, ENV_AWS_MAX_BACKUP_RETENTION_DAYS);
	/* destroy of a temporary environment deletes it outright: nothing may stop it */
	if (cfg->temporary && cfg->deletion_protection)
		return config_error(where, "keys \"temporary\" and \"deletion_protection\": a temporary environment has deletion protection off; set deletion_protection to false, or temporary to false");
	if ((n = check_role_names(where, "app_access_role_names", cfg->app_access_role_names)) != EXIT_GO_ON ||
		(n = check_role_names(where, "migrator_access_role_names", cfg->migrator_access_role_names)) != EXIT_GO_ON)
		return n;
	for (i = 0; cfg->readonly_users && cfg->readonly_users[i]; i++)
	{
		char	  **roles = env_readonly_access_roles(cfg, cfg->readonly_users[i]);

		/*
		 * NAME-readonly-USER-access fits IAM's 128 characters: a cluster
		 * name has 40 at most, a role name 63 (NAMEDATALEN)
		 */
		n = check_role_names(where, "readonly_access_role_names", roles);
		strv_free(&roles);
		if (n != EXIT_GO_ON)
			return n;
	}
	for (i = 0; cfg->readonly_access_roles && cfg->readonly_access_roles[i]; i++)
	{
		const char *pair = cfg->readonly_access_roles[i];
		size_t		ulen = strcspn(pair, "=");
		bool		named = false;

		for (j = 0; !named && cfg->readonly_users && cfg->readonly_users[j]; j++)
			named = strlen(cfg->readonly_users[j]) == ulen && strncmp(cfg->readonly_users[j], pair, ulen) == 0;
		if (!named)
			return config_error(where, "key \"readonly_access_role_names\": \"%.*s\" is not a read-only user of key \"readonly_users\"",
								(int) ulen, pair);
	}
	return EXIT_GO_ON;
}

char	  **
env_readonly_access_roles(const struct env_config *cfg, const char *user)
{
	char	  **roles = NULL;
	size_t		ulen = strlen(user);
	size_t		i;

	for (i = 0; cfg->readonly_access_roles && cfg->readonly_access_roles[i]; i++)
		if (strncmp(cfg->readonly_access_roles[i], user, ulen) == 0 && cfg->readonly_access_roles[i][ulen] == '=')
			strv_add(&roles, cfg->readonly_access_roles[i] + ulen + 1);
	return roles;
}

/* readonly_access_role_names: {"user": ["role", ...]} as "user=role" pairs. */
static int
get_readonly_access_roles(const char *where, struct json_object *root, struct env_config *cfg)
{
	const char *key = "readonly_access_role_names";
	struct json_object *v;

	if (!json_object_object_get_ex(root, key, &v) || json_object_is_type(v, json_type_null))
		return EXIT_GO_ON;
	if (!json_object_is_type(v, json_type_object))
		return config_error(where, "key \"%s\" must be an object: each read-only user's list of IAM role names", key);
	{
		json_object_object_foreach(v, user, list)
		{
			size_t		i;

			if (!json_object_is_type(list, json_type_array))
				return config_error(where, "key \"%s\": \"%s\" must be a list of IAM role names", key, user);
			for (i = 0; i < json_object_array_length(list); i++)
			{
				struct json_object *r = json_object_array_get_idx(list, i);
				char	   *pair;

				if (!json_object_is_type(r, json_type_string))
					return config_error(where, "key \"%s\": \"%s\" must be a list of IAM role names", key, user);
				pair = str_printf("%s=%s", user, json_object_get_string(r));
				strv_add(&cfg->readonly_access_roles, pair);
				free(pair);
			}
		}
	}
	return EXIT_GO_ON;
}

static int
get_number(const char *where, struct json_object *obj, const char *key, double *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null))
		return EXIT_GO_ON;
	if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
		return config_error(where, "key \"%s\" must be a number", key);
	*out = json_object_get_double(v);
	return EXIT_GO_ON;
}

static int
get_bool(const char *where, struct json_object *obj, const char *key, bool *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null))
		return EXIT_GO_ON;
	if (!json_object_is_type(v, json_type_boolean))
		return config_error(where, "key \"%s\" must be true or false", key);
	*out = json_object_get_boolean(v);
	return EXIT_GO_ON;
}

/* backup_retention_days: null or absent is 0 (no expiry), else whole days. */
static int
get_retention(const char *where, struct json_object *obj, int *out)
{
	struct json_object *v;
	int64_t		days;

	if (!json_object_object_get_ex(obj, "backup_retention_days", &v) || json_object_is_type(v, json_type_null))
		return EXIT_GO_ON;
	days = json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_int) || days < 1 || days > ENV_AWS_MAX_BACKUP_RETENTION_DAYS)
		return config_error(where, "key \"backup_retention_days\" must be a whole number of days from 1 to %d, or null (no expiry)",
							ENV_AWS_MAX_BACKUP_RETENTION_DAYS);
	*out = (int) days;
	return EXIT_GO_ON;
}

/* An array of strings into a NULL-terminated malloc'd list. */
static int
get_string_list(const char *where, struct json_object *obj, const char *key, char ***out)
{
	struct json_object *v;
	size_t		i,
				n;

	if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null))
		return EXIT_GO_ON;
	if (!json_object_is_type(v, json_type_array))
		return config_error(where, "key \"%s\" must be a list of strings", key);
	n = json_object_array_length(v);
	*out = xmalloc(sizeof(char *) * (n + 1));
	for (i = 0; i <= n; i++)
		(*out)[i] = NULL;
	for (i = 0; i < n; i++)
	{
		struct json_object *e = json_object_array_get_idx(v, i);

		if (!json_object_is_type(e, json_type_string))
			return config_error(where, "key \"%s\" must be a list of strings", key);
		(*out)[i] = xstrdup(json_object_get_string(e));
	}
	return EXIT_GO_ON;
}

/* The aws provider's keys, with their defaults. */
static int
read_aws_keys(const char *where, struct json_object *root, struct env_config *cfg)
{
	int			rc;

	cfg->min_capacity = 0.5;
	cfg->max_capacity = 1.0;
	cfg->deletion_protection = true;
	if (cfg->port == 0)
		cfg->port = ENV_AWS_DEFAULT_PORT;
	if ((rc = get_string(where, root, "region", &cfg->region, true)) != EXIT_GO_ON ||
		(rc = get_string(where, root, "cluster_name", &cfg->cluster_name, true)) != EXIT_GO_ON ||
		(rc = get_string(where, root, "engine_version", &cfg->engine_version, true)) != EXIT_GO_ON ||
		(rc = get_number(where, root, "min_capacity", &cfg->min_capacity)) != EXIT_GO_ON ||
		(rc = get_number(where, root, "max_capacity", &cfg->max_capacity)) != EXIT_GO_ON ||
		(rc = get_string(where, root, "vpc_id", &cfg->vpc_id, false)) != EXIT_GO_ON ||
		(rc = get_string(where, root, "vpc_tag", &cfg->vpc_tag, false)) != EXIT_GO_ON ||
		(rc = get_string_list(where, root, "subnet_ids", &cfg->subnet_ids)) != EXIT_GO_ON ||
		(rc = get_string_list(where, root, "ingress_security_group_ids", &cfg->ingress_security_group_ids)) != EXIT_GO_ON ||
		(rc = get_string(where, root, "subnet_tag", &cfg->subnet_tag, false)) != EXIT_GO_ON ||
		(rc = get_bool(where, root, "deletion_protection", &cfg->deletion_protection)) != EXIT_GO_ON ||
		(rc = get_string(where, root, "backup_schedule", &cfg->backup_schedule, false)) != EXIT_GO_ON ||
		(rc = get_retention(where, root, &cfg->backup_retention_days)) != EXIT_GO_ON ||
		(rc = get_bool(where, root, "temporary", &cfg->temporary)) != EXIT_GO_ON ||
		(rc = get_bool(where, root, "apply_immediately", &cfg->apply_immediately)) != EXIT_GO_ON ||
		(rc = get_string(where, root, "ssl_root_cert", &cfg->ssl_root_cert, false)) != EXIT_GO_ON ||
		(rc = get_string_list(where, root, "app_access_role_names", &cfg->app_access_role_names)) != EXIT_GO_ON ||
		(rc = get_string_list(where, root, "migrator_access_role_names", &cfg->migrator_access_role_names)) != EXIT_GO_ON ||
		(rc = get_readonly_access_roles(where, root, cfg)) != EXIT_GO_ON)
		return rc;
	if (cfg->ssl_root_cert && cfg->ssl_root_cert[0] == '\0')
		return config_error(where, "key \"ssl_root_cert\": give the RDS certificate bundle's path, or leave the key out");
	/* a relative path is the config file's neighbour, wherever appdb runs */
	if (cfg->ssl_root_cert && cfg->ssl_root_cert[0] != '/' && cfg->path)
	{
		const char *slash = strrchr(cfg->path, '/');
		char	   *dir = slash ? str_printf("%.*s", (int) (slash - cfg->path), cfg->path) : xstrdup(".");
		char	   *abs = realpath(dir, NULL);
		char	   *full = str_printf("%s/%s", abs ? abs : dir, cfg->ssl_root_cert);

		free(dir);
		free(abs);
		free(cfg->ssl_root_cert);
		cfg->ssl_root_cert = full;
	}
	/* a temporary environment's deletion protection is off unless the file says otherwise */
	{
		struct json_object *dp = NULL;

		if (cfg->temporary && (!json_object_object_get_ex(root, "deletion_protection", &dp) ||
							   json_object_is_type(dp, json_type_null)))
			cfg->deletion_protection = false;
	}
	if (cfg->backup_schedule == NULL)
		cfg->backup_schedule = xstrdup(ENV_AWS_DEFAULT_BACKUP_SCHEDULE);
	return EXIT_GO_ON;
}

/*
 * Check the configuration's names and values with the core's own rules,
 * keeping the core's configuration they build for the roles commands.
 */
int
env_config_validate(const char *where, struct env_config *cfg)
{
	struct app_mem mem;
	struct app_config *roles;
	struct app_error err = {0};
	int			rc = -1;

	app_mem_init(&mem, &malloc_allocator);
	roles = app_alloc(&mem, sizeof(*roles));
	if (strcmp(cfg->provider, "local") != 0 && strcmp(cfg->provider, "aws") != 0)
		rc = config_error(where, "key \"provider\": \"%s\" is not a provider (use \"local\" or \"aws\")",
						  cfg->provider);
	else if (strcmp(cfg->provider, "aws") == 0 && (rc = validate_aws(where, cfg)) != EXIT_GO_ON)
		;
	else if (app_config_build(&mem, roles, cfg->app_user, cfg->migrator_user,
							  cfg->schema, cfg->auth, cfg->extensions, &err) != 0 ||
			 app_config_set_readonly(&mem, roles, (const char *const *) cfg->readonly_users,
									 (int) strv_len(cfg->readonly_users), &err) != 0 ||
			 app_check_name(&mem, "database", cfg->database, &err) != 0)
	{
		rc = config_error(where, "%s", err.message);
		if (err.detail)
			hintf("%s", err.detail);
		if (err.hint)
			hintf("%s", err.hint);
	}
	if (rc < 0 && cfg->roles == NULL)
	{
		/* the arena moves into cfg: its blocks do not point back at it */
		cfg->roles_mem = mem;
		cfg->roles = roles;
	}
	else
		app_mem_free_all(&mem);
	return rc;
}

/*
 * Parse and check a config file's text into cfg (whose path is set);
 * want_env, when given, is the --env the file must be for.  Returns
 * EXIT_GO_ON or an exit code, with the error reported against where.  Fuzzed by
 * test/fuzz/fuzz_envconfig.c.
 */
int
env_config_parse(const char *where, const char *text, const char *want_env,
				 struct env_config *cfg)
{
	struct json_object *root = NULL;
	struct json_object *v;
	int			rc = -1;

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
	if (rc == EXIT_GO_ON && has_escaped_nul(text))
	{
		rc = config_error(where, "holds \\u0000, a NUL character, which no name or setting may contain");
		hintf("remove it; PostgreSQL would cut the name at that point");
	}
	else if (rc == EXIT_GO_ON)
	{
		char	   *dup = duplicate_key(text);

		if (dup)
		{
			rc = config_error(where, "key \"%s\" appears twice in the same object", dup);
			hintf("keep one: which value counts would otherwise be a guess");
			free(dup);
		}
	}
	if (rc != EXIT_GO_ON)
		goto out;
	if (!json_object_is_type(root, json_type_object))
	{
		rc = config_error(where, "must hold a JSON object");
		goto out;
	}
	if ((rc = get_string(where, root, "provider", &cfg->provider, true)) != EXIT_GO_ON)
		goto out;
	{
		bool		aws = strcmp(cfg->provider, "aws") == 0;

		json_object_object_foreach(root, key, val)
		{
			(void) val;
			if (in_list(common_keys, key) || in_list(aws ? aws_keys : local_keys, key))
				continue;
			rc = config_error(where, "unknown key \"%s\"%s", key,
							  in_list(aws ? local_keys : aws_keys, key) ?
							  (aws ? " (a key of the local provider)" : " (a key of the aws provider)") : "");
			{
				char	   *common = join_keys(common_keys);
				char	   *own = join_keys(aws ? aws_keys : local_keys);

				hintf("the keys are: %s, %s", common, own);
				free(common);
				free(own);
			}
			goto out;
		}
	}
	if ((rc = get_string(where, root, "app", &cfg->app, true)) != EXIT_GO_ON ||
		(rc = get_string(where, root, "env", &cfg->env, true)) != EXIT_GO_ON ||
		(rc = get_string(where, root, "database", &cfg->database, true)) != EXIT_GO_ON ||
		(rc = get_string(where, root, "app_user", &cfg->app_user, true)) != EXIT_GO_ON ||
		(rc = get_string(where, root, "migrator_user", &cfg->migrator_user, true)) != EXIT_GO_ON ||
		(rc = get_string(where, root, "schema_name", &cfg->schema, true)) != EXIT_GO_ON ||
		(rc = get_string(where, root, "auth", &cfg->auth, true)) != EXIT_GO_ON ||
		(rc = get_string(where, root, "pg_bindir", &cfg->pg_bindir, false)) != EXIT_GO_ON ||
		(rc = get_string_list(where, root, "readonly_users", &cfg->readonly_users)) != EXIT_GO_ON)
		goto out;
	cfg->master_tls = true;
	if ((rc = get_bool(where, root, "master_tls", &cfg->master_tls)) != EXIT_GO_ON)
		goto out;
	if ((rc = check_env_name("key \"app\"", cfg->app)) != EXIT_GO_ON ||
		(rc = check_env_name("key \"env\"", cfg->env)) != EXIT_GO_ON)
		goto out;
	/* a file copied from another environment would act on that one */
	if (want_env && strcmp(want_env, cfg->env) != 0)
	{
		rc = config_error(where, "key \"env\" is \"%s\", but --env is \"%s\"", cfg->env, want_env);
		hintf("correct the file's \"env\", or give the --env it was written for");
		goto out;
	}
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
	if (strcmp(cfg->provider, "aws") == 0 && (rc = read_aws_keys(where, root, cfg)) != EXIT_GO_ON)
		goto out;
	rc = env_config_validate(where, cfg);
out:
	if (root)
		json_object_put(root);
	return rc;
}

/* Read and check the config file that opts name.  Returns EXIT_GO_ON or an exit code. */
int
env_config_read(const struct appdb_options *opts, struct env_config *cfg)
{
	char	   *text = NULL;
	const char *path;
	char	   *where = NULL;
	int			rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	if (opts->config_path)
		cfg->path = xstrdup(opts->config_path);
	else
	{
		if (opts->app == NULL || opts->env == NULL)
			return usage_error("%s needs the environment: give --app and --env, or --config",
							   command_name(opts->command));
		if ((rc = check_env_name("--app", opts->app)) != EXIT_GO_ON ||
			(rc = check_env_name("--env", opts->env)) != EXIT_GO_ON)
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
	rc = env_config_parse(where, text, opts->env, cfg);
	free(text);
	if (rc == EXIT_GO_ON)
		cfg->state_dir = env_state_dir(cfg->path, cfg->app, cfg->env);

out:
	free(where);
	if (rc == EXIT_GO_ON && opts->app && strcmp(opts->app, cfg->app) != 0)
		warnf("--app %s differs from the config file's app \"%s\"; using the file's", opts->app, cfg->app);
	if (rc != EXIT_GO_ON)
		env_config_free(cfg);
	return rc;
}

void
env_config_free(struct env_config *cfg)
{
	char	  **fields[] = {
		&cfg->path, &cfg->state_dir, &cfg->provider, &cfg->app, &cfg->env, &cfg->database,
		&cfg->app_user, &cfg->migrator_user, &cfg->schema, &cfg->auth,
		&cfg->extensions, &cfg->pg_bindir, &cfg->region, &cfg->cluster_name,
		&cfg->engine_version, &cfg->vpc_id, &cfg->vpc_tag, &cfg->subnet_tag,
		&cfg->backup_schedule, &cfg->ssl_root_cert
	};
	size_t		i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
	{
		free(*fields[i]);
		*fields[i] = NULL;
	}
	strv_free(&cfg->subnet_ids);
	strv_free(&cfg->ingress_security_group_ids);
	strv_free(&cfg->app_access_role_names);
	strv_free(&cfg->migrator_access_role_names);
	strv_free(&cfg->readonly_users);
	strv_free(&cfg->readonly_access_roles);
	if (cfg->roles)
		app_mem_free_all(&cfg->roles_mem);
	cfg->roles = NULL;
}
