/*
 * cli/aws/http.c
 *		HTTP over one reused libcurl easy handle (see http.h).
 *
 * The handle is reset before each request, which keeps its connection and
 * DNS caches, and every option is set again.  CURLOPT_VERBOSE is never
 * turned on: it would print the Authorization header.
 */
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "sigv4.h"
#include "util.h"

#ifdef APP_ROLES_VERSION
#define USER_AGENT "User-Agent: appdb/" APP_ROLES_VERSION
#else
#define USER_AGENT "User-Agent: appdb"
#endif

_Static_assert(sizeof(((struct aws_http *) 0)->errbuf) >= CURL_ERROR_SIZE,
			   "errbuf is smaller than CURL_ERROR_SIZE");

bool
aws_http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

void
aws_http_global_cleanup(void)
{
	curl_global_cleanup();
}

bool
aws_http_init(struct aws_http *http)
{
	memset(http, 0, sizeof(*http));
	http->connect_timeout_ms = AWS_HTTP_CONNECT_TIMEOUT_MS;
	http->timeout_ms = AWS_HTTP_TIMEOUT_MS;
	http->max_body = AWS_HTTP_MAX_BODY;
	http->easy = curl_easy_init();
	return http->easy != NULL;
}

void
aws_http_clean_up(struct aws_http *http)
{
	if (http->easy)
		curl_easy_cleanup(http->easy);
	memset(http, 0, sizeof(*http));
}

void
aws_http_response_init(struct aws_http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
}

/* Drop the headers (a new status line starts a new set). */
static void
clear_headers(struct aws_http_response *resp)
{
	size_t		i;

	for (i = 0; i < resp->nheaders; i++)
	{
		free(resp->headers[i].name);
		free(resp->headers[i].value);
	}
	resp->nheaders = 0;
}

/* Empty the response for reuse; the body is wiped, its memory kept. */
void
aws_http_response_reset(struct aws_http_response *resp)
{
	clear_headers(resp);
	free(resp->error);
	resp->error = NULL;
	free(resp->reason);
	resp->reason = NULL;
	sigv4_buf_reset(&resp->body);
	resp->result = AWS_HTTP_OK;
	resp->curl_code = 0;
	resp->status = 0;
	resp->elapsed_ms = 0;
}

void
aws_http_response_clean_up(struct aws_http_response *resp)
{
	aws_http_response_reset(resp);
	free(resp->headers);
	sigv4_buf_clean_up(&resp->body);
	memset(resp, 0, sizeof(*resp));
}

/* Append a header, both parts copied (n bytes each). */
static void
add_header(struct aws_http_response *resp, const char *name, size_t nlen,
		   const char *value, size_t vlen)
{
	struct aws_http_field *f;

	if (resp->nheaders == resp->headers_cap)
	{
		size_t		cap = resp->headers_cap ? resp->headers_cap * 2 : 16;
		struct aws_http_field *bigger = aws_xmalloc(cap * sizeof(*bigger));

		if (resp->nheaders)
			memcpy(bigger, resp->headers, resp->nheaders * sizeof(*bigger));
		free(resp->headers);
		resp->headers = bigger;
		resp->headers_cap = cap;
	}
	f = &resp->headers[resp->nheaders++];
	f->name = aws_xmalloc(nlen + 1);
	memcpy(f->name, name, nlen);
	f->name[nlen] = '\0';
	f->value = aws_xmalloc(vlen + 1);
	memcpy(f->value, value, vlen);
	f->value[vlen] = '\0';
}

void
aws_http_response_add_header(struct aws_http_response *resp, const char *name,
							 const char *value)
{
	add_header(resp, name, strlen(name), value, strlen(value));
}

const char *
aws_http_header(const struct aws_http_response *resp, const char *name)
{
	size_t		i;

	for (i = 0; i < resp->nheaders; i++)
		if (strcasecmp(resp->headers[i].name, name) == 0)
			return resp->headers[i].value;
	return NULL;
}

bool
aws_http_header_is_secret(const char *name)
{
	return strcasecmp(name, "authorization") == 0 ||
		strcasecmp(name, "x-amz-security-token") == 0;
}

