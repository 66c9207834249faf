#!/usr/bin/env bash
# test/bench/scale.sh (make bench): how check, plan and setup scale with the
# schema, side by side with floors that do the same work by hand.  Prints
# figures, asserts nothing.
#
#   SIZES     tables in schema app, each with its sequence (default
#             "0 1000 10000"; 100000 takes some ten minutes more to make,
#             so only when asked: SIZES="0 1000 10000 100000")
#   ROUNDS    rounds per comparison (default 5)
#   DATA_API  0: leave out the Data API figures (default 1; they need
#             Debian's /usr/bin/python3 with psycopg2)
#   APPDB     the appdb program (default ./appdb)
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
#   check-in-db    SELECT app_check_roles() / the floor, in one session
#   plan-in-db     SELECT count(*) FROM app_roles_plan() / the floor, in one
#                  session
#   check-cli      appdb roles check --via core / the floor through psql
#   setup/floor    converged SELECT app_setup_roles() / the floor, and
#   setup/select1  / SELECT 1: each a psql process with the same connection
#                  settings (healthy state only)
#   repair         app_setup_roles() / migrator's GRANT ALL ON ALL TABLES
#                  and SEQUENCES, each run after a revoke that is not timed
#                  (revoked state only), and the statements setup sent
#   probe          check's behavioural probe (migrator makes a serial table,
#                  app inserts, selects, updates, deletes; rolled back) /
#                  the probe before issue 12 (serial PRIMARY KEY and a text
#                  column), 20 of each a member, in one session (first
#                  size only: the probe does not grow with the schema)
# Then, for two sizes a tenfold apart, the per-relation line: the larger
# size's median over ten times the smaller's (1.00: flat), and for each size
# and state the Data API path: the core's check and setup through
# test/aws/data_api_server.py (the Data API on this cluster, with its 1 MiB
# answer and 64 KB row limits), the calls each made and the largest answer.
#
# All of it on one local environment made by appdb (test/bench/lib.sh), since
# appdb's local provider talks only to a cluster it made.
set -eu -o pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
SIZES=${SIZES:-0 1000 10000}
ROUNDS=${ROUNDS:-5}
DATA_API=${DATA_API:-1}
APPDB=${APPDB:-$top/appdb}
psql=$(pg_config --bindir)/psql
. "$top/test/bench/lib.sh"
medians=$(mktemp /tmp/appdb-bench-medians.XXXXXX)
data_api_pid=
stop_all() {
	[ -z "$data_api_pid" ] || { kill "$data_api_pid" 2>/dev/null; wait "$data_api_pid" 2>/dev/null || true; }
	bench_env_stop
	rm -f "$medians"
}
trap stop_all EXIT
bench_env_start "$APPDB"

floor="SELECT count(*) FILTER (WHERE NOT CASE WHEN c.relkind = 'S' THEN
	  (has_sequence_privilege('app', c.oid, 'USAGE')::int + has_sequence_privilege('app', c.oid, 'SELECT')::int
	   + has_sequence_privilege('app', c.oid, 'UPDATE')::int) = 3
	ELSE (has_table_privilege('app', c.oid, 'SELECT')::int + has_table_privilege('app', c.oid, 'INSERT')::int
	   + has_table_privilege('app', c.oid, 'UPDATE')::int + has_table_privilege('app', c.oid, 'DELETE')::int) = 4 END)
	FROM pg_class c WHERE c.relnamespace = 'app'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
master() { "$psql" -X -q -At -v ON_ERROR_STOP=1 "$BENCH_MASTER" "$@"; }
migrator() { "$psql" -X -q -At -v ON_ERROR_STOP=1 "$BENCH_MIGRATOR" "$@"; }
superuser() { "$psql" -X -q -At -v ON_ERROR_STOP=1 "$BENCH_SUPERUSER" "$@"; }
revoke() { migrator -c "REVOKE ALL ON ALL TABLES IN SCHEMA app FROM app" \
	-c "REVOKE ALL ON ALL SEQUENCES IN SCHEMA app FROM app"; }

# the members of the comparisons: each one process
m_floor() { master -c "$floor"; }
m_select1() { master -c "SELECT 1"; }
m_setup() { master -c "SELECT app_setup_roles()"; }
m_cli_check() { "$APPDB" $BENCH_ENV roles check --via core || [ $? = 1 ]; }	# 1: a check failed
m_grants() { migrator -c "GRANT ALL ON ALL TABLES IN SCHEMA app TO app" \
	-c "GRANT ALL ON ALL SEQUENCES IN SCHEMA app TO app"; }

