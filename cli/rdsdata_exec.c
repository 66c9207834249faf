/*
 * cli/rdsdata_exec.c
 *		The core's executor over the RDS Data API (see rdsdata_exec.h).
 *
 * Values go out as named parameters, never quoted by hand.  A cell's text
 * is what libpq would print: booleans "t"/"f", numbers in the server's
 * digits (json-c keeps a parsed double's own text), strings as sent, SQL
 * NULL as a NULL pointer.
 */
#include "rdsdata_exec.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/rdsdata.h"
#include "msgs.h"
#include "util.h"

static bool
ident_char(char c)
{
	return isalnum((unsigned char) c) || c == '_' || c == '$' || (unsigned char) c >= 0x80;
}

char *
rdsdata_named_params(const char *sql)
{
	size_t		n = strlen(sql);
	char	   *out = xmalloc(2 * n + 1);	/* "$1" -> ":p1": one more a '$' */
	size_t		o = 0;
	size_t		i = 0;

#define COPY(from, to) do { memcpy(out + o, sql + (from), (to) - (from)); o += (to) - (from); } while (0)
	while (i < n)
	{
		char		c = sql[i];
		size_t		j;

		if (c == '\'')
		{
			/* a literal; E'...' keeps backslash escapes */
			bool		esc = i > 0 && (sql[i - 1] == 'e' || sql[i - 1] == 'E') &&
				(i == 1 || !ident_char(sql[i - 2]));

			for (j = i + 1; j < n; j++)
			{
				if (esc && sql[j] == '\\' && j + 1 < n)
					j++;
				else if (sql[j] == '\'')
				{
					if (j + 1 < n && sql[j + 1] == '\'')
						j++;
					else
						break;
				}
			}
			j = j < n ? j + 1 : n;
			COPY(i, j);
			i = j;
		}
		else if (c == '"')
		{
			for (j = i + 1; j < n; j++)
				if (sql[j] == '"')
				{
					if (j + 1 < n && sql[j + 1] == '"')
						j++;
					else
						break;
				}
			j = j < n ? j + 1 : n;
			COPY(i, j);
			i = j;
		}
		else if (c == '-' && sql[i + 1] == '-')
		{
			const char *nl = strchr(sql + i, '\n');

			j = nl ? (size_t) (nl - sql) : n;
			COPY(i, j);
			i = j;
		}
		else if (c == '/' && sql[i + 1] == '*')
		{
			int			depth = 1;

			for (j = i + 2; j < n && depth > 0;)
			{
				if (sql[j] == '/' && sql[j + 1] == '*')
					depth++, j += 2;
				else if (sql[j] == '*' && sql[j + 1] == '/')
					depth--, j += 2;
				else
					j++;
			}
			COPY(i, j);
			i = j;
		}
		else if (c == '$' && (i == 0 || !ident_char(sql[i - 1])))
		{
			if (isdigit((unsigned char) sql[i + 1]))
			{
				/* a parameter: $n -> :pn */
				for (j = i + 1; j < n && isdigit((unsigned char) sql[j]); j++)
					;
				out[o++] = ':';
				out[o++] = 'p';
				COPY(i + 1, j);
				i = j;
				continue;
			}
			/* a dollar quote $tag$ ... $tag$ */
			for (j = i + 1; j < n && (isalnum((unsigned char) sql[j]) || sql[j] == '_' ||
									  (unsigned char) sql[j] >= 0x80); j++)
				;
			if (j < n && sql[j] == '$' && !isdigit((unsigned char) sql[i + 1]))
			{
				size_t		taglen = j + 1 - i;
				char	   *tag = xmalloc(taglen + 1);
				const char *end;

				memcpy(tag, sql + i, taglen);
				tag[taglen] = '\0';
				end = strstr(sql + j + 1, tag);
				j = end ? (size_t) (end - sql) + taglen : n;
				free(tag);
				COPY(i, j);
				i = j;
			}
			else
				out[o++] = sql[i++];
		}
		else
			out[o++] = sql[i++];
	}
	out[o] = '\0';
	return out;
#undef COPY
}

/*
 * An error of the Data API as the core's error.  A database error's message
 * is pgJDBC's: "ERROR: primary\n  Detail: d\n  Hint: h ...; SQLState: 42601".
 * In a transaction, a call without an answer (or with a 5xx) may have run:
 * APP_ERR_LOST_ANSWER, for the caller to roll back; any other failure of
 * the call is APP_ERR_EXECUTOR, the statement not run.
 */
