#!/usr/bin/env bash
# test/aws/provider_data_api_faults.sh: roles setup, plan and check through
# the Data API when its answers are lost or refused.  The bed of provider.sh
# (moto behind the fault proxy, a cluster provisioned there, the Data API
# server on a real PostgreSQL), with a second fault proxy in front of the
# Data API server, which faults or drops the answer of the call carrying a
# chosen SQL text or operation.  What a user relies on: a statement in a
# transaction is never sent twice (a lost answer rolls back and retries the
# whole attempt); a lost commit answer is settled by planning again; a lost
# rollback answer never fails a read-only command; a rollback that failed
# says the transaction holds setup's lock, and the next run waits for it; a
# statement timeout names the statement; Data API faults during check are
# errors (exit 3), never failed checks.
#
#   test/aws/provider_data_api_faults.sh
#
# Environment: APPDB (default test/appdb-asan).  The last line is
# "aws-data-api-faults: N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
APPDB=${APPDB:-$root/test/appdb-asan}
case $APPDB in /*) ;; *) APPDB=$root/$APPDB ;; esac
STATE="python3 $here/provider_state.py"
. "$here/provider_lib.sh"
. "$here/motobed.sh"
. "$root/test/cluster.sh"
. "$here/data_api_bed.sh"

# The Data API's limits, shortened so that the cases run in seconds: a
# statement times out after 3 s (AWS: 45), an idle transaction is rolled back
# after 20 s (AWS: 3 minutes): as on AWS, a run that waits for a left-open
# transaction's lock in one statement times out long before it is released.
STATEMENT_TIMEOUT=3
IDLE_TIMEOUT=20

work=$(mktemp -d /tmp/aws_data_api_faults.XXXXXX)
chmod 755 "$work"
envdir=$work/env
mkdir -p "$envdir"
dproxy_pid=
blocker_pid=
cleanup() {
	[ -n "$blocker_pid" ] && kill "$blocker_pid" 2>/dev/null && wait "$blocker_pid" 2>/dev/null
	[ -n "$dproxy_pid" ] && kill "$dproxy_pid" 2>/dev/null && wait "$dproxy_pid" 2>/dev/null
	data_api_bed_stop
	cluster_stop
	motobed_stop
	rm -rf "$work"
}
trap cleanup EXIT
die() { echo "provider_data_api_faults.sh: $*" >&2; echo "aws-data-api-faults: $passed passed, $((failed + 1)) failed"; exit 2; }

[ -x "$APPDB" ] && [ -x "$APPDB-aws" ] || die "$APPDB and $APPDB-aws must be built"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
# AWS has its managed policies (AmazonRDSEnhancedMonitoringRole, ...); moto loads them on request
export MOTO_IAM_LOAD_MANAGED_POLICIES=true
motobed_start || die "the moto test bed did not start"
(cd "$envdir" && "$APPDB" --app shop --env dev configure --provider aws --region us-east-1 &&
	"$APPDB" --app shop --env dev provision --wait-delay 0) >"$work/provision.out" 2>&1 ||
	{ cat "$work/provision.out" >&2; die "provision failed"; }
cluster_start "$(pg_config --bindir)" >/dev/null || die "cluster_start failed"
cluster_createdb app >/dev/null || die "createdb app failed"
data_api_bed_start "$work" shop-dev --statement-timeout "$STATEMENT_TIMEOUT" --idle-timeout "$IDLE_TIMEOUT" ||
	die "the Data API server did not start"

# the second fault proxy, in front of the Data API server
python3 "$here/fault_proxy.py" --upstream "$DATA_API_URL" --port-file "$work/dproxy.port" \
	>"$work/dproxy.log" 2>&1 &
dproxy_pid=$!
for _ in $(seq 100); do [ -s "$work/dproxy.port" ] && break; sleep 0.1; done
[ -s "$work/dproxy.port" ] || { cat "$work/dproxy.log" >&2; die "the Data API's fault proxy did not start"; }
DPROXY_URL=http://127.0.0.1:$(cat "$work/dproxy.port")
export AWS_ENDPOINT_URL_RDS_DATA=$DPROXY_URL
# the motobed_* controls, on this proxy
dfault() { MOTOBED_PROXY_URL=$DPROXY_URL motobed_fault "$1" || die "adding a fault failed"; }
dreset() { MOTOBED_PROXY_URL=$DPROXY_URL motobed_proxy_reset || die "resetting the proxy failed"; }
dlog() { MOTOBED_PROXY_URL=$DPROXY_URL motobed_proxy_log; }

sql() { cluster_psql_super -At -d app -c "$1"; }
# what setup makes, taken away again (roles are cluster-wide)
unset_up() {
	cluster_psql_super -d app >/dev/null <<'SQL' || die "undoing setup failed"
DROP SCHEMA IF EXISTS app CASCADE;
DO $$ BEGIN
	IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'app') THEN DROP OWNED BY app; DROP ROLE app; END IF;
	IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'migrator') THEN DROP OWNED BY migrator; DROP ROLE migrator; END IF;
END $$;
ALTER DATABASE app RESET search_path;
SQL
}
converged() {
	run "roles plan afterwards" 0 --app shop --env dev roles plan
	has "Nothing to do" && ok "... finds nothing to do" || fail "... finds nothing to do" "$work/last"
}
# no transaction saw a statement beginning with $1 twice (the proxy's log of the Data API's calls)
sent_once() {
	dlog | python3 -c '
import json, sys
seen = set()
for line in sys.stdin:
    e = json.loads(line)
    if e["path"] != "/Execute":
        continue
    b = json.loads(e["body"])
    if not b.get("transactionId"):
        continue
    if not b["sql"].startswith(sys.argv[1]):
        continue
    key = (b["transactionId"], b["sql"])
    if key in seen:
        sys.exit("sent twice in transaction %s...: %s" % (b["transactionId"][:8], b["sql"]))
    seen.add(key)' "$1"
}
# the Data API server rolled back a transaction left idle
idle_rolled_back() { grep -q '"op": "IdleRollback"' "$work/data-api.log"; }

# ---- a lost answer to a statement in setup's transaction ----
dreset
dfault '{"lost": true, "match": "CREATE ROLE \\\"migrator\\\""}'
run "setup with the answer to CREATE ROLE lost" 0 --app shop --env dev roles setup
check "CREATE ROLE was not sent twice in one transaction" sent_once "CREATE ROLE"
lacks "lost a race" && ok "a lost answer is not taken for a race with another setup" ||
	fail "a lost answer is not taken for a race with another setup" "$work/last"
has "answer to statement" && has "was lost" && has "running it again" && ok "setup says an answer was lost and it tried again" ||
	fail "setup says an answer was lost and it tried again" "$work/last"
converged

unset_up
dreset
dfault '{"lost": true, "match": "CREATE SCHEMA"}'
run "setup with the answer to CREATE SCHEMA lost" 0 --app shop --env dev roles setup
lacks "already exists" && ok "CREATE SCHEMA did not run twice in one transaction" ||
	fail "CREATE SCHEMA did not run twice in one transaction" "$work/last"
check "CREATE SCHEMA was not sent twice in one transaction" sent_once "CREATE SCHEMA"
check "the schema belongs to migrator" test "$(sql "SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'app'")" = migrator
converged

# ---- a lost answer to CommitTransaction: it took effect ----
unset_up
dreset
dfault '{"lost": true, "match": "POST /CommitTransaction"}'
run "setup whose commit answer was lost" 0 --app shop --env dev roles setup
has "the commit took effect" && ok "setup says the commit took effect" || fail "setup says the commit took effect" "$work/last"
converged

# ---- a commit that never arrived: it did not take effect ----
unset_up
dreset
dfault '{"code": "InternalServerErrorException", "status": 500, "message": "Internal error", "count": 3, "match": "POST /CommitTransaction"}'
run "setup whose commit failed with 500s" 3 --app shop --env dev roles setup
has "did not take effect" && ok "setup says the commit did not take effect" ||
	fail "setup says the commit did not take effect" "$work/last"
check "nothing was changed" test -z "$(sql "SELECT 1 FROM pg_roles WHERE rolname = 'migrator'")"

# ---- a rollback that fails: said, with the lock it leaves held ----
unset_up
dreset
dfault '[{"lost": true, "match": "CREATE SCHEMA"}, {"code": "ServiceUnavailableError", "status": 503, "message": "Service unavailable", "count": 3, "match": "POST /RollbackTransaction"}]'
run "setup whose rollback fails" 3 --app shop --env dev roles setup
has "stays open" && has "holding setup's lock" && has "3 idle minutes" && ok "it says the open transaction holds setup's lock for up to 3 minutes" ||
	fail "it says the open transaction holds setup's lock for up to 3 minutes" "$work/last"
dreset
run "the next setup waits for that lock, then runs" 0 --app shop --env dev roles setup
has "waiting" && ok "the next setup says it waits for the lock" || fail "the next setup says it waits for the lock" "$work/last"
lacks "StatementTimeoutException" && ok "it does not fail on the Data API's statement timeout" ||
	fail "it does not fail on the Data API's statement timeout" "$work/last"
check "the Data API rolled the open transaction back first" idle_rolled_back
converged

# ---- read-only commands and a lost RollbackTransaction answer ----
dreset
dfault '{"lost": true, "match": "POST /RollbackTransaction"}'
run "roles check with the rollback answer lost" 0 --app shop --env dev roles check
dfault '{"lost": true, "match": "POST /RollbackTransaction"}'
run "roles plan with the rollback answer lost" 0 --app shop --env dev roles plan
has "Nothing to do" && ok "plan still prints the plan" || fail "plan still prints the plan" "$work/last"

# ---- check: Data API faults are errors, not failed checks ----
dreset
dfault '{"code": "ThrottlingException", "message": "Rate exceeded", "count": 3, "match": "INSERT INTO \\\"app\\\".\\\"app_roles_probe\\\""}'
run "check with the probe's INSERT throttled three times" 3 --app shop --env dev roles check
has "ThrottlingException" && ok "check names the throttling" || fail "check names the throttling" "$work/last"
lacks "✗" && ok "no check is reported as failed" || fail "no check is reported as failed" "$work/last"
dreset
dfault '{"lost": true, "match": "CREATE TABLE \\\"app\\\".\\\"app_roles_probe\\\""}'
run "check with the answer to the probe's CREATE TABLE lost" 0 --app shop --env dev roles check
lacks "✗" && ok "a lost answer is no failed check" || fail "a lost answer is no failed check" "$work/last"
check "the probe's CREATE TABLE was not sent twice in one transaction" sent_once "CREATE TABLE"

# ---- a statement timeout names the statement and the likely cause ----
unset_up
run "setup before the timeout case" 0 --app shop --env dev roles setup
sql "ALTER DATABASE app RESET search_path" >/dev/null
# another session holds the database's settings row while setup wants to change it
cluster_psql_super -d app -c "BEGIN" -c "ALTER DATABASE app SET search_path TO public" \
	-c "SELECT pg_sleep($((STATEMENT_TIMEOUT * 3)))" -c "ROLLBACK" >/dev/null 2>&1 &
blocker_pid=$!
sleep 1
dreset
run "setup blocked by another session's lock" 3 --app shop --env dev roles setup
has 'ALTER DATABASE "app" SET search_path' && ok "the timeout names the statement" ||
	fail "the timeout names the statement" "$work/last"
has "lock held by another session" && ok "... and the likely cause" || fail "... and the likely cause" "$work/last"
wait "$blocker_pid" 2>/dev/null
blocker_pid=

# ---- secrets ----
check "the master password appears in no output" bash -c "! grep -qF -- '$master_password' '$work/all-output'"

echo "aws-data-api-faults: $passed passed, $failed failed"
[ "$failed" = 0 ]
