/*
 * test/aws/fuzz_json_error.c
 *		libFuzzer target: the JSON side of the answer parsers (JSON 1.1 and
 *		REST-JSON errors with and without the x-amzn-ErrorType header, and
 *		aws_json_parse).  Must never crash, leak or hang.
 *
 * Build and run (from the top of the tree; runtime: libclang-rt-14-dev):
 *   make test/aws/fuzz_json_error   (this file and cli/aws/libappdb_aws_fuzz.a)
 *   mkdir -p /tmp/fuzz-json && test/aws/fuzz_json_error -max_total_time=30 \
 *      -dict=test/aws/fuzz/json.dict /tmp/fuzz-json test/aws/fuzz/json_error
 *
 * Input: byte 0 picks the protocol and the status; if bit 0x40 is set, the
 * bytes up to the first newline are the x-amzn-ErrorType header; the rest
 * is the body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/aws/response.h"
#include "cli/aws/sigv4.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = {400, 403, 404, 500, 503, 429, 502, 599};
	struct aws_http_response h;
	struct aws_error err;
	json_object *j;
	unsigned	sel;

	if (size < 1)
		return 0;
	sel = data[0];
	data++, size--;

	aws_http_response_init(&h);
	h.status = statuses[sel & 7];
	if (sel & 0x40)
	{
		const uint8_t *nl = memchr(data, '\n', size);
		size_t		n = nl ? (size_t) (nl - data) : size;
		char	   *header = malloc(n + 1);

		memcpy(header, data, n);
		header[n] = '\0';		/* a NUL inside just ends it, as in curl */
		aws_http_response_add_header(&h, "x-amzn-ErrorType", header);
		free(header);
		data += nl ? n + 1 : n;
		size -= nl ? n + 1 : n;
	}
	sigv4_buf_append(&h.body, (const char *) data, size);
	aws_error_init(&err);
	err.service = "KMS";
	aws_parse_error(sel & 0x80 ? AWS_PROTOCOL_REST_JSON : AWS_PROTOCOL_JSON, &h, &err);
	if (err.code == NULL || err.text == NULL)
		abort();
	aws_error_clean_up(&err);

	j = aws_json_parse((const char *) data, size);
	json_object_put(j);
	aws_http_response_clean_up(&h);
	return 0;
}
