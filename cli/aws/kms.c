/*
 * cli/aws/kms.c
 *		KMS calls (see kms.h): bodies built and answers read with json-c.
 */
#include "kms.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const not_found[] = {"NotFoundException", NULL};

/* Call op with body (consumed); on AWS_OK *resp is the caller's. */
static enum aws_status
call(struct aws_client *client, const char *op, json_object *body,
	 struct aws_response *resp, struct aws_error *err)
{
	struct aws_response tmp;
	enum aws_status st;

	st = aws_call_json(client, &aws_service_kms, op,
					   json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
					   resp ? resp : &tmp, err);
	json_object_put(body);
	if (st == AWS_OK && resp == NULL)
		aws_response_clean_up(&tmp);
	return st;
}

static json_object *
key_body(const char *key_id)
{
	json_object *b = json_object_new_object();

	json_object_object_add(b, "KeyId", json_object_new_string(key_id));
	return b;
}

void
aws_kms_key_clean_up(struct aws_kms_key *k)
{
	free(k->id);
	free(k->arn);
	free(k->state);
	free(k->description);
	free(k->key_usage);
	free(k->key_spec);
	memset(k, 0, sizeof(*k));
}

static enum aws_status
read_key(const char *op, struct aws_response *resp, struct aws_kms_key *out,
		 struct aws_error *err)
{
	json_object *m = NULL;
	json_object *v;
	enum aws_status st = AWS_OK;

	if (resp->json == NULL ||
		!json_object_object_get_ex(resp->json, "KeyMetadata", &m) ||
		(out->id = aws_svc_json_string(m, "KeyId")) == NULL)
		st = aws_svc_bad_answer(&aws_service_kms, op, resp, "KeyMetadata/KeyId", err);
	else
	{
		out->found = true;
		out->arn = aws_svc_json_string(m, "Arn");
		out->state = aws_svc_json_string(m, "KeyState");
		out->description = aws_svc_json_string(m, "Description");
		out->key_usage = aws_svc_json_string(m, "KeyUsage");
		out->key_spec = aws_svc_json_string(m, "KeySpec");
		out->enabled = json_object_object_get_ex(m, "Enabled", &v) &&
			json_object_get_boolean(v);
	}
	aws_response_clean_up(resp);
	return st;
}

enum aws_status
aws_kms_create_key(struct aws_client *client, const char *description,
				   const struct aws_tag *tags, size_t ntags,
				   struct aws_kms_key *out, struct aws_error *err)
{
	json_object *b = json_object_new_object();
	struct aws_response resp;
	enum aws_status st;
	size_t		i;

	memset(out, 0, sizeof(*out));
	if (description)
		json_object_object_add(b, "Description", json_object_new_string(description));
	json_object_object_add(b, "KeyUsage", json_object_new_string("ENCRYPT_DECRYPT"));
	json_object_object_add(b, "KeySpec", json_object_new_string("SYMMETRIC_DEFAULT"));
	if (ntags > 0)
	{
		json_object *a = json_object_new_array();

		for (i = 0; i < ntags; i++)
		{
			json_object *t = json_object_new_object();

			json_object_object_add(t, "TagKey", json_object_new_string(tags[i].key));
			json_object_object_add(t, "TagValue", json_object_new_string(tags[i].value));
			json_object_array_add(a, t);
		}
		json_object_object_add(b, "Tags", a);
	}
	if ((st = call(client, "CreateKey", b, &resp, err)) != AWS_OK)
		return st;
	return read_key("CreateKey", &resp, out, err);
}

enum aws_status
aws_kms_describe_key(struct aws_client *client, const char *key_id,
					 struct aws_kms_key *out, struct aws_error *err)
{
	struct aws_response resp;
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	if ((st = call(client, "DescribeKey", key_body(key_id), &resp, err)) != AWS_OK)
	{
		if (aws_svc_absorb(err, not_found))
			return AWS_OK;
		return st;
	}
	return read_key("DescribeKey", &resp, out, err);
}

enum aws_status
aws_kms_enable_key_rotation(struct aws_client *client, const char *key_id,
							struct aws_error *err)
{
	return call(client, "EnableKeyRotation", key_body(key_id), NULL, err);
}

enum aws_status
aws_kms_get_key_rotation_status(struct aws_client *client, const char *key_id,
								bool *enabled, struct aws_error *err)
{
	struct aws_response resp;
	enum aws_status st;
	json_object *v;

	*enabled = false;
	if ((st = call(client, "GetKeyRotationStatus", key_body(key_id), &resp, err)) != AWS_OK)
		return st;
	if (resp.json == NULL ||
		!json_object_object_get_ex(resp.json, "KeyRotationEnabled", &v) ||
		!json_object_is_type(v, json_type_boolean))
		st = aws_svc_bad_answer(&aws_service_kms, "GetKeyRotationStatus", &resp,
								"KeyRotationEnabled", err);
	else
		*enabled = json_object_get_boolean(v);
	aws_response_clean_up(&resp);
	return st;
}

enum aws_status
aws_kms_create_alias(struct aws_client *client, const char *alias,
					 const char *target_key_id, struct aws_error *err)
{
	json_object *b = json_object_new_object();

	json_object_object_add(b, "AliasName", json_object_new_string(alias));
	json_object_object_add(b, "TargetKeyId", json_object_new_string(target_key_id));
	return call(client, "CreateAlias", b, NULL, err);
}

