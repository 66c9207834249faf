/*
 * cli/aws/request.h
 *		The one request path of every AWS call: endpoint, body per protocol,
 *		SigV4 (header form), HTTP, standard retries, the answer parsed.
 *
 * Protocols (AWS.md "Services used"):
 *   query  (RDS, IAM, STS)  POST / form "Action=Op&Version=V&..."
 *   ec2                     the same form; lists flatten without ".member"
 *   JSON 1.1 (KMS, Secrets Manager)  POST /, X-Amz-Target: <prefix>.<Op>
 *   REST-JSON (RDS Data API, Backup) method, path, query, JSON body
 * Form values are URI-encoded with the RFC 3986 unreserved set kept;
 * flattening lists and structures into names is the caller's, through
 * struct aws_params.
 *
 * Endpoints, as the SDKs resolve them: the --endpoint-url flag, then
 * AWS_ENDPOINT_URL_<ID> (the service id upper-cased, spaces and hyphens as
 * '_'), then AWS_ENDPOINT_URL (both skipped when
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), then
 * https://<prefix>.<region>.amazonaws.com.  IAM's default is the global
 * https://iam.amazonaws.com signed for us-east-1; with an override it is
 * signed for the client's region, as both botocores do (AWS.md trap 7).
 *
 * Each attempt is signed anew (a fresh X-Amz-Date).
 */
#ifndef APPDB_AWS_REQUEST_H
#define APPDB_AWS_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "credentials.h"
#include "http.h"
#include "response.h"
#include "retry.h"
#include "sigv4.h"

/* What the request path needs to know of a service. */
struct aws_service
{
	const char *id;				/* the serviceId: "RDS", "Secrets Manager" */
	const char *endpoint_prefix;	/* the host's first label */
	const char *signing_name;
	enum aws_protocol protocol;
	const char *api_version;	/* query, EC2: Version= */
	const char *target_prefix;	/* JSON 1.1: X-Amz-Target's prefix */
	const char *global_host;	/* a global service's host (IAM), or NULL */
	const char *global_region;	/* and the region it is signed for */
};

extern const struct aws_service aws_service_rds;
extern const struct aws_service aws_service_iam;
extern const struct aws_service aws_service_sts;
extern const struct aws_service aws_service_ec2;
extern const struct aws_service aws_service_kms;
extern const struct aws_service aws_service_secrets_manager;
extern const struct aws_service aws_service_rds_data;
extern const struct aws_service aws_service_backup;

/* A list of (name, value) pairs, each copied: form fields or a query. */
struct aws_param_item
{
	char	   *name;
	char	   *value;
};

struct aws_params
{
	struct aws_param_item *items;
	size_t		n;
	size_t		cap;
};

void		aws_params_init(struct aws_params *p);
void		aws_params_add(struct aws_params *p, const char *name, const char *value);
/* A value under a formatted name: ("sg-1", "VpcSecurityGroupIds.VpcSecurityGroupId.%d", 1). */
void		aws_params_addf(struct aws_params *p, const char *value,
							const char *name_fmt,...) __attribute__((format(printf, 3, 4)));
void		aws_params_add_bool(struct aws_params *p, const char *name, bool value);
void		aws_params_add_int(struct aws_params *p, const char *name, long long value);
/* The value of the first pair of that name, or NULL. */
const char *aws_params_get(const struct aws_params *p, const char *name);
/* Wipes the values (a form may carry a secret). */
void		aws_params_free(struct aws_params *p);

/* "Action=Op&Version=V&k=v..." (every part URI-encoded) into out. */
void		aws_form_encode(struct sigv4_buf *out, const char *action,
							const char *version, const struct aws_params *params);

/* Where a service's calls go, and how they are signed. */
struct aws_endpoint
{
	char	   *origin;			/* scheme://host[:port] */
	char	   *base_path;		/* "" or the override's "/base", no final '/' */
	char	   *host;			/* the Host header: lower case, :port if not default */
	char	   *signing_region;
	const char *source;			/* "--endpoint-url", "AWS_ENDPOINT_URL", "default" */
	char	   *source_env;		/* the variable's name when source is one */
};

/*
 * Resolve svc's endpoint for region with the --endpoint-url value (NULL:
 * none).  Returns AWS_OK, or AWS_ERR_CONFIG with err filled.
 */
enum aws_status aws_endpoint_resolve(const struct aws_service *svc, const char *region,
									 const char *endpoint_url,
									 struct aws_endpoint *out, struct aws_error *err);
void		aws_endpoint_clean_up(struct aws_endpoint *ep);

/* "AWS_ENDPOINT_URL_" + the service id upper-cased, ' ' and '-' as '_'. */
char	   *aws_endpoint_env_name(const struct aws_service *svc);

/* One client: credentials, region and the reusable HTTP and signing state. */
struct aws_client
{
	const struct aws_credentials *credentials;	/* borrowed */
	char	   *region;
	char	   *endpoint_url;	/* --endpoint-url, or NULL */
	struct aws_http http;		/* timeouts may be changed here */
	struct aws_retry retry;
	struct sigv4_signer *signer;
	struct sigv4_signing signing;
	time_t		(*clock) (void *state);	/* NULL: time(); a test hook */

	/*
	 * Each request sent at most once, as aws_call_rest_json_once does: on
	 * a new connection, retried only after a throttle or a connection never
	 * made.  For a create that is not idempotent, whose caller looks for
	 * what a failed attempt may have made before it sends another.
	 */
	bool		send_once;
	void	   *clock_state;
};

/* Process-wide set-up and tear-down of libcurl and libxml2. */
bool		aws_global_init(void);
void		aws_global_cleanup(void);

/* NULL if libcurl or OpenSSL cannot make their handles. */
struct aws_client *aws_client_new(const struct aws_credentials *credentials,
								  const char *region, const char *endpoint_url);
void		aws_client_free(struct aws_client *client);

/*
 * The calls.  Each returns AWS_OK with *resp filled (free it with
 * aws_response_clean_up), or a status with *err filled (free it with
 * aws_error_clean_up; err->text is the message to show).
 */

/* query and EC2: Action=operation, the service's Version, params. */
enum aws_status aws_call_query(struct aws_client *client, const struct aws_service *svc,
							   const char *operation, const struct aws_params *params,
							   struct aws_response *resp, struct aws_error *err);

/* JSON 1.1: body is a JSON object's text (NULL: "{}"). */
enum aws_status aws_call_json(struct aws_client *client, const struct aws_service *svc,
							  const char *operation, const char *body,
							  struct aws_response *resp, struct aws_error *err);

/*
 * REST-JSON: method and path (segments already URI-encoded as sent), an
 * optional query (NULL) and JSON body (NULL: none).
 */
enum aws_status aws_call_rest_json(struct aws_client *client, const struct aws_service *svc,
								   const char *operation, const char *method,
								   const char *path, const struct aws_params *query,
								   const char *body, struct aws_response *resp,
								   struct aws_error *err);

/*
 * The same for a call that must not reach the service twice, such as a
 * statement in a Data API transaction: retried only on a throttle or when
 * no connection was made; after a reset, a timeout or a 5xx its outcome is
 * unknown (AWS_ERR_TRANSPORT, or http_status 5xx) and is the caller's.
 */
enum aws_status aws_call_rest_json_once(struct aws_client *client,
										const struct aws_service *svc,
										const char *operation, const char *method,
										const char *path, const struct aws_params *query,
										const char *body, struct aws_response *resp,
										struct aws_error *err);

#endif							/* APPDB_AWS_REQUEST_H */
