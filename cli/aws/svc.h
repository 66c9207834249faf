/*
 * cli/aws/svc.h
 *		What the service modules (rds, iam, ec2, kms, secretsmanager, backup,
 *		rdsdata) share: tags, string lists, optional flags, and readers of
 *		their answers over response.c's XML and JSON helpers.
 */
#ifndef APPDB_AWS_SVC_H
#define APPDB_AWS_SVC_H

#include <stdbool.h>
#include <stddef.h>

#include "request.h"

/* A tag given to a create call (borrowed strings). */
struct aws_tag
{
	const char *key;
	const char *value;
};

/* An optional boolean of a modify call. */
enum aws_flag
{
	AWS_FLAG_UNSET = 0,
	AWS_FLAG_FALSE,
	AWS_FLAG_TRUE
};

/* A list of malloc'd strings. */
struct aws_strings
{
	char	  **v;
	size_t		n;
};

void		aws_strings_clean_up(struct aws_strings *s);

/* Tags read back: parallel lists of keys and values. */
struct aws_tag_list
{
	struct aws_strings keys;
	struct aws_strings values;
};

void		aws_tag_list_clean_up(struct aws_tag_list *t);
/* The value of key, or NULL. */
const char *aws_tag_list_get(const struct aws_tag_list *t, const char *key);

/*
 * Fill err for a 2xx answer that lacks what the call
 * needs, and say whether a failed call's code is one of the not-found
 * codes (a NULL-terminated list).
 */
enum aws_status aws_svc_bad_answer(const struct aws_service *svc,
								   const char *operation,
								   const struct aws_response *resp,
								   const char *what, struct aws_error *err);
bool		aws_svc_is_code(const struct aws_error *err, const char *const *codes);
bool		aws_svc_absorb(struct aws_error *err, const char *const *codes);
enum aws_status aws_svc_not_found_ok(enum aws_status st, struct aws_error *err,
									 const char *const *codes, bool *found);

/* Called with each page's <Operation>Result element. */
typedef void (*aws_svc_page_reader) (const xmlNode *result, void *state);

/*
 * A query-protocol list call, every page: params as given, then again with
 * the answer's Marker until it carries none (RDS leaves it out of the last
 * page; IAM sends it while IsTruncated is true).  AWS_OK, or the failed
 * page's status with err filled; what read kept is the caller's either way.
 */
enum aws_status aws_svc_query_pages(struct aws_client *client, const struct aws_service *svc,
									const char *operation, const struct aws_params *params,
									aws_svc_page_reader read, void *state,
									struct aws_error *err);

/* XML readers over aws_xml_path: "true" → true; a number; 0 when absent. */
bool		aws_svc_xml_bool(const xmlNode *from, const char *path);
long		aws_svc_xml_long(const xmlNode *from, const char *path);
double		aws_svc_xml_double(const xmlNode *from, const char *path);

/*
 * Append the text of path (below each item) of every child item of the
 * list element at list_path; path NULL: the item's own text.
 */
void		aws_svc_xml_strings(const xmlNode *from, const char *list_path,
								const char *item, const char *path,
								struct aws_strings *out);
void		aws_strings_add(struct aws_strings *s, char *owned);

/* Tags read from list_path's items, key and value element names given. */
void		aws_svc_xml_tags(const xmlNode *from, const char *list_path,
							 const char *item, const char *key_name,
							 const char *value_name, struct aws_tag_list *out);

/* A JSON object's string member, malloc'd, or NULL. */
char	   *aws_svc_json_string(json_object *obj, const char *name);

#endif							/* APPDB_AWS_SVC_H */
