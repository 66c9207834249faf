/*
 * cli/doctor.h
 *		appdb doctor: why a login as app or migrator fails.  A provider runs
 *		its checks in order through doctor_check; doctor_finish prints them,
 *		each failure with its fix, and gives the exit code.
 */
#ifndef APPDB_DOCTOR_H
#define APPDB_DOCTOR_H

#include <stdbool.h>

#include "options.h"

struct doctor
{
	struct json_object *checks;
	int			failed;
};

void		doctor_init(struct doctor *d);

/*
 * Record a check: its name, whether it passed, the fix when it did not
 * (NULL when passed) and the detail (printf-style).  Returns ok.
 */
bool		doctor_check(struct doctor *d, const char *check, bool ok, const char *fix,
						 const char *fmt,...) __attribute__((format(printf, 5, 6)));

/* A check of one role's, named "<user>: <what>"; detail as given.  Returns ok. */
bool		doctor_role_check(struct doctor *d, const char *user, const char *what, bool ok,
							  const char *fix, const char *detail);

/* Drop the report unprinted (the checks could not run). */
void		doctor_free(struct doctor *d);

/* Print the report (text or JSON); frees it; returns EXIT_OK or EXIT_CHECK_FAILED. */
int			doctor_finish(struct doctor *d, enum appdb_output output);

/*
 * The roles doctor checks: opts->role (app, migrator or a read-only user),
 * else app and migrator (their config names in *users).  Returns how many
 * (1 or 2).
 */
int			doctor_roles(const struct appdb_options *opts, const char *app_user,
						 const char *migrator_user, const char *users[2]);

/*
 * Whether a TCP connection to host:port opens within timeout_ms; when not,
 * why (malloc'd) in *why.
 */
bool		doctor_tcp_connect(const char *host, int port, int timeout_ms, char **why);

/*
 * The IPv4 address this machine's connections to host leave from (its route;
 * nothing is sent), malloc'd, or NULL when host does not resolve.
 */
char	   *doctor_source_address(const char *host);

/* Whether the IPv4 address is in cidr ("10.0.0.0/16"). */
bool		doctor_address_in(const char *address, const char *cidr);

#endif							/* APPDB_DOCTOR_H */
