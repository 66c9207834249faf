#!/bin/bash
# test/aws/run_services.sh: run the AWS service-call test against the bed.
#
#   test/aws/run_services.sh [BINARY]     default test/aws/test_services
#
# Starts moto and the fault proxy (test/aws/motobed.sh), runs BINARY (under
# $VALGRIND when set, e.g. VALGRIND="valgrind --leak-check=full
# --error-exitcode=1"), stops the bed, and exits with BINARY's status.  Its
# last line is "aws-services: N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:-$here/test_services}
[ -x "$binary" ] || { echo "run_services: $binary is not built" >&2; exit 2; }

. "$here/motobed.sh"
trap motobed_stop EXIT
motobed_start || exit 2
${VALGRIND:-} "$binary"
