/*
 * cli/aws/cred_int.h
 *		What the files of the credential chain share, inside cli/aws/ only:
 *		credentials.c runs the chain (and resolves the region), each
 *		cred_<provider>.c is one provider, cred_sts.c the STS calls and the
 *		cache that assume role and web identity share.
 */
#ifndef APPDB_AWS_CRED_INT_H
#define APPDB_AWS_CRED_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "credentials.h"
#include "http.h"
#include "profile.h"
#include "response.h"

/* Results of a provider besides a failure (FAIL_ below, >= 0). */
#define FOUND (-1)
#define ABSENT (-2)
/* A resolution failed, for the reason recorded in *cred_failure: */
#define FAIL_CONFIG 1			/* the settings (AWS_ERR_CONFIG) */
#define FAIL_REMOTE 2			/* AWS, or the client (AWS_ERR_SERVICE) */

#define MAX_ROLE_DEPTH 32

/* Both shared files, as one resolution reads them. */
struct aws_files
{
	struct aws_profile_file config;
	struct aws_profile_file credentials;
};

/* One resolution */
struct resolver
{
	struct aws_files files;
	const char *profile;		/* the profile resolved (STS endpoint, region) */
	const char *region;			/* for STS: given, or NULL to look it up */
	const char *visited[MAX_ROLE_DEPTH];
	int			nvisited;
};

/* credentials.c: failures, the settings, the profile's part of the chain */
extern struct aws_error *cred_failure;
void		cred_fail(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		cred_fail_hint(const char *fmt,...) __attribute__((format(printf, 1, 2)));
struct aws_error *cred_failing_into(struct aws_error *err);
enum aws_status cred_failed(struct aws_error *saved, int rc);
const char *cred_env(const char *name);
bool		cred_is_true(const char *v);
const char *cred_setting(const struct aws_files *files, const char *profile, const char *key);
bool		cred_profile_exists(const struct aws_files *files, const char *profile);
time_t		cred_parse_time(const char *s);
void		cred_http_global_ready(void);
int			cred_profile_chain(struct resolver *r, const char *profile, bool env_enabled,
							   bool with_assume_role, struct aws_credentials *out);

/* cred_env.c: the environment's keys */
enum env_result
{
	ENV_ABSENT,
	ENV_FOUND,
	ENV_PARTIAL					/* one key without the other; failure recorded */
};
enum env_result cred_from_environment(struct aws_credentials *out);

/* cred_file.c: static keys, of the shared credentials file or the config file */
int			cred_from_file(const struct aws_profile_file *file, const char *profile,
						   struct aws_credentials *out, const char *source);

/* cred_process.c: credential_process */
int			cred_from_process(const char *profile, const char *command, struct aws_credentials *out);

/* cred_sts.c: what assume role and web identity share */
const char *cred_sts_region(const struct resolver *r);
const char *cred_sts_endpoint_url(const struct resolver *r);
int			cred_sts_failed(const char *what, const char *profile, const struct aws_error *err);
int			cred_read_sts_credentials(const char *operation, const char *profile,
									  const struct aws_response *resp, struct aws_credentials *out,
									  const char *source);
char	   *cred_default_session_name(void);
void		cred_cache_put(const char *key, const struct aws_credentials *creds);
bool		cred_cache_fresh(const char *key, struct aws_credentials *out);
bool		cred_cache_still_usable(const char *key, struct aws_credentials *out);

/* cred_assume_role.c: role_arn with source_profile or credential_source */
int			cred_assume_role(struct resolver *r, const char *profile, struct aws_credentials *out);

/* cred_web_identity.c: AssumeRoleWithWebIdentity */
int			cred_web_identity(struct resolver *r, const char *profile, bool env_enabled,
							  struct aws_credentials *out);

/* cred_container.c: container credentials, and the metadata requests IMDS shares */
void		cred_metadata_request(struct aws_http *http, const char *method, const char *url,
								  const struct sigv4_header *headers, size_t nheaders,
								  struct aws_http_response *h);
bool		cred_metadata_json_credentials(const struct aws_http_response *h,
										   struct aws_credentials *out, const char *source);
int			cred_from_container(struct aws_credentials *out);

/* cred_imds.c: EC2 instance metadata */
int			cred_from_imds(const struct resolver *r, struct aws_credentials *out);

#endif							/* APPDB_AWS_CRED_INT_H */
