/*
 * core/config.h
 *		What setup and check are asked to do: names, auth, extensions.
 */
#ifndef APP_CONFIG_H
#define APP_CONFIG_H

#include <stdbool.h>

#include "error.h"
#include "mem.h"

enum app_auth
{
	APP_AUTH_IAM,				/* members of rds_iam: IAM tokens */
	APP_AUTH_PASSWORD			/* passwords, left to the operator */
};

struct app_extension
{
	char	   *name;
	bool		wanted;			/* true: installed in pg_catalog; false: absent */
};

struct app_config
{
	char	   *app_user;
	char	   *migrator_user;
	char	   *schema;
	enum app_auth auth;
	struct app_extension *extensions;	/* sorted by name */
	int			n_extensions;
	char	  **readonly_users; /* read-only logins, sorted by name */
	int			n_readonly_users;
	bool		drop_removed;	/* setup drops a removed read-only user that owns nothing */
};

#define APP_DEFAULT_APP_USER "app"
#define APP_DEFAULT_MIGRATOR_USER "migrator"
#define APP_DEFAULT_SCHEMA "app"
#define APP_DEFAULT_AUTH "iam"

int			app_config_build(struct app_mem *mem, struct app_config *cfg,
							 const char *app_user, const char *migrator_user,
							 const char *schema, const char *auth,
							 const char *extensions_json,
							 struct app_error *err);
/*
 * The read-only users of a built configuration: each a role name as app's is
 * checked, none app, migrator or another twice.  Returns 0, or -1 with err
 * set and cfg's read-only users unchanged.
 */
int			app_config_set_readonly(struct app_mem *mem, struct app_config *cfg,
									const char *const *names, int n,
									struct app_error *err);
int			app_check_name(struct app_mem *mem, const char *what,
						   const char *name, struct app_error *err);
const char *app_auth_name(enum app_auth auth);

#endif							/* APP_CONFIG_H */
