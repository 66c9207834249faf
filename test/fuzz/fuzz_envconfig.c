/*
 * test/fuzz/fuzz_envconfig.c
 *		libFuzzer target: an environment's config file
 *		(env_config_parse in cli/envconfig.c: JSON, duplicate keys, NUL,
 *		every key's checks, the aws keys).  Must never crash, leak or hang;
 *		what it accepts has every required setting.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/envconfig.h"
#include "cli/msgs.h"
#include "cli/util.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = malloc(size + 1);
	int			want;

	memcpy(text, data, size);
	text[size] = '\0';
	msgs_quiet = true;
	for (want = 0; want < 2; want++)
	{
		struct env_config cfg;

		memset(&cfg, 0, sizeof(cfg));
		cfg.path = xstrdup("fuzz.json");
		if (env_config_parse("fuzz.json", text, want ? "dev" : NULL, &cfg) < 0)
		{
			if (!cfg.provider || !cfg.app || !cfg.env || !cfg.database || !cfg.app_user ||
				!cfg.migrator_user || !cfg.schema || !cfg.auth || !cfg.extensions)
				abort();
			if (want && strcmp(cfg.env, "dev") != 0)
				abort();
		}
		env_config_free(&cfg);
	}
	free(text);
	return 0;
}
