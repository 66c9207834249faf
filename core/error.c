/*
 * core/error.c
 *		Filling in an app_error.
 */
#include "error.h"

#include <stdarg.h>

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
