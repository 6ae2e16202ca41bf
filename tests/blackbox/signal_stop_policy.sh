#!/usr/bin/env bash
# TSTP, TTIN and TTOU are forwarded as they are: PROGRAM stops, baton never does, and CONT resumes.
. "$(dirname "$0")/lib.sh"
need_unshare

for how in plain pid1; do
	# Forwarded as themselves, not turned into STOP: a PROGRAM that catches them sees them.
	log=$T/$how.log
	"start_$how" "$T/out" "$T/err" -- "$HELPERS/sigreport" -l "$log" -x 15
	wait_line "$log" '^ready$'
	for sig in TSTP TTIN TTOU; do
		kill -s "$sig" "$BATON_PID"
		wait_line "$log" "^sig $(kill -l "$sig")\$"
		assert_eq S "$(proc_state "$BATON_PID")" "$how: baton's state after $sig"
	done
	kill -s TERM "$BATON_PID"
	wait_exit
	assert_eq 0 "$RC" "$how: exit code after TERM"

	# A PROGRAM with default dispositions is stopped by each of them and resumed by CONT,
	# while baton keeps running and supervising.
	rm -f "$T/up"
	"start_$how" "$T/out" "$T/err" -v -- sh -c 'echo up >"$1"; exec sleep 1000' sh "$T/up"
	wait_line "$T/up" up
	wait_procs "$BATON_PID" sleep 1
	program=$(descendants "$BATON_PID" | awk '{ print $1 }')
	for sig in TSTP TTIN TTOU; do
		kill -s "$sig" "$BATON_PID"
		wait_state "$program" T
		assert_eq S "$(proc_state "$BATON_PID")" "$how: baton's state while PROGRAM is stopped"
		kill -s CONT "$BATON_PID"
		wait_state "$program" S
	done
	assert_grep 'forwarded SIGTSTP to pid' "$T/err" "$how: log"
	# Stopped once more, PROGRAM keeps the forwarded TERM pending (as the kernel does for any
	# stopped process) and dies of it once CONT resumes it; baton reaps it.
	kill -s TSTP "$BATON_PID"
	wait_state "$program" T
	kill -s TERM "$BATON_PID"
	wait_line "$T/err" 'forwarded SIGTERM to pid'
	kill -s CONT "$BATON_PID"
	wait_exit
	assert_eq 143 "$RC" "$how: exit code after TERM to a stopped PROGRAM"
	assert_grep "reaped pid [0-9]* (signal 15)" "$T/err" "$how: log"
done
