/*
 * cli/aws/retry.h
 *		The SDKs' "standard" retry mode, as botocore 1.43 implements it
 *		(botocore/retries/standard.py and quota.py; AWS-DETAIL.md §5).
 *
 * At most 3 attempts (AWS_MAX_ATTEMPTS may change that, as in the SDKs).
 * An attempt is retried when its error is a throttle, a transient code,
 * HTTP 500/502/503/504, STS's IDPCommunicationError, or a connection
 * failure; never another 4xx.  Before the retry that follows failed attempt
 * n (1, 2, ...) the client waits random[0,1) x min(2^(n-1), 20) seconds
 * (class ExponentialBackoff: _BASE 2, _MAX_BACKOFF 20, full jitter).  A
 * retry quota of 500 tokens per client is shared by its calls: a retry costs
 * 5, or 10 after a timeout; a success gives back what its last retry cost,
 * or 1 if it needed none; a retry that cannot be paid for is not made.
 *
 * Not covered: errors the service model marks retryable (we carry no
 * models; none of the calls appdb makes has one that is not also in the
 * lists), and the opt-in "2026" retries, which are off by default.
 */
#ifndef APPDB_AWS_RETRY_H
#define APPDB_AWS_RETRY_H

#include <stdbool.h>

#define AWS_RETRY_MAX_ATTEMPTS 3
#define AWS_RETRY_MAX_BACKOFF 20.0	/* seconds */
#define AWS_RETRY_QUOTA 500
#define AWS_RETRY_COST 5
#define AWS_RETRY_TIMEOUT_COST 10
#define AWS_RETRY_NO_RETRY_INCREMENT 1

/* Why a failed attempt may be retried. */
enum aws_retry_kind
{
	AWS_RETRY_NONE = 0,			/* not retryable */
	AWS_RETRY_THROTTLE,			/* a throttling code */
	AWS_RETRY_TRANSIENT,		/* a transient code or 5xx status */
	AWS_RETRY_CONNECTION,		/* no answer: reset, refused, ... */
	AWS_RETRY_TIMEOUT			/* no answer in time (costs more quota) */
};

struct aws_retry
{
	int			max_attempts;
	double		max_backoff;
	int			quota;			/* tokens left */
	int			last_cost;		/* the current call's last retry cost */

	/*
	 * Hooks for the tests: the jitter source (NULL: getrandom) and the
	 * wait (NULL: nanosleep); state is passed to both.
	 */
	double		(*random) (void *state);
	void		(*sleep) (double seconds, void *state);
	void	   *hook_state;
};

/* Defaults; max_attempts from AWS_MAX_ATTEMPTS when set and valid. */
void		aws_retry_init(struct aws_retry *retry);

bool		aws_retry_is_throttle_code(const char *code);
bool		aws_retry_is_transient_code(const char *code);

/*
 * Classify an attempt: transport (enum aws_http_result, 0 for an answer),
 * HTTP status and error code (NULL when none); AWS_RETRY_NONE if it must
 * not be retried.
 */
enum aws_retry_kind aws_retry_classify(int transport, long status,
									   const char *code);

/* Start a call: forget the last call's retry cost. */
void		aws_retry_begin(struct aws_retry *retry);

/*
 * After failed attempt n of a call: true if another attempt is to be made
 * (attempts left and the quota paid), with the wait before it in *delay.
 */
bool		aws_retry_next(struct aws_retry *retry, int attempt,
						   enum aws_retry_kind kind, double *delay);

/* The call succeeded: give the quota back. */
void		aws_retry_succeeded(struct aws_retry *retry);

/* Wait (through the hook, if any). */
void		aws_retry_wait(struct aws_retry *retry, double seconds);

/* The backoff before the retry that follows failed attempt n. */
double		aws_retry_backoff(struct aws_retry *retry, int attempt);

#endif							/* APPDB_AWS_RETRY_H */
