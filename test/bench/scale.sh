#!/usr/bin/env bash
# test/bench/scale.sh (make bench): how check and setup scale with the schema,
# side by side with floors that do the same work by hand.  Prints figures,
# asserts nothing.
#
#   SIZES   tables in schema app, each with its sequence (default "0 1000 10000";
#           100000 takes minutes, so only when asked)
#   ROUNDS  rounds per comparison (default 5)
#   APPDB   the appdb program (default ./appdb)
#
# For each size, healthy and then with every privilege of app revoked (REVOKE
# ALL ON ALL TABLES/SEQUENCES IN SCHEMA app FROM app, as migrator).  Each
# round runs every member of a comparison once, in an order that rotates from
# round to round, and takes the ratio a/b within the round: the machine's
# speed drifts, so the two sides are measured together, never one after the
# other.  A line per comparison: the median, min and max of the ratios, and
# the median ms of each side.
#
# The floor asks has_table_privilege for app and each privilege "usable"
# means (SELECT, INSERT, UPDATE, DELETE) on every table of the schema, and
# has_sequence_privilege (USAGE, SELECT, UPDATE) on every sequence: the same
# questions check answers, every one of them asked.
#
# The comparisons:
#   check in-db      SELECT app_check_roles() / the floor, in one session
#   check cli        appdb roles check --via core / the floor through psql
#   setup/floor      converged SELECT app_setup_roles() / the floor, and
#   setup/select1    / SELECT 1: each a psql process with the same
#                    connection settings (healthy state only)
#   repair           app_setup_roles() / migrator's GRANT ALL ON ALL TABLES
#                    and SEQUENCES, each run after a revoke that is not timed
#                    (revoked state only), and the statements setup sent
#
# All of it on one local environment made by appdb (test/bench/lib.sh), since
# appdb's local provider talks only to a cluster it made.  The Data API path
# (its calls, its largest answer) is a later step.
set -eu -o pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
SIZES=${SIZES:-0 1000 10000}
ROUNDS=${ROUNDS:-5}
APPDB=${APPDB:-$top/appdb}
psql=$(pg_config --bindir)/psql
. "$top/test/bench/lib.sh"
trap bench_env_stop EXIT
bench_env_start "$APPDB"

floor="SELECT count(*) FILTER (WHERE NOT CASE WHEN c.relkind = 'S' THEN
	  (has_sequence_privilege('app', c.oid, 'USAGE')::int + has_sequence_privilege('app', c.oid, 'SELECT')::int
	   + has_sequence_privilege('app', c.oid, 'UPDATE')::int) = 3
	ELSE (has_table_privilege('app', c.oid, 'SELECT')::int + has_table_privilege('app', c.oid, 'INSERT')::int
	   + has_table_privilege('app', c.oid, 'UPDATE')::int + has_table_privilege('app', c.oid, 'DELETE')::int) = 4 END)
	FROM pg_class c WHERE c.relnamespace = 'app'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
master() { "$psql" -X -q -At -v ON_ERROR_STOP=1 "$BENCH_MASTER" "$@"; }
migrator() { "$psql" -X -q -At -v ON_ERROR_STOP=1 "$BENCH_MIGRATOR" "$@"; }
revoke() { migrator -c "REVOKE ALL ON ALL TABLES IN SCHEMA app FROM app" \
	-c "REVOKE ALL ON ALL SEQUENCES IN SCHEMA app FROM app"; }

# the members of the comparisons: each one process
m_floor() { master -c "$floor"; }
m_select1() { master -c "SELECT 1"; }
m_setup() { master -c "SELECT app_setup_roles()"; }
m_cli_check() { "$APPDB" $BENCH_ENV roles check --via core || [ $? = 1 ]; }	# 1: a check failed
m_grants() { migrator -c "GRANT ALL ON ALL TABLES IN SCHEMA app TO app" \
	-c "GRANT ALL ON ALL SEQUENCES IN SCHEMA app TO app"; }

