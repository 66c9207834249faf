# test/aws/motobed.sh: the AWS test bed, to be sourced (bash).
#
#   . test/aws/motobed.sh
#   motobed_start        # moto + fault proxy; exports the AWS_* below
#   ...tests...
#   motobed_stop
#
# motobed_start runs moto (the image's Python 3.11, the first python3 on
# PATH: Debian's /usr/bin/python3 has no moto) on a free loopback port and
# test/aws/fault_proxy.py in front of it, creates with request
# authentication lifted an IAM user "appdb-test" with an access key and an
# allow-all inline policy, then turns authentication on (AWS.md, moto
# section: POST /moto-api/reset-auth, "inf" then "0").  From then on moto
# checks every signature and every action against the user's policies.
# The user's key pair is then given to the proxy (POST /__proxy/credentials)
# so it can verify the signatures of the calls it answers itself.
#
# Exports: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (the user's key),
# AWS_REGION and AWS_DEFAULT_REGION (us-east-1), AWS_ENDPOINT_URL (the
# proxy), and MOTOBED_MOTO_URL, MOTOBED_PROXY_URL, MOTOBED_DIR (logs).
# Unsets the session token, the profile and every AWS_ENDPOINT_URL_*, and
# points AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE at /dev/null.

MOTOBED_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MOTOBED_PYTHON=${MOTOBED_PYTHON:-python3}
. "$MOTOBED_HERE/../python_needs.sh"

# Print to stderr and fail.
motobed_die() {
	echo "motobed: $*" >&2
	return 1
}

