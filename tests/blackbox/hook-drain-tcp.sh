#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# hooks/drain-tcp PORT [MAX]: as a pre-stop hook it holds PROGRAM's TERM back while a client's
# connection to PORT is established, and lets it through (exit 0) once the client closed it.
# With connections still open after MAX seconds it exits 1 (baton then forwards TERM anyway);
# usage errors exit 64. The server is busybox nc -l; the client is this shell's /dev/tcp.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"
need_busybox

hook=$HOOKS/drain-tcp
export L=$T/log

for args in "" "http" "0" "65536" "80 soon" "80 1 extra"; do
	rc=0
	# shellcheck disable=SC2086 # the arguments are meant to split
	"$hook" $args >"$T/out" 2>"$T/err" || rc=$?
	assert_eq 64 "$rc" "drain-tcp $args"
	assert_grep '^usage: drain-tcp PORT' "$T/err" "drain-tcp $args: the usage line"
done

# serve: a server on a free port holding one connection open until the client closes it; sets
# PORT and SERVER. Its stdin is a FIFO the test keeps open, so nc never sees EOF there.
serve() {
	PORT=$(free_port)
	rm -f "$T/server.in"
	mkfifo "$T/server.in"
	exec 4<>"$T/server.in"
	# Redirected here, not around a function: bash gives `cmd &` /dev/null as stdin otherwise.
	busybox nc -l -p "$PORT" <"$T/server.in" >/dev/null 2>"$T/server.err" &
	SERVER=$!
	BG_PIDS="$BG_PIDS $SERVER"
	wait_listening "$PORT"
}

# Nothing connected: drained at once.
serve
rc=0
"$hook" "$PORT" 5 >"$T/out" 2>"$T/err" || rc=$?
assert_eq 0 "$rc" "drain-tcp with no connection"
assert_eq "drain-tcp: 0 connection(s) on port $PORT
drain-tcp: port $PORT drained" "$(cat "$T/out")" "drain-tcp with no connection: its report"

# A connection that stays open past MAX: exit 1.
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
wait_established "$PORT"
rc=0
"$hook" "$PORT" 0 >"$T/out" 2>"$T/err" || rc=$?
assert_eq 1 "$rc" "drain-tcp with a connection open past MAX"
assert_eq "drain-tcp: 1 connection(s) on port $PORT" "$(cat "$T/out")" "drain-tcp past MAX: stdout"
assert_eq "drain-tcp: 1 connection(s) on port $PORT still open after 0s" "$(cat "$T/err")" \
	"drain-tcp past MAX: stderr"

exec 3>&-
end_bg "$SERVER"

# As baton's pre-stop hook: TERM reaches PROGRAM only once the client closed its connection.
# (The client connects after baton started, so that baton and PROGRAM do not inherit it.)
serve
: >"$L"
start_plain "$T/out" "$T/err" --grace 60 --pre-stop "$hook $PORT 50" \
	--pre-stop 'echo "pre-stop done" >>"$L"' -- "$HELPERS/sigreport" -l "$L" -x 15
wait_line "$L" '^ready$'
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
wait_established "$PORT"
kill -TERM "$BATON_PID"
wait_line "$T/err" "pre-stop\[1\]: drain-tcp: 1 connection(s) on port $PORT$"
assert_no_grep '^sig 15$' "$L" "TERM reached PROGRAM while a connection was open"
kill -0 "$BATON_PID" || fail "baton exited while draining"
exec 3>&-
wait_exit
assert_eq 0 "$RC" "baton after the drain"
assert_grep "pre-stop\[1\]: drain-tcp: port $PORT drained$" "$T/err" "the hook saw the port drained"
assert_order "$L" '^ready$' '^pre-stop done$' '^sig 15$' '^exit 0$'
end_bg "$SERVER"

# MAX reached as a pre-stop hook: a warning, and PROGRAM still gets its TERM.
serve
: >"$L"
start_plain "$T/out" "$T/err" --pre-stop "$hook $PORT 0" -- "$HELPERS/sigreport" -l "$L" -x 15
wait_line "$L" '^ready$'
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
wait_established "$PORT"
kill -TERM "$BATON_PID"
wait_exit
assert_eq 0 "$RC" "baton after drain-tcp gave up"
assert_grep 'hook pre-stop\[1\] exited 1' "$T/err" "drain-tcp gave up: logged"
assert_grep '^sig 15$' "$L" "drain-tcp gave up: PROGRAM got TERM"
exec 3>&-
end_bg "$SERVER"
