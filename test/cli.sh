#!/usr/bin/env bash
# test/cli.sh: appdb, the command-line program, on the local provider: the
# lifecycle of an environment from an empty folder to destroy, what the app
# and migrator roles can do, the extension and appdb's own copy of its logic
# giving the same bytes, bad input, a stopped server, secrets, help.
#
#   test/cli.sh                                  everything (CLI_SUITE=all)
#   CLI_SUITE=lifecycle PG_BINDIR=DIR test/cli.sh
#       only the lifecycle: configure, plan, provision, roles, a migrator's
#       table used by app, destroy (for the servers of test/pgversions.sh)
#
# Environment:
#   APPDB          the binary under test (default: appdb at the repo root; a
#                  relative path is taken from the repo root)
#   APPDB_WRAPPER  a command every appdb invocation runs under, e.g.
#                  "valgrind -q --error-exitcode=99 --leak-check=full";
#                  its exit 99 is a failure
#   PG_BINDIR      the server's binaries (default pg_config --bindir); given
#                  to configure, plan and provision as --pg-bindir
#   CLI_SUITE      all (default), lifecycle, lock (only section 9: one writer
#                  per environment) or trust (only section 10: what the local
#                  provider deletes, and how it resumes)
#   CLI_KEEP_LOGS  1: keep the captured stdout/stderr of every command and
#                  say where (everything else is still removed)
#
# Each run works in a fresh temporary directory with its own --app name, so
# runs may go in parallel. Whatever it provisions is destroyed on exit, even
# on failure. The last line is "cli: N passed, M failed".
set -u
# the marks of the checks below are a UTF-8 locale's (C gives ok/FAIL: t_marks)
export LC_ALL=C.UTF-8
unset NO_COLOR
ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
APPDB=${APPDB:-$ROOT/appdb}
case $APPDB in /*) ;; *) APPDB=$ROOT/$APPDB ;; esac
APPDB_WRAPPER=${APPDB_WRAPPER:-}
CLI_SUITE=${CLI_SUITE:-all}
case $CLI_SUITE in all | lifecycle | lock | trust) ;; *)
	echo "cli.sh: CLI_SUITE must be all, lifecycle, lock or trust, not \"$CLI_SUITE\"" >&2
	exit 2 ;;
esac
PG_BINDIR=${PG_BINDIR:-$(pg_config --bindir)}
PG_BINDIR=$(cd "$PG_BINDIR" 2>/dev/null && pwd) || {
	echo "cli.sh: PG_BINDIR ${PG_BINDIR} is not a directory" >&2
	exit 2
}
PSQL=$(pg_config --bindir)/psql
VERSION=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$ROOT/app_roles.control")
MAJOR=$("$PG_BINDIR/postgres" --version 2>/dev/null | sed -nE 's/^[^)]*\) ([0-9]+).*/\1/p')
for need in "$APPDB" "$PSQL" "$PG_BINDIR/postgres"; do
	[ -x "$need" ] || { echo "cli.sh: $need is missing or not executable" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "cli.sh: python3 is needed to read JSON" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/appdb-cli.XXXXXX") || exit 2
chmod 755 "$WORK"
LOG=$WORK/log				# every stdout and stderr the suite captured
DIAG=$WORK/diag				# a check's own output, shown when it fails
WRAPFAIL=$WORK/wrapper-failures	# one line per appdb run the wrapper failed
mkdir -p "$LOG"
: >"$WRAPFAIL"
APP=t$$
ENVS=()						# environments provisioned, destroyed on exit
PASSWORDS=()				# read from the passfiles; kept in memory only
START=$(date +%s)
cd "$WORK" || exit 2

# --- cleanup ------------------------------------------------------------------

as_owner() {	# path, command...: run the command as the owner of path (when root)
	local owner
	owner=$(stat -c %U "$1" 2>/dev/null)
	shift
	if [ "$(id -u)" = 0 ] && [ -n "$owner" ] && [ "$owner" != root ]; then
		runuser -u "$owner" -- "$@"
	else
		"$@"
	fi
}

state_field() {	# env, key: a value of .appdb/<app>-<env>/state.json
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]) or "")' \
		"$WORK/.appdb/$APP-$1/state.json" "$2" 2>/dev/null
}

cleanup() {
	local env data_dir data_parent bindir pid
	cd "$WORK" 2>/dev/null || cd /
	for env in "${ENVS[@]}"; do
		data_dir=$(state_field "$env" data_dir)
		data_parent=$(state_field "$env" data_parent)
		bindir=$(state_field "$env" bindir)
		pid=$(head -1 "$data_dir/postmaster.pid" 2>/dev/null)
		$APPDB_WRAPPER "$APPDB" destroy --yes --app "$APP" --env "$env" </dev/null >/dev/null 2>&1
		# whatever destroy left: the server, then its files
		if [ -n "$data_dir" ] && [ -f "$data_dir/postmaster.pid" ] && [ -n "$bindir" ]; then
			as_owner "$data_dir" "$bindir/pg_ctl" stop -D "$data_dir" -m immediate -w >/dev/null 2>&1
		fi
		if [ -n "$pid" ] && tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null | grep -qF -- "$data_dir"; then
			kill -9 "$pid" 2>/dev/null
		fi
		[ -n "$data_parent" ] && case $data_parent in /var/tmp/appdb-"$APP"-*) rm -rf -- "$data_parent" ;; esac
		# servers whose state.json was overwritten (concurrent provisions), and their files
		stop_env_postmasters "$env"
		rm -rf -- /var/tmp/appdb-"$APP"-"$env".*
		rm -rf -- "$WORK/.appdb/$APP-$env"
	done
	cd /
	if [ "${CLI_KEEP_LOGS:-}" = 1 ]; then
		local keep
		keep=$(mktemp -d "${TMPDIR:-/tmp}/appdb-cli-logs.XXXXXX") && cp -a "$LOG/." "$keep/" &&
			echo "(logs kept in $keep)" >&2
	fi
	rm -rf -- "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# --- running appdb, checking -------------------------------------------------

passed=0 failed=0 nrun=0 wrapper_in_checks=0
PREFIX=""					# e.g. "timeout 20", before the wrapper
STDIN=/dev/null

run() {	# label, appdb arguments...: sets RC, OUT, ERR (files) and CMD
	local label=$1
	shift
	nrun=$((nrun + 1))
	OUT=$LOG/$(printf %03d "$nrun")-$label.out
	ERR=${OUT%.out}.err
	CMD="appdb $*"
	CMDDIR=$PWD
	$PREFIX $APPDB_WRAPPER "$APPDB" "$@" <"$STDIN" >"$OUT" 2>"$ERR"
	RC=$?
	if [ -n "$APPDB_WRAPPER" ] && [ "$RC" = 99 ]; then
		echo "$label" >>"$WRAPFAIL"
		echo "the wrapper ($APPDB_WRAPPER) failed (exit 99) on: $CMD"
	fi
	return 0
}

run_in() {	# dir, label, appdb arguments...: run in dir, then back
	local dir=$1
	shift
	cd "$dir" || return 1
	run "$@"
	cd "$WORK" || return 1
}

visible() {	# control characters as \xNN
	python3 -c '
import sys
for line in sys.stdin.buffer:
    t = line.decode("utf-8", "backslashreplace")
    sys.stdout.write("".join(c if c in "\t\n" or ord(c) >= 32 else "\\x%02x" % ord(c) for c in t))'
}

show() {	# the last run: command, exit code, output
	echo "\$ $CMD    (in $CMDDIR)"
	echo "exit $RC"
	if [ -s "$OUT" ]; then echo "stdout:"; head -n 60 "$OUT" | visible | sed 's/^/  /'; fi
	if [ -s "$ERR" ]; then echo "stderr:"; head -n 60 "$ERR" | visible | sed 's/^/  /'; fi
}

rc_is() { [ "$RC" = "$1" ] && return 0; echo "expected exit $1, got $RC"; show; return 1; }
out_has() { grep -qE -- "$1" "$OUT" && return 0; echo "stdout lacks /$1/"; show; return 1; }
err_has() { grep -qE -- "$1" "$ERR" && return 0; echo "stderr lacks /$1/"; show; return 1; }
out_lacks() { ! grep -qE -- "$1" "$OUT" && return 0; echo "stdout has /$1/"; show; return 1; }
err_empty() { [ ! -s "$ERR" ] && return 0; echo "stderr is not empty"; show; return 1; }
out_empty() { [ ! -s "$OUT" ] && return 0; echo "stdout is not empty"; show; return 1; }
fail() { echo "$*"; return 1; }

json_valid() {	# file
	python3 -c 'import json,sys; json.load(sys.stdin)' <"$1" 2>&1 && return 0
	echo "not valid JSON: $1"
	head -c 2000 "$1"
	return 1
}

json_get() {	# file, key...: a value (booleans as true/false)
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    d = d[int(k)] if isinstance(d, list) else d[k]
print(json.dumps(d) if isinstance(d, (bool, list, dict)) else d)' "$@"
}

