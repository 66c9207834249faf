/*
 * test/aws/request/bed.c
 *		The test bed's side of the calls: the fault proxy's control (reset,
 *		faults, its request log) and a client for the bed with the hooks.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/aws/http.h"
#include "cli/aws/request.h"
#include "test/aws/request/test_request.h"
#include "test/unit.h"

/* A client for the bed, with hooks: a moving clock, waits recorded. */
struct aws_client *
bed_client(const struct aws_credentials *creds, struct hooks *h)
{
	struct aws_client *c = aws_client_new(creds, "us-east-1", NULL);

	memset(h, 0, sizeof(*h));
	h->now = 1780000000;
	h->fixed_random = -1;
	c->clock = test_clock;
	c->clock_state = h;
	c->retry.sleep = test_sleep;
	c->retry.hook_state = h;
	return c;
}
