/*
 * test/fuzz/fuzz_roles_config.c
 *		libFuzzer target: the core's checks of what setup and check are given
 *		(app_config_build in core/config.c: role and schema names, auth, and
 *		the superuser_extensions JSON), as the extension's SQL functions, the
 *		CLI and the Data API path all pass it.
 *
 * Input: app_user, migrator_user, schema, auth and superuser_extensions, one
 * a line (the last takes the rest).  Must never crash, leak or hang; what it
 * accepts passes the name rules again and has its extensions sorted, each
 * once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/util.h"
#include "core/config.h"
#include "core/error.h"
#include "core/mem.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *text = malloc(size + 1);
	char	   *field[5] = {NULL};
	char	   *p = text;
	struct app_mem mem;
	struct app_config cfg;
	struct app_error err = {0};
	int			i;

	memcpy(text, data, size);
	text[size] = '\0';
	for (i = 0; i < 5 && p; i++)
	{
		char	   *nl = i < 4 ? strchr(p, '\n') : NULL;

		field[i] = p;
		if (nl)
			*nl = '\0';
		p = nl ? nl + 1 : NULL;
	}
	app_mem_init(&mem, &malloc_allocator);
	if (app_config_build(&mem, &cfg, field[0], field[1], field[2], field[3], field[4], &err) == 0)
	{
		struct app_error again = {0};

		if (app_check_name(&mem, "app_user", cfg.app_user, &again) != 0 ||
			app_check_name(&mem, "migrator_user", cfg.migrator_user, &again) != 0 ||
			app_check_name(&mem, "schema", cfg.schema, &again) != 0)
			abort();
		for (i = 1; i < cfg.n_extensions; i++)
			if (strcmp(cfg.extensions[i - 1].name, cfg.extensions[i].name) >= 0)
				abort();
	}
	app_mem_free_all(&mem);
	free(text);
	return 0;
}
