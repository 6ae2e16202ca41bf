#!/usr/bin/env bash
# Descriptors and processes running out: baton either stops before the loop with one line and
# exit 71, or works; it never aborts (libev's abort was exit 134), never takes its own EMFILE for
# the other container's record being invalid, and a producer that cannot fork publishes exited.
. "$(dirname "$0")/lib.sh"
need_root

D=$T/dir
mkdir "$D"
# A live record that is not ready: waiters time out reading it.
printf 'version=1\nname=held\nincarnation=%032d\nstate=starting\nsince=1.0\npid=1\n' 0 >"$D/held"
hold_lock "$D/held"

# check_run WHAT OK_CODE CMD...: CMD exits OK_CODE, or 71 with one line naming the cause.
check_run() {
	local what=$1 ok=$2 rc=0
	shift 2
	hang_guard 30 "$@" >/dev/null 2>"$T/err" || rc=$?
	assert_no_grep 'invalid record' "$T/err" "$what: our own shortage reported as the record's"
	if [ "$rc" = 71 ]; then
		assert_eq 1 "$(wc -l <"$T/err")" "$what: lines on stderr ($(cat "$T/err"))"
		assert_grep 'Too many open files\|Resource temporarily unavailable' "$T/err" \
			"$what: the cause"
		SEEN71=1
	else
		assert_eq "$ok" "$rc" "$what: exit status ($(cat "$T/err"))"
		SEENOK=1
	fi
}

SEEN71=0 SEENOK=0
for n in 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 20 24; do
	check_run "waiter, ulimit -n $n" 124 \
		bash -c 'ulimit -n "$1"; shift; exec "$@"' sh "$n" \
		"$BATON" --dir "$D" --after held --timeout 0.2 -- true
	check_run "baton wait, ulimit -n $n" 124 \
		bash -c 'ulimit -n "$1"; shift; exec "$@"' sh "$n" \
		"$BATON" wait --dir "$D" --timeout 0.2 held
	rm -f "$D/p$n"
	check_run "publisher, ulimit -n $n" 0 \
		bash -c 'ulimit -n "$1"; shift; exec "$@"' sh "$n" \
		"$BATON" --dir "$D" --name "p$n" -- true
	if [ -e "$D/p$n" ] && [ "$(record_get "$D" "p$n" state)" = ready ]; then
		fail "publisher, ulimit -n $n: left a ready record behind"
	fi
done
assert_eq 11 "$SEEN71$SEENOK" "both outcomes seen over the sweep"

# Fork failing: an unprivileged user allowed one process (baton itself).
command -v setpriv >/dev/null || skip "setpriv is not installed"
chmod o+x "$T"
chmod 1777 "$D"
nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
rc=0
"${nobody[@]}" bash -c 'ulimit -u 1; exec "$@"' sh \
	"$BATON" --dir "$D" --name forkless -- true >/dev/null 2>"$T/fork.err" || rc=$?
assert_eq 71 "$rc" "a producer that cannot fork ($(cat "$T/fork.err"))"
assert_grep 'cannot start true: Resource temporarily unavailable' "$T/fork.err" "its line"
assert_eq exited "$(record_get "$D" forkless state)" "its record"
rc=0
"$BATON" --dir "$D" --after forkless --timeout 0.2 -- true 2>"$T/dep.err" || rc=$?
assert_eq 124 "$rc" "a dependent of it"
assert_grep 'forkless: exited 71' "$T/dep.err" "the dependent's report"
rc=0
"${nobody[@]}" bash -c 'ulimit -u 1; exec "$@"' sh \
	"$BATON" --dir "$D" --after held --timeout 1 -- true >/dev/null 2>"$T/thr.err" || rc=$?
assert_eq 71 "$rc" "a waiter that cannot start its helper thread ($(cat "$T/thr.err"))"
assert_grep 'Resource temporarily unavailable' "$T/thr.err" "its line"