check() {	# name, then a command whose success is the result
	local name=$1 ok before after
	shift
	before=$(wc -l <"$WRAPFAIL")
	"$@" >"$DIAG" 2>&1
	ok=$?
	after=$(wc -l <"$WRAPFAIL")
	wrapper_in_checks=$((wrapper_in_checks + after - before))
	if [ "$ok" = 0 ] && [ "$after" = "$before" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL cli: $name"
		sed 's/^/    /' "$DIAG"
	fi
}

note() { echo "note: $*"; }

server_pids() {	# data_dir: pids of processes naming it
	pgrep -f -- "$1"
}

stop_server() {	# bindir, data_dir: stop it as the OS user that runs it
	as_owner "$2" "$1/pg_ctl" stop -D "$2" -m fast -w >"$LOG/pg_ctl-stop.$nrun.log" 2>&1
}

psql_as() {	# role, label, SQL...: psql as role (url from appdb), output in PSQL_OUT
	local role=$1 label=$2 url
	shift 2
	run "url-$role" url --app "$APP" --env dev --role "$role"
	[ "$RC" = 0 ] || { show; return 1; }
	url=$(cat "$OUT")
	PSQL_OUT=$LOG/$(printf %03d "$nrun")-psql-$label.out
	"$PSQL" -X -q -At -v ON_ERROR_STOP=1 -d "$url" "$@" >"$PSQL_OUT" 2>&1
	PSQL_RC=$?
	return 0
}

url_param() {	# file holding a connection URL, parameter: its value
	python3 -c 'import sys, urllib.parse
q = urllib.parse.parse_qs(urllib.parse.urlsplit(open(sys.argv[1]).read().strip()).query)
print(q.get(sys.argv[2], [""])[0])' "$1" "$2"
}

CFG=infra/$APP/database/dev.json
EXPECTED_GROUPS=rds_superuser
[ "${MAJOR:-0}" -ge 16 ] && EXPECTED_GROUPS=app,migrator,rds_superuser

# --- --output json of every command; marks and colour ---------------------------

json_keys() {	# file, key...: valid JSON, an object holding every key
	json_valid "$1" || return 1
	python3 - "$@" <<-'EOF'
		import json, sys
		d = json.load(open(sys.argv[1]))
		missing = [k for k in sys.argv[2:] if not isinstance(d, dict) or k not in d]
		if missing:
		    print("JSON lacks", missing, ":", json.dumps(d)[:2000])
		    sys.exit(1)
	EOF
}

t_configure_json() {	# configure --output json: the file's path and what it holds
	run configure-json configure --app "$APP" --env dev --pg-bindir "$PG_BINDIR" --output json
	rc_is 0 && json_keys "$OUT" config_file config || return 1
	python3 - "$OUT" "$CFG" <<-'EOF'
		import json, os, sys
		d = json.load(open(sys.argv[1]))
		assert os.path.realpath(d["config_file"]) == os.path.realpath(sys.argv[2]), d["config_file"]
		assert d["config"] == json.load(open(sys.argv[2])), d["config"]
	EOF
}

t_plan_json() {	# plan --output json: the text's lines, as action and detail
	run plan-text plan --app "$APP" --env dev --pg-bindir "$PG_BINDIR"
	rc_is 0 || return 1
	cp "$OUT" "$WORK/plan.txt"
	run plan-json plan --app "$APP" --env dev --pg-bindir "$PG_BINDIR" --output json
	rc_is 0 && json_keys "$OUT" provider changes || return 1
	python3 - "$OUT" "$WORK/plan.txt" <<-'EOF'
		import json, sys
		d = json.load(open(sys.argv[1]))
		assert d["provider"] == "local", d
		lines = ["%s: %s" % (c["action"], c["detail"]) for c in d["changes"]]
		text = open(sys.argv[2]).read().splitlines()
		assert lines == text, (lines, text)
		assert d["changes"][0]["action"] == "create", d
	EOF
	[ ! -e .appdb ] || fail "plan created .appdb"
}

t_provision_json() {	# provision --output json: the state at the end
	run provision-json provision --app "$APP" --env dev --output json
	rc_is 0 && json_keys "$OUT" provider changed steps state engine_version endpoint port database || return 1
	[ "$(json_get "$OUT" state)" = running ] && [ "$(json_get "$OUT" changed)" = false ] &&
		[ "$(json_get "$OUT" steps)" = "[]" ] || fail "not running, or changed" || return 1
	err_has 'provision: nothing to change'
}

t_url_json() {	# url --output json: the role and the url "appdb url" prints
	run url-text url --app "$APP" --env dev --role migrator
	rc_is 0 || return 1
	cp "$OUT" "$WORK/url.txt"
	run url-json url --app "$APP" --env dev --role migrator --output json
	rc_is 0 && json_keys "$OUT" role url || return 1
	[ "$(json_get "$OUT" role)" = migrator ] || fail "role is not migrator" || return 1
	[ "$(json_get "$OUT" url)" = "$(cat "$WORK/url.txt")" ] || fail "the url differs from url's"
}

t_psql_json_refused() {
	run psql-json psql --app "$APP" --env dev --output json
	rc_is 2 && out_empty && err_has '--output json does not apply'
}

t_doctor_json() {
	run doctor-json doctor --app "$APP" --env dev --output json
	rc_is 0 && json_keys "$OUT" checks ok
}

t_destroy_json() {	# destroy --output json where there is nothing to destroy
	run destroy-json destroy --yes --app "$APP" --env dev --output json
	rc_is 0 && json_keys "$OUT" provider destroyed && [ "$(json_get "$OUT" destroyed)" = false ] ||
		fail "destroyed is not false"
}

t_marks_fail() {	# a failed check: ✗ in a UTF-8 locale, FAIL in C
	PREFIX="env LC_ALL=C" run check-marks-c roles check --app "$APP" --env dev
	rc_is 1 && out_has '^  FAIL app_role ' && out_lacks '✗|✓' || return 1
	PREFIX="env LC_ALL=C.UTF-8" run check-marks-utf8 roles check --app "$APP" --env dev
	rc_is 1 && out_has '^  ✗ app_role '
}

t_marks() {	# a passed check: ✓ in a UTF-8 locale, ok in C (doctor too)
	PREFIX="env LC_ALL=C" run check-marks-c roles check --app "$APP" --env dev --login
	rc_is 0 && out_has '^  ok +app_role ' && out_has '^  ok +login app ' && out_lacks '✗|✓' || return 1
	PREFIX="env LC_ALL=C" run doctor-marks-c doctor --app "$APP" --env dev
	rc_is 0 && out_has '^  ok +[a-z]' && out_lacks '✗|✓' || return 1
	PREFIX="env LC_ALL=C.UTF-8" run check-marks-utf8 roles check --app "$APP" --env dev
	rc_is 0 && out_has '^  ✓ app_role '
}

on_tty() {	# label, env..., --, appdb arguments...: run on a terminal (script), output in OUT
	local label=$1 envs=() cmd
	shift
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	nrun=$((nrun + 1))
	OUT=$LOG/$(printf %03d "$nrun")-$label.out
	ERR=${OUT%.out}.err
	CMD="(on a terminal) ${envs[*]} appdb $*"
	CMDDIR=$PWD
	printf -v cmd '%q ' env "${envs[@]}" "$APPDB" "$@"
	script -qec "$cmd" /dev/null <"$STDIN" >"$OUT" 2>"$ERR"
	RC=$?
}

t_colour() {	# colour on a terminal only, never with NO_COLOR, never in JSON
	local esc=$'\x1b\\['
	run check-piped roles check --app "$APP" --env dev
	rc_is 0 && out_lacks "$esc" || return 1
	on_tty check-tty -- roles check --app "$APP" --env dev
	rc_is 0 && out_has "$esc" || return 1
	on_tty check-tty-no-color NO_COLOR=1 -- roles check --app "$APP" --env dev
	rc_is 0 && out_lacks "$esc" && out_has '✓ app_role' || return 1
	on_tty check-tty-empty-no-color NO_COLOR= -- roles check --app "$APP" --env dev
	rc_is 0 && out_has "$esc" || return 1
	on_tty check-tty-json -- roles check --app "$APP" --env dev --output json
	rc_is 0 && out_lacks "$esc" || return 1
	on_tty doctor-tty -- doctor --app "$APP" --env dev
	rc_is 0 && out_has "$esc"
}

# --- 8. help and version -------------------------------------------------------

t_help() {
	run help --help
	rc_is 0 && err_empty && out_has '^Usage:' && out_has '^Commands:' &&
		out_has '^  roles check' && out_has 'Exit status:'
}

t_command_help() {	# command words...
	local label
	label=help-$(echo "$*" | tr ' ' -)
	run "$label" "$@" --help
	rc_is 0 && err_empty && out_has "^appdb $*: " && out_has "^Options of $*:" &&
		out_has '^Global options'
}

t_command_help_option() {	# option, command words...: the command's help lists its option
	local opt=$1
	shift
	run "help-$opt" "$@" --help
	rc_is 0 && out_has "^  --$opt"
}

t_short_help() {	# -h is --help, -V is --version
	run help-long --help
	local long=$OUT
	run help-short -h
	rc_is 0 && err_empty || return 1
	cmp -s "$long" "$OUT" || { echo "-h differs from --help"; diff "$long" "$OUT"; return 1; }
	run help-status-short status -h
	rc_is 0 && out_has '^appdb status: ' || return 1
	run version-short -V
	rc_is 0 && err_empty || return 1
	[ "$(cat "$OUT")" = "appdb $VERSION" ] || { echo "expected stdout \"appdb $VERSION\""; show; return 1; }
}

t_roles_help() {	# roles --help lists the roles commands; roles alone names them
	run help-roles roles --help
	rc_is 0 && err_empty && out_has '^  roles setup ' && out_has '^  roles plan ' &&
		out_has '^  roles check ' && out_lacks '^  configure ' || return 1
	run roles-alone roles
	rc_is 2 && err_has 'needs a subcommand: setup, plan or check' && err_has '"appdb roles --help"'
}

ALL_COMMANDS=(configure plan provision "roles setup" "roles plan" "roles check" url psql status outputs doctor destroy token)

t_command_help_own_options() {	# every command's help: a non-empty options section, no global options repeated
	local c
	for c in "${ALL_COMMANDS[@]}"; do
		# shellcheck disable=SC2086  # the command's words
		run "help-own-${c// /-}" $c --help
		rc_is 0 || return 1
		# the line after "Options of ...:" is an option or says there is none
		awk '/^Options of /{getline; if ($0 !~ /^  [-(]/) bad=1} END{exit bad}' "$OUT" ||
			fail "\"appdb $c --help\": an empty \"Options of\" section" || { show; return 1; }
		out_lacks '^  --app=' && out_lacks '^  --output=' && out_has '"appdb --help"' || return 1
	done
	run help-status status --help
	out_has '^  \(none but the global ones\)'
}

help_options() {	# every option the helps list, one a line (--name)
	local c
	{
		$APPDB_WRAPPER "$APPDB" --help
		for c in "${ALL_COMMANDS[@]}"; do
			# shellcheck disable=SC2086
			$APPDB_WRAPPER "$APPDB" $c --help
		done
	} | grep -oE '^  (-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+' | sort -u
}

t_man_page() {	# generated from the option table: every option, every section, renders cleanly
	local o n=0 page
	run man --generate=man
	rc_is 0 && err_empty || return 1
	page=$OUT
	for o in $(help_options); do
		n=$((n + 1))
		grep -qF -- "${o//-/\\-}" "$page" || fail "the man page lacks $o" || return 1
	done
	[ "$n" -gt 40 ] || fail "only $n options found in the helps"
	local text
	text=$(MANWIDTH=80 LC_ALL=C.UTF-8 man -l "$page" 2>&1) || { echo "man -l failed: $text"; return 1; }
	for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "GLOBAL OPTIONS" ENVIRONMENT FILES "EXIT STATUS"; do
		grep -q "^$s\$" <<<"$text" || fail "the rendered man page lacks the section $s" || return 1
	done
	grep -qE -- '--pg-bindir=DIR' <<<"$text" && grep -q 'APPDB_LOCK_TIMEOUT' <<<"$text" &&
		grep -qE '^ +roles check' <<<"$text" || { echo "rendered:"; head -80 <<<"$text"; return 1; }
	local warn
	warn=$(LC_ALL=C groff -man -ww -z "$page" 2>&1)
	[ -z "$warn" ] || fail "groff warns: $warn"
}

complete_words() {	# completion file, the words of the line (the last is completed): COMPREPLY, one a line
	local file=$1
	shift
	bash --norc --noprofile -c '
		source "$1" || exit 1
		shift
		COMP_WORDS=(appdb "$@")
		COMP_CWORD=$#
		COMP_LINE="appdb $*"
		_appdb
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$file" "$@"
}

comp_is() {	# file, expected words (space-separated, sorted), line words...
	local file=$1 want=$2 got
	shift 2
	got=$(complete_words "$file" "$@" | tr '\n' ' ' | sed 's/ $//')
	[ "$got" = "$want" ] || fail "appdb $* <TAB>: got [$got], want [$want]"
}

t_completion() {	# generated from the option table: commands, each command's options, fixed values
	local f c o
	run completion --generate=bash-completion
	rc_is 0 && err_empty || return 1
	f=$OUT
	bash -n "$f" || fail "not valid bash" || return 1
	comp_is "$f" "configure destroy doctor outputs plan provision psql roles status token url" "" &&
		comp_is "$f" "check plan setup" roles "" &&
		comp_is "$f" "plan provision psql" --app x p &&
		comp_is "$f" "aws local" configure --provider "" &&
		comp_is "$f" "aws local" configure --provider = "" &&
		comp_is "$f" "json text" --output "" &&
		comp_is "$f" "off on" configure --deletion-protection "" &&
		comp_is "$f" "off on" configure --apply-immediately o &&
		comp_is "$f" "auto core extension" roles setup --via "" &&
		comp_is "$f" "app master migrator" url --role "" &&
		comp_is "$f" "--login --login-if-reachable" roles check --lo &&
		comp_is "$f" "" status --yes || return 1
	# every option of each command's help, and the global ones, complete after it
	local offered
	for c in "${ALL_COMMANDS[@]}"; do
		# shellcheck disable=SC2086
		offered=$(complete_words "$f" $c --)
		# shellcheck disable=SC2086
		for o in $($APPDB_WRAPPER "$APPDB" $c --help | grep -oE '^  --[a-z-]+' | tr -d ' ') \
			$($APPDB_WRAPPER "$APPDB" --help | grep -oE '^  (-., )?--[a-z-]+' | grep -oE -- '--[a-z-]+'); do
			grep -qx -- "$o" <<<"$offered" || fail "appdb $c --<TAB> lacks $o" || return 1
		done
	done
	# the options of other commands are not offered
	complete_words "$f" status "--" | grep -qx -- '--yes' && fail "status offers --yes"
	return 0
}

t_version() {
	run version --version
	rc_is 0 && err_empty || return 1
	[ "$(cat "$OUT")" = "appdb $VERSION" ] || { echo "expected stdout \"appdb $VERSION\""; show; return 1; }
}

# --- 5. bad input --------------------------------------------------------------

snapshot() {	# dir: every path with its mode and content
	(cd "$1" && find . -printf '%p %y %m\n' | sort && find . -type f -exec sha256sum {} + | sort)
}

BAD=0
bad_dir() {	# a fresh directory for one bad-input case, in BADDIR
	BAD=$((BAD + 1))
	BADDIR=$WORK/bad$BAD
	mkdir -p "$BADDIR"
}

bad_config() {	# a fresh dir with a valid config for app x, env y, then python edits it
	bad_dir
	run_in "$BADDIR" configure-bad configure --app x --env y
	[ "$RC" = 0 ] || { show; return 1; }
	[ $# = 0 ] || python3 -c '
import json, sys
p = sys.argv[1]
d = json.load(open(p))
exec(sys.argv[2])
open(p, "w").write(json.dumps(d, indent=2) + "\n")' "$BADDIR/infra/x/database/y.json" "$1"
}

bad_input() {	# expected stderr regex, appdb arguments... (run in BADDIR): exit 2, nothing changed
	local want=$1 before after
	shift
	before=$(snapshot "$BADDIR")
	run_in "$BADDIR" bad "$@"
	after=$(snapshot "$BADDIR")
	rc_is 2 && err_has "$want" || return 1
	if [ "$before" != "$after" ]; then
		echo "the directory changed:"
		diff <(echo "$before") <(echo "$after")
		return 1
	fi
	[ ! -e "$BADDIR/.appdb" ] || fail ".appdb was created"
}

t_bad_no_config() {
	bad_dir
	bad_input 'cannot read config file infra/x/database/y.json: No such file' roles check --app x --env y &&
		err_has 'appdb configure' || return 1
	[ -z "$(ls -A "$BADDIR")" ] || fail "the empty directory is no longer empty"
}

t_bad_json() {
	bad_dir
	mkdir -p "$BADDIR/infra/x/database"
	printf '{"provider": "local", "app": "x",, }\n' >"$BADDIR/infra/x/database/y.json"
	bad_input 'config file infra/x/database/y.json: not valid JSON' roles check --app x --env y
}

t_bad_json_truncated() {
	bad_dir
	mkdir -p "$BADDIR/infra/x/database"
	printf '{"provider": "local",\n' >"$BADDIR/infra/x/database/y.json"
	bad_input 'not valid JSON' roles check --app x --env y || return 1
	# json-c's internal tokener state "continue" is no reason a user can act on
	! grep -q '(continue at' "$ERR" || { echo "the reason given is json-c's internal state \"continue\""; show; return 1; }
}

t_bad_unknown_key() {
	bad_config 'd["bogus"] = 1' &&
		bad_input 'unknown key "bogus"' roles check --app x --env y && err_has 'the keys are'
}

t_bad_role_file() {	# python edit, expected message
	bad_config "$1" && bad_input "$2" roles check --app x --env y
}

t_bad_text_edit() {	# sed expression on the config file's text, expected message, appdb arguments...
	local edit=$1 want=$2
	shift 2
	local file before
	bad_config pass || return 1	# rewritten by json.dumps: one line per key, {} empty
	file=$BADDIR/infra/x/database/y.json
	before=$(cat "$file")
	sed -i "$edit" "$file"
	[ "$(cat "$file")" != "$before" ] || fail "the edit $edit changed nothing" || return 1
	bad_input "$want" "$@"
}

t_bad_env_mismatch() {	# a copy of y.json as z.json, the env key left at "y"
	bad_config && cp "$BADDIR/infra/x/database/y.json" "$BADDIR/infra/x/database/z.json" &&
		bad_input 'key "env" is "y", but --env is "z"' roles check --app x --env z || return 1
	bad_input 'key "env" is "y", but --env is "z"' roles setup --config infra/x/database/y.json --env z
}

t_bad_role_option() {	# expected message, configure options...
	local want=$1
	shift
	bad_dir
	bad_input "$want" configure --app x --env y "$@" || return 1
	[ ! -e "$BADDIR/infra" ] || fail "configure wrote a file"
}

t_bad_unknown_command() {
	bad_config && bad_input 'unknown command "frobnicate"' frobnicate --app x --env y
}

t_bad_unknown_option() {
	bad_config && bad_input 'unknown option "--frob"' status --app x --env y --frob
}

t_bad_option_not_applying() {
	bad_config && bad_input 'option --yes does not apply to status' status --app x --env y --yes
}

t_bad_missing_env() {
	bad_config && bad_input 'status needs the environment: give --app and --env, or --config' status
}

t_bad_missing_env_configure() {
	bad_dir
	bad_input 'configure needs --app and --env' configure --app x || return 1
	[ ! -e "$BADDIR/infra" ] || fail "configure wrote a file"
}

t_bad_configure_exists() {
	bad_config && bad_input 'exists with other settings; nothing changed' configure --app x --env y --database other &&
		err_has 'give --force'
}

t_configure_force() {
	bad_config || return 1
	run_in "$BADDIR" configure-force configure --app x --env y --database other --force
	rc_is 0 && err_has 'wrote infra/x/database/y.json' || return 1
	[ "$(json_get "$BADDIR/infra/x/database/y.json" database)" = other ] ||
		fail "database is not \"other\" after configure --force"
}

t_bad_output() {
	bad_config && bad_input 'invalid --output "xml": use text or json' status --app x --env y --output xml
}

t_bad_value_for_flag() {	# a value given to an option that takes none
	bad_config && bad_input 'yes' destroy --app x --env y --yes=1
}

t_bad_double_dash() {	# "--" ends the options; what follows is not an option
	bad_config || return 1
	bad_input 'unexpected argument "extra"' status --app x --env y -- extra
	local ok=$?
	[ "$RC" -lt 128 ] || echo "appdb was killed by signal $((RC - 128))"
	return $ok
}

t_bad_many_options() {	# the applicability check covers every option, not the first 64
	local quiet=() i
	for i in $(seq 64); do quiet+=(--quiet); done
	bad_config && bad_input 'option --yes does not apply to status' status --app x --env y "${quiet[@]}" --yes
}

t_bad_unknown_option_hint() {	# the error names the command's help
	bad_config && bad_input 'unknown option "--frob" \(see "appdb status --help"\)$' status --app x --env y --frob &&
		bad_input 'unknown option "--frob" \(see "appdb roles check --help"\)$' --frob roles check --app x --env y
}

t_bad_pg_bindir_empty() {
	bad_dir
	bad_input '--pg-bindir needs a directory' configure --app x --env y --pg-bindir '' || return 1
	[ ! -e "$BADDIR/infra" ] || fail "configure wrote a file"
}

t_bad_config_dir() {	# --config naming a directory: said so, exit 2, for reading and for configure
	bad_config || return 1
	mkdir -p "$BADDIR/d"
	bad_input '--config "d" is a directory' status --config d &&
		bad_input '--config "d" is a directory' configure --config d --app x --env y
}

t_bad_quiet_verbose() {
	bad_config && bad_input '--quiet and --verbose contradict each other' status --app x --env y --quiet --verbose
}

# --- 1. lifecycle ----------------------------------------------------------------

t_configure() {
	run configure configure --app "$APP" --env dev --pg-bindir "$PG_BINDIR"
	rc_is 0 && err_has "wrote $CFG" || return 1
	[ -f "$CFG" ] || fail "$CFG was not written" || return 1
	json_valid "$CFG" || return 1
	python3 - "$CFG" "$APP" "$PG_BINDIR" <<-'EOF'
		import json, sys
		d = json.load(open(sys.argv[1]))
		want = {"provider": "local", "app": sys.argv[2], "env": "dev", "database": "app",
		        "app_user": "app", "migrator_user": "migrator", "schema_name": "app",
		        "auth": "iam", "superuser_extensions": {}, "pg_bindir": sys.argv[3]}
		if d != want:
		    print("config file:", json.dumps(d, indent=1))
		    print("expected:   ", json.dumps(want, indent=1))
		    sys.exit(1)
	EOF
}

t_configure_again() {
	local before
	before=$(sha256sum "$CFG")
	run configure-again configure --app "$APP" --env dev --pg-bindir "$PG_BINDIR"
	rc_is 0 && err_has 'is up to date; nothing changed' || return 1
	[ "$before" = "$(sha256sum "$CFG")" ] || fail "the config file changed"
}

t_plan() {
	run plan plan --app "$APP" --env dev --pg-bindir "$PG_BINDIR"
	rc_is 0 && out_has '^create: ' && out_has "PostgreSQL $MAJOR cluster" || return 1
	[ ! -e .appdb ] || fail "plan created .appdb"
}

t_provision() {
	ENVS+=(dev)
	run provision provision --app "$APP" --env dev --pg-bindir "$PG_BINDIR"
	rc_is 0 && err_has "provision: the cluster is running \(PostgreSQL $MAJOR, port [0-9]+, database \"app\"\)"
}

t_status() {
	run status status --app "$APP" --env dev
	rc_is 0 && out_has '^state: +running$' && out_has "^engine: +PostgreSQL $MAJOR " || return 1
	run status-json status --app "$APP" --env dev --output json
	rc_is 0 && json_valid "$OUT" || return 1
	[ "$(json_get "$OUT" state)" = running ] || fail "state is not running" || return 1
	[ "$(json_get "$OUT" engine_version)" = "$MAJOR" ] || fail "engine_version is not $MAJOR" || return 1
	DATA_DIR=$(json_get "$OUT" data_dir)
	BINDIR=$(json_get "$OUT" bindir)
	[ -d "$DATA_DIR" ] && [ -n "$(server_pids "$DATA_DIR")" ] ||
		fail "no server process for $DATA_DIR"
}

t_url_before_setup() {
	run url-early url --app "$APP" --env dev --role app
	rc_is 2 && err_has '"app" has no password yet' && out_empty
}

t_check_before_setup() {
	run check-before roles check --app "$APP" --env dev
	rc_is 1 && out_has '✗ app_role ' && out_has '✗ migrator_role ' &&
		out_has '^[0-9]+ of [0-9]+ checks failed\.$'
}

t_plan_before_setup() {
	run roles-plan roles plan --app "$APP" --env dev
	rc_is 0 && out_has '^CREATE ROLE "migrator" LOGIN;$' && out_has '^CREATE ROLE "app" LOGIN;$' &&
		out_has '^CREATE SCHEMA "app" AUTHORIZATION "migrator";$'
}

# outputs: every key, in this order (README, "appdb outputs")
OUTPUT_KEYS="provider host port database schema app_user migrator_user master_user readonly_users app_password_file migrator_password_file master_password_file sslmode ssl_root_cert app_url migrator_url master_url"

t_outputs_absent() {	# before provision: exit 2, provision's hint, nothing on stdout
	run outputs-absent outputs --app "$APP" --env dev
	rc_is 2 && err_has "environment $APP-dev has no cluster yet" && err_has 'hint: run "appdb provision"' &&
		out_empty || return 1
	run outputs-absent-json outputs --app "$APP" --env dev --output json
	rc_is 2 && out_empty
}

t_outputs_text_json() {	# label: text and JSON of the same outputs agree, every key in order; sets OUT_JSON
	local label=$1 text
	run "$label" outputs --app "$APP" --env dev
	text=$OUT
	TEXT_RC=$RC
	run "$label-json" outputs --app "$APP" --env dev --output json
	OUT_JSON=$OUT
	[ "$RC" = "$TEXT_RC" ] || fail "text exits $TEXT_RC, JSON $RC" || return 1
	json_valid "$OUT" || return 1
	python3 - "$text" "$OUT" $OUTPUT_KEYS <<-'EOF'
		import json, re, sys
		lines = open(sys.argv[1]).read().splitlines()
		d = json.load(open(sys.argv[2]))
		keys = sys.argv[3:]
		if list(d) != keys:
		    sys.exit("JSON keys %s, expected %s" % (list(d), keys))
		bad = [k for k, v in d.items() if v is not None and not isinstance(v, str)]
		if bad:
		    sys.exit("not strings: %s" % bad)
		width = max(len(k) for k in keys) + 1
		want = ["%-*s %s" % (width, k + ":", v if v is not None else "(none: ...)") for k, v in d.items()]
		got = [re.sub(r"\(none: [^)]*\)$", "(none: ...)", l) for l in lines]
		if got != want:
		    sys.exit("text lines:\n%s\nexpected (from the JSON):\n%s" % ("\n".join(lines), "\n".join(want)))
	EOF
}

t_outputs_before_setup() {	# app's and migrator's password: missing, named, roles setup's hint
	t_outputs_text_json outputs-early || return 1
	rc_is 2 && err_has 'error: 4 outputs are missing: app_password_file, migrator_password_file, app_url, migrator_url' &&
		err_has 'hint: run "appdb roles setup"' || return 1
	[ "$(json_get "$OUT_JSON" app_password_file)" = None ] && [ "$(json_get "$OUT_JSON" migrator_url)" = None ] ||
		fail "app_password_file or migrator_url is not null" || return 1
	[ "$(json_get "$OUT_JSON" port)" = "$(state_field dev port)" ] || fail "port is not state.json's"
}

t_outputs() {	# after setup: exit 0; urls as "appdb url" prints them; the password files and certificate log in
	local role user file want root
	t_outputs_text_json outputs || return 1
	rc_is 0 && err_empty || return 1
	[ "$(json_get "$OUT_JSON" provider)/$(json_get "$OUT_JSON" host)/$(json_get "$OUT_JSON" database)/$(json_get "$OUT_JSON" schema)" = local/127.0.0.1/app/app ] ||
		fail "provider, host, database or schema wrong" || return 1
	[ "$(json_get "$OUT_JSON" port)" = "$(state_field dev port)" ] || fail "port is not state.json's" || return 1
	root=$(json_get "$OUT_JSON" ssl_root_cert)
	grep -q 'BEGIN CERTIFICATE' "$root" 2>/dev/null || fail "ssl_root_cert $root is not a certificate" || return 1
	for role in app migrator master; do
		want=$(json_get "$OUT_JSON" "${role}_url")
		run "outputs-url-$role" url --app "$APP" --env dev --role "$role"
		rc_is 0 || return 1
		[ "$(cat "$OUT")" = "$want" ] || fail "${role}_url \"$want\" is not what url --role $role prints" || return 1
		user=$(json_get "$OUT_JSON" "${role}_user")
		file=$(json_get "$OUT_JSON" "${role}_password_file")
		[ "$(stat -c %a "$file")" = 600 ] || fail "$file is not 0600" || return 1
		[ "$(url_param "$OUT" sslrootcert)" = "$root" ] || fail "url --role $role verifies with another certificate" || return 1
		PGPASSFILE=$file PGSSLMODE=verify-ca PGSSLROOTCERT=$root "$PSQL" -X -At -h "$(json_get "$OUT_JSON" host)" -p "$(json_get "$OUT_JSON" port)" \
			-U "$user" -d "$(json_get "$OUT_JSON" database)" -w -c 'SELECT current_user' >"$DIAG.psql" 2>&1 ||
			{ cat "$DIAG.psql"; fail "psql as $user with ${role}_password_file did not log in"; return 1; }
		[ "$(cat "$DIAG.psql")" = "$user" ] || fail "logged in as $(cat "$DIAG.psql"), not $user" || return 1
	done
}

t_setup() {
	run setup roles setup --app "$APP" --env dev
	FIRST_SETUP_OUT=$OUT
	FIRST_SETUP_ERR=$ERR
	rc_is 0 && err_has 'roles setup: executed [1-9][0-9]* statements' &&
		err_has 'passwords of "migrator" and "app" are in .*/passwords' && out_has '^Roles$'
}

t_psql_args() {	# psql -- ARGS: the arguments reach psql, which logs in as --role
	run psql-args psql --app "$APP" --env dev --role migrator -- -X -At -c 'SELECT current_user'
	rc_is 0 || return 1
	[ "$(cat "$OUT")" = migrator ] || fail "psql printed $(cat "$OUT"), not migrator" || { show; return 1; }
	run psql-args-app psql --app "$APP" --env dev -- -X -At -c 'SELECT current_user, 1'
	rc_is 0 && [ "$(cat "$OUT")" = "app|1" ] || { echo "expected app|1"; show; return 1; }
}

t_setup_again() {
	run setup-again roles setup --app "$APP" --env dev
	rc_is 0 && err_has 'roles setup: nothing to change' || return 1
	! grep -q 'passwords of' "$ERR" || { echo "setup again set passwords"; show; return 1; }
	run roles-plan-converged roles plan --app "$APP" --env dev
	rc_is 0 || return 1
	[ "$(cat "$OUT")" = "Nothing to do: roles and privileges have converged." ] ||
		{ echo "roles plan does not say it converged"; show; return 1; }
}

t_provision_again() {
	run provision-again provision --app "$APP" --env dev --pg-bindir "$PG_BINDIR"
	rc_is 0 && err_has "provision: nothing to change; the cluster is running \(PostgreSQL $MAJOR" || return 1
	run plan-again plan --app "$APP" --env dev --pg-bindir "$PG_BINDIR"
	rc_is 0 && out_has '^leave: the running cluster.*nothing to change$'
}

t_check_passes() {	# label
	local n text
	run "${1:-check}" roles check --app "$APP" --env dev
	rc_is 0 && out_has '^All [0-9]+ checks passed\.$' && out_lacks '✗' || return 1
	text=$OUT
	run "${1:-check}-json" roles check --app "$APP" --env dev --output json
	rc_is 0 && json_valid "$OUT" || return 1
	n=$(json_get "$OUT" checks | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
	[ "${n:-0}" -gt 0 ] && grep -q "^All $n checks passed\.$" "$text" ||
		{ echo "the text does not say \"All $n checks passed.\" as the JSON's $n checks would"; return 1; }
}

t_check_login() {
	run check-login roles check --app "$APP" --env dev --login
	rc_is 0 && out_has '✓ login migrator ' && out_has '✓ login app '
}

t_infra_check() {	# template-infra's target, from the folder holding infra/: check, and the logins
	(cd "$WORK" && make -s -f "$ROOT/Makefile" infra-check-app-database-roles APP_NAME="$APP" \
		ENVIRONMENT=dev APPDB="$APPDB") >"$LOG/infra-check" 2>&1 ||
		{ echo "make infra-check-app-database-roles failed:"; cat "$LOG/infra-check"; return 1; }
	grep -q '^All [0-9]* checks passed' "$LOG/infra-check" && grep -q '✓ login migrator ' "$LOG/infra-check" &&
		grep -q '✓ login app ' "$LOG/infra-check" && ! grep -qi 'error' "$LOG/infra-check" ||
		{ cat "$LOG/infra-check"; return 1; }
}

# check --login --output json: one JSON document, the report's keys and then
# "login", a list of {"role", "ok", "detail"}; without --login no "login".
t_check_login_json() {
	local plain
	run check-json-plain roles check --app "$APP" --env dev --output json
	rc_is 0 && json_valid "$OUT" || return 1
	plain=$OUT
	run check-login-json roles check --app "$APP" --env dev --login --output json
	rc_is 0 && json_valid "$OUT" || return 1
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
plain = json.load(open(sys.argv[2]))
assert "login" not in plain, "check without --login has a \"login\" key"
assert list(d) == list(plain) + ["login"], "keys %s, not the report%s and login" % (list(d), list(plain))
assert {k: v for k, v in d.items() if k != "login"} == plain, "the report differs from check without --login"
for l in d["login"]:
    assert sorted(l) == ["detail", "ok", "role"], l
got = {l["role"]: l["ok"] for l in d["login"]}
assert got == {"migrator": True, "app": True}, "login: %s" % got
' "$OUT" "$plain" || { show; return 1; }
}

t_check_json() {
	run check-json roles check --app "$APP" --env dev --output json
	rc_is 0 && json_valid "$OUT" || return 1
	[ "$(json_get "$OUT" success)" = true ] || { echo "\"success\" is not true"; show; return 1; }
}

t_master_groups() {	# the report's memberships of the master
	local got
	run check-json-groups roles check --app "$APP" --env dev --output json
	rc_is 0 || return 1
	got=$(json_get "$OUT" roles_with_groups postgres)
	[ "$got" = "$EXPECTED_GROUPS" ] ||
		fail "roles_with_groups.postgres is \"$got\", expected \"$EXPECTED_GROUPS\" (PostgreSQL $MAJOR)"
}

# --- 2. the migrator's table, used by app ------------------------------------------

t_migrator_table() {
	psql_as migrator create-table -c 'CREATE TABLE app.t (id serial PRIMARY KEY, v text)' || return 1
	[ "$PSQL_RC" = 0 ] || { echo "psql as migrator failed:"; cat "$PSQL_OUT"; return 1; }
}

t_app_uses_table() {
	psql_as app use-table -c "INSERT INTO app.t (v) VALUES ('one'), ('two')" \
		-c "UPDATE t SET v = v || '!' WHERE id = 2" -c 'SELECT string_agg(v, $$,$$ ORDER BY id) FROM app.t' ||
		return 1
	[ "$PSQL_RC" = 0 ] && [ "$(tail -1 "$PSQL_OUT")" = "one,two!" ] ||
		{ echo "psql as app: exit $PSQL_RC, expected last line \"one,two!\":"; cat "$PSQL_OUT"; return 1; }
}

t_app_cannot_create() {
	psql_as app create-denied -c 'CREATE TABLE app.mine (id int)' || return 1
	[ "$PSQL_RC" != 0 ] && grep -q 'permission denied' "$PSQL_OUT" ||
		{ echo "app could create a table in schema app (exit $PSQL_RC):"; cat "$PSQL_OUT"; return 1; }
}

# Every connection over TLS (issue 13 §4): the url verifies the cluster's own
# certificate; without TLS the server refuses app and the master alike.
t_tls() {
	local role root plain
	psql_as app tls-used -c 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()' || return 1
	[ "$PSQL_RC" = 0 ] && [ "$(cat "$PSQL_OUT")" = t ] ||
		{ echo "app's connection from its url is not over TLS:"; cat "$PSQL_OUT"; return 1; }
	[ "$(url_param "$OUT" sslmode)" = verify-ca ] || fail "the url has no sslmode=verify-ca: $(cat "$OUT")" || return 1
	root=$(url_param "$OUT" sslrootcert)
	grep -q 'BEGIN CERTIFICATE' "$root" 2>/dev/null || fail "sslrootcert $root is not a certificate" || return 1
	for role in app master; do
		run "url-$role-plain" url --app "$APP" --env dev --role "$role"
		rc_is 0 || return 1
		plain=$LOG/tls-plain-$role.out
		"$PSQL" -X -At -d "$(sed 's/sslmode=verify-ca/sslmode=disable/' "$OUT")" -c 'SELECT 1' >"$plain" 2>&1 &&
			{ echo "$role logged in without TLS"; cat "$plain"; return 1; }
		# 13 says "SSL off", later versions "no encryption"
		grep -qE 'no pg_hba.conf entry .*(no encryption|SSL off)' "$plain" ||
			{ echo "$role without TLS: not the refusal expected:"; cat "$plain"; return 1; }
	done
}

plain_login() {	# role: log in as it without TLS; 0 when in, 1 when refused as no-TLS, 2 otherwise
	local role=$1 plain=$LOG/plain-$1.$nrun.out
	run "url-$role-plain" url --app "$APP" --env dev --role "$role"
	[ "$RC" = 0 ] || { show; return 2; }
	"$PSQL" -X -At -d "$(sed 's/sslmode=verify-ca/sslmode=disable/' "$OUT")" -c 'SELECT 1' >"$plain" 2>&1 && return 0
	grep -qE 'no pg_hba.conf entry .*(no encryption|SSL off)' "$plain" && return 1
	cat "$plain"
	return 2
}

set_dev_key() {	# python statement on d, dev's config
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[2])
open(sys.argv[1], "w").write(json.dumps(d, indent=2) + "\n")' "$CFG" "$1"
}

# master_tls off: the master (and rdsadmin) may log in without TLS, app still
# may not; plan shows it, provision makes it, doctor says it; then back.
t_master_tls() {
	bad_dir
	run_in "$BADDIR" configure-master-tls configure --app x --env y --master-tls off
	rc_is 0 && grep -q '"master_tls": false' "$BADDIR/infra/x/database/y.json" ||
		fail "configure --master-tls off did not write master_tls false" || return 1
	plain_login master; [ $? = 1 ] || fail "the master logged in without TLS before master_tls off" || return 1
	set_dev_key 'd["master_tls"] = False' || return 1
	run plan-master-tls plan --app "$APP" --env dev
	rc_is 0 && out_has 'change: the master and rdsadmin may also log in without TLS \(master_tls off' || return 1
	run provision-master-tls provision --app "$APP" --env dev
	rc_is 0 && err_has 'may log in without TLS too' || return 1
	plain_login master || fail "the master could not log in without TLS with master_tls off" || return 1
	plain_login app; [ $? = 1 ] || fail "app logged in without TLS with master_tls off" || return 1
	run doctor-master-tls doctor --app "$APP" --env dev
	rc_is 0 && out_has 'tls +app and migrator log in over TLS only; the master and rdsadmin also without' || return 1
	set_dev_key 'd.pop("master_tls")' || return 1
	run plan-master-tls-on plan --app "$APP" --env dev
	rc_is 0 && out_has 'change: the master and rdsadmin log in over TLS only' || return 1
	run provision-master-tls-on provision --app "$APP" --env dev
	rc_is 0 || return 1
	plain_login master; [ $? = 1 ] || fail "the master still logs in without TLS after master_tls is back on" || return 1
	run plan-master-tls-after plan --app "$APP" --env dev
	rc_is 0 && out_has 'nothing to change'
}

# An environment made before appdb's local clusters took TLS: commands say
# what to do, plan shows the change, provision makes it, all works again.
t_tls_upgrade() {
	local data_dir
	data_dir=$(state_field dev data_dir)
	[ -d "$data_dir" ] || fail "no data dir for dev" || return 1
	as_owner "$data_dir" sed -i '/^ssl/d' "$data_dir/postgresql.conf" &&
		as_owner "$data_dir" sh -c "echo 'host all all 127.0.0.1/32 scram-sha-256' >'$data_dir/pg_hba.conf'" &&
		rm -f "$data_dir/server.crt" "$data_dir/server.key" "$WORK/.appdb/$APP-dev/root.crt" &&
		as_owner "$data_dir" "$(state_field dev bindir)/pg_ctl" reload -s -D "$data_dir" ||
		fail "could not make dev as before TLS" || return 1
	run tls-old-check roles check --app "$APP" --env dev
	rc_is 3 && err_has 'provisioned before appdb.s local clusters took TLS: "appdb provision" adds it' || return 1
	run tls-old-doctor doctor --app "$APP" --env dev
	rc_is 1 && out_has '^  ✗ tls ' && out_has 'fix: run "appdb provision"' || return 1
	run tls-old-plan plan --app "$APP" --env dev
	rc_is 0 && out_has '^change: connections over TLS only' || return 1
	run tls-upgrade provision --app "$APP" --env dev
	rc_is 0 && err_has 'takes connections over TLS only from now on' || return 1
	run tls-upgraded-login roles check --app "$APP" --env dev --login
	rc_is 0 && out_has '✓ login app ' || return 1
	run tls-upgraded-plan plan --app "$APP" --env dev
	rc_is 0 && out_lacks '^change: '
}

# --- 3. the extension and appdb's copy of its logic: the same bytes --------------

extension_installed() {	# in the dev database
	psql_as master ext -c "SELECT count(*) FROM pg_catalog.pg_extension WHERE extname = 'app_roles'" &&
		[ "$PSQL_RC" = 0 ] && [ "$(cat "$PSQL_OUT")" = 1 ]
}

t_same_bytes() {	# env, label, roles subcommand, options...
	local env=$1 label=$2 ext core
	shift 2
	run "$label-extension" roles "$@" --app "$APP" --env "$env" --via extension
	rc_is 0 || return 1
	ext=$OUT
	run "$label-core" roles "$@" --app "$APP" --env "$env" --via core
	rc_is 0 || return 1
	core=$OUT
	cmp "$ext" "$core" || { echo "--via extension and --via core differ:"; diff "$ext" "$core" | head -40; return 1; }
}

t_installcheck() {	# make installcheck against dev as its master: passes, leaves the report as it was
	local before
	run installcheck-before roles check --app "$APP" --env dev --output json
	rc_is 0 || return 1
	before=$WORK/installcheck-before.json
	cp "$OUT" "$before"
	run installcheck-url url --app "$APP" --env dev --role master
	rc_is 0 || return 1
	make -s -C "$ROOT" installcheck PGDATABASE="$(cat "$OUT")" \
		EXTRA_REGRESS_OPTS="--outputdir=$WORK/installcheck" >"$LOG/installcheck" 2>&1 ||
		{ echo "make installcheck failed:"; cat "$LOG/installcheck"; cat "$WORK/installcheck/regression.diffs" 2>/dev/null | head -60; return 1; }
	grep -q 'All 1 tests passed' "$LOG/installcheck" || { cat "$LOG/installcheck"; return 1; }
	run installcheck-after roles check --app "$APP" --env dev --output json
	rc_is 0 || return 1
	cmp "$before" "$OUT" || { echo "the report changed:"; diff "$before" "$OUT" | head; return 1; }
}

t_same_fresh_setup() {	# dev's first setup (auto: the extension) and verbose's (core)
	cmp "$FIRST_SETUP_OUT" "$VERBOSE_SETUP_OUT" ||
		{ echo "the first setups' reports differ:"; diff "$FIRST_SETUP_OUT" "$VERBOSE_SETUP_OUT" | head -40; return 1; }
	local a b
	a=$(grep -o 'executed [0-9]* statements' "$FIRST_SETUP_ERR")
	b=$(grep -o 'executed [0-9]* statements' "$VERBOSE_SETUP_ERR")
	[ -n "$a" ] && [ "$a" = "$b" ] || fail "extension: \"$a\", core: \"$b\""
}

t_privileged_role_refused() {	# via, role: the role as app_user in dev's config: exit 2, nothing changed
	local via=$1 role=$2 file=$WORK/infra/$APP/database/dev.json rc=0
	cp "$file" "$WORK/dev.json.saved"
	python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); d["app_user"] = sys.argv[2]; json.dump(d, open(sys.argv[1], "w"))' "$file" "$role"
	run "refused-$via-$role" roles setup --app "$APP" --env dev --via "$via"
	rc_is 2 && err_has "app_user \"$role\"" || rc=1
	run "refused-check-$via-$role" roles check --app "$APP" --env dev --via "$via"
	rc_is 2 || rc=1
	mv "$WORK/dev.json.saved" "$file"
	psql_as master "refused-$via-$role" -c "SELECT count(*) FROM pg_catalog.pg_auth_members WHERE member = '$role'::regrole AND roleid = 'rds_iam'::regrole"
	[ "$PSQL_RC" = 0 ] && [ "$(cat "$PSQL_OUT")" = 0 ] || fail "$role was put in rds_iam" || rc=1
	return $rc
}

t_via_extension_refused() {	# where the extension is not installed
	run via-extension roles check --app "$APP" --env dev --via extension
	rc_is 2 && err_has 'app_roles extension is not installed' && err_has 'use --via core'
}

# --- 7. a second environment: a verbose setup ----------------------------------------

t_verbose_env() {
	run configure-verbose configure --app "$APP" --env verbose --pg-bindir "$PG_BINDIR"
	rc_is 0 || return 1
	ENVS+=(verbose)
	run provision-verbose provision --app "$APP" --env verbose --pg-bindir "$PG_BINDIR"
	rc_is 0
}

t_verbose_setup() {
	run setup-verbose roles setup --app "$APP" --env verbose --via core --verbose
	VERBOSE_SETUP_OUT=$OUT
	VERBOSE_SETUP_ERR=$ERR
	rc_is 0 && err_has "running roles setup through appdb's own copy" &&
		err_has '^appdb: CREATE ROLE "migrator" LOGIN$' &&
		err_has 'setting the password of "app" \(not shown\)' &&
		err_has 'roles setup: executed [1-9][0-9]* statements' || return 1
	run check-verbose roles check --app "$APP" --env verbose --verbose --login
	rc_is 0 && out_has '^All [0-9]+ checks passed\.$'
}

# --- 6. a stopped server ----------------------------------------------------------

t_stopped() {
	local t0 t1
	stop_server "$BINDIR" "$DATA_DIR" || { echo "pg_ctl stop failed:"; cat "$LOG"/pg_ctl-stop.*; return 1; }
	[ -z "$(server_pids "$DATA_DIR")" ] || fail "the server still runs after pg_ctl stop" || return 1
	t0=$(date +%s.%N)
	PREFIX="timeout 20"
	run check-stopped roles check --app "$APP" --env dev
	PREFIX=""
	t1=$(date +%s.%N)
	rc_is 3 && err_has 'could not connect to the database' &&
		err_has 'server is not running: "appdb provision" starts it' || return 1
	python3 -c 'import sys; sys.exit(0 if float(sys.argv[2]) - float(sys.argv[1]) < 15 else 1)' "$t0" "$t1" ||
		fail "roles check took more than 15 s to give up" || return 1
	run status-stopped status --app "$APP" --env dev
	rc_is 0 && out_has '^state: +stopped$' || return 1
	run plan-stopped plan --app "$APP" --env dev
	rc_is 0 && out_has '^start: the stopped cluster'
}

t_restart() {
	run provision-restart provision --app "$APP" --env dev --pg-bindir "$PG_BINDIR" --output json
	rc_is 0 && err_has 'provision: the cluster is running' || return 1
	[ "$(json_get "$OUT" steps 0 action)" = start ] && [ "$(json_get "$OUT" changed)" = true ] ||
		fail "--output json: the step is not start, or changed is not true" || return 1
	[ -n "$(server_pids "$DATA_DIR")" ] || fail "no server process after provision" || return 1
	t_check_passes check-restarted
}

# --- 4. destroy -----------------------------------------------------------------

t_destroy_refused() {
	local state_before
	state_before=$(snapshot ".appdb/$APP-dev")
	run destroy-no-yes destroy --app "$APP" --env dev
	rc_is 2 && err_has 'refusing without --yes' || return 1
	[ -n "$(server_pids "$DATA_DIR")" ] || fail "the server is gone" || return 1
	[ -f "$DATA_DIR/PG_VERSION" ] || fail "the data directory is gone" || return 1
	[ "$state_before" = "$(snapshot ".appdb/$APP-dev")" ] || fail ".appdb/$APP-dev changed" || return 1
	run status-after-refusal status --app "$APP" --env dev
	rc_is 0 && out_has '^state: +running$'
}

# ---- read-only users (issue 15): setup, what they can and cannot do, check, removal ----
ro_sql() {	# role, label, SQL...: psql in env ro as role; output in PSQL_OUT, status in PSQL_RC
	local role=$1 label=$2
	shift 2
	run "url-ro-$role" url --app "$APP" --env ro --role "$role"
	[ "$RC" = 0 ] || { show; return 1; }
	PSQL_OUT=$LOG/$(printf %03d "$nrun")-ro-$label.out
	"$PSQL" -X -q -At -v ON_ERROR_STOP=1 -d "$(cat "$OUT")" "$@" >"$PSQL_OUT" 2>&1
	PSQL_RC=$?
	return 0
}

t_readonly_setup() {
	run configure-ro configure --app "$APP" --env ro --pg-bindir "$PG_BINDIR" --readonly-user analyst
	rc_is 0 && grep -q '"analyst"' "$WORK/infra/$APP/database/ro.json" || return 1
	ENVS+=(ro)
	run provision-ro provision --app "$APP" --env ro --pg-bindir "$PG_BINDIR"
	rc_is 0 || return 1
	run setup-ro roles setup --app "$APP" --env ro
	rc_is 0 && err_has 'the password of "analyst" is in .*passwords\.analyst' || return 1
	# migrator's table made before, and one after: analyst reads both, writes neither
	ro_sql migrator before -c "CREATE TABLE made_before (id serial, v text)" -c "INSERT INTO made_before (v) VALUES ('a')" &&
		[ "$PSQL_RC" = 0 ] || { cat "$PSQL_OUT"; return 1; }
	run setup-ro-again roles setup --app "$APP" --env ro
	rc_is 0 || return 1
	ro_sql migrator after -c "CREATE TABLE made_after (id serial, v text)" -c "INSERT INTO made_after (v) VALUES ('b')" &&
		[ "$PSQL_RC" = 0 ] || { cat "$PSQL_OUT"; return 1; }
	ro_sql analyst reads -c "SELECT (SELECT count(*) FROM app.made_before) + (SELECT count(*) FROM app.made_after)"
	[ "$PSQL_RC" = 0 ] && [ "$(cat "$PSQL_OUT")" = 2 ] || { echo "analyst could not read both tables:"; cat "$PSQL_OUT"; return 1; }
	local write
	for write in "INSERT INTO app.made_before (v) VALUES ('x')" "UPDATE app.made_after SET v = 'x'" \
		"DELETE FROM app.made_before" "TRUNCATE app.made_after" "CREATE TABLE app.mine (id int)" \
		"SELECT nextval('app.made_before_id_seq')"; do
		ro_sql analyst write -c "$write"
		[ "$PSQL_RC" != 0 ] && grep -q 'permission denied' "$PSQL_OUT" ||
			{ echo "analyst was not refused: $write"; cat "$PSQL_OUT"; return 1; }
	done
	# outputs: the user, its password file and url (text and JSON one item list); the url logs in
	run outputs-ro outputs --app "$APP" --env ro --output json
	rc_is 0 || return 1
	python3 - "$OUT" <<-'EOF' || return 1
		import json, sys
		d = json.load(open(sys.argv[1]))
		keys = list(d)
		assert d["readonly_users"] == "analyst", d
		assert keys.index("readonly_password_file.analyst") == keys.index("master_password_file") + 1, keys
		assert keys[-1] == "readonly_url.analyst" and d["readonly_url.analyst"].startswith("postgresql://analyst@"), d
	EOF
	local url
	url=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["readonly_url.analyst"])' "$OUT")
	[ "$("$PG_BINDIR/psql" "$url" -XAtc 'SELECT current_user' 2>&1)" = analyst ] ||
		{ echo "readonly_url.analyst did not log in as analyst"; return 1; }
	run outputs-ro-text outputs --app "$APP" --env ro
	rc_is 0 && out_has '^readonly_url\.analyst: +postgresql://analyst@' && out_has '^readonly_users: +analyst$'
}

