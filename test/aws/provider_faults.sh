#!/usr/bin/env bash
# test/aws/provider_faults.sh: appdb's aws provider when AWS applied a call
# whose answer was lost (issue 10 §6), on the test bed of provider.sh (moto
# behind the fault proxy, request authentication on).  A provision with
# CreateAlias's answer lost; a first provision with every create's answer
# lost once; a rerun that adopts the environment's key left without its
# alias; destroy of such a key; and a provision with 20% of its requests
# faulted (throttling, 5xx, resets before sending, answers lost after),
# drawn from a fixed seed so that no call meets more faults in a row than
# the retry budget allows (3 attempts: at most 2 faults per operation).
# Each provision must exit 0 and leave exactly one of each resource.
#
#   test/aws/provider_faults.sh
#
# Environment: APPDB (default test/appdb-asan, whose AWS half is
# test/appdb-asan-aws), FAULT_SEED (default 20261202).  The last line is
# "aws-provider-faults: N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
APPDB=${APPDB:-$root/test/appdb-asan}
case $APPDB in /*) ;; *) APPDB=$root/$APPDB ;; esac
FAULT_SEED=${FAULT_SEED:-20261202}
STATE="python3 $here/provider_state.py"
. "$here/provider_lib.sh"	# ok, fail, check, state, run, has

. "$here/motobed.sh"
work=$(mktemp -d /tmp/aws_provider_faults.XXXXXX)
envdir=$work/env
mkdir -p "$envdir"
cleanup() {
	motobed_stop
	rm -rf "$work"
}
trap cleanup EXIT
die() { echo "provider_faults.sh: $*" >&2; echo "aws-provider-faults: $passed passed, $((failed + 1)) failed"; exit 2; }

[ -x "$APPDB" ] && [ -x "$APPDB-aws" ] || die "$APPDB and $APPDB-aws must be built"
export MOTO_IAM_LOAD_MANAGED_POLICIES=true
motobed_start || die "the moto test bed did not start"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

configure() {
	run "configure shop/$1" 0 --app shop --env "$1" configure --provider aws --region us-east-1 --deletion-protection off
}

# A provision that went through, read back: every resource as configured,
# one of each, and a rerun that finds nothing to do.
converged() {
	state created "shop-$1" --deletion-protection off
	state single "shop-$1"
	run "a rerun over shop-$1" 0 --app shop --env "$1" provision --wait-delay 0
	has "nothing changed" && ok "the rerun over shop-$1 changed nothing" ||
		fail "the rerun over shop-$1 changed nothing" "$work/last"
}

# A key as appdb makes it for shop/ENV (its description and tags), made
# past appdb: a CreateKey whose answer never came back.
tagged_key() {
	python3 - "$1" <<'PY'
import os, sys, boto3
kms = boto3.client("kms", endpoint_url=os.environ["MOTOBED_MOTO_URL"], region_name="us-east-1")
print(kms.create_key(Description="appdb: storage of the Aurora cluster",
                     Tags=[{"TagKey": "app", "TagValue": "shop"}, {"TagKey": "environment", "TagValue": sys.argv[1]},
                           {"TagKey": "managed-by", "TagValue": "appdb"}])["KeyMetadata"]["KeyId"])
PY
}

# ---- CreateAlias applied, its answer lost: the retry's AlreadyExists is success ----
configure alias
motobed_proxy_reset
motobed_fault '{"lost": true, "match": "TrentService.CreateAlias"}'
run "provision with CreateAlias's answer lost" 0 --app shop --env alias provision --wait-delay 0
motobed_proxy_log >"$work/alias.log"
check "CreateAlias's answer was lost once, and the call sent again" python3 - "$work/alias.log" <<'PY'
import json, sys
calls = [e for e in map(json.loads, open(sys.argv[1])) if e["target"] == "TrentService.CreateAlias"]
assert [e["status"] for e in calls][:1] == ["lost"] and len(calls) >= 2, [e["status"] for e in calls]
PY
converged alias

# ---- a first provision with every create's answer lost once ----
configure lost
motobed_proxy_reset
for m in TrentService.CreateKey TrentService.CreateAlias TrentService.EnableKeyRotation \
	Action=CreateDBClusterParameterGroup Action=ModifyDBClusterParameterGroup Action=CreateDBSubnetGroup \
	Action=CreateSecurityGroup Action=AuthorizeSecurityGroupIngress Action=CreateRole Action=AttachRolePolicy \
	'Action=CreateDBCluster&' Action=CreateDBInstance Action=EnableHttpEndpoint Action=CreatePolicy \
	'PUT /backup-vaults/' '"BackupPlanName"' '"SelectionName"'; do
	# two roles and two policies: each one's create loses its answer
	count=1
	case $m in Action=CreateRole | Action=AttachRolePolicy | Action=CreatePolicy) count=2 ;; esac
	motobed_fault "$(python3 -c 'import json, sys; print(json.dumps({"lost": True, "match": sys.argv[1], "count": int(sys.argv[2])}))' "$m" "$count")"
done
run "a first provision, every create's answer lost once" 0 --app shop --env lost provision --wait-delay 0
motobed_proxy_log >"$work/lost.log"
check "every create's answer was lost" bash -c "test \"\$(curl -sf '$MOTOBED_PROXY_URL/__proxy/faults')\" = '[]'"
check "... 20 answers lost in all" test "$(grep -c '"status": "lost"' "$work/lost.log")" = 20
converged lost

# ---- a rerun adopts the environment's key that has no alias yet ----
configure adopt
key=$(tagged_key adopt) || die "making a tagged key in moto failed"
run "plan over a key left without its alias" 0 --app shop --env adopt plan
has "$key" && ok "plan names the key it will adopt" || fail "plan names the key it will adopt" "$work/last"
run "provision adopts it" 0 --app shop --env adopt provision --wait-delay 0
check "the alias names the adopted key" python3 - "$key" <<'PY'
import os, sys, boto3
kms = boto3.client("kms", endpoint_url=os.environ["MOTOBED_MOTO_URL"], region_name="us-east-1")
assert [a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/shop-adopt-database"] == [sys.argv[1]]
PY
converged adopt

# ---- destroy finds a key left without its alias ----
configure orphan
tagged_key orphan >/dev/null || die "making a tagged key in moto failed"
run "destroy with only an unaliased key of the environment" 0 --app shop --env orphan destroy --yes --skip-final-snapshot --wait-delay 0
state gone shop-orphan

# ---- 20% of the requests faulted, from a fixed seed ----
echo "# fault seed $FAULT_SEED (FAULT_SEED=$FAULT_SEED test/aws/provider_faults.sh reproduces the run)"
configure faults
motobed_proxy_reset
# the operations of a provision from nothing (the first run above, its
# names changed), one fault each for a share of them, count 1 or 2 (under the 3
# attempts), until the faults are a fifth of what the run will send
python3 - "$work/alias.log" "$FAULT_SEED" >"$work/faults.json" <<'PY' || die "drawing the faults failed"
import json, random, sys
log = [json.loads(l) for l in open(sys.argv[1])]
rng = random.Random(int(sys.argv[2]))
ops = []
for e in log:
    if e["target"]:
        m = "\n%s\n" % e["target"]
    elif e["action"]:
        m = "Action=%s&" % e["action"]
    elif "/plans/" in e["path"] and e["path"].rstrip("/") != "/backup/plans":
        continue    # a path naming a plan id, which differs from run to run
    else:
        m = "%s %s\n" % (e["method"], e["path"].replace("shop-alias", "shop-faults"))
    if m not in ops:
        ops.append(m)
sent = len([e for e in log if e["status"] != "lost"])   # a clean run's requests, about
want = -(-sent * 27 // 100)     # F faults: F / (sent + F + the reads they cause) about 20%
rng.shuffle(ops)
faults = []
kinds = [{"code": "Throttling", "message": "Rate exceeded"}, {"status": 503}, {"reset": True}, {"lost": True}]
for i, m in enumerate(ops):
    if sum(f["count"] for f in faults) >= want:
        break
    faults.append(dict(kinds[i % len(kinds)], match=m, count=rng.choice([1, 2])))
json.dump(faults, sys.stdout)
PY
motobed_fault "$(cat "$work/faults.json")" || die "setting the faults failed"
run "provision with 20% of its requests faulted" 0 --app shop --env faults provision --wait-delay 0
motobed_proxy_log >"$work/faults.log"
python3 - "$work/faults.log" "$work/faults.json" <<'PY' >"$work/figure"
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
faulted = [e for e in log if e["fault"]]
kinds = {}
for e in faulted:
    k = "lost" if e["status"] == "lost" else "reset" if e["status"] == "reset" else str(e["status"])
    kinds[k] = kinds.get(k, 0) + 1
print("%d of %d requests faulted (%.0f%%): %s; %d faults drawn" % (
    len(faulted), len(log), 100.0 * len(faulted) / len(log),
    ", ".join("%s %d" % kv for kv in sorted(kinds.items())), sum(f["count"] for f in json.load(open(sys.argv[2])))))
PY
sed 's/^/# /' "$work/figure"
check "at least 15% of the run's requests were faulted" python3 - "$work/faults.log" <<'PY'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1])]
assert sum(e["fault"] for e in log) * 100 >= 15 * len(log)
PY
converged faults

echo "aws-provider-faults: $passed passed, $failed failed"
[ "$failed" = 0 ]
