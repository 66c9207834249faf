/*
 * test/fuzz/fuzz_local_state.c
 *		libFuzzer target: the local provider's state.json
 *		(local_state_parse in cli/local/state.c).
 *		Must never crash, leak or hang; what it takes as sound has absolute
 *		paths and a port in 1..65535.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/local/local_int.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct local_env e;
	char	   *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	memset(&e, 0, sizeof(e));
	local_state_parse(text, &e);
	if (!e.damaged && (!e.exists || e.bindir[0] != '/' || e.data_dir[0] != '/' ||
					   (e.data_parent && e.data_parent[0] != '/') || e.port < 1 || e.port > 65535))
		abort();
	local_env_free(&e);
	free(text);
	return 0;
}
