/*
 * cli/rdsdata_exec.h
 *		The core's executor over the RDS Data API (ExecuteStatement in the
 *		caller's transaction), the twin of pgexec.c.
 *
 * The caller begins the transaction (aws_rdsdata_begin), sets
 * transaction_id, drives the core, then commits or rolls back.  The core's
 * $1..$n become the Data API's named parameters :p1..:pn, sent as
 * stringValue (the core casts every parameter, $1::text, $4::oid).  Rows
 * come back as typed records (formatRecordsAs NONE: formattedRecords keys
 * records by column name, and the core's queries repeat names such as
 * "exists") and are turned into the text libpq would give.
 *
 * A statement in the caller's transaction is sent at most once (see
 * aws_call_rest_json_once): when its answer is lost the error is
 * APP_ERR_LOST_ANSWER, and the caller rolls the transaction back; other
 * failures of the call are APP_ERR_EXECUTOR, the database's own errors
 * APP_ERR_DATABASE with their SQLSTATE.
 */
#ifndef APPDB_RDSDATA_EXEC_H
#define APPDB_RDSDATA_EXEC_H

#include "aws/request.h"
#include "core/exec.h"

struct rdsdata_exec_state
{
	struct aws_client *client;	/* borrowed */
	const char *resource_arn;
	const char *secret_arn;
	const char *database;		/* or NULL: the secret's */
	char	   *transaction_id; /* the caller's; NULL: each call autocommits */
	int			calls;			/* ExecuteStatement calls made */
};

void		rdsdata_executor_init(struct app_executor *exec, struct rdsdata_exec_state *st);

/*
 * $n -> :pn outside literals, quoted identifiers, dollar quotes and
 * comments; malloc'd.  Exposed for tests.
 */
char	   *rdsdata_named_params(const char *sql);

/*
 * An ExecuteStatement answer's records (typed fields) as the core's rows,
 * each cell the text libpq would give; 0, or -1 with err set
 * (APP_ERR_EXECUTOR).  Fuzzed by test/fuzz/fuzz_rdsdata_answer.c.
 */
int			rdsdata_answer_rows(json_object *answer, struct app_mem *mem, struct app_rows *rows,
								struct app_error *err);

#endif							/* APPDB_RDSDATA_EXEC_H */
