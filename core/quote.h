/*
 * core/quote.h
 *		The one place that puts an identifier into SQL text (and into the
 *		checks' details, which name objects the same way).
 */
#ifndef APP_QUOTE_H
#define APP_QUOTE_H

#include <stdarg.h>

#include "mem.h"

/* Longest identifier PostgreSQL keeps (NAMEDATALEN - 1). */
#define APP_MAX_IDENT_BYTES 63

void		app_quote_ident(struct app_buf *buf, const char *ident);
void		app_quote_literal(struct app_buf *buf, const char *s);

/*
 * Append fmt to buf, like PostgreSQL's format(): %I takes a string and
 * appends it quoted as an identifier, %L a string as a literal, %s a string from the core itself
 * (never user input) as it is, %d an int.  Anything else is copied.
 */
void		app_quote_printf(struct app_buf *buf, const char *fmt,...);
void		app_quote_vprintf(struct app_buf *buf, const char *fmt, va_list args);

#endif							/* APP_QUOTE_H */
