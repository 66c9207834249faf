/*
 * test/cli/test_envconfig.c
 *		The environment's config file (cli/envconfig.c): env_config_parse
 *		on a file's text (each key's checks, the aws keys and their
 *		defaults, JSON the file must not hold) with the exact error, and
 *		env_state_dir, where an environment's state lives.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/envconfig.h"
#include "cli/msgs.h"
#include "cli/util.h"

#include "test/cli/test_cli.h"
#include "test/unit.h"

#define WHERE "config file x.json"
#define LOCAL_KEYS "appdb: hint: the keys are: provider, app, env, database, app_user, " \
	"migrator_user, schema_name, auth, superuser_extensions, readonly_users, port, pg_bindir, master_tls\n"
#define AWS_KEYS "appdb: hint: the keys are: provider, app, env, database, app_user, " \
	"migrator_user, schema_name, auth, superuser_extensions, readonly_users, port, region, cluster_name, " \
	"engine_version, min_capacity, max_capacity, vpc_id, vpc_tag, subnet_ids, subnet_tag, " \
	"ingress_security_group_ids, deletion_protection, backup_schedule, backup_retention_days, temporary, " \
	"apply_immediately, ssl_root_cert, app_access_role_names, migrator_access_role_names, " \
	"readonly_access_role_names\n"

/* The keys every provider needs, after "provider": "..." */
#define BASE "\"app\": \"shop\", \"env\": \"dev\", \"database\": \"app\", " \
	"\"app_user\": \"app\", \"migrator_user\": \"migrator\", \"schema_name\": \"app\", " \
	"\"auth\": \"iam\""
#define LOCAL "{\"provider\": \"local\", " BASE
#define AWS "{\"provider\": \"aws\", " BASE ", \"region\": \"us-east-1\", " \
	"\"cluster_name\": \"shop-dev\", \"engine_version\": \"16.6\""
#define BASE_WANT "app=shop env=dev database=app app_user=app migrator_user=migrator " \
	"schema=app auth=iam"
#define AWS_WANT "provider=aws " BASE_WANT " extensions={} port=5432 region=us-east-1 " \
	"cluster_name=shop-dev engine_version=16.6 min_capacity=0.5 max_capacity=1"
#define AWS_WANT_TAIL "deletion_protection=on backup_schedule=cron(0 7 ? * SUN *) " \
	"backup_retention=none temporary=no apply_immediately=no"

struct envconfig_case
{
	const char *name;
	const char *text;
	const char *want_env;		/* --env, or NULL */
	int			rc;
	const char *want;			/* render_config() of the result, if rc is -1 */
	const char *err;			/* all of stderr */
};

