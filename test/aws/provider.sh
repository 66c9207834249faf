#!/usr/bin/env bash
# test/aws/provider.sh: appdb's aws provider end to end, against the test
# bed: moto behind the fault proxy (request authentication on), and the
# Data API server of test/aws/ on a real local PostgreSQL bootstrapped as
# Aurora is.  From nothing: configure, plan, provision (every resource read
# back from moto), a converged provision and plan that only read, roles
# setup and check through the Data API (the report equal to the extension's
# on the same database, also with 10,000 tables), a capacity change, a
# failure halfway, throttling and holds during the wait, a wait that times
# out, the connect policies attached to named task roles (a missing one
# refused, a removed name detached, one attached by hand left), destroy
# refused by deletion protection, then destroy to nothing (detaching the
# policies).
#
#   test/aws/provider.sh
#
# Environment: APPDB (default test/appdb-asan, whose AWS half is
# test/appdb-asan-aws), TABLES (default 10000).  The last line is
# "aws-provider: N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
APPDB=${APPDB:-$root/test/appdb-asan}
case $APPDB in /*) ;; *) APPDB=$root/$APPDB ;; esac
TABLES=${TABLES:-10000}
SERVER_PYTHON=${DATA_API_PYTHON:-/usr/bin/python3}
STATE="python3 $here/provider_state.py"
. "$here/provider_lib.sh"
# json_keys FILE KEY...: one JSON object holding every key
json_keys() { python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
missing = [k for k in sys.argv[2:] if k not in d]
assert not missing, (missing, d)' "$@"; }

. "$here/motobed.sh"
. "$root/test/cluster.sh"
. "$here/data_api_bed.sh"
work=$(mktemp -d /tmp/aws_provider_test.XXXXXX)
chmod 755 "$work"
envdir=$work/env
mkdir -p "$envdir"
cleanup() {
	data_api_bed_stop
	cluster_stop
	motobed_stop
	rm -rf "$work"
}
trap cleanup EXIT
die() { echo "provider.sh: $*" >&2; echo "aws-provider: $passed passed, $((failed + 1)) failed"; exit 2; }

[ -x "$APPDB" ] && [ -x "$APPDB-aws" ] || die "$APPDB and $APPDB-aws must be built"
python_needs provider.sh "$SERVER_PYTHON" psycopg2 || die "the Data API test server cannot run"
# AWS has its managed policies (AmazonRDSEnhancedMonitoringRole, ...); moto loads them on request
export MOTO_IAM_LOAD_MANAGED_POLICIES=true
motobed_start || die "the moto test bed did not start"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

# ---- configure ----
run "configure --provider aws" 0 --app shop --env dev configure --provider aws --region us-east-1
cfg=$envdir/infra/shop/database/dev.json
check "the config names the aws provider, region, cluster and defaults" python3 - "$cfg" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
want = {"provider": "aws", "region": "us-east-1", "cluster_name": "shop-dev", "engine_version": "16.6",
        "min_capacity": 0.5, "max_capacity": 1.0, "port": 5432, "deletion_protection": True,
        "backup_schedule": "cron(0 7 ? * SUN *)", "database": "app"}
bad = {k: (c.get(k), v) for k, v in want.items() if c.get(k) != v}
assert not bad, bad
assert "vpc_id" not in c and "subnet_ids" not in c
EOF
run "configure --provider aws without a region: usage error" 2 --app other --env dev configure --provider aws --region ""
run "a local-only option with --provider aws is refused" 2 --app other --env dev configure --provider aws --pg-bindir /usr/bin
run "an aws-only option for the local provider is refused" 2 --app other --env dev configure --vpc-id vpc-1
has "--provider aws" && ok "the refusal says to add --provider aws" || fail "the refusal says to add --provider aws" "$work/last"
run "an unusable cluster name is refused" 2 --app other --env dev configure --provider aws --region us-east-1 --cluster-name Bad_Name
run "one subnet is refused (a subnet group needs two zones)" 2 --app other --env dev configure --provider aws --region us-east-1 --subnet-ids subnet-1
run "min capacity above max is refused" 2 --app other --env dev configure --provider aws --region us-east-1 --min-capacity 4 --max-capacity 2
run "a task role that is no IAM role name is refused" 2 --app other --env dev configure --provider aws --region us-east-1 --app-access-role "svc/task"
has 'key "app_access_role_names": "svc/task" is not an IAM role name' && ok "... naming the key and the value" ||
	fail "... naming the key and the value" "$work/last"
run "a task role named twice is refused" 2 --app other --env dev configure --provider aws --region us-east-1 --migrator-access-role mig --migrator-access-role MIG
has 'role "MIG" is named twice' && ok "... (IAM role names ignore case)" || fail "... (IAM role names ignore case)" "$work/last"
run "--app-access-role for the local provider is refused" 2 --app other --env dev configure --app-access-role svc
has "--provider aws" && ok "... saying to add --provider aws" || fail "... saying to add --provider aws" "$work/last"
run "configure with task roles" 0 --app other --env roles configure --provider aws --region us-east-1 --app-access-role svc-a --app-access-role svc-b --migrator-access-role mig
check "the config lists them in order" python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))
assert c["app_access_role_names"] == ["svc-a", "svc-b"] and c["migrator_access_role_names"] == ["mig"], c' "$envdir/infra/other/database/roles.json"
run "configure --output json" 0 --app other --env js configure --provider aws --region us-east-1 --output json
check "... prints the file's path and its config" python3 -c 'import json, os, sys
d = json.load(open(sys.argv[1]))
assert os.path.realpath(os.path.join(sys.argv[3], d["config_file"])) == os.path.realpath(sys.argv[2]), d
assert d["config"] == json.load(open(sys.argv[2])) and d["config"]["provider"] == "aws", d' \
	"$work/out.$n" "$envdir/infra/other/database/js.json" "$envdir"
rm -rf "$envdir/infra/other"
check "no config file was written by the refused configures" test ! -e "$envdir/infra/other"

run "outputs before provision: no cluster" 2 --app shop --env dev outputs
has "cluster shop-dev does not exist in us-east-1" && has 'hint: create it with "appdb provision"' &&
	test ! -s "$work/out.$n" && ok "outputs names the missing cluster, prints nothing" ||
	fail "outputs names the missing cluster, prints nothing" "$work/last"

# ---- plan from nothing: read calls only ----
motobed_proxy_reset
run "plan from nothing" 0 --app shop --env dev plan
for what in "create: KMS key alias/shop-dev-database" "create: cluster parameter group shop-dev-16" \
	"create: DB subnet group shop-dev" "create: security group shop-dev-database" \
	"create: IAM role shop-dev-database-monitoring" "create: Aurora cluster shop-dev" \
	"create: instance shop-dev-1" "create: IAM policy shop-dev-app-access" \
	"create: IAM policy shop-dev-migrator-access" "create: backup vault shop-dev-database" \
	"create: backup plan shop-dev-database" "create: backup selection shop-dev-database" \
	"the region's default VPC"; do
	has "$what" && ok "plan says: $what" || fail "plan says: $what" "$work/last"
done
motobed_proxy_log >"$work/plan.log"
$STATE writes "$work/plan.log" >"$work/writes"
check "plan made no mutating call" test ! -s "$work/writes"
cp "$work/out.$n" "$work/plan.txt"
run "plan --output json" 0 --app shop --env dev plan --output json
check "... the text's lines as action and detail, and the counts" python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["provider"] == "aws", d
lines = ["%s: %s" % (c["action"], c["detail"]) for c in d["changes"]]
text = [l for l in open(sys.argv[2]).read().splitlines() if not l.startswith("Plan: ")]
assert lines == text, (lines, text)
assert d["to_create"] == 13 and d["to_change"] == 0, d' "$work/out.$n" "$work/plan.txt"

# ---- CreateAlias refused: the new key is not left behind without a name ----
run "configure an environment for a refused CreateAlias" 0 --app shop --env keytest configure --provider aws --region us-east-1
motobed_proxy_reset
motobed_fault '{"code": "AccessDeniedException", "message": "not allowed: kms:CreateAlias", "match": "TrentService.CreateAlias"}'
run "provision with CreateAlias refused fails" 3 --app shop --env keytest provision --wait-delay 0
has "kms:CreateAlias" && ok "the failure names AWS's refusal" || fail "the failure names AWS's refusal" "$work/last"
has "scheduled the new KMS key" && ok "provision says it dropped the key it could not name" ||
	fail "provision says it dropped the key it could not name" "$work/last"
state key-dropped shop-keytest
motobed_proxy_log >"$work/keytest.log"
$STATE writes "$work/keytest.log" | sed 's/ .*//' | sort -u | tr '\n' ' ' >"$work/writes"
check "provision went no further than the key" grep -qx 'CreateAlias CreateKey ScheduleKeyDeletion ' "$work/writes"
run "plan then creates the key anew" 0 --app shop --env keytest plan
has "create: KMS key alias/shop-keytest-database" && ok "plan: create the key" || fail "plan: create the key" "$work/last"

