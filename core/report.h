/*
 * core/report.h
 *		The JSON report of DESIGN §4: roles, memberships, schema ACLs.
 */
#ifndef APP_REPORT_H
#define APP_REPORT_H

#include <json-c/json.h>

#include "exec.h"

/* Two strings; second may be NULL. */
struct app_pair
{
	char	   *first;
	char	   *second;
};

struct app_pairlist
{
	struct app_pair *items;
	int			n;
	int			cap;
};

/* The rows behind a report, read in pages and kept until the JSON is built. */
struct app_report_rows
{
	struct app_strlist roles;
	struct app_pairlist members;	/* (member, group), one per catalog row */
	struct app_pairlist schemas;	/* (name, ACL text or NULL) */
};

int			app_read_report(const struct app_executor *exec, struct app_mem *mem,
							struct app_report_rows *rows, struct app_error *err);
struct json_object *app_build_report(struct app_mem *mem,
									 struct app_report_rows *rows);
char	   *app_json_string(struct app_mem *mem, struct json_object *obj);

#endif							/* APP_REPORT_H */
