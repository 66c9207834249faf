#!/usr/bin/env bash
# test/aws/policy.sh: policy/appdb.json's action list, proven on moto with
# request authentication on (AWS.md, "What moto's request authentication can
# and cannot prove").  A user "appdb-least" holding exactly the document's
# actions (Resource "*", no conditions: moto matches Resource against "*"
# literally and ignores Condition) runs configure, plan, provision, a
# converged plan, a repair of drift (capacity, backup schedule, subnets, the
# connect policy's document, enhanced monitoring, made temporary with a
# recovery point in its vault, the task role it is attached to), status,
# outputs, url and destroy (detaching it);
# the actions of that run's request log must equal the policy's minus the
# table in policy/README.md (dependent actions AWS checks and moto does not,
# and the Data API's).  Then each logged action is dropped in turn: a user
# whose policy lacks only that action runs the flow, on an environment of its
# own prepared by the runs before it, as far as the first call that needs the
# action, and appdb must stop with exit 3 and AccessDenied naming it.
# roles setup/check are left out (they need the Data API server and a
# PostgreSQL, and their rds-data actions come from the table anyway).
#
#   test/aws/policy.sh
#
# Environment: APPDB (default test/appdb-asan, whose AWS half is
# test/appdb-asan-aws).  The last line is "aws-policy: N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
APPDB=${APPDB:-$root/test/appdb-asan}
case $APPDB in /*) ;; *) APPDB=$root/$APPDB ;; esac
POLICY=$root/policy/appdb.json
README=$root/policy/README.md
STATE="python3 $here/provider_state.py"
passed=0 failed=0 skipped=0
started=$(date +%s)

ok() { passed=$((passed + 1)); echo "ok - $1"; }
skip() { skipped=$((skipped + 1)); echo "ok - $1 # skip $2"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && sed 's/^/#   /' "$2" | head -20; return 0; }

. "$here/motobed.sh"
work=$(mktemp -d /tmp/aws_policy_test.XXXXXX)
cleanup() {
	motobed_stop
	rm -rf "$work"
}
trap cleanup EXIT
die() { echo "policy.sh: $*" >&2; echo "aws-policy: $passed passed, $((failed + 1)) failed"; exit 2; }

[ -x "$APPDB" ] && [ -x "$APPDB-aws" ] || die "$APPDB and $APPDB-aws must be built"
export MOTO_IAM_LOAD_MANAGED_POLICIES=true
motobed_start || die "the moto test bed did not start"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
bed_key=$AWS_ACCESS_KEY_ID bed_secret=$AWS_SECRET_ACCESS_KEY
as_bed() { AWS_ACCESS_KEY_ID=$bed_key AWS_SECRET_ACCESS_KEY=$bed_secret "$@"; }

# the task roles the config names, made as a service's Terraform would
as_bed $STATE make-roles shop-svc-task shop-other-task drop-svc-task drop-other-task ||
	die "creating the task roles failed"
# the policy's actions, and the table's
python3 - "$POLICY" >"$work/policy-actions" <<'PY' || die "policy/appdb.json is not a policy document"
import json, sys
doc = json.load(open(sys.argv[1]))
acts = set()
for s in doc["Statement"]:
    assert s["Effect"] == "Allow"
    a = s["Action"]
    acts.update([a] if isinstance(a, str) else a)
print("\n".join(sorted(acts)))
PY
sed -n 's/^| `\([a-z0-9-]*:[A-Za-z]*\)` |.*/\1/p' "$README" | sort -u >"$work/table-actions"
[ -s "$work/table-actions" ] || die "no dependent-actions table in policy/README.md"
comm -13 "$work/policy-actions" "$work/table-actions" >"$work/x"
if [ -s "$work/x" ]; then fail "every action of the README's table is in the policy" "$work/x"; else ok "every action of the README's table is in the policy"; fi