static void
set_error(struct app_mem *mem, struct aws_error *aerr, const char *sql,
		  bool in_transaction, struct app_error *err)
{
	const char *m = aerr->message;
	char	   *msg,
			   *detail = NULL,
			   *hint = NULL,
			   *state = NULL,
			   *p,
			   *line;
	const char *text = aerr->text ? aerr->text : (m ? m : "the Data API call failed");

	if (in_transaction && (aerr->status == AWS_ERR_TRANSPORT || aerr->http_status >= 500))
	{
		app_error_set(err, mem, APP_ERR_LOST_ANSWER, text, NULL,
					  "the Data API's answer to statement %s was lost: it may or may not have run", sql);
		return;
	}
	if (aerr->status == AWS_ERR_SERVICE && aerr->code &&
		strcmp(aerr->code, "StatementTimeoutException") == 0)
	{
		app_error_set(err, mem, APP_ERR_EXECUTOR, text,
					  "It most likely waited for a lock held by another session (a migration, a psql session, or a transaction a failed run left open, which the Data API rolls back after 3 idle minutes); run again once that session ends.",
					  "the Data API stopped statement %s at its time limit", sql);
		return;
	}
	if (aerr->status != AWS_ERR_SERVICE || m == NULL || aerr->code == NULL ||
		strcmp(aerr->code, "DatabaseErrorException") != 0)
	{
		app_error_set(err, mem, APP_ERR_EXECUTOR, NULL, NULL, "%s", text);
		return;
	}
	msg = xstrdup(m);
	if ((p = strstr(msg, "; SQLState: ")) != NULL && strchr(p + 12, '\n') == NULL)
	{
		state = p + 12;
		*p = '\0';
	}
	line = msg;
	if (strncmp(line, "ERROR: ", 7) == 0)
		line += 7;
	else if (strncmp(line, "FATAL: ", 7) == 0)
		line += 7;
	/* the lines after the first: "  Detail: ", "  Hint: ", ... */
	p = strchr(line, '\n');
	while (p != NULL)
	{
		char	   *next;

		*p++ = '\0';
		next = strchr(p, '\n');
		if (next)
			*next = '\0';
		if (strncmp(p, "  Detail: ", 10) == 0)
			detail = p + 10;
		else if (strncmp(p, "  Hint: ", 8) == 0)
			hint = p + 8;
		p = next;
	}
	app_error_set(err, mem, APP_ERR_DATABASE, detail, hint, "%s", line);
	err->sqlstate = state && *state ? app_strdup(mem, state) : NULL;
	free(msg);
}

/* ExecuteStatement in the state's transaction; *resp filled on success. */
static int
execute_statement(struct rdsdata_exec_state *st, struct app_mem *mem, const char *sql,
				  int nparams, const char *const *params, struct aws_response *resp,
				  struct app_error *err)
{
	json_object *b = json_object_new_object();
	struct aws_error aerr;
	enum aws_status s;
	char	   *named = rdsdata_named_params(sql);
	int			i;

	aws_error_init(&aerr);
	json_object_object_add(b, "resourceArn", json_object_new_string(st->resource_arn));
	json_object_object_add(b, "secretArn", json_object_new_string(st->secret_arn));
	if (st->database)
		json_object_object_add(b, "database", json_object_new_string(st->database));
	json_object_object_add(b, "sql", json_object_new_string(named));
	if (nparams > 0)
	{
		json_object *a = json_object_new_array();

		for (i = 0; i < nparams; i++)
		{
			json_object *p = json_object_new_object();
			json_object *v = json_object_new_object();
			char		name[24];

			snprintf(name, sizeof(name), "p%d", i + 1);
			json_object_object_add(p, "name", json_object_new_string(name));
			if (params[i] == NULL)
				json_object_object_add(v, "isNull", json_object_new_boolean(1));
			else
				json_object_object_add(v, "stringValue", json_object_new_string(params[i]));
			json_object_object_add(p, "value", v);
			json_object_array_add(a, p);
		}
		json_object_object_add(b, "parameters", a);
	}
	if (st->transaction_id)
		json_object_object_add(b, "transactionId", json_object_new_string(st->transaction_id));
	json_object_object_add(b, "formatRecordsAs", json_object_new_string("NONE"));
	st->calls++;
	/* a statement in a transaction is sent once: a resent one would run twice */
	s = (st->transaction_id ? aws_call_rest_json_once : aws_call_rest_json)
		(st->client, &aws_service_rds_data, "ExecuteStatement", "POST", "/Execute", NULL,
		 json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN |
										JSON_C_TO_STRING_NOSLASHESCAPE),
		 resp, &aerr);
	json_object_put(b);
	free(named);
	if (s != AWS_OK)
	{
		set_error(mem, &aerr, sql, st->transaction_id != NULL, err);
		aws_error_clean_up(&aerr);
		return -1;
	}
	if (resp->json == NULL || !json_object_is_type(resp->json, json_type_object))
	{
		aws_response_clean_up(resp);
		app_error_set(err, mem, APP_ERR_EXECUTOR, NULL, NULL,
					  "RDS Data API ExecuteStatement answered without a JSON object");
		return -1;
	}
	return 0;
}

