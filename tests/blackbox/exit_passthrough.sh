#!/usr/bin/env bash
# PROGRAM's exit code passes through baton unchanged for every value 0..255, as PID 1 and not.
. "$(dirname "$0")/lib.sh"
need_unshare

for code in $(seq 0 255); do
	rc=0
	"$BATON" -- sh -c "exit $code" >"$T/out" 2>"$T/err" || rc=$?
	assert_eq "$code" "$rc" "plain baton, PROGRAM exits $code"
	rc=0
	container "$BATON" -- sh -c "exit $code" >>"$T/out" 2>>"$T/err" || rc=$?
	assert_eq "$code" "$rc" "baton as PID 1, PROGRAM exits $code"
done
# Nothing of baton's own on the way: the codes are PROGRAM's, not baton's error paths.
assert_eq "" "$(cat "$T/out" "$T/err")" "output of 512 quiet runs"
