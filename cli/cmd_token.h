/*
 * cli/cmd_token.h
 *		appdb token: an RDS IAM authentication token.
 */
#ifndef APPDB_CMD_TOKEN_H
#define APPDB_CMD_TOKEN_H

#include "options.h"

int			cmd_token(const struct appdb_options *opts);

#endif							/* APPDB_CMD_TOKEN_H */
