#!/usr/bin/env bash
# test/bench/token.sh (make bench): IAM token generation, appdb against
# botocore, measured side by side in one run.  Prints figures, asserts nothing.
set -eu
cd "$(dirname "$0")/../.."
cc -std=gnu11 -O2 -I. -o test/bench/token_rate test/bench/token_rate.c cli/aws/sigv4.c cli/aws/token.c -lcrypto
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
host=app-dev.cluster-abc.us-east-1.rds.amazonaws.com
# Five alternating rounds, each side's median: the machine's speed drifts,
# so the two are measured side by side rather than one after the other.
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for round in 1 2 3 4 5; do
	test/bench/token_rate 100000 >"/tmp/token_rate.$$"
	echo "cached $(awk '/^cached/ {print $2}' "/tmp/token_rate.$$")"
	echo "uncached $(awk '/^uncached/ {print $2}' "/tmp/token_rate.$$")"
	echo "botocore $(python3 - <<PY
import time, botocore.session
client = botocore.session.get_session().create_client("rds", region_name="us-east-1")
n = 2000
t0 = time.perf_counter()
for _ in range(n):
    client.generate_db_auth_token("$host", 5432, "app")
print(round(n / (time.perf_counter() - t0)))
PY
)"
done >"/tmp/token_rounds.$$"
rm -f "/tmp/token_rate.$$"
ours_cached=$(awk '$1 == "cached" {print $2}' "/tmp/token_rounds.$$" | median)
ours_uncached=$(awk '$1 == "uncached" {print $2}' "/tmp/token_rounds.$$" | median)
theirs=$(awk '$1 == "botocore" {print $2}' "/tmp/token_rounds.$$" | median)
rm -f "/tmp/token_rounds.$$"
echo "tokens per second, in process (median of 5 alternating rounds):"
printf '  %-44s %10s\n' "appdb signer, key cache" "$ours_cached" "appdb signer, new signer each token" "$ours_uncached" \
	"botocore generate_db_auth_token" "$theirs"
awk -v a="$ours_cached" -v b="$ours_uncached" -v c="$theirs" \
	'BEGIN {printf "  ratio: cached %.0fx botocore, uncached %.0fx\n", a / c, b / c}'

# whole processes: median of 11 runs each
run_ms() { local i; for i in $(seq 11); do local t0 t1; t0=$(date +%s%N); "$@" >/dev/null; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000 )); done | median; }
ours=$(run_ms ./appdb token --hostname "$host" --port 5432 --username app --region us-east-1)
theirs=$(run_ms aws rds generate-db-auth-token --hostname "$host" --port 5432 --username app --region us-east-1)
echo "one token as a whole process (median of 11):"
printf '  %-44s %8s us\n' "appdb token" "$ours" "aws rds generate-db-auth-token" "$theirs"
awk -v a="$ours" -v b="$theirs" 'BEGIN {printf "  ratio: aws CLI takes %.0fx as long\n", b / a}'
/usr/bin/time -f "%M" -o /tmp/token_mem.$$ ./appdb token --hostname "$host" --port 5432 --username app --region us-east-1 >/dev/null
echo "  appdb token peak RSS: $(cat /tmp/token_mem.$$) KiB"
# the floor under both figures: appdb-aws with its libraries loaded, no work
/usr/bin/time -f "%M" -o /tmp/token_mem.$$ ./appdb-aws --version >/dev/null
echo "  of which loading appdb-aws's libraries (appdb-aws --version): $(cat /tmp/token_mem.$$) KiB"
# and under that: the process alone, and Debian's libcurl started and
# nothing else (it loads some 30 libraries of its own: LDAP, RTMP, SSH,
# GnuTLS, Kerberos, IDN, ...)
cc -O2 -o test/bench/lib_floor test/bench/lib_floor.c
/usr/bin/time -f "%M" -o /tmp/token_mem.$$ test/bench/lib_floor
echo "  an empty C program: $(cat /tmp/token_mem.$$) KiB"
cc -O2 -DWITH_CURL -o test/bench/lib_floor test/bench/lib_floor.c -lcurl
/usr/bin/time -f "%M" -o /tmp/token_mem.$$ test/bench/lib_floor
echo "  a C program that only starts libcurl ($(ldd test/bench/lib_floor | wc -l) libraries): $(cat /tmp/token_mem.$$) KiB"
rm -f /tmp/token_mem.$$ test/bench/lib_floor

# One signed call against moto: a token for a profile that assumes a role
# (an STS AssumeRole request, signed, through the fault proxy).
. test/aws/motobed.sh
motobed_start >/dev/null 2>&1 || { echo "(moto bed did not start; no signed-call figure)"; exit 0; }
trap motobed_stop EXIT
work=$(mktemp -d /tmp/appdb-bench-token.XXXXXX)
curl -sf -X POST -H 'Content-Type: text/plain' --data inf "$MOTOBED_MOTO_URL/moto-api/reset-auth" >/dev/null
python3 - "$MOTOBED_MOTO_URL" <<'PY'
import json, sys, boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
iam.create_role(RoleName="bench", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "*"}}]}))
PY
curl -sf -X POST -H 'Content-Type: text/plain' --data 0 "$MOTOBED_MOTO_URL/moto-api/reset-auth" >/dev/null
printf '[profile bench]\nrole_arn = arn:aws:iam::123456789012:role/bench\ncredential_source = Environment\nregion = us-east-1\n' >"$work/config"
AWS_CONFIG_FILE=$work/config AWS_ENDPOINT_URL_STS=$MOTOBED_PROXY_URL \
	/usr/bin/time -f "%M" -o "$work/mem" ./appdb token --profile bench --hostname "$host" --port 5432 --username app >/dev/null
echo "one signed call against moto (STS AssumeRole, then the token): peak RSS $(cat "$work/mem") KiB"
AWS_CONFIG_FILE=$work/config AWS_ENDPOINT_URL_STS=$MOTOBED_PROXY_URL \
	/usr/bin/time -f "%M" -o "$work/mem_cli" aws rds generate-db-auth-token --profile bench \
	--hostname "$host" --port 5432 --username app >/dev/null
echo "  the same with the AWS CLI (aws rds generate-db-auth-token --profile bench): $(cat "$work/mem_cli") KiB"
awk -v a="$(cat "$work/mem")" -v b="$(cat "$work/mem_cli")" 'BEGIN {printf "  ratio: the AWS CLI peaks at %.1fx appdb'"'"'s\n", b / a}'
# RSS is mostly the shared libraries libcurl and libxml2 map; massif tells
# what appdb allocates itself.
if command -v valgrind >/dev/null; then
	AWS_CONFIG_FILE=$work/config AWS_ENDPOINT_URL_STS=$MOTOBED_PROXY_URL \
		valgrind --tool=massif --massif-out-file="$work/massif" ./appdb-aws token --profile bench \
		--hostname "$host" --port 5432 --username app >/dev/null 2>&1
	peak=$(grep -E '^mem_heap_B=' "$work/massif" | cut -d= -f2 | sort -n | tail -1)
	echo "  the same call's peak heap: $((peak / 1024)) KiB (valgrind massif)"
fi
rm -rf "$work"
