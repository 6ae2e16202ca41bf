#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# examples/demo.sh - the startup race of examples/ipc, without and with baton, in podman.
#
# On a fresh Debian or Ubuntu machine, as root, from a clone of the repository: installs what is
# missing (apt-get), builds the static baton in build-demo/, builds a local image with no
# registry (busybox-static, baton, the example producers and consumers and their shared
# libraries) and the image `baton inject` names by default, localhost/baton:latest
# (examples/image/Containerfile: FROM scratch plus the static baton), then plays
# examples/ipc/pod.yaml N times and examples/ipc/pod.baton.yaml N times with `podman kube play`. In both the consumer is listed first and the producer takes 500 ms
# to create its message queue. It prints one line per run on stderr and a table on stdout:
# runs, consumer failures, median time from pod start (its infra container) to the consumer's
# exit. Pods are removed afterwards, also on Ctrl-C. At the end it prints `baton timeline` of
# one run with baton: the journal in the pod's shared emptyDir, read from the host (podman
# inspect names the volume's directory) before the pod is removed.
#
#   examples/demo.sh [-n N]     N runs of each (default 20, or DEMO_RUNS)
#   SKIP_INSTALL=1 examples/demo.sh   do not touch the system's packages
#
# Exit status: 0 every run with baton succeeded, 1 one did not (or the demo could not run),
# 64 usage error.
set -eu

usage() {
	echo "usage: examples/demo.sh [-n RUNS]   (RUNS default 20, or DEMO_RUNS)"
}

runs=${DEMO_RUNS:-20}
while getopts ':n:h' opt; do
	case $opt in
	n) runs=$OPTARG ;;
	h)
		usage
		exit 0
		;;
	*)
		usage >&2
		exit 64
		;;
	esac
done
shift $((OPTIND - 1))
case $runs in
'' | *[!0-9]* | 0*)
	echo "demo: RUNS must be a positive whole number, not '$runs'" >&2
	exit 64
	;;
esac
[ $# -eq 0 ] || {
	usage >&2
	exit 64
}

repo=$(cd "$(dirname "$0")/.." && pwd -P)
build=$repo/build-demo
say() { printf 'demo: %s\n' "$*" >&2; }
die() {
	say "$*"
	exit 1
}

install_missing() {
	local want="meson ninja-build gcc pkg-config libev-dev libyaml-dev libcmocka-dev
		libsystemd-dev podman runc busybox-static" missing="" p
	for p in $want; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing="$missing $p"
	done
	[ -n "$missing" ] || return 0
	[ "$(id -u)" = 0 ] || die "run as root to install:$missing"
	say "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2
	# shellcheck disable=SC2086 # the list is meant to split
	apt-get install -y -q --no-install-recommends $missing >&2
}

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
	command -v dpkg-query >/dev/null 2>&1 || die "no dpkg-query: not Debian or Ubuntu? Set SKIP_INSTALL=1"
	install_missing
fi

say "building the static baton in ${build#"$repo"/}/"
log=$(mktemp "${TMPDIR:-/tmp}/baton-demo.XXXXXX")
if [ -d "$build/meson-private" ]; then
	setup=(meson setup --reconfigure "$build" -Dstatic=true -Dtests=false)
else
	setup=(meson setup "$build" "$repo" -Dstatic=true -Dtests=false)
fi
if ! { "${setup[@]}" && ninja -C "$build" supervisor/baton examples/ipc/producer \
	examples/ipc/consumer examples/ipc/mq-producer examples/ipc/mq-consumer; } >"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$log"
	die "the build failed"
fi
rm -f "$log"

# shellcheck source-path=SCRIPTDIR source=podman-lib.sh
. "$repo/examples/podman-lib.sh"
podman_lib_setup "$repo/.podman" || die "podman setup failed (see above)"
podman_lib_can_run || die "podman cannot run containers here (see above)"
say "building the image localhost/baton-examples:latest (no registry)"
podman_lib_build_image baton-examples "$build/supervisor/baton" \
	"$build/examples/ipc/producer" "$build/examples/ipc/consumer" \
	"$build/examples/ipc/mq-producer" "$build/examples/ipc/mq-consumer" >/dev/null ||
	die "the image build failed"
say "building the image localhost/baton:latest, for baton inject (podman build, FROM scratch)"
"$repo/examples/image/build.sh" "$build/supervisor/baton" >/dev/null ||
	die "the image build failed"