# ROUNDS rounds of the members, in rotating order, each after BEFORE (untimed;
# "" for none): a line "round member ms" per run
rounds() {	# before member...
	local before=$1 r k i t0 t1
	shift
	local members=("$@")
	for ((r = 0; r < ROUNDS; r++)); do
		for ((k = 0; k < ${#members[@]}; k++)); do
			i=$(((r + k) % ${#members[@]}))
			[ -z "$before" ] || $before >/dev/null
			t0=$EPOCHREALTIME
			${members[i]} >/dev/null 2>&1 || { echo "scale.sh: ${members[i]} failed" >&2; ${members[i]}; exit 2; }
			t1=$EPOCHREALTIME
			echo "$r $i $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) * 1000}')"
		done
	done
}

# app_check_roles() and the floor in one session, timed by the server
rounds_in_db() {
	master <<SQL
CREATE TEMP TABLE timings (r int, i int, ms float8);
DO \$\$
DECLARE
	q text[] := ARRAY['SELECT app_check_roles()', \$f\$$floor\$f\$];
	t0 timestamptz;
	i int;
BEGIN
	FOR r IN 0..$ROUNDS - 1 LOOP
		FOR k IN 0..1 LOOP
			i := (r + k) % 2;
			t0 := clock_timestamp();
			EXECUTE q[i + 1];
			INSERT INTO timings VALUES (r, i, extract(epoch FROM clock_timestamp() - t0) * 1000);
		END LOOP;
	END LOOP;
END
\$\$;
SELECT r, i, round(ms::numeric, 3) FROM timings;
SQL
}

# From "round member ms" lines, a line per name: member 0 over member j,
# within each round
report() {	# size state name...
	local size=$1 state=$2
	shift 2
	awk -v size="$size" -v state="$state" -v names="$*" '
	function median(a, n,   i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{ ms[$1, $2] = $3; if ($1 + 1 > nr) nr = $1 + 1; if ($2 + 1 > nm) nm = $2 + 1 }
	END {
		split(names, name, " ")
		for (j = 1; j < nm; j++) {
			min = max = ""
			for (r = 0; r < nr; r++) {
				q[r + 1] = ms[r, 0] / (ms[r, j] > 0 ? ms[r, j] : 0.001)
				a[r + 1] = ms[r, 0]
				b[r + 1] = ms[r, j]
				if (min == "" || q[r + 1] < min) min = q[r + 1]
				if (max == "" || q[r + 1] > max) max = q[r + 1]
			}
			printf "%-14s %7d  %-8s %8.2f %8.2f %8.2f %10.1f %10.1f\n", name[j], size, state,
				median(q, nr), min, max, median(a, nr), median(b, nr)
		}
	}'
}

printf "%-14s %7s  %-8s %8s %8s %8s %10s %10s\n" comparison tables state "ratio" min max "a ms" "b ms"
printf "%-14s %7s  %-8s %8s %8s %8s %10s %10s\n" "" "" "" "median" "" "" "median" "median"
for size in $SIZES; do
	bench_tables "$size" migrator >/dev/null
	master -c "VACUUM ANALYZE pg_catalog.pg_class" 2>/dev/null || true
	m_setup >/dev/null 2>&1	# healthy, whatever the previous size left
	rounds_in_db | tr '|' ' ' | report "$size" healthy "check-in-db"
	rounds "" m_cli_check m_floor | report "$size" healthy "check-cli"
	rounds "" m_setup m_floor m_select1 | report "$size" healthy "setup/floor" "setup/select1"

	revoke >/dev/null
	rounds_in_db | tr '|' ' ' | report "$size" revoked "check-in-db"
	rounds "" m_cli_check m_floor | report "$size" revoked "check-cli"
	rounds revoke m_setup m_grants | report "$size" revoked "repair"
	revoke >/dev/null
	echo "  repair at $size tables: setup sent $(m_setup 2>&1 | grep -c '^NOTICE') statements"
done
