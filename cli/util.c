/*
 * cli/util.c
 *		Helpers: allocation that never returns NULL, files, processes, secrets.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aws/util.h"
#include "msgs.h"

static void *
malloc_alloc(void *state, size_t size)
{
	(void) state;
	return xmalloc(size);
}

static void
malloc_free(void *state, void *ptr)
{
	(void) state;
	free(ptr);
}

const struct app_allocator malloc_allocator = {malloc_alloc, malloc_free, NULL};

/* The CLI's answer to running out of memory, for its allocations and the AWS client's. */
static void
out_of_memory(void)
{
	fputs("appdb: error: out of memory\n", stderr);
	exit(EXIT_FAILURE_REMOTE);
}

__attribute__((constructor))
static void
install_out_of_memory(void)
{
	aws_set_out_of_memory(out_of_memory);
}

/* The allocation, string and file helpers are the AWS client's (cli/aws/util.c). */
void *
xmalloc(size_t size)
{
	return aws_xmalloc(size);
}

char *
xstrdup(const char *s)
{
	return aws_xstrdup(s);
}

void
list_append(char **list, const char *item)
{
	char	   *more = str_printf("%s%s%s", *list ? *list : "", *list ? ", " : "", item);

	free(*list);
	*list = more;
}

char *
str_vprintf(const char *fmt, va_list args)
{
	return aws_str_vprintf(fmt, args);
}

void
strv_add(char ***list, const char *s)
{
	size_t		n = strv_len(*list);
	char	  **bigger = xmalloc(sizeof(char *) * (n + 2));

	if (n)
		memcpy(bigger, *list, sizeof(char *) * n);
	bigger[n] = xstrdup(s);
	bigger[n + 1] = NULL;
	free(*list);
	*list = bigger;
}

size_t
strv_len(char *const *list)
{
	size_t		n = 0;

	while (list && list[n])
		n++;
	return n;
}

void
strv_free(char ***list)
{
	size_t		i;

	for (i = 0; *list && (*list)[i]; i++)
		free((*list)[i]);
	free(*list);
	*list = NULL;
}

char *
read_file(const char *path)
{
	return aws_read_file(path);
}

int
mkdir_parents(const char *path, mode_t mode)
{
	char	   *copy = xstrdup(path);
	char	   *p;
	int			rc = 0;

	for (p = copy + 1; *p && rc == 0; p++)
		if (*p == '/')
		{
			*p = '\0';
			if (mkdir(copy, mode) != 0 && errno != EEXIST)
				rc = -1;
			*p = '/';
		}
	if (rc == 0 && mkdir(copy, mode) != 0 && errno != EEXIST)
		rc = -1;
	free(copy);
	return rc;
}

