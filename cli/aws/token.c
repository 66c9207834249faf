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

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

/* The decimal digits of port (1 to 65535), NUL-terminated; the length. */
static size_t
port_digits(char out[8], int port)
{
	char		tmp[8];
	size_t		n = 0;
	size_t		i;

	do
	{
		tmp[n++] = (char) ('0' + port % 10);
		port /= 10;
	} while (port > 0);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return n;
}

/*
 * n bytes of in to out, 'A' to 'Z' lowered, eight at a time: of the bytes
 * below 0x80, those that reach 0x80 when 0x3f is added are 'A' or above,
 * those that do when 0x25 is added are above 'Z' (no sum carries out of
 * its byte); an upper-case letter gets 0x20 added by or-ing it in.
 */
static void
lower_copy(char *out, const char *in, size_t n)
{
	const uint64_t ones = 0x0101010101010101u;
	const uint64_t tops = 0x8080808080808080u;
	size_t		i = 0;

	for (; n - i >= 8; i += 8)
	{
		uint64_t	w;
		uint64_t	low;
		uint64_t	upper;

		memcpy(&w, in + i, 8);
		low = w & ~tops;
		upper = ((low + 0x3f * ones) ^ (low + 0x25 * ones)) & ~w & tops;
		w |= upper >> 2;
		memcpy(out + i, &w, 8);
	}
	for (; i < n; i++)
		out[i] = (char) (in[i] >= 'A' && in[i] <= 'Z' ? in[i] + ('a' - 'A') : in[i]);
}

char *
aws_rds_auth_token_with(struct sigv4_signer *signer, struct sigv4_signing *s,
						const char *host, int port, const char *user,
						const char *region, const struct aws_credentials *creds,
						time_t now, int *status)
{
	char		host_stack[256];
	char	   *signed_host = host_stack;
	size_t		signed_len = 0;
	struct sigv4_buf token = {0};
	struct sigv4_header headers[1];
	struct sigv4_param params[2];
	struct sigv4_request req;
	struct sigv4_config cfg;
	char		port_text[8];
	size_t		port_len;
	size_t		host_len;
	size_t		user_len;
	char	   *p;
	int			rc;

	if (host == NULL || host[0] == '\0' || user == NULL || user[0] == '\0' ||
		region == NULL || port < 1 || port > 65535)
	{
		*status = SIGV4_ERR_INVALID;
		return NULL;
	}
	port_len = port_digits(port_text, port);
	host_len = strlen(host);
	user_len = strlen(user);

	/* Host: lower-cased, ":port" unless 443 */
	if (host_len > sizeof(host_stack) - sizeof(port_text) - 1 &&
		(signed_host = malloc(host_len + sizeof(port_text) + 1)) == NULL)
	{
		signed_host = host_stack;
		rc = SIGV4_ERR_NOMEM;
		goto cleanup;
	}
	lower_copy(signed_host, host, host_len);
	signed_len = host_len;
	if (port != 443)
	{
		signed_host[signed_len++] = ':';
		memcpy(signed_host + signed_len, port_text, port_len);
		signed_len += port_len;
	}
	signed_host[signed_len] = '\0';

	headers[0] = (struct sigv4_header) {"Host", signed_host};
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

	/*
	 * host:port/?Action=connect&DBUser=USER&X-Amz-..., in one allocation
	 * made big enough for all of it (USER encoded is at most 3 times as
	 * long), so the pieces are copied straight in.
	 */
	if (user_len > SIZE_MAX / 4 ||
		!sigv4_buf_reserve(&token, host_len + 1 + port_len + 24 + 3 * user_len + 1 +
						   s->auth_query.len))
	{
		rc = SIGV4_ERR_NOMEM;
		goto cleanup;
	}
	p = token.data;
	memcpy(p, host, host_len);
	p += host_len;
	*p++ = ':';
	memcpy(p, port_text, port_len);
	p += port_len;
	memcpy(p, "/?Action=connect&DBUser=", 24);
	p += 24;
	*p = '\0';
	token.len = (size_t) (p - token.data);
	sigv4_uri_encode(&token, user, user_len, false);
	p = token.data + token.len;
	*p++ = '&';
	memcpy(p, s->auth_query.data, s->auth_query.len);
	p += s->auth_query.len;
	*p = '\0';
	token.len = (size_t) (p - token.data);
	rc = token.failed ? SIGV4_ERR_NOMEM : SIGV4_OK;

cleanup:
	OPENSSL_cleanse(signed_host, signed_len);
	if (signed_host != host_stack)
		free(signed_host);
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
