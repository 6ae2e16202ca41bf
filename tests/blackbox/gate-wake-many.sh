#!/usr/bin/env bash
# One publish releases 100 sleeping `baton wait`s and 100 batons waiting with --after.
. "$(dirname "$0")/lib.sh"

N=${GATE_WAKE_MANY:-100}
D=$T/dir
mkdir "$D"

waiters=""
for i in $(seq 1 "$N"); do
	"$BATON" wait --dir "$D" --timeout 600 producer >/dev/null 2>"$T/wait$i.err" &
	waiters="$waiters $!"
	"$BATON" --dir "$D" --after producer --timeout 600 -- touch "$T/ran$i" \
		>/dev/null 2>"$T/after$i.err" &
	waiters="$waiters $!"
done
BG_PIDS=$waiters

# Every one of them has checked and is asleep before the producer exists.
n=0
until [ "$(grep -l 'waiting for producer' "$T"/wait*.err "$T"/after*.err | wc -l)" = $((2 * N)) ]; do
	n=$((n + 1))
	[ "$n" -le 6000 ] || fail "not every waiter got to sleep within 60s"
	sleep 0.01
done
[ "$(find "$T" -maxdepth 1 -name 'ran*' | wc -l)" = 0 ] || fail "a PROGRAM ran before the publish"

bg_run PRODUCER "$T/producer.out" "$T/producer.err" \
	"$BATON" --name producer --dir "$D" -- sleep 1000

# A waiter that was not woken would only end at --timeout (where baton looks once more and
# proceeds): each must be gone well before that. A generous hang guard, not a timing goal.
wait_line "$D/producer" '^state=ready$' 20
for p in $waiters; do
	wait_gone "$p" 60
done
failed=0
for p in $waiters; do
	rc=0
	wait "$p" || rc=$?
	[ "$rc" = 0 ] || failed=$((failed + 1))
done
BG_PIDS=$PRODUCER # all reaped: nothing for the clean-up to look for
[ "$failed" = 0 ] || fail "$failed of $((2 * N)) waiters did not proceed "
ran=$(find "$T" -maxdepth 1 -name 'ran*' | wc -l)
assert_eq "$N" "$ran" "PROGRAMs started by --after batons"
end_bg "$PRODUCER"
