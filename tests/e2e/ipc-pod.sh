#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# examples/ipc in real containers: plays examples/ipc/pod.yaml (no baton) and
# examples/ipc/pod.baton.yaml E2E_RUNS times each (default 10) with `podman kube play`.
#  - Without baton the consumer, listed first, usually finds no queue: each run must end the
#    documented way (exit 0, or exit 1 with "consumer: no message queue with key ..."); the
#    failure rate is only reported, as a note on stderr.
#  - With baton every run must succeed: consumer and producer exit 0, the consumer received
#    all 1000 messages, and the logs tell the story: the producer's baton "published ready",
#    the consumer's baton saw "producer is ready" and then started the consumer. (Whether it
#    logged "waiting for producer" first depends on the order podman starts the containers
#    in: counted in a note. ipc-producer-killed.sh asserts that line.)
# Exit 0 passed, 1 failed, 77 podman cannot start a container here.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

e2e_setup
examples=$e2e_repo/examples/ipc

# Racy runs: the pod never completes (the producer blocks on a full queue with no reader), so
# wait for the consumer only, then remove the pod.
race_failed=0
race_odd=0
for i in $(seq "$E2E_RUNS"); do
	pod=e2e-ipc-race-$$-$i
	e2e_render "$examples/pod.yaml" ipc-race "$pod" "$E2E_WORK/race.yaml"
	podman_lib_kube_play "$E2E_WORK/race.yaml" --network=none
	code=$(e2e_wait_container "$pod-consumer" 60) || true
	log=$(e2e_logs "$pod-consumer")
	case $code in
	0) e2e_has_line "$log" "consumer: received 1000 messages" || race_odd=$((race_odd + 1)) ;;
	1)
		race_failed=$((race_failed + 1))
		e2e_has_match "$log" '^consumer: no message queue with key 0x62746e01' ||
			race_odd=$((race_odd + 1))
		;;
	*) race_odd=$((race_odd + 1)) ;;
	esac
	if [ "$code" != 0 ] && [ "$code" != 1 ] || [ "$race_odd" -gt 0 ]; then
		printf 'racy run %d: consumer %s\n%s\n' "$i" "$code" "$log"
	fi
	podman_lib_pod_rm "$pod"
done
e2e_check "without baton: every consumer ended the documented way (0, or 1 and no queue)" \
	test "$race_odd" -eq 0
e2e_note "without baton the consumer failed in $(e2e_percent "$race_failed" "$E2E_RUNS") runs"

ok=0
waited=0
for i in $(seq "$E2E_RUNS"); do
	pod=e2e-ipc-baton-$$-$i
	e2e_render "$examples/pod.baton.yaml" ipc-baton "$pod" "$E2E_WORK/baton.yaml"
	podman_lib_kube_play "$E2E_WORK/baton.yaml" --network=none
	codes=$(podman_lib_pod_wait "$pod" 60) || codes="pod_wait failed ($?)"
	consumer=$(e2e_logs "$pod-consumer")
	producer=$(e2e_logs "$pod-producer")
	if e2e_has_line "$codes" "$pod-consumer 0" && e2e_has_line "$codes" "$pod-producer 0" &&
		e2e_has_line "$consumer" "consumer: received 1000 messages" &&
		e2e_in_order "$consumer" '^baton: producer is ready \(waited [0-9.]+s\)$' \
			'^baton: started consumer \(pid [0-9]+\)$' &&
		e2e_in_order "$producer" '^baton\[producer\]: started producer ' \
			'^baton\[producer\]: published ready$' &&
		e2e_has_line "$producer" "baton[producer]: PROGRAM exited 0"; then
		ok=$((ok + 1))
		if e2e_in_order "$consumer" \
			'^baton: waiting for producer \((no record yet|starting for [0-9]+s)\)$' \
			'^baton: producer is ready '; then
			waited=$((waited + 1))
		fi
	else
		printf 'baton run %d failed:\n%s\n' "$i" "$codes"
		podman_lib_pod_logs "$pod" || true
	fi
	if [ "$i" -eq 1 ]; then
		printf 'logs of the first run with baton:\n'
		podman_lib_pod_logs "$pod" | sed 's/^/    /'
	fi
	podman_lib_pod_rm "$pod"
done
e2e_check "with baton: $ok of $E2E_RUNS runs succeeded, with the wait and publish lines logged" \
	test "$ok" -eq "$E2E_RUNS"
# Whether the consumer's baton had to wait depends on the order podman starts the containers in.
e2e_note "with baton the consumer's baton logged 'waiting for producer' in $(e2e_percent "$waited" "$E2E_RUNS") runs"

e2e_done
