#!/usr/bin/env bash
# test/concurrency.sh: eight sessions run setup at once and all succeed,
# leaving one converged state; first in one database (the advisory lock
# serializes them), then split over two databases, where roles are shared
# but the lock is not (a lost race is retried).
# Prints "concurrency: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
. test/cluster.sh
trap cluster_stop EXIT
cluster_start "$(pg_config --bindir)" >/dev/null || exit 1
passed=0 failed=0 retried=0
check() {	# name, then a command whose success is the result
	local name=$1; shift
	if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL concurrency: $name"; fi
}
psql_master() { "$CLUSTER_PSQL" -X -q -At -v ON_ERROR_STOP=1 -U postgres "$@"; }

cluster_createdb regress_second
for db in "$PGDATABASE" regress_second; do
	psql_master -d "$db" -c "CREATE EXTENSION app_roles"
done

run_eight() {	# databases for the eight sessions
	local dir=$CLUSTER_DIR/run.$RANDOM i=0 db pids=()
	mkdir -p "$dir"
	for db in "$@"; do
		psql_master -d "$db" -c "SELECT app_setup_roles()" >"$dir/$i.out" 2>"$dir/$i.err" &
		pids+=($!)
		i=$((i + 1))
	done
	local rc=0
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	[ "$rc" = 0 ] || cat "$dir"/*.err
	retried=$((retried + $(cat "$dir"/*.err | grep -c "lost a race")))
	# all eight returned the one converged report
	[ "$rc" = 0 ] && [ "$(cat "$dir"/*.out | sort -u | wc -l)" = 1 ]
}

converged() {	# every database: nothing left to do, every check passes
	local db
	for db in "$@"; do
		[ "$(psql_master -d "$db" -c "SELECT count(*) FROM app_roles_plan()")" = 0 ] || return 1
		[ "$(psql_master -d "$db" -c "SELECT app_check_roles()->>'success'")" = true ] || return 1
	done
}

reset_roles() {
	cluster_psql_super -d "$PGDATABASE" -c "DROP SCHEMA app CASCADE"
	cluster_psql_super -d regress_second -c "DROP SCHEMA IF EXISTS app CASCADE"
	for db in "$PGDATABASE" regress_second; do
		cluster_psql_super -d "$db" -c "DROP OWNED BY app, migrator CASCADE" 2>/dev/null
	done
	cluster_psql_super -d postgres -c "DROP ROLE app, migrator"
}

d=$PGDATABASE
check "eight sessions in one database" run_eight $d $d $d $d $d $d $d $d
check "one database converged" converged $d
reset_roles
check "eight sessions in two databases" run_eight $d regress_second $d regress_second $d regress_second $d regress_second
check "two databases converged" converged $d regress_second

echo "(setups that lost a race and retried: $retried)"
echo "concurrency: $passed passed, $failed failed"
[ "$failed" = 0 ]
