/*
 * test/aws/request/sts.c
 *		STS against the bed: a plain call, then throttles, 5xx, a reset, a slow
 *		answer, a fault that never fires and a 4xx, each retried or not as it should be.
 */
#define _GNU_SOURCE
#include <string.h>

#include "cli/aws/request.h"
#include "cli/aws/sts.h"
#include "test/aws/request/test_request.h"
#include "test/unit.h"

void
test_bed_sts(const struct aws_credentials *creds)
{
	struct aws_caller_identity id;
	struct aws_error err;
	struct hooks h;
	struct aws_client *c = bed_client(creds, &h);
	json_object *log[4] = {0};
	enum aws_status st;
	int			n;

	/* plain */
	proxy_reset();
	st = aws_sts_get_caller_identity(c, &id, &err);
	if (check(st == AWS_OK, "sts-ok", "%s", S(err.text)))
	{
		check(streq(id.account, "123456789012"), "sts-ok-account", "%s", S(id.account));
		check(id.arn && strstr(id.arn, ":user/appdb-test"), "sts-ok-arn", "%s", S(id.arn));
		check(id.user_id && id.user_id[0], "sts-ok-user-id", "empty");
		aws_caller_identity_clean_up(&id);
	}
	else
		aws_error_clean_up(&err);
	n = proxy_log("GetCallerIdentity", NULL, 0);
	check(n == 1, "sts-ok-one-call", "%d calls", n);
	check(c->retry.quota == 500, "sts-ok-quota", "%d", c->retry.quota);

	/* two throttles, then the answer: three calls, each signed anew */
	proxy_reset();
	proxy_fault("{\"code\":\"Throttling\",\"count\":2,\"match\":\"Action=GetCallerIdentity\"}");
	st = aws_sts_get_caller_identity(c, &id, &err);
	if (check(st == AWS_OK, "throttle-2-succeeds", "%s", S(err.text)))
		aws_caller_identity_clean_up(&id);
	else
		aws_error_clean_up(&err);
	n = proxy_log("GetCallerIdentity", log, 4);
	check(n == 3, "throttle-2-three-calls", "%d calls", n);
	if (n == 3)
	{
		check(strcmp(entry_string(log[0], "amz_date"), entry_string(log[1], "amz_date")) != 0 &&
			  strcmp(entry_string(log[1], "amz_date"), entry_string(log[2], "amz_date")) != 0,
			  "throttle-2-resigned", "X-Amz-Date repeated: %s %s %s",
			  entry_string(log[0], "amz_date"), entry_string(log[1], "amz_date"),
			  entry_string(log[2], "amz_date"));
		check(streq(entry_string(log[0], "status"), "400") &&
			  streq(entry_string(log[2], "status"), "200"), "throttle-2-statuses",
			  "%s %s", entry_string(log[0], "status"), entry_string(log[2], "status"));
	}
	for (n = 0; n < 4; n++)
		json_object_put(log[n]), log[n] = NULL;
	check(h.ndelays == 2 && h.delays[0] >= 0 && h.delays[0] < 1 &&
		  h.delays[1] >= 0 && h.delays[1] < 2, "throttle-2-backoff",
		  "%d waits: %g %g", h.ndelays, h.delays[0], h.delays[1]);
	check(c->retry.quota == 495, "throttle-2-quota", "%d", c->retry.quota);

	/* three throttles: fails after exactly three attempts */
	proxy_reset();
	h.ndelays = 0;
	proxy_fault("{\"code\":\"Throttling\",\"count\":3,\"message\":\"Rate exceeded\"}");
	st = aws_sts_get_caller_identity(c, &id, &err);
	if (check(st == AWS_ERR_SERVICE, "throttle-3-fails", "status %d", st))
	{
		check(streq(err.code, "Throttling") && err.http_status == 400 && err.attempts == 3,
			  "throttle-3-error", "code %s, HTTP %ld, %d attempts", S(err.code),
			  err.http_status, err.attempts);
		check(err.text && strstr(err.text, "STS GetCallerIdentity failed: Throttling: Rate exceeded (HTTP 400, request id ") &&
			  strstr(err.text, ", after 3 attempts)"), "throttle-3-text", "%s", S(err.text));
		aws_error_clean_up(&err);
	}
	n = proxy_log("GetCallerIdentity", NULL, 0);
	check(n == 3, "throttle-3-three-calls", "%d calls", n);
	check(c->retry.quota == 485, "throttle-3-quota", "%d", c->retry.quota);

	/* 503 twice, then the answer */
	proxy_reset();
	proxy_fault("{\"status\":503,\"count\":2}");
	st = aws_sts_get_caller_identity(c, &id, &err);
	if (check(st == AWS_OK, "503-twice-succeeds", "%s", S(err.text)))
		aws_caller_identity_clean_up(&id);
	else
		aws_error_clean_up(&err);
	n = proxy_log("GetCallerIdentity", NULL, 0);
	check(n == 3, "503-twice-three-calls", "%d calls", n);

	/* a connection reset once */
	proxy_reset();
	proxy_fault("{\"reset\":true,\"count\":1}");
	st = aws_sts_get_caller_identity(c, &id, &err);
	if (check(st == AWS_OK, "reset-once-succeeds", "%s", S(err.text)))
		aws_caller_identity_clean_up(&id);
	else
		aws_error_clean_up(&err);
	n = proxy_log("GetCallerIdentity", NULL, 0);
	check(n == 2, "reset-once-two-calls", "%d calls", n);

	/* a slow answer past the client's own timeout: retried */
	proxy_reset();
	c->http.timeout_ms = 2000;
	proxy_fault("{\"delay\":4,\"count\":1}");
	st = aws_sts_get_caller_identity(c, &id, &err);
	if (check(st == AWS_OK, "timeout-once-succeeds", "%s", S(err.text)))
		aws_caller_identity_clean_up(&id);
	else
		aws_error_clean_up(&err);
	c->http.timeout_ms = AWS_HTTP_TIMEOUT_MS;
	n = proxy_log("GetCallerIdentity", NULL, 0);
	check(n == 2, "timeout-once-two-calls", "%d calls", n);

	/* a fault with fraction 0 never fires, and stays pending */
	proxy_reset();
	proxy_fault("{\"code\":\"Throttling\",\"count\":5,\"fraction\":0}");
	st = aws_sts_get_caller_identity(c, &id, &err);
	if (check(st == AWS_OK, "fraction-0-succeeds", "%s", S(err.text)))
		aws_caller_identity_clean_up(&id);
	else
		aws_error_clean_up(&err);
	{
		char	   *pending = proxy("GET", "/__proxy/faults", NULL);

		check(pending && strstr(pending, "\"count\": 5"), "fraction-0-pending", "%s", S(pending));
		free(pending);
	}
	n = proxy_log("GetCallerIdentity", NULL, 0);
	check(n == 1, "fraction-0-one-call", "%d calls", n);

	/* a 4xx that is no throttle: one attempt */
	proxy_reset();
	proxy_fault("{\"code\":\"ValidationError\",\"count\":1,\"message\":\"bad <input>\"}");
	st = aws_sts_get_caller_identity(c, &id, &err);
	if (check(st == AWS_ERR_SERVICE, "4xx-not-retried", "status %d", st))
	{
		check(streq(err.code, "ValidationError") && streq(err.message, "bad <input>") &&
			  err.attempts == 1, "4xx-not-retried-error", "%s", S(err.text));
		aws_error_clean_up(&err);
	}
	n = proxy_log("GetCallerIdentity", NULL, 0);
	check(n == 1, "4xx-not-retried-one-call", "%d calls", n);
	aws_client_free(c);
}
