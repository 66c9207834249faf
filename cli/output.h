/*
 * cli/output.h
 *		Printing reports: the JSON itself, or readable tables.
 */
#ifndef APPDB_OUTPUT_H
#define APPDB_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include "options.h"

struct json_object;

/* One line of outputs: a value, or NULL with the command that makes it. */
struct output_item
{
	const char *key;			/* snake_case, stable: scripts read it */
	const char *value;			/* NULL: missing */
	const char *made_by;		/* when missing: e.g. "run provision"; NULL:
								 * optional, its absence is no error */
};

/*
 * Print outputs as "key: value" lines, or one JSON object of strings (null
 * where missing); then name what is missing.  Returns EXIT_OK, or
 * EXIT_USAGE when something is missing.
 */
int			print_outputs(const struct output_item *items, size_t n, enum appdb_output output);

/* Print a report (setup's or check's); returns -1 if it is not valid JSON. */
int			print_report(const char *json, enum appdb_output output);

/* url: the connection string alone, or {"role", "url"}. */
void		print_url(const char *role, const char *url, enum appdb_output output);

/* Print obj as one line of JSON (no escaped slashes), then free it. */
void		print_json(struct json_object *obj);

/*
 * A check's mark: ✓ or ✗ where the locale's codeset is UTF-8, else "ok  "
 * or "FAIL" (as wide); green or red only when stdout is a terminal and
 * NO_COLOR is unset or empty (https://no-color.org).
 */
const char *output_mark(bool ok);

/*
 * plan's lines, "action: detail": printed as they come, or with --output
 * json kept as {"action", "detail"} objects for one document at the end.
 */
struct plan_lines
{
	enum appdb_output output;
	struct json_object *list;	/* JSON: the lines so far */
};

void		plan_lines_init(struct plan_lines *p, enum appdb_output output);
void		plan_line(struct plan_lines *p, const char *action, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));
/* JSON only: keep a line without printing it (provision's steps) */
void		plan_keep(struct plan_lines *p, const char *action, const char *detail);
/* The lines kept (an array, owned by the caller), or NULL with text. */
struct json_object *plan_lines_take(struct plan_lines *p);
void		plan_lines_free(struct plan_lines *p);

#endif							/* APPDB_OUTPUT_H */
