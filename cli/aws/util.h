/*
 * cli/aws/util.h
 *		The AWS client's own small helpers: allocation, strings, files, a
 *		program's output, secrets, and the trace and warning callbacks through
 *		which it speaks (it never prints; its caller decides what to show).
 *
 * cli/util.c builds its helpers of the same name on these, so the CLI and
 * the AWS client share one copy.
 */
#ifndef APPDB_AWS_UTIL_H
#define APPDB_AWS_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Allocation that never returns NULL: on failure the handler set with
 * aws_set_out_of_memory runs (it should not return), then abort().
 */
void		aws_set_out_of_memory(void (*fn) (void));
void	   *aws_xmalloc(size_t size);
char	   *aws_xstrdup(const char *s);
char	   *aws_str_printf(const char *fmt,...) __attribute__((format(printf, 1, 2)));
char	   *aws_str_vprintf(const char *fmt, va_list args) __attribute__((format(printf, 1, 0)));

/* A whole file (up to 16 MiB), malloc'd; NULL with errno set. */
char	   *aws_read_file(const char *path);

/*
 * Everything a program prints on stdout (up to 1 MiB), or NULL if it could
 * not run or exited non-zero.  keep_stderr: its stderr passes through,
 * else it goes to /dev/null.
 */
char	   *aws_run_capture(char *const argv[], bool keep_stderr);

struct json_object;

/*
 * Whether v is a JSON string with no NUL in it: json-c keeps "\u0000"
 * inside a string, which as a C string would be cut short there.
 */
bool		aws_json_plain_string(struct json_object *v);

/* Zero a secret string and free it (NULL allowed). */
void		aws_wipe_free(char *secret);

/*
 * What the client says on the way: traces (what --verbose shows) and
 * warnings (a fallback taken).  Without a callback nothing is said; set
 * none for traces when they would not be shown, and none is formatted.
 */
enum aws_say
{
	AWS_SAY_TRACE,
	AWS_SAY_WARNING,
	AWS_SAY_ERROR,				/* a failure recovered from (and its hint): */
	AWS_SAY_HINT				/* said, since it is not returned */
};

void		aws_set_say(void (*fn) (enum aws_say kind, const char *msg, void *arg), void *arg,
						bool trace);
bool		aws_tracing(void);
bool		aws_set_tracing(bool on);	/* returns what it was */
void		aws_trace(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		aws_warn(const char *fmt,...) __attribute__((format(printf, 1, 2)));
void		aws_say(enum aws_say kind, const char *fmt,...) __attribute__((format(printf, 2, 3)));

#endif							/* APPDB_AWS_UTIL_H */
