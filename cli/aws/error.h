/*
 * cli/aws/error.h
 *		What the AWS client returns when something fails: a status and the
 *		text its caller shows (the client itself never prints).
 */
#ifndef APPDB_AWS_ERROR_H
#define APPDB_AWS_ERROR_H

/* What went wrong with a call; AWS_OK (0) when nothing did. */
enum aws_status
{
	AWS_OK = 0,
	AWS_ERR_SERVICE,			/* AWS answered with an error */
	AWS_ERR_TRANSPORT,			/* no answer (after the retries) */
	AWS_ERR_RESPONSE,			/* a success answer we cannot read */
	AWS_ERR_CONFIG,				/* a bad endpoint URL, say */
	AWS_ERR_SIGNING				/* the signer refused the request */
};

/* A failed call (or resolution): every string malloc'd, or NULL. */
struct aws_error
{
	enum aws_status status;
	const char *service;		/* "STS", "Secrets Manager", ... */
	char	   *operation;
	long		http_status;	/* 0: no answer */
	char	   *code;			/* the wire code, or the HTTP status */
	char	   *message;
	char	   *request_id;
	int			attempts;
	/*
	 * "<service> <Operation> failed: <Code>: <Message> (HTTP <status>,
	 * request id <id>)", control characters replaced, bounded in length.
	 */
	char	   *text;
	char	   *hint;			/* what the user can do, or NULL */
};

void		aws_error_init(struct aws_error *err);
void		aws_error_clean_up(struct aws_error *err);

/*
 * Set err's status and text (printf-style), replacing any text it had;
 * returns status.  aws_error_hint sets the hint the same way.
 */
enum aws_status aws_error_set(struct aws_error *err, enum aws_status status, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));
void		aws_error_hint(struct aws_error *err, const char *fmt,...) __attribute__((format(printf, 2, 3)));

#endif							/* APPDB_AWS_ERROR_H */
