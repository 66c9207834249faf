/*
 * test/bench/token_rate.c
 *		Tokens per second from appdb's signing path, in process: with the
 *		signer reused (signing key cached per date, region and service,
 *		contexts reused, as the SDKs do), and with a new signer per token.
 *		Prints "<label> <tokens per second>" lines; asserts nothing.
 *
 *   cc -std=gnu11 -O2 -I. -o test/bench/token_rate test/bench/token_rate.c \
 *      cli/aws/sigv4.c cli/aws/token.c -lcrypto
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/aws/token.h"

static double
seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	int			n = argc > 1 ? atoi(argv[1]) : 200000;
	struct aws_credentials creds = {0};
	struct sigv4_signer *signer = sigv4_signer_new(8);
	struct sigv4_signing s;
	time_t		now = 1795523696;	/* 2026-11-24 12:34:56 UTC */
	double		t0;
	int			i;
	int			status;

	creds.access_key_id = "AKIDEXAMPLE";
	creds.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	sigv4_signing_init(&s);

	t0 = seconds();
	for (i = 0; i < n; i++)
	{
		char	   *token = aws_rds_auth_token_with(signer, &s,
													"app-dev.cluster-abc.us-east-1.rds.amazonaws.com",
													5432, "app", "us-east-1", &creds, now, &status);

		if (token == NULL)
			return 1;
		free(token);
	}
	printf("cached %.0f\n", n / (seconds() - t0));

	t0 = seconds();
	for (i = 0; i < n / 4; i++)
	{
		char	   *token = aws_rds_auth_token("app-dev.cluster-abc.us-east-1.rds.amazonaws.com",
											   5432, "app", "us-east-1", &creds, now);

		if (token == NULL)
			return 1;
		free(token);
	}
	printf("uncached %.0f\n", (n / 4) / (seconds() - t0));
	sigv4_signing_clean_up(&s);
	sigv4_signer_free(signer);
	return 0;
}
