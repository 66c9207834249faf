/*
 * cli/aws/sts.h
 *		STS: who the credentials belong to (GetCallerIdentity).
 */
#ifndef APPDB_AWS_STS_H
#define APPDB_AWS_STS_H

#include "request.h"

struct aws_caller_identity
{
	char	   *account;		/* 12 digits */
	char	   *arn;
	char	   *user_id;
	char	   *date;			/* the answer's Date header (AWS's clock), or NULL */
};

/*
 * GetCallerIdentity: AWS_OK with *out filled (free it with
 * aws_caller_identity_clean_up), or a status with *err filled.
 */
enum aws_status aws_sts_get_caller_identity(struct aws_client *client,
											struct aws_caller_identity *out,
											struct aws_error *err);
void		aws_caller_identity_clean_up(struct aws_caller_identity *id);

#endif							/* APPDB_AWS_STS_H */
