#!/usr/bin/env bash
# test/layering.sh: who may include whom (DESIGN's layers), read from the
# #include lines of every source file; one test a file, the last line
# "layering: N passed, M failed".
#
#   core/        core/ only (json-c and libc come in <...>)
#   cli/aws/     cli/aws/ only: the AWS client is a library of its own
#   extension/   extension/ and core/; the rest must be PostgreSQL's
#
# An include resolves as the compiler would: beside the file, then from the
# top (-I.); one that resolves to neither is a system or PostgreSQL header.
set -u
cd "$(dirname "$0")/.."
passed=0 failed=0

resolve() {	# file, included name: the repository path it names, or nothing
	local dir=${1%/*} name=$2
	if [ -f "$dir/$name" ]; then
		realpath --relative-to=. "$dir/$name"
	elif [ -f "$name" ]; then
		realpath --relative-to=. "$name"
	fi
}

allowed() {	# layer, resolved path (may be empty), included name
	local layer=$1 path=$2 name=$3
	case $layer in
		core) [ -n "$path" ] && [[ $path == core/* ]] || { [ -z "$path" ] && [[ $name == json-c/* ]]; } ;;
		aws) [ -z "$path" ] || [[ $path == cli/aws/* ]] ;;
		extension) [ -z "$path" ] || [[ $path == core/* || $path == extension/* ]] ;;
	esac
}

check() {	# layer, file
	local layer=$1 file=$2 bad="" line name path
	while IFS= read -r line; do
		name=$(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]([^">]+)[">].*/\1/p' <<<"$line")
		[ -n "$name" ] || continue
		path=$(resolve "$file" "$name")
		# <...> names only the system's headers, unless it names one of ours
		if [[ $line =~ \<  ]] && [ -z "$path" ]; then
			continue
		fi
		allowed "$layer" "$path" "$name" || bad+="    $line${path:+ ($path)}"$'\n'
	done < <(grep -E '^[[:space:]]*#[[:space:]]*include' "$file")
	if [ -z "$bad" ]; then
		passed=$((passed + 1))
	else
		echo "not ok - $file reaches outside its layer ($layer):"
		printf '%s' "$bad"
		failed=$((failed + 1))
	fi
}

for f in core/*.[ch]; do check core "$f"; done
for f in cli/aws/*.[ch]; do check aws "$f"; done
for f in extension/*.[ch]; do check extension "$f"; done
echo "layering: $passed passed, $failed failed"
[ "$failed" = 0 ]
