/*
 * cli/options.h
 *		The command line: one table of commands and one of options, which
 *		feed both the parser and --help, so the help stays true.
 */
#ifndef APPDB_OPTIONS_H
#define APPDB_OPTIONS_H

#include <stdbool.h>

enum appdb_command
{
	CMD_NONE = 0,
	CMD_CONFIGURE,
	CMD_PLAN,
	CMD_PROVISION,
	CMD_ROLES_SETUP,
	CMD_ROLES_PLAN,
	CMD_ROLES_CHECK,
	CMD_URL,
	CMD_PSQL,
	CMD_STATUS,
	CMD_DESTROY,
	CMD_TOKEN,
	CMD_OUTPUTS,
	CMD_DOCTOR,
	CMD_ROLES					/* the roles commands as a group: only its help */
};

enum appdb_output
{
	OUTPUT_TEXT,
	OUTPUT_JSON
};

/* Which executor runs the roles commands. */
enum appdb_via
{
	VIA_AUTO,					/* the extension where installed, else the core */
	VIA_EXTENSION,
	VIA_CORE
};

struct appdb_options
{
	enum appdb_command command;
	bool		help;
	bool		version;
	char	   *generate;		/* hidden --generate: man or bash-completion */

	/* global */
	char	   *app;
	char	   *env;
	char	   *config_path;
	enum appdb_output output;
	char	   *profile;
	char	   *region;
	char	   *endpoint_url;

	/* configure */
	char	   *provider;
	char	   *database;
	char	   *app_user;
	char	   *migrator_user;
	char	   *schema;
	char	   *auth;
	char	   *extensions;
	int			port;			/* 0: not given; configure, token */
	bool		force;

	/* provision, configure */
	char	   *pg_bindir;
	int			master_tls;		/* configure, local: -1 not given, 0 off, 1 on */

	/* configure, aws */
	char	   *cluster_name;
	char	   *engine_version;
	double		min_capacity;	/* -1: not given */
	double		max_capacity;
	char	   *vpc_id;
	char	   *vpc_tag;
	char	   *subnet_ids;		/* comma-separated */
	char	   *ingress_security_group_ids;	/* comma-separated */
	char	   *subnet_tag;
	int			deletion_protection;	/* -1: not given, 0 off, 1 on */
	char	   *backup_schedule;
	int			backup_retention_days;	/* -1: not given, 0 none (no expiry) */
	bool		temporary;
	int			apply_immediately;	/* -1: not given, 0 off, 1 on */
	char	   *ssl_root_cert;
	char	  **app_access_roles;	/* NULL-terminated, or NULL: the options given, in order */
	char	  **migrator_access_roles;
	char	  **readonly_access_roles;	/* --readonly-access-role USER=ROLE, in order */
	char	  **readonly_users;	/* configure: --readonly-user, in order */

	/* provision, aws: the waiters' polling */
	int			wait_delay;		/* seconds between polls; -1: not given (30) */
	int			wait_max_attempts;	/* -1: not given (60) */

	/* roles */
	enum appdb_via via;
	bool		login;
	bool		login_if_reachable;	/* --login where a TCP path exists */
	bool		drop_removed;	/* setup, plan: drop removed read-only users */

	/* url, psql, doctor */
	char	   *role;
	char	  **psql_args;		/* psql: the words after "--", NULL-terminated, or NULL */

	/* destroy */
	bool		yes;
	bool		lift_deletion_protection;
	bool		skip_final_snapshot;

	/* token */
	char	   *hostname;
	char	   *username;
};

/* Parse argv into opts; returns EXIT_GO_ON, else the exit code. */
int			parse_options(int argc, char **argv, struct appdb_options *opts);
void		free_options(struct appdb_options *opts);
void		print_help(enum appdb_command command);
/* The man page or the bash completion, from the same tables; to stdout. */
void		print_generated(const char *what);
const char *command_name(enum appdb_command command);
bool		command_reads_config(enum appdb_command command);

#endif							/* APPDB_OPTIONS_H */
