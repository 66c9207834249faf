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
#include <sys/stat.h>

#include "envconfig.h"
#include "msgs.h"
#include "util.h"

#ifndef APP_ROLES_VERSION
#define APP_ROLES_VERSION "unknown"
#endif

#define BIT(c) (1u << (c))
#define ROLES (BIT(CMD_ROLES_SETUP) | BIT(CMD_ROLES_PLAN) | BIT(CMD_ROLES_CHECK))
#define GLOBAL 0u

struct command_def
{
	const char *name;
	enum appdb_command command;
	bool		reads_config;
	const char *summary;
	const char *args;			/* after the options in the usage line, or NULL */
};

static const struct command_def commands[] = {
	{"configure", CMD_CONFIGURE, false, "write the environment's config file (default infra/<app>/database/<env>.json)", NULL},
	{"plan", CMD_PLAN, true, "show what provision would create, change or leave (changes nothing)", NULL},
	{"provision", CMD_PROVISION, true, "create (or start) the environment's cluster and what it needs; waits until available", NULL},
	{"roles setup", CMD_ROLES_SETUP, true, "create and grant the app and migrator roles, schema and privileges", NULL},
	{"roles plan", CMD_ROLES_PLAN, true, "list the statements roles setup would execute now", NULL},
	{"roles check", CMD_ROLES_CHECK, true, "check roles, memberships and privileges (exit 1 if a check fails)", NULL},
	{"url", CMD_URL, true, "print a connection string for --role (local: names the password file and the cluster's TLS certificate; aws: carries a fresh IAM token)", NULL},
	{"psql", CMD_PSQL, true, "open psql as --role; the words after -- are psql's own arguments", "[-- PSQL-ARGUMENT...]"},
	{"status", CMD_STATUS, true, "show the cluster's state, endpoint, engine version (local: data directory)", NULL},
	{"outputs", CMD_OUTPUTS, true, "print what the service and migrations need to connect (endpoints, users, policy ARNs; local: password files)", NULL},
	{"doctor", CMD_DOCTOR, true, "explain why a login as app or migrator fails: each check, the first failing cause and its fix (exit 1 if a check fails)", NULL},
	{"destroy", CMD_DESTROY, true, "delete the cluster and what provision made for it (asks unless --yes)", NULL},
	{"token", CMD_TOKEN, false, "print an RDS IAM authentication token, as aws rds generate-db-auth-token does", NULL},
	{NULL, CMD_NONE, false, NULL, NULL}
};

enum option_id
{
	OPT_APP = 1000, OPT_ENV, OPT_CONFIG, OPT_OUTPUT, OPT_VERBOSE, OPT_QUIET,
	OPT_NO_PROGRESS, OPT_PROFILE, OPT_REGION, OPT_ENDPOINT_URL, OPT_GENERATE,
	OPT_PROVIDER, OPT_DATABASE, OPT_APP_USER, OPT_MIGRATOR_USER,
	OPT_SCHEMA, OPT_AUTH, OPT_EXTENSIONS, OPT_PORT, OPT_FORCE, OPT_PG_BINDIR,
	OPT_VIA, OPT_LOGIN, OPT_LOGIN_IF_REACHABLE, OPT_ROLE, OPT_YES, OPT_HOSTNAME, OPT_USERNAME,
	OPT_CLUSTER_NAME, OPT_ENGINE_VERSION, OPT_MIN_CAPACITY, OPT_MAX_CAPACITY,
	OPT_VPC_ID, OPT_VPC_TAG, OPT_SUBNET_IDS, OPT_SUBNET_TAG, OPT_INGRESS_SG_IDS,
	OPT_DELETION_PROTECTION, OPT_BACKUP_SCHEDULE, OPT_WAIT_DELAY,
	OPT_WAIT_MAX_ATTEMPTS, OPT_LIFT_DELETION_PROTECTION, OPT_SKIP_FINAL_SNAPSHOT,
	OPT_TEMPORARY, OPT_MASTER_TLS, OPT_READONLY_USER, OPT_DROP_REMOVED, OPT_BACKUP_RETENTION_DAYS, OPT_APPLY_IMMEDIATELY, OPT_SSL_ROOT_CERT, OPT_APP_ACCESS_ROLE, OPT_MIGRATOR_ACCESS_ROLE, OPT_READONLY_ACCESS_ROLE,

