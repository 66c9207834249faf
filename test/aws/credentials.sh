#!/usr/bin/env bash
# test/aws/credentials.sh: where appdb finds AWS credentials and the region,
# checked against botocore on the same files and environment: the environment,
# --profile and AWS_PROFILE, the shared credentials and config files,
# credential_process, the profile's region; and the errors for an unknown
# profile, a malformed file, partial keys, a failing process, none at all.
# The last line is "credentials: N passed, M failed".
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
APPDB=${APPDB:-$ROOT/appdb}
case $APPDB in /*) ;; *) APPDB=$ROOT/$APPDB ;; esac
. "$ROOT/test/python_needs.sh"
python_needs credentials.sh python3 botocore || exit 2
PY=$(command -v python3)
WORK=$(mktemp -d /tmp/appdb-creds.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
passed=0 failed=0
check() {	# name, then a command whose success is the result
	local name=$1; shift
	if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL credentials: $name"; fi
}

# A clean environment: only what each case sets.
clean() { env -i PATH="$PATH" HOME="$WORK/home" AWS_EC2_METADATA_DISABLED=true "$@"; }
mkdir -p "$WORK/home/.aws"
cat >"$WORK/home/.aws/credentials" <<'INI'
# static keys
[default]
aws_access_key_id = AKIDDEFAULTCREDS
aws_secret_access_key = secretDefaultCreds

[both]
aws_access_key_id=AKIDBOTHCREDS
aws_secret_access_key=secretBothCreds

[temp]
aws_access_key_id = AKIDTEMPCREDS
aws_secret_access_key = secretTempCreds
aws_session_token = sessionTokenTempCreds
INI
cat >"$WORK/home/.aws/config" <<INI
[default]
region = eu-west-1

[profile both]
aws_access_key_id = AKIDBOTHCONFIG
aws_secret_access_key = secretBothConfig
region = ap-south-1

[profile cfgonly]
aws_access_key_id = AKIDCONFIGONLY
aws_secret_access_key = secretConfigOnly
s3 =
  max_concurrent_requests = 20

[profile proc]
region = us-west-2
credential_process = printf '{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "secretProcess", "SessionToken": "sessionProcess"}'

[profile proctrail]
credential_process = printf '{"Version": 1, "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "secretProcess"} and more'

[profile procnul]
credential_process = printf '{"Version": 1, "AccessKeyId": "AKID\\u0000X", "SecretAccessKey": "secretProcess"}'

[profile procversion]
credential_process = printf '{"Version": "1", "AccessKeyId": "AKIDPROCESS", "SecretAccessKey": "secretProcess"}'

[profile procfail]
credential_process = sh -c 'echo nope >&2; exit 1'

[profile halfkeys]
aws_access_key_id = AKIDHALF

[sso-session corp]
sso_region = us-east-1
INI
# secret keys may appear nowhere; session tokens only inside the token printed
SECRETS="secretDefaultCreds secretBothCreds secretTempCreds secretBothConfig secretConfigOnly secretProcess secretEnv"
SESSION_TOKENS="sessionTokenTempCreds sessionProcess"

# appdb's key id and region, from the token's credential scope
appdb_says() {	# env assignments..., then -- appdb args
	local out
	out=$(clean "$@" "$APPDB" token --hostname h.example.com --port 5432 --username u 2>"$WORK/err") || return 1
	cat "$WORK/err" >>"$WORK/all-output"; echo "$out" >>"$WORK/all-output"
	echo "$out" | sed -E 's/.*X-Amz-Credential=([^%]+)%2F[0-9]+%2F([^%]+)%2F.*/\1 \2/'
}
botocore_says() {	# env assignments..., then -- profile or ""
	local args=() profile
	while [ "$1" != "--" ]; do args+=("$1"); shift; done
	shift; profile=${1:-}
	clean "${args[@]}" "$PY" -c '
import sys, botocore.session
s = botocore.session.Session(profile=sys.argv[1] or None)
c = s.get_credentials()
# the SDKs read AWS_REGION before AWS_DEFAULT_REGION; botocore alone does not
import os
print(c.access_key, os.environ.get("AWS_REGION") or s.get_config_variable("region"))' "$profile"
}
same_as_botocore() {	# env..., -- profile
	local args=() profile
	while [ "$1" != "--" ]; do args+=("$1"); shift; done
	shift; profile=${1:-}
	local a b
	if [ -n "$profile" ]; then a=$(appdb_says "${args[@]}" -- --profile "$profile"); else a=$(appdb_says "${args[@]}"); fi
	b=$(botocore_says "${args[@]}" -- "$profile")
	[ -n "$a" ] && [ "$a" = "$b" ] || { echo "  appdb: '$a'  botocore: '$b'"; return 1; }
}
# appdb_says takes "--profile X" after its env; rewrite to pass through
appdb_says() {
	local envs=() out
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
	[ "${1:-}" = "--" ] && shift
	out=$(clean "${envs[@]}" "$APPDB" token --hostname h.example.com --port 5432 --username u "$@" 2>"$WORK/err") || { cat "$WORK/err"; return 1; }
	cat "$WORK/err" >>"$WORK/all-output"; cat "$WORK/err" >>"$WORK/all-stderr"; echo "$out" >>"$WORK/all-output"
	echo "$out" | sed -E 's/.*X-Amz-Credential=([^%]+)%2F[0-9]+%2F([^%]+)%2F.*/\1 \2/'
}

