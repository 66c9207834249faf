/*
 * test/aws/request/verbose.c
 *		--verbose against the bed: the requests traced, never the signature,
 *		the secret or the session token.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/aws/request.h"
#include "cli/aws/sts.h"
#include "cli/aws/util.h"
#include "test/aws/request/test_request.h"
#include "test/unit.h"

/* The client's traces, as appdb's --verbose prints them. */
static void
trace_to_stderr(enum aws_say kind, const char *msg, void *arg)
{
	(void) kind;
	(void) arg;
	fprintf(stderr, "%s\n", msg);
}

/* --verbose shows the requests, never the signature or the token. */
void
test_verbose_secrets(const struct aws_credentials *creds)
{
	struct aws_credentials temp = *creds;
	struct aws_caller_identity id;
	struct aws_error err;
	struct hooks h;
	struct aws_client *c;
	char		path[] = "/tmp/test_request.XXXXXX";
	int			fd = mkstemp(path);
	int			saved = dup(2);
	char	   *text;
	FILE	   *f;
	long		len;

	temp.session_token = "FQoGZXIvYXdzEXAMPLEtoken//+=";
	c = bed_client(&temp, &h);
	fflush(stderr);
	dup2(fd, 2);
	aws_set_say(trace_to_stderr, NULL, true);
	if (aws_sts_get_caller_identity(c, &id, &err) == AWS_OK)
		aws_caller_identity_clean_up(&id);
	else
		aws_error_clean_up(&err);
	aws_set_say(NULL, NULL, false);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	aws_client_free(c);

	f = fdopen(fd, "r");
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc(1, (size_t) len + 1);
	if (fread(text, 1, (size_t) len, f) != (size_t) len)
		len = -1;
	fclose(f);
	unlink(path);
	check(len > 0 && strstr(text, "http: POST ") != NULL, "verbose-logs-requests", "%s", text);
	check(strstr(text, "X-Amz-Date") != NULL, "verbose-logs-headers", "no headers");
	check(strstr(text, "FQoGZXIvYXdzEXAMPLE") == NULL && strcasestr(text, "authorization") == NULL &&
		  strstr(text, "Signature=") == NULL && strstr(text, "Credential=") == NULL &&
		  strstr(text, creds->secret_access_key) == NULL &&
		  strcasestr(text, "x-amz-security-token") == NULL,
		  "verbose-no-secrets", "%s", text);
	free(text);
}
