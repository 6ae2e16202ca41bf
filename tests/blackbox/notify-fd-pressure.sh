#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# READY=1 is never lost silently when file descriptors run short. `baton notify --ready` exits
# 0 exactly when baton handled the message, and otherwise 71 with one line, having sent nothing
# or with an error line from baton. Swept over descriptor limits on both ends: the client's
# (it must create everything before it sends) and baton's (the sender check and the barrier's
# pipe must still fit). baton runs as a plain process here, where it checks senders in /proc.
. "$(dirname "$0")/lib.sh"

# check WHAT: the invariant, from notify's status ($T/rc), its stderr ($T/nerr) and baton's
# stderr ($T/err).
check() {
	local what=$1 rc handled=no
	rc=$(cat "$T/rc")
	! grep -q 'notify: READY=1 from pid' "$T/err" || handled=yes
	case $rc/$handled in
	0/yes) ;;
	0/no) fail "$what: baton notify exited 0, but baton did not handle READY=1: $(cat "$T/err")" ;;
	71/no | 71/yes)
		assert_eq 1 "$(wc -l <"$T/nerr")" "$what: baton notify's lines on stderr"
		[ "$handled" = no ] ||
			fail "$what: baton notify exited 71 after baton handled READY=1: $(cat "$T/nerr")"
		# Either nothing reached baton, or baton said at error level why it dropped it.
		if grep -q 'notify' "$T/err"; then
			assert_grep 'notify: dropped a datagram with READY=1' "$T/err" "$what: baton's error"
		fi
		;;
	*) fail "$what: baton notify exited $rc: $(cat "$T/nerr")" ;;
	esac
	note "$what: baton notify exited $rc, handled: $handled"
}

# The client short of descriptors: 4 leaves it one beyond stdin, stdout and stderr (the
# dynamic loader needs one).
for k in 4 5 6 7 8; do
	rm -f "$T/rc"
	RC=0
	"$BATON" -v --ready-on notify -- sh -c '(ulimit -n "$1"; exec "$2" notify --ready) 2>"$3"
		echo $? >"$4"' sh "$k" "$BATON" "$T/nerr" "$T/rc" 2>"$T/err" || RC=$?
	assert_eq 0 "$RC" "client limit $k: baton's status"
	check "client limit $k"
done

# baton short of descriptors: it refuses to start with one line, or READY=1 is handled or
# dropped with an error line.
for n in $(seq 8 20); do
	rm -f "$T/rc"
	RC=0
	(
		# The soft limit only: PROGRAM's shell takes its own back (dash's redirections need
		# descriptors above 9), so only baton is short.
		ulimit -S -n "$n"
		exec "$BATON" -v --ready-on notify -- sh -c 'ulimit -S -n 64
			"$1" notify --ready 2>"$2"; echo $? >"$3"' sh "$BATON" "$T/nerr" "$T/rc"
	) 2>"$T/err" || RC=$?
	if [ ! -e "$T/rc" ]; then
		assert_eq 71 "$RC" "baton limit $n: baton's status when it cannot start"
		assert_eq 1 "$(grep -vc 'reaped\|forwarded' "$T/err")" "baton limit $n: lines"
		note "baton limit $n: baton did not start: $(cat "$T/err")"
		continue
	fi
	check "baton limit $n"
done
