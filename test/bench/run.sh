#!/usr/bin/env bash
# test/bench/run.sh (make bench): the extension on a schema of 10,000 tables.
# Prints figures, asserts nothing:
#  - app_check_roles() against the floor, one query asking has_table_privilege
#    for app and each privilege "usable" means, on every table of the schema;
#  - a converged app_setup_roles(): its time and the statements it executed.
set -eu
cd "$(dirname "$0")/../.."
. test/cluster.sh
. test/bench/lib.sh
trap cluster_stop EXIT
TABLES=${TABLES:-10000}
ROUNDS=${ROUNDS:-5}
cluster_start "$(pg_config --bindir)" >/dev/null
psql_as() { local who=$1; shift; "$CLUSTER_PSQL" -X -q -At -v ON_ERROR_STOP=1 -U "$who" "$@"; }

psql_as postgres -c "CREATE EXTENSION app_roles"
psql_as postgres -c "SET client_min_messages = warning; SELECT app_setup_roles()" >/dev/null
echo "creating $TABLES tables in schema app as migrator..."
bench_tables "$TABLES" psql_as migrator
psql_as postgres -c "VACUUM ANALYZE pg_catalog.pg_class" 2>/dev/null || true

# Each figure is the median of ROUNDS runs, all in one session, interleaved.
psql_as postgres <<SQL
CREATE TEMP TABLE timings (what text, ms float8);
DO \$\$
DECLARE
	t0 timestamptz;
	n bigint;
BEGIN
	FOR r IN 1..$ROUNDS LOOP
		t0 := clock_timestamp();
		SELECT count(*) INTO n FROM pg_class c
		WHERE c.relnamespace = 'app'::regnamespace AND c.relkind IN ('r', 'p')
		  AND has_table_privilege('app', c.oid, 'SELECT')
		  AND has_table_privilege('app', c.oid, 'INSERT')
		  AND has_table_privilege('app', c.oid, 'UPDATE')
		  AND has_table_privilege('app', c.oid, 'DELETE');
		INSERT INTO timings VALUES ('floor', extract(epoch FROM clock_timestamp() - t0) * 1000);
		t0 := clock_timestamp();
		PERFORM app_check_roles();
		INSERT INTO timings VALUES ('check', extract(epoch FROM clock_timestamp() - t0) * 1000);
		t0 := clock_timestamp();
		PERFORM app_setup_roles();
		INSERT INTO timings VALUES ('setup', extract(epoch FROM clock_timestamp() - t0) * 1000);
	END LOOP;
END
\$\$;
\pset format aligned
\pset tuples_only off
WITH m AS (SELECT what, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM timings GROUP BY what)
SELECT what AS "median of $ROUNDS ($TABLES tables)", round(ms::numeric, 1) AS ms,
	round((ms / (SELECT ms FROM m WHERE what = 'floor'))::numeric, 2) AS "x floor"
FROM m ORDER BY ms;
SQL
echo "converged setup, statements it would execute: $(psql_as postgres -c 'SELECT count(*) FROM app_roles_plan()')"
echo "check success: $(psql_as postgres -c "SELECT app_check_roles()->>'success'")"
