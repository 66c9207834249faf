/*
 * cli/aws_provider.h
 *		The aws provider: an Aurora Serverless v2 cluster and everything
 *		around it (DESIGN §1, §7, §8), its roles through the RDS Data API.
 *		Lives in appdb-aws only.
 */
#ifndef APPDB_AWS_PROVIDER_H
#define APPDB_AWS_PROVIDER_H

#include "envconfig.h"
#include "options.h"

/* configure --provider aws: the region as the SDKs find it, then the file. */
int			aws_configure_env(const struct appdb_options *opts);

/* plan, provision, roles, url, psql, status, destroy on an aws environment. */
int			aws_provider_run(const struct appdb_options *opts, const struct env_config *cfg);

#endif							/* APPDB_AWS_PROVIDER_H */
