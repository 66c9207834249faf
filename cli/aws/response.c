/*
 * cli/aws/response.c
 *		Parsing AWS answers and errors (see response.h): libxml2 for XML,
 *		json-c for JSON, botocore's rules for which field holds the code.
 */
#include "response.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "util.h"

#define MAX_CODE 256			/* longer codes are cut */
#define MAX_MESSAGE 2048		/* longer messages are cut */
#define JSON_DEPTH 32

void
aws_response_init(struct aws_response *resp)
{
	memset(resp, 0, sizeof(*resp));
}

void
aws_response_clean_up(struct aws_response *resp)
{
	free(resp->request_id);
	free(resp->date);
	if (resp->xml)
		xmlFreeDoc(resp->xml);
	if (resp->json)
		json_object_put(resp->json);
	memset(resp, 0, sizeof(*resp));
}

/* ------------------------------------------------------------------ */
/* Parsers                                                             */
/* ------------------------------------------------------------------ */

xmlDoc *
aws_xml_parse(const char *body, size_t len)
{
	/*
	 * No XML_PARSE_NOENT (entities stay references), no DTDLOAD/DTDATTR,
	 * no HUGE (libxml2's size and amplification limits stay), no RECOVER
	 * (a cut document is not a document).
	 */
	const int	options = XML_PARSE_NONET | XML_PARSE_NOERROR |
		XML_PARSE_NOWARNING;
	xmlDoc	   *doc;

	if (body == NULL || len == 0 || len > INT_MAX)
		return NULL;
	doc = xmlReadMemory(body, (int) len, NULL, NULL, options);
	if (doc == NULL)
		return NULL;
	if (doc->intSubset || doc->extSubset || xmlDocGetRootElement(doc) == NULL)
	{
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

json_object *
aws_json_parse(const char *body, size_t len)
{
	struct json_tokener *tok;
	json_object *obj;
	enum json_tokener_error jerr;
	size_t		end;

	if (body == NULL || len == 0 || len > INT_MAX)
		return NULL;
	tok = json_tokener_new_ex(JSON_DEPTH);
	if (tok == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, body, (int) len);
	jerr = json_tokener_get_error(tok);
	if (obj == NULL && jerr == json_tokener_continue)
	{
		/* a bare number is complete only at its end: say it ended */
		obj = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = len;
	}
	else
		end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (obj == NULL || jerr != json_tokener_success)
	{
		json_object_put(obj);
		return NULL;
	}
	for (; end < len; end++)
		if (!strchr(" \t\r\n", body[end]) || body[end] == '\0')
		{
			json_object_put(obj);
			return NULL;
		}
	return obj;
}

/* ------------------------------------------------------------------ */
/* XML navigation                                                      */
/* ------------------------------------------------------------------ */

static bool
is_element(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->name &&
		strcmp((const char *) n->name, name) == 0;
}

xmlNode *
aws_xml_child(const xmlNode *parent, const char *name)
{
	xmlNode    *n;

	if (parent == NULL)
		return NULL;
	for (n = parent->children; n; n = n->next)
		if (is_element(n, name))
			return n;
	return NULL;
}

xmlNode *
aws_xml_next(const xmlNode *node, const char *name)
{
	xmlNode    *n;

	if (node == NULL)
		return NULL;
	for (n = node->next; n; n = n->next)
		if (is_element(n, name))
			return n;
	return NULL;
}

xmlNode *
aws_xml_path(const xmlNode *from, const char *path)
{
	const xmlNode *n = from;
	char		step[128];

	while (n && *path)
	{
		size_t		len = strcspn(path, "/");

		if (len == 0 || len >= sizeof(step))
			return NULL;
		memcpy(step, path, len);
		step[len] = '\0';
		n = aws_xml_child(n, step);
		path += len;
		if (*path == '/')
			path++;
	}
	return (xmlNode *) n;
}

/*
 * The element's own text and CDATA children, concatenated.  Entity
 * references are skipped, never expanded (aws_xml_parse refuses a DTD, so
 * only the predefined ones exist, and those the parser turned into text).
 */
char *
aws_xml_text(const xmlNode *node)
{
	const xmlNode *n;
	size_t		len = 0;
	char	   *out;

	if (node == NULL)
		return NULL;
	for (n = node->children; n; n = n->next)
		if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
			n->content)
			len += strlen((const char *) n->content);
	out = aws_xmalloc(len + 1);
	len = 0;
	for (n = node->children; n; n = n->next)
		if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
			n->content)
		{
			size_t		k = strlen((const char *) n->content);

			memcpy(out + len, n->content, k);
			len += k;
		}
	out[len] = '\0';
	return out;
}