# The examples' own pod names: kube play --replace replaces a leftover of either.
cleanup() {
	podman_lib_pod_rm ipc-race || true
	podman_lib_pod_rm ipc-baton || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# run_once YAML POD: plays the pod, waits for its consumer (at most 60 s) and removes the pod.
# Sets code (the consumer's exit code, or "timeout") and ms (pod start, that is its infra
# container's start, to the consumer's exit, in milliseconds).
run_once() {
	local yaml=$1 pod=$2 infra times
	podman_lib_kube_play "$yaml" --network=none || return 1
	code=$(timeout 60 podman wait --interval 100ms "$pod-consumer" 2>/dev/null) || code=timeout
	infra=$(podman pod inspect --format '{{.InfraContainerID}}' "$pod") || return 1
	times=$(podman inspect --format '{{.State.StartedAt.UnixNano}} {{.State.FinishedAt.UnixNano}}' \
		"$infra" "$pod-consumer") || return 1
	ms=$(printf '%s\n' "$times" | awk 'NR == 1 { s = $1 } NR == 2 { printf "%d", ($2 - s) / 1000000 }')
	if [ "$pod" = ipc-baton ] && [ -z "$timeline" ]; then
		timeline=$(baton_timeline "$pod-consumer") || true
	fi
	if [ "$code" = 0 ] && [ -z "$ok_line" ]; then
		ok_line=$(podman logs "$pod-consumer" 2>&1 | grep -m1 ' is ready ') || true
	elif [ "$code" != 0 ] && [ -z "$fail_line" ]; then
		fail_line=$(podman logs "$pod-consumer" 2>&1 | tail -n 1) || true
	fi
	podman_lib_pod_rm "$pod"
}

# baton_timeline CONTAINER: baton timeline of the journal in CONTAINER's /run/baton, an emptyDir
# that podman keeps on the host until the pod is removed.
baton_timeline() {
	local dir
	dir=$(podman inspect --format \
		'{{range .Mounts}}{{if eq .Destination "/run/baton"}}{{.Source}}{{end}}{{end}}' "$1") &&
		[ -n "$dir" ] && "$build/supervisor/baton" timeline --dir "$dir"
}

# median of the numbers on stdin, in seconds with two decimals.
median() {
	sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "-"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.2f s\n", m / 1000 }'
}

ok_line=
fail_line=
timeline=
declare -A failures times
for variant in race baton; do
	case $variant in
	race) yaml=$repo/examples/ipc/pod.yaml name=ipc-race label="without baton" ;;
	baton) yaml=$repo/examples/ipc/pod.baton.yaml name=ipc-baton label="with baton" ;;
	esac
	failures[$variant]=0
	times[$variant]=
	for i in $(seq "$runs"); do
		run_once "$yaml" "$name" || die "run $i $label: podman failed (see above)"
		if [ "$code" != 0 ]; then
			failures[$variant]=$((failures[$variant] + 1))
		fi
		times[$variant]="${times[$variant]}$ms"$'\n'
		printf 'demo: %-13s run %2d/%d: consumer exit %-7s %5d ms\n' "$label" "$i" "$runs" \
			"$code" "$ms" >&2
	done
done

if [ -n "$fail_line" ]; then
	say "a consumer without baton: $fail_line"
fi
if [ -n "$ok_line" ]; then
	say "a consumer with baton:    $ok_line"
fi
printf '\nipc pod (consumer listed first, producer creates its queue after 500 ms):\n\n'
printf '| %-13s | %4s | %-17s | %-34s |\n' "" runs "consumer failures" \
	"median pod start -> consumer exit"
printf '|%s|%s|%s|%s|\n' ---------------  ------ ------------------- \
	------------------------------------
for variant in race baton; do
	case $variant in race) label="without baton" ;; baton) label="with baton" ;; esac
	printf '| %-13s | %4d | %-17s | %-34s |\n' "$label" "$runs" \
		"${failures[$variant]} ($((failures[$variant] * 100 / runs))%)" \
		"$(printf '%s' "${times[$variant]}" | median)"
done
if [ -n "$timeline" ]; then
	printf '\nbaton timeline of one run with baton (the journal in the pod'"'"'s /run/baton):\n\n%s\n' \
		"$timeline"
fi
[ "${failures[baton]}" -eq 0 ]
