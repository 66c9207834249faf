/*
 * test/aws/fuzz_profile.c
 *		libFuzzer target: the shared config and credentials file parser
 *		(cli/aws/profile.c), both flavours, with every lookup it serves.
 *
 * Build and run: make test/aws/fuzz_profile, then test/fuzz.sh profile 30
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/aws/profile.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int			config;

	for (config = 0; config < 2; config++)
	{
		struct aws_profile_file file;
		struct aws_error err;
		char	   *text = malloc(size + 1);
		int			i;

		memcpy(text, data, size);
		text[size] = '\0';
		aws_error_init(&err);
		if (aws_profile_parse(text, "fuzz", config, &file, &err))
			for (i = 0; i < file.nprofiles; i++)
			{
				(void) aws_profile_exists(&file, file.profiles[i]);
				(void) aws_profile_get(&file, file.profiles[i], "aws_access_key_id");
				(void) aws_profile_get(&file, file.profiles[i], "region");
			}
		aws_profile_file_free(&file);
		aws_error_clean_up(&err);
		free(text);
	}
	return 0;
}
