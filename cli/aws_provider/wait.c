/*
 * cli/aws_provider/wait.c
 *		The aws provider's waits: the cluster or an instance polled until it
 *		is available or gone, as the SDK waiters do.
 */
#include "aws_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/aws/rds.h"
#include "cli/aws/request.h"
#include "cli/aws/backup.h"
#include "cli/msgs.h"
#include "cli/util.h"

static void
sleep_seconds(int seconds)
{
	struct timespec ts = {seconds, 0};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Worth another poll: throttled, 5xx, no answer (the request path retried already). */
bool
is_transient(const struct aws_error *err)
{
	return err->status == AWS_ERR_TRANSPORT || err->http_status >= 500 ||
		(err->code && (aws_retry_is_throttle_code(err->code) ||
					   aws_retry_is_transient_code(err->code)));
}

/* The statuses the SDK waiters stop on (AWS.md "Waiters"). */
static bool
is_failed_status(const char *status)
{
	static const char *const failed[] = {
		"deleted", "deleting", "failed", "incompatible-restore",
		"incompatible-parameters", "incompatible-network", "inaccessible-encryption-credentials", NULL
	};
	int			i;

	for (i = 0; failed[i]; i++)
		if (strcmp(status, failed[i]) == 0)
			return true;
	return false;
}

static int
wait_delay(const struct awsenv *e)
{
	return e->opts->wait_delay >= 0 ? e->opts->wait_delay : 30;
}

static int
wait_max_attempts(const struct awsenv *e)
{
	return e->opts->wait_max_attempts >= 0 ? e->opts->wait_max_attempts : 60;
}

/*
 * Poll the cluster (instance NULL) or an instance as the SDK waiters do:
 * a describe, then wait_delay seconds, at most wait_max_attempts
 * describes; each change of state is shown with the time elapsed.
 * Returns EXIT_GO_ON when the goal is reached, else an exit code.
 */
int
wait_for(struct awsenv *e, const char *instance, enum wait_goal goal)
{
	const char *what = instance ? "instance" : "cluster";
	const char *id = instance ? instance : e->name;
	char	   *last = NULL;
	time_t		start = time(NULL);
	int			attempt;
	int			rc = -1;

	progressf("waiting for %s %s to be %s (a poll every %d s, at most %d)", what, id,
			  goal == WAIT_AVAILABLE ? "available" : "deleted", wait_delay(e), wait_max_attempts(e));
	for (attempt = 1;; attempt++)
	{
		struct aws_error err;
		enum aws_status st;
		char	   *status = NULL;
		bool		found;

		aws_error_init(&err);
		if (instance)
		{
			struct aws_rds_instance in;

			st = aws_rds_describe_db_instance(e->client, instance, &in, &err);
			found = in.found;
			status = in.status ? xstrdup(in.status) : NULL;
			aws_rds_instance_clean_up(&in);
		}
		else
		{
			aws_rds_cluster_clean_up(&e->cluster);
			st = aws_rds_describe_db_cluster(e->client, e->name, &e->cluster, &err);
			found = e->cluster.found;
			status = e->cluster.status ? xstrdup(e->cluster.status) : NULL;
		}
		if (st != AWS_OK && !is_transient(&err))
		{
			free(status);
			rc = aws_failed(&err);
			break;
		}
		if (st != AWS_OK)
		{
			warnf("%s (poll %d of %d; waiting goes on)", err.text, attempt, wait_max_attempts(e));
			aws_error_clean_up(&err);
		}
		else
		{
			const char *now = found ? (status ? status : "(no status)") : "deleted";

			if (last == NULL || strcmp(last, now) != 0)
			{
				long		s = (long) (time(NULL) - start);

				notef("%s %s: %s (%ld:%02ld elapsed)", what, id, now, s / 60, s % 60);
				free(last);
				last = xstrdup(now);
			}
			if (goal == WAIT_GONE && !found)
			{
				free(status);
				break;
			}
			if (goal == WAIT_AVAILABLE)
			{
				if (found && status && strcmp(status, "available") == 0)
				{
					free(status);
					break;
				}
				if (!found || (status && is_failed_status(status)))
				{
					errorf("%s %s is %s, not becoming available", what, id, found ? status : "gone");
					hintf("see the RDS console's events for %s; run provision again once it is fixed", id);
					free(status);
					rc = EXIT_FAILURE_REMOTE;
					break;
				}
			}
		}
		free(status);
		if (attempt >= wait_max_attempts(e))
		{
			errorf("%s %s is still %s after %d polls %d s apart; gave up waiting",
				   what, id, last ? last : "unknown", attempt, wait_delay(e));
			hintf("nothing was undone: run the same command again to go on waiting (or raise --wait-max-attempts)");
			rc = EXIT_FAILURE_REMOTE;
			break;
		}
		sleep_seconds(wait_delay(e));
	}
	free(last);
	progress_done();
	return rc;
}

/*
 * AWS Backup deletes a recovery point asynchronously (DELETING until
 * gone), and refuses to delete a vault that still lists one: poll the
 * vault until it is empty, as wait_for polls.
 */
int
wait_recovery_points_gone(struct awsenv *e, const char *vault)
{
	struct aws_error err;
	int			attempt;

	aws_error_init(&err);
	for (attempt = 1;; attempt++)
	{
		struct aws_backup_recovery_point_list left = {0};
		bool		found = false;
		size_t		n;

		if (aws_backup_list_recovery_points(e->client, vault, &left, &found, &err) != AWS_OK)
			return aws_failed(&err);
		n = left.arns.n;
		aws_backup_recovery_point_list_clean_up(&left);
		if (n == 0)
			return EXIT_GO_ON;
		if (attempt >= wait_max_attempts(e))
		{
			errorf("backup vault %s still lists %zu recovery point%s after %d polls", vault, n,
				   n == 1 ? "" : "s", attempt);
			hintf("AWS Backup deletes them in the background: run destroy again later");
			return EXIT_FAILURE_REMOTE;
		}
		if (attempt == 1)
			notef("waiting for AWS Backup to delete the recovery points of %s (a poll every %d s, at most %d)",
				  vault, wait_delay(e), wait_max_attempts(e));
		sleep_seconds(wait_delay(e));
	}
}
