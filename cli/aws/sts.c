/*
 * cli/aws/sts.c
 *		STS GetCallerIdentity: the account id, ARN and user id of the
 *		caller (AWS-DETAIL.md §3.2: GetCallerIdentityResult/{Arn,UserId,
 *		Account}).
 */
#include "sts.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

enum aws_status
aws_sts_get_caller_identity(struct aws_client *client,
							struct aws_caller_identity *out,
							struct aws_error *err)
{
	struct aws_response resp;
	enum aws_status status;
	xmlNode    *result;

	memset(out, 0, sizeof(*out));
	status = aws_call_query(client, &aws_service_sts, "GetCallerIdentity",
							NULL, &resp, err);
	if (status != AWS_OK)
		return status;
	result = aws_xml_result(&resp, "GetCallerIdentity");
	out->account = aws_xml_path_text(result, "Account");
	out->arn = aws_xml_path_text(result, "Arn");
	out->user_id = aws_xml_path_text(result, "UserId");
	out->date = resp.date ? aws_xstrdup(resp.date) : NULL;
	if (out->account == NULL || out->account[0] == '\0' || out->arn == NULL)
	{
		/* a 200 without the result: say so as the other unreadable answers */
		aws_error_init(err);
		err->status = AWS_ERR_RESPONSE;
		err->service = aws_service_sts.id;
		err->operation = aws_xstrdup("GetCallerIdentity");
		err->http_status = resp.status;
		err->message = aws_xstrdup("the answer has no GetCallerIdentityResult/Account");
		err->request_id = resp.request_id ? aws_xstrdup(resp.request_id) : NULL;
		err->attempts = resp.attempts;
		aws_error_format(err);
		aws_caller_identity_clean_up(out);
		aws_response_clean_up(&resp);
		return AWS_ERR_RESPONSE;
	}
	aws_response_clean_up(&resp);
	return AWS_OK;
}

void
aws_caller_identity_clean_up(struct aws_caller_identity *id)
{
	free(id->account);
	free(id->arn);
	free(id->user_id);
	free(id->date);
	memset(id, 0, sizeof(*id));
}
