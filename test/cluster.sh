#!/usr/bin/env bash
# test/cluster.sh: start and stop a throwaway PostgreSQL cluster bootstrapped
# the way Aurora is (DESIGN §7): bootstrap superuser rdsadmin, the rds_*
# roles, a master "postgres" that is not a superuser, a database it owns.
#
# Source it, then:
#   cluster_start BINDIR   sets CLUSTER_DIR, CLUSTER_PSQL, PGHOST, PGPORT,
#                          PGDATABASE; with CLUSTER_TCP_PORT set, the server
#                          also listens on 127.0.0.1 at that port
#   cluster_psql_super ... psql as rdsadmin
#   cluster_createdb NAME  a database owned by the master
#   cluster_stop
#
# PostgreSQL refuses to run as root, so as root the server runs as the
# unprivileged OS user "postgres" (created by Debian's server package), in a
# directory under /tmp that user can reach.
#
# BINDIR may hold only a server (the npm packages of test/pgversions.sh ship
# no psql): CLUSTER_PSQL is then the system's psql, which talks to any server
# version.

CLUSTER_USER=${CLUSTER_USER:-postgres}
CLUSTER_DB=${CLUSTER_DB:-app_roles_regress}

as_server_user() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$CLUSTER_USER" -- "$@"
	else
		"$@"
	fi
}

cluster_psql_super() {
	"$CLUSTER_PSQL" -X -q -v ON_ERROR_STOP=1 -U rdsadmin "$@"
}

# The server's major version, from its binaries.
cluster_major() {
	"$CLUSTER_BINDIR/postgres" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)?.*/\1/'
}

cluster_createdb() {
	cluster_psql_super -d postgres -c "CREATE DATABASE \"$1\" OWNER postgres"
	# On 13 and 14 the bootstrap superuser owns schema public; on Aurora the
	# master does (from 15 the database owner does anyway).
	if [ "$(cluster_major)" -lt 15 ]; then
		cluster_psql_super -d "$1" -c "ALTER SCHEMA public OWNER TO postgres"
	fi
}

cluster_start() {
	CLUSTER_BINDIR=${1:-$(pg_config --bindir)}
	CLUSTER_PSQL=$CLUSTER_BINDIR/psql
	if [ ! -x "$CLUSTER_PSQL" ]; then
		CLUSTER_PSQL=$(pg_config --bindir 2>/dev/null)/psql
		[ -x "$CLUSTER_PSQL" ] || CLUSTER_PSQL=$(command -v psql) ||
			{ echo "cluster.sh: no psql in $CLUSTER_BINDIR nor on PATH" >&2; return 1; }
	fi
	CLUSTER_DIR=$(mktemp -d /tmp/app_roles_test.XXXXXX)
	chmod 755 "$CLUSTER_DIR"
	mkdir -p "$CLUSTER_DIR/sock"
	if [ "$(id -u)" = 0 ]; then
		chown -R "$CLUSTER_USER" "$CLUSTER_DIR"
	fi
	as_server_user "$CLUSTER_BINDIR/initdb" -U rdsadmin -A trust --no-sync \
		-E UTF8 --locale=C -D "$CLUSTER_DIR/data" >"$CLUSTER_DIR/initdb.log" 2>&1 ||
		{ cat "$CLUSTER_DIR/initdb.log"; return 1; }
	local port=${CLUSTER_TCP_PORT:-5432} listen=
	[ -n "${CLUSTER_TCP_PORT:-}" ] && listen=127.0.0.1
	cat >>"$CLUSTER_DIR/data/postgresql.conf" <<CONF
listen_addresses = '$listen'
unix_socket_directories = '$CLUSTER_DIR/sock'
port = $port
fsync = off
max_connections = 40
CONF
	as_server_user "$CLUSTER_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -w -s \
		-l "$CLUSTER_DIR/server.log" start || { cat "$CLUSTER_DIR/server.log"; return 1; }
	export PGHOST="$CLUSTER_DIR/sock" PGPORT=$port
	cluster_psql_super -d postgres <<'SQL'
CREATE ROLE rds_superuser NOLOGIN;
CREATE ROLE rds_iam NOLOGIN;
CREATE ROLE rds_password NOLOGIN;
GRANT rds_iam, rds_password TO rds_superuser WITH ADMIN OPTION;
CREATE ROLE postgres LOGIN CREATEROLE CREATEDB;
GRANT rds_superuser TO postgres;
SQL
	cluster_createdb "$CLUSTER_DB"
	export PGDATABASE="$CLUSTER_DB"
}

cluster_stop() {
	[ -n "${CLUSTER_DIR:-}" ] || return 0
	as_server_user "$CLUSTER_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -s -m fast stop >/dev/null 2>&1
	rm -rf "$CLUSTER_DIR"
	CLUSTER_DIR=
}
