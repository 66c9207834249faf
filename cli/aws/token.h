/*
 * cli/aws/token.h
 *		The RDS IAM authentication token, as `aws rds generate-db-auth-token`
 *		prints it (AWS.md "The RDS IAM authentication token").
 */
#ifndef APPDB_AWS_TOKEN_H
#define APPDB_AWS_TOKEN_H

#include <time.h>

#include "credentials_types.h"
#include "sigv4.h"

#define AWS_RDS_TOKEN_EXPIRES 900	/* seconds: tokens are valid 15 minutes */

/*
 * The token for user at host:port, signed for region at now: a presigned
 * GET of https://host:port/?Action=connect&DBUser=user for rds-db, without
 * the scheme.  malloc'd (a credential: wipe it before free()), or NULL on
 * bad input or failure.
 */
char	   *aws_rds_auth_token(const char *host, int port, const char *user,
							   const char *region,
							   const struct aws_credentials *creds, time_t now);

/*
 * The same with the caller's signer and signing state, reused across calls
 * (key cache, crypto contexts, buffers); *status says why on NULL.
 */
char	   *aws_rds_auth_token_with(struct sigv4_signer *signer,
									struct sigv4_signing *s,
									const char *host, int port, const char *user,
									const char *region,
									const struct aws_credentials *creds,
									time_t now, int *status);

#endif							/* APPDB_AWS_TOKEN_H */