# ---- template-infra's network: its database subnets are the default ----
# (in us-west-2, whose default VPC the other environments do not use)
netinfo=$(python3 - <<'EOF'
import boto3, os
ec2 = boto3.client("ec2", endpoint_url=os.environ["MOTOBED_MOTO_URL"], region_name="us-west-2")
tags = [{"Key": "project", "Value": "shop"}, {"Key": "network_name", "Value": "net"}]
vpc = ec2.create_vpc(CidrBlock="10.9.0.0/20", TagSpecifications=[{"ResourceType": "vpc", "Tags": tags}])["Vpc"]["VpcId"]
for i, (az, kind) in enumerate([("us-west-2a", "database"), ("us-west-2b", "database"), ("us-west-2c", "private")]):
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.%d.0/24" % i, AvailabilityZone=az, TagSpecifications=[
        {"ResourceType": "subnet", "Tags": tags + [{"Key": "subnet_type", "Value": kind}]}])
print(vpc)
EOF
) || die "could not make template-infra's network in moto"
net_vpc=$netinfo
run "configure an environment with no network configured, where template-infra's network is" 0 \
	--app shop --env net configure --provider aws --region us-west-2
run "plan there" 0 --app shop --env net plan
has "use: template-infra's network: the VPC $net_vpc (10.9.0.0/20) and template-infra's database subnets, tagged subnet_type=database: 2, in 2 availability zones" &&
	ok "plan takes template-infra's VPC and its two database subnets, and says why" ||
	fail "plan takes template-infra's VPC and its two database subnets, and says why" "$work/last"
python3 - <<'EOF' || die "could not make a second network in moto"
import boto3, os
ec2 = boto3.client("ec2", endpoint_url=os.environ["MOTOBED_MOTO_URL"], region_name="us-west-2")
vpc = ec2.create_vpc(CidrBlock="10.8.0.0/20")["Vpc"]["VpcId"]
ec2.create_subnet(VpcId=vpc, CidrBlock="10.8.0.0/24", AvailabilityZone="us-west-2a", TagSpecifications=[
    {"ResourceType": "subnet", "Tags": [{"Key": "subnet_type", "Value": "database"}]}])
EOF
run "two VPCs with database subnets: plan asks which" 2 --app shop --env net plan
has "subnets tagged subnet_type=database (template-infra's database subnets) are in more than one VPC" && has "vpc_tag" &&
	ok "plan names the ambiguity and the key that settles it" || fail "plan names the ambiguity and the key that settles it" "$work/last"
run "configure --vpc-tag network_name=net" 0 --app shop --env net configure --provider aws --region us-west-2 \
	--vpc-tag network_name=net --force
run "plan with the VPC named by its tag" 0 --app shop --env net plan
has "use: the VPC tagged $net_vpc (10.9.0.0/20) and template-infra's database subnets, tagged subnet_type=database: 2, in 2 availability zones" &&
	ok "in the tagged VPC, template-infra's database subnets are taken" ||
	fail "in the tagged VPC, template-infra's database subnets are taken" "$work/last"

# ---- provision from nothing, held in creating, throttled while waiting ----
motobed_proxy_reset
motobed_hold cluster shop-dev creating 3
motobed_hold instance shop-dev-1 creating 2
motobed_fault '{"code": "Throttling", "count": 2, "match": "Action=DescribeDBClusters"}'
run "provision from nothing (held, throttled while waiting)" 0 --app shop --env dev provision --wait-delay 0
has "cluster shop-dev: creating" && ok "provision shows the cluster's states" || fail "provision shows the cluster's states" "$work/last"
has "cluster shop-dev: available" && ok "provision shows the cluster available" || fail "provision shows the cluster available" "$work/last"
has "elapsed" && ok "progress carries the time elapsed" || fail "progress carries the time elapsed" "$work/last"
has "provision: 13 created" && ok "provision counts what it created" || fail "provision counts what it created" "$work/last"
state created shop-dev

# ---- outputs: read back and compared with moto's resources ----
motobed_proxy_reset
run "outputs" 0 --app shop --env dev outputs
cp "$work/out.$n" "$work/outputs.txt"
run "outputs --output json" 0 --app shop --env dev outputs --output json
cp "$work/out.$n" "$work/outputs.json"
state outputs shop-dev "$work/outputs.txt" "$work/outputs.json" "$cfg"
motobed_proxy_log >"$work/outputs.log"
$STATE writes "$work/outputs.log" >"$work/writes"
check "outputs made no mutating call" test ! -s "$work/writes"

# ---- converged: a second provision and plan only read ----
converged() {	# NAME: a provision of shop-dev that says nothing changed and makes no mutating call
	motobed_proxy_reset
	run "$1" 0 --app shop --env dev provision --wait-delay 0
	has "nothing changed" && ok "... says nothing changed" || fail "... says nothing changed" "$work/last"
	motobed_proxy_log >"$work/converged.log"
	$STATE writes "$work/converged.log" >"$work/writes"
	check "... and makes no mutating call" test ! -s "$work/writes"
}
converged "a second provision"
run "provision --output json" 0 --app shop --env dev provision --wait-delay 0 --output json
check "... one document: nothing created or changed, the cluster available at its endpoint" python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["provider"] == "aws" and d["created"] == 0 and d["changed"] == 0, d
assert d["state"] == "available" and d["endpoint"] and d["port"] == 5432 and d["cluster"] == "shop-dev", d
assert all(c["action"] in ("leave", "use") for c in d["steps"]), d' "$work/out.$n"
run "plan when converged" 0 --app shop --env dev plan
has "Nothing to do" && ok "plan says nothing to do" || fail "plan says nothing to do" "$work/last"

# ---- ingress: the service's and the migrator task's security groups, not the VPC ----
read -r sg_svc sg_mig sg_other <<<"$(python3 - <<'EOF'
import boto3, os
ec2 = boto3.client("ec2", endpoint_url=os.environ["MOTOBED_MOTO_URL"], region_name="us-east-1")
vpc = [v for v in ec2.describe_vpcs()["Vpcs"] if v.get("IsDefault")][0]["VpcId"]
print(" ".join(ec2.create_security_group(GroupName=n, Description=n, VpcId=vpc)["GroupId"]
               for n in ("shop-dev-service", "shop-dev-migrator", "shop-dev-by-hand")))
