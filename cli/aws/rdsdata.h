/*
 * cli/aws/rdsdata.h
 *		The RDS Data API (REST-JSON, 2018-08-01): ExecuteStatement with
 *		named parameters and formatRecordsAs JSON, and transactions
 *		(AWS-DETAIL.md §3.6).  POST /Execute, /BeginTransaction,
 *		/CommitTransaction, /RollbackTransaction.
 */
#ifndef APPDB_AWS_RDSDATA_H
#define APPDB_AWS_RDSDATA_H

#include "svc.h"

/* Where statements run: the cluster's ARN, the secret's ARN, a database. */
struct aws_rdsdata_target
{
	const char *resource_arn;
	const char *secret_arn;
	const char *database;
};

enum aws_rdsdata_type
{
	AWS_RDSDATA_NULL,
	AWS_RDSDATA_STRING,
	AWS_RDSDATA_LONG,
	AWS_RDSDATA_BOOL,
	AWS_RDSDATA_DOUBLE
};

/* A named parameter (":name" in the SQL); borrowed strings. */
struct aws_rdsdata_param
{
	const char *name;
	enum aws_rdsdata_type type;
	const char *s;
	long long	l;
	bool		b;
	double		d;
	const char *type_hint;		/* "JSON", "UUID", "TIMESTAMP", ... or NULL */
};

struct aws_rdsdata_result
{
	long long	records_updated;	/* numberOfRecordsUpdated */
	char	   *formatted_records;	/* the JSON text, as answered */
	json_object *records;		/* formatted_records parsed: an array, or NULL */
	struct aws_strings columns; /* columnMetadata names */
};

void		aws_rdsdata_result_clean_up(struct aws_rdsdata_result *r);

/* ExecuteStatement; transaction_id NULL: autocommit. */
enum aws_status aws_rdsdata_execute(struct aws_client *client,
									const struct aws_rdsdata_target *target,
									const char *sql,
									const struct aws_rdsdata_param *params,
									size_t nparams, const char *transaction_id,
									struct aws_rdsdata_result *out,
									struct aws_error *err);
/* BeginTransaction: *transaction_id malloc'd. */
enum aws_status aws_rdsdata_begin(struct aws_client *client,
								  const struct aws_rdsdata_target *target,
								  char **transaction_id, struct aws_error *err);
/* Commit / Rollback: *status (may be NULL) the transactionStatus, malloc'd. */
enum aws_status aws_rdsdata_commit(struct aws_client *client,
								   const struct aws_rdsdata_target *target,
								   const char *transaction_id, char **status,
								   struct aws_error *err);
enum aws_status aws_rdsdata_rollback(struct aws_client *client,
									 const struct aws_rdsdata_target *target,
									 const char *transaction_id, char **status,
									 struct aws_error *err);

#endif							/* APPDB_AWS_RDSDATA_H */
