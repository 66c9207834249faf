/*
 * test/aws/request/success.c
 *		Success parsing, offline: the XML navigation over an answer, and the
 *		XML and JSON parsers' refusals.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "cli/aws/response.h"
#include "test/aws/request/test_request.h"
#include "test/unit.h"

void
test_success_parsing(void)
{
	static const char clusters[] =
		"<DescribeDBClustersResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
		"<DescribeDBClustersResult><DBClusters>"
		"<DBCluster><DBClusterIdentifier>a</DBClusterIdentifier><Status>available</Status>"
		"<DbClusterResourceId>cluster-A</DbClusterResourceId></DBCluster>"
		"<DBCluster><DBClusterIdentifier>b</DBClusterIdentifier><Status>creating</Status></DBCluster>"
		"</DBClusters></DescribeDBClustersResult><ResponseMetadata><RequestId>rq</RequestId>"
		"</ResponseMetadata></DescribeDBClustersResponse>";
	struct aws_response resp;
	xmlNode    *result;
	xmlNode    *c;
	char	   *text;
	json_object *j;

	aws_response_init(&resp);
	resp.xml = aws_xml_parse(clusters, sizeof(clusters) - 1);
	result = aws_xml_result(&resp, "DescribeDBClusters");
	check(result && streq((const char *) result->name, "DescribeDBClustersResult"),
		  "xml-result", "no result element");
	c = aws_xml_path(result, "DBClusters/DBCluster");
	text = aws_xml_path_text(c, "DbClusterResourceId");
	check(streq(text, "cluster-A"), "xml-path", "got %s", S(text));
	free(text);
	c = aws_xml_next(c, "DBCluster");
	text = aws_xml_path_text(c, "Status");
	check(streq(text, "creating"), "xml-next", "got %s", S(text));
	free(text);
	check(aws_xml_next(c, "DBCluster") == NULL, "xml-next-end", "a third cluster");
	check(aws_xml_path(result, "DBClusters/Nope") == NULL, "xml-path-missing", "found");
	text = aws_xml_path_text(xmlDocGetRootElement(resp.xml), "ResponseMetadata/RequestId");
	check(streq(text, "rq"), "xml-request-id", "got %s", S(text));
	free(text);
	aws_response_clean_up(&resp);

	/* an answer with no Result element: the root */
	aws_response_init(&resp);
	resp.xml = aws_xml_parse("<AttachRolePolicyResponse><ResponseMetadata/></AttachRolePolicyResponse>", 72);
	result = aws_xml_result(&resp, "AttachRolePolicy");
	check(result && streq((const char *) result->name, "AttachRolePolicyResponse"),
		  "xml-result-none", "not the root");
	aws_response_clean_up(&resp);

	check(aws_xml_parse("", 0) == NULL, "xml-empty", "parsed");
	check(aws_xml_parse("<a>", 3) == NULL, "xml-cut", "parsed");
	check(aws_xml_parse(LAUGHS, strlen(LAUGHS)) == NULL, "xml-dtd-refused", "parsed");

	j = aws_json_parse("{\"a\": 1}\n", 9);
	check(j && json_object_is_type(j, json_type_object), "json-object", "not parsed");
	json_object_put(j);
	j = aws_json_parse("123", 3);
	check(j && json_object_get_int(j) == 123, "json-bare-number", "not parsed");
	json_object_put(j);
	j = aws_json_parse("{} x", 4);
	check(j == NULL, "json-trailing", "parsed");
	json_object_put(j);
	j = aws_json_parse("{}\0{}", 5);
	check(j == NULL, "json-nul", "parsed");
	json_object_put(j);
}
