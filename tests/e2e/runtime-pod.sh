#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# baton-runtime under `podman kube play`: a test-local containers.conf names it in
# [engine.runtimes] and makes it the runtime. The article's IPC pod is written the way most
# manifests are: each image's ENTRYPOINT runs the program and the pod gives only `args`.
#  - Ordered by two pod annotations (baton.dev/ready-on.producer, baton.dev/after.consumer),
#    RUNTIME_RUNS runs (default 10) in each container order: every run succeeds, an idle third
#    container's PID 1 is the mounted baton, `podman exec` works in it and sees the producer's
#    record in the shared /run/baton, and the pod's host directory is gone after the pod is
#    removed.
#  - The same pod without annotations: the consumer's failures are counted (a note), and the
#    idle container's PID 1 is its own program (config.json untouched).
#  - An invalid annotation (for the producer): kube play fails and shows baton-runtime's line,
#    no container of the pod started, and no host directory was made for the pod.
# Exit 0 passed, 1 failed, 77 podman cannot start a container here.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

runs=${RUNTIME_RUNS:-10}
runtime=${BATON_RUNTIME:?BATON_RUNTIME must name baton-runtime}
e2e_setup

# Zero configuration: runc from PATH, the baton next to baton-runtime, pod directories in
# /run/baton-runtime (podman passes no environment of ours through conmon). A containers.conf
# makes baton-runtime the runtime of every container, the infra container included. It names
# the runtime by its path rather than by a name in [engine.runtimes], as an installation would:
# podman commands run with another containers.conf (the other tests') log an error line for
# every container whose runtime name they do not know, but find a runtime given as a path.
[ ! -e /etc/baton/runtime.yaml ] || e2e_skip "/etc/baton/runtime.yaml exists: not the defaults"
pods_dir=/run/baton-runtime
sed -e "s|^runtime = .*|runtime = \"$runtime\"|" "$CONTAINERS_CONF" >"$E2E_WORK/containers.conf"
export CONTAINERS_CONF=$E2E_WORK/containers.conf

# Images whose ENTRYPOINT is the program, as most images are.
for prog in producer consumer idle; do
	entry="[\"/usr/local/bin/$prog\"]"
	[ "$prog" = idle ] && entry='["/bin/sleep"]'
	printf 'FROM %s\nENTRYPOINT %s\n' "$E2E_IMAGE" "$entry" |
		podman build --pull=never -q -t "localhost/baton-e2e-rt-$prog:latest" -f - \
			"$E2E_WORK" >/dev/null
done

# pod NAME ORDER ANNOTATIONS: a manifest on stdout; ORDER "cp" lists the consumer first.
pod() {
	local name=$1 order=$2 annotations=$3 c p
	c='  - name: consumer
    image: localhost/baton-e2e-rt-consumer:latest
    imagePullPolicy: Never
    args: [--expect, "1000", --timeout-s, "20"]'
	p='  - name: producer
    image: localhost/baton-e2e-rt-producer:latest
    imagePullPolicy: Never
    args: [--delay-ms, "200", --count, "1000"]'
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n' "$name"
	[ -z "$annotations" ] || printf '  annotations:\n%s\n' "$annotations"
	printf 'spec:\n  restartPolicy: Never\n  containers:\n'
	if [ "$order" = cp ]; then printf '%s\n%s\n' "$c" "$p"; else printf '%s\n%s\n' "$p" "$c"; fi
	printf '%s\n' '  - name: idle
    image: localhost/baton-e2e-rt-idle:latest
    imagePullPolicy: Never
    args: ["600"]'
}

ordered='    baton.dev/ready-on.producer: msgq:0x62746e01
    baton.dev/after.consumer: producer'

sandbox() { podman pod inspect --format '{{.InfraContainerID}}' "$1"; }
no_pod_dir() { [ -n "$1" ] && [ ! -e "$pods_dir/$1" ]; }

