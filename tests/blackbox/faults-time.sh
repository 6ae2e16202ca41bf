#!/usr/bin/env bash
# Time going wrong: a producer stopped (SIGSTOP) and continued, records dated far in the past or
# the future (a clock stepped back or forth in the producer's container), and a waiter whose
# monotonic clock is far from everyone else's (a time namespace). No false ready, no crash, no
# stranded waiter, and --timeout still counts this container's own time.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/faults-lib.sh"
need_root

# Stopped while it would become ready: the dependent waits; continued, it is released.
D=$T/stopped
mkdir "$D"
round_start "producer stopped" "$D"
kill -STOP "$R_P"
wait_state "$R_P" T
touch "$R_GO"
# Nothing can tell us "still not ready"; give the dependent the chance to go wrong.
sleep 0.5
[ ! -e "$R.ran" ] || fail "producer stopped: the dependent started"
kill -CONT "$R_P"
round_finish

# Records from a clock far off, held by a live owner: dated in the past, the future, or the
# largest second the format allows.
D=$T/clock
mkdir "$D"
# record N STATE SINCE: (re)writes record cN in place, so a lock on it stays on it.
record() {
	printf 'version=1\nname=c%d\nincarnation=%032d\nstate=%s\nsince=%s\npid=7\n' \
		"$1" "$1" "$2" "$3" >"$D/c$1"
}
i=0
for since in 0.0 99999999999.5 9223372036854775807.999999999; do
	i=$((i + 1))
	record "$i" starting "$since"
	hold_lock "$D/c$i"
	rc=0
	"$BATON" --dir "$D" --after "c$i" --timeout 0.2 -- touch "$T/ran" 2>"$T/c.err" || rc=$?
	assert_eq 124 "$rc" "since=$since: the dependent times out ($(cat "$T/c.err"))"
	assert_grep "c$i: starting for [0-9]*s\$" "$T/c.err" "since=$since: the report"
	rc=0
	"$BATON" status --dir "$D" "c$i" >"$T/status.out" || rc=$?
	assert_eq 1 "$rc" "since=$since: baton status"
	# Ready from the future is ready: the owner is alive and says so.
	record "$i" ready "$since"
	"$BATON" --dir "$D" --after "c$i" --timeout 5 -- touch "$T/ran" 2>"$T/c.err"
	[ -e "$T/ran" ] || fail "since=$since: a ready record was not taken"
	rm "$T/ran"
done

# A waiter in a time namespace whose monotonic clock is 10^9 s ahead: --timeout is its own.
if unshare --time --monotonic 1000000000 true 2>/dev/null; then
	rc=0
	hang_guard 30 unshare --time --monotonic 1000000000 --boottime 1000000000 \
		"$BATON" --dir "$D" --after nobody --timeout 0.3 -- true 2>"$T/t.err" || rc=$?
	assert_eq 124 "$rc" "a waiter in a time namespace ($(cat "$T/t.err"))"
else
	note "unshare --time does not work here: the time-namespace case was not run"
fi
