#!/usr/bin/env bash
# test/bench/provision.sh: the AWS calls of appdb's aws provider, counted in
# the fault proxy's request log (moto behind it, authentication on):
#   - a first provision, a converged provision, and plan: calls in all, the
#     mutating ones, and the most any one operation was called (goal:
#     converged and plan make read calls only, each resource described once);
#   - polls to reach "available" while the proxy holds the cluster and the
#     instance in "creating" for HOLD polls, beside the SDK waiter's schedule
#     (a describe, then one every delay until the goal: HOLD + 1 describes).
# Figures only; nothing is asserted.
#
#   test/bench/provision.sh        APPDB (default ./appdb), HOLD (default 5)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
APPDB=${APPDB:-$root/appdb}
HOLD=${HOLD:-5}
STATE="python3 $root/test/aws/provider_state.py"
. "$root/test/aws/motobed.sh"
work=$(mktemp -d /tmp/bench_provision.XXXXXX)
trap 'motobed_stop; rm -rf "$work"' EXIT
export MOTO_IAM_LOAD_MANAGED_POLICIES=true
motobed_start || exit 2
cd "$work" || exit 2
"$APPDB" --app bench --env dev configure --provider aws --region us-east-1 --deletion-protection off >/dev/null 2>&1 || exit 2

# calls of one appdb command: all, mutating, the most calls of one operation
count() {
	local label=$1; shift
	motobed_proxy_reset
	"$APPDB" --app bench --env dev "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 2; }
	motobed_proxy_log >"$work/log"
	python3 - "$label" "$work/log" <<'EOF'
import collections, json, sys
label, path = sys.argv[1], sys.argv[2]
log = [json.loads(l) for l in open(path) if l.strip()]
ops = [e["op"] for e in log]
def name(op):
    return op.split(".", 1)[1] if "." in op and " " not in op else op
reads = [o for o in ops if name(o).startswith(("Describe", "Get", "List")) or o.startswith("GET ")]
# the same request (operation, path, body: the same resource) made more than once
same = collections.Counter((e["op"], e.get("path"), e.get("body")) for e in log).most_common(1)
print(f"  {label:<22} {len(ops):4d} calls, {len(ops) - len(reads):3d} mutating, "
      f"the same request at most {same[0][1] if same else 0}x ({same[0][0][0] if same else '-'})")
EOF
}

echo "AWS calls of appdb's aws provider (moto behind the fault proxy):"
count "first provision" provision --wait-delay 0
count "converged provision" provision --wait-delay 0
count "plan (converged)" plan
"$APPDB" --app bench --env dev destroy --yes --skip-final-snapshot --wait-delay 0 >/dev/null 2>&1
count "plan (from nothing)" plan

# another name: moto keeps a deleted cluster's automated snapshot, whose name would clash
"$APPDB" --app bench --env hold configure --provider aws --region us-east-1 --deletion-protection off >/dev/null 2>&1 || exit 2
motobed_proxy_reset
motobed_hold cluster bench-hold creating "$HOLD"
motobed_hold instance bench-hold-1 creating "$HOLD"
"$APPDB" --app bench --env hold provision --wait-delay 0 >/dev/null 2>"$work/err" || { cat "$work/err"; exit 2; }
motobed_proxy_log >"$work/log"
python3 - "$work/log" "$HOLD" <<'EOF'
import json, sys
log = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
hold = int(sys.argv[2])
# the wait's describes: the run of them right after the create call
def polls(create, describe):
    for i, e in enumerate(log):
        if e["op"] == create and e["status"] == 200:
            n = 0
            for f in log[i + 1:]:
                if f["op"] != describe:
                    break
                n += 1
            return n
    return 0
print(f"polls to reach available, held in creating for {hold} polls (SDK waiter: {hold + 1}):")
print(f"  cluster   {polls('CreateDBCluster', 'DescribeDBClusters')}")
print(f"  instance  {polls('CreateDBInstance', 'DescribeDBInstances')}")
EOF
"$APPDB" --app bench --env hold destroy --yes --skip-final-snapshot --wait-delay 0 >/dev/null 2>&1
