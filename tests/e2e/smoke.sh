#!/usr/bin/env bash
# Smoke test for examples/podman-lib.sh: can this host run the podman-based
# end-to-end tests?  Builds a small image offline, plays a 2-container pod
# with `podman kube play`, and checks what later tests rely on:
#   - an emptyDir volume is shared by the containers of a pod,
#   - the containers of a pod share one IPC namespace (a SysV message queue
#     made with ipcmk in one container is listed by ipcs in the other),
#   - exit codes and logs of kube-play containers can be read back.
# Exit status: 0 all checks passed, 1 a check failed, 77 podman cannot run
# containers here (the reason is printed).  Takes ~3 s once images exist.
# Usage: tests/e2e/smoke.sh   (as root; PODMAN_LIB_WORKDIR overrides the
# work directory, default <repo>/.podman)
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
# shellcheck source-path=SCRIPTDIR/../.. source=examples/podman-lib.sh
. "$repo/examples/podman-lib.sh"

skip() {
    printf 'SKIP: %s\n' "$*"
    exit 77
}

passed=0
failed=0
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
        printf 'ok   %s\n' "$what"
    else
        failed=$((failed + 1))
        printf 'FAIL %s\n' "$what"
    fi
}

command -v podman >/dev/null 2>&1 || skip "podman is not installed"
podman_lib_setup "${PODMAN_LIB_WORKDIR:-$repo/.podman}" ||
    skip "podman_lib_setup failed (see above)"
podman_lib_can_run || skip "podman cannot start a container here (see above)"

ipcmk=$(command -v ipcmk) || skip "ipcmk (util-linux) not found on the host"
ipcs=$(command -v ipcs) || skip "ipcs (util-linux) not found on the host"
# ipcmk and ipcs are dynamically linked: this also checks that their shared
# libraries are carried into the image.
image=$(podman_lib_build_image baton-smoke "$ipcmk" "$ipcs")

pod=baton-smoke-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/baton-smoke.XXXXXX")
cleanup() {
    podman_lib_pod_rm "$pod" || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The volume is named after the pod: podman 4.3 turns an emptyDir into a
# volume named after the YAML's volume name, shared by every pod using it.
cat >"$work/pod.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $pod
spec:
  restartPolicy: Never
  containers:
  - name: writer
    image: $image
    imagePullPolicy: Never
    command:
    - /bin/sh
    - -c
    - |
      set -e
      readlink /proc/self/ns/ipc >/shared/writer.ipcns
      ipcmk -Q
      ipcs -q | awk '\$1 ~ /^0x/ { print \$1 }' >/shared/msgq.key.tmp
      mv /shared/msgq.key.tmp /shared/msgq.key
      echo "hello from writer" >/shared/hello.tmp
      mv /shared/hello.tmp /shared/hello
      # Keep the queue's IPC namespace alive until the reader is done.
      i=0
      while [ ! -e /shared/reader.done ] && [ \$i -lt 200 ]; do sleep 0.1; i=\$((i + 1)); done
      echo "writer done"
    volumeMounts:
    - name: $pod-shared
      mountPath: /shared
  - name: reader
    image: $image
    imagePullPolicy: Never
    command:
    - /bin/sh
    - -c
    - |
      i=0
      while [ ! -e /shared/hello ] && [ \$i -lt 200 ]; do sleep 0.1; i=\$((i + 1)); done
      rc=0
      cat /shared/hello || rc=1
      [ "\$(readlink /proc/self/ns/ipc)" = "\$(cat /shared/writer.ipcns)" ] && echo "same ipc namespace" || rc=2
      key=\$(cat /shared/msgq.key)
      ipcs -q | grep -q "^\$key " && echo "queue \$key visible" || rc=3
      touch /shared/reader.done
      exit \$rc
    volumeMounts:
    - name: $pod-shared
      mountPath: /shared
  volumes:
  - name: $pod-shared
    emptyDir: {}
EOF

podman_lib_kube_play "$work/pod.yaml"
codes=$(podman_lib_pod_wait "$pod" 30) || {
    podman_lib_pod_logs "$pod" >&2 || true
    exit 1
}
printf '%s\n' "$codes"
logs=$(podman_lib_pod_logs "$pod")
printf '%s\n' "$logs"

has_line() { printf '%s\n' "$1" | grep -qxF -- "$2"; }
has_match() { printf '%s\n' "$1" | grep -qx -- "$2"; }
host_ipcns=$(readlink /proc/self/ns/ipc)
pod_ipcns=$(cat "$(podman volume inspect --format '{{.Mountpoint}}' "$pod-shared")/writer.ipcns")
not() { ! "$@"; }
check "writer exited 0" has_line "$codes" "$pod-writer 0"
check "reader exited 0" has_line "$codes" "$pod-reader 0"
check "emptyDir shared between containers" has_line "$logs" "hello from writer"
check "containers share the IPC namespace" has_line "$logs" "same ipc namespace"
check "SysV message queue visible across containers" \
    has_match "$logs" 'queue 0x[0-9a-f]* visible'
check "pod IPC namespace ($pod_ipcns) is not the host's" \
    not test "$pod_ipcns" = "$host_ipcns"

podman_lib_pod_rm "$pod"
check "pod removed" not podman pod exists "$pod"
check "emptyDir volume removed with the pod" not podman volume exists "$pod-shared"

printf 'smoke: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
