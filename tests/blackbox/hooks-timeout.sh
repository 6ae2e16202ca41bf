#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A hook that hangs is SIGKILLed at --hook-timeout together with its process group (a child it
# started in the background dies too), and baton carries on: a hung post-ready hook leaves
# PROGRAM alone, a hung pre-start hook is a failure (79), a hung post-exit hook delays baton's
# exit only until the timeout (the timeout from the configuration file here). A later phase
# cuts a still-running earlier phase short: TERM during a hung post-ready hook kills it and
# runs pre-stop, and PROGRAM's exit kills a post-ready hook that still runs (and ignores TERM)
# even when there are no post-exit hooks.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"

export W=$T
# A hook that records its pid and its background child's, then waits for that child forever.
hang='echo $$ >"$W/hook.pid"; sleep 1000 & echo $! >"$W/child.pid"; wait'

# hook_killed: the hanging hook and its child are gone.
hook_killed() {
	wait_line "$T/child.pid" '[0-9]'
	wait_gone "$(cat "$T/hook.pid")"
	wait_gone "$(cat "$T/child.pid")"
	rm -f "$T/hook.pid" "$T/child.pid"
}

# --- post-ready: killed at the timeout; PROGRAM keeps running and gets nothing.
start_plain "$T/out" "$T/err" --hook-timeout 0.2 --post-ready "$hang" \
	-- "$HELPERS/sigreport" -l "$T/prog.log" -x 15
wait_line "$T/err" 'hook post-ready\[1\] still runs after 0.2s: killed'
hook_killed
wait_line "$T/prog.log" '^ready$'
kill -0 "$BATON_PID" || fail "baton exited after a hook timed out"
assert_no_grep '^sig ' "$T/prog.log" "PROGRAM got a signal because a hook timed out"
kill -TERM "$BATON_PID"
wait_exit
assert_eq 0 "$RC" "post-ready timeout: baton's exit status (sigreport exits 0 on TERM)"

# --- pre-start: a timeout is a failure; PROGRAM never starts.
RC=0
"$BATON" --name web --dir "$T/d" --hook-timeout 0.2 --pre-start "$hang" \
	-- touch "$T/program-ran" >"$T/out" 2>"$T/err" || RC=$?
assert_eq 79 "$RC" "pre-start timeout: exit status"
[ ! -e "$T/program-ran" ] || fail "pre-start timeout: PROGRAM was started"
assert_eq 79 "$(record_get "$T/d" web exit)" "pre-start timeout: the record"
assert_grep 'hook pre-start\[1\] still runs after 0.2s: killed' "$T/err" "pre-start timeout: logged"
hook_killed

# --- post-exit, with the timeout from the configuration file: baton exits with PROGRAM's status.
printf 'hooks:\n  timeout: 0.2\n  post-exit: %s\n' "'$hang'" >"$T/c.yaml"
RC=0
"$BATON" --config "$T/c.yaml" -- sh -c 'exit 4' >"$T/out" 2>"$T/err" || RC=$?
assert_eq 4 "$RC" "post-exit timeout: PROGRAM's status"
assert_grep 'hook post-exit\[1\] still runs after 0.2s: killed' "$T/err" "post-exit timeout: logged"
hook_killed

# --- a later phase cuts an earlier one short: TERM during a hung post-ready hook.
: >"$T/prog.log"
start_plain "$T/out" "$T/err" --post-ready "$hang" --pre-stop 'echo pre-stop >>"$W/prog.log"' \
	-- "$HELPERS/sigreport" -l "$T/prog.log" -x 15
wait_line "$T/child.pid" '[0-9]'
wait_line "$T/prog.log" '^ready$'
kill -TERM "$BATON_PID"
wait_exit
assert_eq 0 "$RC" "TERM during post-ready: exit status"
assert_grep 'hook post-ready\[1\] killed: post-ready hooks are cut short' "$T/err" \
	"TERM during post-ready: the hook was cut short"
assert_order "$T/prog.log" '^pre-stop$' '^sig 15$'
hook_killed

# --- PROGRAM's exit cuts a post-ready hook short, without post-exit hooks to do it. The hook
# ignores TERM: taken for PROGRAM's leftover, it would hold baton for the whole --grace.
mkfifo "$T/started"
start_plain "$T/out" "$T/err" --grace 1000 \
	--post-ready 'trap "" TERM; echo $$ >"$W/hook.pid"; echo x >"$W/started"; exec sleep 1000' \
	-- sh -c 'read -r _ <"$W/started"; exit 4'
wait_exit
assert_eq 4 "$RC" "PROGRAM exited during post-ready: its status"
assert_grep 'hook post-ready\[1\] killed: post-ready hooks are cut short' "$T/err" \
	"PROGRAM's exit cut post-ready short"
wait_gone "$(cat "$T/hook.pid")"