EOF
)" || die "could not make security groups in moto"
set_ingress() {	# the config's ingress_security_group_ids: ids, or none to drop the key
	python3 - "$cfg" "$@" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
if sys.argv[2:]:
    c["ingress_security_group_ids"] = sys.argv[2:]
else:
    c.pop("ingress_security_group_ids", None)
json.dump(c, open(sys.argv[1], "w"), indent=2)
EOF
}
# who may reach 5432 on the database's security group: "cidr ..." and "sg ...(description)", sorted
ingress_now() {
	python3 - <<'EOF'
import boto3, os
ec2 = boto3.client("ec2", endpoint_url=os.environ["MOTOBED_MOTO_URL"], region_name="us-east-1")
g = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["shop-dev-database"]}])["SecurityGroups"][0]
out = []
for p in g["IpPermissions"]:
    if p.get("FromPort") == 5432:
        out += ["cidr " + r["CidrIp"] for r in p.get("IpRanges", [])]
        out += ["sg " + r["GroupId"] for r in p.get("UserIdGroupPairs", [])]
print(" ".join(sorted(out)))
EOF
}
vpc_cidr=$(ingress_now | sed -n 's/.*cidr \([^ ]*\).*/\1/p')
[ -n "$vpc_cidr" ] || die "the database's security group admits no CIDR before the ingress test"
# a rule another hand added (template-infra's service module does): appdb leaves it
python3 - "$sg_other" <<'EOF' || die "could not add a rule by hand"
import boto3, os, sys
ec2 = boto3.client("ec2", endpoint_url=os.environ["MOTOBED_MOTO_URL"], region_name="us-east-1")
g = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["shop-dev-database"]}])["SecurityGroups"][0]
ec2.authorize_security_group_ingress(GroupId=g["GroupId"], IpPermissions=[{"IpProtocol": "tcp", "FromPort": 5432,
    "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": sys.argv[1], "Description": "service by hand"}]}])
EOF
set_ingress "$sg_svc" "$sg_mig"
run "plan with ingress_security_group_ids" 0 --app shop --env dev plan
has "add TCP 5432 from $sg_svc" && has "add TCP 5432 from $sg_mig" && has "remove TCP 5432 from $vpc_cidr (the VPC" &&
	ok "plan adds the two groups and removes the VPC's range" || fail "plan adds the two groups and removes the VPC's range" "$work/last"
run "provision admits the two groups only" 0 --app shop --env dev provision --wait-delay 0
check "the database's security group admits the two groups and the hand-made one, not the VPC" \
	test "$(ingress_now)" = "$(printf '%s\n' "sg $sg_svc" "sg $sg_mig" "sg $sg_other" | sort | tr '\n' ' ' | sed 's/ $//')"
run "plan after: converged" 0 --app shop --env dev plan
has "Nothing to do" && ok "plan: nothing to do with the groups admitted" || fail "plan: nothing to do with the groups admitted" "$work/last"
set_ingress "$sg_svc"
run "plan without the migrator's group" 0 --app shop --env dev plan
has "remove TCP 5432 from $sg_mig (no longer in ingress_security_group_ids)" && ! has "from $sg_other" &&
	ok "plan removes the dropped group, never the hand-made one" || fail "plan removes the dropped group, never the hand-made one" "$work/last"
run "provision removes it" 0 --app shop --env dev provision --wait-delay 0
check "the database's security group admits the service's group and the hand-made one" \
	test "$(ingress_now)" = "$(printf '%s\n' "sg $sg_svc" "sg $sg_other" | sort | tr '\n' ' ' | sed 's/ $//')"
set_ingress sg-0123456789abcdef0
run "an ingress group that does not exist is refused" 2 --app shop --env dev plan
has "ingress_security_group_ids" && ok "the refusal names the key" || fail "the refusal names the key" "$work/last"
set_ingress
run "provision without the key: the VPC again" 0 --app shop --env dev provision --wait-delay 0
check "the database's security group admits the VPC again, the hand-made rule kept" \
	test "$(ingress_now)" = "$(printf '%s\n' "cidr $vpc_cidr" "sg $sg_other" | sort | tr '\n' ' ' | sed 's/ $//')"
python3 - "$sg_svc" "$sg_mig" "$sg_other" <<'EOF' || die "could not remove the test's security groups"
import boto3, os, sys
# through the proxy, which revokes one source group of a rule as AWS does
ec2 = boto3.client("ec2", endpoint_url=os.environ["MOTOBED_PROXY_URL"], region_name="us-east-1")
g = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["shop-dev-database"]}])["SecurityGroups"][0]
ec2.revoke_security_group_ingress(GroupId=g["GroupId"], IpPermissions=[{"IpProtocol": "tcp", "FromPort": 5432,
    "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": sys.argv[3]}]}])
for sg in sys.argv[1:]:
    ec2.delete_security_group(GroupId=sg)
EOF

# ---- roles through the Data API on a real PostgreSQL ----
# on TCP too, for roles check --login (IAM tokens are sent over TLS)
CLUSTER_TCP_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cluster_start "$(pg_config --bindir)" >/dev/null || die "cluster_start failed"
cluster_createdb app >/dev/null || die "createdb app failed"
psql_as() { local who=$1; shift; "$CLUSTER_PSQL" -X -q -At -v ON_ERROR_STOP=1 -U "$who" -d app "$@"; }
psql_as postgres -c "CREATE EXTENSION app_roles" || die "CREATE EXTENSION app_roles failed"
data_api_bed_start "$work" shop-dev || die "the Data API server did not start"
export AWS_ENDPOINT_URL_RDS_DATA=$DATA_API_URL

run "roles check before setup fails" 1 --app shop --env dev roles check
run "roles plan lists the statements" 0 --app shop --env dev roles plan
has 'CREATE ROLE "migrator" LOGIN' && ok "roles plan shows CREATE ROLE migrator" || fail "roles plan shows CREATE ROLE migrator" "$work/last"
run "roles setup through the Data API" 0 --app shop --env dev roles setup --output json
cp "$work/out.$n" "$work/setup.json"
run "a second roles setup changes nothing" 0 --app shop --env dev roles setup
has "nothing to change" && ok "the second setup executed nothing" || fail "the second setup executed nothing" "$work/last"
run "roles check through the Data API" 0 --app shop --env dev roles check --output json
cp "$work/out.$n" "$work/check.json"
psql_as postgres -c "SELECT app_check_roles()" >"$work/ext-check.json"
psql_as postgres -c "SELECT app_setup_roles()" >"$work/ext-setup.json" 2>/dev/null
check "roles check's report is the extension's, byte for byte" cmp "$work/check.json" "$work/ext-check.json"
check "roles setup's report is the extension's, byte for byte" cmp "$work/setup.json" "$work/ext-setup.json"
run "roles setup --via extension is refused on Aurora" 2 --app shop --env dev roles setup --via extension
run "roles check --login without a network path fails clearly" 1 --app shop --env dev roles check --login
has "login app" && has "needs a network path" && ok "--login says why it could not log in" || fail "--login says why it could not log in" "$work/last"
run "roles check --login-if-reachable without a network path" 0 --app shop --env dev roles check --login-if-reachable
has "login not tried: cannot resolve" && lacks "✓ login" && lacks "✗ login" &&
	ok "--login-if-reachable says the login was not tried, and why; the check passes" ||
	fail "--login-if-reachable says the login was not tried, and why; the check passes" "$work/last"
# with --output json, the logins are part of the one JSON document
login_json() {	# file, true|false: the report's keys, then "login" with both roles ok (or not)
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
keys = ["roles", "roles_with_groups", "schema_privileges", "checks", "success", "login"]
assert list(d) == keys, "keys %s, not %s" % (list(d), keys)
for l in d["login"]:
    assert sorted(l) == ["detail", "ok", "role"], l
got = {l["role"]: l["ok"] for l in d["login"]}
want = sys.argv[2] == "true"
assert got == {"migrator": want, "app": want}, "login: %s" % got
' "$1" "$2"
}
run "roles check --login --output json without a network path" 1 --app shop --env dev roles check --login --output json
check "--login --output json prints one JSON document, each login failed" login_json "$work/out.$n" false
# doctor: each cause named with its fix; the endpoint (moto's name) has no path from here
run "doctor without a network path fails" 1 --app shop --env dev doctor
grep -qE '^  ✓ iam authentication +on' "$work/last" && grep -qE '^  ✓ token inputs +region us-east-1, endpoint .*, port 5432' "$work/last" &&
	grep -qE '^  ✓ clock +this machine.s clock is [0-9]+ s ' "$work/last" && grep -qE '^  ✓ app: rds_iam ' "$work/last" &&
	grep -qE '^  ✓ migrator: connect ' "$work/last" && ok "doctor: the cluster, token inputs, clock and roles pass" ||
	fail "doctor: the cluster, token inputs, clock and roles pass" "$work/last"
