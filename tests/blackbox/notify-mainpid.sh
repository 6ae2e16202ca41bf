#!/usr/bin/env bash
# MAINPID=: baton follows a PROGRAM that daemonizes, signals the new main pid, exits with its status.
. "$(dirname "$0")/lib.sh"
need_unshare

D=$T/dir
mkdir "$D"
S=$HELPERS/dgram

# daemonize DGRAM PIDFILE GO: the parent forks a daemon and exits 0 once the daemon has told
# baton MAINPID=<its pid> and READY=1 (acknowledged: a barrier) and written its pid. Once the
# test writes to GO, the daemon exits with the code in PIDFILE.code; on SIGTERM, with 9 (the
# FIFO is read in the background so the trap runs at once).
cat >"$T/daemonize" <<'EOS'
if [ "$1" = daemon ]; then
	trap 'exit 9' TERM
	"$2" -b "MAINPID=$$" READY=1 || exit 99
	echo "$$" >"$3.tmp" && mv "$3.tmp" "$3"
	read -r code <"$4" &
	wait $! || exit 9
	read -r code <"$3.code"
	exit "$code"
fi
sh "$0" daemon "$@" &
while [ ! -s "$2" ]; do sleep 0.01; done
exit 0
EOS

# start NAME: a baton whose PROGRAM daemonizes; waits until the parent is gone and baton
# has taken the daemon as PROGRAM's main pid. Sets P and DAEMON (its pid in the container).
start() {
	rm -f "$T/pid" "$T/go" "$T/pid.code"
	mkfifo "$T/go"
	bg_container P "$T/$1.out" "$T/$1.err" "$BATON" -v --name "$1" --dir "$D" --ready-on notify \
		-- sh "$T/daemonize" "$S" "$T/pid" "$T/go"
	wait_file "$T/pid"
	DAEMON=$(cat "$T/pid")
	wait_line "$T/$1.err" "PROGRAM's main pid is now $DAEMON\$"
	wait_line "$T/$1.err" "exited; PROGRAM's main pid is now $DAEMON\$"
	kill -0 "$P" 2>/dev/null || fail "baton ended with the parent: $(cat "$T/$1.err")"
	assert_eq ready "$(record_get "$D" "$1" state)" "$1: state once the parent exited 0"
	assert_no_grep 'PROGRAM exited' "$T/$1.err" "$1: the parent's exit taken as PROGRAM's"
}

# The daemon's status is baton's.
start daemon
echo 7 >"$T/pid.code"
echo go >"$T/go"
rc=0
wait "$P" || rc=$?
assert_eq 7 "$rc" "baton's exit status (the daemon's)"
assert_eq exited "$(record_get "$D" daemon state)" "state after the daemon exited"
assert_eq 7 "$(record_get "$D" daemon exit)" "recorded exit"

# TERM goes to the new main pid.
start daemon2
kill -TERM "$(child_of "$P")"
rc=0
wait "$P" || rc=$?
assert_eq 9 "$rc" "baton's exit status after TERM (the daemon's trap)"

# MAINPID= that is not a live process of PROGRAM is refused: baton itself, a dead pid, a
# pid outside the container.
puppet_setup
bg_container P "$T/r.out" "$T/r.err" "$BATON" -v --name refuse --dir "$D" --ready-on notify -- \
	"${PUPPET[@]}"
puppet "'$S' -b MAINPID=1"
puppet "sh -c 'echo \$\$ >\"$T/dead\"'; '$S' -b MAINPID=\$(cat '$T/dead')"
puppet "'$S' -b MAINPID=2147483647 READY=1"
assert_eq 3 "$(grep -c 'MAINPID=[0-9]* refused: not a live process of PROGRAM' "$T/r.err")" \
	"refusals logged"
assert_no_grep "main pid is now" "$T/r.err" "a refused MAINPID was taken"
assert_eq ready "$(record_get "$D" refuse state)" "READY=1 next to a refused MAINPID"
puppet_send "exit 5"
rc=0
wait "$P" || rc=$?
assert_eq 5 "$rc" "baton's exit status (PROGRAM's, as no MAINPID was taken)"
