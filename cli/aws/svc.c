/*
 * cli/aws/svc.c
 *		Helpers the service modules share (see svc.h).
 */
#include "svc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ------------------------------------------------------------------ */
/* Lists, tags and answers                                             */
/* ------------------------------------------------------------------ */

void
aws_strings_add(struct aws_strings *s, char *owned)
{
	char	  **bigger = aws_xmalloc((s->n + 1) * sizeof(*bigger));

	if (s->n)
		memcpy(bigger, s->v, s->n * sizeof(*bigger));
	free(s->v);
	s->v = bigger;
	s->v[s->n++] = owned;
}

void
aws_strings_clean_up(struct aws_strings *s)
{
	size_t		i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void
aws_tag_list_clean_up(struct aws_tag_list *t)
{
	aws_strings_clean_up(&t->keys);
	aws_strings_clean_up(&t->values);
}

const char *
aws_tag_list_get(const struct aws_tag_list *t, const char *key)
{
	size_t		i;

	for (i = 0; i < t->keys.n; i++)
		if (strcmp(t->keys.v[i], key) == 0)
			return t->values.v[i];
	return NULL;
}

enum aws_status
aws_svc_bad_answer(const struct aws_service *svc, const char *operation,
				   const struct aws_response *resp, const char *what,
				   struct aws_error *err)
{
	aws_error_init(err);
	err->status = AWS_ERR_RESPONSE;
	err->service = svc->id;
	err->operation = aws_xstrdup(operation);
	err->http_status = resp ? resp->status : 0;
	err->message = aws_str_printf("the answer has no %s", what);
	err->request_id = resp && resp->request_id ? aws_xstrdup(resp->request_id) : NULL;
	err->attempts = resp ? resp->attempts : 0;
	aws_error_format(err);
	return AWS_ERR_RESPONSE;
}

bool
aws_svc_is_code(const struct aws_error *err, const char *const *codes)
{
	if (err->status != AWS_ERR_SERVICE || err->code == NULL)
		return false;
	for (; *codes; codes++)
		if (strcmp(err->code, *codes) == 0)
			return true;
	return false;
}

/* If a failed call's code is one of codes, forget the error: true. */
bool
aws_svc_absorb(struct aws_error *err, const char *const *codes)
{
	if (!aws_svc_is_code(err, codes))
		return false;
	aws_error_clean_up(err);
	return true;
}

/*
 * The status of a delete: when the caller asks (found not NULL), a "not
 * found" code is AWS_OK with *found = false.
 */
enum aws_status
aws_svc_not_found_ok(enum aws_status st, struct aws_error *err,
					 const char *const *codes, bool *found)
{
	if (found)
		*found = st == AWS_OK;
	if (st != AWS_OK && found && aws_svc_absorb(err, codes))
		return AWS_OK;
	return st;
}

bool
aws_svc_xml_bool(const xmlNode *from, const char *path)
{
	char	   *t = aws_xml_path_text(from, path);
	bool		v = t && strcmp(t, "true") == 0;

	free(t);
	return v;
}

long
aws_svc_xml_long(const xmlNode *from, const char *path)
{
	char	   *t = aws_xml_path_text(from, path);
	long		v = t ? strtol(t, NULL, 10) : 0;

	free(t);
	return v;
}

double
aws_svc_xml_double(const xmlNode *from, const char *path)
{
	char	   *t = aws_xml_path_text(from, path);
	double		v = t ? strtod(t, NULL) : 0;

	free(t);
	return v;
}

void
aws_svc_xml_strings(const xmlNode *from, const char *list_path, const char *item,
					const char *path, struct aws_strings *out)
{
	xmlNode    *list = aws_xml_path(from, list_path);
	xmlNode    *n;

	for (n = aws_xml_child(list, item); n; n = aws_xml_next(n, item))
	{
		char	   *t = path ? aws_xml_path_text(n, path) : aws_xml_text(n);

		if (t)
			aws_strings_add(out, t);
	}
}

void
aws_svc_xml_tags(const xmlNode *from, const char *list_path, const char *item,
				 const char *key_name, const char *value_name,
				 struct aws_tag_list *out)
{
	xmlNode    *list = aws_xml_path(from, list_path);
	xmlNode    *n;

	for (n = aws_xml_child(list, item); n; n = aws_xml_next(n, item))
	{
		char	   *k = aws_xml_path_text(n, key_name);
		char	   *v = aws_xml_path_text(n, value_name);

		if (k == NULL)
		{
			free(v);
			continue;
		}
		aws_strings_add(&out->keys, k);
		aws_strings_add(&out->values, v ? v : aws_xstrdup(""));
	}
}

char *
aws_svc_json_string(json_object *obj, const char *name)
{
	json_object *v;

	if (obj && json_object_object_get_ex(obj, name, &v) &&
		json_object_is_type(v, json_type_string))
		return aws_xstrdup(json_object_get_string(v));
	return NULL;
}


enum aws_status
aws_svc_query_pages(struct aws_client *client, const struct aws_service *svc,
					const char *operation, const struct aws_params *params,
					aws_svc_page_reader read, void *state, struct aws_error *err)
{
	char	   *marker = NULL;

	do
	{
		struct aws_params p;
		struct aws_response resp;
		enum aws_status st;
		const xmlNode *result;
		char	   *truncated;
		size_t		i;

		aws_params_init(&p);
		for (i = 0; i < params->n; i++)
			aws_params_add(&p, params->items[i].name, params->items[i].value);
		if (marker)
			aws_params_add(&p, "Marker", marker);
		free(marker);
		marker = NULL;
		st = aws_call_query(client, svc, operation, &p, &resp, err);
		aws_params_free(&p);
		if (st != AWS_OK)
			return st;
		result = aws_xml_result(&resp, operation);
		read(result, state);
		truncated = aws_xml_path_text(result, "IsTruncated");
		if (truncated == NULL || strcmp(truncated, "true") == 0)
			marker = aws_xml_path_text(result, "Marker");
		free(truncated);
		if (marker && marker[0] == '\0')
		{
			free(marker);
			marker = NULL;
		}
		aws_response_clean_up(&resp);
	} while (marker);
	return AWS_OK;
}
