/*
 * test/aws/request/refused.c
 *		A refused connection: retried, then a transport error.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "cli/aws/request.h"
#include "cli/aws/sts.h"
#include "test/aws/request/test_request.h"
#include "test/unit.h"

/* No answer at all: a closed port, retried, then a transport error. */
void
test_refused(const struct aws_credentials *creds)
{
	struct aws_caller_identity id;
	struct aws_error err;
	struct hooks h;
	struct aws_client *c = bed_client(creds, &h);
	enum aws_status st;

	free(c->endpoint_url);
	c->endpoint_url = strdup("http://127.0.0.1:1");
	st = aws_sts_get_caller_identity(c, &id, &err);
	if (check(st == AWS_ERR_TRANSPORT, "refused", "status %d", st))
	{
		check(err.attempts == 3 && h.ndelays == 2 && err.http_status == 0 && err.code == NULL,
			  "refused-retried", "%d attempts, %d waits", err.attempts, h.ndelays);
		check(err.text && strstr(err.text, "STS GetCallerIdentity failed: ") &&
			  strstr(err.text, "(after 3 attempts)"), "refused-text", "%s", S(err.text));
		aws_error_clean_up(&err);
	}
	else if (st == AWS_OK)
		aws_caller_identity_clean_up(&id);
	aws_client_free(c);
}
