/*
 * core/exec.h
 *		The executor: how the core reaches a database without doing I/O.
 *
 * The extension implements it over SPI, the CLI over libpq (and later the
 * RDS Data API).  All values cross as text; SQL NULL is a NULL pointer.
 */
#ifndef APP_EXEC_H
#define APP_EXEC_H

#include "error.h"
#include "mem.h"

/* A page of rows, every cell text, in one block of the arena. */
struct app_rows
{
	int			nrows;
	int			ncols;
	char	  **cells;			/* cells[row * ncols + col] */
	char	   *text_next;		/* where app_rows_set copies the next value */
};

void		app_rows_init(struct app_mem *mem, struct app_rows *rows, int nrows,
						  int ncols, size_t text_bytes);
void		app_rows_set(struct app_rows *rows, int row, int col, const char *value);
void		app_rows_free(struct app_mem *mem, struct app_rows *rows);

#define APP_CELL(rows, r, c) ((rows)->cells[(r) * (rows)->ncols + (c)])

struct app_executor
{
	void	   *state;

	/*
	 * Run a read-only query with text parameters $1..$n.  The rows are built
	 * with app_rows_init/app_rows_set in mem.  Returns 0, or -1 with err set.
	 */
	int			(*query) (void *state, struct app_mem *mem, const char *sql,
						  int nparams, const char *const *params,
						  struct app_rows *rows, struct app_error *err);

	/*
	 * Run one statement that changes the database, telling the user about
	 * it (a NOTICE, or a line under --verbose).  Returns 0, or -1 with err.
	 */
	int			(*execute) (void *state, struct app_mem *mem, const char *sql,
							struct app_error *err);

	/*
	 * Run stmts in a subtransaction that is always rolled back.  Returns 0
	 * with *failed_at = -1 when all ran, or the index of the first that
	 * failed and its error in err; returns -1 only when the executor itself
	 * failed (err set).  Only an error of kind APP_ERR_DATABASE is the
	 * database's answer to a statement.
	 */
	int			(*probe) (void *state, struct app_mem *mem,
						  const char *const *stmts, int n, int *failed_at,
						  struct app_error *err);
};

#endif							/* APP_EXEC_H */
