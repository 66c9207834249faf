/*
 * test/aws/proxy_control.c
 *		The fault proxy's control (reset, faults, its request log) as the
 *		request and service tests drive it, over the AWS client's own HTTP.
 */
#define _GNU_SOURCE
#include "test/aws/proxy_control.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/aws/response.h"

#define S(x) ((x) ? (x) : "(null)")

const char *proxy_url;
struct aws_http control;

/* A control call to the fault proxy; the body answered, malloc'd. */
char *
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

void
proxy_fault(const char *json)
{
	free(proxy("POST", "/__proxy/faults", json));
}

/* The proxy's log entries whose "op" is op (NULL: all), up to max. */
int
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
								 json_object_get_string(v) &&
								 strcmp(json_object_get_string(v), op) == 0)))
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

const char *
entry_string(json_object *e, const char *name)
{
	json_object *v;

	return json_object_object_get_ex(e, name, &v) ? json_object_get_string(v) : NULL;
}
