/*
 * test/aws/services/wrong_secret.c
 *		A wrong secret key against the bed: AWS's error shown clearly, one
 *		call per protocol.
 */
#define _GNU_SOURCE
#include <string.h>

#include "cli/aws/backup.h"
#include "cli/aws/ec2.h"
#include "cli/aws/kms.h"
#include "cli/aws/rds.h"
#include "cli/aws/request.h"
#include "test/aws/services/test_services.h"
#include "test/unit.h"

/* A wrong secret key: AWS's error shown clearly, one call per protocol. */
void
test_wrong_secret(const struct aws_credentials *good)
{
	struct aws_credentials bad = *good;
	struct aws_client *c;
	struct aws_rds_cluster cl;
	struct aws_ec2_vpc_list vpcs;
	struct aws_kms_key key;
	struct aws_backup_vault v;
	struct aws_error err;
	enum aws_status st;

	bad.secret_access_key = "wrong-secret";
	c = bed_client(&bad);
	st = aws_rds_describe_db_cluster(c, "appdb-svc", &cl, &err);
	check(st == AWS_ERR_SERVICE && streq(err.code, "SignatureDoesNotMatch") &&
		  strstr(S(err.text), "RDS DescribeDBClusters failed: SignatureDoesNotMatch"),
		  "wrong-secret-query", "%d %s", st, st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	st = aws_ec2_default_vpc(c, &vpcs, &err);
	check(st == AWS_ERR_SERVICE && streq(err.code, "AuthFailure") && err.http_status == 401 &&
		  strstr(S(err.text), "EC2 DescribeVpcs failed: AuthFailure"),
		  "wrong-secret-ec2", "%d %s", st, st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	else
		aws_ec2_vpc_list_clean_up(&vpcs);
	st = aws_kms_describe_key(c, "alias/appdb-svc", &key, &err);
	check(st == AWS_ERR_SERVICE && streq(err.code, "SignatureDoesNotMatch") &&
		  strstr(S(err.text), "KMS DescribeKey failed: SignatureDoesNotMatch"),
		  "wrong-secret-json", "%d %s", st, st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	st = aws_backup_create_vault(c, "appdb-svc-bad", NULL, NULL, 0, NULL, &v, &err);
	check(st == AWS_ERR_SERVICE && streq(err.code, "SignatureDoesNotMatch") &&
		  strstr(S(err.text), "Backup CreateBackupVault failed: SignatureDoesNotMatch"),
		  "wrong-secret-rest-json", "%d %s", st, st ? S(err.text) : "");
	if (st)
		aws_error_clean_up(&err);
	else
		aws_backup_vault_clean_up(&v);
	aws_client_free(c);
}
