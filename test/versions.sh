#!/usr/bin/env bash
# test/versions.sh: the version lives in app_roles.control; META.json, the
# install script's name and appdb --version must agree with it; META.json's
# licence and release status agree with LICENSE and CHANGELOG.md.
set -u
cd "$(dirname "$0")/.."
v=$(sed -n "s/^default_version = '\(.*\)'/\1/p" app_roles.control)
passed=0 failed=0
check() {
	if [ "$2" = "$3" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL versions: $1: \"$2\" is not \"$3\""; fi
}
check "META.json version" "$(python3 -c 'import json; print(json.load(open("META.json"))["version"])')" "$v.0"
check "META.json provides" "$(python3 -c 'import json; print(json.load(open("META.json"))["provides"]["app_roles"]["version"])')" "$v.0"
check "install script" "$(ls sql/app_roles--*.sql | grep -v -- '--.*--' | sed 's/.*--\(.*\)\.sql/\1/' | sort -V | tail -1)" "$v"
meta() { python3 -c 'import json, sys; d = json.load(open("META.json")); print(d.get(sys.argv[1]))' "$1"; }
check "META.json license, as LICENSE says" "$(meta license):$(head -1 LICENSE)" "postgresql:PostgreSQL License"
# PGXN: unstable until the changelog gives this version a date
if grep -q "^## $v (unreleased)" CHANGELOG.md; then status=unstable; else status=stable; fi
check "META.json release_status" "$(meta release_status)" "$status"
# every older install script has an upgrade script to this version
for old in $(ls sql/app_roles--*.sql | grep -v -- '--.*--' | sed 's/.*--\(.*\)\.sql/\1/'); do
	[ "$old" = "$v" ] && continue
	check "upgrade script from $old" "$(ls sql/app_roles--"$old"--"$v".sql 2>/dev/null)" "sql/app_roles--$old--$v.sql"
done
check "appdb --version" "$(./appdb --version)" "appdb $v"
echo "versions: $passed passed, $failed failed"
[ "$failed" = 0 ]
