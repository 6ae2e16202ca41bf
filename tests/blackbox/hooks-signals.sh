#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Hooks run from baton's event loop, so signals keep flowing while they run (baton as PID 1):
#  - USR1 sent while a post-ready hook is blocked reaches PROGRAM before the hook ends;
#  - USR1 sent while a pre-stop hook is blocked reaches PROGRAM, and TERM only after the hook;
#  - TERM (or INT) during a pre-start hook ends baton at once with 143 (130), PROGRAM never
#    starts and the hook's process group is killed;
#  - --grace bounds the pre-stop hooks: a hung one is killed with PROGRAM at the deadline (137);
#  - a second TERM during pre-stop reaches PROGRAM at once.
# A hook is held on a FIFO the test opens when it wants the hook to end: no sleeps.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"
need_unshare

export L=$T/log W=$T
mkfifo "$T/release"
# blocked NAME: a hook that logs NAME-start, waits for the test, logs NAME-end.
blocked() {
	echo "echo $1-start >>\"\$L\"; read -r _ <\"\$W/release\"; echo $1-end >>\"\$L\""
}
release() {
	hang_guard 10 bash -c 'echo >"$1"' _ "$T/release" || fail "nobody read $T/release"
}

# --- USR1 during post-ready.
: >"$L"
start_pid1 "$T/out" "$T/err" --post-ready "$(blocked post-ready)" \
	-- "$HELPERS/sigreport" -l "$L" -x 15
wait_line "$L" '^post-ready-start$'
wait_line "$L" '^ready$'
kill -USR1 "$BATON_PID"
wait_line "$L" '^sig 10$'
assert_no_grep 'post-ready-end' "$L" "the post-ready hook still runs when USR1 arrives"
release
wait_line "$L" '^post-ready-end$'
kill -TERM "$BATON_PID"
wait_exit
assert_eq 0 "$RC" "USR1 during post-ready: exit status"
assert_order "$L" '^post-ready-start$' '^sig 10$' '^post-ready-end$' '^sig 15$'

# --- USR1 during pre-stop; TERM held back until the hook is done.
: >"$L"
start_pid1 "$T/out" "$T/err" --pre-stop "$(blocked pre-stop)" \
	-- "$HELPERS/sigreport" -l "$L" -x 15 -e 3
wait_line "$L" '^ready$'
kill -TERM "$BATON_PID"
wait_line "$L" '^pre-stop-start$'
kill -USR1 "$BATON_PID"
wait_line "$L" '^sig 10$'
assert_no_grep '^sig 15$' "$L" "TERM reached PROGRAM while pre-stop ran"
release
wait_exit
assert_eq 3 "$RC" "USR1 during pre-stop: exit status (sigreport exits 3 on TERM)"
assert_order "$L" '^pre-stop-start$' '^sig 10$' '^pre-stop-end$' '^sig 15$' '^exit 3$'

# --- TERM during pre-start, as PID 1: 143 at once, no PROGRAM.
: >"$L"
start_pid1 "$T/out" "$T/err" --name web --dir "$T/d" --pre-start "$(blocked pre-start)" \
	-- sh -c 'echo program >>"$L"'
wait_line "$L" '^pre-start-start$'
kill -TERM "$BATON_PID"
wait_exit
assert_eq 143 "$RC" "TERM during pre-start as PID 1: exit status"
assert_no_grep '^program$' "$L" "TERM during pre-start: PROGRAM was started"
assert_no_grep 'pre-start-end' "$L" "TERM during pre-start: the hook went on"
assert_eq 143 "$(record_get "$T/d" web exit)" "TERM during pre-start: the record"
assert_grep 'SIGTERM before PROGRAM started: exiting' "$T/err" "TERM during pre-start: logged"

# --- INT during pre-start, not PID 1: 130, and the hook's process group is killed with it.
: >"$L"
start_plain "$T/out" "$T/err" \
	--pre-start 'sleep 1000 & echo $! >"$W/child.pid"; echo pre-start-start >>"$L"; wait' \
	-- sh -c 'echo program >>"$L"'
wait_line "$L" '^pre-start-start$'
kill -INT "$BATON_PID"
wait_exit
assert_eq 130 "$RC" "INT during pre-start: exit status"
assert_no_grep '^program$' "$L" "INT during pre-start: PROGRAM was started"
wait_gone "$(cat "$T/child.pid")"

# --- --grace bounds pre-stop: a hung hook and PROGRAM are killed at the deadline.
: >"$L"
start_pid1 "$T/out" "$T/err" --grace 0.3 --pre-stop 'echo pre-stop-start >>"$L"; exec sleep 1000' \
	-- "$HELPERS/sigreport" -l "$L"
wait_line "$L" '^ready$'
kill -TERM "$BATON_PID"
wait_exit
assert_eq 137 "$RC" "a hung pre-stop hook: PROGRAM killed after --grace"
assert_grep '^pre-stop-start$' "$L" "the pre-stop hook ran"
assert_grep 'hook pre-stop\[1\].* killed' "$T/err" "the pre-stop hook was killed"
assert_grep 'PROGRAM still runs 0.3s after it was asked to stop: SIGKILL' "$T/err" \
	"PROGRAM killed at the grace deadline"

# --- A second TERM during pre-stop is not held back: PROGRAM gets it at once, and its exit
# cuts the pre-stop hook short.
: >"$L"
start_pid1 "$T/out" "$T/err" --pre-stop "$(blocked pre-stop)" -- "$HELPERS/sigreport" -l "$L" -x 15
wait_line "$L" '^ready$'
kill -TERM "$BATON_PID"
wait_line "$L" '^pre-stop-start$'
kill -TERM "$BATON_PID"
wait_exit
assert_eq 0 "$RC" "a second TERM during pre-stop: exit status"
assert_order "$L" '^pre-stop-start$' '^sig 15$' '^exit 0$'
assert_no_grep 'pre-stop-end' "$L" "a second TERM: the pre-stop hook was not waited for"
assert_grep 'hook pre-stop\[1\] killed: pre-stop hooks are cut short' "$T/err" \
	"a second TERM: PROGRAM's exit cut pre-stop short"
