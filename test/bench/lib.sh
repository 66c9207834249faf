# test/bench/lib.sh: what the benchmarks share; source it.
#
#   bench_env_start APPDB  a provisioned local environment, roles set up, in
#                          a new directory it cds into; sets BENCH_ENV
#                          (appdb's options naming it), BENCH_MASTER,
#                          BENCH_MIGRATOR and BENCH_SUPERUSER (rdsadmin, the
#                          local cluster's stand-in for AWS's own superuser:
#                          what only a superuser may do, as loading
#                          auto_explain); connection strings
#   bench_env_stop         destroys it and removes the directory
#   bench_tables N CMD...  app.t1 .. app.tN with their sequences, creating
#                          those missing; CMD runs psql as migrator

bench_env_start() {
	BENCH_APPDB=$1
	BENCH_WORK=$(mktemp -d /tmp/appdb-bench.XXXXXX)
	cd "$BENCH_WORK"
	BENCH_ENV="--app bench --env b$$ --quiet"
	"$BENCH_APPDB" $BENCH_ENV configure
	"$BENCH_APPDB" $BENCH_ENV provision
	"$BENCH_APPDB" $BENCH_ENV roles setup >/dev/null
	BENCH_MASTER=$("$BENCH_APPDB" $BENCH_ENV url --role master)
	BENCH_MIGRATOR=$("$BENCH_APPDB" $BENCH_ENV url --role migrator)
	BENCH_SUPERUSER=$(echo "$BENCH_MASTER" | sed 's|//postgres@|//rdsadmin@|; s|passwords\.postgres$|passwords.rdsadmin|')
}

bench_env_stop() {
	[ -n "${BENCH_WORK:-}" ] || return 0
	"$BENCH_APPDB" $BENCH_ENV destroy --yes >/dev/null 2>&1
	cd /
	rm -rf "$BENCH_WORK"
	BENCH_WORK=
}

# Commits every 200 tables: one transaction would hold a lock per table.
bench_tables() {
	local n=$1
	shift
	"$@" -c "DO \$\$ BEGIN
	FOR i IN (SELECT count(*) + 1 FROM pg_class WHERE relnamespace = 'app'::regnamespace
			AND relkind = 'r')..$n LOOP
		EXECUTE format('CREATE TABLE app.t%s (id serial PRIMARY KEY, v text)', i);
		IF i % 200 = 0 THEN COMMIT; END IF;
	END LOOP; END \$\$"
}