char *
aws_xml_path_text(const xmlNode *from, const char *path)
{
	return aws_xml_text(aws_xml_path(from, path));
}

xmlNode *
aws_xml_result(const struct aws_response *resp, const char *operation)
{
	xmlNode    *root;
	xmlNode    *result;
	char	   *name;

	if (resp->xml == NULL)
		return NULL;
	root = xmlDocGetRootElement(resp->xml);
	name = aws_str_printf("%sResult", operation);
	result = aws_xml_child(root, name);
	free(name);
	return result ? result : root;
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

const char *
aws_header_request_id(const struct aws_http_response *resp)
{
	const char *id = aws_http_header(resp, "x-amzn-requestid");

	return id ? id : aws_http_header(resp, "x-amz-request-id");
}

/*
 * A copy of s (n bytes) with control characters as spaces, cut at max
 * bytes (on a UTF-8 boundary, marked "..."); NULL for NULL.
 */
static char *
clean_copy(const char *s, size_t n, size_t max)
{
	char	   *out;
	size_t		i;
	bool		cut = false;

	if (s == NULL)
		return NULL;
	if (n > max)
	{
		n = max;
		while (n > 0 && ((unsigned char) s[n] & 0xC0) == 0x80)
			n--;
		cut = true;
	}
	out = aws_xmalloc(n + 4);
	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];

		out[i] = c < 0x20 || c == 0x7f ? ' ' : (char) c;
	}
	if (cut)
		memcpy(out + n, "...", 3), n += 3;
	out[n] = '\0';
	return out;
}

static void
set_field(char **field, const char *value, size_t max)
{
	free(*field);
	*field = value ? clean_copy(value, strlen(value), max) : NULL;
}

/* An error code as botocore cleans it: cut at ':', keep what follows '#'. */
static void
set_code(struct aws_error *err, const char *code)
{
	size_t		n = strcspn(code, ":");
	const char *hash;
	char	   *tmp = aws_xmalloc(n + 1);

	memcpy(tmp, code, n);
	tmp[n] = '\0';
	hash = strrchr(tmp, '#');
	set_field(&err->code, hash ? hash + 1 : tmp, MAX_CODE);
	free(tmp);
}

/*
 * The XML error forms: <ErrorResponse><Error> (query), <Response><Errors>
 * <Error> (EC2), <ErrorResponse><Errors><Error> (moto's own), <Error>.
 * False if the body is no such document.
 */
static bool
xml_error(const struct aws_http_response *resp, struct aws_error *err)
{
	xmlDoc	   *doc = aws_xml_parse(resp->body.data, resp->body.len);
	xmlNode    *root;
	xmlNode    *error;
	char	   *code;
	char	   *message;
	char	   *id;

	if (doc == NULL)
		return false;
	root = xmlDocGetRootElement(doc);
	if (is_element(root, "Error"))
		error = root;
	else if ((error = aws_xml_child(root, "Error")) == NULL)
		error = aws_xml_path(root, "Errors/Error");
	code = aws_xml_path_text(error, "Code");
	if (error == NULL || code == NULL || code[0] == '\0')
	{
		free(code);
		xmlFreeDoc(doc);
		return false;
	}
	message = aws_xml_path_text(error, "Message");
	id = aws_xml_path_text(root, "RequestId");
	if (id == NULL)
		id = aws_xml_path_text(root, "RequestID");
	set_field(&err->code, code, MAX_CODE);
	set_field(&err->message, message, MAX_MESSAGE);
	if (id && id[0])
		set_field(&err->request_id, id, MAX_CODE);
	free(code);
	free(message);
	free(id);
	xmlFreeDoc(doc);
	return true;
}