grep -qE '^  ✗ network path ' "$work/last" && grep -qE '^      fix: .*PGHOSTADDR=127\.0\.0\.1' "$work/last" &&
	ok "doctor names the unreachable endpoint, with the tunnel as a fix" ||
	fail "doctor names the unreachable endpoint, with the tunnel as a fix" "$work/last"
(cd "$envdir" && LC_ALL=C "$APPDB" --app shop --env dev doctor) >"$work/doctor-c" 2>&1
check "doctor in a C locale: ok and FAIL, no marks" bash -c "grep -qE '^  ok +iam authentication ' '$work/doctor-c' &&
	grep -qE '^  FAIL network path ' '$work/doctor-c' && ! grep -qE '✓|✗' '$work/doctor-c'"
has "the database's security group admits port 5432 only from $vpc_cidr" &&
	ok "doctor says what the database's security group admits" ||
	fail "doctor says what the database's security group admits" "$work/last"
# an endpoint that resolves (to a closed port): the rules against this machine's address
closed=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.2", 0)); print(s.getsockname()[1])')
motobed_endpoint shop-dev 127.0.0.2 "$closed" || die "setting the endpoint failed"
sg_rule() {	# authorize|revoke, CIDR: TCP on the test endpoint's port
	python3 -c 'import boto3, os, sys
ec2 = boto3.client("ec2", endpoint_url=os.environ["MOTOBED_MOTO_URL"], region_name="us-east-1")
g = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["shop-dev-database"]}])["SecurityGroups"][0]
getattr(ec2, sys.argv[1] + "_security_group_ingress")(GroupId=g["GroupId"], IpPermissions=[{"IpProtocol": "tcp",
    "FromPort": int(sys.argv[3]), "ToPort": int(sys.argv[3]), "IpRanges": [{"CidrIp": sys.argv[2]}]}])' "$1" "$2" "$closed"
}
run "doctor with nothing admitted on the endpoint's port" 1 --app shop --env dev doctor
has "the database's security group admits nothing on port $closed (this machine's address: 127.0.0.1)" &&
	ok "doctor says the security group admits nothing on the port" ||
	fail "doctor says the security group admits nothing on the port" "$work/last"
sg_rule authorize 10.99.0.0/16 || die "adding a rule for 10.99.0.0/16 failed"
run "doctor with an address outside the security group's range" 1 --app shop --env dev doctor
has "the database's security group admits port $closed only from 10.99.0.0/16, not this machine's address 127.0.0.1" &&
	ok "doctor names this machine's address as outside what the security group admits" ||
	fail "doctor names this machine's address as outside what the security group admits" "$work/last"
sg_rule authorize 127.0.0.0/8 || die "adding a rule for 127.0.0.0/8 failed"
run "doctor with this machine's address admitted" 1 --app shop --env dev doctor
has "security group sg-" && has "admits this machine's address 127.0.0.1 (127.0.0.0/8): the path is blocked elsewhere" &&
	ok "doctor says the security group admits this machine, the path is blocked elsewhere" ||
	fail "doctor says the security group admits this machine, the path is blocked elsewhere" "$work/last"
sg_rule revoke 127.0.0.0/8 && sg_rule revoke 10.99.0.0/16 || die "removing the test's rules failed"
motobed_endpoint shop-dev || die "dropping the endpoint failed"
# the caller's rds-db:connect, as IAM's SimulatePrincipalPolicy decides it
# (the fault proxy answers it: moto lacks it); the test bed's user allows all
grep -qE '^  ✓ app: permission +allowed: rds-db:connect on arn:aws:rds-db:us-east-1:[0-9]{12}:dbuser:cluster-[A-Z0-9]+/app for arn:aws:iam::[0-9]{12}:user/appdb-test$' "$work/last" &&
	grep -qE '^  ✓ migrator: permission +allowed: .*/migrator for ' "$work/last" &&
	ok "doctor: the caller may rds-db:connect as app and as migrator" ||
	fail "doctor: the caller may rds-db:connect as app and as migrator" "$work/last"
iam_py() {	# python statements with iam (boto3, the test bed's user) and me (its name)
	python3 -c "import json, sys, boto3
iam = boto3.client('iam', endpoint_url='$MOTOBED_PROXY_URL', region_name='us-east-1')
me = 'appdb-test'
$1" "${@:2}"
}
deny='{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "rds-db:connect", "Resource": "arn:aws:rds-db:*:*:dbuser:*/app"}]}'
iam_py 'iam.put_user_policy(UserName=me, PolicyName="deny-app-connect", PolicyDocument=sys.argv[1])' "$deny" ||
	die "putting the Deny policy failed"
run "doctor with rds-db:connect denied for app fails" 1 --app shop --env dev doctor --output json
check "... naming app's permission (explicitDeny) with the Deny to remove; migrator's allowed" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = {x["check"]: x for x in d["checks"]}
assert c["app: permission"]["ok"] is False and "explicitDeny" in c["app: permission"]["detail"], c["app: permission"]
assert "remove the Deny of rds-db:connect" in c["app: permission"]["fix"], c["app: permission"]
assert c["migrator: permission"]["ok"] is True, c["migrator: permission"]
' "$work/out.$n"
iam_py 'iam.delete_user_policy(UserName=me, PolicyName="deny-app-connect")' || die "deleting the Deny policy failed"
# a caller whose policies grant no rds-db:connect (the test bed's user, for a
# while allowed everything else): the fix attaches appdb's connect policy
all_but='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "rds-db:*", "Resource": "*"}]}'
all='{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
iam_py 'iam.put_user_policy(UserName=me, PolicyName="allow-all", PolicyDocument=sys.argv[1])' "$all_but" ||
	die "narrowing the test user's policy failed"
run "doctor as a caller without rds-db:connect fails" 1 --app shop --env dev doctor
has "✗ app: permission" && has "implicitDeny: rds-db:connect on" && has ":user/appdb-test" &&
	grep -qE '^      fix: attach arn:aws:iam::[0-9]{12}:policy/shop-dev-app-access to arn:aws:iam::[0-9]{12}:user/appdb-test ' "$work/last" &&
	has "✗ migrator: permission" && ok "doctor names the missing rds-db:connect, with the policy to attach" ||
	fail "doctor names the missing rds-db:connect, with the policy to attach" "$work/last"
app_policy=$(cd "$envdir" && "$APPDB" --app shop --env dev outputs --output json |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["app_access_policy_arn"])') ||
	die "reading app_access_policy_arn from outputs failed"
iam_py 'iam.attach_user_policy(UserName=me, PolicyArn=sys.argv[1])' "$app_policy" ||
	die "attaching the app policy failed"
run "doctor with app's connect policy attached to the caller" 1 --app shop --env dev doctor
has "✓ app: permission" && has "✗ migrator: permission" &&
	ok "with appdb's app policy attached, app's permission passes and migrator's still fails" ||
	fail "with appdb's app policy attached, app's permission passes and migrator's still fails" "$work/last"
iam_py 'iam.detach_user_policy(UserName=me, PolicyArn=sys.argv[1])' "$app_policy" ||
	die "detaching the app policy failed"
