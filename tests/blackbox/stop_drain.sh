#!/usr/bin/env bash
# PROGRAM exited, processes linger: they get TERM, KILL after --grace; baton exits with its code.
. "$(dirname "$0")/lib.sh"
need_unshare

for how in plain pid1; do
	# Children that die on TERM: no SIGKILL needed.
	rm -f "$T/pids"
	"run_$how" "$T/out" "$T/err" -v -- sh -c '
		sleep 1000 & echo $! >>"$1"
		(setsid sh -c "echo \$\$ >>\"\$1\"; exec sleep 1000" sh "$1" &)
		while [ "$(wc -l <"$1")" -lt 2 ]; do sleep 0.01; done
		exit 5' sh "$T/pids"
	assert_eq 5 "$RC" "$how: exit code when the leftovers die on TERM"
	assert_grep 'PROGRAM exited 5' "$T/err" "$how: log"
	assert_no_grep 'SIGKILL$' "$T/err" "$how: needed no SIGKILL"
	while read -r pid; do
		assert_grep "reaped pid $pid (signal 15)" "$T/err" "$how: leftover $pid got TERM"
		if [ "$how" = plain ] && kill -0 "$pid" 2>/dev/null; then
			fail "$how: pid $pid outlived baton"
		fi
	done <"$T/pids"
	assert_eq 2 "$(wc -l <"$T/pids")" "$how: leftovers recorded"

	# Leftovers that are already dead (zombies) are reaped, not stopped.
	"run_$how" "$T/out" "$T/err" -v --grace 30 -- "$HELPERS/zombies" 5 4
	assert_eq 4 "$RC" "$how: exit code when PROGRAM leaves only zombies"
	assert_eq 5 "$(grep -c 'reaped pid [0-9]* (status 0), an orphan$' "$T/err")" "$how: zombies reaped"
	assert_no_grep 'left processes behind' "$T/err" "$how: zombies are not processes to stop"

	# A child that ignores TERM: SIGKILLed after --grace. PROGRAM exits once the child has
	# said (through a fifo) that it ignores TERM.
	rm -f "$T/pids" "$T/fifo"
	mkfifo "$T/fifo"
	"run_$how" "$T/out" "$T/err" -v --grace 1 -- sh -c '
		(trap "" TERM; echo >"$2"; exec sleep 1000) & echo $! >>"$1"
		read -r _ <"$2"
		exit 5' sh "$T/pids" "$T/fifo"
	assert_eq 5 "$RC" "$how: exit code when a leftover ignores TERM"
	assert_grep 'processes still run 1s after PROGRAM exited: SIGKILL' "$T/err" "$how: log"
	pid=$(cat "$T/pids")
	assert_grep "reaped pid $pid (signal 9)" "$T/err" "$how: leftover $pid got KILL"
	if [ "$how" = plain ] && kill -0 "$pid" 2>/dev/null; then
		fail "$how: pid $pid outlived baton"
	fi

	# While draining, signals sent to baton go to every process left.
	log=$T/$how.log
	"start_$how" "$T/out" "$T/err" -v --grace 30 -- sh -c '
		"$1" -l "$2" -x 10 -e 9 &
		while ! grep -q "^ready" "$2" 2>/dev/null; do sleep 0.01; done
		exit 6' sh "$HELPERS/sigreport" "$log"
	wait_line "$T/err" 'PROGRAM left processes behind'
	wait_line "$log" '^sig 15$'
	kill -s USR1 "$BATON_PID"
	wait_exit
	assert_eq 6 "$RC" "$how: exit code after draining"
	assert_grep '^exit 9$' "$log" "$how: leftover ended by the forwarded USR1"
done
