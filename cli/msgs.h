/*
 * cli/msgs.h
 *		Everything appdb writes to stderr goes through here, so --quiet and
 *		--verbose are honoured in one place.
 */
#ifndef APPDB_MSGS_H
#define APPDB_MSGS_H

#include <stdbool.h>

/* Exit codes (DESIGN §7); one meaning each. */
enum appdb_exit
{
	EXIT_OK = 0,
	EXIT_CHECK_FAILED = 1,
	EXIT_USAGE = 2,				/* bad option, bad or missing config */
	EXIT_FAILURE_REMOTE = 3,	/* the database (or AWS) failed or refused */

	/*
	 * Not an exit code: what a step that returns "an exit code, or go on"
	 * returns to go on, so callers write if ((rc = step()) != EXIT_GO_ON).
	 */
	EXIT_GO_ON = -1
};

extern bool msgs_quiet;
extern bool msgs_verbose;
extern bool msgs_progress;

void		errorf(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		hintf(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		warnf(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		notef(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		verbosef(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		progressf(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		progress_done(void);

/* A usage error: the message, the try-help line; returns EXIT_USAGE. */
int			usage_error(const char *fmt,...) __attribute__((format(printf, 1, 2)));
/* A usage error ending with (see "appdb COMMAND --help"); NULL: appdb's help. */
int			usage_error_see(const char *command, const char *fmt,...) __attribute__((format(printf, 2, 3)));

#endif							/* APPDB_MSGS_H */
