/*
 * cli/roles.h
 *		roles setup, plan and check: one call runs a command over a session,
 *		through the app_roles extension where it is installed, else through
 *		the core; check --login logs in through the provider's callback.
 */
#ifndef APPDB_ROLES_H
#define APPDB_ROLES_H

#include <libpq-fe.h>

#include "envconfig.h"
#include "options.h"

#include "core/exec.h"

/*
 * Where the roles commands run: an executor and its transactions.  begin
 * and finish return 0, or -1 after reporting the error; finish commits or
 * rolls back, and returns 1 when a commit's outcome is unknown (its answer
 * lost; the transaction then rolled back in case it did not commit).  conn
 * is the libpq connection when there is one (the extension can only be
 * called over it), else NULL.
 */
struct roles_session
{
	struct app_executor exec;
	int			(*begin) (void *state);
	int			(*finish) (void *state, bool commit);
	void	   *state;
	PGconn	   *conn;
	const char *where;			/* for messages: the database, "cluster x" */
};

/*
 * How check --login logs in, given by the provider: login tries to log in
 * as role and returns whether it could, with what happened in *detail
 * (malloc'd).  hint, when set, is said once after the report when a login
 * failed.  The results go into the check's report under "login".
 */
struct roles_login
{
	bool		(*login) (void *arg, const char *role, char **detail);
	void	   *arg;
	const char *hint;
};

/*
 * Run the roles command of opts over a master connection; returns the exit
 * code.  login is used by check --login only, and may be NULL otherwise.
 */
int			roles_command(PGconn *master, const struct appdb_options *opts,
						  const struct env_config *cfg, const struct roles_login *login);

/* The same over any session (the Data API's); the extension needs conn. */
int			roles_command_in(struct roles_session *session, const struct appdb_options *opts,
							 const struct env_config *cfg, const struct roles_login *login);

#endif							/* APPDB_ROLES_H */
