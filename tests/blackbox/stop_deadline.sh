#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A stop has one deadline, --grace after the TERM, however PROGRAM and the rest exit inside it:
# PROGRAM exiting within the grace does not start a fresh grace for what it left behind, and
# post-exit hooks still running at the deadline are cut short. The log says what is true at
# each moment: no "SIGKILL in Ns" once the grace has run out.
. "$(dirname "$0")/lib.sh"
need_unshare

# now_ms: the monotonic clock in milliseconds.
now_ms() {
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

for how in plain pid1; do
	# PROGRAM exits 2 s after the TERM and leaves a process that ignores TERM: that one is
	# SIGKILLed at the stop's deadline (3 s after the TERM), not 3 s after PROGRAM's exit
	# (5 s). The bound only tells the two apart; it is not a timing goal.
	rm -f "$T/up" "$T/pid"
	"start_$how" "$T/out" "$T/err" -v --grace 3 -- sh -c '
		(trap "" TERM; exec sleep 1000) &
		echo $! >"$1"
		trap "sleep 2; exit 0" TERM
		echo up >"$2"
		wait' sh "$T/pid" "$T/up"
	wait_line "$T/up" up
	wait_procs "$BATON_PID" sleep 1
	start=$(now_ms)
	kill -s TERM "$BATON_PID"
	wait_exit
	elapsed=$(($(now_ms) - start))
	note "$how: baton exited ${elapsed} ms after the TERM (--grace 3, PROGRAM exits at 2 s)"
	assert_eq 0 "$RC" "$how: PROGRAM's status"
	[ "$elapsed" -lt 4500 ] ||
		fail "$how: baton exited ${elapsed} ms after the TERM: a fresh grace after PROGRAM's exit"
	assert_grep "reaped pid $(cat "$T/pid") (signal 9)" "$T/err" "$how: the leftover was killed"
	assert_no_grep 'left processes behind: SIGTERM, SIGKILL in 3s' "$T/err" "$how: a fresh grace"
done

# The deadline comes while a post-exit hook still runs: the hook is cut short, the leftover
# is SIGKILLed at once, and no line promises a SIGKILL later.
rm -f "$T/up" "$T/pid"
start_plain "$T/out" "$T/err" -v --grace 2 --hook-timeout 20 --post-exit 'exec sleep 1000' \
	-- sh -c '
		(trap "" TERM; exec sleep 1000) &
		echo $! >"$1"
		trap "exit 0" TERM
		echo up >"$2"
		wait' sh "$T/pid" "$T/up"
wait_line "$T/up" up
wait_procs "$BATON_PID" sleep 1
kill -s TERM "$BATON_PID"
wait_exit
assert_eq 0 "$RC" "post-exit hook at the deadline: PROGRAM's status"
assert_grep 'hook post-exit\[1\] killed: post-exit hooks are cut short' "$T/err" "the hook"
assert_grep 'PROGRAM left processes behind after the 2s grace ran out: SIGKILL$' "$T/err" \
	"the leftover at the deadline"
assert_grep "reaped pid $(cat "$T/pid") (signal 9)" "$T/err" "the leftover was killed"
[ "$(grep -c 'SIGKILL in' "$T/err")" = 1 ] ||
	fail "a line promises a SIGKILL after the grace ran out: $(cat "$T/err")"
