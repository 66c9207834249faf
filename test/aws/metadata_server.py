#!/usr/bin/env python3
"""test/aws/metadata_server.py: the container credentials endpoint and EC2
instance metadata (IMDSv2), on 127.0.0.1, for test/aws/credentials_chain.sh.

  Container (AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:PORT/container/creds):
    GET /container/creds      needs "Authorization: <--container-token>"
                              (else 401); answers AccessKeyId, SecretAccessKey,
                              Token, Expiration, RoleArn as ECS does
  IMDSv2 (AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:PORT):
    PUT /latest/api/token     needs X-aws-ec2-metadata-token-ttl-seconds
                              (1..21600, else 400); answers a fresh token
    GET /latest/meta-data/iam/security-credentials/        the role name
    GET /latest/meta-data/iam/security-credentials/ROLE    Code, LastUpdated,
                              Type, AccessKeyId, SecretAccessKey, Token,
                              Expiration
                              every GET needs X-aws-ec2-metadata-token with a
                              token this server issued, else 401 (as IMDS
                              does when IMDSv1 is turned off)
  GET /__log   JSON lines, one a request: method, path, ttl (the TTL header),
               token_ok, authorization_ok, status

Usage: metadata_server.py --port-file FILE [--container-token T]
       [--role NAME] [--key-prefix P]; the port is written once listening.
The keys it serves are fixed per prefix: <P>CONTAINER / <P>IMDS as key ids,
secret<P>Container / secret<P>Imds as secrets, so a test can compare them.
"""

import argparse
import datetime
import http.server
import json
import secrets
import threading


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--container-token", default="container-auth-token")
    ap.add_argument("--role", default="appdb-instance-role")
    ap.add_argument("--key-prefix", default="ASIAMETA")
    args = ap.parse_args()

    tokens = set()
    log = []
    lock = threading.Lock()
    expiration = (datetime.datetime.now(datetime.timezone.utc) +
                  datetime.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%SZ")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            pass

        def answer(self, status, body, ctype="text/plain", entry=None):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            if entry is not None:
                entry["status"] = status
                with lock:
                    log.append(entry)

        def entry(self):
            return {"method": self.command, "path": self.path,
                    "ttl": self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"),
                    "token_ok": self.headers.get("X-aws-ec2-metadata-token") in tokens,
                    "authorization_ok": self.headers.get("Authorization") == args.container_token}

        def do_PUT(self):
            e = self.entry()
            n = int(self.headers.get("Content-Length") or 0)
            if n:
                self.rfile.read(n)
            if self.path != "/latest/api/token":
                return self.answer(404, "Not Found", entry=e)
            ttl = e["ttl"]
            if ttl is None or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                return self.answer(400, "Bad Request", entry=e)
            t = secrets.token_urlsafe(32)
            with lock:
                tokens.add(t)
            self.answer(200, t, entry=e)

        def do_GET(self):
            e = self.entry()
            if self.path == "/__log":
                with lock:
                    text = "".join(json.dumps(x) + "\n" for x in log)
                return self.answer(200, text, "application/json")
            if self.path == "/container/creds":
                if not e["authorization_ok"]:
                    return self.answer(401, json.dumps({"message": "unauthorized"}),
                                       "application/json", entry=e)
                return self.answer(200, json.dumps({
                    "AccessKeyId": args.key_prefix + "CONTAINER",
                    "SecretAccessKey": "secret" + args.key_prefix + "Container",
                    "Token": "token" + args.key_prefix + "Container",
                    "Expiration": expiration,
                    "RoleArn": "arn:aws:iam::123456789012:role/appdb-task-role"}),
                    "application/json", entry=e)
            base = "/latest/meta-data/iam/security-credentials/"
            if self.path.startswith("/latest/"):
                if not e["token_ok"]:
                    return self.answer(401, "Unauthorized", entry=e)
                if self.path == base:
                    return self.answer(200, args.role, entry=e)
                if self.path == base + args.role:
                    return self.answer(200, json.dumps({
                        "Code": "Success",
                        "LastUpdated": expiration,
                        "Type": "AWS-HMAC",
                        "AccessKeyId": args.key_prefix + "IMDS",
                        "SecretAccessKey": "secret" + args.key_prefix + "Imds",
                        "Token": "token" + args.key_prefix + "Imds",
                        "Expiration": expiration}, indent=2), "text/plain", entry=e)
            self.answer(404, "Not Found", entry=e)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
