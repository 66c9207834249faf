/*
 * cli/aws/request.c
 *		The shared request path of the AWS calls (see request.h): endpoint
 *		resolution, the body of each protocol, and the attempt loop that
 *		signs, sends, reads and retries.
 */
#include "request.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <libxml/parser.h>

#include "util.h"

#define FORM_TYPE "application/x-www-form-urlencoded; charset=utf-8"
#define JSON11_TYPE "application/x-amz-json-1.1"
#define JSON_TYPE "application/json"

/* The services appdb calls (AWS.md "Services used"). */
const struct aws_service aws_service_rds = {
	"RDS", "rds", "rds", AWS_PROTOCOL_QUERY, "2014-10-31", NULL, NULL, NULL
};
const struct aws_service aws_service_iam = {
	"IAM", "iam", "iam", AWS_PROTOCOL_QUERY, "2010-05-08", NULL,
	"iam.amazonaws.com", "us-east-1"
};
const struct aws_service aws_service_sts = {
	"STS", "sts", "sts", AWS_PROTOCOL_QUERY, "2011-06-15", NULL, NULL, NULL
};
const struct aws_service aws_service_ec2 = {
	"EC2", "ec2", "ec2", AWS_PROTOCOL_EC2, "2016-11-15", NULL, NULL, NULL
};
const struct aws_service aws_service_kms = {
	"KMS", "kms", "kms", AWS_PROTOCOL_JSON, NULL, "TrentService", NULL, NULL
};
const struct aws_service aws_service_secrets_manager = {
	"Secrets Manager", "secretsmanager", "secretsmanager", AWS_PROTOCOL_JSON,
	NULL, "secretsmanager", NULL, NULL
};
const struct aws_service aws_service_rds_data = {
	"RDS Data", "rds-data", "rds-data", AWS_PROTOCOL_REST_JSON, NULL, NULL,
	NULL, NULL
};
const struct aws_service aws_service_backup = {
	"Backup", "backup", "backup", AWS_PROTOCOL_REST_JSON, NULL, NULL, NULL, NULL
};

/* ------------------------------------------------------------------ */
/* Parameters and the form body                                        */
/* ------------------------------------------------------------------ */

void
aws_params_init(struct aws_params *p)
{
	memset(p, 0, sizeof(*p));
}

void
aws_params_add(struct aws_params *p, const char *name, const char *value)
{
	if (p->n == p->cap)
	{
		size_t		cap = p->cap ? p->cap * 2 : 16;
		struct aws_param_item *bigger = aws_xmalloc(cap * sizeof(*bigger));

		if (p->n)
			memcpy(bigger, p->items, p->n * sizeof(*bigger));
		free(p->items);
		p->items = bigger;
		p->cap = cap;
	}
	p->items[p->n].name = aws_xstrdup(name);
	p->items[p->n].value = aws_xstrdup(value ? value : "");
	p->n++;
}

void
aws_params_addf(struct aws_params *p, const char *value, const char *name_fmt,...)
{
	va_list		args;
	char	   *name;

	va_start(args, name_fmt);
	name = aws_str_vprintf(name_fmt, args);
	va_end(args);
	aws_params_add(p, name, value);
	free(name);
}

void
aws_params_add_bool(struct aws_params *p, const char *name, bool value)
{
	aws_params_add(p, name, value ? "true" : "false");
}

void
aws_params_add_int(struct aws_params *p, const char *name, long long value)
{
	char		text[32];

	snprintf(text, sizeof(text), "%lld", value);
	aws_params_add(p, name, text);
}

const char *
aws_params_get(const struct aws_params *p, const char *name)
{
	size_t		i;

	for (i = 0; p && i < p->n; i++)
		if (strcmp(p->items[i].name, name) == 0)
			return p->items[i].value;
	return NULL;
}

void
aws_params_free(struct aws_params *p)
{
	size_t		i;

	for (i = 0; i < p->n; i++)
	{
		free(p->items[i].name);
		aws_wipe_free(p->items[i].value);
	}
	free(p->items);
	memset(p, 0, sizeof(*p));
}

/*
 * One side of a pair: the RFC 3986 unreserved set kept, the rest %XX, but in
 * a form body (application/x-www-form-urlencoded, as botocore sends it) a
 * space is '+'.
 */
