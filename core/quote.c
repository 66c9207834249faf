/*
 * core/quote.c
 *		Identifier quoting, and the %I formatter that plan and checks build
 *		their statements and details with.
 *
 * Every identifier is double-quoted, always: deciding when quotes may be left
 * out needs the server's keyword list, and a quoted identifier means the same
 * on every version.  Callers validate names first (config.c); quoting only
 * makes a name safe, it never changes which object it names.
 */
#include "quote.h"

#include <string.h>

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

/*
 * Append s to buf as a string literal, as PostgreSQL's quote_literal: quotes
 * doubled, and a backslash doubled under E'' so that the literal means the
 * same whatever standard_conforming_strings says.
 */
void
app_quote_literal(struct app_buf *buf, const char *s)
{
	const char *p;

	app_buf_append(buf, strchr(s, '\\') ? "E'" : "'");
	for (p = s; *p; p++)
	{
		if (*p == '\'' || *p == '\\')
			app_buf_append_len(buf, p, 1);
		app_buf_append_len(buf, p, 1);
	}
	app_buf_append_len(buf, "'", 1);
}

/* app_quote_printf over a va_list. */
void
app_quote_vprintf(struct app_buf *buf, const char *fmt, va_list args)
{
	const char *f;

	for (f = fmt; *f; f++)
	{
		if (f[0] == '%' && f[1] == 'I')
			app_quote_ident(buf, va_arg(args, const char *));
		else if (f[0] == '%' && f[1] == 'L')
			app_quote_literal(buf, va_arg(args, const char *));
		else if (f[0] == '%' && f[1] == 's')
			app_buf_append(buf, va_arg(args, const char *));
		else if (f[0] == '%' && f[1] == 'd')
			app_buf_printf(buf, "%d", va_arg(args, int));
		else
		{
			app_buf_append_len(buf, f, 1);
			continue;
		}
		f++;
	}
}

/* Append fmt with %I, %s and %d filled in; see quote.h. */
void
app_quote_printf(struct app_buf *buf, const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	app_quote_vprintf(buf, fmt, args);
	va_end(args);
}
