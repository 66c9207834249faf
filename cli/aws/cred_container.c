/*
 * cli/aws/cred_container.c
 *		Container credentials (ECS): AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 *		or _FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]; and
 *		the metadata requests that instance metadata (cred_imds.c) shares.
 */
#include "cred_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "util.h"

/* One metadata request, its header logging off (an IMDS token is a secret). */
void
cred_metadata_request(struct aws_http *http, const char *method, const char *url,
					  const struct sigv4_header *headers, size_t nheaders,
					  struct aws_http_response *h)
{
	struct aws_http_request req;
	bool		tracing;

	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = url;
	req.headers = headers;
	req.nheaders = nheaders;
	tracing = aws_set_tracing(false);
	aws_http_perform(http, &req, h);
	aws_set_tracing(tracing);
	if (h->result == AWS_HTTP_OK)
		aws_trace("aws: metadata %s %s: HTTP %ld", method, url, h->status);
	else
		aws_trace("aws: metadata %s %s: %s", method, url, h->error ? h->error : "no answer");
}

/* The credentials of a metadata JSON answer (Token or SessionToken). */
bool
cred_metadata_json_credentials(const struct aws_http_response *h, struct aws_credentials *out,
							   const char *source)
{
	json_object *root = aws_json_parse(h->body.data, h->body.len);
	json_object *akid,
			   *secret,
			   *token = NULL,
			   *exp = NULL;
	bool		ok = false;

	if (root && json_object_is_type(root, json_type_object) &&
		json_object_object_get_ex(root, "AccessKeyId", &akid) &&
		json_object_is_type(akid, json_type_string) &&
		json_object_object_get_ex(root, "SecretAccessKey", &secret) &&
		json_object_is_type(secret, json_type_string))
	{
		if (!json_object_object_get_ex(root, "Token", &token))
			json_object_object_get_ex(root, "SessionToken", &token);
		json_object_object_get_ex(root, "Expiration", &exp);
		out->access_key_id = aws_xstrdup(json_object_get_string(akid));
		out->secret_access_key = aws_xstrdup(json_object_get_string(secret));
		out->session_token = token && json_object_is_type(token, json_type_string) ?
			aws_xstrdup(json_object_get_string(token)) : NULL;
		out->expiration = exp && json_object_is_type(exp, json_type_string) ?
			cred_parse_time(json_object_get_string(exp)) : 0;
		out->source = source;
		ok = true;
	}
	if (root)
		json_object_put(root);
	return ok;
}

/* The host of an http(s) URL, lower-cased, brackets removed; NULL if none. */
static char *
url_host(const char *url, char **scheme)
{
	const char *p = strstr(url, "://");
	const char *h;
	const char *end;
	char	   *host;
	char	   *c;

	*scheme = NULL;
	if (p == NULL)
		return NULL;
	*scheme = aws_str_printf("%.*s", (int) (p - url), url);
	for (c = *scheme; *c; c++)
		*c = (char) tolower((unsigned char) *c);
	h = p + 3;
	{
		const char *at = h + strcspn(h, "/?#");
		const char *u = memchr(h, '@', (size_t) (at - h));

		if (u)
			h = u + 1;
	}
	if (*h == '[')
	{
		end = strchr(h, ']');
		if (end == NULL)
			return NULL;
		h++;
	}
	else
		end = h + strcspn(h, ":/?#");
	if (end == h)
		return NULL;
	host = aws_str_printf("%.*s", (int) (end - h), h);
	for (c = host; *c; c++)
		*c = (char) tolower((unsigned char) *c);
	return host;
}

/* botocore ContainerMetadataFetcher: https, a loopback address, or its hosts. */
static bool
container_url_allowed(const char *url, char **why)
{
	char	   *scheme;
	char	   *host = url_host(url, &scheme);
	bool		ok = false;

	if (scheme && strcmp(scheme, "https") == 0 && host)
		ok = true;
	else if (scheme == NULL || strcmp(scheme, "http") != 0)
		*why = aws_xstrdup("it must be an http or https URL");
	else if (host == NULL)
		*why = aws_xstrdup("it has no host");
	else if (strcmp(host, "169.254.170.2") == 0 || strcmp(host, "169.254.170.23") == 0 ||
			 strcmp(host, "fd00:ec2::23") == 0 || strcmp(host, "localhost") == 0 ||
			 strcmp(host, "::1") == 0)
		ok = true;
	else
	{
		int			a, b, c, d;
		char		extra;

		if (sscanf(host, "%d.%d.%d.%d%c", &a, &b, &c, &d, &extra) == 4 && a == 127 &&
			b >= 0 && b < 256 && c >= 0 && c < 256 && d >= 0 && d < 256)
			ok = true;
		else
			*why = aws_str_printf("an http URL must name a loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23, not \"%s\"", host);
	}
	free(scheme);
	free(host);
	return ok;
}

