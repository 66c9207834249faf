/*
 * test/core/test_mem.c
 *		The memory helpers the core relies on (core/mem.c, core/rows.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/exec.h"
#include "core/mem.h"

#include "test/core/fake_exec.h"
#include "test/core/test_core.h"
#include "test/unit.h"

static void
test_mem(struct app_mem *mem, const void *arg)
{
	struct app_buf buf;
	struct app_strlist list = {0};
	char	   *p;
	int			i;

	(void) arg;
	app_buf_init(&buf, mem);
	for (i = 0; i < 1000; i++)
		app_buf_printf(&buf, "%d,", i % 10);
	EXPECT(buf.len == 2000 && strlen(buf.data) == 2000, "buf len %zu", buf.len);
	EXPECT(strncmp(buf.data, "0,1,2,", 6) == 0, "buf starts %.6s", buf.data);

	p = app_alloc(mem, 16);
	memcpy(p, "0123456789abcdef", 16);
	p = app_realloc(mem, p, 64);
	EXPECT(memcmp(p, "0123456789abcdef", 16) == 0, "realloc lost contents");
	for (i = 16; i < 64; i++)
		if (p[i] != 0)
		{
			fail("realloc byte %d not zeroed", i);
			break;
		}
	p = app_realloc(mem, p, 4);
	EXPECT(memcmp(p, "0123", 4) == 0, "shrinking realloc lost contents");
	app_free(mem, p);
	app_free(mem, NULL);

	app_strlist_add(mem, &list, S(mem, "b"));
	app_strlist_add(mem, &list, S(mem, "B"));
	app_strlist_add(mem, &list, S(mem, "a"));
	app_strlist_add(mem, &list, S(mem, "_"));
	app_strlist_sort(&list);
	{
		static const char *const want[] = {"B", "_", "a", "b", NULL};

		expect_list("bytewise sort", &list, want);
	}
}

static void
test_rows(struct app_mem *mem, const void *arg)
{
	struct app_rows rows;

	(void) arg;
	app_rows_init(mem, &rows, 2, 2, strlen("x") + 1 + strlen("") + 1 + strlen("yz") + 1);
	app_rows_set(&rows, 0, 0, "x");
	app_rows_set(&rows, 0, 1, NULL);
	app_rows_set(&rows, 1, 0, "");
	app_rows_set(&rows, 1, 1, "yz");
	EXPECT(strcmp(APP_CELL(&rows, 0, 0), "x") == 0, "cell 0,0");
	EXPECT(APP_CELL(&rows, 0, 1) == NULL, "NULL cell not NULL");
	EXPECT(strcmp(APP_CELL(&rows, 1, 0), "") == 0, "cell 1,0");
	EXPECT(strcmp(APP_CELL(&rows, 1, 1), "yz") == 0, "cell 1,1");
	app_rows_free(mem, &rows);
	EXPECT(rows.cells == NULL && rows.nrows == 0, "rows not cleared");
	EXPECT(mem->blocks == NULL, "rows block not freed");
}

/* The mem cases, in order. */
void
mem_tests(void)
{
	run_case("mem: buffer, realloc, bytewise sort", test_mem, NULL);
	run_case("rows: cells and NULL", test_rows, NULL);
}
