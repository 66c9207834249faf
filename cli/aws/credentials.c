/*
 * cli/aws/credentials.c
 *		Credentials and region, as the SDKs resolve them (AWS.md
 *		"Credentials, region, endpoints"); for now the environment's part.
 */
#include "credentials.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli/msgs.h"
#include "cli/util.h"

/* An environment variable, or NULL when unset or empty (botocore's test). */
static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] ? v : NULL;
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
	ENV_PARTIAL					/* one key without the other; error printed */
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
		errorf("partial AWS credentials in the environment: %s is not set",
			   akid ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
		hintf("set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither");
		return ENV_PARTIAL;
	}
	out->access_key_id = xstrdup(akid);
	out->secret_access_key = xstrdup(secret);
	out->session_token = token ? xstrdup(token) : NULL;
	out->expiration = 0;
	out->source = "environment";
	return ENV_FOUND;
}

int
aws_resolve_credentials(const char *profile, struct aws_credentials *out)
{
	enum env_result found;

	memset(out, 0, sizeof(*out));

	/* an explicit --profile skips the environment's keys, as in botocore */
	if (profile)
	{
		errorf("--profile \"%s\" cannot be used yet: this appdb reads AWS credentials from the environment only",
			   profile);
		hintf("drop --profile and set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)");
		return EXIT_USAGE;
	}
	if ((found = from_environment(out)) == ENV_PARTIAL)
		return EXIT_USAGE;
	if (found == ENV_FOUND)
	{
		verbosef("AWS credentials from the %s%s", out->source,
				 out->session_token ? " (temporary, with a session token)" : "");
		return -1;
	}
	errorf("no AWS credentials found");
	if (env("AWS_PROFILE"))
		hintf("AWS_PROFILE is set, but this appdb reads credentials from the environment only: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)");
	else
		hintf("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)");
	return EXIT_USAGE;
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

int
aws_resolve_region(const char *flag, const char *profile, char **out)
{
	const char *value = NULL;
	const char *source = NULL;

	(void) profile;				/* the profile's "region" comes with profiles */
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
	if (value == NULL)
	{
		errorf("no AWS region given");
		hintf("give --region, or set AWS_REGION or AWS_DEFAULT_REGION");
		return EXIT_USAGE;
	}
	if (!valid_region(value))
	{
		errorf("invalid AWS region \"%s\" (from %s): use a name like us-east-1", value, source);
		return EXIT_USAGE;
	}
	verbosef("AWS region %s, from %s", value, source);
	*out = xstrdup(value);
	return -1;
}

void
aws_credentials_free(struct aws_credentials *creds)
{
	free(creds->access_key_id);
	wipe_free(creds->secret_access_key);
	wipe_free(creds->session_token);
	memset(creds, 0, sizeof(*creds));
}
