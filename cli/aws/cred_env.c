/*
 * cli/aws/cred_env.c
 *		The environment's keys, the chain's first provider (credentials.c
 *		runs the chain; cred_int.h is what its files share).
 */
#include "cred_int.h"

#include "util.h"

/*
 * The environment's keys: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and
 * for temporary credentials the session token (botocore reads the legacy
 * AWS_SECURITY_TOKEN first, then AWS_SESSION_TOKEN).
 */
enum env_result
cred_from_environment(struct aws_credentials *out)
{
	const char *akid = cred_env("AWS_ACCESS_KEY_ID");
	const char *secret = cred_env("AWS_SECRET_ACCESS_KEY");
	const char *token = cred_env("AWS_SECURITY_TOKEN");

	if (token == NULL)
		token = cred_env("AWS_SESSION_TOKEN");
	if (akid == NULL && secret == NULL)
		return ENV_ABSENT;
	if (akid == NULL || secret == NULL)
	{
		cred_fail("partial AWS credentials in the environment: %s is not set",
				  akid ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
		cred_fail_hint("set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither");
		return ENV_PARTIAL;
	}
	out->access_key_id = aws_xstrdup(akid);
	out->secret_access_key = aws_xstrdup(secret);
	out->session_token = token ? aws_xstrdup(token) : NULL;
	out->expiration = 0;
	out->source = "environment";
	return ENV_FOUND;
}
