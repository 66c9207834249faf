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
 *
 * Here: the chain, its failures and settings, and the region.  Each
 * provider is a file of its own, sharing cred_int.h: cred_env.c,
 * cred_assume_role.c, cred_web_identity.c (the two with cred_sts.c),
 * cred_file.c (both files' keys), cred_process.c, cred_container.c,
 * cred_imds.c; SSO's refusal is a test in cred_profile_chain.
 */
#include "credentials.h"
#include "cred_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "request.h"
#include "util.h"

/*
 * Where the reason of a failure goes: the caller's struct aws_error, for
 * the duration of one public call (a resolution runs on one thread, like
 * the cache below).
 */
struct aws_error *cred_failure;

void
cred_fail(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	free(cred_failure->text);
	cred_failure->text = aws_str_vprintf(fmt, args);
	va_end(args);
}

void
cred_fail_hint(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	free(cred_failure->hint);
	cred_failure->hint = aws_str_vprintf(fmt, args);
	va_end(args);
}

/* A public call begins: failures go to err; returns where they went before. */
struct aws_error *
cred_failing_into(struct aws_error *err)
{
	struct aws_error *saved = cred_failure;

	cred_failure = err;
	return saved;
}

/* A public call ends with rc (FOUND or a FAIL_ code): its status. */
enum aws_status
cred_failed(struct aws_error *saved, int rc)
{
	enum aws_status st = AWS_OK;

	if (rc >= 0)
		st = cred_failure->status = rc == FAIL_CONFIG ? AWS_ERR_CONFIG : AWS_ERR_SERVICE;
	cred_failure = saved;
	return st;
}

/* An environment variable, or NULL when unset or empty (botocore's test). */
const char *
cred_env(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] ? v : NULL;
}

bool
cred_is_true(const char *v)
{
	return v && strcasecmp(v, "true") == 0;
}

static int
load_files(struct aws_files *files)
{
	char	   *config = aws_config_path();
	char	   *creds = aws_credentials_path();
	int			rc;

	memset(files, 0, sizeof(*files));
	rc = aws_profile_file_load(config, true, &files->config, cred_failure) &&
		aws_profile_file_load(creds, false, &files->credentials, cred_failure) ? -1 : FAIL_CONFIG;
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
	return cred_env("AWS_PROFILE") ? cred_env("AWS_PROFILE") : "default";
}

/* A setting of the profile: the credentials file first, as botocore merges them. */
const char *
cred_setting(const struct aws_files *files, const char *profile, const char *key)
{
	const char *v = aws_profile_get(&files->credentials, profile, key);

	return v ? v : aws_profile_get(&files->config, profile, key);
}

bool
cred_profile_exists(const struct aws_files *files, const char *profile)
{
	return aws_profile_exists(&files->config, profile) ||
		aws_profile_exists(&files->credentials, profile);
}

/*
 * An ISO 8601 time as AWS writes it ("2026-03-05T06:07:08Z", with optional
 * fractional seconds and a "+hh:mm" offset); 0 if unreadable.
 */
time_t
cred_parse_time(const char *s)
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

static bool http_ready;

void
cred_http_global_ready(void)
{
	if (!http_ready && aws_global_init())
	{
		http_ready = true;
		atexit(aws_global_cleanup);
	}
}

/*
 * The profile's part of the chain: assume role (when asked), web identity,
 * SSO (refused), the credentials file, credential_process, the config file.
 * FOUND, ABSENT or a FAIL_ code.
 */
int
cred_profile_chain(struct resolver *r, const char *profile, bool env_enabled,
				   bool with_assume_role, struct aws_credentials *out)
{
	const char *process;
	int			rc;

	/* botocore's AssumeRoleProvider leaves web identity profiles alone */
	if (with_assume_role && cred_setting(&r->files, profile, "role_arn") &&
		!cred_setting(&r->files, profile, "web_identity_token_file"))
		return cred_assume_role(r, profile, out);
	if ((rc = cred_web_identity(r, profile, env_enabled, out)) != ABSENT)
		return rc;
	if (cred_setting(&r->files, profile, "sso_start_url") || cred_setting(&r->files, profile, "sso_session") ||
		cred_setting(&r->files, profile, "sso_account_id") || cred_setting(&r->files, profile, "sso_role_name"))
	{
		cred_fail("profile \"%s\" uses AWS IAM Identity Center (SSO), which appdb does not support", profile);
		cred_fail_hint("export temporary credentials instead: credential_process = aws configure export-credentials --profile %s --format process", profile);
		return FAIL_CONFIG;
	}
	if ((rc = cred_from_file(&r->files.credentials, profile, out, "shared credentials file")) != -1)
		return rc == 0 ? FOUND : rc;
	if ((process = cred_setting(&r->files, profile, "credential_process")) != NULL)
		return cred_from_process(profile, process, out);
	if ((rc = cred_from_file(&r->files.config, profile, out, "config file")) != -1)
		return rc == 0 ? FOUND : rc;
	return ABSENT;
}

static int	resolve_credentials(const char *profile_flag, const char *region,
								struct aws_credentials *out);

enum aws_status
aws_resolve_credentials_in(const char *profile_flag, const char *region,
						   struct aws_credentials *out, struct aws_error *err)
{
	struct aws_error *saved = cred_failing_into(err);

	return cred_failed(saved, resolve_credentials(profile_flag, region, out));
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
	if (profile_flag == NULL && (found = cred_from_environment(out)) == ENV_PARTIAL)
		return FAIL_CONFIG;
	if (found != ENV_FOUND)
	{
		memset(&r, 0, sizeof(r));
		r.profile = profile_name(profile_flag);
		r.region = region;
		if ((rc = load_files(&r.files)) < 0)
		{
			if ((profile_flag || cred_env("AWS_PROFILE")) && !cred_profile_exists(&r.files, r.profile))
			{
				cred_fail("the AWS profile \"%s\" is not in %s nor in %s", r.profile,
						  r.files.config.path, r.files.credentials.path);
				cred_fail_hint("name a profile those files define, or create it (aws configure --profile %s)", r.profile);
				rc = FAIL_CONFIG;
			}
			else
			{
				rc = cred_profile_chain(&r, r.profile, true, true, out);
				if (rc == ABSENT)
					rc = cred_from_container(out);
				if (rc == ABSENT)
					rc = cred_from_imds(&r, out);
				if (rc == ABSENT)
				{
					cred_fail("no AWS credentials found (profile \"%s\")", r.profile);
					cred_fail_hint("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give --profile with keys, a role or credential_process in %s or %s",
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
	struct aws_error *saved = cred_failing_into(err);

	return cred_failed(saved, resolve_region(flag, profile, out));
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
	else if ((value = cred_env("AWS_REGION")) != NULL)
		source = "AWS_REGION";
	else if ((value = cred_env("AWS_DEFAULT_REGION")) != NULL)
		source = "AWS_DEFAULT_REGION";
	else
	{
		struct aws_files files;
		int			rc = load_files(&files);

		if (rc < 0 && (value = cred_setting(&files, profile_name(profile), "region")) != NULL)
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
		cred_fail("no AWS region given");
		cred_fail_hint("give --region, set AWS_REGION or AWS_DEFAULT_REGION, or add region to the profile");
		return FAIL_CONFIG;
	}
	if (!valid_region(value))
	{
		cred_fail("invalid AWS region \"%s\" (from %s): use a name like us-east-1", value, source);
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