iam_py 'iam.put_user_policy(UserName=me, PolicyName="allow-all", PolicyDocument=sys.argv[1])' "$all" ||
	die "restoring the test user's policy failed"
psql_as postgres -c "REVOKE rds_iam FROM app" || die "REVOKE rds_iam failed"
run "doctor with app out of rds_iam fails" 1 --app shop --env dev doctor --output json
check "... naming app's rds_iam, with GRANT rds_iam TO app as its fix" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c = {x["check"]: x for x in d["checks"]}
assert d["ok"] is False
assert c["app: rds_iam"]["ok"] is False and "GRANT rds_iam TO \"app\"" in c["app: rds_iam"]["fix"], c["app: rds_iam"]
assert c["migrator: rds_iam"]["ok"] is True, c["migrator: rds_iam"]
' "$work/out.$n"
run "roles setup grants it again" 0 --app shop --env dev roles setup
run "doctor --role app: rds_iam back" 1 --app shop --env dev doctor --role app
has "✓ app: rds_iam" && lacks "migrator:" && ok "doctor --role app checks app only, rds_iam back" ||
	fail "doctor --role app checks app only, rds_iam back" "$work/last"

# --login through a tunnel, as README says: PGHOSTADDR=127.0.0.1 sends the
# connection to the local server while the token names the cluster's
# endpoint (its port answered as the server's).  The server takes app and
# migrator only over TLS, with a password that is botocore's IAM token for
# them at a frozen time, so a login proves appdb sent exactly that token
# over TLS.  Under faketime, the plain build: ASan cannot run there (AWS.md).
endpoint=$(python3 -c 'import sys, boto3
rds = boto3.client("rds", endpoint_url=sys.argv[1], region_name="us-east-1")
print(rds.describe_db_clusters(DBClusterIdentifier="shop-dev")["DBClusters"][0]["Endpoint"])' "$MOTOBED_PROXY_URL") ||
	die "reading the cluster's endpoint failed"
# as RDS's: a certificate for the endpoint's name, its own root here
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -addext "subjectAltName=DNS:$endpoint" \
	-keyout "$CLUSTER_DIR/data/server.key" -out "$CLUSTER_DIR/data/server.crt" >/dev/null 2>&1 ||
	die "openssl could not make the server's certificate"
cp "$CLUSTER_DIR/data/server.crt" "$work/rds-bundle.pem"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=elsewhere -keyout "$work/other.key" \
	-out "$work/other-bundle.pem" >/dev/null 2>&1 || die "openssl could not make a second certificate"
[ "$(id -u)" = 0 ] && chown "$CLUSTER_USER" "$CLUSTER_DIR/data/server.key" "$CLUSTER_DIR/data/server.crt"
chmod 600 "$CLUSTER_DIR/data/server.key"
{ printf 'hostnossl all all 127.0.0.1/32 reject\nhostssl app app,migrator 127.0.0.1/32 password\n'
	cat "$CLUSTER_DIR/data/pg_hba.conf"; } >"$work/pg_hba.conf"
cat "$work/pg_hba.conf" >"$CLUSTER_DIR/data/pg_hba.conf"
cluster_psql_super -d postgres -c "ALTER SYSTEM SET ssl = on" -c "SELECT pg_reload_conf()" >/dev/null
frozen=$(date -u '+%Y-%m-%d %H:%M:%S')
for who in app migrator; do
	token=$(faketime -f "$frozen" python3 -c 'import sys, botocore.session
rds = botocore.session.get_session().create_client("rds", region_name="us-east-1")
print(rds.generate_db_auth_token(sys.argv[1], int(sys.argv[2]), sys.argv[3]))' "$endpoint" "$PGPORT" "$who") ||
		die "botocore could not make $who's token"
	cluster_psql_super -d postgres -v who="$who" -v token="$token" <<'SQL' >/dev/null || die "setting $who's password failed"
ALTER ROLE :"who" PASSWORD :'token';
SQL
done
motobed_endpoint shop-dev "$endpoint" "$PGPORT"
login() {	# time, more options: stdout in login.out, both in last
	local at=$1
	shift
	(cd "$envdir" && PGHOSTADDR=127.0.0.1 faketime -f "$at" "$root/appdb" --app shop --env dev roles check --login "$@") \
		>"$work/login.out" 2>"$work/login.err"
	local rc=$?
	cat "$work/login.out" "$work/login.err" >"$work/last"
	cat "$work/last" >>"$work/all-output"
	return $rc
}
login "$frozen"
rc=$?
[ $rc = 0 ] && ok "roles check --login through a tunnel (exit 0)" || fail "roles check --login through a tunnel: exit $rc" "$work/last"
for who in app migrator; do
	grep -qE "✓ login $who +logged in to \"app\" with an IAM token over TLS" "$work/last" &&
		ok "$who logged in with its IAM token over TLS" || fail "$who logged in with its IAM token over TLS" "$work/last"
done
login "$frozen" --output json
rc=$?
[ $rc = 0 ] && ok "roles check --login --output json through a tunnel (exit 0)" ||
	fail "roles check --login --output json through a tunnel: exit $rc" "$work/last"
check "--login --output json prints one JSON document, each login ok" login_json "$work/login.out" true
# doctor through the tunnel, every check passing (the plain build under faketime, as login)
(cd "$envdir" && PGHOSTADDR=127.0.0.1 faketime -f "$frozen" "$root/appdb" --app shop --env dev doctor) \
	>"$work/last" 2>&1
rc=$?
cat "$work/last" >>"$work/all-output"
[ $rc = 0 ] && grep -qE '^All [0-9]+ checks passed\.$' "$work/last" &&
	grep -qE '^  ✓ network path +127\.0\.0\.1 port [0-9]+ answers \(PGHOSTADDR: a tunnel\)' "$work/last" &&
	grep -qE '^  ✓ app: login +logged in with an IAM token over TLS' "$work/last" &&
	grep -qE '^  ✓ migrator: login ' "$work/last" && ok "doctor through a tunnel: every check passes (exit 0)" ||
	fail "doctor through a tunnel: every check passes (exit $rc)" "$work/last"
# psql -- ARGS: the arguments reach psql, which logs in with the role's IAM token
(cd "$envdir" && PGHOSTADDR=127.0.0.1 faketime -f "$frozen" "$root/appdb" --app shop --env dev psql --role migrator \
	-- -X -At -c 'SELECT current_user') >"$work/last" 2>&1
rc=$?
cat "$work/last" >>"$work/all-output"
[ $rc = 0 ] && [ "$(cat "$work/last")" = migrator ] && ok "psql -- ARGS: psql runs them, logged in as migrator with its token" ||
	fail "psql -- ARGS: psql runs them, logged in as migrator with its token (exit $rc)" "$work/last"
# --login-if-reachable through the tunnel: a path, so the logins are tried
(cd "$envdir" && PGHOSTADDR=127.0.0.1 faketime -f "$frozen" "$root/appdb" --app shop --env dev roles check \
	--login-if-reachable) >"$work/last" 2>&1
rc=$?
cat "$work/last" >>"$work/all-output"
[ $rc = 0 ] && grep -qE "✓ login app +logged in" "$work/last" && grep -qE "✓ login migrator +logged in" "$work/last" &&
	! grep -q "not tried" "$work/last" && ok "--login-if-reachable through a tunnel logs in as app and migrator" ||
	fail "--login-if-reachable through a tunnel logs in as app and migrator (exit $rc)" "$work/last"
# a clock 10 minutes ahead: named before any token is tried
(cd "$envdir" && PGHOSTADDR=127.0.0.1 faketime -f "+10m" "$root/appdb" --app shop --env dev doctor) \
	>"$work/last" 2>&1
rc=$?
cat "$work/last" >>"$work/all-output"
[ $rc = 1 ] && grep -qE '^  ✗ clock ' "$work/last" && grep -qE '^      fix: set this machine.s clock right \(NTP\)' "$work/last" &&
	! grep -q 'login' "$work/last" && ok "doctor names a clock 10 minutes ahead, with its fix (exit 1)" ||
	fail "doctor names a clock 10 minutes ahead, with its fix (exit $rc)" "$work/last"
# a minute later the token is another: the server refuses it, and says so
login "$(date -u -d "$frozen UTC + 1 minute" '+%Y-%m-%d %H:%M:%S')"
rc=$?
[ $rc = 1 ] && ok "--login with a token the server refuses fails (exit 1)" || fail "--login with a token the server refuses: exit $rc" "$work/last"
grep -qE '✗ login app .*password authentication failed' "$work/last" &&
	ok "--login names the refused password" || fail "--login names the refused password" "$work/last"
lacks "X-Amz-Signature" && ok "no token in --login's output" || fail "no token in --login's output" "$work/last"
# ssl_root_cert: the server verified against the bundle, its name too (verify-full)
set_root_cert() {	# path, or none to drop the key
	python3 - "$cfg" "$@" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
if sys.argv[2:]:
    c["ssl_root_cert"] = sys.argv[2]
else:
    c.pop("ssl_root_cert", None)
json.dump(c, open(sys.argv[1], "w"), indent=2)
EOF
}
set_root_cert "$work/rds-bundle.pem"
login "$frozen"
rc=$?
[ $rc = 0 ] && grep -qE "✓ login app +logged in" "$work/last" &&
	ok "--login verifies the server against ssl_root_cert (exit 0)" || fail "--login verifies the server against ssl_root_cert: exit $rc" "$work/last"
run "url with ssl_root_cert" 0 --app shop --env dev url --role app
has "sslmode=verify-full&sslrootcert=$work/rds-bundle.pem" &&
	ok "url verifies the server against the bundle" || fail "url verifies the server against the bundle" "$work/last"
run "outputs with ssl_root_cert" 0 --app shop --env dev outputs --output json
check "outputs names the bundle and sslmode verify-full" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert (d["sslmode"], d["ssl_root_cert"]) == ("verify-full", sys.argv[2]), d
' "$work/out.$n" "$work/rds-bundle.pem"
# a bundle whose path psql's conninfo would need quoted (a quote and a space)
cp "$work/rds-bundle.pem" "$work/it's a bundle.pem"
set_root_cert "$work/it's a bundle.pem"
(cd "$envdir" && PGHOSTADDR=127.0.0.1 faketime -f "$frozen" "$root/appdb" --app shop --env dev psql --role migrator \
	-- -X -At -c 'SELECT current_user') >"$work/last" 2>&1
rc=$?
cat "$work/last" >>"$work/all-output"
[ $rc = 0 ] && [ "$(cat "$work/last")" = migrator ] &&
	ok "psql verifies the server against a bundle whose path has a quote and a space" ||
	fail "psql verifies the server against a bundle whose path has a quote and a space (exit $rc)" "$work/last"
set_root_cert "$work/other-bundle.pem"
login "$frozen"
rc=$?
[ $rc = 1 ] && grep -qE '✗ login app .*certificate verify failed' "$work/last" &&
	ok "--login refuses a server the bundle does not vouch for (exit 1)" ||
	fail "--login refuses a server the bundle does not vouch for: exit $rc" "$work/last"
set_root_cert
motobed_endpoint shop-dev
cluster_psql_super -d postgres -c "ALTER ROLE app PASSWORD NULL" -c "ALTER ROLE migrator PASSWORD NULL" >/dev/null

echo "# creating $TABLES tables in schema app as migrator..."
psql_as migrator -c "DO \$\$ BEGIN FOR i IN 1..$TABLES LOOP
	EXECUTE format('CREATE TABLE app.t%s (id serial PRIMARY KEY, v text)', i);
	IF i % 200 = 0 THEN COMMIT; END IF; END LOOP; END \$\$" || die "creating the tables failed"
psql_as migrator -c "REVOKE ALL ON ALL TABLES IN SCHEMA app FROM app" || die "REVOKE failed"
run "roles check on $TABLES tables with app's grants revoked fails" 1 --app shop --env dev roles check --output json
psql_as postgres -c "SELECT app_check_roles()" >"$work/ext-check-big.json"
check "... with the extension's report" cmp "$work/out.$n" "$work/ext-check-big.json"
run "roles setup repairs $TABLES tables through the Data API" 0 --app shop --env dev roles setup
run "roles check on $TABLES tables" 0 --app shop --env dev roles check --output json
psql_as postgres -c "SELECT app_check_roles()" >"$work/ext-check-big.json"
check "... with the extension's report" cmp "$work/out.$n" "$work/ext-check-big.json"
check "every Data API call kept within AWS's limits (no limit error in its log)" \
	bash -c "! grep -E 'too large|response size|65,536|BadRequestException' '$work/data-api.log'"

# ---- url: a fresh token, only where asked ----
run "url --role app" 0 --app shop --env dev url --role app
has "postgresql://app:" && has "X-Amz-Signature%3D" && has "sslmode=require" &&
	ok "url carries an IAM token for app over TLS" || fail "url carries an IAM token for app over TLS" "$work/last"
run "url --role master is refused on Aurora" 2 --app shop --env dev url --role master
run "url --output json" 0 --app shop --env dev url --role migrator --output json
check "... the role and its url" python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["role"] == "migrator" and d["url"].startswith("postgresql://migrator:"), d' "$work/out.$n"
run "psql --output json is refused" 2 --app shop --env dev psql --output json
check "... printing nothing, saying why" bash -c "test ! -s '$work/out.$n' && grep -qF -- '--output json does not apply' '$work/err.$n'"
run "token --output json" 0 token --hostname db.example.com --port 5432 --username app --region us-east-1 --output json
check "... one document with the token" python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["token"] and d["token"].startswith("db.example.com:5432/?Action=connect"), d' "$work/out.$n"
check "... and the token nowhere else" test ! -s "$work/err.$n"
run "status" 0 --app shop --env dev status
has "state:     available" && has "data api:  on" && ok "status shows state and Data API" || fail "status shows state and Data API" "$work/last"
run "status --output json" 0 --app shop --env dev status --output json
check "... one document with state, endpoint, engine and instances" python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["provider"] == "aws" and d["state"] == "available" and d["data_api"] is True, d
assert d["endpoint"] and d["port"] == 5432 and d["engine_version"] and d["instances"], d' "$work/out.$n"

# ---- a capacity change: plan shows it, provision makes only that call ----
sed -i 's/"max_capacity": 1.0/"max_capacity": 4.0/' "$cfg"
run "plan after raising max capacity" 0 --app shop --env dev plan
grep '^change:' "$work/out.$n" >"$work/changes"
check "plan shows exactly one change" test "$(wc -l <"$work/changes")" = 1
check "... the capacity, old to new" grep -qF "Serverless v2 capacity 0.5–1 ACU → 0.5–4 ACU" "$work/changes"
motobed_proxy_reset
run "provision the capacity change" 0 --app shop --env dev provision --wait-delay 0
motobed_proxy_log >"$work/change.log"
$STATE writes "$work/change.log" >"$work/writes"
check "provision made only ModifyDBCluster" test "$(cat "$work/writes")" = "ModifyDBCluster"
state created shop-dev --max-capacity 4.0

# ---- the connect policies attached to the task roles the config names ----
$STATE make-roles shop-svc-task shop-migrate-task shop-other-task || die "creating task roles in moto failed"
# attached outside appdb: appdb must leave it, even when no name in the config asks for it
$STATE attach-by-hand shop-other-task shop-dev-app-access || die "attaching by hand in moto failed"
roles_cfg() {	# app names (comma-separated), migrator names
	python3 - "$cfg" "$1" "$2" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
for key, names in (("app_access_role_names", sys.argv[2]), ("migrator_access_role_names", sys.argv[3])):
    c[key] = [n for n in names.split(",") if n]
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
}
roles_cfg shop-svc-task,shop-nonesuch-task shop-migrate-task
motobed_proxy_reset
run "provision with a role that does not exist is refused" 2 --app shop --env dev provision --wait-delay 0
has 'IAM role "shop-nonesuch-task"' && has "does not exist; nothing changed" &&
	ok "... naming the role" || fail "... naming the role" "$work/last"
motobed_proxy_log >"$work/norole.log"
$STATE writes "$work/norole.log" >"$work/writes"
check "... and making no mutating call" test ! -s "$work/writes"
roles_cfg shop-svc-task shop-migrate-task
motobed_proxy_reset
run "plan with task roles named" 0 --app shop --env dev plan
for what in "attach: IAM policy shop-dev-app-access to role shop-svc-task" \
	"attach: IAM policy shop-dev-migrator-access to role shop-migrate-task" \
	"leave: IAM policy shop-dev-app-access attached to role shop-other-task (not by appdb"; do
	has "$what" && ok "plan says: $what" || fail "plan says: $what" "$work/last"
done
has "Plan: 0 to create, 2 to change" && ok "plan counts the attachments as changes" ||
	fail "plan counts the attachments as changes" "$work/last"
motobed_proxy_log >"$work/plan-attach.log"
$STATE writes "$work/plan-attach.log" >"$work/writes"
check "plan made no mutating call" test ! -s "$work/writes"
motobed_proxy_reset
run "provision attaches the policies" 0 --app shop --env dev provision --wait-delay 0
motobed_proxy_log >"$work/attach.log"
$STATE writes "$work/attach.log" | sort | tr '\n' ' ' >"$work/writes"
check "... with two AttachRolePolicy and their records (TagPolicy), nothing else" \
	test "$(cat "$work/writes")" = "AttachRolePolicy AttachRolePolicy TagPolicy TagPolicy "
state attached shop-svc-task shop-dev-app-access
state attached shop-migrate-task shop-dev-migrator-access
state attached shop-other-task shop-dev-app-access
converged "a converged provision with attachments"
roles_cfg "" shop-migrate-task
run "plan after removing the app's task role" 0 --app shop --env dev plan
grep -E '^(attach|detach|change|create):' "$work/out.$n" >"$work/changes"
check "plan shows exactly one detach, from the removed role" \
	test "$(cat "$work/changes")" = "detach: IAM policy shop-dev-app-access from role shop-svc-task (no longer named in ${cfg#$envdir/})"
run "provision detaches the removed name" 0 --app shop --env dev provision --wait-delay 0
state attached shop-svc-task
state attached shop-other-task shop-dev-app-access
state attached shop-migrate-task shop-dev-migrator-access
run "plan after the detach" 0 --app shop --env dev plan
has "Nothing to do" && ok "... nothing to do (the record went with it)" || fail "... nothing to do (the record went with it)" "$work/last"

# ---- read-only users: a connect policy each, attached to the roles named for it ----
run "--readonly-access-role for a user not read-only is refused" 2 --app other --env ro configure --provider aws --region us-east-1 --readonly-user analyst --readonly-access-role app=svc
has 'key "readonly_access_role_names": "app" is not a read-only user' && ok "... naming the user" || fail "... naming the user" "$work/last"
run "configure with a read-only user's role" 0 --app other --env ro configure --provider aws --region us-east-1 --readonly-user analyst --readonly-access-role analyst=bi
check "... written as {user: [roles]}" python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))
assert c["readonly_users"] == ["analyst"] and c["readonly_access_role_names"] == {"analyst": ["bi"]}, c' "$envdir/infra/other/database/ro.json"
$STATE make-roles shop-bi-task || die "creating the read-only task role in moto failed"
# a policy named like appdb's but not made by it (no tags): appdb never deletes it
iam_py 'iam.create_policy(PolicyName="shop-dev-readonly-ghost-access", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "rds-db:connect", "Resource": "*"}]}))' ||
	die "creating a look-alike policy failed"
