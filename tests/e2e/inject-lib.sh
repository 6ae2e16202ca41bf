# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# tests/e2e/inject-lib.sh - what the `baton inject` e2e tests share. Source it after lib.sh:
#
#     . "$here/lib.sh"
#     . "$here/inject-lib.sh"
#     e2e_setup
#     e2e_render "$e2e_repo/examples/inject/pod.yaml" inject-ipc "$pod" "$E2E_WORK/pod.yaml"
#     e2e_inject "$E2E_WORK/pod.yaml" "$E2E_WORK/injected.yaml"    # --image $E2E_IMAGE
#     e2e_check_injected "$yamlpaths" "$E2E_WORK/pod.yaml" "$E2E_WORK/injected.yaml"
#     e2e_inject_lock                                  # then, for each play:
#     e2e_inject_play "$E2E_WORK/injected.yaml" --network=none
#     ...                                              # wait, check
#     podman_lib_pod_rm "$pod"
#     e2e_check "volumes removed with the pod" e2e_inject_volumes_gone
#     e2e_inject_unlock
#
# Why the lock: `baton inject` names its emptyDirs baton-gate and baton-bin whatever the pod,
# and podman 4.3 makes an emptyDir a volume named after the YAML's volume name, global to the
# host: two injected pods played at once would share their readiness records and baton binary,
# and a volume left behind keeps records across pods. The tests play the manifests as users get
# them, so they take turns instead, through a host-wide lock file, each injected pod removed
# (and with it its volumes) before the next one is played.

# The emptyDirs `baton inject` adds (volume names, global to the host under podman 4.3).
E2E_INJECT_VOLUMES="baton-gate baton-bin"
E2E_INJECT_LOCK_WAIT=${E2E_INJECT_LOCK_WAIT:-120}

# e2e_inject SRC DEST: `baton inject --image E2E_IMAGE SRC >DEST`; the image carries baton in
# /usr/local/bin, on its PATH.
e2e_inject() {
	"$BATON" inject --image "$E2E_IMAGE" "$1" >"$2"
}

# get PATHS PATH: the value at PATH; items PATHS PATH: the scalar items of the sequence at PATH,
# one a line; count PATHS PATH: how many items the sequence at PATH has.
_e2e_inject_get() { awk -F'\t' -v p="$2" '$1 == p { print $2; exit }' "$1"; }
_e2e_inject_items() {
	awk -F'\t' -v p="$2" 'index($1, p "[") == 1 && substr($1, length(p) + 2) ~ /^[0-9]+\]$/ { print $2 }' "$1"
}
_e2e_inject_count() {
	awk -F'\t' -v p="$2" 'index($1, p "[") == 1 { s = substr($1, length(p) + 2); sub(/\].*/, "", s); n[s] = 1 }
		END { c = 0; for (k in n) c++; print c }' "$1"
}

# _e2e_inject_mounts PATHS AT: the volume mounts of the container at AT, "NAME PATH [ro]" a line.
_e2e_inject_mounts() {
	local m
	for ((m = 0; m < $(_e2e_inject_count "$1" "$2.volumeMounts"); m++)); do
		printf '%s %s%s\n' "$(_e2e_inject_get "$1" "$2.volumeMounts[$m].name")" \
			"$(_e2e_inject_get "$1" "$2.volumeMounts[$m].mountPath")" \
			"$(test "$(_e2e_inject_get "$1" "$2.volumeMounts[$m].readOnly")" = true && echo ' ro')"
	done
}

# _e2e_inject_same MANIFEST: injecting MANIFEST gives MANIFEST, byte for byte.
_e2e_inject_same() {
	"$BATON" inject --image "$E2E_IMAGE" "$1" | cmp -s - "$1"
}

