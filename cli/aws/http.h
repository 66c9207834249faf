/*
 * cli/aws/http.h
 *		HTTP for the AWS calls, over libcurl: one easy handle, reused (so its
 *		connections and DNS cache are), one request at a time.
 *
 * A request is a method, a URL, headers and a body; an answer is the
 * status, the response headers and the body, or a transport failure sorted
 * into the kinds the retry policy needs (AWS-DETAIL.md §5).  Redirects are
 * not followed and only http and https are spoken.  The timeouts are the
 * caller's (struct aws_http), never the environment's.
 *
 * Under --verbose the request line, the headers but Authorization and
 * X-Amz-Security-Token, and the status are logged; bodies never are (they
 * carry secrets: GetSecretValue's answer, a Data API statement).
 */
#ifndef APPDB_AWS_HTTP_H
#define APPDB_AWS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

#define AWS_HTTP_CONNECT_TIMEOUT_MS 10000
#define AWS_HTTP_TIMEOUT_MS 60000
#define AWS_HTTP_MAX_BODY ((size_t) 32 << 20)	/* a larger answer is refused */

/* What became of a request; the order matters to nobody. */
enum aws_http_result
{
	AWS_HTTP_OK = 0,			/* an answer came, whatever its status */
	AWS_HTTP_ERR_CONNECT,		/* no connection: refused, DNS, TLS handshake */
	AWS_HTTP_ERR_TIMEOUT,		/* connect or total timeout */
	AWS_HTTP_ERR_IO,			/* reset, send/recv error, empty or cut answer */
	AWS_HTTP_ERR_FATAL			/* bad URL, certificate, too large: no retry */
};

/* A request or response header. */
struct aws_http_field
{
	char	   *name;
	char	   *value;
};

struct aws_http_request
{
	const char *method;			/* GET, POST, PUT, DELETE, HEAD */
	const char *url;
	const struct sigv4_header *headers;	/* sent as given, Host included */
	size_t		nheaders;
	const void *body;			/* NULL: none (a POST sends an empty one) */
	size_t		body_len;

	/*
	 * Never sent twice: on a new connection, since libcurl sends a request
	 * again, unasked, when the reused connection it went out on closes
	 * before any answer, though the server may have applied it.
	 */
	bool		once;
};

struct aws_http_response
{
	enum aws_http_result result;
	int			curl_code;		/* CURLcode, 0 on an answer */
	char	   *error;			/* transport failure text, or NULL */
	long		status;			/* HTTP status, 0 without an answer */
	char	   *reason;			/* the status line's reason, or NULL */
	struct aws_http_field *headers; /* of the last status line only */
	size_t		nheaders;
	size_t		headers_cap;
	struct sigv4_buf body;		/* wiped when freed: it may hold secrets */
	long		elapsed_ms;
};

struct aws_http
{
	void	   *easy;			/* CURL * */
	long		connect_timeout_ms;
	long		timeout_ms;
	size_t		max_body;
	char		errbuf[256];	/* CURL_ERROR_SIZE */
};

/* Process-wide libcurl set-up and tear-down (curl_global_*). */
bool		aws_http_global_init(void);
void		aws_http_global_cleanup(void);

/* Set the defaults and create the handle; false if libcurl cannot. */
bool		aws_http_init(struct aws_http *http);
void		aws_http_clean_up(struct aws_http *http);

/*
 * Send req and wait for the whole answer into resp (reset first).  Returns
 * resp->result.  Never logs secrets, even verbosely.
 */
enum aws_http_result aws_http_perform(struct aws_http *http,
									  const struct aws_http_request *req,
									  struct aws_http_response *resp);

void		aws_http_response_init(struct aws_http_response *resp);
void		aws_http_response_reset(struct aws_http_response *resp);
void		aws_http_response_clean_up(struct aws_http_response *resp);

/* Add a response header (for tests and the fuzz targets). */
void		aws_http_response_add_header(struct aws_http_response *resp,
										 const char *name, const char *value);

/* The first response header of that name (any case), or NULL. */
const char *aws_http_header(const struct aws_http_response *resp, const char *name);

/* The standard reason phrase of an HTTP status ("" if unknown). */
const char *aws_http_reason(long status);

/* A header never to be logged: Authorization, X-Amz-Security-Token. */
bool		aws_http_header_is_secret(const char *name);

#endif							/* APPDB_AWS_HTTP_H */