	/* an id below 128 is also the option's short form */
	OPT_HELP = 'h',
	OPT_VERSION = 'V'
};

struct option_def
{
	const char *name;
	int			has_arg;
	int			id;
	unsigned	commands;		/* GLOBAL (0): every command */
	const char *arg;			/* its value's name; "a|b": one of these words */
	const char *help;			/* NULL: hidden (not in help, man page, completion) */
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
	{"generate", required_argument, OPT_GENERATE, GLOBAL, "man|bash-completion", NULL},
	{"provider", required_argument, OPT_PROVIDER, BIT(CMD_CONFIGURE), "local|aws", "where the database runs: this machine, or Aurora (default local)"},
	{"database", required_argument, OPT_DATABASE, BIT(CMD_CONFIGURE), "NAME", "the database's name (default app)"},
	{"app-user", required_argument, OPT_APP_USER, BIT(CMD_CONFIGURE), "NAME", "the role the service connects as (default app)"},
	{"migrator-user", required_argument, OPT_MIGRATOR_USER, BIT(CMD_CONFIGURE), "NAME", "the role migrations run as (default migrator)"},
	{"schema", required_argument, OPT_SCHEMA, BIT(CMD_CONFIGURE), "NAME", "the application's schema (default app)"},
	{"auth", required_argument, OPT_AUTH, BIT(CMD_CONFIGURE), "iam|password", "iam: app and migrator join rds_iam (default iam)"},
	{"superuser-extensions", required_argument, OPT_EXTENSIONS, BIT(CMD_CONFIGURE), "JSON", "extensions to install in pg_catalog, e.g. '{\"hstore\": true}'"},
	{"port", required_argument, OPT_PORT, BIT(CMD_CONFIGURE) | BIT(CMD_TOKEN), "PORT", "the database's TCP port (configure: local default a free one, aws 5432; token: default 5432)"},
	{"force", no_argument, OPT_FORCE, BIT(CMD_CONFIGURE), NULL, "overwrite an existing config file"},
	{"pg-bindir", required_argument, OPT_PG_BINDIR, BIT(CMD_CONFIGURE) | BIT(CMD_PROVISION) | BIT(CMD_PLAN), "DIR", "local: PostgreSQL server binaries (default pg_config --bindir)"},
	{"readonly-user", required_argument, OPT_READONLY_USER, BIT(CMD_CONFIGURE), "NAME", "a read-only login: reads every table, view and sequence of the schema, writes none (repeatable)"},
	{"master-tls", required_argument, OPT_MASTER_TLS, BIT(CMD_CONFIGURE), "on|off", "local: the master and rdsadmin log in over TLS only, as app and migrator (default on); off: also without, for a client that cannot do TLS"},
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
	{"readonly-access-role", required_argument, OPT_READONLY_ACCESS_ROLE, BIT(CMD_CONFIGURE), "USER=ROLE", "aws: an IAM role that gets read-only USER's connect policy (repeatable)"},
	{"wait-delay", required_argument, OPT_WAIT_DELAY, BIT(CMD_PROVISION) | BIT(CMD_DESTROY), "SECONDS", "aws: seconds between polls while waiting (default 30)"},
	{"wait-max-attempts", required_argument, OPT_WAIT_MAX_ATTEMPTS, BIT(CMD_PROVISION) | BIT(CMD_DESTROY), "N", "aws: polls before giving up (default 60)"},
	{"via", required_argument, OPT_VIA, ROLES, "auto|extension|core", "run the app_roles extension, or the same logic in appdb (default auto)"},
	{"login", no_argument, OPT_LOGIN, BIT(CMD_ROLES_CHECK), NULL, "also log in as app, migrator and each read-only user"},
	{"drop-removed", no_argument, OPT_DROP_REMOVED, BIT(CMD_ROLES_SETUP) | BIT(CMD_ROLES_PLAN), NULL, "also drop a read-only user the config no longer names, when it owns nothing (runs appdb's own logic)"},
	{"login-if-reachable", no_argument, OPT_LOGIN_IF_REACHABLE, BIT(CMD_ROLES_CHECK), NULL, "log in as --login does where a TCP path to the database exists (local: always); else say why not, and check the rest"},
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

