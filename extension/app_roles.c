/*
 * extension/app_roles.c
 *		The SQL-callable functions of app_roles: setup, check and plan.
 *
 * Each function validates its arguments through the core before any
 * statement runs, creates a private memory context for the core's arena,
 * runs the core over SPI in the caller's transaction, copies its result
 * into the caller's context and deletes the private one.
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/tuplestore.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "core/config.h"
#include "core/error.h"
#include "core/run.h"
#include "spi_exec.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(app_setup_roles);
PG_FUNCTION_INFO_V1(app_check_roles);
PG_FUNCTION_INFO_V1(app_roles_plan);

/* The state of one call: its memory and its configuration. */
typedef struct CallState
{
	MemoryContext callerCxt;
	MemoryContext privateCxt;
	struct app_allocator allocator;
	struct app_mem mem;
	struct app_config cfg;
} CallState;

static char *
TextArg(FunctionCallInfo fcinfo, int n, const char *name)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				errmsg("%s must not be null", name));
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}

/*
 * readonly_users (0.2), argument n when the SQL definition has it: 0.1's
 * functions take none, and a .so newer than the installed script serves both.
 */
static void
ReadonlyArg(FunctionCallInfo fcinfo, int n, CallState *cs)
{
	ArrayType  *array;
	Datum	   *elems;
	bool	   *nulls;
	int			count;
	int			i;
	const char **names;
	struct app_error err = {0};

	if (PG_NARGS() <= n)
		return;
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				errmsg("readonly_users must not be null"));
	array = PG_GETARG_ARRAYTYPE_P(n);
	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				errmsg("readonly_users must be a one-dimensional array"));
	deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &count);
	names = palloc(sizeof(char *) * (count + 1));
	for (i = 0; i < count; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					errmsg("readonly_users must not contain null"));
		names[i] = TextDatumGetCString(elems[i]);
	}
	if (app_config_set_readonly(&cs->mem, &cs->cfg, names, count, &err) != 0)
		ReportCoreError(&err);
}

/* Validate the arguments and prepare the call; nothing has run yet. */
static void
BeginCall(FunctionCallInfo fcinfo, CallState *cs, const char *cxtName, int readonlyArg)
{
	struct app_error err = {0};
	char	   *extensions;

	cs->callerCxt = CurrentMemoryContext;
	cs->privateCxt = AllocSetContextCreate(CurrentMemoryContext, "app_roles",
										   ALLOCSET_DEFAULT_SIZES);
	MemoryContextSetIdentifier(cs->privateCxt, cxtName);
	InitPallocAllocator(&cs->allocator, cs->privateCxt);
	app_mem_init(&cs->mem, &cs->allocator);

	if (PG_ARGISNULL(4))
		ereport(ERROR,
				errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				errmsg("superuser_extensions must not be null"));
	extensions = DatumGetCString(DirectFunctionCall1(jsonb_out, PG_GETARG_DATUM(4)));
	if (app_config_build(&cs->mem, &cs->cfg,
						 TextArg(fcinfo, 0, "app_user"),
						 TextArg(fcinfo, 1, "migrator_user"),
						 TextArg(fcinfo, 2, "schema_name"),
						 TextArg(fcinfo, 3, "auth"),
						 extensions, &err) != 0)
		ReportCoreError(&err);
	ReadonlyArg(fcinfo, readonlyArg, cs);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed in app_roles");
}

/*
 * Copy the result into the caller's context and release everything else.
 * With pretty (setup's and check's argument 5, after the configuration's),
 * the report is indented, its keys in the same order; plan has none (-1).
 */
static Datum
EndCall(FunctionCallInfo fcinfo, CallState *cs, const char *json, int prettyArg)
{
	text	   *result;

	if (prettyArg >= 0 && PG_NARGS() > prettyArg && !PG_ARGISNULL(prettyArg) &&
		PG_GETARG_BOOL(prettyArg))
	{
		json = app_json_pretty(&cs->mem, json);
		if (json == NULL)
			elog(ERROR, "app_roles: the report did not parse");
	}
	MemoryContextSwitchTo(cs->callerCxt);
	result = cstring_to_text(json);
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed in app_roles");
	MemoryContextSwitchTo(cs->callerCxt);
	MemoryContextDelete(cs->privateCxt);
	return PointerGetDatum(result);
}