/* A growable text. */
struct tbuf
{
	char	   *data;
	size_t		len;
	size_t		cap;
};

static void
tbuf_append(struct tbuf *b, const char *s)
{
	size_t		n = strlen(s);

	if (b->len + n + 1 > b->cap)
	{
		char	   *d;

		b->cap = (b->len + n + 1) * 2;
		d = xmalloc(b->cap);
		if (b->data)
			memcpy(d, b->data, b->len);
		free(b->data);
		b->data = d;
	}
	memcpy(b->data + b->len, s, n + 1);
	b->len += n;
}

/* PostgreSQL's array element quoting: "" when needed, \ before " and \. */
static void
append_array_elem(struct tbuf *b, const char *s)
{
	bool		quote = *s == '\0' || strcasecmp(s, "NULL") == 0;
	const char *p;

	for (p = s; *p && !quote; p++)
		if (strchr("{},\"\\ \t\n\r\v\f", *p))
			quote = true;
	if (!quote)
	{
		tbuf_append(b, s);
		return;
	}
	tbuf_append(b, "\"");
	for (p = s; *p; p++)
	{
		char		c[3] = {'\\', *p, '\0'};

		tbuf_append(b, (*p == '"' || *p == '\\') ? c : c + 1);
	}
	tbuf_append(b, "\"");
}

static int	field_text(json_object *f, char **out);

/* An ArrayValue as PostgreSQL's array text: {a,b,NULL}. */
/* A JSON number: a double, or a whole number json-c reads as int. */
static bool
is_number(json_object *v)
{
	return json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int);
}

static int
array_text(json_object *av, struct tbuf *b)
{
	static const char *const members[] = {"booleanValues", "longValues", "doubleValues",
	"stringValues", "arrayValues"};
	static const json_type member_types[] = {json_type_boolean, json_type_int, json_type_double,
	json_type_string, json_type_object};
	size_t		m,
				i;

	for (m = 0; m < sizeof(members) / sizeof(members[0]); m++)
	{
		json_object *a;

		if (!json_object_object_get_ex(av, members[m], &a) ||
			!json_object_is_type(a, json_type_array))
			continue;
		tbuf_append(b, "{");
		for (i = 0; i < json_object_array_length(a); i++)
		{
			json_object *e = json_object_array_get_idx(a, i);

			if (i > 0)
				tbuf_append(b, ",");
			if (e == NULL)
				tbuf_append(b, "NULL");
			else if (!json_object_is_type(e, member_types[m]) &&
					 !(m == 2 && is_number(e)))
				return -1;		/* not of the array's type */
			else if (m == 0)
				tbuf_append(b, json_object_get_boolean(e) ? "t" : "f");
			else if (m == 4)
			{
				if (array_text(e, b) != 0)
					return -1;
			}
			else if (m == 3)
				append_array_elem(b, json_object_get_string(e));
			else
				tbuf_append(b, json_object_get_string(e));
		}
		tbuf_append(b, "}");
		return 0;
	}
	return -1;
}

/* One Field as libpq's text; *out NULL for SQL NULL, else malloc'd. */
static int
field_text(json_object *f, char **out)
{
	json_object *v;

	*out = NULL;
	if (f == NULL || !json_object_is_type(f, json_type_object))
		return -1;
	if (json_object_object_get_ex(f, "isNull", &v) && json_object_get_boolean(v))
		return 0;
	/* a value of another JSON type than its field's is an answer we cannot read */
	if (json_object_object_get_ex(f, "booleanValue", &v))
	{
		if (!json_object_is_type(v, json_type_boolean))
			return -1;
		*out = xstrdup(json_object_get_boolean(v) ? "t" : "f");
	}
	else if (json_object_object_get_ex(f, "longValue", &v))
	{
		if (!json_object_is_type(v, json_type_int))
			return -1;
		*out = str_printf("%lld", (long long) json_object_get_int64(v));
	}
	else if (json_object_object_get_ex(f, "doubleValue", &v))
	{
		if (!is_number(v))
			return -1;
		*out = xstrdup(json_object_get_string(v));	/* the answer's own digits */
	}
	else if (json_object_object_get_ex(f, "stringValue", &v))
	{
		if (!json_object_is_type(v, json_type_string))
			return -1;
		*out = xstrdup(json_object_get_string(v));
	}
	else if (json_object_object_get_ex(f, "arrayValue", &v))
	{
		struct tbuf b = {0};

		if (array_text(v, &b) != 0)
		{
			free(b.data);
			return -1;
		}
		*out = b.data ? b.data : xstrdup("");
	}
	else
		return -1;				/* blobValue: the core reads no bytea */
	return 0;
}

