/*
 * cli/local/server.c
 *		The local provider's server: initdb, pg_ctl, the OS user, ports,
 *		appdb's settings, and the bootstrap that makes it like Aurora.
 *
 * When appdb runs as root the server runs as an unprivileged OS user
 * (PostgreSQL refuses root) and its data directory lives under /var/tmp,
 * which that user can reach; state.json points to it.
 */
#include "local_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/msgs.h"
#include "cli/pgexec.h"
#include "core/mem.h"
#include "core/quote.h"

/* Whether appdb runs as root, so the server must run as another OS user. */
bool
running_as_root(void)
{
	return geteuid() == 0;
}

/* The OS user the server runs as (NULL: ourselves). */
int
server_user(const struct local_env *e, struct os_user *user)
{
	if (!running_as_root() || e->os_user == NULL)
		return 0;
	if (lookup_os_user(e->os_user, user) != 0)
	{
		errorf("the OS user \"%s\" that runs this environment's server does not exist", e->os_user);
		return -1;
	}
	return 1;
}

/* Whether the postmaster of e's data directory is alive. */
bool
server_running(const struct local_env *e)
{
	char	   *pidfile = str_printf("%s/postmaster.pid", e->data_dir);
	char	   *text = read_file(pidfile);
	long		pid = text ? strtol(text, NULL, 10) : 0;
	bool		alive = pid > 0 && (kill((pid_t) pid, 0) == 0 || errno == EPERM);

	free(pidfile);
	free(text);
	if (alive)
	{
		/* a killed postmaster stays a zombie until its parent reaps it */
		char	   *statpath = str_printf("/proc/%ld/stat", pid);
		char	   *stat = read_file(statpath);
		char	   *end = stat ? strrchr(stat, ')') : NULL;

		if (end && end[1] == ' ' && end[2] == 'Z')
			alive = false;
		free(statpath);
		free(stat);
	}
	return alive;
}

/* Run one of the cluster's programs as the server's OS user. */
static int
run_server_program(const struct local_env *e, char *const argv[], const char *log_path)
{
	struct os_user user = {0};
	int			have = server_user(e, &user);
	int			rc;

	if (have < 0)
		return -1;
	rc = run_program(have ? &user : NULL, argv, log_path);
	free(user.name);
	return rc;
}

/* Whether initdb and appdb's configuration of the data directory are complete. */
bool
cluster_ready(const struct local_env *e)
{
	char	   *marker = str_printf("%s/" READY_MARKER, e->data_dir);
	bool		ready = access(marker, F_OK) == 0;

	free(marker);
	return ready;
}

/* pg_ctl start, only on a data directory appdb configured; the log's tail on failure. */
int
server_start(const struct local_env *e)
{
	char	   *pg_ctl = str_printf("%s/pg_ctl", e->bindir);
	char	   *log = str_printf("%s/server.log", e->data_dir);
	char	   *ctl_log = str_printf("%s/pg_ctl.log", e->data_dir);
	char	   *argv[] = {pg_ctl, "start", "-w", "-t", "60", "-D", e->data_dir, "-l", log, NULL};
	int			rc;

	/* initdb's defaults listen on port 5432 and a Unix socket: never start those */
	if (!cluster_ready(e))
	{
		errorf("%s is not configured by appdb (no %s in it); not starting it", e->data_dir, READY_MARKER);
		rc = -1;
		goto out;
	}
	progressf("starting the server (port %d)", e->port);
	rc = run_server_program(e, argv, ctl_log);
	progress_done();
	if (rc != 0)
	{
		char	   *tail = read_file(log);

		errorf("the server did not start; its log is %s", log);
		if (tail)
		{
			size_t		len = strlen(tail);

			fprintf(stderr, "%s", len > 2000 ? tail + len - 2000 : tail);
		}
		free(tail);
	}
out:
	free(pg_ctl);
	free(log);
	free(ctl_log);
	return rc == 0 ? 0 : -1;
}

/* pg_ctl reload: postgresql.conf and pg_hba.conf read again. */
int
server_reload(const struct local_env *e)
{
	char	   *pg_ctl = str_printf("%s/pg_ctl", e->bindir);
	char	   *argv[] = {pg_ctl, "reload", "-D", e->data_dir, NULL};
	int			rc = run_server_program(e, argv, NULL);

	if (rc != 0)
		errorf("the server did not take its new configuration (pg_ctl reload)");
	free(pg_ctl);
	return rc == 0 ? 0 : -1;
}

