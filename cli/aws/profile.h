/*
 * cli/aws/profile.h
 *		The shared config and credentials files (~/.aws/config,
 *		~/.aws/credentials): sections of key = value, as botocore reads them.
 */
#ifndef APPDB_AWS_PROFILE_H
#define APPDB_AWS_PROFILE_H

#include <stdbool.h>

#include "error.h"

struct aws_profile_entry
{
	char	   *profile;
	char	   *key;			/* lower-cased */
	char	   *value;
};

struct aws_profile_file
{
	char	   *path;
	struct aws_profile_entry *entries;
	int			n;
	int			cap;
	char	  **profiles;		/* every section name, for "exists" */
	int			nprofiles;
};

/*
 * Load path (a missing file is empty).  is_config: sections read
 * "[profile NAME]" (and "[default]"), else "[NAME]".  Returns true, or false
 * with err saying what is wrong (AWS_ERR_CONFIG, naming the file and line).
 */
bool		aws_profile_file_load(const char *path, bool is_config,
								  struct aws_profile_file *file, struct aws_error *err);
bool		aws_profile_parse(char *text, const char *path, bool is_config,
							  struct aws_profile_file *file, struct aws_error *err);
const char *aws_profile_get(const struct aws_profile_file *file,
							const char *profile, const char *key);
bool		aws_profile_exists(const struct aws_profile_file *file, const char *profile);
void		aws_profile_file_free(struct aws_profile_file *file);

/* The paths botocore uses: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE or ~/.aws/. */
char	   *aws_config_path(void);
char	   *aws_credentials_path(void);

#endif							/* APPDB_AWS_PROFILE_H */
