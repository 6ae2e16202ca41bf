#!/usr/bin/env bash
# A waiter started before any record exists sleeps until the producer publishes, then proceeds.
. "$(dirname "$0")/lib.sh"
need_unshare

D=$T/dir
mkdir "$D"

# A dependent container and a `baton wait`, both started while DIR holds nothing at all.
bg_container CONSUMER "$T/consumer.out" "$T/consumer.err" \
	"$BATON" --dir "$D" --after producer --timeout 60 -- touch "$T/consumer-ran"
bg_run WAITER "$T/wait.out" "$T/wait.err" "$BATON" wait --dir "$D" --timeout 60 producer

wait_line "$T/consumer.err" 'waiting for producer (no record yet)'
wait_line "$T/wait.err" 'waiting for producer (no record yet)'
[ ! -e "$D/producer" ] || fail "a record appeared before any producer ran"
[ ! -e "$T/consumer-ran" ] || fail "the consumer's PROGRAM ran before the producer existed"
kill -0 "$WAITER" 2>/dev/null || fail "baton wait returned before the producer existed"

bg_container PRODUCER "$T/producer.out" "$T/producer.err" \
	"$BATON" --name producer --dir "$D" -- sleep 1000

rc=0
wait "$CONSUMER" || rc=$?
assert_eq 0 "$rc" "consumer exit status"
[ -e "$T/consumer-ran" ] || fail "the consumer's PROGRAM did not run"
assert_grep 'producer is ready' "$T/consumer.err" "consumer log"
rc=0
wait "$WAITER" || rc=$?
assert_eq 0 "$rc" "baton wait exit status"
assert_eq ready "$(record_get "$D" producer state)" "producer's record"
end_bg "$PRODUCER"
