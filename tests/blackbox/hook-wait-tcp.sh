#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# hooks/wait-tcp HOST PORT [TIMEOUT] [INTERVAL]: as a pre-start hook it holds PROGRAM back until
# a listener that appears late accepts connections (the test starts it only after the hook's
# first failed try); it exits 1 once TIMEOUT has passed, and 64 on usage errors (PROGRAM then
# never starts: baton exits 79).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"
need_busybox

hook=$HOOKS/wait-tcp
export L=$T/log
PATH=$(hooks_nc_path):$PATH

# Usage errors.
for args in "" "127.0.0.1" "127.0.0.1 http" "127.0.0.1 80 soon" "127.0.0.1 80 1 1.2.3" \
	"127.0.0.1 80 1 ." "127.0.0.1 80 1 1 extra"; do
	rc=0
	# shellcheck disable=SC2086 # the arguments are meant to split
	"$hook" $args >"$T/out" 2>"$T/err" || rc=$?
	assert_eq 64 "$rc" "wait-tcp $args"
	assert_grep '^usage: wait-tcp HOST PORT' "$T/err" "wait-tcp $args: the usage line"
done
rc=0
PATH=/nonexistent /bin/sh "$hook" 127.0.0.1 80 >"$T/out" 2>"$T/err" || rc=$?
assert_eq 64 "$rc" "wait-tcp without nc"
assert_grep 'needs nc' "$T/err" "wait-tcp without nc: the reason"
[ ! -e "$T/nc.calls" ] || fail "usage errors tried to connect"

# Nothing listens and TIMEOUT 0: one try, then 1.
port=$(free_port)
rc=0
"$hook" 127.0.0.1 "$port" 0 0.05 >"$T/out" 2>"$T/err" || rc=$?
assert_eq 1 "$rc" "wait-tcp with nothing listening"
assert_eq "wait-tcp: 127.0.0.1:$port still unreachable after 0s (1 tries)" "$(cat "$T/err")" \
	"wait-tcp timed out: the message"
assert_eq 1 "$(wc -l <"$T/nc.calls")" "wait-tcp timed out: tries"

# As baton's pre-start hook, with a listener that appears after the first failed try.
rm -f "$T/nc.calls"
: >"$L"
start_plain "$T/out" "$T/err" --name web --dir "$T/d" --pre-start "$hook 127.0.0.1 $port 60 0.05" \
	-- sh -c 'echo program >>"$L"'
wait_line "$T/nc.calls" "127.0.0.1 $port"
assert_no_grep program "$L" "PROGRAM started before the listener existed"
assert_eq starting "$(record_get "$T/d" web state)" "the record while pre-start waits"
bg_run LISTENER /dev/null "$T/listener.err" "$HELPERS/listener" "tcp:127.0.0.1:$port"
wait_exit
assert_eq 0 "$RC" "baton once the listener is up"
assert_eq program "$(cat "$L")" "PROGRAM ran once the listener was up"
assert_grep "^baton\[web\]: pre-start\[1\]: wait-tcp: 127.0.0.1:$port is reachable (try [0-9]*)$" \
	"$T/err" "the hook's report"
tries=$(sed -n 's/.*is reachable (try \([0-9]*\))$/\1/p' "$T/err")
[ "$tries" -ge 2 ] || fail "the hook found the listener at try $tries: it was not late"

# A usage error as a pre-start hook: PROGRAM never starts.
rc=0
"$BATON" --pre-start "$hook 127.0.0.1" -- sh -c 'echo program >>"$L"' >"$T/out" 2>"$T/err" || rc=$?
assert_eq 79 "$rc" "a wait-tcp usage error as pre-start"
assert_grep 'hook pre-start\[1\] exited 64' "$T/err" "a wait-tcp usage error: logged"
assert_eq program "$(cat "$L")" "a wait-tcp usage error: PROGRAM did not run again"
end_bg "$LISTENER"
