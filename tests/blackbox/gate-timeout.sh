#!/usr/bin/env bash
# --timeout: exit 124, one line per dependency not ready with its last known state, no PROGRAM.
. "$(dirname "$0")/lib.sh"
need_unshare

D=$T/dir
mkdir "$D"

# slow: alive, starting; fine: alive, ready; failed: exited 1; once: done (exited 0, exit0);
# dead: ready when its owner was killed; absent: never ran.
bg_container SLOW /dev/null "$T/slow.err" \
	"$BATON" --name slow --dir "$D" --ready-on "file:$T/never" -- sleep 1000
bg_container FINE /dev/null "$T/fine.err" "$BATON" --name fine --dir "$D" -- sleep 1000
bg_container DEAD /dev/null "$T/dead.err" "$BATON" --name dead --dir "$D" -- sleep 1000
rc=0
container "$BATON" --name failed --dir "$D" -- sh -c 'exit 1' 2>/dev/null || rc=$?
assert_eq 1 "$rc" "failed's exit status"
container "$BATON" --name once --dir "$D" --ready-on exit0 -- true 2>/dev/null
wait_line "$D/slow" '^state=starting$'
wait_line "$D/fine" '^state=ready$'
wait_line "$D/dead" '^state=ready$'
kill -KILL "$(child_of "$DEAD")"
wait "$DEAD" 2>/dev/null || true

rc=0
container "$BATON" --name consumer --dir "$D" --after absent,slow,fine,failed,once,dead \
	--timeout 0.5 -- touch "$T/ran" >"$T/c.out" 2>"$T/c.err" || rc=$?
assert_eq 124 "$rc" "consumer's exit status"
[ ! -e "$T/ran" ] || fail "the consumer's PROGRAM ran"
assert_grep '^baton\[consumer\]: timed out after [0-9.]*s waiting for dependencies$' "$T/c.err" \
	"the timeout line"
grep '^baton\[consumer\]: [a-z]*: ' "$T/c.err" >"$T/lines" || true
cat >"$T/expected" <<EOT
baton[consumer]: absent: no record yet
baton[consumer]: slow: starting for 0s
baton[consumer]: failed: exited 1
baton[consumer]: dead: owner gone (was ready)
EOT
# "starting for Ns": N depends on how long this took; normalise it.
sed -i 's/starting for [0-9]*s$/starting for 0s/' "$T/lines"
diff -u "$T/expected" "$T/lines" >&2 || fail "one line per dependency not ready, in --after order"
assert_eq exited "$(record_get "$D" consumer state)" "the consumer's own record"
assert_eq 124 "$(record_get "$D" consumer exit)" "the consumer's recorded exit"

# The same dependencies without the broken ones: all ready, PROGRAM runs.
container "$BATON" --dir "$D" --after fine,once --timeout 5 -- touch "$T/ran" 2>/dev/null
[ -e "$T/ran" ] || fail "ready and done dependencies did not let PROGRAM run"

# Bad values are usage errors, before anything waits.
for bad in -1 abc 1e3 inf '' 0x10 1.2.3; do
	rc=0
	"$BATON" --dir "$D" --after fine --timeout "$bad" -- true 2>"$T/bad.err" || rc=$?
	assert_eq 64 "$rc" "--timeout '$bad'"
	assert_grep "--timeout: '$bad' is not a number of seconds" "$T/bad.err" "--timeout '$bad' message"
done
end_bg "$SLOW" "$FINE"