/*
 * Whether an error is a lost race with a setup in another database: the
 * advisory lock is per database, while roles are cluster-wide.  The core
 * knows the SQLSTATEs.
 */
static bool
IsLostRace(ErrorData *edata)
{
	return app_sqlstate_lost_race(unpack_sql_state(edata->sqlerrcode));
}

struct SetupRun
{
	CallState  *cs;
	char	   *report;
};

static void
Setup(void *arg)
{
	struct SetupRun *run = arg;
	struct app_error err = {0};
	int			executed;

	if (app_run_setup(&SpiExecutor, &run->cs->mem, &run->cs->cfg, &executed,
					  &run->report, &err) != 0)
		ReportCoreError(&err);
}

/*
 * Run setup in a subtransaction; a lost race is retried once, since the
 * retry reads the winner's committed roles.
 */
static char *
SetupWithRetry(CallState *cs)
{
	struct SetupRun run = {cs, NULL};
	int			attempt;

	for (attempt = 1;; attempt++)
	{
		ErrorData  *edata = RunInSubtransaction(Setup, &run, true);

		if (edata == NULL)
			return run.report;
		if (attempt > 1 || !IsLostRace(edata))
		{
			/* a race lost twice says so by its SQLSTATE: retry the transaction */
			if (IsLostRace(edata))
				edata->sqlerrcode = ERRCODE_T_R_SERIALIZATION_FAILURE;
			ReThrowError(edata);
		}
		/* its SQLSTATE tells a client this NOTICE from a statement's */
		ereport(NOTICE,
				errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				errmsg("setup lost a race with a concurrent setup, retrying"),
				errdetail("%s", edata->message));
		FreeErrorData(edata);
	}
}

/* app_setup_roles(...): converge the database, return the report. */
Datum
app_setup_roles(PG_FUNCTION_ARGS)
{
	CallState	cs;

	BeginCall(fcinfo, &cs, "app_setup_roles", 6);
	return EndCall(fcinfo, &cs, SetupWithRetry(&cs), 5);
}

/* app_check_roles(...): the report plus every check; never raises for one. */
Datum
app_check_roles(PG_FUNCTION_ARGS)
{
	CallState	cs;
	struct app_error err = {0};
	bool		success;
	char	   *json;

	BeginCall(fcinfo, &cs, "app_check_roles", 6);
	if (app_run_check(&SpiExecutor, &cs.mem, &cs.cfg, &success, &json, &err) != 0)
		ReportCoreError(&err);
	return EndCall(fcinfo, &cs, json, 5);
}

/* A tuplestore for the rows of a set-returning function in materialize mode. */
static Tuplestorestate *
BeginMaterializedRows(FunctionCallInfo fcinfo, TupleDesc *desc)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
#if PG_VERSION_NUM >= 150000
	InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
#else
	MemoryContext oldcontext;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize) || rsinfo->expectedDesc == NULL)
		ereport(ERROR,
				errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				errmsg("set-valued function called in context that cannot accept a set"));
	oldcontext = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setDesc = CreateTupleDescCopy(rsinfo->expectedDesc);
	rsinfo->setResult = tuplestore_begin_heap(true, false, work_mem);
	MemoryContextSwitchTo(oldcontext);
#endif
	*desc = rsinfo->setDesc;
	return rsinfo->setResult;
}

/* app_roles_plan(...): the statements setup would execute now, one a row. */
Datum
app_roles_plan(PG_FUNCTION_ARGS)
{
	CallState	cs;
	struct app_error err = {0};
	struct app_strlist plan;
	Tuplestorestate *store;
	TupleDesc	desc;
	int			i;

	store = BeginMaterializedRows(fcinfo, &desc);
	BeginCall(fcinfo, &cs, "app_roles_plan", 5);
	if (app_run_plan(&SpiExecutor, &cs.mem, &cs.cfg, &plan, &err) != 0)
		ReportCoreError(&err);
	for (i = 0; i < plan.n; i++)
	{
		Datum		value = CStringGetTextDatum(plan.items[i]);
		bool		isnull = false;

		tuplestore_putvalues(store, desc, &value, &isnull);
	}
	EndCall(fcinfo, &cs, "", -1);
	return (Datum) 0;
}
