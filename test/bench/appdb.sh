#!/usr/bin/env bash
# test/bench/appdb.sh (make bench): wall time and peak memory of a converged
# `appdb roles setup` and `appdb roles check` on a provisioned local
# environment, with an empty schema and with 10,000 tables, against psql
# floors measured side by side in the same run.  Prints figures, asserts
# nothing.  Each figure is the median of ROUNDS runs.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
appdb="$top/appdb"
TABLES=${TABLES:-10000}
ROUNDS=${ROUNDS:-7}
psql=$(pg_config --bindir)/psql
. "$top/test/bench/lib.sh"
trap bench_env_stop EXIT
bench_env_start "$appdb"
work=$BENCH_WORK env=$BENCH_ENV master=$BENCH_MASTER migrator=$BENCH_MIGRATOR

floor_query="SELECT count(*) FROM pg_class c WHERE c.relnamespace = 'app'::regnamespace
  AND c.relkind IN ('r', 'p') AND has_table_privilege('app', c.oid, 'SELECT')
  AND has_table_privilege('app', c.oid, 'INSERT') AND has_table_privilege('app', c.oid, 'UPDATE')
  AND has_table_privilege('app', c.oid, 'DELETE')"

# median wall seconds and max peak KiB of a command, over ROUNDS runs
measure() {
	local i out
	for i in $(seq "$ROUNDS"); do
		local t0 t1
		t0=$(date +%s%N)
		/usr/bin/time -f "%M" -o "$work/t" "$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", (b - a) / 1e9}') $(cat "$work/t")"
	done | sort -n | awk -v n="$ROUNDS" '{w[NR]=$1; if ($2>m) m=$2} END {printf "%s %d\n", w[int((n+1)/2)], m}'
}

report() {	# label
	local f1 f2 s c
	f1=$(measure "$psql" -X -q "$master" -c 'SELECT 1')
	f2=$(measure "$psql" -X -q "$master" -c "$floor_query")
	s=$(measure "$appdb" $env roles setup)
	c=$(measure "$appdb" $env roles check)
	echo "$1"
	printf '  %-34s %8s %8s %10s %10s\n' "" "wall s" "peak KiB" "x SELECT 1" "x floor"
	for row in "psql -c 'SELECT 1'|$f1" "psql floor query|$f2" "appdb roles setup (converged)|$s" "appdb roles check|$c"; do
		name=${row%%|*}; set -- ${row#*|}
		printf '  %-34s %8s %8s %10s %10s\n' "$name" "$1" "$2" \
			"$(awk -v a="$1" -v b="${f1%% *}" 'BEGIN {printf "%.2f", a / (b > 0 ? b : 0.01)}')" \
			"$(awk -v a="$1" -v b="${f2%% *}" 'BEGIN {printf "%.2f", a / (b > 0 ? b : 0.01)}')"
	done
}

report "empty schema (median of $ROUNDS)"
bench_tables "$TABLES" "$psql" -X -q "$migrator"
echo "statements setup would run with $TABLES tables: $("$appdb" $env roles plan --output json)"
report "$TABLES tables and their sequences (median of $ROUNDS)"

# Peak RSS above counts the shared libraries libpq maps (OpenSSL, GSSAPI, LDAP);
# massif tells what appdb itself allocates.
if command -v valgrind >/dev/null; then
	for cmd in "roles setup" "roles check"; do
		valgrind --tool=massif --massif-out-file="$work/massif" "$appdb" $env $cmd >/dev/null 2>&1
		peak=$(grep -E '^mem_heap_B=' "$work/massif" | cut -d= -f2 | sort -n | tail -1)
		echo "appdb $cmd with $TABLES tables: peak heap $((peak / 1024)) KiB (valgrind massif)"
	done
fi
