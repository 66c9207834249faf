/*
 * cli/options.c
 *		Parsing the command line, and the help generated from the same tables.
 *
 * Global options may stand before or after the command (getopt_long permutes
 * argv); an option that does not apply to the command is refused.
 */
#include "options.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "envconfig.h"
#include "msgs.h"
#include "util.h"

#define BIT(c) (1u << (c))
#define ROLES (BIT(CMD_ROLES_SETUP) | BIT(CMD_ROLES_PLAN) | BIT(CMD_ROLES_CHECK))
#define GLOBAL 0u

struct command_def
{
	const char *name;
	enum appdb_command command;
	bool		reads_config;
	const char *summary;
};

static const struct command_def commands[] = {
	{"configure", CMD_CONFIGURE, false, "write the environment's config file (default infra/<app>/database/<env>.json)"},
	{"plan", CMD_PLAN, true, "show what provision would create, change or leave (changes nothing)"},
	{"provision", CMD_PROVISION, true, "create (or start) the environment's cluster and what it needs; waits until available"},
	{"roles setup", CMD_ROLES_SETUP, true, "create and grant the app and migrator roles, schema and privileges"},
	{"roles plan", CMD_ROLES_PLAN, true, "list the statements roles setup would execute now"},
	{"roles check", CMD_ROLES_CHECK, true, "check roles, memberships and privileges (exit 1 if a check fails)"},
	{"url", CMD_URL, true, "print a connection string for --role (local: names the password file and the cluster's TLS certificate; aws: carries a fresh IAM token)"},
	{"psql", CMD_PSQL, true, "open psql as --role"},
	{"status", CMD_STATUS, true, "show the cluster's state, endpoint, engine version (local: data directory)"},
	{"outputs", CMD_OUTPUTS, true, "print what the service and migrations need to connect (endpoints, users, policy ARNs; local: password files)"},
	{"doctor", CMD_DOCTOR, true, "explain why a login as app or migrator fails: each check, the first failing cause and its fix (exit 1 if a check fails)"},
	{"destroy", CMD_DESTROY, true, "delete the cluster and what provision made for it (asks unless --yes)"},
	{"token", CMD_TOKEN, false, "print an RDS IAM authentication token, as aws rds generate-db-auth-token does"},
	{NULL, CMD_NONE, false, NULL}
};

enum option_id
{
	OPT_APP = 1000, OPT_ENV, OPT_CONFIG, OPT_OUTPUT, OPT_VERBOSE, OPT_QUIET,
	OPT_NO_PROGRESS, OPT_PROFILE, OPT_REGION, OPT_ENDPOINT_URL, OPT_VERSION,
	OPT_HELP, OPT_PROVIDER, OPT_DATABASE, OPT_APP_USER, OPT_MIGRATOR_USER,
	OPT_SCHEMA, OPT_AUTH, OPT_EXTENSIONS, OPT_PORT, OPT_FORCE, OPT_PG_BINDIR,
	OPT_VIA, OPT_LOGIN, OPT_ROLE, OPT_YES, OPT_HOSTNAME, OPT_USERNAME,
	OPT_CLUSTER_NAME, OPT_ENGINE_VERSION, OPT_MIN_CAPACITY, OPT_MAX_CAPACITY,
	OPT_VPC_ID, OPT_VPC_TAG, OPT_SUBNET_IDS, OPT_SUBNET_TAG, OPT_INGRESS_SG_IDS,
	OPT_DELETION_PROTECTION, OPT_BACKUP_SCHEDULE, OPT_WAIT_DELAY,
	OPT_WAIT_MAX_ATTEMPTS, OPT_LIFT_DELETION_PROTECTION, OPT_SKIP_FINAL_SNAPSHOT,
	OPT_TEMPORARY, OPT_BACKUP_RETENTION_DAYS, OPT_APPLY_IMMEDIATELY, OPT_SSL_ROOT_CERT, OPT_APP_ACCESS_ROLE, OPT_MIGRATOR_ACCESS_ROLE
};

struct option_def
{
	const char *name;
	int			has_arg;
	int			id;
	unsigned	commands;		/* GLOBAL (0): every command */
	const char *arg;
	const char *help;
};