/* A string member of a JSON object, or NULL. */
static const char *
json_string_member(json_object *obj, const char *name)
{
	json_object *v;

	if (obj && json_object_object_get_ex(obj, name, &v) &&
		json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return NULL;
}

/*
 * The JSON error forms: JSON 1.1 reads "__type", then the header;
 * REST-JSON the x-amzn-ErrorType header, then "code", "Code", "__type";
 * with no code at all the HTTP status is the code (botocore).  False if
 * the body is not a JSON object.
 */
static bool
json_error(enum aws_protocol protocol, const struct aws_http_response *resp,
		   struct aws_error *err)
{
	json_object *body = aws_json_parse(resp->body.data, resp->body.len);
	const char *header = aws_http_header(resp, "x-amzn-errortype");
	const char *code = NULL;
	const char *message = NULL;
	char		status[16];

	if (body == NULL || !json_object_is_type(body, json_type_object))
	{
		json_object_put(body);
		return false;
	}
	if (header && header[0] == '\0')
		header = NULL;
	if (protocol == AWS_PROTOCOL_REST_JSON)
	{
		if ((code = header) == NULL &&
			(code = json_string_member(body, "code")) == NULL &&
			(code = json_string_member(body, "Code")) == NULL)
			code = json_string_member(body, "__type");
	}
	else if ((code = json_string_member(body, "__type")) == NULL)
		code = header;
	if (code == NULL || code[0] == '\0')
	{
		snprintf(status, sizeof(status), "%ld", resp->status);
		code = status;
	}
	if ((message = json_string_member(body, "message")) == NULL)
		message = json_string_member(body, "Message");
	if (message == NULL && code == status)
		message = aws_http_reason(resp->status);
	set_code(err, code);
	set_field(&err->message, message, MAX_MESSAGE);
	json_object_put(body);
	return true;
}

void
aws_parse_error(enum aws_protocol protocol, const struct aws_http_response *resp,
				struct aws_error *err)
{
	const char *id = aws_header_request_id(resp);
	bool		found = false;
	char		status[16];

	err->status = AWS_ERR_SERVICE;
	err->http_status = resp->status;
	set_field(&err->code, NULL, 0);
	set_field(&err->message, NULL, 0);
	set_field(&err->request_id, id && id[0] ? id : NULL, MAX_CODE);

	if (protocol == AWS_PROTOCOL_JSON || protocol == AWS_PROTOCOL_REST_JSON)
		found = json_error(protocol, resp, err);
	/* XML for the XML protocols, and for moto's denials of JSON services */
	if (!found)
		found = xml_error(resp, err);
	if (!found && (protocol == AWS_PROTOCOL_JSON ||
				   protocol == AWS_PROTOCOL_REST_JSON))
	{
		/* a header with an unreadable body: the header's code, no message */
		const char *header = aws_http_header(resp, "x-amzn-errortype");

		if (header && header[0])
		{
			set_code(err, header);
			found = true;
		}
	}
	if (!found)
	{
		/* botocore's generic error: the status and its standard reason */
		snprintf(status, sizeof(status), "%ld", resp->status);
		set_field(&err->code, status, MAX_CODE);
		set_field(&err->message, aws_http_reason(resp->status), MAX_MESSAGE);
	}
	aws_error_format(err);
}

void
aws_error_format(struct aws_error *err)
{
	char	   *what;
	char	   *where = NULL;
	char	   *text;
	char	   *attempts = NULL;

	if (err->code && err->message && err->message[0])
		what = aws_str_printf("%s: %s", err->code, err->message);
	else if (err->code)
		what = aws_xstrdup(err->code);
	else
		what = aws_xstrdup(err->message ? err->message : "unknown error");
	if (err->attempts > 1)
		attempts = aws_str_printf(", after %d attempts", err->attempts);
	if (err->http_status && err->request_id)
		where = aws_str_printf(" (HTTP %ld, request id %s%s)", err->http_status,
						  err->request_id, attempts ? attempts : "");
	else if (err->http_status)
		where = aws_str_printf(" (HTTP %ld%s)", err->http_status,
						  attempts ? attempts : "");
	else if (attempts)
		where = aws_str_printf(" (%s)", attempts + 2);
	text = aws_str_printf("%s %s failed: %s%s", err->service ? err->service : "AWS",
					 err->operation ? err->operation : "call", what,
					 where ? where : "");
	free(err->text);
	err->text = clean_copy(text, strlen(text), 4 * MAX_MESSAGE);
	free(text);
	free(what);
	free(where);
	free(attempts);
}