t_readonly_check() {
	run check-ro roles check --app "$APP" --env ro --login
	rc_is 0 && out_has '✓ readonly_users +"analyst" reads every table, view and sequence in schema "app" and writes none' &&
		out_has '"analyst" read it and was refused an insert' && out_has '✓ login analyst ' || return 1
	ro_sql migrator break -c "REVOKE SELECT ON made_before FROM analyst" -c "GRANT INSERT ON made_after TO analyst"
	[ "$PSQL_RC" = 0 ] || { cat "$PSQL_OUT"; return 1; }
	run check-ro-broken roles check --app "$APP" --env ro
	rc_is 1 && out_has 'TABLE "app"\."made_before": "analyst" lacks SELECT \(fix: GRANT SELECT ON TABLE "app"\."made_before" TO "analyst"\)' &&
		out_has 'TABLE "app"\."made_after": "analyst" has INSERT \(fix: REVOKE INSERT ON TABLE "app"\."made_after" FROM "analyst"\)' || return 1
	run setup-ro-repair roles setup --app "$APP" --env ro
	rc_is 0 && err_has 'executed [0-9]+ statements' || return 1
	run check-ro-repaired roles check --app "$APP" --env ro
	rc_is 0 || return 1
	# doctor takes a read-only user too; a name the config lacks is refused
	run doctor-ro doctor --app "$APP" --env ro --role analyst
	rc_is 0 && out_has '^  ✓ analyst: login ' && out_lacks 'app: ' || return 1
	run doctor-ro-unknown doctor --app "$APP" --env ro --role stranger
	rc_is 2 && err_has 'invalid --role "stranger": use app, migrator, a read-only user the config names'
}