/* Write text to path through a temporary file and rename, creating parents. */
int
write_file_atomic(const char *path, const char *text, mode_t mode)
{
	char	   *dir = xstrdup(path);
	char	   *slash = strrchr(dir, '/');
	char	   *tmp = str_printf("%s.tmp.%d", path, (int) getpid());
	size_t		len = strlen(text);
	int			fd;
	int			rc = -1;

	if (slash && slash != dir)
	{
		*slash = '\0';
		if (mkdir_parents(dir, 0755) != 0)
			goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		goto out;
	if (fchmod(fd, mode) != 0 ||
		write(fd, text, len) != (ssize_t) len ||
		(len > 0 && text[len - 1] != '\n' && write(fd, "\n", 1) != 1) ||
		fsync(fd) != 0)
	{
		int			saved = errno;

		close(fd);
		unlink(tmp);
		errno = saved;
		goto out;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0)
	{
		int			saved = errno;

		unlink(tmp);
		errno = saved;
		goto out;
	}
	rc = 0;
out:
	free(dir);
	free(tmp);
	return rc;
}

/* rm -rf path; a symlink is removed, not followed. */
int
remove_tree(const char *path)
{
	char	   *argv[] = {"/bin/rm", "-rf", "--", (char *) path, NULL};

	return run_program(NULL, argv, NULL) == 0 ? 0 : -1;
}

char *
absolute_path(const char *path)
{
	char		cwd[PATH_MAX];

	if (path[0] == '/')
		return xstrdup(path);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return xstrdup(path);
	return str_printf("%s/%s", cwd, path);
}

/*
 * path made absolute, with ".", ".." and symbolic links resolved as far as it
 * exists (the rest is joined as written), so that one file has one name
 * whichever directory it is named from.
 */
char *
canonical_path(const char *path)
{
	char	   *abs = absolute_path(path);
	char	   *real = realpath(abs, NULL);
	char	   *slash;
	char	   *head;
	char	   *out;

	if (real)
	{
		free(abs);
		return real;
	}
	slash = strrchr(abs, '/');
	if (slash == abs)			/* "/name": "/" exists */
		return abs;
	*slash = '\0';
	head = canonical_path(abs);
	if (strcmp(slash + 1, "..") == 0)
	{
		char	   *up = strrchr(head, '/');

		up[up == head ? 1 : 0] = '\0';
		out = xstrdup(head);
	}
	else if (slash[1] == '\0' || strcmp(slash + 1, ".") == 0)
		out = xstrdup(head);
	else
		out = str_printf("%s%s%s", head, strcmp(head, "/") == 0 ? "" : "/", slash + 1);
	free(head);
	free(abs);
	return out;
}

int
lookup_os_user(const char *name, struct os_user *user)
{
	struct passwd *pw = getpwnam(name);

	if (pw == NULL)
		return -1;
	user->uid = pw->pw_uid;
	user->gid = pw->pw_gid;
	user->name = xstrdup(pw->pw_name);
	return 0;
}

int
run_program(const struct os_user *user, char *const argv[], const char *log_path)
{
	pid_t		pid;
	int			status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
	{
		int			in = open("/dev/null", O_RDONLY);
		int			out = log_path ? open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600)
			: open("/dev/null", O_WRONLY);

		if (in < 0 || out < 0)
			_exit(126);
		dup2(in, STDIN_FILENO);
		dup2(out, STDOUT_FILENO);
		dup2(out, STDERR_FILENO);
		if (user && getuid() == 0)
		{
			if (initgroups(user->name, user->gid) != 0 || setgid(user->gid) != 0 ||
				setuid(user->uid) != 0)
				_exit(126);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status) == 127 ? -1 : WEXITSTATUS(status);
	return -1;
}

/* The first line a program prints (a path from pg_config, a version). */
char *
run_capture(char *const argv[])
{
	char	   *out = aws_run_capture(argv, false);

	if (out)
		out[strcspn(out, "\n")] = '\0';
	return out;
}

char *
random_password(void)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char raw[32];
	char	   *pw = xmalloc(sizeof(raw) + 1);
	size_t		i;

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t) sizeof(raw))
	{
		fputs("appdb: error: cannot read random bytes for a password\n", stderr);
		exit(EXIT_FAILURE_REMOTE);
	}
	/* 62 * 4 = 248 < 256: reject the top bytes to keep every letter equally likely */
	for (i = 0; i < sizeof(raw); i++)
	{
		while (raw[i] >= 248)
			if (getrandom(&raw[i], 1, 0) != 1)
				exit(EXIT_FAILURE_REMOTE);
		pw[i] = alphabet[raw[i] % 62];
	}
	pw[sizeof(raw)] = '\0';
	explicit_bzero(raw, sizeof(raw));
	return pw;
}

void
wipe_free(char *secret)
{
	aws_wipe_free(secret);
}

char *
uri_encode(const char *s, const char *keep)
{
	char	   *d = xmalloc(strlen(s) * 3 + 1);
	char	   *o = d;

	for (; *s; s++)
	{
		unsigned char ch = (unsigned char) *s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			(ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' ||
			ch == '~' || (ch && strchr(keep, ch)))
			*o++ = (char) ch;
		else
		{
			snprintf(o, 4, "%%%02X", ch);
			o += 3;
		}
	}
	*o = '\0';
	return d;
}

void
exec_psql(const char *psql, const char *conninfo, char *const *args)
{
	size_t		n = strv_len(args);
	char	  **argv = xmalloc(sizeof(char *) * (n + 4));
	int			saved;

	argv[0] = (char *) psql;
	argv[1] = "-d";				/* conninfo as psql's -d takes it: a URL or key=value pairs */
	argv[2] = (char *) conninfo;
	if (n)
		memcpy(argv + 3, args, sizeof(char *) * n);
	argv[n + 3] = NULL;
	fflush(stdout);
	execvp(psql, argv);
	saved = errno;
	free(argv);
	errno = saved;
}
