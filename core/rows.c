/*
 * core/rows.c
 *		Pages of text rows handed from an executor to the core.
 */
#include "exec.h"

#include <string.h>

/*
 * Make room for nrows x ncols cells whose text, with one terminator each,
 * takes at most text_bytes bytes.
 */
void
app_rows_init(struct app_mem *mem, struct app_rows *rows, int nrows, int ncols,
			  size_t text_bytes)
{
	size_t		ncells = (size_t) nrows * (size_t) ncols;
	char	   *block;

	block = app_alloc(mem, ncells * sizeof(char *) + text_bytes + 1);
	rows->nrows = nrows;
	rows->ncols = ncols;
	rows->cells = (char **) block;
	rows->text_next = block + ncells * sizeof(char *);
}

/* Copy value (NULL for SQL NULL) into the cell. */
void
app_rows_set(struct app_rows *rows, int row, int col, const char *value)
{
	size_t		n;

	if (value == NULL)
	{
		APP_CELL(rows, row, col) = NULL;
		return;
	}
	n = strlen(value);
	memcpy(rows->text_next, value, n + 1);
	APP_CELL(rows, row, col) = rows->text_next;
	rows->text_next += n + 1;
}

void
app_rows_free(struct app_mem *mem, struct app_rows *rows)
{
	app_free(mem, rows->cells);
	memset(rows, 0, sizeof(*rows));
}
