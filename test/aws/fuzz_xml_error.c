/*
 * test/aws/fuzz_xml_error.c
 *		libFuzzer target: the XML side of the answer parsers (query and EC2
 *		errors, moto's XML denials of JSON services, successful query
 *		answers and the navigation helpers).  Must never crash, leak, hang
 *		or expand an entity.
 *
 * Build and run (from the top of the tree; runtime: libclang-rt-14-dev):
 *   make test/aws/fuzz_xml_error   (this file and cli/aws/libappdb_aws_fuzz.a)
 *   mkdir -p /tmp/fuzz-xml && test/aws/fuzz_xml_error -max_total_time=30 \
 *      -dict=test/aws/fuzz/xml.dict /tmp/fuzz-xml test/aws/fuzz/xml_error
 *
 * Input: byte 0 picks the protocol and the status, the rest is the body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "cli/aws/response.h"
#include "cli/aws/sigv4.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = {400, 403, 404, 500, 503, 200, 301, 599};
	static const enum aws_protocol protocols[] = {
		AWS_PROTOCOL_QUERY, AWS_PROTOCOL_EC2, AWS_PROTOCOL_JSON, AWS_PROTOCOL_REST_JSON
	};
	struct aws_http_response h;
	struct aws_error err;
	struct aws_response resp;
	unsigned	sel;

	if (size < 1)
		return 0;
	sel = data[0];
	data++, size--;

	aws_http_response_init(&h);
	h.status = statuses[sel & 7];
	if (sel & 0x40)
		aws_http_response_add_header(&h, "x-amzn-RequestId", "fuzz-id");
	sigv4_buf_append(&h.body, (const char *) data, size);
	aws_error_init(&err);
	err.service = "RDS";
	aws_parse_error(protocols[(sel >> 3) & 3], &h, &err);
	if (err.code == NULL || err.text == NULL)
		abort();				/* every error has a code and a text */
	aws_error_clean_up(&err);

	/* as a successful answer: parse and walk it */
	aws_response_init(&resp);
	resp.xml = aws_xml_parse((const char *) data, size);
	if (resp.xml)
	{
		xmlNode    *result = aws_xml_result(&resp, "DescribeDBClusters");
		xmlNode    *c;
		int			n = 0;

		for (c = aws_xml_path(result, "DBClusters/DBCluster"); c && n < 1000;
			 c = aws_xml_next(c, "DBCluster"), n++)
			free(aws_xml_path_text(c, "Status"));
		free(aws_xml_path_text(xmlDocGetRootElement(resp.xml), "ResponseMetadata/RequestId"));
		free(aws_xml_text(xmlDocGetRootElement(resp.xml)));
	}
	aws_response_clean_up(&resp);
	aws_http_response_clean_up(&h);
	return 0;
}
