/*
 * core/quote.h
 *		The one function that puts an identifier into SQL text.
 */
#ifndef APP_QUOTE_H
#define APP_QUOTE_H

#include "mem.h"

/* Longest identifier PostgreSQL keeps (NAMEDATALEN - 1). */
#define APP_MAX_IDENT_BYTES 63

void		app_quote_ident(struct app_buf *buf, const char *ident);

#endif							/* APP_QUOTE_H */
