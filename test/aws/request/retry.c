/*
 * test/aws/request/retry.c
 *		The retry policy, offline: the classification of failures, the
 *		backoff, the attempts, the retry quota and AWS_MAX_ATTEMPTS.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "cli/aws/http.h"
#include "cli/aws/retry.h"
#include "test/aws/request/test_request.h"
#include "test/unit.h"

void
test_retry_policy(void)
{
	static const struct
	{
		const char *name;
		int			transport;
		long		status;
		const char *code;
		enum aws_retry_kind kind;
	}			rows[] = {
		{"throttling-400", AWS_HTTP_OK, 400, "Throttling", AWS_RETRY_THROTTLE},
		{"throttling-exception", AWS_HTTP_OK, 400, "ThrottlingException", AWS_RETRY_THROTTLE},
		{"ec2-request-limit", AWS_HTTP_OK, 503, "RequestLimitExceeded", AWS_RETRY_THROTTLE},
		{"slowdown", AWS_HTTP_OK, 503, "SlowDown", AWS_RETRY_THROTTLE},
		{"too-many", AWS_HTTP_OK, 429, "TooManyRequestsException", AWS_RETRY_THROTTLE},
		{"limit-exceeded-exception", AWS_HTTP_OK, 400, "LimitExceededException", AWS_RETRY_THROTTLE},
		{"iam-limit-exceeded-is-a-quota", AWS_HTTP_OK, 409, "LimitExceeded", AWS_RETRY_NONE},
		{"prior-request", AWS_HTTP_OK, 400, "PriorRequestNotComplete", AWS_RETRY_THROTTLE},
		{"request-timeout", AWS_HTTP_OK, 400, "RequestTimeout", AWS_RETRY_TRANSIENT},
		{"request-timeout-exception", AWS_HTTP_OK, 408, "RequestTimeoutException", AWS_RETRY_TRANSIENT},
		{"internal-error-500", AWS_HTTP_OK, 500, "InternalError", AWS_RETRY_TRANSIENT},
		{"502", AWS_HTTP_OK, 502, "502", AWS_RETRY_TRANSIENT},
		{"503", AWS_HTTP_OK, 503, NULL, AWS_RETRY_TRANSIENT},
		{"504", AWS_HTTP_OK, 504, "504", AWS_RETRY_TRANSIENT},
		{"501-not", AWS_HTTP_OK, 501, "501", AWS_RETRY_NONE},
		{"idp", AWS_HTTP_OK, 400, "IDPCommunicationError", AWS_RETRY_TRANSIENT},
		{"access-denied", AWS_HTTP_OK, 403, "AccessDenied", AWS_RETRY_NONE},
		{"signature", AWS_HTTP_OK, 403, "SignatureDoesNotMatch", AWS_RETRY_NONE},
		{"not-found", AWS_HTTP_OK, 404, "DBClusterNotFoundFault", AWS_RETRY_NONE},
		{"connect", AWS_HTTP_ERR_CONNECT, 0, NULL, AWS_RETRY_CONNECTION},
		{"io", AWS_HTTP_ERR_IO, 0, NULL, AWS_RETRY_CONNECTION},
		{"timeout", AWS_HTTP_ERR_TIMEOUT, 0, NULL, AWS_RETRY_TIMEOUT},
		{"fatal", AWS_HTTP_ERR_FATAL, 0, NULL, AWS_RETRY_NONE},
	};
	struct aws_retry r;
	struct hooks h;
	double		d;
	size_t		i;
	int			n;
	char	   *old = getenv("AWS_MAX_ATTEMPTS") ? strdup(getenv("AWS_MAX_ATTEMPTS")) : NULL;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check(aws_retry_classify(rows[i].transport, rows[i].status, rows[i].code) == rows[i].kind,
			  rows[i].name, "kind %d, want %d",
			  aws_retry_classify(rows[i].transport, rows[i].status, rows[i].code), rows[i].kind);

	unsetenv("AWS_MAX_ATTEMPTS");
	memset(&h, 0, sizeof(h));
	aws_retry_init(&r);
	check(r.max_attempts == 3 && r.quota == 500, "retry-defaults", "%d attempts, quota %d",
		  r.max_attempts, r.quota);
	r.random = test_random;
	r.hook_state = &h;

	/* random[0,1) x min(2^(n-1), 20) */
	h.fixed_random = 0.5;
	check(aws_retry_backoff(&r, 1) == 0.5 && aws_retry_backoff(&r, 2) == 1.0 &&
		  aws_retry_backoff(&r, 3) == 2.0 && aws_retry_backoff(&r, 5) == 8.0 &&
		  aws_retry_backoff(&r, 6) == 10.0 && aws_retry_backoff(&r, 60) == 10.0,
		  "backoff-doubling-capped", "%g %g %g", aws_retry_backoff(&r, 1),
		  aws_retry_backoff(&r, 2), aws_retry_backoff(&r, 6));
	r.random = NULL;
	for (n = 0; n < 200; n++)
	{
		d = aws_retry_backoff(&r, 1 + n % 7);
		if (!check(d >= 0 && d < (n % 7 >= 5 ? 20.0 : (double) (1 << (n % 7))),
				   "backoff-jitter-range", "attempt %d: %g", 1 + n % 7, d))
			break;
	}

	/* attempts: the third failure is final */
	aws_retry_begin(&r);
	check(aws_retry_next(&r, 1, AWS_RETRY_THROTTLE, &d) && aws_retry_next(&r, 2, AWS_RETRY_THROTTLE, &d) &&
		  !aws_retry_next(&r, 3, AWS_RETRY_THROTTLE, &d), "retry-3-attempts", "wrong count");
	check(!aws_retry_next(&r, 1, AWS_RETRY_NONE, &d), "retry-none", "retried");
	check(r.quota == 490, "quota-spent", "quota %d", r.quota);
	aws_retry_succeeded(&r);
	check(r.quota == 495, "quota-refund-last-cost", "quota %d", r.quota);
	aws_retry_begin(&r);
	aws_retry_succeeded(&r);
	check(r.quota == 496, "quota-refund-no-retry", "quota %d", r.quota);
	aws_retry_begin(&r);
	check(aws_retry_next(&r, 1, AWS_RETRY_TIMEOUT, &d) && r.quota == 486, "quota-timeout-costs-10",
		  "quota %d", r.quota);
	for (n = 0; n < 200 && aws_retry_next(&r, 1, AWS_RETRY_TRANSIENT, &d); n++)
		;
	check(n == 97 && r.quota == 1, "quota-exhausted", "%d retries, quota %d", n, r.quota);
	for (n = 0; n < 1000; n++)
		aws_retry_succeeded(&r);
	check(r.quota == 500, "quota-capped", "quota %d", r.quota);

	setenv("AWS_MAX_ATTEMPTS", "5", 1);
	aws_retry_init(&r);
	check(r.max_attempts == 5, "max-attempts-env", "%d", r.max_attempts);
	setenv("AWS_MAX_ATTEMPTS", "0", 1);
	aws_retry_init(&r);
	check(r.max_attempts == 3, "max-attempts-env-zero", "%d", r.max_attempts);
	setenv("AWS_MAX_ATTEMPTS", "x", 1);
	aws_retry_init(&r);
	check(r.max_attempts == 3, "max-attempts-env-junk", "%d", r.max_attempts);
	if (old)
		setenv("AWS_MAX_ATTEMPTS", old, 1);
	else
		unsetenv("AWS_MAX_ATTEMPTS");
	free(old);
}
