/*
 * cli/msgs.c
 *		Messages: "appdb: " then a lower-case message, no final period.
 */
#include "msgs.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

bool		msgs_quiet = false;
bool		msgs_verbose = false;
bool		msgs_progress = true;

static struct timespec progress_start;
static bool progress_open = false;

static void
emit(const char *prefix, const char *fmt, va_list args)
{
	if (progress_open)
		progress_done();
	fputs("appdb: ", stderr);
	if (prefix)
		fputs(prefix, stderr);
	vfprintf(stderr, fmt, args);
	fputc('\n', stderr);
}

void
errorf(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	emit("error: ", fmt, args);
	va_end(args);
}

void
hintf(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	emit("hint: ", fmt, args);
	va_end(args);
}

void
warnf(const char *fmt,...)
{
	va_list		args;

	if (msgs_quiet)
		return;
	va_start(args, fmt);
	emit("warning: ", fmt, args);
	va_end(args);
}

void
notef(const char *fmt,...)
{
	va_list		args;

	if (msgs_quiet)
		return;
	va_start(args, fmt);
	emit(NULL, fmt, args);
	va_end(args);
}

void
verbosef(const char *fmt,...)
{
	va_list		args;

	if (!msgs_verbose)
		return;
	va_start(args, fmt);
	emit(NULL, fmt, args);
	va_end(args);
}

/*
 * A long step begins.  On a terminal the line stays open and progress_done()
 * finishes it with the elapsed time; elsewhere it is a plain line.
 */
void
progressf(const char *fmt,...)
{
	va_list		args;

	if (msgs_quiet || !msgs_progress)
		return;
	if (progress_open)
		progress_done();
	va_start(args, fmt);
	fputs("appdb: ", stderr);
	vfprintf(stderr, fmt, args);
	va_end(args);
	if (isatty(STDERR_FILENO))
	{
		fputs("...", stderr);
		clock_gettime(CLOCK_MONOTONIC, &progress_start);
		progress_open = true;
	}
	else
		fputc('\n', stderr);
	fflush(stderr);
}

void
progress_done(void)
{
	struct timespec now;

	if (!progress_open)
		return;
	progress_open = false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	fprintf(stderr, " done (%.1f s)\n",
			(double) (now.tv_sec - progress_start.tv_sec) +
			(double) (now.tv_nsec - progress_start.tv_nsec) / 1e9);
}

int
usage_error(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	emit(NULL, fmt, args);
	va_end(args);
	fputs("Try \"appdb --help\" for more information.\n", stderr);
	return EXIT_USAGE;
}

static void
emit_line(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	emit(NULL, fmt, args);
	va_end(args);
}

int
usage_error_see(const char *command, const char *fmt,...)
{
	va_list		args;
	char		msg[1024];

	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	emit_line("%s (see \"appdb %s%s--help\")", msg, command ? command : "", command ? " " : "");
	return EXIT_USAGE;
}
