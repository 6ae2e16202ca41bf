#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A Job's sidecar stopped by baton, in real containers. examples/inject/job.yaml is a Job-like
# pod (restartPolicy Never): `main` works for a second and exits 0, `sidecar` (busybox httpd)
# runs until it is stopped, and the annotation baton.dev/exit-with.sidecar: main asks
# `baton inject` to stop the sidecar once main has exited. This test
#  - the control: plays job.yaml as it is, once: main exits 0 and the sidecar is still running
#    E2E_CONTROL_WINDOW seconds (default 3) later, so the pod never completes;
#  - injects it with `baton inject --image E2E_IMAGE` and checks the output (e2e_check_injected
#    in inject-lib.sh: it parses, every container is wrapped as the annotation says, nothing
#    else changed, injecting it again gives the same bytes);
#  - plays the injected pod E2E_RUNS times (default 10), one at a time (see inject-lib.sh):
#    every run both containers exit 0 (the sidecar's 143 reported as 0), the pod ends Exited,
#    the sidecar's baton logged that main exited and stopped it, the sidecar exited after main,
#    and removing the pod removed the volumes. How long the sidecar outlived main, and each
#    run (play to the last container's exit), are reported as notes.
# Usage: inject-sidecar-job.sh YAMLPATHS. Exit 0 passed, 1 failed, 77 podman cannot start a
# container.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
# shellcheck source-path=SCRIPTDIR source=inject-lib.sh
. "$here/inject-lib.sh"

yamlpaths=${1:?usage: inject-sidecar-job.sh YAMLPATHS}
window=${E2E_CONTROL_WINDOW:-3}
e2e_setup
src=$e2e_repo/examples/inject/job.yaml

pod=e2e-inject-job-$$
e2e_render "$src" inject-job "$pod" "$E2E_WORK/job.yaml"

# The control, without baton: nothing stops the sidecar.
podman_lib_kube_play "$E2E_WORK/job.yaml" --network=none
code=$(e2e_wait_container "$pod-main" 60) || true
e2e_check "without baton: main exited 0 ($code)" test "$code" = 0
code=$(e2e_wait_container "$pod-sidecar" "$window") || true
state=$(podman inspect --format '{{.State.Status}}' "$pod-sidecar") || state=unknown
e2e_check "without baton: the sidecar still runs ${window}s after main exited ($code, $state)" \
	test "$code $state" = "timeout running"
state=$(podman pod inspect --format '{{.State}}' "$pod") || state=unknown
e2e_check "without baton: the pod has not completed ($state)" test "$state" != Exited
podman_lib_pod_rm "$pod"

e2e_inject "$E2E_WORK/job.yaml" "$E2E_WORK/injected.yaml"
e2e_check_injected "$yamlpaths" "$E2E_WORK/job.yaml" "$E2E_WORK/injected.yaml"

ok=0
gone=0
lags=()
durations=()
for i in $(seq "$E2E_RUNS"); do
	e2e_inject_lock
	start=$(date +%s%N)
	e2e_inject_play "$E2E_WORK/injected.yaml" --network=none
	codes=$(podman_lib_pod_wait "$pod" 20) || codes="pod_wait failed ($?)"
	durations+=($((($(date +%s%N) - start) / 1000000)))
	state=$(podman pod inspect --format '{{.State}}' "$pod") || state=unknown
	main=$(e2e_logs "$pod-main")
	sidecar=$(e2e_logs "$pod-sidecar")
	main_end=$(e2e_finished_ms "$pod-main") || main_end=0
	sidecar_end=$(e2e_finished_ms "$pod-sidecar") || sidecar_end=0
	if [ "$codes" = "$pod-main 0"$'\n'"$pod-sidecar 0" ] && [ "$state" = Exited ] &&
		[ "$main_end" -gt 0 ] && [ "$sidecar_end" -ge "$main_end" ] &&
		e2e_has_line "$main" "main: done" &&
		e2e_in_order "$main" '^baton\[main\]: started sh ' \
			'^baton\[main\]: PROGRAM exited 0$' '^baton\[main\]: published exited$' &&
		e2e_in_order "$sidecar" '^baton\[sidecar\]: started httpd ' \
			'^baton\[sidecar\]: main: exited 0' \
			'^baton\[sidecar\]: stopping PROGRAM \(--exit-with\)' \
			'^baton\[sidecar\]: PROGRAM exited 0$'; then
		ok=$((ok + 1))
		lags+=($((sidecar_end - main_end)))
	else
		printf 'run %d failed: pod %s, main ended %s, sidecar %s\n%s\n' "$i" "$state" \
			"$main_end" "$sidecar_end" "$codes"
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
e2e_check "injected: $ok of $E2E_RUNS runs completed, main and sidecar exit 0, the sidecar stopped after main exited" \
	test "$ok" -eq "$E2E_RUNS"
e2e_check "injected: $gone of $E2E_RUNS removals took volumes baton-gate and baton-bin with the pod" \
	test "$gone" -eq "$E2E_RUNS"
e2e_note "injected: play to pod completed (main works for 1 s), ms (min median max): $(e2e_min_median_max "${durations[@]}")"
e2e_note "injected: the sidecar exited this long after main, ms (min median max): $(e2e_min_median_max "${lags[@]}")"

e2e_done
