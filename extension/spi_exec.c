/*
 * extension/spi_exec.c
 *		The core's executor over SPI, in the caller's transaction.
 *
 * Queries run with text parameters; their rows are copied into the core's
 * arena.  Errors raise (ereport) as they happen, except inside the probe,
 * whose subtransaction turns an error into a result.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "spi_exec.h"

static void *
PallocAlloc(void *state, size_t size)
{
	return MemoryContextAlloc((MemoryContext) state, size);
}

static void
PallocFree(void *state, void *ptr)
{
	(void) state;
	pfree(ptr);
}

/* An allocator whose memory lives in cxt. */
void
InitPallocAllocator(struct app_allocator *allocator, MemoryContext cxt)
{
	allocator->alloc = PallocAlloc;
	allocator->free = PallocFree;
	allocator->state = cxt;
}

/* Raise a core error with the SQLSTATE its kind stands for. */
void
ReportCoreError(const struct app_error *err)
{
	int			code;

	switch (err->kind)
	{
		case APP_ERR_INVALID_VALUE:
			code = ERRCODE_INVALID_PARAMETER_VALUE;
			break;
		case APP_ERR_NAME_TOO_LONG:
			code = ERRCODE_NAME_TOO_LONG;
			break;
		case APP_ERR_UNDEFINED_OBJECT:
			code = ERRCODE_UNDEFINED_OBJECT;
			break;
		case APP_ERR_PRIVILEGE:
			code = ERRCODE_INSUFFICIENT_PRIVILEGE;
			break;
		case APP_ERR_NOT_CONVERGED:
			code = ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE;
			break;
		case APP_ERR_LOST_RACE:
			code = ERRCODE_T_R_SERIALIZATION_FAILURE;
			break;
		default:
			code = ERRCODE_INTERNAL_ERROR;
			break;
	}
	ereport(ERROR,
			errcode(code),
			errmsg("%s", err->message),
			err->detail ? errdetail("%s", err->detail) : 0,
			err->hint ? errhint("%s", err->hint) : 0);
	pg_unreachable();
}

static int
SpiQuery(void *state, struct app_mem *mem, const char *sql, int nparams,
		 const char *const *params, struct app_rows *rows, struct app_error *err)
{
	Oid			types[8];
	Datum		values[8];
	SPITupleTable *tuptable;
	size_t		bytes = 0;
	char	  **cells;
	int			ret;
	int			ncols;
	uint64		nrows;
	uint64		r;
	int			i;

	(void) state;
	(void) err;
	Assert(nparams <= 8);
	for (i = 0; i < nparams; i++)
	{
		types[i] = TEXTOID;
		values[i] = CStringGetTextDatum(params[i]);
	}
	ret = SPI_execute_with_args(sql, nparams, types, values, NULL, false, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_with_args failed in app_roles: %s",
			 SPI_result_code_string(ret));

	tuptable = SPI_tuptable;
	nrows = SPI_processed;
	ncols = tuptable->tupdesc->natts;
	cells = palloc(sizeof(char *) * (nrows * ncols + 1));
	for (r = 0; r < nrows; r++)
		for (i = 0; i < ncols; i++)
		{
			char	   *v = SPI_getvalue(tuptable->vals[r], tuptable->tupdesc, i + 1);

			cells[r * ncols + i] = v;
			if (v)
				bytes += strlen(v) + 1;
		}

	app_rows_init(mem, rows, (int) nrows, ncols, bytes);
	for (r = 0; r < nrows; r++)
		for (i = 0; i < ncols; i++)
		{
			app_rows_set(rows, (int) r, i, cells[r * ncols + i]);
			if (cells[r * ncols + i])
				pfree(cells[r * ncols + i]);
		}
	pfree(cells);
	SPI_freetuptable(tuptable);
	return 0;
}

/* Execute one statement of the plan, telling the caller with a NOTICE. */
static int
SpiExecute(void *state, struct app_mem *mem, const char *sql, struct app_error *err)
{
	int			ret;

	(void) state;
	(void) mem;
	(void) err;
	ereport(NOTICE, errmsg("%s", sql));
	ret = SPI_execute(sql, false, 0);
	if (ret < 0)
		elog(ERROR, "SPI_execute failed in app_roles: %s", SPI_result_code_string(ret));
	if (SPI_tuptable)
		SPI_freetuptable(SPI_tuptable);
	return 0;
}

/*
 * Run fn(arg) in an internal subtransaction, the pattern of PL/pgSQL's
 * exception blocks.  On success the subtransaction is kept (keep) or rolled
 * back; on an error it is rolled back and the error returned, else NULL.
 */
ErrorData *
RunInSubtransaction(void (*fn) (void *arg), void *arg, bool keep)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	ErrorData  *volatile edata = NULL;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcontext);
	PG_TRY();
	{
		fn(arg);
		if (keep)
			ReleaseCurrentSubTransaction();
		else
			RollbackAndReleaseCurrentSubTransaction();
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(oldcontext);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
	}
	PG_END_TRY();
	MemoryContextSwitchTo(oldcontext);
	CurrentResourceOwner = oldowner;
	return edata;
}

struct ProbeRun
{
	const char *const *stmts;
	int			n;
	int			current;
};

static void
ProbeStatements(void *arg)
{
	struct ProbeRun *run = arg;

	for (run->current = 0; run->current < run->n; run->current++)
	{
		int			ret = SPI_execute(run->stmts[run->current], false, 0);

		if (ret < 0)
			elog(ERROR, "SPI_execute failed in app_roles: %s", SPI_result_code_string(ret));
		if (SPI_tuptable)
			SPI_freetuptable(SPI_tuptable);
	}
}

/*
 * Run stmts in a subtransaction that is always rolled back, so that the
 * probe leaves nothing behind, memberships and SET LOCAL ROLE included.
 */
static int
SpiProbe(void *state, struct app_mem *mem, const char *const *stmts, int n,
		 int *failed_at, struct app_error *err)
{
	struct ProbeRun run = {stmts, n, -1};
	ErrorData  *edata;

	(void) state;
	*failed_at = -1;
	edata = RunInSubtransaction(ProbeStatements, &run, false);
	if (edata)
	{
		*failed_at = run.current;
		memset(err, 0, sizeof(*err));
		err->kind = APP_ERR_DATABASE;
		err->message = app_strdup(mem, edata->message ? edata->message : "unknown error");
		FreeErrorData(edata);
	}
	return 0;
}

const struct app_executor SpiExecutor = {
	.state = NULL,
	.query = SpiQuery,
	.execute = SpiExecute,
	.probe = SpiProbe,
};