int
rdsdata_answer_rows(json_object *answer, struct app_mem *mem, struct app_rows *rows,
					struct app_error *err)
{
	json_object *records;
	char	  **cells = NULL;
	size_t		bytes = 0;
	int			nrows = 0,
				ncols = 0,
				r,
				c,
				rc = 0;

	if (json_object_object_get_ex(answer, "records", &records) &&
		json_object_is_type(records, json_type_array))
	{
		nrows = (int) json_object_array_length(records);
		if (nrows > 0)
		{
			json_object *first = json_object_array_get_idx(records, 0);

			ncols = json_object_is_type(first, json_type_array) ?
				(int) json_object_array_length(first) : 0;
		}
	}
	else
	{
		/* no records: the column count from the metadata, if any */
		json_object *md;

		if (json_object_object_get_ex(answer, "columnMetadata", &md) &&
			json_object_is_type(md, json_type_array))
			ncols = (int) json_object_array_length(md);
	}
	if (nrows > 0 && ncols > 0)
		cells = calloc((size_t) nrows * (size_t) ncols, sizeof(char *));
	for (r = 0; r < nrows && rc == 0 && cells; r++)
	{
		json_object *row = json_object_array_get_idx(records, r);

		if (!json_object_is_type(row, json_type_array) ||
			(int) json_object_array_length(row) != ncols)
		{
			rc = -1;
			break;
		}
		for (c = 0; c < ncols; c++)
		{
			char	  **cell = &cells[(size_t) r * ncols + c];

			if (field_text(json_object_array_get_idx(row, c), cell) != 0)
			{
				rc = -1;
				break;
			}
			if (*cell)
				bytes += strlen(*cell) + 1;
		}
	}
	if (rc != 0)
		app_error_set(err, mem, APP_ERR_EXECUTOR, NULL, NULL,
					  "RDS Data API ExecuteStatement answered records that cannot be read");
	else
	{
		app_rows_init(mem, rows, nrows, ncols, bytes);
		for (r = 0; r < nrows; r++)
			for (c = 0; c < ncols; c++)
				app_rows_set(rows, r, c, cells ? cells[(size_t) r * ncols + c] : NULL);
	}
	if (cells)
		for (r = 0; r < nrows * ncols; r++)
			free(cells[r]);
	free(cells);
	return rc;
}

static int
exec_query(void *state, struct app_mem *mem, const char *sql, int nparams,
		   const char *const *params, struct app_rows *rows, struct app_error *err)
{
	struct rdsdata_exec_state *st = state;
	struct aws_response resp;
	int			rc;

	if (execute_statement(st, mem, sql, nparams, params, &resp, err) != 0)
		return -1;
	rc = rdsdata_answer_rows(resp.json, mem, rows, err);
	aws_response_clean_up(&resp);
	return rc;
}

static int
run(struct rdsdata_exec_state *st, struct app_mem *mem, const char *sql,
	struct app_error *err)
{
	struct aws_response resp;

	if (execute_statement(st, mem, sql, 0, NULL, &resp, err) != 0)
		return -1;
	aws_response_clean_up(&resp);
	return 0;
}

static int
exec_execute(void *state, struct app_mem *mem, const char *sql, struct app_error *err)
{
	verbosef("%s", sql);
	return run(state, mem, sql, err);
}

/* The statements in a savepoint that is always rolled back. */
static int
exec_probe(void *state, struct app_mem *mem, const char *const *stmts, int n,
		   int *failed_at, struct app_error *err)
{
	struct rdsdata_exec_state *st = state;
	int			i;

	*failed_at = -1;
	if (run(st, mem, "SAVEPOINT app_roles_probe", err) != 0)
		return -1;
	for (i = 0; i < n; i++)
	{
		verbosef("(check, rolled back) %s", stmts[i]);
		if (run(st, mem, stmts[i], err) != 0)
		{
			*failed_at = i;
			/* not the database's answer: the whole transaction is the caller's to end */
			if (err->kind != APP_ERR_DATABASE)
				return 0;
			break;
		}
	}
	{
		struct app_error err2 = {0};

		if (run(st, mem, "ROLLBACK TO SAVEPOINT app_roles_probe", &err2) != 0 ||
			run(st, mem, "RELEASE SAVEPOINT app_roles_probe", &err2) != 0)
		{
			*err = err2;
			return -1;
		}
	}
	return 0;
}

void
rdsdata_executor_init(struct app_executor *exec, struct rdsdata_exec_state *st)
{
	exec->state = st;
	exec->query = exec_query;
	exec->execute = exec_execute;
	exec->probe = exec_probe;
}
