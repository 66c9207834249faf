#!/usr/bin/env bash
# test/scale_walk.sh: check, plan and setup read the schema's relations in
# one walk of pg_class, not one a page.  On TABLES tables (default 5000, each
# with its sequence, key and TOAST table), the rows the relation queries'
# scans read, as PostgreSQL counts them (auto_explain with ANALYZE, by the
# bootstrap superuser; test/plan_walk.py), against pg_class's rows: a count,
# never a time.  Prints "scale-walk: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
. test/cluster.sh
. test/bench/lib.sh
trap cluster_stop EXIT
TABLES=${TABLES:-5000}
cluster_start "$(pg_config --bindir)" >/dev/null || { echo "scale-walk: 0 passed, 1 failed"; exit 1; }
passed=0 failed=0
check() {	# name, then a command whose success is the result
	local name=$1; shift
	if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL scale-walk: $name"; fi
}
psql_as() { local who=$1; shift; "$CLUSTER_PSQL" -X -q -At -v ON_ERROR_STOP=1 -U "$who" "$@"; }

# what the relation queries of "SELECT $1" walked: "KIND RUNS WALKED ..." lines
walked() {
	{ cat test/auto_explain.sql; echo "SELECT $1;"; } |
		cluster_psql_super -X -q -At -v ON_ERROR_STOP=1 2>&1 >/dev/null | python3 test/plan_walk.py
}
field() { awk -v k="$1" -v f="$2" '$1 == k { print $f; found = 1 } END { if (!found) print 0 }'; }
at_most() { [ "$1" -le "$2" ] || { echo "  $1 rows, more than $2" >&2; return 1; }; }

psql_as postgres -c "CREATE EXTENSION app_roles" &&
	psql_as postgres -c "SET client_min_messages = warning; SELECT app_setup_roles()" >/dev/null &&
	bench_tables "$TABLES" psql_as migrator >/dev/null &&
	psql_as postgres -c "VACUUM ANALYZE pg_catalog.pg_class" 2>/dev/null ||
	{ echo "FAIL scale-walk: the schema could not be made"; echo "scale-walk: 0 passed, 1 failed"; exit 1; }
catalog=$(psql_as postgres -c "SELECT count(*) FROM pg_class")
relations=$(psql_as postgres -c "SELECT count(*) FROM pg_class WHERE relnamespace = 'app'::regnamespace AND relkind IN ('r', 'S')")
echo "# $TABLES tables: $relations relations in schema app, $catalog rows in pg_class"

# converged: one question, no page
out=$(walked "app_setup_roles()")
echo "$out" | sed 's/^/# converged setup: /'
check "a converged setup reads no page" [ "$(echo "$out" | field pages 2)" = 0 ]
check "a converged setup asks one question" [ "$(echo "$out" | field question 2)" = 1 ]
check "a converged setup's question reads pg_class at most once" at_most "$(echo "$out" | field question 3)" "$catalog"
out=$(walked "app_check_roles()")
echo "$out" | sed 's/^/# healthy check: /'
check "a healthy check reads no page" [ "$(echo "$out" | field pages 2)" = 0 ]

psql_as migrator -c "REVOKE ALL ON ALL TABLES IN SCHEMA app FROM app" -c "REVOKE ALL ON ALL SEQUENCES IN SCHEMA app FROM app"
out=$(walked "app_check_roles()")
echo "$out" | sed 's/^/# revoked check: /'
check "a revoked check reads one page, for the relations it names" [ "$(echo "$out" | field pages 2)" = 1 ]
check "a revoked check reads pg_class about once in all" \
	at_most "$(($(echo "$out" | field question 3) + $(echo "$out" | field pages 3)))" "$((catalog * 3 / 2))"
out=$(walked "count(*) FROM app_roles_plan()")
echo "$out" | sed 's/^/# revoked plan: /'
check "a revoked plan's pages read pg_class about once in all" \
	at_most "$(echo "$out" | field pages 3)" "$((catalog * 3 / 2))"
check "a revoked plan's question stops at the first relation" at_most "$(echo "$out" | field question 3)" "$((catalog / 2))"
check "plan grants on every relation, batched" \
	[ "$(psql_as postgres -c "SELECT count(*) FROM app_roles_plan() p WHERE p LIKE 'GRANT ALL ON %'")" -gt 0 ]
psql_as postgres -c "SET client_min_messages = warning; SELECT app_setup_roles()" >/dev/null
check "setup repairs every relation" \
	[ "$(psql_as postgres -c "SELECT app_check_roles()->>'success'")" = true ]

echo "scale-walk: $passed passed, $failed failed"
[ "$failed" = 0 ]
