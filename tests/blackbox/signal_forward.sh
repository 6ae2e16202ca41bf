#!/usr/bin/env bash
# Every catchable signal but CHLD and the faults, sent to baton, reaches PROGRAM once.
. "$(dirname "$0")/lib.sh"
need_unshare

# Signals 1..31 without KILL 9 and STOP 19 (uncatchable), CHLD 17 (baton's own) and the faults
# ILL 4, TRAP 5, ABRT 6, BUS 7, FPE 8, SEGV 11, SYS 31. TERM and INT also stop PROGRAM, so they
# come last, each in its own run.
forwarded="1 3 10 12 13 14 16 18 20 21 22 23 24 25 26 27 28 29 30"

for how in plain pid1; do
	log=$T/$how.log
	# PROGRAM exits 0 on TERM.
	"start_$how" "$T/out" "$T/err" -- "$HELPERS/sigreport" -l "$log" -x 15
	wait_line "$log" '^ready$'
	for sig in $forwarded; do
		kill -s "$sig" "$BATON_PID"
		wait_line "$log" "^sig $sig\$"
	done
	kill -s TERM "$BATON_PID"
	wait_exit
	assert_eq 0 "$RC" "$how: exit code after TERM (PROGRAM exits 0 on TERM)"
	for sig in $forwarded 15; do
		assert_eq 1 "$(grep -c "^sig $sig\$" "$log")" "$how: times signal $sig reached PROGRAM"
	done
	assert_eq "$(($(wc -w <<<"$forwarded") + 1))" "$(grep -c '^sig ' "$log")" \
		"$how: signals PROGRAM got"

	# INT: PROGRAM exits 3 on it.
	log=$T/$how-int.log
	"start_$how" "$T/out" "$T/err" -- "$HELPERS/sigreport" -l "$log" -x 2 -e 3
	wait_line "$log" '^ready$'
	kill -s INT "$BATON_PID"
	wait_exit
	assert_eq 3 "$RC" "$how: exit code after INT (PROGRAM exits 3 on INT)"
	assert_eq "sig 2" "$(grep '^sig ' "$log")" "$how: signals PROGRAM got"
done
