#!/usr/bin/env python3
"""test/aws/fault_proxy.py: a reverse proxy in front of moto that injects faults.

Every request the client sends goes through here (AWS_ENDPOINT_URL points at
it) and on to moto, unless a fault set through the control API answers it
first.  Every request is logged, so tests can count calls and read what was
sent.

Control API (never forwarded):
  POST /__proxy/faults   a JSON object, or a list of them, each one fault:
      status    HTTP status of the answer (default 400 with a code, else 503)
      code      an AWS error code, answered in the protocol's real wire
                format: query XML <ErrorResponse>, EC2 <Response><Errors>,
                JSON 1.1 {"__type": ...}, REST-JSON x-amzn-ErrorType header;
                without a code the answer has an empty body
      message   the error message (default "Rate exceeded")
      count     how many requests it answers (default 1)
      match     a substring of "METHOD PATH\\nX-Amz-Target\\nBODY" the request
                must contain, e.g. "Action=GetCallerIdentity"
      fraction  the chance (0..1) a matching request gets the fault
      reset     true: close the connection with a TCP reset, no answer
      delay     seconds to wait first (alone: a slow answer from moto)
  GET  /__proxy/faults   the faults still pending
  GET  /__proxy/log      JSON lines, one per request: method, path, op
                         (X-Amz-Target or Action, else "METHOD PATH"),
                         target, action, amz_date, status ("reset" when
                         reset), fault (true when injected), body
  POST /__proxy/reset    clear the faults and the log

moto behaviours covered here: none yet besides faults.  (Planned, AWS.md:
Backup selections, EnableHttpEndpoint, bodiless Backup signatures.)

Usage: fault_proxy.py --upstream http://127.0.0.1:MOTO_PORT [--port 0]
       [--port-file FILE]; the port is written to FILE once listening.
"""

import argparse
import http.client
import json
import os
import random
import socket
import struct
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

# hop-by-hop headers, and those this server sets itself (Server, Date)
HOP_BY_HOP = {
    "server", "date", "connection", "keep-alive", "proxy-authenticate",
    "proxy-authorization", "te", "trailers", "transfer-encoding", "upgrade",
    "content-length",
}
LOG_BODY_MAX = 64 * 1024

lock = threading.Lock()
faults = []          # pending faults, in the order they were added
log = []             # one dict per request
upstream = None      # (host, port)


def protocol_of(headers, body):
    """query, ec2, json or rest-json, from what the request looks like."""
    if headers.get("X-Amz-Target"):
        return "json"
    ctype = headers.get("Content-Type", "")
    if ctype.startswith("application/x-www-form-urlencoded"):
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        if form.get("Version", [""])[0] == "2016-11-15":
            return "ec2"
        return "query"
    return "rest-json"


def error_answer(protocol, status, code, message):
    """(status, headers, body) of an AWS error in the protocol's wire format."""
    rid = str(uuid.uuid4())
    xcode, xmessage = escape(code), escape(message)
    if protocol == "query":
        body = ("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                "<Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message>"
                "</Error><RequestId>%s</RequestId></ErrorResponse>"
                % (xcode, xmessage, rid))
        return status, {"Content-Type": "text/xml", "x-amzn-RequestId": rid}, body
    if protocol == "ec2":
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
                "<Code>%s</Code><Message>%s</Message></Error></Errors>"
                "<RequestID>%s</RequestID></Response>" % (xcode, xmessage, rid))
        return status, {"Content-Type": "text/xml;charset=UTF-8"}, body
    if protocol == "json":
        body = json.dumps({"__type": code, "message": message})
        return status, {"Content-Type": "application/x-amz-json-1.1",
                        "x-amzn-RequestId": rid}, body
    body = json.dumps({"message": message})
    return status, {"Content-Type": "application/json", "x-amzn-RequestId": rid,
                    "x-amzn-ErrorType": code}, body


