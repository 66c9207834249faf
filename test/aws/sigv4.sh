#!/usr/bin/env bash
# test/aws/sigv4.sh [plain|asan|valgrind]: the SigV4 unit tests
# (test/aws/test_sigv4.c) on AWS's signing test suite, which lives beside the
# checkout in ../shared/sigv4-testsuite/v4 (SIGV4_SUITE overrides).  The last
# line is test_sigv4's "sigv4: N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
suite=${SIGV4_SUITE:-$here/../../../shared/sigv4-testsuite/v4}
mode=${1:-plain}
cd "$here/../.."
if [ ! -d "$suite" ]; then
	echo "sigv4.sh: the SigV4 test suite is missing: $suite" >&2
	echo "sigv4: 0 passed, 1 failed"
	exit 1
fi
case $mode in
plain)
	make -s test/aws/test_sigv4 || exit 1
	exec test/aws/test_sigv4 "$suite" ;;
asan)
	make -s test/aws/test_sigv4_asan || exit 1
	exec test/aws/test_sigv4_asan "$suite" ;;
valgrind)
	command -v valgrind >/dev/null || { echo "sigv4.sh: valgrind is not installed" >&2; exit 1; }
	make -s test/aws/test_sigv4 || exit 1
	exec valgrind -q --error-exitcode=1 --leak-check=full \
		--errors-for-leak-kinds=definite,possible test/aws/test_sigv4 "$suite" ;;
*)
	echo "usage: $0 [plain|asan|valgrind]" >&2
	exit 2 ;;
esac
