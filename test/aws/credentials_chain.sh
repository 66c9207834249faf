#!/usr/bin/env bash
# test/aws/credentials_chain.sh: the rest of the SDKs' credential chain,
# checked against botocore on the same files and environment: assume role
# (source_profile, chained roles, a profile naming itself, credential_source
# Environment / Ec2InstanceMetadata / EcsContainer, external_id,
# duration_seconds, role_session_name) and web identity (environment and
# profile), both through STS on the moto test bed (test/aws/motobed.sh, request
# authentication on); container credentials and IMDSv2 from
# test/aws/metadata_server.py; the errors (a cycle, a missing source_profile,
# STS refusing) and the time a machine without IMDS costs.
# The last line is "credentials-chain: N passed, M failed".
#
#   test/aws/credentials_chain.sh            APPDB=test/appdb-asan for the ASan build
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/test/aws
APPDB=${APPDB:-$ROOT/appdb}
case $APPDB in /*) ;; *) APPDB=$ROOT/$APPDB ;; esac
export ASAN_OPTIONS=${ASAN_OPTIONS:-verify_asan_link_order=0}
. "$ROOT/test/python_needs.sh"
python_needs credentials_chain.sh python3 botocore boto3 moto || exit 2
PY=$(command -v python3)
WORK=$(mktemp -d /tmp/appdb-chain.XXXXXX)
META_PID=
cleanup() {
	[ -n "$META_PID" ] && { kill "$META_PID" 2>/dev/null; wait "$META_PID" 2>/dev/null; }
	motobed_stop
	rm -rf "$WORK"
}
. "$HERE/motobed.sh"
trap cleanup EXIT
motobed_start || { echo "credentials-chain: 0 passed, 1 failed"; exit 1; }
passed=0 failed=0
check() {	# name, then a command whose success is the result
	local name=$1; shift
	if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL credentials-chain: $name"; fi
}

# the metadata server (container endpoint and IMDSv2)
"$PY" "$HERE/metadata_server.py" --port-file "$WORK/meta.port" >"$WORK/meta.log" 2>&1 &
META_PID=$!
for _ in $(seq 100); do [ -s "$WORK/meta.port" ] && break; sleep 0.1; done
META=http://127.0.0.1:$(cat "$WORK/meta.port")
CLOSED_PORT=$(motobed_free_port)	# nothing listens there

MOTO=$MOTOBED_MOTO_URL
PROXY=$MOTOBED_PROXY_URL
KEY=$AWS_ACCESS_KEY_ID
SECRET=$AWS_SECRET_ACCESS_KEY
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY

# moto set-up with authentication lifted: a user that may not assume roles
reset_auth() { curl -sf -X POST -H 'Content-Type: text/plain' --data "$1" "$MOTO/moto-api/reset-auth" >/dev/null; }
reset_auth inf
read -r DENIED_KEY DENIED_SECRET < <("$PY" - "$MOTO" <<'EOF'
import json, sys, boto3
from botocore.config import Config
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="x", aws_secret_access_key="x",
                   config=Config(retries={"mode": "standard", "total_max_attempts": 1}))
iam.create_user(UserName="no-assume")
iam.put_user_policy(UserName="no-assume", PolicyName="rds-only", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "rds:*", "Resource": "*"}]}))
k = iam.create_access_key(UserName="no-assume")["AccessKey"]
# the roles the profiles assume (moto, like AWS, checks a call made with a
# role's temporary keys against that role's policies)
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole",
         "sts:AssumeRoleWithWebIdentity"], "Principal": {"AWS": "*"}}]}
for name in ("appdb-role", "appdb-second-role"):
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName=name, PolicyName="allow-all", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
print(k["AccessKeyId"], k["SecretAccessKey"])
EOF
)
reset_auth 0

ROLE=arn:aws:iam::123456789012:role/appdb-role
ROLE2=arn:aws:iam::123456789012:role/appdb-second-role
echo "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhcHBkYi10ZXN0In0.c2lnbmF0dXJl" >"$WORK/web-token"
echo "container-auth-token" >"$WORK/container-token"
cat >"$WORK/credentials" <<INI
[base]
aws_access_key_id = $KEY
aws_secret_access_key = $SECRET

[denied]
aws_access_key_id = $DENIED_KEY
aws_secret_access_key = $DENIED_SECRET

[wrongsecret]
aws_access_key_id = $KEY
aws_secret_access_key = notTheSecret
INI
cat >"$WORK/config" <<INI
[profile base]
region = us-east-1

[profile roleprofile]
role_arn = $ROLE
source_profile = base
role_session_name = appdb-test-session

[profile defaultsession]
role_arn = $ROLE
source_profile = base

[profile chained]
role_arn = $ROLE2
source_profile = roleprofile
role_session_name = appdb-chained

[profile extras]
role_arn = $ROLE
source_profile = base
role_session_name = appdb-extras
external_id = appdb-external-42
duration_seconds = 1800

[profile selfref]
aws_access_key_id = $KEY
aws_secret_access_key = $SECRET
role_arn = $ROLE
source_profile = selfref
role_session_name = appdb-self

[profile envsource]
role_arn = $ROLE
credential_source = Environment
role_session_name = appdb-env

[profile imdssource]
role_arn = $ROLE
credential_source = Ec2InstanceMetadata
role_session_name = appdb-imds

[profile containersource]
role_arn = $ROLE
credential_source = EcsContainer
role_session_name = appdb-container

[profile webprofile]
role_arn = $ROLE2
web_identity_token_file = $WORK/web-token
role_session_name = appdb-web-profile

[profile endpointprofile]
role_arn = $ROLE
source_profile = base
role_session_name = appdb-endpoint
endpoint_url = $PROXY

[profile cycle-a]
role_arn = $ROLE
source_profile = cycle-b

[profile cycle-b]
role_arn = $ROLE2
source_profile = cycle-a

[profile nosource]
role_arn = $ROLE
source_profile = not-there

[profile nothing]
role_arn = $ROLE

[profile badsource]
role_arn = $ROLE
credential_source = Somewhere

[profile deniedrole]
role_arn = $ROLE
source_profile = denied

[profile wrongsecretrole]
role_arn = $ROLE
source_profile = wrongsecret

[profile empty]
region = us-east-1
INI

# A clean environment: the bed's endpoint and region, the files, no IMDS;
# then only what each case sets.
clean() {
	env -i PATH="$PATH" HOME="$WORK" ASAN_OPTIONS="$ASAN_OPTIONS" AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \
		AWS_ENDPOINT_URL="$PROXY" AWS_CONFIG_FILE="$WORK/config" \
		AWS_SHARED_CREDENTIALS_FILE="$WORK/credentials" AWS_EC2_METADATA_DISABLED=true "$@"
}

# appdb's token: "KEYID TOKEN" (the key id and the session token, decoded), or fail
appdb_token() {	# env..., -- appdb args
	local envs=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
	[ "${1:-}" = "--" ] && shift
	clean "${envs[@]}" "$APPDB" token --hostname h.example.com --port 5432 --username u "$@" \
		>"$WORK/out" 2>"$WORK/err"
	local rc=$?
	cat "$WORK/err" >>"$WORK/all-stderr"
	[ "$rc" = 0 ] || { echo "  appdb exit $rc: $(cat "$WORK/err")"; return 1; }
	cp "$WORK/out" "$WORK/last-token"
}

# What a token shows: the key id, whether a session token is in it, and the
# role and session moto recorded for that key id; and whether the token's
# signature verifies with the secret moto holds for the key.
cat >"$WORK/appdb_token_view.py" <<'EOF'
import json, os, subprocess, sys, urllib.parse, urllib.request
moto, token_file = sys.argv[1], sys.argv[2]
url = open(token_file).read().strip()
host, _, query = url.partition("/?")
pairs = urllib.parse.parse_qsl(query, keep_blank_values=True, strict_parsing=True)
params = dict(pairs)
akid, date, region, service, _ = params["X-Amz-Credential"].split("/")
roles = json.load(urllib.request.urlopen(moto + "/moto-api/data.json"))["sts"]["AssumedRole"]
mine = [r for r in roles if r["access_key_id"] == akid]
if not mine:
    print(akid, "token" if "X-Amz-Security-Token" in params else "no-token", "unknown-to-moto")
    sys.exit(0)
r = mine[0]
# botocore's own token for the same key, secret, token and time (faketime -f
# freezes the clock, AWS.md trap 2), compared byte for byte
d = params["X-Amz-Date"]
frozen = f"{d[0:4]}-{d[4:6]}-{d[6:8]} {d[9:11]}:{d[11:13]}:{d[13:15]}"
h, _, port = host.rpartition(":")
env = dict(os.environ, TZ="UTC", AWS_ACCESS_KEY_ID=akid, AWS_SECRET_ACCESS_KEY=r["secret_access_key"],
           AWS_SESSION_TOKEN=r["session_token"], AWS_CONFIG_FILE="/dev/null",
           AWS_SHARED_CREDENTIALS_FILE="/dev/null")
env.pop("AWS_PROFILE", None)
want = subprocess.run(["faketime", "-f", frozen, sys.executable, "-c", """
import sys, botocore.session
c = botocore.session.Session().create_client("rds", region_name=sys.argv[4])
print(c.generate_db_auth_token(sys.argv[1], int(sys.argv[2]), sys.argv[3], Region=sys.argv[4]))""",
                       h, port, params["DBUser"], region], env=env, capture_output=True, text=True).stdout.strip()
verified = want == url
print(akid[:4], "token" if "X-Amz-Security-Token" in params else "no-token",
      r["role_arn"], r["session_name"].split("-1")[0] if r["session_name"].startswith("botocore-session-") else r["session_name"],
      "verifies" if verified else "DOES-NOT-VERIFY")
EOF
# botocore's view of the same profile: the same fields, from its credentials
cat >"$WORK/botocore_view.py" <<'EOF'
import json, sys, urllib.request, botocore.session
moto, profile = sys.argv[1], sys.argv[2] or None
c = botocore.session.Session(profile=profile).get_credentials().get_frozen_credentials()
roles = json.load(urllib.request.urlopen(moto + "/moto-api/data.json"))["sts"]["AssumedRole"]
mine = [r for r in roles if r["access_key_id"] == c.access_key]
if not mine:
    print(c.access_key, "token" if c.token else "no-token", "unknown-to-moto")
else:
    r = mine[0]
    print(c.access_key[:4], "token" if c.token else "no-token", r["role_arn"],
          r["session_name"].split("-1")[0] if r["session_name"].startswith("botocore-session-") else r["session_name"],
          "verifies")
EOF
# same_as_botocore EXPECTED env... -- profile: appdb's token and botocore's
# credentials agree, and appdb's is EXPECTED (its signature verified).
same_as_botocore() {
	local want=$1; shift
	local envs=() profile a b
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift; profile=${1:-}
	if [ -n "$profile" ]; then appdb_token "${envs[@]}" -- --profile "$profile" || return 1
	else appdb_token "${envs[@]}" || return 1; fi
	a=$("$PY" "$WORK/appdb_token_view.py" "$MOTO" "$WORK/last-token") || return 1
	b=$(clean "${envs[@]}" "$PY" "$WORK/botocore_view.py" "$MOTO" "$profile" 2>&1) || { echo "  botocore: $b"; return 1; }
	[ "$a" = "$want" ] && [ "$a" = "$b" ] || { echo "  appdb: '$a'  botocore: '$b'  want: '$want'"; return 1; }
}

check "role_arn + source_profile: moto's temporary keys (ASIA, a session token), the token verifies" \
	same_as_botocore "ASIA token $ROLE appdb-test-session verifies" -- roleprofile
check "the default session name is botocore-session-<unix time>" \
	same_as_botocore "ASIA token $ROLE botocore-session verifies" -- defaultsession
check "a role whose source_profile is another role" \
	same_as_botocore "ASIA token $ROLE2 appdb-chained verifies" -- chained
check "a profile naming itself as source_profile uses its own keys" \
	same_as_botocore "ASIA token $ROLE appdb-self verifies" -- selfref
check "AWS_PROFILE picks the role profile" \
	same_as_botocore "ASIA token $ROLE appdb-test-session verifies" AWS_PROFILE=roleprofile --
check "credential_source = Environment (under --profile)" \
	same_as_botocore "ASIA token $ROLE appdb-env verifies" AWS_ACCESS_KEY_ID="$KEY" AWS_SECRET_ACCESS_KEY="$SECRET" -- envsource

# the AssumeRole request's parameters, as botocore sends them
assume_params_same() {	# profile
	motobed_proxy_reset
	appdb_token -- --profile "$1" || return 1
	local a b
	a=$(motobed_proxy_log | "$PY" -c 'import sys, json, urllib.parse
for l in sys.stdin:
    e = json.loads(l)
    if e["action"] == "AssumeRole": print(sorted(urllib.parse.parse_qsl(e["body"])))')
	motobed_proxy_reset
	clean "$PY" "$WORK/botocore_view.py" "$MOTO" "$1" >/dev/null || return 1
	b=$(motobed_proxy_log | "$PY" -c 'import sys, json, urllib.parse
for l in sys.stdin:
    e = json.loads(l)
    if e["action"] == "AssumeRole": print(sorted(urllib.parse.parse_qsl(e["body"])))')
	[ -n "$a" ] && [ "$a" = "$b" ] && echo "$a" | grep -q "'DurationSeconds', '1800'" &&
		echo "$a" | grep -q "'ExternalId', 'appdb-external-42'" || { echo "  appdb: $a"; echo "  botocore: $b"; return 1; }
}
check "external_id and duration_seconds: the same AssumeRole parameters as botocore" assume_params_same extras

# web identity: unsigned AssumeRoleWithWebIdentity
web_unsigned() {
	motobed_proxy_reset
	same_as_botocore "$@" || return 1
	motobed_proxy_log | "$PY" -c 'import sys, json
calls = [json.loads(l) for l in sys.stdin if "AssumeRoleWithWebIdentity" in l]
# appdb'"'"'s call, then botocore'"'"'s: neither is signed (no X-Amz-Date)
sys.exit(0 if len(calls) == 2 and all(not c["amz_date"] for c in calls) and "WebIdentityToken=eyJ" in calls[0]["body"] else 1)' ||
		{ echo "  the web identity calls were signed, or missing"; return 1; }
}
# moto 5.2.1 answers an unsigned AssumeRoleWithWebIdentity with HTTP 500
# while request authentication is on (moto/iam/access_control.py reads the
# Authorization header it lacks: KeyError), though AWS takes it unsigned;
# so authentication is lifted for these two checks.
reset_auth inf
check "web identity from AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN + AWS_ROLE_SESSION_NAME, unsigned" \
	web_unsigned "ASIA token $ROLE2 appdb-web-env verifies" AWS_WEB_IDENTITY_TOKEN_FILE="$WORK/web-token" \
	AWS_ROLE_ARN="$ROLE2" AWS_ROLE_SESSION_NAME=appdb-web-env --
check "web identity from the profile's web_identity_token_file and role_arn" \
	web_unsigned "ASIA token $ROLE2 appdb-web-profile verifies" -- webprofile
reset_auth 0

# endpoints: AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL; the profile's endpoint_url
check "STS at AWS_ENDPOINT_URL_STS while AWS_ENDPOINT_URL is dead" \
	same_as_botocore "ASIA token $ROLE appdb-test-session verifies" \
	AWS_ENDPOINT_URL="http://127.0.0.1:$CLOSED_PORT" AWS_ENDPOINT_URL_STS="$PROXY" -- roleprofile
check "STS at the profile's endpoint_url" \
	same_as_botocore "ASIA token $ROLE appdb-endpoint verifies" AWS_ENDPOINT_URL= -- endpointprofile

# standard retries on the STS call
throttled_once() {
	motobed_proxy_reset
	motobed_fault '{"code":"Throttling","status":400,"count":1,"match":"Action=AssumeRole"}' || return 1
	appdb_token -- --profile roleprofile || return 1
	[ "$(motobed_proxy_log | grep -c '"action": "AssumeRole"')" = 2 ] || { echo "  not retried once"; return 1; }
}
check "a throttled AssumeRole is retried" throttled_once

fails_with() {	# exit code, pattern, then env... -- args
	local code=$1 pattern=$2; shift 2
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	clean "${envs[@]}" "$APPDB" token --hostname h --port 5432 --username u "$@" >"$WORK/out" 2>"$WORK/err"
	local rc=$?
	cat "$WORK/err" >>"$WORK/all-stderr"
	[ "$rc" = "$code" ] && grep -q -- "$pattern" "$WORK/err" && [ ! -s "$WORK/out" ] ||
		{ echo "  exit $rc, stderr: $(cat "$WORK/err")"; return 1; }
}
# botocore refuses the same profiles (the exception's class name)
botocore_fails() {	# profile, exception name, env...
	local profile=$1 want=$2; shift 2
	local got
	got=$(clean "$@" "$PY" -c 'import sys, botocore.session
try:
    botocore.session.Session(profile=sys.argv[1]).get_credentials().get_frozen_credentials()
    print("no error")
except Exception as e:
    print(type(e).__name__)' "$profile" 2>&1)
	[ "$got" = "$want" ] || { echo "  botocore: $got, want $want"; return 1; }
}
check "a cycle of source_profiles: exit 2 naming the profile" \
	fails_with 2 'profile "cycle-b" has a cycle of source_profile' -- --profile cycle-a
check "botocore also refuses the cycle" botocore_fails cycle-a InfiniteLoopConfigError
check "a missing source_profile: exit 2 naming both" \
	fails_with 2 'the source_profile "not-there" of profile "nosource" does not exist' -- --profile nosource
check "botocore also refuses the missing source_profile" botocore_fails nosource InvalidConfigError
check "role_arn with no source: exit 2" \
	fails_with 2 'profile "nothing" has role_arn but neither source_profile nor credential_source' -- --profile nothing
check "botocore also refuses role_arn with no source" botocore_fails nothing PartialCredentialsError
check "an unknown credential_source: exit 2" \
	fails_with 2 'profile "badsource" has an unknown credential_source "Somewhere"' -- --profile badsource
check "botocore also refuses the unknown credential_source" botocore_fails badsource InvalidConfigError
check "credential_source = Environment with no keys there: exit 2" \
	fails_with 2 'no credentials found in credential_source Environment' -- --profile envsource
check "STS AccessDenied: exit 3 with AWS's code" \
	fails_with 3 'AssumeRole failed: AccessDenied' -- --profile deniedrole
check "botocore is denied too" botocore_fails deniedrole ClientError
check "a wrong source secret: exit 3 with SignatureDoesNotMatch" \
	fails_with 3 'SignatureDoesNotMatch' -- --profile wrongsecretrole
expired_token() {
	motobed_fault '{"code":"ExpiredToken","status":400,"message":"The security token included in the request is expired","count":1,"match":"Action=AssumeRole"}' &&
		fails_with 3 'AssumeRole failed: ExpiredToken' -- --profile roleprofile
}
check "an expired source token: exit 3 with ExpiredToken" expired_token
check "web identity with an unreadable token file: exit 2" \
	fails_with 2 'cannot read the web identity token file' AWS_WEB_IDENTITY_TOKEN_FILE="$WORK/none" AWS_ROLE_ARN="$ROLE" --
check "web identity without a role ARN: exit 2" \
	fails_with 2 'no role ARN' AWS_WEB_IDENTITY_TOKEN_FILE="$WORK/web-token" --

# container credentials and IMDSv2 from the metadata server
meta_same() {	# want "KEYID TOKEN", env...
	local want=$1; shift
	local a b
	appdb_token "$@" -- --profile empty || return 1
	a=$(sed -E 's/.*X-Amz-Credential=([^%]+)%2F.*X-Amz-Security-Token=([^&]+)&.*/\1 \2/' "$WORK/last-token")
	b=$(clean "$@" "$PY" -c 'import botocore.session
c = botocore.session.Session(profile="empty").get_credentials().get_frozen_credentials()
print(c.access_key, c.token)' 2>&1)
	[ "$a" = "$want" ] && [ "$a" = "$b" ] || { echo "  appdb: '$a'  botocore: '$b'"; return 1; }
}
check "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN" \
	meta_same "ASIAMETACONTAINER tokenASIAMETAContainer" \
	AWS_CONTAINER_CREDENTIALS_FULL_URI="$META/container/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=container-auth-token
