/*
 * cli/cmd_token.c
 *		appdb token --hostname H --port P --username U [--region R]: the
 *		token `aws rds generate-db-auth-token` prints, byte for byte.
 *
 * The token, alone on stdout, is the only secret appdb prints, and only
 * here (DESIGN §7); the secret key and session token never appear, not
 * even with --verbose.
 */
#include "cmd_token.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "aws/credentials.h"
#include "aws/token.h"
#include "aws_report.h"
#include "msgs.h"
#include "output.h"
#include "util.h"

/* A bare host name: no scheme, port, path or user part, no whitespace. */
static bool
valid_hostname(const char *h)
{
	const unsigned char *p = (const unsigned char *) h;

	if (*p == '\0')
		return false;
	for (; *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("/?#@:[]\\%", *p))
			return false;
	return true;
}

int
cmd_token(const struct appdb_options *opts)
{
	struct aws_credentials creds;
	char	   *region = NULL;
	char	   *token = NULL;
	struct aws_error err;
	int			code;
	int			port = opts->port ? opts->port : 5432;

	memset(&creds, 0, sizeof(creds));
	if (opts->hostname == NULL)
		return usage_error("token needs --hostname, the database's host name");
	if (opts->username == NULL)
		return usage_error("token needs --username, the database user");
	if (!valid_hostname(opts->hostname))
		return usage_error("invalid --hostname \"%s\": give the host name alone, without scheme, port or path",
						   opts->hostname);
	if (opts->username[0] == '\0')
		return usage_error("invalid --username: it is empty");

	aws_report_install();
	/* credentials first: an unknown profile is the error to report */
	aws_error_init(&err);
	if (aws_resolve_credentials_in(opts->profile, opts->region, &creds, &err) != AWS_OK ||
		aws_resolve_region(opts->region, opts->profile, &region, &err) != AWS_OK)
	{
		code = aws_report_error(&err);
		goto cleanup;
	}
	verbosef("token for user \"%s\" at %s:%d, valid %d minutes",
			 opts->username, opts->hostname, port, AWS_RDS_TOKEN_EXPIRES / 60);

	token = aws_rds_auth_token(opts->hostname, port, opts->username,
							   region, &creds, time(NULL));
	if (token == NULL)
	{
		errorf("could not sign the token (out of memory, or the cryptographic library failed)");
		code = EXIT_FAILURE_REMOTE;
		goto cleanup;
	}
	if (opts->output == OUTPUT_JSON)
	{
		struct json_object *obj = json_object_new_object();
		struct json_object *str = json_object_new_string(token);
		char	   *text;

		json_object_object_add(obj, "token", str);
		text = (char *) json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
													   JSON_C_TO_STRING_NOSLASHESCAPE);
		printf("%s\n", text);
		/* json-c's copies of the secret, wiped as wipe_free wipes ours */
		explicit_bzero(text, strlen(text));
		explicit_bzero((char *) json_object_get_string(str), strlen(token));
		json_object_put(obj);
	}
	else
		printf("%s\n", token);
	code = EXIT_OK;

cleanup:
	wipe_free(token);
	free(region);
	aws_credentials_free(&creds);
	return code;
}
