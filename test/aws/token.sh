#!/usr/bin/env bash
# test/aws/token.sh: `appdb token` against botocore, byte for byte.
#
# Both run under `faketime -f` (a frozen clock, AWS.md trap 2) with the same
# fixed credentials; botocore is the image's (python3 first on PATH, 1.43,
# pure-Python signer), never Debian's /usr/bin/python3, whose CRT presigner
# orders the parameters differently (trap 3).  The plain ./appdb runs under
# faketime: an ASan build aborts or hangs there (AWS.md, "Build and test
# traps").  Also: AWS.md's reference signature, the error paths, and that
# no secret is printed, even with --verbose.
#
# The last line is "token: N passed, M failed"; the exit status is 1 when
# M > 0.  faketime and botocore are required: without them the script fails.
#
#   APPDB         the binary compared under faketime (default ./appdb)
#   APPDB_NOFAKE  the binary for the checks without faketime (default
#                 $APPDB; test/appdb-asan runs them under ASan and UBSan)
set -u
cd "$(dirname "$0")/../.."

AKID=AKIDEXAMPLE
SECRET='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
SESSION='IQoJb3JpZ2luX2VjEXAMPLE//+=/token=='
WHEN='2026-11-24 12:34:56'
REF_HOST=app-dev.cluster-abc.us-east-1.rds.amazonaws.com
REF_SIG=e59bdc147759af102d25ec94905efa9fdbf0bd1c4e3b5534178705f43194fbb1
APPDB=${APPDB:-./appdb}
APPDB_NOFAKE=${APPDB_NOFAKE:-$APPDB}

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "FAIL $1${2:+: $2}"; }
die() {	# a missing tool is a failure, loudly
	echo "token.sh: $*" >&2
	echo "token: $passed passed, $((failed + 1)) failed"
	exit 1
}

FAKETIME=$(command -v faketime) || die "faketime is not installed (Debian package faketime)"
py=$(command -v python3) || die "python3 is not on PATH"
# the real interpreter, not a pyenv shim (shims need the caller's HOME)
PY=$("$py" -c 'import sys; print(sys.executable)') || die "python3 does not run"
[ "$PY" != /usr/bin/python3 ] ||
	die "python3 on PATH is Debian's /usr/bin/python3; put the image's Python 3.11 (botocore 1.43) first"
. test/python_needs.sh
python_needs token.sh "$PY" botocore || die "botocore is missing"
bv=$("$PY" -c 'import botocore; print(botocore.__version__)')
echo "# botocore $bv ($PY), $("$FAKETIME" --version 2>&1 | grep -m1 Version)"
make -s appdb >/dev/null || die "cannot build appdb"

# A clean environment: no profile, region or config file of the caller's.
TMPHOME=$(mktemp -d)
trap 'rm -rf "$TMPHOME"' EXIT
base_env=(env -i PATH=/usr/bin:/bin HOME="$TMPHOME" TZ=UTC LC_ALL=C.UTF-8
	AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
	AWS_EC2_METADATA_DISABLED=true)
creds_env=(AWS_ACCESS_KEY_ID=$AKID AWS_SECRET_ACCESS_KEY=$SECRET)

# botocore's generate_db_auth_token (what `aws rds generate-db-auth-token` calls)
BOTO='
import sys
sys.modules["awscrt"] = None        # the pure-Python signer, whatever is installed
import botocore.session
host, port, user, region = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
client = botocore.session.Session().create_client("rds", region_name=region)
print(client.generate_db_auth_token(host, port, user, Region=region))
'

botocore_token() {	# extra env..., --, host port user region
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	"${base_env[@]}" "${envs[@]}" "$FAKETIME" -f "$WHEN" "$PY" -c "$BOTO" "$@"
}

appdb_token() {	# extra env..., --, appdb arguments...
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	"${base_env[@]}" "${envs[@]}" "$FAKETIME" -f "$WHEN" "$APPDB" token "$@"
}

compare() {	# name, host, port, user, region, extra env...
	local name=$1 host=$2 port=$3 user=$4 region=$5
	shift 5
	local want got
	want=$(botocore_token "${creds_env[@]}" "$@" -- "$host" "$port" "$user" "$region") ||
		{ not_ok "$name" "botocore failed"; return; }
	got=$(appdb_token "${creds_env[@]}" "$@" -- --hostname "$host" --port "$port" \
		--username "$user" --region "$region") ||
		{ not_ok "$name" "appdb token failed"; return; }
	if [ "$got" = "$want" ]; then
		ok "$name"
	else
		not_ok "$name" "tokens differ"
		echo "  botocore: $want"
		echo "  appdb:    $got"
	fi
}

# --- byte for byte with botocore -------------------------------------------
compare "plain credentials" "$REF_HOST" 5432 app us-east-1
compare "session credentials" "$REF_HOST" 5432 app eu-central-1 "AWS_SESSION_TOKEN=$SESSION"
compare "user with a space" "$REF_HOST" 5432 "app user" us-east-1
compare "user with + / @" "$REF_HOST" 5432 "a+b/c@d" us-east-1
compare "user é (UTF-8)" "$REF_HOST" 5432 "é" us-east-1
compare "user with ' ! * ~ = &" "$REF_HOST" 5432 "o'k!*~=&x" us-east-1
# without --port: 5432, as aws rds generate-db-auth-token defaults it
want=$(botocore_token "${creds_env[@]}" -- "$REF_HOST" 5432 app us-east-1)
got=$(appdb_token "${creds_env[@]}" -- --hostname "$REF_HOST" --username app --region us-east-1)
if [ -n "$want" ] && [ "$got" = "$want" ]; then
	ok "no --port: the token of port 5432"
else
	not_ok "no --port: the token of port 5432" "botocore [$want], appdb [$got]"
