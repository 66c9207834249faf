/*
 * cli/aws/credentials_types.h
 *		A set of AWS credentials (a leaf: the signer takes them without the
 *		resolution in credentials.h).
 */
#ifndef APPDB_AWS_CREDENTIALS_TYPES_H
#define APPDB_AWS_CREDENTIALS_TYPES_H

#include <time.h>

struct aws_credentials
{
	char	   *access_key_id;
	char	   *secret_access_key;	/* wiped by aws_credentials_free */
	char	   *session_token;	/* NULL for long-term keys; wiped */
	time_t		expiration;		/* 0: does not expire */
	const char *source;			/* where they came from, for messages */
};

#endif							/* APPDB_AWS_CREDENTIALS_TYPES_H */