/* Every setting of cfg that is set, as key=value. */
static void
render_config(const struct env_config *c, char *buf, size_t size)
{
	const struct
	{
		const char *key;
		const char *value;
	}			strings[] = {
		{"provider", c->provider}, {"app", c->app}, {"env", c->env},
		{"database", c->database}, {"app_user", c->app_user},
		{"migrator_user", c->migrator_user}, {"schema", c->schema},
		{"auth", c->auth}, {"extensions", c->extensions},
	}, aws_strings[] = {
		{"pg_bindir", c->pg_bindir}, {"region", c->region},
		{"cluster_name", c->cluster_name}, {"engine_version", c->engine_version},
	}, aws_network[] = {
		{"vpc_id", c->vpc_id}, {"vpc_tag", c->vpc_tag},
	};
	size_t		i;
	char		v[64];

	buf[0] = '\0';
	for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		if (strings[i].value)
			render_add(buf, size, strings[i].key, strings[i].value);
	snprintf(v, sizeof(v), "%d", c->port);
	render_add(buf, size, "port", v);
	for (i = 0; c->readonly_users && c->readonly_users[i]; i++)
		render_add(buf, size, "readonly_user", c->readonly_users[i]);
	for (i = 0; i < sizeof(aws_strings) / sizeof(aws_strings[0]); i++)
		if (aws_strings[i].value)
			render_add(buf, size, aws_strings[i].key, aws_strings[i].value);
	if (c->provider == NULL || strcmp(c->provider, "aws") != 0)
	{
		if (!c->master_tls)
			render_add(buf, size, "master_tls", "off");
		return;
	}
	snprintf(v, sizeof(v), "%g", c->min_capacity);
	render_add(buf, size, "min_capacity", v);
	snprintf(v, sizeof(v), "%g", c->max_capacity);
	render_add(buf, size, "max_capacity", v);
	for (i = 0; i < sizeof(aws_network) / sizeof(aws_network[0]); i++)
		if (aws_network[i].value)
			render_add(buf, size, aws_network[i].key, aws_network[i].value);
	for (i = 0; c->subnet_ids && c->subnet_ids[i]; i++)
		render_add(buf, size, "subnet_id", c->subnet_ids[i]);
	if (c->subnet_tag)
		render_add(buf, size, "subnet_tag", c->subnet_tag);
	for (i = 0; c->ingress_security_group_ids && c->ingress_security_group_ids[i]; i++)
		render_add(buf, size, "ingress_sg", c->ingress_security_group_ids[i]);
	render_add(buf, size, "deletion_protection", c->deletion_protection ? "on" : "off");
	if (c->backup_schedule)
		render_add(buf, size, "backup_schedule", c->backup_schedule);
	snprintf(v, sizeof(v), "%d", c->backup_retention_days);
	render_add(buf, size, "backup_retention", c->backup_retention_days ? v : "none");
	render_add(buf, size, "temporary", c->temporary ? "yes" : "no");
	render_add(buf, size, "apply_immediately", c->apply_immediately ? "yes" : "no");
	for (i = 0; c->app_access_role_names && c->app_access_role_names[i]; i++)
		render_add(buf, size, "app_access_role", c->app_access_role_names[i]);
	for (i = 0; c->migrator_access_role_names && c->migrator_access_role_names[i]; i++)
		render_add(buf, size, "migrator_access_role", c->migrator_access_role_names[i]);
	for (i = 0; c->readonly_access_roles && c->readonly_access_roles[i]; i++)
		render_add(buf, size, "readonly_access_role", c->readonly_access_roles[i]);
}

