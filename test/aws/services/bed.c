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

const char *proxy_url;
struct aws_http control;

/* A control call to the fault proxy; the body answered, malloc'd. */
static char *
proxy(const char *method, const char *path, const char *body)
{
	struct aws_http_response h;
	struct aws_http_request req;
	struct sigv4_header headers[2];
	char	   *url;
	char	   *out = NULL;
	char		host[128];

	snprintf(host, sizeof(host), "%s", proxy_url + strlen("http://"));
	url = malloc(strlen(proxy_url) + strlen(path) + 1);
	sprintf(url, "%s%s", proxy_url, path);
	headers[0] = (struct sigv4_header) {"Host", host};
	headers[1] = (struct sigv4_header) {"Content-Type", "application/json"};
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = url;
	req.headers = headers;
	req.nheaders = body ? 2 : 1;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	aws_http_response_init(&h);
	if (aws_http_perform(&control, &req, &h) == AWS_HTTP_OK && h.status == 200)
		out = strdup(h.body.data ? h.body.data : "");
	else
		printf("proxy control %s %s failed: %s %ld\n", method, path, S(h.error), h.status);
	aws_http_response_clean_up(&h);
	free(url);
	return out;
}

void
proxy_reset(void)
{
	free(proxy("POST", "/__proxy/reset", ""));
}

static void __attribute__((unused))
proxy_fault(const char *json)
{
	free(proxy("POST", "/__proxy/faults", json));
}

/* The proxy's log entries whose "op" is op (NULL: all), up to max. */
static int
proxy_log(const char *op, json_object **entries, int max)
{
	char	   *text = proxy("GET", "/__proxy/log", NULL);
	char	   *save = NULL;
	char	   *line;
	int			n = 0;

	if (text == NULL)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
	{
		json_object *e = aws_json_parse(line, strlen(line));
		json_object *v;

		if (e && (op == NULL || (json_object_object_get_ex(e, "op", &v) &&
								 streq(json_object_get_string(v), op))))
		{
			if (entries && n < max)
				entries[n] = json_object_get(e);
			n++;
		}
		json_object_put(e);
	}
	free(text);
	return n;
}

static const char *
entry_string(json_object *e, const char *name)
{
	json_object *v;

	return json_object_object_get_ex(e, name, &v) ? json_object_get_string(v) : NULL;
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
