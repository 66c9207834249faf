/*
 * test/core/test_quote.c
 *		Identifier quoting (core/quote.c): the one function that puts a name
 *		into SQL.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/quote.h"

#include "test/core/fake_exec.h"
#include "test/core/test_core.h"
#include "test/unit.h"

struct quote_case
{
	const char *name;
	const char *prefix;			/* already in the buffer */
	const char *ident;
	const char *want;
};

static const struct quote_case quote_cases[] = {
	{"quote: plain name", "", "app", "\"app\""},
	{"quote: embedded double quote doubled", "", "a\"b", "\"a\"\"b\""},
	{"quote: only double quotes", "", "\"\"", "\"\"\"\"\"\""},
	{"quote: 63-byte name unchanged", "", NAME63, "\"" NAME63 "\""},
	{"quote: spaces kept", "", "my table", "\"my table\""},
	{"quote: dashes kept", "", "app-user", "\"app-user\""},
	{"quote: uppercase kept", "", "Order", "\"Order\""},
	{"quote: keyword still quoted", "", "select", "\"select\""},
	{"quote: single quote and backslash untouched", "", "o'k\\", "\"o'k\\\""},
	{"quote: UTF-8 bytes untouched", "", "caf\xc3\xa9", "\"caf\xc3\xa9\""},
	{"quote: appends to what the buffer holds", "\"app\".", "t", "\"app\".\"t\""},
};

static void
test_quote(struct app_mem *mem, const void *arg)
{
	const struct quote_case *c = arg;
	struct app_buf buf;

	app_buf_init(&buf, mem);
	app_buf_append(&buf, c->prefix);
	app_quote_ident(&buf, c->ident);
	EXPECT(strcmp(buf.data, c->want) == 0, "got [%s], want [%s]", buf.data, c->want);
	EXPECT(buf.len == strlen(c->want), "len %zu, want %zu", buf.len, strlen(c->want));
}

/* A long name makes the buffer grow several times. */
static void
test_quote_long(struct app_mem *mem, const void *arg)
{
	struct app_buf buf;
	char		ident[1001];
	int			i;

	(void) arg;
	for (i = 0; i < 1000; i++)
		ident[i] = (i % 10 == 9) ? '"' : 'x';
	ident[1000] = '\0';
	app_buf_init(&buf, mem);
	app_quote_ident(&buf, ident);
	EXPECT(buf.len == 1000 + 100 + 2, "len %zu, want 1102", buf.len);
	EXPECT(buf.data[0] == '"' && buf.data[buf.len - 1] == '"', "not enclosed in quotes");
	EXPECT(has(buf.data, "xxxxxxxxx\"\"xxxxxxxxx\"\"x"), "quotes not doubled");
}

/* Literals, as quote_literal makes them. */
static void
test_quote_literal(struct app_mem *mem, const void *arg)
{
	static const char *const cases[][2] = {
		{"plain", "'plain'"}, {"o'k", "'o''k'"}, {"a\\b", "E'a\\\\b'"},
		{"'\\'", "E'''\\\\'''"}, {"", "''"},
	};
	size_t		i;

	(void) arg;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		struct app_buf buf;

		app_buf_init(&buf, mem);
		app_quote_printf(&buf, "IS %L", cases[i][0]);
		EXPECT(strncmp(buf.data, "IS ", 3) == 0 && strcmp(buf.data + 3, cases[i][1]) == 0,
			   "[%s]: got [%s], want [IS %s]", cases[i][0], buf.data, cases[i][1]);
	}
}

/* The quote cases, in order. */
void
quote_tests(void)
{
	size_t		i;

	for (i = 0; i < sizeof(quote_cases) / sizeof(quote_cases[0]); i++)
		run_case(quote_cases[i].name, test_quote, &quote_cases[i]);
	run_case("quote: 1000-byte name with quotes", test_quote_long, NULL);
	run_case("quote: literals, as quote_literal makes them", test_quote_literal, NULL);
}