# Wait up to $2 seconds until URL $1 answers at all.
motobed_wait_http() {
	local url=$1 limit=$2 i=0
	while [ "$i" -lt $((limit * 10)) ]; do
		if curl -s -o /dev/null --max-time 2 "$url"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# A free loopback port (the kernel's choice; moto binds it right after).
motobed_free_port() {
	"$MOTOBED_PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

motobed_start() {
	local port tries=0 proxy_port
	python_needs motobed "$MOTOBED_PYTHON" moto moto.server boto3 botocore werkzeug || return 1
	MOTOBED_DIR=$(mktemp -d "${TMPDIR:-/tmp}/motobed.XXXXXX") || return 1
	export MOTOBED_DIR

	# moto; a port taken between the choice and the bind: try another
	while :; do
		port=$(motobed_free_port) || return 1
		"$MOTOBED_PYTHON" -m moto.server -H 127.0.0.1 -p "$port" >"$MOTOBED_DIR/moto.log" 2>&1 &
		MOTOBED_MOTO_PID=$!
		if motobed_wait_http "http://127.0.0.1:$port/moto-api/" 30; then
			break
		fi
		kill "$MOTOBED_MOTO_PID" 2>/dev/null || true
		wait "$MOTOBED_MOTO_PID" 2>/dev/null || true
		tries=$((tries + 1))
		if [ "$tries" -ge 3 ]; then
			cat "$MOTOBED_DIR/moto.log" >&2
			motobed_die "moto did not start (log above)" || return 1
		fi
	done
	MOTOBED_MOTO_URL=http://127.0.0.1:$port
	export MOTOBED_MOTO_URL

	# the fault proxy picks its own port and writes it down
	"$MOTOBED_PYTHON" "$MOTOBED_HERE/fault_proxy.py" --upstream "$MOTOBED_MOTO_URL" \
		--port-file "$MOTOBED_DIR/proxy.port" >"$MOTOBED_DIR/proxy.log" 2>&1 &
	MOTOBED_PROXY_PID=$!
	tries=0
	while [ ! -s "$MOTOBED_DIR/proxy.port" ] && [ "$tries" -lt 100 ]; do
		sleep 0.1
		tries=$((tries + 1))
	done
	proxy_port=$(cat "$MOTOBED_DIR/proxy.port" 2>/dev/null)
	if [ -z "$proxy_port" ] || ! motobed_wait_http "http://127.0.0.1:$proxy_port/__proxy/log" 10; then
		cat "$MOTOBED_DIR/proxy.log" >&2
		motobed_stop
		motobed_die "the fault proxy did not start (log above)" || return 1
	fi
	MOTOBED_PROXY_URL=http://127.0.0.1:$proxy_port
	export MOTOBED_PROXY_URL

	# the test user, made with authentication lifted, one attempt a call
	local keys
	if ! keys=$(AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
		"$MOTOBED_PYTHON" - "$MOTOBED_MOTO_URL" 2>"$MOTOBED_DIR/setup.log" <<'EOF'
import json
import sys
import urllib.request

import boto3
from botocore.config import Config

moto = sys.argv[1]


def reset_auth(value):
    req = urllib.request.Request(moto + "/moto-api/reset-auth", data=value.encode(),
                                 method="POST", headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(req, timeout=10).read()


reset_auth("inf")
iam = boto3.client("iam", endpoint_url=moto, region_name="us-east-1",
                   aws_access_key_id="motobed", aws_secret_access_key="motobed",
                   config=Config(retries={"mode": "standard", "total_max_attempts": 1}))
iam.create_user(UserName="appdb-test")
iam.put_user_policy(UserName="appdb-test", PolicyName="allow-all",
                    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
key = iam.create_access_key(UserName="appdb-test")["AccessKey"]
reset_auth("0")
print(key["AccessKeyId"], key["SecretAccessKey"])
EOF
	); then
		cat "$MOTOBED_DIR/setup.log" >&2
		motobed_stop
		motobed_die "creating the test user in moto failed (log above)" || return 1
	fi

	unset AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE
	unset AWS_ENDPOINT_URL_RDS AWS_ENDPOINT_URL_IAM AWS_ENDPOINT_URL_STS \
		AWS_ENDPOINT_URL_EC2 AWS_ENDPOINT_URL_KMS AWS_ENDPOINT_URL_SECRETS_MANAGER \
		AWS_ENDPOINT_URL_RDS_DATA AWS_ENDPOINT_URL_BACKUP AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
	AWS_ACCESS_KEY_ID=${keys% *}
	AWS_SECRET_ACCESS_KEY=${keys#* }
	AWS_REGION=us-east-1
	AWS_DEFAULT_REGION=us-east-1
	AWS_ENDPOINT_URL=$MOTOBED_PROXY_URL
	AWS_CONFIG_FILE=/dev/null
	AWS_SHARED_CREDENTIALS_FILE=/dev/null
	export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION AWS_DEFAULT_REGION \
		AWS_ENDPOINT_URL AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE

	# the proxy verifies the signatures of the calls it answers itself
	# (Backup selections, which moto lacks): it needs the user's key pair,
	# which exists only now that moto made it
	if ! printf '{"access_key_id": "%s", "secret_access_key": "%s"}' \
		"$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" |
		curl -sf -X POST -H 'Content-Type: application/json' --data-binary @- \
			"$MOTOBED_PROXY_URL/__proxy/credentials" >/dev/null; then
		motobed_stop
		motobed_die "giving the fault proxy the test user's key failed" || return 1
	fi
}

# Stop what motobed_start started (by pid) and remove its folder.
motobed_stop() {
	local pid
	# "|| true": a caller under set -e must not stop here, leaving moto running
	for pid in ${MOTOBED_PROXY_PID:-} ${MOTOBED_MOTO_PID:-}; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	MOTOBED_PROXY_PID=
	MOTOBED_MOTO_PID=
	if [ -n "${MOTOBED_DIR:-}" ] && [ -d "$MOTOBED_DIR" ]; then
		rm -rf "$MOTOBED_DIR"
	fi
	MOTOBED_DIR=
	return 0
}

# Control the fault proxy: motobed_fault '{"code":"Throttling","count":2}'.
motobed_fault() {
	curl -sf -X POST -H 'Content-Type: application/json' --data "$1" \
		"$MOTOBED_PROXY_URL/__proxy/faults" >/dev/null
}

motobed_proxy_reset() {
	curl -sf -X POST "$MOTOBED_PROXY_URL/__proxy/reset" >/dev/null
}

motobed_proxy_log() {
	curl -sf "$MOTOBED_PROXY_URL/__proxy/log"
}

# Hold a resource's status in describe answers for N polls (-1: until
# released with polls 0): motobed_hold cluster appdb-x creating 3.
motobed_hold() {
	curl -sf -X POST -H 'Content-Type: application/json' \
		--data "{\"kind\": \"$1\", \"id\": \"$2\", \"status\": \"$3\", \"polls\": ${4:-1}}" \
		"$MOTOBED_PROXY_URL/__proxy/hold" >/dev/null
}

# Answer a cluster's Endpoint and Port as a server of the test's own
# (moto's endpoint names resolve nowhere): motobed_endpoint appdb-x
# 127.0.0.1 6543; with the cluster id alone, moto's own again.
motobed_endpoint() {
	local data="{\"id\": \"$1\"}"
	[ $# -ge 3 ] && data="{\"id\": \"$1\", \"address\": \"$2\", \"port\": $3}"
	curl -sf -X POST -H 'Content-Type: application/json' --data "$data" \
		"$MOTOBED_PROXY_URL/__proxy/endpoint" >/dev/null
}
