/*
 * cli/aws/cred_web_identity.c
 *		Web identity: AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_ARN /
 *		AWS_ROLE_SESSION_NAME or the profile's, through an unsigned STS
 *		AssumeRoleWithWebIdentity (cred_sts.c: the cache).
 */
#include "cred_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "retry.h"
#include "util.h"

#define FORM_TYPE "application/x-www-form-urlencoded; charset=utf-8"
#define STS_VERSION "2011-06-15"

/*
 * STS AssumeRoleWithWebIdentity: unsigned (no Authorization, no X-Amz-Date),
 * so not through aws_call_query, which signs; the same endpoint resolution,
 * form encoding, retries and error parsing.
 */
static int
sts_assume_role_web_identity(struct resolver *r, const char *profile,
							 const struct aws_params *params, struct aws_credentials *out)
{
	struct aws_endpoint ep;
	struct aws_error err;
	struct aws_http http;
	struct aws_http_response h;
	struct aws_retry retry;
	struct sigv4_buf body = {0};
	char	   *url = NULL;
	int			attempt;
	int			rc = FAIL_REMOTE;

	cred_http_global_ready();
	aws_error_init(&err);
	err.service = aws_service_sts.id;
	err.operation = aws_xstrdup("AssumeRoleWithWebIdentity");
	if (aws_endpoint_resolve(&aws_service_sts, cred_sts_region(r), cred_sts_endpoint_url(r), &ep, &err) != AWS_OK)
	{
		rc = cred_sts_failed("assuming the role with web identity", profile, &err);
		aws_error_clean_up(&err);
		return rc;
	}
	if (!aws_http_init(&http))
	{
		cred_fail("cannot set up the HTTP client (libcurl failed)");
		aws_endpoint_clean_up(&ep);
		aws_error_clean_up(&err);
		return FAIL_REMOTE;
	}
	aws_http_response_init(&h);
	aws_retry_init(&retry);
	aws_form_encode(&body, "AssumeRoleWithWebIdentity", STS_VERSION, params);
	url = aws_str_printf("%s%s/", ep.origin, ep.base_path);
	aws_trace("aws: STS AssumeRoleWithWebIdentity: POST %s (endpoint from %s, unsigned)", url, ep.source);
	aws_retry_begin(&retry);
	for (attempt = 1;; attempt++)
	{
		struct sigv4_header headers[2] = {{"Host", ep.host}, {"Content-Type", FORM_TYPE}};
		struct aws_http_request req;
		enum aws_retry_kind kind;
		double		delay;

		memset(&req, 0, sizeof(req));
		req.method = "POST";
		req.url = url;
		req.headers = headers;
		req.nheaders = 2;
		req.body = body.data ? body.data : "";
		req.body_len = body.len;
		aws_http_perform(&http, &req, &h);
		if (h.result == AWS_HTTP_OK && h.status >= 200 && h.status < 300)
		{
			struct aws_response resp;

			aws_response_init(&resp);
			resp.status = h.status;
			if ((resp.xml = aws_xml_parse(h.body.data, h.body.len)) == NULL)
			{
				cred_fail("STS AssumeRoleWithWebIdentity for profile \"%s\" failed: the answer is not XML", profile);
				rc = FAIL_REMOTE;
			}
			else
				rc = cred_read_sts_credentials("AssumeRoleWithWebIdentity", profile, &resp, out,
											   "role assumed with STS AssumeRoleWithWebIdentity");
			aws_response_clean_up(&resp);
			break;
		}
		if (h.result != AWS_HTTP_OK)
		{
			kind = aws_retry_classify(h.result, 0, NULL);
			err.status = AWS_ERR_TRANSPORT;
			err.http_status = 0;
			free(err.message);
			err.message = aws_xstrdup(h.error ? h.error : "no answer");
			free(err.code);
			err.code = NULL;
		}
		else
		{
			aws_parse_error(AWS_PROTOCOL_QUERY, &h, &err);
			err.status = AWS_ERR_SERVICE;
			kind = aws_retry_classify(AWS_HTTP_OK, h.status, err.code);
		}
		err.attempts = attempt;
		if (!aws_retry_next(&retry, attempt, kind, &delay))
		{
			aws_error_format(&err);
			rc = cred_sts_failed("assuming the role with web identity", profile, &err);
			break;
		}
		aws_trace("aws: STS AssumeRoleWithWebIdentity: %s; attempt %d in %.2f s",
				  err.code ? err.code : err.message, attempt + 1, delay);
		aws_retry_wait(&retry, delay);
	}
	free(url);
	sigv4_buf_clean_up(&body);	/* it carries the token */
	aws_http_response_clean_up(&h);
	aws_http_clean_up(&http);
	aws_endpoint_clean_up(&ep);
	aws_error_clean_up(&err);
	return rc;
}

/* Web identity: each setting from the environment first (when enabled), then the profile. */
int
cred_web_identity(struct resolver *r, const char *profile, bool env_enabled,
				  struct aws_credentials *out)
{
	const char *token_file = env_enabled ? cred_env("AWS_WEB_IDENTITY_TOKEN_FILE") : NULL;
	const char *role_arn = env_enabled ? cred_env("AWS_ROLE_ARN") : NULL;
	const char *session = env_enabled ? cred_env("AWS_ROLE_SESSION_NAME") : NULL;
	struct aws_params params;
	char	   *token;
	char	   *session_name;
	char	   *key;
	int			rc;

	if (token_file == NULL)
		token_file = cred_setting(&r->files, profile, "web_identity_token_file");
	if (token_file == NULL)
		return ABSENT;
	if (role_arn == NULL)
		role_arn = cred_setting(&r->files, profile, "role_arn");
	if (session == NULL)
		session = cred_setting(&r->files, profile, "role_session_name");
	if (role_arn == NULL)
	{
		cred_fail("web identity is configured (token file %s) but no role ARN is (profile \"%s\")",
				  token_file, profile);
		cred_fail_hint("set AWS_ROLE_ARN, or role_arn in the profile");
		return FAIL_CONFIG;
	}
	key = aws_str_printf("AssumeRoleWithWebIdentity\n%s\n%s\n%s\n%s", role_arn, token_file,
					session ? session : "", cred_sts_endpoint_url(r) ? cred_sts_endpoint_url(r) : "");
	if (cred_cache_fresh(key, out))
	{
		free(key);
		return FOUND;
	}
	/* re-read at every refresh, as botocore does */
	if ((token = aws_read_file(token_file)) == NULL)
	{
		cred_fail("cannot read the web identity token file %s: %s", token_file, strerror(errno));
		free(key);
		return FAIL_CONFIG;
	}
	session_name = session ? aws_xstrdup(session) : cred_default_session_name();
	aws_params_init(&params);
	aws_params_add(&params, "RoleArn", role_arn);
	aws_params_add(&params, "RoleSessionName", session_name);
	aws_params_add(&params, "WebIdentityToken", token);
	aws_trace("AWS credentials: assuming role %s (session %s) with the web identity token in %s",
			  role_arn, session_name, token_file);
	rc = sts_assume_role_web_identity(r, profile, &params, out);
	if (rc == FOUND)
		cred_cache_put(key, out);
	else if (cred_cache_still_usable(key, out))
		rc = FOUND;
	aws_params_free(&params);
	aws_wipe_free(token);
	free(session_name);
	free(key);
	return rc;
}
