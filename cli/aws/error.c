/*
 * cli/aws/error.c
 *		The AWS client's failures (see error.h).
 */
#include "error.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void
aws_error_init(struct aws_error *err)
{
	memset(err, 0, sizeof(*err));
}

void
aws_error_clean_up(struct aws_error *err)
{
	free(err->operation);
	free(err->code);
	free(err->message);
	free(err->request_id);
	free(err->text);
	free(err->hint);
	memset(err, 0, sizeof(*err));
}

enum aws_status
aws_error_set(struct aws_error *err, enum aws_status status, const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	free(err->text);
	err->text = aws_str_vprintf(fmt, args);
	va_end(args);
	err->status = status;
	return status;
}

void
aws_error_hint(struct aws_error *err, const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	free(err->hint);
	err->hint = aws_str_vprintf(fmt, args);
	va_end(args);
}
