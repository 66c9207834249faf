#!/usr/bin/env bash
# test/aws/fuzz.sh xml|json|profile SECONDS: run a fuzz target (libFuzzer) of
# the AWS response parsers or of the shared config/credentials file parser
# for a fixed time from its seeds, in a scratch corpus.
# A crash, a leak or a sanitizer report fails it.  Prints
# "fuzz-KIND: 1 passed, 0 failed" (or 0 passed, 1 failed).
set -u
cd "$(dirname "$0")/../.."
kind=${1:?xml, json or profile}
secs=${2:-20}
target=test/aws/fuzz_"$kind"_error seeds=test/aws/fuzz/"$kind"_error dict=-dict=test/aws/fuzz/"$kind".dict
[ "$kind" = profile ] && target=test/aws/fuzz_profile seeds=test/aws/fuzz/profile dict=
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
