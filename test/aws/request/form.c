/*
 * test/aws/request/form.c
 *		Form encoding, offline: the query protocol's body and the parameter list.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <string.h>

#include "cli/aws/request.h"
#include "cli/aws/sigv4.h"
#include "test/aws/request/test_request.h"
#include "test/unit.h"

void
test_form(void)
{
	struct aws_params p;
	struct sigv4_buf out = {0};

	aws_params_init(&p);
	aws_params_add(&p, "DBClusterIdentifier", "app-dev");
	aws_params_addf(&p, "sg-0a1", "VpcSecurityGroupIds.VpcSecurityGroupId.%d", 1);
	aws_params_addf(&p, "env", "Tags.Tag.%d.Key", 2);
	aws_params_add(&p, "KmsKeyId", "arn:aws:kms:us-east-1:123456789012:key/k-1");
	aws_params_add(&p, "Description", "a b+c=d&e~f*g'h!(é)");
	aws_params_add_bool(&p, "ManageMasterUserPassword", true);
	aws_params_add_int(&p, "Port", 5432);
	aws_params_add(&p, "Empty", "");
	aws_form_encode(&out, "CreateDBCluster", "2014-10-31", &p);
	check(streq(out.data,
				"Action=CreateDBCluster&Version=2014-10-31&DBClusterIdentifier=app-dev"
				"&VpcSecurityGroupIds.VpcSecurityGroupId.1=sg-0a1&Tags.Tag.2.Key=env"
				"&KmsKeyId=arn%3Aaws%3Akms%3Aus-east-1%3A123456789012%3Akey%2Fk-1"
				"&Description=a+b%2Bc%3Dd%26e~f%2Ag%27h%21%28%C3%A9%29"
				"&ManageMasterUserPassword=true&Port=5432&Empty="),
		  "form-encode", "got %s", S(out.data));
	check(streq(aws_params_get(&p, "Port"), "5432"), "params-get", "Port");
	check(aws_params_get(&p, "Nope") == NULL, "params-get-missing", "Nope");
	sigv4_buf_clean_up(&out);
	aws_params_free(&p);

	aws_form_encode(&out, "GetCallerIdentity", "2011-06-15", NULL);
	check(streq(out.data, "Action=GetCallerIdentity&Version=2011-06-15"), "form-no-params",
		  "got %s", S(out.data));
	sigv4_buf_clean_up(&out);
}