static const struct envconfig_case envconfig_cases[] = {
	{"envconfig: local, the defaults", LOCAL "}", NULL, -1,
	"provider=local " BASE_WANT " extensions={} port=0", ""},
	{"envconfig: local, every key", "{\"provider\": \"local\", \"app\": \"shop\", \"env\": \"dev\", "
		"\"database\": \"db1\", \"app_user\": \"web\", \"migrator_user\": \"mig\", "
		"\"schema_name\": \"s1\", \"auth\": \"password\", "
		"\"superuser_extensions\": {\"hstore\": true, \"citext\": false}, "
		"\"port\": 5433, \"pg_bindir\": \"/usr/lib/postgresql/16/bin\"}\n", "dev", -1,
		"provider=local app=shop env=dev database=db1 app_user=web migrator_user=mig schema=s1 "
		"auth=password extensions={\"hstore\":true,\"citext\":false} port=5433 "
	"pg_bindir=/usr/lib/postgresql/16/bin", ""},
	{"envconfig: local, master_tls off", LOCAL ", \"master_tls\": false}", NULL, -1,
	"provider=local " BASE_WANT " extensions={} port=0 master_tls=off", ""},
	{"envconfig: null is as if the key were absent", LOCAL ", \"pg_bindir\": null, \"port\": null}",
	NULL, -1, "provider=local " BASE_WANT " extensions={} port=0", ""},
	{"envconfig: aws, the defaults", AWS "}", NULL, -1, AWS_WANT " " AWS_WANT_TAIL, ""},
	{"envconfig: aws, every key", "{\"provider\": \"aws\", " BASE ", \"region\": \"eu-west-1\", "
		"\"cluster_name\": \"shop-dev-2\", \"engine_version\": \"15.4\", \"min_capacity\": 0, "
		"\"max_capacity\": 4.5, \"vpc_id\": \"vpc-0abc\", \"subnet_ids\": [\"subnet-1\", \"subnet-2\"], "
		"\"deletion_protection\": false, \"backup_schedule\": \"cron(0 3 * * ? *)\", \"port\": 6432, "
		"\"backup_retention_days\": 35, \"temporary\": true, \"apply_immediately\": true}",
		"dev", -1,
		"provider=aws " BASE_WANT " extensions={} port=6432 region=eu-west-1 "
		"cluster_name=shop-dev-2 engine_version=15.4 min_capacity=0 max_capacity=4.5 "
		"vpc_id=vpc-0abc subnet_id=subnet-1 subnet_id=subnet-2 deletion_protection=off "
	"backup_schedule=cron(0 3 * * ? *) backup_retention=35 temporary=yes apply_immediately=yes", ""},
	{"envconfig: aws, the life-cycle keys null are their defaults", AWS ", \"backup_retention_days\": null, "
		"\"temporary\": null, \"apply_immediately\": null}", NULL, -1, AWS_WANT " " AWS_WANT_TAIL, ""},
	{"envconfig: aws, temporary turns deletion protection off", AWS ", \"temporary\": true}", NULL, -1,
		AWS_WANT " deletion_protection=off backup_schedule=cron(0 7 ? * SUN *) "
	"backup_retention=none temporary=yes apply_immediately=no", ""},
	{"envconfig: aws, AWS Backup's longest retention", AWS ", \"backup_retention_days\": 36500}", NULL, -1,
		AWS_WANT " deletion_protection=on backup_schedule=cron(0 7 ? * SUN *) "
	"backup_retention=36500 temporary=no apply_immediately=no", ""},
	{"envconfig: aws, the network by tags", AWS ", \"vpc_tag\": \"Name=shop\", "
		"\"subnet_tag\": \"subnet_type=database\"}", NULL, -1,
		AWS_WANT " vpc_tag=Name=shop subnet_tag=subnet_type=database " AWS_WANT_TAIL, ""},
	{"envconfig: aws, the task roles", AWS ", \"app_access_role_names\": [\"svc-task\", \"a_b+c=d,e.f@g\"], "
		"\"migrator_access_role_names\": [\"svc-task\"]}", NULL, -1,
		AWS_WANT " " AWS_WANT_TAIL " app_access_role=svc-task app_access_role=a_b+c=d,e.f@g "
	"migrator_access_role=svc-task", ""},

	/* refused: the message names the file and the key; exit status 2 */
	{"envconfig error: not JSON", "{\"provider\": local}", NULL, 2, NULL,
	"appdb: error: " WHERE ": not valid JSON (unexpected character at character 13)\n"},
	{"envconfig error: the file ends early", LOCAL, NULL, 2, NULL,
	"appdb: error: " WHERE ": not valid JSON (the file ends before the JSON object does)\n"},
	{"envconfig error: text after the object", LOCAL "} {}", NULL, 2, NULL,
	"appdb: error: " WHERE ": not valid JSON (text after the object at character 155)\n"},
	{"envconfig error: not an object", "[1, 2]", NULL, 2, NULL,
	"appdb: error: " WHERE ": must hold a JSON object\n"},
	{"envconfig error: a NUL in a name", "{\"provider\": \"local\", \"app\": \"sh\\u0000op\"}", NULL, 2, NULL,
		"appdb: error: " WHERE ": holds \\u0000, a NUL character, which no name or setting may contain\n"
	"appdb: hint: remove it; PostgreSQL would cut the name at that point\n"},
	{"envconfig error: a key twice", LOCAL ", \"app_user\": \"admin\"}", NULL, 2, NULL,
		"appdb: error: " WHERE ": key \"app_user\" appears twice in the same object\n"
	"appdb: hint: keep one: which value counts would otherwise be a guess\n"},
	{"envconfig error: no provider", "{\"app\": \"shop\"}", NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"provider\" is missing\n"},
	{"envconfig error: unknown key", LOCAL ", \"colour\": \"blue\"}", NULL, 2, NULL,
	"appdb: error: " WHERE ": unknown key \"colour\"\n" LOCAL_KEYS},
	{"envconfig error: an aws key in a local file", LOCAL ", \"region\": \"us-east-1\"}", NULL, 2, NULL,
	"appdb: error: " WHERE ": unknown key \"region\" (a key of the aws provider)\n" LOCAL_KEYS},
	{"envconfig error: a local key in an aws file", AWS ", \"pg_bindir\": \"/b\"}", NULL, 2, NULL,
	"appdb: error: " WHERE ": unknown key \"pg_bindir\" (a key of the local provider)\n" AWS_KEYS},
	{"envconfig error: a key missing", "{\"provider\": \"local\", \"app\": \"shop\", \"env\": \"dev\"}",
	NULL, 2, NULL, "appdb: error: " WHERE ": key \"database\" is missing\n"},
	{"envconfig error: a name not a string", LOCAL ", \"pg_bindir\": 5}", NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"pg_bindir\" must be a string\n"},
	{"envconfig error: app with a slash", "{\"provider\": \"local\", \"app\": \"a/b\", \"env\": \"dev\", "
		"\"database\": \"app\", \"app_user\": \"app\", \"migrator_user\": \"migrator\", "
		"\"schema_name\": \"app\", \"auth\": \"iam\"}", NULL, 2, NULL,
		"appdb: key \"app\" \"a/b\" may hold only ASCII letters, digits, '-' and '_'\n"
	"Try \"appdb --help\" for more information.\n"},
	{"envconfig error: env is not --env", LOCAL "}", "prod", 2, NULL,
		"appdb: error: " WHERE ": key \"env\" is \"dev\", but --env is \"prod\"\n"
	"appdb: hint: correct the file's \"env\", or give the --env it was written for\n"},
	{"envconfig error: superuser_extensions a list", LOCAL ", \"superuser_extensions\": [\"hstore\"]}",
		NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"superuser_extensions\" must be an object such as {\"hstore\": true}\n"},
	{"envconfig error: port 0", LOCAL ", \"port\": 0}", NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"port\" must be a whole number from 1 to 65535\n"},
	{"envconfig error: port a string", LOCAL ", \"port\": \"5432\"}", NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"port\" must be a whole number from 1 to 65535\n"},
	{"envconfig error: unknown provider", "{\"provider\": \"gcp\", " BASE "}", NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"provider\": \"gcp\" is not a provider (use \"local\" or \"aws\")\n"},
	{"envconfig error: a role name the core refuses", "{\"provider\": \"local\", \"app\": \"shop\", "
		"\"env\": \"dev\", \"database\": \"app\", \"app_user\": \"pg_app\", "
		"\"migrator_user\": \"migrator\", \"schema_name\": \"app\", \"auth\": \"iam\"}", NULL, 2, NULL,
	NULL},
	{"envconfig error: aws without a region", "{\"provider\": \"aws\", " BASE ", "
		"\"cluster_name\": \"shop-dev\", \"engine_version\": \"16.6\"}", NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"region\" is missing\n"},
	{"envconfig error: aws cluster name with capitals", "{\"provider\": \"aws\", " BASE ", "
		"\"region\": \"us-east-1\", \"cluster_name\": \"Shop\", \"engine_version\": \"16.6\"}", NULL, 2, NULL,
		"appdb: error: " WHERE ": key \"cluster_name\": \"Shop\" is not a usable cluster name: 1 to 40 "
		"lower-case letters, digits and single hyphens, beginning with a letter and not ending with "
	"a hyphen\n"},
	{"envconfig error: aws engine version 10", "{\"provider\": \"aws\", " BASE ", "
		"\"region\": \"us-east-1\", \"cluster_name\": \"shop-dev\", \"engine_version\": \"10.4\"}", NULL, 2, NULL,
		"appdb: error: " WHERE ": key \"engine_version\": \"10.4\" is not an Aurora PostgreSQL version "
	"such as \"16.6\"\n"},
	{"envconfig error: aws capacity in steps of 0.5", AWS ", \"max_capacity\": 1.2}", NULL, 2, NULL,
		"appdb: error: " WHERE ": keys \"min_capacity\" and \"max_capacity\" (0.5 and 1.2): Serverless v2 "
		"capacity is 0 to 256 ACUs in steps of 0.5, the maximum at least 1 and not below the "
	"minimum\n"},
	{"envconfig error: aws capacity a string", AWS ", \"min_capacity\": \"1\"}", NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"min_capacity\" must be a number\n"},
	{"envconfig error: aws both vpc keys", AWS ", \"vpc_id\": \"vpc-1\", \"vpc_tag\": \"Name=x\"}",
		NULL, 2, NULL,
	"appdb: error: " WHERE ": keys \"vpc_id\" and \"vpc_tag\" both name the VPC; keep one\n"},
	{"envconfig error: aws one subnet", AWS ", \"subnet_ids\": [\"subnet-1\"]}", NULL, 2, NULL,
		"appdb: error: " WHERE ": key \"subnet_ids\": a DB subnet group needs subnets in at least two "
	"availability zones; give two or more\n"},
	{"envconfig: aws, ingress from two security groups", AWS ", \"ingress_security_group_ids\": "
		"[\"sg-0a1\", \"sg-0b2\"]}", NULL, -1,
		AWS_WANT " ingress_sg=sg-0a1 ingress_sg=sg-0b2 " AWS_WANT_TAIL, ""},
	{"envconfig error: aws ingress not a security group id", AWS ", \"ingress_security_group_ids\": "
		"[\"sg-0a1\", \"subnet-2\"]}", NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"ingress_security_group_ids\": \"subnet-2\" is not a security group id (sg-...)\n"},
	{"envconfig error: aws ssl_root_cert empty", AWS ", \"ssl_root_cert\": \"\"}", NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"ssl_root_cert\": give the RDS certificate bundle's path, or leave the key out\n"},
	{"envconfig error: aws ingress an empty list", AWS ", \"ingress_security_group_ids\": []}", NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"ingress_security_group_ids\": give at least one, or leave the key out to admit the VPC\n"},
	{"envconfig error: aws subnet not a subnet id", AWS ", \"subnet_ids\": [\"subnet-1\", \"sg-2\"]}",
		NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"subnet_ids\": \"sg-2\" is not a subnet id (subnet-...)\n"},
	{"envconfig error: aws task role not a role name", AWS ", \"app_access_role_names\": [\"svc\", \"svc task\"]}",
		NULL, 2, NULL,
		"appdb: error: " WHERE ": key \"app_access_role_names\": \"svc task\" is not an IAM role name: "
	"1 to 64 letters, digits and _+=,.@-\n"},
	{"envconfig error: aws task role of 65 characters", AWS ", \"migrator_access_role_names\": [\""
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"]}", NULL, 2, NULL,
		"appdb: error: " WHERE ": key \"migrator_access_role_names\": \""
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not an IAM role name: "
	"1 to 64 letters, digits and _+=,.@-\n"},
	{"envconfig error: aws task role named twice", AWS ", \"app_access_role_names\": [\"Svc\", \"svc\"]}",
		NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"app_access_role_names\": role \"svc\" is named twice\n"},
	{"envconfig error: aws task roles not a list", AWS ", \"app_access_role_names\": \"svc\"}",
		NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"app_access_role_names\" must be a list of strings\n"},
	{"envconfig error: aws deletion_protection a string", AWS ", \"deletion_protection\": \"yes\"}",
		NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"deletion_protection\" must be true or false\n"},
	{"envconfig error: a life-cycle key in a local file", LOCAL ", \"temporary\": true}", NULL, 2, NULL,
	"appdb: error: " WHERE ": unknown key \"temporary\" (a key of the aws provider)\n" LOCAL_KEYS},
	{"envconfig error: local master_tls a string", LOCAL ", \"master_tls\": \"no\"}", NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"master_tls\" must be true or false\n"},
	{"envconfig error: master_tls in an aws file", AWS ", \"master_tls\": false}", NULL, 2, NULL,
	"appdb: error: " WHERE ": unknown key \"master_tls\" (a key of the local provider)\n" AWS_KEYS},
	{"envconfig error: aws temporary a string", AWS ", \"temporary\": \"yes\"}", NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"temporary\" must be true or false\n"},
	{"envconfig error: aws apply_immediately a number", AWS ", \"apply_immediately\": 1}", NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"apply_immediately\" must be true or false\n"},
	{"envconfig: local, read-only users", LOCAL ", \"readonly_users\": [\"analyst\", \"support\"]}", NULL, -1,
	"provider=local " BASE_WANT " extensions={} port=0 readonly_user=analyst readonly_user=support", ""},
	{"envconfig error: a read-only user that is app", LOCAL ", \"readonly_users\": [\"app\"]}", NULL, 2, NULL,
	"appdb: error: " WHERE ": readonly_users: \"app\" is app_user\n"
	"appdb: hint: A read-only user may read the schema and nothing more; app writes and migrator owns.\n"},
	{"envconfig: aws, read-only users and their IAM roles", AWS ", \"readonly_users\": [\"analyst\", \"support\"], "
		"\"readonly_access_role_names\": {\"analyst\": [\"bi-task\", \"a=b\"]}}", NULL, -1,
		"provider=aws " BASE_WANT " extensions={} port=5432 readonly_user=analyst readonly_user=support "
		"region=us-east-1 cluster_name=shop-dev engine_version=16.6 min_capacity=0.5 max_capacity=1 " AWS_WANT_TAIL
	" readonly_access_role=analyst=bi-task readonly_access_role=analyst=a=b", ""},
	{"envconfig error: an IAM role for a user not read-only", AWS ", \"readonly_users\": [\"analyst\"], "
		"\"readonly_access_role_names\": {\"app\": [\"svc-task\"]}}", NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"readonly_access_role_names\": \"app\" is not a read-only user of key \"readonly_users\"\n"},
	{"envconfig error: readonly_access_role_names not an object", AWS ", \"readonly_users\": [\"analyst\"], "
		"\"readonly_access_role_names\": [\"svc-task\"]}", NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"readonly_access_role_names\" must be an object: each read-only user's list of IAM role names\n"},
	{"envconfig error: a read-only user's IAM role named twice", AWS ", \"readonly_users\": [\"analyst\"], "
		"\"readonly_access_role_names\": {\"analyst\": [\"r\", \"R\"]}}", NULL, 2, NULL,
	"appdb: error: " WHERE ": key \"readonly_access_role_names\": role \"R\" is named twice\n"},
	{"envconfig error: aws temporary with deletion protection on", AWS ", \"temporary\": true, "
		"\"deletion_protection\": true}", NULL, 2, NULL,
		"appdb: error: " WHERE ": keys \"temporary\" and \"deletion_protection\": a temporary environment "
	"has deletion protection off; set deletion_protection to false, or temporary to false\n"},
	{"envconfig error: aws backup retention 0 days", AWS ", \"backup_retention_days\": 0}", NULL, 2, NULL,
		"appdb: error: " WHERE ": key \"backup_retention_days\" must be a whole number of days from 1 "
	"to 36500, or null (no expiry)\n"},
	{"envconfig error: aws backup retention past 100 years", AWS ", \"backup_retention_days\": 36501}",
		NULL, 2, NULL,
		"appdb: error: " WHERE ": key \"backup_retention_days\" must be a whole number of days from 1 "
	"to 36500, or null (no expiry)\n"},
	{"envconfig error: aws backup retention a fraction", AWS ", \"backup_retention_days\": 7.5}",
		NULL, 2, NULL,
		"appdb: error: " WHERE ": key \"backup_retention_days\" must be a whole number of days from 1 "
	"to 36500, or null (no expiry)\n"},
	{"envconfig error: aws backup retention a string", AWS ", \"backup_retention_days\": \"35\"}",
		NULL, 2, NULL,
		"appdb: error: " WHERE ": key \"backup_retention_days\" must be a whole number of days from 1 "
	"to 36500, or null (no expiry)\n"},
	{"envconfig error: aws backup schedule not cron", AWS ", \"backup_schedule\": \"weekly\"}",
		NULL, 2, NULL,
		"appdb: error: " WHERE ": key \"backup_schedule\": \"weekly\" is not an AWS Backup schedule "
	"such as \"cron(0 7 ? * SUN *)\"\n"},
};

