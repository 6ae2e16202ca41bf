# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# tests/e2e/docker-lib.sh - a private dockerd for the docker tests (suite 'docker'). Each test
# starts a daemon of its own, with its own data root, exec root, socket, pidfile and daemon.json
# under BUILD_ROOT/e2e-docker/NAME, imports the example image into it and stops and removes
# all of it on exit, failure or not. It never talks to any other daemon: every docker and
# docker-compose call goes through dk and dc, which name this daemon's socket. Source it from
# bash, after `set -eu`:
#
#     . "$here/docker-lib.sh"
#     docker_lib_setup ipc               # skip (77) without docker.io, docker-compose or root
#     dc -p demo -f examples/ipc/compose.yaml -f "$DOCKER_LIB_NONET" up
#     dk inspect ...
#     e2e_done
#
# The daemon runs as FACTS.md says Debian's docker.io runs on these hosts: --iptables=false,
# --bridge=none (so containers can only have --network none), and neither ip_forward nor
# masquerading is touched. It runs under baton (BATON, the build's own) with
# `--ready-on notify`: dockerd sends READY=1 once its API serves, and `baton wait` sleeps until
# then instead of polling the socket. On stop, baton forwards TERM to dockerd and kills
# whatever dockerd leaves (containerd, shims) after its grace period.
# The image is the one podman_lib_build_image makes (podman_lib_rootfs_tar, the same code),
# imported as localhost/baton-examples:latest, the name the example compose files use: the
# daemon is ours alone, so the files run as written.
#
# Environment: BATON, IPC_PRODUCER, IPC_CONSUMER, BUILD_ROOT (from meson, as in lib.sh);
# DOCKER_LIB_DAEMON_JSON, the daemon's configuration (default {}).

docker_lib_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$docker_lib_here/lib.sh"

docker_lib_dir=
docker_lib_pid=

# dk ARGS...: the docker client (DOCKER_LIB_DOCKER), on our daemon: docker_lib_setup exports
# DOCKER_HOST, so that no docker command of the test can reach another daemon.
dk() {
	"$DOCKER_LIB_DOCKER" "$@"
}

# dc ARGS...: docker-compose without colours, given at most 120 s.
dc() {
	timeout 120 docker-compose --ansi never "$@"
}

# _docker_lib_remove DIR: unmounts whatever a daemon left mounted under DIR (and under the
# short exec root DIR/run points to, if any) and removes both.
_docker_lib_remove() {
	local dir=$1 run=$1 d mnt
	[ -d "$dir" ] || return 0
	if [ -L "$dir/run" ]; then
		run=$(readlink "$dir/run")
	fi
	# Deepest first. Mount points are octal-escaped in mountinfo; ours contain no such bytes.
	for d in "$dir" "$run"; do
		awk -v d="$d/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo
	done | sort -ru | while IFS= read -r mnt; do
		umount -l "$mnt" 2>/dev/null || true
	done
	rm -rf "$run" "$dir"
}

# docker_lib_stop: stops the daemon (TERM to its baton, which forwards it to dockerd and kills
# what is left after its grace period) and removes its directory. Safe to call twice and when
# nothing was started.
docker_lib_stop() {
	if [ -n "$docker_lib_pid" ]; then
		kill -TERM "$docker_lib_pid" 2>/dev/null || true
		wait "$docker_lib_pid" 2>/dev/null || true
		docker_lib_pid=
	fi
	if [ -n "$docker_lib_dir" ]; then
		_docker_lib_remove "$docker_lib_dir"
		docker_lib_dir=
	fi
}

_docker_lib_cleanup() {
	docker_lib_stop
	if [ -n "${E2E_WORK:-}" ]; then
		rm -rf "$E2E_WORK"
	fi
}

# _docker_lib_stop_leftover DIR: a daemon an interrupted run of the same test left in DIR (its
# pidfile names a live dockerd whose command line names DIR) is stopped.
_docker_lib_stop_leftover() {
	local pid
	pid=$(cat "$1/docker.pid" 2>/dev/null) || return 0
	case $pid in '' | *[!0-9]*) return 0 ;; esac
	if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--data-root $1/data "; then
		kill -TERM "$pid" 2>/dev/null || true
		while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	fi
}

