#!/usr/bin/env bash
# --ready-on exit0: ready (done) only once PROGRAM exited 0, and still after its baton is gone.
. "$(dirname "$0")/lib.sh"
need_unshare

D=$T/dir
mkdir "$D"
mkfifo "$T/go"

bg_container P "$T/p.out" "$T/p.err" "$BATON" --name migrate --dir "$D" --ready-on exit0 -- \
	sh -c 'echo up >"$1"; read -r code <"$2"; exit "$code"' sh "$T/up" "$T/go"
wait_line "$T/up" up
bg_container EARLY "$T/e.out" "$T/e.err" "$BATON" --dir "$D" --after migrate --timeout 600 -- \
	touch "$T/early-ran"
wait_line "$T/e.err" 'waiting for migrate (starting'
assert_eq starting "$(record_get "$D" migrate state)" "while the one-shot runs"
[ ! -e "$T/early-ran" ] || fail "a dependent ran while the one-shot was running"

echo 0 >"$T/go"
rc=0
wait "$P" || rc=$?
assert_eq 0 "$rc" "the one-shot's baton"
assert_eq "done" "$(record_get "$D" migrate state)" "record after exit 0"
assert_eq 0 "$(record_get "$D" migrate exit)" "recorded exit"
wait_gone "$EARLY" 60
rc=0
wait "$EARLY" || rc=$?
assert_eq 0 "$rc" "a dependent waiting while the one-shot ran"
[ -e "$T/early-ran" ] || fail "the waiting dependent's PROGRAM did not run"

# The owner is long gone: done still counts, for dependents, baton wait and baton status.
container "$BATON" --dir "$D" --after migrate --timeout 5 -- touch "$T/late-ran" 2>/dev/null
[ -e "$T/late-ran" ] || fail "a dependent started after the one-shot exited did not run"
"$BATON" wait --dir "$D" --timeout 5 migrate 2>/dev/null
"$BATON" status --dir "$D" migrate >"$T/status.out"
assert_grep '^migrate  *done ' "$T/status.out" "baton status"
"$BATON" status --dir "$D" --json migrate >"$T/status.json"
assert_eq 'done true false 0' "$(jq -r '.[0] | "\(.state) \(.ready) \(.alive) \(.exit)"' "$T/status.json")" \
	"baton status --json"

# A one-shot that fails (or is killed) is never ready.
for how in 'exit 1' 'kill -TERM $$'; do
	rm -f "$D/migrate"
	container "$BATON" --name migrate --dir "$D" --ready-on exit0 -- sh -c "$how" 2>/dev/null || true
	assert_eq exited "$(record_get "$D" migrate state)" "record after '$how'"
	rc=0
	container "$BATON" --dir "$D" --after migrate --timeout 0.2 -- touch "$T/bad-ran" \
		2>"$T/bad.err" || rc=$?
	assert_eq 124 "$rc" "a dependent of a one-shot that did '$how'"
	[ ! -e "$T/bad-ran" ] || fail "a dependent ran after '$how'"
done
assert_grep '^baton: migrate: exited 143$' "$T/bad.err" "report after a kill"

# exit0 with another condition: both must hold (the file, then exit 0).
rm -f "$D/migrate"
container "$BATON" --name migrate --dir "$D" --ready-on exit0 --ready-on "file:$T/never" -- true \
	2>/dev/null
assert_eq exited "$(record_get "$D" migrate state)" "exit 0 without the file"
# (PROGRAM exits only once baton logged the file as seen: the probe polls, the exit is final.)
# shellcheck disable=SC2094 # PROGRAM reads the log baton writes: that is the point
container "$BATON" -v --name migrate --dir "$D" --ready-on exit0 --ready-on "file:$T/up" -- \
	sh -c 'until grep -q "file:.*: satisfied" "$1"; do sleep 0.01; done' sh "$T/m.err" 2>"$T/m.err"
assert_eq "done" "$(record_get "$D" migrate state)" "exit 0 with the file"