/* pg_ctl stop, fast mode. */
int
server_stop(const struct local_env *e)
{
	char	   *pg_ctl = str_printf("%s/pg_ctl", e->bindir);
	char	   *argv[] = {pg_ctl, "stop", "-w", "-t", "60", "-m", "fast", "-D", e->data_dir, NULL};
	int			rc;

	progressf("stopping the server");
	rc = run_server_program(e, argv, NULL);
	progress_done();
	free(pg_ctl);
	return rc == 0 ? 0 : -1;
}

/*
 * After a failure that a stopped or killed server explains: say so, and what
 * to do.  A connection lost: the postmaster may still be exiting, so wait a
 * little for it.
 */
void
hint_if_stopped(const struct local_env *e, bool lost)
{
	int			tries = lost ? 20 : 1;

	while (server_running(e) && --tries > 0)
		usleep(100 * 1000);
	if (!server_running(e))
		hintf("the environment's server is not running: \"appdb provision\" starts it");
}

/*
 * Connect as user, with its password file; NULL on failure, with libpq's
 * message in *why (malloc'd; NULL when out of memory), reported by nobody.
 */
PGconn *
local_try_connect(const struct local_env *e, const char *user, const char *dbname, char **why)
{
	char		port[16];
	/* TLS, verified against the cluster's own certificate (tls.c); no GSSAPI */
	const char *keywords[] = {"host", "port", "user", "dbname", "passfile",
	"connect_timeout", "application_name", "sslmode", "sslrootcert", "gssencmode", NULL};
	char	   *passfile = pgpass_path(e, user);
	char	   *root = tls_root_path(e);
	const char *values[] = {"127.0.0.1", port, user, dbname, passfile,
	CONNECT_TIMEOUT, "appdb", SSLMODE, root, "disable", NULL};
	PGconn	   *conn;

	snprintf(port, sizeof(port), "%d", e->port);
	conn = PQconnectdbParams(keywords, values, 0);
	free(passfile);
	free(root);
	*why = NULL;
	if (conn && PQstatus(conn) == CONNECTION_OK)
		return conn;
	if (conn)
	{
		*why = xstrdup(PQerrorMessage(conn));
		(*why)[strcspn(*why, "\n")] = '\0';
	}
	PQfinish(conn);
	return NULL;
}

/* Connect as user, with its password file; NULL on failure (reported). */
PGconn *
local_connect(const struct local_env *e, const char *user, const char *dbname)
{
	char	   *why;
	PGconn	   *conn = local_try_connect(e, user, dbname, &why);

	if (conn)
		return conn;
	errorf("could not connect to the database: %s", why ? why : "out of memory");
	free(why);
	if (!tls_configured(e))
		hintf("this environment was provisioned before appdb's local clusters took TLS: \"appdb provision\" adds it");
	else
		hint_if_stopped(e, false);
	return NULL;
}

/* Run sql on conn; 0, or -1 with the error reported. */
static int
sql_do(PGconn *conn, const char *sql)
{
	verbosef("%s", sql);
	return pg_command(conn, sql);
}

/* One boolean answer, "t" meaning true; -1 on error. */
static int
sql_bool(PGconn *conn, const char *sql, const char *param)
{
	const char *params[1] = {param};
	PGresult   *res = PQexecParams(conn, sql, param ? 1 : 0, NULL, params, NULL, NULL, 0);
	int			rc;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
	{
		errorf("%s", PQerrorMessage(conn));
		rc = -1;
	}
	else
		rc = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return rc;
}

/* Write text to a file of the data directory, owned by the server's OS user. */
int
write_server_file(const struct local_env *e, const char *path, const char *text, mode_t mode)
{
	struct os_user user = {0};
	int			have = server_user(e, &user);
	int			rc = -1;

	if (have >= 0 && write_file_atomic(path, text, mode) == 0 &&
		(!have || chown(path, user.uid, user.gid) == 0))
		rc = 0;
	else if (have >= 0)
		errorf("cannot write %s: %s", path, strerror(errno));
	free(user.name);
	return rc;
}

/*
 * Whether the server may listen on 127.0.0.1:port: nothing else does, and
 * the server's OS user may bind it.  EXIT_GO_ON if so, else the exit code,
 * reported.
 */
