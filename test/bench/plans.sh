#!/usr/bin/env bash
# test/bench/plans.sh (make bench): the plans PostgreSQL picks for the
# relation queries of check and setup, read with auto_explain (ANALYZE,
# without timing) as app_check_roles() and app_roles_plan() run them, at each
# size, healthy and with every privilege of app revoked.  Prints figures,
# asserts nothing.
#
#   SIZES   tables in schema app, each with its sequence (default
#           "1000 10000"; SIZES="1000 10000 100000" for the largest)
#   APPDB   the appdb program (default ./appdb)
#
# A line per function, state and query (the question, the pages): how many
# ran, how pg_class was read (the scan nodes, and "sort" where a Sort sat
# over it), the rows those scans walked (returned plus removed by a filter)
# against the relations in the schema, the largest page in rows walked, and
# the server's milliseconds (with auto_explain's counting, so above what the
# same query costs without it).
set -eu -o pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
SIZES=${SIZES:-1000 10000}
APPDB=${APPDB:-$top/appdb}
psql=$(pg_config --bindir)/psql
. "$top/test/bench/lib.sh"
trap bench_env_stop EXIT
bench_env_start "$APPDB"
migrator() { "$psql" -X -q -At -v ON_ERROR_STOP=1 "$BENCH_MIGRATOR" "$@"; }

# The plans of every statement fn runs, as JSON notices
explain() {	# fn
	{ cat "$top/test/auto_explain.sql"; echo "SELECT $1;"; } |
		"$psql" -X -q -At -v ON_ERROR_STOP=1 "$BENCH_SUPERUSER" 2>&1 >/dev/null
}

summarize() {	# size state fn relations
	python3 "$top/test/plan_walk.py" | while read -r kind runs walked most ms scans; do
		printf "%-16s %7s %-8s %-8s %4d  walked %8d of %7d relations (most %7d)  %9.1f ms  %s\n" \
			"$3" "$1" "$2" "$kind" "$runs" "$walked" "$4" "$most" "$ms" "$scans"
	done
}

for size in $SIZES; do
	bench_tables "$size" migrator >/dev/null
	"$psql" -X -q -At "$BENCH_MASTER" -c "VACUUM ANALYZE pg_catalog.pg_class" 2>/dev/null || true
	"$psql" -X -q -At "$BENCH_MASTER" -c "SELECT app_setup_roles()" >/dev/null 2>&1
	relations=$(migrator -c "SELECT count(*) FROM pg_class WHERE relnamespace = 'app'::regnamespace
		AND relkind IN ('r', 'p', 'v', 'm', 'f', 'S')")
	for state in healthy revoked; do
		[ $state = healthy ] || migrator -c "REVOKE ALL ON ALL TABLES IN SCHEMA app FROM app" \
			-c "REVOKE ALL ON ALL SEQUENCES IN SCHEMA app FROM app"
		explain "app_check_roles()" | summarize "$size" $state app_check_roles "$relations"
		explain "count(*) FROM app_roles_plan()" | summarize "$size" $state app_roles_plan "$relations"
	done
done
