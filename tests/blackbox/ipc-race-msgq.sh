#!/usr/bin/env bash
# The message-queue race: without baton the consumer often starts first and fails; with baton never.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ipc-race-lib.sh"
# One IPC namespace for both "containers" (and none of their queues on the host).
in_namespaces --ipc
need_unshare
KEY_PREFIX=0x6275

race_rounds none
note "without baton: $FAILED of $ROUNDS consumers failed ($((100 * FAILED / ROUNDS))%)"
race_rounds msgq
note "with baton (--ready-on msgq:KEY): $FAILED of $ROUNDS consumers failed"
assert_eq 0 "$FAILED" "consumers that failed with baton"
race_no_queues_left