t_readonly_same_bytes() {	# the extension (where it takes read-only users) and the core
	t_same_bytes ro check-ro-json check --output json
}

t_readonly_removed() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); d["readonly_users"] = []; json.dump(d, open(sys.argv[1], "w"), indent=2)' \
		"$WORK/infra/$APP/database/ro.json" || return 1
	run plan-ro-removed roles plan --app "$APP" --env ro --via core
	rc_is 0 && out_has 'REVOKE ALL ON ALL TABLES IN SCHEMA "app" FROM "analyst"' &&
		out_has 'ALTER DEFAULT PRIVILEGES FOR ROLE "migrator" IN SCHEMA "app" REVOKE ALL ON TABLES FROM "analyst"' &&
		out_has 'REVOKE CONNECT ON DATABASE "app" FROM "analyst"' && out_lacks 'DROP ROLE' || return 1
	run setup-ro-removed roles setup --app "$APP" --env ro --via core
	rc_is 0 || return 1
	run plan-ro-removed-after roles plan --app "$APP" --env ro --via core
	rc_is 0 && out_has 'Nothing to do' || return 1
	run plan-ro-drop roles plan --app "$APP" --env ro --drop-removed
	rc_is 0 && out_has '^DROP ROLE "analyst";$' || return 1
	run setup-ro-drop roles setup --app "$APP" --env ro --drop-removed
	rc_is 0 || return 1
	ro_sql master gone -c "SELECT count(*) FROM pg_roles WHERE rolname = 'analyst'"
	[ "$(cat "$PSQL_OUT")" = 0 ] || fail "analyst was not dropped" || return 1
	run url-ro-gone url --app "$APP" --env ro --role analyst
	rc_is 2 && err_has 'invalid --role "analyst"'
}

