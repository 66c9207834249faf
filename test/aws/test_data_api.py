#!/usr/bin/env python3
"""test/aws/test_data_api.py: drive test/aws/data_api_server.py with boto3.

Run by test/aws/run_data_api.sh with the image's Python 3.11 (boto3): every
answer goes through botocore's rds-data parser, so passing proves the server
speaks the real wire format.  The runner starts the server with
--idle-timeout 2 --statement-timeout 2 and --verify-key for the keys below.

  test_data_api.py --endpoint URL --secret-arn ARN --log FILE
                   [--database DB] [--sm-url URL]   (moto, whose Secrets
                                                      Manager the server reads)
Last line: "data-api: N passed, M failed".
"""

import argparse
import base64
import json
import sys
import time
import traceback
import urllib.error
import urllib.request

import boto3
import botocore
from botocore.config import Config

AKID, SECRET = "AKIDDATAAPITEST", "data-api-test-secret"
RESOURCE = "arn:aws:rds:us-east-1:123456789012:cluster:app-dev"
SECRET_PASSWORD = "pw-never-logged-7f3a"   # the secret's password (runner)

args = None
client = None
passed = failed = 0


def make_client(**kw):
    cfg = kw.pop("config", None) or Config(retries={"max_attempts": 1, "mode": "standard"})
    return boto3.client("rds-data", region_name="us-east-1", endpoint_url=args.endpoint,
                        aws_access_key_id=kw.pop("akid", AKID),
                        aws_secret_access_key=kw.pop("secret", SECRET),
                        config=cfg)


def ex(sql, **kw):
    kw.setdefault("secretArn", args.secret_arn)
    return client.execute_statement(resourceArn=RESOURCE, sql=sql, **kw)


def expect_error(code, fn, *a, **kw):
    """The ClientError of fn(...), checked to carry code."""
    try:
        fn(*a, **kw)
    except botocore.exceptions.ClientError as e:
        got = e.response["Error"]["Code"]
        assert got == code, "expected %s, got %s: %s" % (code, got, e.response["Error"])
        return e
    raise AssertionError("expected %s, the call succeeded" % code)


