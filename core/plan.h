/*
 * core/plan.h
 *		From a catalog snapshot and the configuration to the statements setup
 *		still needs, in order; none when the database has converged.
 */
#ifndef APP_PLAN_H
#define APP_PLAN_H

#include "catalog.h"
#include "config.h"

int			app_plan(struct app_mem *mem, const struct app_config *cfg,
					 const struct app_snapshot *snap, struct app_strlist *out,
					 struct app_error *err);

/* "GRANT "role" TO "master"" as the server's version spells it for acting as role. */
void		app_grant_act_as(struct app_buf *buf, const struct app_snapshot *snap,
							 const char *role);

#endif							/* APP_PLAN_H */
