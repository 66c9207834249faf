/*
 * cli/configure.c
 *		appdb configure: the environment's config file written from the
 *		options, checked as cli/envconfig.c reads it, under the lock.
 */
#include "envconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "envlock.h"
#include "msgs.h"
#include "output.h"
#include "util.h"

/* configure's options of the aws provider, given to the local one. */
static int
refuse_aws_options(const struct appdb_options *o)
{
	const char *given =
		o->cluster_name ? "--cluster-name" : o->engine_version ? "--engine-version" :
		o->min_capacity >= 0 ? "--min-capacity" : o->max_capacity >= 0 ? "--max-capacity" :
		o->vpc_id ? "--vpc-id" : o->vpc_tag ? "--vpc-tag" : o->subnet_ids ? "--subnet-ids" :
		o->ingress_security_group_ids ? "--ingress-security-group-ids" :
		o->subnet_tag ? "--subnet-tag" : o->deletion_protection >= 0 ? "--deletion-protection" :
		o->backup_schedule ? "--backup-schedule" : o->backup_retention_days >= 0 ? "--backup-retention-days" :
		o->temporary ? "--temporary" : o->apply_immediately >= 0 ? "--apply-immediately" :
		o->ssl_root_cert ? "--ssl-root-cert" :
		o->region ? "--region" :
		o->app_access_roles ? "--app-access-role" : o->migrator_access_roles ? "--migrator-access-role" :
		o->readonly_access_roles ? "--readonly-access-role" : NULL;

	if (given)
		return usage_error("option %s is for an aws environment; add --provider aws", given);
	return EXIT_GO_ON;
}

/* "a,b,c" into a NULL-terminated list; empty items are kept, and refused later. */
static char **
split_commas(const char *s)
{
	size_t		n = 1,
				i = 0;
	const char *p;
	char	  **list;

	for (p = s; *p; p++)
		n += *p == ',';
	list = xmalloc(sizeof(char *) * (n + 1));
	for (p = s;; p++)
		if (*p == ',' || *p == '\0')
		{
			list[i] = xmalloc((size_t) (p - s) + 1);
			memcpy(list[i], s, (size_t) (p - s));
			list[i][p - s] = '\0';
			i++;
			if (*p == '\0')
				break;
			s = p + 1;
		}
	list[i] = NULL;
	return list;
}

/* The aws keys of configure: options, else defaults. */
static int
configure_aws(const struct appdb_options *o, const char *region, struct env_config *cfg)
{
	size_t		i;

	cfg->region = xstrdup(region);
	cfg->cluster_name = o->cluster_name ? xstrdup(o->cluster_name) : str_printf("%s-%s", o->app, o->env);
	cfg->engine_version = xstrdup(o->engine_version ? o->engine_version : ENV_AWS_DEFAULT_ENGINE_VERSION);
	cfg->min_capacity = o->min_capacity >= 0 ? o->min_capacity : 0.5;
	cfg->max_capacity = o->max_capacity >= 0 ? o->max_capacity : 1.0;
	cfg->vpc_id = o->vpc_id ? xstrdup(o->vpc_id) : NULL;
	cfg->vpc_tag = o->vpc_tag ? xstrdup(o->vpc_tag) : NULL;
	cfg->subnet_ids = o->subnet_ids ? split_commas(o->subnet_ids) : NULL;
	cfg->ingress_security_group_ids = o->ingress_security_group_ids ?
		split_commas(o->ingress_security_group_ids) : NULL;
	cfg->subnet_tag = o->subnet_tag ? xstrdup(o->subnet_tag) : NULL;
	if (o->temporary && o->deletion_protection == 1)
		return usage_error("--temporary turns deletion protection off; leave out --deletion-protection on");
	cfg->temporary = o->temporary;
	cfg->deletion_protection = o->temporary ? false : o->deletion_protection != 0;
	cfg->backup_retention_days = o->backup_retention_days > 0 ? o->backup_retention_days : 0;
	cfg->apply_immediately = o->apply_immediately == 1;
	if (o->ssl_root_cert && (cfg->ssl_root_cert = realpath(o->ssl_root_cert, NULL)) == NULL)
		return usage_error("--ssl-root-cert %s: %s", o->ssl_root_cert, strerror(errno));
	cfg->backup_schedule = xstrdup(o->backup_schedule ? o->backup_schedule : ENV_AWS_DEFAULT_BACKUP_SCHEDULE);
	for (i = 0; o->app_access_roles && o->app_access_roles[i]; i++)
		strv_add(&cfg->app_access_role_names, o->app_access_roles[i]);
	for (i = 0; o->migrator_access_roles && o->migrator_access_roles[i]; i++)
		strv_add(&cfg->migrator_access_role_names, o->migrator_access_roles[i]);
	for (i = 0; o->readonly_access_roles && o->readonly_access_roles[i]; i++)
	{
		const char *eq = strchr(o->readonly_access_roles[i], '=');

		if (eq == NULL || eq == o->readonly_access_roles[i])
			return usage_error("--readonly-access-role \"%s\": give USER=ROLE (a read-only user, an IAM role name)",
							   o->readonly_access_roles[i]);
		strv_add(&cfg->readonly_access_roles, o->readonly_access_roles[i]);
	}
	if (cfg->port == 0)
		cfg->port = ENV_AWS_DEFAULT_PORT;
	if (o->cluster_name == NULL && (strlen(cfg->cluster_name) > 40 || !env_valid_rds_identifier(cfg->cluster_name)))
	{
		errorf("the cluster name \"%s\" (from --app and --env) is not a usable RDS name", cfg->cluster_name);
		hintf("give --cluster-name: 1 to 40 lower-case letters, digits and single hyphens, beginning with a letter");
		return EXIT_USAGE;
	}
	return EXIT_GO_ON;
}

