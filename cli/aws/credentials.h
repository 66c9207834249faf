/*
 * cli/aws/credentials.h
 *		Where AWS credentials and the region come from.
 *
 * For now the environment only (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN; --region, AWS_REGION, AWS_DEFAULT_REGION).  The rest of
 * the SDKs' chain (profiles, the shared files, web identity, container and
 * instance metadata; AWS.md) goes behind the same two calls, so their
 * callers need not change.
 */
#ifndef APPDB_AWS_CREDENTIALS_H
#define APPDB_AWS_CREDENTIALS_H

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
 * Resolve the region: flag (--region, may be NULL), then the environment,
 * then (later) the profile's.  Returns -1 with a malloc'd *out, or an exit
 * code after printing the error.
 */
int			aws_resolve_region(const char *flag, const char *profile, char **out);

/* Wipe and free the fields; the struct may be reused. */
void		aws_credentials_free(struct aws_credentials *creds);

#endif							/* APPDB_AWS_CREDENTIALS_H */