# users: NAME [DROPPED_ACTION] ... -> "name akid secret" lines; authentication
# lifted for the set-up, one attempt a call (motobed.sh)
make_users() {
	as_bed python3 - "$MOTOBED_MOTO_URL" "$work/policy-actions" "$@" <<'PY'
import json, sys, urllib.request
import boto3
from botocore.config import Config
moto, actions_file, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
actions = open(actions_file).read().split()
def reset_auth(v):
    urllib.request.urlopen(urllib.request.Request(moto + "/moto-api/reset-auth", data=v.encode(), method="POST",
                           headers={"Content-Type": "text/plain"}), timeout=10).read()
reset_auth("inf")
try:
    iam = boto3.client("iam", endpoint_url=moto, region_name="us-east-1",
                       config=Config(retries={"mode": "standard", "total_max_attempts": 1}))
    for spec in specs:
        name, _, dropped = spec.partition("=")
        doc = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": [a for a in actions if a != dropped], "Resource": "*"}]}
        iam.create_user(UserName=name)
        arn = iam.create_policy(PolicyName=name, PolicyDocument=json.dumps(doc))["Policy"]["Arn"]
        iam.attach_user_policy(UserName=name, PolicyArn=arn)
        k = iam.create_access_key(UserName=name)["AccessKey"]
        print(name, k["AccessKeyId"], k["SecretAccessKey"])
finally:
    reset_auth("0")
PY
}
tell_proxy() {
	printf '{"access_key_id": "%s", "secret_access_key": "%s"}' "$1" "$2" |
		curl -sf -X POST -H 'Content-Type: application/json' --data-binary @- \
			"$MOTOBED_PROXY_URL/__proxy/credentials" >/dev/null
}
make_users appdb-least >"$work/least.keys" 2>"$work/users.err" || { cat "$work/users.err" >&2; die "creating appdb-least failed"; }
read -r _ least_key least_secret <"$work/least.keys"
tell_proxy "$least_key" "$least_secret" || die "giving the proxy appdb-least's key failed"

# the flow; step K ENVDIR APP: appdb's commands, and the bed's drift set-up
nsteps=9
step_name() {
	case $1 in
		1) echo "configure --provider aws" ;; 2) echo "plan from nothing" ;; 3) echo "provision" ;;
		4) echo "plan when converged" ;; 5) echo "(drift, made by the bed)" ;; 6) echo "provision repairing drift" ;;
		7) echo "status, outputs" ;; 8) echo "url --role app" ;;
		9) echo "destroy --lift-deletion-protection --skip-final-snapshot" ;;
	esac
}
step() {
	local k=$1 dir=$2 app=$3
	mkdir -p "$dir"
	case $k in
		1) (cd "$dir" && "$APPDB" --app "$app" --env dev configure --provider aws --region us-east-1 \
			--app-access-role "$app-svc-task") ;;
		2) (cd "$dir" && "$APPDB" --app "$app" --env dev plan) ;;
		3|6) (cd "$dir" && "$APPDB" --app "$app" --env dev provision --wait-delay 0) ;;
		4) (cd "$dir" && "$APPDB" --app "$app" --env dev plan) ;;
		5) drift "$dir" "$app" ;;
		7) (cd "$dir" && "$APPDB" --app "$app" --env dev status && "$APPDB" --app "$app" --env dev outputs) ;;
		8) (cd "$dir" && "$APPDB" --app "$app" --env dev url --role app) ;;
		9) (cd "$dir" && "$APPDB" --app "$app" --env dev destroy --yes --lift-deletion-protection \
			--skip-final-snapshot --wait-delay 0) ;;
	esac </dev/null
}
# drift: a new capacity, schedule, subnets and ingress group in the config, the app's task
# role replaced by another (one detach, one attach); the connect policy at
# IAM's five versions with another document; monitoring changed
drift() {
	as_bed python3 - "$1/infra/$2/database/dev.json" "$2-dev" <<'PY'
import json, os, sys
import boto3
from botocore.config import Config
cfg_file, name = sys.argv[1], sys.argv[2]
cfg = json.load(open(cfg_file))
conf = Config(retries={"mode": "standard", "total_max_attempts": 1})
moto, proxy = os.environ["MOTOBED_MOTO_URL"], os.environ["MOTOBED_PROXY_URL"]
ec2 = boto3.client("ec2", endpoint_url=moto, config=conf)
vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
subnets = sorted(s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"])
cfg["max_capacity"] = 2.0
cfg["backup_schedule"] = "cron(0 8 ? * SAT *)"
cfg["subnet_ids"] = subnets[:2]
# made temporary: destroy then deletes the vault's recovery points (one, as a backup job leaves it)
cfg["temporary"], cfg["deletion_protection"] = True, False
cfg["app_access_role_names"] = [name[:-len("-dev")] + "-other-task"]
# the service's group admitted instead of the VPC: provision adds one rule and revokes the other
cfg["ingress_security_group_ids"] = [ec2.create_security_group(
    GroupName=name + "-service", Description="the service", VpcId=vpc)["GroupId"]]
json.dump(cfg, open(cfg_file, "w"), indent=2)
import urllib.request
urllib.request.urlopen(urllib.request.Request(proxy + "/__proxy/recovery_point", method="POST",
    data=json.dumps({"vault": f"{name}-database"}).encode(), headers={"Content-Type": "application/json"}), timeout=10).read()
iam = boto3.client("iam", endpoint_url=moto, config=conf)
arn = f"arn:aws:iam::123456789012:policy/{name}-app-access"
for i in range(4):
    iam.create_policy_version(PolicyArn=arn, SetAsDefault=(i == 3), PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "rds-db:connect", "Resource": f"arn:aws:rds-db:us-east-1:123456789012:dbuser:old{i}/app"}]}))
