#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What the consumer of examples/ipc/pod.baton.yaml sees when the producer dies before it is
# ready. The pod is the example's, with a producer that would take 10 minutes to create its
# queue (--delay-ms 600000) and a consumer that gives up after 15 s (--timeout 15). Two pods
# run side by side; each waits until the consumer's baton logs "waiting for producer", then:
#  A. kills the producer program inside its container (podman exec ... kill -KILL, the exec
#     session then lingers): the producer's baton publishes "exited" at once, TERMs the exec
#     session as a process left behind and exits 137 after its grace period. The consumer
#     never starts; `baton status producer` in the consumer's container says "exited 137"
#     at once, and at the timeout its baton exits 124 with the line "producer: exited 137".
#  B. kills the producer's whole container, baton included (podman kill -s KILL): nobody
#     publishes anything, but the record's lock died with its owner. The consumer never
#     starts and exits 124 with "producer: owner gone (was starting)".
# Exit 0 passed, 1 failed, 77 podman cannot start a container here.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

e2e_setup
src=$e2e_repo/examples/ipc/pod.baton.yaml

# play NAME: the example pod, renamed, with a producer that never gets ready by itself.
play() {
	local yaml=$E2E_WORK/$1.yaml
	e2e_render "$src" ipc-baton "$1" "$yaml"
	if ! grep -q -- '--delay-ms, "500"' "$yaml" || ! grep -q -- '--timeout, "30"' "$yaml"; then
		echo "FAIL: $src has changed: no --delay-ms 500 or --timeout 30" >&2
		exit 1
	fi
	sed -i -e 's/--delay-ms, "500"/--delay-ms, "600000"/' -e 's/--timeout, "30"/--timeout, "15"/' \
		"$yaml"
	podman_lib_kube_play "$yaml" --network=none
}

a=e2e-ipc-kill-program-$$
b=e2e-ipc-kill-container-$$
play "$a"
play "$b"
for pod in "$a" "$b"; do
	e2e_wait_log "$pod-producer" '^baton\[producer\]: started producer ' 30
	e2e_wait_log "$pod-consumer" '^baton: waiting for producer ' 30
done

# A: the program dies, its baton lives on long enough to say so. The exec session that killed
# it stays: baton, PID 1, TERMs it like any process left behind, and since it is not baton's
# child no SIGCHLD tells when it is gone; the container still ends after --grace (10 s).
podman exec "$a-producer" sh -c 'kill -KILL "$(pidof producer)"; exec sleep 60' \
	>"$E2E_WORK/exec.out" 2>&1 &
exec_pid=$!
e2e_wait_log "$a-producer" '^baton\[producer\]: published exited$' 30 || true
status_rc=0
status=$(podman exec "$a-consumer" /baton-bin/baton status producer 2>&1) || status_rc=$?
printf 'baton status producer, in the consumer container (exit %s):\n%s\n' "$status_rc" "$status"
e2e_check "A: 'baton status producer' in the consumer container exits 1" test "$status_rc" = 1
e2e_check "A: ... and says exited 137" e2e_has_match "$status" '^producer[[:space:]]+exited 137'

# B: the whole container dies at once; only the kernel's lock release tells.
podman kill --signal KILL "$b-producer" >/dev/null
code=$(e2e_wait_container "$b-producer" 30) || true
e2e_check "B: the producer's container was SIGKILLed (137)" test "$code" = 137

code=$(e2e_wait_container "$a-producer" 40) || true
e2e_check "A: the producer's container exited 137 (its program was SIGKILLed)" test "$code" = 137
log=$(e2e_logs "$a-producer")
printf '==> %s-producer (exit %s) <==\n%s\n' "$a" "$code" "$log"
e2e_check "A: the producer's baton published exited, then stopped the exec session" \
	e2e_in_order "$log" '^baton\[producer\]: PROGRAM exited 137$' \
	'^baton\[producer\]: published exited$' \
	'^baton\[producer\]: PROGRAM left processes behind: SIGTERM, SIGKILL in 10s$'
exec_rc=0
wait "$exec_pid" || exec_rc=$?
e2e_check "A: the exec session was ended by SIGTERM (143)" test "$exec_rc" = 143

for pod in "$a" "$b"; do
	code=$(e2e_wait_container "$pod-consumer" 60) || true
	log=$(e2e_logs "$pod-consumer")
	printf '==> %s-consumer (exit %s) <==\n%s\n' "$pod" "$code" "$log"
	e2e_check "${pod%-"$$"}: the consumer's baton exited 124 (--timeout)" test "$code" = 124
	e2e_check "${pod%-"$$"}: the consumer never started" \
		e2e_lacks_match "$log" '^(baton: started|consumer:)'
	case $pod in
	"$a") why='exited 137' ;;
	*) why='owner gone \(was starting\)' ;;
	esac
	e2e_check "${pod%-"$$"}: the consumer's baton named the reason: producer: ${why//\\/}" \
		e2e_in_order "$log" '^baton: waiting for producer ' \
		'^baton: timed out after 15(\.[0-9]+)?s waiting for dependencies$' \
		"^baton: producer: $why\$"
done

e2e_done
