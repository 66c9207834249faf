#!/usr/bin/env python3
"""test/aws/provider_state.py: what appdb's aws provider left in moto, read back with boto3.

Run with the image's Python 3.11 (boto3, botocore), with the test user's keys
in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (moto checks every signature):

  provider_state.py created NAME [--max-capacity N] [--deletion-protection on|off]
                             [--backup-retention-days N]
      every resource provision makes, with the parameters DESIGN §1 asks for
  provider_state.py single NAME
      one of each, no duplicates (after a provision that failed halfway, or
      one whose answers were lost); prints the per-resource counts
  provider_state.py gone NAME [--final-snapshot]
      nothing of NAME is left (the KMS key pending deletion, as AWS keeps it),
      or, with --final-snapshot, the final snapshot and the key kept
  provider_state.py key-dropped NAME
      no key of NAME enabled, none aliased, one pending deletion (a provision
      whose CreateAlias failed)
  provider_state.py writes LOG
      the mutating calls of a fault-proxy log (JSON lines), one a line
  provider_state.py actions LOG
      the IAM actions ("rds:CreateDBCluster") of a fault-proxy log, sorted
  provider_state.py outputs NAME TEXT JSON CONFIG
      appdb outputs' text and JSON (files) against moto's cluster, connect
      policies and security group, and the config file
  provider_state.py secret NAME
      the master user's password (for tests that prove it is never shown)

moto is read directly (MOTOBED_MOTO_URL), so these reads do not reach the
proxy's request log; what only the proxy knows (Backup selections, the Data
API flag, MonitoringInterval, all moto gaps named in fault_proxy.py) is read
through the proxy (MOTOBED_PROXY_URL) or from the log of what was sent.
Checks print "ok - ..." or "not ok - ..."; the exit status is 1 if any failed.
"""

import json
import os
import re
import sys
import urllib.parse
import urllib.request

import boto3
import botocore.session
from botocore.config import Config

REGION = os.environ.get("AWS_REGION", "us-east-1")
ACCOUNT = "123456789012"
CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 1})
failures = 0


def client(service, via_proxy=False):
    url = os.environ["MOTOBED_PROXY_URL" if via_proxy else "MOTOBED_MOTO_URL"]
    return boto3.client(service, endpoint_url=url, region_name=REGION, config=CONFIG)


def check(ok, what, detail=""):
    global failures
    if ok:
        print(f"ok - {what}")
    else:
        failures += 1
        print(f"not ok - {what}" + (f": {detail}" if detail else ""))


def equal(got, want, what):
    check(got == want, what, f"got {got!r}, want {want!r}")


def proxy_log(path=None):
    if path:
        with open(path) as f:
            text = f.read()
    else:
        with urllib.request.urlopen(os.environ["MOTOBED_PROXY_URL"] + "/__proxy/log", timeout=10) as r:
            text = r.read().decode()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def key_of_alias(kms, alias):
    for a in kms.list_aliases()["Aliases"]:
        if a["AliasName"] == alias:
            return a.get("TargetKeyId")
    return None