ok=0
pid1_baton=0
exec_ok=0
dirs_made=0
dirs_gone=0
total=0
for order in cp pc; do
	for i in $(seq "$runs"); do
		total=$((total + 1))
		name=e2e-rt-$$-$order-$i
		e2e_pods="$e2e_pods $name"
		pod "$name" "$order" "$ordered" >"$E2E_WORK/pod.yaml"
		podman_lib_kube_play "$E2E_WORK/pod.yaml" --network=none
		sb=$(sandbox "$name")
		consumer=$(e2e_wait_container "$name-consumer" 60) || true
		producer=$(e2e_wait_container "$name-producer" 60) || true
		log=$(e2e_logs "$name-consumer")
		if [ "$consumer" = 0 ] && [ "$producer" = 0 ] &&
			e2e_has_line "$log" "consumer: received 1000 messages"; then
			ok=$((ok + 1))
		else
			printf 'ordered run %s/%d: consumer %s, producer %s\n' "$order" "$i" \
				"$consumer" "$producer"
			podman_lib_pod_logs "$name" || true
		fi
		cmdline=$(podman exec "$name-idle" cat /proc/1/cmdline | tr '\0' ' ') || cmdline=
		case $cmdline in
		"/run/baton-bin/baton --name idle --dir /run/baton -- /bin/sleep 600 ") pid1_baton=$((pid1_baton + 1)) ;;
		*) printf 'run %s/%d: PID 1 of idle: %s\n' "$order" "$i" "$cmdline" ;;
		esac
		if e2e_has_line "$(podman exec "$name-idle" ls /run/baton 2>&1)" producer; then
			exec_ok=$((exec_ok + 1))
		fi
		if [ -d "$pods_dir/$sb" ] && [ "$(stat -c %a "$pods_dir/$sb")" = 1777 ]; then
			dirs_made=$((dirs_made + 1))
		fi
		podman_lib_pod_rm "$name"
		! no_pod_dir "$sb" || dirs_gone=$((dirs_gone + 1))
	done
done
e2e_check "ordered by annotations: $ok of $total runs succeeded (consumer first and last)" \
	test "$ok" -eq "$total"
e2e_check "PID 1 of a wrapped container is the mounted baton ($pid1_baton of $total)" \
	test "$pid1_baton" -eq "$total"
e2e_check "podman exec works in a wrapped container and sees the shared directory" \
	test "$exec_ok" -eq "$total"
e2e_check "each pod had its host directory, mode 1777 ($dirs_made of $total)" \
	test "$dirs_made" -eq "$total"
e2e_check "the pod's host directory is gone after podman pod rm ($dirs_gone of $total)" \
	test "$dirs_gone" -eq "$total"

# The same pod without annotations: nothing is rewritten.
failed=0
own_pid1=0
for i in $(seq "$((runs / 2 > 0 ? runs / 2 : 1))"); do
	name=e2e-rt-plain-$$-$i
	e2e_pods="$e2e_pods $name"
	pod "$name" cp "" >"$E2E_WORK/pod.yaml"
	podman_lib_kube_play "$E2E_WORK/pod.yaml" --network=none
	consumer=$(e2e_wait_container "$name-consumer" 60) || true
	[ "$consumer" = 0 ] || failed=$((failed + 1))
	cmdline=$(podman exec "$name-idle" cat /proc/1/cmdline | tr '\0' ' ') || cmdline=
	[ "$cmdline" != "/bin/sleep 600 " ] || own_pid1=$((own_pid1 + 1))
	podman_lib_pod_rm "$name"
done
e2e_check "without annotations PID 1 is the container's own program" \
	test "$own_pid1" -eq "$((runs / 2 > 0 ? runs / 2 : 1))"
e2e_note "without annotations the consumer failed in $(e2e_percent "$failed" "$((runs / 2 > 0 ? runs / 2 : 1))") runs"

# An invalid annotation: the pod does not start, and says why.
name=e2e-rt-invalid-$$
e2e_pods="$e2e_pods $name"
pod "$name" cp '    baton.dev/ready-on.producer: "bogus:0x62746e01"
    baton.dev/after.consumer: producer' >"$E2E_WORK/pod.yaml"
rc=0
out=$(podman kube play --network=none "$E2E_WORK/pod.yaml" 2>&1) || rc=$?
e2e_check "an invalid annotation fails kube play" test "$rc" -ne 0
e2e_check "kube play shows baton-runtime's line" \
	e2e_has_match "$out" 'baton-runtime: container (producer|consumer|idle): .*bogus'
sb=$(sandbox "$name" 2>/dev/null) || sb=
e2e_check "no host directory was made for the pod that failed" no_pod_dir "$sb"
started=$(podman ps -a --filter "pod=$name" --format '{{.Names}} {{.State}}' | grep -v -- '-infra ' |
	grep -vi ' created$' || true)
e2e_check "no container of the pod started ($started)" test -z "$started"
if [ "$rc" -eq 0 ] || ! e2e_has_match "$out" 'baton-runtime:'; then
	printf '%s\n' "$out"
fi
podman_lib_pod_rm "$name"

e2e_done
