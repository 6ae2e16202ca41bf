#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# baton-runtime and the static baton under Debian's docker.io, with a private dockerd (its own
# --data-root, --exec-root and socket in the build tree; no iptables, no bridge) started with
# `--add-runtime baton=BATON_RUNTIME --init-path BATON`. docker has no pods, so no baton.dev/
# annotations reach config.json and baton-runtime passes containers through: `docker run
# --runtime baton` runs the image's program as PID 1, and a failing baton-runtime (its real
# runtime missing) fails `docker run` with baton-runtime's line, which containerd's shim reads
# from the runtime's JSON log. `docker run --init` runs the static baton as /sbin/docker-init:
# PID 1, exit status passed through, also together with --runtime baton.
# Exit 0 passed, 1 failed, 77 docker.io is not installed, not root, or baton is not static.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

runtime=${BATON_RUNTIME:?BATON_RUNTIME must name baton-runtime}
if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
	e2e_skip "docker.io is not installed (apt-get install docker.io)"
fi
[ "$(id -u)" = 0 ] || e2e_skip "a private dockerd needs root"
[ "${BATON_STATIC_BUILD:-0}" = 1 ] || e2e_skip "--init-path needs the static baton (static build only)"
e2e_setup

# The daemon's state lives in the build tree, apart from any other dockerd on the host.
dw=${BUILD_ROOT:?}/e2e-docker-runtime
rm -rf "$dw/exec" "$dw/docker.sock"
mkdir -p "$dw"
printf 'runtime: runc\n' >"$dw/runtime.yaml"
BATON_RUNTIME_CONFIG=$dw/runtime.yaml dockerd --data-root "$dw/data" --exec-root "$dw/exec" \
	-H "unix://$dw/docker.sock" --pidfile "$dw/dockerd.pid" --iptables=false --bridge=none \
	--ip-masq=false --add-runtime "baton=$runtime" --init-path "$BATON" >"$dw/dockerd.log" 2>&1 &
dockerd_pid=$!
stop_dockerd() {
	kill -TERM "$dockerd_pid" 2>/dev/null || true
	wait "$dockerd_pid" 2>/dev/null || true
	_e2e_cleanup
}
trap stop_dockerd EXIT
export DOCKER_HOST=unix://$dw/docker.sock
# dockerd has no readiness notification to wait on: ask it, every 0.1 s, for at most 60 s.
for _ in $(seq 600); do
	docker version >/dev/null 2>&1 && break
	kill -0 "$dockerd_pid" 2>/dev/null || {
		tail -20 "$dw/dockerd.log"
		echo "FAIL: dockerd exited" >&2
		exit 1
	}
	sleep 0.1
done
docker version >/dev/null 2>&1 || {
	tail -20 "$dw/dockerd.log"
	echo "FAIL: dockerd did not answer in 60 s" >&2
	exit 1
}
podman save --format docker-archive "$E2E_IMAGE" 2>/dev/null | docker load -q >/dev/null
image=$E2E_IMAGE
run=(docker run --rm --network none)

out=$("${run[@]}" --runtime baton "$image" cat /proc/1/cmdline | tr '\0' ' ')
e2e_check "--runtime baton: the image's program is PID 1, untouched ($out)" \
	test "$out" = "cat /proc/1/cmdline "
printf 'runtime: %s\n' "$dw/no-such-runc" >"$dw/runtime.yaml"
rc=0
out=$("${run[@]}" --runtime baton "$image" true 2>&1) || rc=$?
e2e_check "a failing baton-runtime fails docker run" test "$rc" -ne 0
e2e_check "docker run shows baton-runtime's line" \
	e2e_has_match "$out" "baton-runtime: cannot run $dw/no-such-runc: No such file"
if [ "$rc" -eq 0 ] || ! e2e_has_match "$out" 'baton-runtime: cannot run'; then
	printf '%s\n' "$out"
fi
printf 'runtime: runc\n' >"$dw/runtime.yaml"

out=$("${run[@]}" --init "$image" cat /proc/1/cmdline | tr '\0' ' ')
e2e_check "--init: PID 1 is baton as /sbin/docker-init ($out)" \
	test "$out" = "/sbin/docker-init -- cat /proc/1/cmdline "
rc=0
"${run[@]}" --init "$image" sh -c 'exit 3' || rc=$?
e2e_check "--init: the exit status passes through (3: $rc)" test "$rc" -eq 3
rc=0
"${run[@]}" --init --runtime baton "$image" sh -c 'exit 4' || rc=$?
e2e_check "--init --runtime baton: the exit status passes through (4: $rc)" test "$rc" -eq 4
e2e_done