ENVKEYS=(AWS_ACCESS_KEY_ID=AKIDENV AWS_SECRET_ACCESS_KEY=secretEnv)
check "the environment's keys, with the default profile's region" same_as_botocore "${ENVKEYS[@]}" --
check "AWS_PROFILE alone does not skip the environment's keys" same_as_botocore "${ENVKEYS[@]}" AWS_PROFILE=both --
check "--profile skips the environment's keys" same_as_botocore "${ENVKEYS[@]}" -- both
check "the default profile from the credentials file" same_as_botocore --
check "the credentials file before the config file" same_as_botocore -- both
check "keys in the config file only" same_as_botocore AWS_REGION=us-east-2 -- cfgonly
check "AWS_PROFILE picks the profile" same_as_botocore AWS_PROFILE=cfgonly AWS_REGION=us-east-2 --
check "credential_process" same_as_botocore -- proc
check "AWS_REGION before the profile's region" same_as_botocore AWS_REGION=sa-east-1 -- both
check "AWS_DEFAULT_REGION before the profile's region" same_as_botocore AWS_DEFAULT_REGION=ca-central-1 -- both
check "AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE move the files" same_as_botocore \
	AWS_CONFIG_FILE="$WORK/home/.aws/config" AWS_SHARED_CREDENTIALS_FILE="$WORK/home/.aws/credentials" HOME=/nonexistent -- both

temp_token() { clean AWS_REGION=us-east-1 "$APPDB" token --hostname h --port 5432 --username u --profile temp | grep -q 'X-Amz-Security-Token=sessionTokenTempCreds&'; }
check "a session token in the credentials file is signed in" temp_token

fails_with() {	# exit code, pattern, then env... -- args
	local code=$1 pattern=$2; shift 2
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	clean "${envs[@]}" "$APPDB" token --hostname h --port 5432 --username u "$@" >"$WORK/out" 2>"$WORK/err"
	local rc=$?
	cat "$WORK/out" "$WORK/err" >>"$WORK/all-output"; cat "$WORK/err" >>"$WORK/all-stderr"
	[ "$rc" = "$code" ] && grep -q -- "$pattern" "$WORK/err" && [ ! -s "$WORK/out" ] ||
		{ echo "  exit $rc, stderr: $(cat "$WORK/err")"; return 1; }
}
check "an unknown --profile: exit 2" fails_with 2 'profile "nope" is not in' -- --profile nope
check "an unknown AWS_PROFILE: exit 2" fails_with 2 'profile "nope" is not in' AWS_PROFILE=nope --
check "half the keys in a profile: exit 2" fails_with 2 'has aws_access_key_id but not aws_secret_access_key' AWS_REGION=us-east-1 -- --profile halfkeys
check "a failing credential_process: exit 2" fails_with 2 'credential_process of profile "procfail" failed' AWS_REGION=us-east-1 -- --profile procfail
check "a credential_process printing more than one JSON object: exit 2" fails_with 2 'credential_process of profile "proctrail" did not print a JSON object' AWS_REGION=us-east-1 -- --profile proctrail
check "a credential_process key with a NUL in it: exit 2" fails_with 2 'credential_process of profile "procnul" printed no AccessKeyId' AWS_REGION=us-east-1 -- --profile procnul
check "a credential_process Version that is a string: exit 2, as botocore" fails_with 2 'credential_process of profile "procversion" printed an unsupported Version' AWS_REGION=us-east-1 -- --profile procversion
check "half the keys in the environment: exit 2" fails_with 2 'AWS_SECRET_ACCESS_KEY is not set' AWS_ACCESS_KEY_ID=AKIDENV --
check "no credentials anywhere: exit 2" fails_with 2 'no AWS credentials found' HOME="$WORK/empty" AWS_REGION=us-east-1 --
check "no region anywhere: exit 2" fails_with 2 'no AWS region given' HOME="$WORK/empty" "${ENVKEYS[@]}" --

mkdir -p "$WORK/bad/.aws"
printf '[default]\naws_access_key_id = AKIDX\nthis line is garbage\n' >"$WORK/bad/.aws/credentials"
check "a malformed credentials file: exit 2, naming file and line" \
	fails_with 2 "malformed AWS file $WORK/bad/.aws/credentials, line 3" HOME="$WORK/bad" AWS_REGION=us-east-1 --
printf 'region = us-east-1\n[default]\n' >"$WORK/bad/.aws/config"
printf '' >"$WORK/bad/.aws/credentials"
check "a setting before any section: exit 2" \
	fails_with 2 "line 1: a setting before the first" HOME="$WORK/bad" AWS_REGION=us-east-1 --

no_secrets() {
	local s
	for s in $SECRETS; do
		if grep -q -- "$s" "$WORK/all-output"; then echo "  $s appears in the output"; return 1; fi
	done
	clean "${ENVKEYS[@]}" AWS_REGION=us-east-1 "$APPDB" --verbose token --hostname h --port 5432 --username u \
		--profile proc >"$WORK/v.out" 2>"$WORK/v.err"
	for s in $SECRETS $SESSION_TOKENS; do
		if grep -q -- "$s" "$WORK/v.err" "$WORK/all-stderr"; then echo "  $s appears on stderr"; return 1; fi
	done
}
check "no secret key or session token in any output, --verbose included" no_secrets

echo "credentials: $passed passed, $failed failed"
[ "$failed" = 0 ]
