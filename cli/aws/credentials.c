/*
 * cli/aws/credentials.c
 *		Credentials and region, as the SDKs resolve them (AWS.md
 *		"Credentials, region, endpoints"; botocore credentials.py,
 *		create_credential_resolver), first that yields:
 *
 *		1. the environment's keys (skipped under an explicit --profile);
 *		2. assume role: the profile's role_arn with source_profile (static
 *		   keys, another role, ... recursively; a cycle is an error) or
 *		   credential_source (Environment, Ec2InstanceMetadata,
 *		   EcsContainer), through STS AssumeRole signed with the source's
 *		   credentials;
 *		3. web identity: AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_ARN /
 *		   AWS_ROLE_SESSION_NAME, each before the profile's own setting,
 *		   through an unsigned STS AssumeRoleWithWebIdentity;
 *		4. (SSO: refused with a clear message);
 *		5. the shared credentials file; 6. credential_process; 7. the
 *		   config file's keys;
 *		8. container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or
 *		   _FULL_URI, with AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]);
 *		9. EC2 instance metadata, IMDSv2 (a token PUT, then the role and
 *		   its credentials), 1 s timeout and 1 attempt by default.
 *
 * STS calls go through the request path (request.c), so the endpoint
 * overrides and the standard retries apply: AWS_ENDPOINT_URL_STS, then
 * AWS_ENDPOINT_URL, then the profile's endpoint_url.  Assumed-role
 * credentials are kept in the process until fifteen minutes before they
 * expire (botocore's advisory refresh margin; after a failed refresh they
 * are still used until ten minutes before, its mandatory margin).
 *
 * Secret keys and session tokens are never printed: --verbose says only
 * where the credentials came from (and the metadata requests, whose token
 * header is a secret too, are not logged header by header).
 */
#include "credentials.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "http.h"
#include "profile.h"
#include "request.h"
#include "response.h"
#include "util.h"

/* Results of a provider besides a failure (FAIL_ below, >= 0). */
#define FOUND (-1)
#define ABSENT (-2)
/* A resolution failed, for the reason recorded in *failure: */
#define FAIL_CONFIG 1			/* the settings (AWS_ERR_CONFIG) */
#define FAIL_REMOTE 2			/* AWS, or the client (AWS_ERR_SERVICE) */

/*
 * Where the reason of a failure goes: the caller's struct aws_error, for
 * the duration of one public call (a resolution runs on one thread, like
 * the cache below).
 */
static struct aws_error *failure;

static void fail(const char *fmt,...) __attribute__((format(printf, 1, 2)));
static void fail_hint(const char *fmt,...) __attribute__((format(printf, 1, 2)));

static void
fail(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	free(failure->text);
	failure->text = aws_str_vprintf(fmt, args);
	va_end(args);
}

static void
fail_hint(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	free(failure->hint);
	failure->hint = aws_str_vprintf(fmt, args);
	va_end(args);
}

/* A public call begins: failures go to err; returns where they went before. */
static struct aws_error *
failing_into(struct aws_error *err)
{
	struct aws_error *saved = failure;

	failure = err;
	return saved;
}

/* A public call ends with rc (FOUND or a FAIL_ code): its status. */
static enum aws_status
failed(struct aws_error *saved, int rc)
{
	enum aws_status st = AWS_OK;

	if (rc >= 0)
		st = failure->status = rc == FAIL_CONFIG ? AWS_ERR_CONFIG : AWS_ERR_SERVICE;
	failure = saved;
	return st;
}

/* botocore RefreshableCredentials: advisory and mandatory refresh margins */
#define REFRESH_ADVISORY (15 * 60)
#define REFRESH_MANDATORY (10 * 60)

#define MAX_ROLE_DEPTH 32

#define FORM_TYPE "application/x-www-form-urlencoded; charset=utf-8"
#define STS_VERSION "2011-06-15"

/* An environment variable, or NULL when unset or empty (botocore's test). */
static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] ? v : NULL;
}

static bool
is_true(const char *v)
{
	return v && strcasecmp(v, "true") == 0;
}

/*
 * The environment's keys: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and
 * for temporary credentials the session token (botocore reads the legacy
 * AWS_SECURITY_TOKEN first, then AWS_SESSION_TOKEN).
 */
enum env_result
{
	ENV_ABSENT,
	ENV_FOUND,
	ENV_PARTIAL					/* one key without the other; failure recorded */
};