static void
pair_encode(struct sigv4_buf *out, const char *s, bool form)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++)
	{
		unsigned char c = (unsigned char) *s;
		char		esc[3];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			(c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~')
			sigv4_buf_append(out, s, 1);
		else if (c == ' ' && form)
			sigv4_buf_append(out, "+", 1);
		else
		{
			esc[0] = '%';
			esc[1] = hex[c >> 4];
			esc[2] = hex[c & 15];
			sigv4_buf_append(out, esc, 3);
		}
	}
}

/* k=v pairs joined by '&', for a form body or a URL's query. */
static void
encode_pairs(struct sigv4_buf *out, const struct aws_params *params, bool form)
{
	size_t		i;

	for (i = 0; params && i < params->n; i++)
	{
		const struct aws_param_item *it = &params->items[i];

		if (out->len > 0)
			sigv4_buf_append(out, "&", 1);
		pair_encode(out, it->name, form);
		sigv4_buf_append(out, "=", 1);
		pair_encode(out, it->value, form);
	}
}

void
aws_form_encode(struct sigv4_buf *out, const char *action, const char *version,
				const struct aws_params *params)
{
	struct aws_params head;

	aws_params_init(&head);
	aws_params_add(&head, "Action", action);
	if (version)
		aws_params_add(&head, "Version", version);
	encode_pairs(out, &head, true);
	encode_pairs(out, params, true);
	aws_params_free(&head);
}

/* ------------------------------------------------------------------ */
/* Endpoints                                                           */
/* ------------------------------------------------------------------ */

/* An environment variable, or NULL when unset or empty. */
static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] ? v : NULL;
}

char *
aws_endpoint_env_name(const struct aws_service *svc)
{
	char	   *name = aws_str_printf("AWS_ENDPOINT_URL_%s", svc->id);
	char	   *p;

	for (p = name + strlen("AWS_ENDPOINT_URL_"); *p; p++)
	{
		if (*p == ' ' || *p == '-')
			*p = '_';
		else if (*p >= 'a' && *p <= 'z')
			*p -= 'a' - 'A';
	}
	return name;
}

void
aws_endpoint_clean_up(struct aws_endpoint *ep)
{
	free(ep->origin);
	free(ep->base_path);
	free(ep->host);
	free(ep->signing_region);
	free(ep->source_env);
	memset(ep, 0, sizeof(*ep));
}

/* A URL part from libcurl, or NULL. */
static char *
url_part(CURLU *u, CURLUPart what, unsigned flags)
{
	char	   *part = NULL;
	char	   *copy;

	if (curl_url_get(u, what, &part, flags) != CURLUE_OK || part == NULL)
		return NULL;
	copy = aws_xstrdup(part);
	curl_free(part);
	return copy;
}

static void
lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

/*
 * Split an override URL into origin, Host and base path: http or https, a
 * host, maybe a port and a path; no user, query or fragment.
 */
