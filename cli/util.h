/*
 * cli/util.h
 *		Small helpers of the CLI: memory, files, processes, secrets.
 */
#ifndef APPDB_UTIL_H
#define APPDB_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "aws/util.h"
#include "core/mem.h"

extern const struct app_allocator malloc_allocator;

void	   *xmalloc(size_t size);
char	   *xstrdup(const char *s);
/*
 * The AWS client's own: a wrapper would repeat it whole, since a variadic
 * function passes its arguments on only as a va_list.
 */
#define str_printf aws_str_printf
char	   *str_vprintf(const char *fmt, va_list args) __attribute__((format(printf, 1, 0)));

/* Append item to *list ("a, b, c"; *list NULL or malloc'd). */
void		list_append(char **list, const char *item);

/* A NULL-terminated list of strings (NULL: empty): append a copy, count, free. */
void		strv_add(char ***list, const char *s);
size_t		strv_len(char *const *list);
void		strv_free(char ***list);

char	   *read_file(const char *path);	/* NULL with errno set */
int			write_file_atomic(const char *path, const char *text, mode_t mode);
int			mkdir_parents(const char *path, mode_t mode);
int			remove_tree(const char *path);
char	   *absolute_path(const char *path);
char	   *canonical_path(const char *path);

/* Percent-encode every byte outside RFC 3986's unreserved set and keep; malloc'd. */
char	   *uri_encode(const char *s, const char *keep);

/* An OS user to run the server as, when appdb runs as root. */
struct os_user
{
	uid_t		uid;
	gid_t		gid;
	char	   *name;
};

int			lookup_os_user(const char *name, struct os_user *user);

/*
 * Run argv (argv[0] a path) as user (NULL: as ourselves), with stdin from
 * /dev/null and stdout and stderr appended to log_path (NULL: /dev/null).
 * Returns the exit status, or -1 if it could not be run.
 */
int			run_program(const struct os_user *user, char *const argv[], const char *log_path);
char	   *run_capture(char *const argv[]);	/* first line of stdout, or NULL */

/*
 * Become psql (a path, or a name looked up in PATH) on conninfo, with the
 * user's own arguments (appdb psql -- ARGS; NULL: none) after it.  Returns
 * only if psql could not be run, with errno set.
 */
void		exec_psql(const char *psql, const char *conninfo, char *const *args);

/* A random password of letters and digits (from getrandom). */
char	   *random_password(void);
void		wipe_free(char *secret);

#endif							/* APPDB_UTIL_H */
