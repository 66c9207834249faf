/*
 * core/error.h
 *		How the core reports a failure: a kind, and the message, detail and
 *		hint of PostgreSQL's error style guide.
 *
 * The extension turns the kind into a SQLSTATE; the CLI into an exit code.
 */
#ifndef APP_ERROR_H
#define APP_ERROR_H

#include <stdbool.h>

#include "mem.h"

enum app_error_kind
{
	APP_OK = 0,
	APP_ERR_INVALID_VALUE,		/* bad configuration value */
	APP_ERR_NAME_TOO_LONG,		/* an identifier over 63 bytes */
	APP_ERR_UNDEFINED_OBJECT,	/* e.g. rds_iam missing */
	APP_ERR_PRIVILEGE,			/* the caller lacks a right setup needs */
	APP_ERR_NOT_CONVERGED,		/* statements ran, yet the plan is not empty */
	APP_ERR_DATABASE,			/* the database refused: its message (and SQLSTATE) */
	APP_ERR_EXECUTOR,			/* the executor failed: the statement did not run
								 * (refused or throttled by the Data API, timed out) */
	APP_ERR_LOST_ANSWER,		/* no answer: the statement may or may not have run,
								 * so its transaction must be rolled back */
	APP_ERR_LOST_RACE			/* a setup in another database changed the same
								 * roles first: worth one retry (its SQLSTATE kept) */
};

struct app_error
{
	enum app_error_kind kind;
	char	   *message;
	char	   *detail;
	char	   *hint;
	char	   *sqlstate;		/* the server's, for APP_ERR_DATABASE */
};

int			app_error_set(struct app_error *err, struct app_mem *mem,
						  enum app_error_kind kind, const char *detail,
						  const char *hint, const char *fmt,...)
			__attribute__((format(printf, 6, 7)));

/* Whether a statement of setup failing with sqlstate lost a race. */
bool		app_sqlstate_lost_race(const char *sqlstate);

#endif							/* APP_ERROR_H */
