#!/usr/bin/env bash
# test/aws/provider_lifecycle.sh: the life-cycle choices of an aws
# environment (issue 13 §6), on the test bed of provider.sh (moto behind the
# fault proxy, request authentication on).  A temporary environment with
# backups kept 7 days: plan and status say temporary, provision leaves
# deletion protection off and the backup rule's DeleteAfterDays at 7 (read
# back with boto3); a change to no expiry is planned and applied;
# apply_immediately off, then on, as sent in ModifyDBCluster and as plan
# words it; destroy takes no final snapshot and deletes the vault's recovery
# point (moto has none: the proxy holds it).  Then an environment that is
# not temporary: its recovery point and vault are kept by destroy.
#
#   test/aws/provider_lifecycle.sh
#
# Environment: APPDB (default test/appdb-asan, whose AWS half is
# test/appdb-asan-aws).  The last line is "aws-provider-lifecycle: N passed,
# M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
STATE="python3 $here/provider_state.py"
. "$here/provider_lib.sh"	# ok, fail, check, state, run, has, lacks, provider_bed
provider_bed aws-provider-lifecycle

# set KEY JSON_VALUE in the config file of shop/ENV
set_key() {
	python3 - "$envdir/infra/shop/database/$1.json" "$2" "$3" <<'PY'
import json, sys
f, k, v = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
c = json.load(open(f))
c[k] = v
json.dump(c, open(f, "w"), indent=2)
PY
}
# a recovery point in a vault, as a backup job leaves it (the proxy's: moto has none)
recovery_point() {
	curl -sf -X POST -H 'Content-Type: application/json' --data "{\"vault\": \"$1\"}" \
		"$MOTOBED_PROXY_URL/__proxy/recovery_point" >/dev/null
}
# the recovery points the proxy holds in a vault, one ARN a line
recovery_points() {
	curl -sf "$MOTOBED_PROXY_URL/__proxy/recovery_point" |
		python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin).get(sys.argv[1], [])))' "$1"
}
# the bodies of the ModifyDBCluster requests of the proxy's log
modify_bodies() {
	motobed_proxy_log | python3 -c '
import json, sys
for e in map(json.loads, sys.stdin):
    if e["action"] == "ModifyDBCluster" and not e["fault"]:
        print(e["body"])'
}

# ---- a temporary environment, backups kept 7 days ----
run "configure --temporary --backup-retention-days 7" 0 --app shop --env pr1 configure --provider aws \
	--region us-east-1 --temporary --backup-retention-days 7
check "the config says temporary, deletion protection off, 7 days, apply_immediately off" python3 - \
	"$envdir/infra/shop/database/pr1.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
want = {"temporary": True, "deletion_protection": False, "backup_retention_days": 7, "apply_immediately": False}
bad = {k: (c.get(k), v) for k, v in want.items() if c.get(k) != v}
assert not bad, bad
PY
run "configure --temporary --deletion-protection on is refused" 2 --app shop --env pr9 configure --provider aws \
	--region us-east-1 --temporary --deletion-protection on
run "configure --temporary for the local provider is refused" 2 --app shop --env pr9 configure --temporary
has "option --temporary is for an aws environment" && ok "the refusal names --temporary" ||
	fail "the refusal names --temporary" "$work/last"
check "the refused configures wrote no file" test ! -e "$envdir/infra/shop/database/pr9.json"

run "plan of the temporary environment" 0 --app shop --env pr1 plan
has "temporary: yes" && ok "plan says temporary: yes" || fail "plan says temporary: yes" "$work/last"
has "deletion protection off" && ok "plan creates the cluster with deletion protection off" ||
	fail "plan creates the cluster with deletion protection off" "$work/last"
has "create: backup plan shop-pr1-database: cron(0 7 ? * SUN *), kept 7 days" &&
	ok "plan says the backups are kept 7 days" || fail "plan says the backups are kept 7 days" "$work/last"
run "provision the temporary environment" 0 --app shop --env pr1 provision --wait-delay 0
state created shop-pr1 --deletion-protection off --backup-retention-days 7
run "status of the temporary environment" 0 --app shop --env pr1 status
has "temporary: yes" && ok "status says temporary: yes" || fail "status says temporary: yes" "$work/last"
has "deletion protection: off" && ok "status reads deletion protection off" ||
	fail "status reads deletion protection off" "$work/last"

# ---- backup retention: 7 days -> no expiry, a change planned and applied ----
set_key pr1 backup_retention_days null
run "plan after backup_retention_days is set to null" 0 --app shop --env pr1 plan
has "change: backup plan shop-pr1-database: kept 7 days → kept with no expiry" &&
	ok "plan shows the retention change" || fail "plan shows the retention change" "$work/last"
has "Plan: 0 to create, 1 to change" && ok "plan counts one change" || fail "plan counts one change" "$work/last"
run "provision applies the retention" 0 --app shop --env pr1 provision --wait-delay 0
state created shop-pr1 --deletion-protection off
run "plan after the retention change" 0 --app shop --env pr1 plan
has "Nothing to do" && ok "the retention change converged" || fail "the retention change converged" "$work/last"

