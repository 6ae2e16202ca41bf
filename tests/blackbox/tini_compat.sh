#!/usr/bin/env bash
# tini's command lines work: PROGRAM without "--", options before it, and -s accepted.
. "$(dirname "$0")/lib.sh"
need_unshare

# run EXPECTED_CODE EXPECTED_STDOUT ARGS...: plain and as PID 1.
run() {
	local want=$1 want_out=$2 rc how
	shift 2
	for how in plain pid1; do
		rc=0
		if [ "$how" = plain ]; then
			"$BATON" "$@" >"$T/out" 2>"$T/err" || rc=$?
		else
			container "$BATON" "$@" >"$T/out" 2>"$T/err" || rc=$?
		fi
		assert_eq "$want" "$rc" "$how: baton $*: exit code ($(cat "$T/err"))"
		assert_eq "$want_out" "$(cat "$T/out")" "$how: baton $*: stdout"
	done
}

# PROGRAM's own options are PROGRAM's: option parsing stops at the first non-option.
run 3 "a -v b" sh -c 'echo "$@"; exit 3' sh a -v b
run 0 "-g" echo -g
run 5 "x" -s -g sh -c 'echo x; exit 5'
run 0 "" -s -e 5 sh -c 'exit 5'
run 6 "" -v -p KILL sh -c 'exit 6'