enum aws_status
aws_kms_delete_alias(struct aws_client *client, const char *alias, bool *found,
					 struct aws_error *err)
{
	json_object *b = json_object_new_object();

	json_object_object_add(b, "AliasName", json_object_new_string(alias));
	return aws_svc_not_found_ok(call(client, "DeleteAlias", b, NULL, err), err,
								not_found, found);
}

enum aws_status
aws_kms_schedule_key_deletion(struct aws_client *client, const char *key_id,
							  int pending_window_days, struct aws_error *err)
{
	json_object *b = key_body(key_id);

	if (pending_window_days > 0)
		json_object_object_add(b, "PendingWindowInDays",
							   json_object_new_int(pending_window_days));
	return call(client, "ScheduleKeyDeletion", b, NULL, err);
}

void
aws_kms_alias_list_clean_up(struct aws_kms_alias_list *l)
{
	aws_strings_clean_up(&l->names);
	aws_strings_clean_up(&l->arns);
	aws_strings_clean_up(&l->targets);
}

/* Each page of a KMS list call (Marker, Truncated, NextMarker): read takes the answer. */
static enum aws_status
list_pages(struct aws_client *client, const char *op, const char *key_id,
		   void (*read) (json_object *answer, void *state), void *state,
		   struct aws_error *err)
{
	char	   *marker = NULL;

	do
	{
		json_object *b = key_id ? key_body(key_id) : json_object_new_object();
		json_object *v;
		struct aws_response resp;
		enum aws_status st;

		if (marker)
			json_object_object_add(b, "Marker", json_object_new_string(marker));
		free(marker);
		marker = NULL;
		if ((st = call(client, op, b, &resp, err)) != AWS_OK)
			return st;
		if (resp.json)
			read(resp.json, state);
		if (resp.json && json_object_object_get_ex(resp.json, "Truncated", &v) &&
			json_object_get_boolean(v))
			marker = aws_svc_json_string(resp.json, "NextMarker");
		aws_response_clean_up(&resp);
	} while (marker);
	return AWS_OK;
}

static void
read_key_ids(json_object *answer, void *state)
{
	struct aws_strings *ids = state;
	json_object *keys;
	size_t		i;

	if (json_object_object_get_ex(answer, "Keys", &keys) &&
		json_object_is_type(keys, json_type_array))
		for (i = 0; i < json_object_array_length(keys); i++)
		{
			char	   *id = aws_svc_json_string(json_object_array_get_idx(keys, i), "KeyId");

			if (id)
				aws_strings_add(ids, id);
		}
}

enum aws_status
aws_kms_list_keys(struct aws_client *client, struct aws_strings *ids,
				  struct aws_error *err)
{
	enum aws_status st;

	memset(ids, 0, sizeof(*ids));
	if ((st = list_pages(client, "ListKeys", NULL, read_key_ids, ids, err)) != AWS_OK)
		aws_strings_clean_up(ids);
	return st;
}

static void
read_tags(json_object *answer, void *state)
{
	struct aws_tag_list *tags = state;
	json_object *a;
	size_t		i;

	if (json_object_object_get_ex(answer, "Tags", &a) &&
		json_object_is_type(a, json_type_array))
		for (i = 0; i < json_object_array_length(a); i++)
		{
			json_object *t = json_object_array_get_idx(a, i);
			char	   *k = aws_svc_json_string(t, "TagKey");

			if (k == NULL)
				continue;
			aws_strings_add(&tags->keys, k);
			k = aws_svc_json_string(t, "TagValue");
			aws_strings_add(&tags->values, k ? k : aws_xstrdup(""));
		}
}

enum aws_status
aws_kms_list_resource_tags(struct aws_client *client, const char *key_id,
						   struct aws_tag_list *out, struct aws_error *err)
{
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	if ((st = list_pages(client, "ListResourceTags", key_id, read_tags, out, err)) != AWS_OK)
		aws_tag_list_clean_up(out);
	return st;
}

static void
read_aliases(json_object *answer, void *state)
{
	struct aws_kms_alias_list *out = state;
	json_object *aliases;
	size_t		i;

	if (json_object_object_get_ex(answer, "Aliases", &aliases) &&
		json_object_is_type(aliases, json_type_array))
		for (i = 0; i < json_object_array_length(aliases); i++)
		{
			json_object *a = json_object_array_get_idx(aliases, i);
			char	   *name = aws_svc_json_string(a, "AliasName");
			char	   *arn = aws_svc_json_string(a, "AliasArn");
			char	   *target = aws_svc_json_string(a, "TargetKeyId");

			if (name == NULL)
			{
				free(arn);
				free(target);
				continue;
			}
			aws_strings_add(&out->names, name);
			aws_strings_add(&out->arns, arn ? arn : aws_xstrdup(""));
			aws_strings_add(&out->targets, target ? target : aws_xstrdup(""));
		}
}

enum aws_status
aws_kms_list_aliases(struct aws_client *client, const char *key_id,
					 struct aws_kms_alias_list *out, struct aws_error *err)
{
	enum aws_status st;

	memset(out, 0, sizeof(*out));
	if ((st = list_pages(client, "ListAliases", key_id, read_aliases, out, err)) != AWS_OK)
		aws_kms_alias_list_clean_up(out);
	return st;
}