readonly_cfg() {	# read-only users (comma-separated); each gets shop-bi-task
	python3 - "$cfg" "$1" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
users = [u for u in sys.argv[2].split(",") if u]
c["readonly_users"] = users
c["readonly_access_role_names"] = {u: ["shop-bi-task"] for u in users[:1]}
json.dump(c, open(sys.argv[1], "w"), indent=2)
PY
}
readonly_cfg analyst,support
motobed_proxy_reset
run "plan with read-only users" 0 --app shop --env dev plan
for what in "create: IAM policy shop-dev-readonly-analyst-access: rds-db:connect as \"analyst\" on cluster shop-dev" \
	"create: IAM policy shop-dev-readonly-support-access" \
	"attach: IAM policy shop-dev-readonly-analyst-access to role shop-bi-task"; do
	has "$what" && ok "plan says: $what" || fail "plan says: $what" "$work/last"
done
has "ghost" && fail "plan leaves a policy appdb did not make unmentioned" "$work/last" || ok "plan leaves a policy appdb did not make unmentioned"
motobed_proxy_log >"$work/plan-ro.log"
$STATE writes "$work/plan-ro.log" >"$work/writes"
check "plan made no mutating call" test ! -s "$work/writes"
run "provision makes the read-only users' policies" 0 --app shop --env dev provision --wait-delay 0
state connect-policy shop-dev readonly-analyst analyst
state connect-policy shop-dev readonly-support support
state attached shop-bi-task shop-dev-readonly-analyst-access
converged "a converged provision with read-only users"
run "outputs with read-only users" 0 --app shop --env dev outputs
cp "$work/out.$n" "$work/outputs-ro.txt"
run "outputs --output json with read-only users" 0 --app shop --env dev outputs --output json
cp "$work/out.$n" "$work/outputs-ro.json"
state outputs shop-dev "$work/outputs-ro.txt" "$work/outputs-ro.json" "$cfg"
run "url --role analyst" 0 --app shop --env dev url --role analyst
grep -qE '^postgresql://analyst:[^@]*X-Amz-Signature[^@]*@' "$work/out.$n" &&
	ok "url carries an IAM token for the read-only user" || fail "url carries an IAM token for the read-only user" "$work/last"
