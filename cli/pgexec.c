/*
 * cli/pgexec.c
 *		The core's executor over libpq.
 *
 * Values go out of line with PQexecParams, never quoted by hand; every
 * result status is checked and every result cleared.
 */
#include "pgexec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msgs.h"
#include "util.h"

PGconn *
pg_connect(const char *const *keywords, const char *const *values)
{
	PGconn	   *conn = PQconnectdbParams(keywords, values, 0);

	if (conn == NULL)
	{
		errorf("could not connect to the database: out of memory");
		return NULL;
	}
	if (PQstatus(conn) != CONNECTION_OK)
	{
		char	   *msg = xstrdup(PQerrorMessage(conn));

		msg[strcspn(msg, "\n")] = '\0';
		errorf("could not connect to the database: %s", msg);
		free(msg);
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

void
pg_result_error(struct app_mem *mem, const PGresult *res, PGconn *conn,
				struct app_error *err)
{
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *hint = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_HINT) : NULL;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	char	   *connmsg = NULL;

	if (msg == NULL)
	{
		connmsg = xstrdup(PQerrorMessage(conn));
		connmsg[strcspn(connmsg, "\n")] = '\0';
		msg = connmsg[0] ? connmsg : "the connection to the server was lost";
	}
	app_error_set(err, mem, APP_ERR_DATABASE, detail, hint, "%s", msg);
	err->sqlstate = state ? app_strdup(mem, state) : NULL;
	free(connmsg);
}

void
report_app_error(const struct app_error *err)
{
	errorf("%s", err->message);
	if (err->detail)
		hintf("%s", err->detail);
	if (err->hint)
		hintf("%s", err->hint);
}

static int
run_command(PGconn *conn, const char *sql, bool quiet)
{
	PGresult   *res = PQexec(conn, sql);
	int			rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		if (!quiet)
		{
			struct app_mem mem;
			struct app_error err = {0};

			app_mem_init(&mem, &malloc_allocator);
			pg_result_error(&mem, res, conn, &err);
			report_app_error(&err);
			app_mem_free_all(&mem);
		}
		rc = -1;
	}
	PQclear(res);
	return rc;
}

int
pg_command(PGconn *conn, const char *sql)
{
	return run_command(conn, sql, false);
}

int
pg_command_quiet(PGconn *conn, const char *sql)
{
	return run_command(conn, sql, true);
}

static int
exec_query(void *state, struct app_mem *mem, const char *sql, int nparams,
		   const char *const *params, struct app_rows *rows, struct app_error *err)
{
	PGconn	   *conn = state;
	PGresult   *res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	size_t		bytes = 0;
	int			r,
				c,
				nrows,
				ncols;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		pg_result_error(mem, res, conn, err);
		PQclear(res);
		return -1;
	}
	nrows = PQntuples(res);
	ncols = PQnfields(res);
	for (r = 0; r < nrows; r++)
		for (c = 0; c < ncols; c++)
			if (!PQgetisnull(res, r, c))
				bytes += (size_t) PQgetlength(res, r, c) + 1;
	app_rows_init(mem, rows, nrows, ncols, bytes);
	for (r = 0; r < nrows; r++)
		for (c = 0; c < ncols; c++)
			app_rows_set(rows, r, c, PQgetisnull(res, r, c) ? NULL : PQgetvalue(res, r, c));
	PQclear(res);
	return 0;
}

static int
exec_execute(void *state, struct app_mem *mem, const char *sql, struct app_error *err)
{
	PGconn	   *conn = state;
	PGresult   *res;

	verbosef("%s", sql);
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		pg_result_error(mem, res, conn, err);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

/* The statements in a savepoint that is always rolled back. */
static int
exec_probe(void *state, struct app_mem *mem, const char *const *stmts, int n,
		   int *failed_at, struct app_error *err)
{
	PGconn	   *conn = state;
	int			i;

	*failed_at = -1;
	if (pg_command_quiet(conn, "SAVEPOINT app_roles_probe") != 0)
	{
		pg_result_error(mem, NULL, conn, err);
		return -1;
	}
	for (i = 0; i < n; i++)
	{
		PGresult   *res;

		verbosef("(check, rolled back) %s", stmts[i]);
		res = PQexec(conn, stmts[i]);
		if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		{
			pg_result_error(mem, res, conn, err);
			PQclear(res);
			*failed_at = i;
			break;
		}
		PQclear(res);
	}
	if (pg_command_quiet(conn, "ROLLBACK TO SAVEPOINT app_roles_probe") != 0 ||
		pg_command_quiet(conn, "RELEASE SAVEPOINT app_roles_probe") != 0)
	{
		pg_result_error(mem, NULL, conn, err);
		return -1;
	}
	return 0;
}

void
pg_executor_init(struct app_executor *exec, PGconn *conn)
{
	exec->state = conn;
	exec->query = exec_query;
	exec->execute = exec_execute;
	exec->probe = exec_probe;
}
