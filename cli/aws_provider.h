/*
 * cli/aws_provider.h
 *		The aws provider: an Aurora Serverless v2 cluster and everything
 *		around it (DESIGN §1, §7, §8), its roles through the RDS Data API.
 *		Lives in appdb-aws only.  Its files are in cli/aws_provider/: the
 *		operations in commands.c, what they share in aws_int.h.
 */
#ifndef APPDB_AWS_PROVIDER_H
#define APPDB_AWS_PROVIDER_H

#include "provider.h"

/* configure, plan, provision, roles, url, psql, status, destroy on an aws environment. */
extern const struct provider aws_provider;

#endif							/* APPDB_AWS_PROVIDER_H */
