# shellcheck shell=bash
# test/python_needs.sh: to be sourced (bash).
#
#   python_needs WHO PYTHON MODULE...
#
# succeeds when PYTHON imports every MODULE; otherwise says on stderr, as WHO,
# which interpreter (the real one, not a pyenv shim) lacks which of them and
# where they come from, and fails.  The tests use two Pythons: the first
# python3 on PATH (MOTOBED_PYTHON), the image's 3.11 with botocore, boto3 and
# moto, and Debian's /usr/bin/python3 (DATA_API_PYTHON) with psycopg2, which
# the Data API test server needs.
python_needs() {
	local who=$1 py=$2 path real m missing=() from
	shift 2
	path=$(command -v "$py") || { echo "$who: $py not found; the tests need it, with the modules $*" >&2; return 1; }
	for m in "$@"; do
		"$path" -c "import $m" 2>/dev/null || missing+=("$m")
	done
	[ ${#missing[@]} = 0 ] && return 0
	real=$("$path" -c 'import sys; print(sys.executable)' 2>/dev/null) || real=$path
	case " ${missing[*]} " in
		*" psycopg2 "*) from="psycopg2 is the Debian package python3-psycopg2; " ;;
		*) from= ;;
	esac
	[ "${missing[*]}" = psycopg2 ] || from+="the AWS tests were written against botocore 1.43 and moto 5.2: $real -m pip install boto3 'moto[server]'"
	echo "$who: $real ($("$path" --version 2>&1)) cannot import ${missing[*]}; the tests need $* there (${from%; })" >&2
	return 1
}