/* Python's http.client.responses, which botocore's generic error uses. */
const char *
aws_http_reason(long status)
{
	static const struct
	{
		long		status;
		const char *reason;
	}			reasons[] = {
		{301, "Moved Permanently"}, {302, "Found"}, {303, "See Other"},
		{304, "Not Modified"}, {307, "Temporary Redirect"},
		{308, "Permanent Redirect"}, {400, "Bad Request"},
		{401, "Unauthorized"}, {403, "Forbidden"}, {404, "Not Found"},
		{405, "Method Not Allowed"}, {408, "Request Timeout"},
		{409, "Conflict"}, {410, "Gone"}, {411, "Length Required"},
		{413, "Request Entity Too Large"}, {415, "Unsupported Media Type"},
		{429, "Too Many Requests"}, {500, "Internal Server Error"},
		{501, "Not Implemented"}, {502, "Bad Gateway"},
		{503, "Service Unavailable"}, {504, "Gateway Timeout"},
	};
	size_t		i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return "";
}

/* libcurl's body callback: append, refusing more than max_body bytes. */
struct sink
{
	struct aws_http_response *resp;
	size_t		max_body;
	bool		too_large;
};

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *sink = arg;
	size_t		n = size * nmemb;

	if (n > sink->max_body - sink->resp->body.len)
	{
		sink->too_large = true;
		return 0;				/* CURLE_WRITE_ERROR */
	}
	sigv4_buf_append(&sink->resp->body, data, n);
	return sink->resp->body.failed ? 0 : n;
}

/* Trim spaces, tabs and CR/LF off both ends of [*s, *s + *n). */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && ((*s)[0] == ' ' || (*s)[0] == '\t'))
		(*s)++, (*n)--;
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' ||
					  (*s)[*n - 1] == '\r' || (*s)[*n - 1] == '\n'))
		(*n)--;
}

/*
 * libcurl's header callback, one line a call: a status line starts a new
 * set (after a 100 Continue, say), "Name: value" adds one.
 */
static size_t
on_header(char *data, size_t size, size_t nitems, void *arg)
{
	struct sink *sink = arg;
	struct aws_http_response *resp = sink->resp;
	size_t		n = size * nitems;
	const char *line = data;
	const char *colon;

	trim(&line, &n);
	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0)
	{
		const char *sp = memchr(line, ' ', n);

		clear_headers(resp);
		free(resp->reason);
		resp->reason = NULL;
		if (sp)
		{
			const char *r = memchr(sp + 1, ' ', n - (size_t) (sp + 1 - line));

			if (r)
			{
				size_t		rn = n - (size_t) (r - line);

				trim(&r, &rn);
				if (rn > 0)
				{
					resp->reason = aws_xmalloc(rn + 1);
					memcpy(resp->reason, r, rn);
					resp->reason[rn] = '\0';
				}
			}
		}
		return size * nitems;
	}
	colon = n ? memchr(line, ':', n) : NULL;
	if (colon && colon > line)
	{
		const char *v = colon + 1;
		size_t		vn = n - (size_t) (v - line);
		size_t		nn = (size_t) (colon - line);

		trim(&v, &vn);
		if (resp->nheaders < 1000)	/* a hostile server gets no more */
			add_header(resp, line, nn, v, vn);
	}
	return size * nitems;
}

/* Sort a libcurl failure for the retry policy (AWS-DETAIL.md §5). */
static enum aws_http_result
classify(CURLcode rc)
{
	switch (rc)
	{
		case CURLE_OK:
			return AWS_HTTP_OK;
		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_COULDNT_CONNECT:
		case CURLE_SSL_CONNECT_ERROR:
			return AWS_HTTP_ERR_CONNECT;
		case CURLE_OPERATION_TIMEDOUT:
			return AWS_HTTP_ERR_TIMEOUT;
		case CURLE_SEND_ERROR:
		case CURLE_RECV_ERROR:
		case CURLE_GOT_NOTHING:
		case CURLE_PARTIAL_FILE:
		case CURLE_HTTP2:
		case CURLE_HTTP2_STREAM:
			return AWS_HTTP_ERR_IO;
		default:
			return AWS_HTTP_ERR_FATAL;
	}
}

/* Log the request line and headers, never the secret ones. */
static void
log_request(const struct aws_http_request *req)
{
	size_t		i;

	if (!aws_tracing())
		return;
	aws_trace("http: %s %s (%zu bytes)", req->method, req->url, req->body_len);
	for (i = 0; i < req->nheaders; i++)
		if (!aws_http_header_is_secret(req->headers[i].name))
			aws_trace("http:   %s: %s", req->headers[i].name, req->headers[i].value);
}

