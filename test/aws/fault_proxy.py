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
      lost      true: forward the request (moto applies it), then drop
                moto's answer with a TCP reset: an answer lost after AWS
                applied the call; logged with status "lost"
      delay     seconds to wait first (alone: a slow answer from moto)
  GET  /__proxy/faults   the faults still pending
  GET  /__proxy/log      JSON lines, one per request: method, path, op
                         (X-Amz-Target or Action, else "METHOD PATH"),
                         target, action, amz_date, status ("reset" when
                         reset), fault (true when injected), body
  POST /__proxy/reset    clear the faults, the holds, the endpoints and the log
  POST /__proxy/hold     a JSON object, or a list of them, each one hold:
      kind      "cluster" or "instance"
      id        the DBClusterIdentifier or DBInstanceIdentifier
      status    the status to answer (default "creating")
      polls     how many DescribeDBClusters / DescribeDBInstances answers
                naming the resource show it (default 1; -1: until released;
                0: release now); each describe that names it spends one
  GET  /__proxy/hold     the holds still in force
  POST /__proxy/endpoint {"id": ..., "address": ..., "port": ...}
                         DBCluster answers naming cluster id carry this
                         Endpoint and Port instead of moto's (a name that
                         resolves nowhere): a network path to a server of
                         the test's own; {"id": ...} alone drops it
  POST /__proxy/recovery_point {"vault": ..., "resource_arn": ...}
                         a COMPLETED recovery point in that Backup vault (a
                         backup job's result); answers {"RecoveryPointArn"}
  GET  /__proxy/recovery_point  {vault: [RecoveryPointArn, ...]}
  POST /__proxy/credentials  {"access_key_id": ..., "secret_access_key": ...}
                         a key pair the proxy accepts on the requests it
                         answers itself (also --credentials ID:SECRET or
                         FAULT_PROXY_CREDENTIALS=ID:SECRET at start)

Log entries also carry "answered_by": "moto" (moto's answer, passed on
as is), "moto+proxy" (moto's answer, edited here: a hold or a gap below),
"proxy" (answered here, moto's answer if any discarded) or "fault".

moto behaviours covered here (moto 5.2.1, AWS.md "moto, as seen on this
machine"; the product is never bent to them):
  - EnableHttpEndpoint / DisableHttpEndpoint: moto has no handler and
    answers HTTP 500 after its signature and IAM checks.  The proxy
    forwards the call (so moto still checks both), and on moto's 500
    answers the real query-XML shape (ResourceArn, HttpEndpointEnabled)
    and remembers it, so later DBCluster answers carry HttpEndpointEnabled.
  - AWS Backup selections: moto has none (NotImplementedError, an HTML
    500).  CreateBackupSelection, GetBackupSelection, ListBackupSelections
    and DeleteBackupSelection are answered here, kept in memory, in the
    REST-JSON shapes of botocore's backup model, and never reach moto; the
    proxy verifies their SigV4 signature itself with botocore's signer and
    the key pair it was given (moto could not check the bodiless ones).
    The proxy does not evaluate IAM policies for them.
  - The master-user secret names its user "admin": GetSecretValue answers
    for a secret that is a cluster's MasterUserSecret (seen in a DBCluster
    answer) get the cluster's MasterUsername in their SecretString.
  - CreateDBInstance accepts MonitoringInterval and MonitoringRoleArn but
    moto's answers drop them: the values sent (CreateDBInstance,
    ModifyDBInstance) are added to later DBInstance answers.
  - moto cannot verify the signature of a REST-JSON request with no body
    and no query string (it folds the headers into the parameters: AWS.md),
    so a valid DescribeBackupVault, ListBackupPlans, GetBackupPlan or
    Backup delete gets SignatureDoesNotMatch.  The proxy verifies such
    Backup requests' signatures itself (as for selections) and passes them
    to moto with its authentication lifted for that one call (POST
    /moto-api/reset-auth "inf", then "0", no other request in between);
    moto's IAM policy check is skipped for them.
  - UpdateBackupPlan: moto has no handler (an HTML 500, after its signature
    and IAM checks).  The proxy forwards the call, and on moto's 500 keeps
    the new plan document and a new VersionId, answers the real shape
    (BackupPlanId, BackupPlanArn, CreationDate, VersionId), and puts them
    into later GetBackupPlan (without versionId) and ListBackupPlans
    answers.  GetBackupPlan by the new versionId is not covered.
  - AWS Backup recovery points: moto has none (no backup jobs, and no
    ListRecoveryPointsByBackupVault or DeleteRecoveryPoint handler).  A
    test puts one in a vault with POST /__proxy/recovery_point (below), as
    a backup job would; ListRecoveryPointsByBackupVault and
    DeleteRecoveryPoint are answered here (signature checked here, in
    botocore's backup REST-JSON shapes; a vault moto lacks is
    ResourceNotFoundException); DescribeBackupVault answers carry their
    count in NumberOfRecoveryPoints; and DeleteBackupVault of a vault that
    holds any is refused as AWS refuses it (InvalidRequestException),
    never reaching moto.  A deleted recovery point is gone at once (AWS
    shows it DELETING for a while).
  - ScheduleKeyDeletion: moto looks the KeyId up as a bare key id
    (models.py self.keys[key_id]), so a key ARN, which AWS accepts, is an
    HTML 500 after moto's signature and IAM checks.  On that 500 the proxy
    asks moto again with the key's id (authentication lifted for that
    call) and answers moto's answer with KeyId as the key ARN, as AWS does.
  - CreateDBCluster of an identifier moto has: moto replaces the cluster
    (a new resource id and master secret), then fails with
    DBClusterSnapshotAlreadyExistsFault.  AWS leaves the cluster alone
    and answers DBClusterAlreadyExistsFault: the proxy asks moto
    (authentication lifted) whether the cluster exists, and if it does
    answers that itself, the signature checked here, never reaching moto.
  - ModifyDBSubnetGroup: moto answers the changed group but drops it from
    its store (models.py pops it and never puts it back), so later
    describes answer DBSubnetGroupNotFoundFault; and a missing group is an
    HTML 500 (KeyError).  After moto's answer the proxy creates the group
    again in moto (authentication lifted) with the name, description and
    subnets moto answered (its tags are lost); moto's 500 becomes
    DBSubnetGroupNotFoundFault (404).
  - IAM's SimulatePrincipalPolicy: moto has no handler.  It is answered
    here (signature checked here), never reaching moto: the principal's
    policies (a user's attached, inline and its groups'; a role's attached
    and inline), read from moto with its authentication lifted, are
    evaluated with moto's own evaluator (moto.iam.access_control.IAMPolicy,
    the one moto's request authentication uses) for each action and
    resource asked: explicitDeny over allowed over implicitDeny, as AWS
    decides.  Permission boundaries, SCPs and conditions are not
    evaluated, and neither is the caller's own right to simulate.

In front of the test bed's Data API server (--upstream its URL, and
AWS_ENDPOINT_URL_RDS_DATA pointing here: test/aws/provider_data_api_faults.sh)
the same faults, "lost" included, choose a call by its operation ("POST
/CommitTransaction") or by the SQL text in its JSON body, as JSON escapes it
(a double quote is \\" there; in the fault's own JSON, \\\\\\").

Usage: fault_proxy.py --upstream http://127.0.0.1:MOTO_PORT [--port 0]
       [--port-file FILE] [--credentials ID:SECRET]; the port is written to
       FILE once listening.
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
import xml.etree.ElementTree as ET
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
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


# ---- holds and moto's gaps ----------------------------------------------

RDS_NS = "http://rds.amazonaws.com/doc/2014-10-31/"
ET.register_namespace("", RDS_NS)

holds = {}           # (kind, id lower-cased) -> {"status", "polls"}
endpoints = {}       # cluster id lower-cased -> (Endpoint, Port) to answer
http_endpoint = {}   # cluster ARN -> bool, set by the EnableHttpEndpoint gap
cluster_arns = {}    # cluster ARN -> identifier, from DBCluster answers
master_secrets = {}  # secret ARN -> the cluster's MasterUsername
monitoring = {}      # instance id lower-cased -> {"MonitoringInterval": ...}
backup_plans = set()  # plan ids seen in moto's Backup plan answers
plan_info = {}       # plan id -> {"BackupPlanArn", "CreationDate"} from moto
plan_updates = {}    # plan id -> {"BackupPlan", "VersionId"}: UpdateBackupPlan
selections = {}      # plan id -> {selection id -> record}, in creation order
recovery_points = {}  # vault name -> {RecoveryPointArn -> record}, in creation order
credentials = {}     # access key id -> secret key, for requests answered here


def add_credentials(spec):
    """"ID:SECRET" -> credentials; empty or None: nothing."""
    if spec and ":" in spec:
        akid, secret = spec.split(":", 1)
        with lock:
            credentials[akid] = secret


def add_holds(new):
    with lock:
        for h in new if isinstance(new, list) else [new]:
            kind = h.get("kind", "cluster")
            if kind not in ("cluster", "instance") or not h.get("id"):
                raise ValueError("a hold needs kind cluster|instance and an id")
            key = (kind, h["id"].lower())
            polls = int(h.get("polls", 1))
            if polls == 0:
                holds.pop(key, None)
            else:
                holds[key] = {"status": h.get("status", "creating"), "polls": polls}


def set_endpoint(spec):
    if not isinstance(spec, dict) or not spec.get("id"):
        raise ValueError("an endpoint needs the cluster id")
    key = spec["id"].lower()
    with lock:
        if "address" in spec:
            endpoints[key] = (str(spec["address"]), str(int(spec["port"])))
        else:
            endpoints.pop(key, None)


def held_status(kind, ident):
    """The held status of a resource a describe answer names, a poll spent."""
    key = (kind, (ident or "").lower())
    with lock:
        h = holds.get(key)
        if h is None:
            return None
        if h["polls"] > 0:
            h["polls"] -= 1
            if h["polls"] == 0:
                del holds[key]
        return h["status"]


def q(name):
    return "{%s}%s" % (RDS_NS, name)


def set_child(parent, name, text):
    """Set parent's child element name to text, appending it if absent."""
    el = parent.find(q(name))
    if el is None:
        el = ET.SubElement(parent, q(name))
    el.text = text


def rewrite_rds(action, form, status, data):
    """moto's RDS query-XML answer with holds and gaps applied, or None
    when it is to go out unchanged."""
    if status != 200 or not data.lstrip().startswith(b"<"):
        return None
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None
    if not root.tag.startswith("{%s}" % RDS_NS):
        return None
    changed = False
    for cl in root.iter(q("DBCluster")):
        ident = cl.findtext(q("DBClusterIdentifier"))
        arn = cl.findtext(q("DBClusterArn"))
        user = cl.findtext(q("MasterUsername"))
        secret = cl.findtext("%s/%s" % (q("MasterUserSecret"), q("SecretArn")))
        with lock:
            if arn and ident:
                cluster_arns[arn] = ident
            if secret and user:
                master_secrets[secret] = user
            enabled = http_endpoint.get(arn)
        # gap: moto keeps HttpEndpointEnabled false (no EnableHttpEndpoint)
        if enabled is not None:
            set_child(cl, "HttpEndpointEnabled", "true" if enabled else "false")
            changed = True
        with lock:
            endpoint = endpoints.get((ident or "").lower())
        if endpoint is not None:
            set_child(cl, "Endpoint", endpoint[0])
            set_child(cl, "Port", endpoint[1])
            changed = True
        if action == "DescribeDBClusters":
            held = held_status("cluster", ident)
            if held is not None:
                set_child(cl, "Status", held)
                changed = True
    for inst in root.iter(q("DBInstance")):
        ident = inst.findtext(q("DBInstanceIdentifier")) or ""
        if action in ("CreateDBInstance", "ModifyDBInstance"):
            sent = {k: form[k][0] for k in ("MonitoringInterval", "MonitoringRoleArn")
                    if form.get(k)}
            if sent:
                with lock:
                    monitoring.setdefault(ident.lower(), {}).update(sent)
        if action == "DeleteDBInstance":
            with lock:
                monitoring.pop(ident.lower(), None)
            continue
        # gap: moto answers without MonitoringInterval / MonitoringRoleArn
        with lock:
            mon = dict(monitoring.get(ident.lower(), {}))
        for name in ("MonitoringInterval", "MonitoringRoleArn"):
            if name in mon:
                set_child(inst, name, mon[name])
                changed = True
        if action == "DescribeDBInstances":
            held = held_status("instance", ident)
            if held is not None:
                set_child(inst, "DBInstanceStatus", held)
                changed = True
    if not changed:
        return None
    text = ET.tostring(root, encoding="unicode")
    if data.lstrip().startswith(b"<?xml"):
        text = '<?xml version="1.0" encoding="UTF-8"?>\n' + text
    return text.encode("utf-8")


def http_endpoint_answer(action, form):
    """Fill moto's EnableHttpEndpoint / DisableHttpEndpoint gap (moto has
    no handler: HTTP 500): (status, headers, body) of the real answer,
    EnableHttpEndpointResponse / DisableHttpEndpointResponse, query XML."""
    arn = form.get("ResourceArn", [""])[0]
    rid = str(uuid.uuid4())
    with lock:
        known = arn in cluster_arns
        if known:
            http_endpoint[arn] = action == "EnableHttpEndpoint"
    if not known:
        body = ('<ErrorResponse xmlns="%s"><Error><Type>Sender</Type>'
                "<Code>DBClusterNotFoundFault</Code><Message>DBCluster %s not found."
                "</Message></Error><RequestId>%s</RequestId></ErrorResponse>"
                % (RDS_NS, escape(arn), rid))
        return 404, {"Content-Type": "text/xml", "x-amzn-RequestId": rid}, body
    body = ('<%sResponse xmlns="%s"><%sResult><ResourceArn>%s</ResourceArn>'
            "<HttpEndpointEnabled>%s</HttpEndpointEnabled></%sResult>"
            "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata>"
            "</%sResponse>"
            % (action, RDS_NS, action, escape(arn),
               "true" if action == "EnableHttpEndpoint" else "false", action, rid, action))
    return 200, {"Content-Type": "text/xml", "x-amzn-RequestId": rid}, body


def rewrite_secret(data):
    """moto's GetSecretValue answer with a master secret's username set to
    the cluster's MasterUsername (moto: "admin"), or None."""
    try:
        doc = json.loads(data)
        with lock:
            user = master_secrets.get(doc.get("ARN"))
        if user is None or "SecretString" not in doc:
            return None
        inner = json.loads(doc["SecretString"])
        if not isinstance(inner, dict) or inner.get("username") == user:
            return None
        inner["username"] = user
        doc["SecretString"] = json.dumps(inner)
        return json.dumps(doc).encode("utf-8")
    except (ValueError, AttributeError):
        return None


def note_backup_plans(method, path, status, data):
    """Track the Backup plans moto holds, from its answers."""
    if status != 200 or not path.startswith("/backup/plans"):
        return
    parts = [p for p in path.split("?")[0].split("/") if p]
    try:
        doc = json.loads(data) if data else {}
    except ValueError:
        return
    with lock:
        if isinstance(doc, dict) and doc.get("BackupPlanId"):
            if method == "DELETE":
                backup_plans.discard(doc["BackupPlanId"])
                selections.pop(doc["BackupPlanId"], None)
                plan_updates.pop(doc["BackupPlanId"], None)
            else:
                backup_plans.add(doc["BackupPlanId"])
                if doc.get("BackupPlanArn"):
                    plan_info[doc["BackupPlanId"]] = {
                        "BackupPlanArn": doc["BackupPlanArn"],
                        "CreationDate": doc.get("CreationDate")}
        if isinstance(doc, dict):
            for p in doc.get("BackupPlansList") or []:
                if p.get("BackupPlanId") and not p.get("DeletionDate"):
                    backup_plans.add(p["BackupPlanId"])
        if method == "DELETE" and len(parts) == 3:
            backup_plans.discard(urllib.parse.unquote(parts[2]))
            plan_updates.pop(urllib.parse.unquote(parts[2]), None)


def update_plan_answer(path, body):
    """Fill moto's UpdateBackupPlan gap (no handler: HTTP 500): keep the new
    plan document for later answers; (status, headers, body) of the real
    answer, or of AWS's refusal."""
    plan_id = urllib.parse.unquote(urllib.parse.urlsplit(path).path.split("/")[3])
    try:
        doc = json.loads(body or b"{}")
    except ValueError:
        return backup_error(400, "InvalidParameterValueException", "Invalid JSON")
    plan = doc.get("BackupPlan")
    if not isinstance(plan, dict) or not plan.get("BackupPlanName") or \
            not isinstance(plan.get("Rules"), list):
        return backup_error(400, "MissingParameterValueException",
                            "BackupPlan with BackupPlanName and Rules is required")
    for rule in plan["Rules"]:
        if not isinstance(rule, dict) or not rule.get("RuleName") or \
                not rule.get("TargetBackupVaultName"):
            return backup_error(400, "MissingParameterValueException",
                                "a rule needs RuleName and TargetBackupVaultName")
        # as moto's create fills them (moto/backup/models.py Plan)
        rule.setdefault("ScheduleExpression", "cron(0 5 ? * * *)")
        rule.setdefault("StartWindowMinutes", 480)
        rule.setdefault("CompletionWindowMinutes", 10080)
        rule.setdefault("ScheduleExpressionTimezone", "Etc/UTC")
        rule["RuleId"] = str(uuid.uuid4())
    with lock:
        info = plan_info.get(plan_id)
        if plan_id not in backup_plans or info is None:
            return backup_error(400, "ResourceNotFoundException",
                                "Failed reading Backup plan with provided version")
        version = uuid.uuid4().hex + uuid.uuid4().hex[:16]
        plan_updates[plan_id] = {"BackupPlan": plan, "VersionId": version}
    out = {"BackupPlanId": plan_id, "BackupPlanArn": info["BackupPlanArn"],
           "CreationDate": info["CreationDate"], "VersionId": version}
    return 200, {"Content-Type": "application/json",
                 "x-amzn-RequestId": str(uuid.uuid4())}, json.dumps(out)


def rewrite_backup_plans(method, path, status, data):
    """moto's GetBackupPlan / ListBackupPlans answer with the plans changed
    by UpdateBackupPlan (moto's gap) shown as changed, or None."""
    split = urllib.parse.urlsplit(path)
    parts = [p for p in split.path.split("/") if p]
    if method != "GET" or status != 200 or parts[:2] != ["backup", "plans"] or \
            len(parts) > 3:
        return None
    try:
        doc = json.loads(data)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    changed = False
    with lock:
        if len(parts) == 3 and "versionId" not in urllib.parse.parse_qs(split.query):
            upd = plan_updates.get(urllib.parse.unquote(parts[2]))
            if upd:
                doc["BackupPlan"] = upd["BackupPlan"]
                doc["VersionId"] = upd["VersionId"]
                changed = True
        if len(parts) == 2:
            for p in doc.get("BackupPlansList") or []:
                upd = plan_updates.get(p.get("BackupPlanId"))
                if upd:
                    p["BackupPlanName"] = upd["BackupPlan"]["BackupPlanName"]
                    p["VersionId"] = upd["VersionId"]
                    changed = True
    return json.dumps(doc).encode("utf-8") if changed else None


EC2_NS = "{*}"     # whatever namespace moto answers in


def ec2_permissions(data):
    """The ingress permissions of the one group in a DescribeSecurityGroups
    answer: [(protocol, from, to, [(cidr, description)], [(group, description)])]."""
    out = []
    root = ET.fromstring(data)
    for perm in root.iterfind(".//" + EC2_NS + "ipPermissions"):
        for item in perm.findall(EC2_NS + "item"):
            def text(node, name):
                child = node.find(EC2_NS + name)
                return child.text if child is not None and child.text is not None else ""
            ranges = [(text(r, "cidrIp"), text(r, "description"))
                      for r in item.findall(EC2_NS + "ipRanges/" + EC2_NS + "item")]
            groups = [(text(g, "groupId"), text(g, "description"))
                      for g in item.findall(EC2_NS + "groups/" + EC2_NS + "item")]
            out.append((text(item, "ipProtocol"), text(item, "fromPort"), text(item, "toPort"),
                        ranges, groups))
    return out


def ec2_permission_form(action, group_id, proto, lo, hi, ranges, groups):
    """The form of one IpPermission for Authorize/RevokeSecurityGroupIngress."""
    form = {"Action": action, "Version": "2016-11-15", "GroupId": group_id,
            "IpPermissions.1.IpProtocol": proto, "IpPermissions.1.FromPort": lo,
            "IpPermissions.1.ToPort": hi}
    for i, (cidr, desc) in enumerate(ranges, 1):
        form["IpPermissions.1.IpRanges.%d.CidrIp" % i] = cidr
        if desc:
            form["IpPermissions.1.IpRanges.%d.Description" % i] = desc
    for i, (gid, desc) in enumerate(groups, 1):
        form["IpPermissions.1.Groups.%d.GroupId" % i] = gid
        if desc:
            form["IpPermissions.1.Groups.%d.Description" % i] = desc
    return urllib.parse.urlencode(form).encode()


def subnet_group_form(data):
    """The CreateDBSubnetGroup form that puts back the group moto's
    ModifyDBSubnetGroup answer shows, or None."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None
    group = next(root.iter(q("DBSubnetGroup")), None)
    if group is None or not group.findtext(q("DBSubnetGroupName")):
        return None
    form = [("Action", "CreateDBSubnetGroup"), ("Version", "2014-10-31"),
            ("DBSubnetGroupName", group.findtext(q("DBSubnetGroupName"))),
            ("DBSubnetGroupDescription", group.findtext(q("DBSubnetGroupDescription")) or "")]
    for i, sub in enumerate(group.iter(q("Subnet")), 1):
        form.append(("SubnetIds.SubnetIdentifier.%d" % i, sub.findtext(q("SubnetIdentifier"))))
    return urllib.parse.urlencode(form).encode("utf-8")


# verify_sigv4's refusals are the JSON protocols' codes; the query protocol's (IAM, RDS) differ
QUERY_REFUSALS = {"MissingAuthenticationTokenException": "MissingAuthenticationToken",
                  "IncompleteSignatureException": "IncompleteSignature",
                  "UnrecognizedClientException": "InvalidClientTokenId",
                  "InvalidSignatureException": "SignatureDoesNotMatch"}


def query_refusal(refused):
    """A refusal of verify_sigv4's as error_answer takes it for the query protocol."""
    status, code, message = refused
    return error_answer("query", status, QUERY_REFUSALS.get(code, code), message)


def verify_sigv4(method, path, headers, body, service):
    """None when the request carries a valid SigV4 signature for service
    made with a key pair the proxy knows (recomputed with botocore's
    signer); else (status, code, message) of AWS's refusal.  Like moto, the
    request date is not checked (tests may run under faketime)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest, HTTPHeaders
    from botocore.credentials import Credentials

    auth = headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return 403, "MissingAuthenticationTokenException", "Missing Authentication Token"
    fields = {}
    for part in auth[len("AWS4-HMAC-SHA256 "):].split(","):
        if "=" in part:
            k, v = part.strip().split("=", 1)
            fields[k] = v
    scope = fields.get("Credential", "").split("/")
    if len(scope) != 5 or not fields.get("SignedHeaders") or not fields.get("Signature"):
        return 400, "IncompleteSignatureException", "Authorization header is malformed"
    akid, _date, region, svc, term = scope
    with lock:
        secret = credentials.get(akid)
    if secret is None:
        return (403, "UnrecognizedClientException",
                "The security token included in the request is invalid.")
    if svc != service or term != "aws4_request":
        return (403, "InvalidSignatureException",
                "Credential should be scoped to correct service: '%s'." % service)
    signed = fields["SignedHeaders"].split(";")
    hdrs = {}
    for name in signed:
        value = headers.get(name)
        if value is None:
            return 403, "InvalidSignatureException", "Signed header %s is missing" % name
        hdrs[name] = value
    req = AWSRequest(method=method, url="http://%s%s" % (headers.get("Host", ""), path),
                     data=body, headers=hdrs)
    req.context["timestamp"] = headers.get("X-Amz-Date", "")
    signer = SigV4Auth(Credentials(akid, secret, headers.get("X-Amz-Security-Token")),
                       service, region)
    # exactly the headers the client signed: botocore's own list would
    # skip some names (User-Agent) a client may sign
    signed_only = HTTPHeaders()
    for name in signed:
        signed_only[name] = hdrs[name]
    signer.headers_to_sign = lambda request: signed_only
    canonical = signer.canonical_request(req)
    expected = signer.signature(signer.string_to_sign(req, canonical), req)
    if expected != fields["Signature"]:
        return (403, "InvalidSignatureException",
                "The request signature we calculated does not match the signature you "
                "provided. Check your AWS Secret Access Key and signing method. Consult "
                "the service documentation for details.")
    return None


class SharedLock:
    """Ordinary forwards share it; a forward with moto's authentication
    lifted holds it alone, so no other request passes unchecked."""

    def __init__(self):
        self.cond = threading.Condition()
        self.shared = 0
        self.alone = False

    def acquire(self, alone):
        with self.cond:
            while self.alone or (alone and self.shared):
                self.cond.wait()
            if alone:
                self.alone = True
            else:
                self.shared += 1

    def release(self, alone):
        with self.cond:
            if alone:
                self.alone = False
            else:
                self.shared -= 1
            self.cond.notify_all()


moto_auth = SharedLock()


def moto_reset_auth(value):
    """POST /moto-api/reset-auth: "inf" lifts moto's authentication, "0"
    turns it on again."""
    conn = http.client.HTTPConnection(*upstream, timeout=30)
    try:
        conn.request("POST", "/moto-api/reset-auth", body=value.encode(),
                     headers={"Content-Type": "text/plain"})
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            raise RuntimeError("moto reset-auth %s: HTTP %d" % (value, r.status))
    finally:
        conn.close()


def signed_for(headers):
    """The signing name of the request's SigV4 Authorization header, or ""."""
    auth = headers.get("Authorization", "")
    cred = auth.split("Credential=", 1)[1].split(",", 1)[0] if "Credential=" in auth else ""
    parts = cred.split("/")
    return parts[3] if len(parts) == 5 else ""


def backup_error(status, code, message):
    return error_answer("rest-json", status, code, message)


def backup_selection_answer(method, path, headers, body):
    """moto has no Backup selections (CreateBackupSelection raises
    NotImplementedError, an HTML 500, as do Get/List/Delete): answered here
    in botocore's backup REST-JSON shapes, or None when path is not a
    selection call.  (status, headers, body)."""
    split = urllib.parse.urlsplit(path)
    parts = split.path.split("/")
    # "", "backup", "plans", id, "selections", [sid]
    if len(parts) != 6 or parts[1:3] != ["backup", "plans"] or parts[4] != "selections":
        return None
    plan_id = urllib.parse.unquote(parts[3])
    sid = urllib.parse.unquote(parts[5])
    if not ((method in ("PUT", "GET") and sid == "") or
            (method in ("GET", "DELETE") and sid != "")):
        return None
    refused = verify_sigv4(method, path, headers, body, "backup")
    if refused:
        return backup_error(*refused)
    ok = {"Content-Type": "application/json", "x-amzn-RequestId": str(uuid.uuid4())}
    with lock:
        if plan_id not in backup_plans:
            return backup_error(400, "ResourceNotFoundException",
                                "Failed reading Backup plan with provided version")
        plan = selections.setdefault(plan_id, {})
        if method == "PUT":
            try:
                doc = json.loads(body or b"{}")
            except ValueError:
                return backup_error(400, "InvalidParameterValueException", "Invalid JSON")
            sel = doc.get("BackupSelection")
            if not isinstance(sel, dict):
                return backup_error(400, "MissingParameterValueException",
                                    "BackupSelection is required")
            for name in ("SelectionName", "IamRoleArn"):
                if not sel.get(name):
                    return backup_error(400, "MissingParameterValueException",
                                        "%s is required" % name)
            creator = doc.get("CreatorRequestId")
            if creator:
                for rec in plan.values():
                    if rec.get("CreatorRequestId") == creator:
                        return 200, ok, json.dumps(
                            {k: rec[k] for k in ("SelectionId", "BackupPlanId",
                                                 "CreationDate")})
            rec = {"SelectionId": str(uuid.uuid4()), "BackupPlanId": plan_id,
                   "CreationDate": round(time.time(), 3), "BackupSelection": sel}
            if creator:
                rec["CreatorRequestId"] = creator
            plan[rec["SelectionId"]] = rec
            out = {k: rec[k] for k in ("SelectionId", "BackupPlanId", "CreationDate")}
            return 200, ok, json.dumps(out)
        if method == "GET" and sid == "":
            query = urllib.parse.parse_qs(split.query)
            try:
                start = int(query.get("nextToken", ["0"])[0])
                size = int(query.get("maxResults", ["1000"])[0])
            except ValueError:
                return backup_error(400, "InvalidParameterValueException", "Invalid paging")
            recs = list(plan.values())
            page = []
            for rec in recs[start:start + size]:
                item = {"SelectionId": rec["SelectionId"],
                        "SelectionName": rec["BackupSelection"]["SelectionName"],
                        "BackupPlanId": plan_id, "CreationDate": rec["CreationDate"],
                        "IamRoleArn": rec["BackupSelection"]["IamRoleArn"]}
                if rec.get("CreatorRequestId"):
                    item["CreatorRequestId"] = rec["CreatorRequestId"]
                page.append(item)
            out = {"BackupSelectionsList": page}
            if start + size < len(recs):
                out["NextToken"] = str(start + size)
            return 200, ok, json.dumps(out)
        rec = plan.get(sid)
        if rec is None:
            return backup_error(400, "ResourceNotFoundException",
                                "Failed reading Backup selection %s" % sid)
        if method == "DELETE":
            del plan[sid]
            return 200, ok, b""
        return 200, ok, json.dumps(rec)


def vault_path(path):
    """(vault name, rest of the path's segments) of a /backup-vaults/ path,
    else (None, None)."""
    parts = urllib.parse.urlsplit(path).path.split("/")
    if len(parts) < 3 or parts[1] != "backup-vaults" or not parts[2]:
        return None, None
    return urllib.parse.unquote(parts[2]), [urllib.parse.unquote(p) for p in parts[3:]]


def add_recovery_point(spec):
    """A COMPLETED recovery point in spec["vault"], as a backup job of
    spec["resource_arn"] leaves it; its ARN."""
    vault = spec["vault"]
    # an Aurora recovery point is an RDS cluster snapshot
    arn = "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:awsbackup:job-%s" % uuid.uuid4()
    with lock:
        recovery_points.setdefault(vault, {})[arn] = {
            "RecoveryPointArn": arn, "BackupVaultName": vault,
            "BackupVaultArn": "arn:aws:backup:us-east-1:123456789012:backup-vault:%s" % vault,
            "ResourceArn": spec.get("resource_arn", ""), "ResourceType": "Aurora",
            "Status": "COMPLETED", "CreationDate": round(time.time(), 3)}
    return arn


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, as the client expects

    def log_message(self, fmt, *args):   # quiet: the log is /__proxy/log
        pass

    def send(self, status, headers, body):
        if self.lose_answer:
            if self.entry is not None:  # an answer of moto's or the proxy's own
                self.entry["status"] = "lost"
                self.entry["fault"] = True
            return self.reset_connection()
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
                holds.clear()
                endpoints.clear()
            return self.send(200, {"Content-Type": "application/json"}, '{"ok": true}')
        if path == "/__proxy/hold" and self.command == "POST":
            try:
                add_holds(json.loads(body or b"[]"))
            except (ValueError, TypeError, AttributeError) as e:
                return self.send(400, {"Content-Type": "text/plain"}, "bad hold: %s\n" % e)
            return self.send(200, {"Content-Type": "application/json"}, '{"ok": true}')
        if path == "/__proxy/hold" and self.command == "GET":
            with lock:
                text = json.dumps([dict(kind=k[0], id=k[1], **v) for k, v in holds.items()])
            return self.send(200, {"Content-Type": "application/json"}, text)
        if path == "/__proxy/endpoint" and self.command == "POST":
            try:
                set_endpoint(json.loads(body or b"{}"))
            except (ValueError, TypeError, KeyError) as e:
                return self.send(400, {"Content-Type": "text/plain"}, "bad endpoint: %s\n" % e)
            return self.send(200, {"Content-Type": "application/json"}, '{"ok": true}')
        if path == "/__proxy/recovery_point" and self.command == "POST":
            try:
                arn = add_recovery_point(json.loads(body))
            except (ValueError, KeyError, TypeError) as e:
                return self.send(400, {"Content-Type": "text/plain"}, "bad recovery point: %s\n" % e)
            return self.send(200, {"Content-Type": "application/json"},
                             json.dumps({"RecoveryPointArn": arn}))
        if path == "/__proxy/recovery_point" and self.command == "GET":
            with lock:
                text = json.dumps({v: list(rps) for v, rps in recovery_points.items()})
            return self.send(200, {"Content-Type": "application/json"}, text)
        if path == "/__proxy/credentials" and self.command == "POST":
            try:
                doc = json.loads(body)
                add_credentials("%s:%s" % (doc["access_key_id"], doc["secret_access_key"]))
            except (ValueError, KeyError, TypeError) as e:
                return self.send(400, {"Content-Type": "text/plain"},
                                 "bad credentials: %s\n" % e)
            return self.send(200, {"Content-Type": "application/json"}, '{"ok": true}')
        return self.send(404, {"Content-Type": "text/plain"}, "no such control\n")

    def handle_any(self):
        self.lose_answer = False
        self.entry = None
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
            "answered_by": None, "body": text[:LOG_BODY_MAX],
        }
        with lock:
            log.append(entry)
        self.entry = entry
        fault = take_fault("%s %s\n%s\n%s" % (self.command, self.path, target, text))
        self.lose_answer = bool(fault and fault.get("lost"))
        if fault and not self.lose_answer:
            entry["fault"] = True
            entry["answered_by"] = "fault"
            if fault.get("delay"):
                time.sleep(float(fault["delay"]))
            if fault.get("reset"):
                entry["status"] = "reset"
                self.reset_connection()
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
            entry["answered_by"] = None
        if protocol == "rest-json":
            # gap: moto has no Backup selections (see backup_selection_answer)
            own = backup_selection_answer(self.command, self.path, self.headers, body) or \
                self.recovery_point_answer(body)
            if own:
                entry["status"] = own[0]
                entry["answered_by"] = "proxy"
                return self.send(*own)
        lift = False
        if protocol == "rest-json" and not body and "?" not in self.path and \
                signed_for(self.headers) == "backup":
            # gap: moto cannot verify a bodiless request's signature
            refused = verify_sigv4(self.command, self.path, self.headers, body, "backup")
            if refused:
                own = backup_error(*refused)
                entry["status"] = own[0]
                entry["answered_by"] = "proxy"
                return self.send(*own)
            lift = True
            entry["signature_checked_by"] = "proxy"
        form = urllib.parse.parse_qs(text) if protocol == "query" else {}
        if action == "SimulatePrincipalPolicy":
            # gap: moto has no SimulatePrincipalPolicy (see simulate_answer)
            own = self.simulate_answer(form, body)
            entry["status"] = own[0]
            entry["answered_by"] = "proxy"
            return self.send(*own)
        if action == "CreateDBCluster":
            own = self.cluster_exists_answer(form, body)
            if own:
                entry["status"] = own[0]
                entry["answered_by"] = "proxy"
                return self.send(*own)
        status, answered_by = self.forward(body, protocol, action, target, form, lift)
        entry["status"] = status
        entry["answered_by"] = answered_by
        if self.lose_answer:
            entry["status"] = "lost"
            entry["answered_by"] = answered_by + ", answer lost"
            entry["fault"] = True

    def recovery_point_answer(self, body):
        """moto has no recovery points: ListRecoveryPointsByBackupVault,
        DeleteRecoveryPoint, and DeleteBackupVault of a vault holding any,
        answered here (status, headers, body); else None."""
        vault, rest = vault_path(self.path)
        method = self.command
        if vault is None:
            return None
        listing = method == "GET" and rest in (["recovery-points", ""], ["recovery-points"])
        deleting = method == "DELETE" and len(rest) == 2 and rest[0] == "recovery-points" and rest[1]
        with lock:
            held = list(recovery_points.get(vault, {}).values())
        refusing = method == "DELETE" and rest in ([], [""]) and held
        if not (listing or deleting or refusing):
            return None
        refused = verify_sigv4(method, self.path, self.headers, body, "backup")
        if refused:
            return backup_error(*refused)
        if refusing:
            return backup_error(400, "InvalidRequestException",
                                "Backup vault cannot be deleted because it contains recovery points")
        st, _, _ = self.moto_lifted("GET", "/backup-vaults/%s" % urllib.parse.quote(vault, safe=""), b"")
        if st != 200:
            return backup_error(404, "ResourceNotFoundException",
                                "Backup vault %s not found" % vault)
        ok = {"Content-Type": "application/json", "x-amzn-RequestId": str(uuid.uuid4())}
        if listing:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            try:
                start = int(query.get("nextToken", ["0"])[0])
                size = int(query.get("maxResults", ["1000"])[0])
            except ValueError:
                return backup_error(400, "InvalidParameterValueException", "Invalid paging")
            out = {"RecoveryPoints": held[start:start + size]}
            if start + size < len(held):
                out["NextToken"] = str(start + size)
            return 200, ok, json.dumps(out)
        with lock:
            gone = recovery_points.get(vault, {}).pop(rest[1], None)
        if gone is None:
            return backup_error(404, "ResourceNotFoundException",
                                "Recovery point %s not found" % rest[1])
        return 200, ok, b""

    def cluster_exists_answer(self, form, body):
        """moto's CreateDBCluster of an existing identifier replaces the
        cluster (a new resource id and secret) before it fails with
        DBClusterSnapshotAlreadyExistsFault; AWS leaves the cluster as it
        is and answers DBClusterAlreadyExistsFault.  That answer, after the
        signature is checked here, when moto (asked with authentication
        lifted) has the cluster; else None, and the call goes to moto."""
        ident = form.get("DBClusterIdentifier", [""])[0]
        if not ident:
            return None
        st, _, out = self.moto_lifted("POST", "/", urllib.parse.urlencode({
            "Action": "DescribeDBClusters", "Version": "2014-10-31",
            "DBClusterIdentifier": ident}).encode())
        if st != 200:
            return None
        refused = verify_sigv4(self.command, self.path, self.headers, body, "rds")
        if refused:
            return query_refusal(refused)
        return error_answer("query", 400, "DBClusterAlreadyExistsFault",
                            "DB Cluster already exists")

    def iam_lifted(self, action, **params):
        """An IAM query call to moto with authentication lifted: its
        result element, or None when moto refused it."""
        form = dict(params, Action=action, Version="2010-05-08")
        st, _, out = self.moto_lifted("POST", "/", urllib.parse.urlencode(form).encode())
        if st != 200:
            return None
        root = ET.fromstring(out)
        for el in root.iter():
            if el.tag.split("}")[-1] == action + "Result":
                return el
        return None

    def principal_documents(self, arn):
        """The policy documents (JSON text) of the IAM user or role arn, or
        None when it does not exist."""
        def texts(el, name):
            return [e.text or "" for e in el.iter() if e.tag.split("}")[-1] == name] if el is not None else []

        kind, _, name = arn.split(":", 5)[-1].partition("/")
        name = name.split("/")[-1]
        if kind not in ("user", "role"):
            return None
        cap = kind.capitalize()
        if self.iam_lifted("Get" + cap, **{cap + "Name": name}) is None:
            return None
        owners = [(cap, name)]
        if kind == "user":
            groups = self.iam_lifted("ListGroupsForUser", UserName=name)
            owners += [("Group", g) for g in texts(groups, "GroupName")]
        docs = []
        for ocap, oname in owners:
            attached = self.iam_lifted("ListAttached%sPolicies" % ocap, **{ocap + "Name": oname})
            for parn in texts(attached, "PolicyArn"):
                pol = self.iam_lifted("GetPolicy", PolicyArn=parn)
                version = texts(pol, "DefaultVersionId")
                got = self.iam_lifted("GetPolicyVersion", PolicyArn=parn,
                                      VersionId=version[0] if version else "v1")
                docs += [urllib.parse.unquote(t) for t in texts(got, "Document")]
            inline = self.iam_lifted("List%sPolicies" % ocap, **{ocap + "Name": oname})
            for pname in texts(inline, "member"):
                got = self.iam_lifted("Get%sPolicy" % ocap, **{ocap + "Name": oname, "PolicyName": pname})
                docs += [urllib.parse.unquote(t) for t in texts(got, "PolicyDocument")]
        return docs

    def simulate_answer(self, form, body):
        """Fill moto's SimulatePrincipalPolicy gap (see the module's
        docstring): (status, headers, body)."""
        from moto.iam.access_control import IAMPolicy, PermissionResult

        refused = verify_sigv4(self.command, self.path, self.headers, body, "iam")
        if refused:
            return query_refusal(refused)
        source = form.get("PolicySourceArn", [""])[0]
        def listed(prefix):     # Prefix.1, Prefix.2, ... in order
            out = []
            while "%s%d" % (prefix, len(out) + 1) in form:
                out.append(form["%s%d" % (prefix, len(out) + 1)][0])
            return out

        actions = listed("ActionNames.member.")
        resources = listed("ResourceArns.member.") or ["*"]
        docs = self.principal_documents(source)
        if docs is None:
            return error_answer("query", 404, "NoSuchEntity", "The principal %s cannot be found." % source)
        members = []
        for action in actions:
            for resource in resources:
                results = [IAMPolicy(d).is_action_permitted(action, resource) for d in docs]
                decision = "explicitDeny" if PermissionResult.DENIED in results else \
                    "allowed" if PermissionResult.PERMITTED in results else "implicitDeny"
                members.append("<member><EvalActionName>%s</EvalActionName><EvalResourceName>%s</EvalResourceName>"
                               "<EvalDecision>%s</EvalDecision><MatchedStatements/><MissingContextValues/></member>"
                               % (escape(action), escape(resource), decision))
        xml = ('<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
               "<SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated>"
               "<EvaluationResults>%s</EvaluationResults></SimulatePrincipalPolicyResult>"
               "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata>"
               "</SimulatePrincipalPolicyResponse>") % ("".join(members), uuid.uuid4())
        return 200, {"Content-Type": "text/xml"}, xml

    def reset_connection(self):
        """Close the client's connection with a TCP reset (SO_LINGER 0:
        close() sends an RST, not a FIN)."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def edit(self, protocol, action, target, form, status, data):
        """(status, headers or None, body, answered_by) after holds and
        gaps; headers None: moto's."""
        if protocol == "query" and action in ("EnableHttpEndpoint", "DisableHttpEndpoint") \
                and status == 500:
            # gap: moto has no EnableHttpEndpoint handler (HTTP 500 after
            # its signature and IAM checks passed)
            st, hdrs, out = http_endpoint_answer(action, form)
            return st, hdrs, out, "proxy"
        if protocol == "ec2" and action == "RevokeSecurityGroupIngress" and status == 400 and \
                b"InvalidPermission.NotFound" in data:
            # gap: moto revokes only a whole rule, not some of its source groups
            own = self.revoke_group_pairs(urllib.parse.parse_qs(
                self.request_body.decode("utf-8", "replace")))
            if own:
                return own[0], own[1], own[2], "proxy"
        if target == "TrentService.ScheduleKeyDeletion" and status == 500:
            # gap: moto takes only a bare key id, not the key ARN
            try:
                doc = json.loads(self.request_body)
                arn = doc.get("KeyId", "")
            except (ValueError, AttributeError):
                arn = ""
            if arn.startswith("arn:") and ":key/" in arn:
                doc["KeyId"] = arn.split(":key/", 1)[1]
                st, hdrs, out = self.moto_lifted("POST", self.path, json.dumps(doc).encode())
                try:
                    answer = json.loads(out)
                    if st == 200 and isinstance(answer, dict):
                        answer["KeyId"] = arn
                        out = json.dumps(answer).encode()
                except ValueError:
                    pass
                return st, hdrs, out, "moto+proxy"
        if protocol == "query" and action == "ModifyDBSubnetGroup":
            if status == 500:
                # gap: moto's KeyError for a missing group
                name = form.get("DBSubnetGroupName", [""])[0]
                st, hdrs, out = error_answer("query", 404, "DBSubnetGroupNotFoundFault",
                                             "DBSubnetGroup %s not found." % name)
                return st, hdrs, out, "proxy"
            again = subnet_group_form(data) if status == 200 else None
            if again:
                # gap: moto dropped the group it changed; put it back
                self.moto_lifted("POST", "/", again)
                return status, None, data, "moto+proxy"
        if protocol == "rest-json" and self.command == "POST" and status == 500 and \
                len(urllib.parse.urlsplit(self.path).path.strip("/").split("/")) == 3 and \
                self.path.startswith("/backup/plans/"):
            # gap: moto has no UpdateBackupPlan (HTML 500 after its checks)
            st, hdrs, out = update_plan_answer(self.path, self.request_body)
            return st, hdrs, out, "proxy"
        vault, rest = vault_path(self.path) if protocol == "rest-json" else (None, None)
        if vault is not None and rest in ([], [""]) and self.command == "GET" and status == 200:
            # gap: moto has no recovery points; the proxy's are counted
            try:
                doc = json.loads(data)
            except ValueError:
                doc = None
            if isinstance(doc, dict):
                with lock:
                    doc["NumberOfRecoveryPoints"] = len(recovery_points.get(vault, {}))
                return status, None, json.dumps(doc).encode(), "moto+proxy"
        if protocol == "rest-json":
            out = rewrite_backup_plans(self.command, self.path, status, data)
            if out is not None:
                note_backup_plans(self.command, self.path, status, data)
                return status, None, out, "moto+proxy"
        if protocol == "query":
            out = rewrite_rds(action, form, status, data)
            if out is not None:
                return status, None, out, "moto+proxy"
        if target == "secretsmanager.GetSecretValue" and status == 200:
            # gap: moto's master-user secret names its user "admin"
            out = rewrite_secret(data)
            if out is not None:
                return status, None, out, "moto+proxy"
        if protocol == "rest-json":
            note_backup_plans(self.command, self.path, status, data)
        return status, None, data, "moto"

    def revoke_group_pairs(self, form):
        """Fill moto's gap: AWS revokes the source groups named in a rule and
        keeps the rule's other groups and ranges; moto merges the groups of
        a port into one rule and revokes only the whole of it (else
        InvalidPermission.NotFound).  Done here as moto can: revoke each
        rule holding a named group whole, authorize again what remains.
        (status, headers, body), or None when no rule holds a named group."""
        gid = form.get("GroupId", [""])[0]
        proto = form.get("IpPermissions.1.IpProtocol", [""])[0]
        lo = form.get("IpPermissions.1.FromPort", [""])[0]
        hi = form.get("IpPermissions.1.ToPort", [""])[0]
        named = {v[0] for k, v in form.items()
                 if k.startswith("IpPermissions.1.Groups.") and k.endswith(".GroupId")}
        if not gid or not named or any(k.startswith("IpPermissions.1.IpRanges.") for k in form):
            return None
        st, _, out = self.moto_lifted("POST", "/", urllib.parse.urlencode({
            "Action": "DescribeSecurityGroups", "Version": "2016-11-15",
            "GroupId.1": gid}).encode())
        if st != 200:
            return None
        done = False
        for p_proto, p_lo, p_hi, ranges, groups in ec2_permissions(out):
            if (p_proto, p_lo, p_hi) != (proto, lo, hi) or not named & {g for g, _ in groups}:
                continue
            self.moto_lifted("POST", "/", ec2_permission_form(
                "RevokeSecurityGroupIngress", gid, proto, lo, hi, ranges, groups))
            rest = [g for g in groups if g[0] not in named]
            if ranges or rest:
                self.moto_lifted("POST", "/", ec2_permission_form(
                    "AuthorizeSecurityGroupIngress", gid, proto, lo, hi, ranges, rest))
            done = True
        if not done:
            return None
        return 200, {"Content-Type": "text/xml"}, (
            '<RevokeSecurityGroupIngressResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
            '<requestId>appdb-proxy</requestId><return>true</return>'
            '</RevokeSecurityGroupIngressResponse>').encode()

    def moto_lifted(self, method, path, body):
        """Send moto a request of the proxy's own (this request's headers,
        another body) with moto's authentication lifted for it alone;
        (status, headers, body) of moto's answer."""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        moto_auth.acquire(True)
        try:
            moto_reset_auth("inf")
            try:
                conn = http.client.HTTPConnection(*upstream, timeout=120)
                try:
                    conn.request(method, path, body=body, headers=headers)
                    r = conn.getresponse()
                    data = r.read()
                    return r.status, {k: v for k, v in r.getheaders()
                                      if k.lower() not in HOP_BY_HOP}, data
                finally:
                    conn.close()
            finally:
                moto_reset_auth("0")
        finally:
            moto_auth.release(True)

    def forward(self, body, protocol=None, action="", target="", form=None, lift=False):
        """Pass the request to moto (lift: with moto's authentication
        lifted for it alone, its signature checked here) and its answer on,
        edited for moto's gaps."""
        self.request_body = body
        conn = http.client.HTTPConnection(*upstream, timeout=120)
        try:
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in HOP_BY_HOP}
            moto_auth.acquire(lift)
            try:
                if lift:
                    moto_reset_auth("inf")
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    r = conn.getresponse()
                    data = r.read()
                finally:
                    if lift:
                        moto_reset_auth("0")
            finally:
                moto_auth.release(lift)
            out = {k: v for k, v in r.getheaders() if k.lower() not in HOP_BY_HOP}
            if protocol is None or r.getheader("Content-Encoding"):
                self.send(r.status, out, data)
                return r.status if protocol is None else (r.status, "moto")
            status, hdrs, data, answered_by = self.edit(protocol, action, target,
                                                        form or {}, r.status, data)
            # send() sets Content-Length from the (edited) body
            self.send(status, out if hdrs is None else hdrs, data)
            return status, answered_by
        finally:
            conn.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any


def main():
    global upstream
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--credentials", help="ID:SECRET accepted on requests answered here")
    args = ap.parse_args()
    add_credentials(os.environ.get("FAULT_PROXY_CREDENTIALS"))
    add_credentials(args.credentials)
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