static const struct option_def option_defs[] = {
	{"app", required_argument, OPT_APP, GLOBAL, "NAME", "the application's name"},
	{"env", required_argument, OPT_ENV, GLOBAL, "NAME", "the environment (dev, staging, prod, ...)"},
	{"config", required_argument, OPT_CONFIG, GLOBAL, "FILE", "the environment's config file, instead of --app and --env"},
	{"output", required_argument, OPT_OUTPUT, GLOBAL, "text|json", "how reports are printed (default text)"},
	{"verbose", no_argument, OPT_VERBOSE, GLOBAL, NULL, "print each SQL statement as it runs (never a password)"},
	{"quiet", no_argument, OPT_QUIET, GLOBAL, NULL, "print only results and errors"},
	{"no-progress", no_argument, OPT_NO_PROGRESS, GLOBAL, NULL, "do not report the steps of long commands"},
	{"profile", required_argument, OPT_PROFILE, GLOBAL, "NAME", "AWS profile (aws provider and token)"},
	{"region", required_argument, OPT_REGION, GLOBAL, "REGION", "AWS region (configure --provider aws, token); else the config file's"},
	{"endpoint-url", required_argument, OPT_ENDPOINT_URL, GLOBAL, "URL", "send every AWS call to URL (an emulator, a VPC endpoint)"},
	{"version", no_argument, OPT_VERSION, GLOBAL, NULL, "print the version and exit"},
	{"help", no_argument, OPT_HELP, GLOBAL, NULL, "print this help (or a command's, after it) and exit"},
	{"provider", required_argument, OPT_PROVIDER, BIT(CMD_CONFIGURE), "local|aws", "where the database runs: this machine, or Aurora (default local)"},
	{"database", required_argument, OPT_DATABASE, BIT(CMD_CONFIGURE), "NAME", "the database's name (default app)"},
	{"app-user", required_argument, OPT_APP_USER, BIT(CMD_CONFIGURE), "NAME", "the role the service connects as (default app)"},
	{"migrator-user", required_argument, OPT_MIGRATOR_USER, BIT(CMD_CONFIGURE), "NAME", "the role migrations run as (default migrator)"},
	{"schema", required_argument, OPT_SCHEMA, BIT(CMD_CONFIGURE), "NAME", "the application's schema (default app)"},
	{"auth", required_argument, OPT_AUTH, BIT(CMD_CONFIGURE), "iam|password", "iam: app and migrator join rds_iam (default iam)"},
	{"superuser-extensions", required_argument, OPT_EXTENSIONS, BIT(CMD_CONFIGURE), "JSON", "extensions to install in pg_catalog, e.g. '{\"hstore\": true}'"},
	{"port", required_argument, OPT_PORT, BIT(CMD_CONFIGURE) | BIT(CMD_TOKEN), "PORT", "the database's TCP port (configure: local default a free one, aws 5432)"},
	{"force", no_argument, OPT_FORCE, BIT(CMD_CONFIGURE), NULL, "overwrite an existing config file"},
	{"pg-bindir", required_argument, OPT_PG_BINDIR, BIT(CMD_CONFIGURE) | BIT(CMD_PROVISION) | BIT(CMD_PLAN), "DIR", "local: PostgreSQL server binaries (default pg_config --bindir)"},
	{"cluster-name", required_argument, OPT_CLUSTER_NAME, BIT(CMD_CONFIGURE), "NAME", "aws: the cluster, and the prefix of its resources (default <app>-<env>)"},
	{"engine-version", required_argument, OPT_ENGINE_VERSION, BIT(CMD_CONFIGURE), "VERSION", "aws: Aurora PostgreSQL version (default " ENV_AWS_DEFAULT_ENGINE_VERSION ")"},
	{"min-capacity", required_argument, OPT_MIN_CAPACITY, BIT(CMD_CONFIGURE), "ACU", "aws: Serverless v2 minimum capacity (default 0.5)"},
	{"max-capacity", required_argument, OPT_MAX_CAPACITY, BIT(CMD_CONFIGURE), "ACU", "aws: Serverless v2 maximum capacity (default 1)"},
	{"vpc-id", required_argument, OPT_VPC_ID, BIT(CMD_CONFIGURE), "ID", "aws: the VPC (default: the region's default VPC)"},
	{"vpc-tag", required_argument, OPT_VPC_TAG, BIT(CMD_CONFIGURE), "KEY=VALUE", "aws: find the VPC by this tag instead"},
	{"subnet-ids", required_argument, OPT_SUBNET_IDS, BIT(CMD_CONFIGURE), "ID,ID...", "aws: the database subnets (default: the VPC's)"},
	{"ingress-security-group-ids", required_argument, OPT_INGRESS_SG_IDS, BIT(CMD_CONFIGURE), "SG,SG...", "aws: the security groups allowed to connect, as the service's and the migrator task's (default: the whole VPC)"},
	{"subnet-tag", required_argument, OPT_SUBNET_TAG, BIT(CMD_CONFIGURE), "KEY=VALUE", "aws: find the VPC's database subnets by this tag instead"},
	{"deletion-protection", required_argument, OPT_DELETION_PROTECTION, BIT(CMD_CONFIGURE), "on|off", "aws: the cluster's deletion protection (default on)"},
	{"backup-schedule", required_argument, OPT_BACKUP_SCHEDULE, BIT(CMD_CONFIGURE), "CRON", "aws: the backup plan's schedule (default \"" ENV_AWS_DEFAULT_BACKUP_SCHEDULE "\")"},
	{"backup-retention-days", required_argument, OPT_BACKUP_RETENTION_DAYS, BIT(CMD_CONFIGURE), "DAYS|none", "aws: days AWS Backup keeps each backup (default none: no expiry, as template-infra)"},
	{"ssl-root-cert", required_argument, OPT_SSL_ROOT_CERT, BIT(CMD_CONFIGURE), "FILE", "aws: the RDS certificate bundle: connections verify the cluster against it (sslmode=verify-full; default: sslmode=require)"},
	{"temporary", no_argument, OPT_TEMPORARY, BIT(CMD_CONFIGURE), NULL, "aws: a temporary (preview) environment: deletion protection off; destroy takes no final snapshot and deletes its backups"},
	{"apply-immediately", required_argument, OPT_APPLY_IMMEDIATELY, BIT(CMD_CONFIGURE), "on|off", "aws: apply cluster changes at once, not at the next maintenance window (default off)"},
	{"app-access-role", required_argument, OPT_APP_ACCESS_ROLE, BIT(CMD_CONFIGURE), "NAME", "aws: an IAM role that gets the app's connect policy (repeatable; the service's task role)"},
	{"migrator-access-role", required_argument, OPT_MIGRATOR_ACCESS_ROLE, BIT(CMD_CONFIGURE), "NAME", "aws: an IAM role that gets the migrator's connect policy (repeatable)"},
	{"wait-delay", required_argument, OPT_WAIT_DELAY, BIT(CMD_PROVISION) | BIT(CMD_DESTROY), "SECONDS", "aws: seconds between polls while waiting (default 30)"},
	{"wait-max-attempts", required_argument, OPT_WAIT_MAX_ATTEMPTS, BIT(CMD_PROVISION) | BIT(CMD_DESTROY), "N", "aws: polls before giving up (default 60)"},
	{"via", required_argument, OPT_VIA, ROLES, "auto|extension|core", "run the app_roles extension, or the same logic in appdb (default auto)"},
	{"login", no_argument, OPT_LOGIN, BIT(CMD_ROLES_CHECK), NULL, "also log in as app and migrator"},
	{"role", required_argument, OPT_ROLE, BIT(CMD_URL) | BIT(CMD_PSQL) | BIT(CMD_DOCTOR), "app|migrator|master", "whom to connect as (default app); doctor: whose login to check, app or migrator (default both)"},
	{"yes", no_argument, OPT_YES, BIT(CMD_DESTROY), NULL, "do not ask for confirmation"},
	{"lift-deletion-protection", no_argument, OPT_LIFT_DELETION_PROTECTION, BIT(CMD_DESTROY), NULL, "aws: turn the cluster's deletion protection off, then delete"},
	{"skip-final-snapshot", no_argument, OPT_SKIP_FINAL_SNAPSHOT, BIT(CMD_DESTROY), NULL, "aws: delete without a final snapshot (and schedule the key's deletion)"},
	{"hostname", required_argument, OPT_HOSTNAME, BIT(CMD_TOKEN), "HOST", "the database's host name, as clients connect to it"},
	{"username", required_argument, OPT_USERNAME, BIT(CMD_TOKEN), "USER", "the database user the token logs in as"},
	{NULL, 0, 0, 0, NULL, NULL}
};

