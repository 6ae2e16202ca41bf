#!/bin/bash
# SPDX-License-Identifier: MIT
# startup: wall time of `INIT -- /bin/true` (start the init, start PROGRAM, reap it, exit)
# for baton and the anchors, against plain /bin/true. The commands run alternately, ROUNDS
# times each, under one C driver (spawnloop.c: posix_spawn + waitpid timed with
# CLOCK_MONOTONIC), so machine noise hits all of them alike. First not as PID 1 (a shell or CI
# job running the init as a wrapper), then as PID 1 of a fresh PID namespace (unshare --pid
# --fork --mount-proc: what a container runtime does; the namespace costs the same for all).
# Target: baton within 5% of tini-static.
#
# STARTUP_ROUNDS (default 2000), STARTUP_PID1_ROUNDS (default 500), STARTUP_WARMUP (default 50).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need cc gcc
need tini tini
need tini-static tini-static
need dumb-init dumb-init
need catatonit catatonit
need unshare util-linux
need_done
need_baton

ROUNDS=${STARTUP_ROUNDS:-$(pick 2000 200)}
PID1_ROUNDS=${STARTUP_PID1_ROUNDS:-$(pick 500 50)}
WARMUP=${STARTUP_WARMUP:-$(pick 50 10)}
NS=(unshare --pid --fork --mount-proc)

# table FILE: the markdown table of one spawnloop output, then the verdict on the target.
table() {
	local label med p10 p90 r_base r_ref baton_ref
	echo "| command | median | p10 | p90 | vs baseline | vs tini-static |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: |"
	while IFS=$'\t' read -r label med p10 p90 r_base r_ref; do
		printf '| %s | %s ms | %s ms | %s ms | %sx | %sx |\n' "$label" "$(fmt 1e6 3 "$med")" \
			"$(fmt 1e6 3 "$p10")" "$(fmt 1e6 3 "$p90")" "$(fmt 1 2 "$r_base")" \
			"$(fmt 1 3 "$r_ref")"
	done <"$1"
	baton_ref=$(awk -F'\t' '$1 ~ /^baton/ { print $6 }' "$1")
	echo
	if awk -v r="$baton_ref" 'BEGIN { exit !(r <= 1.05) }'; then
		echo "Target met: baton is $(fmt 1 3 "$baton_ref")x tini-static."
	else
		echo "Target MISSED: baton is $(fmt 1 3 "$baton_ref")x tini-static (goal <= 1.05x)."
	fi
	echo
}

build_c spawnloop
procs=$(find /proc -maxdepth 1 -name '[0-9]*' 2>/dev/null | wc -l)
note "startup: $ROUNDS alternating rounds of 6 commands, then $PID1_ROUNDS as PID 1"
"$T/spawnloop" "$ROUNDS" "$WARMUP" tini-static \
	"/bin/true" /bin/true ::: \
	"baton (static)" "$BATON" -- /bin/true ::: \
	"tini-static" "$(command -v tini-static)" /bin/true ::: \
	"tini" "$(command -v tini)" /bin/true ::: \
	"dumb-init" "$(command -v dumb-init)" /bin/true ::: \
	"catatonit" "$(command -v catatonit)" -- /bin/true >"$T/out"
"$T/spawnloop" "$PID1_ROUNDS" "$WARMUP" tini-static \
	"unshare /bin/true" "${NS[@]}" /bin/true ::: \
	"baton (static)" "${NS[@]}" "$BATON" -- /bin/true ::: \
	"tini-static" "${NS[@]}" "$(command -v tini-static)" /bin/true ::: \
	"tini" "${NS[@]}" "$(command -v tini)" /bin/true ::: \
	"dumb-init" "${NS[@]}" "$(command -v dumb-init)" /bin/true ::: \
	"catatonit" "${NS[@]}" "$(command -v catatonit)" -- /bin/true >"$T/out.pid1"

echo "### Startup: \`INIT -- /bin/true\`"
echo
echo "Median wall time of $ROUNDS alternating runs each (posix_spawn to waitpid), not PID 1;" \
	"the baseline is /bin/true alone. Ratios are medians of per-round ratios." \
	"$procs processes were running on the machine. Target: baton within 5% of tini-static."
echo
table "$T/out"
echo "As PID 1: \`unshare --pid --fork --mount-proc INIT -- /bin/true\`, $PID1_ROUNDS alternating" \
	"runs each; the baseline is \`unshare ... /bin/true\` without an init."
echo
table "$T/out.pid1"
