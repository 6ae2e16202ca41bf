# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# tests/e2e/lib.sh - what the e2e tests share. Source it from bash, after `set -eu`:
#
#     . "$here/lib.sh"
#     e2e_setup                      # podman work dir, skip (77) when no container can run,
#                                    # image $E2E_IMAGE with this build's baton and programs
#     pod=$(e2e_render examples/ipc/pod.baton.yaml ipc-baton "$work/pod.yaml")
#     podman_lib_kube_play "$work/pod.yaml" --network=none
#     code=$(e2e_wait_container "$pod-consumer" 60)
#     e2e_check "consumer exited 0" test "$code" = 0
#     e2e_done                       # prints the tally, exit status 0 or 1
#
# Environment (set by meson from the build the tests are registered in):
#   BATON, IPC_PRODUCER, IPC_CONSUMER, the programs that go into the image (as baton,
#   IPC_MQ_PRODUCER, IPC_MQ_CONSUMER   producer, consumer, mq-producer and mq-consumer in
#                                      /usr/local/bin)
#   BUILD_ROOT                         the build tree: the podman work dir is
#                                      BUILD_ROOT/e2e-podman (PODMAN_LIB_WORKDIR overrides)
#   E2E_RUNS                           how often the example pods are played (default 10)
# A dynamically linked baton works too: podman_lib_build_image copies its shared libraries
# into the image, and every container of the example pods runs that same image.
#
# Tests skip (77) only when podman cannot start any container; everything else fails.

e2e_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
# shellcheck source-path=SCRIPTDIR/../.. source=examples/podman-lib.sh
. "$e2e_repo/examples/podman-lib.sh"

# The image the example manifests and compose file name; tests replace it with E2E_IMAGE.
E2E_EXAMPLE_IMAGE=localhost/baton-examples:latest
E2E_RUNS=${E2E_RUNS:-10}
e2e_passed=0
e2e_failed=0
e2e_pods=
e2e_work=

e2e_skip() {
	printf 'SKIP: %s\n' "$*"
	exit 77
}

e2e_note() {
	printf 'note: %s\n' "$*" >&2
}

# e2e_check DESCRIPTION COMMAND...: runs COMMAND, counts and prints the outcome.
e2e_check() {
	local what=$1
	shift
	if "$@"; then
		e2e_passed=$((e2e_passed + 1))
		printf 'ok   %s\n' "$what"
	else
		e2e_failed=$((e2e_failed + 1))
		printf 'FAIL %s\n' "$what"
	fi
}

e2e_done() {
	printf '%s: %d passed, %d failed\n' "${0##*/}" "$e2e_passed" "$e2e_failed"
	[ "$e2e_failed" -eq 0 ] && [ "$e2e_passed" -gt 0 ]
}

# Text helpers for assertions: TEXT holds a whole line equal to / matching / containing LINE.
e2e_has_line() { printf '%s\n' "$1" | grep -qxF -- "$2"; }
e2e_has_match() { printf '%s\n' "$1" | grep -qE -- "$2"; }
e2e_lacks_match() { ! printf '%s\n' "$1" | grep -qE -- "$2"; }

# e2e_in_order TEXT ERE...: each ERE matches a line of TEXT after the line the previous one matched.
e2e_in_order() {
	local text=$1 ere n
	shift
	for ere in "$@"; do
		n=$(printf '%s\n' "$text" | grep -nE -m1 -- "$ere" | cut -d: -f1) || n=
		[ -n "$n" ] || return 1
		text=$(printf '%s\n' "$text" | tail -n +"$((n + 1))")
	done
}

_e2e_cleanup() {
	local pod
	for pod in $e2e_pods; do
		podman_lib_pod_rm "$pod" >/dev/null 2>&1 || true
	done
	if [ -n "$e2e_work" ]; then
		rm -rf "$e2e_work"
	fi
}

