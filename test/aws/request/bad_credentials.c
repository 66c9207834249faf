/*
 * test/aws/request/bad_credentials.c
 *		Bad credentials against the bed: a wrong secret and an unknown key,
 *		reported clearly and not retried.
 */
#define _GNU_SOURCE
#include <string.h>

#include "cli/aws/request.h"
#include "cli/aws/sts.h"
#include "test/aws/request/test_request.h"
#include "test/unit.h"

void
test_bed_bad_credentials(const struct aws_credentials *good)
{
	struct aws_credentials bad = *good;
	struct aws_caller_identity id;
	struct aws_error err;
	struct aws_response resp;
	struct hooks h;
	struct aws_client *c;
	enum aws_status st;
	int			n;

	bad.secret_access_key = "wrong-secret";
	c = bed_client(&bad, &h);
	proxy_reset();
	st = aws_sts_get_caller_identity(c, &id, &err);
	if (check(st == AWS_ERR_SERVICE, "wrong-secret-fails", "status %d", st))
	{
		check(streq(err.code, "SignatureDoesNotMatch") && err.http_status == 403,
			  "wrong-secret-code", "code %s, HTTP %ld", S(err.code), err.http_status);
		check(err.message && strstr(err.message, "signature") && err.text &&
			  strstr(err.text, "STS GetCallerIdentity failed: SignatureDoesNotMatch: The request signature"),
			  "wrong-secret-message", "%s", S(err.text));
		check(err.attempts == 1, "wrong-secret-not-retried", "%d attempts", err.attempts);
		aws_error_clean_up(&err);
	}
	n = proxy_log("GetCallerIdentity", NULL, 0);
	check(n == 1, "wrong-secret-one-call", "%d calls", n);

	/* the same for a JSON service: moto answers in XML (AWS.md) */
	st = aws_call_json(c, &aws_service_kms, "ListKeys", NULL, &resp, &err);
	if (check(st == AWS_ERR_SERVICE, "wrong-secret-kms-fails", "status %d", st))
	{
		check(streq(err.code, "SignatureDoesNotMatch") && err.http_status == 403,
			  "wrong-secret-kms-code", "%s", S(err.text));
		aws_error_clean_up(&err);
	}
	else
		aws_response_clean_up(&resp);
	aws_client_free(c);

	bad.access_key_id = "AKIANOTAREALKEY00000";
	c = bed_client(&bad, &h);
	st = aws_sts_get_caller_identity(c, &id, &err);
	if (check(st == AWS_ERR_SERVICE, "unknown-key-fails", "status %d", st))
	{
		check(streq(err.code, "InvalidClientTokenId") && err.http_status == 403,
			  "unknown-key-code", "%s", S(err.text));
		aws_error_clean_up(&err);
	}
	aws_client_free(c);
}
