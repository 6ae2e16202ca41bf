#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `baton inject` on a plain pod, in real containers. examples/inject/pod.yaml is the racy pod of
# examples/ipc/pod.yaml (checked: the same containers, only its name and the two baton.dev/
# annotations added) whose consumer, without baton, finds no queue and exits 1 (ipc-pod.sh
# measures that). This test
#  - injects it with `baton inject --image E2E_IMAGE` and checks the output: it parses, every
#    container runs under baton as the annotations say, nothing else changed, and injecting it
#    again gives the same bytes (see e2e_check_injected in inject-lib.sh);
#  - plays the injected pod E2E_RUNS times (default 10) with `podman kube play`, one at a time
#    (its volumes baton-gate and baton-bin are global to the host; see inject-lib.sh): every run
#    both containers must exit 0, the pod must end Exited, the consumer must have received all
#    1000 messages, its baton must have logged that the producer was ready before it started
#    the consumer, and removing the pod must remove the volumes. (Only baton's lines are
#    checked for order: podman reads a container's stdout and stderr through separate pipes,
#    so a program's stdout lines can come before baton's earlier stderr lines.) Durations
#    (play to the last container's exit) are reported as a note.
# Usage: inject-pod.sh YAMLPATHS. Exit 0 passed, 1 failed, 77 podman cannot start a container.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
# shellcheck source-path=SCRIPTDIR source=inject-lib.sh
. "$here/inject-lib.sh"

yamlpaths=${1:?usage: inject-pod.sh YAMLPATHS}
e2e_setup
src=$e2e_repo/examples/inject/pod.yaml

# The manifest users start from is examples/ipc's racy pod plus annotations, nothing else.
e2e_yamlpaths "$yamlpaths" "$src" | grep -vE '^metadata\.(name|annotations)' >"$E2E_WORK/inject.paths"
"$yamlpaths" "$e2e_repo/examples/ipc/pod.yaml" | grep -vE '^metadata\.name' >"$E2E_WORK/ipc.paths"
e2e_check "examples/inject/pod.yaml runs what examples/ipc/pod.yaml runs" \
	diff -u "$E2E_WORK/ipc.paths" "$E2E_WORK/inject.paths"

pod=e2e-inject-ipc-$$
e2e_render "$src" inject-ipc "$pod" "$E2E_WORK/pod.yaml"
e2e_inject "$E2E_WORK/pod.yaml" "$E2E_WORK/injected.yaml"
e2e_check_injected "$yamlpaths" "$E2E_WORK/pod.yaml" "$E2E_WORK/injected.yaml"

ok=0
waited=0
gone=0
durations=()
for i in $(seq "$E2E_RUNS"); do
	e2e_inject_lock
	start=$(date +%s%N)
	e2e_inject_play "$E2E_WORK/injected.yaml" --network=none
	codes=$(podman_lib_pod_wait "$pod" 20) || codes="pod_wait failed ($?)"
	durations+=($((($(date +%s%N) - start) / 1000000)))
	state=$(podman pod inspect --format '{{.State}}' "$pod") || state=unknown
	consumer=$(e2e_logs "$pod-consumer")
	producer=$(e2e_logs "$pod-producer")
	if [ "$codes" = "$pod-consumer 0"$'\n'"$pod-producer 0" ] && [ "$state" = Exited ] &&
		e2e_has_line "$consumer" "consumer: received 1000 messages" &&
		e2e_in_order "$consumer" '^baton\[consumer\]: producer is ready \(waited [0-9.]+s\)$' \
			'^baton\[consumer\]: started consumer \(pid [0-9]+\)$' \
			'^baton\[consumer\]: PROGRAM exited 0$' &&
		e2e_in_order "$producer" '^baton\[producer\]: started producer ' \
			'^baton\[producer\]: published ready$' \
			'^baton\[producer\]: PROGRAM exited 0$'; then
		ok=$((ok + 1))
		if e2e_has_match "$consumer" '^baton\[consumer\]: waiting for producer '; then
			waited=$((waited + 1))
		fi
	else
		printf 'run %d failed: pod %s\n%s\n' "$i" "$state" "$codes"
		podman_lib_pod_logs "$pod" || true
	fi
	if [ "$i" -eq 1 ]; then
		printf 'logs of the first run:\n'
		podman_lib_pod_logs "$pod" | sed 's/^/    /'
	fi
	podman_lib_pod_rm "$pod"
	if e2e_inject_volumes_gone; then
		gone=$((gone + 1))
	fi
	e2e_inject_unlock
done
e2e_check "injected: $ok of $E2E_RUNS runs completed, both containers exit 0, consumer after ready producer" \
	test "$ok" -eq "$E2E_RUNS"
e2e_check "injected: $gone of $E2E_RUNS removals took volumes baton-gate and baton-bin with the pod" \
	test "$gone" -eq "$E2E_RUNS"
e2e_note "injected: the consumer's baton logged 'waiting for producer' in $(e2e_percent "$waited" "$E2E_RUNS") runs"
e2e_note "injected: play to pod completed, ms (min median max): $(e2e_min_median_max "${durations[@]}")"

e2e_done
