/*
 * core/checks.h
 *		What check verifies (DESIGN §6), each a named entry with a detail.
 */
#ifndef APP_CHECKS_H
#define APP_CHECKS_H

#include <json-c/json.h>

#include "catalog.h"

struct app_check
{
	const char *name;
	bool		ok;
	char	   *detail;
};

struct app_checks
{
	struct app_check items[16];
	int			n;
	bool		success;
};

/*
 * Run in the probe after SET LOCAL ROLE: give the current role the
 * search_path its login would (role and database, role, database, then the
 * server's), since SET ROLE applies none of a role's own settings.
 */
#define APP_PROBE_SEARCH_PATH_SQL \
"SELECT pg_catalog.set_config('search_path', COALESCE((" \
"SELECT pg_catalog.substr(c, 13) FROM pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) c" \
" WHERE pg_catalog.split_part(c, '=', 1) = 'search_path'" \
" AND s.setrole IN (0, (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER))" \
" AND s.setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()))" \
" ORDER BY s.setrole = 0, s.setdatabase = 0 LIMIT 1)," \
" (SELECT reset_val FROM pg_catalog.pg_settings WHERE name = 'search_path')), true)"

int			app_checks_run(const struct app_executor *exec, struct app_mem *mem,
						   const struct app_config *cfg,
						   const struct app_snapshot *snap,
						   struct app_checks *out, struct app_error *err);
void		app_checks_to_json(const struct app_checks *checks,
							   struct json_object *report);

#endif							/* APP_CHECKS_H */
