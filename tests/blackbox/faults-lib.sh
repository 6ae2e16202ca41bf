# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Sourced by the fault-injection tests (faults.list) after lib.sh. A "round" runs a producer
# that becomes ready only when the test says so, a dependent waiting for it and a --exit-with
# watcher (both map the bell), injects a fault while all three sleep, then lets the producer
# become ready and checks: nobody crashed, nobody started early, the dependent was released.

# round_start WHAT DIR: starts the three and returns once all sleep. Sets R_P, R_W, R_X (pids)
# and R_GO (the file that makes the producer ready). The producer runs under "${R_WRAP[@]}"
# when set (e.g. unshare --mount, to give it a view of DIR of its own).
round_start() {
	local what=$1 dir=$2
	ROUND_N=$((${ROUND_N:-0} + 1))
	R=$T/r$ROUND_N
	R_GO=$R.go
	bg_run R_P "$R.p.out" "$R.p.err" ${R_WRAP+"${R_WRAP[@]}"} "$BATON" --name producer --dir "$dir" \
		--ready-on "file:$R_GO" -- sh -c 'echo up >"$1"; exec sleep 1000' sh "$R.up"
	wait_line "$R.up" up
	wait_line "$dir/producer" '^state=starting$'
	bg_run R_W "$R.w.out" "$R.w.err" "$BATON" --dir "$dir" --after producer -- touch "$R.ran"
	bg_run R_X "$R.x.out" "$R.x.err" "$BATON" --dir "$dir" --exit-with producer -- \
		sh -c 'echo up >"$1"; exec sleep 1000' sh "$R.xup"
	wait_line "$R.w.err" 'waiting for producer (starting'
	wait_line "$R.xup" up
	ROUND_WHAT=$what
}

# round_finish: makes the producer ready (unless the test did) and checks the round; then stops
# everyone.
round_finish() {
	local rc=0 p
	if [ ! -e "$R_GO" ]; then
		[ ! -e "$R.ran" ] || fail "$ROUND_WHAT: the dependent started before the producer was ready"
		touch "$R_GO"
	fi
	# The dependent's exit is the moment it was released; the guard only catches a hang.
	wait_gone "$R_W" 30
	wait "$R_W" || rc=$?
	assert_eq 0 "$rc" "$ROUND_WHAT: the dependent's exit status ($(cat "$R.w.err"))"
	[ -e "$R.ran" ] || fail "$ROUND_WHAT: the dependent's PROGRAM did not run"
	for p in "$R_P" "$R_X"; do
		kill -0 "$p" 2>/dev/null || fail "$ROUND_WHAT: a baton died: $(cat "$R.p.err" "$R.x.err")"
	done
	# The watcher still follows the producer: it stops when the producer exits.
	kill -TERM "$R_P"
	rc=0
	wait "$R_P" || rc=$?
	assert_eq 143 "$rc" "$ROUND_WHAT: the producer's exit status"
	wait_gone "$R_X" 30
	rc=0
	wait "$R_X" || rc=$?
	assert_eq 0 "$rc" "$ROUND_WHAT: the watcher's exit status ($(cat "$R.x.err"))"
}