int
check_port(int port)
{
	struct sockaddr_in addr = {0};
	int			fd = socket(AF_INET, SOCK_STREAM, 0);
	int			one = 1;
	int			err = 0;
	int			lowest = 1024;
	char	   *text = read_file("/proc/sys/net/ipv4/ip_unprivileged_port_start");

	if (text)
		lowest = atoi(text);
	free(text);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons((uint16_t) port);
	/* as the server does, so a connection in TIME_WAIT does not count */
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
		bind(fd, (struct sockaddr *) &addr, sizeof(addr)) != 0)
		err = errno;
	if (fd >= 0)
		close(fd);
	/* as root we may bind any port, but the server's unprivileged OS user may not */
	if (err == 0 && (port >= lowest || !running_as_root()))
		return EXIT_GO_ON;
	if (err == EADDRINUSE)
		errorf("port %d on 127.0.0.1 is taken by another program", port);
	else if (err == 0 || err == EACCES)
		errorf("port %d is not allowed: ports below %d need privileges the server's OS user does not have",
			   port, lowest);
	else
		errorf("cannot check port %d on 127.0.0.1: %s", port, strerror(err));
	hintf("stop what holds it, or give the environment another port: appdb configure --force --port N (with the other options it had), then appdb provision");
	return EXIT_FAILURE_REMOTE;
}

/* The bindir to use: --pg-bindir, the config's, or pg_config --bindir. */
char *
choose_bindir(const struct appdb_options *opts, const struct env_config *cfg)
{
	char	   *argv[] = {"pg_config", "--bindir", NULL};

	if (opts->pg_bindir)
		return absolute_path(opts->pg_bindir);
	if (cfg->pg_bindir)
		return absolute_path(cfg->pg_bindir);
	return run_capture(argv);
}

/* The server's major version, from "postgres (PostgreSQL) 16.4". */
static int
server_major(const char *bindir)
{
	char	   *postgres = str_printf("%s/postgres", bindir);
	char	   *argv[] = {postgres, "--version", NULL};
	char	   *line = access(postgres, X_OK) == 0 ? run_capture(argv) : NULL;
	char	   *p = line ? strstr(line, ") ") : NULL;
	int			major = p ? atoi(p + 2) : 0;

	free(postgres);
	free(line);
	return major;
}

/* Whether bindir holds PostgreSQL 13 or later's server programs: -1 (*major set), else the exit code. */
int
check_bindir(const char *bindir, int *major)
{
	const char *programs[] = {"initdb", "pg_ctl", "postgres"};
	int			i;

	if (bindir == NULL)
	{
		errorf("cannot find PostgreSQL's server programs: pg_config is not on PATH");
		hintf("give --pg-bindir DIR (the directory holding initdb, pg_ctl and postgres)");
		return EXIT_USAGE;
	}
	for (i = 0; i < 3; i++)
	{
		char	   *path = str_printf("%s/%s", bindir, programs[i]);
		bool		ok = access(path, X_OK) == 0;

		free(path);
		if (!ok)
		{
			errorf("%s has no %s: it is not a PostgreSQL server's bin directory", bindir, programs[i]);
			hintf("give --pg-bindir DIR, or install the server (e.g. apt-get install postgresql-15)");
			return EXIT_USAGE;
		}
	}
	*major = server_major(bindir);
	if (*major < 13)
	{
		errorf("%s holds PostgreSQL %d; appdb supports 13 and later", bindir, *major);
		return EXIT_USAGE;
	}
	return EXIT_GO_ON;
}

