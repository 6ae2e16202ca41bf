#!/usr/bin/env bash
# PROGRAM starts with the signal mask and ignored signals baton was given, not baton's own mask.
. "$(dirname "$0")/lib.sh"
need_unshare

# check BLOCK IGNORE: baton started with BLOCK blocked and IGNORE ignored (comma lists, maybe
# empty; all else default), plain and as PID 1; PROGRAM must report exactly those.
check() {
	local block=$1 ignore=$2 how log
	for how in plain pid1; do
		log=$T/$how-$block-$ignore.log
		"start_${how}_via" "$T/out" "$T/err" "$HELPERS/sigexec" -b "$block" -i "$ignore" \
			"$BATON" -- "$HELPERS/sigreport" -l "$log" -x 15
		wait_line "$log" '^ready$'
		assert_eq "mask $block" "$(grep '^mask' "$log")" "$how: PROGRAM's blocked signals"
		assert_eq "ign $ignore" "$(grep '^ign' "$log")" "$how: PROGRAM's ignored signals"
		# baton itself blocks what it forwards; none of that may leak into PROGRAM.
		sig_blocked "$BATON_PID" 15 || fail "$how: baton does not block TERM itself"
		kill -s TERM "$BATON_PID"
		wait_exit
		assert_eq 0 "$RC" "$how: exit code"
	done
}

check "" ""
check "10,12" ""
check "" "1,13,28"
check "2,3,15,20,34,64" "10,12,21,22"
