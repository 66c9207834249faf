/*
 * cli/aws_report.h
 *		The AWS client (cli/aws/) never prints: what it returns and says is
 *		shown here the CLI's way, with the exit codes of DESIGN section 7.
 */
#ifndef APPDB_AWS_REPORT_H
#define APPDB_AWS_REPORT_H

#include "aws/error.h"

/* Route the client's traces to verbosef (under --verbose) and warnings to warnf. */
void		aws_report_install(void);

/* Print err's text and hint (errorf, hintf); the exit code it means.  Cleans err up. */
int			aws_report_error(struct aws_error *err);

#endif							/* APPDB_AWS_REPORT_H */
