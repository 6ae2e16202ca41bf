#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ENFILE and EMFILE at each open baton makes, one open at a time, injected by strace into a
# waiter (--after) and a publisher (--name, --ready-on). A counting run lists baton's own opens
# (the dynamic loader's are skipped: a failed library load is not baton's to report); then one
# run per open and errno. Open sites covered: DIR, .bell (and its .bell.XXXX temporary when the
# publisher creates it), the working directory, .NAME.lock, .NAME.tmp at each publish, .journal,
# and the producer's record at each read of the waiter. For each run: baton exits normally, or
# with 71 and exactly one line naming the cause before anything started; no dependent starts
# before the producer is ready; the waiter is released; a ready publish lands.
. "$(dirname "$0")/lib.sh"
need_root
# strace is in tests/run.sh's package list: without it this test fails, it does not skip.
command -v strace >/dev/null || fail "strace is not installed (apt-get install strace)"

D=$T/dir
mkdir "$D"

# own_opens TRACE: the indexes (1-based, among all openat calls) of baton's own opens in TRACE.
own_opens() {
	grep -E '^(openat|open)\(' "$1" | awk '!/ld\.so\.cache|\/lib[^"]*\.so/ { print NR }'
}

# traced ERRNO N ARGS...: baton ARGS under strace, its Nth openat failing with ERRNO (N=0: none
# fails, the trace goes to $T/count.st). Run it in the background: it execs strace, which runs
# baton as its child (not PID 1) and exits with baton's status.
traced() {
	local errno=$1 n=$2
	shift 2
	if [ "$n" = 0 ]; then
		exec strace -qq -o "$T/count.st" -e trace=openat,open "$BATON" "$@"
	else
		exec strace -qq -o /dev/null -e trace=openat,open \
			-e inject=openat:error="$errno":when="$n" "$BATON" "$@"
	fi
}

# until_up PID FILE PATTERN: waits until FILE has a line matching PATTERN or PID is gone.
until_up() {
	local i=0
	while kill -0 "$1" 2>/dev/null && ! grep -q -e "$3" "$2" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le 3000 ] || fail "timed out waiting for '$3' in $2"
		sleep 0.01
	done
}

# cause ERRNO: the strerror text of ERRNO.
cause() {
	case $1 in
	ENFILE) echo 'Too many open files in system' ;;
	EMFILE) echo 'Too many open files' ;;
	esac
}

# check_exit WHAT RC OK ERRFILE ERRNO STARTED: RC is OK, or 71 with exactly one line naming
# the cause and nothing started (STARTED is a file PROGRAM makes).
check_exit() {
	local what=$1 rc=$2 ok=$3 err=$4 errno=$5 started=$6
	if [ "$rc" = 71 ]; then
		assert_eq 1 "$(wc -l <"$err")" "$what: lines on stderr ($(cat "$err"))"
		assert_grep "$(cause "$errno")" "$err" "$what: the cause"
		[ ! -e "$started" ] || fail "$what: exit 71 after PROGRAM started"
		SEEN71=$((SEEN71 + 1))
	else
		assert_eq "$ok" "$rc" "$what: exit status ($(cat "$err"))"
		SEENOK=$((SEENOK + 1))
	fi
	assert_no_grep 'invalid record' "$err" "$what: our own shortage reported as the record's"
}

# waiter_run ERRNO N: a producer (not traced) that is not ready yet; the traced waiter; then
# the producer becomes ready.
waiter_run() {
	local errno=$1 n=$2 what="waiter, $1 at open $2" r=$T/w.$1.$2 p w rc=0
	rm -f "$D/producer"
	bg_run p "$r.p.out" "$r.p.err" "$BATON" --name producer --dir "$D" --ready-on "file:$r.go" \
		-- sleep 1000
	wait_line "$D/producer" '^state=starting$'
	bg_run w "$r.w.out" "$r.w.err" traced "$errno" "$n" --dir "$D" --after producer \
		-- touch "$r.ran"
	until_up "$w" "$r.w.err" 'waiting for producer'
	[ ! -e "$r.ran" ] || fail "$what: the dependent started before the producer was ready"
	touch "$r.go"
	wait_gone "$w" 30
	wait "$w" || rc=$?
	check_exit "$what" "$rc" 0 "$r.w.err" "$errno" "$r.ran"
	[ "$rc" = 71 ] || [ -e "$r.ran" ] || fail "$what: exit 0 but PROGRAM did not run"
	end_bg "$p"
}

# publisher_run ERRNO N: the traced publisher, a dependent (not traced) waiting for it; then
# the publisher becomes ready and is stopped with TERM.
publisher_run() {
	local errno=$1 n=$2 what="publisher, $1 at open $2" r=$T/p.$1.$2 p c rc=0
	rm -f "$D/producer"
	bg_run p "$r.p.out" "$r.p.err" traced "$errno" "$n" --name producer --dir "$D" \
		--ready-on "file:$r.go" -- sh -c 'echo up >"$1"; exec sleep 1000' sh "$r.up"
	until_up "$p" "$r.up" up
	if ! kill -0 "$p" 2>/dev/null; then
		wait "$p" || rc=$?
		check_exit "$what" "$rc" 143 "$r.p.err" "$errno" "$r.up"
		[ "$(record_get "$D" producer state)" != ready ] || fail "$what: a ready record"
		return
	fi
	bg_run c "$r.c.out" "$r.c.err" "$BATON" --dir "$D" --after producer -- touch "$r.ran"
	wait_line "$r.c.err" 'waiting for producer'
	[ ! -e "$r.ran" ] || fail "$what: the dependent started before the producer was ready"
	touch "$r.go"
	wait_gone "$c" 30
	wait "$c" || rc=$?
	assert_eq 0 "$rc" "$what: the dependent's exit status ($(cat "$r.c.err"))"
	[ -e "$r.ran" ] || fail "$what: the dependent's PROGRAM did not run"
	kill -TERM "$(child_of "$p")"
	rc=0
	wait "$p" || rc=$?
	check_exit "$what" "$rc" 143 "$r.p.err" "$errno" "$r.up"
}

# Counting runs: the opens of a waiter and a publisher that run through their whole life.
SEEN71=0 SEENOK=0
for role in waiter publisher; do
	rm -f "$D/producer" "$T/count.st"
	"${role}_run" none 0
	mapfile -t opens < <(own_opens "$T/count.st")
	[ "${#opens[@]}" -ge 4 ] || fail "$role: only ${#opens[@]} opens counted: $(cat "$T/count.st")"
	note "$role: baton's own opens are openat calls ${opens[*]}"
	for errno in ENFILE EMFILE; do
		for n in "${opens[@]}"; do
			"${role}_run" "$errno" "$n"
		done
	done
done
note "$SEEN71 runs exited 71, $SEENOK ran through"
[ "$SEEN71" -gt 0 ] || fail "no injected open made baton stop before its loop: injection did not work"
