/*
 * cli/aws/cred_sts.c
 *		What assume role (cred_assume_role.c) and web identity
 *		(cred_web_identity.c) share: the STS region, endpoint, errors and
 *		answer, and the in-process cache of assumed-role credentials.
 */
#include "cred_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

/* botocore RefreshableCredentials: advisory and mandatory refresh margins */
#define REFRESH_ADVISORY (15 * 60)
#define REFRESH_MANDATORY (10 * 60)

static void
copy_credentials(struct aws_credentials *to, const struct aws_credentials *from)
{
	to->access_key_id = aws_xstrdup(from->access_key_id);
	to->secret_access_key = aws_xstrdup(from->secret_access_key);
	to->session_token = from->session_token ? aws_xstrdup(from->session_token) : NULL;
	to->expiration = from->expiration;
	to->source = from->source;
}

/* ------------------------------------------------------------------ */
/* The in-process cache of assumed-role credentials                    */
/* ------------------------------------------------------------------ */

struct cache_entry
{
	char	   *key;
	struct aws_credentials creds;
};

static struct cache_entry *cache;
static int	ncache;

static void
cache_free(void)
{
	int			i;

	for (i = 0; i < ncache; i++)
	{
		free(cache[i].key);
		aws_credentials_free(&cache[i].creds);
	}
	free(cache);
	cache = NULL;
	ncache = 0;
}

static struct cache_entry *
cache_find(const char *key)
{
	int			i;

	for (i = 0; i < ncache; i++)
		if (strcmp(cache[i].key, key) == 0)
			return &cache[i];
	return NULL;
}

void
cred_cache_put(const char *key, const struct aws_credentials *creds)
{
	struct cache_entry *e = cache_find(key);

	if (e == NULL)
	{
		struct cache_entry *bigger = aws_xmalloc(sizeof(*bigger) * (size_t) (ncache + 1));

		if (ncache == 0)
			atexit(cache_free);
		else
			memcpy(bigger, cache, sizeof(*bigger) * (size_t) ncache);
		free(cache);
		cache = bigger;
		e = &cache[ncache++];
		e->key = aws_xstrdup(key);
	}
	else
		aws_credentials_free(&e->creds);
	copy_credentials(&e->creds, creds);
}

/* The region STS is called in: given, the environment, the profile's, us-east-1. */
const char *
cred_sts_region(const struct resolver *r)
{
	const char *v;

	if (r->region)
		return r->region;
	if ((v = cred_env("AWS_REGION")) || (v = cred_env("AWS_DEFAULT_REGION")) ||
		(v = cred_setting(&r->files, r->profile, "region")))
		return v;
	return "us-east-1";
}

/*
 * The endpoint override the request path does not read itself: the
 * profile's endpoint_url, when no AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL
 * is set and configured endpoints are not ignored.
 */
const char *
cred_sts_endpoint_url(const struct resolver *r)
{
	if (cred_is_true(cred_env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) ||
		cred_is_true(cred_setting(&r->files, r->profile, "ignore_configured_endpoint_urls")))
		return NULL;
	if (cred_env("AWS_ENDPOINT_URL_STS") || cred_env("AWS_ENDPOINT_URL"))
		return NULL;
	return cred_setting(&r->files, r->profile, "endpoint_url");
}

/* An STS failure: the message with AWS's code; FAIL_CONFIG only for a bad endpoint. */
int
cred_sts_failed(const char *what, const char *profile, const struct aws_error *err)
{
	cred_fail("%s for profile \"%s\" failed: %s", what, profile,
			  err->text ? err->text : "unknown error");
	if (err->code && (strcmp(err->code, "AccessDenied") == 0 ||
					  strcmp(err->code, "AccessDeniedException") == 0))
		cred_fail_hint("the source credentials may not assume that role: check the role's trust policy and the caller's sts:AssumeRole permission");
	else if (err->code && (strcmp(err->code, "ExpiredToken") == 0 ||
						   strcmp(err->code, "ExpiredTokenException") == 0))
		cred_fail_hint("the source credentials (or web identity token) have expired: renew them");
	else if (err->code && strcmp(err->code, "InvalidIdentityToken") == 0)
		cred_fail_hint("the web identity token was refused: check the token file and the role's identity provider");
	return err->status == AWS_ERR_CONFIG ? FAIL_CONFIG : FAIL_REMOTE;
}

/* Read <Op>Result/Credentials of an STS answer into out. */
int
cred_read_sts_credentials(const char *operation, const char *profile,
						  const struct aws_response *resp, struct aws_credentials *out,
						  const char *source)
{
	xmlNode    *result = aws_xml_result(resp, operation);
	char	   *akid = aws_xml_path_text(result, "Credentials/AccessKeyId");
	char	   *secret = aws_xml_path_text(result, "Credentials/SecretAccessKey");
	char	   *token = aws_xml_path_text(result, "Credentials/SessionToken");
	char	   *expiration = aws_xml_path_text(result, "Credentials/Expiration");

	if (akid == NULL || !akid[0] || secret == NULL || !secret[0] || token == NULL || !token[0])
	{
		cred_fail("STS %s for profile \"%s\" answered without %sResult/Credentials", operation,
				  profile, operation);
		free(akid);
		aws_wipe_free(secret);
		aws_wipe_free(token);
		free(expiration);
		return FAIL_REMOTE;
	}
	out->access_key_id = akid;
	out->secret_access_key = secret;
	out->session_token = token;
	out->expiration = cred_parse_time(expiration);
	out->source = source;
	free(expiration);
	return FOUND;
}

/* botocore's default session name */
char *
cred_default_session_name(void)
{
	return aws_str_printf("botocore-session-%lld", (long long) time(NULL));
}

/* Use cached credentials if they have more than the advisory margin left. */
bool
cred_cache_fresh(const char *key, struct aws_credentials *out)
{
	struct cache_entry *e = cache_find(key);

	if (e && (e->creds.expiration == 0 || e->creds.expiration - time(NULL) > REFRESH_ADVISORY))
	{
		copy_credentials(out, &e->creds);
		aws_trace("AWS credentials: the cached ones of this process (expiring in %lld s)",
				  (long long) (e->creds.expiration ? e->creds.expiration - time(NULL) : 0));
		return true;
	}
	return false;
}

/* After a failed refresh: still usable until the mandatory margin. */
bool
cred_cache_still_usable(const char *key, struct aws_credentials *out)
{
	struct cache_entry *e = cache_find(key);

	if (e && e->creds.expiration - time(NULL) > REFRESH_MANDATORY)
	{
		copy_credentials(out, &e->creds);
		/* the refresh's failure is said, not returned: the call succeeds */
		if (cred_failure->text)
			aws_say(AWS_SAY_ERROR, "%s", cred_failure->text);
		if (cred_failure->hint)
			aws_say(AWS_SAY_HINT, "%s", cred_failure->hint);
		aws_error_clean_up(cred_failure);
		aws_warn("refreshing the assumed role's credentials failed; using the current ones until they near expiry");
		return true;
	}
	return false;
}