/* curl's "Name: value" line, or "Name;" for an empty value. */
static struct curl_slist *
append_header(struct curl_slist *list, const char *name, const char *value,
			  bool *failed)
{
	char	   *line;
	struct curl_slist *more;

	if (value[0] == '\0')
		line = aws_str_printf("%s;", name);
	else
		line = aws_str_printf("%s: %s", name, value);
	more = curl_slist_append(list, line);
	/* the line may hold the Authorization value or a session token */
	explicit_bzero(line, strlen(line));
	free(line);
	if (more == NULL)
		*failed = true;
	return more ? more : list;
}

/* A literal header line. */
static struct curl_slist *
append_line(struct curl_slist *list, const char *line, bool *failed)
{
	struct curl_slist *more = curl_slist_append(list, line);

	if (more == NULL)
		*failed = true;
	return more ? more : list;
}

/* Free a header list, wiping each line (they hold the signature, token). */
static void
free_headers(struct curl_slist *list)
{
	struct curl_slist *l;

	for (l = list; l; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(list);
}

enum aws_http_result
aws_http_perform(struct aws_http *http, const struct aws_http_request *req,
				 struct aws_http_response *resp)
{
	CURL	   *easy = http->easy;
	struct curl_slist *headers = NULL;
	struct sink sink;
	bool		failed = false;
	bool		has_type = false;
	CURLcode	rc;
	size_t		i;
	double		total = 0;

	aws_http_response_reset(resp);
	memset(&sink, 0, sizeof(sink));
	sink.resp = resp;
	sink.max_body = http->max_body ? http->max_body : AWS_HTTP_MAX_BODY;
	http->errbuf[0] = '\0';
	log_request(req);

	for (i = 0; i < req->nheaders; i++)
	{
		headers = append_header(headers, req->headers[i].name,
								req->headers[i].value, &failed);
		if (strcasecmp(req->headers[i].name, "content-type") == 0)
			has_type = true;
	}
	/*
	 * No 100-continue round trip, libcurl's own User-Agent replaced, and
	 * no form Content-Type that libcurl would add to a POST without one
	 * ("Name:" removes a header).
	 */
	headers = append_line(headers, "Expect:", &failed);
	headers = append_line(headers, USER_AGENT, &failed);
	if (!has_type)
		headers = append_line(headers, "Content-Type:", &failed);
	if (failed)
	{
		free_headers(headers);
		resp->result = AWS_HTTP_ERR_FATAL;
		resp->error = aws_xstrdup("out of memory");
		return resp->result;
	}

	curl_easy_reset(easy);
	curl_easy_setopt(easy, CURLOPT_URL, req->url);
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, http->connect_timeout_ms);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, http->timeout_ms);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, http->errbuf);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(easy, CURLOPT_HEADERDATA, &sink);
	curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);

	/*
	 * libcurl sends a request again, unasked, when the reused connection it
	 * went out on dies before any answer (Curl_retry_request: "Connection
	 * died, retrying a fresh connect"), as it does when the server applied
	 * the request and the answer was lost.  A new connection is never
	 * retried so.
	 */
	if (req->once)
		curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
	if (strcmp(req->method, "HEAD") == 0)
		curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
	else if (req->body || strcmp(req->method, "POST") == 0)
	{
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
						 (curl_off_t) (req->body ? req->body_len : 0));
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, req->body ? req->body : "");
		if (strcmp(req->method, "POST") != 0)
			curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, req->method);
	}
	else if (strcmp(req->method, "GET") != 0)
		curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, req->method);

	rc = curl_easy_perform(easy);
	free_headers(headers);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, NULL);
	curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME, &total);
	resp->elapsed_ms = (long) (total * 1000);

	if (rc == CURLE_OK && resp->body.failed)
		rc = CURLE_OUT_OF_MEMORY;
	if (rc != CURLE_OK)
	{
		resp->curl_code = (int) rc;
		resp->result = sink.too_large ? AWS_HTTP_ERR_FATAL : classify(rc);
		if (sink.too_large)
			resp->error = aws_str_printf("the answer is larger than %zu bytes",
									sink.max_body);
		else if (http->errbuf[0])
			resp->error = aws_xstrdup(http->errbuf);
		else
			resp->error = aws_xstrdup(curl_easy_strerror(rc));
		resp->status = 0;
		clear_headers(resp);
		sigv4_buf_reset(&resp->body);
		aws_trace("http: no answer: %s", resp->error);
		return resp->result;
	}
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &resp->status);
	resp->result = AWS_HTTP_OK;
	aws_trace("http: %ld %s (%zu bytes, %ld ms)", resp->status,
			  resp->reason ? resp->reason : aws_http_reason(resp->status),
			  resp->body.len, resp->elapsed_ms);
	return AWS_HTTP_OK;
}
