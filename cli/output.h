/*
 * cli/output.h
 *		Printing reports: the JSON itself, or readable tables.
 */
#ifndef APPDB_OUTPUT_H
#define APPDB_OUTPUT_H

#include <stddef.h>

#include "options.h"

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

#endif							/* APPDB_OUTPUT_H */
