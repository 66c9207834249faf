# test/aws/data_api_bed.sh: the Data API server of test/aws/ in front of the
# cluster of test/cluster.sh, for a cluster provisioned on the moto bed; to
# be sourced (bash) after motobed.sh and cluster.sh, with cluster_start done.
#
#   data_api_bed_start DIR CLUSTER_ID [server options...]
#
# gives the master user "postgres" the password of CLUSTER_ID's master secret
# in moto (master_password is set to it), starts data_api_server.py with the
# secret read from moto through the fault proxy, its log in DIR/data-api.log,
# and sets DATA_API_URL and DATA_API_PID; returns non-zero if it did not
# start.  data_api_bed_stop stops it.

DATA_API_BED_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$DATA_API_BED_HERE/../python_needs.sh"

data_api_bed_start() {
	local dir=$1 cluster=$2 _
	shift 2
	python_needs data_api_bed "${DATA_API_PYTHON:-/usr/bin/python3}" psycopg2 || return 1
	master_password=$(python3 "$DATA_API_BED_HERE/provider_state.py" secret "$cluster") || return 1
	[ -n "$master_password" ] || { echo "data_api_bed: the master secret has no password" >&2; return 1; }
	cluster_psql_super -d postgres -c "ALTER ROLE postgres PASSWORD '$master_password'" >/dev/null || return 1
	rm -f "$dir/data-api.port"
	"${DATA_API_PYTHON:-/usr/bin/python3}" "$DATA_API_BED_HERE/data_api_server.py" \
		--secretsmanager-url "$MOTOBED_PROXY_URL" --region us-east-1 \
		--db-host "$PGHOST" --db-port "$PGPORT" \
		--verify-key "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
		--port-file "$dir/data-api.port" --log "$dir/data-api.log" "$@" 2>"$dir/data-api.err" &
	DATA_API_PID=$!
	for _ in $(seq 200); do [ -s "$dir/data-api.port" ] && break; sleep 0.1; done
	if [ ! -s "$dir/data-api.port" ]; then
		cat "$dir/data-api.err" >&2
		return 1
	fi
	DATA_API_URL="http://127.0.0.1:$(cat "$dir/data-api.port")"
}

data_api_bed_stop() {
	if [ -n "${DATA_API_PID:-}" ]; then
		kill "$DATA_API_PID" 2>/dev/null
		wait "$DATA_API_PID" 2>/dev/null
	fi
	DATA_API_PID=
	return 0
}
