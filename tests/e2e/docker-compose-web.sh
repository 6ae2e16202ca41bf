#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# examples/shared-volume under docker-compose 1.29, against a private dockerd (docker-lib.sh),
# the server and the writer with network_mode none (the client joins the server's namespace).
# E2E_RUNS (default 10) runs of each file; the client reports the first answer it got.
#  - compose.race.yaml (no baton): each run must end the documented way (200, or 404 before
#    the writer's first append); the 404 rate is only reported, as a note on stderr.
#  - compose.yaml (baton): every first answer must be 200, and the server's log must show the
#    order: its baton saw "writer is ready" before it started httpd.
#  - `docker-compose down` on the last run with baton: the server (httpd) and the writer (a
#    shell loop) stop on docker's TERM, which their batons forward, and exit with 143 as the
#    README says; docker never needs its KILL. The time down took is printed.
# Exit 0 passed, 1 failed, 77 no docker.io or docker-compose here.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=docker-lib.sh
. "$here/docker-lib.sh"

docker_lib_setup compose-web
docker_lib_nonet server writer
examples=$e2e_repo/examples/shared-volume

# clean PROJECT: removes the project's containers (SIGKILL: without baton httpd, as PID 1,
# ignores TERM) and volumes.
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

# up FILE PROJECT: `docker-compose up -d`, then waits for the client. Sets code (the client's
# exit code) and log (its output).
up() {
	local out rc=0
	out=$(dc -f "$1" -f "$DOCKER_LIB_NONET" -p "$2" up -d 2>&1) || rc=$?
	if [ "$rc" != 0 ]; then
		printf '%s\n' "$out"
		code="up failed ($rc)"
		log=
		return
	fi
	code=$(timeout 60 "$DOCKER_LIB_DOCKER" wait "${2}_client_1" 2>&1) || code="wait failed: $code"
	log=$(dk logs "${2}_client_1" 2>&1) || true
}

race_404=0
race_odd=0
for i in $(seq "$E2E_RUNS"); do
	p=race$i
	up "$examples/compose.race.yaml" "$p"
	if [ "$code" = 0 ] && e2e_has_line "$log" "client: first answer: HTTP 200 OK"; then
		:
	elif [ "$code" = 1 ] && e2e_has_line "$log" "client: first answer: HTTP/1.1 404 Not Found"; then
		race_404=$((race_404 + 1))
	else
		race_odd=$((race_odd + 1))
		printf 'racy run %d: client %s\n%s\n' "$i" "$code" "$log"
	fi
	clean "$p"
done
e2e_check "without baton: every client ended the documented way (200, or 404)" \
	test "$race_odd" -eq 0
e2e_note "without baton the first answer was 404 in $(e2e_percent "$race_404" "$E2E_RUNS") runs"

ok=0
for i in $(seq "$E2E_RUNS"); do
	p=baton$i
	up "$examples/compose.yaml" "$p"
	server=$(dk logs "${p}_server_1" 2>&1) || true
	if [ "$code" = 0 ] && e2e_has_line "$log" "client: first answer: HTTP 200 OK" &&
		e2e_in_order "$server" '^baton\[server\]: writer is ready \(waited [0-9.]+s\)$' \
			'^baton\[server\]: started httpd '; then
		ok=$((ok + 1))
	else
		printf 'baton run %d: client %s\n%s\nserver:\n%s\n' "$i" "$code" "$log" "$server"
	fi
	[ "$i" = "$E2E_RUNS" ] || clean "$p"
done
e2e_check "with baton: 200 in $ok of $E2E_RUNS runs, httpd started once the page existed" \
	test "$ok" -eq "$E2E_RUNS"

since=$(date +%s.%N)
start=$SECONDS
dc -f "$examples/compose.yaml" -f "$DOCKER_LIB_NONET" -p "$p" down -v >/dev/null 2>&1
took=$((SECONDS - start))
dies=$(docker_lib_die_events "$since" | sort)
kills=$(docker_lib_kill_events "$since" | sort)
printf 'docker-compose down took %ss; died: %s; signals sent: %s\n' "$took" "${dies//$'\n'/, }" \
	"${kills//$'\n'/, }"
e2e_check "down: server and writer exited 143 (TERM forwarded to httpd and the shell)" \
	test "$dies" = "${p}_server_1 143"$'\n'"${p}_writer_1 143"
e2e_check "down: docker sent TERM only, never KILL" \
	test "$kills" = "${p}_server_1 15"$'\n'"${p}_writer_1 15"
e2e_check "down: nothing left" test -z "$(dk ps -aq)$(dk volume ls -q)"

e2e_done
