/*
 * cli/local.c
 *		The local provider: initdb, pg_ctl and a bootstrap like Aurora's.
 *
 * An environment's state lives in its state directory (env_state_dir:
 * .appdb/<app>-<env>/ at the top of the repository): state.json (where the
 * cluster is and how it runs) and passwords.<role>, one pgpass file per role
 * that only its owner can read, which connection strings name with passfile=
 * so that no password is ever printed, and whose file gives no other role's.
 * When appdb runs as root the server runs as an unprivileged OS user
 * (PostgreSQL refuses root) and its data directory lives under /var/tmp,
 * which that user can reach; state.json points to it.
 *
 * Every step of provision is idempotent: it looks, then does only what is
 * missing, so a provision that stopped halfway is completed by the next.
 *
 * appdb deletes only what it made: the directory it makes for the data (the
 * state directory itself when not root) holds an ownership marker naming the
 * environment and a random token that state.json also holds, and a tree is
 * removed only when its path has the form appdb gives it and its marker
 * matches.  A second marker in the data directory says initdb and appdb's
 * configuration are complete; without it the data directory is half made,
 * and provision makes it again instead of starting initdb's defaults.
 */
#include "local.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libpq-fe.h>

#include "core/mem.h"
#include "core/quote.h"
#include "envlock.h"
#include "msgs.h"
#include "pgexec.h"
#include "roles.h"
#include "util.h"

#define BOOTSTRAP_USER "rdsadmin"
#define MASTER_USER "postgres"
#define CONNECT_TIMEOUT "10"
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
};

static void
local_env_free(struct local_env *e)
{
	free(e->state_dir);
	free(e->state_path);
	free(e->bindir);
	free(e->os_user);
	free(e->data_parent);
	free(e->data_dir);
	free(e->token);
	free(e->damaged);
	memset(e, 0, sizeof(*e));
}

/* A string of state.json, NULL when absent, not a string, or holding a NUL. */
static char *
json_string_or_null(struct json_object *obj, const char *key)
{
	struct json_object *v;

	if (json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_string) &&
		strlen(json_object_get_string(v)) == (size_t) json_object_get_string_len(v))
		return xstrdup(json_object_get_string(v));
	return NULL;
}

/* A path of state.json: absolute, as appdb writes them; else NULL. */
static char *
json_path_or_null(struct json_object *obj, const char *key)
{
	char	   *path = json_string_or_null(obj, key);

	if (path && path[0] != '/')
	{
		free(path);
		return NULL;
	}
	return path;
}

static int	pgpass_split_old(const struct local_env *e);
static int	configure_cluster(const struct local_env *e);

/*
 * What state.json says, into e; what is wrong with it in e->damaged (e->exists
 * once it is a JSON object).  Fuzzed by test/fuzz/fuzz_local_state.c.
 */
static void
local_state_parse(const char *text, struct local_env *e)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root = tok ? json_tokener_parse_ex(tok, text, (int) strlen(text)) : NULL;
	struct json_object *v;
	bool		whole = root && json_tokener_get_error(tok) == json_tokener_success &&
		strspn(text + json_tokener_get_parse_end(tok), " \t\r\n") ==
		strlen(text + json_tokener_get_parse_end(tok));

	if (tok)
		json_tokener_free(tok);
	if (!whole || !json_object_is_type(root, json_type_object))
	{
		e->damaged = xstrdup("not a JSON object");
		if (root)
			json_object_put(root);
		return;
	}
	e->exists = true;
	e->bindir = json_path_or_null(root, "bindir");
	e->os_user = json_string_or_null(root, "os_user");
	e->data_parent = json_path_or_null(root, "data_parent");
	e->data_dir = json_path_or_null(root, "data_dir");
	e->token = json_string_or_null(root, "token");
	if (json_object_object_get_ex(root, "port", &v) && json_object_is_type(v, json_type_int) &&
		json_object_get_int64(v) >= 1 && json_object_get_int64(v) <= 65535)
		e->port = json_object_get_int(v);
	if (json_object_object_get_ex(root, "major", &v) && json_object_is_type(v, json_type_int) &&
		json_object_get_int64(v) >= 0 && json_object_get_int64(v) <= 1000)
		e->major = json_object_get_int(v);
	json_object_put(root);
	if (!e->bindir || !e->data_dir || e->port <= 0)
		e->damaged = xstrdup("missing bindir, data_dir or port");
}

/*
 * Where the environment's state is, and what state.json says; a damaged
 * state.json sets e->damaged (local_load reports it, destroy works around it).
 */
static int
local_read(const struct env_config *cfg, struct local_env *e)
{
	char	   *text;

	memset(e, 0, sizeof(*e));
	e->state_dir = xstrdup(cfg->state_dir);
	e->state_path = str_printf("%s/state.json", e->state_dir);
	if (pgpass_split_old(e) != 0)
		return EXIT_FAILURE_REMOTE;
	text = read_file(e->state_path);
	if (text == NULL)
		return errno == ENOENT ? -1 :
			(errorf("cannot read %s: %s", e->state_path, strerror(errno)), EXIT_FAILURE_REMOTE);
	local_state_parse(text, e);
	free(text);
	return -1;
}

/* local_read, where a damaged state.json is an error. */
static int
local_load(const struct env_config *cfg, struct local_env *e)
{
	int			rc = local_read(cfg, e);

	if (rc < 0 && e->damaged)
	{
		errorf("%s is damaged (%s)", e->state_path, e->damaged);
		hintf("\"appdb destroy\" removes what is provably this environment's (its marked data directory) and its state, and names what it leaves");
		rc = EXIT_FAILURE_REMOTE;
	}
	if (rc >= 0)
		local_env_free(e);
	return rc;
}

