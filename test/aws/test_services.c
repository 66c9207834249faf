/*
 * test/aws/test_services.c
 *		The service calls (rds, iam, ec2, kms, secretsmanager, backup,
 *		rdsdata) against the test bed: moto behind test/aws/fault_proxy.py
 *		with request authentication on (test/aws/run_services.sh starts it).
 *		Each call's parameters are proved to have arrived by reading moto's
 *		state back through our own describe/get calls (moto silently drops
 *		wrongly-flattened lists, AWS.md), or, where moto falls short, by the
 *		proxy's request log.  The last line is
 *		"aws-services: N passed, M failed"; exit 1 on a failure.
 *
 * This file holds main and what the services' calls leave for the later
 * ones; the calls are in test/aws/services/ (ec2_kms.c, rds.c, iam.c,
 * secrets_backup_rdsdata.c, wrong_secret.c, over bed.c; test_services.h).
 */
#define _GNU_SOURCE
#define UNIT_MAIN
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/aws/http.h"
#include "cli/aws/request.h"
#include "cli/aws/sts.h"
#include "test/aws/services/test_services.h"
#include "test/unit.h"

char *account;
char *vpc_id;
char *subnet_ids[3];
char *sg_id;
char *kms_arn;
char *cluster_arn;
char *secret_arn;

int
main(void)
{
	struct aws_credentials creds;

	if (!aws_global_init())
		return 2;
	memset(&creds, 0, sizeof(creds));
	creds.access_key_id = getenv("AWS_ACCESS_KEY_ID");
	creds.secret_access_key = getenv("AWS_SECRET_ACCESS_KEY");
	proxy_url = getenv("MOTOBED_PROXY_URL");
	if (check(proxy_url && creds.access_key_id && creds.secret_access_key &&
			  getenv("AWS_ENDPOINT_URL"), "bed", "no test bed: run test/aws/run_services.sh") &&
		check(aws_http_init(&control), "bed", "no curl handle"))
	{
		struct aws_client *c = bed_client(&creds);
		struct aws_caller_identity id;
		struct aws_error err;

		enum aws_status st;

		proxy_reset();
		st = aws_sts_get_caller_identity(c, &id, &err);
		if (check(st == AWS_OK, "sts", "%s", st ? S(err.text) : ""))
		{
			account = strdup(id.account);
			aws_caller_identity_clean_up(&id);
		}
		else
			aws_error_clean_up(&err);
		test_ec2(c);
		test_kms(c);
		test_rds(c);
		test_secrets(c);
		test_iam_decode();
		test_iam(c);
		test_backup(c);
		test_rdsdata(c);
		test_rds_delete(c);
		test_ec2_delete(c);
		test_wrong_secret(&creds);
		aws_client_free(c);
		aws_http_clean_up(&control);
	}
	free(account);
	free(vpc_id);
	free(subnet_ids[0]);
	free(subnet_ids[1]);
	free(subnet_ids[2]);
	free(sg_id);
	free(kms_arn);
	free(cluster_arn);
	free(secret_arn);
	aws_global_cleanup();
	return unit_summary("aws-services");
}
