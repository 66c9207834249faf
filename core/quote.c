/*
 * core/quote.c
 *		Identifier quoting.
 *
 * Every identifier is double-quoted, always: deciding when quotes may be left
 * out needs the server's keyword list, and a quoted identifier means the same
 * on every version.  Callers validate names first (config.c); quoting only
 * makes a name safe, it never changes which object it names.
 */
#include "quote.h"

/* Append ident to buf as a double-quoted SQL identifier. */
void
app_quote_ident(struct app_buf *buf, const char *ident)
{
	const char *p;

	app_buf_append_len(buf, "\"", 1);
	for (p = ident; *p; p++)
	{
		if (*p == '"')
			app_buf_append_len(buf, "\"\"", 2);
		else
			app_buf_append_len(buf, p, 1);
	}
	app_buf_append_len(buf, "\"", 1);
}
