/*
 * cli/aws/cred_process.c
 *		credential_process: run the profile's command and read the JSON it
 *		prints (credentials.c runs the chain).
 */
#include "cred_int.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util.h"

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
		cred_fail("the credential_process of profile \"%s\" did not print a JSON object", profile);
	else if (!json_object_object_get_ex(root, "Version", &v) || !json_object_is_type(v, json_type_int) ||
			 json_object_get_int(v) != 1)
		cred_fail("the credential_process of profile \"%s\" printed an unsupported Version (want 1)", profile);
	else
	{
		struct json_object *akid,
				   *secret,
				   *token = NULL,
				   *expiration = NULL;

		if (!json_object_object_get_ex(root, "AccessKeyId", &akid) || !aws_json_plain_string(akid) ||
			!json_object_object_get_ex(root, "SecretAccessKey", &secret) || !aws_json_plain_string(secret))
			cred_fail("the credential_process of profile \"%s\" printed no AccessKeyId and SecretAccessKey", profile);
		else if (json_object_object_get_ex(root, "SessionToken", &token) && !aws_json_plain_string(token))
			cred_fail("the credential_process of profile \"%s\" printed a SessionToken that is not a string", profile);
		else
		{
			json_object_object_get_ex(root, "Expiration", &expiration);
			out->access_key_id = aws_xstrdup(json_object_get_string(akid));
			out->secret_access_key = aws_xstrdup(json_object_get_string(secret));
			out->session_token = token ? aws_xstrdup(json_object_get_string(token)) : NULL;
			out->expiration = expiration && json_object_is_type(expiration, json_type_string) ?
				cred_parse_time(json_object_get_string(expiration)) : 0;
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
	struct aws_error *saved = cred_failing_into(err);

	return cred_failed(saved, process_output(profile, text, len, out));
}

/*
 * credential_process: run the command and read what it printed.  Its stderr
 * goes to ours; its stdout, which holds the secret, goes nowhere else.
 */
int
cred_from_process(const char *profile, const char *command, struct aws_credentials *out)
{
	char	   *argv[] = {"/bin/sh", "-c", (char *) command, NULL};
	char	   *text = aws_run_capture(argv, true);
	int			rc;

	if (text == NULL)
	{
		cred_fail("the credential_process of profile \"%s\" failed (it exited with an error or could not run)", profile);
		return FAIL_CONFIG;
	}
	rc = process_output(profile, text, strlen(text), out);
	aws_wipe_free(text);
	return rc;
}
