/*
 * test/aws/request/errors.c
 *		Error parsing, offline: each protocol's error answers, moto's, and
 *		hostile ones (entities, deep nesting, control characters, a NUL, a long message).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/aws/http.h"
#include "cli/aws/response.h"
#include "test/aws/request/test_request.h"
#include "test/unit.h"

struct error_row
{
	const char *name;
	enum aws_protocol protocol;
	long		status;
	const char *headers;		/* "name: value\n" lines */
	const char *body;
	const char *code;
	const char *message;
	const char *request_id;
	const char *text;			/* NULL: not checked */
};

#define MOTO_SIG_403 \
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ErrorResponse><Errors><Error>" \
	"<Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated " \
	"does not match the signature you provided.</Message><Type>Sender</Type></Error>" \
	"</Errors></ErrorResponse>"

static const struct error_row error_rows[] = {
	{"query-xml", AWS_PROTOCOL_QUERY, 404, "x-amzn-RequestId: hdr-1\n",
		"<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error>"
		"<Type>Sender</Type><Code>DBClusterNotFound</Code><Message>DBCluster app-dev not "
		"found.</Message></Error><RequestId>r-1</RequestId></ErrorResponse>",
		"DBClusterNotFound", "DBCluster app-dev not found.", "r-1",
	"RDS DescribeDBClusters failed: DBClusterNotFound: DBCluster app-dev not found. (HTTP 404, request id r-1)"},
	{"query-xml-throttling", AWS_PROTOCOL_QUERY, 400, NULL,
		"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
		"<Message>Rate exceeded</Message></Error><RequestId>r-t</RequestId></ErrorResponse>",
	"Throttling", "Rate exceeded", "r-t", NULL},
	{"query-xml-cdata-and-entities", AWS_PROTOCOL_QUERY, 400, NULL,
		"<ErrorResponse><Error><Code>InvalidParameterValue</Code><Message>a &lt;b&gt; "
		"&amp; <![CDATA[c<d>]]>&#233;</Message></Error></ErrorResponse>",
	"InvalidParameterValue", "a <b> & c<d>\xc3\xa9", NULL, NULL},
	{"ec2-xml", AWS_PROTOCOL_EC2, 400, NULL,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
		"<Code>InvalidGroup.NotFound</Code><Message>The security group 'sg-1' does not "
		"exist</Message></Error></Errors><RequestID>r-2</RequestID></Response>",
	"InvalidGroup.NotFound", "The security group 'sg-1' does not exist", "r-2", NULL},
	{"ec2-throttle-503", AWS_PROTOCOL_EC2, 503, NULL,
		"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit "
		"exceeded.</Message></Error></Errors><RequestID>r-3</RequestID></Response>",
	"RequestLimitExceeded", "Request limit exceeded.", "r-3", NULL},
	{"json-type-namespace", AWS_PROTOCOL_JSON, 400, "x-amzn-RequestId: j-1\n",
		"{\"__type\":\"com.amazonaws.kms#ResourceNotFoundException\",\"message\":\"Key "
		"'alias/x' does not exist\"}",
		"ResourceNotFoundException", "Key 'alias/x' does not exist", "j-1",
	"KMS DescribeKey failed: ResourceNotFoundException: Key 'alias/x' does not exist (HTTP 400, request id j-1)"},
	{"json-Message-capital", AWS_PROTOCOL_JSON, 400, NULL,
		"{\"__type\":\"ResourceNotFoundException\",\"Message\":\"Secrets Manager can't find "
	"the specified secret.\"}", "ResourceNotFoundException", "Secrets Manager can't find the specified secret.", NULL, NULL},
	{"json-header-only", AWS_PROTOCOL_JSON, 400,
		"x-amzn-ErrorType: AccessDeniedException:http://internal.amazon.com/coral/\n"
		"x-amz-request-id: j-2\n",
	"{\"message\":\"denied\"}", "AccessDeniedException", "denied", "j-2", NULL},
	{"json-no-code", AWS_PROTOCOL_JSON, 400, NULL, "{\"message\":\"odd\"}", "400", "odd", NULL, NULL},
	{"json-empty-object", AWS_PROTOCOL_JSON, 500, NULL, "{}", "500", "Internal Server Error", NULL, NULL},
	{"json-not-object", AWS_PROTOCOL_JSON, 400, NULL, "[1,2,3]", "400", "Bad Request", NULL, NULL},
	{"json-type-not-string", AWS_PROTOCOL_JSON, 400, NULL, "{\"__type\":42,\"message\":7}",
	"400", "Bad Request", NULL, NULL},
	{"json-truncated", AWS_PROTOCOL_JSON, 400, NULL, "{\"__type\":\"Thrott", "400", "Bad Request", NULL, NULL},
	{"json-trailing-garbage", AWS_PROTOCOL_JSON, 400, NULL, "{\"__type\":\"X\"} junk", "400",
	"Bad Request", NULL, NULL},
	{"json-deep", AWS_PROTOCOL_JSON, 400, NULL,
		"{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
	"400", "Bad Request", NULL, NULL},
	{"rest-json-header-first", AWS_PROTOCOL_REST_JSON, 400,
		"x-amzn-ErrorType: BadRequestException:http://internal.amazon.com/coral/com.amazon.rdsdataservice/\n"
		"x-amzn-RequestId: d-1\n",
		"{\"message\":\"ERROR: syntax error at or near \\\"SELEC\\\"\\n  Position: 1; SQLState: 42601\"}",
		"BadRequestException",
	"ERROR: syntax error at or near \"SELEC\"   Position: 1; SQLState: 42601", "d-1", NULL},
	{"rest-json-body-Code", AWS_PROTOCOL_REST_JSON, 404, NULL,
		"{\"Code\":\"ResourceNotFoundException\",\"Message\":\"Backup vault app-dev does not "
		"exist\",\"Type\":\"User\",\"Context\":\"\"}", "ResourceNotFoundException",
	"Backup vault app-dev does not exist", NULL, NULL},
	{"rest-json-type", AWS_PROTOCOL_REST_JSON, 400, NULL,
	"{\"__type\":\"x#ForbiddenException\",\"message\":\"no\"}", "ForbiddenException", "no", NULL, NULL},
	{"moto-xml-403-for-kms", AWS_PROTOCOL_JSON, 403, "x-amzn-requestid: m-1\n",
		MOTO_SIG_403, "SignatureDoesNotMatch",
	"The request signature we calculated does not match the signature you provided.", "m-1", NULL},
	{"moto-xml-403-access-denied-backup", AWS_PROTOCOL_REST_JSON, 403,
		"X-Amzn-ErrorType: AccessDenied\n",
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<ErrorResponse><Errors><Error><Code>AccessDenied</Code>"
		"<Message>User: arn:aws:iam::123456789012:user/appdb-test is not authorized to perform: "
		"backup:CreateBackupVault</Message><Type>Sender</Type></Error></Errors></ErrorResponse>",
		"AccessDenied",
		"User: arn:aws:iam::123456789012:user/appdb-test is not authorized to perform: backup:CreateBackupVault",
	NULL, NULL},
	{"moto-xml-403-query", AWS_PROTOCOL_QUERY, 403, NULL, MOTO_SIG_403, "SignatureDoesNotMatch",
	"The request signature we calculated does not match the signature you provided.", NULL, NULL},
	{"header-with-html-body", AWS_PROTOCOL_REST_JSON, 500,
	"x-amzn-ErrorType: InternalServerErrorException\n", "<html>oops", "InternalServerErrorException", NULL, NULL, NULL},
	{"empty-502", AWS_PROTOCOL_QUERY, 502, NULL, "", "502", "Bad Gateway", NULL,
	"RDS DescribeDBClusters failed: 502: Bad Gateway (HTTP 502)"},
	{"empty-502-json", AWS_PROTOCOL_JSON, 502, NULL, "", "502", "Bad Gateway", NULL, NULL},
	{"html-503", AWS_PROTOCOL_QUERY, 503, NULL,
	"<html><body><b>Http/1.1 Service Unavailable</b></body></html>", "503", "Service Unavailable", NULL, NULL},
	{"truncated-xml", AWS_PROTOCOL_QUERY, 400, NULL, "<ErrorResponse><Error><Code>", "400",
	"Bad Request", NULL, NULL},
	{"empty-code", AWS_PROTOCOL_QUERY, 400, NULL,
	"<ErrorResponse><Error><Code></Code><Message>m</Message></Error></ErrorResponse>", "400", "Bad Request", NULL, NULL},
	{"billion-laughs", AWS_PROTOCOL_QUERY, 400, NULL, LAUGHS, "400", "Bad Request", NULL, NULL},
	{"external-entity", AWS_PROTOCOL_QUERY, 400, NULL,
		"<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		"<ErrorResponse><Error><Code>X</Code><Message>&x;</Message></Error></ErrorResponse>",
	"400", "Bad Request", NULL, NULL},
	{"external-dtd", AWS_PROTOCOL_QUERY, 400, NULL,
		"<?xml version=\"1.0\"?><!DOCTYPE ErrorResponse SYSTEM \"http://127.0.0.1:1/x.dtd\">"
		"<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>",
	"400", "Bad Request", NULL, NULL},
	{"nul-in-body", AWS_PROTOCOL_QUERY, 400, NULL, "<ErrorResponse>\0</ErrorResponse>", "400",
	"Bad Request", NULL, NULL},
	{"control-chars", AWS_PROTOCOL_JSON, 400, NULL,
		"{\"__type\":\"Bad\\tCode\",\"message\":\"red \xe2\x80\xa2 \\u001b[31mtext\\r\\nline\\u007f\"}",
		"Bad Code", "red \xe2\x80\xa2  [31mtext  line ", NULL,
	"KMS DescribeKey failed: Bad Code: red \xe2\x80\xa2  [31mtext  line  (HTTP 400)"},
	{"control-chars-xml-refused", AWS_PROTOCOL_QUERY, 400, NULL,
		"<ErrorResponse><Error><Code>X</Code><Message><![CDATA[\x1b[31m]]></Message></Error>"
	"</ErrorResponse>", "400", "Bad Request", NULL, NULL},
	{"root-error-s3-style", AWS_PROTOCOL_QUERY, 403, "x-amz-request-id: s3-1\n",
	"<Error><Code>AccessDenied</Code><Message>nope</Message></Error>", "AccessDenied", "nope", "s3-1", NULL},
	{"unknown-status-no-body", AWS_PROTOCOL_REST_JSON, 599, NULL, "", "599", "", NULL,
	"RDS DescribeDBClusters failed: 599 (HTTP 599)"},
};

