/*
 * cli/aws/buf.h
 *		The signer's header and byte buffer, which the HTTP client borrows
 *		(a leaf: http.h takes these without the signer).
 */
#ifndef APPDB_AWS_BUF_H
#define APPDB_AWS_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct sigv4_header
{
	const char *name;
	const char *value;
};

/* A growable byte buffer, always NUL-terminated; "failed" is sticky. */
struct sigv4_buf
{
	char	   *data;
	size_t		len;
	size_t		cap;
	bool		failed;
};

#endif							/* APPDB_AWS_BUF_H */
