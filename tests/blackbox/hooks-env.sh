#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What a hook finds when it starts:
#   BATON_PHASE     its phase
#   BATON_NAME      --name (empty without one)
#   BATON_DIR       --dir (the default /run/baton without one)
#   BATON_MAIN_PID  PROGRAM's pid; 0 in pre-start, before there is one
#   BATON_STARTED_AT  when PROGRAM was started, SECONDS.MILLISECONDS (not in pre-start)
#   BATON_EXIT_STATUS PROGRAM's exit status (post-exit only)
# Variables of those names inherited from outside are replaced or dropped; everything else is
# inherited; NOTIFY_SOCKET (PROGRAM's channel to baton) is not. Hooks run in baton's starting
# directory with stdin from /dev/null.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"

export W=$T
D=$T/run
mkdir -p "$T/cwd"
# Each hook writes what it sees to $T/env.PHASE.
see='{ env | grep -E "^(BATON_(PHASE|NAME|DIR|MAIN_PID|STARTED_AT|EXIT_STATUS)|FOO)=" | sort; echo "notify=${NOTIFY_SOCKET-unset}"; echo "cwd=$(pwd)"; if read -r _; then echo stdin=data; else echo stdin=eof; fi; } >"$W/env.$BATON_PHASE"'

before=$(date +%s)
cd "$T/cwd"
echo "some input" | BATON_EXIT_STATUS=bogus BATON_PHASE=bogus BATON_MAIN_PID=bogus \
	BATON_STARTED_AT=bogus FOO=bar "$BATON" --name web --dir "$D" --ready-on notify \
	--pre-start "$see" --post-ready "$see" --pre-stop "$see" --post-exit "$see" \
	-- sh -c 'echo "notify=${NOTIFY_SOCKET-unset}" >"$1/program.env"; "$2" notify --ready && exec "$3" -l "$1/prog.log" -x 15 -e 5' \
	_ "$T" "$BATON" "$HELPERS/sigreport" >"$T/out" 2>"$T/err" &
BATON_PID=$!
UNSHARE_PID=$BATON_PID
BG_PIDS="$BG_PIDS $BATON_PID"
cd /
wait_line "$T/env.post-ready" '^stdin='
wait_line "$T/prog.log" '^ready$'
kill -TERM "$BATON_PID"
wait_exit
after=$(date +%s)
assert_eq 5 "$RC" "exit status"

pid=$(sed -n 's/^start pid \([0-9]*\) .*/\1/p' "$T/prog.log")
[ -n "$pid" ] || fail "no pid from PROGRAM"
started=$(sed -n 's/^BATON_STARTED_AT=//p' "$T/env.post-ready")
[[ $started =~ ^[0-9]+\.[0-9]{3}$ ]] || fail "BATON_STARTED_AT '$started' is not SECONDS.MILLISECONDS"
if [ "${started%.*}" -lt "$before" ] || [ "${started%.*}" -gt "$after" ]; then
	fail "BATON_STARTED_AT $started is not between $before and $after"
fi

assert_eq "BATON_DIR=$D
BATON_MAIN_PID=0
BATON_NAME=web
BATON_PHASE=pre-start
FOO=bar
notify=unset
cwd=$T/cwd
stdin=eof" "$(cat "$T/env.pre-start")" "pre-start's environment"
for phase in post-ready pre-stop; do
	assert_eq "BATON_DIR=$D
BATON_MAIN_PID=$pid
BATON_NAME=web
BATON_PHASE=$phase
BATON_STARTED_AT=$started
FOO=bar
notify=unset
cwd=$T/cwd
stdin=eof" "$(cat "$T/env.$phase")" "$phase's environment"
done
assert_eq "BATON_DIR=$D
BATON_EXIT_STATUS=5
BATON_MAIN_PID=$pid
BATON_NAME=web
BATON_PHASE=post-exit
BATON_STARTED_AT=$started
FOO=bar
notify=unset
cwd=$T/cwd
stdin=eof" "$(cat "$T/env.post-exit")" "post-exit's environment"
# PROGRAM itself did get NOTIFY_SOCKET.
assert_no_grep '^notify=unset$' "$T/program.env" "PROGRAM's NOTIFY_SOCKET"

# Without --name and --dir: an empty BATON_NAME and the default directory. A status that
# comes from a signal is 128+N.
RC=0
"$BATON" --post-exit "$see" -- sh -c 'kill -KILL $$' >"$T/out" 2>"$T/err" || RC=$?
assert_eq 137 "$RC" "PROGRAM killed by SIGKILL"
assert_grep '^BATON_NAME=$' "$T/env.post-exit" "no --name: BATON_NAME is empty"
assert_grep '^BATON_DIR=/run/baton$' "$T/env.post-exit" "no --dir: the default"
assert_grep '^BATON_EXIT_STATUS=137$' "$T/env.post-exit" "BATON_EXIT_STATUS after SIGKILL"
