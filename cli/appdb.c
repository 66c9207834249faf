/*
 * cli/appdb.c
 *		Dispatch: the command, its config file, its provider.
 */
#include "appdb.h"

#include <stdio.h>

#include "cmd_token.h"
#include "envconfig.h"
#include "local.h"
#include "msgs.h"
#include "options.h"

#ifndef APP_ROLES_VERSION
#define APP_ROLES_VERSION "unknown"
#endif

static int
run(const struct appdb_options *opts)
{
	struct env_config cfg;
	int			code;

	if (opts->command == CMD_CONFIGURE)
		return env_config_configure(opts);
	if (opts->command == CMD_TOKEN)
		return cmd_token(opts);		/* reads no config file */
	if ((code = env_config_read(opts, &cfg)) >= 0)
		return code;
	switch (opts->command)
	{
		case CMD_PLAN:
			code = local_plan(opts, &cfg);
			break;
		case CMD_PROVISION:
			code = local_provision(opts, &cfg);
			break;
		case CMD_ROLES_SETUP:
		case CMD_ROLES_PLAN:
		case CMD_ROLES_CHECK:
			code = local_roles(opts, &cfg);
			break;
		case CMD_URL:
		case CMD_PSQL:
			code = local_url(opts, &cfg);
			break;
		case CMD_STATUS:
			code = local_status(opts, &cfg);
			break;
		case CMD_DESTROY:
			code = local_destroy(opts, &cfg);
			break;
		default:
			code = EXIT_USAGE;
			break;
	}
	env_config_free(&cfg);
	return code;
}

int
appdb_main(int argc, char **argv)
{
	struct appdb_options opts;
	int			code = parse_options(argc, argv, &opts);

	if (code >= 0)
		;
	else if (opts.help)
	{
		print_help(opts.command);
		code = EXIT_OK;
	}
	else if (opts.version)
	{
		printf("appdb %s\n", APP_ROLES_VERSION);
		code = EXIT_OK;
	}
	else
		code = run(&opts);
	free_options(&opts);
	return code;
}
