#!/usr/bin/env bash
# On TERM or INT: forward, wait --grace, SIGKILL everything left, exit with PROGRAM's status.
. "$(dirname "$0")/lib.sh"
need_unshare

for how in plain pid1; do
	# A PROGRAM that exits 3 on TERM: its status, with the default grace period.
	rm -f "$T/up"
	"start_$how" "$T/out" "$T/err" -- \
		sh -c 'trap "exit 3" TERM; echo up >"$1"; sleep 1000 & wait' sh "$T/up"
	wait_line "$T/up" up
	kill -s TERM "$BATON_PID"
	wait_exit
	assert_eq 3 "$RC" "$how: exit code of a PROGRAM that exits 3 on TERM"
	assert_grep 'stopping PROGRAM (SIGTERM); SIGKILL in 10s' "$T/err" "$how: default grace"

	# A PROGRAM that ignores TERM and INT, with processes that ignore them too (orphans, so
	# that only baton can reap them; one in its own session): after --grace everything is
	# SIGKILLed and baton exits 137.
	for sig in TERM INT; do
		rm -f "$T/up" "$T/pids"
		"start_$how" "$T/out" "$T/err" -v --grace 1 -- sh -c '
			trap "" TERM INT
			(sleep 1000 & echo $! >>"$1")
			(sleep 1000 & echo $! >>"$1")
			(setsid sh -c "echo \$\$ >>\"\$1\"; exec sleep 1000" sh "$1" &)
			echo $$ >>"$1"
			echo up >"$2"
			exec sleep 1000' sh "$T/pids" "$T/up"
		wait_line "$T/up" up
		wait_procs "$BATON_PID" sleep 4
		assert_eq 4 "$(wc -l <"$T/pids")" "$how $sig: pids recorded"
		kill -s "$sig" "$BATON_PID"
		wait_exit
		assert_eq 137 "$RC" "$how $sig: exit code of a PROGRAM that ignores $sig"
		assert_grep "PROGRAM still runs 1s after it was asked to stop: SIGKILL" "$T/err" "$how $sig"
		# baton itself killed and reaped every one of them before it exited (as PID 1 the
		# kernel would kill them anyway once baton is gone: the log tells who did it).
		while read -r pid; do
			assert_grep "reaped pid $pid (signal 9)" "$T/err" "$how $sig: pid $pid"
			if [ "$how" = plain ] && kill -0 "$pid" 2>/dev/null; then
				fail "$how $sig: pid $pid outlived baton"
			fi
		done <"$T/pids"
	done
done
