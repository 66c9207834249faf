/*
 * test/cli/test_cli.h
 *		What the CLI's unit tests share (test/cli/test_cli.c): stderr
 *		captured around a call, and each file's list of cases
 *		(test/cli/test_<file>.c, for cli/<file>.c).  They link appdb's own
 *		objects without its AWS side, as curl's tests/tunit link the tool's.
 */
#ifndef APPDB_TEST_CLI_H
#define APPDB_TEST_CLI_H

#include <stddef.h>

/* Send stderr to a temporary file until capture_end(). */
void		capture_start(void);

/* What was written to stderr since capture_start(); the caller frees it. */
char	   *capture_end(void);

/* Append " key=value" to buf (no space first): a result rendered in one line. */
void		render_add(char *buf, size_t size, const char *key, const char *value);

/* Each file's cases. */
void		options_tests(void);
void		envconfig_tests(void);

#endif							/* APPDB_TEST_CLI_H */