def created(name, max_capacity, deletion_protection, retention=None):
    rds, ec2, iam, kms = client("rds"), client("ec2"), client("iam"), client("kms")
    rds_proxy = client("rds", via_proxy=True)

    key_id = key_of_alias(kms, f"alias/{name}-database")
    check(key_id is not None, f"KMS alias alias/{name}-database names a key")
    key = kms.describe_key(KeyId=key_id)["KeyMetadata"] if key_id else {}
    equal(key.get("KeyState"), "Enabled", "the KMS key is enabled")
    if key_id:
        check(kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"], "the KMS key rotates")

    pg = f"{name}-16"
    groups = rds.describe_db_cluster_parameter_groups(DBClusterParameterGroupName=pg)["DBClusterParameterGroups"]
    equal([g["DBParameterGroupFamily"] for g in groups], ["aurora-postgresql16"], f"parameter group {pg}'s family")
    params = {p["ParameterName"]: p.get("ParameterValue")
              for p in rds.describe_db_cluster_parameters(DBClusterParameterGroupName=pg, Source="user")["Parameters"]}
    equal(params.get("log_statement"), "ddl", "log_statement")
    equal(params.get("log_min_duration_statement"), "100", "log_min_duration_statement")
    equal(params.get("rds.force_ssl"), "1", "rds.force_ssl")

    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
    default_subnets = sorted(s["SubnetId"] for s in ec2.describe_subnets(
        Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"])
    sng = rds.describe_db_subnet_groups(DBSubnetGroupName=name)["DBSubnetGroups"][0]
    equal(sng["VpcId"], vpc["VpcId"], "the subnet group is in the default VPC")
    equal(sorted(s["SubnetIdentifier"] for s in sng["Subnets"]), default_subnets,
          "the subnet group holds the default VPC's subnets")

    sgs = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{name}-database"]}])["SecurityGroups"]
    equal(len(sgs), 1, f"one security group {name}-database")
    sg = sgs[0] if sgs else {"GroupId": None, "IpPermissions": [], "VpcId": None}
    equal(sg["VpcId"], vpc["VpcId"], "the security group is in the VPC")
    rules = [(p.get("IpProtocol"), p.get("FromPort"), p.get("ToPort"), r["CidrIp"])
             for p in sg["IpPermissions"] for r in p.get("IpRanges", [])]
    equal(rules, [("tcp", 5432, 5432, vpc["CidrBlock"])], "ingress: PostgreSQL from the VPC's range only")

    role = iam.get_role(RoleName=f"{name}-database-monitoring")["Role"]
    trust = role["AssumeRolePolicyDocument"]
    if isinstance(trust, str):
        trust = json.loads(urllib.parse.unquote(trust))
    equal(trust["Statement"][0]["Principal"], {"Service": "monitoring.rds.amazonaws.com"},
          "the monitoring role trusts RDS monitoring")
    attached = [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]]
    equal(attached, ["arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"],
          "the monitoring role has AmazonRDSEnhancedMonitoringRole")

    c = rds.describe_db_clusters(DBClusterIdentifier=name)["DBClusters"][0]
    equal(c["Engine"], "aurora-postgresql", "engine")
    equal(c["EngineVersion"], "16.6", "engine version")
    equal(c.get("EngineMode"), "provisioned", "engine mode (Serverless v2 runs in provisioned mode)")
    equal(c.get("ServerlessV2ScalingConfiguration"), {"MinCapacity": 0.5, "MaxCapacity": max_capacity},
          "Serverless v2 capacity")
    equal(c["MasterUsername"], "postgres", "master user")
    check("SecretArn" in c.get("MasterUserSecret", {}), "the master password is managed by Secrets Manager")
    check(c.get("StorageEncrypted") is True, "storage encrypted")
    equal(c.get("KmsKeyId"), key.get("Arn"), "encrypted with the cluster's own key")
    check(c.get("IAMDatabaseAuthenticationEnabled") is True, "IAM database authentication")
    equal(c.get("EnabledCloudwatchLogsExports"), ["postgresql"], "PostgreSQL logs to CloudWatch")
    check(c.get("CopyTagsToSnapshot") is True, "copy tags to snapshot")
    equal(c.get("DeletionProtection"), deletion_protection, "deletion protection")
    equal(c.get("DBClusterParameterGroup"), pg, "the cluster's parameter group")
    equal(c.get("DBSubnetGroup"), name, "the cluster's subnet group")
    equal([g["VpcSecurityGroupId"] for g in c.get("VpcSecurityGroups", [])], [sg["GroupId"]],
          "the cluster's security group")
    equal(c.get("DatabaseName"), "app", "database name")
    equal(c.get("Port"), 5432, "port")
    tags = {t["Key"]: t["Value"] for t in c.get("TagList", [])}
    equal(tags.get("managed-by"), "appdb", "the cluster is tagged managed-by=appdb")
    # moto keeps HttpEndpointEnabled false (fault_proxy.py): read it through the proxy
    c_proxy = rds_proxy.describe_db_clusters(DBClusterIdentifier=name)["DBClusters"][0]
    check(c_proxy.get("HttpEndpointEnabled") is True, "the Data API is enabled (EnableHttpEndpoint was called)")

    inst = rds.describe_db_instances(Filters=[{"Name": "db-cluster-id", "Values": [name]}])["DBInstances"]
    equal([(i["DBInstanceIdentifier"], i["DBInstanceClass"]) for i in inst], [(f"{name}-1", "db.serverless")],
          "one db.serverless instance")
    # moto drops MonitoringInterval (fault_proxy.py keeps what was sent): through the proxy
    inst_proxy = rds_proxy.describe_db_instances(DBInstanceIdentifier=f"{name}-1")["DBInstances"][0]
    equal(inst_proxy.get("MonitoringInterval"), 30, "enhanced monitoring every 30 s")
    equal(inst_proxy.get("MonitoringRoleArn"), role["Arn"], "with the monitoring role")

    for user in ("app", "migrator"):
        arn = f"arn:aws:iam::{ACCOUNT}:policy/{name}-{user}-access"
        p = iam.get_policy(PolicyArn=arn)["Policy"]
        doc = iam.get_policy_version(PolicyArn=arn, VersionId=p["DefaultVersionId"])["PolicyVersion"]["Document"]
        if isinstance(doc, str):
            doc = json.loads(urllib.parse.unquote(doc))
        want = f"arn:aws:rds-db:{REGION}:{ACCOUNT}:dbuser:{c['DbClusterResourceId']}/{user}"
        equal([(s["Effect"], s["Action"], s["Resource"]) for s in doc["Statement"]],
              [("Allow", "rds-db:connect", want)], f"policy {name}-{user}-access allows only connecting as {user}")

    # moto cannot check the signatures of bodiless Backup calls (fault_proxy.py): through the proxy
    backup = client("backup", via_proxy=True)
    vault = backup.describe_backup_vault(BackupVaultName=f"{name}-database")
    equal(vault["BackupVaultName"], f"{name}-database", "backup vault")
    plans = [p for p in backup.list_backup_plans()["BackupPlansList"] if p["BackupPlanName"] == f"{name}-database"]
    equal(len(plans), 1, "one backup plan")
    if plans:
        plan = backup.get_backup_plan(BackupPlanId=plans[0]["BackupPlanId"])["BackupPlan"]
        equal([(r["ScheduleExpression"], r["TargetBackupVaultName"], r.get("Lifecycle", {}).get("DeleteAfterDays"))
               for r in plan["Rules"]], [("cron(0 7 ? * SUN *)", f"{name}-database", retention)],
              "the weekly backup rule (kept %s)" % (f"{retention} days" if retention else "with no expiry"))
        bp = backup
        sels = bp.list_backup_selections(BackupPlanId=plans[0]["BackupPlanId"])["BackupSelectionsList"]
        equal(len(sels), 1, "one backup selection")
        if sels:
            sel = bp.get_backup_selection(BackupPlanId=plans[0]["BackupPlanId"],
                                          SelectionId=sels[0]["SelectionId"])["BackupSelection"]
            equal(sel.get("Resources"), [c["DBClusterArn"]], "the selection backs up the cluster")
            backup_role = iam.get_role(RoleName=f"{name}-database-backup")["Role"]
            equal(sel.get("IamRoleArn"), backup_role["Arn"], "the selection uses the backup role")


def appdb_keys(kms, name, state):
    """The keys appdb made for NAME (tagged app and environment), in state."""
    found = []
    for k in kms.list_keys()["Keys"]:
        meta = kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]
        tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=k["KeyId"]).get("Tags", [])}
        if (meta.get("Description", "").startswith("appdb:") and meta["KeyState"] == state
                and f"{tags.get('app')}-{tags.get('environment')}" == name):
            found.append(k["KeyId"])
    return found


