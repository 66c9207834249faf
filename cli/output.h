/*
 * cli/output.h
 *		Printing reports: the JSON itself, or readable tables.
 */
#ifndef APPDB_OUTPUT_H
#define APPDB_OUTPUT_H

#include "options.h"

/* Print a report (setup's or check's); returns -1 if it is not valid JSON. */
int			print_report(const char *json, enum appdb_output output);

#endif							/* APPDB_OUTPUT_H */