def take_fault(subject):
    """The first pending fault matching subject, its count spent; or None."""
    with lock:
        for f in faults:
            if f.get("match") and f["match"] not in subject:
                continue
            if "fraction" in f and random.random() >= float(f["fraction"]):
                continue
            f["count"] = f.get("count", 1) - 1
            if f["count"] <= 0:
                faults.remove(f)
            return dict(f)
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, as the client expects

    def log_message(self, fmt, *args):   # quiet: the log is /__proxy/log
        pass

    def send(self, status, headers, body):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def control(self, body):
        path = self.path.split("?", 1)[0]
        if path == "/__proxy/faults" and self.command == "POST":
            new = json.loads(body or b"[]")
            with lock:
                faults.extend(new if isinstance(new, list) else [new])
            return self.send(200, {"Content-Type": "application/json"}, '{"ok": true}')
        if path == "/__proxy/faults" and self.command == "GET":
            with lock:
                text = json.dumps(faults)
            return self.send(200, {"Content-Type": "application/json"}, text)
        if path == "/__proxy/log" and self.command == "GET":
            with lock:
                text = "".join(json.dumps(e) + "\n" for e in log)
            return self.send(200, {"Content-Type": "application/x-ndjson"}, text)
        if path == "/__proxy/reset" and self.command == "POST":
            with lock:
                faults.clear()
                log.clear()
            return self.send(200, {"Content-Type": "application/json"}, '{"ok": true}')
        return self.send(404, {"Content-Type": "text/plain"}, "no such control\n")

    def handle_any(self):
        body = self.read_body()
        if self.path.startswith("/__proxy/"):
            return self.control(body)
        text = body.decode("utf-8", "replace")
        target = self.headers.get("X-Amz-Target", "")
        protocol = protocol_of(self.headers, body)
        action = ""
        if protocol in ("query", "ec2"):
            action = urllib.parse.parse_qs(text).get("Action", [""])[0]
        entry = {
            "method": self.command, "path": self.path,
            "op": target or action or "%s %s" % (self.command, self.path.split("?")[0]),
            "target": target, "action": action,
            "amz_date": self.headers.get("X-Amz-Date", ""),
            "protocol": protocol, "fault": False, "status": None,
            "body": text[:LOG_BODY_MAX],
        }
        with lock:
            log.append(entry)
        fault = take_fault("%s %s\n%s\n%s" % (self.command, self.path, target, text))
        if fault:
            entry["fault"] = True
            if fault.get("delay"):
                time.sleep(float(fault["delay"]))
            if fault.get("reset"):
                entry["status"] = "reset"
                # SO_LINGER 0: close() sends a TCP RST, not a FIN
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()
                return
            if fault.get("code"):
                status, headers, ebody = error_answer(
                    protocol, int(fault.get("status", 400)), fault["code"],
                    fault.get("message", "Rate exceeded"))
                entry["status"] = status
                return self.send(status, headers, ebody)
            if fault.get("status"):
                entry["status"] = int(fault["status"])
                return self.send(int(fault["status"]), {}, b"")
            entry["fault"] = False    # a delay alone: on to moto
        status = self.forward(body)
        entry["status"] = status

    def forward(self, body):
        conn = http.client.HTTPConnection(*upstream, timeout=120)
        try:
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in HOP_BY_HOP}
            conn.request(self.command, self.path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
            out = {k: v for k, v in r.getheaders() if k.lower() not in HOP_BY_HOP}
            self.send(r.status, out, data)
            return r.status
        finally:
            conn.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any


def main():
    global upstream
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    args = ap.parse_args()
    u = urllib.parse.urlsplit(args.upstream)
    upstream = (u.hostname, u.port or 80)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % server.server_address[1])
        os.rename(args.port_file + ".tmp", args.port_file)
    print("fault_proxy: 127.0.0.1:%d -> %s" % (server.server_address[1], args.upstream),
          file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