def single(name):
    """One of each resource of NAME, none twice; the counts are printed."""
    rds, ec2, kms, iam = client("rds"), client("ec2"), client("kms"), client("iam")
    backup = client("backup", via_proxy=True)
    plans = [p for p in backup.list_backup_plans()["BackupPlansList"] if p["BackupPlanName"] == f"{name}-database"]
    sgs = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{name}-database"]}])["SecurityGroups"]
    counts = {
        "cluster": len([c for c in rds.describe_db_clusters()["DBClusters"] if c["DBClusterIdentifier"] == name]),
        "instance": len(rds.describe_db_instances(Filters=[{"Name": "db-cluster-id", "Values": [name]}])["DBInstances"]),
        "KMS key": len(appdb_keys(kms, name, "Enabled")),
        "KMS alias": len([a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == f"alias/{name}-database"]),
        "parameter group": len([g for g in rds.describe_db_cluster_parameter_groups()["DBClusterParameterGroups"]
                                if g["DBClusterParameterGroupName"].startswith(name + "-")]),
        "subnet group": len([g for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]
                             if g["DBSubnetGroupName"] == name]),
        "security group": len(sgs),
        "ingress rule": sum(len(p.get("IpRanges", [])) for g in sgs for p in g["IpPermissions"]),
        "IAM role": len([r for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(name + "-")]),
        "IAM policy": len([p for p in iam.list_policies(Scope="Local")["Policies"]
                           if p["PolicyName"].startswith(name + "-")]),
        "backup vault": len([v for v in backup.list_backup_vaults()["BackupVaultList"]
                             if v["BackupVaultName"] == f"{name}-database"]),
        "backup plan": len(plans),
        "backup selection": sum(len(backup.list_backup_selections(BackupPlanId=p["BackupPlanId"])["BackupSelectionsList"])
                                for p in plans),
    }
    print("per-resource counts of %s: %s" % (name, ", ".join("%s %d" % kv for kv in counts.items())))
    want = {k: 1 for k in counts}
    want.update({"IAM role": 2, "IAM policy": 2})
    for what, n in want.items():
        equal(counts[what], n, f"{n} × {what}")


