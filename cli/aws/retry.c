/*
 * cli/aws/retry.c
 *		Standard retry mode: which failures are retried, how long to wait,
 *		and the retry quota (botocore retries/standard.py; see retry.h).
 */
#include "retry.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "http.h"

/* ThrottledRetryableChecker._THROTTLED_ERROR_CODES */
static const char *const throttle_codes[] = {
	"Throttling",
	"ThrottlingException",
	"ThrottledException",
	"RequestThrottledException",
	"TooManyRequestsException",
	"ProvisionedThroughputExceededException",
	"TransactionInProgressException",
	"RequestLimitExceeded",
	"BandwidthLimitExceeded",
	"LimitExceededException",
	"RequestThrottled",
	"SlowDown",
	"PriorRequestNotComplete",
	"EC2ThrottledException",
	NULL
};

/* TransientRetryableChecker._TRANSIENT_ERROR_CODES */
static const char *const transient_codes[] = {
	"RequestTimeout",
	"RequestTimeoutException",
	"PriorRequestNotComplete",
	NULL
};

static bool
in_list(const char *code, const char *const *list)
{
	if (code == NULL)
		return false;
	for (; *list; list++)
		if (strcmp(code, *list) == 0)
			return true;
	return false;
}

bool
aws_retry_is_throttle_code(const char *code)
{
	return in_list(code, throttle_codes);
}

bool
aws_retry_is_transient_code(const char *code)
{
	return in_list(code, transient_codes);
}

void
aws_retry_init(struct aws_retry *retry)
{
	const char *env = getenv("AWS_MAX_ATTEMPTS");

	memset(retry, 0, sizeof(*retry));
	retry->max_attempts = AWS_RETRY_MAX_ATTEMPTS;
	retry->max_backoff = AWS_RETRY_MAX_BACKOFF;
	retry->quota = AWS_RETRY_QUOTA;
	if (env && env[0])
	{
		char	   *end;
		long		n;

		errno = 0;
		n = strtol(env, &end, 10);
		/* botocore refuses 0 and negatives; a bound keeps waits finite */
		if (errno == 0 && *end == '\0' && n >= 1 && n <= 100)
			retry->max_attempts = (int) n;
	}
}

enum aws_retry_kind
aws_retry_classify(int transport, long status, const char *code)
{
	switch ((enum aws_http_result) transport)
	{
		case AWS_HTTP_OK:
			break;
		case AWS_HTTP_ERR_TIMEOUT:
			return AWS_RETRY_TIMEOUT;
		case AWS_HTTP_ERR_CONNECT:
		case AWS_HTTP_ERR_IO:
			return AWS_RETRY_CONNECTION;
		case AWS_HTTP_ERR_FATAL:
			return AWS_RETRY_NONE;
	}
	if (aws_retry_is_throttle_code(code))
		return AWS_RETRY_THROTTLE;
	if (aws_retry_is_transient_code(code))
		return AWS_RETRY_TRANSIENT;
	if (status == 500 || status == 502 || status == 503 || status == 504)
		return AWS_RETRY_TRANSIENT;
	/* botocore retries/special.py: RetryIDPCommunicationError (STS) */
	if (code && strcmp(code, "IDPCommunicationError") == 0)
		return AWS_RETRY_TRANSIENT;
	return AWS_RETRY_NONE;
}

void
aws_retry_begin(struct aws_retry *retry)
{
	retry->last_cost = 0;
}

/* A uniform double in [0, 1), like Python's random.random(). */
static double
uniform(struct aws_retry *retry)
{
	uint64_t	r = 0;

	if (retry->random)
		return retry->random(retry->hook_state);
	if (getrandom(&r, sizeof(r), 0) != (ssize_t) sizeof(r))
		r = (uint64_t) rand() << 31 ^ (uint64_t) rand();
	return (double) (r >> 11) / 9007199254740992.0;	/* 53 bits / 2^53 */
}

double
aws_retry_backoff(struct aws_retry *retry, int attempt)
{
	double		cap = ldexp(1.0, attempt - 1 > 30 ? 30 : attempt - 1);

	if (cap > retry->max_backoff)
		cap = retry->max_backoff;
	return uniform(retry) * cap;
}

bool
aws_retry_next(struct aws_retry *retry, int attempt, enum aws_retry_kind kind,
			   double *delay)
{
	int			cost;

	*delay = 0;
	if (kind == AWS_RETRY_NONE || attempt >= retry->max_attempts)
		return false;
	cost = kind == AWS_RETRY_TIMEOUT ? AWS_RETRY_TIMEOUT_COST : AWS_RETRY_COST;
	if (retry->quota < cost)
		return false;
	retry->quota -= cost;
	retry->last_cost = cost;
	*delay = aws_retry_backoff(retry, attempt);
	return true;
}

void
aws_retry_succeeded(struct aws_retry *retry)
{
	retry->quota += retry->last_cost ? retry->last_cost : AWS_RETRY_NO_RETRY_INCREMENT;
	if (retry->quota > AWS_RETRY_QUOTA)
		retry->quota = AWS_RETRY_QUOTA;
	retry->last_cost = 0;
}

void
aws_retry_wait(struct aws_retry *retry, double seconds)
{
	struct timespec ts;

	if (retry->sleep)
	{
		retry->sleep(seconds, retry->hook_state);
		return;
	}
	if (seconds <= 0)
		return;
	ts.tv_sec = (time_t) seconds;
	ts.tv_nsec = (long) ((seconds - (double) ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}