static bool
parse_override(const char *url, struct aws_endpoint *ep, char **why)
{
	CURLU	   *u = curl_url();
	char	   *scheme = NULL;
	char	   *host = NULL;
	char	   *port = NULL;
	char	   *path = NULL;
	char	   *extra = NULL;
	bool		ok = false;
	size_t		n;

	*why = NULL;
	if (u == NULL || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
	{
		*why = aws_xstrdup("not a URL");
		goto cleanup;
	}
	scheme = url_part(u, CURLUPART_SCHEME, 0);
	host = url_part(u, CURLUPART_HOST, 0);
	port = url_part(u, CURLUPART_PORT, 0);	/* only when given */
	path = url_part(u, CURLUPART_PATH, 0);
	if (scheme == NULL || (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0))
	{
		*why = aws_xstrdup("the scheme must be http or https");
		goto cleanup;
	}
	if (host == NULL || host[0] == '\0')
	{
		*why = aws_xstrdup("it has no host");
		goto cleanup;
	}
	if ((extra = url_part(u, CURLUPART_USER, 0)) != NULL ||
		(extra = url_part(u, CURLUPART_QUERY, 0)) != NULL ||
		(extra = url_part(u, CURLUPART_FRAGMENT, 0)) != NULL)
	{
		*why = aws_xstrdup("it may not have a user, a query or a fragment");
		goto cleanup;
	}
	lower(host);
	if (port && strcmp(port, strcmp(scheme, "https") == 0 ? "443" : "80") != 0)
	{
		ep->host = aws_str_printf("%s:%s", host, port);
		ep->origin = aws_str_printf("%s://%s:%s", scheme, host, port);
	}
	else
	{
		ep->host = aws_xstrdup(host);
		ep->origin = aws_str_printf("%s://%s", scheme, host);
	}
	n = path ? strlen(path) : 0;
	while (n > 0 && path[n - 1] == '/')
		n--;
	ep->base_path = aws_xmalloc(n + 1);
	if (n)
		memcpy(ep->base_path, path, n);
	ep->base_path[n] = '\0';
	ok = true;

cleanup:
	free(scheme);
	free(host);
	free(port);
	free(path);
	free(extra);
	if (u)
		curl_url_cleanup(u);
	return ok;
}

enum aws_status
aws_endpoint_resolve(const struct aws_service *svc, const char *region,
					 const char *endpoint_url, struct aws_endpoint *out,
					 struct aws_error *err)
{
	const char *url = NULL;
	const char *ignore = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	char	   *service_env = aws_endpoint_env_name(svc);
	char	   *why = NULL;

	memset(out, 0, sizeof(*out));
	if (endpoint_url && endpoint_url[0])
	{
		url = endpoint_url;
		out->source = "--endpoint-url";
	}
	else if (ignore == NULL || strcasecmp(ignore, "true") != 0)
	{
		if ((url = env(service_env)) != NULL)
		{
			out->source = service_env;
			out->source_env = service_env;
			service_env = NULL;
		}
		else if ((url = env("AWS_ENDPOINT_URL")) != NULL)
			out->source = "AWS_ENDPOINT_URL";
	}
	free(service_env);

	if (url == NULL)
	{
		out->source = "default";
		if (svc->global_host)
		{
			out->host = aws_xstrdup(svc->global_host);
			out->signing_region = aws_xstrdup(svc->global_region);
		}
		else
		{
			out->host = aws_str_printf("%s.%s.amazonaws.com", svc->endpoint_prefix, region);
			lower(out->host);
			out->signing_region = aws_xstrdup(region);
		}
		out->origin = aws_str_printf("https://%s", out->host);
		out->base_path = aws_xstrdup("");
		return AWS_OK;
	}
	if (!parse_override(url, out, &why))
	{
		err->status = AWS_ERR_CONFIG;
		err->service = svc->id;
		free(err->message);
		err->message = aws_str_printf("invalid endpoint URL \"%s\" (from %s): %s",
								 url, out->source, why);
		free(err->text);
		err->text = aws_xstrdup(err->message);
		free(why);
		aws_endpoint_clean_up(out);
		return AWS_ERR_CONFIG;
	}
	/* an override is signed for the client's region, IAM's too (trap 7) */
	out->signing_region = aws_xstrdup(region);
	return AWS_OK;
}

/* ------------------------------------------------------------------ */
/* Clients                                                             */
/* ------------------------------------------------------------------ */

bool
aws_global_init(void)
{
	if (!aws_http_global_init())
		return false;
	xmlInitParser();
	return true;
}

void
aws_global_cleanup(void)
{
	xmlCleanupParser();
	aws_http_global_cleanup();
}

struct aws_client *
aws_client_new(const struct aws_credentials *credentials, const char *region,
			   const char *endpoint_url)
{
	struct aws_client *c = aws_xmalloc(sizeof(*c));

	memset(c, 0, sizeof(*c));
	c->credentials = credentials;
	c->region = aws_xstrdup(region);
	c->endpoint_url = endpoint_url ? aws_xstrdup(endpoint_url) : NULL;
	aws_retry_init(&c->retry);
	sigv4_signing_init(&c->signing);
	if (!aws_http_init(&c->http) ||
		(c->signer = sigv4_signer_new(SIGV4_KEY_CACHE_DEFAULT)) == NULL)
	{
		aws_client_free(c);
		return NULL;
	}
	return c;
}

void
aws_client_free(struct aws_client *c)
{
	if (c == NULL)
		return;
	aws_http_clean_up(&c->http);
	sigv4_signing_clean_up(&c->signing);
	if (c->signer)
		sigv4_signer_free(c->signer);
	free(c->region);
	free(c->endpoint_url);
	free(c);
}

/* ------------------------------------------------------------------ */
/* The attempt loop                                                    */
/* ------------------------------------------------------------------ */

/* One call as the protocols describe it. */
struct call
{
	const struct aws_service *svc;
	const char *operation;
	const char *method;
	const char *path;			/* below the endpoint's base path */
	const struct aws_params *query;
	const char *content_type;	/* NULL: none */
	const char *target;			/* X-Amz-Target, or NULL */
	const char *body;			/* NULL: none */
	size_t		body_len;
	bool		once;			/* must not reach the service twice */
};

/* Read a 2xx answer into resp; false if its body cannot be read. */
static bool
read_success(const struct call *call, const struct aws_http_response *h,
			 struct aws_response *resp)
{
	enum aws_protocol protocol = call->svc->protocol;
	const char *id = aws_header_request_id(h);

	resp->status = h->status;
	if (protocol == AWS_PROTOCOL_QUERY || protocol == AWS_PROTOCOL_EC2)
	{
		xmlNode    *root;

		if ((resp->xml = aws_xml_parse(h->body.data, h->body.len)) == NULL)
			return false;
		root = xmlDocGetRootElement(resp->xml);
		resp->request_id = protocol == AWS_PROTOCOL_EC2 ?
			aws_xml_path_text(root, "requestId") :
			aws_xml_path_text(root, "ResponseMetadata/RequestId");
	}
	else if (h->body.len > 0 && !(h->body.len == 4 && memcmp(h->body.data, "null", 4) == 0) &&
			 (resp->json = aws_json_parse(h->body.data, h->body.len)) == NULL)
		return false;			/* (an operation with no output may answer "null") */
	if (resp->request_id == NULL && id)
		resp->request_id = aws_xstrdup(id);
	if (aws_http_header(h, "Date"))
		resp->date = aws_xstrdup(aws_http_header(h, "Date"));
	return true;
}

static const char *
kind_name(enum aws_retry_kind kind)
{
	switch (kind)
	{
		case AWS_RETRY_THROTTLE:
			return "throttled";
		case AWS_RETRY_TRANSIENT:
			return "transient error";
		case AWS_RETRY_CONNECTION:
			return "connection failed";
		case AWS_RETRY_TIMEOUT:
			return "timed out";
		case AWS_RETRY_NONE:
			break;
	}
	return "not retryable";
}

static enum aws_status
perform(struct aws_client *c, const struct call *call,
		struct aws_response *resp, struct aws_error *err)
{
	struct aws_endpoint ep;
	struct aws_http_response h;
	struct sigv4_buf path = {0};
	struct sigv4_buf url = {0};
	struct sigv4_param *sparams = NULL;
	struct sigv4_header headers[8];
	struct sigv4_request sreq;
	struct sigv4_config cfg;
	enum aws_status status;
	size_t		nheaders = 0;
	size_t		nparams = call->query ? call->query->n : 0;
	size_t		i;
	int			attempt;

	aws_response_init(resp);
	aws_error_init(err);
	aws_http_response_init(&h);
	err->service = call->svc->id;
	err->operation = aws_xstrdup(call->operation);
	if ((status = aws_endpoint_resolve(call->svc, c->region, c->endpoint_url,
									   &ep, err)) != AWS_OK)
	{
		free(err->text);
		err->text = aws_str_printf("%s %s failed: %s", err->service, err->operation,
							  err->message);
		return status;
	}

	/* path, and the URL: origin + path [+ "?" + query] */
	sigv4_buf_append(&path, ep.base_path, strlen(ep.base_path));
	sigv4_buf_append(&path, call->path, strlen(call->path));
	sigv4_buf_append(&url, ep.origin, strlen(ep.origin));
	sigv4_buf_append(&url, path.data, path.len);
	if (nparams > 0)
	{
		struct sigv4_buf q = {0};

		encode_pairs(&q, call->query, false);
		sigv4_buf_append(&url, "?", 1);
		sigv4_buf_append(&url, q.data, q.len);
		sigv4_buf_clean_up(&q);
		sparams = aws_xmalloc(nparams * sizeof(*sparams));
		for (i = 0; i < nparams; i++)
			sparams[i] = (struct sigv4_param) {
				call->query->items[i].name, call->query->items[i].value
			};
	}
	if (path.failed || url.failed)
	{
		status = AWS_ERR_CONFIG;
		err->status = status;
		err->message = aws_xstrdup("out of memory");
		aws_error_format(err);
		goto cleanup;
	}

	/* the headers signed; the signer adds X-Amz-Date, the token, Authorization */
	headers[nheaders++] = (struct sigv4_header) {"Host", ep.host};
	if (call->content_type)
		headers[nheaders++] = (struct sigv4_header) {"Content-Type", call->content_type};
	if (call->target)
		headers[nheaders++] = (struct sigv4_header) {"X-Amz-Target", call->target};
	memset(&sreq, 0, sizeof(sreq));
	sreq.method = call->method;
	sreq.path = path.data;
	sreq.params = sparams;
	sreq.nparams = nparams;
	sreq.headers = headers;
	sreq.nheaders = nheaders;
	sreq.body = call->body;
	sreq.body_len = call->body ? call->body_len : 0;
	sigv4_config_init(&cfg, SIGV4_FORM_HEADERS);
	cfg.credentials = c->credentials;
	cfg.region = ep.signing_region;
	cfg.service = call->svc->signing_name;

	aws_trace("aws: %s %s: %s %s (endpoint from %s, signed for %s)",
			  call->svc->id, call->operation, call->method, url.data,
			  ep.source, ep.signing_region);
	aws_retry_begin(&c->retry);
	for (attempt = 1;; attempt++)
	{
		struct aws_http_request hreq;
		struct sigv4_header sent[8 + 4];
		enum aws_retry_kind kind;
		size_t		nsent = 0;
		double		delay;
		int			rc;

		/* sign each attempt anew: a fresh X-Amz-Date */
		cfg.time = c->clock ? c->clock(c->clock_state) : time(NULL);
		if ((rc = sigv4_sign(&c->signing, c->signer, &cfg, &sreq)) != SIGV4_OK)
		{
			status = AWS_ERR_SIGNING;
			err->status = status;
			err->message = aws_str_printf("cannot sign the request: %s",
									 sigv4_strerror(rc));
			err->attempts = attempt;
			aws_error_format(err);
			goto cleanup;
		}
		for (i = 0; i < nheaders; i++)
			sent[nsent++] = headers[i];
		for (i = 0; i < c->signing.nout_headers; i++)
			sent[nsent++] = c->signing.out_headers[i];
		memset(&hreq, 0, sizeof(hreq));
		hreq.method = call->method;
		hreq.url = url.data;
		hreq.headers = sent;
		hreq.nheaders = nsent;
		hreq.body = call->body;
		hreq.body_len = call->body ? call->body_len : 0;
		hreq.once = call->once || c->send_once;

		aws_http_perform(&c->http, &hreq, &h);
		if (h.result != AWS_HTTP_OK)
		{
			kind = aws_retry_classify(h.result, 0, NULL);
			err->status = AWS_ERR_TRANSPORT;
			err->http_status = 0;
			free(err->code);
			err->code = NULL;
			free(err->message);
			err->message = aws_xstrdup(h.error ? h.error : "no answer");
			free(err->request_id);
			err->request_id = NULL;
		}
		else if (h.status >= 200 && h.status < 300)
		{
			if (!read_success(call, &h, resp))
			{
				const char *id = aws_header_request_id(&h);

				aws_response_clean_up(resp);
				status = AWS_ERR_RESPONSE;
				err->status = status;
				err->http_status = h.status;
				free(err->code);
				err->code = NULL;
				free(err->message);
				err->message = aws_xstrdup(call->svc->protocol == AWS_PROTOCOL_QUERY ||
										   call->svc->protocol == AWS_PROTOCOL_EC2 ?
										   "the answer is not XML" :
										   "the answer is not JSON");
				free(err->request_id);
				err->request_id = id ? aws_xstrdup(id) : NULL;
				err->attempts = attempt;
				aws_error_format(err);
				goto cleanup;
			}
			resp->attempts = attempt;
			aws_retry_succeeded(&c->retry);
			aws_error_clean_up(err);
			status = AWS_OK;
			goto cleanup;
		}
		else
		{
			aws_parse_error(call->svc->protocol, &h, err);
			kind = aws_retry_classify(AWS_HTTP_OK, h.status, err->code);
		}

		/*
		 * A call sent at most once is retried only when the failure shows
		 * the service did not act on it: a throttle refused it, or no
		 * connection was made.  A reset, a timeout or a 5xx may follow a
		 * call that took effect.
		 */
		if ((call->once || c->send_once) && kind != AWS_RETRY_THROTTLE && h.result != AWS_HTTP_ERR_CONNECT)
			kind = AWS_RETRY_NONE;
		if (!aws_retry_next(&c->retry, attempt, kind, &delay))
		{
			status = err->status;
			err->attempts = attempt;
			aws_error_format(err);
			goto cleanup;
		}
		aws_trace("aws: %s %s: %s (%s); attempt %d of %d in %.2f s",
				  call->svc->id, call->operation,
				  err->code ? err->code : err->message, kind_name(kind),
				  attempt + 1, c->retry.max_attempts, delay);
		aws_retry_wait(&c->retry, delay);
	}

cleanup:
	aws_http_response_clean_up(&h);
	aws_endpoint_clean_up(&ep);
	sigv4_buf_clean_up(&path);
	sigv4_buf_clean_up(&url);
	free(sparams);
	return status;
}

enum aws_status
aws_call_query(struct aws_client *client, const struct aws_service *svc,
			   const char *operation, const struct aws_params *params,
			   struct aws_response *resp, struct aws_error *err)
{
	struct sigv4_buf body = {0};
	struct call call;
	enum aws_status status;

	aws_form_encode(&body, operation, svc->api_version, params);
	memset(&call, 0, sizeof(call));
	call.svc = svc;
	call.operation = operation;
	call.method = "POST";
	call.path = "/";
	call.content_type = FORM_TYPE;
	call.body = body.data ? body.data : "";
	call.body_len = body.len;
	status = perform(client, &call, resp, err);
	sigv4_buf_clean_up(&body);	/* wiped: a form may carry a secret */
	return status;
}

enum aws_status
aws_call_json(struct aws_client *client, const struct aws_service *svc,
			  const char *operation, const char *body,
			  struct aws_response *resp, struct aws_error *err)
{
	struct call call;
	char	   *target = aws_str_printf("%s.%s", svc->target_prefix, operation);
	enum aws_status status;

	memset(&call, 0, sizeof(call));
	call.svc = svc;
	call.operation = operation;
	call.method = "POST";
	call.path = "/";
	call.content_type = JSON11_TYPE;
	call.target = target;
	call.body = body ? body : "{}";
	call.body_len = strlen(call.body);
	status = perform(client, &call, resp, err);
	free(target);
	return status;
}

static enum aws_status
rest_json(struct aws_client *client, const struct aws_service *svc,
		  const char *operation, const char *method, const char *path,
		  const struct aws_params *query, const char *body, bool once,
		  struct aws_response *resp, struct aws_error *err)
{
	struct call call;

	memset(&call, 0, sizeof(call));
	call.svc = svc;
	call.operation = operation;
	call.method = method;
	call.path = path;
	call.query = query;
	call.content_type = body ? JSON_TYPE : NULL;
	call.body = body;
	call.body_len = body ? strlen(body) : 0;
	call.once = once;
	return perform(client, &call, resp, err);
}

enum aws_status
aws_call_rest_json(struct aws_client *client, const struct aws_service *svc,
				   const char *operation, const char *method, const char *path,
				   const struct aws_params *query, const char *body,
				   struct aws_response *resp, struct aws_error *err)
{
	return rest_json(client, svc, operation, method, path, query, body, false, resp, err);
}

enum aws_status
aws_call_rest_json_once(struct aws_client *client, const struct aws_service *svc,
						const char *operation, const char *method, const char *path,
						const struct aws_params *query, const char *body,
						struct aws_response *resp, struct aws_error *err)
{
	return rest_json(client, svc, operation, method, path, query, body, true, resp, err);
}