def gone(name, final_snapshot):
    rds, ec2, iam, kms = client("rds"), client("ec2"), client("iam"), client("kms")
    backup = client("backup", via_proxy=True)
    equal([c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]
           if c["DBClusterIdentifier"] == name], [], "no cluster")
    equal([i["DBInstanceIdentifier"] for i in rds.describe_db_instances()["DBInstances"]
           if i["DBInstanceIdentifier"].startswith(name + "-")], [], "no instance")
    equal([g["DBClusterParameterGroupName"] for g in rds.describe_db_cluster_parameter_groups()["DBClusterParameterGroups"]
           if g["DBClusterParameterGroupName"].startswith(name)], [], "no parameter group")
    equal([g["DBSubnetGroupName"] for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]
           if g["DBSubnetGroupName"].startswith(name)], [], "no subnet group")
    equal([g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"]
           if g["GroupName"].startswith(name)], [], "no security group")
    equal([r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(name)], [], "no IAM role")
    equal([p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"].startswith(name)],
          [], "no IAM policy")
    equal([v["BackupVaultName"] for v in backup.list_backup_vaults()["BackupVaultList"]
           if v["BackupVaultName"].startswith(name)], [], "no backup vault")
    equal([p["BackupPlanName"] for p in backup.list_backup_plans()["BackupPlansList"]
           if p["BackupPlanName"].startswith(name)], [], "no backup plan")
    snaps = [s["DBClusterSnapshotIdentifier"] for s in rds.describe_db_cluster_snapshots()["DBClusterSnapshots"]
             if s["DBClusterSnapshotIdentifier"].startswith(name)]
    aliases = [a["AliasName"] for a in kms.list_aliases()["Aliases"] if a["AliasName"].startswith(f"alias/{name}")]
    states = sorted(["Enabled"] * len(appdb_keys(kms, name, "Enabled")) +
                    ["PendingDeletion"] * len(appdb_keys(kms, name, "PendingDeletion")))
    if final_snapshot:
        equal(len(snaps), 1, "one final snapshot kept")
        check(bool(snaps) and re.fullmatch(rf"{name}-final-\d{{8}}-\d{{6}}", snaps[0]) is not None,
              "the final snapshot is named NAME-final-<time>", f"{snaps}")
        equal(aliases, [f"alias/{name}-database"], "the KMS key the snapshot needs is kept, with its alias")
        equal(states, ["Enabled"], "the kept key is enabled")
    else:
        equal(snaps, [], "no snapshot")
        equal(aliases, [], "no KMS alias")
        equal(states, ["PendingDeletion"], "the KMS key is scheduled for deletion (AWS keeps it 7-30 days)")


def key_dropped(name):
    kms = client("kms")
    equal(appdb_keys(kms, name, "Enabled"), [], "no enabled KMS key of " + name)
    equal(len(appdb_keys(kms, name, "PendingDeletion")), 1, "the unnamed key is pending deletion")
    equal([a["AliasName"] for a in kms.list_aliases()["Aliases"] if a["AliasName"].startswith(f"alias/{name}-")],
          [], "no alias of " + name)


READS = re.compile(r"^(Describe|Get|List)")


def op_name(entry):
    op = entry.get("op") or ""
    if "." in op and " " not in op:
        return op.split(".", 1)[1]  # JSON 1.1: TrentService.DescribeKey
    return op


def writes(path):
    for e in proxy_log(path):
        op = op_name(e)
        if op.startswith("GET ") or op.startswith("/__proxy") or READS.match(op):
            continue
        print(op)


def actions(path):
    """The IAM actions of the log ("<service prefix>:<Operation>"), sorted.

    The log has no headers but X-Amz-Target, so the service is found from
    the request itself, against botocore's models of the services appdb
    calls: a JSON 1.1 call by its X-Amz-Target prefix (TrentService: kms),
    a query or EC2 call by the Version in its form (2014-10-31: rds), a
    REST-JSON call by its method and path against the operations' request
    URIs (the most literal match wins: GET /backup/plans/ is
    ListBackupPlans).  The prefix is the model's signing name, which is
    what moto (and AWS, for these services) checks.  Injected faults never
    reached a service and are left out.  With PROVIDER_STATE_ORDER=log in
    the environment they are printed in the order of their first use instead.
    A request no action is found for is named on stderr and ends the run
    with status 1."""
    session = botocore.session.get_session()
    by_target, by_version, rest = {}, {}, []
    for service in ("rds", "iam", "sts", "ec2", "kms", "secretsmanager", "backup", "rds-data"):
        model = session.get_service_model(service)
        prefix = model.signing_name or model.endpoint_prefix
        meta = model.metadata
        if meta.get("targetPrefix"):
            by_target[meta["targetPrefix"]] = prefix
        if meta["protocol"] in ("query", "ec2"):
            by_version[meta["apiVersion"]] = prefix
        if meta["protocol"] in ("rest-json", "rest-xml"):
            for name in model.operation_names:
                http = model.operation_model(name).http
                uri = http["requestUri"].split("?")[0]
                pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(uri))
                rest.append((http["method"], re.compile("^" + pattern + "$"),
                             uri.count("{"), f"{prefix}:{name}"))
    found = {}
    unknown = []
    for e in proxy_log(path):
        if e.get("fault"):
            continue
        target = e.get("target") or ""
        action = e.get("action") or ""
        if target:
            svc, _, op = target.partition(".")
            if svc in by_target and op:
                found.setdefault(f"{by_target[svc]}:{op}", len(found))
                continue
        elif action:
            version = urllib.parse.parse_qs(e.get("body") or "").get("Version", [""])[0]
            if version in by_version:
                found.setdefault(f"{by_version[version]}:{action}", len(found))
                continue
        else:
            method = e.get("method") or ""
            path_ = urllib.parse.unquote((e.get("path") or "").split("?")[0])
            raw = (e.get("path") or "").split("?")[0]
            hits = sorted((n, a) for m, rx, n, a in rest if m == method and (rx.match(raw) or rx.match(path_)))
            if hits:
                found.setdefault(hits[0][1], len(found))
                continue
        unknown.append(e.get("op") or "?")
    in_log_order = os.environ.get("PROVIDER_STATE_ORDER") == "log"
    for a in sorted(found, key=found.get) if in_log_order else sorted(found):
        print(a)
    for op in unknown:
        print(f"provider_state.py: no IAM action for {op!r}", file=sys.stderr)
    if unknown:
        sys.exit(1)


