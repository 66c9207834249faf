#!/usr/bin/python3
"""test/aws/data_api_server.py: the test bed's RDS Data API on a real PostgreSQL.

moto's rds-data answers canned empty results (AWS.md), so this server answers
the four Data API calls appdb makes, in the REST-JSON wire format of
botocore's rds-data model (2018-08-01), and runs the SQL on a local
PostgreSQL with the credentials of the request's secret:

  POST /Execute              ExecuteStatement
  POST /BeginTransaction     -> {"transactionId"}
  POST /CommitTransaction    -> {"transactionStatus": "Transaction Committed"}
  POST /RollbackTransaction  -> {"transactionStatus": "Rollback Complete"}

It runs under Debian's /usr/bin/python3 with python3-psycopg2 (the image's
Python 3.11 has no PostgreSQL driver); it needs nothing else.

The Data API's limits are enforced (AWS.md "RDS Data API limits"), so a test
catches a call that would fail on AWS:
  - SQL text over 65,536 characters: BadRequestException;
  - a row over 64 KB: BadRequestException "Packet for query is too large";
  - more than 1 MiB from the database, or a records answer over 1 MiB:
    BadRequestException "Database returned more than the allowed response
    size limit"; formattedRecords (formatRecordsAs JSON) over 10 MiB (the
    limit the model documents for that member): the same error;
  - a transaction no call used for --idle-timeout seconds (AWS: 3 minutes),
    or older than --max-transaction-age (AWS: 24 hours), is rolled back; its
    id is then refused (TransactionNotFoundException, 404);
  - a statement running longer than --statement-timeout (AWS: 45 s) answers
    StatementTimeoutException; it is cancelled unless continueAfterTimeout.
SQL errors answer DatabaseErrorException (the code the current model gives
for provisioned/Serverless v2 clusters; BadRequestException was v1's) with
PostgreSQL's message in pgJDBC's form, as AWS sends it:
  "ERROR: syntax error at or near \"SELEC\"\n  Position: 1; SQLState: 42601"
Errors are sent as AWS sends REST-JSON errors: the code in the
x-amzn-ErrorType header and a {"message": ...} body.  --error-type-in-body
adds "__type" to the body (the JSON 1.x form; botocore reads the header
first), --error-type-suffix S appends S to the header's code, as AWS may
(":http://internal.amazon.com/coral/..."; botocore cuts at the ':'), so the
client's error parsing can be tested against both.

Parameters: ":name" in the SQL is bound from "parameters" (a tokenizer skips
string literals, quoted identifiers, dollar quotes, comments and "::" casts).
As the Data API (pgJDBC underneath) does, a value is sent typed: stringValue
as varchar (typeHint DATE, TIME, TIMESTAMP, DECIMAL, UUID, JSON cast to
date, time, timestamp, numeric, uuid, json), longValue as bigint, doubleValue
as double precision, booleanValue as boolean, blobValue as bytea, isNull as
an untyped NULL.  arrayValue parameters are refused, as AWS refuses them.

Authentication: every request must carry a SigV4 Authorization header whose
credential scope names the service rds-data (else 403
MissingAuthenticationTokenException or InvalidSignatureException).  With
--verify-key AKID:SECRET (repeatable) the signature itself is recomputed
(canonical request, string to sign, key chain, AWS.md "SigV4") and a
mismatch or an unknown key is refused (403 InvalidSignatureException /
UnrecognizedClientException); the request date is not checked (as moto).

Secrets: --secrets FILE, a JSON object secretArn -> {"host", "port",
"username", "password", "dbname"} (host may be a Unix socket directory).
Or --secretsmanager-url URL: the secret is read with GetSecretValue from that
Secrets Manager endpoint (moto), signed with AWS_ACCESS_KEY_ID /
AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN and --region; its SecretString
gives username and password (and host, port, dbname when present; else
--db-host, --db-port, --db-name).  --user-map FROM=TO renames a secret's user
(moto's master secret names "admin", not the master user: AWS.md).  An
unknown secret answers SecretsErrorException.

Log (--log FILE): one JSON line per call: time, op, path, status, error code
and message, the request (SQL with PASSWORD '...' literals and parameters
named like pass/secret/token blanked), record count, answer size.  No
password from a secret ever reaches it.

Usage: data_api_server.py (--secrets FILE | --secretsmanager-url URL)
       [--host 127.0.0.1] [--port 0] [--port-file FILE] [--log FILE]
       [--idle-timeout 180] [--statement-timeout 45] ...
The port is written to --port-file once listening.
"""

