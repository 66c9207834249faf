#!/bin/bash
# test/aws/run_rdsdata_exec.sh: the core's executor over the RDS Data API.
#
#   test/aws/run_rdsdata_exec.sh [BINDIR]   default /usr/lib/postgresql/15/bin,
#                                           else $(pg_config --bindir)
#
# Starts a throwaway PostgreSQL (test/cluster.sh; the master "postgres"
# installs the app_roles extension), the test bed's Data API server
# (test/aws/data_api_server.py, Debian's /usr/bin/python3 with psycopg2)
# with a --secrets map secretArn -> the cluster, builds and runs
# test/aws/test_rdsdata_exec (phase "setup"), creates 10,000 tables in
# schema app as migrator (a COMMIT every 200, as test/bench/lib.sh), then
# runs phase "big"; revokes app's privileges on every table and runs
# phase "revoked" (check fails with the extension's report, setup repairs).  Stops everything on exit.  The last line is
# "rdsdata-exec: N passed, M failed"; exit non-zero on a failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
SERVER_PYTHON=${DATA_API_PYTHON:-/usr/bin/python3}
TABLES=${TABLES:-10000}
bindir=${1:-}
[ -z "$bindir" ] && { [ -x /usr/lib/postgresql/15/bin/postgres ] && bindir=/usr/lib/postgresql/15/bin || bindir=$(pg_config --bindir); }

. "$root/test/python_needs.sh"
python_needs run_rdsdata_exec "$SERVER_PYTHON" psycopg2 || { echo "rdsdata-exec: 0 passed, 1 failed"; exit 2; }

. "$root/test/cluster.sh"
work=$(mktemp -d /tmp/rdsdata_exec_test.XXXXXX)
server_pid=
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	cluster_stop
	rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "run_rdsdata_exec: $*" >&2; echo "rdsdata-exec: 0 passed, 1 failed"; exit 2; }

# RDSDATA_ASAN=1: the ASan+UBSan build (test/run_all.sh's)
bin="$root/test/aws/test_rdsdata_exec${RDSDATA_ASAN:+_asan}"
make -s -C "$root" "${bin#"$root/"}" || fail "build failed"

cluster_start "$bindir" >/dev/null || fail "cluster_start failed"
psql_as() { local who=$1; shift; "$CLUSTER_PSQL" -X -q -At -v ON_ERROR_STOP=1 -U "$who" "$@"; }
psql_as postgres -c "CREATE EXTENSION app_roles" || fail "CREATE EXTENSION app_roles failed"

secret_arn="arn:aws:secretsmanager:us-east-1:123456789012:secret:app-dev-master-AbCdEf"
cat >"$work/secrets.json" <<JSON
{"$secret_arn": {"host": "$PGHOST", "port": $PGPORT, "username": "postgres",
  "password": "pw-never-logged-7f3a", "dbname": "$PGDATABASE"}}
JSON
"$SERVER_PYTHON" "$here/data_api_server.py" --secrets "$work/secrets.json" --region us-east-1 \
	--db-host "$PGHOST" --db-port "$PGPORT" --db-name "$PGDATABASE" \
	--verify-key AKIDDATAAPITEST:data-api-test-secret \
	--port-file "$work/port" --log "$work/requests.log" 2>"$work/server.log" &
server_pid=$!
for i in $(seq 200); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { cat "$work/server.log" >&2; fail "the Data API server did not start"; }
endpoint="http://127.0.0.1:$(cat "$work/port")"

export PSQL="$CLUSTER_PSQL"
"$bin" "$endpoint" "$secret_arn" "$PGDATABASE" setup | tee "$work/out1"
rc1=${PIPESTATUS[0]}

echo "# creating $TABLES tables in schema app as migrator..."
psql_as migrator -c "DO \$\$ BEGIN FOR i IN 1..$TABLES LOOP
	EXECUTE format('CREATE TABLE app.t%s (id serial PRIMARY KEY, v text)', i);
	IF i % 200 = 0 THEN COMMIT; END IF; END LOOP; END \$\$" || fail "creating the tables failed"
"$bin" "$endpoint" "$secret_arn" "$PGDATABASE" big | tee "$work/out2"
rc2=${PIPESTATUS[0]}
echo "# revoking app's privileges on every table of schema app..."
psql_as migrator -c "REVOKE ALL ON ALL TABLES IN SCHEMA app FROM app" || fail "REVOKE failed"
"$bin" "$endpoint" "$secret_arn" "$PGDATABASE" revoked | tee "$work/out3"
rc3=${PIPESTATUS[0]}

if [ "$rc1" != 0 ] || [ "$rc2" != 0 ] || [ "$rc3" != 0 ]; then
	echo "--- data_api_server.py stderr:"; sed -n 2,100p "$work/server.log"
	echo "--- request log (errors, last 20):"; grep '"error"' "$work/requests.log" | tail -n 20
fi
p=$(( $(sed -n 's/^rdsdata-exec: \([0-9]*\) passed.*/\1/p' "$work/out1" "$work/out2" "$work/out3" | paste -sd+ | sed 's/^$/0/') ))
f=$(( $(sed -n 's/^rdsdata-exec: [0-9]* passed, \([0-9]*\) failed/\1/p' "$work/out1" "$work/out2" "$work/out3" | paste -sd+ | sed 's/^$/0/') ))
grep -q '^rdsdata-exec:' "$work/out1" || f=$((f + 1))
grep -q '^rdsdata-exec:' "$work/out2" || f=$((f + 1))
grep -q '^rdsdata-exec:' "$work/out3" || f=$((f + 1))
echo "rdsdata-exec: $p passed, $f failed"
[ "$f" = 0 ] && [ "$rc1" = 0 ] && [ "$rc2" = 0 ] && [ "$rc3" = 0 ]
