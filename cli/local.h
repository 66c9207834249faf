/*
 * cli/local.h
 *		The local provider: a PostgreSQL cluster on this machine, bootstrapped
 *		the way Aurora is (DESIGN §7).
 */
#ifndef APPDB_LOCAL_H
#define APPDB_LOCAL_H

#include "provider.h"

extern const struct provider local_provider;

#endif							/* APPDB_LOCAL_H */