# e2e_setup: checks the inputs, prepares podman (skips with 77 when it cannot run a container),
# builds E2E_IMAGE, makes a scratch directory E2E_WORK and arms the cleanup of every pod made
# through e2e_render.
e2e_setup() {
	local f tag
	for f in "${BATON:?BATON must name the baton under test}" \
		"${IPC_PRODUCER:?IPC_PRODUCER must name examples/ipc/producer}" \
		"${IPC_CONSUMER:?IPC_CONSUMER must name examples/ipc/consumer}" \
		"${IPC_MQ_PRODUCER:?IPC_MQ_PRODUCER must name examples/ipc/mq-producer}" \
		"${IPC_MQ_CONSUMER:?IPC_MQ_CONSUMER must name examples/ipc/mq-consumer}"; do
		[ -x "$f" ] || {
			echo "FAIL: $f is not an executable file" >&2
			exit 1
		}
	done
	command -v podman >/dev/null 2>&1 || e2e_skip "podman is not installed"
	podman_lib_setup "${PODMAN_LIB_WORKDIR:-${BUILD_ROOT:-$e2e_repo}/e2e-podman}" ||
		e2e_skip "podman_lib_setup failed (see above)"
	podman_lib_can_run || e2e_skip "podman cannot start a container here (see above)"
	# One tag per build tree, so that builds tested at the same time never replace each
	# other's image.
	tag=baton-e2e:$(printf '%s' "${BUILD_ROOT:-$BATON}" | sha256sum | cut -c1-12)
	E2E_IMAGE=$(podman_lib_build_image "$tag" "$BATON" "$IPC_PRODUCER" "$IPC_CONSUMER" \
		"$IPC_MQ_PRODUCER" "$IPC_MQ_CONSUMER") || {
		echo "FAIL: could not build the test image" >&2
		exit 1
	}
	e2e_work=$(mktemp -d "${TMPDIR:-/tmp}/baton-e2e.XXXXXX")
	# shellcheck disable=SC2034 # for the tests
	E2E_WORK=$e2e_work
	trap _e2e_cleanup EXIT
	trap 'exit 130' INT TERM
}

# e2e_render SRC OLD NEW DEST: writes manifest SRC to DEST with the image replaced by
# E2E_IMAGE and every OLD (the pod's name, which prefixes its volume names) by NEW, a name
# unique to this run. Registers pod NEW for cleanup. Fails when SRC does not look as expected.
e2e_render() {
	local src=$1 old=$2 new=$3 dest=$4
	grep -q "^  name: $old\$" "$src" || {
		echo "FAIL: $src: no pod named $old" >&2
		return 1
	}
	grep -qF "image: $E2E_EXAMPLE_IMAGE" "$src" || {
		echo "FAIL: $src: no image $E2E_EXAMPLE_IMAGE" >&2
		return 1
	}
	sed -e "s|image: $E2E_EXAMPLE_IMAGE\$|image: $E2E_IMAGE|" -e "s/\\b$old\\b/$new/g" \
		"$src" >"$dest"
	e2e_pods="$e2e_pods $new"
}

# e2e_wait_container NAME TIMEOUT: waits at most TIMEOUT seconds for container NAME to exit
# and prints its exit code; on timeout prints "timeout" and returns 124.
e2e_wait_container() {
	local out rc=0
	out=$(timeout "$2" podman wait --interval 100ms "$1" 2>&1) || rc=$?
	if [ "$rc" -eq 124 ]; then
		echo timeout
		return 124
	fi
	if [ "$rc" -ne 0 ]; then
		printf '%s\n' "$out" >&2
		echo error
		return 1
	fi
	printf '%s\n' "$out"
}

# e2e_logs CONTAINER: its stdout and stderr, merged.
e2e_logs() {
	podman logs "$1" 2>&1 </dev/null
}

# e2e_wait_log CONTAINER ERE TIMEOUT: polls the container's log every 0.1 s until a line
# matches ERE; returns 124 after TIMEOUT seconds.
e2e_wait_log() {
	local deadline=$((SECONDS + $3))
	until e2e_logs "$1" | grep -qE -- "$2"; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			printf 'no line matching "%s" in the log of %s after %ss\n' "$2" "$1" "$3" >&2
			return 124
		fi
		sleep 0.1
	done
}

# e2e_percent PART WHOLE: "PART of WHOLE (N%)".
e2e_percent() {
	printf '%d of %d (%d%%)' "$1" "$2" $(($2 > 0 ? $1 * 100 / $2 : 0))
}

# e2e_yamlpaths YAMLPATHS FILE: yamlpaths' PATH<TAB>VALUE lines of FILE. yamlpaths refuses keys
# holding '.' (its paths join keys with dots), so the dots of baton.dev/ annotation keys become
# '_' first (baton.dev/after.consumer: baton_dev/after_consumer); container names are DNS
# labels, without '_', so nothing becomes ambiguous. Errors name /dev/stdin, with FILE's lines.
e2e_yamlpaths() {
	sed -E -e '/^ +baton\.dev\/[^:]*:/{' -e ':a' -e 's/^( +[^.:]*)\.([^:]*:)/\1_\2/' -e 'ta' \
		-e '}' "$2" | "$1" /dev/stdin
}
