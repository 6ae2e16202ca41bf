#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# examples/shared-volume in real containers: plays examples/shared-volume/pod.yaml (no baton)
# and pod.baton.yaml E2E_RUNS times each (default 10) with `podman kube play`. In both the
# client requests /index.html the moment the web server accepts connections and exits 0 when
# the first answer is 200, 1 when it is anything else.
#  - Without baton each run must end the documented way (200, or 404 before the writer's first
#    append); the 404 rate is only reported, as a note on stderr.
#  - With baton every first answer must be 200, and the logs must show the order: the writer's
#    baton "published ready" (its file exists), the server's baton saw "writer is ready", then
#    started httpd.
# Exit 0 passed, 1 failed, 77 podman cannot start a container here.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

e2e_setup
examples=$e2e_repo/examples/shared-volume

# The server and the writer run until the pod is removed: wait for the client only.
race_404=0
race_odd=0
for i in $(seq "$E2E_RUNS"); do
	pod=e2e-web-race-$$-$i
	e2e_render "$examples/pod.yaml" web-race "$pod" "$E2E_WORK/race.yaml"
	podman_lib_kube_play "$E2E_WORK/race.yaml" --network=none
	code=$(e2e_wait_container "$pod-client" 60) || true
	log=$(e2e_logs "$pod-client")
	if [ "$code" = 0 ] && e2e_has_line "$log" "client: first answer: HTTP 200 OK"; then
		:
	elif [ "$code" = 1 ] && e2e_has_line "$log" "client: first answer: HTTP/1.1 404 Not Found"; then
		race_404=$((race_404 + 1))
	else
		race_odd=$((race_odd + 1))
		printf 'racy run %d: client %s\n' "$i" "$code"
		podman_lib_pod_logs "$pod" || true
	fi
	podman_lib_pod_rm "$pod"
done
e2e_check "without baton: every client got 200, or 404 before the first page" \
	test "$race_odd" -eq 0
e2e_note "without baton the first request got 404 in $(e2e_percent "$race_404" "$E2E_RUNS") runs"

ok=0
for i in $(seq "$E2E_RUNS"); do
	pod=e2e-web-baton-$$-$i
	e2e_render "$examples/pod.baton.yaml" web-baton "$pod" "$E2E_WORK/baton.yaml"
	podman_lib_kube_play "$E2E_WORK/baton.yaml" --network=none
	code=$(e2e_wait_container "$pod-client" 60) || true
	client=$(e2e_logs "$pod-client")
	writer=$(e2e_logs "$pod-writer")
	server=$(e2e_logs "$pod-server")
	if [ "$code" = 0 ] && e2e_has_line "$client" "client: first answer: HTTP 200 OK" &&
		e2e_in_order "$writer" '^baton\[writer\]: started sh ' \
			'^baton\[writer\]: published ready$' &&
		e2e_in_order "$server" '^baton\[server\]: writer is ready \(waited [0-9.]+s\)$' \
			'^baton\[server\]: started httpd \(pid [0-9]+\)$' \
			'^baton\[server\]: published ready$'; then
		ok=$((ok + 1))
	else
		printf 'baton run %d failed: client %s\n' "$i" "$code"
		podman_lib_pod_logs "$pod" || true
	fi
	if [ "$i" -eq 1 ]; then
		printf 'logs of the first run with baton:\n'
		podman_lib_pod_logs "$pod" | sed 's/^/    /'
	fi
	podman_lib_pod_rm "$pod"
done
e2e_check "with baton: $ok of $E2E_RUNS first requests got 200, the server started after the writer's file existed" \
	test "$ok" -eq "$E2E_RUNS"

e2e_done
