#!/usr/bin/env bash
# Waiters in their own IPC, network, UTS and PID namespaces, sharing only DIR, still wake.
. "$(dirname "$0")/lib.sh"
need_unshare
unshare --ipc --net --uts true 2>/dev/null || skip "unshare --ipc --net --uts does not work here"

D=$T/dir
mkdir "$D"
ISOLATE=(unshare --ipc --net --uts --pid --fork --mount-proc --kill-child)

"${ISOLATE[@]}" "$BATON" --dir "$D" --after producer --timeout 600 -- touch "$T/consumer-ran" \
	>"$T/consumer.out" 2>"$T/consumer.err" &
CONSUMER=$!
"${ISOLATE[@]}" "$BATON" wait --dir "$D" --timeout 600 producer >"$T/wait.out" 2>"$T/wait.err" &
WAITER=$!
BG_PIDS="$CONSUMER $WAITER"
wait_line "$T/consumer.err" 'waiting for producer'
wait_line "$T/wait.err" 'waiting for producer'

"${ISOLATE[@]}" "$BATON" --name producer --dir "$D" -- sleep 1000 \
	>"$T/producer.out" 2>"$T/producer.err" &
PRODUCER=$!
BG_PIDS="$BG_PIDS $PRODUCER"

# Not woken, they would sit until --timeout: a generous hang guard, not a timing goal.
wait_line "$D/producer" '^state=ready$' 20
wait_gone "$CONSUMER" 60
wait_gone "$WAITER" 60
rc=0
wait "$CONSUMER" || rc=$?
assert_eq 0 "$rc" "consumer exit status"
[ -e "$T/consumer-ran" ] || fail "the consumer's PROGRAM did not run"
rc=0
wait "$WAITER" || rc=$?
assert_eq 0 "$rc" "baton wait exit status"
end_bg "$PRODUCER"