/* A NULL-terminated list as a JSON array under key; nothing for NULL. */
static void
add_list(struct json_object *root, const char *key, char **list)
{
	struct json_object *a;
	int			i;

	if (list == NULL)
		return;
	a = json_object_new_array();
	for (i = 0; list[i]; i++)
		json_object_array_add(a, json_object_new_string(list[i]));
	json_object_object_add(root, key, a);
}

static void
add_aws_keys(struct json_object *root, const struct env_config *cfg)
{
	json_object_object_add(root, "region", json_object_new_string(cfg->region));
	json_object_object_add(root, "cluster_name", json_object_new_string(cfg->cluster_name));
	json_object_object_add(root, "engine_version", json_object_new_string(cfg->engine_version));
	json_object_object_add(root, "min_capacity", json_object_new_double(cfg->min_capacity));
	json_object_object_add(root, "max_capacity", json_object_new_double(cfg->max_capacity));
	if (cfg->vpc_id)
		json_object_object_add(root, "vpc_id", json_object_new_string(cfg->vpc_id));
	if (cfg->vpc_tag)
		json_object_object_add(root, "vpc_tag", json_object_new_string(cfg->vpc_tag));
	add_list(root, "subnet_ids", cfg->subnet_ids);
	add_list(root, "ingress_security_group_ids", cfg->ingress_security_group_ids);
	if (cfg->subnet_tag)
		json_object_object_add(root, "subnet_tag", json_object_new_string(cfg->subnet_tag));
	json_object_object_add(root, "deletion_protection", json_object_new_boolean(cfg->deletion_protection));
	json_object_object_add(root, "backup_schedule", json_object_new_string(cfg->backup_schedule));
	json_object_object_add(root, "backup_retention_days", cfg->backup_retention_days ?
						   json_object_new_int(cfg->backup_retention_days) : NULL);
	json_object_object_add(root, "temporary", json_object_new_boolean(cfg->temporary));
	json_object_object_add(root, "apply_immediately", json_object_new_boolean(cfg->apply_immediately));
	if (cfg->ssl_root_cert)
		json_object_object_add(root, "ssl_root_cert", json_object_new_string(cfg->ssl_root_cert));
	add_list(root, "app_access_role_names", cfg->app_access_role_names);
	add_list(root, "migrator_access_role_names", cfg->migrator_access_role_names);
	if (cfg->readonly_access_roles)
	{
		struct json_object *byuser = json_object_new_object();
		int			i;

		for (i = 0; cfg->readonly_users && cfg->readonly_users[i]; i++)
		{
			char	  **roles = env_readonly_access_roles(cfg, cfg->readonly_users[i]);

			if (roles)
				add_list(byuser, cfg->readonly_users[i], roles);
			strv_free(&roles);
		}
		json_object_object_add(root, "readonly_access_role_names", byuser);
	}
}

