#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The four hook phases against PROGRAM and the gate, with baton as PID 1. Every hook and PROGRAM
# append to one log (O_APPEND), and each hook also writes down the gate's state as it found it:
#   pre-start   after --after is ready (it finds dep ready), before PROGRAM, BATON_MAIN_PID=0
#   post-ready  after the record says ready (PROGRAM makes it so: --ready-on file:)
#   pre-stop    after TERM reached baton (the record says stopping), before PROGRAM gets TERM
#   post-exit   after PROGRAM exited (the record says exited 7), with BATON_EXIT_STATUS=7,
#               and before baton exits (baton still relays its output)
# The order of the lines is the proof; nothing waits on a clock.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"
need_unshare

D=$T/run
export L=$T/log
mkdir -p "$D"
: >"$L"

# The dependency is ready once $T/go exists.
bg_container DEP "$T/dep.out" "$T/dep.err" "$BATON" --name dep --dir "$D" --ready-on "file:$T/go" \
	-- "$HELPERS/sigreport" -l "$T/dep.log"
wait_line "$D/dep" '^state=starting'

state='$(sed -n "s/^state=//p" "$BATON_DIR/$1")'
start_pid1 "$T/out" "$T/err" --name web --dir "$D" --after dep --ready-on "file:$L.ready" \
	--pre-start "set -- dep; echo \"pre-start dep=$state main_pid=\$BATON_MAIN_PID\" >>\"\$L\"" \
	--post-ready "set -- web; echo \"post-ready web=$state\" >>\"\$L\"" \
	--pre-stop "set -- web; echo \"pre-stop web=$state\" >>\"\$L\"" \
	--post-exit "set -- web; echo \"post-exit status=\$BATON_EXIT_STATUS web=$state\" >>\"\$L\"; echo relayed" \
	-- sh -c 'echo program >>"$L"; touch "$L.ready"; exec "$0" -l "$L" -x 15 -e 7' "$HELPERS/sigreport"

# web waits for dep: nothing of it has run yet.
wait_line "$D/web" '^state=starting'
assert_eq "" "$(cat "$L")" "while --after is not ready: no hook, no PROGRAM"

touch "$T/go"
wait_line "$L" '^post-ready'
wait_line "$L" '^ready$'
assert_order "$L" '^pre-start dep=ready main_pid=0$' '^program$' '^post-ready web=ready$'
assert_grep '^start pid [0-9]* ppid 1 ' "$L" "PROGRAM's parent is baton, PID 1"
assert_eq ready "$(record_get "$D" web state)" "web's record once post-ready ran"

kill -TERM "$BATON_PID"
wait_exit
assert_eq 7 "$RC" "baton's exit status: PROGRAM's"
assert_order "$L" '^post-ready web=ready$' '^pre-stop web=stopping$' '^sig 15$' '^exit 7$' \
	'^post-exit status=7 web=exited$'
assert_count 1 '^pre-start' "$L" "pre-start ran once"
assert_count 1 '^post-ready' "$L" "post-ready ran once"
assert_count 1 '^pre-stop' "$L" "pre-stop ran once"
assert_count 1 '^post-exit' "$L" "post-exit ran once"
assert_eq "exited" "$(record_get "$D" web state)" "web's record at the end"
assert_eq 7 "$(record_get "$D" web exit)" "web's recorded exit code"
# post-exit's output went through baton, so baton was still there to read it.
assert_grep '^baton\[web\]: post-exit\[1\]: relayed$' "$T/err" "post-exit's output relayed by baton"
assert_order "$T/err" 'published ready' 'stopping PROGRAM' 'PROGRAM exited 7' 'post-exit\[1\]: relayed'
end_bg "$DEP"
