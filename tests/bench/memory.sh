#!/bin/bash
# SPDX-License-Identifier: MIT
# memory: what each init keeps resident while it supervises `sleep 1000`, as a real PID 1
# (unshare --pid --fork --mount-proc) and not: VmRSS and RssAnon from /proc/PID/status and Pss
# from /proc/PID/smaps_rollup, the median of MEMORY_RUNS runs (default 5). RssAnon is the part
# that is the init's own (heap, stack, written data); the rest is the binary's pages and, for a
# dynamic init, shared libraries. Then the binaries' sizes.
# Targets: baton resident at most 1 MiB, the static stripped binary at most 1 MiB.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need tini tini
need tini-static tini-static
need dumb-init dumb-init
need catatonit catatonit
need unshare util-linux
need strip binutils
need file file
need_done
need_baton
need_root

RUNS=${MEMORY_RUNS:-$(pick 5 2)}
MIB=1024 # kB

# Labels and command prefixes; PROGRAM (sleep 1000) is appended.
LABELS=("baton (static)" "baton --name (gate + notify)" tini-static tini dumb-init catatonit)
CMDS=("$BATON --"
	"$BATON --dir $T/gate --name mem --ready-on notify --"
	"$(command -v tini-static)"
	"$(command -v tini)"
	"$(command -v dumb-init)"
	"$(command -v catatonit) --")

INIT_PID=""

# find_init TOP: the init is unshare's child.
find_init() {
	INIT_PID=$(children "$1")
	INIT_PID=${INIT_PID%% *}
	[ -n "$INIT_PID" ]
}

# supervising PID: PID has a child that already runs sleep.
supervising() {
	local c
	for c in $(children "$1"); do
		[ "$(cat "/proc/$c/comm" 2>/dev/null)" = sleep ] && return 0
	done
	return 1
}

# measure MODE CMD...: sets RSS, PSS and ANON (kB) of the init supervising sleep 1000.
measure() {
	local mode=$1 top c
	shift
	if [ "$mode" = pid1 ]; then
		unshare --pid --fork --mount-proc "$@" sleep 1000 </dev/null >/dev/null 2>&1 &
		top=$!
		wait_until 5 find_init "$top" || die "$*: no init under unshare"
	else
		"$@" sleep 1000 </dev/null >/dev/null 2>&1 &
		top=$!
		INIT_PID=$top
	fi
	wait_until 5 supervising "$INIT_PID" || die "$*: never started sleep"
	RSS=$(awk '/^VmRSS:/ { print $2 }' "/proc/$INIT_PID/status")
	ANON=$(awk '/^RssAnon:/ { print $2 }' "/proc/$INIT_PID/status")
	PSS=$(awk '/^Pss:/ { print $2 }' "/proc/$INIT_PID/smaps_rollup")
	if [ "$mode" = pid1 ]; then
		kill -KILL "$INIT_PID" # takes the whole PID namespace with it
	else
		for c in $(children "$INIT_PID"); do
			kill -KILL "$c" 2>/dev/null || true
		done
	fi
	wait "$top" 2>/dev/null || true
}

note "memory: ${#LABELS[@]} inits x 2 modes x $RUNS runs"
for run in $(seq "$RUNS"); do
	for i in "${!LABELS[@]}"; do
		for mode in child pid1; do
			rm -rf "$T/gate"
			# shellcheck disable=SC2086 # CMDS entries are word lists
			measure "$mode" ${CMDS[$i]}
			echo "$RSS" >>"$T/rss.$i.$mode"
			echo "$PSS" >>"$T/pss.$i.$mode"
			echo "$ANON" >>"$T/anon.$i.$mode"
		done
	done
	note "memory: run $run done"
done

echo "### Memory while supervising \`sleep 1000\`"
echo
echo "Median of $RUNS runs, in KiB. \"child\": started by a shell (baton and catatonit make" \
	"themselves subreapers); \"PID 1\": under \`unshare --pid --fork --mount-proc\`." \
	"Target: baton at most 1 MiB resident."
echo
echo "| init | VmRSS (child) | Pss (child) | RssAnon (child) | VmRSS (PID 1) | Pss (PID 1) | RssAnon (PID 1) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for i in "${!LABELS[@]}"; do
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "${LABELS[$i]}" \
		"$(pct "$T/rss.$i.child" 50)" "$(pct "$T/pss.$i.child" 50)" "$(pct "$T/anon.$i.child" 50)" \
		"$(pct "$T/rss.$i.pid1" 50)" "$(pct "$T/pss.$i.pid1" 50)" "$(pct "$T/anon.$i.pid1" 50)"
done
worst=$(cat "$T"/rss.[01].* | sort -n | tail -1)
echo
if [ "$worst" -le "$MIB" ]; then
	echo "Target met: baton's largest VmRSS in any run is $worst KiB (<= $MIB KiB)."
else
	echo "Target MISSED: baton's largest VmRSS is $worst KiB (goal <= $MIB KiB)."
fi
echo

strip -o "$T/baton.stripped" "$BATON"
echo "### Binary size"
echo
echo "Target: the static, stripped baton at most 1 MiB (1,048,576 bytes)."
echo
echo "| binary | linkage | bytes | KiB |"
echo "| --- | --- | ---: | ---: |"
size_row() {
	local bytes
	bytes=$(stat -c %s "$3")
	printf '| %s | %s | %s | %s |\n' "$1" "$2" "$bytes" "$(fmt 1024 0 "$bytes")"
}
size_row "baton (as built)" "$(file -b "$BATON" | grep -o 'statically linked\|dynamically linked'), $(file -b "$BATON" | grep -o 'not stripped\|stripped' | head -1)" "$BATON"
size_row "baton (strip again)" "static, stripped" "$T/baton.stripped"
size_row tini-static "static, stripped" "$(command -v tini-static)"
size_row catatonit "static, stripped" "$(command -v catatonit)"
size_row tini "dynamic (+ libc)" "$(command -v tini)"
size_row dumb-init "dynamic (+ libc)" "$(command -v dumb-init)"
bytes=$(stat -c %s "$T/baton.stripped")
echo
if [ "$bytes" -le 1048576 ]; then
	echo "Target met: $bytes bytes (<= 1,048,576)."
else
	echo "Target MISSED: $bytes bytes (goal <= 1,048,576)."
fi
echo
