#!/usr/bin/env bash
# PROGRAM not found exits 127, not executable 126, each with one stderr line naming it.
. "$(dirname "$0")/lib.sh"
need_unshare

printf '#!/bin/sh\nexit 0\n' >"$T/noexec"
chmod 0644 "$T/noexec"
mkdir "$T/adir"

# check EXPECTED_CODE PATH: plain and as PID 1.
check() {
	local want=$1 path=$2 rc how
	for how in plain pid1; do
		rc=0
		if [ "$how" = plain ]; then
			"$BATON" -- "$path" arg >"$T/out" 2>"$T/err" || rc=$?
		else
			container "$BATON" -- "$path" arg >"$T/out" 2>"$T/err" || rc=$?
		fi
		assert_eq "$want" "$rc" "$how: exit code for $path"
		assert_eq 1 "$(wc -l <"$T/err")" "$how: stderr lines for $path"
		assert_grep "$path" "$T/err" "$how: stderr names $path"
		assert_eq "" "$(cat "$T/out")" "$how: stdout for $path"
	done
}

check 127 "$T/missing"
check 127 "$T/adir/missing"
check 127 baton-no-such-program-in-path
check 126 "$T/noexec"
check 126 "$T/adir"
