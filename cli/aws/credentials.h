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
#include <time.h>

struct aws_credentials
{
	char	   *access_key_id;
	char	   *secret_access_key;	/* wiped by aws_credentials_free */
	char	   *session_token;	/* NULL for long-term keys; wiped */
	time_t		expiration;		/* 0: does not expire */
	const char *source;			/* where they came from, for messages */
};

/*
 * Resolve credentials for profile (NULL: none given on the command line).
 * Returns -1 with *out filled, or an exit code after printing the error.
 */
int			aws_resolve_credentials(const char *profile, struct aws_credentials *out);

/*
 * The same, with the region the STS calls of assume role and web identity
 * are made in (NULL: AWS_REGION, AWS_DEFAULT_REGION, the profile's region,
 * else us-east-1).  Their endpoint: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL,
 * then the profile's endpoint_url.  Assumed-role credentials are cached in
 * the process until 15 minutes before they expire.
 */
int			aws_resolve_credentials_in(const char *profile, const char *region,
									   struct aws_credentials *out);

/*
 * Resolve the region: flag (--region, may be NULL), then the environment,
 * then (later) the profile's.  Returns -1 with a malloc'd *out, or an exit
 * code after printing the error.
 */
int			aws_resolve_region(const char *flag, const char *profile, char **out);

/*
 * Read what a credential_process printed (len bytes of text) into out: -1
 * on success, else an exit code with the error reported.
 */
int			aws_credentials_from_process_output(const char *profile, const char *text, size_t len,
												struct aws_credentials *out);

/* Wipe and free the fields; the struct may be reused. */
void		aws_credentials_free(struct aws_credentials *creds);

#endif							/* APPDB_AWS_CREDENTIALS_H */
