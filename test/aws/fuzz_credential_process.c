/*
 * test/aws/fuzz_credential_process.c
 *		libFuzzer target: what a credential_process prints
 *		(aws_credentials_from_process_output in cli/aws/cred_process.c).
 *		Must never crash, leak or hang; what it accepts has both keys.
 *
 * Build and run: make test/aws/fuzz_credential_process, then
 *   test/fuzz.sh credential_process 30
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/aws/credentials.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct aws_credentials creds = {0};
	struct aws_error err;
	char	   *text = malloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	aws_error_init(&err);
	if (aws_credentials_from_process_output("fuzz", text, size, &creds, &err) == AWS_OK &&
		(creds.access_key_id == NULL || creds.secret_access_key == NULL))
		abort();
	aws_credentials_free(&creds);
	aws_error_clean_up(&err);
	free(text);
	return 0;
}