t_destroy() {	# env [json]: with json, destroy --output json prints one document
	local env=$1 json=${2:-} data_dir data_parent
	run "status-$env" status --app "$APP" --env "$env" --output json
	rc_is 0 || return 1
	data_dir=$(json_get "$OUT" data_dir)
	data_parent=$(state_field "$env" data_parent)
	[ -n "$data_dir" ] && [ -d "$data_dir" ] || fail "no data directory before destroy" || return 1
	run "destroy-$env" destroy --yes --app "$APP" --env "$env" ${json:+--output json}
	rc_is 0 && err_has "destroy: the cluster of $APP-$env and its data are deleted" || return 1
	if [ -n "$json" ]; then
		json_keys "$OUT" provider destroyed data_dir && [ "$(json_get "$OUT" destroyed)" = true ] ||
			fail "destroyed is not true" || return 1
	fi
	[ -z "$(server_pids "$data_dir")" ] || { echo "server processes remain:"; pgrep -af -- "$data_dir"; return 1; }
	[ ! -e "$data_dir" ] || fail "$data_dir remains" || return 1
	[ -z "$data_parent" ] || [ ! -e "$data_parent" ] || fail "$data_parent remains" || return 1
	[ ! -e ".appdb/$APP-$env" ] || fail ".appdb/$APP-$env remains" || return 1
	run "status-destroyed-$env" status --app "$APP" --env "$env"
	rc_is 0 && out_has '^state: +absent' || return 1
	run "destroy-again-$env" destroy --yes --app "$APP" --env "$env"
	rc_is 0 && err_has 'has no cluster; nothing to do'
}

# --- 7. no password in any output ----------------------------------------------

collect_secrets() {	# env: the passwords, and copies of the server's logs into LOG
	local env=$1 passfile data_dir f
	run "url-$env" url --app "$APP" --env "$env" --role master
	[ "$RC" = 0 ] || { show; return 1; }
	passfile=$(url_param "$OUT" passfile)
	[ -f "$passfile" ] || fail "no passfile at \"$passfile\"" || return 1
	[ "$(stat -c %a "$passfile")" = 600 ] || fail "$passfile is not owner-only" || return 1
	[ "$(wc -l <"$passfile")" = 1 ] && [ "$(cut -d: -f4 "$passfile")" = postgres ] ||
		fail "$passfile does not hold the master's password only" || return 1
	# one file per role, each owner-only with one line
	for f in rdsadmin postgres migrator app; do
		f=$(dirname "$passfile")/passwords.$f
		[ "$(stat -c %a "$f" 2>/dev/null)" = 600 ] && [ "$(wc -l <"$f")" = 1 ] ||
			fail "$f is missing, not owner-only or not one line" || return 1
		PASSWORDS+=("$(cut -d: -f5 "$f")")
	done
	run "status-$env-secrets" status --app "$APP" --env "$env" --output json
	data_dir=$(json_get "$OUT" data_dir)
	for f in server.log pg_ctl.log; do
		as_owner "$data_dir" cat "$data_dir/$f" >"$LOG/$env-$f" 2>&1
	done
	cp ".appdb/$APP-$env/initdb.log" "$LOG/$env-initdb.log" 2>/dev/null
	ls "$(dirname "$data_dir")" >"$LOG/$env-data-parent.ls"
	! grep -q '\.pw$' "$LOG/$env-data-parent.ls" || fail "initdb's password file remains next to $data_dir"
}

t_no_password_anywhere() {
	local pw bad=0 files
	[ "${#PASSWORDS[@]}" -ge 4 ] || fail "only ${#PASSWORDS[@]} passwords were read" || return 1
	[ -s "$LOG/dev-server.log" ] || fail "the server log was not read" || return 1
	for pw in "${PASSWORDS[@]}"; do
		files=$(grep -rlF -- "$pw" "$LOG")
		if [ -n "$files" ]; then
			echo "a password (${#pw} characters, not shown) appears in:"
			echo "$files" | sed 's/^/  /'
			bad=1
		fi
	done
	echo "($(ls "$LOG" | wc -l) files searched for ${#PASSWORDS[@]} passwords)"
	[ "$bad" = 0 ]
}

t_wrapper_outside_checks() {
	local total
	total=$(wc -l <"$WRAPFAIL")
	[ "$total" = "$wrapper_in_checks" ] ||
		{ echo "the wrapper failed outside the checks for:"; cat "$WRAPFAIL"; return 1; }
}

# --- 9. one writer per environment, state found from the config file ------------
#
# Environment "lkp": concurrent provisions, destroy racing provision.  "lk":
# --config from elsewhere, concurrent roles setups, a held lock, a password
# file of the old layout, a failed ALTER ROLE ... PASSWORD (no verifier in the
# server's log).  "lka" (aws, never provisioned): configure and provision wait
# for a held lock.

LK_CFG=infra/$APP/database/lk.json
LK_STATE=.appdb/$APP-lk

env_postmasters() {	# env: pids of the postmasters running a data dir of this environment
	pgrep -f -- "/postgres -D [^ ]*(appdb-$APP-$1\.[A-Za-z0-9]{6}/data|\.appdb/$APP-$1/data)( |\$)"
}

stop_env_postmasters() {	# env: immediate shutdown of every postmaster of the environment
	local pid n
	for pid in $(env_postmasters "$1"); do kill -QUIT "$pid" 2>/dev/null; done
	for n in $(seq 50); do [ -z "$(env_postmasters "$1")" ] && break; sleep 0.2; done
}

run_many() {	# n, label, appdb arguments...: n at once; RCS, and OUTS/ERRS files
	local n=$1 label=$2 i pids=()
	shift 2
	RCS=() OUTS=() ERRS=()
	for i in $(seq "$n"); do
		nrun=$((nrun + 1))
		OUTS+=("$LOG/$(printf %03d "$nrun")-$label-$i.out")
		ERRS+=("$LOG/$(printf %03d "$nrun")-$label-$i.err")
		$APPDB_WRAPPER "$APPDB" "$@" </dev/null >"${OUTS[-1]}" 2>"${ERRS[-1]}" &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}"
		RCS+=($?)
	done
}

all_exit_0() {	# of the last run_many
	local i bad=0
	for i in "${!RCS[@]}"; do
		if [ "${RCS[$i]}" != 0 ]; then
			echo "run $((i + 1)) exited ${RCS[$i]}:"
			sed 's/^/  /' "${ERRS[$i]}" | head -20
			bad=1
		fi
	done
	[ "$bad" = 0 ]
}

waits_name_a_pid() {	# of the last run_many: every "waiting" message names the holder
	local f
	for f in "${ERRS[@]}"; do
		if grep -q 'waiting for another appdb command' "$f" &&
			! grep -qE "waiting for another appdb command on $APP-[a-z]+ \(pid [0-9]+\)" "$f"; then
			echo "a waiting message does not name the environment and the pid:"
			cat "$f"
			return 1
		fi
	done
}

one_server() {	# env: exactly one postmaster, running the data dir state.json names
	local pids data_dir
	pids=$(env_postmasters "$1")
	data_dir=$(state_field "$1" data_dir)
	[ "$(echo "$pids" | grep -c .)" = 1 ] ||
		{ echo "$(echo "$pids" | grep -c .) servers run for $APP-$1:"; pgrep -af -- "$APP-$1"; return 1; }
	tr '\0' ' ' </proc/"$pids"/cmdline | grep -qF -- "-D $data_dir" ||
		fail "the server does not run $data_dir, the data directory state.json names"
}

lk_pgpass_lines() {	# user: the lines for user in the environment's password files
	cat "$LK_STATE"/passwords* 2>/dev/null | awk -F: -v u="$1" '$4 == u'
}

t_lock_provisions() {	# on a fresh environment "lkp"
	run configure-lkp configure --app "$APP" --env lkp --pg-bindir "$PG_BINDIR"
	rc_is 0 || return 1
	ENVS+=(lkp)
	run_many 6 provision-lkp provision --app "$APP" --env lkp --pg-bindir "$PG_BINDIR"
	all_exit_0 && one_server lkp || return 1
	[ "$(ls -d /var/tmp/appdb-"$APP"-lkp.* ".appdb/$APP-lkp/data" 2>/dev/null | wc -l)" = 1 ] ||
		{ echo "more than one data directory:"; ls -d /var/tmp/appdb-"$APP"-lkp.* ".appdb/$APP-lkp/data" 2>/dev/null; return 1; }
}

