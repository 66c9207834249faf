/*
 * cli/aws/cred_imds.c
 *		EC2 instance metadata, IMDSv2 (a token PUT, then the role and its
 *		credentials), 1 s timeout and 1 attempt by default; the requests
 *		are cred_container.c's.
 */
#include "cred_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* A positive number from the environment or the profile, else dflt. */
static long
number_setting(const struct resolver *r, const char *envname, const char *key, long dflt)
{
	const char *v = cred_env(envname);
	char	   *end;
	long		n;

	if (v == NULL && r)
		v = cred_setting(&r->files, r->profile, key);
	if (v == NULL)
		return dflt;
	n = strtol(v, &end, 10);
	return end != v && *end == '\0' && n > 0 ? n : dflt;
}

/* GET (or PUT) with the attempts botocore makes; true on HTTP 200. */
static bool
imds_call(struct aws_http *http, const char *method, const char *url,
		  const struct sigv4_header *headers, size_t nheaders, int attempts,
		  struct aws_http_response *h)
{
	int			i;

	for (i = 0; i < attempts; i++)
	{
		cred_metadata_request(http, method, url, headers, nheaders, h);
		if (h->result == AWS_HTTP_OK && (h->status == 200 || h->status == 400 ||
										 (strcmp(method, "PUT") == 0 &&
										  (h->status == 403 || h->status == 404 || h->status == 405))))
			break;
	}
	return h->result == AWS_HTTP_OK && h->status == 200;
}

int
cred_from_imds(const struct resolver *r, struct aws_credentials *out)
{
	const char *base;
	const char *mode;
	char	   *root;
	char	   *url;
	char	   *token = NULL;
	char	   *role = NULL;
	struct aws_http http;
	struct aws_http_response h;
	struct sigv4_header headers[1];
	size_t		nheaders = 0;
	long		timeout;
	int			attempts;
	int			rc = ABSENT;

	if (cred_is_true(cred_env("AWS_EC2_METADATA_DISABLED")))
	{
		aws_trace("AWS credentials: instance metadata skipped (AWS_EC2_METADATA_DISABLED)");
		return ABSENT;
	}
	base = cred_env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	if (base == NULL)
		base = cred_setting(&r->files, r->profile, "ec2_metadata_service_endpoint");
	if (base == NULL)
	{
		mode = cred_env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
		if (mode == NULL)
			mode = cred_setting(&r->files, r->profile, "ec2_metadata_service_endpoint_mode");
		base = mode && strcasecmp(mode, "ipv6") == 0 ? "http://[fd00:ec2::254]" : "http://169.254.169.254";
	}
	root = aws_xstrdup(base);
	while (root[0] && root[strlen(root) - 1] == '/')
		root[strlen(root) - 1] = '\0';
	timeout = number_setting(r, "AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout", 1);
	attempts = (int) number_setting(r, "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
									"metadata_service_num_attempts", 1);

	cred_http_global_ready();
	if (!aws_http_init(&http))
	{
		free(root);
		return ABSENT;
	}
	http.connect_timeout_ms = timeout * 1000;
	http.timeout_ms = timeout * 1000;
	aws_http_response_init(&h);

	/* IMDSv2: the session token first */
	url = aws_str_printf("%s/latest/api/token", root);
	headers[0] = (struct sigv4_header) {"x-aws-ec2-metadata-token-ttl-seconds", "21600"};
	if (imds_call(&http, "PUT", url, headers, 1, attempts, &h))
		token = aws_str_printf("%.*s", (int) h.body.len, h.body.data ? h.body.data : "");
	else if (h.result == AWS_HTTP_OK && h.status == 400)
		goto done;				/* botocore: BadIMDSRequestError, no credentials */
	else if (cred_is_true(cred_env("AWS_EC2_METADATA_V1_DISABLED")) ||
			 cred_is_true(cred_setting(&r->files, r->profile, "ec2_metadata_v1_disabled")))
		goto done;
	free(url);
	if (token)
		headers[nheaders++] = (struct sigv4_header) {"x-aws-ec2-metadata-token", token};

	url = aws_str_printf("%s/latest/meta-data/iam/security-credentials/", root);
	if (!imds_call(&http, "GET", url, headers, nheaders, attempts, &h) || h.body.len == 0)
		goto done;
	role = aws_str_printf("%.*s", (int) h.body.len, h.body.data);
	role[strcspn(role, "\r\n")] = '\0';
	if (role[0] == '\0' || strchr(role, '/'))
		goto done;
	free(url);
	url = aws_str_printf("%s/latest/meta-data/iam/security-credentials/%s", root, role);
	if (!imds_call(&http, "GET", url, headers, nheaders, attempts, &h))
		goto done;
	if (cred_metadata_json_credentials(&h, out, "EC2 instance metadata (IMDSv2)"))
	{
		if (token == NULL)
			out->source = "EC2 instance metadata (IMDSv1)";
		aws_trace("AWS credentials: instance role \"%s\"", role);
		rc = FOUND;
	}
done:
	if (rc != FOUND)
		aws_trace("AWS credentials: none from instance metadata at %s", root);
	free(url);
	free(role);
	aws_wipe_free(token);
	aws_http_response_clean_up(&h);
	aws_http_clean_up(&http);
	free(root);
	return rc;
}
