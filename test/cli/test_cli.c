/*
 * test/cli/test_cli.c
 *		The CLI's unit tests: main, and stderr captured around the calls
 *		whose messages are part of what they do (appdb prints every error
 *		through cli/msgs.c to stderr).
 *
 *   make test/cli/test_cli test/cli/test_cli_asan
 *
 * A failing case prints "FAIL <case>: <what>"; the last line is
 * "cli: N passed, M failed", and the exit status is 1 when M > 0.
 */
#define UNIT_MAIN
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/cli/test_cli.h"
#include "test/unit.h"

static FILE *captured;
static int	saved_stderr = -1;

void
capture_start(void)
{
	fflush(stderr);
	captured = tmpfile();
	if (captured == NULL)
	{
		perror("test_cli: tmpfile");
		exit(2);
	}
	saved_stderr = dup(2);
	dup2(fileno(captured), 2);
}

char *
capture_end(void)
{
	long		n;
	char	   *text;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	n = ftell(captured);
	text = malloc((size_t) n + 1);
	rewind(captured);
	if (text == NULL || fread(text, 1, (size_t) n, captured) != (size_t) n)
	{
		perror("test_cli: reading stderr back");
		exit(2);
	}
	text[n] = '\0';
	fclose(captured);
	return text;
}

void
render_add(char *buf, size_t size, const char *key, const char *value)
{
	size_t		len = strlen(buf);

	snprintf(buf + len, size - len, "%s%s=%s", len ? " " : "", key, value);
}

int
main(void)
{
	options_tests();
	envconfig_tests();
	return unit_summary("cli");
}