const char *
command_name(enum appdb_command command)
{
	int			i;

	for (i = 0; commands[i].name; i++)
		if (commands[i].command == command)
			return commands[i].name;
	return "appdb";
}

bool
command_reads_config(enum appdb_command command)
{
	int			i;

	for (i = 0; commands[i].name; i++)
		if (commands[i].command == command)
			return commands[i].reads_config;
	return false;
}

static void
print_option(const struct option_def *o)
{
	char		left[64];

	if (o->arg)
		snprintf(left, sizeof(left), "--%s=%s", o->name, o->arg);
	else
		snprintf(left, sizeof(left), "--%s", o->name);
	printf("  %-32s %s\n", left, o->help);
}

/* The help of appdb, or of one command; to stdout. */
void
print_help(enum appdb_command command)
{
	int			i;

	if (command == CMD_NONE)
	{
		printf("appdb sets up an application's PostgreSQL database: an Aurora Serverless v2\n"
			   "cluster (provider aws) or a local cluster configured the way Aurora is\n"
			   "(provider local), its app and migrator roles, and a check.\n\n"
			   "Usage:\n  appdb [OPTION]... COMMAND [OPTION]...\n\nCommands:\n");
		for (i = 0; commands[i].name; i++)
			printf("  %-14s %s\n", commands[i].name, commands[i].summary);
	}
	else
	{
		for (i = 0; commands[i].name; i++)
			if (commands[i].command == command)
				printf("appdb %s: %s\n\nUsage:\n  appdb [OPTION]... %s [OPTION]...\n",
					   commands[i].name, commands[i].summary, commands[i].name);
		printf("\nOptions of %s:\n", command_name(command));
		for (i = 0; option_defs[i].name; i++)
			if (option_defs[i].commands & BIT(command))
				print_option(&option_defs[i]);
		if (command == CMD_OUTPUTS)
			printf("  (none but the global ones)\n\n"
				   "One \"key: value\" a line, or with --output json one object whose values\n"
				   "are all strings (null where missing), as Terraform's external data source\n"
				   "takes it.  The keys are listed in the README.  Exit 2 when the environment\n"
				   "has no cluster (nothing printed) or an output is missing (printed as\n"
				   "\"(none: ...)\" or null, and named on stderr with the command that makes it).\n");
	}
	printf("\nGlobal options (before or after the command):\n");
	for (i = 0; option_defs[i].name; i++)
		if (option_defs[i].commands == GLOBAL)
			print_option(&option_defs[i]);
	if (command == CMD_NONE)
		printf("\n\"appdb COMMAND --help\" shows a command's own options.\n");
	printf("\nThe environment's config file is read by every command but configure\n"
		   "and token; give --app and --env, or --config.  configure, provision,\n"
		   "roles setup and destroy run one at a time per environment: another waits\n"
		   "up to APPDB_LOCK_TIMEOUT seconds (default 600), then exits 3.\n\n"
		   "Exit status:\n"
		   "  0  ok\n"
		   "  1  a check failed\n"
		   "  2  usage or configuration error (including missing AWS credentials or region)\n"
		   "  3  an AWS or database error (including a server that cannot be reached)\n");
}

