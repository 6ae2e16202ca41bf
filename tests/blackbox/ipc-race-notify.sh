#!/usr/bin/env bash
# The message-queue race with producer-notify (READY=1 once its queue exists) under baton: 0 failures.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ipc-race-lib.sh"
# One IPC namespace for both "containers" (and none of their queues on the host).
in_namespaces --ipc
need_unshare
[ -n "${IPC_PRODUCER_NOTIFY:-}" ] || skip "IPC_PRODUCER_NOTIFY is unset (built without libsystemd)"
KEY_PREFIX=0x6276

race_rounds notify
note "with baton (--ready-on notify): $FAILED of $ROUNDS consumers failed"
assert_eq 0 "$FAILED" "consumers that failed with baton"
race_no_queues_left
