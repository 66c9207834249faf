/*
 * cli/envconfig.h
 *		The environment's config file: written by configure, read by the rest.
 */
#ifndef APPDB_ENVCONFIG_H
#define APPDB_ENVCONFIG_H

#include "options.h"

struct env_config
{
	char	   *path;
	char	   *provider;
	char	   *app;
	char	   *env;
	char	   *database;
	char	   *app_user;
	char	   *migrator_user;
	char	   *schema;
	char	   *auth;
	char	   *extensions;		/* JSON object text */
	char	   *pg_bindir;		/* NULL: pg_config --bindir */
	int			port;			/* 0: a free port at provision */
};

int			check_env_name(const char *what, const char *value);
char	   *default_config_path(const char *app, const char *env);
int			env_config_read(const struct appdb_options *opts, struct env_config *cfg);
int			env_config_configure(const struct appdb_options *opts);
void		env_config_free(struct env_config *cfg);

#endif							/* APPDB_ENVCONFIG_H */
