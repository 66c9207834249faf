/*
 * cli/aws/credentials.h
 *		Where AWS credentials and the region come from.
 *
 * The SDKs' chain (AWS.md, AWS-DETAIL.md section 4; credentials.c says
 * the order): the environment, assume role (source_profile or
 * credential_source), web identity, the shared credentials file,
 * credential_process, the config file, container credentials, EC2 instance
 * metadata (IMDSv2).  The region: --region, AWS_REGION, AWS_DEFAULT_REGION,
 * the profile's.
 */
#ifndef APPDB_AWS_CREDENTIALS_H
#define APPDB_AWS_CREDENTIALS_H

#include <stddef.h>

#include "credentials_types.h"
#include "error.h"

/*
 * Resolve credentials for profile (NULL: none given on the command line).
 * Returns AWS_OK with *out filled, or else with err saying why (its status
 * AWS_ERR_CONFIG when the settings are at fault).
 */
enum aws_status aws_resolve_credentials(const char *profile, struct aws_credentials *out,
										struct aws_error *err);

/*
 * The same, with the region the STS calls of assume role and web identity
 * are made in (NULL: AWS_REGION, AWS_DEFAULT_REGION, the profile's region,
 * else us-east-1).  Their endpoint: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL,
 * then the profile's endpoint_url.  Assumed-role credentials are cached in
 * the process until 15 minutes before they expire.
 */
enum aws_status aws_resolve_credentials_in(const char *profile, const char *region,
										   struct aws_credentials *out, struct aws_error *err);

/*
 * Resolve the region: flag (--region, may be NULL), then the environment,
 * then the profile's.  Returns AWS_OK with a malloc'd *out, or else with
 * err saying why.
 */
enum aws_status aws_resolve_region(const char *flag, const char *profile, char **out,
								   struct aws_error *err);

/*
 * Read what a credential_process printed (len bytes of text) into out:
 * AWS_OK, or AWS_ERR_CONFIG with err saying why.
 */
enum aws_status aws_credentials_from_process_output(const char *profile, const char *text, size_t len,
													struct aws_credentials *out, struct aws_error *err);

/* Wipe and free the fields; the struct may be reused. */
void		aws_credentials_free(struct aws_credentials *creds);

#endif							/* APPDB_AWS_CREDENTIALS_H */