# docker_lib_setup NAME [FILE...]: checks what the docker tests need (skips with 77 without
# it), starts the daemon in BUILD_ROOT/e2e-docker/NAME, imports the image with the FILEs in
# /usr/local/bin (default: BATON, IPC_PRODUCER and IPC_CONSUMER, as baton, producer and
# consumer), makes a scratch directory E2E_WORK and a compose override DOCKER_LIB_NONET there,
# and arms the cleanup. Fails, with the daemon's log, when the daemon does not come up within
# 60 s.
docker_lib_setup() {
	local name=$1 f dockerd run rc waiter
	shift
	if [ $# = 0 ]; then
		set -- "${BATON:?BATON must name the baton under test}" \
			"${IPC_PRODUCER:?IPC_PRODUCER must name examples/ipc/producer}" \
			"${IPC_CONSUMER:?IPC_CONSUMER must name examples/ipc/consumer}"
	fi
	for f in "${BATON:?BATON must name the baton under test}" "$@"; do
		[ -x "$f" ] || {
			echo "FAIL: $f is not an executable file" >&2
			exit 1
		}
	done
	[ "$(id -u)" = 0 ] || e2e_skip "dockerd needs root"
	dockerd=$(command -v dockerd) || e2e_skip "dockerd is not installed (apt-get install docker.io)"
	command -v docker-compose >/dev/null ||
		e2e_skip "docker-compose is not installed (apt-get install docker-compose)"
	# Debian's client, of the daemon's version, even when another docker comes first on PATH.
	DOCKER_LIB_DOCKER=/usr/bin/docker
	[ -x "$DOCKER_LIB_DOCKER" ] || DOCKER_LIB_DOCKER=$(command -v docker) ||
		e2e_skip "the docker client is not installed (apt-get install docker.io)"

	docker_lib_dir=${BUILD_ROOT:-$e2e_repo/build}/e2e-docker/$name
	mkdir -p "$docker_lib_dir"
	docker_lib_dir=$(cd "$docker_lib_dir" && pwd -P)
	_docker_lib_stop_leftover "$docker_lib_dir"
	_docker_lib_remove "$docker_lib_dir"
	mkdir -p "$docker_lib_dir/data"
	# containerd's sockets live in the exec root: a unix socket path has at most 107 bytes.
	run=$docker_lib_dir
	if [ "${#run}" -gt 60 ]; then
		run=$(mktemp -d /tmp/baton-docker.XXXXXX)
		ln -s "$run" "$docker_lib_dir/run"
	fi
	export DOCKER_HOST=unix://$run/docker.sock
	printf '%s\n' "${DOCKER_LIB_DAEMON_JSON:-{\}}" >"$docker_lib_dir/daemon.json"
	trap _docker_lib_cleanup EXIT
	trap 'exit 130' INT TERM

	"$BATON" --dir "$docker_lib_dir/baton" --name dockerd --ready-on notify --grace 20 -- \
		"$dockerd" --config-file "$docker_lib_dir/daemon.json" \
		--data-root "$docker_lib_dir/data" --exec-root "$run/exec" -H "$DOCKER_HOST" \
		--pidfile "$docker_lib_dir/docker.pid" --iptables=false --ip-forward=false \
		--ip-masq=false --bridge=none --log-level warn \
		>"$docker_lib_dir/dockerd.log" 2>&1 &
	docker_lib_pid=$!
	rc=0
	"$BATON" wait --dir "$docker_lib_dir/baton" --timeout 60 dockerd >/dev/null 2>&1 &
	waiter=$!
	wait -n "$docker_lib_pid" "$waiter" || rc=$?
	if kill -0 "$waiter" 2>/dev/null; then # dockerd ended first
		kill "$waiter"
		wait "$waiter" || true
		rc=1
	fi
	if [ "$rc" != 0 ] || ! kill -0 "$docker_lib_pid" 2>/dev/null; then
		tail -n 20 "$docker_lib_dir/dockerd.log" >&2
		echo "FAIL: the private dockerd did not come up (status $rc)" >&2
		exit 1
	fi

	E2E_WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-docker-e2e.XXXXXX")
	podman_lib_rootfs_tar "$E2E_WORK/root.tar" "$@" || {
		echo "FAIL: could not build the image's root filesystem" >&2
		exit 1
	}
	dk import --change "ENV PATH=$PODMAN_LIB_IMAGE_PATH" --change 'CMD ["/bin/sh"]' \
		"$E2E_WORK/root.tar" "$E2E_EXAMPLE_IMAGE" >/dev/null
	rm -f "$E2E_WORK/root.tar"
	# bridge=none leaves containers no network but none: a service without network_mode
	# would fail. The examples' files say nothing about networks, so every test adds this.
	DOCKER_LIB_NONET=$E2E_WORK/no-network.yaml
}

# docker_lib_nonet SERVICE...: writes DOCKER_LIB_NONET, a compose override giving each
# SERVICE `network_mode: none`.
docker_lib_nonet() {
	local s
	printf 'services:\n' >"$DOCKER_LIB_NONET"
	for s in "$@"; do
		printf '  %s:\n    network_mode: none\n' "$s" >>"$DOCKER_LIB_NONET"
	done
}

# docker_lib_die_events SINCE: one "NAME EXIT-CODE" line per container that died since SINCE
# (a `date +%s.%N` taken before), in order, from the daemon's event log.
docker_lib_die_events() {
	dk events --since "$1" --until "$(date +%s.%N)" --filter type=container \
		--filter event=die --format '{{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}'
}

# docker_lib_kill_events SINCE: the signals the daemon sent containers since SINCE, one
# "NAME SIGNAL" line each (docker stop sends 15, then 9 when its timeout has passed).
docker_lib_kill_events() {
	dk events --since "$1" --until "$(date +%s.%N)" --filter type=container \
		--filter event=kill --format '{{.Actor.Attributes.name}} {{.Actor.Attributes.signal}}'
}

# docker_lib_wait_log CONTAINER ERE TIMEOUT: polls the container's log every 0.1 s until a
# line matches ERE; returns 124 after TIMEOUT seconds.
docker_lib_wait_log() {
	local deadline=$((SECONDS + $3))
	until dk logs "$1" 2>&1 | grep -qE -- "$2"; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			printf 'no line matching "%s" in the log of %s after %ss\n' "$2" "$1" "$3" >&2
			return 124
		fi
		sleep 0.1
	done
}
