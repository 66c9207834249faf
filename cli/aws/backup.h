/*
 * cli/aws/backup.h
 *		AWS Backup (REST-JSON, 2018-11-15): the cluster's vault, plan and
 *		selection (AWS-DETAIL.md §3.6).
 *
 *   CreateBackupVault      PUT    /backup-vaults/{name}
 *   DescribeBackupVault    GET    /backup-vaults/{name}
 *   DeleteBackupVault      DELETE /backup-vaults/{name}
 *   CreateBackupPlan       PUT    /backup/plans/
 *   ListBackupPlans        GET    /backup/plans/             (?nextToken=)
 *   GetBackupPlan          GET    /backup/plans/{id}/
 *   UpdateBackupPlan       POST   /backup/plans/{id}
 *   DeleteBackupPlan       DELETE /backup/plans/{id}
 *   CreateBackupSelection  PUT    /backup/plans/{id}/selections/
 *   ListBackupSelections   GET    /backup/plans/{id}/selections/  (?nextToken=)
 *   GetBackupSelection     GET    /backup/plans/{id}/selections/{sid}
 *   DeleteBackupSelection  DELETE /backup/plans/{id}/selections/{sid}
 *   ListRecoveryPointsByBackupVault  GET /backup-vaults/{name}/recovery-points/  (?nextToken=)
 *   DeleteRecoveryPoint    DELETE /backup-vaults/{name}/recovery-points/{arn}
 * Path segments are URI-encoded.  A describe/get of something missing
 * (ResourceNotFoundException) is AWS_OK with found = false; a delete with
 * a non-NULL *found likewise.
 */
#ifndef APPDB_AWS_BACKUP_H
#define APPDB_AWS_BACKUP_H

#include "svc.h"

struct aws_backup_vault
{
	bool		found;
	char	   *name;
	char	   *arn;
	char	   *encryption_key_arn;
	long		recovery_points;
};

void		aws_backup_vault_clean_up(struct aws_backup_vault *v);

/*
 * encryption_key_arn NULL: the default key; tags as BackupVaultTags.  The
 * creates take a CreatorRequestId (NULL: none), AWS Backup's idempotency
 * token: a request that carries the token of one already applied gets
 * what that one made.
 */
enum aws_status aws_backup_create_vault(struct aws_client *client, const char *name,
										const char *encryption_key_arn,
										const struct aws_tag *tags, size_t ntags,
										const char *creator_request_id,
										struct aws_backup_vault *out,
										struct aws_error *err);
enum aws_status aws_backup_describe_vault(struct aws_client *client, const char *name,
										  struct aws_backup_vault *out,
										  struct aws_error *err);
enum aws_status aws_backup_delete_vault(struct aws_client *client, const char *name,
										bool *found, struct aws_error *err);

/* A rule of a plan to create (borrowed strings). */
struct aws_backup_rule_spec
{
	const char *name;
	const char *vault;			/* TargetBackupVaultName */
	const char *schedule;		/* "cron(0 7 ? * SUN *)" */
	int			delete_after_days;	/* 0: kept */
	int			start_window_minutes;	/* 0: not sent */
};

/* A rule read back. */
struct aws_backup_rule
{
	char	   *name;
	char	   *vault;
	char	   *schedule;
	long		delete_after_days;
	char	   *rule_id;
};

struct aws_backup_plan
{
	bool		found;
	char	   *id;
	char	   *arn;
	char	   *version_id;
	char	   *name;			/* GetBackupPlan only */
	struct aws_backup_rule *rules;	/* GetBackupPlan only */
	size_t		nrules;
};

void		aws_backup_plan_clean_up(struct aws_backup_plan *p);

enum aws_status aws_backup_create_plan(struct aws_client *client, const char *name,
									   const struct aws_backup_rule_spec *rules,
									   size_t nrules, const struct aws_tag *tags,
									   size_t ntags, const char *creator_request_id,
									   struct aws_backup_plan *out,
									   struct aws_error *err);