static void
test_envconfig(const struct envconfig_case *c)
{
	struct env_config cfg;
	char		got[2048];
	char	   *err;
	int			rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.path = xstrdup("x.json");
	begin_case(c->name);
	capture_start();
	rc = env_config_parse(WHERE, c->text, c->want_env, &cfg);
	err = capture_end();
	EXPECT(rc == c->rc, "returned %d, want %d; stderr [%s]", rc, c->rc, err);
	if (c->err)
		EXPECT(strcmp(err, c->err) == 0, "stderr\n  [%s], want\n  [%s]", err, c->err);
	else
		EXPECT(strncmp(err, "appdb: error: " WHERE ": ", strlen("appdb: error: " WHERE ": ")) == 0,
			   "stderr [%s]", err);
	if (rc == -1 && c->want)
	{
		render_config(&cfg, got, sizeof(got));
		EXPECT(strcmp(got, c->want) == 0, "config\n  [%s], want\n  [%s]", got, c->want);
	}
	free(err);
	env_config_free(&cfg);
	end_case();
}

struct state_dir_case
{
	const char *name;
	const char *config_path;	/* "@" stands for a fresh directory */
	const char *want;
};

static const struct state_dir_case state_dir_cases[] = {
	{"state dir: the repository layout gives its top",
	"/nonexistent-appdb/repo/infra/shop/database/dev.json", "/nonexistent-appdb/repo/.appdb/shop-dev"},
	{"state dir: another file name keeps the state beside it",
	"/nonexistent-appdb/repo/infra/shop/database/dev-copy.json", "/nonexistent-appdb/repo/infra/shop/database/.appdb/shop-dev"},
	{"state dir: another app's layout is not ours",
	"/nonexistent-appdb/repo/infra/other/database/dev.json", "/nonexistent-appdb/repo/infra/other/database/.appdb/shop-dev"},
	{"state dir: a file at the root", "/dev.json", "/.appdb/shop-dev"},
	{"state dir: dot-dot taken out", "/nonexistent-appdb/a/b/../infra/shop/database/dev.json",
	"/nonexistent-appdb/a/.appdb/shop-dev"},
	{"state dir: dot taken out", "/nonexistent-appdb/a/./infra/shop/database/./dev.json",
	"/nonexistent-appdb/a/.appdb/shop-dev"},
	{"state dir: a symbolic link resolved", "@/link/infra/shop/database/dev.json", "@/real/.appdb/shop-dev"},
	{"state dir: a relative path from the working directory", "@/real/infra/shop/database/dev.json#relative",
	"@/real/.appdb/shop-dev"},
};

