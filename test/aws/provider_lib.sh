# test/aws/provider_lib.sh: the counters and helpers of the aws provider's
# test scripts, to be sourced (bash).  The script sets work (a folder),
# envdir (where appdb runs), APPDB and STATE (provider_state.py) first; the
# last line it prints is "NAME: $passed passed, $failed failed".
passed=0 failed=0
# the checks' marks the scripts look for (✓, ✗) are a UTF-8 locale's; C gives ok/FAIL
export LC_ALL=C.UTF-8

ok() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && sed 's/^/#   /' "$2" | head -30; return 0; }
# check NAME COMMAND...: the command's status decides
check() { local name=$1; shift; if "$@" >"$work/check.out" 2>&1; then ok "$name"; else fail "$name" "$work/check.out"; fi; }
# state SUBCOMMAND ARGS...: provider_state.py's checks, each counted
state() {
	local line
	$STATE "$@" >"$work/state.out" 2>&1
	while IFS= read -r line; do
		case $line in
			"ok - "*) passed=$((passed + 1)); echo "$line" ;;
			"not ok - "*) failed=$((failed + 1)); echo "$line" ;;
			*) echo "# $line" ;;
		esac
	done <"$work/state.out"
}
# run NAME EXPECTED_STATUS ARGS...: appdb in the environment folder, output kept
n=0
run() {
	local name=$1 want=$2 rc; shift 2
	n=$((n + 1))
	(cd "$envdir" && "$APPDB" "$@") >"$work/out.$n" 2>"$work/err.$n" </dev/null
	rc=$?
	cat "$work/out.$n" "$work/err.$n" >"$work/last"
	cat "$work/last" >>"$work/all-output"
	if [ "$rc" = "$want" ]; then ok "$name (exit $rc)"; else fail "$name: exit $rc, expected $want" "$work/last"; fi
}
has() { grep -qF -- "$1" "$work/last"; }
lacks() { ! grep -qF -- "$1" "$work/last"; }
# provider_bed SUITE: a suite's set-up (the script sets here and root):
# APPDB (default test/appdb-asan, its AWS half beside it) checked, work and
# envdir made, the moto test bed started; both undone at exit.  die ends
# the suite with its last line, "SUITE: N passed, M failed", and status 2.
die() { echo "${suite:-provider}: $*" >&2; echo "${suite:-provider}: $passed passed, $((failed + 1)) failed"; exit 2; }
provider_bed() {
	suite=$1
	APPDB=${APPDB:-$root/test/appdb-asan}
	case $APPDB in /*) ;; *) APPDB=$root/$APPDB ;; esac
	. "$here/motobed.sh"
	work=$(mktemp -d "/tmp/$suite.XXXXXX")
	envdir=$work/env
	mkdir -p "$envdir"
	trap "motobed_stop; rm -rf '$work'" EXIT
	[ -x "$APPDB" ] && [ -x "$APPDB-aws" ] || die "$APPDB and $APPDB-aws must be built"
	export MOTO_IAM_LOAD_MANAGED_POLICIES=true
	motobed_start || die "the moto test bed did not start"
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
}
