/*
 * cli/aws/iam.h
 *		IAM (query protocol, 2010-05-08, the global endpoint signed for
 *		us-east-1): managed policies and their versions, roles, and role
 *		policy attachments (AWS-DETAIL.md §3.3).
 *
 * Conventions as rds.h: AWS_OK with the output filled, or a status with
 * *err filled; a get of something missing (NoSuchEntity) is AWS_OK with
 * found = false; a delete/detach with a non-NULL *found turns NoSuchEntity
 * into AWS_OK with *found = false.  Tags are Tags.member.N.Key (IAM's
 * Tag list has no member locationName).
 */
#ifndef APPDB_AWS_IAM_H
#define APPDB_AWS_IAM_H

#include "svc.h"

struct aws_iam_policy
{
	bool		found;
	char	   *name;
	char	   *id;
	char	   *arn;
	char	   *default_version_id;
	int			attachment_count;
};

void		aws_iam_policy_clean_up(struct aws_iam_policy *p);

/* CreatePolicy: document is the policy's JSON text; path NULL: "/". */
enum aws_status aws_iam_create_policy(struct aws_client *client, const char *name,
									  const char *path, const char *document,
									  const char *description,
									  const struct aws_tag *tags, size_t ntags,
									  struct aws_iam_policy *out,
									  struct aws_error *err);
enum aws_status aws_iam_get_policy(struct aws_client *client, const char *arn,
								   struct aws_iam_policy *out, struct aws_error *err);
/* CreatePolicyVersion; *version_id (malloc'd) the new version's id. */
enum aws_status aws_iam_create_policy_version(struct aws_client *client,
											  const char *arn, const char *document,
											  bool set_as_default, char **version_id,
											  struct aws_error *err);
enum aws_status aws_iam_delete_policy(struct aws_client *client, const char *arn,
									  bool *found, struct aws_error *err);

/*
 * A policy document as IAM answers it, URL-decoded (malloc'd; NULL for
 * NULL).  AWS URL-encodes every document it answers; text that already
 * starts with '{' (after white space) is taken as decoded and copied.
 * '+' is kept, as botocore's unquote keeps it.
 */
char	   *aws_iam_decode_document(const char *text);

/*
 * GetPolicyVersion: *document (malloc'd) the version's JSON text,
 * URL-decoded.  A missing policy or version is an error (NoSuchEntity).
 */
enum aws_status aws_iam_get_policy_version(struct aws_client *client,
										   const char *arn, const char *version_id,
										   char **document, struct aws_error *err);

/* ListPolicyVersions, all pages: each version's id and default flag. */
struct aws_iam_policy_versions
{
	bool		found;			/* false: no such policy */
	struct aws_strings ids;		/* VersionId: "v1" */
	bool	   *is_default;		/* IsDefaultVersion, parallel to ids */
};

void		aws_iam_policy_versions_clean_up(struct aws_iam_policy_versions *v);
enum aws_status aws_iam_list_policy_versions(struct aws_client *client,
											 const char *arn,
											 struct aws_iam_policy_versions *out,
											 struct aws_error *err);
/* DeletePolicyVersion (the default version cannot be: DeleteConflict). */
enum aws_status aws_iam_delete_policy_version(struct aws_client *client,
											  const char *arn, const char *version_id,
											  bool *found, struct aws_error *err);

struct aws_iam_role
{
	bool		found;
	char	   *name;
	char	   *id;
	char	   *arn;
	char	   *path;
	char	   *assume_role_policy;	/* the JSON text, URL-decoded */
	struct aws_tag_list tags;
};

void		aws_iam_role_clean_up(struct aws_iam_role *r);

enum aws_status aws_iam_create_role(struct aws_client *client, const char *name,
									const char *path,
									const char *assume_role_policy,
									const char *description,
									const struct aws_tag *tags, size_t ntags,
									struct aws_iam_role *out, struct aws_error *err);
enum aws_status aws_iam_get_role(struct aws_client *client, const char *name,
								 struct aws_iam_role *out, struct aws_error *err);
enum aws_status aws_iam_delete_role(struct aws_client *client, const char *name,
									bool *found, struct aws_error *err);

enum aws_status aws_iam_attach_role_policy(struct aws_client *client,
										   const char *role, const char *policy_arn,
										   struct aws_error *err);
enum aws_status aws_iam_detach_role_policy(struct aws_client *client,
										   const char *role, const char *policy_arn,
										   bool *found, struct aws_error *err);

/* ListAttachedRolePolicies, all pages: the policies' ARNs and names. */
struct aws_iam_attached
{
	bool		found;			/* false: no such role */
	struct aws_strings arns;
	struct aws_strings names;
};

void		aws_iam_attached_clean_up(struct aws_iam_attached *a);
enum aws_status aws_iam_list_attached_role_policies(struct aws_client *client,
													const char *role,
													struct aws_iam_attached *out,
													struct aws_error *err);

/*
 * ListEntitiesForPolicy with EntityFilter=Role, all pages: the names of
 * the roles the policy is attached to (a missing policy: none; moto
 * answers so where AWS says NoSuchEntity).
 */
struct aws_iam_policy_roles
{
	struct aws_strings names;
};

void		aws_iam_policy_roles_clean_up(struct aws_iam_policy_roles *r);
enum aws_status aws_iam_list_policy_roles(struct aws_client *client, const char *arn,
										  struct aws_iam_policy_roles *out,
										  struct aws_error *err);

/* ListPolicies with Scope=Local, all pages: the names of the account's own policies. */
enum aws_status aws_iam_list_local_policies(struct aws_client *client, struct aws_strings *names,
											struct aws_error *err);

/* ListPolicyTags, all pages (a missing policy: none); TagPolicy; UntagPolicy. */
enum aws_status aws_iam_list_policy_tags(struct aws_client *client, const char *arn,
										 struct aws_tag_list *out, struct aws_error *err);
enum aws_status aws_iam_tag_policy(struct aws_client *client, const char *arn,
								   const struct aws_tag *tags, size_t ntags,
								   struct aws_error *err);
enum aws_status aws_iam_untag_policy(struct aws_client *client, const char *arn,
									 const char *const *keys, size_t nkeys,
									 struct aws_error *err);

/*
 * SimulatePrincipalPolicy of one action on one resource for the IAM user or
 * role source_arn (its policies, as AWS would evaluate them): *decision is
 * "allowed", "explicitDeny" or "implicitDeny" (malloc'd).
 */
enum aws_status aws_iam_simulate_principal_policy(struct aws_client *client,
												  const char *source_arn,
												  const char *action,
												  const char *resource_arn,
												  char **decision,
												  struct aws_error *err);

#endif							/* APPDB_AWS_IAM_H */
