#!/usr/bin/env bash
# test/fuzz.sh KIND SECONDS: run a fuzz target (libFuzzer) for a fixed time
# from its seeds, in a scratch corpus.  KIND: xml, json (the AWS error
# answers), profile (the shared config/credentials files), credential_process
# (what a credential_process prints), in test/aws/; roles_config (the core's
# names and superuser_extensions), envconfig (an environment's config file)
# local_state (the local provider's state.json) and rdsdata_answer (the Data
# API's ExecuteStatement answers), in test/fuzz/.
# A crash, a leak or a sanitizer report fails it.  Prints
# "fuzz-KIND: 1 passed, 0 failed" (or 0 passed, 1 failed).
set -u
cd "$(dirname "$0")/.."
kind=${1:?the kind of input: xml, json, profile, credential_process, roles_config, envconfig, local_state, rdsdata_answer}
secs=${2:-20}
target=test/aws/fuzz_"$kind"_error seeds=test/aws/fuzz/"$kind"_error dict=-dict=test/aws/fuzz/"$kind".dict
case $kind in xml | json) ;; *)	# the others: fuzz_KIND, with seeds in a folder KIND
	target=test/aws/fuzz_$kind seeds=test/aws/fuzz/$kind dict=
	[ -f test/fuzz/fuzz_$kind.c ] && target=test/fuzz/fuzz_$kind seeds=test/fuzz/$kind
	[ "$kind" = profile ] || dict=-dict=test/aws/fuzz/json.dict ;;	# the rest read JSON
esac
corpus=$(mktemp -d /tmp/appdb-fuzz.XXXXXX)
trap 'rm -rf "$corpus"' EXIT
if "$target" -max_total_time="$secs" -print_final_stats=1 $dict -artifact_prefix="$corpus/" \
	"$corpus" "$seeds" >"$corpus/log" 2>&1; then
	grep -E '^stat::number_of_executed_units' "$corpus/log"
	echo "fuzz-$kind: 1 passed, 0 failed"
else
	tail -40 "$corpus/log"
	ls "$corpus"/crash-* "$corpus"/leak-* 2>/dev/null
	echo "fuzz-$kind: 0 passed, 1 failed"
	exit 1
fi
