#!/usr/bin/env bash
# -e/--remap-exit CODE reports PROGRAM's exit code CODE (143 too) as 0 and leaves other codes alone.
. "$(dirname "$0")/lib.sh"
need_unshare

# expect WANT PROGRAM_CODE ARGS...: PROGRAM exits PROGRAM_CODE under `baton ARGS`.
expect() {
	local want=$1 code=$2 how
	shift 2
	for how in plain pid1; do
		"run_$how" "$T/out" "$T/err" "$@" -- sh -c 'exit "$1"' sh "$code"
		assert_eq "$want" "$RC" "$how: baton $* with PROGRAM exiting $code"
	done
}

expect 0 3 -e 3
expect 4 4 -e 3
expect 0 0 -e 3
expect 0 3 --remap-exit 3 --remap-exit 5
expect 0 5 --remap-exit 3 --remap-exit 5
expect 4 4 --remap-exit 3 --remap-exit 5
expect 0 5 -e 3,5,255
expect 0 255 -e 3,5,255
expect 254 254 -e 3,5,255
expect 1 1 -e 3,5,255
expect 0 3 --remap-exit=3
# From the environment, and the command line replacing (not extending) it.
BATON_REMAP_EXIT=3,7 expect 0 7
BATON_REMAP_EXIT=3,7 expect 3 3 -e 5
BATON_REMAP_EXIT=3,7 expect 0 5 -e 5

# A PROGRAM killed by TERM (143): from baton's stop sequence and killed on its own.
for how in plain pid1; do
	for opts in "-e 143" "-e 1,143" ""; do
		want=0
		[ -n "$opts" ] || want=143
		# shellcheck disable=SC2086 # $opts is a list of options
		"start_$how" "$T/out" "$T/err" $opts -- sleep 1000
		wait_procs "$BATON_PID" sleep 1
		kill -s TERM "$BATON_PID"
		wait_exit
		assert_eq "$want" "$RC" "$how: baton $opts, PROGRAM stopped by TERM"
		# shellcheck disable=SC2086
		"run_$how" "$T/out" "$T/err" $opts -- sh -c 'kill -s TERM $$'
		assert_eq "$want" "$RC" "$how: baton $opts, PROGRAM killed itself with TERM"
	done
done
