#!/usr/bin/env bash
# test/demo.sh (make demo): an Aurora-like PostgreSQL cluster, the extension
# installed by the master user, then setup and check as the master.
set -eu
cd "$(dirname "$0")/.."
. test/cluster.sh
trap cluster_stop EXIT
CLUSTER_DB=demo
echo "Starting a throwaway PostgreSQL cluster bootstrapped like Aurora (master \"postgres\" is not a superuser)..."
cluster_start "$(pg_config --bindir)" >/dev/null
psql_master() { "$CLUSTER_PSQL" -X -v ON_ERROR_STOP=1 -U postgres -d demo "$@"; }
echo
echo "$ psql -U postgres -c 'CREATE EXTENSION app_roles'"
psql_master -q -c "CREATE EXTENSION app_roles"
echo
echo "$ psql -U postgres -c 'SELECT app_setup_roles()'"
psql_master -At -c "SELECT app_setup_roles()"
echo
echo "$ psql -U postgres -c 'SELECT app_check_roles()'"
psql_master -At -c "SELECT app_check_roles()"
