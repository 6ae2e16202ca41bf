#!/usr/bin/env bash
# Fault signals (SEGV BUS ILL FPE ABRT TRAP SYS) sent to baton are not forwarded and baton survives.
. "$(dirname "$0")/lib.sh"
need_unshare
ulimit -c 0 # a baton killed by one of them must not leave a core file behind

faults="SEGV BUS ILL FPE ABRT TRAP SYS"
rtmax=$(kill -l RTMAX)
for how in plain pid1; do
	log=$T/$how.log
	"start_$how" "$T/out" "$T/err" -v -- "$HELPERS/sigreport" -l "$log" -x 15
	wait_line "$log" '^ready$'
	for round in 1 2 3; do
		for sig in $faults; do
			kill -s "$sig" "$BATON_PID"
		done
		# RTMAX is read after every signal sent before it, by baton and by PROGRAM. It carries
		# the round's number (queued values are forwarded), so this round's line is told
		# apart from an earlier round's.
		"$HELPERS/sigqueue" "$BATON_PID" "$rtmax" "$round"
		wait_line "$log" "^sig $rtmax value $round\$"
		assert_eq "$round" "$(grep -c '^sig ' "$log")" "$how: signals PROGRAM got in round $round"
		kill -0 "$BATON_PID" 2>/dev/null || fail "$how: baton died of a fault signal"
	done
	for sig in $faults; do
		assert_grep "SIG$sig from pid [0-9]*: a fault signal, not forwarded" "$T/err" "$how: log"
	done
	# Still supervising: TERM is forwarded and PROGRAM's status comes back.
	kill -s TERM "$BATON_PID"
	wait_exit
	assert_eq 0 "$RC" "$how: exit code after TERM"
	assert_grep '^exit 0$' "$log" "$how: PROGRAM stopped by the forwarded TERM"
done