static int
parse_port(const char *s, int *out)
{
	char	   *end;
	long		v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1 || v > 65535)
		return usage_error("invalid port \"%s\": give a number from 1 to 65535", s);
	*out = (int) v;
	return EXIT_GO_ON;
}

static int
parse_count(const char *option, const char *s, long lo, long hi, int *out)
{
	char	   *end;
	long		v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		return usage_error("invalid %s \"%s\": give a whole number from %ld to %ld", option, s, lo, hi);
	*out = (int) v;
	return EXIT_GO_ON;
}

/* Serverless v2 capacity units; the range is checked with the config. */
static int
parse_acu(const char *option, const char *s, double *out)
{
	char	   *end;
	double		v = strtod(s, &end);

	if (*s == '\0' || *end != '\0' || !(v >= 0 && v <= 256))
		return usage_error("invalid %s \"%s\": give capacity units such as 0.5 or 4", option, s);
	*out = v;
	return EXIT_GO_ON;
}

/* on|off into 1|0. */
static int
parse_on_off(const char *option, const char *s, int *out)
{
	if (strcmp(s, "on") != 0 && strcmp(s, "off") != 0)
		return usage_error("invalid %s \"%s\": use on or off", option, s);
	*out = strcmp(s, "on") == 0;
	return EXIT_GO_ON;
}

