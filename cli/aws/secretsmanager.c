/*
 * cli/aws/secretsmanager.c
 *		GetSecretValue (see secretsmanager.h).  SecretString is a JSON text
 *		inside the JSON answer: parsed a second time, with json-c.
 */
#include "secretsmanager.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void
aws_secret_value_clean_up(struct aws_secret_value *s)
{
	free(s->arn);
	free(s->name);
	free(s->version_id);
	if (s->secret_string)
		aws_wipe_free(s->secret_string);
	if (s->username)
		aws_wipe_free(s->username);
	if (s->password)
		aws_wipe_free(s->password);
	memset(s, 0, sizeof(*s));
}

enum aws_status
aws_secrets_get_value(struct aws_client *client, const char *secret_id,
					  const char *version_stage, struct aws_secret_value *out,
					  struct aws_error *err)
{
	static const char *const not_found[] = {"ResourceNotFoundException", NULL};
	json_object *b = json_object_new_object();
	struct aws_response resp;
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	json_object_object_add(b, "SecretId", json_object_new_string(secret_id));
	if (version_stage)
		json_object_object_add(b, "VersionStage", json_object_new_string(version_stage));
	st = aws_call_json(client, &aws_service_secrets_manager, "GetSecretValue",
					   json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
					   &resp, err);
	json_object_put(b);
	if (st != AWS_OK)
	{
		if (aws_svc_absorb(err, not_found))
			return AWS_OK;
		return st;
	}
	if (resp.json == NULL || (out->arn = aws_svc_json_string(resp.json, "ARN")) == NULL)
	{
		st = aws_svc_bad_answer(&aws_service_secrets_manager, "GetSecretValue", &resp,
								"ARN", err);
		aws_response_clean_up(&resp);
		return st;
	}
	out->found = true;
	out->name = aws_svc_json_string(resp.json, "Name");
	out->version_id = aws_svc_json_string(resp.json, "VersionId");
	out->secret_string = aws_svc_json_string(resp.json, "SecretString");
	if (out->secret_string)
	{
		json_object *inner = aws_json_parse(out->secret_string, strlen(out->secret_string));

		if (inner && json_object_is_type(inner, json_type_object))
		{
			out->username = aws_svc_json_string(inner, "username");
			out->password = aws_svc_json_string(inner, "password");
		}
		json_object_put(inner);
	}
	aws_response_clean_up(&resp);
	return AWS_OK;
}
