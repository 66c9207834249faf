/*
 * cli/local/doctor.c
 *		appdb doctor on the local provider: why a login as app or migrator
 *		fails.  The checks run in the order a login needs them; after the
 *		first that fails the ones that depend on it are not run, since they
 *		could only fail the same way.
 */
#include "local.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/doctor.h"
#include "cli/msgs.h"
#include "local_int.h"

#define PROVISION_FIX "run \"appdb provision\""

/* The cluster itself: the environment, the server, its port, TLS; false when one fails. */
static bool
cluster_checks(struct doctor *d, const struct local_env *e, const struct env_config *cfg)
{
	char	   *why = NULL;

	if (!e->exists)
		return doctor_check(d, "environment", false, PROVISION_FIX " (it makes the cluster)",
							"%s-%s has no cluster yet", cfg->app, cfg->env);
	doctor_check(d, "environment", true, NULL, "%s-%s has a cluster (PostgreSQL %d, %s)",
				 cfg->app, cfg->env, e->major, e->data_dir);
	if (!server_running(e))
		return doctor_check(d, "server", false, PROVISION_FIX " (it starts the server)",
							"the server of %s is not running", e->data_dir);
	doctor_check(d, "server", true, NULL, "the server of %s is running", e->data_dir);
	if (!doctor_tcp_connect("127.0.0.1", e->port, 5000, &why))
	{
		doctor_check(d, "port", false,
					 "see the server's log (server.log in the data directory); \"appdb provision\" restarts it on its port",
					 "%s", why);
		free(why);
		return false;
	}
	doctor_check(d, "port", true, NULL, "127.0.0.1 port %d answers", e->port);
	if (!tls_configured(e) || !hba_as_configured(e))
		return doctor_check(d, "tls", false, PROVISION_FIX " (it configures TLS)", "%s",
							!tls_configured(e) ? "the cluster is not configured for TLS, which every login uses" :
							"pg_hba.conf is not what the config's master_tls asks for");
	return doctor_check(d, "tls", true, NULL, "%s", e->master_tls ? "the cluster takes TLS connections only" :
						"app and migrator log in over TLS only; the master and rdsadmin also without (master_tls off)");
}

/*
 * One role: it exists and may log in, it has CONNECT, its password file is
 * there and a login with it works.
 */
static int
role_checks(struct doctor *d, const struct local_env *e, const struct env_config *cfg,
			PGconn *master, const char *user)
{
	const char *params[2] = {user, cfg->database};
	PGresult   *res;
	char	   *expiry = str_printf("as the master: ALTER ROLE \"%s\" VALID UNTIL 'infinity'", user);
	char	   *grant = str_printf("run \"appdb roles setup\", which grants it (or as the master: GRANT CONNECT ON DATABASE \"%s\" TO \"%s\")",
								   cfg->database, user);
	char	   *file = pgpass_path(e, user);
	char	   *connect = NULL;
	char	   *why = NULL;
	PGconn	   *conn;
	bool		exists;
	int			rc = EXIT_OK;

	res = PQexecParams(master,
					   "SELECT rolcanlogin, has_database_privilege(oid, $2, 'CONNECT'),"
					   " rolvaliduntil IS NOT NULL AND rolvaliduntil < now()"
					   " FROM pg_catalog.pg_roles WHERE rolname = $1",
					   2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		errorf("cannot read the role %s: %s", user, PQerrorMessage(master));
		rc = EXIT_FAILURE_REMOTE;
		goto out;
	}
	exists = PQntuples(res) == 1;
	if (!doctor_role_check(d, user, "role", exists, "run \"appdb roles setup\" (it creates the role)",
						   exists ? "exists" : "does not exist") ||
		!doctor_role_check(d, user, "may log in", strcmp(PQgetvalue(res, 0, 0), "t") == 0,
						   "run \"appdb roles setup\" (it gives the role LOGIN again)",
						   strcmp(PQgetvalue(res, 0, 0), "t") == 0 ? "LOGIN" :
						   "NOLOGIN: the server refuses every login as it") ||
		!doctor_role_check(d, user, "password expiry", strcmp(PQgetvalue(res, 0, 2), "f") == 0, expiry,
						   strcmp(PQgetvalue(res, 0, 2), "f") == 0 ? "the password has not expired" :
						   "the password expired (VALID UNTIL is past)") ||
		!doctor_role_check(d, user, "connect", strcmp(PQgetvalue(res, 0, 1), "t") == 0, grant,
						   (connect = str_printf("%s CONNECT on database \"%s\"",
												 strcmp(PQgetvalue(res, 0, 1), "t") == 0 ? "has" : "lacks",
												 cfg->database))) ||
		!doctor_role_check(d, user, "password file", pgpass_has(e, user),
						   "run \"appdb roles setup\" (it sets a new password and writes the file)",
						   pgpass_has(e, user) ? file : "missing (or it does not name the role)"))
		goto out;
	conn = local_try_connect(e, user, cfg->database, &why);
	doctor_role_check(d, user, "login", conn != NULL,
					  "if its password changed: remove the password file, then run \"appdb roles setup\" (it sets a new one)",
					  conn ? "logged in over TLS with the password file" : why ? why : "out of memory");
	PQfinish(conn);
	free(why);
out:
	PQclear(res);
	free(expiry);
	free(connect);
	free(grant);
	free(file);
	return rc;
}

int
local_doctor(const struct appdb_options *opts, const struct env_config *cfg)
{
	struct local_env e;
	struct doctor d;
	const char *users[2];
	int			n = doctor_roles(opts, cfg->app_user, cfg->migrator_user, users);
	int			i;
	int			rc;

	if ((rc = local_load(cfg, &e)) != EXIT_GO_ON)
		return rc;
	doctor_init(&d);
	rc = EXIT_OK;
	if (cluster_checks(&d, &e, cfg))
	{
		char	   *why = NULL;
		PGconn	   *master = local_try_connect(&e, MASTER_USER, cfg->database, &why);

		if (doctor_check(&d, "master login", master != NULL,
						 "the master's password file is passwords.postgres in the environment's .appdb folder; \"appdb provision\" checks the bootstrap",
						 master ? "the master (%s) logged in to \"%s\"" : "%s: %s",
						 MASTER_USER, master ? cfg->database : (why ? why : "out of memory")))
			for (i = 0; i < n && rc == EXIT_OK; i++)
				rc = role_checks(&d, &e, cfg, master, users[i]);
		PQfinish(master);
		free(why);
	}
	if (rc == EXIT_OK)
		rc = doctor_finish(&d, opts->output);
	else
		doctor_free(&d);
	local_env_free(&e);
	return rc;
}
