# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Sourced by every black-box test. meson sets BATON (the binary under test), HELPERS (the
# directory of tests/helpers programs), SRC_ROOT, BUILD_ROOT, IPC_PRODUCER, IPC_CONSUMER and,
# with libsystemd, IPC_PRODUCER_NOTIFY. A test exits 0 (pass), 1 (fail) or 77 (skip, with the
# reason on stderr; never to hide a failure).
set -eu

: "${BATON:?BATON must name the baton binary under test}"
: "${HELPERS:=$(dirname "$BATON")/../tests/helpers}"

T=$(mktemp -d "${TMPDIR:-/tmp}/baton-test.XXXXXX")
BG_PIDS=""

cleanup() {
	for p in $BG_PIDS; do
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
		c=$(cat "/proc/$1/task/$1/children" 2>/dev/null | awk '{print $1}')
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

# start_plain OUT ERR ARGS...: runs baton (not PID 1) in the background; sets BATON_PID.
start_plain() {
	local out=$1 err=$2
	shift 2
	"$BATON" "$@" >"$out" 2>"$err" &
	BATON_PID=$!
	UNSHARE_PID=$BATON_PID
	BG_PIDS="$BG_PIDS $BATON_PID"
}

# finish: waits for the background baton started above; prints its exit status.
finish() {
	local rc=0
	wait "$UNSHARE_PID" || rc=$?
	echo "$rc"
}
