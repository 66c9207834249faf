/*
 * cli/aws_report.c
 *		The AWS client's errors, traces and warnings, shown the CLI's way
 *		(see aws_report.h).
 */
#include "aws_report.h"

#include "aws/util.h"
#include "msgs.h"

static void
say(enum aws_say kind, const char *msg, void *arg)
{
	(void) arg;
	switch (kind)
	{
		case AWS_SAY_TRACE:
			verbosef("%s", msg);
			break;
		case AWS_SAY_WARNING:
			warnf("%s", msg);
			break;
		case AWS_SAY_ERROR:
			errorf("%s", msg);
			break;
		case AWS_SAY_HINT:
			hintf("%s", msg);
			break;
	}
}

void
aws_report_install(void)
{
	aws_set_say(say, NULL, msgs_verbose);
}

int
aws_report_error(struct aws_error *err)
{
	int			code = err->status == AWS_ERR_CONFIG ? EXIT_USAGE : EXIT_FAILURE_REMOTE;

	if (err->text)
		errorf("%s", err->text);
	if (err->hint)
		hintf("%s", err->hint);
	aws_error_clean_up(err);
	return code;
}
