/*
 * cli/aws/rdsdata.c
 *		RDS Data API calls (see rdsdata.h).  formattedRecords is a JSON
 *		text inside the JSON answer: parsed a second time with json-c.
 */
#include "rdsdata.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void
aws_rdsdata_result_clean_up(struct aws_rdsdata_result *r)
{
	free(r->formatted_records);
	json_object_put(r->records);
	aws_strings_clean_up(&r->columns);
	memset(r, 0, sizeof(*r));
}

static json_object *
target_body(const struct aws_rdsdata_target *t, bool database)
{
	json_object *b = json_object_new_object();

	json_object_object_add(b, "resourceArn", json_object_new_string(t->resource_arn));
	json_object_object_add(b, "secretArn", json_object_new_string(t->secret_arn));
	if (database && t->database)
		json_object_object_add(b, "database", json_object_new_string(t->database));
	return b;
}

/* POST path with body (consumed). */
static enum aws_status
call(struct aws_client *client, const char *op, const char *path, json_object *body,
	 struct aws_response *resp, struct aws_error *err)
{
	enum aws_status st;

	st = aws_call_rest_json(client, &aws_service_rds_data, op, "POST", path, NULL,
							json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
							resp, err);
	json_object_put(body);
	return st;
}

static json_object *
param_value(const struct aws_rdsdata_param *p)
{
	json_object *v = json_object_new_object();

	switch (p->type)
	{
		case AWS_RDSDATA_NULL:
			json_object_object_add(v, "isNull", json_object_new_boolean(1));
			break;
		case AWS_RDSDATA_STRING:
			json_object_object_add(v, "stringValue", json_object_new_string(p->s ? p->s : ""));
			break;
		case AWS_RDSDATA_LONG:
			json_object_object_add(v, "longValue", json_object_new_int64(p->l));
			break;
		case AWS_RDSDATA_BOOL:
			json_object_object_add(v, "booleanValue", json_object_new_boolean(p->b));
			break;
		case AWS_RDSDATA_DOUBLE:
			json_object_object_add(v, "doubleValue", json_object_new_double(p->d));
			break;
	}
	return v;
}

enum aws_status
aws_rdsdata_execute(struct aws_client *client, const struct aws_rdsdata_target *target,
					const char *sql, const struct aws_rdsdata_param *params,
					size_t nparams, const char *transaction_id,
					struct aws_rdsdata_result *out, struct aws_error *err)
{
	json_object *b = target_body(target, true);
	json_object *v;
	struct aws_response resp;
	enum aws_status st;
	size_t		i;

	memset(out, 0, sizeof(*out));
	json_object_object_add(b, "sql", json_object_new_string(sql));
	if (nparams > 0)
	{
		json_object *a = json_object_new_array();

		for (i = 0; i < nparams; i++)
		{
			json_object *p = json_object_new_object();

			json_object_object_add(p, "name", json_object_new_string(params[i].name));
			json_object_object_add(p, "value", param_value(&params[i]));
			if (params[i].type_hint)
				json_object_object_add(p, "typeHint",
									   json_object_new_string(params[i].type_hint));
			json_object_array_add(a, p);
		}
		json_object_object_add(b, "parameters", a);
	}
	if (transaction_id)
		json_object_object_add(b, "transactionId", json_object_new_string(transaction_id));
	json_object_object_add(b, "includeResultMetadata", json_object_new_boolean(1));
	json_object_object_add(b, "formatRecordsAs", json_object_new_string("JSON"));
	if ((st = call(client, "ExecuteStatement", "/Execute", b, &resp, err)) != AWS_OK)
		return st;
	if (resp.json == NULL || !json_object_is_type(resp.json, json_type_object))
	{
		st = aws_svc_bad_answer(&aws_service_rds_data, "ExecuteStatement", &resp,
								"JSON object", err);
		aws_response_clean_up(&resp);
		return st;
	}
	if (json_object_object_get_ex(resp.json, "numberOfRecordsUpdated", &v))
		out->records_updated = json_object_get_int64(v);
	out->formatted_records = aws_svc_json_string(resp.json, "formattedRecords");
	if (out->formatted_records)
	{
		out->records = aws_json_parse(out->formatted_records,
									  strlen(out->formatted_records));
		if (out->records == NULL || !json_object_is_type(out->records, json_type_array))
		{
			aws_rdsdata_result_clean_up(out);
			st = aws_svc_bad_answer(&aws_service_rds_data, "ExecuteStatement", &resp,
									"readable formattedRecords", err);
			aws_response_clean_up(&resp);
			return st;
		}
	}
	if (json_object_object_get_ex(resp.json, "columnMetadata", &v) &&
		json_object_is_type(v, json_type_array))
		for (i = 0; i < json_object_array_length(v); i++)
		{
			char	   *name = aws_svc_json_string(json_object_array_get_idx(v, i), "name");

			aws_strings_add(&out->columns, name ? name : aws_xstrdup(""));
		}
	aws_response_clean_up(&resp);
	return AWS_OK;
}

enum aws_status
aws_rdsdata_begin(struct aws_client *client, const struct aws_rdsdata_target *target,
				  char **transaction_id, struct aws_error *err)
{
	struct aws_response resp;
	enum aws_status st;

	*transaction_id = NULL;
	st = call(client, "BeginTransaction", "/BeginTransaction",
			  target_body(target, true), &resp, err);
	if (st != AWS_OK)
		return st;
	*transaction_id = aws_svc_json_string(resp.json, "transactionId");
	if (*transaction_id == NULL)
		st = aws_svc_bad_answer(&aws_service_rds_data, "BeginTransaction", &resp,
								"transactionId", err);
	aws_response_clean_up(&resp);
	return st;
}

static enum aws_status
finish(struct aws_client *client, const char *op, const char *path,
	   const struct aws_rdsdata_target *target, const char *transaction_id,
	   char **status, struct aws_error *err)
{
	json_object *b = target_body(target, false);
	struct aws_response resp;
	enum aws_status st;

	if (status)
		*status = NULL;
	json_object_object_add(b, "transactionId", json_object_new_string(transaction_id));
	if ((st = call(client, op, path, b, &resp, err)) != AWS_OK)
		return st;
	if (status)
		*status = aws_svc_json_string(resp.json, "transactionStatus");
	aws_response_clean_up(&resp);
	return AWS_OK;
}

enum aws_status
aws_rdsdata_commit(struct aws_client *client, const struct aws_rdsdata_target *target,
				   const char *transaction_id, char **status, struct aws_error *err)
{
	return finish(client, "CommitTransaction", "/CommitTransaction", target,
				  transaction_id, status, err);
}

enum aws_status
aws_rdsdata_rollback(struct aws_client *client, const struct aws_rdsdata_target *target,
					 const char *transaction_id, char **status, struct aws_error *err)
{
	return finish(client, "RollbackTransaction", "/RollbackTransaction", target,
				  transaction_id, status, err);
}