# moto drops MonitoringInterval; the proxy keeps what is sent through it
boto3.client("rds", endpoint_url=proxy, config=conf).modify_db_instance(
    DBInstanceIdentifier=f"{name}-1", MonitoringInterval=60, ApplyImmediately=True)
PY
	motobed_proxy_reset
}

# ---- the full run as appdb-least ----
motobed_proxy_reset
: >"$work/full.log"
for k in $(seq 1 $nsteps); do
	AWS_ACCESS_KEY_ID=$least_key AWS_SECRET_ACCESS_KEY=$least_secret step "$k" "$work/full" shop >"$work/out" 2>&1
	rc=$?
	who="as appdb-least: "; [ "$k" = 5 ] && who="the bed: "
	if [ "$rc" = 0 ]; then ok "$who$(step_name "$k")"; else fail "$who$(step_name "$k"): exit $rc" "$work/out"; fi
	motobed_proxy_log >"$work/log.$k"
	cat "$work/log.$k" >>"$work/full.log"
	motobed_proxy_reset
	[ "$k" = 5 ] && : >"$work/log.5"
done
# the actions the run used, each with the step it was first used in
$STATE actions "$work/full.log" >"$work/logged" 2>"$work/actions.err" ||
	fail "every logged request maps to an IAM action" "$work/actions.err"
: >"$work/order"
for k in $(seq 1 $nsteps); do
	PROVIDER_STATE_ORDER=log $STATE actions "$work/log.$k" 2>/dev/null | while read -r a; do
		grep -q " $a$" "$work/order" || echo "$k $a" >>"$work/order"
	done
done
comm -23 "$work/policy-actions" "$work/table-actions" >"$work/expected"
comm -23 "$work/logged" "$work/expected" | sed 's/^/missing from the policy: /' >"$work/diff"
comm -13 "$work/logged" "$work/expected" | sed 's/^/in the policy but unused (nor in the table): /' >>"$work/diff"
if [ -s "$work/diff" ]; then fail "the run's actions are the policy's minus the README's table" "$work/diff"
else ok "the run's actions ($(wc -l <"$work/logged")) are the policy's minus the README's table ($(wc -l <"$work/table-actions"))"; fi