# ---- apply_immediately: off (the default), then on ----
set_key pr1 max_capacity 2
motobed_proxy_reset
run "plan a capacity change with apply_immediately off" 0 --app shop --env pr1 plan
has "change: cluster shop-pr1: Serverless v2 capacity 0.5–1 ACU → 0.5–2 ACU" &&
	ok "plan shows the capacity change" || fail "plan shows the capacity change" "$work/last"
lacks "capacity 0.5–1 ACU → 0.5–2 ACU (applies" &&
	ok "a capacity change is not said to wait (RDS applies it at once regardless)" ||
	fail "a capacity change is not said to wait (RDS applies it at once regardless)" "$work/last"
set_key pr1 engine_version '"16.8"'
run "plan an engine version change with apply_immediately off" 0 --app shop --env pr1 plan
has "change: cluster shop-pr1: engine version 16.6 → 16.8 (applies at the next maintenance window" &&
	ok "plan says the engine version applies at the next maintenance window" ||
	fail "plan says the engine version applies at the next maintenance window" "$work/last"
set_key pr1 engine_version '"16.6"'
run "provision with apply_immediately off" 0 --app shop --env pr1 provision --wait-delay 0
modify_bodies >"$work/modify.off"
check "ModifyDBCluster was sent with ApplyImmediately=false" grep -q "ApplyImmediately=false" "$work/modify.off"
check "and never with ApplyImmediately=true" sh -c '! grep -q "ApplyImmediately=true" "$1"' - "$work/modify.off"
state created shop-pr1 --deletion-protection off --max-capacity 2
set_key pr1 apply_immediately true
set_key pr1 max_capacity 4
set_key pr1 engine_version '"16.8"'
run "plan with apply_immediately on" 0 --app shop --env pr1 plan
has "change: cluster shop-pr1: engine version 16.6 → 16.8" && lacks "maintenance window" &&
	ok "with apply_immediately on, plan says no change waits" ||
	fail "with apply_immediately on, plan says no change waits" "$work/last"
set_key pr1 engine_version '"16.6"'
motobed_proxy_reset
run "provision with apply_immediately on" 0 --app shop --env pr1 provision --wait-delay 0
modify_bodies >"$work/modify.on"
check "ModifyDBCluster was sent with ApplyImmediately=true" grep -q "ApplyImmediately=true" "$work/modify.on"
state created shop-pr1 --deletion-protection off --max-capacity 4

# ---- destroy of a temporary environment: no final snapshot, no backups left ----
recovery_point shop-pr1-database
check "the vault holds a recovery point" test "$(recovery_points shop-pr1-database | wc -l)" = 1
motobed_proxy_reset
run "destroy the temporary environment (no --skip-final-snapshot, no --lift-deletion-protection)" 0 \
	--app shop --env pr1 destroy --yes --wait-delay 0
has "deleted 1 recovery point of backup vault shop-pr1-database" && ok "destroy says it deleted the recovery point" ||
	fail "destroy says it deleted the recovery point" "$work/last"
has "deleting cluster shop-pr1 (no final snapshot)" && ok "destroy says no final snapshot" ||
	fail "destroy says no final snapshot" "$work/last"
check "no recovery point is left" test -z "$(recovery_points shop-pr1-database)"
motobed_proxy_log >"$work/destroy.log"
check "DeleteDBCluster skipped the final snapshot" python3 - "$work/destroy.log" <<'PY'
import json, sys
bodies = [e["body"] for e in map(json.loads, open(sys.argv[1])) if e["action"] == "DeleteDBCluster"]
assert len(bodies) == 1 and "SkipFinalSnapshot=true" in bodies[0] and "FinalDBSnapshotIdentifier" not in bodies[0], bodies
PY
state gone shop-pr1

# ---- an environment that is not temporary keeps its backups ----
run "configure shop/keep (not temporary)" 0 --app shop --env keep configure --provider aws --region us-east-1 \
	--deletion-protection off
run "plan of an environment that is not temporary" 0 --app shop --env keep plan
lacks "temporary" && ok "plan does not say temporary" || fail "plan does not say temporary" "$work/last"
has "kept with no expiry" && ok "the default retention is no expiry (template-infra's)" ||
	fail "the default retention is no expiry (template-infra's)" "$work/last"
run "provision shop/keep" 0 --app shop --env keep provision --wait-delay 0
state created shop-keep --deletion-protection off
recovery_point shop-keep-database
run "destroy shop/keep --skip-final-snapshot" 0 --app shop --env keep destroy --yes --skip-final-snapshot --wait-delay 0
has "backup vault shop-keep-database holds 1 recovery point: kept" && ok "destroy keeps the vault and says so" ||
	fail "destroy keeps the vault and says so" "$work/last"
check "the recovery point is still there" test "$(recovery_points shop-keep-database | wc -l)" = 1

echo "aws-provider-lifecycle: $passed passed, $failed failed"
[ "$failed" = 0 ]