# e2e_check_injected YAMLPATHS SRC INJECTED: checks (e2e_check) that INJECTED, what
# `baton inject --image E2E_IMAGE` made of the one-Pod manifest SRC (no baton in it, no volumes,
# no init containers), parses and is SRC prepared for baton, exactly: an init container
# baton-install running `baton install /run/baton-bin` from E2E_IMAGE into emptyDir baton-bin;
# every container's command is /run/baton-bin/baton --name C --dir /run/baton, then --after,
# --ready-on, --exit-with from SRC's baton.dev/ annotations, then -- and SRC's command; every
# container mounts baton-gate at /run/baton and baton-bin read-only at /run/baton-bin; nothing
# else changed; and injecting INJECTED again gives the same bytes.
e2e_check_injected() {
	local yamlpaths=$1 src=$2 out=$3 work s o c at name want n wrapped=0 kind value ere
	work=$(mktemp -d "$E2E_WORK/inject.XXXXXX")
	s=$work/src.paths
	o=$work/out.paths
	if ! e2e_yamlpaths "$yamlpaths" "$src" >"$s"; then
		e2e_check "${src##*/}: parses (libyaml)" false
		rm -rf "$work"
		return
	fi
	if ! e2e_yamlpaths "$yamlpaths" "$out" >"$o"; then
		e2e_check "injected ${src##*/}: parses (libyaml)" false
		rm -rf "$work"
		return
	fi
	e2e_check "injected ${src##*/}: parses (libyaml)" true
	e2e_check "injected ${src##*/}: injecting it again gives the same bytes" \
		_e2e_inject_same "$out"

	e2e_check "injected ${src##*/}: one init container, baton-install" \
		test "$(_e2e_inject_count "$o" spec.initContainers) $(_e2e_inject_get "$o" 'spec.initContainers[0].name')" = "1 baton-install"
	e2e_check "injected ${src##*/}: baton-install runs 'baton install /run/baton-bin' from $E2E_IMAGE" \
		test "$(_e2e_inject_get "$o" 'spec.initContainers[0].image') $(_e2e_inject_items "$o" 'spec.initContainers[0].command' | tr '\n' ' ')" = \
		"$E2E_IMAGE baton install /run/baton-bin "
	e2e_check "injected ${src##*/}: baton-install mounts baton-bin at /run/baton-bin" \
		test "$(_e2e_inject_mounts "$o" 'spec.initContainers[0]')" = "baton-bin /run/baton-bin"
	e2e_check "injected ${src##*/}: volumes baton-gate and baton-bin, both emptyDirs" \
		test "$(grep -E '^spec\.volumes' "$o" | tr '\t' ' ')" = "spec.volumes[0].name baton-gate
spec.volumes[0].emptyDir {}
spec.volumes[1].name baton-bin
spec.volumes[1].emptyDir {}"

	n=$(_e2e_inject_count "$s" spec.containers)
	for ((c = 0; c < n; c++)); do
		at="spec.containers[$c]"
		name=$(_e2e_inject_get "$s" "$at.name")
		want="/run/baton-bin/baton"$'\n'"--name"$'\n'"$name"$'\n'"--dir"$'\n'"/run/baton"
		for kind in after ready-on exit-with; do
			value=$(_e2e_inject_get "$s" "metadata.annotations.baton_dev/${kind}_$name")
			[ -z "$value" ] || want="$want"$'\n'"--$kind"$'\n'"$value"
		done
		want="$want"$'\n'"--"$'\n'"$(_e2e_inject_items "$s" "$at.command")"
		if test "$(_e2e_inject_items "$o" "$at.command")" = "$want"; then
			wrapped=$((wrapped + 1))
		else
			printf 'container %s: want command\n%s\ngot\n%s\n' "$name" "$want" \
				"$(_e2e_inject_items "$o" "$at.command")"
		fi
		e2e_check "injected ${src##*/}: $name mounts baton-gate at /run/baton, baton-bin read-only" \
			test "$(_e2e_inject_mounts "$o" "$at")" = "baton-gate /run/baton
baton-bin /run/baton-bin ro"
	done
	e2e_check "injected ${src##*/}: $wrapped of $n containers run under baton, as the annotations say" \
		test "$((n > 0 && wrapped == n))" = 1
	# Everything but what baton adds or wraps is left as it was, in the same order.
	ere='^spec\.(initContainers|volumes)|^spec\.containers\[[0-9]+\]\.(command|volumeMounts)'
	e2e_check "injected ${src##*/}: nothing else changed" \
		diff -u <(grep -vE "$ere" "$s") <(grep -vE "$ere" "$o")
	rm -rf "$work"
}

