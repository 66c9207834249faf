/*
 * cli/main.c
 *		appdb: parse the command line, run the command, return its code.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "appdb.h"

int
main(int argc, char **argv)
{
	int			code;

	/* the codeset only: the checks' marks (output_mark); numbers stay C's */
	setlocale(LC_CTYPE, "");
	code = appdb_main(argc, argv);

	/* a lost write (a full disk, a closed pipe) is an error too */
	if (fflush(stdout) != 0 || ferror(stdout))
	{
		fputs("appdb: error: could not write the output\n", stderr);
		if (code == 0)
			code = 3;
	}
	return code;
}
