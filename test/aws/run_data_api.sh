#!/bin/bash
# test/aws/run_data_api.sh: test the test bed's RDS Data API server.
#
#   test/aws/run_data_api.sh [BINDIR]      default $(pg_config --bindir)
#
# Starts a throwaway PostgreSQL (test/cluster.sh), moto (for its Secrets
# Manager only), and test/aws/data_api_server.py (Debian's /usr/bin/python3,
# which has python3-psycopg2) with short limits (idle transactions 2 s,
# statements 2 s), then runs test/aws/test_data_api.py with the image's
# python3 (boto3).  Stops everything on exit and exits non-zero on a failure.
# Its last line is "data-api: N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
SERVER_PYTHON=${DATA_API_PYTHON:-/usr/bin/python3}
TEST_PYTHON=${MOTOBED_PYTHON:-python3}

. "$root/test/python_needs.sh"
python_needs run_data_api "$SERVER_PYTHON" psycopg2 || exit 2
python_needs run_data_api "$TEST_PYTHON" boto3 moto || exit 2

. "$root/test/cluster.sh"
work=$(mktemp -d /tmp/data_api_test.XXXXXX)
server_pid= moto_pid=
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	[ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null && wait "$moto_pid" 2>/dev/null
	cluster_stop
	rm -rf "$work"
}
trap cleanup EXIT

# Wait for FILE to appear (a server's port), at most 20 s.
wait_file() {
	local i
	for i in $(seq 200); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

cluster_start "${1:-$(pg_config --bindir)}" >/dev/null || { echo "run_data_api: cluster_start failed" >&2; exit 2; }

# moto on a free port: bind port 0 in Python, hand the number over.
moto_port=$("$TEST_PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$TEST_PYTHON" -m moto.server -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for i in $(seq 200); do
	"$TEST_PYTHON" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$moto_port/moto-api/', timeout=1)" 2>/dev/null && break
	sleep 0.1
done

secret_arn="arn:aws:secretsmanager:us-east-1:123456789012:secret:app-dev-master-AbCdEf"
cat >"$work/secrets.json" <<JSON
{"$secret_arn": {"host": "$PGHOST", "port": $PGPORT, "username": "postgres",
  "password": "pw-never-logged-7f3a", "dbname": "$PGDATABASE"}}
JSON

AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
"$SERVER_PYTHON" "$here/data_api_server.py" \
	--secrets "$work/secrets.json" \
	--secretsmanager-url "http://127.0.0.1:$moto_port" --region us-east-1 \
	--db-host "$PGHOST" --db-port "$PGPORT" --db-name "$PGDATABASE" \
	--user-map admin=postgres \
	--verify-key AKIDDATAAPITEST:data-api-test-secret \
	--idle-timeout 2 --statement-timeout 2 \
	--port-file "$work/port" --log "$work/requests.log" 2>"$work/server.log" &
server_pid=$!
wait_file "$work/port" || { echo "run_data_api: the server did not start" >&2; cat "$work/server.log" >&2; exit 2; }
port=$(cat "$work/port")

"$TEST_PYTHON" "$here/test_data_api.py" --endpoint "http://127.0.0.1:$port" \
	--secret-arn "$secret_arn" --database "$PGDATABASE" \
	--sm-url "http://127.0.0.1:$moto_port" --log "$work/requests.log" | tee "$work/out"
rc=${PIPESTATUS[0]}
if [ "$rc" != 0 ]; then
	# the server's side, then the summary again as the last line
	echo "--- data_api_server.py stderr:"; sed -n 2,200p "$work/server.log"
	echo "--- request log (last 20):"; tail -n 20 "$work/requests.log" 2>/dev/null
	tail -n 1 "$work/out" | grep '^data-api:' || echo "data-api: 0 passed, 1 failed"
fi
exit "$rc"
