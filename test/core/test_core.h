/*
 * test/core/test_core.h
 *		What the core's unit tests share (test/core/test_core.c): a case
 *		runs in its own arena, a few string helpers, and each module's list
 *		of cases (test/core/test_<module>.c).  The fake executor is in
 *		test/core/fake_exec.h, the check macros in test/unit.h.
 */
#ifndef APPDB_TEST_CORE_H
#define APPDB_TEST_CORE_H

#include <stdbool.h>

#include "core/mem.h"

/* 63 and 64 bytes */
#define NAME63 "a123456789b123456789c123456789d123456789e123456789f123456789xyz"
#define NAME64 NAME63 "Z"

#define NELEM(a) ((int) (sizeof(a) / sizeof((a)[0])))

typedef void (*case_fn) (struct app_mem *mem, const void *arg);

/* Run one case in a fresh arena, freed after it (valgrind sees no leak). */
void		run_case(const char *name, case_fn fn, const void *arg);

char	   *S(struct app_mem *mem, const char *s);
bool		has(const char *haystack, const char *needle);
bool		ends_with(const char *s, const char *suffix);
const char *nz(const char *s);
void		expect_list(const char *what, const struct app_strlist *got,
						const char *const *want);

/* malloc, for the arenas of the cases */
extern const struct app_allocator allocator;

/* The statements setup runs on a fresh 15 and 16 database (test_plan.c). */
extern const char *const want_empty15[];
extern const char *const want_empty16[];

/* Each module's cases, in the order main runs them. */
void		quote_tests(void);
void		config_tests(void);
void		plan_tests(void);
void		readonly_tests(void);

/* test_checks.c: a check of a run by its name, or NULL */
struct app_checks;
struct app_check;
const struct app_check *find_check(const struct app_checks *c, const char *name);
void		report_tests(void);
void		checks_tests(void);
void		catalog_tests(void);
void		run_tests(void);
void		mem_tests(void);

#endif							/* APPDB_TEST_CORE_H */
