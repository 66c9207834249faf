/*
 * cli/aws/response.h
 *		Reading AWS answers: successful bodies (XML with libxml2, JSON with
 *		json-c, never by hand) and errors, per protocol, into one struct.
 *
 * Error codes are the wire codes (AWS.md trap 5): query and EC2 take
 * <Error><Code> (under <ErrorResponse>, <Response><Errors> or moto's
 * <ErrorResponse><Errors>); JSON 1.1 takes "__type" after its last '#',
 * then the x-amzn-ErrorType header; REST-JSON takes the header first, then
 * "code"/"Code"/"__type".  A message is "message" or "Message".  An empty
 * or unreadable error body gives the HTTP status as the code and its
 * standard reason as the message, as botocore does.  moto answers a denied
 * KMS, Secrets Manager, Backup or Data API call with an XML <ErrorResponse>
 * instead of JSON (AWS.md, moto section): JSON services read that too.
 *
 * XML is parsed without network access, without entity substitution and
 * without DTD loading; a document that carries a DTD at all is refused (an
 * AWS answer never has one), so no entity is ever expanded.
 */
#ifndef APPDB_AWS_RESPONSE_H
#define APPDB_AWS_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>
#include <libxml/tree.h>

#include "error.h"
#include "http.h"

enum aws_protocol
{
	AWS_PROTOCOL_QUERY,			/* RDS, IAM, STS */
	AWS_PROTOCOL_EC2,
	AWS_PROTOCOL_JSON,			/* JSON 1.1: KMS, Secrets Manager */
	AWS_PROTOCOL_REST_JSON		/* RDS Data API, Backup */
};

/* A successful answer. */
struct aws_response
{
	long		status;
	char	   *request_id;		/* or NULL */
	char	   *date;			/* the Date header, or NULL: the service's clock */
	xmlDoc	   *xml;			/* query, EC2: the parsed body */
	json_object *json;			/* JSON protocols: NULL for an empty body */
	int			attempts;
};

void		aws_response_init(struct aws_response *resp);
void		aws_response_clean_up(struct aws_response *resp);

/* Parse XML safely (see above); NULL if it is not a plain XML document. */
xmlDoc	   *aws_xml_parse(const char *body, size_t len);

/* Parse one JSON value filling the whole body (spaces around allowed). */
json_object *aws_json_parse(const char *body, size_t len);

/*
 * Fill err's code, message and request id from an error answer of the
 * protocol (http_status, body, headers from resp); then aws_error_format().
 */
void		aws_parse_error(enum aws_protocol protocol,
							const struct aws_http_response *resp,
							struct aws_error *err);

/* Build err->text from the other fields. */
void		aws_error_format(struct aws_error *err);

/* The request id of an answer: x-amzn-RequestId, then x-amz-request-id. */
const char *aws_header_request_id(const struct aws_http_response *resp);

/*
 * XML navigation by local name (namespaces ignored, as botocore does).
 * aws_xml_path takes "A/B/C" below from; aws_xml_text returns the text
 * of the element's own text and CDATA children, malloc'd, or NULL.
 */
xmlNode    *aws_xml_child(const xmlNode *parent, const char *name);
xmlNode    *aws_xml_next(const xmlNode *node, const char *name);
xmlNode    *aws_xml_path(const xmlNode *from, const char *path);
char	   *aws_xml_text(const xmlNode *node);
char	   *aws_xml_path_text(const xmlNode *from, const char *path);

/*
 * A successful query answer's result: <OpResponse><OpResult>, or the root
 * element for an answer with no result (and for EC2, which has none).
 */
xmlNode    *aws_xml_result(const struct aws_response *resp, const char *operation);

#endif							/* APPDB_AWS_RESPONSE_H */
