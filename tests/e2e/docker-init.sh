#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `docker run --init` with baton as the daemon's init: a private dockerd (docker-lib.sh) whose
# daemon.json says "init-path": BATON. Docker bind-mounts that file at /sbin/docker-init and
# runs `/sbin/docker-init -- CMD...` as the container's PID 1. Checked, in containers with
# --network none, what holds whether baton called as docker-init acts as baton or as tini:
#  - the daemon reports BATON as its init binary;
#  - PID 1 is /sbin/docker-init, with the command line `/sbin/docker-init -- CMD...`, and its
#    executable is byte for byte BATON (sha256 of /proc/1/exe);
#  - CMD's exit code passes through (`sh -c 'exit 42'` gives 42);
#  - `docker stop` reaches CMD: a shell that traps TERM, logs it and exits 7 makes the
#    container exit 7 (not 137 from docker's KILL), and docker sends TERM only.
# Exit 0 passed, 1 failed, 77 no docker.io or docker-compose here.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=docker-lib.sh
. "$here/docker-lib.sh"

DOCKER_LIB_DAEMON_JSON="{\"init-path\": \"$BATON\"}"
docker_lib_setup init
image=$E2E_EXAMPLE_IMAGE

e2e_check "daemon: the init binary is $BATON" \
	test "$(dk info --format '{{.InitBinary}}')" = "$BATON"

want=$(sha256sum "$BATON" | cut -d' ' -f1)
out=$(dk run --rm --init --network none "$image" sh -c \
	'tr "\0" " " </proc/1/cmdline; echo; sha256sum /proc/1/exe' 2>&1) || true
printf 'PID 1 in docker run --init:\n%s\n' "$out"
e2e_check "PID 1 runs as /sbin/docker-init -- sh -c ..." \
	e2e_has_match "$out" '^/sbin/docker-init -- sh -c tr '
e2e_check "PID 1's executable is this build's baton" \
	e2e_has_match "$out" "^$want  /proc/1/exe\$"

rc=0
dk run --rm --init --network none "$image" sh -c 'exit 42' || rc=$?
e2e_check "exit code 42 passes through" test "$rc" = 42

name=init-term
dk run -d --init --network none --name "$name" "$image" sh -c \
	'trap "echo got TERM; exit 7" TERM; echo ready; sleep 1000 & wait $!' >/dev/null
e2e_check "the program runs" docker_lib_wait_log "$name" '^ready$' 30
since=$(date +%s.%N)
dk stop -t 30 "$name" >/dev/null
code=$(dk inspect --format '{{.State.ExitCode}}' "$name")
log=$(dk logs "$name" 2>&1)
kills=$(docker_lib_kill_events "$since")
e2e_check "docker stop: TERM reached the program, which exited 7 (got $code)" test "$code" = 7
e2e_check "docker stop: the program logged it" e2e_has_line "$log" "got TERM"
e2e_check "docker stop: docker sent TERM only, never KILL" test "$kills" = "$name 15"
dk rm -f "$name" >/dev/null

e2e_done
