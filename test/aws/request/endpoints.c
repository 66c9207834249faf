/*
 * test/aws/request/endpoints.c
 *		Endpoint resolution, offline: the --endpoint-url flag, the
 *		AWS_ENDPOINT_URL variables and the defaults, and each service's variable name.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "cli/aws/request.h"
#include "test/aws/request/test_request.h"
#include "test/unit.h"

static const char *const endpoint_vars[] = {
	"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_RDS", "AWS_ENDPOINT_URL_RDS_DATA",
	"AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_EC2",
	"AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL_SECRETS_MANAGER",
	"AWS_ENDPOINT_URL_BACKUP", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", NULL
};

struct saved_env
{
	char	   *values[16];
};

static void
save_env(struct saved_env *s)
{
	int			i;

	for (i = 0; endpoint_vars[i]; i++)
	{
		const char *v = getenv(endpoint_vars[i]);

		s->values[i] = v ? strdup(v) : NULL;
		unsetenv(endpoint_vars[i]);
	}
}

static void
restore_env(struct saved_env *s)
{
	int			i;

	for (i = 0; endpoint_vars[i]; i++)
	{
		if (s->values[i])
			setenv(endpoint_vars[i], s->values[i], 1);
		else
			unsetenv(endpoint_vars[i]);
		free(s->values[i]);
	}
}

struct endpoint_row
{
	const char *name;
	const struct aws_service *svc;
	const char *region;
	const char *flag;
	const char *env;			/* "NAME=value;NAME=value" */
	enum aws_status status;
	const char *origin;
	const char *host;
	const char *base_path;
	const char *signing_region;
	const char *source;
};

static void
set_env_list(const char *list)
{
	char	   *copy;
	char	   *save = NULL;
	char	   *item;

	if (list == NULL)
		return;
	copy = strdup(list);
	for (item = strtok_r(copy, ";", &save); item; item = strtok_r(NULL, ";", &save))
	{
		char	   *eq = strchr(item, '=');

		*eq = '\0';
		setenv(item, eq + 1, 1);
	}
	free(copy);
}

