#!/usr/bin/env bash
# A restarted producer is a new incarnation in state starting: its old ready record never counts.
. "$(dirname "$0")/lib.sh"
need_unshare

D=$T/dir
mkdir "$D"

bg_container P "$T/p.out" "$T/p.err" "$BATON" --name producer --dir "$D" -- sleep 1000
wait_line "$D/producer" '^state=ready$'
first=$(record_get "$D" producer incarnation)
end_container "$P"

# A consumer that starts while the producer is down, and stays asleep through many restarts
# that never get ready: each restart publishes a new incarnation in state starting.
bg_container C "$T/c.out" "$T/c.err" "$BATON" --dir "$D" --after producer --timeout 600 -- \
	touch "$T/consumer-ran"
wait_line "$T/c.err" 'waiting for producer (owner gone (was ready))'
seen=" $first "
inc=$first
for i in $(seq 1 20); do
	prev=$inc
	bg_container P "$T/p.out" "$T/p.err" \
		"$BATON" --name producer --dir "$D" --ready-on "file:$T/go" -- sleep 1000
	# The dead incarnation's record stays until the new one replaces it.
	n=0
	while inc=$(record_get "$D" producer incarnation) && [ "$inc" = "$prev" ]; do
		n=$((n + 1))
		[ "$n" -le 1000 ] || fail "restart $i published no record"
		sleep 0.01
	done
	assert_eq starting "$(record_get "$D" producer state)" "restart $i: state"
	case "$seen" in
	*" $inc "*) fail "restart $i reused incarnation $inc" ;;
	esac
	seen="$seen$inc "
	rc=0
	"$BATON" wait --dir "$D" --timeout 0.2 producer 2>"$T/w.err" || rc=$?
	assert_eq 124 "$rc" "restart $i: baton wait"
	assert_grep '^baton: producer: starting for [0-9]*s$' "$T/w.err" "restart $i: baton wait's report"
	"$BATON" status --dir "$D" >"$T/status.out"
	assert_grep "^producer  *starting  *[0-9]*s  *$inc" "$T/status.out" "restart $i: baton status"
	[ "$i" = 20 ] && break
	end_container "$P"
done
[ ! -e "$T/consumer-ran" ] || fail "the consumer ran on a stale or starting record"
kill -0 "$C" 2>/dev/null || fail "the consumer gave up: $(cat "$T/c.err")"

# The last incarnation gets ready: now, and only now, the consumer proceeds.
touch "$T/go"
wait_line "$D/producer" '^state=ready$'
wait_gone "$C" 60
rc=0
wait "$C" || rc=$?
assert_eq 0 "$rc" "consumer's exit status"
[ -e "$T/consumer-ran" ] || fail "the consumer's PROGRAM did not run"
assert_eq "$inc" "$(record_get "$D" producer incarnation)" "incarnation that got ready"
end_bg "$P"
