/*
 * cli/aws/profile.c
 *		Parsing the shared config and credentials files.
 *
 * As botocore's configloader (Python's RawConfigParser underneath): "[name]"
 * sections, "key = value" or "key: value" lines, keys case-insensitive,
 * whole-line comments with '#' or ';', indented lines continuing the value
 * before them (nested settings such as "s3 =" are kept as text and unused
 * here).  A line that is none of these, a key outside any section, or a
 * section or key given twice is an error, as it is for the SDKs.
 */
#include "profile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static char *
trim(char *s)
{
	char	   *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static bool
file_error(const struct aws_profile_file *file, int line, const char *what, struct aws_error *err)
{
	aws_error_set(err, AWS_ERR_CONFIG, "malformed AWS file %s, line %d: %s", file->path, line, what);
	aws_error_hint(err, "fix the file, or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE elsewhere");
	return false;
}

static void
add_entry(struct aws_profile_file *file, const char *profile, const char *key,
		  const char *value)
{
	struct aws_profile_entry *e;

	if (file->n == file->cap)
	{
		struct aws_profile_entry *bigger;

		file->cap = file->cap ? file->cap * 2 : 16;
		bigger = aws_xmalloc(sizeof(*bigger) * (size_t) file->cap);
		if (file->n)
			memcpy(bigger, file->entries, sizeof(*bigger) * (size_t) file->n);
		free(file->entries);
		file->entries = bigger;
	}
	e = &file->entries[file->n++];
	e->profile = aws_xstrdup(profile);
	e->key = aws_xstrdup(key);
	e->value = aws_xstrdup(value);
}

static struct aws_profile_entry *
find_entry(const struct aws_profile_file *file, const char *profile, const char *key)
{
	int			i;

	for (i = file->n - 1; i >= 0; i--)
		if (strcmp(file->entries[i].profile, profile) == 0 &&
			strcmp(file->entries[i].key, key) == 0)
			return &file->entries[i];
	return NULL;
}

bool
aws_profile_file_load(const char *path, bool is_config, struct aws_profile_file *file,
					  struct aws_error *err)
{
	char	   *text;
	bool		ok;

	text = aws_read_file(path);
	if (text == NULL)
	{
		memset(file, 0, sizeof(*file));
		file->path = aws_xstrdup(path);
		if (errno == ENOENT || errno == ENOTDIR)
			return true;
		aws_error_set(err, AWS_ERR_CONFIG, "cannot read AWS file %s: %s", path, strerror(errno));
		return false;
	}
	ok = aws_profile_parse(text, path, is_config, file, err);
	aws_wipe_free(text);			/* it may hold secret keys */
	return ok;
}

/* Parse text (changed in place) as the file named path. */
bool
aws_profile_parse(char *text, const char *path, bool is_config,
				  struct aws_profile_file *file, struct aws_error *err)
{
	char	   *line;
	char	   *next;
	char	   *section = NULL;		/* the profile of the current section, or NULL */
	bool		in_section = false;
	int			lineno = 0;
	bool		ok = true;
	struct aws_profile_entry *last = NULL;

	memset(file, 0, sizeof(*file));
	file->path = aws_xstrdup(path);
	for (line = text; line && *line; line = next)
	{
		char	   *s;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		/* an indented line continues the value before it */
		if ((line[0] == ' ' || line[0] == '\t') && *trim(line) != '\0')
		{
			if (last == NULL)
			{
				ok = file_error(file, lineno, "an indented line with no setting before it", err);
				break;
			}
			{
				char	   *joined = aws_str_printf("%s\n%s", last->value, trim(line));

				aws_wipe_free(last->value);
				last->value = joined;
			}
			continue;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#' || *s == ';')
			continue;
		if (*s == '[')
		{
			char	   *close = strchr(s, ']');
			char	   *name;

			if (close == NULL)
			{
				ok = file_error(file, lineno, "a section header without \"]\"", err);
				break;
			}
			*close = '\0';
			name = trim(s + 1);
			free(section);
			section = NULL;
			in_section = true;
			last = NULL;
			/* config: [default] and [profile NAME]; other kinds are not profiles */
			if (!is_config)
				section = aws_xstrdup(name);
			else if (strcmp(name, "default") == 0)
				section = aws_xstrdup("default");
			else if (strncmp(name, "profile", 7) == 0 && (name[7] == ' ' || name[7] == '\t'))
				section = aws_xstrdup(trim(name + 8));
			if (section)
			{
				int			i;

				for (i = 0; i < file->nprofiles; i++)
					if (strcmp(file->profiles[i], section) == 0)
						break;
				if (i < file->nprofiles && strcmp(name, section) == 0)
				{
					ok = file_error(file, lineno, "a section given twice", err);
					break;
				}
				if (i == file->nprofiles)
				{
					char	  **bigger = aws_xmalloc(sizeof(char *) * (size_t) (file->nprofiles + 1));

					if (file->nprofiles)
						memcpy(bigger, file->profiles, sizeof(char *) * (size_t) file->nprofiles);
					free(file->profiles);
					file->profiles = bigger;
					file->profiles[file->nprofiles++] = aws_xstrdup(section);
				}
			}
			continue;
		}
		{
			size_t		k = strcspn(s, "=:");
			char	   *key;
			char	   *p;

			if (s[k] == '\0')
			{
				ok = file_error(file, lineno, "neither a [section] nor a key = value line", err);
				break;
			}
			if (!in_section)
			{
				ok = file_error(file, lineno, "a setting before the first [section]", err);
				break;
			}
			s[k] = '\0';
			key = trim(s);
			for (p = key; *p; p++)
				*p = (char) tolower((unsigned char) *p);
			if (*key == '\0')
			{
				ok = file_error(file, lineno, "a setting without a name", err);
				break;
			}
			if (section == NULL)
				continue;		/* [sso-session ...], [services ...]: not used */
			if (find_entry(file, section, key))
			{
				ok = file_error(file, lineno, "a setting given twice in one section", err);
				break;
			}
			add_entry(file, section, key, trim(s + k + 1));
			last = &file->entries[file->n - 1];
		}
	}
	free(section);
	return ok;
}

const char *
aws_profile_get(const struct aws_profile_file *file, const char *profile, const char *key)
{
	struct aws_profile_entry *e = find_entry(file, profile, key);

	return e && e->value[0] ? e->value : NULL;
}

bool
aws_profile_exists(const struct aws_profile_file *file, const char *profile)
{
	int			i;

	for (i = 0; i < file->nprofiles; i++)
		if (strcmp(file->profiles[i], profile) == 0)
			return true;
	return false;
}

void
aws_profile_file_free(struct aws_profile_file *file)
{
	int			i;

	for (i = 0; i < file->n; i++)
	{
		free(file->entries[i].profile);
		free(file->entries[i].key);
		aws_wipe_free(file->entries[i].value);
	}
	for (i = 0; i < file->nprofiles; i++)
		free(file->profiles[i]);
	free(file->entries);
	free(file->profiles);
	free(file->path);
	memset(file, 0, sizeof(*file));
}

static char *
home_path(const char *env, const char *rest)
{
	const char *v = getenv(env);
	const char *home = getenv("HOME");

	if (v && v[0])
	{
		if (v[0] == '~' && v[1] == '/' && home)
			return aws_str_printf("%s%s", home, v + 1);
		return aws_xstrdup(v);
	}
	return aws_str_printf("%s/%s", home ? home : "", rest);
}

char *
aws_config_path(void)
{
	return home_path("AWS_CONFIG_FILE", ".aws/config");
}

char *
aws_credentials_path(void)
{
	return home_path("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
}