	if (command == CMD_ROLES)
		return "roles";
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

/* What help and the man page both say. */
static const char description[] =
"appdb sets up an application's PostgreSQL database: an Aurora Serverless v2\n"
"cluster (provider aws) or a local cluster configured the way Aurora is\n"
"(provider local), its app and migrator roles, and a check.";

static const char config_and_lock[] =
"The environment's config file is read by every command but configure\n"
"and token; give --app and --env, or --config.  configure, provision,\n"
"roles setup and destroy run one at a time per environment: another waits\n"
"up to APPDB_LOCK_TIMEOUT seconds (default 600), then exits 3.";

static const char outputs_text[] =
"One \"key: value\" a line, or with --output json one object whose values\n"
"are all strings (null where missing), as Terraform's external data source\n"
"takes it.  The keys are listed in the README.  Exit 2 when the environment\n"
"has no cluster (nothing printed) or an output is missing (printed as\n"
"\"(none: ...)\" or null, and named on stderr with the command that makes it).";

static const struct
{
	int			code;
	const char *meaning;
}			exit_codes[] = {
	{EXIT_OK, "ok"},
	{EXIT_CHECK_FAILED, "a check failed"},
	{EXIT_USAGE, "usage or configuration error (including missing AWS credentials or region)"},
	{EXIT_FAILURE_REMOTE, "an AWS or database error (including a server that cannot be reached)"},
};

static bool
applies(const struct option_def *o, enum appdb_command command)
{
	return o->help && o->commands != GLOBAL && (o->commands & BIT(command));
}

static bool
is_global(const struct option_def *o)
{
	return o->help && o->commands == GLOBAL;
}

/* "--name", or "-h/--help" for an option with a short form. */
static int
o_name(char *buf, size_t size, const struct option_def *o)
{
	if (o->id < 128)
		return snprintf(buf, size, "-%c/--%s", o->id, o->name);
	return snprintf(buf, size, "--%s", o->name);
}

static void
print_option(const struct option_def *o)
{
	char		left[64];
	int			len = 0;

	if (o->id < 128)
		len = snprintf(left, sizeof(left), "-%c, ", o->id);
	if (o->arg)
		snprintf(left + len, sizeof(left) - (size_t) len, "--%s=%s", o->name, o->arg);
	else
		snprintf(left + len, sizeof(left) - (size_t) len, "--%s", o->name);
	printf("  %-32s %s\n", left, o->help);
}

/* The commands, or only the roles ones, one a line with its summary. */
static void
print_commands(bool only_roles)
{
	int			i;

	for (i = 0; commands[i].name; i++)
		if (!only_roles || (BIT(commands[i].command) & ROLES))
			printf("  %-14s %s\n", commands[i].name, commands[i].summary);
}

/* The help of appdb, of the roles commands, or of one command; to stdout. */
void
print_help(enum appdb_command command)
{
	int			i;
	int			n = 0;
	int			col = 0;

	if (command == CMD_NONE)
	{
		printf("%s\n\nUsage:\n  appdb [OPTION]... COMMAND [OPTION]...\n\nCommands:\n", description);
		print_commands(false);
		printf("\nGlobal options (before or after the command):\n");
		for (i = 0; option_defs[i].name; i++)
			if (is_global(&option_defs[i]))
				print_option(&option_defs[i]);
		printf("\n\"appdb COMMAND --help\" shows a command's own options.\n\n%s\n\nExit status:\n", config_and_lock);
		for (i = 0; i < (int) (sizeof(exit_codes) / sizeof(exit_codes[0])); i++)
			printf("  %d  %s\n", exit_codes[i].code, exit_codes[i].meaning);
		return;
	}
	if (command == CMD_ROLES)
	{
		printf("appdb roles: the app and migrator roles, their schema and privileges\n\n"
			   "Usage:\n  appdb [OPTION]... roles setup|plan|check [OPTION]...\n\nCommands:\n");
		print_commands(true);
		printf("\n\"appdb roles COMMAND --help\" shows a command's own options, \"appdb --help\"\n"
			   "the global ones.\n");
		return;
	}
	for (i = 0; commands[i].name; i++)
		if (commands[i].command == command)
			printf("appdb %s: %s\n\nUsage:\n  appdb [OPTION]... %s [OPTION]...%s%s\n",
				   commands[i].name, commands[i].summary, commands[i].name,
				   commands[i].args ? " " : "", commands[i].args ? commands[i].args : "");
	printf("\nOptions of %s:\n", command_name(command));
	for (i = 0; option_defs[i].name; i++)
		if (applies(&option_defs[i], command))
		{
			print_option(&option_defs[i]);
			n++;
		}
	if (n == 0)
		printf("  (none but the global ones)\n");
	if (command == CMD_OUTPUTS)
		printf("\n%s\n", outputs_text);
	/* the global options by name only: appdb --help describes them */
	printf("\nGlobal options (before or after the command; \"appdb --help\" describes them):\n");
	for (i = 0; option_defs[i].name; i++)
		if (is_global(&option_defs[i]))
		{
			char		name[48];
			int			len;

			len = o_name(name, sizeof(name), &option_defs[i]);
			if (col > 0 && col + len + 2 > 78)
			{
				printf(",\n");
				col = 0;
			}
			col += printf("%s%s", col == 0 ? "  " : ", ", name);
		}
	printf("\n");
}

/* ---- the man page and the bash completion, from the same tables ---- */

static const struct
{
	const char *name;
	const char *meaning;
}			environment[] = {
	{"NO_COLOR", "set (to anything): no colours in the output"},
	{"APPDB_LOCK_TIMEOUT", "seconds configure, provision, roles setup and destroy wait for another one on the same environment to finish (default 600)"},
	{"AWS_PROFILE", "the AWS profile, as --profile"},
	{"AWS_REGION, AWS_DEFAULT_REGION", "the AWS region, as --region"},
	{"AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN", "AWS credentials; else those of the profile, of a web identity (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE), of the container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, AWS_CONTAINER_CREDENTIALS_FULL_URI) or of the instance (unless AWS_EC2_METADATA_DISABLED is true), as the AWS CLI finds them"},
	{"AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE", "where the profiles are (default ~/.aws/config, ~/.aws/credentials)"},
	{"AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>", "as --endpoint-url, for every AWS service or one (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: ignore them)"},
	{"AWS_MAX_ATTEMPTS", "how many times an AWS call is tried"},
	{"PGHOSTADDR", "doctor (aws): the address its path check and login reach, such as a tunnel's"},
};

static const struct
{
	const char *name;
	const char *meaning;
}			files[] = {
	{"infra/<app>/database/<env>.json", "the environment's config file, which configure writes (--config names another)"},
	{".appdb/<app>-<env>/", "the environment's state, beside infra/ (or beside a config file elsewhere): local: the cluster's state.json, the password files and the cluster's certificate; the lock of the commands that change the environment"},
};

/* Text for troff: backslashes and hyphens escaped, a line's leading dot guarded. */
static void
man_text(const char *s)
{
	bool		line_start = true;

	for (; *s; s++)
	{
		if (line_start && (*s == '.' || *s == '\''))
			fputs("\\&", stdout);
		line_start = *s == '\n';
		if (*s == '\\')
			fputs("\\e", stdout);
		else if (*s == '-')
			fputs("\\-", stdout);
		else
			putchar(*s);
	}
}

static void
man_option(const struct option_def *o)
{
	printf(".TP\n");
	if (o->id < 128)
		printf("\\fB\\-%c\\fR, ", o->id);
	printf("\\fB");
	man_text("--");
	man_text(o->name);
	printf("\\fR");
	if (o->arg)
	{
		printf("=\\fI");
		man_text(o->arg);
		printf("\\fR");
	}
	printf("\n");
	man_text(o->help);
	printf("\n");
}

static void
print_man_page(void)
{
	size_t		i;
	int			c;
	int			j;

	printf(".\\\" appdb(1), generated by \"appdb --generate=man\" from cli/options.c\n"
		   ".TH APPDB 1 \"\" \"appdb %s\" \"User Commands\"\n.nh\n.ad l\n"	/* names not hyphenated; left-aligned, so their lines need no stretching */
		   ".SH NAME\nappdb \\- set up an application's PostgreSQL database, its roles and a check\n"
		   ".SH SYNOPSIS\n.B appdb\n[\\fIOPTION\\fR]... \\fICOMMAND\\fR [\\fIOPTION\\fR]...\n"
		   ".br\n.B appdb psql\n[\\fIOPTION\\fR]... [\\fB\\-\\-\\fR \\fIPSQL\\-ARGUMENT\\fR...]\n"
		   ".SH DESCRIPTION\n", APP_ROLES_VERSION);
	man_text(description);
	printf("\n.PP\n");
	man_text(config_and_lock);
	printf("\n.SH COMMANDS\n");
	for (c = 0; commands[c].name; c++)
	{
		printf(".TP\n.B %s\n", commands[c].name);
		man_text(commands[c].summary);
		printf("\n");
	}
	printf(".SH OPTIONS\nEach command takes the options below, and the global ones (GLOBAL OPTIONS),\n"
		   "before or after the command.\n");
	for (c = 0; commands[c].name; c++)
	{
		int			n = 0;

		printf(".SS %s\n", commands[c].name);
		for (j = 0; option_defs[j].name; j++)
			if (applies(&option_defs[j], commands[c].command))
			{
				man_option(&option_defs[j]);
				n++;
			}
		if (n == 0)
			printf("None but the global ones.\n");
		if (commands[c].command == CMD_OUTPUTS)
		{
			printf(".PP\n");
			man_text(outputs_text);
			printf("\n");
		}
	}
	printf(".SH GLOBAL OPTIONS\n");
	for (j = 0; option_defs[j].name; j++)
		if (is_global(&option_defs[j]))
			man_option(&option_defs[j]);
	printf(".SH ENVIRONMENT\n");
	for (i = 0; i < sizeof(environment) / sizeof(environment[0]); i++)
	{
		printf(".TP\n.B ");
		man_text(environment[i].name);
		printf("\n");
		man_text(environment[i].meaning);
		printf("\n");
	}
	printf(".SH FILES\n");
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
	{
		printf(".TP\n.I ");
		man_text(files[i].name);
		printf("\n");
		man_text(files[i].meaning);
		printf("\n");
	}
	printf(".SH EXIT STATUS\n");
	for (i = 0; i < sizeof(exit_codes) / sizeof(exit_codes[0]); i++)
		printf(".TP\n.B %d\n%s\n", exit_codes[i].code, exit_codes[i].meaning);
	printf(".SH SEE ALSO\n.BR psql (1),\n.BR aws (1)\n");
}

/* A fixed set of values: "a|b" of lower-case words. */
static bool
fixed_values(const char *arg)
{
	return arg && strchr(arg, '|') && strspn(arg, "abcdefghijklmnopqrstuvwxyz-|") == strlen(arg);
}

/* The words of a completion list: "--name" of each option that applies, or the globals. */
static void
completion_options(enum appdb_command command)
{
	int			j;
	const char *sep = "";

	for (j = 0; option_defs[j].name; j++)
		if (command == CMD_NONE ? is_global(&option_defs[j]) : applies(&option_defs[j], command))
		{
			if (option_defs[j].id < 128)
				printf("%s-%c", sep, option_defs[j].id), sep = " ";
			printf("%s--%s", sep, option_defs[j].name);
			sep = " ";
		}
}

static void
print_completion(void)
{
	int			c;
	int			j;
	const char *sep = "";

	printf("# bash completion for appdb, generated by \"appdb --generate=bash-completion\"\n"
		   "# from its option table (cli/options.c)\n\n"
		   "_appdb()\n{\n"
		   "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= i w\n"
		   "\t[ \"$COMP_CWORD\" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
		   "\t# --name=value: bash splits the words at '='\n"
		   "\tif [ \"$cur\" = = ]; then\n\t\tcur=\n"
		   "\telif [ \"$prev\" = = ] && [ \"$COMP_CWORD\" -gt 1 ]; then\n"
		   "\t\tprev=${COMP_WORDS[COMP_CWORD-2]}\n\tfi\n"
		   "\t# the command: the words that are neither options nor their values\n"
		   "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
		   "\t\tw=${COMP_WORDS[i]}\n"
		   "\t\tcase $w in\n"
		   "\t\t--) return ;;\t# psql's own arguments follow\n\t\t");
	for (j = 0; option_defs[j].name; j++)
		if (option_defs[j].help && option_defs[j].has_arg == required_argument)
			printf("%s--%s", sep, option_defs[j].name), sep = " | ";
	printf(")\n\t\t\t[ \"${COMP_WORDS[i+1]}\" = = ] && i=$((i + 1))\n"
		   "\t\t\ti=$((i + 1)) ;;\n"
		   "\t\t-* | =) ;;\n"
		   "\t\t*) if [ -z \"$cmd\" ]; then cmd=$w; elif [ \"$cmd\" = roles ]; then cmd=\"roles $w\"; fi ;;\n"
		   "\t\tesac\n\tdone\n\n"
		   "\t# an option's value\n\tcase $prev in\n");
	for (j = 0; option_defs[j].name; j++)
	{
		const struct option_def *o = &option_defs[j];

		if (!o->help || o->has_arg != required_argument)
			continue;
		printf("\t--%s) ", o->name);
		if (fixed_values(o->arg))
		{
			const char *p;

			printf("COMPREPLY=($(compgen -W \"");
			for (p = o->arg; *p; p++)
				putchar(*p == '|' ? ' ' : *p);
			printf("\" -- \"$cur\"))");
		}
		else if (strcmp(o->arg, "FILE") == 0)
			printf("COMPREPLY=($(compgen -f -- \"$cur\"))");
		else if (strcmp(o->arg, "DIR") == 0)
			printf("COMPREPLY=($(compgen -d -- \"$cur\"))");
		else
			printf("COMPREPLY=()");
		printf("; return ;;\n");
	}
	printf("\tesac\n\n\tif [[ $cur == -* ]]; then\n\t\tcase $cmd in\n");
	for (c = 0; commands[c].name; c++)
	{
		printf("\t\t\"%s\") w=\"", commands[c].name);
		completion_options(commands[c].command);
		printf("\" ;;\n");
	}
	printf("\t\t*) w= ;;\n\t\tesac\n\t\tCOMPREPLY=($(compgen -W \"$w ");
	completion_options(CMD_NONE);
	printf("\" -- \"$cur\"))\n\t\treturn\n\tfi\n\tcase $cmd in\n\t\"\") COMPREPLY=($(compgen -W \"");
	sep = "";
	for (c = 0; commands[c].name; c++)
	{
		const char *space = strchr(commands[c].name, ' ');

		if (space == NULL)
			printf("%s%s", sep, commands[c].name);
		else if (!(BIT(commands[c].command) & ROLES) || commands[c].command == CMD_ROLES_SETUP)
			printf("%s%.*s", sep, (int) (space - commands[c].name), commands[c].name);
		else
			continue;
		sep = " ";
	}
	printf("\" -- \"$cur\")) ;;\n\troles) COMPREPLY=($(compgen -W \"");
	sep = "";
	for (c = 0; commands[c].name; c++)
		if (BIT(commands[c].command) & ROLES)
			printf("%s%s", sep, strchr(commands[c].name, ' ') + 1), sep = " ";
	printf("\" -- \"$cur\")) ;;\n\tesac\n}\ncomplete -F _appdb appdb\n");
}

void
print_generated(const char *what)
{
	if (strcmp(what, "man") == 0)
		print_man_page();
	else
		print_completion();
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

/*
 * The command the words name, and how many words it takes (1 or 2);
 * CMD_ROLES for "roles" without a known subcommand, CMD_NONE for no command.
 */
static enum appdb_command
find_command(char **words, int n, int *used)
{
	int			i;

	*used = 1;
	if (n == 0)
		return CMD_NONE;
	for (i = 0; commands[i].name; i++)
	{
		const char *name = commands[i].name;
		const char *space = strchr(name, ' ');

		if (space == NULL && strcmp(words[0], name) == 0)
			return commands[i].command;
		if (space && strncmp(words[0], name, (size_t) (space - name)) == 0 &&
			words[0][space - name] == '\0' && n > 1 && strcmp(words[1], space + 1) == 0)
		{
			*used = 2;
			return commands[i].command;
		}
	}
	return strcmp(words[0], "roles") == 0 ? CMD_ROLES : CMD_NONE;
}

/*
 * Parse the words of the command (after the options were taken out); dashdash
 * is the index of the first word after "--", or -1.  psql takes the words
 * after "--" as its own arguments.
 */
static int
parse_command(char **words, int n, int dashdash, struct appdb_options *opts)
{
	int			used;
	int			i;
	enum appdb_command command = find_command(words, n, &used);

	if (n == 0)
		return opts->help || opts->version || opts->generate ? EXIT_GO_ON :
			usage_error("no command given");
	if (command == CMD_NONE)
		return usage_error("unknown command \"%s\"", words[0]);
	if (command == CMD_ROLES)
	{
		if (n > 1)
			return usage_error("unknown roles subcommand \"%s\": use setup, plan or check", words[1]);
		if (!opts->help)
			return usage_error_see("roles", "\"roles\" needs a subcommand: setup, plan or check");
	}
	opts->command = command;
	for (i = used; i < n; i++)
	{
		if (command == CMD_PSQL && dashdash >= 0 && i >= dashdash)
			strv_add(&opts->psql_args, words[i]);
		else if (command == CMD_PSQL)
			return usage_error("unexpected argument \"%s\" after psql: give psql's arguments after --", words[i]);
		else
			return usage_error("unexpected argument \"%s\" after %s", words[i], command_name(command));
	}
	return EXIT_GO_ON;
}

int
parse_options(int argc, char **argv, struct appdb_options *opts)
{
	struct option longopts[sizeof(option_defs) / sizeof(option_defs[0])];
	bool		given[sizeof(option_defs) / sizeof(option_defs[0])] = {false};
	char		shortopts[16] = "+:";
	char		unknown[64] = "";
	int			dashdash = -1;
	int			used;
	int			n = 0;
	int			c;
	int			i;
	int			rc;

	memset(opts, 0, sizeof(*opts));
	opts->min_capacity = -1;
	opts->max_capacity = -1;
	opts->deletion_protection = -1;
	opts->master_tls = -1;
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
		if (option_defs[i].id < 128)
			shortopts[strlen(shortopts)] = (char) option_defs[i].id;	/* flags only */
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
		c = getopt_long(argc, argv, shortopts, longopts, NULL);
		if (c == -1)
		{
			if (optind > 1 && strcmp(argv[optind - 1], "--") == 0)
			{
				dashdash = n;
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
			/* said once the command is known, to point to its help */
			if (unknown[0] == '\0' && optopt > 0 && optopt < 128)
				snprintf(unknown, sizeof(unknown), "-%c", optopt);
			else if (unknown[0] == '\0')
				snprintf(unknown, sizeof(unknown), "%s", argv[optind - 1]);
			continue;
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
			case OPT_GENERATE:
				if (strcmp(optarg, "man") != 0 && strcmp(optarg, "bash-completion") != 0)
					return usage_error("invalid --generate \"%s\": use man or bash-completion", optarg);
				set_string(&opts->generate, optarg);
				break;
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
			case OPT_LOGIN_IF_REACHABLE: opts->login_if_reachable = true; break;
			case OPT_ROLE:
				/* a read-only user's name is checked against the config */
				if (optarg[0] == '\0')
					return usage_error("--role needs a role: app, migrator, master or a read-only user");
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
			case OPT_MASTER_TLS:
				if ((rc = parse_on_off("--master-tls", optarg, &opts->master_tls)) != EXIT_GO_ON)
					return rc;
				break;
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
			case OPT_READONLY_USER: strv_add(&opts->readonly_users, optarg); break;
			case OPT_DROP_REMOVED: opts->drop_removed = true; break;
			case OPT_MIGRATOR_ACCESS_ROLE: strv_add(&opts->migrator_access_roles, optarg); break;
			case OPT_READONLY_ACCESS_ROLE: strv_add(&opts->readonly_access_roles, optarg); break;
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

	if (unknown[0])
	{
		enum appdb_command command = find_command(argv, n, &used);

		return usage_error_see(command == CMD_NONE ? NULL : command_name(command),
							   "unknown option \"%s\"%s", unknown,
							   command == CMD_PSQL ? ": give psql's options after --" : "");
	}
	if ((rc = parse_command(argv, n, dashdash, opts)) != EXIT_GO_ON)
		return rc;
	if (opts->help || opts->version || opts->generate)
		return EXIT_GO_ON;
	for (i = 0; option_defs[i].name; i++)
		if (given[i] && option_defs[i].commands != GLOBAL &&
			!(option_defs[i].commands & BIT(opts->command)))
			return usage_error_see(command_name(opts->command), "option --%s does not apply to %s",
								   option_defs[i].name, command_name(opts->command));
	if (msgs_quiet && msgs_verbose)
		return usage_error("--quiet and --verbose contradict each other: give one");
	if (opts->pg_bindir && opts->pg_bindir[0] == '\0')
		return usage_error_see(command_name(opts->command),
							   "--pg-bindir needs a directory, the PostgreSQL server's binaries");
	/* else read (or written, by configure) as a file, with a puzzling error */
	if (opts->config_path)
	{
		struct stat st;

		if (stat(opts->config_path, &st) == 0 && S_ISDIR(st.st_mode))
			return usage_error("--config \"%s\" is a directory: give the environment's config file, "
							   "such as infra/<app>/database/<env>.json", opts->config_path);
	}
	if (opts->command == CMD_DOCTOR && opts->role && strcmp(opts->role, "master") == 0)
		return usage_error("invalid --role \"master\" for doctor: use app, migrator or a read-only user");
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
		&opts->backup_schedule, &opts->ssl_root_cert, &opts->generate
	};
	size_t		i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
	{
		free(*fields[i]);
		*fields[i] = NULL;
	}
	strv_free(&opts->psql_args);
	strv_free(&opts->app_access_roles);
	strv_free(&opts->readonly_users);
	strv_free(&opts->migrator_access_roles);
	strv_free(&opts->readonly_access_roles);
}
