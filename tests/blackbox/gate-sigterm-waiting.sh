#!/usr/bin/env bash
# SIGTERM (or INT) while waiting for --after: baton exits 128+N and PROGRAM never starts.
. "$(dirname "$0")/lib.sh"
need_unshare

D=$T/dir
mkdir "$D"

# As PID 1 of a container, named (its record ends as exited 143).
bg_container C "$T/c.out" "$T/c.err" \
	"$BATON" --name consumer --dir "$D" --after producer -- touch "$T/ran"
wait_line "$T/c.err" 'waiting for producer (no record yet)'
kill -TERM "$(child_of "$C")"
rc=0
wait "$C" || rc=$?
assert_eq 143 "$rc" "PID 1 baton TERMed while waiting"
[ ! -e "$T/ran" ] || fail "PROGRAM ran after TERM"
assert_grep 'SIGTERM before PROGRAM started: exiting' "$T/c.err" "the log"
assert_eq exited "$(record_get "$D" consumer state)" "consumer's record"
assert_eq 143 "$(record_get "$D" consumer exit)" "consumer's recorded exit"

# Not PID 1, SIGINT; and a producer that turns up afterwards does not revive it.
bg_run C "$T/c2.out" "$T/c2.err" "$BATON" --dir "$D" --after producer -- touch "$T/ran"
wait_line "$T/c2.err" 'waiting for producer (no record yet)'
kill -INT "$C"
rc=0
wait "$C" || rc=$?
assert_eq 130 "$rc" "baton INTed while waiting"
"$BATON" --name producer --dir "$D" -- true 2>/dev/null
[ ! -e "$T/ran" ] || fail "PROGRAM ran after INT"

# Other signals while waiting are not a reason to leave (nor to start).
bg_run C "$T/c3.out" "$T/c3.err" "$BATON" -v --dir "$D" --after again -- touch "$T/ran"
wait_line "$T/c3.err" 'waiting for again (no record yet)'
kill -HUP "$C"
kill -USR1 "$C"
wait_line "$T/c3.err" 'SIGUSR1: no PROGRAM yet, ignored'
kill -0 "$C" || fail "baton left on HUP/USR1 while waiting"
[ ! -e "$T/ran" ] || fail "PROGRAM ran after HUP/USR1"
kill -TERM "$C"
rc=0
wait "$C" || rc=$?
assert_eq 143 "$rc" "baton TERMed after HUP and USR1"
[ ! -e "$T/ran" ] || fail "PROGRAM ran"
