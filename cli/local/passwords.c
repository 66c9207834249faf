/*
 * cli/local/passwords.c
 *		The local provider's passwords: passwords.<role> in the state
 *		directory, one pgpass file per role that only its owner can read,
 *		which connection strings name with passfile= so that no password is
 *		ever printed, and whose file gives no other role's.
 */
#include "local_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/msgs.h"
#include "cli/pgexec.h"
#include "core/mem.h"
#include "core/quote.h"

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
char *
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
bool
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
int
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
int
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
void
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

/*
 * Set user's password (generated here, kept in the passfile) as a SCRAM
 * verifier, by the bootstrap superuser with statement logging off, so the
 * password reaches neither the output nor the server's log.
 */
int
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