printf 'container-auth-token' >"$WORK/container-token-exact"
check "container credentials: the token from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE" \
	meta_same "ASIAMETACONTAINER tokenASIAMETAContainer" \
	AWS_CONTAINER_CREDENTIALS_FULL_URI="$META/container/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$WORK/container-token-exact"
check "container credentials with a wrong token: exit 3" \
	fails_with 3 'cannot get AWS credentials from the container endpoint' \
	AWS_CONTAINER_CREDENTIALS_FULL_URI="$META/container/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong -- --profile empty
check "AWS_CONTAINER_CREDENTIALS_FULL_URI on a host that is not loopback: exit 2" \
	fails_with 2 'is not allowed' AWS_CONTAINER_CREDENTIALS_FULL_URI="http://192.0.2.1/creds" -- --profile empty

imds_v2() {
	local before after
	before=$(curl -sf "$META/__log" | wc -l)
	meta_same "ASIAMETAIMDS tokenASIAMETAImds" AWS_EC2_METADATA_DISABLED= AWS_EC2_METADATA_SERVICE_ENDPOINT="$META" || return 1
	# appdb's three requests: the token PUT (TTL 21600), then two GETs with the token
	curl -sf "$META/__log" | sed -n "$((before + 1)),$((before + 3))p" | "$PY" -c 'import sys, json
e = [json.loads(l) for l in sys.stdin]
ok = (len(e) == 3 and e[0]["method"] == "PUT" and e[0]["path"] == "/latest/api/token" and e[0]["ttl"] == "21600"
      and all(x["method"] == "GET" and x["token_ok"] and x["status"] == 200 for x in e[1:]))
sys.exit(0 if ok else 1)' || { echo "  requests: $(curl -sf "$META/__log" | tail -n +$((before + 1)))"; return 1; }
}
check "IMDSv2 at AWS_EC2_METADATA_SERVICE_ENDPOINT: token PUT, then role and keys with the token" imds_v2
imds_disabled() {
	local before after
	before=$(curl -sf "$META/__log" | wc -l)
	fails_with 2 'no AWS credentials found' AWS_EC2_METADATA_DISABLED=true AWS_EC2_METADATA_SERVICE_ENDPOINT="$META" -- --profile empty || return 1
	after=$(curl -sf "$META/__log" | wc -l)
	[ "$before" = "$after" ] || { echo "  the metadata server was asked"; return 1; }
}
check "AWS_EC2_METADATA_DISABLED=true skips IMDS" imds_disabled
no_imds_quickly() {
	local t0 t1
	t0=$(date +%s%N)
	fails_with 2 'no AWS credentials found' AWS_EC2_METADATA_DISABLED= \
		AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$CLOSED_PORT" -- --profile empty || return 1
	t1=$(date +%s%N)
	[ $(((t1 - t0) / 1000000)) -lt 5000 ] || { echo "  took $(((t1 - t0) / 1000000)) ms"; return 1; }
}
check "no credentials anywhere, IMDS on a closed port: exit 2 in under 5 s" no_imds_quickly