# ---- drop each logged action in turn ----
# not checkable by drop: what moto allows anyway, and what the proxy answers
# or passes with moto's IAM check lifted (fault_proxy.py)
python3 - "$work/full.log" >"$work/unchecked" <<'PY'
import json, re, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if "/selections/" in (e.get("path") or ""):
        print(e["method"], re.sub(r"/[0-9a-f-]{36}", "/ID", e["path"].split("?")[0]), "selections: answered by the proxy (moto has none), no IAM check")
    elif e.get("signature_checked_by") == "proxy":
        print(e["method"], re.sub(r"/[0-9a-f-]{36}", "/ID", e["path"].split("?")[0]), "bodiless Backup call: moto cannot verify its signature, the proxy passes it with moto's IAM check lifted")
PY
reason_for() {
	local a=$1
	case $a in
		sts:GetCallerIdentity) echo "moto (like AWS) always allows it"; return ;;
		kms:ListResourceTags)
			echo "a key whose tags appdb may not read is not its own (the policy lets it read only keys tagged managed-by=appdb), so the refusal ends no run"; return ;;
		backup:CreateBackupSelection|backup:ListBackupSelections|backup:DeleteBackupSelection|backup:GetBackupSelection)
			echo "Backup selections are answered by the proxy (moto has none), which does not evaluate IAM"; return ;;
		backup:ListRecoveryPointsByBackupVault|backup:DeleteRecoveryPoint)
			echo "Backup recovery points are answered by the proxy (moto has none), which does not evaluate IAM"; return ;;
	esac
	case $a in
		backup:DescribeBackupVault|backup:ListBackupPlans|backup:GetBackupPlan|backup:DeleteBackupPlan|backup:DeleteBackupVault)
			grep -q "bodiless" "$work/unchecked" &&
				echo "a bodiless Backup call: moto cannot verify its signature, so the proxy passes it with moto's IAM check lifted" ;;
	esac
}
# the wire operation of an action, as appdb's error names it
op_of() { echo "${1#*:}"; }

: >"$work/drop-specs"
while read -r k a; do
	[ -n "$(reason_for "$a")" ] && continue
	echo "drop-${a/:/-}=$a" >>"$work/drop-specs"
done <"$work/order"
make_users $(cat "$work/drop-specs") >"$work/drop.keys" 2>"$work/users.err" ||
	{ cat "$work/users.err" >&2; die "creating the drop users failed"; }
while read -r _ key secret; do tell_proxy "$key" "$secret"; done <"$work/drop.keys"

dir=$work/drop p=1
while read -r k a; do
	why=$(reason_for "$a")
	if [ -n "$why" ]; then skip "drop $a" "not checkable by drop: $why"; continue; fi
	# bring the drop environment to step k with the whole policy
	while [ "$p" -lt "$k" ]; do
		AWS_ACCESS_KEY_ID=$least_key AWS_SECRET_ACCESS_KEY=$least_secret step "$p" "$dir" drop >"$work/out" 2>&1 ||
			fail "preparing the drop environment: $(step_name "$p")" "$work/out"
		p=$((p + 1))
	done
	read -r _ key secret < <(grep "^drop-${a/:/-} " "$work/drop.keys")
	AWS_ACCESS_KEY_ID=$key AWS_SECRET_ACCESS_KEY=$secret step "$k" "$dir" drop >"$work/out" 2>&1
	rc=$?
	if [ "$rc" = 3 ] && grep -q "AccessDenied" "$work/out" && grep -q "$(op_of "$a")" "$work/out"; then
		ok "without $a, $(step_name "$k") stops: exit 3, AccessDenied on $(op_of "$a")"
	else
		fail "without $a, $(step_name "$k") stops with exit 3 and AccessDenied on $(op_of "$a") (exit $rc)" "$work/out"
	fi
done <"$work/order"

echo "# $skipped skipped, $(( $(date +%s) - started )) s"
echo "aws-policy: $passed passed, $failed failed"
[ "$failed" = 0 ]
