/*
 * test/aws/request/once.c
 *		A call sent at most once against the bed (a Data API statement in a
 *		transaction): never resent after a lost answer or a 5xx, retried after a throttle.
 */
#define _GNU_SOURCE
#include <string.h>

#include "cli/aws/request.h"
#include "cli/aws/sts.h"
#include "test/aws/request/test_request.h"
#include "test/unit.h"

/*
 * A call sent at most once (a statement in a Data API transaction): after
 * an answer lost once the service applied it, never sent again, by our
 * retries or by libcurl's own resend on a reused connection; a throttle is
 * retried (it was refused), a 5xx is not (it may have run).  moto answers
 * rds-data's ExecuteStatement itself.
 */
void
test_bed_once(const struct aws_credentials *creds)
{
	static const char *const body =
		"{\"resourceArn\":\"arn:aws:rds:us-east-1:123456789012:cluster:x\","
		"\"secretArn\":\"arn:aws:secretsmanager:us-east-1:123456789012:secret:x\","
		"\"sql\":\"SELECT 1\",\"transactionId\":\"t1\"}";
	struct aws_caller_identity id;
	struct aws_response resp;
	struct aws_error err;
	struct hooks h;
	struct aws_client *c = bed_client(creds, &h);
	enum aws_status st;
	int			n;

	/* a first call, so that the next one may go out on a reused connection */
	proxy_reset();
	if (aws_sts_get_caller_identity(c, &id, &err) == AWS_OK)
		aws_caller_identity_clean_up(&id);
	else
		aws_error_clean_up(&err);
	proxy_fault("{\"lost\":true,\"count\":1,\"match\":\"POST /Execute\"}");
	st = aws_call_rest_json_once(c, &aws_service_rds_data, "ExecuteStatement", "POST",
								 "/Execute", NULL, body, &resp, &err);
	if (check(st == AWS_ERR_TRANSPORT, "once-lost-fails", "status %d", st))
	{
		check(err.attempts == 1, "once-lost-one-attempt", "%d attempts", err.attempts);
		aws_error_clean_up(&err);
	}
	else if (st == AWS_OK)
		aws_response_clean_up(&resp);
	n = proxy_log("POST /Execute", NULL, 0);
	check(n == 1, "once-lost-sent-once", "%d calls", n);

	proxy_reset();
	proxy_fault("{\"code\":\"ThrottlingException\",\"count\":1,\"match\":\"POST /Execute\"}");
	st = aws_call_rest_json_once(c, &aws_service_rds_data, "ExecuteStatement", "POST",
								 "/Execute", NULL, body, &resp, &err);
	if (check(st == AWS_OK, "once-throttle-retried", "%s", S(err.text)))
		aws_response_clean_up(&resp);
	else
		aws_error_clean_up(&err);
	n = proxy_log("POST /Execute", NULL, 0);
	check(n == 2, "once-throttle-two-calls", "%d calls", n);

	proxy_reset();
	proxy_fault("{\"code\":\"InternalServerErrorException\",\"status\":500,\"count\":1,\"match\":\"POST /Execute\"}");
	st = aws_call_rest_json_once(c, &aws_service_rds_data, "ExecuteStatement", "POST",
								 "/Execute", NULL, body, &resp, &err);
	if (check(st == AWS_ERR_SERVICE, "once-500-not-retried", "status %d", st))
	{
		check(err.http_status == 500 && err.attempts == 1, "once-500-error",
			  "HTTP %ld, %d attempts", err.http_status, err.attempts);
		aws_error_clean_up(&err);
	}
	else if (st == AWS_OK)
		aws_response_clean_up(&resp);
	n = proxy_log("POST /Execute", NULL, 0);
	check(n == 1, "once-500-one-call", "%d calls", n);
	aws_client_free(c);
}
