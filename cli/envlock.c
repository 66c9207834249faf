/*
 * cli/envlock.c
 *		One writer per environment: flock on <state dir>/lock.
 *
 * Every command that changes the environment (configure, provision, roles
 * setup, destroy) holds it, so that two of them never interleave: two
 * provisions would start two servers, two setups would each set a password.
 * The lock is on an open file, so it goes with the process however it ends.
 * destroy deletes the state directory, lock file included, while it holds
 * it: a command that was waiting then holds a lock on a file no longer
 * there, so it checks the path still names the file it locked, and if not
 * starts again on a new one.
 */
#include "envlock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "msgs.h"
#include "util.h"

#define LOCK_WAIT_DEFAULT 600	/* seconds */
#define LOCK_POLL_MS 100

/* The bound on waiting, from APPDB_LOCK_TIMEOUT; -1 if that is not valid. */
static long
lock_wait_seconds(void)
{
	const char *s = getenv("APPDB_LOCK_TIMEOUT");
	char	   *end;
	long		v;

	if (s == NULL || *s == '\0')
		return LOCK_WAIT_DEFAULT;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < 0 || v > 86400)
		return -1;
	return v;
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* The pid the holder wrote into the lock file, 0 if none. */
static long
lock_holder(int fd)
{
	char		buf[32];
	ssize_t		n = pread(fd, buf, sizeof(buf) - 1, 0);

	long		pid;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	/* a holder that was killed left its pid */
	return pid > 0 && (kill((pid_t) pid, 0) == 0 || errno == EPERM) ? pid : 0;
}

/* Whether fd is still the file at path (destroy has not removed it). */
static bool
still_there(int fd, const char *path)
{
	struct stat held;
	struct stat now;

	return fstat(fd, &held) == 0 && stat(path, &now) == 0 &&
		held.st_dev == now.st_dev && held.st_ino == now.st_ino;
}

int
env_lock(const char *state_dir, const char *name, struct env_lock *lk)
{
	long		bound = lock_wait_seconds();
	double		deadline;
	bool		waited = false;
	int			fd = -1;
	int			polls = 0;
	long		holder = 0;

	lk->fd = -1;
	lk->state_dir = NULL;
	lk->path = NULL;
	if (bound < 0)
		return usage_error("APPDB_LOCK_TIMEOUT must be a whole number of seconds (0 to 86400), not \"%s\"",
						   getenv("APPDB_LOCK_TIMEOUT"));
	deadline = now_seconds() + (double) bound;
	lk->state_dir = xstrdup(state_dir);
	lk->path = str_printf("%s/lock", state_dir);
	for (;;)
	{
		if (fd < 0)
		{
			if (mkdir_parents(state_dir, 0700) != 0 && errno != ENOENT)
			{
				errorf("cannot create %s: %s", state_dir, strerror(errno));
				break;
			}
			fd = open(lk->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
			if (fd < 0 && errno != ENOENT)	/* ENOENT: removed meanwhile; again */
			{
				errorf("cannot open %s: %s", lk->path, strerror(errno));
				break;
			}
		}
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
		{
			char		pid[32];
			int			len;

			if (!still_there(fd, lk->path))
			{
				close(fd);		/* destroy deleted it: lock the new one */
				fd = -1;
				continue;
			}
			/*
			 * The pid, for the message of whoever waits next (a detail:
			 * errors ignored), in one write of a fixed width, so that a
			 * reader never sees the file empty or half written.
			 */
			len = snprintf(pid, sizeof(pid), "%10d\n", (int) getpid());
			if (pwrite(fd, pid, (size_t) len, 0) != len)
				verbosef("cannot write the pid into %s", lk->path);
			if (waited)
				notef("the other appdb command on %s has finished; going on", name);
			lk->fd = fd;
			return EXIT_GO_ON;
		}
		if (fd >= 0 && errno != EWOULDBLOCK && errno != EINTR)
		{
			errorf("cannot lock %s: %s", lk->path, strerror(errno));
			break;
		}
		if (!waited && fd >= 0 && ((holder = lock_holder(fd)) > 0 || polls > 0))
		{
			/* no live holder at the first poll: it is just leaving, so try again first */
			char	   *who = holder > 0 ? str_printf(" (pid %ld)", holder) : xstrdup("");

			notef("waiting for another appdb command on %s%s to finish (up to %ld s) ...",
				  name, who, bound);
			free(who);
			waited = true;
		}
		if (now_seconds() >= deadline)
		{
			errorf("gave up after %ld s waiting for another appdb command on %s to finish; nothing changed",
				   bound, name);
			hintf("run it again when the other one is done (APPDB_LOCK_TIMEOUT sets the wait in seconds; the lock is %s)",
				  lk->path);
			break;
		}
		{
			struct timespec pause = {0, LOCK_POLL_MS * 1000000L};

			nanosleep(&pause, NULL);
			polls++;
		}
	}
	if (fd >= 0)
		close(fd);
	env_unlock(lk);
	return EXIT_FAILURE_REMOTE;
}

/* Whether dir holds nothing but the entry except (a missing dir holds nothing). */
static bool
holds_only(const char *dir, const char *except)
{
	DIR		   *d = opendir(dir);
	struct dirent *ent;
	bool		only = true;

	if (d == NULL)
		return errno == ENOENT;
	while ((ent = readdir(d)) != NULL)
		if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0 &&
			strcmp(ent->d_name, except) != 0)
			only = false;
	closedir(d);
	return only;
}

bool
env_state_empty(const char *state_dir)
{
	return holds_only(state_dir, "lock");
}

/*
 * Release the lock.  A state directory that holds only the lock (a command
 * that made nothing, an aws environment, a destroy) is removed, and .appdb
 * with it when no other environment is left: the one place that prunes them.
 */
void
env_unlock(struct env_lock *lk)
{
	if (lk->fd >= 0)
	{
		if (ftruncate(lk->fd, 0) != 0)	/* the pid is no longer the holder's */
			verbosef("cannot clear %s", lk->path);
		if (env_state_empty(lk->state_dir))
		{
			char	   *root = xstrdup(lk->state_dir);

			unlink(lk->path);
			rmdir(lk->state_dir);
			/* .appdb, when no other environment is left (its .gitignore aside) */
			*strrchr(root, '/') = '\0';
			if (holds_only(root, ".gitignore"))
			{
				char	   *ignore = str_printf("%s/.gitignore", root);

				unlink(ignore);
				rmdir(root);
				free(ignore);
			}
			free(root);
		}
		close(lk->fd);
	}
	lk->fd = -1;
	free(lk->state_dir);
	free(lk->path);
	lk->state_dir = NULL;
	lk->path = NULL;
}
