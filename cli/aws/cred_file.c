/*
 * cli/aws/cred_file.c
 *		Static keys of a profile: the shared credentials file's and the
 *		config file's providers, one reader for both (credentials.c runs
 *		the chain).
 */
#include "cred_int.h"

#include "util.h"

/* Static keys from one file's profile; -1 absent, 0 found, or a FAIL_ code. */
int
cred_from_file(const struct aws_profile_file *file, const char *profile,
			   struct aws_credentials *out, const char *source)
{
	const char *akid = aws_profile_get(file, profile, "aws_access_key_id");
	const char *secret = aws_profile_get(file, profile, "aws_secret_access_key");
	const char *token = aws_profile_get(file, profile, "aws_session_token");

	if (akid == NULL && secret == NULL)
		return -1;
	if (akid == NULL || secret == NULL)
	{
		cred_fail("profile \"%s\" in %s has %s but not %s", profile, file->path,
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
