/*
 * cli/aws/util.c
 *		The AWS client's small helpers (see util.h); cli/util.c calls them too.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

static void (*out_of_memory) (void) = NULL;

static void (*say_fn) (enum aws_say kind, const char *msg, void *arg) = NULL;
static void *say_arg = NULL;
static bool say_trace = false;

void
aws_set_out_of_memory(void (*fn) (void))
{
	out_of_memory = fn;
}

void *
aws_xmalloc(size_t size)
{
	void	   *p = malloc(size ? size : 1);

	if (p != NULL)
		return p;
	if (out_of_memory)
		out_of_memory();
	abort();
}

char *
aws_xstrdup(const char *s)
{
	size_t		n = strlen(s) + 1;

	return memcpy(aws_xmalloc(n), s, n);
}

char *
aws_str_vprintf(const char *fmt, va_list args)
{
	va_list		again;
	int			n;
	char	   *out;

	va_copy(again, args);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	out = aws_xmalloc((size_t) n + 1);
	vsnprintf(out, (size_t) n + 1, fmt, args);
	return out;
}

char *
aws_str_printf(const char *fmt,...)
{
	va_list		args;
	char	   *out;

	va_start(args, fmt);
	out = aws_str_vprintf(fmt, args);
	va_end(args);
	return out;
}

char *
aws_read_file(const char *path)
{
	FILE	   *f = fopen(path, "r");
	char	   *buf;
	size_t		len = 0;
	size_t		cap = 4096;
	size_t		n;

	if (f == NULL)
		return NULL;
	buf = aws_xmalloc(cap);
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0)
	{
		len += n;
		if (cap - len - 1 == 0)
		{
			char	   *bigger;

			if (cap > (size_t) 16 << 20)
			{
				free(buf);
				fclose(f);
				errno = EFBIG;
				return NULL;
			}
			cap *= 2;
			bigger = aws_xmalloc(cap);
			memcpy(bigger, buf, len);
			free(buf);
			buf = bigger;
		}
	}
	buf[len] = '\0';
	if (ferror(f))
	{
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	return buf;
}

/*
 * Everything a program prints on stdout (its stderr passes through, or is
 * dropped), or NULL if it could not run or exited non-zero.
 */
char *
aws_run_capture(char *const argv[], bool keep_stderr)
{
	int			fds[2];
	pid_t		pid;
	char	   *buf;
	size_t		cap = 4096;
	size_t		len = 0;
	ssize_t		n;
	int			status;

	if (pipe(fds) != 0)
		return NULL;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return NULL;
	if (pid == 0)
	{
		int			devnull = open("/dev/null", O_RDWR);

		dup2(devnull, STDIN_FILENO);
		dup2(fds[1], STDOUT_FILENO);
		if (!keep_stderr)
			dup2(devnull, STDERR_FILENO);
		close(fds[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	buf = aws_xmalloc(cap);
	while ((n = read(fds[0], buf + len, cap - len - 1)) > 0)
	{
		len += (size_t) n;
		if (cap - len - 1 == 0 && cap < ((size_t) 1 << 20))
		{
			char	   *bigger = aws_xmalloc(cap * 2);

			memcpy(bigger, buf, len);
			explicit_bzero(buf, cap);
			free(buf);
			buf = bigger;
			cap *= 2;
		}
		else if (cap - len - 1 == 0)
			break;				/* over 1 MiB: not what we asked for */
	}
	close(fds[0]);
	buf[len] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
	{
		aws_wipe_free(buf);
		return NULL;
	}
	return buf;
}

void
aws_wipe_free(char *secret)
{
	if (secret)
	{
		explicit_bzero(secret, strlen(secret));
		free(secret);
	}
}

void
aws_set_say(void (*fn) (enum aws_say kind, const char *msg, void *arg), void *arg, bool trace)
{
	say_fn = fn;
	say_arg = arg;
	say_trace = trace;
}

/* Whether traces are wanted: callers skip building what nobody reads. */
bool
aws_tracing(void)
{
	return say_fn != NULL && say_trace;
}

bool
aws_set_tracing(bool on)
{
	bool		was = say_trace;

	say_trace = on;
	return was;
}

static void
say(enum aws_say kind, const char *fmt, va_list args)
{
	char	   *msg = aws_str_vprintf(fmt, args);

	say_fn(kind, msg, say_arg);
	free(msg);
}

void
aws_trace(const char *fmt,...)
{
	va_list		args;

	if (!aws_tracing())
		return;
	va_start(args, fmt);
	say(AWS_SAY_TRACE, fmt, args);
	va_end(args);
}

void
aws_warn(const char *fmt,...)
{
	va_list		args;

	if (say_fn == NULL)
		return;
	va_start(args, fmt);
	say(AWS_SAY_WARNING, fmt, args);
	va_end(args);
}

void
aws_say(enum aws_say kind, const char *fmt,...)
{
	va_list		args;

	if (say_fn == NULL || (kind == AWS_SAY_TRACE && !say_trace))
		return;
	va_start(args, fmt);
	say(kind, fmt, args);
	va_end(args);
}

bool
aws_json_plain_string(struct json_object *v)
{
	return json_object_is_type(v, json_type_string) &&
		strlen(json_object_get_string(v)) == (size_t) json_object_get_string_len(v);
}