import argparse
import base64
import datetime
import decimal
import hashlib
import hmac
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2
import psycopg2.extensions
import psycopg2.extras

MAX_SQL = 65536
MAX_ROW = 64 * 1024
MAX_RESPONSE = 1024 * 1024
MAX_JSON = 10 * 1024 * 1024

opts = None
secrets = {}
log_lock = threading.Lock()


class ApiError(Exception):
    """An error answered in the Data API's wire format."""

    STATUS = {
        "BadRequestException": 400, "DatabaseErrorException": 400,
        "StatementTimeoutException": 400, "SecretsErrorException": 400,
        "InvalidSecretException": 400, "TransactionNotFoundException": 404,
        "NotFoundException": 404, "ForbiddenException": 403,
        "AccessDeniedException": 403, "InternalServerErrorException": 500,
        "ServiceUnavailableError": 503, "DatabaseUnavailableException": 504,
        "MissingAuthenticationTokenException": 403,
        "InvalidSignatureException": 403, "UnrecognizedClientException": 403,
        "UnknownOperationException": 404, "SerializationException": 400,
    }

    def __init__(self, code, message, extra=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = self.STATUS.get(code, 400)
        self.extra = extra or {}


def too_large():
    return ApiError("BadRequestException",
                    "Database returned more than the allowed response size limit")


# ---------------------------------------------------------------- SigV4

def _uri_encode(s, safe="-_.~"):
    return urllib.parse.quote(s, safe=safe)


def sigv4_signature(secret, method, path, query, headers, signed, payload,
                    amz_date, scope):
    """Hex signature of a request (AWS.md "SigV4"; not S3)."""
    norm = []   # remove dot segments, then encode the encoded path again
    for seg in path.split("/")[1:]:
        if seg == ".":
            continue
        if seg == "..":
            if norm:
                norm.pop()
            continue
        norm.append(seg)
    cpath = urllib.parse.quote("/" + "/".join(norm), safe="/~")
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    cquery = "&".join("%s=%s" % (_uri_encode(k), _uri_encode(v))
                      for k, v in sorted(pairs))
    lower = {}
    for name, value in headers.items():
        lower.setdefault(name.lower(), []).append(" ".join(value.strip().split()))
    cheaders = "".join("%s:%s\n" % (h, ",".join(lower.get(h, [])))
                       for h in signed)
    creq = "\n".join([method, cpath, cquery, cheaders, ";".join(signed),
                      hashlib.sha256(payload).hexdigest()])
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(creq.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()


def sign_request(akid, secret, token, region, service, method, url, headers, body):
    """Add SigV4 headers to headers (a dict) for a request to url."""
    u = urllib.parse.urlsplit(url)
    now = datetime.datetime.utcnow()
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    headers["Host"] = u.netloc
    headers["X-Amz-Date"] = amz_date
    if token:
        headers["X-Amz-Security-Token"] = token
    signed = sorted(h.lower() for h in headers)
    scope = "%s/%s/%s/aws4_request" % (amz_date[:8], region, service)
    sig = sigv4_signature(secret, method, u.path or "/", u.query, headers,
                          signed, body, amz_date, scope)
    headers["Authorization"] = (
        "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s"
        % (akid, scope, ";".join(signed), sig))


AUTH_RE = re.compile(r"^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*"
                     r"SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]+)\s*$")


def check_auth(method, rawpath, headers, body):
    auth = headers.get("Authorization")
    if not auth:
        raise ApiError("MissingAuthenticationTokenException",
                       "Missing Authentication Token")
    m = AUTH_RE.match(auth)
    if not m:
        raise ApiError("InvalidSignatureException",
                       "Authorization header requires 'Credential', "
                       "'SignedHeaders' and 'Signature' parameters (AWS4-HMAC-SHA256).")
    cred, signed, sig = m.groups()
    parts = cred.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise ApiError("InvalidSignatureException",
                       "Credential should be scoped to a valid region.")
    akid, date, region, service = parts[:4]
    if service != "rds-data":
        raise ApiError("InvalidSignatureException",
                       "Credential should be scoped to correct service: 'rds-data'.")
    amz_date = headers.get("X-Amz-Date", "")
    signed_list = signed.split(";")
    if "host" not in signed_list or not amz_date or not amz_date.startswith(date):
        raise ApiError("InvalidSignatureException",
                       "The request signature we calculated does not match the "
                       "signature you provided.")
    if opts.verify_key:
        keys = dict(k.split(":", 1) for k in opts.verify_key)
        if akid not in keys:
            raise ApiError("UnrecognizedClientException",
                           "The security token included in the request is invalid.")
        path, _, query = rawpath.partition("?")
        hdrs = {}
        for name in headers.keys():
            hdrs[name] = ",".join(headers.get_all(name))
        want = sigv4_signature(keys[akid], method, path, query, hdrs,
                               signed_list, body, amz_date,
                               "/".join(parts[1:]))
        if not hmac.compare_digest(want, sig):
            raise ApiError("InvalidSignatureException",
                           "The request signature we calculated does not match the "
                           "signature you provided. Check your AWS Secret Access "
                           "Key and signing method. Consult the service "
                           "documentation for details.")


# ---------------------------------------------------------------- secrets

def fetch_secret(arn):
    """Connection info for a secret ARN, or raise SecretsErrorException."""
    if arn in secrets:
        info = dict(secrets[arn])
    elif opts.secretsmanager_url:
        body = json.dumps({"SecretId": arn}).encode()
        headers = {"Content-Type": "application/x-amz-json-1.1",
                   "X-Amz-Target": "secretsmanager.GetSecretValue"}
        sign_request(os.environ.get("AWS_ACCESS_KEY_ID", ""),
                     os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
                     os.environ.get("AWS_SESSION_TOKEN"), opts.region,
                     "secretsmanager", "POST", opts.secretsmanager_url + "/",
                     headers, body)
        req = urllib.request.Request(opts.secretsmanager_url + "/", data=body,
                                     headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                answer = json.load(r)
            info = json.loads(answer["SecretString"])
        except Exception as e:   # noqa: BLE001 - any failure is the secret's
            raise ApiError("SecretsErrorException",
                           "Error fetching secret %s: %s" % (arn, type(e).__name__))
    else:
        raise ApiError("SecretsErrorException",
                       "Secrets Manager can't find the specified secret: %s" % arn)
    if "username" not in info:
        raise ApiError("InvalidSecretException",
                       "The secret %s has no username" % arn)
    for mapping in opts.user_map or []:
        a, _, b = mapping.partition("=")
        if info["username"] == a:
            info["username"] = b
    info.setdefault("host", opts.db_host)
    info.setdefault("port", opts.db_port)
    info.setdefault("dbname", opts.db_name)
    return info


def connect(secret_arn, database):
    info = fetch_secret(secret_arn)
    kw = {"host": info.get("host"), "port": int(info.get("port") or 5432),
          "user": info["username"],
          "dbname": database or info.get("dbname") or "postgres",
          "connect_timeout": 10, "application_name": "rds-data-api"}
    if info.get("password"):
        kw["password"] = info["password"]
    try:
        return psycopg2.connect(**kw)
    except psycopg2.OperationalError as e:
        # libpq: 'connection to server on socket "..." failed: FATAL:  ...'
        msg = " ".join(str(e).split()) or "connection failed"
        if "FATAL:" in msg:
            msg = "FATAL: " + msg.split("FATAL:", 1)[1].strip()
        raise ApiError("DatabaseErrorException", msg)


# ---------------------------------------------------------------- SQL

HINT_TYPES = {"DATE": "date", "TIME": "time", "TIMESTAMP": "timestamp",
              "DECIMAL": "numeric", "UUID": "uuid", "JSON": "json"}


def bind_params(sql, params):
    """(psycopg2 SQL text, dict): ':name' -> a typed %(name)s, '%' escaped."""
    values, types = {}, {}
    for p in params or []:
        name = p.get("name")
        if not name:
            raise ApiError("BadRequestException", "Parameter name must not be empty")
        v = p.get("value") or {}
        hint = p.get("typeHint")
        if "arrayValue" in v:
            raise ApiError("BadRequestException", "Array parameters are not supported.")
        if v.get("isNull"):
            values[name], types[name] = None, None
        elif "stringValue" in v:
            values[name] = v["stringValue"]
            types[name] = HINT_TYPES.get(hint, "varchar") if hint else "varchar"
            if hint and hint not in HINT_TYPES:
                raise ApiError("BadRequestException", "Invalid typeHint: %s" % hint)
        elif "longValue" in v:
            values[name], types[name] = int(v["longValue"]), "bigint"
        elif "doubleValue" in v:
            values[name], types[name] = float(v["doubleValue"]), "double precision"
        elif "booleanValue" in v:
            values[name], types[name] = bool(v["booleanValue"]), "boolean"
        elif "blobValue" in v:
            values[name] = psycopg2.Binary(base64.b64decode(v["blobValue"]))
            types[name] = "bytea"
        else:
            raise ApiError("BadRequestException",
                           "Parameter %s has no value" % name)
    out = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c == "'" or (c in "eE" and i + 1 < n and sql[i + 1] == "'"
                        and (i == 0 or not (sql[i - 1].isalnum() or sql[i - 1] == "_"))):
            esc = c != "'"
            j = i + (2 if esc else 1)
            while j < n:
                if esc and sql[j] == "\\":
                    j += 2
                    continue
                if sql[j] == "'":
                    if j + 1 < n and sql[j + 1] == "'":
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i:j + 1].replace("%", "%%"))
            i = j + 1
        elif c == '"':
            j = sql.find('"', i + 1)
            while j != -1 and j + 1 < n and sql[j + 1] == '"':
                j = sql.find('"', j + 2)
            j = n - 1 if j == -1 else j
            out.append(sql[i:j + 1].replace("%", "%%"))
            i = j + 1
        elif c == "-" and sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j == -1 else j
            out.append(sql[i:j].replace("%", "%%"))
            i = j
        elif c == "/" and sql.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if sql.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif sql.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(sql[i:j].replace("%", "%%"))
            i = j
        elif c == "$" and (i == 0 or not (sql[i - 1].isalnum() or sql[i - 1] == "_")):
            m = re.match(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$", sql[i:])
            if m:
                tag = m.group(0)
                j = sql.find(tag, i + len(tag))
                j = n if j == -1 else j + len(tag)
                out.append(sql[i:j].replace("%", "%%"))
                i = j
            else:
                out.append(c)
                i += 1
        elif c == ":" and sql.startswith("::", i):
            out.append("::")
            i += 2
        elif c == ":":
            m = re.match(r":([A-Za-z_][A-Za-z0-9_]*)", sql[i:])
            if m and m.group(1) in values:
                name = m.group(1)
                t = types[name]
                ph = "%%(%s)s" % name
                out.append("CAST(%s AS %s)" % (ph, t) if t else ph)
                i += len(m.group(0))
            else:
                out.append(c)
                i += 1
        elif c == "%":
            out.append("%%")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out), values


# pgJDBC's java.sql.Types for the common types; others are OTHER (1111)
JDBC_TYPES = {"bool": -7, "int2": 5, "int4": 4, "int8": -5, "oid": -5,
              "float4": 7, "float8": 8, "numeric": 2, "money": 8, "text": 12,
              "varchar": 12, "name": 12, "bpchar": 1, "char": 1, "bytea": -2,
              "date": 91, "time": 92, "timetz": 92, "timestamp": 93,
              "timestamptz": 93, "xml": 2009}
SIGNED = {"int2", "int4", "int8", "float4", "float8", "numeric", "money"}
LONGS = {"int2", "int4", "int8", "oid", "xid", "cid", "regproc", "regclass",
         "regtype", "regrole", "regnamespace", "regprocedure", "regoper",
         "regoperator", "regconfig", "regdictionary"}
DOUBLES = {"float4", "float8"}


def _raw_size(v):
    if v is None:
        return 0
    if isinstance(v, (bytes, bytearray, memoryview)):
        return len(bytes(v))
    if isinstance(v, bool):
        return 1
    if isinstance(v, (int, float)):
        return 8
    if isinstance(v, list):
        return sum(_raw_size(x) for x in v)
    return len(str(v).encode("utf-8"))


def _array_value(v, elem):
    """An ArrayValue union member for a Python list."""
    if any(isinstance(x, list) for x in v):
        return {"arrayValues": [_array_value(x, elem) if isinstance(x, list)
                                else _array_value([x], elem) for x in v]}
    if elem == "bool":
        return {"booleanValues": [bool(x) if x is not None else None for x in v]}
    if elem in LONGS:
        return {"longValues": [int(x) if x is not None else None for x in v]}
    if elem in DOUBLES:
        return {"doubleValues": [float(x) if x is not None else None for x in v]}
    return {"stringValues": [_text(x) if x is not None else None for x in v]}


def _text(v):
    if isinstance(v, (datetime.datetime,)):
        return v.isoformat(sep=" ")
    if isinstance(v, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(v)).decode()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return str(v)


def field(v, tname, rso):
    """The Field union for one value of PostgreSQL type tname."""
    if v is None:
        return {"isNull": True}
    if tname.startswith("_") and isinstance(v, list):
        return {"arrayValue": _array_value(v, tname[1:])}
    if tname == "bool":
        return {"booleanValue": bool(v)}
    if tname in LONGS:
        if rso.get("longReturnType") == "STRING":
            return {"stringValue": str(v)}
        return {"longValue": int(v)}
    if tname in DOUBLES:
        return {"doubleValue": float(v)}
    if tname == "numeric" and rso.get("decimalReturnType") == "DOUBLE_OR_LONG":
        d = decimal.Decimal(v)
        if d == d.to_integral_value() and d.as_tuple().exponent >= 0:
            return {"longValue": int(d)}
        return {"doubleValue": float(d)}
    if tname == "bytea":
        return {"blobValue": base64.b64encode(bytes(v)).decode()}
    return {"stringValue": _text(v)}


def json_value(v, tname):
    """One value in formattedRecords."""
    if v is None:
        return None
    if isinstance(v, list):
        return [json_value(x, tname[1:] if tname.startswith("_") else tname) for x in v]
    if tname == "bool":
        return bool(v)
    if tname in LONGS:
        return int(v)
    if tname in DOUBLES:
        return float(v)
    if tname == "numeric":
        return float(v) if decimal.Decimal(v).is_finite() else str(v)
    if tname in ("json", "jsonb"):
        return v if not isinstance(v, str) else json.loads(v)
    return _text(v)


def type_names(cur, desc):
    oids = sorted({d.type_code for d in desc})
    cur.execute("SELECT oid, typname FROM pg_type WHERE oid = ANY(%s)", (oids,))
    return dict(cur.fetchall())


def column_metadata(cur, desc, names):
    notnull = {}
    tables = sorted({d.table_oid for d in desc if d.table_oid})
    if tables:
        cur.execute("SELECT a.attrelid, a.attnum, a.attnotnull, c.relname, n.nspname "
                    "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE a.attrelid = ANY(%s) AND a.attnum > 0", (tables,))
        for rel, num, nn, relname, nsp in cur.fetchall():
            notnull[(rel, num)] = (nn, relname, nsp)
    out = []
    for d in desc:
        t = names.get(d.type_code, "unknown")
        info = notnull.get((d.table_oid, d.table_column))
        md = {"name": d.name, "label": d.name,
              "type": 2003 if t.startswith("_") else JDBC_TYPES.get(t, 1111),
              "typeName": t, "schemaName": info[2] if info else "",
              "tableName": info[1] if info else "",
              "isAutoIncrement": False, "isSigned": t in SIGNED,
              "isCurrency": t == "money", "isCaseSensitive": t in (
                  "text", "varchar", "name", "bpchar", "char"),
              "nullable": (0 if info[0] else 1) if info else 2,
              "precision": (d.precision or d.internal_size or 0)
              if (d.precision or (d.internal_size or 0) > 0) else 2147483647,
              "scale": d.scale or 0}
        if t.startswith("_"):
            md["arrayBaseColumnType"] = JDBC_TYPES.get(t[1:], 1111)
        else:
            md["arrayBaseColumnType"] = 0
        out.append(md)
    return out


def pg_message(e):
    """PostgreSQL's error as pgJDBC prints it, with the SQLState appended."""
    d = e.diag
    primary = d.message_primary or str(e).strip().splitlines()[0]
    msg = "%s: %s" % (d.severity or "ERROR", primary)
    if d.message_detail:
        msg += "\n  Detail: " + d.message_detail
    if d.message_hint:
        msg += "\n  Hint: " + d.message_hint
    if d.statement_position:
        msg += "\n  Position: " + d.statement_position
    if d.context:
        msg += "\n  Where: " + d.context
    return msg + "; SQLState: " + (e.pgcode or "")


# ---------------------------------------------------------------- transactions

class Tx:
    def __init__(self, conn, secret_arn, resource_arn):
        self.id = base64.b64encode(os.urandom(48)).decode()  # AWS's ids look like this
        self.conn = conn
        self.secret_arn = secret_arn
        self.resource_arn = resource_arn
        self.created = self.used = time.monotonic()
        self.lock = threading.Lock()
        self.busy = False


tx_lock = threading.Lock()
transactions = {}


def take_tx(tid):
    with tx_lock:
        tx = transactions.get(tid)
        if tx is None:
            raise ApiError("TransactionNotFoundException",
                           "Transaction %s is not found" % tid)
        tx.busy = True
        tx.used = time.monotonic()
        return tx


def release_tx(tx):
    with tx_lock:
        tx.busy = False
        tx.used = time.monotonic()


def end_tx(tid, commit):
    with tx_lock:
        tx = transactions.pop(tid, None)
    if tx is None:
        raise ApiError("TransactionNotFoundException",
                       "Transaction %s is not found" % tid)
    with tx.lock:
        try:
            if commit:
                tx.conn.commit()
            else:
                tx.conn.rollback()
        except psycopg2.Error as e:
            raise ApiError("DatabaseErrorException", pg_message(e))
        finally:
            tx.conn.close()


def reaper():
    """Rolls back transactions idle too long or too old (AWS: 3 min, 24 h)."""
    while True:
        time.sleep(min(0.2, opts.idle_timeout / 4))
        now = time.monotonic()
        dead = []
        with tx_lock:
            for tid, tx in list(transactions.items()):
                if (not tx.busy and now - tx.used > opts.idle_timeout) or \
                        now - tx.created > opts.max_transaction_age:
                    dead.append(transactions.pop(tid))
        for tx in dead:
            write_log({"op": "IdleRollback", "transactionId": tx.id})
            try:
                tx.conn.cancel()
                tx.conn.rollback()
            except psycopg2.Error:
                pass
            tx.conn.close()


# ---------------------------------------------------------------- operations

def require(req, *names):
    for n in names:
        if not isinstance(req.get(n), str) or req.get(n) == "":
            raise ApiError("BadRequestException", "%s must not be empty" % n)


def run_statement(conn, req):
    """The ExecuteStatement answer, running req on conn (not committing)."""
    sql, values = bind_params(req["sql"], req.get("parameters"))
    rso = req.get("resultSetOptions") or {}
    fmt = req.get("formatRecordsAs", "NONE")
    with conn.cursor() as cur:
        cur.execute(sql, values)
        answer = {}
        if cur.description is None:
            answer["numberOfRecordsUpdated"] = max(cur.rowcount, 0)
            answer["generatedFields"] = []
            return answer
        desc = cur.description
        rows, total = [], 0
        while True:
            batch = cur.fetchmany(1000)
            if not batch:
                break
            for row in batch:
                size = sum(_raw_size(v) for v in row)
                if size > opts.max_row:
                    raise ApiError("BadRequestException", "Packet for query is too large")
                total += size
                if total > opts.max_response:
                    raise too_large()
                rows.append(row)
        with conn.cursor() as cur2:
            names = type_names(cur2, desc)
            if req.get("includeResultMetadata"):
                answer["columnMetadata"] = column_metadata(cur2, desc, names)
        tn = [names.get(d.type_code, "unknown") for d in desc]
        answer["numberOfRecordsUpdated"] = 0
        if fmt == "JSON":
            recs = [{d.name: json_value(v, t) for d, v, t in zip(desc, row, tn)}
                    for row in rows]
            text = json.dumps(recs, separators=(",", ":"), ensure_ascii=False)
            if len(text.encode("utf-8")) > opts.max_json:
                raise too_large()
            answer["formattedRecords"] = text
        else:
            answer["records"] = [[field(v, t, rso) for v, t in zip(row, tn)]
                                 for row in rows]
            if len(json.dumps(answer).encode()) > opts.max_response:
                raise too_large()
        return answer


def with_timeout(conn, req, fn, on_late=None):
    """fn(conn) within --statement-timeout; else StatementTimeoutException."""
    result = {}
    pid = conn.get_backend_pid()
    go_on = bool(req.get("continueAfterTimeout"))
    done = threading.Lock()

    def work():
        try:
            result["answer"] = fn(conn)
        except BaseException as e:   # noqa: BLE001 - passed to the caller
            result["error"] = e
        with done:
            result["finished"] = True
            late = result.get("late")
        if late and go_on and on_late:
            on_late(result)

    t = threading.Thread(target=work, daemon=True)
    t.start()
    t.join(opts.statement_timeout)
    with done:
        timed_out = not result.get("finished")
        result["late"] = timed_out
    if timed_out:
        if not go_on:
            try:
                conn.cancel()
            except psycopg2.Error:
                pass
            t.join()
        raise ApiError("StatementTimeoutException",
                       "The statement timed out after %g seconds"
                       % opts.statement_timeout, {"dbConnectionId": pid})
    if "error" in result:
        raise result["error"]
    return result["answer"]


def op_execute(req):
    require(req, "resourceArn", "secretArn")
    if not isinstance(req.get("sql"), str):
        raise ApiError("BadRequestException", "sql must not be empty")
    if len(req["sql"]) > MAX_SQL:
        raise ApiError("BadRequestException",
                       "SQL statement length exceeds the maximum of %d characters" % MAX_SQL)
    if req.get("formatRecordsAs", "NONE") not in ("NONE", "JSON"):
        raise ApiError("BadRequestException", "Invalid formatRecordsAs")
    tid = req.get("transactionId")
    if tid:
        tx = take_tx(tid)
        if tx.secret_arn != req["secretArn"]:
            release_tx(tx)
            raise ApiError("BadRequestException",
                           "The transaction %s was started with another secret" % tid)
        try:
            with tx.lock:
                return with_timeout(tx.conn, req, lambda c: run_statement(c, req))
        except psycopg2.Error as e:
            raise ApiError("DatabaseErrorException", pg_message(e))
        finally:
            release_tx(tx)
    conn = connect(req["secretArn"], req.get("database"))
    conn.autocommit = True   # a call without a transaction commits by itself

    def late(result):
        conn.close()

    try:
        answer = with_timeout(conn, req, lambda c: run_statement(c, req), late)
    except psycopg2.Error as e:
        conn.close()
        raise ApiError("DatabaseErrorException", pg_message(e))
    except ApiError as e:
        if e.code != "StatementTimeoutException" or not req.get("continueAfterTimeout"):
            conn.close()
        raise
    except BaseException:
        conn.close()
        raise
    conn.close()
    return answer


def op_begin(req):
    require(req, "resourceArn", "secretArn")
    conn = connect(req["secretArn"], req.get("database"))
    try:
        with conn.cursor() as cur:   # opens the transaction now, as BEGIN would
            cur.execute("SELECT 1")
    except psycopg2.Error as e:
        conn.close()
        raise ApiError("DatabaseErrorException", pg_message(e))
    tx = Tx(conn, req["secretArn"], req["resourceArn"])
    with tx_lock:
        transactions[tx.id] = tx
    return {"transactionId": tx.id}


def op_commit(req):
    require(req, "resourceArn", "secretArn", "transactionId")
    end_tx(req["transactionId"], True)
    return {"transactionStatus": "Transaction Committed"}


def op_rollback(req):
    require(req, "resourceArn", "secretArn", "transactionId")
    end_tx(req["transactionId"], False)
    return {"transactionStatus": "Rollback Complete"}


OPS = {"/Execute": ("ExecuteStatement", op_execute),
       "/BeginTransaction": ("BeginTransaction", op_begin),
       "/CommitTransaction": ("CommitTransaction", op_commit),
       "/RollbackTransaction": ("RollbackTransaction", op_rollback)}


# ---------------------------------------------------------------- log and HTTP

PW_RE = re.compile(r"(PASSWORD\s+)(E?'(?:[^']|'')*')", re.I)
SECRET_NAME = re.compile(r"pass|secret|token", re.I)


def redacted(req):
    r = dict(req)
    if isinstance(r.get("sql"), str):
        sql = PW_RE.sub(r"\1'***'", r["sql"])
        hidden = set(re.findall(r"PASSWORD\s+:([A-Za-z_][A-Za-z0-9_]*)", sql, re.I))
        if len(sql) > 4096:
            sql = sql[:4096] + "...(%d characters)" % len(r["sql"])
        r["sql"] = sql
        params = []
        for p in r.get("parameters") or []:
            p = dict(p)
            if p.get("name") in hidden or SECRET_NAME.search(p.get("name") or ""):
                p["value"] = {"redacted": True}
            params.append(p)
        if params:
            r["parameters"] = params
    return r


def write_log(entry):
    if not opts.log:
        return
    entry = dict(entry, time=time.time())
    with log_lock, open(opts.log, "a") as f:
        f.write(json.dumps(entry, default=str) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, headers, data):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.do_POST()

    def do_POST(self):
        rid = str(uuid.uuid4())
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n > 0 else b""
        path = self.path.split("?", 1)[0]
        name, fn = OPS.get(path, ("Unknown", None))
        entry = {"op": name, "path": self.path, "method": self.command,
                 "requestId": rid}
        req = {}
        try:
            check_auth(self.command, self.path, self.headers, body)
            if fn is None or self.command != "POST":
                raise ApiError("UnknownOperationException", "Unknown operation %s %s"
                               % (self.command, path))
            try:
                req = json.loads(body or b"{}")
                if not isinstance(req, dict):
                    raise ValueError
            except ValueError:
                raise ApiError("SerializationException", "Request body is not a JSON object")
            entry["request"] = redacted(req)
            answer = fn(req)
            data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
            status = 200
            headers = {"Content-Type": "application/json", "x-amzn-RequestId": rid}
            entry["records"] = len(answer.get("records", []))
            if "formattedRecords" in answer:
                entry["formattedRecordsBytes"] = len(answer["formattedRecords"])
            if "numberOfRecordsUpdated" in answer:
                entry["numberOfRecordsUpdated"] = answer["numberOfRecordsUpdated"]
            for k in ("transactionId", "transactionStatus"):
                if k in answer:
                    entry[k] = answer[k]
        except ApiError as e:
            status = e.status
            payload = {"message": e.message}
            payload.update(e.extra)
            if opts.error_type_in_body:
                payload["__type"] = e.code
            data = json.dumps(payload).encode("utf-8")
            headers = {"Content-Type": "application/json", "x-amzn-RequestId": rid,
                       "x-amzn-ErrorType": e.code + opts.error_type_suffix}
            entry["error"] = e.code
            entry["message"] = e.message
        except Exception as e:   # noqa: BLE001 - a bug here is a 500, logged
            status = 500
            data = json.dumps({"message": "%s: %s" % (type(e).__name__, e)}).encode()
            headers = {"Content-Type": "application/json", "x-amzn-RequestId": rid,
                       "x-amzn-ErrorType": "InternalServerErrorException"}
            entry["error"] = "InternalServerErrorException"
            entry["message"] = "%s: %s" % (type(e).__name__, e)
        entry["status"] = status
        entry["bytes"] = len(data)
        write_log(entry)
        self.send(status, headers, data)


def main():
    global opts, secrets
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--secrets", help="JSON file: secretArn -> connection info")
    ap.add_argument("--secretsmanager-url", help="read unknown secrets from here")
    ap.add_argument("--region", default=os.environ.get("AWS_REGION")
                    or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1")
    ap.add_argument("--db-host", default=os.environ.get("PGHOST", "127.0.0.1"))
    ap.add_argument("--db-port", type=int, default=int(os.environ.get("PGPORT", "5432")))
    ap.add_argument("--db-name", default=None)
    ap.add_argument("--user-map", action="append", metavar="FROM=TO")
    ap.add_argument("--verify-key", action="append", metavar="AKID:SECRET")
    ap.add_argument("--idle-timeout", type=float, default=180.0)
    ap.add_argument("--max-transaction-age", type=float, default=86400.0)
    ap.add_argument("--statement-timeout", type=float, default=45.0)
    ap.add_argument("--max-row", type=int, default=MAX_ROW)
    ap.add_argument("--max-response", type=int, default=MAX_RESPONSE)
    ap.add_argument("--max-json", type=int, default=MAX_JSON)
    ap.add_argument("--error-type-in-body", action="store_true",
                    help='also put the code in the body as "__type"')
    ap.add_argument("--error-type-suffix", default="", metavar="SUFFIX",
                    help="appended to x-amzn-ErrorType, as AWS may send "
                    "(e.g. ':http://internal.amazon.com/coral/com.amazon.rdsdataservice/')")
    opts = ap.parse_args()
    if not opts.secrets and not opts.secretsmanager_url:
        ap.error("give --secrets FILE or --secretsmanager-url URL")
    if opts.secrets:
        with open(opts.secrets) as f:
            secrets = json.load(f)
    srv = ThreadingHTTPServer((opts.host, opts.port), Handler)
    srv.daemon_threads = True
    threading.Thread(target=reaper, daemon=True).start()
    if opts.port_file:
        tmp = opts.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % srv.server_address[1])
        os.rename(tmp, opts.port_file)
    print("data_api_server: listening on %s:%d" % srv.server_address[:2],
          file=sys.stderr, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