static int
local_save(const struct local_env *e)
{
	struct json_object *root = json_object_new_object();
	int			rc;

	json_object_object_add(root, "bindir", json_object_new_string(e->bindir));
	json_object_object_add(root, "major", json_object_new_int(e->major));
	json_object_object_add(root, "port", json_object_new_int(e->port));
	if (e->os_user)
		json_object_object_add(root, "os_user", json_object_new_string(e->os_user));
	if (e->data_parent)
		json_object_object_add(root, "data_parent", json_object_new_string(e->data_parent));
	json_object_object_add(root, "data_dir", json_object_new_string(e->data_dir));
	json_object_object_add(root, "token", json_object_new_string(e->token));
	rc = write_file_atomic(e->state_path,
						   json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
														  JSON_C_TO_STRING_NOSLASHESCAPE), 0600);
	json_object_put(root);
	if (rc != 0)
		errorf("cannot write %s: %s", e->state_path, strerror(errno));
	return rc;
}

/* --- the pgpass file ---------------------------------------------------- */

/* A pgpass field: ':' and '\' are escaped with '\'. */
static char *
pgpass_escape(const char *s)
{
	char	   *out = xmalloc(strlen(s) * 2 + 1);
	char	   *o = out;

	for (; *s; s++)
	{
		if (*s == ':' || *s == '\\')
			*o++ = '\\';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

/* The pgpass file of user: passwords.<user>, the name percent-encoded. */
static char *
pgpass_path(const struct local_env *e, const char *user)
{
	char	   *name = uri_encode(user, "");
	char	   *path = str_printf("%s/passwords.%s", e->state_dir, name);

	free(name);
	return path;
}

/* The user of a pgpass line (host:port:db:user:password), unescaped; or NULL. */
static char *
pgpass_line_user(const char *line)
{
	const char *p = line;
	char	   *user;
	char	   *o;
	int			field = 0;

	for (; *p && *p != '\n' && field < 3; p++)
	{
		if (*p == '\\' && p[1] && p[1] != '\n')
			p++;
		else if (*p == ':')
			field++;
	}
	if (field < 3)
		return NULL;
	o = user = xmalloc(strlen(p) + 1);
	for (; *p && *p != '\n' && *p != ':'; p++)
	{
		if (*p == '\\' && p[1] && p[1] != '\n')
			p++;
		*o++ = *p;
	}
	*o = '\0';
	if (*p != ':')
	{
		free(user);
		return NULL;
	}
	return user;
}

/* Whether text holds a line for user. */
static bool
pgpass_text_has(const char *text, const char *user)
{
	const char *line;

	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
	{
		char	   *u = pgpass_line_user(line);
		bool		match = u && strcmp(u, user) == 0;

		free(u);
		if (match)
			return true;
	}
	return false;
}

/* Whether user's pgpass file holds its password. */
static bool
pgpass_has(const struct local_env *e, const char *user)
{
	char	   *path = pgpass_path(e, user);
	char	   *text = read_file(path);
	bool		found = pgpass_text_has(text, user);

	wipe_free(text);
	free(path);
	return found;
}

/* Write user's pgpass file (owner-only): that one line. */
static int
pgpass_write(const struct local_env *e, const char *user, const char *line)
{
	char	   *path = pgpass_path(e, user);
	int			rc = write_file_atomic(path, line, 0600);

	if (rc != 0)
		errorf("cannot write %s: %s", path, strerror(errno));
	free(path);
	return rc;
}

/* Keep user's password in its pgpass file. */
static int
pgpass_add(const struct local_env *e, const char *user, const char *password)
{
	char	   *field = pgpass_escape(user);
	/* any port: the file is this role's in this environment, and configure --port moves it */
	char	   *line = str_printf("127.0.0.1:*:*:%s:%s\n", field, password);
	int			rc = pgpass_write(e, user, line);

	wipe_free(line);
	free(field);
	return rc;
}

/*
 * An environment made by an older appdb keeps every password in one file,
 * "passwords": split it into the files of each role, then remove it.  Of two
 * lines for one role the first is kept, the one libpq used.
 */
static int
pgpass_split_old(const struct local_env *e)
{
	char	   *old = str_printf("%s/passwords", e->state_dir);
	char	   *text = read_file(old);
	char	   *line;
	int			rc = 0;

	for (line = text; line && *line && rc == 0;)
	{
		char	   *nl = strchr(line, '\n');
		char	   *user = pgpass_line_user(line);

		if (nl)
			*nl = '\0';
		if (user && !pgpass_has(e, user))
		{
			/* host:port:...: the port becomes "*", as pgpass_add writes it */
			char	   *one = str_printf("127.0.0.1:*%s\n", strchr(strchr(line, ':') + 1, ':'));

			rc = pgpass_write(e, user, one);
			wipe_free(one);
		}
		free(user);
		line = nl ? nl + 1 : NULL;
	}
	if (text && rc == 0 && unlink(old) != 0 && errno != ENOENT)
	{
		errorf("cannot remove %s: %s", old, strerror(errno));
		rc = -1;
	}
	if (text && rc == 0)
		verbosef("split %s into one password file per role", old);
	wipe_free(text);
	free(old);
	return rc;
}

/* Remove every role's password file (a new cluster gets new passwords). */
static void
pgpass_remove_all(const struct local_env *e)
{
	DIR		   *d = opendir(e->state_dir);
	struct dirent *ent;

	while (d && (ent = readdir(d)) != NULL)
		if (strncmp(ent->d_name, "passwords.", 10) == 0)
		{
			char	   *path = str_printf("%s/%s", e->state_dir, ent->d_name);

			unlink(path);
			free(path);
		}
	if (d)
		closedir(d);
}

/* --- the server --------------------------------------------------------- */

static bool
running_as_root(void)
{
	return geteuid() == 0;
}

/* The OS user the server runs as (NULL: ourselves). */
static int
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

static bool
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
static bool
cluster_ready(const struct local_env *e)
{
	char	   *marker = str_printf("%s/" READY_MARKER, e->data_dir);
	bool		ready = access(marker, F_OK) == 0;

	free(marker);
	return ready;
}

static int
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

static int
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
static void
hint_if_stopped(const struct local_env *e, bool lost)
{
	int			tries = lost ? 20 : 1;

	while (server_running(e) && --tries > 0)
		usleep(100 * 1000);
	if (!server_running(e))
		hintf("the environment's server is not running: \"appdb provision\" starts it");
}

static PGconn *
local_connect(const struct local_env *e, const char *user, const char *dbname)
{
	char		port[16];
	/* the loopback: no TLS or GSSAPI to negotiate (the server offers neither) */
	const char *keywords[] = {"host", "port", "user", "dbname", "passfile",
	"connect_timeout", "application_name", "sslmode", "gssencmode", NULL};
	char	   *passfile = pgpass_path(e, user);
	const char *values[] = {"127.0.0.1", port, user, dbname, passfile,
	CONNECT_TIMEOUT, "appdb", "disable", "disable", NULL};
	PGconn	   *conn;

	snprintf(port, sizeof(port), "%d", e->port);
	conn = pg_connect(keywords, values);
	free(passfile);
	if (conn == NULL)
		hint_if_stopped(e, false);
	return conn;
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

/*
 * Set user's password (generated here, kept in the passfile) as a SCRAM
 * verifier, by the bootstrap superuser with statement logging off, so the
 * password reaches neither the output nor the server's log.
 */
static int
set_password(const struct local_env *e, PGconn *boot, const char *user)
{
	struct app_mem mem;
	struct app_buf sql;
	char	   *password = random_password();
	char	   *verifier = PQencryptPasswordConn(boot, password, user, "scram-sha-256");
	char	   *literal;
	int			rc = -1;

	app_mem_init(&mem, &malloc_allocator);
	if (verifier == NULL)
	{
		errorf("cannot compute the password verifier for \"%s\": %s", user, PQerrorMessage(boot));
		goto out;
	}
	literal = PQescapeLiteral(boot, verifier, strlen(verifier));
	app_buf_init(&sql, &mem);
	app_buf_append(&sql, "ALTER ROLE ");
	app_quote_ident(&sql, user);
	app_buf_append(&sql, " PASSWORD ");
	app_buf_append(&sql, literal);
	PQfreemem(literal);
	verbosef("setting the password of \"%s\" (not shown)", user);
	/* a failed ALTER is logged with its statement unless log_min_error_statement is off */
	if (pg_command(boot, "SET log_statement = 'none'") == 0 &&
		pg_command(boot, "SET log_min_duration_statement = -1") == 0 &&
		pg_command(boot, "SET log_min_error_statement = panic") == 0 &&
		pg_command(boot, sql.data) == 0 &&
		pg_command(boot, "RESET log_statement") == 0 &&
		pg_command(boot, "RESET log_min_duration_statement") == 0 &&
		pg_command(boot, "RESET log_min_error_statement") == 0 &&
		pgpass_add(e, user, password) == 0)
		rc = 0;
	explicit_bzero(sql.data, sql.len);
out:
	if (verifier)
		PQfreemem(verifier);
	wipe_free(password);
	app_mem_free_all(&mem);
	return rc;
}

/* --- what appdb made ---------------------------------------------------- */

/* The directory made for the data, which holds the ownership marker. */
static const char *
data_home(const struct local_env *e)
{
	return e->data_parent ? e->data_parent : e->state_dir;
}

/* Write text to a file of the data directory, owned by the server's OS user. */
static int
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

/* Mark data_home as this environment's: its app, env, state dir and token. */
static int
write_owner_marker(const struct local_env *e, const struct env_config *cfg)
{
	struct json_object *root = json_object_new_object();
	char	   *path = str_printf("%s/" OWNER_MARKER, data_home(e));
	int			rc;

	json_object_object_add(root, "note", json_object_new_string(
		"appdb made this directory for one environment's data; \"appdb destroy\" removes it"));
	json_object_object_add(root, "app", json_object_new_string(cfg->app));
	json_object_object_add(root, "env", json_object_new_string(cfg->env));
	json_object_object_add(root, "state_dir", json_object_new_string(e->state_dir));
	json_object_object_add(root, "token", json_object_new_string(e->token));
	/* so that a destroy without state.json can still stop its server */
	json_object_object_add(root, "bindir", json_object_new_string(e->bindir));
	if (e->os_user)
		json_object_object_add(root, "os_user", json_object_new_string(e->os_user));
	rc = write_file_atomic(path, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
																JSON_C_TO_STRING_NOSLASHESCAPE), 0644);
	if (rc != 0)
		errorf("cannot write %s: %s", path, strerror(errno));
	json_object_put(root);
	free(path);
	return rc;
}

/*
 * Whether dir's marker names this environment (app, env, state dir) and, when
 * token is given, that token.  Returns NULL when it does, else why not; with
 * marker_out, the marker (to read bindir and os_user from) when it names us.
 */
static const char *
owner_mismatch(const char *dir, const struct env_config *cfg, const char *state_dir,
			   const char *token, struct json_object **marker_out)
{
	char	   *path = str_printf("%s/" OWNER_MARKER, dir);
	char	   *text = read_file(path);
	struct json_object *root = text ? json_tokener_parse(text) : NULL;
	const char *why = NULL;
	const char *keys[] = {"app", "env", "state_dir", "token"};
	const char *want[] = {cfg->app, cfg->env, state_dir, token};
	int			i;
	struct stat st;

	if (root == NULL || !json_object_is_type(root, json_type_object))
		why = text ? "its " OWNER_MARKER " marker is damaged" : "it has no " OWNER_MARKER " marker";
	/* the server's OS user may write in its directory, but not as us */
	else if (stat(path, &st) != 0 || st.st_uid != geteuid())
		why = "its " OWNER_MARKER " marker was not written by appdb as this user";
	for (i = 0; i < 4 && why == NULL; i++)
	{
		struct json_object *v;

		if (want[i] && (!json_object_object_get_ex(root, keys[i], &v) ||
						!json_object_is_type(v, json_type_string) ||
						strcmp(json_object_get_string(v), want[i]) != 0))
			why = i < 3 ? "its " OWNER_MARKER " marker names another environment" :
				"its " OWNER_MARKER " marker's token is not the one in state.json";
	}
	if (why == NULL && marker_out)
		*marker_out = root;
	else if (root)
		json_object_put(root);
	free(path);
	free(text);
	return why;
}

/* Whether path is a name appdb gives a data parent: /var/tmp/appdb-<app>-<env>.XXXXXX */
static bool
parent_form(const char *path, const struct env_config *cfg)
{
	char	   *prefix = str_printf("/var/tmp/appdb-%s-%s.", cfg->app, cfg->env);
	size_t		n = strlen(prefix);
	bool		ok = strncmp(path, prefix, n) == 0 && strlen(path + n) == 6 &&
		strspn(path + n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == 6;

	free(prefix);
	return ok;
}

/* A real directory (not a symlink) whose path has no symlink or ".." in it. */
static bool
plain_directory(const char *path)
{
	struct stat st;
	char		real[PATH_MAX];

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
		realpath(path, real) != NULL && strcmp(real, path) == 0;
}

/*
 * state.json without a token: an appdb before ownership markers made this
 * environment, or state.json was edited.  Its cluster is taken as appdb's
 * (marked, and given a token) only when everything an older appdb left
 * says so: the directory has appdb's form (checked by the caller), belongs
 * to the server's OS user (or to us), carries no marker, and holds a
 * cluster whose postgresql.conf ends with appdb's settings.  Returns NULL
 * when adopted, else why not.
 */
static const char *
adopt_older(struct local_env *e, const struct env_config *cfg)
{
	const char *home = data_home(e);
	char	   *marker = str_printf("%s/" OWNER_MARKER, home);
	char	   *pgversion = str_printf("%s/PG_VERSION", e->data_dir);
	char	   *confpath = str_printf("%s/postgresql.conf", e->data_dir);
	char	   *conf = NULL;
	struct os_user user = {0};
	int			have = server_user(e, &user);
	const char *why = NULL;
	struct stat st;

	if (have < 0 || (e->data_parent && !plain_directory(home)) || lstat(home, &st) != 0 ||
		st.st_uid != (have ? user.uid : geteuid()) || access(marker, F_OK) == 0 ||
		access(pgversion, F_OK) != 0 || (conf = read_file(confpath)) == NULL ||
		strstr(conf, "\n# appdb\nlisten_addresses = '127.0.0.1'\n") == NULL)
		why = "state.json has no ownership token, and the directory is not an older appdb's cluster";
	else
	{
		e->token = random_password();
		if (write_owner_marker(e, cfg) != 0 || configure_cluster(e) != 0 || local_save(e) != 0)
			why = "it could not be marked as this environment's";
		else
			notef("marked %s as this environment's (an older appdb made it without an ownership marker)", home);
	}
	free(user.name);
	free(marker);
	free(pgversion);
	free(confpath);
	free(conf);
	return why;
}

/*
 * Whether the directories state.json names are the ones appdb made for this
 * environment, before anything there is used or deleted.  Returns -1 when
 * they are (*gone: the data's directory is no longer there), else the exit
 * code with the error reported, nothing changed.
 */
static int
check_own(struct local_env *e, const struct env_config *cfg, bool *gone)
{
	const char *home = data_home(e);
	char	   *want_data = str_printf("%s/data", home);
	const char *why = NULL;
	struct stat st;

	*gone = false;
	if (e->data_parent && !parent_form(e->data_parent, cfg))
		why = "appdb makes its data directories as /var/tmp/appdb-<app>-<env>.XXXXXX";
	else if (strcmp(e->data_dir, want_data) != 0)
		why = "appdb keeps the data in the directory \"data\" of the one it made";
	else if (e->token == NULL)
		why = adopt_older(e, cfg);
	else if (lstat(home, &st) != 0 && errno == ENOENT)
		*gone = true;
	else if (e->data_parent && !plain_directory(home))
		why = "it is not a plain directory (a symlink, or a path through one)";
	else
		why = owner_mismatch(home, cfg, e->state_dir, e->token, NULL);
	free(want_data);
	if (why == NULL)
		return -1;
	errorf("%s names %s as this environment's data, which appdb did not make for it (%s); nothing changed",
		   e->state_path, e->data_parent ? e->data_parent : e->data_dir, why);
	hintf("appdb uses and deletes only directories it made and marked: restore the state.json appdb wrote; "
		  "or, if that directory is this environment's, stop its server, remove it and %s by hand",
		  e->state_dir);
	return EXIT_FAILURE_REMOTE;
}

/* .appdb/.gitignore, so that no state or password is committed by accident. */
static int
ignore_state_root(const struct local_env *e)
{
	char	   *path = str_printf("%.*s/.gitignore", (int) (strrchr(e->state_dir, '/') - e->state_dir),
								  e->state_dir);
	int			rc = 0;

	if (access(path, F_OK) != 0 && (rc = write_file_atomic(path, "*\n", 0644)) != 0)
		errorf("cannot write %s: %s", path, strerror(errno));
	free(path);
	return rc;
}

/* Remove .appdb when no environment is left in it (its .gitignore aside). */
static void
remove_state_root(const struct local_env *e)
{
	char	   *root = str_printf("%.*s", (int) (strrchr(e->state_dir, '/') - e->state_dir), e->state_dir);
	char	   *ignore = str_printf("%s/.gitignore", root);
	DIR		   *dir = opendir(root);
	struct dirent *d;
	bool		empty = dir != NULL;

	while (dir && (d = readdir(dir)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0 &&
			strcmp(d->d_name, ".gitignore") != 0)
			empty = false;
	if (dir)
		closedir(dir);
	if (empty)
	{
		unlink(ignore);
		rmdir(root);
	}
	free(root);
	free(ignore);
}

/*
 * Whether the server may listen on 127.0.0.1:port: nothing else does, and
 * the server's OS user may bind it.  -1 if so, else the exit code, reported.
 */
static int
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
		return -1;
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

/* --- provision ---------------------------------------------------------- */

/* The bindir to use: --pg-bindir, the config's, or pg_config --bindir. */
static char *
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

static int
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
	return -1;
}

/* A TCP port on 127.0.0.1 that nothing listens on now. */
static int
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

/* Root: a directory under /var/tmp for the data, reachable by the server's OS user. */
static int
make_data_parent(struct local_env *e, const struct env_config *cfg)
{
	struct os_user user = {0};

	free(e->os_user);
	free(e->data_parent);
	e->os_user = e->data_parent = NULL;
	if (!running_as_root())
		return 0;
	/* root: the server runs as "postgres" (Debian's) or else "nobody" */
	if (lookup_os_user("postgres", &user) == 0)
		e->os_user = xstrdup("postgres");
	else if (lookup_os_user("nobody", &user) == 0)
		e->os_user = xstrdup("nobody");
	else
	{
		errorf("running as root, appdb needs an unprivileged OS user for the server (postgres or nobody), and neither exists");
		return -1;
	}
	{
		char	   *template = str_printf("/var/tmp/appdb-%s-%s.XXXXXX", cfg->app, cfg->env);

		if (mkdtemp(template) == NULL || chown(template, user.uid, user.gid) != 0 ||
			chmod(template, 0700) != 0)
		{
			errorf("cannot create a data directory under /var/tmp: %s", strerror(errno));
			free(template);
			free(user.name);
			return -1;
		}
		e->data_parent = template;
	}
	free(user.name);
	return 0;
}

/* The state dir, .appdb's .gitignore, and the data's marked home. */
static int
make_data_home(struct local_env *e, const struct env_config *cfg)
{
	if (mkdir_parents(e->state_dir, 0700) != 0)
	{
		errorf("cannot create %s: %s", e->state_dir, strerror(errno));
		return -1;
	}
	if (ignore_state_root(e) != 0 || make_data_parent(e, cfg) != 0)
		return -1;
	free(e->token);
	e->token = random_password();
	free(e->data_dir);
	e->data_dir = str_printf("%s/data", data_home(e));
	return write_owner_marker(e, cfg);
}

/*
 * appdb's settings, then the marker that says the data directory is
 * complete.  They are one block at the end of postgresql.conf, which a port
 * change replaces.
 */
static int
configure_cluster(const struct local_env *e)
{
	char	   *confpath = str_printf("%s/postgresql.conf", e->data_dir);
	char	   *hbapath = str_printf("%s/pg_hba.conf", e->data_dir);
	char	   *ready = str_printf("%s/" READY_MARKER, e->data_dir);
	char	   *old = read_file(confpath);
	char	   *block = old ? strstr(old, "\n# appdb\n") : NULL;
	char	   *conf;
	int			rc = -1;

	if (old == NULL)
	{
		errorf("cannot read %s: %s", confpath, strerror(errno));
		goto out;
	}
	if (block)
		*block = '\0';
	/* TCP on the loopback only; no Unix socket, so only passwords let anyone in */
	conf = str_printf("%s\n# appdb\nlisten_addresses = '127.0.0.1'\nport = %d\n"
					  "unix_socket_directories = ''\npassword_encryption = 'scram-sha-256'\n"
					  "log_statement = 'ddl'\n", old, e->port);
	if (write_server_file(e, confpath, conf, 0600) == 0 &&
		write_server_file(e, hbapath, "# appdb: every connection with a password, on the loopback\n"
						  "host all all 127.0.0.1/32 scram-sha-256\n", 0600) == 0 &&
		write_server_file(e, ready, e->token, 0600) == 0)
		rc = 0;
	free(conf);
out:
	free(confpath);
	free(hbapath);
	free(ready);
	free(old);
	return rc;
}

/* initdb with the bootstrap superuser and its password, then our settings. */
static int
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
static int
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
static int
move_port(struct local_env *e, int port)
{
	int			old = e->port;
	int			rc;

	if ((rc = check_port(port)) >= 0)
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
	return -1;
}

int
local_provision(const struct appdb_options *opts, const struct env_config *cfg)
{
	struct local_env e;
	char	   *bindir = NULL;
	int			major = 0;
	int			rc;
	int			changes = 0;
	bool		fresh = false;	/* the data's home was made just now */
	bool		gone;

	if ((rc = local_load(cfg, &e)) >= 0)
		goto out;
	bindir = choose_bindir(opts, cfg);
	if (e.exists && (opts->pg_bindir || cfg->pg_bindir) && bindir &&
		strcmp(bindir, e.bindir) != 0)
	{
		errorf("this environment's cluster runs PostgreSQL %d from %s, not %s", e.major, e.bindir, bindir);
		hintf("\"appdb destroy\" then \"appdb provision\" makes a new cluster (its data is lost)");
		rc = EXIT_USAGE;
		goto out;
	}
	if (!e.exists)
	{
		if ((rc = check_bindir(bindir, &major)) >= 0)
			goto out;
		e.bindir = xstrdup(bindir);
		e.major = major;
		e.port = cfg->port ? cfg->port : free_port();
		/* a taken port is found before anything is made */
		if (e.port > 0 && (rc = check_port(e.port)) >= 0)
			goto out;
		if (e.port <= 0 || make_data_home(&e, cfg) != 0 || local_save(&e) != 0)
		{
			errorf("cannot prepare the environment in %s", e.state_dir);
			rc = EXIT_FAILURE_REMOTE;
			goto out;
		}
		e.exists = true;
		fresh = true;
		changes++;
	}
	else
	{
		/* nothing is used or deleted before it is known to be ours */
		if ((rc = check_own(&e, cfg, &gone)) >= 0)
			goto out;
		if (access(e.bindir, X_OK) != 0)
		{
			errorf("this environment's PostgreSQL %d binaries are gone from %s", e.major, e.bindir);
			rc = EXIT_FAILURE_REMOTE;
			goto out;
		}
		/* its home removed from outside: a new one (the warning is below) */
		if (gone && (make_data_home(&e, cfg) != 0 || local_save(&e) != 0))
		{
			rc = EXIT_FAILURE_REMOTE;
			goto out;
		}
		if (cfg->port && cfg->port != e.port)
		{
			if ((rc = move_port(&e, cfg->port)) >= 0)
				goto out;
			changes++;
		}
	}

	/* no ready marker: initdb or our configuration did not finish; do both again */
	if (!cluster_ready(&e))
	{
		if (access(e.data_dir, F_OK) == 0)
		{
			notef("%s was left half made (a provision was stopped); making it again", e.data_dir);
			if (remove_tree(e.data_dir) != 0)
			{
				errorf("cannot remove %s", e.data_dir);
				rc = EXIT_FAILURE_REMOTE;
				goto out;
			}
		}
		else if (!fresh)
			warnf("the data directory %s was removed from outside; making a new, empty cluster (run \"appdb roles setup\" again after)",
				  e.data_dir);
		pgpass_remove_all(&e);
		if (init_cluster(&e) != 0)
		{
			rc = EXIT_FAILURE_REMOTE;
			goto out;
		}
		changes++;
	}
	if (!server_running(&e))
	{
		if ((rc = check_port(e.port)) >= 0)
			goto out;
		if (server_start(&e) != 0)
		{
			rc = EXIT_FAILURE_REMOTE;
			goto out;
		}
		changes++;
	}
	progressf("checking the roles and database of the bootstrap");
	rc = bootstrap(&e, cfg);
	progress_done();
	if (rc < 0)
	{
		rc = EXIT_FAILURE_REMOTE;
		goto out;
	}
	changes += rc;
	if (changes == 0)
		notef("provision: nothing to change; the cluster is running (PostgreSQL %d, port %d, database \"%s\")",
			  e.major, e.port, cfg->database);
	else
		notef("provision: the cluster is running (PostgreSQL %d, port %d, database \"%s\")",
			  e.major, e.port, cfg->database);
	rc = EXIT_OK;
out:
	free(bindir);
	local_env_free(&e);
	return rc;
}

/* plan: what provision would do, changing nothing. */
int
local_plan(const struct appdb_options *opts, const struct env_config *cfg)
{
	struct local_env e;
	char	   *bindir;
	int			major = 0;
	int			rc;
	bool		gone;

	if ((rc = local_load(cfg, &e)) >= 0)
		return rc;
	bindir = choose_bindir(opts, cfg);
	if (!e.exists)
	{
		if ((rc = check_bindir(bindir, &major)) < 0)
		{
			printf("create: a PostgreSQL %d cluster from %s, in %s\n", major, bindir,
				   running_as_root() ? "/var/tmp (run by an unprivileged OS user)" : e.state_dir);
			printf("create: roles rds_superuser, rds_iam, rds_password; master \"%s\" (not a superuser)\n", MASTER_USER);
			printf("create: database \"%s\" owned by \"%s\", with the app_roles extension where available\n",
				   cfg->database, MASTER_USER);
			if (cfg->port)
				printf("start: the server on 127.0.0.1, port %d\n", cfg->port);
			else
				printf("start: the server on 127.0.0.1, on a free port\n");
			rc = EXIT_OK;
		}
	}
	else if (bindir && (opts->pg_bindir || cfg->pg_bindir) && strcmp(bindir, e.bindir) != 0)
	{
		printf("conflict: the cluster runs PostgreSQL %d from %s, not %s (destroy it to change)\n",
			   e.major, e.bindir, bindir);
		rc = EXIT_USAGE;
	}
	else if ((rc = check_own(&e, cfg, &gone)) < 0)
	{
		int			port = cfg->port ? cfg->port : e.port;

		if (gone || !cluster_ready(&e))
		{
			printf("create: a new, empty PostgreSQL %d cluster in %s (%s)\n", e.major, e.data_dir,
				   !gone && access(e.data_dir, F_OK) == 0 ? "the one there is half made" :
				   "the data directory was removed from outside");
			printf("start: the server on 127.0.0.1, port %d\n", port);
		}
		else
		{
			if (port != e.port)
				printf("change: the port from %d to %d (postgresql.conf, state.json, the password file)\n",
					   e.port, port);
			if (!server_running(&e))
				printf("start: the stopped cluster (PostgreSQL %d, port %d)\n", e.major, port);
			else if (port != e.port)
				printf("restart: the cluster (PostgreSQL %d) on port %d\n", e.major, port);
			if (!server_running(&e) || port != e.port)
				printf("leave: everything else (checked when it runs)\n");
			else
				printf("leave: the running cluster (PostgreSQL %d, port %d, database \"%s\"); nothing to change\n",
					   e.major, e.port, cfg->database);
		}
		rc = EXIT_OK;
	}
	free(bindir);
	local_env_free(&e);
	return rc;
}

static int
require_cluster(const struct env_config *cfg, struct local_env *e)
{
	int			rc = local_load(cfg, e);

	if (rc >= 0)
		return rc;
	if (!e->exists)
	{
		errorf("environment %s-%s has no cluster yet", cfg->app, cfg->env);
		hintf("run \"appdb provision\" first");
		return EXIT_USAGE;
	}
	return -1;
}

/* check --login: role logs in with its password (a roles_login callback). */
struct login_env
{
	const struct local_env *e;
	const struct env_config *cfg;
};

static bool
login_check(void *arg, const char *role, char **detail)
{
	const struct login_env *l = arg;
	PGconn	   *conn;

	if (!pgpass_has(l->e, role))
	{
		*detail = xstrdup("no password yet: run \"appdb roles setup\"");
		return false;
	}
	conn = local_connect(l->e, role, l->cfg->database);
	if (conn == NULL)
	{
		*detail = xstrdup("could not log in");
		return false;
	}
	PQfinish(conn);
	*detail = str_printf("logged in to \"%s\" with its password", l->cfg->database);
	return true;
}

int
local_roles(const struct appdb_options *opts, const struct env_config *cfg)
{
	struct local_env e;
	struct login_env le = {&e, cfg};
	struct roles_login login = {login_check, &le, NULL};
	PGconn	   *master;
	int			rc;

	if ((rc = require_cluster(cfg, &e)) >= 0)
		return rc;
	if ((master = local_connect(&e, MASTER_USER, cfg->database)) == NULL)
	{
		local_env_free(&e);
		return EXIT_FAILURE_REMOTE;
	}
	rc = roles_command(master, opts, cfg, &login);
	/* it may have stopped, or been killed, since we connected */
	if (rc == EXIT_FAILURE_REMOTE)
		hint_if_stopped(&e, PQstatus(master) == CONNECTION_BAD);
	PQfinish(master);

	/* passwords for app and migrator, once: right after setup first creates them */
	if (rc == EXIT_OK && opts->command == CMD_ROLES_SETUP &&
		(!pgpass_has(&e, cfg->app_user) || !pgpass_has(&e, cfg->migrator_user)))
	{
		PGconn	   *boot = local_connect(&e, BOOTSTRAP_USER, cfg->database);
		const char *users[2] = {cfg->migrator_user, cfg->app_user};
		int			i;

		if (boot == NULL)
			rc = EXIT_FAILURE_REMOTE;
		for (i = 0; i < 2 && rc == EXIT_OK; i++)
			if (!pgpass_has(&e, users[i]) && set_password(&e, boot, users[i]) != 0)
				rc = EXIT_FAILURE_REMOTE;
		if (rc == EXIT_OK)
		{
			char	   *files[2] = {pgpass_path(&e, users[0]), pgpass_path(&e, users[1])};

			notef("passwords of \"%s\" and \"%s\" are in %s and %s (readable by you only)",
				  users[0], users[1], files[0], files[1]);
			free(files[0]);
			free(files[1]);
		}
		PQfinish(boot);
	}
	local_env_free(&e);
	return rc;
}

/* The connection string of role: no password, passfile= instead. */
static char *
connection_url(const struct local_env *e, const struct env_config *cfg, const char *role,
			   char **user_out)
{
	const char *user = strcmp(role, "master") == 0 ? MASTER_USER :
		strcmp(role, "migrator") == 0 ? cfg->migrator_user : cfg->app_user;
	char	   *euser;
	char	   *edb;
	char	   *passfile = pgpass_path(e, user);
	char	   *epass;
	char	   *url;

	euser = uri_encode(user, "");
	edb = uri_encode(cfg->database, "");
	epass = uri_encode(passfile, "/");
	free(passfile);
	url = str_printf("postgresql://%s@127.0.0.1:%d/%s?passfile=%s", euser, e->port, edb, epass);
	*user_out = xstrdup(user);
	free(euser);
	free(edb);
	free(epass);
	return url;
}

int
local_url(const struct appdb_options *opts, const struct env_config *cfg)
{
	struct local_env e;
	const char *role = opts->role ? opts->role : "app";
	char	   *user;
	char	   *url;
	int			rc;

	if ((rc = require_cluster(cfg, &e)) >= 0)
		return rc;
	url = connection_url(&e, cfg, role, &user);
	if (!pgpass_has(&e, user))
	{
		errorf("\"%s\" has no password yet", user);
		hintf("run \"appdb roles setup\" first");
		rc = EXIT_USAGE;
	}
	else if (opts->command == CMD_URL)
	{
		printf("%s\n", url);
		rc = EXIT_OK;
	}
	else
	{
		char	   *psql = str_printf("%s/psql", e.bindir);
		char	   *argv[] = {psql, url, NULL};

		if (access(psql, X_OK) != 0)
		{
			free(psql);
			psql = xstrdup("psql");
			argv[0] = psql;
		}
		fflush(stdout);
		execvp(psql, argv);
		errorf("cannot run %s: %s", psql, strerror(errno));
		free(psql);
		rc = EXIT_FAILURE_REMOTE;
	}
	free(url);
	free(user);
	local_env_free(&e);
	return rc;
}

int
local_status(const struct appdb_options *opts, const struct env_config *cfg)
{
	struct local_env e;
	bool		running;
	bool		missing;
	const char *state;
	int			rc;
	struct json_object *obj;

	if ((rc = local_load(cfg, &e)) >= 0)
		return rc;
	running = e.exists && server_running(&e);
	missing = e.exists && !running && access(e.data_dir, F_OK) != 0 && errno == ENOENT;
	state = !e.exists ? "absent" : running ? "running" : missing ? "missing" : "stopped";
	if (opts->output == OUTPUT_JSON)
	{
		obj = json_object_new_object();
		json_object_object_add(obj, "provider", json_object_new_string("local"));
		json_object_object_add(obj, "state", json_object_new_string(state));
		if (e.exists)
		{
			json_object_object_add(obj, "engine_version", json_object_new_int(e.major));
			json_object_object_add(obj, "endpoint", json_object_new_string("127.0.0.1"));
			json_object_object_add(obj, "port", json_object_new_int(e.port));
			json_object_object_add(obj, "database", json_object_new_string(cfg->database));
			json_object_object_add(obj, "data_dir", json_object_new_string(e.data_dir));
			json_object_object_add(obj, "bindir", json_object_new_string(e.bindir));
		}
		printf("%s\n", json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
													  JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(obj);
	}
	else if (!e.exists)
		printf("state:     absent (run \"appdb provision\")\n");
	else
		printf("state:     %s%s\nengine:    PostgreSQL %d (%s)\nendpoint:  127.0.0.1:%d\n"
			   "database:  %s\ndata:      %s\n",
			   state, missing ? " (the data directory was removed: \"appdb provision\" makes a new, empty cluster)" : "",
			   e.major, e.bindir, e.port, cfg->database, e.data_dir);
	local_env_free(&e);
	return EXIT_OK;
}

/* Stop the server in home's data directory, with the bindir and OS user its marker names. */
static int
stop_found(const char *home, struct json_object *marker)
{
	struct local_env t = {0};
	int			rc = 0;

	t.data_dir = str_printf("%s/data", home);
	t.bindir = json_string_or_null(marker, "bindir");
	t.os_user = json_string_or_null(marker, "os_user");
	if (server_running(&t) && (t.bindir == NULL || server_stop(&t) != 0))
	{
		errorf("could not stop the server of %s; left it", t.data_dir);
		rc = -1;
	}
	local_env_free(&t);
	return rc;
}

/*
 * Without a usable state.json: stop and remove what the marker proves is this
 * environment's (the state dir's own data directory; the directories
 * /var/tmp/appdb-<app>-<env>.* whose marker names this state dir), and name
 * what is left.  Returns 0, or -1 when something of ours could not go.
 */
static int
destroy_found(const struct local_env *e, const struct env_config *cfg)
{
	char	   *pattern = str_printf("/var/tmp/appdb-%s-%s.*", cfg->app, cfg->env);
	struct json_object *marker = NULL;
	glob_t		found = {0};
	size_t		i;
	int			rc = 0;

	/* not root: the data is in the state dir, which goes below */
	if (owner_mismatch(e->state_dir, cfg, e->state_dir, NULL, &marker) == NULL)
	{
		rc = stop_found(e->state_dir, marker);
		notef("destroy: removing the data directory %s/data with the state (its marker names this environment)",
			  e->state_dir);
		json_object_put(marker);
		marker = NULL;
	}
	if (glob(pattern, 0, NULL, &found) == 0)
		for (i = 0; i < found.gl_pathc; i++)
		{
			const char *path = found.gl_pathv[i];
			const char *why = !parent_form(path, cfg) ? "not a name appdb gives its directories" :
				!plain_directory(path) ? "not a plain directory" :
				owner_mismatch(path, cfg, e->state_dir, NULL, &marker);

			if (why)
				notef("destroy: left %s: %s", path, why);
			else if (stop_found(path, marker) != 0 || remove_tree(path) != 0)
			{
				errorf("could not remove %s", path);
				rc = -1;
			}
			else
				notef("destroy: removed the data directory %s/data (the marker in %s names this environment)",
					  path, path);
			if (marker)
				json_object_put(marker);
			marker = NULL;
		}
	globfree(&found);
	free(pattern);
	return rc;
}

int
local_destroy(const struct appdb_options *opts, const struct env_config *cfg)
{
	struct local_env e;
	int			rc;
	bool		gone = false;
	bool		found;

	if ((rc = local_read(cfg, &e)) >= 0)
	{
		local_env_free(&e);
		return rc;
	}
	if (!e.exists && !e.damaged && env_state_empty(e.state_dir))	/* the lock only */
	{
		notef("destroy: environment %s-%s has no cluster; nothing to do", cfg->app, cfg->env);
		local_env_free(&e);
		return EXIT_OK;
	}
	/* without a usable state.json, what is provably ours is found by its marker */
	found = e.damaged || !e.exists;
	if (e.damaged)
		warnf("%s is damaged (%s); removing what this environment's marker proves its own",
			  e.state_path, e.damaged);
	else if (!found && (rc = check_own(&e, cfg, &gone)) >= 0)
	{
		local_env_free(&e);
		return rc;
	}
	if (!opts->yes)
	{
		char		answer[128];
		char	   *name = str_printf("%s-%s", cfg->app, cfg->env);

		if (!isatty(STDIN_FILENO))
		{
			errorf("destroy deletes the cluster and all its data; refusing without --yes when not on a terminal");
			free(name);
			local_env_free(&e);
			return EXIT_USAGE;
		}
		fprintf(stderr, "This stops and deletes the cluster of %s and all its data (%s).\n"
				"Type the environment's name (%s) to go on: ",
				name, e.data_dir ? e.data_dir : e.state_dir, name);
		if (fgets(answer, sizeof(answer), stdin) == NULL ||
			(answer[strcspn(answer, "\n")] = '\0', strcmp(answer, name) != 0))
		{
			errorf("not confirmed; nothing changed");
			free(name);
			local_env_free(&e);
			return EXIT_USAGE;
		}
		free(name);
	}
	if (found)
	{
		if (destroy_found(&e, cfg) != 0)
		{
			errorf("destroy: some of this environment's data is left (above); its state in %s is kept", e.state_dir);
			local_env_free(&e);
			return EXIT_FAILURE_REMOTE;
		}
	}
	else if (!gone && server_running(&e) && server_stop(&e) != 0)
	{
		errorf("could not stop the server; nothing deleted");
		local_env_free(&e);
		return EXIT_FAILURE_REMOTE;
	}
	if ((!found && !gone && e.data_parent && remove_tree(e.data_parent) != 0) ||
		remove_tree(e.state_dir) != 0)
	{
		errorf("could not delete all of the environment's files");
		local_env_free(&e);
		return EXIT_FAILURE_REMOTE;
	}
	remove_state_root(&e);
	notef("destroy: the cluster of %s-%s and its data are deleted", cfg->app, cfg->env);
	local_env_free(&e);
	return EXIT_OK;
}
