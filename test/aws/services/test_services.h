/*
 * test/aws/services/test_services.h
 *		What the parts of the service-call test share (test/aws/test_services.c
 *		holds main): streq and S, the bed's helpers (test/aws/services/bed.c),
 *		what one service's calls leave for the next ones' (the VPC, the key,
 *		the cluster...), and each part's entry points.
 */
#ifndef APPDB_TEST_AWS_SERVICES_H
#define APPDB_TEST_AWS_SERVICES_H

#include <stdbool.h>
#include <string.h>

#include "cli/aws/http.h"
#include "cli/aws/request.h"
#include "test/aws/proxy_control.h"
#include "cli/aws/svc.h"

static inline bool
streq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

#define S(x) ((x) ? (x) : "(null)")

/* The bed (bed.c) */
bool		has(const struct aws_strings *s, const char *v);
void		check_sent(const char *name, const char *op, const char *field,...);
void		check_not_sent(const char *name, const char *op, const char *field,...);
struct aws_client *bed_client(const struct aws_credentials *creds);
void		check_clean_error(const char *name, enum aws_status st, struct aws_error *err,
							  const char *service_op);

/* What the calls leave for the later ones (test_services.c frees them) */
extern char *account;
extern char *vpc_id;
extern char *subnet_ids[3];
extern char *sg_id;
extern char *kms_arn;
extern char *cluster_arn;
extern char *secret_arn;

/* The parts, in the order main runs them */
void		test_ec2(struct aws_client *c);
void		test_kms(struct aws_client *c);
void		test_rds(struct aws_client *c);
void		test_secrets(struct aws_client *c);
void		test_iam_decode(void);
void		test_iam(struct aws_client *c);
void		test_backup(struct aws_client *c);
void		test_rdsdata(struct aws_client *c);
void		test_rds_delete(struct aws_client *c);
void		test_ec2_delete(struct aws_client *c);
void		test_wrong_secret(const struct aws_credentials *good);

#endif							/* APPDB_TEST_AWS_SERVICES_H */
