/*
 * cli/aws/kms.h
 *		KMS (JSON 1.1, X-Amz-Target TrentService.<Op>): the cluster's key,
 *		its rotation, its alias, and their removal (AWS-DETAIL.md §3.5).
 *
 * Conventions as rds.h.  DescribeKey of a missing key (NotFoundException)
 * is AWS_OK with found = false; so is DeleteAlias of a missing alias when
 * its *found is not NULL.
 */
#ifndef APPDB_AWS_KMS_H
#define APPDB_AWS_KMS_H

#include "svc.h"

struct aws_kms_key
{
	bool		found;
	char	   *id;
	char	   *arn;
	char	   *state;			/* KeyState: "Enabled", "PendingDeletion" */
	char	   *description;
	char	   *key_usage;
	char	   *key_spec;
	bool		enabled;
};

void		aws_kms_key_clean_up(struct aws_kms_key *k);

/* CreateKey: symmetric ENCRYPT_DECRYPT; tags as TagKey/TagValue. */
enum aws_status aws_kms_create_key(struct aws_client *client, const char *description,
								   const struct aws_tag *tags, size_t ntags,
								   struct aws_kms_key *out, struct aws_error *err);
/* DescribeKey: key_id is an id, ARN or "alias/name". */
enum aws_status aws_kms_describe_key(struct aws_client *client, const char *key_id,
									 struct aws_kms_key *out, struct aws_error *err);
enum aws_status aws_kms_enable_key_rotation(struct aws_client *client,
											const char *key_id, struct aws_error *err);
enum aws_status aws_kms_get_key_rotation_status(struct aws_client *client,
												const char *key_id, bool *enabled,
												struct aws_error *err);
/* CreateAlias: alias is "alias/name". */
enum aws_status aws_kms_create_alias(struct aws_client *client, const char *alias,
									 const char *target_key_id, struct aws_error *err);
/* DeleteAlias: alias is "alias/name". */
enum aws_status aws_kms_delete_alias(struct aws_client *client, const char *alias,
									 bool *found, struct aws_error *err);

/*
 * ScheduleKeyDeletion: the key goes to PendingDeletion and is deleted
 * after pending_window_days (7..30; 0: not sent, AWS's default of 30).
 */
enum aws_status aws_kms_schedule_key_deletion(struct aws_client *client,
											  const char *key_id,
											  int pending_window_days,
											  struct aws_error *err);

struct aws_kms_alias_list
{
	struct aws_strings names;	/* AliasName */
	struct aws_strings arns;	/* AliasArn */
	struct aws_strings targets; /* TargetKeyId, "" for AWS-managed ones */
};

void		aws_kms_alias_list_clean_up(struct aws_kms_alias_list *l);
/* ListAliases, all pages; key_id NULL: every alias of the account. */
enum aws_status aws_kms_list_aliases(struct aws_client *client, const char *key_id,
									 struct aws_kms_alias_list *out,
									 struct aws_error *err);

/* ListKeys, all pages: the KeyId of every key of the account and region. */
enum aws_status aws_kms_list_keys(struct aws_client *client, struct aws_strings *ids,
								  struct aws_error *err);
/* ListResourceTags, all pages: a key's tags. */
enum aws_status aws_kms_list_resource_tags(struct aws_client *client, const char *key_id,
										   struct aws_tag_list *out,
										   struct aws_error *err);

#endif							/* APPDB_AWS_KMS_H */