# roles sourced from the metadata server's keys: moto does not know those
# keys, so authentication is lifted for these calls
reset_auth inf
check "credential_source = Ec2InstanceMetadata" \
	same_as_botocore "ASIA token $ROLE appdb-imds verifies" AWS_EC2_METADATA_DISABLED= AWS_EC2_METADATA_SERVICE_ENDPOINT="$META" -- imdssource
check "credential_source = EcsContainer" \
	same_as_botocore "ASIA token $ROLE appdb-container verifies" \
	AWS_CONTAINER_CREDENTIALS_FULL_URI="$META/container/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=container-auth-token -- containersource
reset_auth 0

no_secrets() {
	local s
	clean AWS_EC2_METADATA_DISABLED= AWS_EC2_METADATA_SERVICE_ENDPOINT="$META" "$APPDB" --verbose token \
		--hostname h --port 5432 --username u --profile empty >/dev/null 2>>"$WORK/all-stderr"
	clean AWS_WEB_IDENTITY_TOKEN_FILE="$WORK/web-token" AWS_ROLE_ARN="$ROLE2" "$APPDB" --verbose token \
		--hostname h --port 5432 --username u >/dev/null 2>>"$WORK/all-stderr"
	clean "$APPDB" --verbose token --hostname h --port 5432 --username u --profile chained >/dev/null 2>>"$WORK/all-stderr"
	for s in "$SECRET" "$DENIED_SECRET" secretASIAMETAContainer secretASIAMETAImds tokenASIAMETAContainer \
		tokenASIAMETAImds container-auth-token eyJhbGciOiJIUzI1NiJ9 x-aws-ec2-metadata-token: \
		$(curl -sf "$MOTO/moto-api/data.json" | "$PY" -c 'import json, sys
for r in json.load(sys.stdin)["sts"]["AssumedRole"]: print(r["secret_access_key"], r["session_token"][:40])'); do
		if grep -qiF -- "$s" "$WORK/all-stderr"; then echo "  a secret appears on stderr: ${s:0:12}..."; return 1; fi
	done
	grep -q 'AWS credentials from the role assumed with STS AssumeRole' "$WORK/all-stderr" ||
		{ echo "  --verbose does not say where the credentials came from"; return 1; }
}
check "no secret key, session token or metadata token on stderr, --verbose included" no_secrets

echo "credentials-chain: $passed passed, $failed failed"
[ "$failed" = 0 ]
