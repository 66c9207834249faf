/*
 * test/aws/services/bed.c
 *		The test bed's side of the service calls: the fault proxy's control and
 *		request log, the checks of what a request carried, a client for the bed,
 *		and the check of a failed call's report.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/aws/http.h"
#include "cli/aws/request.h"
#include "cli/aws/svc.h"
#include "test/aws/services/test_services.h"
#include "test/unit.h"

bool
has(const struct aws_strings *s, const char *v)
{
	size_t		i;

	for (i = 0; i < s->n; i++)
		if (streq(s->v[i], v))
			return true;
	return false;
}

/* The body of the last logged request whose op is op, malloc'd, or NULL. */
static char *
logged(const char *op, const char *field)
{
	json_object *e[64] = {0};
	int			n = proxy_log(op, e, 64);
	char	   *out = NULL;
	int			i;

	if (n > 64)
		n = 64;
	if (n > 0 && entry_string(e[n - 1], field))
		out = strdup(entry_string(e[n - 1], field));
	for (i = 0; i < n && i < 64; i++)
		json_object_put(e[i]);
	return out;
}

/* Did the last op request carry each of the NULL-terminated needles? */
void
check_sent(const char *name, const char *op, const char *field, ...)
{
	va_list		args;
	const char *needle;
	char	   *body = logged(op, field);

	va_start(args, field);
	while ((needle = va_arg(args, const char *)) != NULL)
		check(body && strstr(body, needle), name, "%s: no \"%s\" in %s", op, needle, S(body));
	va_end(args);
	free(body);
}

/* Did the last op request carry none of the NULL-terminated needles? */
void
check_not_sent(const char *name, const char *op, const char *field, ...)
{
	va_list		args;
	const char *needle;
	char	   *body = logged(op, field);

	check(body != NULL, name, "%s: not logged", op);
	va_start(args, field);
	while ((needle = va_arg(args, const char *)) != NULL)
		check(body && !strstr(body, needle), name, "%s: \"%s\" in %s", op, needle, S(body));
	va_end(args);
	free(body);
}

struct aws_client *
bed_client(const struct aws_credentials *creds)
{
	struct aws_client *c = aws_client_new(creds, "us-east-1", NULL);

	c->retry.max_attempts = 1;	/* moto's 500s are its gaps: no retries */
	return c;
}

/* A failed call reported cleanly: a service error, code and text set. */
void
check_clean_error(const char *name, enum aws_status st, struct aws_error *err,
				  const char *service_op)
{
	if (check(st != AWS_OK, name, "succeeded"))
	{
		check(err->text && strstr(err->text, service_op) && err->code,
			  name, "text %s", S(err->text));
		aws_error_clean_up(err);
	}
}
