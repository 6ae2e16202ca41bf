#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Two podman behaviours the README's "Troubleshooting with podman" warns about, shown in real
# containers (the third, podman 4.3 restarting an init container under restartPolicy Always,
# costs 20 s a run and is only measured there):
#  - podman fills an empty emptyDir with what the image has at the mount path (copy-up), which
#    Kubernetes never does: a container that mounts an emptyDir at /etc finds the image's
#    /etc/group in it, so `--ready-on file:/etc/group` is met at once though nobody wrote it.
#  - `podman run -d --sdnotify=container` returns before the container is ready: baton's
#    `--ready-on file:` is still unmet (and nothing could have sent READY=1) when it returns;
#    only a waiting systemd or Quadlet unit (Notify=true) sees readiness.
# Exit 0 passed, 1 failed, 77 podman cannot start a container here.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

e2e_setup

# Copy-up: an emptyDir at /etc holds the image's /etc.
pod=e2e-pitfall-copyup-$$
cat >"$E2E_WORK/copyup.yaml" <<EOF2
apiVersion: v1
kind: Pod
metadata:
  name: $pod
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: $E2E_IMAGE
    imagePullPolicy: Never
    command: [baton, --dir, /tmp/gate, --name, app, --ready-on, file:/etc/group, --,
              sleep, "600"]
    volumeMounts:
    - name: $pod-etc
      mountPath: /etc
  volumes:
  - name: $pod-etc
    emptyDir: {}
EOF2
e2e_pods="$e2e_pods $pod"
podman_lib_kube_play "$E2E_WORK/copyup.yaml" --network=none
e2e_check "copy-up: the emptyDir at /etc holds the image's /etc/group" \
	podman exec "$pod-app" grep -q '^root:' /etc/group
e2e_check "copy-up: --ready-on file:/etc/group is met though nothing wrote it" \
	e2e_wait_log "$pod-app" '^baton\[app\]: published ready$' 30
podman_lib_pod_rm "$pod"

# --sdnotify=container with -d: podman returns before the container is ready.
name=e2e-pitfall-sdnotify-$$
e2e_check "podman run -d --sdnotify=container returns" \
	timeout 60 podman run -d --rm --pull=never --network=none --sdnotify=container --name "$name" \
	"$E2E_IMAGE" baton --dir /tmp/gate --name app --ready-on file:/tmp/go -- sleep 600
e2e_check "sdnotify: it returned while the container ran and was not ready (no /tmp/go yet)" \
	test "$(podman inspect --format '{{.State.Running}}' "$name")" = true -a \
	"$(podman exec "$name" sh -c 'test -e /tmp/go && echo met || echo unmet')" = unmet
podman exec "$name" touch /tmp/go
e2e_check "sdnotify: the container becomes ready afterwards" \
	e2e_wait_log "$name" '^baton\[app\]: published ready$' 30
podman rm -f -t 0 "$name" >/dev/null 2>&1 || true

e2e_done
