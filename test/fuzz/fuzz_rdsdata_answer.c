/*
 * test/fuzz/fuzz_rdsdata_answer.c
 *		libFuzzer target: the RDS Data API's ExecuteStatement answers as the
 *		core reads them (rdsdata_answer_rows in cli/rdsdata_exec.c: typed
 *		fields, arrays, NULLs, the column count).  Must never crash, leak or
 *		hang; every cell it gives is readable to its end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/rdsdata_exec.h"
#include "cli/util.h"
#include "core/error.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *answer = json_tokener_parse_ex(tok, (const char *) data, (int) size);
	struct app_mem mem;
	struct app_rows rows;
	struct app_error err = {0};
	size_t		total = 0;
	int			i;

	json_tokener_free(tok);
	app_mem_init(&mem, &malloc_allocator);
	if (answer && rdsdata_answer_rows(answer, &mem, &rows, &err) == 0)
		for (i = 0; i < rows.nrows * rows.ncols; i++)
			if (rows.cells[i])
				total += strlen(rows.cells[i]);
	(void) total;
	app_mem_free_all(&mem);
	json_object_put(answer);
	return 0;
}
