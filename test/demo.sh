#!/usr/bin/env bash
# test/demo.sh (make demo): the whole workflow on the local provider, in a
# scratch folder: configure, provision (a PostgreSQL cluster bootstrapped the
# way Aurora is), roles setup, roles check; then destroy, unless KEEP=1.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
appdb="$top/appdb"
work=$(mktemp -d /tmp/appdb-demo.XXXXXX)
cd "$work"
env="--app demo --env dev"
cleanup() {
	if [ "${KEEP:-0}" != 1 ]; then
		"$appdb" $env destroy --yes --quiet || true
		cd /; rm -rf "$work"
	else
		echo; echo "Kept: cd $work; $appdb $env status   (destroy with: $appdb $env destroy)"
	fi
}
trap cleanup EXIT
show() { echo; echo "\$ appdb $*"; "$appdb" "$@"; }

show $env configure
show $env provision
show $env roles setup
show $env roles setup
show $env roles check --login
show $env url --role app