enum aws_status aws_backup_get_plan(struct aws_client *client, const char *plan_id,
									struct aws_backup_plan *out, struct aws_error *err);
enum aws_status aws_backup_delete_plan(struct aws_client *client, const char *plan_id,
									   bool *found, struct aws_error *err);

/*
 * UpdateBackupPlan: the plan's name and rules replaced (a new version);
 * out gets the id, ARN and new VersionId.  A missing plan is an error.
 */
enum aws_status aws_backup_update_plan(struct aws_client *client, const char *plan_id,
									   const char *name,
									   const struct aws_backup_rule_spec *rules,
									   size_t nrules, struct aws_backup_plan *out,
									   struct aws_error *err);

/* ListBackupPlans, all pages: parallel lists, "" for what is absent. */
struct aws_backup_plan_list
{
	struct aws_strings ids;		/* BackupPlanId */
	struct aws_strings arns;
	struct aws_strings names;	/* BackupPlanName */
	struct aws_strings version_ids;
};

void		aws_backup_plan_list_clean_up(struct aws_backup_plan_list *l);
enum aws_status aws_backup_list_plans(struct aws_client *client,
									  struct aws_backup_plan_list *out,
									  struct aws_error *err);

struct aws_backup_selection
{
	bool		found;
	char	   *id;				/* SelectionId */
	char	   *plan_id;
	char	   *name;			/* GetBackupSelection only */
	char	   *iam_role_arn;	/* GetBackupSelection only */
	struct aws_strings resources;	/* GetBackupSelection only */
};

void		aws_backup_selection_clean_up(struct aws_backup_selection *s);

enum aws_status aws_backup_create_selection(struct aws_client *client,
											const char *plan_id, const char *name,
											const char *iam_role_arn,
											const char *const *resources,
											size_t nresources,
											const char *creator_request_id,
											struct aws_backup_selection *out,
											struct aws_error *err);
enum aws_status aws_backup_get_selection(struct aws_client *client,
										 const char *plan_id, const char *selection_id,
										 struct aws_backup_selection *out,
										 struct aws_error *err);
enum aws_status aws_backup_delete_selection(struct aws_client *client,
											const char *plan_id,
											const char *selection_id, bool *found,
											struct aws_error *err);

/* ListBackupSelections of a plan, all pages: parallel lists. */
struct aws_backup_selection_list
{
	struct aws_strings ids;		/* SelectionId */
	struct aws_strings names;	/* SelectionName */
};

void		aws_backup_selection_list_clean_up(struct aws_backup_selection_list *l);
/* A missing plan: AWS_OK with *found false when found is not NULL. */
enum aws_status aws_backup_list_selections(struct aws_client *client,
										   const char *plan_id,
										   struct aws_backup_selection_list *out,
										   bool *found, struct aws_error *err);

/* ListRecoveryPointsByBackupVault, all pages: parallel lists, "" for what is absent. */
struct aws_backup_recovery_point_list
{
	struct aws_strings arns;	/* RecoveryPointArn */
	struct aws_strings statuses;	/* Status: COMPLETED, PARTIAL, DELETING, EXPIRED */
};

void		aws_backup_recovery_point_list_clean_up(struct aws_backup_recovery_point_list *l);
/* A missing vault: AWS_OK with *found false when found is not NULL. */
enum aws_status aws_backup_list_recovery_points(struct aws_client *client,
												const char *vault,
												struct aws_backup_recovery_point_list *out,
												bool *found, struct aws_error *err);
/*
 * DeleteRecoveryPoint: AWS deletes it asynchronously (status DELETING
 * until gone).  A missing one: AWS_OK with *found false when found is not
 * NULL.
 */
enum aws_status aws_backup_delete_recovery_point(struct aws_client *client,
												 const char *vault,
												 const char *recovery_point_arn,
												 bool *found, struct aws_error *err);

#endif							/* APPDB_AWS_BACKUP_H */