static void
set_string(char **field, const char *value)
{
	free(*field);
	*field = strdup(value);
}

/* Parse the words of the command (after the options were taken out). */
static int
parse_command(char **words, int n, struct appdb_options *opts)
{
	int			i;

	if (n == 0)
		return opts->help || opts->version ? EXIT_GO_ON :
			usage_error("no command given");
	for (i = 0; commands[i].name; i++)
	{
		const char *name = commands[i].name;
		const char *space = strchr(name, ' ');

		if (space == NULL && strcmp(words[0], name) == 0)
		{
			if (n > 1)
				return usage_error("unexpected argument \"%s\" after %s", words[1], name);
			opts->command = commands[i].command;
			return EXIT_GO_ON;
		}
		if (space && strncmp(words[0], name, (size_t) (space - name)) == 0 &&
			words[0][space - name] == '\0')
		{
			if (n < 2)
			{
				if (opts->help)
					return EXIT_GO_ON;
				return usage_error("\"%s\" needs a subcommand: setup, plan or check", words[0]);
			}
			if (strcmp(words[1], space + 1) == 0)
			{
				if (n > 2)
					return usage_error("unexpected argument \"%s\" after %s", words[2], name);
				opts->command = commands[i].command;
				return EXIT_GO_ON;
			}
		}
	}
	if (strcmp(words[0], "roles") == 0)
		return usage_error("unknown roles subcommand \"%s\": use setup, plan or check", words[1]);
	return usage_error("unknown command \"%s\"", words[0]);
}

