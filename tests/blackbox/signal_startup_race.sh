#!/usr/bin/env bash
# A signal that reaches baton while PROGRAM is being started is not lost (100 tries).
. "$(dirname "$0")/lib.sh"
need_unshare

ROUNDS=${INIT_RACE_ROUNDS:-50}
logged=0 died=0
for how in plain pid1; do
	for round in $(seq "$ROUNDS"); do
		log=$T/$how-$round.log
		"start_$how" "$T/out" "$T/err" -v -- "$HELPERS/sigreport" -l "$log" -x 15
		# From the moment baton blocks USR1 it owns the signal: before that it is the
		# kernel's (default action, or dropped for a PID 1 without a handler).
		wait_blocked "$BATON_PID" 10
		for _ in 1 2 3; do
			kill -s USR1 "$BATON_PID" 2>/dev/null || break
		done
		# PROGRAM either logs it (after it set up its signalfd) or dies of it (before).
		i=0
		while ! grep -qs '^sig 10$' "$log" && kill -0 "$UNSHARE_PID" 2>/dev/null &&
			[ "$(proc_state "$UNSHARE_PID")" != Z ]; do
			i=$((i + 1))
			[ "$i" -le 1000 ] || fail "$how round $round: USR1 lost: $(cat "$log" "$T/err")"
			sleep 0.01
		done
		if grep -qs '^sig 10$' "$log"; then
			logged=$((logged + 1))
			kill -s TERM "$BATON_PID"
			wait_exit
			assert_eq 0 "$RC" "$how round $round: exit code after TERM"
		else
			died=$((died + 1))
			wait_exit
			assert_eq 138 "$RC" "$how round $round: exit code"
			assert_grep 'PROGRAM exited 138' "$T/err" "$how round $round: PROGRAM died of USR1"
		fi
	done
done
note "PROGRAM logged USR1 in $logged rounds and died of it in $died"
