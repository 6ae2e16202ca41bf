#!/usr/bin/env bash
# A PROGRAM killed by signal N makes baton exit 128+N (standard and realtime N), as PID 1 and not.
. "$(dirname "$0")/lib.sh"
need_unshare
ulimit -c 0 # QUIT, ABRT, SEGV, SYS would dump core

rtmin=$(kill -l RTMIN) rtmax=$(kill -l RTMAX)
for sig in 1 2 3 6 9 10 11 12 13 14 15 24 31 "$rtmin" $((rtmin + 5)) "$rtmax"; do
	# PROGRAM kills itself; a foreground shell leaves INT and QUIT at their default.
	rc=0
	"$BATON" -- sh -c 'kill -s "$1" $$; exit 99' sh "$sig" 2>"$T/err" || rc=$?
	assert_eq $((128 + sig)) "$rc" "plain baton, PROGRAM killed by signal $sig"
	rc=0
	container "$BATON" -- sh -c 'kill -s "$1" $$; exit 99' sh "$sig" 2>"$T/err" || rc=$?
	assert_eq $((128 + sig)) "$rc" "baton as PID 1, PROGRAM killed by signal $sig"
done

# Killed from outside while baton runs (SIGKILL, which baton cannot forward): the same rule.
start_plain "$T/out" "$T/err" -- sh -c 'echo up >"$1"; exec sleep 1000' sh "$T/up"
wait_line "$T/up" up
kill -KILL "$(descendants "$BATON_PID" | awk '{ print $1 }')"
wait_exit
assert_eq 137 "$RC" "plain baton, PROGRAM SIGKILLed from outside"

rm "$T/up"
start_pid1 "$T/out" "$T/err" -- sh -c 'echo up >"$1"; exec sleep 1000' sh "$T/up"
wait_line "$T/up" up
kill -KILL "$(descendants "$BATON_PID" | awk '{ print $1 }')"
wait_exit
assert_eq 137 "$RC" "baton as PID 1, PROGRAM SIGKILLed from outside"
