/*
 * test/aws/test_request.c
 *		The AWS request path: endpoint resolution, form encoding, error
 *		parsing and retry tables offline, then calls against the test bed
 *		(moto behind test/aws/fault_proxy.py; test/aws/run_request.sh starts
 *		it and runs this).  This file holds main; each phase is a file of
 *		test/aws/request/: offline endpoints.c, form.c, errors.c, success.c,
 *		retry.c, then against the bed sts.c, bad_credentials.c, protocols.c,
 *		once.c, refused.c, verbose.c, over bed.c and hooks.c
 *		(test/aws/request/test_request.h).
 *
 * Build: make test/aws/test_request (or test_request_asan, with ASan and
 * UBSan): these files and cli/aws/libappdb_aws.a alone, nothing of cli/ or
 * core/.
 *
 * Run: test/aws/run_request.sh [binary]   (the bed's variables set), or
 *      test/aws/test_request --offline    (the tables only).
 * The last line is "aws-request: N passed, M failed"; exit 1 on a failure.
 */
#define _GNU_SOURCE
#define UNIT_MAIN
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/aws/http.h"
#include "cli/aws/request.h"
#include "test/aws/request/test_request.h"
#include "test/unit.h"

int
main(int argc, char **argv)
{
	bool		offline = argc > 1 && strcmp(argv[1], "--offline") == 0;

	if (!aws_global_init())
	{
		fprintf(stderr, "test_request: cannot initialise libcurl\n");
		return 2;
	}
	test_endpoints();
	test_form();
	test_error_parsing();
	test_success_parsing();
	test_retry_policy();

	if (!offline)
	{
		struct aws_credentials creds;

		memset(&creds, 0, sizeof(creds));
		creds.access_key_id = getenv("AWS_ACCESS_KEY_ID");
		creds.secret_access_key = getenv("AWS_SECRET_ACCESS_KEY");
		proxy_url = getenv("MOTOBED_PROXY_URL");
		if (check(proxy_url && creds.access_key_id && creds.secret_access_key &&
				  getenv("AWS_ENDPOINT_URL"), "bed",
				  "no test bed: run test/aws/run_request.sh (or give --offline)") &&
			check(aws_http_init(&control), "bed", "no curl handle"))
		{
			test_bed_sts(&creds);
			test_bed_bad_credentials(&creds);
			test_bed_protocols(&creds);
			test_bed_once(&creds);
			test_refused(&creds);
			test_verbose_secrets(&creds);
			aws_http_clean_up(&control);
		}
	}
	aws_global_cleanup();
	return unit_summary("aws-request");
}
