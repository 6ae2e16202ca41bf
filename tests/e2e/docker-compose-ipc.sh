#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# examples/ipc under docker-compose 1.29, against a private dockerd (docker-lib.sh), every
# container with network_mode none. In both files the producer joins the consumer's IPC
# namespace, so compose starts the consumer first. DOCKER_RUNS (default 20) runs of one file:
#  - race: compose.race.yaml (no baton): the consumer must fail every time, the documented way
#    (exit 1, "consumer: no message queue with key 0x62746e01"). What compose does next varies
#    (see the file), so `up`'s own status is not checked.
#  - baton: compose.yaml: every run must succeed, `docker-compose up` exit 0, both containers
#    exit 0, the consumer with all 1000 messages, and the consumer's baton must log that it
#    waited for the producer before it started the consumer. Then `docker-compose down` while
#    the consumer's baton still waits (its producer never started): the consumer stops on the
#    first TERM with 143, the code the README gives for TERM before PROGRAM started, and docker
#    never needs its KILL.
# meson runs the two as separate tests, each with its own daemon, so that they run in parallel.
# Usage: docker-compose-ipc.sh race|baton. Exit 0 passed, 1 failed, 77 no docker.io or
# docker-compose here.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=docker-lib.sh
. "$here/docker-lib.sh"

mode=${1:-}
case $mode in
race | baton) ;;
*)
	echo "usage: docker-compose-ipc.sh race|baton" >&2
	exit 2
	;;
esac
docker_lib_setup "compose-ipc-$mode"
docker_lib_nonet consumer producer
examples=$e2e_repo/examples/ipc
runs=${DOCKER_RUNS:-20}

# clean PROJECT: removes the project's containers and volumes with the docker client (faster
# than `docker-compose down`; the down test below uses compose itself).
clean() {
	local ids
	ids=$(dk ps -aq --filter "label=com.docker.compose.project=$1")
	if [ -n "$ids" ]; then
		# shellcheck disable=SC2086 # container ids, one per word
		dk rm -f $ids >/dev/null
	fi
	ids=$(dk volume ls -q --filter "label=com.docker.compose.project=$1")
	if [ -n "$ids" ]; then
		# shellcheck disable=SC2086 # volume names, one per word
		dk volume rm $ids >/dev/null
	fi
}
code_of() { dk inspect --format '{{.State.ExitCode}}' "$1" 2>/dev/null || echo none; }

if [ "$mode" = race ]; then
	odd=0
	for i in $(seq "$runs"); do
		p=race$i
		rc=0
		out=$(dc -f "$examples/compose.race.yaml" -f "$DOCKER_LIB_NONET" -p "$p" up -d 2>&1) ||
			rc=$?
		code=$(timeout 60 "$DOCKER_LIB_DOCKER" wait "${p}_consumer_1" 2>&1) ||
			code="wait failed: $code"
		log=$(dk logs "${p}_consumer_1" 2>&1) || true
		if [ "$code" != 1 ] ||
			! e2e_has_match "$log" '^consumer: no message queue with key 0x62746e01'; then
			odd=$((odd + 1))
			printf 'racy run %d: up exit %s, consumer %s\n%s\n%s\n' "$i" "$rc" "$code" "$out" "$log"
		fi
		clean "$p"
	done
	e2e_check "without baton: the consumer, started first, failed in $((runs - odd)) of $runs runs" \
		test "$odd" -eq 0
	e2e_done
	exit
fi

ok=0
for i in $(seq "$runs"); do
	p=baton$i
	rc=0
	out=$(dc -f "$examples/compose.yaml" -f "$DOCKER_LIB_NONET" -p "$p" up 2>&1) || rc=$?
	codes="$(code_of "${p}_consumer_1") $(code_of "${p}_producer_1")"
	if [ "$rc" = 0 ] && [ "$codes" = "0 0" ] &&
		e2e_has_match "$out" '^consumer_1 +\| consumer: received 1000 messages$' &&
		e2e_in_order "$out" '^consumer_1 +\| baton: waiting for producer \(no record yet\)$' \
			'^consumer_1 +\| baton: producer is ready \(waited [0-9.]+s\)$' \
			'^consumer_1 +\| baton: started consumer '; then
		ok=$((ok + 1))
	else
		printf 'baton run %d: up exit %s, consumer and producer %s\n%s\n' "$i" "$rc" "$codes" "$out"
	fi
	if [ "$i" = 1 ]; then
		printf 'the first run with baton:\n'
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
	clean "$p"
done
e2e_check "with baton: $ok of $runs runs succeeded, the consumer's baton waiting for the producer" \
	test "$ok" -eq "$runs"

# down while the consumer's baton waits: up the consumer alone, wait for its log line.
p=down
dc -f "$examples/compose.yaml" -f "$DOCKER_LIB_NONET" -p "$p" up -d --no-deps consumer \
	>/dev/null 2>&1
e2e_check "down: the consumer's baton waits for the producer" \
	docker_lib_wait_log "${p}_consumer_1" '^baton: waiting for producer ' 30
since=$(date +%s.%N)
start=$SECONDS
dc -f "$examples/compose.yaml" -f "$DOCKER_LIB_NONET" -p "$p" down -v >/dev/null 2>&1
took=$((SECONDS - start))
dies=$(docker_lib_die_events "$since")
kills=$(docker_lib_kill_events "$since")
printf 'docker-compose down took %ss; died: %s; signals sent: %s\n' "$took" "$dies" "$kills"
e2e_check "down: the waiting consumer exited 143 (TERM before PROGRAM started)" \
	test "$dies" = "${p}_consumer_1 143"
e2e_check "down: docker sent TERM only, never KILL" test "$kills" = "${p}_consumer_1 15"
e2e_check "down: nothing left" test -z "$(dk ps -aq)"

e2e_done
