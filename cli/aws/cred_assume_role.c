/*
 * cli/aws/cred_assume_role.c
 *		Assume role: the profile's role_arn with source_profile (recursively,
 *		a cycle an error) or credential_source, through STS AssumeRole
 *		signed with the source's credentials (cred_sts.c: the cache).
 */
#include "cred_int.h"

#include <stdlib.h>
#include <string.h>

#include "request.h"
#include "util.h"

/* botocore _has_static_credentials: either key, in either file */
static bool
has_static_keys(const struct aws_files *files, const char *profile)
{
	return cred_setting(files, profile, "aws_access_key_id") ||
		cred_setting(files, profile, "aws_secret_access_key") ||
		cred_setting(files, profile, "aws_session_token");
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

	cred_http_global_ready();
	if ((client = aws_client_new(source, cred_sts_region(r), cred_sts_endpoint_url(r))) == NULL)
	{
		cred_fail("cannot set up the HTTP client (libcurl or OpenSSL failed)");
		return FAIL_REMOTE;
	}
	if (aws_call_query(client, &aws_service_sts, "AssumeRole", params, &resp, &err) != AWS_OK)
	{
		rc = cred_sts_failed("assuming the role", profile, &err);
		aws_error_clean_up(&err);
	}
	else
	{
		rc = cred_read_sts_credentials("AssumeRole", profile, &resp, out,
									   "role assumed with STS AssumeRole");
		aws_response_clean_up(&resp);
	}
	aws_client_free(client);
	return rc;
}

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
		enum env_result e = cred_from_environment(out);

		rc = e == ENV_FOUND ? FOUND : e == ENV_PARTIAL ? FAIL_CONFIG : ABSENT;
	}
	else if (strcmp(source, "Ec2InstanceMetadata") == 0)
		rc = cred_from_imds(r, out);
	else if (strcmp(source, "EcsContainer") == 0)
		rc = cred_from_container(out);
	else
	{
		cred_fail("profile \"%s\" has an unknown credential_source \"%s\"", profile, source);
		cred_fail_hint("use Environment, Ec2InstanceMetadata or EcsContainer");
		return FAIL_CONFIG;
	}
	if (rc == ABSENT)
	{
		cred_fail("no credentials found in credential_source %s, which profile \"%s\" names",
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
	const char *src = cred_setting(&r->files, profile, "source_profile");
	const char *cs = cred_setting(&r->files, profile, "credential_source");
	int			rc;

	if (src && cs)
	{
		cred_fail("profile \"%s\" has both source_profile and credential_source: give one", profile);
		return FAIL_CONFIG;
	}
	if (!src && !cs)
	{
		cred_fail("profile \"%s\" has role_arn but neither source_profile nor credential_source", profile);
		cred_fail_hint("add source_profile = <a profile with credentials>, or credential_source = Environment | Ec2InstanceMetadata | EcsContainer");
		return FAIL_CONFIG;
	}
	if (cs)
	{
		rc = from_credential_source(r, profile, cs, out);
		if (rc == FOUND)
			*described = aws_str_printf("credential_source %s", cs);
		return rc;
	}
	if (!cred_profile_exists(&r->files, src))
	{
		cred_fail("the source_profile \"%s\" of profile \"%s\" does not exist", src, profile);
		cred_fail_hint("define [profile %s] in %s or [%s] in %s", src, r->files.config.path, src,
					   r->files.credentials.path);
		return FAIL_CONFIG;
	}
	if (visited(r, src))
	{
		/* a profile may name itself to use its own static keys (botocore) */
		if (strcmp(src, profile) != 0 || !has_static_keys(&r->files, src))
		{
			cred_fail("profile \"%s\" has a cycle of source_profile: \"%s\" is already on the way",
					  profile, src);
			return FAIL_CONFIG;
		}
		rc = cred_profile_chain(r, src, false, false, out);
	}
	else if (has_static_keys(&r->files, src) || !cred_setting(&r->files, src, "role_arn"))
		rc = cred_profile_chain(r, src, false, false, out);
	else
	{
		if (r->nvisited >= MAX_ROLE_DEPTH)
		{
			cred_fail("profile \"%s\": more than %d roles chained by source_profile", profile, MAX_ROLE_DEPTH);
			return FAIL_CONFIG;
		}
		rc = cred_profile_chain(r, src, false, true, out);
	}
	if (rc == ABSENT)
	{
		cred_fail("the source_profile \"%s\" of profile \"%s\" has no credentials", src, profile);
		return FAIL_CONFIG;
	}
	if (rc == FOUND)
		*described = aws_str_printf("profile \"%s\" (%s)", src, out->source);
	return rc;
}

int
cred_assume_role(struct resolver *r, const char *profile, struct aws_credentials *out)
{
	const char *role_arn = cred_setting(&r->files, profile, "role_arn");
	const char *session = cred_setting(&r->files, profile, "role_session_name");
	const char *external_id = cred_setting(&r->files, profile, "external_id");
	const char *duration = cred_setting(&r->files, profile, "duration_seconds");
	struct aws_credentials source;
	struct aws_params params;
	char	   *described = NULL;
	char	   *key;
	char	   *session_name;
	long		seconds = 0;
	int			rc;

	if (cred_setting(&r->files, profile, "mfa_serial"))
	{
		cred_fail("profile \"%s\" needs an MFA code (mfa_serial), which appdb cannot prompt for", profile);
		cred_fail_hint("get temporary credentials first (aws sts assume-role ... or aws configure export-credentials) and pass them in the environment");
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
					cred_sts_endpoint_url(r) ? cred_sts_endpoint_url(r) : "");
	if (cred_cache_fresh(key, out))
	{
		free(key);
		free(described);
		aws_credentials_free(&source);
		return FOUND;
	}
	session_name = session ? aws_xstrdup(session) : cred_default_session_name();
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
		cred_cache_put(key, out);
	else if (cred_cache_still_usable(key, out))
		rc = FOUND;
	aws_params_free(&params);
	free(session_name);
	free(described);
	free(key);
	aws_credentials_free(&source);
	return rc;
}
