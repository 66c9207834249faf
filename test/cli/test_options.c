/*
 * test/cli/test_options.c
 *		The command line (cli/options.c, parse_options): each command with
 *		its options, global options before and after the command, and every
 *		usage error with the exact message and exit status 2.
 *
 * A row gives argv and what parse_options leaves: its return (-1: go on),
 * the options that differ from their defaults, rendered in one line, and
 * what it printed to stderr.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/msgs.h"
#include "cli/options.h"

#include "test/cli/test_cli.h"
#include "test/unit.h"

#define TRY_HELP "Try \"appdb --help\" for more information.\n"
#define SEE(cmd) " (see \"appdb " cmd "--help\")\n"
#define MAX_ARGS 40

struct options_case
{
	const char *name;
	const char *args[MAX_ARGS];	/* after "appdb", NULL-terminated */
	int			rc;
	const char *want;			/* render_options() of the result, if rc is -1 */
	const char *err;			/* all of stderr */
};

static void
add_int(char *buf, size_t size, const char *key, int value)
{
	char		v[32];

	snprintf(v, sizeof(v), "%d", value);
	render_add(buf, size, key, v);
}

/* The options that differ from parse_options' defaults, as key=value. */
static void
render_options(const struct appdb_options *o, char *buf, size_t size)
{
	static const char *const via[] = {"auto", "extension", "core"};
	const struct
	{
		const char *key;
		const char *value;
	}			strings[] = {
		{"app", o->app}, {"env", o->env}, {"config", o->config_path},
		{"profile", o->profile}, {"region", o->region},
		{"endpoint-url", o->endpoint_url}, {"provider", o->provider},
		{"database", o->database}, {"app-user", o->app_user},
		{"migrator-user", o->migrator_user}, {"schema", o->schema},
		{"auth", o->auth}, {"extensions", o->extensions},
		{"pg-bindir", o->pg_bindir}, {"cluster-name", o->cluster_name},
		{"engine-version", o->engine_version}, {"vpc-id", o->vpc_id},
		{"vpc-tag", o->vpc_tag}, {"subnet-ids", o->subnet_ids},
		{"subnet-tag", o->subnet_tag}, {"backup-schedule", o->backup_schedule},
		{"role", o->role}, {"hostname", o->hostname}, {"username", o->username},
	};
	const struct
	{
		const char *key;
		bool		set;
	}			flags[] = {
		{"help", o->help}, {"version", o->version}, {"force", o->force},
		{"login", o->login}, {"yes", o->yes},
		{"lift-deletion-protection", o->lift_deletion_protection},
		{"skip-final-snapshot", o->skip_final_snapshot},
		{"temporary", o->temporary},
		{"verbose", msgs_verbose}, {"quiet", msgs_quiet},
		{"no-progress", !msgs_progress},
	};
	size_t		i;
	char		v[32];
	char		list[256] = "[";

	buf[0] = '\0';
	render_add(buf, size, "command", o->command == CMD_NONE ? "none" : command_name(o->command));
	for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		if (strings[i].value)
			render_add(buf, size, strings[i].key, strings[i].value);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (flags[i].set)
			render_add(buf, size, flags[i].key, "1");
	if (o->output == OUTPUT_JSON)
		render_add(buf, size, "output", "json");
	if (o->via != VIA_AUTO)
		render_add(buf, size, "via", via[o->via]);
	if (o->port)
		add_int(buf, size, "port", o->port);
	if (o->min_capacity != -1)
	{
		snprintf(v, sizeof(v), "%g", o->min_capacity);
		render_add(buf, size, "min-capacity", v);
	}
	if (o->max_capacity != -1)
	{
		snprintf(v, sizeof(v), "%g", o->max_capacity);
		render_add(buf, size, "max-capacity", v);
	}
	if (o->deletion_protection != -1)
		render_add(buf, size, "deletion-protection", o->deletion_protection ? "on" : "off");
	if (o->backup_retention_days != -1)
		add_int(buf, size, "backup-retention-days", o->backup_retention_days);
	if (o->apply_immediately != -1)
		render_add(buf, size, "apply-immediately", o->apply_immediately ? "on" : "off");
	if (o->wait_delay != -1)
		add_int(buf, size, "wait-delay", o->wait_delay);
	if (o->wait_max_attempts != -1)
		add_int(buf, size, "wait-max-attempts", o->wait_max_attempts);
	if (o->psql_args)
	{
		for (i = 0; o->psql_args[i]; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? "|" : "", o->psql_args[i]);
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "]");
		render_add(buf, size, "psql-args", list);
	}
}

