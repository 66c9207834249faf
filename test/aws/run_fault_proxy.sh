#!/bin/bash
# test/aws/run_fault_proxy.sh: test the fault proxy's holds and its fills
# of moto's gaps with boto3 against the bed.
#
#   test/aws/run_fault_proxy.sh
#
# Starts moto and the fault proxy (test/aws/motobed.sh), runs
# test/aws/test_fault_proxy.py with the first python3 on PATH (the image's,
# with boto3), stops the bed, and exits with the test's status.  Its last
# line is "fault-proxy: N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)

. "$here/motobed.sh"
trap motobed_stop EXIT
motobed_start || exit 2
"$MOTOBED_PYTHON" "$here/test_fault_proxy.py"