def secret(name):
    rds = client("rds")
    arn = rds.describe_db_clusters(DBClusterIdentifier=name)["DBClusters"][0]["MasterUserSecret"]["SecretArn"]
    print(json.loads(client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"])["password"])


def outputs(name, text_path, json_path, config_path):
    """appdb outputs (text and JSON) against moto's resources, read with boto3."""
    rds, ec2, iam = client("rds"), client("ec2"), client("iam")
    with open(config_path) as f:
        cfg = json.load(f)
    with open(json_path) as f:
        got = json.load(f)
    cl = rds.describe_db_clusters(DBClusterIdentifier=name)["DBClusters"][0]
    policies = {p["PolicyName"]: p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"]}
    groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{name}-database"]}])
    sg = [g["GroupId"] for g in groups["SecurityGroups"]]
    want = {
        "provider": "aws",
        "region": REGION,
        "cluster_name": name,
        "cluster_resource_id": cl["DbClusterResourceId"],
        "writer_endpoint": cl["Endpoint"],
        "reader_endpoint": cl["ReaderEndpoint"],
        "port": str(cl["Port"]),
        "database": cfg.get("database", "app"),
        "schema": cfg.get("schema_name", "app"),
        "app_user": cfg.get("app_user", "app"),
        "migrator_user": cfg.get("migrator_user", "migrator"),
        "app_access_policy_arn": policies.get(f"{name}-app-access"),
        "migrator_access_policy_arn": policies.get(f"{name}-migrator-access"),
        "readonly_users": ",".join(cfg.get("readonly_users", [])),
        **{f"readonly_access_policy_arn.{u}": policies.get(f"{name}-readonly-{u}-access")
           for u in cfg.get("readonly_users", [])},
        "security_group_id": sg[0] if len(sg) == 1 else sg,
        "master_secret_arn": cl["MasterUserSecret"]["SecretArn"],
        # the config's, optional (null without it)
        "sslmode": "verify-full" if cfg.get("ssl_root_cert") else "require",
        "ssl_root_cert": cfg.get("ssl_root_cert"),
    }
    equal(list(got), list(want), "outputs --output json: every key, in order")
    for k, v in want.items():
        equal(got.get(k), v, f"outputs: {k} is moto's (or the config's)")
    check(all(isinstance(v, str) for k, v in got.items() if k != "ssl_root_cert" or v is not None),
          "outputs: every value a string (ssl_root_cert: null when not configured)")
    check(cl["ReaderEndpoint"] != cl["Endpoint"], "outputs: the reader endpoint is not the writer's")
    check(got.get("security_group_id") in [g["VpcSecurityGroupId"] for g in cl["VpcSecurityGroups"]],
          "outputs: the security group is the cluster's")
    connect_policy(name, "app", want["app_user"])
    for u in cfg.get("readonly_users", []):
        connect_policy(name, f"readonly-{u}", u)
    with open(text_path) as f:
        lines = f.read().splitlines()
    width = max(len(k) for k in want) + 1
    equal(lines, ["%-*s %s" % (width, k + ":", "(none)" if v is None else v) for k, v in got.items()],
          "outputs: the text is the JSON's, aligned")


def connect_policy(name, kind, user):
    """NAME-<kind>-access: rds-db:connect as user on the cluster only, tagged as appdb's."""
    iam = client("iam")
    rid = client("rds").describe_db_clusters(DBClusterIdentifier=name)["DBClusters"][0]["DbClusterResourceId"]
    policy_arn = f"arn:aws:iam::{ACCOUNT}:policy/{name}-{kind}-access"
    doc = iam.get_policy_version(PolicyArn=policy_arn, VersionId=iam.get_policy(PolicyArn=policy_arn)["Policy"]["DefaultVersionId"])
    resource = doc["PolicyVersion"]["Document"]
    if isinstance(resource, str):
        resource = json.loads(urllib.parse.unquote(resource))
    st = resource["Statement"]
    check(len(st) == 1 and st[0]["Action"] == "rds-db:connect" and st[0]["Effect"] == "Allow" and
          st[0]["Resource"].endswith(f":dbuser:{rid}/{user}"),
          f"policy {name}-{kind}-access lets {user} connect to the cluster ({rid}) only", st)
    tags = {t["Key"]: t["Value"] for t in iam.list_policy_tags(PolicyArn=policy_arn)["Tags"]}
    check(tags.get("managed-by") == "appdb" and "app" in tags and "environment" in tags,
          f"policy {name}-{kind}-access carries appdb's tags", tags)


def policy_gone(name):
    iam = client("iam")
    names = [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]]
    check(name not in names, f"policy {name} is gone", names)


def make_roles(names):
    """Task roles as a service's Terraform makes them, outside appdb."""
    iam = client("iam")
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                                "Principal": {"Service": "ecs-tasks.amazonaws.com"}}]})
    for n in names:
        iam.create_role(RoleName=n, AssumeRolePolicyDocument=trust)


