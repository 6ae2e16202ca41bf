#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --exit-with NAME: a sidecar that shares --dir with a main container stops once main's record
# says exited or done, or main's baton is gone: pre-stop hooks, then TERM, then KILL after
# --grace. A PROGRAM that dies of that TERM (143) is reported as 0: the sidecar did its job,
# whatever main's own status was (0 and 1 both give 0 here). PROGRAM's own exit codes pass
# through, and one that has to be KILLed reports 137. Cases: main exits 0, main exits 1, main's
# baton is SIGKILLed, main finished before the sidecar started (it starts, then stops at
# once); the sidecar as PID 1. --exit-with naming the container itself is a usage error (64).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"
need_unshare

export L=$T/log
D=$T/run
mkdir -p "$D"

# sidecar ARGS...: starts the sidecar (as PID 1) and waits until it is published ready.
sidecar() {
	rm -f "$D/side"
	start_pid1 "$T/side.out" "$T/side.err" --name side --dir "$D" --exit-with main "$@"
	wait_line "$D/side" '^state=ready'
}

# --- main exits 0, then main exits 1: the sidecar stops and reports 0 either way.
for code in 0 1; do
	rm -f "$D/main"
	: >"$L"
	sidecar --pre-stop 'echo "pre-stop" >>"$L"' -- sh -c 'echo started >>"$L"; exec sleep 1000'
	wait_line "$L" '^started$'
	# main runs and is ready; the sidecar is unmoved by that.
	rc=0
	"$BATON" --name main --dir "$D" -- sh -c "exit $code" >"$T/main.out" 2>"$T/main.err" || rc=$?
	assert_eq "$code" "$rc" "main exits $code"
	wait_exit
	assert_eq 0 "$RC" "sidecar after main exited $code"
	assert_grep '^pre-stop$' "$L" "main exited $code: the sidecar's pre-stop hook ran"
	assert_grep "main: exited $code" "$T/side.err" "main exited $code: the sidecar says why it stops"
	assert_grep 'stopping PROGRAM (--exit-with)' "$T/side.err" "main exited $code: the stop"
	assert_eq exited "$(record_get "$D" side state)" "main exited $code: the sidecar's record"
	assert_eq 0 "$(record_get "$D" side exit)" "main exited $code: the sidecar's recorded status"
done

# --- The order: pre-stop before TERM; PROGRAM's own exit code passes through.
rm -f "$D/main"
: >"$L"
sidecar --pre-stop 'echo "pre-stop" >>"$L"' -- "$HELPERS/sigreport" -l "$L" -x 15 -e 3
wait_line "$L" '^ready$'
"$BATON" --name main --dir "$D" -- true 2>"$T/main.err"
wait_exit
assert_eq 3 "$RC" "a sidecar that exits 3 on TERM"
assert_order "$L" '^ready$' '^pre-stop$' '^sig 15$' '^exit 3$'

# --- main's baton is SIGKILLed (its whole container dies with it): the owner is gone.
rm -f "$D/main"
bg_container MAIN "$T/main.out" "$T/main.err" "$BATON" --name main --dir "$D" -- sleep 1000
wait_line "$D/main" '^state=ready'
: >"$L"
sidecar --pre-stop 'echo "pre-stop" >>"$L"' -- sleep 1000
assert_eq ready "$(record_get "$D" main state)" "main's record before the kill"
kill -KILL "$(child_of "$MAIN")"
wait_exit
assert_eq 0 "$RC" "sidecar after main's baton was killed"
assert_grep 'main: owner gone' "$T/side.err" "main killed: the sidecar says why it stops"
assert_grep '^pre-stop$' "$L" "main killed: the sidecar's pre-stop hook ran"
end_bg "$MAIN"

# --- main finished before the sidecar started: PROGRAM starts, then stops at once (the
# sidecar is never published ready).
"$BATON" --name main --dir "$D" -- sh -c 'exit 0' 2>"$T/main.err"
: >"$L"
RC=0
container "$BATON" --name side --dir "$D" --exit-with main --pre-stop 'echo "pre-stop" >>"$L"' \
	-- sh -c 'echo started >>"$L"; exec sleep 1000' >"$T/side.out" 2>"$T/side.err" || RC=$?
assert_eq 0 "$RC" "sidecar started after main finished"
assert_grep '^pre-stop$' "$L" "sidecar started after main finished: its pre-stop hook ran"
assert_order "$T/side.err" 'started sh' 'main: exited 0' 'stopping PROGRAM (--exit-with)'
assert_no_grep 'published ready' "$T/side.err" "sidecar started after main finished: never ready"

# --- A sidecar that ignores TERM is KILLed after --grace: 137, not 0.
rm -f "$D/main"
: >"$L"
sidecar --grace 0.3 -- "$HELPERS/sigreport" -l "$L"
wait_line "$L" '^ready$'
"$BATON" --name main --dir "$D" -- true 2>"$T/main.err"
wait_exit
assert_eq 137 "$RC" "a sidecar that ignores TERM"
assert_grep '^sig 15$' "$L" "the sidecar got TERM first"
assert_grep 'PROGRAM still runs 0.3s after it was asked to stop: SIGKILL' "$T/side.err" \
	"the sidecar was KILLed after --grace"
assert_eq 137 "$(record_get "$D" side exit)" "the sidecar's recorded status"

# --- TERM from outside is not --exit-with: 143 passes through.
rm -f "$D/main"
sidecar -- sleep 1000
kill -TERM "$BATON_PID"
wait_exit
assert_eq 143 "$RC" "a sidecar stopped by TERM from outside"

# --- Naming itself: a usage error, nothing started; from a configuration file too.
rc=0
"$BATON" --name side --dir "$D" --exit-with side -- touch "$T/ran" >"$T/out" 2>"$T/err" || rc=$?
assert_eq 64 "$rc" "--exit-with naming itself"
assert_grep "exit-with: 'side' is this container's own name" "$T/err" "--exit-with naming itself: the reason"
printf 'name: side\nexit-with: side\ncommand: [touch, %s]\n' "$T/ran" >"$T/self.yaml"
rc=0
"$BATON" --dir "$D" --config "$T/self.yaml" >"$T/out" 2>"$T/err" || rc=$?
assert_eq 64 "$rc" "exit-with naming itself in a configuration file"
[ ! -e "$T/ran" ] || fail "--exit-with naming itself: PROGRAM was started"
