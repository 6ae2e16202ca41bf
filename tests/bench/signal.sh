#!/bin/bash
# SPDX-License-Identifier: MIT
# signal: how long a signal sent to the init takes to reach PROGRAM. The driver (siglat.c)
# takes CLOCK_MONOTONIC, sends SIGUSR1 to the init and waits until PROGRAM (a signalfd loop)
# writes back the CLOCK_MONOTONIC time it read the signal; the next signal goes only after
# that ack. "direct" sends to PROGRAM itself, without an init: the floor. Not as PID 1 (the
# driver must be able to name the init's pid). The inits take turns: SIGNAL_PASSES (default 8)
# passes of SIGNAL_COUNT (default 500) signals each.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need cc gcc
need tini tini
need tini-static tini-static
need dumb-init dumb-init
need catatonit catatonit
need_done
need_baton

PASSES=${SIGNAL_PASSES:-$(pick 8 2)}
COUNT=${SIGNAL_COUNT:-$(pick 500 200)}

LABELS=("direct (no init)" "baton (static)" tini-static tini dumb-init catatonit)
CMDS=(""
	"$BATON --"
	"$(command -v tini-static)"
	"$(command -v tini)"
	"$(command -v dumb-init)"
	"$(command -v catatonit) --")

build_c siglat
note "signal: ${#LABELS[@]} targets x $PASSES passes x $COUNT signals"
for pass in $(seq "$PASSES"); do
	for i in "${!LABELS[@]}"; do
		# shellcheck disable=SC2086 # CMDS entries are word lists
		"$T/siglat" send "$COUNT" "$T/fifo" "$T/lat.$i" ${CMDS[$i]} "$T/siglat" recv "$T/fifo" \
			</dev/null 2>"$T/err" || die "${LABELS[$i]}: $(cat "$T/err")"
	done
	note "signal: pass $pass done"
done

echo "### Signal forwarding latency (SIGUSR1, init -> PROGRAM)"
echo
echo "$((PASSES * COUNT)) signals per init, one at a time, from kill(2) to PROGRAM's signalfd read" \
	"(CLOCK_MONOTONIC); not PID 1."
echo
echo "| init | p50 | p90 | p99 | max | p50 added to direct |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
base=$(pct "$T/lat.0" 50)
for i in "${!LABELS[@]}"; do
	p50=$(pct "$T/lat.$i" 50)
	printf '| %s | %s us | %s us | %s us | %s us | %s us |\n' "${LABELS[$i]}" \
		"$(fmt 1000 1 "$p50")" "$(fmt 1000 1 "$(pct "$T/lat.$i" 90)")" \
		"$(fmt 1000 1 "$(pct "$T/lat.$i" 99)")" "$(fmt 1000 1 "$(pct "$T/lat.$i" 100)")" \
		"$(fmt 1000 1 "$((p50 - base))")"
done
echo
