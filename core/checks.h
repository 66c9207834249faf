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

/* Most relations one detail names before it only counts the rest. */
#define APP_CHECK_MAX_NAMED 100

int			app_checks_run(const struct app_executor *exec, struct app_mem *mem,
						   const struct app_config *cfg,
						   const struct app_snapshot *snap,
						   struct app_checks *out, struct app_error *err);
void		app_checks_to_json(const struct app_checks *checks,
							   struct json_object *report);

#endif							/* APP_CHECKS_H */
