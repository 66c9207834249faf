/*
 * cli/provider.h
 *		The provider interface: what a provider (cli/local/, the local
 *		cluster; cli/aws_provider/, Aurora) does for each command on an
 *		environment.  cli/appdb.c picks the provider by the config's name.
 */
#ifndef APPDB_PROVIDER_H
#define APPDB_PROVIDER_H

#include "envconfig.h"
#include "options.h"

/* One command on one environment; returns its exit code (msgs.h). */
typedef int (*provider_op) (const struct appdb_options *opts, const struct env_config *cfg);

struct provider
{
	const char *name;			/* the config file's "provider" */
	/* configure --provider NAME: write the environment's config file */
	int			(*configure) (const struct appdb_options *opts);
	/* refuse another provider's options: EXIT_GO_ON, else the exit code (NULL: none to refuse) */
	int			(*check_options) (const struct appdb_options *opts);
	provider_op plan;			/* what provision would do, changing nothing */
	provider_op provision;
	provider_op roles;			/* roles setup, plan and check: opts->command says which */
	provider_op url;			/* url, and psql, which runs psql with it */
	provider_op status;
	provider_op outputs;		/* what the service and migration tasks need */
	provider_op destroy;
	provider_op doctor;			/* why a login as app or migrator fails */
};

/* The operation of p that runs command; NULL for one that reads no config. */
provider_op provider_op_for(const struct provider *p, enum appdb_command command);

#endif							/* APPDB_PROVIDER_H */
