/*
 * cli/aws_provider/aws_int.h
 *		What the files of the aws provider share: the environment (struct
 *		awsenv, env.c), the waits (wait.c), and the steps of provision
 *		(steps_*.c) that commands.c runs in order and destroy.c undoes.
 *
 * Every resource is one step: describe it, then create it if missing,
 * change what differs, else leave it.  plan runs the same steps with
 * apply off, so it says exactly what provision would do and makes only
 * read calls; a provision that stopped halfway is completed by the next.
 * Names derive from the config's cluster_name (NAME):
 *
 *   KMS key              alias/NAME-database (rotation on)
 *   parameter group      NAME-MAJOR (log_statement=ddl, log_min_duration_statement=100)
 *   DB subnet group      NAME
 *   security group       NAME-database (PostgreSQL from the VPC's own range)
 *   monitoring role      NAME-database-monitoring
 *   cluster, instance    NAME, NAME-1 (db.serverless, monitoring every 30 s)
 *   IAM policies         NAME-app-access, NAME-migrator-access, NAME-readonly-USER-access
 *                        (rds-db:connect), attached to the roles the config names
 *   AWS Backup           vault, plan, selection NAME-database; role NAME-database-backup
 */
#ifndef APPDB_AWS_INT_H
#define APPDB_AWS_INT_H

#include <stdbool.h>
#include <time.h>

#include "cli/aws/credentials.h"
#include "cli/aws/rds.h"
#include "cli/envconfig.h"
#include "cli/options.h"
#include "cli/output.h"

#define KEY_UNNAMED_DELETION_WINDOW_DAYS 7	/* KMS's shortest */

/* One run over one environment. */
struct awsenv
{
	const struct appdb_options *opts;
	const struct env_config *cfg;
	struct aws_credentials creds;
	struct aws_client *client;
	bool		apply;			/* provision: make the changes; plan: say them */
	int			rereading;		/* how often the step has been run again after a create found
								 * its resource there */
	time_t		started;		/* the run's start: its idempotency tokens */
	int			creates;
	int			changes;
	int			leaves;
	struct plan_lines lines;	/* plan's lines; provision's steps with --output json */
	const char *name;			/* cfg->cluster_name */
	const char *partition;		/* "aws", "aws-cn", "aws-us-gov" */
	char	   *account;
	struct aws_tag tags[3];

	/* found or made by the steps, for the later ones (NULL: not yet) */
	char	   *vpc_id;
	char	   *vpc_cidr;
	struct aws_strings subnets;
	char	   *key_arn;
	char	   *pg_name;
	char	   *sg_id;
	char	   *monitoring_role_arn;
	char	   *backup_role_arn;
	struct aws_rds_cluster cluster;
};

/*
 * A create refused because the resource exists: made by this very call
 * (AWS applied it, its answer was lost, and the retry was refused), or by
 * a run alongside.  The step is run once more (STEP_AGAIN), and reads the
 * resource back as a rerun would.  The codes are the wire codes (AWS.md
 * trap 5).
 */
#define STEP_AGAIN (-2)
#define STEP_CREATES_MAX 3		/* the most creates a step makes (backup's) */

/* env.c: the environment, names, a step's report, errors */
int			awsenv_open(struct awsenv *e, const struct appdb_options *opts, const struct env_config *cfg);
void		awsenv_free(struct awsenv *e);
char	   *resource_name(const struct awsenv *e, const char *suffix);
char	   *key_alias(const struct awsenv *e);
char	   *parameter_group_name(const struct awsenv *e);
char	   *connect_policy_name(const struct awsenv *e, const char *role);
char	   *connect_policy_arn(const struct awsenv *e, const char *role);
char	   *readonly_kind(const char *user);
const char *cluster_sslmode(const struct awsenv *e);
int			aws_failed(struct aws_error *err);
void		say(struct awsenv *e, const char *verb, const char *fmt,...) __attribute__((format(printf, 3, 4)));
bool		is_ours(const struct awsenv *e, const struct aws_tag_list *tags);
bool		exists_after_all(struct awsenv *e, struct aws_error *err, const char *what);
int			not_ours(const struct awsenv *e, const char *what);

/* wait.c: the cluster or an instance polled to a goal */
enum wait_goal
{
	WAIT_AVAILABLE,
	WAIT_GONE
};

bool		is_transient(const struct aws_error *err);
int			wait_for(struct awsenv *e, const char *instance, enum wait_goal goal);
int			wait_recovery_points_gone(struct awsenv *e, const char *vault);

/* steps_network.c */
int			step_identity(struct awsenv *e);
int			step_network(struct awsenv *e);
int			step_subnet_group(struct awsenv *e);
int			step_security_group(struct awsenv *e);

/* steps_storage.c */
int			env_keys(struct awsenv *e, const char *skip, struct aws_strings *out);
int			step_key(struct awsenv *e);
int			step_backup(struct awsenv *e);

/* steps_cluster.c */
int			step_parameter_group(struct awsenv *e);
const char *on_off(bool b);
int			step_cluster(struct awsenv *e);
int			step_instance(struct awsenv *e);

/* steps_access.c */
int			step_monitoring_role(struct awsenv *e);
int			step_access_roles(struct awsenv *e);
int			step_connect_policies(struct awsenv *e);
int			step_connect_attachments(struct awsenv *e);
int			readonly_policies(struct awsenv *e, struct aws_strings *users);

/* A connect policy's owner: kind names the policy (NAME-<kind>-access). */
struct connect_who
{
	char	   *kind;			/* "app", "migrator", "readonly-USER" */
	const char *user;			/* the database user */
	char	  **roles;			/* the IAM roles the config names for it */
	const char *key;			/* the config key naming them */
};

size_t		connect_whos(const struct awsenv *e, struct connect_who **out);
void		connect_whos_free(struct connect_who *w, size_t n);
int			step_backup_role(struct awsenv *e);

/* commands.c */
int			require_cluster(struct awsenv *e);
struct pg_conn *token_connect(struct awsenv *e, const char *user, char **why);

/* doctor.c */
int			cmd_doctor(struct awsenv *e);

/* outputs.c */
int			cmd_outputs(struct awsenv *e);

/* destroy.c */
int			cmd_destroy(struct awsenv *e);
int			destroy_connect_policy(struct awsenv *e, const char *kind);

#endif							/* APPDB_AWS_INT_H */
