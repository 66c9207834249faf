/*
 * core/report.c
 *		Building the report from catalog rows.
 *
 * The rows are read first, then the JSON is built with no query in between,
 * so a query that fails cannot leave json-c's (malloc'd) objects behind.
 * Sorting is by bytes, the C collation, so every executor gives the same
 * bytes for the same database.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "catalog.h"

/* Built-in roles: the literal prefix "pg_" (not LIKE 'pg_%'), or "rds". */
static bool
is_builtin_role(const char *name)
{
	return strncmp(name, "pg_", 3) == 0 || strncmp(name, "rds", 3) == 0;
}

static bool
is_system_schema(const char *name)
{
	return strncmp(name, "pg_", 3) == 0 || strcmp(name, "information_schema") == 0;
}

static int
add_role(void *ctx, struct app_mem *mem, char **row, struct app_error *err)
{
	struct app_report_rows *rows = ctx;

	(void) err;
	if (!is_builtin_role(row[1]))
		app_strlist_add(mem, &rows->roles, app_strdup(mem, row[1]));
	return 0;
}

static void
add_pair(struct app_mem *mem, struct app_pairlist *list, const char *first,
		 const char *second)
{
	struct app_pair *p;

	if (list->n == list->cap)
	{
		list->cap = list->cap ? list->cap * 2 : 16;
		list->items = app_realloc(mem, list->items,
								  sizeof(struct app_pair) * (size_t) list->cap);
	}
	p = &list->items[list->n++];
	p->first = app_strdup(mem, first);
	p->second = second ? app_strdup(mem, second) : NULL;
}

/* By first, then second, bytewise (the C collation); NULL sorts first. */
static int
cmp_pair(const void *a, const void *b)
{
	const struct app_pair *x = a;
	const struct app_pair *y = b;
	int			c = strcmp(x->first, y->first);

	if (c != 0 || x->second == y->second)
		return c;
	if (x->second == NULL || y->second == NULL)
		return x->second == NULL ? -1 : 1;
	return strcmp(x->second, y->second);
}

static void
sort_pairs(struct app_pairlist *list)
{
	if (list->n > 1)
		qsort(list->items, (size_t) list->n, sizeof(struct app_pair), cmp_pair);
}

static int
add_member(void *ctx, struct app_mem *mem, char **row, struct app_error *err)
{
	struct app_report_rows *rows = ctx;

	(void) err;
	if (!is_builtin_role(row[3]))	/* as the roles list */
		add_pair(mem, &rows->members, row[3], row[4]);
	return 0;
}

static int
add_schema(void *ctx, struct app_mem *mem, char **row, struct app_error *err)
{
	struct app_report_rows *rows = ctx;

	(void) err;
	if (!is_system_schema(row[1]))
		add_pair(mem, &rows->schemas, row[1], row[2]);
	return 0;
}

/* Read the rows of the report. */
int
app_read_report(const struct app_executor *exec, struct app_mem *mem,
				struct app_report_rows *rows, struct app_error *err)
{
	memset(rows, 0, sizeof(*rows));
	if (app_read_pages(exec, mem, app_sql_roles, 0, NULL, 1, add_role, rows, err) != 0 ||
		app_read_pages(exec, mem, app_sql_memberships, 0, NULL, 3, add_member, rows, err) != 0 ||
		app_read_pages(exec, mem, app_sql_schemas, 0, NULL, 1, add_schema, rows, err) != 0)
		return -1;
	return 0;
}

/*
 * The report object: roles sorted; for each member (sorted; built-in roles
 * left out, as from roles) its groups, sorted, each once, comma-joined;
 * each schema's ACL text or null.
 */
struct json_object *
app_build_report(struct app_mem *mem, struct app_report_rows *rows)
{
	struct json_object *report = json_object_new_object();
	struct json_object *roles = json_object_new_array();
	struct json_object *groups = json_object_new_object();
	struct json_object *schemas = json_object_new_object();
	int			i;

	app_strlist_sort(&rows->roles);
	for (i = 0; i < rows->roles.n; i++)
		json_object_array_add(roles, json_object_new_string(rows->roles.items[i]));

	sort_pairs(&rows->members);
	for (i = 0; i < rows->members.n;)
	{
		const char *member = rows->members.items[i].first;
		const char *last = NULL;
		struct app_buf list;

		app_buf_init(&list, mem);
		for (; i < rows->members.n && strcmp(rows->members.items[i].first, member) == 0; i++)
		{
			const char *group = rows->members.items[i].second;

			if (last && strcmp(last, group) == 0)
				continue;		/* one pair granted by two grantors */
			if (last)
				app_buf_append(&list, ",");
			app_buf_append(&list, group);
			last = group;
		}
		json_object_object_add(groups, member, json_object_new_string(list.data));
		app_free(mem, list.data);
	}

	sort_pairs(&rows->schemas);
	for (i = 0; i < rows->schemas.n; i++)
		json_object_object_add(schemas, rows->schemas.items[i].first,
							   rows->schemas.items[i].second ?
							   json_object_new_string(rows->schemas.items[i].second) : NULL);

	json_object_object_add(report, "roles", roles);
	json_object_object_add(report, "roles_with_groups", groups);
	json_object_object_add(report, "schema_privileges", schemas);
	return report;
}

/* Serialize minified, with '/' left alone (ACLs read "U/migrator"). */
char *
app_json_string(struct app_mem *mem, struct json_object *obj)
{
	return app_strdup(mem, json_object_to_json_string_ext(obj,
														  JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}