run "doctor --role analyst (no path from here)" 1 --app shop --env dev doctor --role analyst
grep -qE '^  ✓ analyst: permission +allowed: rds-db:connect on arn:aws:rds-db:us-east-1:[0-9]{12}:dbuser:cluster-[A-Z0-9]+/analyst for ' "$work/last" &&
	lacks "app: " && ok "doctor checks the read-only user's rds-db:connect, and only its" ||
	fail "doctor checks the read-only user's rds-db:connect, and only its" "$work/last"
readonly_cfg analyst
motobed_proxy_reset
run "plan after removing a read-only user" 0 --app shop --env dev plan
grep -E '^(attach|detach|change|create|delete):' "$work/out.$n" >"$work/changes"
check "plan shows exactly the removed user's policy deleted" \
	test "$(cat "$work/changes")" = 'delete: IAM policy shop-dev-readonly-support-access (read-only user "support" no longer in readonly_users)'
readonly_cfg ""
run "plan after removing every read-only user" 0 --app shop --env dev plan
has 'delete: IAM policy shop-dev-readonly-analyst-access (read-only user "analyst" no longer in readonly_users), detached from the roles appdb attached it to' &&
	ok "... the attached one detached first" || fail "... the attached one detached first" "$work/last"
readonly_cfg analyst
run "provision deletes the removed user's policy" 0 --app shop --env dev provision --wait-delay 0
state policy-gone shop-dev-readonly-support-access
state connect-policy shop-dev readonly-analyst analyst
run "plan after the delete" 0 --app shop --env dev plan
has "Nothing to do" && ok "... nothing to do" || fail "... nothing to do" "$work/last"