int
parse_options(int argc, char **argv, struct appdb_options *opts)
{
	struct option longopts[sizeof(option_defs) / sizeof(option_defs[0])];
	bool		given[sizeof(option_defs) / sizeof(option_defs[0])] = {false};
	int			n = 0;
	int			c;
	int			i;
	int			rc;

	memset(opts, 0, sizeof(*opts));
	opts->min_capacity = -1;
	opts->max_capacity = -1;
	opts->deletion_protection = -1;
	opts->backup_retention_days = -1;
	opts->apply_immediately = -1;
	opts->wait_delay = -1;
	opts->wait_max_attempts = -1;
	for (i = 0; option_defs[i].name; i++)
	{
		longopts[i].name = option_defs[i].name;
		longopts[i].has_arg = option_defs[i].has_arg;
		longopts[i].flag = NULL;
		longopts[i].val = option_defs[i].id;
	}
	memset(&longopts[i], 0, sizeof(longopts[i]));

	opterr = 0;
	optind = 1;
	/*
	 * "+" stops getopt at each command word; the word is kept and parsing
	 * goes on after it, so options may stand before and after the command.
	 * After "--" everything is a word.
	 */
	for (;;)
	{
		c = getopt_long(argc, argv, "+:", longopts, NULL);
		if (c == -1)
		{
			if (optind > 1 && strcmp(argv[optind - 1], "--") == 0)
			{
				while (optind < argc)
					argv[n++] = argv[optind++];
				break;
			}
			if (optind >= argc)
				break;
			argv[n++] = argv[optind++];
			continue;
		}
		if (c == '?')
		{
			for (i = 0; option_defs[i].name; i++)
				if (option_defs[i].id == optopt)
					return usage_error("option --%s does not take a value", option_defs[i].name);
			if (optopt > 0 && optopt < 128)
				return usage_error("invalid option -- '%c'", optopt);
			return usage_error("unknown option \"%s\"", argv[optind - 1]);
		}
		if (c == ':')
			return usage_error("option \"%s\" needs a value", argv[optind - 1]);
		for (i = 0; option_defs[i].name; i++)
			if (option_defs[i].id == c)
				given[i] = true;

		switch (c)
		{
			case OPT_APP: set_string(&opts->app, optarg); break;
			case OPT_ENV: set_string(&opts->env, optarg); break;
			case OPT_CONFIG: set_string(&opts->config_path, optarg); break;
			case OPT_OUTPUT:
				if (strcmp(optarg, "text") == 0)
					opts->output = OUTPUT_TEXT;
				else if (strcmp(optarg, "json") == 0)
					opts->output = OUTPUT_JSON;
				else
					return usage_error("invalid --output \"%s\": use text or json", optarg);
				break;
			case OPT_VERBOSE: msgs_verbose = true; break;
			case OPT_QUIET: msgs_quiet = true; break;
			case OPT_NO_PROGRESS: msgs_progress = false; break;
			case OPT_PROFILE: set_string(&opts->profile, optarg); break;
			case OPT_REGION: set_string(&opts->region, optarg); break;
			case OPT_ENDPOINT_URL: set_string(&opts->endpoint_url, optarg); break;
			case OPT_VERSION: opts->version = true; break;
			case OPT_HELP: opts->help = true; break;
			case OPT_PROVIDER: set_string(&opts->provider, optarg); break;
			case OPT_DATABASE: set_string(&opts->database, optarg); break;
			case OPT_APP_USER: set_string(&opts->app_user, optarg); break;
			case OPT_MIGRATOR_USER: set_string(&opts->migrator_user, optarg); break;
			case OPT_SCHEMA: set_string(&opts->schema, optarg); break;
			case OPT_AUTH: set_string(&opts->auth, optarg); break;
			case OPT_EXTENSIONS: set_string(&opts->extensions, optarg); break;
			case OPT_PORT:
				if ((rc = parse_port(optarg, &opts->port)) != EXIT_GO_ON)
					return rc;
				break;
			case OPT_FORCE: opts->force = true; break;
			case OPT_PG_BINDIR: set_string(&opts->pg_bindir, optarg); break;
			case OPT_VIA:
				if (strcmp(optarg, "auto") == 0)
					opts->via = VIA_AUTO;
				else if (strcmp(optarg, "extension") == 0)
					opts->via = VIA_EXTENSION;
				else if (strcmp(optarg, "core") == 0)
					opts->via = VIA_CORE;
				else
					return usage_error("invalid --via \"%s\": use auto, extension or core", optarg);
				break;
			case OPT_LOGIN: opts->login = true; break;
			case OPT_ROLE:
				if (strcmp(optarg, "app") != 0 && strcmp(optarg, "migrator") != 0 &&
					strcmp(optarg, "master") != 0)
					return usage_error("invalid --role \"%s\": use app, migrator or master", optarg);
				set_string(&opts->role, optarg);
				break;
			case OPT_YES: opts->yes = true; break;
			case OPT_HOSTNAME: set_string(&opts->hostname, optarg); break;
			case OPT_CLUSTER_NAME: set_string(&opts->cluster_name, optarg); break;
			case OPT_ENGINE_VERSION: set_string(&opts->engine_version, optarg); break;
			case OPT_MIN_CAPACITY:
				if ((rc = parse_acu("--min-capacity", optarg, &opts->min_capacity)) != EXIT_GO_ON)
					return rc;
				break;
			case OPT_MAX_CAPACITY:
				if ((rc = parse_acu("--max-capacity", optarg, &opts->max_capacity)) != EXIT_GO_ON)
					return rc;
				break;
			case OPT_VPC_ID: set_string(&opts->vpc_id, optarg); break;
			case OPT_VPC_TAG: set_string(&opts->vpc_tag, optarg); break;
			case OPT_SUBNET_IDS: set_string(&opts->subnet_ids, optarg); break;
			case OPT_INGRESS_SG_IDS: set_string(&opts->ingress_security_group_ids, optarg); break;
			case OPT_SUBNET_TAG: set_string(&opts->subnet_tag, optarg); break;
			case OPT_DELETION_PROTECTION:
				if ((rc = parse_on_off("--deletion-protection", optarg, &opts->deletion_protection)) != EXIT_GO_ON)
					return rc;
				break;
			case OPT_BACKUP_SCHEDULE: set_string(&opts->backup_schedule, optarg); break;
			case OPT_BACKUP_RETENTION_DAYS:
				if (strcmp(optarg, "none") == 0)
					opts->backup_retention_days = 0;
				else
				{
					char	   *end;
					long		v = strtol(optarg, &end, 10);

					if (*optarg == '\0' || *end != '\0' || v < 1 || v > ENV_AWS_MAX_BACKUP_RETENTION_DAYS)
						return usage_error("invalid --backup-retention-days \"%s\": give a whole number of days from 1 to %d, or none (no expiry)",
										   optarg, ENV_AWS_MAX_BACKUP_RETENTION_DAYS);
					opts->backup_retention_days = (int) v;
				}
				break;
			case OPT_TEMPORARY: opts->temporary = true; break;
			case OPT_SSL_ROOT_CERT: set_string(&opts->ssl_root_cert, optarg); break;
			case OPT_APPLY_IMMEDIATELY:
				if ((rc = parse_on_off("--apply-immediately", optarg, &opts->apply_immediately)) != EXIT_GO_ON)
					return rc;
				break;
			case OPT_APP_ACCESS_ROLE: strv_add(&opts->app_access_roles, optarg); break;
			case OPT_MIGRATOR_ACCESS_ROLE: strv_add(&opts->migrator_access_roles, optarg); break;
			case OPT_WAIT_DELAY:
				if ((rc = parse_count("--wait-delay", optarg, 0, 3600, &opts->wait_delay)) != EXIT_GO_ON)
					return rc;
				break;
			case OPT_WAIT_MAX_ATTEMPTS:
				if ((rc = parse_count("--wait-max-attempts", optarg, 1, 10000, &opts->wait_max_attempts)) != EXIT_GO_ON)
					return rc;
				break;
			case OPT_LIFT_DELETION_PROTECTION: opts->lift_deletion_protection = true; break;
			case OPT_SKIP_FINAL_SNAPSHOT: opts->skip_final_snapshot = true; break;
			case OPT_USERNAME: set_string(&opts->username, optarg); break;
		}
	}

	if ((rc = parse_command(argv, n, opts)) != EXIT_GO_ON)
		return rc;
	if (opts->help || opts->version)
		return EXIT_GO_ON;
	for (i = 0; option_defs[i].name; i++)
		if (given[i] && option_defs[i].commands != GLOBAL &&
			!(option_defs[i].commands & BIT(opts->command)))
			return usage_error("option --%s does not apply to %s",
							   option_defs[i].name, command_name(opts->command));
	if (opts->command == CMD_DOCTOR && opts->role && strcmp(opts->role, "master") == 0)
		return usage_error("invalid --role \"master\" for doctor: use app or migrator");
	return EXIT_GO_ON;
}

void
free_options(struct appdb_options *opts)
{
	char	  **fields[] = {
		&opts->app, &opts->env, &opts->config_path, &opts->profile,
		&opts->region, &opts->endpoint_url, &opts->provider, &opts->database,
		&opts->app_user, &opts->migrator_user, &opts->schema, &opts->auth,
		&opts->extensions, &opts->pg_bindir, &opts->role, &opts->hostname,
		&opts->username, &opts->cluster_name, &opts->engine_version,
		&opts->vpc_id, &opts->vpc_tag, &opts->subnet_ids, &opts->subnet_tag,
		&opts->ingress_security_group_ids,
		&opts->backup_schedule, &opts->ssl_root_cert
	};
	size_t		i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
	{
		free(*fields[i]);
		*fields[i] = NULL;
	}
	strv_free(&opts->app_access_roles);
	strv_free(&opts->migrator_access_roles);
}
