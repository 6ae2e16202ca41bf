#!/usr/bin/env bash
# baton notify: sends and waits for the acknowledgement; 71 with one line when it cannot; 64 usage.
. "$(dirname "$0")/lib.sh"

listen() {
	"$HELPERS/dglisten" "$1" "$2" &
	BG_PIDS="$BG_PIDS $!"
	wait_file "$2"
}

# not_sent WHAT PATTERN CMD...: exit 71 with one line matching PATTERN, in time.
not_sent() {
	local what=$1 pattern=$2 rc=0
	shift 2
	hang_guard 30 "$@" >"$T/out" 2>"$T/err" || rc=$?
	assert_eq 71 "$rc" "$what"
	assert_eq 1 "$(wc -l <"$T/err")" "$what: lines on stderr"
	assert_grep "$pattern" "$T/err" "$what: message"
}

not_sent "NOTIFY_SOCKET unset" '^baton: notify: NOTIFY_SOCKET is not set: not started by baton?$' \
	env -u NOTIFY_SOCKET "$BATON" notify --ready
not_sent "NOTIFY_SOCKET empty" 'NOTIFY_SOCKET is not set' env NOTIFY_SOCKET= "$BATON" notify --ready
not_sent "NOTIFY_SOCKET relative" "NOTIFY_SOCKET 'sock' is not a /path or an @name" \
	env NOTIFY_SOCKET=sock "$BATON" notify --ready
not_sent "NOTIFY_SOCKET nowhere" "cannot send to NOTIFY_SOCKET $T/none: No such file or directory" \
	env NOTIFY_SOCKET="$T/none" "$BATON" notify --ready
# A PROGRAM of a baton that serves no socket (no notify, no watchdog) has none.
not_sent "PROGRAM without a notify socket" 'NOTIFY_SOCKET is not set' \
	"$BATON" -- sh -c '"$1" notify --ready' sh "$BATON"

# Usage errors.
for args in "" "--ready extra" "--status" "--bogus"; do
	rc=0
	# shellcheck disable=SC2086 # word splitting wanted
	env NOTIFY_SOCKET="$T/none" "$BATON" notify $args >/dev/null 2>"$T/err" || rc=$?
	assert_eq 64 "$rc" "baton notify $args"
done
rc=0
env NOTIFY_SOCKET="$T/none" "$BATON" notify --status "$(printf 'two\nlines')" 2>"$T/err" || rc=$?
assert_eq 64 "$rc" "a two-line --status"
rc=0
env NOTIFY_SOCKET="$T/none" "$BATON" notify --status "$(head -c 257 /dev/zero | tr '\0' x)" \
	2>"$T/err" || rc=$?
assert_eq 64 "$rc" "a 257-byte --status"

# What it sends: the message and BARRIER=1 in one datagram, with a pipe the listener answers
# '1' into (handled: exit 0).
listen "$T/sock" "$T/got"
NOTIFY_SOCKET=$T/sock "$BATON" notify --status "all good" --ready
NOTIFY_SOCKET=$T/sock "$BATON" notify --stopping
printf 'STATUS=all good\nREADY=1\nBARRIER=1\n\nSTOPPING=1\nBARRIER=1\n\n' >"$T/expected"
diff -u "$T/expected" "$T/got" >&2 || fail "the datagrams baton notify sent"
listen "@baton-test-notify-$$" "$T/got2"
NOTIFY_SOCKET=@baton-test-notify-$$ "$BATON" notify --ready
assert_grep '^READY=1$' "$T/got2" "to an abstract socket"

# Through baton itself, end to end: --status lands in the record.
"$BATON" --name app --dir "$T/d" --ready-on notify -- \
	sh -c '"$1" notify --status "up and running" --ready && echo "$?" >"$2"' sh "$BATON" "$T/rc" \
	2>/dev/null
assert_eq 0 "$(cat "$T/rc")" "baton notify's exit status inside PROGRAM"
assert_eq "up and running" "$(record_get "$T/d" app status)" "STATUS from baton notify"
