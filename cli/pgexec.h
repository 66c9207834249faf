/*
 * cli/pgexec.h
 *		libpq: connecting, and the core's executor over a connection.
 */
#ifndef APPDB_PGEXEC_H
#define APPDB_PGEXEC_H

#include <libpq-fe.h>

#include "core/exec.h"

/* Connect with keyword/value pairs; NULL and a message on failure. */
PGconn	   *pg_connect(const char *const *keywords, const char *const *values);

/* Run sql (no parameters, no rows wanted); -1 with the error reported. */
int			pg_command(PGconn *conn, const char *sql);
int			pg_command_quiet(PGconn *conn, const char *sql);

/* The server's error as a core error (message, detail, hint, SQLSTATE). */
void		pg_result_error(struct app_mem *mem, const PGresult *res, PGconn *conn,
							struct app_error *err);
void		report_app_error(const struct app_error *err);

/* The core's executor over conn; statements are shown under --verbose. */
void		pg_executor_init(struct app_executor *exec, PGconn *conn);

#endif							/* APPDB_PGEXEC_H */
