/*
 * cli/envconfig.h
 *		The environment's config file: written by configure, read by the rest.
 */
#ifndef APPDB_ENVCONFIG_H
#define APPDB_ENVCONFIG_H

#include "options.h"

#include "core/config.h"

struct env_config
{
	char	   *path;
	char	   *state_dir;		/* env_state_dir: where appdb keeps this environment's state */
	char	   *provider;
	char	   *app;
	char	   *env;
	char	   *database;
	char	   *app_user;
	char	   *migrator_user;
	char	   *schema;
	char	   *auth;
	char	   *extensions;		/* JSON object text */
	char	  **readonly_users;	/* read-only logins (NULL-terminated, or NULL) */
	int			port;			/* local: 0, a free port at provision; aws: 5432 */

	/* local */
	char	   *pg_bindir;		/* NULL: pg_config --bindir */
	bool		master_tls;		/* the master and rdsadmin too log in over TLS only
								 * (default); false: also without, for old clients */

	/* aws (DESIGN §7, the Aurora Serverless v2 cluster) */
	char	   *region;
	char	   *cluster_name;	/* default <app>-<env> */
	char	   *engine_version; /* aurora-postgresql, e.g. "16.6" */
	double		min_capacity;	/* ACUs */
	double		max_capacity;
	char	   *vpc_id;			/* the network: by id, */
	char	   *vpc_tag;		/* or by a tag "Key=Value", */
	char	  **subnet_ids;		/* NULL-terminated, or NULL */
	char	  **ingress_security_group_ids; /* admitted to the port; NULL: the VPC */
	char	   *subnet_tag;		/* or neither: the default VPC */
	bool		deletion_protection;
	char	   *backup_schedule;	/* cron(...) of the weekly backup */
	int			backup_retention_days;	/* 0: kept with no expiry (template-infra's) */
	bool		temporary;		/* template-infra's is_temporary: a preview environment */
	bool		apply_immediately;	/* false: cluster changes wait for the maintenance window */
	char	   *ssl_root_cert;	/* the RDS CA bundle, absolute: connections verify the
								 * cluster (verify-full); NULL: sslmode=require */
	char	  **app_access_role_names;	/* IAM roles given the connect policies; */
	char	  **migrator_access_role_names;	/* NULL-terminated, or NULL: none */
	char	  **readonly_access_roles;	/* readonly_access_role_names as "USER=ROLE" pairs
										 * (a user name has no '='), or NULL */

	/* the core's configuration, built (and so checked) once, when read */
	struct app_mem roles_mem;
	struct app_config *roles;	/* in roles_mem; NULL until built */
};

#define ENV_AWS_DEFAULT_ENGINE_VERSION "16.6"
#define ENV_AWS_DEFAULT_PORT 5432
#define ENV_AWS_DEFAULT_BACKUP_SCHEDULE "cron(0 7 ? * SUN *)"
#define ENV_AWS_MAX_BACKUP_RETENTION_DAYS 36500	/* AWS Backup's 100 years */

/* The major version of an engine version ("16.6" -> 16), 0 if none. */
int			env_engine_major(const char *engine_version);

int			check_env_name(const char *what, const char *value);
char	   *default_config_path(const char *app, const char *env);
char	   *env_state_dir(const char *config_path, const char *app, const char *env);
int			env_config_read(const struct appdb_options *opts, struct env_config *cfg);
int			env_config_parse(const char *where, const char *text, const char *want_env,
							 struct env_config *cfg);
/* An RDS identifier: a letter, then lower-case letters, digits and single hyphens. */
bool		env_valid_rds_identifier(const char *s);
/* Check cfg's values (every key's rules, the core's name checks); EXIT_GO_ON or an exit code. */
int			env_config_validate(const char *where, struct env_config *cfg);
/* configure; aws_region: the region the AWS SDKs' chain found (aws), else NULL. */
int			env_config_configure(const struct appdb_options *opts, const char *aws_region);
/* The IAM roles named for read-only user's connect policy (a new list, NULL: none). */
char	  **env_readonly_access_roles(const struct env_config *cfg, const char *user);
void		env_config_free(struct env_config *cfg);

#endif							/* APPDB_ENVCONFIG_H */