# The probe as check runs it (core/checks.c), and as it was, 20 times each in
# a subtransaction rolled back; run by the superuser, which may act as both.
probe_loop() {	# create-table insert select update
	echo "DO \$p\$ BEGIN FOR i IN 1..20 LOOP BEGIN
	SET LOCAL ROLE migrator; SET LOCAL search_path = app;
	CREATE TABLE app_roles_probe $1; PERFORM FROM app.app_roles_probe;
	SET LOCAL ROLE app; $2; PERFORM $3 FROM app.app_roles_probe; $4;
	DELETE FROM app.app_roles_probe; RAISE EXCEPTION 'rollback';
	EXCEPTION WHEN raise_exception THEN NULL; END; END LOOP; END \$p\$"
}
probe_now=$(probe_loop "(id serial)" "INSERT INTO app.app_roles_probe DEFAULT VALUES" id \
	"UPDATE app.app_roles_probe SET id = id")
probe_before=$(probe_loop "(id serial PRIMARY KEY, note text)" \
	"INSERT INTO app.app_roles_probe (note) VALUES ('probe')" "id, note" \
	"UPDATE app.app_roles_probe SET note = 'checked'")

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

# The same for queries in one session of CONNECT (master or superuser),
# timed by the server
rounds_in_db() {	# connect query...
	local connect=$1 q="" arg
	shift
	for arg in "$@"; do
		q="$q${q:+, }\$q\$$arg\$q\$"
	done
	$connect <<SQL | tr '|' ' '
SET client_min_messages = warning;
CREATE TEMP TABLE timings (r int, i int, ms float8);
DO \$d\$
DECLARE
	q text[] := ARRAY[$q];
	t0 timestamptz;
	i int;
BEGIN
	FOR r IN 0..$ROUNDS - 1 LOOP
		FOR k IN 0..$# - 1 LOOP
			i := (r + k) % $#;
			t0 := clock_timestamp();
			EXECUTE q[i + 1];
			INSERT INTO timings VALUES (r, i, extract(epoch FROM clock_timestamp() - t0) * 1000);
		END LOOP;
	END LOOP;
END
\$d\$;
SELECT r, i, round(ms::numeric, 3) FROM timings;
SQL
}

# From "round member ms" lines, a line per name: member 0 over member j,
# within each round; the medians go to $medians as "name state size ms"
report() {	# size state name...
	local size=$1 state=$2
	shift 2
	awk -v size="$size" -v state="$state" -v names="$*" -v medians="$medians" '
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
			ma = median(a, nr)
			printf "%-14s %7d  %-8s %8.2f %8.2f %8.2f %10.1f %10.1f\n", name[j], size, state,
				median(q, nr), min, max, ma, median(b, nr)
			if (j == 1)
				printf "%s %s %d %.3f\n", name[j], state, size, ma >> medians
		}
	}'
}