static const struct options_case options_cases[] = {
	/* commands, and options in each place they may stand */
	{"options: --help alone", {"--help", NULL}, -1, "command=none help=1", ""},
	{"options: --version alone", {"--version", NULL}, -1, "command=none version=1", ""},
	{"options: a command's --help", {"configure", "--help", NULL}, -1,
	"command=configure help=1", ""},
	{"options: -h is --help", {"-h", NULL}, -1, "command=none help=1", ""},
	{"options: -V is --version", {"-V", NULL}, -1, "command=none version=1", ""},
	{"options: a command's -h", {"status", "-h", NULL}, -1, "command=status help=1", ""},
	{"options: roles --help is the help of the roles commands", {"roles", "--help", NULL}, -1,
	"command=roles help=1", ""},
	{"options: psql -- ARGS: psql's arguments", {"psql", "--role", "migrator", "--", "-c", "select 1", "-At", NULL}, -1,
	"command=psql role=migrator psql-args=[-c|select 1|-At]", ""},
	{"options: psql -- ARGS: appdb's options before --, psql's after",
		{"--app", "a", "psql", "--env", "e", "--", "--app", "x", NULL}, -1,
	"command=psql app=a env=e psql-args=[--app|x]", ""},
	{"options: psql -- alone: no arguments", {"psql", "--", NULL}, -1, "command=psql", ""},
	{"options: --help skips the check of where options apply",
		{"plan", "--yes", "--help", NULL}, -1, "command=plan help=1 yes=1", ""},
	{"options: configure, every local option",
		{"configure", "--app", "shop", "--env", "dev", "--provider", "local",
			"--database", "db1", "--app-user", "web", "--migrator-user", "mig",
			"--schema", "s1", "--auth", "password", "--superuser-extensions",
			"{\"hstore\": true}", "--port", "5433", "--force", "--pg-bindir",
		"/usr/lib/postgresql/16/bin", NULL}, -1,
		"command=configure app=shop env=dev provider=local database=db1 app-user=web "
		"migrator-user=mig schema=s1 auth=password extensions={\"hstore\": true} "
	"pg-bindir=/usr/lib/postgresql/16/bin force=1 port=5433", ""},
	{"options: configure, every aws option",
		{"--region", "us-east-1", "configure", "--provider", "aws", "--cluster-name", "c1",
			"--engine-version", "15.4", "--min-capacity", "0", "--max-capacity", "4.5",
			"--vpc-id", "vpc-1", "--vpc-tag", "Name=x", "--subnet-ids", "subnet-1,subnet-2",
			"--subnet-tag", "t=db", "--deletion-protection", "off",
		"--backup-schedule", "cron(0 3 ? * SUN *)", NULL}, -1,
		"command=configure region=us-east-1 provider=aws cluster-name=c1 engine-version=15.4 "
		"vpc-id=vpc-1 vpc-tag=Name=x subnet-ids=subnet-1,subnet-2 subnet-tag=t=db "
	"backup-schedule=cron(0 3 ? * SUN *) min-capacity=0 max-capacity=4.5 deletion-protection=off", ""},
	{"options: configure, the life-cycle options",
		{"configure", "--provider", "aws", "--temporary", "--backup-retention-days", "35",
		"--apply-immediately", "on", NULL}, -1,
		"command=configure provider=aws temporary=1 backup-retention-days=35 apply-immediately=on", ""},
	{"options: --backup-retention-days none", {"configure", "--backup-retention-days", "none", NULL}, -1,
	"command=configure backup-retention-days=0", ""},
	{"options: global options after the command",
		{"status", "--app", "shop", "--env", "dev", "--output", "json", "--profile", "p",
		"--endpoint-url", "http://127.0.0.1:5000", NULL}, -1,
	"command=status app=shop env=dev profile=p endpoint-url=http://127.0.0.1:5000 output=json", ""},
	{"options: --name=value, and options on both sides of a two-word command",
		{"--app=shop", "roles", "--env=dev", "check", "--login", "--via=core", NULL}, -1,
	"command=roles check app=shop env=dev login=1 via=core", ""},
	{"options: roles setup --via extension", {"roles", "setup", "--via", "extension", NULL}, -1,
	"command=roles setup via=extension", ""},
	{"options: roles plan --via auto", {"roles", "plan", "--via", "auto", "--config", "x.json", NULL}, -1,
	"command=roles plan config=x.json", ""},
	{"options: plan --pg-bindir", {"plan", "--pg-bindir", "/opt/pg", NULL}, -1,
	"command=plan pg-bindir=/opt/pg", ""},
	{"options: provision, the waiters' bounds",
		{"provision", "--wait-delay", "0", "--wait-max-attempts", "10000", "--pg-bindir", "/b", NULL}, -1,
	"command=provision pg-bindir=/b wait-delay=0 wait-max-attempts=10000", ""},
	{"options: destroy, every option",
		{"destroy", "--yes", "--lift-deletion-protection", "--skip-final-snapshot",
		"--wait-delay", "3600", "--wait-max-attempts", "1", NULL}, -1,
		"command=destroy yes=1 lift-deletion-protection=1 skip-final-snapshot=1 "
	"wait-delay=3600 wait-max-attempts=1", ""},
	{"options: url --role migrator", {"url", "--role", "migrator", NULL}, -1,
	"command=url role=migrator", ""},
	{"options: psql --role master", {"psql", "--role=master", NULL}, -1,
	"command=psql role=master", ""},
	{"options: token, every option",
		{"token", "--hostname", "h.example", "--port", "65535", "--username", "app",
		"--region", "eu-west-1", NULL}, -1,
	"command=token region=eu-west-1 hostname=h.example username=app port=65535", ""},
	{"options: outputs --output json", {"outputs", "--app", "shop", "--env", "dev", "--output", "json", NULL}, -1,
	"command=outputs app=shop env=dev output=json", ""},
	{"options: --verbose, --no-progress",
		{"--verbose", "status", "--no-progress", NULL}, -1,
	"command=status verbose=1 no-progress=1", ""},
	{"options: --quiet", {"status", "--quiet", NULL}, -1, "command=status quiet=1", ""},
	{"options: after --, every word is a command word", {"--app", "a", "--", "status", NULL}, -1,
	"command=status app=a", ""},
	{"options: a later value replaces an earlier one",
		{"--app", "one", "status", "--app", "two", NULL}, -1, "command=status app=two", ""},

	/* usage errors: the message, the try-help line, exit status 2 */
	{"options error: no command", {NULL}, 2, NULL, "appdb: no command given\n" TRY_HELP},
	{"options error: unknown command", {"frobnicate", NULL}, 2, NULL,
	"appdb: unknown command \"frobnicate\"\n" TRY_HELP},
	{"options error: roles without a subcommand", {"roles", NULL}, 2, NULL,
	"appdb: \"roles\" needs a subcommand: setup, plan or check" SEE("roles ")},
	{"options error: --quiet with --verbose", {"--quiet", "status", "--verbose", NULL}, 2, NULL,
	"appdb: --quiet and --verbose contradict each other: give one\n" TRY_HELP},
	{"options error: --pg-bindir \"\"", {"configure", "--pg-bindir", "", NULL}, 2, NULL,
	"appdb: --pg-bindir needs a directory, the PostgreSQL server's binaries" SEE("configure ")},
	{"options error: --pg-bindir= (empty)", {"provision", "--pg-bindir=", NULL}, 2, NULL,
	"appdb: --pg-bindir needs a directory, the PostgreSQL server's binaries" SEE("provision ")},
	{"options error: --config names a directory", {"status", "--config", "/tmp", NULL}, 2, NULL,
	"appdb: --config \"/tmp\" is a directory: give the environment's config file, such as infra/<app>/database/<env>.json\n" TRY_HELP},
	{"options error: psql's arguments without --", {"psql", "-c", NULL}, 2, NULL,
	"appdb: unknown option \"-c\": give psql's options after --" SEE("psql ")},
	{"options error: a word after psql without --", {"psql", "extra", NULL}, 2, NULL,
	"appdb: unexpected argument \"extra\" after psql: give psql's arguments after --\n" TRY_HELP},
	{"options error: -- ARGS after a command other than psql", {"status", "--", "extra", NULL}, 2, NULL,
	"appdb: unexpected argument \"extra\" after status\n" TRY_HELP},
	{"options error: unknown option before the command points to the command's help",
		{"--frobnicate", "roles", "check", NULL}, 2, NULL,
	"appdb: unknown option \"--frobnicate\"" SEE("roles check ")},
	{"options error: unknown option without a command", {"--frobnicate", NULL}, 2, NULL,
	"appdb: unknown option \"--frobnicate\"" SEE("")},
	{"options error: unknown roles subcommand", {"roles", "drop", NULL}, 2, NULL,
	"appdb: unknown roles subcommand \"drop\": use setup, plan or check\n" TRY_HELP},
	{"options error: a word after the command", {"status", "now", NULL}, 2, NULL,
	"appdb: unexpected argument \"now\" after status\n" TRY_HELP},
	{"options error: a word after a two-word command", {"roles", "check", "now", NULL}, 2, NULL,
	"appdb: unexpected argument \"now\" after roles check\n" TRY_HELP},
	{"options error: unknown long option", {"status", "--frobnicate", NULL}, 2, NULL,
	"appdb: unknown option \"--frobnicate\"" SEE("status ")},
	{"options error: unknown short option", {"status", "-x", NULL}, 2, NULL,
	"appdb: unknown option \"-x\"" SEE("status ")},
	{"options error: a value for a flag", {"destroy", "--yes=1", NULL}, 2, NULL,
	"appdb: option --yes does not take a value\n" TRY_HELP},
	{"options error: a missing value", {"status", "--app", NULL}, 2, NULL,
	"appdb: option \"--app\" needs a value\n" TRY_HELP},
	{"options error: an option of another command", {"plan", "--yes", NULL}, 2, NULL,
	"appdb: option --yes does not apply to plan" SEE("plan ")},
	{"options error: --port before a command without it", {"--port", "5433", "status", NULL}, 2, NULL,
	"appdb: option --port does not apply to status" SEE("status ")},
	{"options error: --login with roles setup", {"roles", "setup", "--login", NULL}, 2, NULL,
	"appdb: option --login does not apply to roles setup" SEE("roles setup ")},
	{"options error: --role with outputs (it prints every role's)", {"outputs", "--role", "app", NULL}, 2, NULL,
	"appdb: option --role does not apply to outputs" SEE("outputs ")},
	{"options error: --force with token", {"token", "--force", NULL}, 2, NULL,
	"appdb: option --force does not apply to token" SEE("token ")},
	{"options error: port 0", {"configure", "--port", "0", NULL}, 2, NULL,
	"appdb: invalid port \"0\": give a number from 1 to 65535\n" TRY_HELP},
	{"options error: port 65536", {"configure", "--port", "65536", NULL}, 2, NULL,
	"appdb: invalid port \"65536\": give a number from 1 to 65535\n" TRY_HELP},
	{"options error: port with letters", {"token", "--port", "54x", NULL}, 2, NULL,
	"appdb: invalid port \"54x\": give a number from 1 to 65535\n" TRY_HELP},
	{"options error: empty port", {"token", "--port=", NULL}, 2, NULL,
	"appdb: invalid port \"\": give a number from 1 to 65535\n" TRY_HELP},
	{"options error: --output xml", {"--output", "xml", "status", NULL}, 2, NULL,
	"appdb: invalid --output \"xml\": use text or json\n" TRY_HELP},
	{"options error: --via spi", {"roles", "check", "--via", "spi", NULL}, 2, NULL,
	"appdb: invalid --via \"spi\": use auto, extension or core\n" TRY_HELP},
	/* a name that is no role of the config is refused once the config is read (cli.sh) */
	{"options error: --role empty", {"url", "--role", "", NULL}, 2, NULL,
	"appdb: --role needs a role: app, migrator, master or a read-only user\n" TRY_HELP},
	{"options error: --deletion-protection maybe", {"configure", "--deletion-protection", "maybe", NULL}, 2, NULL,
	"appdb: invalid --deletion-protection \"maybe\": use on or off\n" TRY_HELP},
	{"options error: --backup-retention-days 0", {"configure", "--backup-retention-days", "0", NULL}, 2, NULL,
		"appdb: invalid --backup-retention-days \"0\": give a whole number of days from 1 to 36500, or none "
	"(no expiry)\n" TRY_HELP},
	{"options error: --backup-retention-days past 100 years", {"configure", "--backup-retention-days", "36501", NULL},
		2, NULL, "appdb: invalid --backup-retention-days \"36501\": give a whole number of days from 1 to 36500, "
	"or none (no expiry)\n" TRY_HELP},
	{"options error: --apply-immediately yes", {"configure", "--apply-immediately", "yes", NULL}, 2, NULL,
	"appdb: invalid --apply-immediately \"yes\": use on or off\n" TRY_HELP},
	{"options error: --temporary is configure's", {"destroy", "--temporary", NULL}, 2, NULL,
	"appdb: option --temporary does not apply to destroy" SEE("destroy ")},
	{"options error: --min-capacity above 256", {"configure", "--min-capacity", "300", NULL}, 2, NULL,
	"appdb: invalid --min-capacity \"300\": give capacity units such as 0.5 or 4\n" TRY_HELP},
	{"options error: --max-capacity not a number", {"configure", "--max-capacity", "lots", NULL}, 2, NULL,
	"appdb: invalid --max-capacity \"lots\": give capacity units such as 0.5 or 4\n" TRY_HELP},
	{"options error: --wait-delay above 3600", {"provision", "--wait-delay", "3601", NULL}, 2, NULL,
	"appdb: invalid --wait-delay \"3601\": give a whole number from 0 to 3600\n" TRY_HELP},
	{"options error: --wait-max-attempts 0", {"destroy", "--wait-max-attempts", "0", NULL}, 2, NULL,
	"appdb: invalid --wait-max-attempts \"0\": give a whole number from 1 to 10000\n" TRY_HELP},
};

