/*
 * cli/aws/token.c
 *		The RDS IAM authentication token: a presigned URL for rds-db, held to
 *		botocore's bytes (AWS-DETAIL.md §2).
 *
 * The signed Host is the host name lower-cased, with ":port" unless the
 * port is 443 (https' own); the token keeps the host name as given and
 * always has ":port".  Its parameters come in botocore's order: Action,
 * DBUser, then the signer's X-Amz-* (the canonical query is sorted apart).
 */
#include "token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
aws_rds_auth_token_with(struct sigv4_signer *signer, struct sigv4_signing *s,
						const char *host, int port, const char *user,
						const char *region, const struct aws_credentials *creds,
						time_t now, int *status)
{
	struct sigv4_buf signed_host = {0};
	struct sigv4_buf token = {0};
	struct sigv4_header headers[1];
	struct sigv4_param params[2];
	struct sigv4_request req;
	struct sigv4_config cfg;
	char		port_text[8];
	size_t		i;
	int			rc;

	if (host == NULL || host[0] == '\0' || user == NULL || user[0] == '\0' ||
		region == NULL || port < 1 || port > 65535)
	{
		*status = SIGV4_ERR_INVALID;
		return NULL;
	}
	snprintf(port_text, sizeof(port_text), "%d", port);

	/* Host: lower-cased, ":port" unless 443 */
	for (i = 0; host[i]; i++)
	{
		char		c = host[i] >= 'A' && host[i] <= 'Z' ? host[i] + ('a' - 'A') : host[i];

		sigv4_buf_append(&signed_host, &c, 1);
	}
	if (port != 443)
	{
		sigv4_buf_append(&signed_host, ":", 1);
		sigv4_buf_append(&signed_host, port_text, strlen(port_text));
	}
	if (signed_host.failed)
	{
		rc = SIGV4_ERR_NOMEM;
		goto cleanup;
	}

	headers[0] = (struct sigv4_header) {"Host", signed_host.data};
	params[0] = (struct sigv4_param) {"Action", "connect"};
	params[1] = (struct sigv4_param) {"DBUser", user};
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.path = "/";
	req.params = params;
	req.nparams = 2;
	req.headers = headers;
	req.nheaders = 1;
	sigv4_config_init(&cfg, SIGV4_FORM_QUERY);
	cfg.credentials = creds;
	cfg.region = region;
	cfg.service = "rds-db";
	cfg.time = now;
	cfg.expires = AWS_RDS_TOKEN_EXPIRES;
	if ((rc = sigv4_sign(s, signer, &cfg, &req)) != SIGV4_OK)
		goto cleanup;

	/* host:port/?Action=connect&DBUser=USER&X-Amz-... */
	sigv4_buf_append(&token, host, strlen(host));
	sigv4_buf_append(&token, ":", 1);
	sigv4_buf_append(&token, port_text, strlen(port_text));
	sigv4_buf_append(&token, "/?Action=connect&DBUser=", 24);
	sigv4_uri_encode(&token, user, strlen(user), false);
	sigv4_buf_append(&token, "&", 1);
	sigv4_buf_append(&token, s->auth_query.data, s->auth_query.len);
	rc = token.failed ? SIGV4_ERR_NOMEM : SIGV4_OK;

cleanup:
	sigv4_buf_clean_up(&signed_host);
	*status = rc;
	if (rc != SIGV4_OK)
	{
		sigv4_buf_clean_up(&token);
		return NULL;
	}
	return token.data;
}

char *
aws_rds_auth_token(const char *host, int port, const char *user,
				   const char *region, const struct aws_credentials *creds,
				   time_t now)
{
	struct sigv4_signer *signer = sigv4_signer_new(0);
	struct sigv4_signing s;
	char	   *token = NULL;
	int			status;

	if (signer == NULL)
		return NULL;
	sigv4_signing_init(&s);
	token = aws_rds_auth_token_with(signer, &s, host, port, user, region,
									creds, now, &status);
	sigv4_signing_clean_up(&s);
	sigv4_signer_free(signer);
	return token;
}
