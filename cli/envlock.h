/*
 * cli/envlock.h
 *		One writer per environment: an OS file lock in its state directory.
 */
#ifndef APPDB_ENVLOCK_H
#define APPDB_ENVLOCK_H

#include <stdbool.h>

struct env_lock
{
	int			fd;				/* -1: not held */
	char	   *state_dir;
	char	   *path;
};

/*
 * Take the environment's lock (creating its state directory, 0700), waiting
 * for another appdb command that holds it up to APPDB_LOCK_TIMEOUT seconds
 * (default 600).  -1 when held, else the exit code, with the error reported.
 */
int			env_lock(const char *state_dir, const char *name, struct env_lock *lk);
void		env_unlock(struct env_lock *lk);

/* Whether the state directory holds nothing but the lock (or is absent). */
bool		env_state_empty(const char *state_dir);

#endif							/* APPDB_ENVLOCK_H */
