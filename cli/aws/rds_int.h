/*
 * cli/aws/rds_int.h
 *		What the RDS files share, inside cli/aws/ only: the request pieces
 *		of rds.c that rds_instance.c's calls use too.
 */
#ifndef APPDB_AWS_RDS_INT_H
#define APPDB_AWS_RDS_INT_H

#include <stddef.h>

#include "request.h"
#include "svc.h"

/* A parameter when value is not NULL. */
void		rds_add_opt(struct aws_params *p, const char *name, const char *value);
/* A boolean parameter when f is set. */
void		rds_add_flag(struct aws_params *p, const char *name, enum aws_flag f);
/* RDS tags: Tags.Tag.N.Key / .Value. */
void		rds_add_tags(struct aws_params *p, const struct aws_tag *tags, size_t n);
/* A call whose result is <OpResult><element>, which read takes into out. */
enum aws_status rds_result_call(struct aws_client *client, const char *op,
								const struct aws_params *p, const char *element,
								aws_svc_page_reader read, void *out,
								struct aws_error *err);
/* A call whose answer is only needed to have succeeded. */
enum aws_status rds_plain_call(struct aws_client *client, const char *op,
							   const struct aws_params *p, struct aws_error *err);

#endif							/* APPDB_AWS_RDS_INT_H */