# The Data API path: test/aws/test_rdsdata_exec runs the core's check and
# setup through the test server (PHASE big: healthy, check then converged
# setup; revoked: check, repair, check); from the server's log, the calls and
# the largest answer.
data_api_start() {
	local port pw
	make -s -C "$top" test/aws/test_rdsdata_exec
	port=$(echo "$BENCH_MASTER" | sed -E 's|.*@127\.0\.0\.1:([0-9]+)/.*|\1|')
	pw=$(cut -d: -f5- "$(echo "$BENCH_MASTER" | sed 's|.*passfile=||')")
	cat >"$BENCH_WORK/secrets.json" <<JSON
{"arn:aws:secretsmanager:us-east-1:123456789012:secret:bench": {"host": "127.0.0.1",
  "port": $port, "username": "postgres", "password": "$pw", "dbname": "app"}}
JSON
	/usr/bin/python3 "$top/test/aws/data_api_server.py" --secrets "$BENCH_WORK/secrets.json" \
		--region us-east-1 --db-host 127.0.0.1 --db-port "$port" --db-name app \
		--verify-key AKIDDATAAPITEST:data-api-test-secret \
		--port-file "$BENCH_WORK/data-api.port" --log "$BENCH_WORK/data-api.log" \
		2>"$BENCH_WORK/data-api.err" &
	data_api_pid=$!
	for _ in $(seq 200); do [ -s "$BENCH_WORK/data-api.port" ] && break; sleep 0.1; done
	[ -s "$BENCH_WORK/data-api.port" ] || { cat "$BENCH_WORK/data-api.err" >&2; exit 2; }
}
data_api() {	# size phase
	: >"$BENCH_WORK/data-api.log"
	PGHOST=127.0.0.1 PGDATABASE=app PSQL="$psql" \
		PGPORT=$(echo "$BENCH_MASTER" | sed -E 's|.*@127\.0\.0\.1:([0-9]+)/.*|\1|') \
		PGPASSFILE=$(echo "$BENCH_MASTER" | sed 's|.*passfile=||') \
		"$top/test/aws/test_rdsdata_exec" "http://127.0.0.1:$(cat "$BENCH_WORK/data-api.port")" \
		arn:aws:secretsmanager:us-east-1:123456789012:secret:bench app "$2" >"$BENCH_WORK/data-api.out" ||
		{ cat "$BENCH_WORK/data-api.out" >&2; echo "scale.sh: the Data API run failed" >&2; exit 2; }
	/usr/bin/python3 - "$BENCH_WORK/data-api.log" "$1" "$2" <<'PY'
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
ex = [c for c in calls if c.get("op") == "ExecuteStatement"]
print("data-api       %7d  %-8s %5d ExecuteStatement calls (%d in all), largest answer %d bytes, %d errors"
      % (int(sys.argv[2]), "healthy" if sys.argv[3] == "big" else "revoked", len(ex), len(calls),
         max([c.get("bytes", 0) for c in calls] or [0]), sum(1 for c in calls if "error" in c)))
PY
}

[ "$DATA_API" = 0 ] || data_api_start
printf "%-14s %7s  %-8s %8s %8s %8s %10s %10s\n" comparison tables state "ratio" min max "a ms" "b ms"
printf "%-14s %7s  %-8s %8s %8s %8s %10s %10s\n" "" "" "" "median" "" "" "median" "median"
first=1
for size in $SIZES; do
	bench_tables "$size" migrator >/dev/null
	master -c "VACUUM ANALYZE pg_catalog.pg_class" 2>/dev/null || true
	m_setup >/dev/null 2>&1	# healthy, whatever the previous size left
	if [ -n "$first" ]; then
		rounds_in_db superuser "$probe_now" "$probe_before" | report "$size" healthy "probe"
		first=
	fi
	rounds_in_db master "SELECT app_check_roles()" "$floor" | report "$size" healthy "check-in-db"
	rounds_in_db master "SELECT count(*) FROM app_roles_plan()" "$floor" | report "$size" healthy "plan-in-db"
	rounds "" m_cli_check m_floor | report "$size" healthy "check-cli"
	rounds "" m_setup m_floor m_select1 | report "$size" healthy "setup/floor" "setup/select1"
	[ "$DATA_API" = 0 ] || data_api "$size" big

	revoke >/dev/null
	rounds_in_db master "SELECT app_check_roles()" "$floor" | report "$size" revoked "check-in-db"
	rounds_in_db master "SELECT count(*) FROM app_roles_plan()" "$floor" | report "$size" revoked "plan-in-db"
	rounds "" m_cli_check m_floor | report "$size" revoked "check-cli"
	rounds revoke m_setup m_grants | report "$size" revoked "repair"
	revoke >/dev/null
	echo "  repair at $size tables: setup sent $(m_setup 2>&1 | grep -c '^NOTICE') statements"
	revoke >/dev/null
	[ "$DATA_API" = 0 ] || [ "$size" = 0 ] || data_api "$size" revoked
done

# per relation: a size's median over ten times the median a tenth its size
awk '{ ms[$1 " " $2, $3] = $4; key[$1 " " $2] = 1; size[$3] = 1 }
	END {
		for (k in key)
			for (s in size)
				if (s >= 1000 && ((k, s * 10) in ms) && ((k, s) in ms))
					printf "per-relation   %-22s %6d -> %7d: %.2f of tenfold\n", k, s, s * 10,
						ms[k, s * 10] / (10 * ms[k, s])
	}' "$medians" | sort