t_lock_provision_lk() {
	run configure-lk configure --app "$APP" --env lk --pg-bindir "$PG_BINDIR"
	rc_is 0 || return 1
	ENVS+=(lk)
	run provision-lk provision --app "$APP" --env lk --pg-bindir "$PG_BINDIR"
	rc_is 0
}

t_lock_config_from_subfolder() {
	mkdir -p "$WORK/sub/deeper"
	run_in "$WORK/sub/deeper" status-from-sub --config "../../$LK_CFG" status
	rc_is 0 && out_has '^state: +running$' || return 1
	run_in "$WORK/sub/deeper" plan-from-sub plan --config "../../$LK_CFG"
	rc_is 0 && out_has '^leave: the running cluster' || return 1
	[ ! -e "$WORK/sub/.appdb" ] && [ ! -e "$WORK/sub/deeper/.appdb" ] || fail "a .appdb was made in the sub-folder"
}

t_lock_config_elsewhere() {	# a config file not under infra/: its state is beside it
	mkdir -p "$WORK/elsewhere"
	cp "$LK_CFG" "$WORK/elsewhere/lk.json"
	# from the folder whose .appdb holds lk's state: not the state of this file
	run status-elsewhere --config elsewhere/lk.json status
	rc_is 0 && out_has '^state: +absent'
}

t_lock_setups() {
	local u n
	run_many 16 setup-lk roles setup --app "$APP" --env lk
	all_exit_0 && waits_name_a_pid || return 1
	for u in rdsadmin postgres migrator app; do
		n=$(lk_pgpass_lines "$u" | wc -l)
		[ "$n" = 1 ] || fail "the password files hold $n lines for $u, not 1" || return 1
	done
	run check-login-lk roles check --app "$APP" --env lk --login
	rc_is 0 && out_has '✓ login migrator ' && out_has '✓ login app ' || return 1
	run url-lk url --app "$APP" --env lk --role app
	rc_is 0 || return 1
	[ "$("$PSQL" -X -At -d "$(cat "$OUT")" -c 'SELECT current_user' 2>&1)" = app ] ||
		fail "psql with the url of app did not log in as app"
}