static enum env_result
from_environment(struct aws_credentials *out)
{
	const char *akid = env("AWS_ACCESS_KEY_ID");
	const char *secret = env("AWS_SECRET_ACCESS_KEY");
	const char *token = env("AWS_SECURITY_TOKEN");

	if (token == NULL)
		token = env("AWS_SESSION_TOKEN");
	if (akid == NULL && secret == NULL)
		return ENV_ABSENT;
	if (akid == NULL || secret == NULL)
	{
		fail("partial AWS credentials in the environment: %s is not set",
			 akid ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
		fail_hint("set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither");
		return ENV_PARTIAL;
	}
	out->access_key_id = aws_xstrdup(akid);
	out->secret_access_key = aws_xstrdup(secret);
	out->session_token = token ? aws_xstrdup(token) : NULL;
	out->expiration = 0;
	out->source = "environment";
	return ENV_FOUND;
}

/* Both shared files, as one resolution reads them. */
struct aws_files
{
	struct aws_profile_file config;
	struct aws_profile_file credentials;
};

static int
load_files(struct aws_files *files)
{
	char	   *config = aws_config_path();
	char	   *creds = aws_credentials_path();
	int			rc;

	memset(files, 0, sizeof(*files));
	rc = aws_profile_file_load(config, true, &files->config, failure) &&
		aws_profile_file_load(creds, false, &files->credentials, failure) ? -1 : FAIL_CONFIG;
	free(config);
	free(creds);
	return rc;
}

static void
free_files(struct aws_files *files)
{
	aws_profile_file_free(&files->config);
	aws_profile_file_free(&files->credentials);
}

/* The profile named by --profile, else AWS_PROFILE, else "default". */
static const char *
profile_name(const char *flag)
{
	if (flag)
		return flag;
	return env("AWS_PROFILE") ? env("AWS_PROFILE") : "default";
}

/* A setting of the profile: the credentials file first, as botocore merges them. */
static const char *
setting(const struct aws_files *files, const char *profile, const char *key)
{
	const char *v = aws_profile_get(&files->credentials, profile, key);

	return v ? v : aws_profile_get(&files->config, profile, key);
}

static bool
profile_exists(const struct aws_files *files, const char *profile)
{
	return aws_profile_exists(&files->config, profile) ||
		aws_profile_exists(&files->credentials, profile);
}

/* botocore _has_static_credentials: either key, in either file */
static bool
has_static_keys(const struct aws_files *files, const char *profile)
{
	return setting(files, profile, "aws_access_key_id") ||
		setting(files, profile, "aws_secret_access_key") ||
		setting(files, profile, "aws_session_token");
}

/* Static keys from one file's profile; -1 absent, 0 found, or a FAIL_ code. */
static int
from_file(const struct aws_profile_file *file, const char *profile,
		  struct aws_credentials *out, const char *source)
{
	const char *akid = aws_profile_get(file, profile, "aws_access_key_id");
	const char *secret = aws_profile_get(file, profile, "aws_secret_access_key");
	const char *token = aws_profile_get(file, profile, "aws_session_token");

	if (akid == NULL && secret == NULL)
		return -1;
	if (akid == NULL || secret == NULL)
	{
		fail("profile \"%s\" in %s has %s but not %s", profile, file->path,
			 akid ? "aws_access_key_id" : "aws_secret_access_key",
			 akid ? "aws_secret_access_key" : "aws_access_key_id");
		return FAIL_CONFIG;
	}
	if (token == NULL)
		token = aws_profile_get(file, profile, "aws_security_token");
	out->access_key_id = aws_xstrdup(akid);
	out->secret_access_key = aws_xstrdup(secret);
	out->session_token = token ? aws_xstrdup(token) : NULL;
	out->source = source;
	return 0;
}

/*
 * An ISO 8601 time as AWS writes it ("2026-03-05T06:07:08Z", with optional
 * fractional seconds and a "+hh:mm" offset); 0 if unreadable.
 */
static time_t
parse_time(const char *s)
{
	struct tm	tm;
	int			y, mo, d, h, mi, sec, n = 0;
	const char *p;
	time_t		t;

	if (s == NULL || sscanf(s, "%4d-%2d-%2d%*[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) < 6 || n == 0)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	p = s + n;
	if (*p == '.')
		for (p++; isdigit((unsigned char) *p); p++)
			;
	if (*p == '+' || *p == '-')
	{
		int			oh = 0, om = 0;

		if (sscanf(p + 1, "%2d:%2d", &oh, &om) >= 1)
			t += (*p == '+' ? -1 : 1) * (time_t) (oh * 3600 + om * 60);
	}
	return t;
}

/* A JSON string with no NUL in it (json-c keeps "\u0000" inside a string). */
static bool
plain_json_string(struct json_object *v)
{
	return json_object_is_type(v, json_type_string) &&
		strlen(json_object_get_string(v)) == (size_t) json_object_get_string_len(v);
}

/*
 * What a credential_process printed: the SDKs' JSON (Version 1, AccessKeyId,
 * SecretAccessKey, SessionToken, Expiration).  Fuzzed by
 * test/aws/fuzz_credential_process.c.
 */
static int
process_output(const char *profile, const char *text, size_t len, struct aws_credentials *out)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root = tok ? json_tokener_parse_ex(tok, text, (int) len) : NULL;
	struct json_object *v;
	int			rc = FAIL_CONFIG;

	/* the whole output is one JSON object: no trailing bytes, no NUL inside */
	if (root && (json_tokener_get_error(tok) != json_tokener_success ||
				 strspn(text + json_tokener_get_parse_end(tok), " \t\r\n") !=
				 len - json_tokener_get_parse_end(tok)))
	{
		json_object_put(root);
		root = NULL;
	}
	if (tok)
		json_tokener_free(tok);
	if (root == NULL || !json_object_is_type(root, json_type_object))
		fail("the credential_process of profile \"%s\" did not print a JSON object", profile);
	else if (!json_object_object_get_ex(root, "Version", &v) || !json_object_is_type(v, json_type_int) ||
			 json_object_get_int(v) != 1)
		fail("the credential_process of profile \"%s\" printed an unsupported Version (want 1)", profile);
	else
	{
		struct json_object *akid,
				   *secret,
				   *token = NULL,
				   *expiration = NULL;

		if (!json_object_object_get_ex(root, "AccessKeyId", &akid) || !plain_json_string(akid) ||
			!json_object_object_get_ex(root, "SecretAccessKey", &secret) || !plain_json_string(secret))
			fail("the credential_process of profile \"%s\" printed no AccessKeyId and SecretAccessKey", profile);
		else if (json_object_object_get_ex(root, "SessionToken", &token) && !plain_json_string(token))
			fail("the credential_process of profile \"%s\" printed a SessionToken that is not a string", profile);
		else
		{
			json_object_object_get_ex(root, "Expiration", &expiration);
			out->access_key_id = aws_xstrdup(json_object_get_string(akid));
			out->secret_access_key = aws_xstrdup(json_object_get_string(secret));
			out->session_token = token ? aws_xstrdup(json_object_get_string(token)) : NULL;
			out->expiration = expiration && json_object_is_type(expiration, json_type_string) ?
				parse_time(json_object_get_string(expiration)) : 0;
			out->source = "credential_process";
			rc = -1;
		}
	}
	if (root)
		json_object_put(root);
	return rc;
}

enum aws_status
aws_credentials_from_process_output(const char *profile, const char *text, size_t len,
									struct aws_credentials *out, struct aws_error *err)
{
	struct aws_error *saved = failing_into(err);

	return failed(saved, process_output(profile, text, len, out));
}

/*
 * credential_process: run the command and read what it printed.  Its stderr
 * goes to ours; its stdout, which holds the secret, goes nowhere else.
 */
static int
from_process(const char *profile, const char *command, struct aws_credentials *out)
{
	char	   *argv[] = {"/bin/sh", "-c", (char *) command, NULL};
	char	   *text = aws_run_capture(argv, true);
	int			rc;

	if (text == NULL)
	{
		fail("the credential_process of profile \"%s\" failed (it exited with an error or could not run)", profile);
		return FAIL_CONFIG;
	}
	rc = process_output(profile, text, strlen(text), out);
	aws_wipe_free(text);
	return rc;
}

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

static void
cache_put(const char *key, const struct aws_credentials *creds)
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

/* ------------------------------------------------------------------ */
/* One resolution                                                      */
/* ------------------------------------------------------------------ */

struct resolver
{
	struct aws_files files;
	const char *profile;		/* the profile resolved (STS endpoint, region) */
	const char *region;			/* for STS: given, or NULL to look it up */
	const char *visited[MAX_ROLE_DEPTH];
	int			nvisited;
};

static bool http_ready;

static void
http_global_ready(void)
{
	if (!http_ready && aws_global_init())
	{
		http_ready = true;
		atexit(aws_global_cleanup);
	}
}

/* The region STS is called in: given, the environment, the profile's, us-east-1. */
static const char *
sts_region(const struct resolver *r)
{
	const char *v;

	if (r->region)
		return r->region;
	if ((v = env("AWS_REGION")) || (v = env("AWS_DEFAULT_REGION")) ||
		(v = setting(&r->files, r->profile, "region")))
		return v;
	return "us-east-1";
}

/*
 * The endpoint override the request path does not read itself: the
 * profile's endpoint_url, when no AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL
 * is set and configured endpoints are not ignored.
 */
static const char *
sts_endpoint_url(const struct resolver *r)
{
	if (is_true(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) ||
		is_true(setting(&r->files, r->profile, "ignore_configured_endpoint_urls")))
		return NULL;
	if (env("AWS_ENDPOINT_URL_STS") || env("AWS_ENDPOINT_URL"))
		return NULL;
	return setting(&r->files, r->profile, "endpoint_url");
}

/* An STS failure: the message with AWS's code; FAIL_CONFIG only for a bad endpoint. */
static int
sts_failed(const char *what, const char *profile, const struct aws_error *err)
{
	fail("%s for profile \"%s\" failed: %s", what, profile,
		 err->text ? err->text : "unknown error");
	if (err->code && (strcmp(err->code, "AccessDenied") == 0 ||
					  strcmp(err->code, "AccessDeniedException") == 0))
		fail_hint("the source credentials may not assume that role: check the role's trust policy and the caller's sts:AssumeRole permission");
	else if (err->code && (strcmp(err->code, "ExpiredToken") == 0 ||
						   strcmp(err->code, "ExpiredTokenException") == 0))
		fail_hint("the source credentials (or web identity token) have expired: renew them");
	else if (err->code && strcmp(err->code, "InvalidIdentityToken") == 0)
		fail_hint("the web identity token was refused: check the token file and the role's identity provider");
	return err->status == AWS_ERR_CONFIG ? FAIL_CONFIG : FAIL_REMOTE;
}

/* Read <Op>Result/Credentials of an STS answer into out. */
static int
read_sts_credentials(const char *operation, const char *profile,
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
		fail("STS %s for profile \"%s\" answered without %sResult/Credentials", operation,
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
	out->expiration = parse_time(expiration);
	out->source = source;
	free(expiration);
	return FOUND;
}

/* STS AssumeRole, signed with source. */
static int
sts_assume_role(struct resolver *r, const char *profile, const struct aws_credentials *source,
				const struct aws_params *params, struct aws_credentials *out)
{
	struct aws_client *client;
	struct aws_response resp;
	struct aws_error err;
	int			rc;

	http_global_ready();
	if ((client = aws_client_new(source, sts_region(r), sts_endpoint_url(r))) == NULL)
	{
		fail("cannot set up the HTTP client (libcurl or OpenSSL failed)");
		return FAIL_REMOTE;
	}
	if (aws_call_query(client, &aws_service_sts, "AssumeRole", params, &resp, &err) != AWS_OK)
	{
		rc = sts_failed("assuming the role", profile, &err);
		aws_error_clean_up(&err);
	}
	else
	{
		rc = read_sts_credentials("AssumeRole", profile, &resp, out,
								  "role assumed with STS AssumeRole");
		aws_response_clean_up(&resp);
	}
	aws_client_free(client);
	return rc;
}

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

	http_global_ready();
	aws_error_init(&err);
	err.service = aws_service_sts.id;
	err.operation = aws_xstrdup("AssumeRoleWithWebIdentity");
	if (aws_endpoint_resolve(&aws_service_sts, sts_region(r), sts_endpoint_url(r), &ep, &err) != AWS_OK)
	{
		rc = sts_failed("assuming the role with web identity", profile, &err);
		aws_error_clean_up(&err);
		return rc;
	}
	if (!aws_http_init(&http))
	{
		fail("cannot set up the HTTP client (libcurl failed)");
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
				fail("STS AssumeRoleWithWebIdentity for profile \"%s\" failed: the answer is not XML", profile);
				rc = FAIL_REMOTE;
			}
			else
				rc = read_sts_credentials("AssumeRoleWithWebIdentity", profile, &resp, out,
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
			rc = sts_failed("assuming the role with web identity", profile, &err);
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

/* botocore's default session name */
static char *
default_session_name(void)
{
	return aws_str_printf("botocore-session-%lld", (long long) time(NULL));
}

/* Use cached credentials if they have more than the advisory margin left. */
static bool
cache_fresh(const char *key, struct aws_credentials *out)
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
static bool
cache_still_usable(const char *key, struct aws_credentials *out)
{
	struct cache_entry *e = cache_find(key);

	if (e && e->creds.expiration - time(NULL) > REFRESH_MANDATORY)
	{
		copy_credentials(out, &e->creds);
		/* the refresh's failure is said, not returned: the call succeeds */
		if (failure->text)
			aws_say(AWS_SAY_ERROR, "%s", failure->text);
		if (failure->hint)
			aws_say(AWS_SAY_HINT, "%s", failure->hint);
		aws_error_clean_up(failure);
		aws_warn("refreshing the assumed role's credentials failed; using the current ones until they near expiry");
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Container and instance metadata                                     */
/* ------------------------------------------------------------------ */

/* One metadata request, its header logging off (an IMDS token is a secret). */
static void
metadata_request(struct aws_http *http, const char *method, const char *url,
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
static bool
metadata_json_credentials(const struct aws_http_response *h, struct aws_credentials *out,
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
			parse_time(json_object_get_string(exp)) : 0;
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

static int
from_container(struct aws_credentials *out)
{
	const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *token_file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
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
			fail("AWS_CONTAINER_CREDENTIALS_FULL_URI \"%s\" is not allowed: %s", full, why);
			free(why);
			return FAIL_CONFIG;
		}
		url = aws_xstrdup(full);
	}
	if (token_file)
	{
		if ((token = aws_read_file(token_file)) == NULL)
		{
			fail("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s: %s", token_file, strerror(errno));
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
	else if (env("AWS_CONTAINER_AUTHORIZATION_TOKEN"))
		token = aws_xstrdup(env("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
	if (token && strpbrk(token, "\r\n"))
	{
		fail("the container authorization token is not a legal header value (it has a line break)");
		aws_wipe_free(token);
		free(url);
		return FAIL_CONFIG;
	}
	headers[nheaders++] = (struct sigv4_header) {"Accept", "application/json"};
	if (token)
		headers[nheaders++] = (struct sigv4_header) {"Authorization", token};

	http_global_ready();
	if (!aws_http_init(&http))
	{
		fail("cannot set up the HTTP client (libcurl failed)");
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
		metadata_request(&http, "GET", url, headers, nheaders, &h);
		if (h.result == AWS_HTTP_OK && h.status == 200)
		{
			if (metadata_json_credentials(&h, out, "container credentials endpoint"))
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
		fail("cannot get AWS credentials from the container endpoint %s: %s (after 3 attempts)",
			 rel ? "(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)" : url, why ? why : "failed");
		fail_hint("check AWS_CONTAINER_CREDENTIALS_%s and the authorization token",
				  rel ? "RELATIVE_URI" : "FULL_URI");
	}
	free(why);
	aws_http_response_clean_up(&h);
	aws_http_clean_up(&http);
	aws_wipe_free(token);
	free(url);
	return rc;
}

/* A positive number from the environment or the profile, else dflt. */
static long
number_setting(const struct resolver *r, const char *envname, const char *key, long dflt)
{
	const char *v = env(envname);
	char	   *end;
	long		n;

	if (v == NULL && r)
		v = setting(&r->files, r->profile, key);
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
		metadata_request(http, method, url, headers, nheaders, h);
		if (h->result == AWS_HTTP_OK && (h->status == 200 || h->status == 400 ||
										 (strcmp(method, "PUT") == 0 &&
										  (h->status == 403 || h->status == 404 || h->status == 405))))
			break;
	}
	return h->result == AWS_HTTP_OK && h->status == 200;
}

static int
from_imds(const struct resolver *r, struct aws_credentials *out)
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

	if (is_true(env("AWS_EC2_METADATA_DISABLED")))
	{
		aws_trace("AWS credentials: instance metadata skipped (AWS_EC2_METADATA_DISABLED)");
		return ABSENT;
	}
	base = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	if (base == NULL)
		base = setting(&r->files, r->profile, "ec2_metadata_service_endpoint");
	if (base == NULL)
	{
		mode = env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
		if (mode == NULL)
			mode = setting(&r->files, r->profile, "ec2_metadata_service_endpoint_mode");
		base = mode && strcasecmp(mode, "ipv6") == 0 ? "http://[fd00:ec2::254]" : "http://169.254.169.254";
	}
	root = aws_xstrdup(base);
	while (root[0] && root[strlen(root) - 1] == '/')
		root[strlen(root) - 1] = '\0';
	timeout = number_setting(r, "AWS_METADATA_SERVICE_TIMEOUT", "metadata_service_timeout", 1);
	attempts = (int) number_setting(r, "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
									"metadata_service_num_attempts", 1);

	http_global_ready();
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
	else if (is_true(env("AWS_EC2_METADATA_V1_DISABLED")) ||
			 is_true(setting(&r->files, r->profile, "ec2_metadata_v1_disabled")))
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
	if (metadata_json_credentials(&h, out, "EC2 instance metadata (IMDSv2)"))
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

/* ------------------------------------------------------------------ */
/* Assume role and web identity                                        */
/* ------------------------------------------------------------------ */

static int	profile_chain(struct resolver *r, const char *profile, bool env_enabled,
						  bool assume_role, struct aws_credentials *out);

static bool
visited(const struct resolver *r, const char *profile)
{
	int			i;

	for (i = 0; i < r->nvisited; i++)
		if (strcmp(r->visited[i], profile) == 0)
			return true;
	return false;
}

/* credential_source: Environment, Ec2InstanceMetadata, EcsContainer. */
static int
from_credential_source(struct resolver *r, const char *profile, const char *source,
					   struct aws_credentials *out)
{
	int			rc;

	if (strcmp(source, "Environment") == 0)
	{
		enum env_result e = from_environment(out);

		rc = e == ENV_FOUND ? FOUND : e == ENV_PARTIAL ? FAIL_CONFIG : ABSENT;
	}
	else if (strcmp(source, "Ec2InstanceMetadata") == 0)
		rc = from_imds(r, out);
	else if (strcmp(source, "EcsContainer") == 0)
		rc = from_container(out);
	else
	{
		fail("profile \"%s\" has an unknown credential_source \"%s\"", profile, source);
		fail_hint("use Environment, Ec2InstanceMetadata or EcsContainer");
		return FAIL_CONFIG;
	}
	if (rc == ABSENT)
	{
		fail("no credentials found in credential_source %s, which profile \"%s\" names",
			 source, profile);
		return FAIL_CONFIG;
	}
	return rc;
}

/* The source credentials of a role profile (botocore _resolve_source_credentials). */
static int
role_source(struct resolver *r, const char *profile, struct aws_credentials *out,
			char **described)
{
	const char *src = setting(&r->files, profile, "source_profile");
	const char *cs = setting(&r->files, profile, "credential_source");
	int			rc;

	if (src && cs)
	{
		fail("profile \"%s\" has both source_profile and credential_source: give one", profile);
		return FAIL_CONFIG;
	}
	if (!src && !cs)
	{
		fail("profile \"%s\" has role_arn but neither source_profile nor credential_source", profile);
		fail_hint("add source_profile = <a profile with credentials>, or credential_source = Environment | Ec2InstanceMetadata | EcsContainer");
		return FAIL_CONFIG;
	}
	if (cs)
	{
		rc = from_credential_source(r, profile, cs, out);
		if (rc == FOUND)
			*described = aws_str_printf("credential_source %s", cs);
		return rc;
	}
	if (!profile_exists(&r->files, src))
	{
		fail("the source_profile \"%s\" of profile \"%s\" does not exist", src, profile);
		fail_hint("define [profile %s] in %s or [%s] in %s", src, r->files.config.path, src,
				  r->files.credentials.path);
		return FAIL_CONFIG;
	}
	if (visited(r, src))
	{
		/* a profile may name itself to use its own static keys (botocore) */
		if (strcmp(src, profile) != 0 || !has_static_keys(&r->files, src))
		{
			fail("profile \"%s\" has a cycle of source_profile: \"%s\" is already on the way",
				 profile, src);
			return FAIL_CONFIG;
		}
		rc = profile_chain(r, src, false, false, out);
	}
	else if (has_static_keys(&r->files, src) || !setting(&r->files, src, "role_arn"))
		rc = profile_chain(r, src, false, false, out);
	else
	{
		if (r->nvisited >= MAX_ROLE_DEPTH)
		{
			fail("profile \"%s\": more than %d roles chained by source_profile", profile, MAX_ROLE_DEPTH);
			return FAIL_CONFIG;
		}
		rc = profile_chain(r, src, false, true, out);
	}
	if (rc == ABSENT)
	{
		fail("the source_profile \"%s\" of profile \"%s\" has no credentials", src, profile);
		return FAIL_CONFIG;
	}
	if (rc == FOUND)
		*described = aws_str_printf("profile \"%s\" (%s)", src, out->source);
	return rc;
}

static int
assume_role(struct resolver *r, const char *profile, struct aws_credentials *out)
{
	const char *role_arn = setting(&r->files, profile, "role_arn");
	const char *session = setting(&r->files, profile, "role_session_name");
	const char *external_id = setting(&r->files, profile, "external_id");
	const char *duration = setting(&r->files, profile, "duration_seconds");
	struct aws_credentials source;
	struct aws_params params;
	char	   *described = NULL;
	char	   *key;
	char	   *session_name;
	long		seconds = 0;
	int			rc;

	if (setting(&r->files, profile, "mfa_serial"))
	{
		fail("profile \"%s\" needs an MFA code (mfa_serial), which appdb cannot prompt for", profile);
		fail_hint("get temporary credentials first (aws sts assume-role ... or aws configure export-credentials) and pass them in the environment");
		return FAIL_CONFIG;
	}
	if (duration)
	{
		char	   *end;

		seconds = strtol(duration, &end, 10);
		if (end == duration || *end != '\0' || seconds <= 0)
		{
			aws_warn("profile \"%s\": duration_seconds \"%s\" is not a number; ignored", profile, duration);
			seconds = 0;
		}
	}
	memset(&source, 0, sizeof(source));
	r->visited[r->nvisited++] = profile;
	rc = role_source(r, profile, &source, &described);
	r->nvisited--;
	if (rc != FOUND)
	{
		aws_credentials_free(&source);
		return rc;
	}
	key = aws_str_printf("AssumeRole\n%s\n%s\n%s\n%ld\n%s\n%s", role_arn, session ? session : "",
					external_id ? external_id : "", seconds, source.access_key_id,
					sts_endpoint_url(r) ? sts_endpoint_url(r) : "");
	if (cache_fresh(key, out))
	{
		free(key);
		free(described);
		aws_credentials_free(&source);
		return FOUND;
	}
	session_name = session ? aws_xstrdup(session) : default_session_name();
	aws_params_init(&params);
	aws_params_add(&params, "RoleArn", role_arn);
	aws_params_add(&params, "RoleSessionName", session_name);
	if (external_id)
		aws_params_add(&params, "ExternalId", external_id);
	if (seconds > 0)
		aws_params_add_int(&params, "DurationSeconds", seconds);
	aws_trace("AWS credentials: profile \"%s\" assumes role %s (session %s) with the credentials of %s",
			  profile, role_arn, session_name, described);
	rc = sts_assume_role(r, profile, &source, &params, out);
	if (rc == FOUND)
		cache_put(key, out);
	else if (cache_still_usable(key, out))
		rc = FOUND;
	aws_params_free(&params);
	free(session_name);
	free(described);
	free(key);
	aws_credentials_free(&source);
	return rc;
}

/* Web identity: each setting from the environment first (when enabled), then the profile. */
static int
web_identity(struct resolver *r, const char *profile, bool env_enabled,
			 struct aws_credentials *out)
{
	const char *token_file = env_enabled ? env("AWS_WEB_IDENTITY_TOKEN_FILE") : NULL;
	const char *role_arn = env_enabled ? env("AWS_ROLE_ARN") : NULL;
	const char *session = env_enabled ? env("AWS_ROLE_SESSION_NAME") : NULL;
	struct aws_params params;
	char	   *token;
	char	   *session_name;
	char	   *key;
	int			rc;

	if (token_file == NULL)
		token_file = setting(&r->files, profile, "web_identity_token_file");
	if (token_file == NULL)
		return ABSENT;
	if (role_arn == NULL)
		role_arn = setting(&r->files, profile, "role_arn");
	if (session == NULL)
		session = setting(&r->files, profile, "role_session_name");
	if (role_arn == NULL)
	{
		fail("web identity is configured (token file %s) but no role ARN is (profile \"%s\")",
			 token_file, profile);
		fail_hint("set AWS_ROLE_ARN, or role_arn in the profile");
		return FAIL_CONFIG;
	}
	key = aws_str_printf("AssumeRoleWithWebIdentity\n%s\n%s\n%s\n%s", role_arn, token_file,
					session ? session : "", sts_endpoint_url(r) ? sts_endpoint_url(r) : "");
	if (cache_fresh(key, out))
	{
		free(key);
		return FOUND;
	}
	/* re-read at every refresh, as botocore does */
	if ((token = aws_read_file(token_file)) == NULL)
	{
		fail("cannot read the web identity token file %s: %s", token_file, strerror(errno));
		free(key);
		return FAIL_CONFIG;
	}
	session_name = session ? aws_xstrdup(session) : default_session_name();
	aws_params_init(&params);
	aws_params_add(&params, "RoleArn", role_arn);
	aws_params_add(&params, "RoleSessionName", session_name);
	aws_params_add(&params, "WebIdentityToken", token);
	aws_trace("AWS credentials: assuming role %s (session %s) with the web identity token in %s",
			  role_arn, session_name, token_file);
	rc = sts_assume_role_web_identity(r, profile, &params, out);
	if (rc == FOUND)
		cache_put(key, out);
	else if (cache_still_usable(key, out))
		rc = FOUND;
	aws_params_free(&params);
	aws_wipe_free(token);
	free(session_name);
	free(key);
	return rc;
}

/*
 * The profile's part of the chain: assume role (when asked), web identity,
 * SSO (refused), the credentials file, credential_process, the config file.
 * FOUND, ABSENT or a FAIL_ code.
 */
static int
profile_chain(struct resolver *r, const char *profile, bool env_enabled,
			  bool with_assume_role, struct aws_credentials *out)
{
	const char *process;
	int			rc;

	/* botocore's AssumeRoleProvider leaves web identity profiles alone */
	if (with_assume_role && setting(&r->files, profile, "role_arn") &&
		!setting(&r->files, profile, "web_identity_token_file"))
		return assume_role(r, profile, out);
	if ((rc = web_identity(r, profile, env_enabled, out)) != ABSENT)
		return rc;
	if (setting(&r->files, profile, "sso_start_url") || setting(&r->files, profile, "sso_session") ||
		setting(&r->files, profile, "sso_account_id") || setting(&r->files, profile, "sso_role_name"))
	{
		fail("profile \"%s\" uses AWS IAM Identity Center (SSO), which appdb does not support", profile);
		fail_hint("export temporary credentials instead: credential_process = aws configure export-credentials --profile %s --format process", profile);
		return FAIL_CONFIG;
	}
	if ((rc = from_file(&r->files.credentials, profile, out, "shared credentials file")) != -1)
		return rc == 0 ? FOUND : rc;
	if ((process = setting(&r->files, profile, "credential_process")) != NULL)
		return from_process(profile, process, out);
	if ((rc = from_file(&r->files.config, profile, out, "config file")) != -1)
		return rc == 0 ? FOUND : rc;
	return ABSENT;
}

static int	resolve_credentials(const char *profile_flag, const char *region,
								struct aws_credentials *out);

enum aws_status
aws_resolve_credentials_in(const char *profile_flag, const char *region,
						   struct aws_credentials *out, struct aws_error *err)
{
	struct aws_error *saved = failing_into(err);

	return failed(saved, resolve_credentials(profile_flag, region, out));
}

static int
resolve_credentials(const char *profile_flag, const char *region,
					struct aws_credentials *out)
{
	struct resolver r;
	enum env_result found = ENV_ABSENT;
	int			rc;

	memset(out, 0, sizeof(*out));
	/* an explicit --profile skips the environment's keys; AWS_PROFILE does not */
	if (profile_flag == NULL && (found = from_environment(out)) == ENV_PARTIAL)
		return FAIL_CONFIG;
	if (found != ENV_FOUND)
	{
		memset(&r, 0, sizeof(r));
		r.profile = profile_name(profile_flag);
		r.region = region;
		if ((rc = load_files(&r.files)) < 0)
		{
			if ((profile_flag || env("AWS_PROFILE")) && !profile_exists(&r.files, r.profile))
			{
				fail("the AWS profile \"%s\" is not in %s nor in %s", r.profile,
					 r.files.config.path, r.files.credentials.path);
				fail_hint("name a profile those files define, or create it (aws configure --profile %s)", r.profile);
				rc = FAIL_CONFIG;
			}
			else
			{
				rc = profile_chain(&r, r.profile, true, true, out);
				if (rc == ABSENT)
					rc = from_container(out);
				if (rc == ABSENT)
					rc = from_imds(&r, out);
				if (rc == ABSENT)
				{
					fail("no AWS credentials found (profile \"%s\")", r.profile);
					fail_hint("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give --profile with keys, a role or credential_process in %s or %s",
							  r.files.credentials.path, r.files.config.path);
					rc = FAIL_CONFIG;
				}
			}
		}
		free_files(&r.files);
		if (rc >= 0)
		{
			aws_credentials_free(out);
			return rc;
		}
	}
	aws_trace("AWS credentials from the %s%s", out->source,
			  out->session_token ? " (temporary, with a session token)" : "");
	return -1;
}

enum aws_status
aws_resolve_credentials(const char *profile_flag, struct aws_credentials *out,
						struct aws_error *err)
{
	return aws_resolve_credentials_in(profile_flag, NULL, out, err);
}

/* A region name is a DNS label: letters, digits and inner hyphens (botocore). */
static bool
valid_region(const char *r)
{
	size_t		n = strlen(r);
	size_t		i;

	if (n == 0 || n > 63 || r[0] == '-' || r[n - 1] == '-')
		return false;
	for (i = 0; i < n; i++)
		if (!((r[i] >= 'a' && r[i] <= 'z') || (r[i] >= 'A' && r[i] <= 'Z') ||
			  (r[i] >= '0' && r[i] <= '9') || r[i] == '-'))
			return false;
	return true;
}

static int	resolve_region(const char *flag, const char *profile, char **out);

enum aws_status
aws_resolve_region(const char *flag, const char *profile, char **out, struct aws_error *err)
{
	struct aws_error *saved = failing_into(err);

	return failed(saved, resolve_region(flag, profile, out));
}

static int
resolve_region(const char *flag, const char *profile, char **out)
{
	const char *value = NULL;
	const char *source = NULL;
	char	   *owned = NULL;

	*out = NULL;
	if (flag)
	{
		value = flag;
		source = "--region";
	}
	else if ((value = env("AWS_REGION")) != NULL)
		source = "AWS_REGION";
	else if ((value = env("AWS_DEFAULT_REGION")) != NULL)
		source = "AWS_DEFAULT_REGION";
	else
	{
		struct aws_files files;
		int			rc = load_files(&files);

		if (rc < 0 && (value = setting(&files, profile_name(profile), "region")) != NULL)
		{
			owned = aws_xstrdup(value);
			source = "the profile's region";
		}
		free_files(&files);
		if (rc >= 0)
			return rc;
		value = owned;
	}
	if (value == NULL)
	{
		fail("no AWS region given");
		fail_hint("give --region, set AWS_REGION or AWS_DEFAULT_REGION, or add region to the profile");
		return FAIL_CONFIG;
	}
	if (!valid_region(value))
	{
		fail("invalid AWS region \"%s\" (from %s): use a name like us-east-1", value, source);
		free(owned);
		return FAIL_CONFIG;
	}
	aws_trace("AWS region %s, from %s", value, source);
	*out = aws_xstrdup(value);
	free(owned);
	return -1;
}

void
aws_credentials_free(struct aws_credentials *creds)
{
	free(creds->access_key_id);
	aws_wipe_free(creds->secret_access_key);
	aws_wipe_free(creds->session_token);
	memset(creds, 0, sizeof(*creds));
}
