#!/bin/bash
# SPDX-License-Identifier: MIT
# reap: a burst of N orphans under each init as PID 1 (unshare --pid --fork --mount-proc).
# PROGRAM (burst.c) forks N children that each fork a grandchild and exit at once; every
# grandchild exits at once too and is left for PID 1 to reap. Reported: the time from the first
# fork until no process but PID 1 and PROGRAM is left in the namespace, how much of that came
# after the last fork (the init falling behind), and the CPU time PID 1 used meanwhile. The
# inits run alternately; medians of REAP_RUNS_SMALL (default 5) runs of 1000 orphans and
# REAP_RUNS_LARGE (default 3) runs of 10000.
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
need_root

SMALL=${REAP_SMALL:-1000}
LARGE=${REAP_LARGE:-$(pick 10000 2000)}
RUNS_SMALL=${REAP_RUNS_SMALL:-$(pick 5 2)}
RUNS_LARGE=${REAP_RUNS_LARGE:-$(pick 3 1)}

LABELS=("baton (static)" tini-static tini dumb-init catatonit)
CMDS=("$BATON --"
	"$(command -v tini-static)"
	"$(command -v tini)"
	"$(command -v dumb-init)"
	"$(command -v catatonit) --")

build_c burst
note "reap: ${#LABELS[@]} inits, $RUNS_SMALL x $SMALL and $RUNS_LARGE x $LARGE orphans"
for spec in "$SMALL:$RUNS_SMALL" "$LARGE:$RUNS_LARGE"; do
	n=${spec%%:*}
	for run in $(seq "${spec#*:}"); do
		for i in "${!LABELS[@]}"; do
			# shellcheck disable=SC2086 # CMDS entries are word lists
			unshare --pid --fork --mount-proc ${CMDS[$i]} "$T/burst" "$n" "$T/out.$i.$n" \
				</dev/null >/dev/null 2>"$T/err" ||
				die "${LABELS[$i]}: burst of $n failed: $(cat "$T/err")"
		done
		note "reap: $n orphans, run $run done"
	done
done

echo "### Reaping a burst of orphans (as PID 1)"
echo
echo "Median over runs. \"all reaped\": first fork until no zombie is left; \"behind\": the part" \
	"of it after the last fork; \"init CPU\": CPU time PID 1 used meanwhile (per orphan in" \
	"parentheses). Making the orphans costs the same under every init."
echo
echo "| init | orphans | runs | all reaped | behind | init CPU |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for n in "$SMALL" "$LARGE"; do
	for i in "${!LABELS[@]}"; do
		f="$T/out.$i.$n"
		awk '{ print $3 }' "$f" >"$T/total"
		awk '{ print $3 - $2 }' "$f" >"$T/behind"
		awk '{ print $4 }' "$f" >"$T/cpu"
		cpu=$(pct "$T/cpu" 50)
		printf '| %s | %s | %s | %s ms | %s ms | %s ms (%s us) |\n' "${LABELS[$i]}" "$n" \
			"$(wc -l <"$f")" "$(fmt 1e6 0 "$(pct "$T/total" 50)")" \
			"$(fmt 1e6 2 "$(pct "$T/behind" 50)")" "$(fmt 1e6 1 "$cpu")" \
			"$(fmt $((n * 1000)) 1 "$cpu")"
	done
done
echo
