#!/usr/bin/env bash
# --watchdog: a PROGRAM that stops sending WATCHDOG=1 is stopped (TERM, then KILL after --grace).
. "$(dirname "$0")/lib.sh"
need_unshare

S=$HELPERS/dgram

# WATCHDOG_USEC and WATCHDOG_PID (PROGRAM's own pid) are in PROGRAM's environment; baton's own
# WATCHDOG_* (from its supervisor) are not passed down, nor set without --watchdog.
container "$BATON" --watchdog 2.5 -- sh -c 'echo "$WATCHDOG_USEC $WATCHDOG_PID $$" >"$1"' sh \
	"$T/env" 2>/dev/null
read -r usec wpid self <"$T/env"
assert_eq 2500000 "$usec" "WATCHDOG_USEC"
assert_eq "$self" "$wpid" "WATCHDOG_PID (PROGRAM's pid)"
env BATON_WATCHDOG=1 "$BATON" -- sh -c 'echo "$WATCHDOG_USEC" >"$1"' sh "$T/env" 2>/dev/null
assert_eq 1000000 "$(cat "$T/env")" "WATCHDOG_USEC from BATON_WATCHDOG"
env WATCHDOG_USEC=123 WATCHDOG_PID=1 "$BATON" -- sh -c 'echo "[${WATCHDOG_USEC-unset}] [${WATCHDOG_PID-unset}]" >"$1"' \
	sh "$T/env" 2>/dev/null
assert_eq "[unset] [unset]" "$(cat "$T/env")" "WATCHDOG_* without --watchdog"

# Pings a few times, then stops, ignoring TERM: TERM, then KILL after --grace; exit 137.
bg_container P "$T/a.out" "$T/a.err" "$BATON" --name hung --dir "$T" --watchdog 2 --grace 0.5 \
	-- sh -c 'trap "" TERM; for i in 1 2 3; do "$1" -b WATCHDOG=1; done; echo stopped >"$2";
		exec sleep 1000' sh "$S" "$T/a.stopped"
rc=0
wait "$P" || rc=$?
assert_eq 137 "$rc" "a PROGRAM that stopped pinging and ignores TERM"
assert_grep 'no WATCHDOG=1 from PROGRAM for 2s' "$T/a.err" "the watchdog's line"
assert_grep 'stopping PROGRAM (watchdog); SIGKILL in 0.5s' "$T/a.err" "the stop"
assert_grep 'PROGRAM still runs 0.5s after it was asked to stop: SIGKILL' "$T/a.err" "the KILL"
[ -s "$T/a.stopped" ] || fail "PROGRAM was stopped before it stopped pinging"
assert_eq 137 "$(record_get "$T" hung exit)" "hung's recorded exit"

# One that never pings at all, and obeys TERM: 143.
rc=0
container "$BATON" --watchdog 0.3 -- sleep 1000 2>"$T/b.err" || rc=$?
assert_eq 143 "$rc" "a PROGRAM that never pinged"
assert_grep 'no WATCHDOG=1 from PROGRAM for 0.3s' "$T/b.err" "the watchdog's line"

# WATCHDOG=trigger stops it at once.
rc=0
container "$BATON" --watchdog 1000 -- sh -c '"$1" -b WATCHDOG=trigger; exec sleep 1000' sh "$S" \
	2>"$T/c.err" || rc=$?
assert_eq 143 "$rc" "WATCHDOG=trigger"
assert_grep 'PROGRAM sent WATCHDOG=trigger' "$T/c.err" "the trigger's line"

# One that keeps pinging (every 50 ms against 5 s) for 30 pings runs to its own end.
rc=0
container "$BATON" --watchdog 5 -- sh -c 'for i in $(seq 1 30); do "$1" -b WATCHDOG=1 || exit 1;
	sleep 0.05; done; exit 4' sh "$S" 2>"$T/d.err" || rc=$?
assert_eq 4 "$rc" "a PROGRAM that kept pinging"
assert_no_grep 'WATCHDOG' "$T/d.err" "a watchdog line for a pinging PROGRAM"

# Bad values are usage errors.
for bad in -1 abc 0.001 1e3; do
	rc=0
	"$BATON" --watchdog "$bad" -- true 2>/dev/null || rc=$?
	assert_eq 64 "$rc" "--watchdog '$bad'"
done
