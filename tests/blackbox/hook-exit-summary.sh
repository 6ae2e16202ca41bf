#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# hooks/exit-summary as a post-exit hook writes DIR/NAME.summary (atomically: no temporary file
# is left) with PROGRAM's status and runtime, which the pod's other containers can read;
# `baton status` does not take it for a record. Without --name it is DIR/baton.summary. Run
# outside baton, or unable to write, it exits 1.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"
need_unshare

hook=$HOOKS/exit-summary
D=$T/run

before=$(date +%s)
RC=0
container "$BATON" --name web --dir "$D" --post-exit "$hook" -- sh -c 'exit 3' >"$T/out" 2>"$T/err" || RC=$?
after=$(date +%s)
assert_eq 3 "$RC" "baton's exit status"
[ -f "$D/web.summary" ] || fail "no $D/web.summary"
summary=$(cat "$D/web.summary")
[[ $summary =~ ^name=web\ status=3\ started=([0-9]+)\.[0-9]{3}\ ended=([0-9]+)\ runtime=([0-9]+)s$ ]] ||
	fail "web.summary: '$summary'"
started=${BASH_REMATCH[1]} ended=${BASH_REMATCH[2]} runtime=${BASH_REMATCH[3]}
if [ "$started" -lt "$before" ] || [ "$ended" -gt "$after" ] || [ "$started" -gt "$ended" ]; then
	fail "web.summary: started $started and ended $ended are not within $before..$after"
fi
[ "$runtime" -le $((after - before + 1)) ] || fail "web.summary: runtime ${runtime}s is longer than the run"
assert_eq 1 "$(wc -l <"$D/web.summary")" "web.summary is one line"
assert_grep "^baton\[web\]: post-exit\[1\]: exit-summary: $summary$" "$T/err" "the hook reports its line"
assert_eq "" "$(find "$D" -name '.web.summary.*')" "no temporary file left"

# baton status lists the record, not the summary.
"$BATON" status --dir "$D" >"$T/status" 2>&1 || fail "baton status --dir $D: $(cat "$T/status")"
assert_grep '^web ' "$T/status" "baton status lists web"
assert_no_grep 'summary' "$T/status" "baton status does not list web.summary"
"$BATON" status --dir "$D" --json >"$T/status" 2>&1 || fail "baton status --json: $(cat "$T/status")"
assert_no_grep 'summary' "$T/status" "baton status --json does not list web.summary"

# A second run replaces the summary; a status from a signal is 128+N.
RC=0
container "$BATON" --name web --dir "$D" --post-exit "$hook" -- sh -c 'kill -TERM $$' >"$T/out" 2>"$T/err" || RC=$?
assert_eq 143 "$RC" "baton's exit status after TERM"
assert_grep '^name=web status=143 ' "$D/web.summary" "the summary replaced"

# Without --name: DIR/baton.summary.
RC=0
"$BATON" --dir "$D" --post-exit "$hook" -- true >"$T/out" 2>"$T/err" || RC=$?
assert_eq 0 "$RC" "without --name: exit status"
assert_grep '^name=baton status=0 started=[0-9]*\.[0-9]* ended=[0-9]* runtime=[0-9]*s$' \
	"$D/baton.summary" "without --name: baton.summary"

# Not run by baton, or the directory is not writable: 1, and nothing written.
rc=0
env -u BATON_DIR -u BATON_EXIT_STATUS "$hook" >"$T/out" 2>"$T/err" || rc=$?
assert_eq 1 "$rc" "exit-summary outside baton"
assert_grep 'runs as a baton post-exit hook' "$T/err" "exit-summary outside baton: the reason"
rc=0
BATON_DIR=$T/missing BATON_EXIT_STATUS=0 BATON_NAME=x "$hook" >"$T/out" 2>"$T/err" || rc=$?
assert_eq 1 "$rc" "exit-summary into a missing directory"
assert_grep "cannot write $T/missing/x.summary" "$T/err" "a missing directory: the reason"
# As a failing post-exit hook it does not change baton's status.
RC=0
"$BATON" --dir "$T/missing" --post-exit "$hook" -- sh -c 'exit 4' >"$T/out" 2>"$T/err" || RC=$?
assert_eq 4 "$RC" "a failing exit-summary leaves PROGRAM's status alone"
assert_grep 'hook post-exit\[1\] exited 1' "$T/err" "a failing exit-summary: logged"