/* Replace a leading "@" with dir. */
static char *
at(const char *s, const char *dir)
{
	return s[0] == '@' ? str_printf("%s%s", dir, s + 1) : xstrdup(s);
}

static void
test_state_dir(const struct state_dir_case *c, const char *dir)
{
	char	   *path = at(c->config_path, dir);
	char	   *want = at(c->want, dir);
	char	   *hash = strchr(path, '#');
	char	   *got;
	char		cwd[PATH_MAX];

	begin_case(c->name);
	if (hash)
	{
		/* from dir/real: the path relative to it */
		*hash = '\0';
		if (getcwd(cwd, sizeof(cwd)) == NULL || chdir(dir) != 0 || chdir("real") != 0)
			fail("cannot change to %s/real", dir);
		else
		{
			got = env_state_dir(path + strlen(dir) + strlen("/real/"), "shop", "dev");
			EXPECT(strcmp(got, want) == 0, "[%s], want [%s]", got, want);
			free(got);
			EXPECT(chdir(cwd) == 0, "cannot change back to %s", cwd);
		}
	}
	else
	{
		got = env_state_dir(path, "shop", "dev");
		EXPECT(strcmp(got, want) == 0, "[%s], want [%s]", got, want);
		free(got);
	}
	free(path);
	free(want);
	end_case();
}

/* The cases of cli/envconfig.c. */
void
envconfig_tests(void)
{
	char		tmpl[] = "/tmp/test_envconfig.XXXXXX";
	char	   *dir;
	char	   *real;
	char	   *link;
	size_t		i;

	for (i = 0; i < sizeof(envconfig_cases) / sizeof(envconfig_cases[0]); i++)
		test_envconfig(&envconfig_cases[i]);

	/* a fresh directory holding real/ and link -> real */
	if (mkdtemp(tmpl) == NULL)
	{
		check(false, "state dir: a fresh directory", "mkdtemp failed");
		return;
	}
	dir = realpath(tmpl, NULL);
	real = str_printf("%s/real", dir);
	link = str_printf("%s/link", dir);
	if (mkdir(real, 0700) != 0 || symlink("real", link) != 0)
		check(false, "state dir: a fresh directory", "cannot make %s and %s", real, link);
	else
		for (i = 0; i < sizeof(state_dir_cases) / sizeof(state_dir_cases[0]); i++)
			test_state_dir(&state_dir_cases[i], dir);
	unlink(link);
	rmdir(real);
	rmdir(dir);
	free(link);
	free(real);
	free(dir);
}
