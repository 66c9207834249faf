/*
 * test/aws/request/test_request.h
 *		What the parts of the request-path test share (test/aws/test_request.c
 *		holds main): streq and S, the hooks put into a client, the document
 *		both XML parsers refuse, the fault proxy's control and the bed's
 *		client (test/aws/request/bed.c), and each part's entry point.
 */
#ifndef APPDB_TEST_AWS_REQUEST_H
#define APPDB_TEST_AWS_REQUEST_H

#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "cli/aws/request.h"
#include "test/aws/proxy_control.h"

static inline bool
streq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

#define S(x) ((x) ? (x) : "(null)")

/* ------------------------------------------------------------------ */
/* Hooks: a clock that moves, a wait that only records (hooks.c)       */
/* ------------------------------------------------------------------ */

struct hooks
{
	time_t		now;
	double		delays[16];
	int			ndelays;
	double		fixed_random;	/* < 0: the real source */
};

time_t		test_clock(void *state);
void		test_sleep(double seconds, void *state);
double		test_random(void *state);

/* An XML bomb (errors.c's row, success.c's refusal) */
#define LAUGHS \
	"<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n" \
	"<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n" \
	"<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n" \
	"<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n" \
	"<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n" \
	"<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n" \
	"<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n" \
	"<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n" \
	"<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n" \
	"<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n" \
	"]>\n<ErrorResponse><Error><Code>Throttling</Code><Message>&lol9;</Message>" \
	"</Error><RequestId>laughs</RequestId></ErrorResponse>"


/* ------------------------------------------------------------------ */
/* The bed (bed.c)                                                     */
/* ------------------------------------------------------------------ */

struct aws_client *bed_client(const struct aws_credentials *creds, struct hooks *h);

/* The parts, offline, in the order main runs them */
void		test_endpoints(void);
void		test_form(void);
void		test_error_parsing(void);
void		test_success_parsing(void);
void		test_retry_policy(void);

/* ... and against the bed */
void		test_bed_sts(const struct aws_credentials *creds);
void		test_bed_bad_credentials(const struct aws_credentials *good);
void		test_bed_protocols(const struct aws_credentials *creds);
void		test_bed_once(const struct aws_credentials *creds);
void		test_refused(const struct aws_credentials *creds);
void		test_verbose_secrets(const struct aws_credentials *creds);

#endif							/* APPDB_TEST_AWS_REQUEST_H */