# ---- a failure halfway: after the cluster, before the instance ----
mkdir -p "$work/env2"
run2() { local save=$envdir; envdir=$work/env2; run "$@"; envdir=$save; }
run2 "configure a second environment" 0 --app half --env dev configure --provider aws --region us-east-1 --deletion-protection off
motobed_fault '{"code": "InsufficientDBInstanceCapacity", "message": "no capacity now", "count": 1, "match": "Action=CreateDBInstance"}'
run2 "provision stopped by a failure at the instance" 3 --app half --env dev provision --wait-delay 0
has "InsufficientDBInstanceCapacity" && ok "the failure names AWS's error" || fail "the failure names AWS's error" "$work/last"
has "run provision again" && ok "the failure says provision completes it" || fail "the failure says provision completes it" "$work/last"
run2 "outputs of a half-made environment: the policies missing" 2 --app half --env dev outputs --output json
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["app_access_policy_arn"] is None and d["migrator_access_policy_arn"] is None, d
assert d["writer_endpoint"] and d["cluster_resource_id"], d' "$work/out.$n" >"$work/check.out" 2>&1 &&
	ok "... null in JSON, the rest there" || fail "... null in JSON, the rest there" "$work/check.out"
has "2 outputs are missing: app_access_policy_arn, migrator_access_policy_arn" && has 'hint: run "appdb provision"' &&
	ok "... named on stderr, with provision's hint" || fail "... named on stderr, with provision's hint" "$work/last"
run2 "outputs of a half-made environment, as text" 2 --app half --env dev outputs
has 'app_access_policy_arn:      (none: run "appdb provision")' && ok "... text says (none: run \"appdb provision\")" ||
	fail "... text says (none: run \"appdb provision\")" "$work/last"
run2 "the next provision completes it" 0 --app half --env dev provision --wait-delay 0
has "create: instance half-dev-1" && lacks "create: Aurora cluster" && ok "it creates only what was missing" || fail "it creates only what was missing" "$work/last"
state single half-dev
state created half-dev --deletion-protection off

# ---- a cluster that never becomes available ----
run2 "configure a third environment" 0 --app slow --env dev configure --provider aws --region us-east-1 --deletion-protection off
motobed_hold cluster slow-dev creating -1
run2 "a cluster stuck in creating ends in a timeout" 3 --app slow --env dev provision --wait-delay 0 --wait-max-attempts 4
has "still creating after 4 polls" && ok "the timeout says what and how long" || fail "the timeout says what and how long" "$work/last"
motobed_hold cluster slow-dev creating 0
run2 "provision goes on once the cluster is available" 0 --app slow --env dev provision --wait-delay 0

# ---- a cluster made by hand: what appdb cannot change is said ----
python3 - <<'PY' || die "creating a cluster by hand in moto failed"
import os, boto3
rds = boto3.client("rds", endpoint_url=os.environ["MOTOBED_MOTO_URL"], region_name="us-east-1")
rds.create_db_cluster(DBClusterIdentifier="hand-dev", Engine="aurora-postgresql", EngineVersion="16.6",
                      MasterUsername="admin", MasterUserPassword="not-a-secret-1", DatabaseName="other",
                      Port=5433, StorageEncrypted=False)
PY
run2 "configure an environment over a hand-made cluster" 0 --app hand --env dev configure --provider aws --region us-east-1 --deletion-protection off
run2 "plan over a hand-made cluster" 0 --app hand --env dev plan
for what in 'storage is not encrypted' 'master user is "admin"' 'database is "other"' 'listens on port 5433'; do
	has "$what" && ok "plan warns: $what" || fail "plan warns: $what" "$work/last"
done

# ---- destroy ----
run "destroy refuses without --yes off a terminal" 2 --app shop --env dev destroy
run "destroy refuses while deletion protection is on" 2 --app shop --env dev destroy --yes
has "--lift-deletion-protection" && ok "the refusal says how to proceed" || fail "the refusal says how to proceed" "$work/last"
state created shop-dev --max-capacity 4.0
run "destroy --lift-deletion-protection --skip-final-snapshot" 0 --app shop --env dev destroy --yes --lift-deletion-protection --skip-final-snapshot --wait-delay 0
has "detached IAM policy shop-dev-app-access from role shop-other-task" &&
	has "detached IAM policy shop-dev-migrator-access from role shop-migrate-task" &&
	has "detached IAM policy shop-dev-readonly-analyst-access from role shop-bi-task" &&
	has "deleted IAM policy shop-dev-readonly-analyst-access" &&
	ok "destroy detached the policies from their roles (a read-only user's too) and deleted them" ||
	fail "destroy detached the policies from their roles (a read-only user's too) and deleted them" "$work/last"
for r in shop-svc-task shop-migrate-task shop-other-task shop-bi-task; do
	state attached $r
done
state policy-gone shop-dev-readonly-analyst-access
iam_py 'iam.get_policy(PolicyArn="arn:aws:iam::123456789012:policy/shop-dev-readonly-ghost-access")' >/dev/null 2>&1 &&
	ok "destroy left the look-alike policy appdb did not make" || fail "destroy left the look-alike policy appdb did not make" "$work/last"
iam_py 'iam.delete_policy(PolicyArn="arn:aws:iam::123456789012:policy/shop-dev-readonly-ghost-access")' ||
	die "deleting the look-alike policy failed"
run2 "destroy, keeping the final snapshot" 0 --app half --env dev destroy --yes --wait-delay 0
has "final snapshot half-dev-final-" && ok "destroy names the final snapshot" || fail "destroy names the final snapshot" "$work/last"
state gone half-dev --final-snapshot
run2 "status after destroy" 0 --app half --env dev status
has "state:     absent" && has "snapshot:  half-dev-final-" && ok "status names the final snapshot" || fail "status names the final snapshot" "$work/last"
run2 "destroy the third, --output json" 0 --app slow --env dev destroy --yes --skip-final-snapshot --wait-delay 0 --output json
check "... one document: destroyed, no final snapshot, each step done" python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["provider"] == "aws" and d["destroyed"] is True and d["final_snapshot"] is None, d
done = [(s["action"], s["detail"]) for s in d["steps"]]
assert ("delete", "deleting cluster slow-dev (no final snapshot)") in done, done
assert ("delete", "deleted security group slow-dev-database") in done, done' "$work/out.$n"
state gone shop-dev
state gone slow-dev
run "a second destroy finds nothing to delete" 0 --app shop --env dev destroy --yes --skip-final-snapshot --wait-delay 0
run "destroy --output json when there is nothing to delete" 0 --app shop --env dev destroy --yes --skip-final-snapshot --wait-delay 0 --output json
check "... one document: nothing destroyed" python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["provider"] == "aws" and d["destroyed"] is False and d["cluster"] == "shop-dev", d' "$work/out.$n"
run "status --output json after destroy" 0 --app shop --env dev status --output json
check "... absent" python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert d["state"] == "absent" and isinstance(d["snapshots"], list) and "endpoint" not in d, d' "$work/out.$n"

# ---- secrets ----
check "the master password appears in no output" bash -c "! grep -qF -- '$master_password' '$work/all-output'"
check "nor in the proxy's log" bash -c "! curl -sf '$MOTOBED_PROXY_URL/__proxy/log' | grep -qF -- '$master_password'"
check "nor in the Data API server's log" bash -c "! grep -qF -- '$master_password' '$work/data-api.log'"
check "the secret key appears in no output" bash -c "! grep -qF -- '$AWS_SECRET_ACCESS_KEY' '$work/all-output'"
# the four url runs (without and with ssl_root_cert, --output json, a read-only user) and token print one each
check "a token appears only where url and token printed one" \
	bash -c "test \"\$(grep -l 'X-Amz-Signature' $work/out.* $work/err.* | wc -l)\" = 5"

echo "aws-provider: $passed passed, $failed failed"
[ "$failed" = 0 ]