# e2e_inject_lock: takes the host-wide lock of the injected pods (waits at most
# E2E_INJECT_LOCK_WAIT seconds, default 120) on fd 8, then removes the volumes baton-gate and
# baton-bin an interrupted run left behind; fails when one of them is in use. The fd must not
# reach processes that outlive the play: use e2e_inject_play, never podman kube play directly.
e2e_inject_lock() {
	local dir=/run/lock v
	# Root's podman has one set of volumes per host, a rootless user's one per user.
	if [ "$(id -u)" -ne 0 ] || [ ! -w "$dir" ]; then
		dir=${XDG_RUNTIME_DIR:-${TMPDIR:-/tmp}}
	fi
	exec 8>>"$dir/baton-e2e-inject.lock"
	flock -w "$E2E_INJECT_LOCK_WAIT" 8 || {
		echo "FAIL: no turn at $dir/baton-e2e-inject.lock after ${E2E_INJECT_LOCK_WAIT}s" >&2
		exec 8>&-
		return 1
	}
	for v in $E2E_INJECT_VOLUMES; do
		podman volume exists "$v" || continue
		e2e_note "volume $v was left behind (by an interrupted run?): removing it"
		podman volume rm "$v" >/dev/null || {
			echo "FAIL: volume $v is in use: no injected pod can be played meanwhile" >&2
			return 1
		}
	done
}

e2e_inject_unlock() {
	exec 8>&-
}

# e2e_inject_play YAML [ARGS...]: podman_lib_kube_play without the lock's fd (conmon, which
# outlives the play, inherits the fds of podman).
e2e_inject_play() {
	podman_lib_kube_play "$@" 8>&-
}

# e2e_inject_volumes_gone: true when neither baton-gate nor baton-bin exists.
e2e_inject_volumes_gone() {
	local v
	for v in $E2E_INJECT_VOLUMES; do
		if podman volume exists "$v"; then
			echo "volume $v still exists" >&2
			return 1
		fi
	done
}

# e2e_finished_ms CONTAINER: when it exited, in milliseconds since the epoch; fails (printing
# nothing) when it has not exited.
e2e_finished_ms() {
	local out
	out=$(podman inspect --format '{{.State.Status}} {{.State.FinishedAt.UnixNano}}' "$1") &&
		[ "${out%% *}" = exited ] || return 1
	printf '%s\n' "$((${out#* } / 1000000))"
}

# e2e_min_median_max N...: "MIN MEDIAN MAX" of whole numbers.
e2e_min_median_max() {
	[ "$#" -gt 0 ] || {
		echo none
		return
	}
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[1], v[int((NR + 1) / 2)], v[NR] }'
}

# e2e_inject_default_image: makes sure localhost/baton:latest, the image `baton inject` names by
# default, holds this build's BATON (its label io.baton.sha256, set by examples/image/build.sh),
# building it with examples/image/build.sh when it does not. The tag is global to the host:
# call it with the lock held (e2e_inject_lock), before each play.
e2e_inject_default_image() {
	local want have
	want=$(sha256sum "$BATON" | cut -d' ' -f1)
	have=$(podman image inspect --format '{{index .Labels "io.baton.sha256"}}' \
		localhost/baton:latest 2>/dev/null) || have=
	[ "$have" != "$want" ] || return 0
	# shellcheck disable=SC2154 # e2e_repo is set by lib.sh
	"$e2e_repo/examples/image/build.sh" "$BATON" localhost/baton:latest >/dev/null 8>&-
}