/* Whether configure writes text over old: -1 yes, else the exit code (said). */
static int
configure_verdict(const struct env_config *cfg, const char *old, const char *text, bool force)
{
	if (old && strncmp(old, text, strlen(text)) == 0 && strcmp(old + strlen(text), "\n") == 0)
	{
		notef("%s is up to date; nothing changed", cfg->path);
		return EXIT_OK;
	}
	if (old && !force)
	{
		errorf("%s exists with other settings; nothing changed", cfg->path);
		hintf("give --force to overwrite it");
		return EXIT_USAGE;
	}
	return EXIT_GO_ON;
}

/* configure: write the config file, refusing to overwrite unless --force. */
int
env_config_configure(const struct appdb_options *opts, const char *aws_region)
{
	struct env_config cfg = {0};
	struct json_object *root;
	const char *text;
	char	   *old;
	bool		aws;
	bool		changed = false;
	int			rc;

	if (opts->app == NULL || opts->env == NULL)
		return usage_error("configure needs --app and --env");
	if ((rc = check_env_name("--app", opts->app)) != EXIT_GO_ON ||
		(rc = check_env_name("--env", opts->env)) != EXIT_GO_ON)
		return rc;
	if (opts->provider && strcmp(opts->provider, "local") != 0 && strcmp(opts->provider, "aws") != 0)
		return usage_error("invalid --provider \"%s\": use local or aws", opts->provider);
	aws = opts->provider && strcmp(opts->provider, "aws") == 0;
	if (!aws && (rc = refuse_aws_options(opts)) != EXIT_GO_ON)
		return rc;
	if (aws && opts->pg_bindir)
		return usage_error("option --pg-bindir is the local provider's; an aws environment runs on Aurora");
	if (aws && opts->master_tls >= 0)
		return usage_error("option --master-tls is the local provider's; on Aurora, rds.force_ssl makes every connection use TLS");
	cfg.path = opts->config_path ? xstrdup(opts->config_path) : default_config_path(opts->app, opts->env);
	cfg.provider = xstrdup(aws ? "aws" : "local");
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
	cfg.master_tls = opts->master_tls != 0;
	for (int i = 0; opts->readonly_users && opts->readonly_users[i]; i++)
		strv_add(&cfg.readonly_users, opts->readonly_users[i]);
	if (aws)
	{
		if ((rc = configure_aws(opts, aws_region, &cfg)) != EXIT_GO_ON)
			goto out;
	}
	if ((rc = env_config_validate("configure", &cfg)) != EXIT_GO_ON)
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
	add_list(root, "readonly_users", cfg.readonly_users);
	if (cfg.pg_bindir)
		json_object_object_add(root, "pg_bindir", json_object_new_string(cfg.pg_bindir));
	if (cfg.port)
		json_object_object_add(root, "port", json_object_new_int(cfg.port));
	if (!cfg.master_tls)		/* the default, on, is not written */
		json_object_object_add(root, "master_tls", json_object_new_boolean(false));
	if (aws)
		add_aws_keys(root, &cfg);
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
										  JSON_C_TO_STRING_SPACED |
										  JSON_C_TO_STRING_NOSLASHESCAPE);

	/* decided without the lock, so that bad input leaves no trace; again under it */
	old = read_file(cfg.path);
	if ((rc = configure_verdict(&cfg, old, text, opts->force)) == EXIT_GO_ON)
	{
		struct env_lock lock;
		char	   *name = str_printf("%s-%s", cfg.app, cfg.env);

		cfg.state_dir = env_state_dir(cfg.path, cfg.app, cfg.env);
		if ((rc = env_lock(cfg.state_dir, name, &lock)) == EXIT_GO_ON)
		{
			free(old);
			old = read_file(cfg.path);
			if ((rc = configure_verdict(&cfg, old, text, opts->force)) != EXIT_GO_ON)
				;
			else if (write_file_atomic(cfg.path, text, 0644) != 0)
			{
				errorf("cannot write %s: %s", cfg.path, strerror(errno));
				rc = EXIT_USAGE;
			}
			else
			{
				notef("wrote %s", cfg.path);
				rc = EXIT_OK;
				changed = true;
			}
			env_unlock(&lock);
		}
		free(name);
	}
	free(old);
	if (rc == EXIT_OK && opts->output == OUTPUT_JSON)
	{
		struct json_object *obj = json_object_new_object();

		json_object_object_add(obj, "config_file", json_object_new_string(cfg.path));
		json_object_object_add(obj, "changed", json_object_new_boolean(changed));
		json_object_object_add(obj, "config", root);
		print_json(obj);
	}
	else
		json_object_put(root);
out:
	env_config_free(&cfg);
	return rc;
}

