#!/bin/bash
# SPDX-License-Identifier: MIT
# compose-depends: how soon docker-compose 1.29 starts a consumer once its producer is ready,
# with compose's own depends_on conditions against baton, on one pair. A private dockerd
# (tests/e2e/docker-lib.sh) runs every container with network_mode none.
#
# The producer becomes ready at a known moment: its PROGRAM (gatestamp, a static C program)
# blocks on a FIFO the host holds open, and the host writes to it a random 1-2 s after the
# producer started (so that the moment falls anywhere in a healthcheck's cycle). The program
# then takes the time (CLOCK_MONOTONIC, one clock for every container) and becomes ready; the
# consumer's PROGRAM takes the time first thing. Latency = consumer's time - producer's time.
#
#   healthy 30s   producer creates /tmp/ready; healthcheck `test -e /tmp/ready` at the default
#                 interval (30 s); consumer depends_on producer: condition: service_healthy
#   healthy 1s    the same with `interval: 1s`
#   baton file    producer `baton --name producer --ready-on file:/tmp/ready`, consumer
#                 `baton --after producer`, no depends_on (both start at once)
#   baton notify  the same with --ready-on notify: the producer sends READY=1 instead
#   completed     producer exits 0 at the moment (`read </FIFO; exec gatestamp stamp`);
#                 consumer depends_on producer: condition: service_completed_successfully
#   baton exit0   the same producer under `baton --name producer --ready-on exit0`, consumer
#                 `baton --after producer`
#
# COMPOSE_REPS (default 10; 3 for "healthy 30s", whose rounds take ~30 s each). Needs root,
# docker.io, docker-compose and cc. Takes ~5 minutes.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need cc gcc
need dockerd docker.io
need docker-compose docker-compose
need_done
need_baton
need_root

REPS=${COMPOSE_REPS:-$(pick 10 2)}
REPS_SLOW=${COMPOSE_REPS_SLOW:-$(pick 3 1)}
G=$T/gatestamp
cc -O2 -Wall -Wextra -static -o "$G" "$BENCH_DIR/gatestamp.c"

BUILD_ROOT=$T
# shellcheck source-path=SCRIPTDIR/../e2e source=../e2e/docker-lib.sh
. "$BENCH_DIR/../e2e/docker-lib.sh"
docker_lib_setup bench "$BATON" "$G"
trap 'docker_lib_stop; rm -rf "$E2E_WORK"; bench_cleanup' EXIT
OUT=$T/out
mkdir -p "$OUT"

# compose_file VARIANT: the compose file of VARIANT on stdout.
compose_file() {
	local producer consumer health='' depends=''
	case $1 in
	healthy*)
		producer='[gatestamp, ready, /out/trigger, /out/ready, "file:/tmp/ready"]'
		health='    healthcheck:
      test: [CMD, test, -e, /tmp/ready]'
		[ "$1" = healthy30 ] || health="$health
      interval: 1s"
		consumer='[gatestamp, stamp, /out/start]'
		depends='    depends_on:
      producer:
        condition: service_healthy'
		;;
	batonfile | batonnotify)
		local how=notify
		[ "$1" = batonnotify ] || how=file:/tmp/ready
		producer="[baton, --name, producer, --ready-on, \"$how\", --,
               gatestamp, ready, /out/trigger, /out/ready, \"$how\"]"
		consumer='[baton, --after, producer, --, gatestamp, stamp, /out/start]'
		;;
	completed)
		producer='[sh, -c, "read x </out/trigger; exec gatestamp stamp /out/ready"]'
		consumer='[gatestamp, stamp, /out/start]'
		depends='    depends_on:
      producer:
        condition: service_completed_successfully'
		;;
	batonexit0)
		producer='[baton, --name, producer, --ready-on, exit0, --,
               sh, -c, "read x </out/trigger; exec gatestamp stamp /out/ready"]'
		consumer='[baton, --after, producer, --, gatestamp, stamp, /out/start]'
		;;
	esac
	cat <<EOF
services:
  producer:
    image: $E2E_EXAMPLE_IMAGE
    network_mode: none
    command: $producer
    volumes: ["$OUT:/out", "baton:/run/baton"]
$health
  consumer:
    image: $E2E_EXAMPLE_IMAGE
    network_mode: none
    command: $consumer
    volumes: ["$OUT:/out", "baton:/run/baton"]
$depends
volumes:
  baton: {}
EOF
}

# round VARIANT N: one start of the pair; prints the latency in ms.
round() {
	local p=$1$2 up_pid ms
	rm -f "$OUT"/*
	mkfifo "$OUT/trigger"
	dc -f "$T/$1.yaml" -p "$p" up -d >"$T/up.log" 2>&1 &
	up_pid=$!
	# Opening the FIFO for writing returns once the producer has opened it: it has started.
	exec 3>"$OUT/trigger"
	sleep "$(printf '1.%03d' $((RANDOM % 1000)))"
	echo go >&3
	exec 3>&-
	wait "$up_pid" || {
		cat "$T/up.log" >&2
		die "$1: docker-compose up failed"
	}
	timeout 120 "$DOCKER_LIB_DOCKER" wait "${p}_consumer_1" >/dev/null
	if [ ! -s "$OUT/ready" ] || [ ! -s "$OUT/start" ]; then
		die "$1: no time stamps"
	fi
	ms=$(awk 'NR == FNR { r = $1; next } { printf "%.1f\n", ($1 - r) / 1e6 }' \
		"$OUT/ready" "$OUT/start")
	dk rm -f "${p}_consumer_1" "${p}_producer_1" >/dev/null
	dk volume rm "${p}_baton" >/dev/null
	echo "$ms"
}

declare -A TITLE=(
	[healthy30]="depends_on service_healthy, healthcheck every 30 s (default)"
	[healthy1]="depends_on service_healthy, healthcheck every 1 s"
	[batonfile]="baton --after, producer --ready-on file (probe)"
	[batonnotify]="baton --after, producer --ready-on notify"
	[completed]="depends_on service_completed_successfully"
	[batonexit0]="baton --after, producer --ready-on exit0"
)
VARIANTS=(healthy30 healthy1 batonfile batonnotify completed batonexit0)
[ -z "${COMPOSE_VARIANTS:-}" ] || read -r -a VARIANTS <<<"$COMPOSE_VARIANTS"

echo "### compose: depends_on conditions against baton" \
	"(docker-compose $(docker-compose version --short))"
echo
echo "Producer ready (a random 1-2 s after it started) -> consumer's PROGRAM runs, in ms."
echo
echo "| how the consumer waits | runs | median | min | max |"
echo "| --- | ---: | ---: | ---: | ---: |"
for v in "${VARIANTS[@]}"; do
	compose_file "$v" >"$T/$v.yaml"
	n=$REPS
	[ "$v" != healthy30 ] || n=$REPS_SLOW
	: >"$T/$v.ms"
	for i in $(seq "$n"); do
		round "$v" "$i" >>"$T/$v.ms"
		note "$v $i: $(tail -n 1 "$T/$v.ms") ms"
	done
	sort -n "$T/$v.ms" | awk -v t="${TITLE[$v]}" '{ a[NR] = $1 }
		END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
			printf "| %s | %d | %.0f | %.0f | %.0f |\n", t, NR, m, a[1], a[NR] }'
done
echo