def test(fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print("ok - %s" % fn.__name__)
    except Exception:   # noqa: BLE001 - reported and counted
        failed += 1
        print("FAIL - %s" % fn.__name__)
        traceback.print_exc(file=sys.stdout)
    return fn


def run_tests():
    @test
    def simple_select_typed_fields():
        r = ex("SELECT 1::int4 AS i, 2::int8 AS l, 1.5::float8 AS d, true AS b, "
               "'a'::text AS s, NULL::text AS n, 12.30::numeric AS num, "
               "'\\x0102'::bytea AS bl, ARRAY[1,2] AS ai, ARRAY['x','y'] AS at, "
               "'2024-02-03'::date AS dt, 'postgres'::name AS nm")
        rec = r["records"]
        assert len(rec) == 1, rec
        f = rec[0]
        assert f[0] == {"longValue": 1}, f[0]
        assert f[1] == {"longValue": 2}, f[1]
        assert f[2] == {"doubleValue": 1.5}, f[2]
        assert f[3] == {"booleanValue": True}, f[3]
        assert f[4] == {"stringValue": "a"}, f[4]
        assert f[5] == {"isNull": True}, f[5]
        assert f[6] == {"stringValue": "12.30"}, f[6]
        assert f[7] == {"blobValue": b"\x01\x02"}, f[7]   # botocore decodes base64
        assert f[8] == {"arrayValue": {"longValues": [1, 2]}}, f[8]
        assert f[9] == {"arrayValue": {"stringValues": ["x", "y"]}}, f[9]
        assert f[10] == {"stringValue": "2024-02-03"}, f[10]
        assert f[11] == {"stringValue": "postgres"}, f[11]
        assert r["numberOfRecordsUpdated"] == 0
        assert "columnMetadata" not in r and "formattedRecords" not in r

    @test
    def percent_and_colons_without_parameters():
        r = ex("SELECT '100%' AS p, 'a:b' AS c, 1::int8 AS n -- 50% :x")
        assert r["records"][0] == [{"stringValue": "100%"}, {"stringValue": "a:b"},
                                   {"longValue": 1}], r

    @test
    def many_rows_and_empty_result():
        r = ex("SELECT g FROM generate_series(1, 2500) g")
        assert [x[0]["longValue"] for x in r["records"]] == list(range(1, 2501))
        r = ex("SELECT 1 WHERE false")
        assert r["records"] == [], r

    @test
    def format_records_as_json():
        r = ex("SELECT rolname, rolcanlogin, 3::int8 AS n, NULL::int AS z, "
               "ARRAY[1,2] AS a, 1.25::float8 AS f, '{\"k\": [1]}'::jsonb AS j "
               "FROM pg_roles WHERE rolname = 'postgres'",
               formatRecordsAs="JSON")
        assert "records" not in r, r
        assert isinstance(r["formattedRecords"], str)
        recs = json.loads(r["formattedRecords"])
        assert recs == [{"rolname": "postgres", "rolcanlogin": True, "n": 3, "z": None,
                         "a": [1, 2], "f": 1.25, "j": {"k": [1]}}], recs
        r = ex("SELECT 1 WHERE false", formatRecordsAs="JSON")
        assert json.loads(r["formattedRecords"]) == [], r

    @test
    def parameters_of_each_type():
        r = ex("SELECT :s AS s, pg_typeof(:s)::text AS ts, :l AS l, pg_typeof(:l)::text AS tl, "
               ":d AS d, :b AS b, :n AS n, :blob AS blob, :dt AS dt, pg_typeof(:dt)::text AS tdt, "
               ":u::text AS u, ':s %% -- not a :param' AS lit, 1::int4 AS cast, "
               "$$ :l $$ AS dollar /* :b */",
               parameters=[
                   {"name": "s", "value": {"stringValue": "it's 100%"}},
                   {"name": "l", "value": {"longValue": -9007199254740993}},
                   {"name": "d", "value": {"doubleValue": 2.5}},
                   {"name": "b", "value": {"booleanValue": False}},
                   {"name": "n", "value": {"isNull": True}},
                   {"name": "blob", "value": {"blobValue": b"\x00\xffab"}},
                   {"name": "dt", "value": {"stringValue": "2024-05-06"}, "typeHint": "DATE"},
                   {"name": "u", "value": {"stringValue": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
                    "typeHint": "UUID"},
               ])
        f = r["records"][0]
        assert f[0] == {"stringValue": "it's 100%"}, f[0]
        assert f[1] == {"stringValue": "character varying"}, f[1]
        assert f[2] == {"longValue": -9007199254740993}, f[2]
        assert f[3] == {"stringValue": "bigint"}, f[3]
        assert f[4] == {"doubleValue": 2.5}, f[4]
        assert f[5] == {"booleanValue": False}, f[5]
        assert f[6] == {"isNull": True}, f[6]
        assert f[7] == {"blobValue": b"\x00\xffab"}, f[7]
        assert f[8] == {"stringValue": "2024-05-06"}, f[8]
        assert f[9] == {"stringValue": "date"}, f[9]
        assert f[10] == {"stringValue": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}, f[10]
        assert f[11] == {"stringValue": ":s %% -- not a :param"}, f[11]
        assert f[13] == {"stringValue": " :l "}, f[13]

    @test
    def string_parameter_is_varchar_like_aws():
        # pgJDBC sends a stringValue as varchar: a jsonb column refuses it
        # without typeHint JSON, as on AWS.
        ex("CREATE TABLE IF NOT EXISTS jt (j jsonb)")
        e = expect_error("DatabaseErrorException", ex, "INSERT INTO jt VALUES (:j)",
                         parameters=[{"name": "j", "value": {"stringValue": "{}"}}])
        assert "character varying" in e.response["Error"]["Message"], e.response
        r = ex("INSERT INTO jt VALUES (:j)",
               parameters=[{"name": "j", "value": {"stringValue": "{\"a\":1}"},
                            "typeHint": "JSON"}])
        assert r["numberOfRecordsUpdated"] == 1, r

    @test
    def array_parameter_refused():
        expect_error("BadRequestException", ex, "SELECT :a",
                     parameters=[{"name": "a", "value": {"arrayValue": {"longValues": [1]}}}])

    @test
    def include_result_metadata():
        ex("CREATE TABLE IF NOT EXISTS md (id int8 NOT NULL, note text)")
        r = ex("SELECT id, note, 1.5::float8 AS x FROM md", includeResultMetadata=True)
        md = r["columnMetadata"]
        assert [c["name"] for c in md] == ["id", "note", "x"], md
        assert [c["typeName"] for c in md] == ["int8", "text", "float8"], md
        assert [c["type"] for c in md] == [-5, 12, 8], md
        assert md[0]["nullable"] == 0 and md[1]["nullable"] == 1, md
        assert md[0]["tableName"] == "md", md
        r = ex("SELECT 1 AS one", includeResultMetadata=True, formatRecordsAs="JSON")
        assert r["columnMetadata"][0]["name"] == "one" and "formattedRecords" in r, r

    @test
    def dml_counts():
        ex("CREATE TABLE IF NOT EXISTS cnt (x int)")
        r = ex("INSERT INTO cnt SELECT generate_series(1, 7)")
        assert r["numberOfRecordsUpdated"] == 7, r
        assert "records" not in r, r
        r = ex("UPDATE cnt SET x = x + 1 WHERE x > 4")
        assert r["numberOfRecordsUpdated"] == 3, r

    @test
    def sql_error_is_database_error():
        e = expect_error("DatabaseErrorException", ex, "SELEC 1")
        msg = e.response["Error"]["Message"]
        assert msg.startswith('ERROR: syntax error at or near "SELEC"'), msg
        assert "Position: 1" in msg and msg.endswith("SQLState: 42601"), msg
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        e = expect_error("DatabaseErrorException", ex, "SELECT * FROM no_such_table")
        assert 'relation "no_such_table" does not exist' in e.response["Error"]["Message"]

    @test
    def raw_error_wire_format():
        # botocore parsed the above; check the bytes too: header and body
        st, hdrs, body = raw("/Execute", {"resourceArn": RESOURCE, "secretArn": args.secret_arn,
                                          "sql": "SELEC 1"}, sign=True)
        assert st == 400, st
        assert hdrs.get("x-amzn-ErrorType") == "DatabaseErrorException", hdrs
        assert set(json.loads(body)) == {"message"}, body

    @test
    def transaction_committed():
        ex("CREATE TABLE IF NOT EXISTS tx (id int)")
        tid = client.begin_transaction(resourceArn=RESOURCE, secretArn=args.secret_arn,
                                       database=args.database)["transactionId"]
        assert tid
        ex("INSERT INTO tx VALUES (1)", transactionId=tid)
        assert count("SELECT count(*) FROM tx WHERE id = 1") == 0   # not yet visible
        r = ex("SELECT count(*) FROM tx WHERE id = 1", transactionId=tid)
        assert r["records"][0][0]["longValue"] == 1
        r = client.commit_transaction(resourceArn=RESOURCE, secretArn=args.secret_arn,
                                      transactionId=tid)
        assert r["transactionStatus"] == "Transaction Committed", r
        assert count("SELECT count(*) FROM tx WHERE id = 1") == 1
        expect_error("TransactionNotFoundException", client.commit_transaction,
                     resourceArn=RESOURCE, secretArn=args.secret_arn, transactionId=tid)
        expect_error("TransactionNotFoundException", ex, "SELECT 1", transactionId=tid)

    @test
    def transaction_rolled_back():
        ex("CREATE TABLE IF NOT EXISTS tx (id int)")
        tid = client.begin_transaction(resourceArn=RESOURCE,
                                       secretArn=args.secret_arn)["transactionId"]
        ex("INSERT INTO tx VALUES (2)", transactionId=tid)
        r = client.rollback_transaction(resourceArn=RESOURCE, secretArn=args.secret_arn,
                                        transactionId=tid)
        assert r["transactionStatus"] == "Rollback Complete", r
        assert count("SELECT count(*) FROM tx WHERE id = 2") == 0
        expect_error("TransactionNotFoundException", client.rollback_transaction,
                     resourceArn=RESOURCE, secretArn=args.secret_arn, transactionId=tid)

    @test
    def idle_transaction_rolled_back():
        # the runner sets --idle-timeout 2 (AWS: three minutes)
        ex("CREATE TABLE IF NOT EXISTS tx (id int)")
        tid = client.begin_transaction(resourceArn=RESOURCE,
                                       secretArn=args.secret_arn)["transactionId"]
        ex("INSERT INTO tx VALUES (3)", transactionId=tid)
        for _ in range(3):            # used every second: stays open past 2 s
            time.sleep(1)
            ex("SELECT 1", transactionId=tid)
        time.sleep(3)
        e = expect_error("TransactionNotFoundException", ex, "SELECT 1", transactionId=tid)
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404
        expect_error("TransactionNotFoundException", client.commit_transaction,
                     resourceArn=RESOURCE, secretArn=args.secret_arn, transactionId=tid)
        assert count("SELECT count(*) FROM tx WHERE id = 3") == 0

    @test
    def unknown_transaction_refused():
        for fn, kw in ((ex, {"sql": "SELECT 1"}),
                       (client.commit_transaction, {"resourceArn": RESOURCE,
                                                    "secretArn": args.secret_arn}),
                       (client.rollback_transaction, {"resourceArn": RESOURCE,
                                                      "secretArn": args.secret_arn})):
            e = expect_error("TransactionNotFoundException", fn, transactionId="bm8tc3VjaA==",
                             **kw)
            assert "is not found" in e.response["Error"]["Message"]

    @test
    def statement_timeout():
        # the runner sets --statement-timeout 2 (AWS: 45 s)
        expect_error("StatementTimeoutException", ex, "SELECT pg_sleep(4)")
        # continueAfterTimeout: the call times out, the statement goes on
        expect_error("StatementTimeoutException", ex,
                     "CREATE TABLE late AS SELECT 1 AS x FROM pg_sleep(3)",
                     continueAfterTimeout=True)
        time.sleep(2)
        assert count("SELECT count(*) FROM pg_class WHERE relname = 'late'") == 1

    @test
    def sql_over_65536_characters_refused():
        ok = "SELECT 1" + " " * (65536 - 8)
        assert len(ok) == 65536
        ex(ok)
        e = expect_error("BadRequestException", ex, ok + " ")
        assert "65536" in e.response["Error"]["Message"], e.response

    @test
    def response_over_1_mib_refused():
        r = ex("SELECT repeat('x', 50000) FROM generate_series(1, 20)")   # ~1.0e6 bytes
        assert len(r["records"]) == 20
        e = expect_error("BadRequestException", ex,
                         "SELECT repeat('x', 60000) FROM generate_series(1, 20)")
        assert e.response["Error"]["Message"] == \
            "Database returned more than the allowed response size limit", e.response
        # many small rows add up too
        expect_error("BadRequestException", ex,
                     "SELECT g, 'abcdefghijklmnopqrstuvwxyz' FROM generate_series(1, 60000) g")

    @test
    def row_over_64_kb_refused():
        ex("SELECT repeat('x', 65000)")
        e = expect_error("BadRequestException", ex, "SELECT repeat('x', 66000)")
        assert "too large" in e.response["Error"]["Message"], e.response
        expect_error("BadRequestException", ex, "SELECT repeat('x', 40000), repeat('y', 40000)")
        expect_error("BadRequestException", ex, "SELECT repeat('x', 66000)",
                     formatRecordsAs="JSON")

    @test
    def unsigned_request_refused():
        c = make_client(config=Config(signature_version=botocore.UNSIGNED,
                                      retries={"max_attempts": 1}))
        e = expect_error("MissingAuthenticationTokenException", c.execute_statement,
                         resourceArn=RESOURCE, secretArn=args.secret_arn, sql="SELECT 1")
        assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        st, hdrs, _ = raw("/Execute", {"resourceArn": RESOURCE, "secretArn": args.secret_arn,
                                       "sql": "SELECT 1"})
        assert st == 403 and hdrs["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"

    @test
    def wrong_service_or_key_refused():
        # signed for another service: the scope names it
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        body = json.dumps({"resourceArn": RESOURCE, "secretArn": args.secret_arn,
                           "sql": "SELECT 1"})
        for service, code in (("rds", "InvalidSignatureException"),
                              ("rds-data", None)):
            req = AWSRequest("POST", args.endpoint + "/Execute", data=body,
                             headers={"Content-Type": "application/json"})
            SigV4Auth(Credentials(AKID, SECRET), service, "us-east-1").add_auth(req)
            st, hdrs, _ = raw("/Execute", body, dict(req.headers.items()))
            if code:
                assert st == 403 and hdrs["x-amzn-ErrorType"] == code, (st, hdrs)
            else:
                assert st == 200, (st, hdrs)
        expect_error("InvalidSignatureException", make_client(secret="wrong").execute_statement,
                     resourceArn=RESOURCE, secretArn=args.secret_arn, sql="SELECT 1")
        expect_error("UnrecognizedClientException", make_client(akid="AKIDUNKNOWN").execute_statement,
                     resourceArn=RESOURCE, secretArn=args.secret_arn, sql="SELECT 1")

    @test
    def unknown_secret_refused():
        expect_error("SecretsErrorException", ex, "SELECT 1",
                     secretArn="arn:aws:secretsmanager:us-east-1:123456789012:secret:nope")

    @test
    def unknown_database_refused():
        e = expect_error("DatabaseErrorException", ex, "SELECT 1", database="no_such_db")
        assert e.response["Error"]["Message"] == 'FATAL: database "no_such_db" does not exist', \
            e.response

    @test
    def missing_members_refused():
        st, hdrs, body = raw("/Execute", {"resourceArn": RESOURCE, "sql": "SELECT 1"},
                             sign=True)
        assert st == 400 and hdrs["x-amzn-ErrorType"] == "BadRequestException", (st, body)

    if args.sm_url:
        @test
        def secret_from_secrets_manager():
            # as moto makes a master secret: username "admin" (the runner
            # passes --user-map admin=postgres), no host, port or dbname
            sm = boto3.client("secretsmanager", region_name="us-east-1",
                              endpoint_url=args.sm_url, aws_access_key_id="testing",
                              aws_secret_access_key="testing")
            arn = sm.create_secret(Name="rds!cluster-data-api-test", SecretString=json.dumps(
                {"username": "admin", "password": SECRET_PASSWORD}))["ARN"]
            r = ex("SELECT current_user, current_database()", secretArn=arn)
            assert r["records"][0][0] == {"stringValue": "postgres"}, r
            assert r["records"][0][1] == {"stringValue": args.database}, r

    @test
    def log_counts_calls_without_passwords():
        ex("CREATE ROLE pw_probe PASSWORD 'hunter2-probe'")
        ex("SELECT length(:password)",
           parameters=[{"name": "password", "value": {"stringValue": "hunter3-probe"}}])
        before = len(open(args.log).read().splitlines())
        ex("SELECT 1")
        ex("SELECT 2")
        lines = open(args.log).read().splitlines()
        assert len(lines) == before + 2, (before, len(lines))
        last = json.loads(lines[-1])
        assert last["op"] == "ExecuteStatement" and last["status"] == 200, last
        assert last["request"]["sql"] == "SELECT 2", last
        text = "\n".join(lines)
        for word in (SECRET_PASSWORD, "hunter2-probe", "hunter3-probe"):
            assert word not in text, word


def count(sql):
    return ex(sql)["records"][0][0]["longValue"]


def raw(path, body, headers=None, sign=False):
    """(status, headers, body) of a POST sent by hand."""
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    data = data.encode() if isinstance(data, str) else data
    headers = dict(headers or {"Content-Type": "application/json"})
    if sign:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        req = AWSRequest("POST", args.endpoint + path, data=data, headers=headers)
        SigV4Auth(Credentials(AKID, SECRET), "rds-data", "us-east-1").add_auth(req)
        headers = dict(req.headers.items())
    req = urllib.request.Request(args.endpoint + path, data=data, headers=headers,
                                 method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers.items()), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers.items()), e.read()


def main():
    global args, client
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint", required=True)
    ap.add_argument("--secret-arn", required=True)
    ap.add_argument("--sm-url")
    ap.add_argument("--database")
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    client = make_client()
    run_tests()
    print("data-api: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
