/*
 * core/run.h
 *		setup, check and plan, driven over an executor.
 *
 * Each runs inside the caller's transaction (the executor's), under a
 * transaction-scoped advisory lock; the caller commits or rolls back.
 */
#ifndef APP_RUN_H
#define APP_RUN_H

#include "config.h"
#include "exec.h"

int			app_run_plan(const struct app_executor *exec, struct app_mem *mem,
						 const struct app_config *cfg, struct app_strlist *out,
						 struct app_error *err);
int			app_run_setup(const struct app_executor *exec, struct app_mem *mem,
						  const struct app_config *cfg, int *executed,
						  char **report, struct app_error *err);
int			app_run_check(const struct app_executor *exec, struct app_mem *mem,
						  const struct app_config *cfg, bool *success,
						  char **report, struct app_error *err);
int			app_run_report(const struct app_executor *exec, struct app_mem *mem,
						   char **report, struct app_error *err);

/* The report indented, its keys in the same order; NULL if it does not parse. */
char	   *app_json_pretty(struct app_mem *mem, const char *json);

#endif							/* APP_RUN_H */
