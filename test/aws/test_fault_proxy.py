#!/usr/bin/env python3
"""test/aws/test_fault_proxy.py: the fault proxy's holds and moto gap fills,
driven with boto3 through the proxy, as the bed's user, with moto's request
authentication on.

Run by test/aws/run_fault_proxy.sh (which starts the bed and exports
AWS_ENDPOINT_URL, the user's key pair and MOTOBED_PROXY_URL).  Its last
line is "fault-proxy: N passed, M failed".
"""

import json
import os
import sys
import traceback
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

PROXY = os.environ["MOTOBED_PROXY_URL"]
REGION = "us-east-1"
CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 1})
CLUSTER = "appdb-fp"
INSTANCE = "appdb-fp-1"
ROLE = "arn:aws:iam::123456789012:role/appdb-fp-backup"
MON_ROLE = "arn:aws:iam::123456789012:role/appdb-fp-monitoring"

passed = 0
failed = 0


def client(service, secret=None):
    kwargs = {"region_name": REGION, "config": CONFIG}
    if secret is not None:
        kwargs["aws_access_key_id"] = os.environ["AWS_ACCESS_KEY_ID"]
        kwargs["aws_secret_access_key"] = secret
    return boto3.client(service, **kwargs)


def control(method, path, doc=None):
    data = None if doc is None else json.dumps(doc).encode()
    req = urllib.request.Request(PROXY + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.read().decode()


def proxy_log():
    return [json.loads(line) for line in control("GET", "/__proxy/log").splitlines() if line]


def check(ok, name, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok   %s" % name)
    else:
        failed += 1
        print("FAIL %s %s" % (name, detail))
    return ok


def run(test):
    """Run one test function; an exception is one failure."""
    global failed
    try:
        test()
    except Exception:   # noqa: BLE001 - report and go on
        failed += 1
        print("FAIL %s raised:" % test.__name__)
        traceback.print_exc(file=sys.stdout)


def error_of(call):
    """(HTTP status, error code) of a call expected to fail, or (None, None)."""
    try:
        call()
    except ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"]
    return None, None


def cluster_status(rds, ident=CLUSTER):
    return rds.describe_db_clusters(DBClusterIdentifier=ident)["DBClusters"][0]["Status"]


# ---------------------------------------------------------------------------

def test_setup():
    rds = client("rds")
    cl = rds.create_db_cluster(
        DBClusterIdentifier=CLUSTER, Engine="aurora-postgresql", MasterUsername="appdb_admin",
        ManageMasterUserPassword=True, EnableIAMDatabaseAuthentication=True,
        ServerlessV2ScalingConfiguration={"MinCapacity": 0.5, "MaxCapacity": 2})["DBCluster"]
    check(cl["DBClusterIdentifier"] == CLUSTER, "setup-cluster")
    # moto answers creating, then available on the next describe
    check(cluster_status(rds) == "available", "setup-cluster-available")


def test_hold_polls():
    rds = client("rds")
    control("POST", "/__proxy/hold", {"kind": "cluster", "id": CLUSTER, "status": "creating",
                                      "polls": 3})
    seen = [cluster_status(rds) for _ in range(4)]
    check(seen == ["creating"] * 3 + ["available"], "hold-cluster-3-polls", seen)
    check(json.loads(control("GET", "/__proxy/hold")) == [], "hold-spent")
    # a describe of every cluster spends the poll too, and the answer is still
    # valid XML botocore parses (namespaces kept)
    control("POST", "/__proxy/hold", {"kind": "cluster", "id": CLUSTER.upper(),
                                      "status": "modifying", "polls": 1})
    all_cl = rds.describe_db_clusters()["DBClusters"]
    mine = [c for c in all_cl if c["DBClusterIdentifier"] == CLUSTER]
    check(len(mine) == 1 and mine[0]["Status"] == "modifying" and mine[0]["Engine"] ==
          "aurora-postgresql", "hold-describe-all", mine)
    check(cluster_status(rds) == "available", "hold-released-after-poll")


def test_hold_forever():
    rds = client("rds")
    control("POST", "/__proxy/hold", {"kind": "cluster", "id": CLUSTER, "status": "creating",
                                      "polls": -1})
    seen = [cluster_status(rds) for _ in range(6)]
    check(seen == ["creating"] * 6, "hold-forever", seen)
    held = json.loads(control("GET", "/__proxy/hold"))
    check(len(held) == 1 and held[0]["polls"] == -1, "hold-forever-listed", held)
    # a waiter on a forever hold times out
    waiter = rds.get_waiter("db_cluster_available")
    try:
        waiter.wait(DBClusterIdentifier=CLUSTER, WaiterConfig={"Delay": 0, "MaxAttempts": 3})
        check(False, "hold-forever-waiter-times-out", "waiter succeeded")
    except Exception as e:   # noqa: BLE001 - botocore's WaiterError
        check("Max attempts exceeded" in str(e), "hold-forever-waiter-times-out", e)
    control("POST", "/__proxy/hold", {"kind": "cluster", "id": CLUSTER, "polls": 0})
    check(cluster_status(rds) == "available", "hold-forever-released")


def test_endpoint():
    rds = client("rds")
    moto_endpoint = rds.describe_db_clusters(DBClusterIdentifier=CLUSTER)["DBClusters"][0]["Endpoint"]
    control("POST", "/__proxy/endpoint", {"id": CLUSTER.upper(), "address": "127.0.0.1", "port": 6543})
    cl = rds.describe_db_clusters(DBClusterIdentifier=CLUSTER)["DBClusters"][0]
    check((cl["Endpoint"], cl["Port"]) == ("127.0.0.1", 6543), "endpoint-set", cl.get("Endpoint"))
    mine = [c for c in rds.describe_db_clusters()["DBClusters"] if c["DBClusterIdentifier"] == CLUSTER]
    check(mine and mine[0]["Endpoint"] == "127.0.0.1", "endpoint-describe-all", mine)
    control("POST", "/__proxy/endpoint", {"id": CLUSTER})
    cl = rds.describe_db_clusters(DBClusterIdentifier=CLUSTER)["DBClusters"][0]
    check(cl["Endpoint"] == moto_endpoint and cl["Port"] != 6543, "endpoint-dropped", cl.get("Endpoint"))


def test_hold_instance():
    rds = client("rds")
    rds.create_db_instance(DBInstanceIdentifier=INSTANCE, DBClusterIdentifier=CLUSTER,
                           DBInstanceClass="db.serverless", Engine="aurora-postgresql",
                           MonitoringInterval=30, MonitoringRoleArn=MON_ROLE)
    control("POST", "/__proxy/hold", {"kind": "instance", "id": INSTANCE,
                                      "status": "configuring-enhanced-monitoring", "polls": 2})
    seen = [rds.describe_db_instances(DBInstanceIdentifier=INSTANCE)["DBInstances"][0]
            ["DBInstanceStatus"] for _ in range(3)]
    check(seen == ["configuring-enhanced-monitoring"] * 2 + ["available"], "hold-instance",
          seen)


def test_monitoring():
    rds = client("rds")
    inst = rds.describe_db_instances(DBInstanceIdentifier=INSTANCE)["DBInstances"][0]
    check(inst.get("MonitoringInterval") == 30 and inst.get("MonitoringRoleArn") == MON_ROLE,
          "monitoring-interval-described", {k: inst.get(k) for k in
                                            ("MonitoringInterval", "MonitoringRoleArn")})
    by_cluster = rds.describe_db_instances(
        Filters=[{"Name": "db-cluster-id", "Values": [CLUSTER]}])["DBInstances"]
    check([i.get("MonitoringInterval") for i in by_cluster] == [30],
          "monitoring-interval-filtered")


def test_http_endpoint():
    rds = client("rds")
    arn = rds.describe_db_clusters(DBClusterIdentifier=CLUSTER)["DBClusters"][0]["DBClusterArn"]
    check(rds.describe_db_clusters(DBClusterIdentifier=CLUSTER)["DBClusters"][0]
          .get("HttpEndpointEnabled") is False, "http-endpoint-initially-off")
    out = rds.enable_http_endpoint(ResourceArn=arn)
    check(out.get("ResourceArn") == arn and out.get("HttpEndpointEnabled") is True,
          "enable-http-endpoint", out)
    cl = rds.describe_db_clusters(DBClusterIdentifier=CLUSTER)["DBClusters"][0]
    check(cl.get("HttpEndpointEnabled") is True, "http-endpoint-described", cl.get(
        "HttpEndpointEnabled"))
    entries = [e for e in proxy_log() if e["op"] == "EnableHttpEndpoint"]
    check(entries and entries[-1]["answered_by"] == "proxy" and entries[-1]["status"] == 200,
          "enable-http-endpoint-logged", entries[-1:])
    # an unknown cluster: the real fault, not a made-up success
    status, code = error_of(lambda: rds.enable_http_endpoint(
        ResourceArn="arn:aws:rds:us-east-1:123456789012:cluster:appdb-fp-none"))
    check(status == 404 and code == "DBClusterNotFoundFault", "enable-http-endpoint-unknown",
          (status, code))
    # moto still checks the signature: the proxy fills in only after it
    status, code = error_of(lambda: client("rds", "wrong-secret").enable_http_endpoint(
        ResourceArn=arn))
    check(status == 403 and code == "SignatureDoesNotMatch", "enable-http-endpoint-bad-sig",
          (status, code))


def test_master_secret():
    rds = client("rds")
    cl = rds.describe_db_clusters(DBClusterIdentifier=CLUSTER)["DBClusters"][0]
    arn = cl["MasterUserSecret"]["SecretArn"]
    sm = client("secretsmanager")
    secret = json.loads(sm.get_secret_value(SecretId=arn)["SecretString"])
    check(secret.get("username") == "appdb_admin" and secret.get("password"),
          "master-secret-username", {"username": secret.get("username")})


def test_backup_selections():
    backup = client("backup")
    backup.create_backup_vault(BackupVaultName="appdb-fp")
    plan = backup.create_backup_plan(BackupPlan={
        "BackupPlanName": "appdb-fp",
        "Rules": [{"RuleName": "weekly", "TargetBackupVaultName": "appdb-fp",
                   "ScheduleExpression": "cron(0 7 ? * SUN *)",
                   "Lifecycle": {"DeleteAfterDays": 35}}]})
    plan_id = plan["BackupPlanId"]
    check(bool(plan_id), "backup-plan-created")
    resources = ["arn:aws:rds:us-east-1:123456789012:cluster:" + CLUSTER]
    made = backup.create_backup_selection(
        BackupPlanId=plan_id, CreatorRequestId="appdb-fp-1",
        BackupSelection={"SelectionName": "appdb-fp", "IamRoleArn": ROLE,
                         "Resources": resources})
    sid = made.get("SelectionId")
    check(sid and made.get("BackupPlanId") == plan_id and made.get("CreationDate"),
          "backup-create-selection", made)
    got = backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=sid)
    sel = got.get("BackupSelection", {})
    check(sel.get("SelectionName") == "appdb-fp" and sel.get("IamRoleArn") == ROLE and
          sel.get("Resources") == resources and got.get("SelectionId") == sid and
          got.get("BackupPlanId") == plan_id and got.get("CreatorRequestId") == "appdb-fp-1",
          "backup-get-selection", got)
    second = backup.create_backup_selection(
        BackupPlanId=plan_id, BackupSelection={"SelectionName": "appdb-fp-2",
                                               "IamRoleArn": ROLE, "Resources": resources})
    listed = backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
    check(sorted(s["SelectionId"] for s in listed) == sorted([sid, second["SelectionId"]]) and
          all(s["IamRoleArn"] == ROLE and s["BackupPlanId"] == plan_id for s in listed),
          "backup-list-selections", listed)
    pages = list(backup.get_paginator("list_backup_selections").paginate(
        BackupPlanId=plan_id, PaginationConfig={"PageSize": 1}))
    check([len(p["BackupSelectionsList"]) for p in pages] == [1, 1], "backup-list-paged",
          [len(p["BackupSelectionsList"]) for p in pages])
    backup.delete_backup_selection(BackupPlanId=plan_id, SelectionId=sid)
    status, code = error_of(lambda: backup.get_backup_selection(BackupPlanId=plan_id,
                                                                SelectionId=sid))
    check(code == "ResourceNotFoundException", "backup-selection-deleted", (status, code))
    listed = backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
    check([s["SelectionId"] for s in listed] == [second["SelectionId"]],
          "backup-list-after-delete", listed)
    status, code = error_of(lambda: backup.create_backup_selection(
        BackupPlanId="no-such-plan", BackupSelection={"SelectionName": "x",
                                                      "IamRoleArn": ROLE}))
    check(code == "ResourceNotFoundException", "backup-selection-unknown-plan", (status, code))

    # the proxy verifies the signatures of what it answers (never moto)
    bad = client("backup", "wrong-secret")
    for name, call in (
            ("get", lambda: bad.get_backup_selection(BackupPlanId=plan_id,
                                                     SelectionId=second["SelectionId"])),
            ("list", lambda: bad.list_backup_selections(BackupPlanId=plan_id)),
            ("create", lambda: bad.create_backup_selection(
                BackupPlanId=plan_id, BackupSelection={"SelectionName": "x",
                                                       "IamRoleArn": ROLE})),
            ("delete", lambda: bad.delete_backup_selection(
                BackupPlanId=plan_id, SelectionId=second["SelectionId"]))):
        status, code = error_of(call)
        check(status == 403 and code in ("InvalidSignatureException", "SignatureDoesNotMatch"),
              "backup-selection-wrong-secret-" + name, (status, code))
    stranger = boto3.client("backup", region_name=REGION, config=CONFIG,
                            aws_access_key_id="AKIAUNKNOWNKEY000000",
                            aws_secret_access_key="whatever")
    status, code = error_of(lambda: stranger.list_backup_selections(BackupPlanId=plan_id))
    check(status == 403 and code == "UnrecognizedClientException",
          "backup-selection-unknown-key", (status, code))
    # the refused delete left the selection in place
    listed = backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
    check(len(listed) == 1, "backup-refused-delete-kept", listed)

    log = proxy_log()
    mine = [e for e in log if "/selections/" in e["path"]]
    check(len(mine) >= 12 and all(e["answered_by"] == "proxy" for e in mine),
          "log-selection-calls-by-proxy", [(e["op"], e["answered_by"]) for e in mine])
    ops = {e["op"] for e in mine}
    check({"PUT /backup/plans/%s/selections/" % plan_id,
           "GET /backup/plans/%s/selections/" % plan_id,
           "GET /backup/plans/%s/selections/%s" % (plan_id, sid),
           "DELETE /backup/plans/%s/selections/%s" % (plan_id, sid)} <= ops,
          "log-selection-ops", sorted(ops))
    put = [e for e in mine if e["method"] == "PUT" and e["status"] == 200]
    check(bool(put) and json.loads(put[0]["body"])["BackupSelection"]["SelectionName"] ==
          "appdb-fp", "log-selection-body", put[:1])
    check(any(e["answered_by"] == "moto" for e in log) and
          any(e["answered_by"] == "moto+proxy" for e in log), "log-answered-by-kinds")


def test_backup_bodiless():
    """Bodiless Backup calls: signature checked by the proxy, moto's
    authentication lifted for that call only."""
    backup = client("backup")
    backup.create_backup_vault(BackupVaultName="appdb-fp-bodiless")
    vault = backup.describe_backup_vault(BackupVaultName="appdb-fp-bodiless")
    check(vault.get("BackupVaultName") == "appdb-fp-bodiless", "bodiless-describe-vault", vault)
    plans = backup.list_backup_plans()["BackupPlansList"]
    check(any(p["BackupPlanName"] == "appdb-fp" for p in plans), "bodiless-list-plans", plans)
    entries = [e for e in proxy_log() if e["op"] == "GET /backup/plans/"]
    check(entries and entries[-1].get("signature_checked_by") == "proxy" and
          entries[-1]["answered_by"] == "moto" and entries[-1]["status"] == 200,
          "bodiless-logged", entries[-1:])
    bad = client("backup", "wrong-secret")
    status, code = error_of(lambda: bad.list_backup_plans())
    check(status == 403 and code == "InvalidSignatureException", "bodiless-wrong-secret",
          (status, code))
    # moto's authentication is on again: its own check refuses a bad body
    # call (moto's 403 body is XML, which boto3 reads as code "403")
    status, code = error_of(lambda: bad.create_backup_vault(BackupVaultName="appdb-fp-x"))
    last = proxy_log()[-1]
    check(status == 403 and last["answered_by"] == "moto" and last["status"] == 403,
          "bodiless-auth-restored", (status, code, last["answered_by"]))
    backup.delete_backup_vault(BackupVaultName="appdb-fp-bodiless")
    status, code = error_of(lambda: backup.describe_backup_vault(
        BackupVaultName="appdb-fp-bodiless"))
    check(code == "ResourceNotFoundException", "bodiless-delete-vault", (status, code))


def test_backup_recovery_points():
    """moto has no recovery points: the proxy's, put in a vault through its
    control, listed and deleted with boto3, counted by DescribeBackupVault;
    a vault holding one is not deleted."""
    backup = client("backup")
    vault = "appdb-fp-points"
    backup.create_backup_vault(BackupVaultName=vault)
    arn = json.loads(control("POST", "/__proxy/recovery_point", {"vault": vault}))["RecoveryPointArn"]
    points = backup.list_recovery_points_by_backup_vault(BackupVaultName=vault)["RecoveryPoints"]
    check([(p["RecoveryPointArn"], p["Status"], p["BackupVaultName"]) for p in points] ==
          [(arn, "COMPLETED", vault)], "points-listed", points)
    check(backup.describe_backup_vault(BackupVaultName=vault)["NumberOfRecoveryPoints"] == 1,
          "points-counted")
    status, code = error_of(lambda: backup.delete_backup_vault(BackupVaultName=vault))
    check(code == "InvalidRequestException", "points-keep-the-vault", (status, code))
    bad = client("backup", "wrong-secret")
    status, code = error_of(lambda: bad.delete_recovery_point(BackupVaultName=vault, RecoveryPointArn=arn))
    check(status == 403 and code == "InvalidSignatureException", "points-wrong-secret", (status, code))
    backup.delete_recovery_point(BackupVaultName=vault, RecoveryPointArn=arn)
    status, code = error_of(lambda: backup.delete_recovery_point(BackupVaultName=vault,
                                                                 RecoveryPointArn=arn))
    check(code == "ResourceNotFoundException", "points-deleted", (status, code))
    check(backup.list_recovery_points_by_backup_vault(BackupVaultName=vault)["RecoveryPoints"] == [],
          "points-none-left")
    status, code = error_of(lambda: backup.list_recovery_points_by_backup_vault(
        BackupVaultName="appdb-fp-no-vault"))
    check(code == "ResourceNotFoundException", "points-unknown-vault", (status, code))
    backup.delete_backup_vault(BackupVaultName=vault)
    check([e["answered_by"] for e in proxy_log() if "/recovery-points/" in e["path"]] ==
          ["proxy"] * 6, "log-points-by-proxy")


def test_update_backup_plan():
    backup = client("backup")
    plan_id = [p for p in backup.list_backup_plans()["BackupPlansList"]
               if p["BackupPlanName"] == "appdb-fp"][0]["BackupPlanId"]
    before = backup.get_backup_plan(BackupPlanId=plan_id)
    out = backup.update_backup_plan(BackupPlanId=plan_id, BackupPlan={
        "BackupPlanName": "appdb-fp-v2",
        "Rules": [{"RuleName": "daily", "TargetBackupVaultName": "appdb-fp",
                   "ScheduleExpression": "cron(0 5 * * ? *)",
                   "Lifecycle": {"DeleteAfterDays": 7}}]})
    check(out.get("BackupPlanId") == plan_id and out.get("BackupPlanArn") ==
          before["BackupPlanArn"] and out.get("VersionId") and
          out["VersionId"] != before["VersionId"], "update-plan-answer", out)
    got = backup.get_backup_plan(BackupPlanId=plan_id)
    rules = got["BackupPlan"]["Rules"]
    check(got["BackupPlan"]["BackupPlanName"] == "appdb-fp-v2" and
          [r["RuleName"] for r in rules] == ["daily"] and
          rules[0]["Lifecycle"] == {"DeleteAfterDays": 7} and rules[0].get("RuleId") and
          got["VersionId"] == out["VersionId"], "update-plan-get", got)
    listed = [p for p in backup.list_backup_plans()["BackupPlansList"]
              if p["BackupPlanId"] == plan_id]
    check(listed and listed[0]["BackupPlanName"] == "appdb-fp-v2" and
          listed[0]["VersionId"] == out["VersionId"], "update-plan-listed", listed)
    entries = [e for e in proxy_log() if e["op"] == "POST /backup/plans/%s" % plan_id]
    check(entries and entries[-1]["answered_by"] == "proxy", "update-plan-logged", entries[-1:])
    status, code = error_of(lambda: backup.update_backup_plan(
        BackupPlanId="no-such-plan", BackupPlan={
            "BackupPlanName": "x", "Rules": [{"RuleName": "r",
                                              "TargetBackupVaultName": "appdb-fp"}]}))
    check(code == "ResourceNotFoundException", "update-plan-unknown", (status, code))
    # moto checks the signature before its 500: the proxy fills in after it
    status, code = error_of(lambda: client("backup", "wrong-secret").update_backup_plan(
        BackupPlanId=plan_id, BackupPlan={"BackupPlanName": "x", "Rules": []}))
    last = proxy_log()[-1]
    check(status == 403 and last["answered_by"] == "moto" and last["status"] == 403,
          "update-plan-bad-sig", (status, code, last["answered_by"]))


def test_modify_subnet_group():
    rds = client("rds")
    subnets = [s["SubnetId"] for s in client("ec2").describe_subnets()["Subnets"]][:3]
    rds.create_db_subnet_group(DBSubnetGroupName="appdb-fp", DBSubnetGroupDescription="one",
                               SubnetIds=subnets[:2])
    rds.modify_db_subnet_group(DBSubnetGroupName="appdb-fp", DBSubnetGroupDescription="two",
                               SubnetIds=subnets[1:])
    g = rds.describe_db_subnet_groups(DBSubnetGroupName="appdb-fp")["DBSubnetGroups"][0]
    check(g["DBSubnetGroupDescription"] == "two" and
          sorted(s["SubnetIdentifier"] for s in g["Subnets"]) == sorted(subnets[1:]),
          "modify-subnet-group-kept", g)
    status, code = error_of(lambda: rds.modify_db_subnet_group(
        DBSubnetGroupName="appdb-fp-none", SubnetIds=subnets[:1]))
    check(status == 404 and code == "DBSubnetGroupNotFoundFault", "modify-subnet-group-missing",
          (status, code))
    status, code = error_of(lambda: client("rds", "wrong-secret").modify_db_subnet_group(
        DBSubnetGroupName="appdb-fp", SubnetIds=subnets[:1]))
    check(status == 403 and code == "SignatureDoesNotMatch", "modify-subnet-group-bad-sig",
          (status, code))
    rds.delete_db_subnet_group(DBSubnetGroupName="appdb-fp")


def test_schedule_key_deletion():
    kms = client("kms")
    key = kms.create_key(Description="appdb-fp")["KeyMetadata"]
    out = kms.schedule_key_deletion(KeyId=key["Arn"], PendingWindowInDays=7)
    check(out.get("KeyId") == key["Arn"] and out.get("DeletionDate"), "schedule-deletion-arn", out)
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    check(meta["KeyState"] == "PendingDeletion", "schedule-deletion-state", meta["KeyState"])
    other = kms.create_key(Description="appdb-fp-2")["KeyMetadata"]
    out = kms.schedule_key_deletion(KeyId=other["KeyId"], PendingWindowInDays=7)
    check(out.get("KeyId") == other["KeyId"], "schedule-deletion-id-untouched", out)
    # moto still checks the signature first
    status, code = error_of(lambda: client("kms", "wrong-secret").schedule_key_deletion(
        KeyId=other["Arn"], PendingWindowInDays=7))
    check(status == 403, "schedule-deletion-bad-sig", (status, code))


def test_faults_still_work():
    rds = client("rds")
    control("POST", "/__proxy/faults", {"code": "Throttling", "count": 1,
                                        "match": "Action=DescribeDBClusters"})
    status, code = error_of(lambda: cluster_status(rds))
    check(status == 400 and code == "Throttling", "fault-throttling", (status, code))
    check(proxy_log()[-1]["answered_by"] == "fault", "fault-logged")
    control("POST", "/__proxy/hold", {"kind": "cluster", "id": CLUSTER, "polls": -1})
    control("POST", "/__proxy/reset")
    check(proxy_log() == [] and json.loads(control("GET", "/__proxy/hold")) == [],
          "reset-clears-log-and-holds")
    check(cluster_status(rds) == "available", "after-reset")


def test_lost_answer():
    """lost: the request reaches moto and is applied; its answer is dropped
    (a TCP reset), as when a connection breaks after AWS applied a call."""
    kms = client("kms")
    control("POST", "/__proxy/faults", {"lost": True, "count": 1,
                                        "match": "TrentService.CreateAlias"})
    key = kms.create_key(Description="appdb-fp-lost")["KeyMetadata"]
    try:
        kms.create_alias(AliasName="alias/appdb-fp-lost", TargetKeyId=key["KeyId"])
        got = "answered"
    except Exception as e:  # botocore's connection error
        got = type(e).__name__
    check(got != "answered", "lost-no-answer", got)
    entry = [e for e in proxy_log() if e["op"] == "TrentService.CreateAlias"][-1]
    check(entry["status"] == "lost" and entry["answered_by"] == "moto, answer lost",
          "lost-logged", entry)
    aliases = [a["AliasName"] for a in kms.list_aliases(KeyId=key["KeyId"])["Aliases"]]
    check(aliases == ["alias/appdb-fp-lost"], "lost-applied-by-moto", aliases)
    check(json.loads(control("GET", "/__proxy/faults")) == [], "lost-spent")
    kms.delete_alias(AliasName="alias/appdb-fp-lost")


def test_simulate_principal_policy():
    iam = client("iam")
    me = client("sts").get_caller_identity()["Arn"]     # the test bed's user, allow-all
    res = "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABC/app"

    def decision(arn, resource=res, action="rds-db:connect"):
        out = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=[action],
                                            ResourceArns=[resource])
        (r,) = out["EvaluationResults"]
        return r["EvalActionName"], r["EvalResourceName"], r["EvalDecision"]

    check(decision(me) == ("rds-db:connect", res, "allowed"), "simulate-allowed", decision(me))
    iam.put_user_policy(UserName=me.split("/")[-1], PolicyName="appdb-fp-deny", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "rds-db:connect", "Resource": res}]}))
    try:
        check(decision(me)[2] == "explicitDeny", "simulate-explicit-deny", decision(me))
        other = res.replace("/app", "/migrator")
        check(decision(me, other)[2] == "allowed", "simulate-deny-names-its-resource", decision(me, other))
    finally:
        iam.delete_user_policy(UserName=me.split("/")[-1], PolicyName="appdb-fp-deny")
    # a role: only what is attached to it
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                                 "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]})
    role = iam.create_role(RoleName="appdb-fp-task", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    check(decision(role)[2] == "implicitDeny", "simulate-implicit-deny", decision(role))
    pol = iam.create_policy(PolicyName="appdb-fp-connect", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "rds-db:connect", "Resource": res}]}))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="appdb-fp-task", PolicyArn=pol)
    check(decision(role)[2] == "allowed", "simulate-attached-policy", decision(role))
    check(decision(role, res.replace("/app", "/other"))[2] == "implicitDeny", "simulate-other-user",
          decision(role, res.replace("/app", "/other")))
    iam.detach_role_policy(RoleName="appdb-fp-task", PolicyArn=pol)
    iam.delete_policy(PolicyArn=pol)
    iam.delete_role(RoleName="appdb-fp-task")
    status, code = error_of(lambda: decision(role))
    check(status == 404 and code == "NoSuchEntity", "simulate-unknown-principal", (status, code))
    status, code = error_of(lambda: client("iam", "wrong-secret").simulate_principal_policy(
        PolicySourceArn=me, ActionNames=["rds-db:connect"]))
    check(status == 403 and code == "SignatureDoesNotMatch", "simulate-bad-signature", (status, code))
    entries = [e for e in proxy_log() if e["op"] == "SimulatePrincipalPolicy"]
    check(entries and all(e["answered_by"] == "proxy" for e in entries), "simulate-answered-by-proxy")


def main():
    for test in (test_setup, test_hold_polls, test_hold_forever, test_endpoint, test_hold_instance,
                 test_monitoring, test_http_endpoint, test_master_secret,
                 test_backup_selections, test_backup_bodiless, test_backup_recovery_points,
                 test_update_backup_plan,
                 test_modify_subnet_group, test_schedule_key_deletion,
                 test_simulate_principal_policy, test_lost_answer, test_faults_still_work):
        run(test)
    print("fault-proxy: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
