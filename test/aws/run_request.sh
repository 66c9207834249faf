#!/bin/bash
# test/aws/run_request.sh: run the AWS request-path test against the bed.
#
#   test/aws/run_request.sh [BINARY]     default test/aws/test_request
#
# Starts moto and the fault proxy (test/aws/motobed.sh), runs BINARY (under
# $VALGRIND when set, e.g. VALGRIND="valgrind --leak-check=full
# --error-exitcode=1"), stops the bed, and exits with BINARY's status.  Its
# last line is "aws-request: N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:-$here/test_request}
[ -x "$binary" ] || { echo "run_request: $binary is not built" >&2; exit 2; }

. "$here/motobed.sh"
trap motobed_stop EXIT
motobed_start || exit 2
${VALGRIND:-} "$binary"
