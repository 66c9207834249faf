/*
 * test/core/test_core.c
 *		The unit tests of core/, one file per module
 *		(test/core/test_<module>.c), all over hand-built snapshots and the
 *		fake executor (test/core/fake_exec.c): no database.  This file holds
 *		main, the arena each case runs in, and the shared string helpers.
 *
 * Built by the Makefile from core/libappdb_core.a:
 *
 *   make test/core/test_core test/core/test_core_asan
 *   valgrind --error-exitcode=1 --leak-check=full test/core/test_core
 *
 * A passing case prints nothing; a failing one prints "FAIL <case>: <what>".
 * The last line is "core: N passed, M failed" (N, M count cases); the exit
 * status is 1 when M > 0, else 0.  Every case gets its own arena, freed with
 * app_mem_free_all() after it, so valgrind reports no leak.
 */
#define UNIT_MAIN
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

#include "test/core/test_core.h"
#include "test/unit.h"

static void *
t_alloc(void *state, size_t size)
{
	void	   *p = malloc(size ? size : 1);

	(void) state;
	if (p == NULL)
	{
		fprintf(stderr, "test_core: out of memory\n");
		exit(2);
	}
	return p;
}

static void
t_free(void *state, void *ptr)
{
	(void) state;
	free(ptr);
}

const struct app_allocator allocator = {t_alloc, t_free, NULL};

void
run_case(const char *name, case_fn fn, const void *arg)
{
	struct app_mem mem;

	begin_case(name);
	app_mem_init(&mem, &allocator);
	fn(&mem, arg);
	app_mem_free_all(&mem);
	end_case();
}

char *
S(struct app_mem *mem, const char *s)
{
	return s ? app_strdup(mem, s) : NULL;
}

bool
has(const char *haystack, const char *needle)
{
	return haystack != NULL && strstr(haystack, needle) != NULL;
}

bool
ends_with(const char *s, const char *suffix)
{
	size_t		a,
				b;

	if (s == NULL)
		return false;
	a = strlen(s);
	b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

const char *
nz(const char *s)
{
	return s ? s : "(null)";
}

/* Compare a list of statements with a NULL-terminated expectation. */
void
expect_list(const char *what, const struct app_strlist *got,
			const char *const *want)
{
	int			nwant = 0;
	int			i;

	while (want[nwant])
		nwant++;
	for (i = 0; i < got->n && i < nwant; i++)
		if (strcmp(got->items[i], want[i]) != 0)
		{
			fail("%s: item %d is [%s], want [%s]", what, i, got->items[i], want[i]);
			return;
		}
	if (got->n > nwant)
		fail("%s: %d items, want %d; first extra: [%s]", what, got->n, nwant,
			 got->items[nwant]);
	else if (got->n < nwant)
		fail("%s: %d items, want %d; first missing: [%s]", what, got->n, nwant,
			 want[got->n]);
}

int
main(void)
{
	quote_tests();
	config_tests();
	plan_tests();
	report_tests();
	checks_tests();
	catalog_tests();
	run_tests();
	mem_tests();
	readonly_tests();
	return unit_summary("core");
}