fi
compare "upper-case host, port 5432" "App-Dev.Cluster-ABC.us-east-1.RDS.amazonaws.com" 5432 app us-east-1
compare "upper-case host, port 443" "MyDB.Example.COM" 443 app us-east-1
compare "port 443" "$REF_HOST" 443 app us-east-1
compare "port 3306" "$REF_HOST" 3306 migrator us-west-2
compare "session credentials, 443, odd user" "MyDB.Example.COM" 443 "a+b/c@d" ap-southeast-2 \
	"AWS_SESSION_TOKEN=$SESSION"

# the region from the environment, when --region is not given
same() {	# name, got, want: equal and not empty
	if [ -n "$3" ] && [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got: $2, botocore: $3"; fi
}
for var in AWS_REGION AWS_DEFAULT_REGION; do
	same "region from $var" \
		"$(appdb_token "${creds_env[@]}" "$var=eu-west-1" -- --hostname "$REF_HOST" --port 5432 --username app)" \
		"$(botocore_token "${creds_env[@]}" -- "$REF_HOST" 5432 app eu-west-1)"
done
same "AWS_REGION before AWS_DEFAULT_REGION" \
	"$(appdb_token "${creds_env[@]}" AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=us-west-2 -- \
		--hostname "$REF_HOST" --port 5432 --username app)" \
	"$(botocore_token "${creds_env[@]}" -- "$REF_HOST" 5432 app eu-west-1)"
same "--region before AWS_REGION" \
	"$(appdb_token "${creds_env[@]}" AWS_REGION=eu-west-1 -- \
		--hostname "$REF_HOST" --port 5432 --username app --region us-east-1)" \
	"$(botocore_token "${creds_env[@]}" -- "$REF_HOST" 5432 app us-east-1)"

# --- AWS.md's reference -----------------------------------------------------
got=$(appdb_token "${creds_env[@]}" -- --hostname "$REF_HOST" --port 5432 --username app --region us-east-1)
case $got in
"$REF_HOST:5432/?Action=connect&DBUser=app&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20261124%2Fus-east-1%2Frds-db%2Faws4_request&X-Amz-Date=20261124T123456Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=$REF_SIG")
	ok "AWS.md reference signature" ;;
*)	not_ok "AWS.md reference signature" "$got" ;;
esac

# --- errors, and what is printed --------------------------------------------
expect_error() {	# name, expected status, stderr pattern, extra env..., --, arguments...
	local name=$1 status=$2 pattern=$3
	shift 3
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	local out err rc
	err=$(mktemp)
	out=$("${base_env[@]}" "${envs[@]}" "$APPDB_NOFAKE" token "$@" 2>"$err"); rc=$?
	if [ $rc != "$status" ]; then
		not_ok "$name" "exit $rc, expected $status; stderr: $(cat "$err")"
	elif [ -n "$out" ]; then
		not_ok "$name" "printed on stdout: $out"
	elif ! grep -qE "$pattern" "$err"; then
		not_ok "$name" "stderr lacks /$pattern/: $(cat "$err")"
	else
		ok "$name"
	fi
	rm -f "$err"
}
args=(--hostname "$REF_HOST" --port 5432 --username app)
expect_error "missing region: exit 2" 2 'no AWS region.*|--region' "${creds_env[@]}" -- "${args[@]}"
expect_error "no credentials: exit 2 with a hint" 2 'hint: set AWS_ACCESS_KEY_ID' -- "${args[@]}" --region us-east-1
expect_error "half the credentials: exit 2" 2 'AWS_SECRET_ACCESS_KEY is not set' AWS_ACCESS_KEY_ID=$AKID -- \
	"${args[@]}" --region us-east-1
expect_error "invalid region: exit 2" 2 'invalid AWS region' "${creds_env[@]}" -- "${args[@]}" --region 'us east'
expect_error "missing --hostname: exit 2" 2 'needs --hostname' "${creds_env[@]}" -- --port 5432 --username app --region us-east-1
expect_error "missing --username: exit 2" 2 'needs --username' "${creds_env[@]}" -- --hostname h --port 5432 --region us-east-1
expect_error "hostname with a port: exit 2" 2 'invalid --hostname' "${creds_env[@]}" -- --hostname h:5432 --port 5432 \
	--username app --region us-east-1
expect_error "bad port: exit 2" 2 'invalid port' "${creds_env[@]}" -- --hostname h --port 0 --username app --region us-east-1
expect_error "an unknown --profile: exit 2" 2 'profile "dev" is not in' "${creds_env[@]}" -- "${args[@]}" --region us-east-1 --profile dev

# the token alone on stdout; neither the secret nor the session token on stderr
out=$(mktemp) err=$(mktemp)
"${base_env[@]}" "${creds_env[@]}" "AWS_SESSION_TOKEN=$SESSION" "$APPDB_NOFAKE" --verbose token "${args[@]}" \
	--region us-east-1 >"$out" 2>"$err"
rc=$?
if [ $rc = 0 ] && [ "$(wc -l <"$out")" = 1 ] && grep -q '^app-dev.*X-Amz-Signature=[0-9a-f]\{64\}$' "$out"; then
	ok "token alone on stdout"
else
	not_ok "token alone on stdout" "exit $rc: $(cat "$out")"
fi
if grep -qF "$SECRET" "$out" "$err" || grep -qF "$SESSION" "$err"; then
	not_ok "no secret printed with --verbose" "$(cat "$err")"
elif [ ! -s "$err" ]; then
	not_ok "no secret printed with --verbose" "--verbose printed nothing"
else
	ok "no secret printed with --verbose"
fi
rm -f "$out" "$err"

echo "token: $passed passed, $failed failed"
[ "$failed" = 0 ]