/* The rows' bodies may hold a NUL: their length is known for that one. */
static size_t
row_body_len(const struct error_row *r)
{
	if (strcmp(r->name, "nul-in-body") == 0)
		return sizeof("<ErrorResponse>\0</ErrorResponse>") - 1;
	return strlen(r->body);
}

static void
load_headers(struct aws_http_response *h, const char *lines)
{
	char	   *copy;
	char	   *save = NULL;
	char	   *line;

	if (lines == NULL)
		return;
	copy = strdup(lines);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
	{
		char	   *colon = strchr(line, ':');

		*colon = '\0';
		aws_http_response_add_header(h, line, colon + 2);
	}
	free(copy);
}

void
test_error_parsing(void)
{
	size_t		i;

	for (i = 0; i < sizeof(error_rows) / sizeof(error_rows[0]); i++)
	{
		const struct error_row *r = &error_rows[i];
		struct aws_http_response h;
		struct aws_error err;
		struct timespec t0, t1;
		double		ms;

		aws_http_response_init(&h);
		aws_error_init(&err);
		h.status = r->status;
		load_headers(&h, r->headers);
		sigv4_buf_append(&h.body, r->body, row_body_len(r));
		err.service = r->protocol == AWS_PROTOCOL_JSON ? "KMS" : "RDS";
		err.operation = strdup(r->protocol == AWS_PROTOCOL_JSON ? "DescribeKey" : "DescribeDBClusters");
		clock_gettime(CLOCK_MONOTONIC, &t0);
		aws_parse_error(r->protocol, &h, &err);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
		check(err.status == AWS_ERR_SERVICE, r->name, "status %d", err.status);
		check(err.http_status == r->status, r->name, "http status %ld", err.http_status);
		check(streq(err.code, r->code), r->name, "code %s, want %s", S(err.code), r->code);
		check(streq(err.message, r->message), r->name, "message \"%s\", want \"%s\"",
			  S(err.message), S(r->message));
		check(streq(err.request_id, r->request_id), r->name, "request id %s, want %s",
			  S(err.request_id), S(r->request_id));
		if (r->text)
			check(streq(err.text, r->text), r->name, "text \"%s\"\n  want \"%s\"",
				  S(err.text), r->text);
		check(err.text && strchr(err.text, '\x1b') == NULL && strchr(err.text, '\n') == NULL,
			  r->name, "control characters in the text");
		check(ms < 500, r->name, "parsing took %.0f ms", ms);
		check(err.message == NULL || strstr(err.message, "root:") == NULL, r->name,
			  "an external entity was read");
		aws_error_clean_up(&err);
		aws_http_response_clean_up(&h);
	}

	/* a long message is cut, on a character boundary */
	{
		struct aws_http_response h;
		struct aws_error err;
		struct sigv4_buf body = {0};
		int			k;

		aws_http_response_init(&h);
		aws_error_init(&err);
		sigv4_buf_append(&body, "{\"__type\":\"X\",\"message\":\"", 25);
		for (k = 0; k < 3000; k++)
			sigv4_buf_append(&body, "\xc3\xa9", 2);
		sigv4_buf_append(&body, "\"}", 2);
		h.status = 400;
		sigv4_buf_append(&h.body, body.data, body.len);
		err.service = "KMS";
		aws_parse_error(AWS_PROTOCOL_JSON, &h, &err);
		check(err.message && strlen(err.message) <= 2048 + 3 &&
			  strcmp(err.message + strlen(err.message) - 3, "...") == 0 &&
			  (unsigned char) err.message[strlen(err.message) - 4] == 0xa9,
			  "long-message-cut", "length %zu", err.message ? strlen(err.message) : 0);
		aws_error_clean_up(&err);
		aws_http_response_clean_up(&h);
		sigv4_buf_clean_up(&body);
	}
}
