/*
 * cli/output.c
 *		The report as text: roles, memberships, schema ACLs, then each check
 *		with a mark and its detail, then check --login's logins; the
 *		outputs command's key: value lines or JSON object; the marks, and
 *		plan's lines.
 */
#include "output.h"

#include <langinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "msgs.h"
#include "util.h"

void
print_json(struct json_object *obj)
{
	printf("%s\n", json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
												  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

void
print_url(const char *role, const char *url, enum appdb_output output)
{
	struct json_object *obj;

	if (output != OUTPUT_JSON)
	{
		printf("%s\n", url);
		return;
	}
	obj = json_object_new_object();
	json_object_object_add(obj, "role", json_object_new_string(role));
	json_object_object_add(obj, "url", json_object_new_string(url));
	print_json(obj);
}

const char *
output_mark(bool ok)
{
	/* [utf8][colour][ok] */
	static const char *const marks[2][2][2] = {
		{{"FAIL", "ok  "}, {"\033[31mFAIL\033[0m", "\033[32mok  \033[0m"}},
		{{"\u2717", "\u2713"}, {"\033[31m\u2717\033[0m", "\033[32m\u2713\033[0m"}},
	};
	static int	utf8 = -1;
	static int	colour;

	if (utf8 < 0)
	{
		const char *no_colour = getenv("NO_COLOR");

		/* the locale is main's: setlocale(LC_CTYPE, "") */
		utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
		colour = isatty(STDOUT_FILENO) && (no_colour == NULL || no_colour[0] == '\0');
	}
	return marks[utf8][colour][ok];
}

void
plan_lines_init(struct plan_lines *p, enum appdb_output output)
{
	p->output = output;
	p->list = output == OUTPUT_JSON ? json_object_new_array() : NULL;
}

void
plan_keep(struct plan_lines *p, const char *action, const char *detail)
{
	struct json_object *item;

	if (p->list == NULL)
		return;
	item = json_object_new_object();
	json_object_object_add(item, "action", json_object_new_string(action));
	json_object_object_add(item, "detail", json_object_new_string(detail));
	json_object_array_add(p->list, item);
}

void
plan_line(struct plan_lines *p, const char *action, const char *fmt,...)
{
	va_list		args;
	char	   *detail;

	va_start(args, fmt);
	detail = str_vprintf(fmt, args);
	va_end(args);
	if (p->output == OUTPUT_JSON)
		plan_keep(p, action, detail);
	else
		printf("%s: %s\n", action, detail);
	free(detail);
}

struct json_object *
plan_lines_take(struct plan_lines *p)
{
	struct json_object *list = p->list;

	p->list = NULL;
	return list;
}

void
plan_lines_free(struct plan_lines *p)
{
	json_object_put(p->list);
	p->list = NULL;
}

static void
print_heading(const char *title)
{
	printf("%s\n", title);
}

/*
 * One line per item of list: a mark for its "ok", label, its name (under
 * key, padded to width) and its "detail".  Returns how many are not ok.
 */
static size_t
print_marked(struct json_object *list, const char *label, const char *key, int width)
{
	size_t		failed = 0;
	size_t		i,
				n;

	for (i = 0, n = json_object_array_length(list); i < n; i++)
	{
		struct json_object *item = json_object_array_get_idx(list, i);
		struct json_object *name,
				   *ok,
				   *detail;

		json_object_object_get_ex(item, key, &name);
		json_object_object_get_ex(item, "ok", &ok);
		json_object_object_get_ex(item, "detail", &detail);
		if (!json_object_get_boolean(ok))
			failed++;
		printf("  %s %s%-*s %s\n", output_mark(json_object_get_boolean(ok)), label,
			   width, json_object_get_string(name), json_object_get_string(detail));
	}
	return failed;
}

int
print_report(const char *json, enum appdb_output output)
{
	struct json_object *root;
	struct json_object *v;
	size_t		i,
				n;

	if (output == OUTPUT_JSON)
	{
		printf("%s\n", json);
		return 0;
	}
	root = json_tokener_parse(json);
	if (root == NULL)
		return -1;

	print_heading("Roles");
	if (json_object_object_get_ex(root, "roles", &v))
		for (i = 0, n = json_object_array_length(v); i < n; i++)
			printf("  %s\n", json_object_get_string(json_object_array_get_idx(v, i)));

	print_heading("\nMemberships (role: member of)");
	if (json_object_object_get_ex(root, "roles_with_groups", &v))
	{
		json_object_object_foreach(v, member, groups)
			printf("  %-24s %s\n", member, json_object_get_string(groups));
	}

	print_heading("\nSchema privileges");
	if (json_object_object_get_ex(root, "schema_privileges", &v))
	{
		json_object_object_foreach(v, schema, acl)
			printf("  %-24s %s\n", schema, acl ? json_object_get_string(acl) : "(default)");
	}

	if (json_object_object_get_ex(root, "checks", &v))
	{
		size_t		failed;

		print_heading("\nChecks");
		failed = print_marked(v, "", "check", 24);
		n = json_object_array_length(v);
		if (failed == 0)
			printf("\nAll %zu checks passed.\n", n);
		else
			printf("\n%zu of %zu checks failed.\n", failed, n);
	}

	/* check --login's, after the checks' summary */
	if (json_object_object_get_ex(root, "login", &v))
		print_marked(v, "login ", "role", 18);
	json_object_put(root);
	return 0;
}

int
print_outputs(const struct output_item *items, size_t n, enum appdb_output output)
{
	size_t		i;
	int			width = 0;
	size_t		missing = 0;
	char	   *names = NULL;

	for (i = 0; i < n; i++)
		if ((int) strlen(items[i].key) > width)
			width = (int) strlen(items[i].key);
	if (output == OUTPUT_JSON)
	{
		/* strings only: Terraform's external data source takes no other type */
		struct json_object *obj = json_object_new_object();

		for (i = 0; i < n; i++)
			json_object_object_add(obj, items[i].key,
								   items[i].value ? json_object_new_string(items[i].value) : NULL);
		print_json(obj);
	}
	else
		for (i = 0; i < n; i++)
		{
			if (items[i].value)
				printf("%s:%*s %s\n", items[i].key, width - (int) strlen(items[i].key), "",
					   items[i].value);
			else if (items[i].made_by)
				printf("%s:%*s (none: %s)\n", items[i].key, width - (int) strlen(items[i].key), "",
					   items[i].made_by);
			else
				printf("%s:%*s (none)\n", items[i].key, width - (int) strlen(items[i].key), "");
		}
	for (i = 0; i < n; i++)
		if (items[i].value == NULL && items[i].made_by)
		{
			list_append(&names, items[i].key);
			missing++;
		}
	if (missing == 0)
		return EXIT_OK;
	errorf("%zu output%s missing: %s", missing, missing == 1 ? " is" : "s are", names);
	for (i = 0; i < n; i++)
		if (items[i].value == NULL && items[i].made_by)
		{
			hintf("%s", items[i].made_by);
			break;
		}
	free(names);
	return EXIT_USAGE;
}
