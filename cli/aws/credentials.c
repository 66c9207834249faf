/*
 * cli/aws/credentials.c
 *		Credentials and region, as the SDKs resolve them (AWS.md
 *		"Credentials, region, endpoints"): the environment, then the profile's
 *		keys in the shared credentials file, its credential_process, its keys
 *		in the config file.  Assumed roles, web identity, container and
 *		instance credentials are not built yet; a profile that needs them is
 *		refused with a clear error.
 */
#include "credentials.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/msgs.h"
#include "profile.h"
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
	if ((rc = aws_profile_file_load(config, true, &files->config)) < 0)
		rc = aws_profile_file_load(creds, false, &files->credentials);
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

/* Static keys from one file's profile; -1 absent, 0 found, or an exit code. */
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
		errorf("profile \"%s\" in %s has %s but not %s", profile, file->path,
			   akid ? "aws_access_key_id" : "aws_secret_access_key",
			   akid ? "aws_secret_access_key" : "aws_access_key_id");
		return EXIT_USAGE;
	}
	if (token == NULL)
		token = aws_profile_get(file, profile, "aws_security_token");
	out->access_key_id = xstrdup(akid);
	out->secret_access_key = xstrdup(secret);
	out->session_token = token ? xstrdup(token) : NULL;
	out->source = source;
	return 0;
}

/*
 * credential_process: run the command, read the SDKs' JSON (Version 1,
 * AccessKeyId, SecretAccessKey, SessionToken, Expiration).  Its stderr goes
 * to ours; its stdout, which holds the secret, goes nowhere else.
 */
static int
from_process(const char *profile, const char *command, struct aws_credentials *out)
{
	char	   *argv[] = {"/bin/sh", "-c", (char *) command, NULL};
	char	   *text = run_capture_all(argv);
	struct json_object *root = NULL;
	struct json_object *v;
	int			rc = EXIT_USAGE;

	if (text == NULL)
	{
		errorf("the credential_process of profile \"%s\" failed (it exited with an error or could not run)", profile);
		return EXIT_USAGE;
	}
	root = json_tokener_parse(text);
	if (root == NULL || !json_object_is_type(root, json_type_object))
		errorf("the credential_process of profile \"%s\" did not print a JSON object", profile);
	else if (!json_object_object_get_ex(root, "Version", &v) || json_object_get_int(v) != 1)
		errorf("the credential_process of profile \"%s\" printed an unsupported Version (want 1)", profile);
	else
	{
		struct json_object *akid,
				   *secret,
				   *token = NULL;

		if (!json_object_object_get_ex(root, "AccessKeyId", &akid) ||
			!json_object_is_type(akid, json_type_string) ||
			!json_object_object_get_ex(root, "SecretAccessKey", &secret) ||
			!json_object_is_type(secret, json_type_string))
			errorf("the credential_process of profile \"%s\" printed no AccessKeyId and SecretAccessKey", profile);
		else
		{
			json_object_object_get_ex(root, "SessionToken", &token);
			out->access_key_id = xstrdup(json_object_get_string(akid));
			out->secret_access_key = xstrdup(json_object_get_string(secret));
			out->session_token = token && json_object_is_type(token, json_type_string) ?
				xstrdup(json_object_get_string(token)) : NULL;
			out->source = "credential_process";
			rc = -1;
		}
	}
	if (root)
		json_object_put(root);
	wipe_free(text);
	return rc;
}

/* The chain after the environment, over the profile of both files. */
static int
from_profile(const struct aws_files *files, const char *profile, bool named,
			 struct aws_credentials *out)
{
	const char *process;
	int			rc;

	if (named && !aws_profile_exists(&files->config, profile) &&
		!aws_profile_exists(&files->credentials, profile))
	{
		errorf("the AWS profile \"%s\" is not in %s nor in %s", profile,
			   files->config.path, files->credentials.path);
		hintf("name a profile those files define, or create it (aws configure --profile %s)", profile);
		return EXIT_USAGE;
	}
	if (setting(files, profile, "role_arn") || setting(files, profile, "web_identity_token_file") ||
		(env("AWS_WEB_IDENTITY_TOKEN_FILE") && env("AWS_ROLE_ARN")))
	{
		errorf("profile \"%s\" assumes a role, which this appdb cannot do yet", profile);
		hintf("use static keys or credential_process (e.g. aws configure export-credentials --format process)");
		return EXIT_USAGE;
	}
	if ((rc = from_file(&files->credentials, profile, out, "shared credentials file")) != -1)
		return rc == 0 ? -1 : rc;
	if ((process = setting(files, profile, "credential_process")) != NULL)
		return from_process(profile, process, out);
	if ((rc = from_file(&files->config, profile, out, "config file")) != -1)
		return rc == 0 ? -1 : rc;

	errorf("no AWS credentials found (profile \"%s\")", profile);
	hintf("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give --profile with keys or credential_process in %s or %s",
		  files->credentials.path, files->config.path);
	return EXIT_USAGE;
}

int
aws_resolve_credentials(const char *profile_flag, struct aws_credentials *out)
{
	struct aws_files files;
	enum env_result found = ENV_ABSENT;
	int			rc;

	memset(out, 0, sizeof(*out));
	/* an explicit --profile skips the environment's keys; AWS_PROFILE does not */
	if (profile_flag == NULL && (found = from_environment(out)) == ENV_PARTIAL)
		return EXIT_USAGE;
	if (found != ENV_FOUND)
	{
		if ((rc = load_files(&files)) < 0)
			rc = from_profile(&files, profile_name(profile_flag),
							  profile_flag || env("AWS_PROFILE"), out);
		free_files(&files);
		if (rc >= 0)
			return rc;
	}
	verbosef("AWS credentials from the %s%s", out->source,
			 out->session_token ? " (temporary, with a session token)" : "");
	return -1;
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
			owned = xstrdup(value);
			source = "the profile's region";
		}
		free_files(&files);
		if (rc >= 0)
			return rc;
		value = owned;
	}
	if (value == NULL)
	{
		errorf("no AWS region given");
		hintf("give --region, set AWS_REGION or AWS_DEFAULT_REGION, or add region to the profile");
		return EXIT_USAGE;
	}
	if (!valid_region(value))
	{
		errorf("invalid AWS region \"%s\" (from %s): use a name like us-east-1", value, source);
		free(owned);
		return EXIT_USAGE;
	}
	verbosef("AWS region %s, from %s", value, source);
	*out = xstrdup(value);
	free(owned);
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
