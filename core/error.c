/*
 * core/error.c
 *		Filling in an app_error.
 */
#include "error.h"

#include <stdarg.h>
#include <string.h>

/* Record an error and return -1, so callers can "return app_error_set(...)". */
int
app_error_set(struct app_error *err, struct app_mem *mem,
			  enum app_error_kind kind, const char *detail, const char *hint,
			  const char *fmt,...)
{
	struct app_buf msg;
	va_list		args;

	app_buf_init(&msg, mem);
	va_start(args, fmt);
	app_buf_vprintf(&msg, fmt, args);
	va_end(args);
	err->kind = kind;
	err->message = msg.data;
	err->detail = detail ? app_strdup(mem, detail) : NULL;
	err->hint = hint ? app_strdup(mem, hint) : NULL;
	err->sqlstate = NULL;
	return -1;
}

/*
 * Advisory locks are per database while roles are cluster-wide, so a setup
 * in another database can get to a role first: CREATE ROLE then fails with
 * duplicate_object (42710) or unique_violation (23505), and a GRANT or ALTER
 * ROLE on a catalog row it updated with "tuple concurrently updated", which
 * PostgreSQL raises as internal_error (XX000), its only SQLSTATE.  Setup's
 * statements raise XX000 for nothing else, and a retry is harmless.
 */
bool
app_sqlstate_lost_race(const char *sqlstate)
{
	return sqlstate && (strcmp(sqlstate, "42710") == 0 ||
						strcmp(sqlstate, "23505") == 0 ||
						strcmp(sqlstate, "XX000") == 0);
}
