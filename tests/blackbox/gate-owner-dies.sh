#!/usr/bin/env bash
# A producer whose baton is SIGKILLed (starting, ready, stopping) is never taken as ready.
. "$(dirname "$0")/lib.sh"
need_unshare

# dependent_times_out D STATE: a dependent and a `baton wait` both give up with 124, naming the
# dead owner's last state, and the dependent's PROGRAM never runs.
dependent_times_out() {
	local d=$1 state=$2 rc=0
	container "$BATON" --dir "$d" --after producer --timeout 0.5 -- touch "$T/ran" \
		>/dev/null 2>"$T/dep.err" || rc=$?
	assert_eq 124 "$rc" "$state: dependent's exit status"
	[ ! -e "$T/ran" ] || fail "$state: the dependent's PROGRAM ran"
	assert_grep "^baton: producer: owner gone (was $state)\$" "$T/dep.err" "$state: dependent's report"
	rc=0
	"$BATON" wait --dir "$d" --timeout 0.3 producer 2>"$T/wait.err" || rc=$?
	assert_eq 124 "$rc" "$state: baton wait's exit status"
	assert_grep "producer: owner gone (was $state)" "$T/wait.err" "$state: baton wait's report"
	rc=0
	"$BATON" status --dir "$d" producer >"$T/status.out" || rc=$?
	assert_eq 1 "$rc" "$state: baton status producer"
	assert_grep '^producer  *gone ' "$T/status.out" "$state: baton status table"
	"$BATON" status --dir "$d" --json >"$T/status.json"
	assert_eq 'gone false false' "$(jq -r '.[0] | "\(.state) \(.ready) \(.alive)"' "$T/status.json")" \
		"$state: baton status --json"
}

# Killed while starting: a dependent already waiting must not proceed either.
D=$T/starting
mkdir "$D"
bg_container P "$T/p.out" "$T/p.err" \
	"$BATON" --name producer --dir "$D" --ready-on "file:$T/never" -- sleep 1000
wait_line "$D/producer" '^state=starting$'
bg_container EARLY "$T/early.out" "$T/early.err" \
	"$BATON" --dir "$D" --after producer --timeout 2 -- touch "$T/early-ran"
wait_line "$T/early.err" 'waiting for producer (starting'
end_container "$P"
rc=0
wait "$EARLY" || rc=$?
assert_eq 124 "$rc" "a dependent waiting while the owner died"
assert_grep '^baton: producer: owner gone (was starting)$' "$T/early.err" "early dependent's report"
[ ! -e "$T/early-ran" ] || fail "the early dependent's PROGRAM ran"
dependent_times_out "$D" starting

# Killed after ready.
D=$T/ready
mkdir "$D"
bg_container P "$T/p.out" "$T/p.err" "$BATON" --name producer --dir "$D" -- sleep 1000
wait_line "$D/producer" '^state=ready$'
end_container "$P"
assert_eq ready "$(record_get "$D" producer state)" "the dead owner's record (left as it was)"
dependent_times_out "$D" ready

# Killed while stopping: PROGRAM ignores TERM, so baton sits in stopping for --grace.
D=$T/stopping
mkdir "$D"
bg_container P "$T/p.out" "$T/p.err" "$BATON" --name producer --dir "$D" --grace 1000 -- \
	sh -c 'trap "" TERM; echo up >"$1"; exec sleep 1000' sh "$T/up"
wait_line "$T/up" up
wait_line "$D/producer" '^state=ready$'
kill -TERM "$(child_of "$P")"
wait_line "$D/producer" '^state=stopping$'
end_container "$P"
dependent_times_out "$D" stopping
