#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The static baton as podman's documented init: `podman run --init --init-path BATON` mounts
# it at /run/podman-init and runs `/run/podman-init -- COMMAND`. PID 1 is baton, COMMAND's exit
# status passes through, and `podman stop` ends a `sleep` (which as PID 1 would ignore TERM
# and be killed, 137) with the TERM baton forwards (143).
# Exit 0 passed, 1 failed, 77 podman cannot start a container here, or baton is not static.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

[ "${BATON_STATIC_BUILD:-0}" = 1 ] || e2e_skip "--init-path needs the static baton (static build only)"
e2e_setup
init=(--rm --network=none --pull=never --init --init-path "$BATON")

out=$(podman run "${init[@]}" "$E2E_IMAGE" cat /proc/1/cmdline | tr '\0' ' ')
e2e_check "PID 1 is baton, as /run/podman-init -- COMMAND ($out)" \
	test "$out" = "/run/podman-init -- cat /proc/1/cmdline "
rc=0
podman run "${init[@]}" "$E2E_IMAGE" sh -c 'exit 3' || rc=$?
e2e_check "the exit status passes through (3: $rc)" test "$rc" -eq 3

name=e2e-init-$$
trap 'podman rm -f -t 0 "$name" >/dev/null 2>&1 || true; _e2e_cleanup' EXIT
podman run -d --name "$name" --network=none --pull=never --init --init-path "$BATON" \
	"$E2E_IMAGE" sleep 1000 >/dev/null
podman stop -t 30 "$name" >/dev/null
code=$(podman inspect --format '{{.State.ExitCode}}' "$name")
e2e_check "podman stop: sleep ended by the forwarded TERM (143: $code)" test "$code" = 143
podman rm -f -t 0 "$name" >/dev/null
e2e_done
