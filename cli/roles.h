/*
 * cli/roles.h
 *		roles setup, plan and check over a master connection, through the
 *		app_roles extension where it is installed, else through the core.
 */
#ifndef APPDB_ROLES_H
#define APPDB_ROLES_H

#include <libpq-fe.h>

#include "envconfig.h"
#include "options.h"

/* Run the roles command of opts; returns the exit code. */
int			roles_command(PGconn *master, const struct appdb_options *opts,
						  const struct env_config *cfg, int *executed);

#endif							/* APPDB_ROLES_H */