static void
test_options(const struct options_case *c)
{
	char	   *argv[MAX_ARGS + 1];
	struct appdb_options opts;
	char		got[2048];
	char	   *err;
	int			argc = 0;
	int			rc;

	argv[argc++] = "appdb";
	while (c->args[argc - 1])
	{
		argv[argc] = (char *) c->args[argc - 1];
		argc++;
	}
	argv[argc] = NULL;
	msgs_verbose = false;
	msgs_quiet = false;
	msgs_progress = true;

	begin_case(c->name);
	capture_start();
	rc = parse_options(argc, argv, &opts);
	err = capture_end();
	EXPECT(rc == c->rc, "returned %d, want %d", rc, c->rc);
	EXPECT(strcmp(err, c->err) == 0, "stderr [%s], want [%s]", err, c->err);
	if (rc == -1 && c->want)
	{
		render_options(&opts, got, sizeof(got));
		EXPECT(strcmp(got, c->want) == 0, "options\n  [%s], want\n  [%s]", got, c->want);
	}
	free(err);
	free_options(&opts);
	end_case();
}

/* The cases of cli/options.c. */
void
options_tests(void)
{
	size_t		i;

	for (i = 0; i < sizeof(options_cases) / sizeof(options_cases[0]); i++)
		test_options(&options_cases[i]);
	msgs_verbose = false;
	msgs_quiet = false;
	msgs_progress = true;
}
