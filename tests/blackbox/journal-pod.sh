#!/usr/bin/env bash
# The journal of a small pod: every baton with ordering appends waiting, started, ready,
# stopping and exited lines (a signal as "signal N"), and baton timeline draws them with the
# chain of waits that decided when the last one became ready.
. "$(dirname "$0")/lib.sh"

D=$T/dir
bg_run DB "$T/db.out" "$T/db.err" "$BATON" --dir "$D" --name db -- sh -c 'sleep 0.2; exec sleep 100'
bg_run API "$T/api.out" "$T/api.err" "$BATON" --dir "$D" --name api --after db -- sleep 100
# Unnamed: it journals as its PROGRAM's name, and exits 3.
rc=0
hang_guard 30 "$BATON" --dir "$D" --after api -- sh -c 'exit 3' 2>"$T/w.err" || rc=$?
assert_eq 3 "$rc" "the waiter's exit status"
kill -TERM "$API"
wait "$API" || true
kill -KILL "$(child_of "$DB")"
rc=0
wait "$DB" || rc=$?
assert_eq 137 "$rc" "db's exit status"

J=$D/.journal
[ -f "$J" ] || fail "no journal in $D"
# Every line is a journal line.
if grep -Evq '^[0-9]+\.[0-9]{9} [a-z0-9-]+ [0-9a-f]+ (waiting [a-z0-9,-]+|started .+|ready|stopping|exited (signal )?[0-9]+)$' "$J"; then
	fail "not a journal line in $J: $(cat "$J")"
fi
event() { # NAME EVENT: the lines of NAME with EVENT
	awk -v n="$1" -v e="$2" '$2 == n && $4 == e' "$J"
}
assert_eq 1 "$(event db started | wc -l)" "db started"
assert_grep ' db [0-9a-f]\{32\} started sh$' "$J" "db's started line names its PROGRAM"
assert_eq 1 "$(event db ready | wc -l)" "db ready"
assert_grep ' db [0-9a-f]* exited signal 9$' "$J" "db killed by SIGKILL"
assert_grep ' api [0-9a-f]* waiting db$' "$J" "api waiting for db"
assert_eq 1 "$(event api stopping | wc -l)" "api stopping"
assert_grep ' api [0-9a-f]* exited signal 15$' "$J" "api's exit (TERM)"
assert_grep ' sh [0-9a-f]\{16\} waiting api$' "$J" "the unnamed waiter"
assert_grep ' sh [0-9a-f]* exited 3$' "$J" "the unnamed waiter's exit"
# The incarnation of a named baton is its record's.
[ "$(event db ready | awk '{print $3}')" = "$(record_get "$D" db incarnation)" ] ||
	fail "db's journal incarnation is not its record's"
# Time order: api waited, and started only once db was ready.
t_wait=$(event api waiting | awk '{print $1}')
t_start=$(event api started | awk '{print $1}')
t_db=$(event db ready | awk '{print $1}')
awk -v a="$t_db" -v b="$t_start" -v w="$t_wait" 'BEGIN { exit !(w <= b && a <= b) }' ||
	fail "api started ($t_start) before db was ready ($t_db) or before it waited ($t_wait)"

rc=0
"$BATON" timeline --dir "$D" >"$T/tl.out" 2>"$T/tl.err" || rc=$?
assert_eq 0 "$rc" "baton timeline's exit status"
assert_grep '^critical path: db -> api -> sh (ready at [0-9.]*s)$' "$T/tl.out" "critical path"
assert_grep '^\* db  *|.*| up [0-9.]*s sig 9$' "$T/tl.out" "db's row"
assert_grep '^\* sh  *|.*| up [0-9.]*s exit 3$' "$T/tl.out" "the waiter's row"
awk 'length > 80 { exit 1 }' "$T/tl.out" || fail "a line wider than 80 columns"
if grep -q "$(printf '\033')" "$T/tl.out"; then fail "colours when stdout is not a terminal"; fi
[ ! -s "$T/tl.err" ] || fail "timeline wrote to stderr: $(cat "$T/tl.err")"

# Nothing to draw: exit 1 and one line. Usage errors: 64.
rc=0
"$BATON" timeline --dir "$T/empty" >/dev/null 2>"$T/e.err" || rc=$?
assert_eq 1 "$rc" "timeline without a journal"
assert_grep "^baton: no journal entries in $T/empty\$" "$T/e.err" "the message"
[ ! -e "$T/empty" ] || fail "timeline created $T/empty"
rc=0
"$BATON" timeline --dir "$D" extra >/dev/null 2>&1 || rc=$?
assert_eq 64 "$rc" "timeline with an argument"
rc=0
"$BATON" timeline --dir "$D" --svg "$T/no/such/dir/x.svg" >/dev/null 2>"$T/s.err" || rc=$?
assert_eq 71 "$rc" "timeline --svg into a missing directory"
assert_grep "cannot write $T/no/such/dir/x.svg" "$T/s.err" "the message"
