/*
 * cli/local.h
 *		The local provider: a PostgreSQL cluster on this machine, bootstrapped
 *		the way Aurora is (DESIGN §7).
 */
#ifndef APPDB_LOCAL_H
#define APPDB_LOCAL_H

#include "envconfig.h"
#include "options.h"

int			local_plan(const struct appdb_options *opts, const struct env_config *cfg);
int			local_provision(const struct appdb_options *opts, const struct env_config *cfg);
int			local_roles(const struct appdb_options *opts, const struct env_config *cfg);
int			local_url(const struct appdb_options *opts, const struct env_config *cfg);
int			local_status(const struct appdb_options *opts, const struct env_config *cfg);
int			local_destroy(const struct appdb_options *opts, const struct env_config *cfg);

#endif							/* APPDB_LOCAL_H */
