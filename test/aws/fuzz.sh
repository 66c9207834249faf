#!/usr/bin/env bash
# test/aws/fuzz.sh xml|json SECONDS: run a fuzz target of the AWS response
# parsers (libFuzzer) for a fixed time from its seeds, in a scratch corpus.
# A crash, a leak or a sanitizer report fails it.  Prints
# "fuzz-KIND: 1 passed, 0 failed" (or 0 passed, 1 failed).
set -u
cd "$(dirname "$0")/../.."
kind=${1:?xml or json}
secs=${2:-20}
corpus=$(mktemp -d /tmp/appdb-fuzz.XXXXXX)
trap 'rm -rf "$corpus"' EXIT
if test/aws/fuzz_"$kind"_error -max_total_time="$secs" -print_final_stats=1 \
	-dict=test/aws/fuzz/"$kind".dict -artifact_prefix="$corpus/" \
	"$corpus" test/aws/fuzz/"$kind"_error >"$corpus/log" 2>&1; then
	grep -E '^stat::number_of_executed_units' "$corpus/log"
	echo "fuzz-$kind: 1 passed, 0 failed"
else
	tail -40 "$corpus/log"
	ls "$corpus"/crash-* "$corpus"/leak-* 2>/dev/null
	echo "fuzz-$kind: 0 passed, 1 failed"
	exit 1
fi