int
cred_from_container(struct aws_credentials *out)
{
	const char *rel = cred_env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = cred_env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *token_file = cred_env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	char	   *token = NULL;
	char	   *url;
	char	   *why = NULL;
	struct aws_http http;
	struct aws_http_response h;
	struct sigv4_header headers[2];
	size_t		nheaders = 0;
	int			attempt;
	int			rc = FAIL_REMOTE;

	if (rel == NULL && full == NULL)
		return ABSENT;
	if (rel)
		url = aws_str_printf("http://169.254.170.2%s%s", rel[0] == '/' ? "" : "/", rel);
	else
	{
		if (!container_url_allowed(full, &why))
		{
			cred_fail("AWS_CONTAINER_CREDENTIALS_FULL_URI \"%s\" is not allowed: %s", full, why);
			free(why);
			return FAIL_CONFIG;
		}
		url = aws_xstrdup(full);
	}
	if (token_file)
	{
		if ((token = aws_read_file(token_file)) == NULL)
		{
			cred_fail("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s: %s", token_file, strerror(errno));
			free(url);
			return FAIL_CONFIG;
		}
		/* the file's content as the header, without the final newline */
		{
			size_t		n = strlen(token);

			while (n > 0 && (token[n - 1] == '\n' || token[n - 1] == '\r'))
				token[--n] = '\0';
		}
	}
	else if (cred_env("AWS_CONTAINER_AUTHORIZATION_TOKEN"))
		token = aws_xstrdup(cred_env("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
	if (token && strpbrk(token, "\r\n"))
	{
		cred_fail("the container authorization token is not a legal header value (it has a line break)");
		aws_wipe_free(token);
		free(url);
		return FAIL_CONFIG;
	}
	headers[nheaders++] = (struct sigv4_header) {"Accept", "application/json"};
	if (token)
		headers[nheaders++] = (struct sigv4_header) {"Authorization", token};

	cred_http_global_ready();
	if (!aws_http_init(&http))
	{
		cred_fail("cannot set up the HTTP client (libcurl failed)");
		aws_wipe_free(token);
		free(url);
		return FAIL_REMOTE;
	}
	/* botocore: 2 s timeout, 3 attempts, 1 s apart */
	http.connect_timeout_ms = 2000;
	http.timeout_ms = 2000;
	aws_http_response_init(&h);
	for (attempt = 1; attempt <= 3; attempt++)
	{
		cred_metadata_request(&http, "GET", url, headers, nheaders, &h);
		if (h.result == AWS_HTTP_OK && h.status == 200)
		{
			if (cred_metadata_json_credentials(&h, out, "container credentials endpoint"))
			{
				rc = FOUND;
				break;
			}
			free(why);
			why = aws_xstrdup("the answer has no AccessKeyId and SecretAccessKey");
		}
		else
		{
			free(why);
			why = h.result == AWS_HTTP_OK ? aws_str_printf("HTTP %ld", h.status) :
				aws_xstrdup(h.error ? h.error : "no answer");
		}
		if (attempt < 3)
			sleep(1);
	}
	if (rc != FOUND)
	{
		cred_fail("cannot get AWS credentials from the container endpoint %s: %s (after 3 attempts)",
				  rel ? "(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)" : url, why ? why : "failed");
		cred_fail_hint("check AWS_CONTAINER_CREDENTIALS_%s and the authorization token",
					   rel ? "RELATIVE_URI" : "FULL_URI");
	}
	free(why);
	aws_http_response_clean_up(&h);
	aws_http_clean_up(&http);
	aws_wipe_free(token);
	free(url);
	return rc;
}
