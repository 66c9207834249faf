/*
 * test/unit.h
 *		The check harness every C test program shares (test/core, test/cli,
 *		test/aws): the counters, the FAIL lines, and the closing
 *		"NAME: N passed, M failed" line that test/run_all.sh tallies.
 *
 * Two shapes of test use it.  A case groups checks and counts once:
 * begin_case(name), then EXPECT(cond, fmt, ...) or fail(fmt, ...), then
 * end_case().  A standalone check counts by itself: check(ok, name, fmt,
 * ...).  The names are short, as in curl's tests/unit/curlcheck.h, since
 * every test line uses them.  A failure prints "FAIL <name>: <what>"
 * (a case with no name prints "FAIL <what>"); a case shows at most
 * UNIT_MAX_FAIL_LINES of them, so one broken table does not bury the rest.
 * A pass prints nothing, unless unit.show_passes ("ok   <name>").
 * unit_summary(suite) prints the last line and gives the exit status.
 *
 * A program of several files defines UNIT_MAIN in the one that holds main,
 * before including this, so the counters exist once.
 */
#ifndef APPDB_TEST_UNIT_H
#define APPDB_TEST_UNIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#define UNIT_MAX_FAIL_LINES 8

struct unit_state
{
	const char *name;			/* the current case's, or NULL */
	int			case_failures;	/* failures of the current case */
	int			passed;			/* cases and standalone checks */
	int			failed;
	bool		show_passes;
};

extern struct unit_state unit;

#ifdef UNIT_MAIN
struct unit_state unit;
#endif

/* Start a case; its checks count as one. */
static inline void
begin_case(const char *name)
{
	unit.name = name;
	unit.case_failures = 0;
}

/* Print one FAIL line of the current case, if it is among the first few. */
static inline void
unit_vfail(const char *fmt, va_list args)
{
	unit.case_failures++;
	if (unit.case_failures > UNIT_MAX_FAIL_LINES)
		return;
	fputs("FAIL ", stdout);
	if (unit.name)
		printf("%s: ", unit.name);
	if (unit.case_failures == UNIT_MAX_FAIL_LINES)
	{
		fputs("(further failures of this case not shown)\n", stdout);
		return;
	}
	vprintf(fmt, args);
	putchar('\n');
}

/* Record a failure of the current case. */
static inline void
__attribute__((format(printf, 1, 2)))
fail(const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	unit_vfail(fmt, args);
	va_end(args);
}

#define EXPECT(cond, ...) \
	do { if (!(cond)) fail(__VA_ARGS__); } while (0)

/* Count the current case: passed when none of its checks failed. */
static inline bool
end_case(void)
{
	bool		ok = unit.case_failures == 0;

	if (ok)
	{
		unit.passed++;
		if (unit.show_passes && unit.name)
			printf("ok   %s\n", unit.name);
	}
	else
		unit.failed++;
	unit.name = NULL;
	unit.case_failures = 0;
	fflush(stdout);
	return ok;
}

/*
 * A check that is a case of its own; returns ok.  (No format attribute:
 * an empty fmt, for a check whose name says it all, is fine here.)
 */
static inline bool
check(bool ok, const char *name, const char *fmt,...)
{
	va_list		args;

	begin_case(name);
	if (!ok)
	{
		va_start(args, fmt);
		unit_vfail(fmt, args);
		va_end(args);
	}
	return end_case();
}

/* Print "SUITE: N passed, M failed"; the exit status, 1 when M > 0. */
static inline int
unit_summary(const char *suite)
{
	printf("%s: %d passed, %d failed\n", suite, unit.passed, unit.failed);
	return unit.failed > 0 ? 1 : 0;
}

#endif							/* APPDB_TEST_UNIT_H */
