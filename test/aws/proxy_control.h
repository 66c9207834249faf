/*
 * test/aws/proxy_control.h
 *		The fault proxy's control, shared by the request and service tests
 *		(test/aws/proxy_control.c); proxy_url and control are set by main.
 */
#ifndef APPDB_TEST_AWS_PROXY_CONTROL_H
#define APPDB_TEST_AWS_PROXY_CONTROL_H

#include <json-c/json.h>

#include "cli/aws/http.h"

extern const char *proxy_url;
extern struct aws_http control;

/* A control call to the fault proxy; the body answered, malloc'd (NULL: failed, said). */
char	   *proxy(const char *method, const char *path, const char *body);
void		proxy_reset(void);
void		proxy_fault(const char *json);
/* The proxy's log entries whose "op" is op (NULL: all), up to max; their count. */
int			proxy_log(const char *op, json_object **entries, int max);
const char *entry_string(json_object *e, const char *name);

#endif							/* APPDB_TEST_AWS_PROXY_CONTROL_H */
