/*
 * cli/appdb.c
 *		Dispatch: the command, its config file, its provider.
 */
#include "appdb.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef APPDB_WITHOUT_AWS
#include "aws_provider.h"
#include "cmd_token.h"
#endif
#include "envconfig.h"
#include "envlock.h"
#include "local/local.h"
#include "msgs.h"
#include "options.h"
#include "provider.h"
#include "util.h"

#ifndef APP_ROLES_VERSION
#define APP_ROLES_VERSION "unknown"
#endif

#ifdef APPDB_WITHOUT_AWS
/*
 * The AWS commands live in "<this program>-aws", which links libcurl and
 * libxml2: kept out of appdb, those libraries (and the ICU they bring) do not
 * weigh on the local provider's memory.  argv is the command line as given.
 */
static int
exec_aws(char **argv)
{
	char		self[PATH_MAX];
	char		path[PATH_MAX + 8];
	ssize_t		n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
	{
		errorf("cannot find this program's own path: %s", strerror(errno));
		return EXIT_FAILURE_REMOTE;
	}
	self[n] = '\0';
	snprintf(path, sizeof(path), "%s-aws", self);
	fflush(stdout);
	execv(path, argv);
	errorf("cannot run %s, which holds appdb's AWS commands: %s", path, strerror(errno));
	hintf("install it beside appdb (make install)");
	return EXIT_FAILURE_REMOTE;
}
#endif

/* The commands that change the environment: one at a time (envlock.c). */
static bool
changes_environment(enum appdb_command command)
{
	return command == CMD_PROVISION || command == CMD_ROLES_SETUP || command == CMD_DESTROY;
}

/* The providers this program holds (appdb hands "aws" to appdb-aws). */
static const struct provider *const providers[] = {
	&local_provider,
#ifndef APPDB_WITHOUT_AWS
	&aws_provider,
#endif
};

/* The provider of that name; NULL for an unknown one. */
static const struct provider *
find_provider(const char *name)
{
	size_t		i;

	for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
		if (strcmp(providers[i]->name, name) == 0)
			return providers[i];
	return NULL;
}

/* --role: app, migrator, master (not for doctor) or a read-only user of the config. */
static int
check_role(const struct appdb_options *opts, const struct env_config *cfg)
{
	const char *role = opts->role;
	int			i;

	if (role == NULL || strcmp(role, "app") == 0 || strcmp(role, "migrator") == 0 ||
		(strcmp(role, "master") == 0 && opts->command != CMD_DOCTOR))
		return EXIT_GO_ON;
	for (i = 0; cfg->readonly_users && cfg->readonly_users[i]; i++)
		if (strcmp(role, cfg->readonly_users[i]) == 0)
			return EXIT_GO_ON;
	return usage_error("invalid --role \"%s\": use app, migrator, %sa read-only user the config names (readonly_users)",
					   role, opts->command == CMD_DOCTOR ? "" : "master or ");
}

static int
run(const struct appdb_options *opts, char **argv)
{
	struct env_config cfg;
	struct env_lock lock = {-1, NULL, NULL};
	const struct provider *provider;
	provider_op op;
	int			code;

	(void) argv;				/* only the AWS commands' hand-over needs it */
	/* psql's session is no document */
	if (opts->command == CMD_PSQL && opts->output == OUTPUT_JSON)
		return usage_error("psql opens a session and prints no report; --output json does not apply (\"appdb url --output json\" gives its connection string)");
#ifdef APPDB_WITHOUT_AWS
	if (opts->command == CMD_TOKEN ||
		(opts->command == CMD_CONFIGURE && opts->provider && strcmp(opts->provider, "aws") == 0))
		return exec_aws(argv);
#else
	if (opts->command == CMD_TOKEN)	/* reads no config file */
		return cmd_token(opts);
#endif
	if (opts->command == CMD_CONFIGURE)
	{
		provider = find_provider(opts->provider ? opts->provider : "local");
		/* an unknown --provider: env_config_configure says so */
		return provider ? provider->configure(opts) : env_config_configure(opts, NULL);
	}
	if ((code = env_config_read(opts, &cfg)) != EXIT_GO_ON)
		return code;
#ifdef APPDB_WITHOUT_AWS
	if (strcmp(cfg.provider, "aws") == 0)
	{
		env_config_free(&cfg);
		return exec_aws(argv);	/* which takes the lock itself */
	}
#endif
	if ((code = check_role(opts, &cfg)) != EXIT_GO_ON)
	{
		env_config_free(&cfg);
		return code;
	}
	/* env_config_read accepts only the names of providers */
	provider = find_provider(cfg.provider);
	if (provider->check_options && (code = provider->check_options(opts)) != EXIT_GO_ON)
	{
		env_config_free(&cfg);
		return code;
	}
	if (changes_environment(opts->command))
	{
		char	   *name = str_printf("%s-%s", cfg.app, cfg.env);

		code = env_lock(cfg.state_dir, name, &lock);
		free(name);
		if (code != EXIT_GO_ON)
		{
			env_config_free(&cfg);
			return code;
		}
	}
	op = provider_op_for(provider, opts->command);
	code = op ? op(opts, &cfg) : EXIT_USAGE;
	env_unlock(&lock);
	env_config_free(&cfg);
	return code;
}

int
appdb_main(int argc, char **argv)
{
	struct appdb_options opts;
	char	  **given = malloc(sizeof(char *) * ((size_t) argc + 1));
	int			code;

	/* parse_options reorders argv; keep the command line as given */
	if (given == NULL)
		return EXIT_FAILURE_REMOTE;
	memcpy(given, argv, sizeof(char *) * ((size_t) argc + 1));
	code = parse_options(argc, argv, &opts);

	if (code != EXIT_GO_ON)
		;
	else if (opts.generate)		/* the build writes the man page and completion so */
	{
		print_generated(opts.generate);
		code = EXIT_OK;
	}
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
		code = run(&opts, given);
	free_options(&opts);
	free(given);
	return code;
}
