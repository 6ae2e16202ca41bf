#!/usr/bin/env bash
# Given its own NOTIFY_SOCKET, baton passes READY=1 (once ready), STATUS= and STOPPING=1 upward.
. "$(dirname "$0")/lib.sh"
need_unshare

D=$T/dir
mkdir "$D"
S=$HELPERS/dgram

# listen SOCKET OUT: our stand-in for baton's supervisor.
listen() {
	"$HELPERS/dglisten" "$1" "$2" &
	BG_PIDS="$BG_PIDS $!"
	wait_file "$2"
}

# A path socket. Readiness needs a file; STATUS= goes up at once, READY=1 only once ready,
# STOPPING=1 on TERM. PROGRAM talks to baton's own socket, never to the upper one.
listen "$T/up.sock" "$T/up.out"
puppet_setup
NOTIFY_SOCKET=$T/up.sock bg_container P "$T/p.out" "$T/p.err" "$BATON" --name web --dir "$D" \
	--ready-on "file:$T/flag" -- "${PUPPET[@]}"
puppet "env >'$T/env'"
assert_no_grep "^NOTIFY_SOCKET=$T/up.sock\$" "$T/env" "PROGRAM's NOTIFY_SOCKET"
puppet "'$BATON' notify --status 'warming up'"
wait_line "$T/up.out" '^STATUS=warming up$'
assert_no_grep 'READY=1' "$T/up.out" "READY=1 upward before the gate was ready"
puppet "'$S' -b MAINPID=\$\$ X_CUSTOM=1"
touch "$T/flag"
wait_line "$T/up.out" '^READY=1$'
kill -TERM "$(child_of "$P")"
wait_line "$T/up.out" '^STOPPING=1$'
wait "$P" || true
grep -v '^$' "$T/up.out" >"$T/up.lines"
printf 'STATUS=warming up\nREADY=1\nSTOPPING=1\n' >"$T/expected"
diff -u "$T/expected" "$T/up.lines" >&2 || fail "what went upward, in order"

# An abstract socket; the gate waits for --after first: READY=1 only once PROGRAM started.
listen "@baton-test-up-$$" "$T/up2.out"
NOTIFY_SOCKET=@baton-test-up-$$ bg_container P "$T/p2.out" "$T/p2.err" "$BATON" --dir "$D" \
	--after dep -- sleep 1000
wait_line "$T/p2.err" 'waiting for dep (no record yet)'
assert_no_grep 'READY=1' "$T/up2.out" "READY=1 upward while waiting for --after"
"$BATON" --name dep --dir "$D" --ready-on exit0 -- true 2>/dev/null
wait_line "$T/up2.out" '^READY=1$'
end_bg "$P"

# With notify: READY=1 goes up when PROGRAM's does, not before.
listen "$T/up3.sock" "$T/up3.out"
rm -f "$T/puppet.cmd"
puppet_setup
NOTIFY_SOCKET=$T/up3.sock bg_container P "$T/p3.out" "$T/p3.err" "$BATON" --ready-on notify -- \
	"${PUPPET[@]}"
puppet "'$S' -b STATUS=one"
wait_line "$T/up3.out" '^STATUS=one$'
assert_no_grep 'READY=1' "$T/up3.out" "READY=1 upward before PROGRAM's"
puppet "'$S' -b READY=1"
wait_line "$T/up3.out" '^READY=1$'
puppet_send "exit 0"
rc=0
wait "$P" || rc=$?
assert_eq 0 "$rc" "baton's exit status"

# An upper socket that is not there: a warning, and PROGRAM runs all the same.
rc=0
NOTIFY_SOCKET=$T/nobody.sock "$BATON" -- true 2>"$T/p4.err" || rc=$?
assert_eq 0 "$rc" "baton with a dead NOTIFY_SOCKET"
assert_grep "cannot connect to NOTIFY_SOCKET $T/nobody.sock" "$T/p4.err" "the warning"