hold_lock() {	# state dir: lock it from another process, HOLDER its pid
	local i
	mkdir -p "$1"
	rm -f "$WORK/locked"
	python3 -c '
import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.flock(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(120)' "$1/lock" "$WORK/locked" &
	HOLDER=$!
	for i in $(seq 50); do [ -e "$WORK/locked" ] && break; sleep 0.1; done
}

t_lock_held() {
	local holder t0 t1 before
	hold_lock "$LK_STATE"
	holder=$HOLDER
	before=$(lk_pgpass_lines app)
	t0=$(date +%s)
	PREFIX="env APPDB_LOCK_TIMEOUT=2 timeout 60"
	run setup-held roles setup --app "$APP" --env lk
	PREFIX=""
	t1=$(date +%s)
	kill "$holder"
	wait "$holder" 2>/dev/null
	rc_is 3 && err_has "waiting for another appdb command on $APP-lk" &&
		err_has "gave up after 2 s waiting for another appdb command on $APP-lk" || return 1
	[ $((t1 - t0)) -ge 2 ] || fail "it did not wait 2 s" || return 1
	[ "$before" = "$(lk_pgpass_lines app)" ] || fail "the password of app changed"
	run status-held status --app "$APP" --env lk
	rc_is 0 && out_has '^state: +running$'
}

t_lock_old_passfile() {	# one passwords file, as the old version wrote it
	local passfile
	if [ ! -f "$LK_STATE/passwords" ]; then
		cat "$LK_STATE"/passwords.* >"$WORK/old-passwords" && rm -f "$LK_STATE"/passwords.* &&
			install -m 600 "$WORK/old-passwords" "$LK_STATE/passwords" && rm -f "$WORK/old-passwords" || return 1
	fi
	[ "$(wc -l <"$LK_STATE/passwords")" = 4 ] || fail "the old-style file does not hold 4 lines" || return 1
	run url-old url --app "$APP" --env lk --role app
	rc_is 0 || return 1
	passfile=$(url_param "$OUT" passfile)
	[ "$(wc -l <"$passfile")" = 1 ] && [ "$(cut -d: -f4 "$passfile")" = app ] ||
		fail "$passfile does not hold app's password only" || return 1
	[ "$(stat -c %a "$passfile")" = 600 ] || fail "$passfile is not owner-only" || return 1
	[ ! -e "$LK_STATE/passwords" ] || fail "the old passwords file remains" || return 1
	[ "$("$PSQL" -X -At -d "$(cat "$OUT")" -c 'SELECT current_user' 2>&1)" = app ] ||
		fail "psql with the url of app did not log in as app" || return 1
	run check-login-old roles check --app "$APP" --env lk --login
	rc_is 0 && out_has '✓ login app ' || return 1
	run setup-old roles setup --app "$APP" --env lk
	rc_is 0 && err_has 'nothing to change' || return 1
	! grep -q 'passwords of' "$ERR" || fail "setup set new passwords"
}

rdsadmin_sql() {	# SQL...: each its own transaction, as the bootstrap superuser of lk
	local sql args=()
	for sql in "$@"; do args+=(-c "$sql"); done
	"$PSQL" -X -q -At -v ON_ERROR_STOP=1 -d "host=127.0.0.1 port=$(state_field lk port) user=rdsadmin dbname=postgres passfile=$(grep -l ':rdsadmin:' "$LK_STATE"/passwords*)" \
		"${args[@]}"
}

t_lock_no_verifier_in_log() {
	local data_dir f
	data_dir=$(state_field lk data_dir)
	# app's password is lost; the next setup sets one, by a session that cannot write
	for f in "$LK_STATE"/passwords*; do sed -i '/^[^:]*:[^:]*:[^:]*:app:/d' "$f"; done
	rdsadmin_sql 'ALTER ROLE rdsadmin SET default_transaction_read_only = on' || return 1
	run setup-readonly roles setup --app "$APP" --env lk
	rdsadmin_sql 'SET default_transaction_read_only = off' 'ALTER ROLE rdsadmin RESET default_transaction_read_only' ||
		return 1
	rc_is 3 && err_has 'read-only transaction' || return 1
	as_owner "$data_dir" cat "$data_dir/server.log" >"$LOG/lk-server.log" 2>&1
	grep -q 'cannot execute ALTER ROLE in a read-only transaction' "$LOG/lk-server.log" ||
		fail "the failed ALTER ROLE is not in the server's log" || return 1
	! grep -q 'SCRAM-SHA-256\$' "$LOG/lk-server.log" ||
		{ echo "a SCRAM verifier is in the server's log:"; grep -c 'SCRAM-SHA-256\$' "$LOG/lk-server.log"; return 1; }
	run setup-after-readonly roles setup --app "$APP" --env lk
	rc_is 0 || return 1
	run check-login-after roles check --app "$APP" --env lk --login
	rc_is 0 && out_has '✓ login app '
}

t_lock_destroy_race() {	# destroy and provision at once: at most one server, the one state.json names
	local delay pid prc
	for delay in 0 0.5 1.5; do
		$APPDB_WRAPPER "$APPDB" provision --app "$APP" --env lkp --pg-bindir "$PG_BINDIR" </dev/null \
			>"$LOG/race-provision-$delay.out" 2>"$LOG/race-provision-$delay.err" &
		pid=$!
		sleep "$delay"
		run race-destroy destroy --yes --app "$APP" --env lkp
		wait "$pid"
		prc=$?
		[ "$prc" = 0 ] || { echo "provision exited $prc:"; cat "$LOG/race-provision-$delay.err"; return 1; }
		rc_is 0 || return 1
		if [ -f ".appdb/$APP-lkp/state.json" ]; then
			one_server lkp || return 1
		else
			[ -z "$(env_postmasters lkp)" ] || { echo "a server runs with no state.json:"; pgrep -af -- "$APP-lkp"; return 1; }
		fi
	done
	# destroy first: the provision waiting for it locks a file destroy deletes
	run provision-lkp-again provision --app "$APP" --env lkp --pg-bindir "$PG_BINDIR"
	rc_is 0 || return 1
	$APPDB_WRAPPER "$APPDB" destroy --yes --app "$APP" --env lkp </dev/null \
		>"$LOG/race-destroy-first.out" 2>"$LOG/race-destroy-first.err" &
	pid=$!
	sleep 0.2
	run race-provision-after provision --app "$APP" --env lkp --pg-bindir "$PG_BINDIR"
	wait "$pid"
	prc=$?
	[ "$prc" = 0 ] || { echo "destroy exited $prc:"; cat "$LOG/race-destroy-first.err"; return 1; }
	rc_is 0 && one_server lkp || return 1
	run destroy-lkp destroy --yes --app "$APP" --env lkp
	rc_is 0 || return 1
	[ -z "$(env_postmasters lkp)" ] || { echo "a server runs after destroy:"; pgrep -af -- "$APP-lkp"; return 1; }
	[ -z "$(ls -d /var/tmp/appdb-"$APP"-lkp.* 2>/dev/null)" ] || fail "a data directory remains after destroy"
}

t_lock_aws() {	# the aws provider: configure and provision wait for the lock too, before any AWS call
	local cfg=infra/$APP/database/lka.json before
	run configure-lka configure --provider aws --region us-east-1 --app "$APP" --env lka
	rc_is 0 || return 1
	before=$(sha256sum "$cfg")
	hold_lock ".appdb/$APP-lka"
	PREFIX="env APPDB_LOCK_TIMEOUT=1 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_ENDPOINT_URL=http://127.0.0.1:9 timeout 60"
	run provision-lka provision --app "$APP" --env lka
	local prc=$RC perr=$ERR
	run configure-lka-held configure --provider aws --region us-east-1 --app "$APP" --env lka --database other --force
	PREFIX=""
	kill "$HOLDER"
	wait "$HOLDER" 2>/dev/null
	rc_is 3 && err_has "gave up after 1 s waiting for another appdb command on $APP-lka" || return 1
	[ "$before" = "$(sha256sum "$cfg")" ] || fail "configure changed the config file" || return 1
	ERR=$perr RC=$prc
	rc_is 3 && err_has "waiting for another appdb command on $APP-lka" &&
		err_has "gave up after 1 s waiting" || return 1
	run configure-lka-free configure --provider aws --region us-east-1 --app "$APP" --env lka --database other --force
	rc_is 0 && err_has 'wrote' || return 1
	[ ! -e ".appdb/$APP-lka" ] || fail ".appdb/$APP-lka remains after the lock was released"
}

t_lock_help() {
	run help-lock --help
	rc_is 0 && out_has 'APPDB_LOCK_TIMEOUT seconds'
}

t_lock_bad_timeout() {
	PREFIX="env APPDB_LOCK_TIMEOUT=soon"
	run setup-bad-timeout roles setup --app "$APP" --env lk
	PREFIX=""
	rc_is 2 && err_has 'APPDB_LOCK_TIMEOUT must be a whole number of seconds .*, not "soon"'
}

lock_section() {
	check "--help names APPDB_LOCK_TIMEOUT" t_lock_help
	check "6 concurrent provisions of a fresh env: all exit 0, one server, one data dir" t_lock_provisions
	check "destroy racing provision leaves no server running but the one state.json names" t_lock_destroy_race
	check "another environment provisioned" t_lock_provision_lk
	check "--config from a sub-folder finds the running cluster" t_lock_config_from_subfolder
	check "a config file outside infra/ has its state beside it" t_lock_config_elsewhere
	check "16 concurrent roles setups: all exit 0, one password per role, --login, url" t_lock_setups
	check "a held lock: roles setup waits, then exits 3 (APPDB_LOCK_TIMEOUT)" t_lock_held
	check "bad input: APPDB_LOCK_TIMEOUT not a number" t_lock_bad_timeout
	check "aws: configure and provision wait for the lock, then exit 3" t_lock_aws
	check "an old-style passwords file is split into one file per role" t_lock_old_passfile
	check "a failed ALTER ROLE ... PASSWORD leaves no verifier in server.log" t_lock_no_verifier_in_log
	check "destroy --yes the lock environment" t_destroy lk
}

# --- 10. the local provider deletes only what it made, and resumes ---------------

free_tcp_port() {	# a port nothing listens on now
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

trust_provision() {	# env, configure options...: configure and provision env (destroyed on exit)
	local env=$1
	shift
	run "configure-$env" configure --app "$APP" --env "$env" --pg-bindir "$PG_BINDIR" --force "$@"
	rc_is 0 || return 1
	ENVS+=("$env")
	run "provision-$env" provision --app "$APP" --env "$env"
	rc_is 0
}

trust_boot() {	# env: a conninfo for the bootstrap superuser, at the port state.json names
	echo "host=127.0.0.1 port=$(state_field "$1" port) user=rdsadmin dbname=postgres passfile=$WORK/.appdb/$APP-$1/passwords.rdsadmin"
}

trust_setting() {	# env, setting: its value, asked of the server by the bootstrap superuser
	"$PSQL" -X -At -d "$(trust_boot "$1")" -c "SHOW $2" 2>&1
}

state_edit() {	# env, python statement on the dict d: rewrite state.json
	python3 -c '
import json, sys
p = sys.argv[1]
d = json.load(open(p))
exec(sys.argv[2])
open(p, "w").write(json.dumps(d, indent=2) + "\n")' "$WORK/.appdb/$APP-$1/state.json" "$2"
}

t_trust_foreign_path() {	# state.json pointing elsewhere: destroy and provision refuse, delete nothing
	local env=edit saved scratch=$WORK/scratch-edit
	trust_provision "$env" || return 1
	saved=$WORK/state-$env.json
	cp ".appdb/$APP-$env/state.json" "$saved"
	mkdir -p "$scratch/data" && echo keep >"$scratch/canary" && echo keep >"$scratch/data/canary"
	state_edit "$env" "d['data_parent'] = '$scratch'; d['data_dir'] = '$scratch/data'"
	run "destroy-foreign-$env" destroy --yes --app "$APP" --env "$env"
	rc_is 3 && err_has "$scratch" || { cp "$saved" ".appdb/$APP-$env/state.json"; return 1; }
	[ -f "$scratch/canary" ] && [ -f "$scratch/data/canary" ] || fail "destroy deleted $scratch" || return 1
	[ -f ".appdb/$APP-$env/state.json" ] || fail "destroy deleted the state" || return 1
	run "provision-foreign-$env" provision --app "$APP" --env "$env"
	cp "$saved" ".appdb/$APP-$env/state.json"
	rc_is 3 && err_has "$scratch" || return 1
	[ -f "$scratch/canary" ] && [ -f "$scratch/data/canary" ] || fail "provision deleted $scratch" || return 1
	# its own, restored: destroy removes it
	t_destroy "$env"
}

t_trust_gitignore() {	# .appdb's own .gitignore keeps state and passwords out of git
	[ "$(cat .appdb/.gitignore 2>/dev/null)" = "*" ] || fail ".appdb/.gitignore is not \"*\"" || return 1
	git init -q "$WORK" >/dev/null 2>&1 || fail "git init failed" || return 1
	git -C "$WORK" status --porcelain --untracked-files=all >"$DIAG.git" 2>&1
	rm -rf "$WORK/.git"
	! grep -q '\.appdb' "$DIAG.git" || { echo "git status lists:"; grep '\.appdb' "$DIAG.git"; return 1; }
}

t_trust_damaged_state() {	# garbage in state.json: destroy removes what its marker proves is its own
	local env=dmg data_dir data_parent decoy canary=$WORK/canary-dmg
	trust_provision "$env" || return 1
	data_dir=$(state_field "$env" data_dir)
	data_parent=$(state_field "$env" data_parent)
	[ -n "$(server_pids "$data_dir")" ] || fail "no server for $data_dir" || return 1
	mkdir -p "$canary" && echo keep >"$canary/file"
	# a symlink in its data directory is removed, not followed
	ln -s "$canary" "$data_dir/link-to-canary"
	# a directory named like its own that it did not make is left
	decoy=""
	if [ -n "$data_parent" ]; then
		decoy=$(mktemp -d "/var/tmp/appdb-$APP-$env.XXXXXX") && echo keep >"$decoy/canary"
	fi
	echo 'this is { not json' >".appdb/$APP-$env/state.json"
	run "destroy-damaged-$env" destroy --yes --app "$APP" --env "$env"
	[ -z "$decoy" ] || { [ -f "$decoy/canary" ] && local decoy_kept=1; rm -rf -- "$decoy"; }
	rc_is 0 && err_has 'damaged' && err_has "$data_dir" || return 1
	[ -z "$decoy" ] || [ "${decoy_kept:-}" = 1 ] || fail "destroy deleted $decoy, which it did not make" || return 1
	[ -z "$decoy" ] || err_has "$decoy" || return 1
	[ -f "$canary/file" ] || fail "destroy followed a symlink out of the data directory" || return 1
	[ -z "$(server_pids "$data_dir")" ] || fail "its server still runs" || return 1
	[ ! -e "$data_dir" ] || fail "$data_dir remains" || return 1
	[ -z "$data_parent" ] || [ ! -e "$data_parent" ] || fail "$data_parent remains" || return 1
	[ ! -e ".appdb/$APP-$env" ] || fail ".appdb/$APP-$env remains"
}

t_trust_killed_initdb() {	# provision killed during initdb: the rerun finishes it as configured
	local env=killed port fake=$WORK/fakebin flag=$WORK/flags/initdb-once pid p v
	port=$(free_tcp_port)
	mkdir -p "$fake" "$WORK/flags" && chmod 777 "$WORK/flags"
	for p in "$PG_BINDIR"/*; do ln -sf "$p" "$fake/"; done
	rm -f "$fake/initdb"
	# the real initdb, then (once) a wait the test ends by killing appdb
	cat >"$fake/initdb" <<-EOF
		#!/bin/sh
		"$PG_BINDIR/initdb" "\$@" || exit
		[ -e "$flag" ] && exit 0
		echo \$\$ >"$flag"
		exec sleep 60
	EOF
	chmod 755 "$fake/initdb"
	run "configure-$env" configure --app "$APP" --env "$env" --pg-bindir "$fake" --port "$port"
	rc_is 0 || return 1
	ENVS+=("$env")
	$APPDB_WRAPPER "$APPDB" provision --app "$APP" --env "$env" </dev/null >"$LOG/provision-killed.out" 2>&1 &
	pid=$!
	for _ in $(seq 600); do [ -s "$flag" ] && break; sleep 0.1; done
	[ -s "$flag" ] || { kill -9 "$pid"; wait "$pid"; fail "initdb never ran"; return 1; }
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	kill -9 "$(cat "$flag")" 2>/dev/null
	run "provision-rerun-$env" provision --app "$APP" --env "$env"
	rc_is 0 || return 1
	[ "$(trust_setting "$env" port)" = "$port" ] || fail "the server is not on port $port" || return 1
	[ "$(trust_setting "$env" listen_addresses)" = 127.0.0.1 ] || fail "the server listens beyond 127.0.0.1" || return 1
	v=$(trust_setting "$env" unix_socket_directories)
	[ -z "$v" ] || fail "the server has a Unix socket: unix_socket_directories is \"$v\""
}

t_trust_port_taken() {	# a taken port is found before anything is made, with a hint
	local env=port port holder
	port=$(free_tcp_port)
	python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); print("ok", flush=True); time.sleep(120)' "$port" >"$WORK/holder.out" &
	holder=$!
	for _ in $(seq 50); do [ -s "$WORK/holder.out" ] && break; sleep 0.1; done
	run "configure-$env" configure --app "$APP" --env "$env" --pg-bindir "$PG_BINDIR" --port "$port"
	rc_is 0 || { kill "$holder"; return 1; }
	ENVS+=("$env")
	run "provision-taken-$env" provision --app "$APP" --env "$env"
	kill "$holder"
	wait "$holder" 2>/dev/null
	rc_is 3 && err_has "port $port" && err_has "hint: .*--port" || return 1
	[ -z "$(state_field "$env" data_dir)" ] || [ ! -e "$(state_field "$env" data_dir)" ] ||
		fail "provision made a data directory before finding the port taken"
}

t_trust_port_change() {	# configure --force --port on a stopped cluster: provision moves it
	local env=port port data_dir
	run "configure-$env-free" configure --app "$APP" --env "$env" --pg-bindir "$PG_BINDIR" --force
	rc_is 0 || return 1
	run "provision-$env" provision --app "$APP" --env "$env"
	rc_is 0 || return 1
	run "setup-$env" roles setup --app "$APP" --env "$env"
	rc_is 0 || return 1
	data_dir=$(state_field "$env" data_dir)
	stop_server "$(state_field "$env" bindir)" "$data_dir" || fail "pg_ctl stop failed" || return 1
	port=$(free_tcp_port)
	run "configure-$env-port" configure --app "$APP" --env "$env" --pg-bindir "$PG_BINDIR" --port "$port" --force
	rc_is 0 || return 1
	run "plan-$env-port" plan --app "$APP" --env "$env"
	rc_is 0 && out_has "port.* $port" || return 1
	run "provision-$env-port" provision --app "$APP" --env "$env"
	rc_is 0 && err_has "port $port" || return 1
	[ "$(state_field "$env" port)" = "$port" ] || fail "state.json does not say port $port" || return 1
	[ "$(trust_setting "$env" port)" = "$port" ] || fail "the server is not on port $port" || return 1
	run "check-login-$env" roles check --app "$APP" --env "$env" --login
	rc_is 0 && out_has '✓ login migrator ' && out_has '✓ login app '
}

t_trust_server_killed() {	# the postmaster killed during roles check, and before: exit 3, provision's hint
	local env=port data_dir pid boot locker checker n
	data_dir=$(state_field "$env" data_dir)
	pid=$(head -1 "$data_dir/postmaster.pid" 2>/dev/null)
	[ -n "$pid" ] || fail "no postmaster.pid in $data_dir" || return 1
	# the bootstrap superuser holds a lock roles check waits for, so the kill lands during it
	boot="$(trust_boot "$env") dbname=app"
	"$PSQL" -X -q -d "$boot" -c 'BEGIN' -c 'LOCK TABLE pg_catalog.pg_default_acl IN ACCESS EXCLUSIVE MODE' \
		-c 'SELECT pg_sleep(60)' >"$LOG/locker.out" 2>&1 &
	locker=$!
	nrun=$((nrun + 1))
	OUT=$LOG/$(printf %03d "$nrun")-check-during-kill.out
	ERR=${OUT%.out}.err
	CMD="appdb roles check --app $APP --env $env (postmaster killed while it waits)"
	CMDDIR=$PWD
	for _ in $(seq 100); do
		n=$("$PSQL" -X -At -d "$boot" -c "SELECT count(*) FROM pg_catalog.pg_locks WHERE relation = 'pg_catalog.pg_default_acl'::regclass AND granted" 2>&1)
		[ "$n" = 1 ] && break
		sleep 0.1
	done
	[ "$n" = 1 ] || { kill "$locker"; fail "the lock was not taken: $n"; return 1; }
	timeout 60 $APPDB_WRAPPER "$APPDB" roles check --app "$APP" --env "$env" </dev/null >"$OUT" 2>"$ERR" &
	checker=$!
	for _ in $(seq 100); do
		n=$("$PSQL" -X -At -d "$boot" -c "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE application_name = 'appdb' AND wait_event_type = 'Lock'" 2>&1)
		[ "$n" = 1 ] && break
		sleep 0.1
	done
	kill -9 "$pid"
	wait "$checker"
	RC=$?
	wait "$locker" 2>/dev/null
	[ "$n" = 1 ] || fail "roles check never waited for the lock: $n" || return 1
	rc_is 3 && err_has 'server is not running: "appdb provision" starts it' || return 1
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	PREFIX="timeout 30"
	run "check-killed-$env" roles check --app "$APP" --env "$env"
	PREFIX=""
	rc_is 3 && err_has 'server is not running: "appdb provision" starts it'
}

t_trust_data_removed() {	# the data directory removed from outside: status says so, provision remakes it
	local env=port data_dir data_parent
	data_dir=$(state_field "$env" data_dir)
	data_parent=$(state_field "$env" data_parent)
	for _ in $(seq 100); do [ -z "$(server_pids "$data_dir")" ] && break; sleep 0.1; done
	rm -rf -- "${data_parent:-$data_dir}"
	run "status-removed-$env" status --app "$APP" --env "$env"
	rc_is 0 && out_has "$data_dir" && out_has '^state: +(missing|gone|removed)' && out_has 'provision' || return 1
	run "provision-removed-$env" provision --app "$APP" --env "$env"
	rc_is 0 || return 1
	run "status-remade-$env" status --app "$APP" --env "$env"
	rc_is 0 && out_has '^state: +running$'
}

t_trust_older_env() {	# an environment an older appdb made (no token, no markers): marked and kept
	local env=older data_dir home conf
	trust_provision "$env" || return 1
	data_dir=$(state_field "$env" data_dir)
	home=$(state_field "$env" data_parent)
	[ -n "$home" ] || home=$WORK/.appdb/$APP-$env
	"$PSQL" -X -q -d "$(trust_boot "$env")" -c "CREATE TABLE keep_me (id int)" || fail "cannot create a table" || return 1
	# what an appdb before ownership markers left: no token, no markers
	state_edit "$env" "del d['token']"
	rm -f "$home/appdb-owner" "$data_dir/appdb-ready"
	# without appdb's settings in postgresql.conf it is not taken as appdb's
	conf=$(cat "$data_dir/postgresql.conf")
	printf '%s\n' "${conf%%# appdb*}" >"$data_dir/postgresql.conf"
	run "provision-older-unmarked-$env" provision --app "$APP" --env "$env"
	rc_is 3 && err_has "no ownership token" || return 1
	[ -f "$data_dir/PG_VERSION" ] || fail "provision deleted $data_dir" || return 1
	printf '%s\n' "$conf" >"$data_dir/postgresql.conf"
	run "provision-older-$env" provision --app "$APP" --env "$env"
	rc_is 0 && err_has "marked .* older appdb" || return 1
	[ "$("$PSQL" -X -At -d "$(trust_boot "$env")" -c "SELECT count(*) FROM keep_me")" = 0 ] ||
		fail "the older environment's table is gone" || return 1
	[ -n "$(state_field "$env" token)" ] && [ -f "$home/appdb-owner" ] && [ -f "$data_dir/appdb-ready" ] ||
		fail "the environment was not marked" || return 1
	run "provision-older-again-$env" provision --app "$APP" --env "$env"
	rc_is 0 && err_has "nothing to change" || return 1
	t_destroy "$env"
}

trust_checks() {
	check "state.json pointing at a directory appdb did not make: destroy and provision exit 3, nothing deleted" t_trust_foreign_path
	check "damaged state.json: destroy stops and removes what its marker proves its own, leaves the rest" t_trust_damaged_state
	check "provision killed during initdb: the rerun gives a server on 127.0.0.1 at the port, no Unix socket" t_trust_killed_initdb
	check ".appdb/.gitignore keeps the state out of git" t_trust_gitignore
	check "a taken port: provision exits 3 before making anything, hint names --port" t_trust_port_taken
	check "configure --force --port on a stopped cluster: plan shows it, provision moves it, --login works" t_trust_port_change
	check "server killed: roles check exits 3 with provision's hint" t_trust_server_killed
	check "data directory removed from outside: status says so, provision remakes it" t_trust_data_removed
	check "an older appdb's environment (no token, no markers) is marked and kept, its data intact" t_trust_older_env
}

# --- 11. doctor: why a login fails, a case per cause --------------------------------

doctor_fails() {	# label, check, fix (regexes), doctor options...: exit 1, the check failed with its fix
	local label=$1 name=$2 fix=$3
	shift 3
	run "doctor-$label-json" doctor --app "$APP" --env dev --output json "$@"
	rc_is 1 && json_valid "$OUT" || return 1
	python3 - "$OUT" "$name" "$fix" <<'PY' || { show; return 1; }
import json, re, sys
d = json.load(open(sys.argv[1]))
bad = [c for c in d["checks"] if not c["ok"]]
assert d["ok"] is False, "ok is not false"
assert any(re.match(sys.argv[2] + "$", c["check"]) and re.search(sys.argv[3], c["fix"] or "") for c in bad), \
    "no failed check %s with fix /%s/: %s" % (sys.argv[2], sys.argv[3], bad)
assert all(c["fix"] is None for c in d["checks"] if c["ok"]), "a passed check has a fix"
PY
	# the text last: callers look at its OUT
	run "doctor-$label" doctor --app "$APP" --env dev "$@"
	rc_is 1 && out_has "^  ✗ $name " && out_has "^      fix: .*$fix" &&
		out_has '^[0-9]+ of [0-9]+ checks failed\.$'
}

t_doctor_passes() {	# label
	local n text
	run "${1:-doctor}" doctor --app "$APP" --env dev
	rc_is 0 && out_has '^All [0-9]+ checks passed\.$' && out_lacks '✗' &&
		out_has '^  ✓ app: login +logged in over TLS' && out_has '^  ✓ migrator: login ' || return 1
	text=$OUT
	run "${1:-doctor}-json" doctor --app "$APP" --env dev --output json
	rc_is 0 && json_valid "$OUT" && [ "$(json_get "$OUT" ok)" = true ] || { show; return 1; }
	n=$(json_get "$OUT" checks | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
	grep -q "^All $n checks passed\.$" "$text" || fail "the text and the JSON's $n checks differ"
}

t_doctor_one_role() {
	run doctor-migrator doctor --app "$APP" --env dev --role migrator
	rc_is 0 && out_has '^  ✓ migrator: login ' && out_lacks 'app: ' || return 1
	run doctor-master doctor --app "$APP" --env dev --role master
	rc_is 2 && err_has 'invalid --role "master" for doctor: use app, migrator or a read-only user' && out_empty
}

t_doctor_no_env() {
	run doctor-no-env doctor --app "$APP" --env dev
	rc_is 1 && out_has '^  ✗ environment +.*has no cluster yet' && out_has 'fix: run "appdb provision"'
}

t_doctor_before_setup() {
	doctor_fails before-setup 'app: role' 'appdb roles setup' &&
		out_has '^  ✓ master login ' && out_has '^  ✗ migrator: role '
}

t_doctor_stopped() {	# the server stopped by t_stopped
	doctor_fails stopped server 'appdb provision' && out_has 'is not running'
}

master_sql() {	# SQL: run as the master, fail loudly
	psql_as master sql -c "$1" && [ "$PSQL_RC" = 0 ] || { echo "psql failed: $1"; cat "$PSQL_OUT"; return 1; }
}

t_doctor_nologin() {
	master_sql 'ALTER ROLE app NOLOGIN' || return 1
	doctor_fails nologin 'app: may log in' 'appdb roles setup' && out_has 'NOLOGIN' || return 1
	run doctor-nologin-fix roles setup --app "$APP" --env dev
	rc_is 0 && t_doctor_passes doctor-nologin-fixed
}

t_doctor_connect() {
	master_sql 'REVOKE CONNECT ON DATABASE app FROM migrator' || return 1
	doctor_fails connect 'migrator: connect' 'GRANT CONNECT ON DATABASE "app" TO "migrator"' &&
		out_has 'lacks CONNECT on database "app"' || return 1
	run doctor-connect-fix roles setup --app "$APP" --env dev
	rc_is 0 && t_doctor_passes doctor-connect-fixed
}

t_doctor_expired() {
	master_sql "ALTER ROLE migrator VALID UNTIL '2000-01-01'" || return 1
	doctor_fails expired 'migrator: password expiry' "ALTER ROLE \"migrator\" VALID UNTIL 'infinity'" || return 1
	master_sql "ALTER ROLE \"migrator\" VALID UNTIL 'infinity'" && t_doctor_passes doctor-expired-fixed
}

t_doctor_password_file() {
	local file=$WORK/.appdb/$APP-dev/passwords.app
	[ -f "$file" ] || fail "no $file" || return 1
	mv "$file" "$file.away" || return 1
	doctor_fails password-file 'app: password file' 'appdb roles setup'
	local rc=$?
	mv "$file.away" "$file" || return 1
	[ "$rc" = 0 ] && t_doctor_passes doctor-password-file-back
}

t_doctor_port() {	# the server runs, but not on the port the environment names
	local state=$WORK/.appdb/$APP-dev/state.json free
	free=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cp "$state" "$state.away" || return 1
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); d["port"] = int(sys.argv[2]); json.dump(d, open(sys.argv[1], "w"))' "$state" "$free" || return 1
	doctor_fails port 'port' 'appdb provision' && out_has "127\.0\.0\.1 port $free: Connection refused"
	local rc=$?
	cp "$state.away" "$state" && rm -f "$state.away" || return 1
	[ "$rc" = 0 ] && t_doctor_passes doctor-port-back
}

t_doctor_password_changed() {
	local file=$WORK/.appdb/$APP-dev/passwords.app
	master_sql "ALTER ROLE app PASSWORD 'not-the-file''s'" || return 1
	doctor_fails password-changed 'app: login' 'remove the password file, then run "appdb roles setup"' &&
		out_has 'password authentication failed' || return 1
	# the fix, as it says
	rm -f "$file" && run doctor-password-fix roles setup --app "$APP" --env dev
	rc_is 0 && t_doctor_passes doctor-password-fixed
}

# --- the runs ----------------------------------------------------------------------

echo "cli: appdb $APPDB${APPDB_WRAPPER:+ under $APPDB_WRAPPER}; PostgreSQL $MAJOR from $PG_BINDIR; suite $CLI_SUITE; app $APP"

finish() {
	echo "(took $(($(date +%s) - START)) s)"
	echo "cli: $passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
}

if [ "$CLI_SUITE" = lock ] || [ "$CLI_SUITE" = trust ]; then
	if [ "$CLI_SUITE" = lock ]; then lock_section; else trust_checks; fi
	check "the wrapper failed nowhere outside the checks" t_wrapper_outside_checks
	finish
fi

if [ "$CLI_SUITE" = all ]; then
	check "--help" t_help
	for c in configure plan provision "roles setup" "roles plan" "roles check" url psql status outputs doctor destroy; do
		check "$c --help" t_command_help $c
	done
	check "configure --help lists --force" t_command_help_option force configure
	check "roles check --help lists --login" t_command_help_option login roles check
	check "destroy --help lists --yes" t_command_help_option yes destroy
	check "--version prints appdb $VERSION" t_version
	check "-h and -V are --help and --version" t_short_help
	check "roles --help lists the roles commands; roles alone names them" t_roles_help
	check "each command's help: its own options (none: said so), the global ones by reference" t_command_help_own_options
	check "man page: generated, every option, every section, renders" t_man_page
	check "bash completion: commands, roles subcommands, each command's options, fixed values" t_completion

	check "bad input: no config file" t_bad_no_config
	check "bad input: malformed JSON" t_bad_json
	check "bad input: truncated JSON gives a reason a user can act on" t_bad_json_truncated
	check "bad input: unknown key" t_bad_unknown_key
	check "bad input: app_user pg_bad in the config file" t_bad_role_file 'd["app_user"] = "pg_bad"' 'app_user "pg_bad" is reserved'
	check "bad input: 64-byte app_user in the config file" t_bad_role_file 'd["app_user"] = "a" * 64' 'app_user "a{64}" is too long'
	check "bad input: empty schema_name in the config file" t_bad_role_file 'd["schema_name"] = ""' 'schema_name must not be empty'
	check "bad input: schema_name public in the config file" t_bad_role_file 'd["schema_name"] = "public"' 'schema_name "public" is reserved'
	check "bad input: app_user rds_superuser in the config file" t_bad_role_file 'd["app_user"] = "rds_superuser"' 'app_user "rds_superuser" is reserved'
	check "bad input: a tab in migrator_user in the config file" t_bad_role_file 'd["migrator_user"] = "mig\trator"' 'migrator_user must not contain a control character'
	check "bad input: \\u0000 in app_user, not cut to \"a\"" t_bad_role_file 'd["app_user"] = "a\u0000b"' 'infra/x/database/y.json: .*NUL'
	check "bad input: \\u0000 in an extension name, not cut" t_bad_role_file 'd["superuser_extensions"] = {"hst\u0000ore": True}' 'infra/x/database/y.json: .*NUL'
	check "bad input: a key twice in the config file" t_bad_text_edit 's/"app_user": "app",/"app_user": "web", "app_user": "app",/' 'key "app_user" appears twice' roles setup --app x --env y
	check "bad input: a key twice in superuser_extensions" t_bad_text_edit 's/"superuser_extensions": {}/"superuser_extensions": {"hstore": true, "hs\\u0074ore": false}/' 'key "hstore" appears twice' roles setup --app x --env y
	check "bad input: the config's env differs from --env" t_bad_env_mismatch
	check "bad input: configure --app-user pg_bad" t_bad_role_option 'app_user "pg_bad" is reserved' --app-user pg_bad
	check "bad input: configure with a 64-byte --migrator-user" t_bad_role_option 'migrator_user "m{64}" is too long' --migrator-user "$(printf 'm%.0s' $(seq 64))"
	check "bad input: configure --schema ''" t_bad_role_option 'schema_name must not be empty' --schema ''
	check "bad input: unknown command" t_bad_unknown_command
	check "bad input: unknown option" t_bad_unknown_option
	check "bad input: option not applying to the command (status --yes)" t_bad_option_not_applying
	check "bad input: no --app/--env" t_bad_missing_env
	check "bad input: configure without --env" t_bad_missing_env_configure
	check "bad input: configure over a different file without --force" t_bad_configure_exists
	check "configure --force overwrites" t_configure_force
	check "bad input: --output xml" t_bad_output
	check "bad input: a value for an option that takes none (--yes=1) is named" t_bad_value_for_flag
	check "bad input: arguments after -- (no crash)" t_bad_double_dash
	check "bad input: an option that does not apply, after 64 others" t_bad_many_options
	check "bad input: an unknown option points to the command's help" t_bad_unknown_option_hint
	check "bad input: --pg-bindir \"\"" t_bad_pg_bindir_empty
	check "bad input: --config naming a directory" t_bad_config_dir
	check "bad input: --quiet with --verbose" t_bad_quiet_verbose
fi

check "configure from an empty folder" t_configure
check "configure again: up to date, unchanged" t_configure_again
check "configure --output json: the file's path and its config" t_configure_json
check "plan: create, changes nothing" t_plan
check "plan --output json: the text's lines as action and detail" t_plan_json
check "doctor before provision: the environment, with provision as the fix" t_doctor_no_env
check "outputs before provision: exit 2, provision's hint, nothing printed" t_outputs_absent
check "provision" t_provision
check "status: running, PostgreSQL $MAJOR" t_status
check "url before roles setup: no password yet" t_url_before_setup
check "roles check before setup fails, naming the checks" t_check_before_setup
check "a failed check's mark: ✗ in a UTF-8 locale, FAIL in C" t_marks_fail
check "roles plan lists CREATE ROLE" t_plan_before_setup
check "doctor before roles setup: the roles missing, with roles setup as the fix" t_doctor_before_setup
check "outputs before roles setup: app's and migrator's password missing, null, exit 2" t_outputs_before_setup
check "roles setup executes statements" t_setup
check "roles setup again: nothing to change, plan converged" t_setup_again
check "psql -- ARGS passes the arguments to psql" t_psql_args
check "outputs: every key, text and JSON agree, urls as url prints them, password files log in" t_outputs
check "provision again: nothing to change" t_provision_again
check "provision --output json: the cluster's state at the end" t_provision_json
check "url --output json: role and url, as url prints it" t_url_json
check "psql --output json: refused, nothing run" t_psql_json_refused
check "roles check passes" t_check_passes
check "roles check --login" t_check_login
check "make infra-check-app-database-roles: the check, and the logins (a local server is always reachable)" t_infra_check
check "roles check --login --output json: one JSON document, login ok for app and migrator" t_check_login_json
check "roles check --output json: success true" t_check_json
check "marks: ✓ in a UTF-8 locale, ok in C" t_marks
check "colour on a terminal only, never with NO_COLOR or in JSON" t_colour
check "doctor --output json: checks and ok" t_doctor_json
check "report: postgres is a member of $EXPECTED_GROUPS" t_master_groups
check "migrator creates a table" t_migrator_table
check "app inserts, updates and selects in it" t_app_uses_table
check "app cannot create tables" t_app_cannot_create
check "every connection over TLS: the url verifies the cluster's certificate, plain TCP refused" t_tls
check "master_tls off: the master logs in without TLS, app does not; plan, provision and doctor say it; back on" t_master_tls
check "roles check passes with the migrator's table" t_check_passes check-with-table
check "doctor passes on a healthy environment (text and JSON agree)" t_doctor_passes
check "doctor --role migrator checks only it; --role master refused" t_doctor_one_role
check "doctor: app NOLOGIN named, roles setup fixes it" t_doctor_nologin
check "doctor: migrator without CONNECT named with the GRANT, roles setup fixes it" t_doctor_connect
check "doctor: an expired password named with the ALTER ROLE that fixes it" t_doctor_expired
check "doctor: a missing password file named" t_doctor_password_file
check "doctor: a server not on the environment's port named, with provision as the fix" t_doctor_port
check "doctor: a password that no longer matches its file named, the fix works" t_doctor_password_changed

if [ "$CLI_SUITE" = all ]; then
	check "second environment provisioned" t_verbose_env
	if extension_installed; then
		check "roles plan: extension and core identical (fresh database)" t_same_bytes verbose plan-fresh plan
		check "roles setup --verbose (core) on a fresh environment" t_verbose_setup
		check "first roles setup: extension and core reports identical" t_same_fresh_setup
		check "roles check --output json: extension and core identical" t_same_bytes dev check-json check --output json
		check "roles check (text): extension and core identical" t_same_bytes dev check-text check
		check "roles setup --output json: extension and core identical" t_same_bytes dev setup-json setup --output json
		check "the master as app_user, through the extension: exit 2, nothing changed" t_privileged_role_refused extension postgres
		check "make installcheck against this environment as its master: passes, the report unchanged" t_installcheck
	else
		note "the app_roles extension is not installed for PostgreSQL $MAJOR: extension/core comparisons skipped"
		check "roles setup --verbose (core) on a fresh environment" t_verbose_setup
		check "--via extension refused where it is not installed" t_via_extension_refused
	fi
	check "read-only user analyst: set up, reads migrator's tables before and after, is refused every write" t_readonly_setup
	check "read-only user: check passes with login and probe; a revoked SELECT and a granted INSERT named with their fixes; setup repairs" t_readonly_check
	if extension_installed; then
		check "read-only user: roles check --output json, extension (0.2) and core identical" t_readonly_same_bytes
	fi
	check "read-only user removed from the config: revoked, kept; --drop-removed drops it" t_readonly_removed
	check "the master as app_user, through appdb's core: exit 2, nothing changed" t_privileged_role_refused core postgres
	check "rdsadmin (the bootstrap superuser) as app_user: exit 2, nothing changed" t_privileged_role_refused core rdsadmin
	check "stopped server: roles check exits 3 quickly, could not connect" t_stopped
	check "doctor on a stopped server: the server, with provision as the fix" t_doctor_stopped
	check "provision starts it again (--output json: the step); check passes" t_restart
	check "an environment made before TLS: check says to provision, plan shows it, provision adds it" t_tls_upgrade
	check "passwords of dev read, server logs copied" collect_secrets dev
	check "passwords of verbose read, server logs copied" collect_secrets verbose
fi

check "destroy without --yes, not on a terminal: refused, nothing changed" t_destroy_refused
check "destroy --yes: server, data and state gone" t_destroy dev
check "destroy --output json: one document (nothing to destroy)" t_destroy_json

if [ "$CLI_SUITE" = all ]; then
	check "destroy --yes --output json the second environment" t_destroy verbose json
	check "destroy --yes the read-only users' environment" t_destroy ro
	[ ! -e .appdb ] || note ".appdb remains after the last environment was destroyed"
	check "no password in any output or server log" t_no_password_anywhere
	trust_checks
fi
[ "$CLI_SUITE" = all ] && lock_section
check "the wrapper failed nowhere outside the checks" t_wrapper_outside_checks

finish