/* A TCP port on 127.0.0.1 that nothing listens on now. */
int
free_port(void)
{
	struct sockaddr_in addr = {0};
	socklen_t	len = sizeof(addr);
	int			fd = socket(AF_INET, SOCK_STREAM, 0);
	int			port = -1;

	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *) &addr, sizeof(addr)) == 0 &&
		getsockname(fd, (struct sockaddr *) &addr, &len) == 0)
		port = ntohs(addr.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/*
 * pg_hba.conf: every login with a password, on the loopback, over TLS; with
 * master_tls off, the master and rdsadmin also without.
 */
static char *
hba_text(const struct local_env *e)
{
	return str_printf("# appdb: every connection with a password, over TLS, on the loopback\n"
					  "hostssl all all 127.0.0.1/32 scram-sha-256\n%s",
					  e->master_tls ? "" :
					  "# master_tls off: the master and rdsadmin also without TLS\n"
					  "host all " MASTER_USER "," BOOTSTRAP_USER " 127.0.0.1/32 scram-sha-256\n");
}

/* Whether pg_hba.conf is what the config asks for. */
bool
hba_as_configured(const struct local_env *e)
{
	char	   *path = str_printf("%s/pg_hba.conf", e->data_dir);
	char	   *now = read_file(path);
	char	   *want = hba_text(e);
	bool		same = now && strcmp(now, want) == 0;

	free(now);
	free(want);
	free(path);
	return same;
}

/*
 * appdb's settings, then the marker that says the data directory is
 * complete.  They are one block at the end of postgresql.conf, which a port
 * change replaces.
 */
int
configure_cluster(const struct local_env *e)
{
	char	   *confpath = str_printf("%s/postgresql.conf", e->data_dir);
	char	   *hbapath = str_printf("%s/pg_hba.conf", e->data_dir);
	char	   *ready = str_printf("%s/" READY_MARKER, e->data_dir);
	char	   *old = read_file(confpath);
	char	   *block = old ? strstr(old, "\n# appdb\n") : NULL;
	char	   *hba = hba_text(e);
	char	   *conf;
	int			rc = -1;

	if (old == NULL)
	{
		errorf("cannot read %s: %s", confpath, strerror(errno));
		goto out;
	}
	if (block)
		*block = '\0';
	/*
	 * TCP on the loopback only; no Unix socket, so only passwords let anyone
	 * in; and, as on Aurora with rds.force_ssl, only over TLS.
	 */
	conf = str_printf("%s\n# appdb\nlisten_addresses = '127.0.0.1'\nport = %d\n"
					  "unix_socket_directories = ''\npassword_encryption = 'scram-sha-256'\n"
					  "log_statement = 'ddl'\n" TLS_SETTINGS, old, e->port);
	if (tls_make_files(e) == 0 &&
		write_server_file(e, confpath, conf, 0600) == 0 &&
		write_server_file(e, hbapath, hba, 0600) == 0 &&
		write_server_file(e, ready, e->token, 0600) == 0)
		rc = 0;
	free(conf);
out:
	free(confpath);
	free(hbapath);
	free(hba);
	free(ready);
	free(old);
	return rc;
}

/* initdb with the bootstrap superuser and its password, then our settings. */
int
init_cluster(struct local_env *e)
{
	struct os_user user = {0};
	char	   *pwfile = str_printf("%s.pw", e->data_dir);
	char	   *initdb = str_printf("%s/initdb", e->bindir);
	char	   *pwopt = str_printf("--pwfile=%s", pwfile);
	char	   *log = str_printf("%s/initdb.log", e->state_dir);
	char	   *argv[] = {initdb, "-U", BOOTSTRAP_USER, "-A", "scram-sha-256", pwopt,
	"-E", "UTF8", "--locale=C", "-D", e->data_dir, NULL};
	char	   *password = random_password();
	int			have;
	int			rc = -1;
	int			fd;

	have = server_user(e, &user);
	if (have < 0)
		goto out;
	fd = open(pwfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, password, strlen(password)) < 0 ||
		(have && fchown(fd, user.uid, user.gid) != 0))
	{
		errorf("cannot write %s: %s", pwfile, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);

	progressf("initializing the cluster (initdb, PostgreSQL %d)", e->major);
	unlink(log);
	rc = run_program(have ? &user : NULL, argv, log);
	progress_done();
	unlink(pwfile);
	if (rc != 0)
	{
		errorf("initdb failed; its output is in %s", log);
		rc = -1;
		goto out;
	}
	rc = pgpass_add(e, BOOTSTRAP_USER, password) == 0 && configure_cluster(e) == 0 ? 0 : -1;
out:
	wipe_free(password);
	free(user.name);
	free(pwfile);
	free(initdb);
	free(pwopt);
	free(log);
	return rc;
}

/* Build "VERB "ident" REST" with the core's quoting. */
static char *
sql_ident(const char *before, const char *ident, const char *after)
{
	struct app_mem mem;
	struct app_buf b;
	char	   *out;

	app_mem_init(&mem, &malloc_allocator);
	app_buf_init(&b, &mem);
	app_buf_append(&b, before);
	app_quote_ident(&b, ident);
	app_buf_append(&b, after);
	out = xstrdup(b.data);
	app_mem_free_all(&mem);
	return out;
}

/*
 * The roles and database of DESIGN §7, each made only where missing.
 * Returns the number of changes, or -1.
 */
int
bootstrap(const struct local_env *e, const struct env_config *cfg)
{
	static const char *const steps[][2] = {
		{"SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rds_superuser')",
		"CREATE ROLE rds_superuser NOLOGIN"},
		{"SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rds_iam')",
		"CREATE ROLE rds_iam NOLOGIN"},
		{"SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'rds_password')",
		"CREATE ROLE rds_password NOLOGIN"},
		/* from 16 a CREATEROLE master may grant only roles it holds WITH ADMIN */
		{"SELECT NOT pg_catalog.pg_has_role('rds_superuser', 'rds_iam', 'USAGE WITH ADMIN OPTION')"
			" OR NOT pg_catalog.pg_has_role('rds_superuser', 'rds_password', 'USAGE WITH ADMIN OPTION')",
		"GRANT rds_iam, rds_password TO rds_superuser WITH ADMIN OPTION"},
	};
	PGconn	   *boot;
	PGconn	   *db = NULL;
	int			changes = 0;
	int			rc;
	size_t		i;
	char	   *sql;

	if ((boot = local_connect(e, BOOTSTRAP_USER, "postgres")) == NULL)
		return -1;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
	{
		if ((rc = sql_bool(boot, steps[i][0], NULL)) < 0)
			goto fail;
		if (rc && (sql_do(boot, steps[i][1]) != 0 || ++changes == 0))
			goto fail;
	}

	/* the master: not a superuser, CREATEROLE and CREATEDB, in rds_superuser */
	if ((rc = sql_bool(boot, "SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = $1)",
					   MASTER_USER)) < 0)
		goto fail;
	if (rc)
	{
		if (sql_do(boot, "CREATE ROLE " MASTER_USER " LOGIN CREATEROLE CREATEDB") != 0 ||
			set_password(e, boot, MASTER_USER) != 0)
			goto fail;
		changes++;
	}
	else if (!pgpass_has(e, MASTER_USER))
	{
		if (set_password(e, boot, MASTER_USER) != 0)
			goto fail;
		changes++;
	}
	if ((rc = sql_bool(boot, "SELECT NOT pg_catalog.pg_has_role($1, 'rds_superuser', 'MEMBER')",
					   MASTER_USER)) < 0)
		goto fail;
	if (rc && (sql_do(boot, "GRANT rds_superuser TO " MASTER_USER) != 0 || ++changes == 0))
		goto fail;

	/* the database, owned by the master */
	if ((rc = sql_bool(boot, "SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1)",
					   cfg->database)) < 0)
		goto fail;
	if (rc)
	{
		sql = sql_ident("CREATE DATABASE ", cfg->database, " OWNER " MASTER_USER);
		rc = sql_do(boot, sql);
		free(sql);
		if (rc != 0)
			goto fail;
		changes++;
	}
	/* on 13 and 14 the bootstrap superuser owns public; on Aurora the master does */
	if (e->major < 15)
	{
		if ((db = local_connect(e, BOOTSTRAP_USER, cfg->database)) == NULL)
			goto fail;
		if ((rc = sql_bool(db, "SELECT nspowner <> $1::regrole FROM pg_catalog.pg_namespace WHERE nspname = 'public'",
						   MASTER_USER)) < 0)
			goto fail;
		if (rc && (sql_do(db, "ALTER SCHEMA public OWNER TO " MASTER_USER) != 0 || ++changes == 0))
			goto fail;
		PQfinish(db);
		db = NULL;
	}
	PQfinish(boot);

	/* the extension, installed by the master as on Aurora, where this server has it */
	if ((db = local_connect(e, MASTER_USER, cfg->database)) == NULL)
		return -1;
	rc = sql_bool(db, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_available_extensions"
				  " WHERE name = 'app_roles' AND installed_version IS NULL)", NULL);
	if (rc < 0 || (rc && sql_do(db, "CREATE EXTENSION app_roles") != 0))
	{
		PQfinish(db);
		return -1;
	}
	changes += rc;
	if ((rc = sql_bool(db, "SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'app_roles')",
					   NULL)) == 1)
		notef("the app_roles extension is not built for PostgreSQL %d here; roles commands run the same logic from appdb",
			  e->major);
	PQfinish(db);
	return changes;

fail:
	if (db)
		PQfinish(db);
	PQfinish(boot);
	return -1;
}

/*
 * configure --port changed the port: postgresql.conf and state.json follow,
 * in that order, so a rerun after a crash completes it (the password files
 * name any port).
 * A running server is stopped; provision starts it on the new port.
 */
int
move_port(struct local_env *e, int port)
{
	int			old = e->port;
	int			rc;

	if ((rc = check_port(port)) != EXIT_GO_ON)
		return rc;
	if (server_running(e) && server_stop(e) != 0)
	{
		errorf("could not stop the server to move it to port %d", port);
		return EXIT_FAILURE_REMOTE;
	}
	notef("moving the cluster from port %d to port %d", old, port);
	e->port = port;
	if ((cluster_ready(e) && configure_cluster(e) != 0) || local_save(e) != 0)
		return EXIT_FAILURE_REMOTE;
	return EXIT_GO_ON;
}
