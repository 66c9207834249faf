#!/usr/bin/env bash
# test/run_regress.sh: the extension's pg_regress suites on a throwaway
# Aurora-like cluster, as the master user.  Prints "regress: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
. test/cluster.sh
trap cluster_stop EXIT
cluster_start "$(pg_config --bindir)" || exit 1
tests=$(sed -n 's/^REGRESS_HARNESS *= *//p' Makefile)
outdir=$(mktemp -d /tmp/app_roles_regress.XXXXXX)
"$(pg_config --pkglibdir)/pgxs/src/test/regress/pg_regress" --use-existing \
	--bindir="$(pg_config --bindir)" --inputdir=test --outputdir="$outdir" \
	--host="$PGHOST" --port="$PGPORT" --user=postgres --dbname="$PGDATABASE" \
	$tests >"$outdir/pg_regress.log" 2>&1
cat "$outdir/pg_regress.log" | grep -E '^(test| *ok| *not ok|ok|not ok)' || true
[ -f "$outdir/regression.diffs" ] && cp "$outdir/regression.diffs" . && cat regression.diffs | head -200
total=$(echo $tests | wc -w)
passed=$(grep -cE '\.\.\. ok' "$outdir/pg_regress.log")
failed=$((total - passed))
mkdir -p results && cp "$outdir"/results/*.out results/ 2>/dev/null
rm -rf "$outdir"
echo "regress: $passed passed, $failed failed"
[ "$failed" = 0 ]
