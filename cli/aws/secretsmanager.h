/*
 * cli/aws/secretsmanager.h
 *		Secrets Manager (JSON 1.1, X-Amz-Target secretsmanager.<Op>):
 *		GetSecretValue, for the master user's secret (AWS-DETAIL.md §3.5).
 *
 * A missing secret (ResourceNotFoundException) is AWS_OK with found =
 * false.  The secret's text is wiped when freed.
 */
#ifndef APPDB_AWS_SECRETSMANAGER_H
#define APPDB_AWS_SECRETSMANAGER_H

#include "svc.h"

struct aws_secret_value
{
	bool		found;
	char	   *arn;
	char	   *name;
	char	   *version_id;
	char	   *secret_string;	/* wiped by the clean-up; NULL if binary */
	/* SecretString parsed as the RDS secret's JSON, when it is one (wiped) */
	char	   *username;
	char	   *password;
};

void		aws_secret_value_clean_up(struct aws_secret_value *s);

/* secret_id: an ARN or a name; version_stage NULL: AWSCURRENT. */
enum aws_status aws_secrets_get_value(struct aws_client *client, const char *secret_id,
									  const char *version_stage,
									  struct aws_secret_value *out,
									  struct aws_error *err);

#endif							/* APPDB_AWS_SECRETSMANAGER_H */
