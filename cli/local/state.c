/*
 * cli/local/state.c
 *		The local provider's state: state.json, the ownership markers, the
 *		adoption of an older appdb's environment, and what destroy finds by
 *		the markers when state.json is gone.
 *
 * An environment's state lives in its state directory (env_state_dir:
 * .appdb/<app>-<env>/ at the top of the repository): state.json says where
 * the cluster is and how it runs; the password files are passwords.c's.
 *
 * appdb deletes only what it made: the directory it makes for the data (the
 * state directory itself when not root) holds an ownership marker naming the
 * environment and a random token that state.json also holds, and a tree is
 * removed only when its path has the form appdb gives it and its marker
 * matches.  A second marker in the data directory (server.c) says initdb and
 * appdb's configuration are complete; without it the data directory is half
 * made, and provision makes it again instead of starting initdb's defaults.
 */
#include "local_int.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli/msgs.h"

/* Free every field of e and zero it. */
void
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

	if (json_object_object_get_ex(obj, key, &v) && aws_json_plain_string(v))
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

/*
 * What state.json says, into e; what is wrong with it in e->damaged (e->exists
 * once it is a JSON object).  Fuzzed by test/fuzz/fuzz_local_state.c.
 */
void
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
int
local_read(const struct env_config *cfg, struct local_env *e)
{
	char	   *text;

	memset(e, 0, sizeof(*e));
	e->state_dir = xstrdup(cfg->state_dir);
	e->master_tls = cfg->master_tls;
	e->state_path = str_printf("%s/state.json", e->state_dir);
	if (pgpass_split_old(e) != 0)
		return EXIT_FAILURE_REMOTE;
	text = read_file(e->state_path);
	if (text == NULL)
		return errno == ENOENT ? EXIT_GO_ON :
			(errorf("cannot read %s: %s", e->state_path, strerror(errno)), EXIT_FAILURE_REMOTE);
	local_state_parse(text, e);
	free(text);
	return EXIT_GO_ON;
}

/* local_read, where a damaged state.json is an error. */
int
local_load(const struct env_config *cfg, struct local_env *e)
{
	int			rc = local_read(cfg, e);

	if (rc == EXIT_GO_ON && e->damaged)
	{
		errorf("%s is damaged (%s)", e->state_path, e->damaged);
		hintf("\"appdb destroy\" removes what is provably this environment's (its marked data directory) and its state, and names what it leaves");
		rc = EXIT_FAILURE_REMOTE;
	}
	if (rc != EXIT_GO_ON)
		local_env_free(e);
	return rc;
}

/* Write state.json, readable by its owner only. */
int
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

/* The directory made for the data, which holds the ownership marker. */
static const char *
data_home(const struct local_env *e)
{
	return e->data_parent ? e->data_parent : e->state_dir;
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
 * environment, before anything there is used or deleted.  Returns EXIT_GO_ON
 * when they are (*gone: the data's directory is no longer there), else the exit
 * code with the error reported, nothing changed.
 */
int
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
		return EXIT_GO_ON;
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
int
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
int
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
