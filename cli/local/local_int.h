/*
 * cli/local/local_int.h
 *		What the files of the local provider share: the environment as
 *		state.json describes it, and the functions of state.c, passwords.c
 *		and server.c that the others call.  commands.c holds the operations.
 */
#ifndef APPDB_LOCAL_INT_H
#define APPDB_LOCAL_INT_H

#include <stdbool.h>
#include <sys/types.h>

#include <libpq-fe.h>

#include "cli/envconfig.h"
#include "cli/options.h"
#include "cli/util.h"

#define BOOTSTRAP_USER "rdsadmin"
#define MASTER_USER "postgres"
#define CONNECT_TIMEOUT "10"
#define SSLMODE "verify-ca"		/* against the cluster's own root.crt (tls.c) */
#define OWNER_MARKER "appdb-owner"	/* in the directory made for the data */
#define READY_MARKER "appdb-ready"	/* in the data directory, once configured */

struct local_env
{
	char	   *state_dir;		/* env_state_dir, absolute */
	char	   *state_path;
	bool		exists;			/* state.json was there */
	char	   *bindir;
	int			port;
	int			major;
	char	   *os_user;		/* the server's, when we are root */
	char	   *data_parent;	/* a directory we created for the data */
	char	   *data_dir;
	char	   *token;			/* also in the ownership marker: proves it ours */
	char	   *damaged;		/* why state.json cannot be used, or NULL */
	bool		master_tls;		/* the config's: pg_hba.conf lets the master and
								 * rdsadmin in without TLS when false */
};

/* state.c: state.json, the ownership markers, what destroy finds by them */
void		local_env_free(struct local_env *e);
void		local_state_parse(const char *text, struct local_env *e);
int			local_read(const struct env_config *cfg, struct local_env *e);
int			local_load(const struct env_config *cfg, struct local_env *e);
int			local_save(const struct local_env *e);
int			check_own(struct local_env *e, const struct env_config *cfg, bool *gone);
int			make_data_home(struct local_env *e, const struct env_config *cfg);
int			destroy_found(const struct local_env *e, const struct env_config *cfg);

/* passwords.c: one pgpass file per role */
char	   *pgpass_path(const struct local_env *e, const char *user);
bool		pgpass_has(const struct local_env *e, const char *user);
int			pgpass_add(const struct local_env *e, const char *user, const char *password);
int			pgpass_split_old(const struct local_env *e);
void		pgpass_remove_all(const struct local_env *e);
int			set_password(const struct local_env *e, PGconn *boot, const char *user);

/* server.c: the OS user, initdb, pg_ctl, ports, the bootstrap */
bool		running_as_root(void);
int			server_user(const struct local_env *e, struct os_user *user);
bool		server_running(const struct local_env *e);
bool		cluster_ready(const struct local_env *e);
int			server_start(const struct local_env *e);
int			server_stop(const struct local_env *e);
int			server_reload(const struct local_env *e);
void		hint_if_stopped(const struct local_env *e, bool lost);
PGconn	   *local_connect(const struct local_env *e, const char *user, const char *dbname);
PGconn	   *local_try_connect(const struct local_env *e, const char *user, const char *dbname,
							  char **why);
int			check_port(int port);
char	   *choose_bindir(const struct appdb_options *opts, const struct env_config *cfg);
int			check_bindir(const char *bindir, int *major);
int			free_port(void);
int			write_server_file(const struct local_env *e, const char *path,
							  const char *text, mode_t mode);
int			configure_cluster(const struct local_env *e);
int			init_cluster(struct local_env *e);
int			bootstrap(const struct local_env *e, const struct env_config *cfg);
int			move_port(struct local_env *e, int port);

/* doctor.c: appdb doctor */
int			local_doctor(const struct appdb_options *opts, const struct env_config *cfg);

/* tls.c: the cluster's certificate; TLS_SETTINGS close postgresql.conf's block */
#define TLS_SETTINGS "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n"
char	   *tls_root_path(const struct local_env *e);
int			tls_make_files(const struct local_env *e);
bool		tls_configured(const struct local_env *e);
bool		hba_as_configured(const struct local_env *e);

#endif							/* APPDB_LOCAL_INT_H */
