#!/usr/bin/env bash
# No PROGRAM, an unknown option or a bad value: exit 64, one stderr line, nothing started.
. "$(dirname "$0")/lib.sh"
need_unshare

# usage_error WHAT ARGS...: baton ARGS must exit 64, print one line on stderr, nothing on stdout,
# and never run PROGRAM (which would create $T/started). Plain and as PID 1.
usage_error() {
	local what=$1 rc how
	shift
	for how in plain pid1; do
		rc=0
		if [ "$how" = plain ]; then
			"$BATON" "$@" >"$T/out" 2>"$T/err" || rc=$?
		else
			container "$BATON" "$@" >"$T/out" 2>"$T/err" || rc=$?
		fi
		assert_eq 64 "$rc" "$how: exit code for $what"
		assert_eq 1 "$(wc -l <"$T/err")" "$how: stderr lines for $what ($(cat "$T/err"))"
		assert_eq "" "$(cat "$T/out")" "$how: stdout for $what"
		[ ! -e "$T/started" ] || fail "$how: PROGRAM was started despite $what"
	done
}

start=(touch "$T/started")
usage_error "no arguments"
usage_error "no PROGRAM after --" --
usage_error "only options" -v -g
usage_error "unknown long option" --no-such-option -- "${start[@]}"
usage_error "unknown short option" -Z -- "${start[@]}"
usage_error "--grace without a value" --grace
usage_error "--grace abc" --grace abc -- "${start[@]}"
usage_error "--grace -1" --grace -1 -- "${start[@]}"
usage_error "--grace 1e3" --grace 1e3 -- "${start[@]}"
usage_error "--remap-exit 300" --remap-exit 300 -- "${start[@]}"
usage_error "--remap-exit -1" --remap-exit -1 -- "${start[@]}"
usage_error "--remap-exit 1,,2" --remap-exit 1,,2 -- "${start[@]}"
usage_error "-e abc" -e abc -- "${start[@]}"
usage_error "--map-signal TERM" --map-signal TERM -- "${start[@]}"
usage_error "--map-signal TERM:NOPE" --map-signal TERM:NOPE -- "${start[@]}"
usage_error "--map-signal KILL:TERM" --map-signal KILL:TERM -- "${start[@]}"
usage_error "--map-signal SEGV:TERM" --map-signal SEGV:TERM -- "${start[@]}"
usage_error "--name A_b" --name A_b -- "${start[@]}"
usage_error "--name -x" --name=-x -- "${start[@]}"
usage_error "--pdeathsig NOPE" --pdeathsig NOPE -- "${start[@]}"
usage_error "--log-level loud" --log-level loud -- "${start[@]}"
# Bad values from the environment are usage errors too.
BATON_GRACE=abc usage_error "BATON_GRACE=abc" -- "${start[@]}"
BATON_REMAP_EXIT=256 usage_error "BATON_REMAP_EXIT=256" -- "${start[@]}"