void
test_endpoints(void)
{
	static const struct endpoint_row rows[] = {
		{"rds-default", &aws_service_rds, "us-east-1", NULL, NULL, AWS_OK,
		"https://rds.us-east-1.amazonaws.com", "rds.us-east-1.amazonaws.com", "",
		"us-east-1", "default"},
		{"rds-data-default", &aws_service_rds_data, "eu-central-1", NULL, NULL, AWS_OK,
		"https://rds-data.eu-central-1.amazonaws.com",
		"rds-data.eu-central-1.amazonaws.com", "", "eu-central-1", "default"},
		{"secretsmanager-default", &aws_service_secrets_manager, "eu-west-1", NULL, NULL,
		AWS_OK, "https://secretsmanager.eu-west-1.amazonaws.com",
		"secretsmanager.eu-west-1.amazonaws.com", "", "eu-west-1", "default"},
		{"iam-default-global", &aws_service_iam, "eu-central-1", NULL, NULL, AWS_OK,
		"https://iam.amazonaws.com", "iam.amazonaws.com", "", "us-east-1", "default"},
		{"iam-override-client-region", &aws_service_iam, "eu-central-1", NULL,
			"AWS_ENDPOINT_URL=http://127.0.0.1:5000", AWS_OK,
		"http://127.0.0.1:5000", "127.0.0.1:5000", "", "eu-central-1", "AWS_ENDPOINT_URL"},
		{"iam-flag-client-region", &aws_service_iam, "eu-central-1",
			"http://localhost:4566", NULL, AWS_OK,
		"http://localhost:4566", "localhost:4566", "", "eu-central-1", "--endpoint-url"},
		{"rds-data-service-var-beats-global", &aws_service_rds_data, "us-east-1", NULL,
			"AWS_ENDPOINT_URL=http://127.0.0.1:5000;AWS_ENDPOINT_URL_RDS_DATA=http://127.0.0.1:7000",
			AWS_OK, "http://127.0.0.1:7000", "127.0.0.1:7000", "", "us-east-1",
		"AWS_ENDPOINT_URL_RDS_DATA"},
		{"rds-not-rds-data", &aws_service_rds, "us-east-1", NULL,
			"AWS_ENDPOINT_URL=http://127.0.0.1:5000;AWS_ENDPOINT_URL_RDS_DATA=http://127.0.0.1:7000",
			AWS_OK, "http://127.0.0.1:5000", "127.0.0.1:5000", "", "us-east-1",
		"AWS_ENDPOINT_URL"},
		{"secrets-manager-var", &aws_service_secrets_manager, "us-east-1", NULL,
			"AWS_ENDPOINT_URL_SECRETS_MANAGER=http://sm.local:8080", AWS_OK,
			"http://sm.local:8080", "sm.local:8080", "", "us-east-1",
		"AWS_ENDPOINT_URL_SECRETS_MANAGER"},
		{"flag-beats-env", &aws_service_sts, "us-east-1", "http://127.0.0.1:9000",
			"AWS_ENDPOINT_URL=http://127.0.0.1:5000;AWS_ENDPOINT_URL_STS=http://127.0.0.1:6000",
		AWS_OK, "http://127.0.0.1:9000", "127.0.0.1:9000", "", "us-east-1", "--endpoint-url"},
		{"ignore-configured", &aws_service_sts, "us-east-1", NULL,
			"AWS_ENDPOINT_URL=http://127.0.0.1:5000;AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true",
			AWS_OK, "https://sts.us-east-1.amazonaws.com", "sts.us-east-1.amazonaws.com", "",
		"us-east-1", "default"},
		{"ignore-configured-keeps-flag", &aws_service_sts, "us-east-1", "http://127.0.0.1:9000",
			"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=TRUE", AWS_OK, "http://127.0.0.1:9000",
		"127.0.0.1:9000", "", "us-east-1", "--endpoint-url"},
		{"empty-var-ignored", &aws_service_kms, "us-east-1", NULL,
			"AWS_ENDPOINT_URL_KMS=;AWS_ENDPOINT_URL=http://127.0.0.1:5000", AWS_OK,
		"http://127.0.0.1:5000", "127.0.0.1:5000", "", "us-east-1", "AWS_ENDPOINT_URL"},
		{"default-port-dropped-and-base-path", &aws_service_backup, "us-east-1",
			"https://Backup.Example.COM:443/base/", NULL, AWS_OK,
			"https://backup.example.com", "backup.example.com", "/base", "us-east-1",
		"--endpoint-url"},
		{"http-port-80", &aws_service_ec2, "us-east-1", "http://h.local:80", NULL, AWS_OK,
		"http://h.local", "h.local", "", "us-east-1", "--endpoint-url"},
		{"ipv6", &aws_service_ec2, "us-east-1", "http://[::1]:5000", NULL, AWS_OK,
		"http://[::1]:5000", "[::1]:5000", "", "us-east-1", "--endpoint-url"},
		{"bad-scheme", &aws_service_rds, "us-east-1", "ftp://h", NULL, AWS_ERR_CONFIG, NULL, NULL, NULL, NULL, NULL},
		{"not-a-url", &aws_service_rds, "us-east-1", "http://", NULL, AWS_ERR_CONFIG, NULL, NULL, NULL, NULL, NULL},
		{"query-refused", &aws_service_rds, "us-east-1", NULL,
		"AWS_ENDPOINT_URL_RDS=http://h/?a=1", AWS_ERR_CONFIG, NULL, NULL, NULL, NULL, NULL},
		{"user-refused", &aws_service_rds, "us-east-1", "http://u:p@h/", NULL, AWS_ERR_CONFIG, NULL, NULL, NULL, NULL, NULL},
	};
	struct saved_env saved;
	size_t		i;

	save_env(&saved);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
	{
		const struct endpoint_row *r = &rows[i];
		struct aws_endpoint ep;
		struct aws_error err;
		enum aws_status st;
		int			k;

		for (k = 0; endpoint_vars[k]; k++)
			unsetenv(endpoint_vars[k]);
		set_env_list(r->env);
		aws_error_init(&err);
		st = aws_endpoint_resolve(r->svc, r->region, r->flag, &ep, &err);
		if (check(st == r->status, r->name, "status %d, want %d (%s)", st, r->status,
				  S(err.text)) && st == AWS_OK)
		{
			check(streq(ep.origin, r->origin), r->name, "origin %s, want %s",
				  S(ep.origin), r->origin);
			check(streq(ep.host, r->host), r->name, "host %s, want %s", S(ep.host), r->host);
			check(streq(ep.base_path, r->base_path), r->name, "base path %s, want %s",
				  S(ep.base_path), r->base_path);
			check(streq(ep.signing_region, r->signing_region), r->name,
				  "signing region %s, want %s", S(ep.signing_region), r->signing_region);
			check(streq(ep.source, r->source), r->name, "source %s, want %s",
				  S(ep.source), r->source);
			aws_endpoint_clean_up(&ep);
		}
		else if (st != AWS_OK)
			check(err.text && strstr(err.text, "invalid endpoint URL"), r->name,
				  "message %s", S(err.text));
		aws_error_clean_up(&err);
	}
	restore_env(&saved);

	/* the variable names of every service (SDK reference: service ids) */
	{
		static const struct
		{
			const struct aws_service *svc;
			const char *var;
		}			names[] = {
			{&aws_service_rds, "AWS_ENDPOINT_URL_RDS"},
			{&aws_service_iam, "AWS_ENDPOINT_URL_IAM"},
			{&aws_service_sts, "AWS_ENDPOINT_URL_STS"},
			{&aws_service_ec2, "AWS_ENDPOINT_URL_EC2"},
			{&aws_service_kms, "AWS_ENDPOINT_URL_KMS"},
			{&aws_service_secrets_manager, "AWS_ENDPOINT_URL_SECRETS_MANAGER"},
			{&aws_service_rds_data, "AWS_ENDPOINT_URL_RDS_DATA"},
			{&aws_service_backup, "AWS_ENDPOINT_URL_BACKUP"},
		};

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		{
			char	   *v = aws_endpoint_env_name(names[i].svc);

			check(streq(v, names[i].var), "endpoint-env-name", "%s, want %s", v, names[i].var);
			free(v);
		}
	}
}
