/*
 * cli/local/local.h
 *		The local provider: a PostgreSQL cluster on this machine, bootstrapped
 *		the way Aurora is (DESIGN §7).  Its operations are in commands.c, what
 *		they share in local_int.h.
 */
#ifndef APPDB_LOCAL_H
#define APPDB_LOCAL_H

#include "cli/provider.h"

extern const struct provider local_provider;

#endif							/* APPDB_LOCAL_H */
