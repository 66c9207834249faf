/*
 * cli/aws/sigv4.h
 *		AWS Signature Version 4: one signer for both forms, the Authorization
 *		header and the presigned query string (the RDS IAM token's form).
 *
 * Staged as aws-c-auth's aws_signing.h is: a state struct keeps every
 * intermediate in its own buffer, and three functions, called in order,
 * build the canonical request, the string to sign, then the signature with
 * what goes on the wire.  Each stage can be called and checked on its own
 * (test/aws/test_sigv4.c holds them to AWS's test suite).  The time is an
 * input; nothing here reads the clock.
 *
 * A signer (struct sigv4_signer) is long-lived: it holds the OpenSSL hash
 * and HMAC contexts, reused by every signing, and a cache of signing keys
 * keyed by date, region, service and access key id, as the SDKs keep one.
 * It is not thread-safe; use one per thread.
 *
 * Never log a signing state's buffers: they hold the session token and the
 * signature (AWS.md, "SigV4" 6).
 */
#ifndef APPDB_AWS_SIGV4_H
#define APPDB_AWS_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "credentials_types.h"

enum sigv4_status
{
	SIGV4_OK = 0,
	SIGV4_ERR_NOMEM,			/* out of memory */
	SIGV4_ERR_CRYPTO,			/* OpenSSL failed */
	SIGV4_ERR_INVALID,			/* a missing or malformed input */
	SIGV4_ERR_ILLEGAL_HEADER,	/* a header the signer adds, or a bad name */
	SIGV4_ERR_ILLEGAL_PARAM,	/* a query parameter the signer adds */
	SIGV4_ERR_NO_HOST,			/* the request has no Host header */
	SIGV4_ERR_STAGE				/* a stage called out of order */
};

enum sigv4_form
{
	SIGV4_FORM_HEADERS,			/* X-Amz-Date and Authorization headers */
	SIGV4_FORM_QUERY			/* presigned: X-Amz-* query parameters */
};

/* A query parameter, not yet URI-encoded. */
struct sigv4_param
{
	const char *name;
	const char *value;
};

struct sigv4_request
{
	const char *method;
	/*
	 * The path as sent on the wire, without the query.  It is URI-encoded
	 * (again, for an already encoded path) unless config.encode_path is off.
	 */
	const char *path;
	const struct sigv4_param *params;
	size_t		nparams;
	const struct sigv4_header *headers;	/* must include Host */
	size_t		nheaders;
	const void *body;
	size_t		body_len;
};

struct sigv4_config
{
	enum sigv4_form form;
	const struct aws_credentials *credentials;
	const char *region;
	const char *service;
	time_t		time;			/* the signing time (UTC seconds) */
	unsigned	expires;		/* query form: X-Amz-Expires, 1 to 604800 */
	bool		normalize;		/* remove ".", ".." and empty path segments */
	bool		encode_path;	/* encode the path (every service but S3) */
	bool		sign_body;		/* headers form: add, sign x-amz-content-sha256
								 * (the body is hashed either way) */
	bool		omit_session_token;	/* add the token after signing, unsigned */
	const char *payload_hash;	/* NULL: hex SHA-256 of the body */
};

/* The long-lived part: crypto contexts and the signing-key cache. */
struct sigv4_signer;

#define SIGV4_KEY_CACHE_DEFAULT 8

struct sigv4_signer *sigv4_signer_new(unsigned cache_entries);	/* 0: no cache */
void		sigv4_signer_free(struct sigv4_signer *signer);
void		sigv4_signer_clear_cache(struct sigv4_signer *signer);
void		sigv4_signer_cache_stats(const struct sigv4_signer *signer,
									 unsigned long *hits, unsigned long *misses);

/*
 * One signing.  Zero it with sigv4_signing_init(); it may be reused for
 * any number of signings (its buffers keep their capacity) and is wiped
 * and freed by sigv4_signing_clean_up().
 */
struct sigv4_entry;

struct sigv4_signing
{
	struct sigv4_signer *signer;
	const struct sigv4_config *config;
	const struct sigv4_request *request;
	int			stage;

	char		amz_date[17];	/* YYYYMMDDTHHMMSSZ */
	char		date[9];		/* YYYYMMDD */

	struct sigv4_buf payload_hash;
	struct sigv4_buf credential_scope;	/* date/region/service/aws4_request */
	struct sigv4_buf credential;	/* access key id/credential scope */
	struct sigv4_buf canonical_headers; /* "name:value\n" lines */
	struct sigv4_buf signed_headers;	/* names joined by ';' */
	struct sigv4_buf canonical_query;
	struct sigv4_buf canonical_request;
	struct sigv4_buf string_to_sign;
	struct sigv4_buf signature;	/* lowercase hex */

	/*
	 * headers form: the Authorization value, and the headers to add; they
	 * point into this state and the credentials
	 */
	struct sigv4_buf authorization;
	struct sigv4_header out_headers[4];
	size_t		nout_headers;

	/*
	 * query form: the parameters to append to the request's own, encoded,
	 * in botocore's order: X-Amz-Algorithm, -Credential, -Date, -Expires,
	 * -SignedHeaders, [-Security-Token,] -Signature.
	 */
	struct sigv4_buf auth_query;

	/* working space */
	struct sigv4_buf scratch;
	struct sigv4_entry *entries;
	size_t		entries_cap;
};

void		sigv4_config_init(struct sigv4_config *config, enum sigv4_form form);
void		sigv4_signing_init(struct sigv4_signing *s);
void		sigv4_signing_clean_up(struct sigv4_signing *s);

/* The three stages, in this order; each returns a sigv4_status. */
int			sigv4_canonical_request(struct sigv4_signing *s, struct sigv4_signer *signer,
									const struct sigv4_config *config,
									const struct sigv4_request *request);
int			sigv4_string_to_sign(struct sigv4_signing *s);
int			sigv4_signature(struct sigv4_signing *s);

/* All three. */
int			sigv4_sign(struct sigv4_signing *s, struct sigv4_signer *signer,
					   const struct sigv4_config *config,
					   const struct sigv4_request *request);

const char *sigv4_strerror(int status);

/*
 * Buffer and canonicalisation helpers, visible for the unit tests (as curl
 * exposes its UNITTEST functions to unit1980.c) and the token.  The
 * canonicalisers append to out; a failed allocation sets out->failed.
 */
void		sigv4_buf_append(struct sigv4_buf *b, const char *s, size_t n);
/*
 * Make room for n more bytes (and the NUL), so appending them does not
 * reallocate; false, with b->failed set, when out of memory.
 */
bool		sigv4_buf_reserve(struct sigv4_buf *b, size_t n);
void		sigv4_buf_reset(struct sigv4_buf *b);
void		sigv4_buf_clean_up(struct sigv4_buf *b);
void		sigv4_uri_encode(struct sigv4_buf *out, const char *s, size_t len,
							 bool keep_slash);
void		sigv4_canonical_path(struct sigv4_buf *out, const char *path,
								 bool normalize, bool encode);
void		sigv4_header_value(struct sigv4_buf *out, const char *value);
int			sigv4_canonical_query_of(struct sigv4_signing *s, struct sigv4_buf *out,
									 const struct sigv4_param *params, size_t n);
int			sigv4_canonical_headers_of(struct sigv4_signing *s,
									   struct sigv4_buf *block,
									   struct sigv4_buf *names,
									   const struct sigv4_header *headers,
									   size_t n);

#endif							/* APPDB_AWS_SIGV4_H */
