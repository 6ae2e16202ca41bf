# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Sourced by every black-box test. meson sets BATON (the binary under test), HELPERS (the
# directory of tests/helpers programs), SRC_ROOT, BUILD_ROOT, IPC_PRODUCER, IPC_CONSUMER and,
# with libsystemd, IPC_PRODUCER_NOTIFY. A test exits 0 (pass), 1 (fail) or 77 (skip, with the
# reason on stderr; never to hide a failure).
set -eu

: "${BATON:?BATON must name the baton binary under test}"
: "${HELPERS:=$(dirname "$BATON")/../tests/helpers}"

# A test started from a background job (`tests/run.sh ... &` in a script) inherits INT and QUIT
# ignored, as POSIX shells start such jobs, and baton hands that on to PROGRAM: tests that send
# those signals would test the caller's setup. Start over once with the default dispositions.
if [ -z "${BATON_TEST_SIGNALS_RESET:-}" ] &&
	[ $(((16#$(sed -n 's/^SigIgn:\t*//p' /proc/$$/status) >> 1) & 3)) != 0 ]; then
	BATON_TEST_SIGNALS_RESET=1 exec env --default-signal=INT,QUIT bash "$0" "$@"
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/baton-test.XXXXXX")
BG_PIDS=""

cleanup() {
	local left=""
	for p in $BG_PIDS; do
		# Only our own children: a pid reaped long ago may belong to someone else by now.
		[ "$(sed 's/.*) [A-Za-z] \([0-9]*\).*/\1/' "/proc/$p/stat" 2>/dev/null)" = "$$" ] ||
			continue
		# A plain baton killed here would leave its PROGRAM running: take its tree along.
		left="$left $(descendants "$p" | awk '{ print $1 }')"
		kill -KILL "$p" 2>/dev/null || true
	done
	for p in $left; do
		kill -KILL "$p" 2>/dev/null || true
	done
	rm -rf "$T"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

skip() {
	echo "SKIP: $*" >&2
	exit 77
}

note() {
	echo "# $*" >&2
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (unshare)"
}

need_unshare() {
	need_root
	unshare --pid --fork --mount-proc true 2>/dev/null || skip "unshare --pid does not work here"
}

# assert_eq EXPECTED ACTUAL WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}

# assert_grep PATTERN FILE WHAT
assert_grep() {
	grep -q -e "$1" "$2" || fail "$3: no line matching '$1' in $2: $(head -c 2000 "$2")"
}

# assert_no_grep PATTERN FILE WHAT
assert_no_grep() {
	if grep -q -e "$1" "$2"; then
		fail "$3: unexpected line matching '$1' in $2"
	fi
}

# wait_line FILE PATTERN [SECONDS]: wait until FILE has a line matching PATTERN. The file's
# content is the signal; the 10 ms steps are only how often we look.
wait_line() {
	local file=$1 pattern=$2 limit=${3:-10} i=0
	while ! grep -q -e "$pattern" "$file" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le $((limit * 100)) ] || fail "timed out after ${limit}s waiting for '$pattern' in $file"
		sleep 0.01
	done
}

# wait_gone PID [SECONDS]: wait until PID no longer exists.
wait_gone() {
	local pid=$1 limit=${2:-10} i=0
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le $((limit * 100)) ] || fail "timed out after ${limit}s waiting for pid $pid to exit"
		sleep 0.01
	done
}

# child_of PPID: the first child pid of PPID (e.g. baton inside `unshare --fork`).
child_of() {
	local i=0 c=""
	while [ -z "$c" ]; do
		c=$(awk '{print $1}' "/proc/$1/task/$1/children" 2>/dev/null || true)
		[ -n "$c" ] && break
		i=$((i + 1))
		[ "$i" -le 1000 ] || fail "pid $1 has no child"
		sleep 0.01
	done
	echo "$c"
}

# start_pid1 OUT ERR ARGS...: runs `baton ARGS...` as PID 1 of a new PID namespace in the
# background; sets UNSHARE_PID (to wait on) and BATON_PID (baton's pid as seen from here).
start_pid1() {
	local out=$1 err=$2
	shift 2
	unshare --pid --fork --mount-proc "$BATON" "$@" >"$out" 2>"$err" &
	UNSHARE_PID=$!
	BG_PIDS="$BG_PIDS $UNSHARE_PID"
	BATON_PID=$(child_of "$UNSHARE_PID")
}

# start_pid1_via OUT ERR CMD...: as start_pid1, but runs CMD, which must exec baton (e.g. a
# launcher that sets up the signal state baton is given); BATON_PID is CMD's pid.
start_pid1_via() {
	local out=$1 err=$2
	shift 2
	unshare --pid --fork --mount-proc "$@" >"$out" 2>"$err" &
	UNSHARE_PID=$!
	BG_PIDS="$BG_PIDS $UNSHARE_PID"
	BATON_PID=$(child_of "$UNSHARE_PID")
}

# start_plain_via OUT ERR CMD...: as start_plain, but runs CMD, which must exec baton.
start_plain_via() {
	local out=$1 err=$2
	shift 2
	"$@" >"$out" 2>"$err" &
	BATON_PID=$!
	UNSHARE_PID=$BATON_PID
	BG_PIDS="$BG_PIDS $BATON_PID"
}

# start_plain OUT ERR ARGS...: runs baton (not PID 1) in the background; sets BATON_PID.
start_plain() {
	local out=$1 err=$2
	shift 2
	"$BATON" "$@" >"$out" 2>"$err" &
	BATON_PID=$!
	UNSHARE_PID=$BATON_PID
	BG_PIDS="$BG_PIDS $BATON_PID"
}

# finish: waits for the background baton started above; prints its exit status. Not inside
# $(...): a subshell cannot wait for its parent's children (use wait_exit there).
finish() {
	local rc=0
	wait "$UNSHARE_PID" || rc=$?
	echo "$rc"
}

# wait_exit: waits for the background baton started above and sets RC to its exit status;
# after 60 s (a hang guard only) it fails (and cleanup kills baton and what it runs).
wait_exit() {
	local limit=60 i=0
	while kill -0 "$UNSHARE_PID" 2>/dev/null && [ "$(proc_state "$UNSHARE_PID")" != Z ]; do
		i=$((i + 1))
		[ "$i" -le $((limit * 100)) ] || fail "baton (pid $UNSHARE_PID) still runs after ${limit}s"
		sleep 0.01
	done
	# shellcheck disable=SC2034 # RC is the caller's
	{
		RC=0
		wait "$UNSHARE_PID" || RC=$?
	}
}

# --- init tests ---

# run_plain OUT ERR ARGS... / run_pid1 OUT ERR ARGS...: runs `baton ARGS...` in the foreground,
# not as PID 1 / as PID 1 of new PID and mount namespaces, and sets RC to its exit status.
run_plain() {
	local out=$1 err=$2
	shift 2
	# shellcheck disable=SC2034 # RC is the caller's
	{
		RC=0
		"$BATON" "$@" >"$out" 2>"$err" || RC=$?
	}
}

run_pid1() {
	local out=$1 err=$2
	shift 2
	# shellcheck disable=SC2034 # RC is the caller's
	{
		RC=0
		unshare --pid --fork --mount-proc --kill-child "$BATON" "$@" >"$out" 2>"$err" || RC=$?
	}
}

# descendants PID: one "PID STATE" line (R, S, T, Z, ...) for every descendant of PID, zombies
# included, in this shell's PID namespace.
descendants() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" '
		{
			rest = $0
			sub(/.*\) /, "", rest)	# the command name may hold ") "
			split(rest, f, " ")
			n++; pid[n] = $1; state[$1] = f[1]; parent[$1] = f[2]
		}
		END {
			mine[root] = 1
			do {
				changed = 0
				for (i = 1; i <= n; i++)
					if (!(pid[i] in mine) && (parent[pid[i]] in mine))
						changed = mine[pid[i]] = 1
			} while (changed)
			for (i = 1; i <= n; i++)
				if (pid[i] != root && (pid[i] in mine))
					print pid[i], state[pid[i]]
		}'
}

# wait_no_zombies PID [SECONDS]: wait until no descendant of PID is a zombie.
wait_no_zombies() {
	local limit=${2:-10} i=0
	while descendants "$1" | grep -q ' Z$'; do
		i=$((i + 1))
		[ "$i" -le $((limit * 100)) ] ||
			fail "zombies under pid $1 after ${limit}s: $(descendants "$1" | grep -c ' Z$')"
		sleep 0.01
	done
}

# wait_procs PID COMM N [SECONDS]: wait until N descendants of PID run the program COMM (e.g.
# "sleep": they have exec'd it, so their signal dispositions are COMM's own).
wait_procs() {
	local limit=${4:-10} i=0 p n
	while :; do
		n=0
		for p in $(descendants "$1" | awk '$2 != "Z" { print $1 }'); do
			[ "$(cat "/proc/$p/comm" 2>/dev/null)" != "$2" ] || n=$((n + 1))
		done
		[ "$n" -lt "$3" ] || return 0
		i=$((i + 1))
		[ "$i" -le $((limit * 100)) ] || fail "pid $1 has $n descendants running $2, not $3"
		sleep 0.01
	done
}

# proc_state PID: PID's state letter (R, S, T, Z, ...), empty when PID is gone.
proc_state() {
	sed -n 's/.*) \([A-Za-z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null || true
}

# wait_state PID STATE [SECONDS]: wait until PID is in STATE (e.g. T: stopped).
wait_state() {
	local limit=${3:-10} i=0
	while [ "$(proc_state "$1")" != "$2" ]; do
		i=$((i + 1))
		[ "$i" -le $((limit * 100)) ] ||
			fail "pid $1 is in state '$(proc_state "$1")', not '$2', after ${limit}s"
		sleep 0.01
	done
}

# sig_blocked PID SIGNUM: true when SIGNUM is in PID's blocked mask.
sig_blocked() {
	local key value
	while read -r key value; do
		if [ "$key" = SigBlk: ]; then
			[ $(((16#$value >> ($2 - 1)) & 1)) = 1 ]
			return
		fi
	done <"/proc/$1/status" 2>/dev/null
	return 1
}

# wait_blocked PID SIGNUM [SECONDS]: wait until PID blocks SIGNUM (baton has set up its signal
# handling). Checks without sleeping at first: the moment after it can be short.
wait_blocked() {
	local limit=${3:-10} i=0
	while ! sig_blocked "$1" "$2"; do
		i=$((i + 1))
		[ "$i" -le 2000 ] && continue
		[ "$i" -le $((2000 + limit * 100)) ] || fail "pid $1 never blocked signal $2"
		sleep 0.01
	done
}

# --- gate, notify and IPC tests ---

# in_namespaces UNSHARE_OPTION...: re-runs this test (once) inside new namespaces, e.g. --ipc so
# the System V objects it makes never reach the host's, or --mount so its mounts vanish with it.
# Call it right after sourcing lib.sh; the test's arguments are not passed on.
in_namespaces() {
	[ "${BATON_TEST_UNSHARED:-}" = 1 ] && return 0
	need_root
	unshare "$@" true 2>/dev/null || skip "unshare $* does not work here"
	rm -rf "$T"
	BATON_TEST_UNSHARED=1 exec unshare "$@" bash "$0"
}

# umount_at_exit: on exit, unmount whatever the test mounted under $T before removing it. For
# tests that run in_namespaces --mount.
umount_at_exit() {
	trap 'findmnt -rn -o TARGET | grep "^$T/" | sort -r | xargs -r umount -l; cleanup' EXIT
}

# container ARGS...: runs ARGS in the foreground as PID 1 of new PID and mount namespaces with
# their own /proc; killed with unshare if unshare dies (e.g. under a hang guard).
container() {
	unshare --pid --fork --mount-proc --kill-child "$@"
}

# bg_container VAR OUT ERR ARGS...: container ARGS in the background, stdout to OUT and stderr
# to ERR; stores unshare's pid (to wait on, or to kill: that kills the container) in VAR.
bg_container() {
	local out=$2 err=$3 var=$1
	shift 3
	unshare --pid --fork --mount-proc --kill-child "$@" >"$out" 2>"$err" &
	BG_PIDS="$BG_PIDS $!"
	printf -v "$var" %s "$!"
}

# bg_run VAR OUT ERR ARGS...: ARGS in the background (no namespaces); its pid in VAR.
bg_run() {
	local out=$2 err=$3 var=$1
	shift 3
	"$@" >"$out" 2>"$err" &
	BG_PIDS="$BG_PIDS $!"
	printf -v "$var" %s "$!"
}

# end_bg PID...: SIGKILLs background processes and all their descendants (a plain baton's
# PROGRAM too) and reaps them quietly: for the ones a test is done with (the clean-up need not
# look for them again). Returns once the descendants are gone too, so that a baton's record
# lease is free for the next baton of the same name (a loaded machine can take a while to
# finish off a killed process that the shell does not wait for).
end_bg() {
	local p d ds i
	for p in "$@"; do
		ds=$(descendants "$p" | awk '{ print $1 }')
		for d in $ds; do
			kill -KILL "$d" 2>/dev/null || true
		done
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
		for d in $ds; do
			i=0
			while [ -n "$(proc_state "$d")" ] && [ "$(proc_state "$d")" != Z ]; do
				i=$((i + 1))
				[ "$i" -le 3000 ] || fail "end_bg: pid $d still runs 30s after SIGKILL"
				sleep 0.01
			done
		done
		BG_PIDS=" $BG_PIDS "
		BG_PIDS=${BG_PIDS// $p / }
	done
}

# hang_guard SECONDS CMD...: runs CMD and SIGKILLs it if it still runs after SECONDS (exit 137).
# Only a guard against hangs: never a timing assertion.
hang_guard() {
	local secs=$1
	shift
	timeout -s KILL "$secs" "$@"
}

# record_get DIR NAME KEY: KEY's value in the record DIR/NAME (empty when absent).
record_get() {
	sed -n "s/^$3=//p" "$1/$2" 2>/dev/null || true
}

# hold_lock FILE: a background process takes flock LOCK_EX on FILE and keeps it, as a live
# baton holds its record; returns once the lock is held. Sets LOCK_PID (kill it to release).
hold_lock() {
	(exec 9<"$1" && flock -x 9 && exec sleep 1000) &
	LOCK_PID=$!
	BG_PIDS="$BG_PIDS $LOCK_PID"
	local i=0
	while flock -n -s "$1" true; do
		i=$((i + 1))
		[ "$i" -le 1000 ] || fail "hold_lock: $1 never got locked"
		sleep 0.01
	done
}

# gated_producer WHAT DIR ACTION BATON_OPTION...: runs a producer container (--name producer
# --dir DIR) whose PROGRAM says "up", blocks until the test releases it, then runs the shell
# command ACTION and lives on. Checks that the producer stays starting and a dependent waits
# until the release, and that both get going after it. Sets P to the producer's container.
gated_producer() {
	local what=$1 dir=$2 action=$3 rc c
	shift 3
	GATED_N=$((${GATED_N:-0} + 1))
	local go=$T/gated-go$GATED_N up=$T/gated-up$GATED_N ran=$T/gated-ran$GATED_N
	mkfifo "$go"
	rm -f "$dir/producer"
	bg_container P "$T/gated-p$GATED_N.out" "$T/gated-p$GATED_N.err" \
		"$BATON" --name producer --dir "$dir" "$@" -- \
		sh -c 'echo up >"$1"; read -r _ <"$2"; eval "$3"; exec sleep 1000' sh "$up" "$go" "$action"
	rc=0
	(wait_line "$up" up 30) || rc=$?
	[ "$rc" = 0 ] || fail "$what: PROGRAM did not start: $(cat "$T/gated-p$GATED_N.err")"
	bg_run c "$T/gated-c$GATED_N.out" "$T/gated-c$GATED_N.err" \
		"$BATON" --dir "$dir" --after producer --timeout 600 -- touch "$ran"
	wait_line "$T/gated-c$GATED_N.err" 'waiting for producer (starting'
	assert_eq starting "$(record_get "$dir" producer state)" "$what: state before the release"
	rc=0
	"$BATON" status --dir "$dir" producer >/dev/null || rc=$?
	assert_eq 1 "$rc" "$what: baton status before the release"
	[ ! -e "$ran" ] || fail "$what: the dependent ran before the release"
	echo go >"$go"
	rc=0
	(wait_line "$dir/producer" '^state=ready$' 30) || rc=$?
	[ "$rc" = 0 ] || fail "$what: not ready after the release: $(cat "$T/gated-p$GATED_N.err")"
	wait_gone "$c" 60
	rc=0
	wait "$c" || rc=$?
	assert_eq 0 "$rc" "$what: the dependent's exit status"
	[ -e "$ran" ] || fail "$what: the dependent's PROGRAM did not run"
}

# wait_file PATH [SECONDS]: wait until PATH exists (e.g. a helper's "listening" file).
wait_file() {
	local i=0
	while [ ! -e "$1" ]; do
		i=$((i + 1))
		[ "$i" -le $((${2:-10} * 100)) ] || fail "timed out after ${2:-10}s waiting for $1"
		sleep 0.01
	done
}

# A puppet PROGRAM runs shell commands the test sends it, one at a time, as PROGRAM's own
# process tree (e.g. to send sd_notify datagrams with the right credentials). puppet_setup
# prepares it and sets PUPPET to the command to give baton; puppet CMD runs CMD in it, waits
# until it finished and returns its status.
puppet_setup() {
	mkfifo "$T/puppet.cmd"
	: >"$T/puppet.acks"
	exec 4<>"$T/puppet.cmd"
	PUPPET_N=0
	# shellcheck disable=SC2016,SC2034 # expanded by the puppet's shell; used by tests
	PUPPET=(sh -c 'exec 3<"$1"; n=0; while read -r cmd <&3; do n=$((n + 1)); rc=0;
		eval "$cmd" || rc=$?; echo "$n $rc" >>"$2"; done' puppet "$T/puppet.cmd" "$T/puppet.acks")
}
puppet() {
	PUPPET_N=$((PUPPET_N + 1))
	printf '%s\n' "$1" >&4
	wait_line "$T/puppet.acks" "^$PUPPET_N " 30
	return "$(sed -n "s/^$PUPPET_N //p" "$T/puppet.acks")"
}
# puppet_send CMD: hands CMD to the puppet without waiting (e.g. "exit 3", which never acks).
puppet_send() {
	printf '%s\n' "$1" >&4
}

# end_container PID...: SIGKILLs the PID 1 of each container started with bg_container (PID is
# unshare's) and waits until unshare saw it die: then nothing in it runs or holds a lock.
end_container() {
	local p c i
	for p in "$@"; do
		# unshare may not have forked yet: look until there is a PID 1 or unshare has ended.
		for ((i = 0; i < 1000; i++)); do
			c=$(awk '{print $1}' "/proc/$p/task/$p/children" 2>/dev/null || true)
			[ -z "$c" ] || break
			[ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null || echo Z)" != Z ] || break
			sleep 0.01
		done
		[ -z "$c" ] || kill -KILL "$c" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
		BG_PIDS=" $BG_PIDS "
		BG_PIDS=${BG_PIDS// $p / }
	done
}

# stop_bg PID...: SIGTERMs background batons whose PROGRAM obeys TERM, and reaps them quietly
# (cheaper than end_bg: baton itself takes its PROGRAM along).
stop_bg() {
	local p
	for p in "$@"; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
		BG_PIDS=" $BG_PIDS "
		BG_PIDS=${BG_PIDS// $p / }
	done
}
