#!/usr/bin/env bash
# A publish that lands between a waiter's check and its sleep is never missed (200 tries).
. "$(dirname "$0")/lib.sh"

ROUNDS=${GATE_RACE_ROUNDS:-200}
fifo=$T/go
mkfifo "$fifo"
# Held open read-write: the starters' opens never block, and what we write waits in the pipe.
exec 3<>"$fifo"

# still_sleeping PID: true when PID has not exited 30 s after the producer's record said ready.
# A missed wake-up ends only at --timeout (where baton looks once more and proceeds), so a
# waiter still running that long after the publish has missed it. A hang guard, not a goal.
still_sleeping() {
	local n=0
	while kill -0 "$1" 2>/dev/null; do
		n=$((n + 1))
		[ "$n" -le 3000 ] || return 0
		sleep 0.01
	done
	return 1
}

for i in $(seq 1 "$ROUNDS"); do
	D=$T/d$i
	mkdir "$D"
	# All three block on the same pipe and are released by one write: as close to "the same
	# moment" as a shell gets, so the publish keeps landing inside the waiters' start-up.
	(read -r _ <&3 && exec "$BATON" wait --dir "$D" --timeout 60 producer) \
		>"$T/wait.out" 2>"$T/wait.err" &
	waiter=$!
	(read -r _ <&3 && exec "$BATON" --dir "$D" --after producer --timeout 60 -- true) \
		>"$T/after.out" 2>"$T/after.err" &
	after=$!
	(read -r _ <&3 && exec "$BATON" --name producer --dir "$D" -- sleep 1000) \
		>"$T/producer.out" 2>"$T/producer.err" &
	producer=$!
	BG_PIDS="$waiter $after $producer"
	printf 'go\ngo\ngo\n' >&3

	wait_line "$D/producer" '^state=ready$' 20
	if still_sleeping "$waiter"; then
		fail "round $i: baton wait missed the publish: $(cat "$T/wait.err")"
	fi
	if still_sleeping "$after"; then
		fail "round $i: baton --after missed the publish: $(cat "$T/after.err")"
	fi
	rc=0
	wait "$waiter" || rc=$?
	[ "$rc" = 0 ] || fail "round $i: baton wait exited $rc: $(cat "$T/wait.err")"
	rc=0
	wait "$after" || rc=$?
	[ "$rc" = 0 ] || fail "round $i: baton --after exited $rc: $(cat "$T/after.err")"
	stop_bg "$producer"
	rm -rf "$D"
done
note "$ROUNDS rounds: every waiter proceeded"