def attach_by_hand(role, policy_name):
    client("iam").attach_role_policy(RoleName=role, PolicyArn=f"arn:aws:iam::{ACCOUNT}:policy/{policy_name}")


def attached(role, want):
    """The role exists, and of the account's own policies has exactly want attached."""
    iam = client("iam")
    got = sorted(p["PolicyName"] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
                 if p["PolicyArn"].startswith(f"arn:aws:iam::{ACCOUNT}:"))
    equal(got, sorted(want), f"role {role} has attached: {', '.join(sorted(want)) or 'none'}")


def main():
    args = sys.argv[1:]
    cmd = args[0]
    if cmd == "created":
        name = args[1]
        maxcap = float(args[args.index("--max-capacity") + 1]) if "--max-capacity" in args else 1.0
        dp = (args[args.index("--deletion-protection") + 1] == "on") if "--deletion-protection" in args else True
        days = int(args[args.index("--backup-retention-days") + 1]) if "--backup-retention-days" in args else None
        created(name, maxcap, dp, days)
    elif cmd == "single":
        single(args[1])
    elif cmd == "gone":
        gone(args[1], "--final-snapshot" in args)
    elif cmd == "key-dropped":
        key_dropped(args[1])
    elif cmd == "writes":
        writes(args[1] if len(args) > 1 else None)
    elif cmd == "actions":
        actions(args[1] if len(args) > 1 else None)
    elif cmd == "outputs":
        outputs(args[1], args[2], args[3], args[4])
    elif cmd == "connect-policy":
        connect_policy(args[1], args[2], args[3])
    elif cmd == "policy-gone":
        policy_gone(args[1])
    elif cmd == "make-roles":
        make_roles(args[1:])
        return 0
    elif cmd == "attach-by-hand":
        attach_by_hand(args[1], args[2])
        return 0
    elif cmd == "attached":
        attached(args[1], args[2:])
    elif cmd == "secret":
        secret(args[1])
        return 0
    else:
        print(f"provider_state.py: unknown command {cmd}", file=sys.stderr)
        return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
