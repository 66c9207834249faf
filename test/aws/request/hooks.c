/*
 * test/aws/request/hooks.c
 *		The hooks a test puts into a client or a retry policy: a clock that
 *		moves, a wait that only records, a random source that can be fixed.
 */
#define _GNU_SOURCE
#include <time.h>

#include "test/aws/request/test_request.h"
#include "test/unit.h"

time_t
test_clock(void *state)
{
	struct hooks *h = state;

	return h->now += 7;			/* every signing a new X-Amz-Date */
}

void
test_sleep(double seconds, void *state)
{
	struct hooks *h = state;

	if (h->ndelays < 16)
		h->delays[h->ndelays++] = seconds;
}

double
test_random(void *state)
{
	struct hooks *h = state;

	return h->fixed_random;
}
