#!/usr/bin/env bash
# baton logs on stderr only (stdout is PROGRAM's, byte for byte); -v tells signals, reaping; -q not.
. "$(dirname "$0")/lib.sh"
need_unshare

# PROGRAM's output: no trailing newline, a NUL, bytes that are not UTF-8, a line like baton's.
program='printf "baton: not a log line\n\000\377\376 tab\there\r\nno newline"; echo to-stderr >&2'
printf "baton: not a log line\n\000\377\376 tab\there\r\nno newline" >"$T/expected"

for how in plain pid1; do
	# A plain successful run, at the default level: PROGRAM's output and nothing else.
	"run_$how" "$T/out" "$T/err" -- sh -c "$program"
	assert_eq 0 "$RC" "$how: exit code"
	cmp "$T/expected" "$T/out" || fail "$how: stdout is not PROGRAM's output"
	assert_eq "to-stderr" "$(cat "$T/err")" "$how: stderr at the default level"
	"run_$how" "$T/out" "$T/err" -- true
	assert_eq "" "$(cat "$T/out" "$T/err")" "$how: output of baton -- true"
	# Children that PROGRAM left dead but unreaped are not "processes left behind".
	"run_$how" "$T/out" "$T/err" -- "$HELPERS/zombies" 3
	assert_eq 0 "$RC" "$how: exit code of a PROGRAM that leaves zombies"
	assert_eq "" "$(cat "$T/out" "$T/err")" "$how: output of a PROGRAM that leaves zombies"

	# Debug level, three ways: stdout unchanged, the story on stderr.
	for level in -v --log-level=debug BATON_LOG_LEVEL=debug; do
		if [ "$level" = BATON_LOG_LEVEL=debug ]; then
			BATON_LOG_LEVEL=debug "run_$how" "$T/out" "$T/err" -- sh -c "$program"
		else
			"run_$how" "$T/out" "$T/err" "$level" -- sh -c "$program"
		fi
		assert_eq 0 "$RC" "$how $level: exit code"
		cmp "$T/expected" "$T/out" || fail "$how $level: stdout is not PROGRAM's output"
		assert_grep '^baton: reaped pid [0-9]* (status 0)' "$T/err" "$how $level: stderr"
		assert_grep '^to-stderr$' "$T/err" "$how $level: PROGRAM's stderr"
	done

	# Every forwarded signal and every reaped pid, by number, with -v or BATON_LOG_LEVEL.
	for level in -v BATON_LOG_LEVEL=debug; do
		log=$T/$how$level.log
		if [ "$level" = -v ]; then
			"start_$how" "$T/out" "$T/err" -v -- "$HELPERS/sigreport" -l "$log" -x 15
		else
			BATON_LOG_LEVEL=debug "start_$how" "$T/out" "$T/err" -- \
				"$HELPERS/sigreport" -l "$log" -x 15
		fi
		wait_line "$log" '^ready$'
		program_pid=$(sed -n 's/^start pid \([0-9]*\) .*/\1/p' "$log")
		for sig in USR1 HUP WINCH; do
			kill -s "$sig" "$BATON_PID"
			wait_line "$log" "^sig $(kill -l "$sig")\$"
			assert_grep "forwarded SIG$sig to pid $program_pid\$" "$T/err" "$how $level: $sig"
		done
		kill -s TERM "$BATON_PID"
		wait_exit
		assert_grep "reaped pid $program_pid (status 0)" "$T/err" "$how $level: the reaping"
		assert_eq "" "$(cat "$T/out")" "$how $level: stdout of a logging baton"
	done

	# A stderr nobody reads any more (EPIPE, SIGPIPE to baton itself) costs baton nothing.
	log=$T/$how-closed.log
	rm -f "$T/errpipe"
	mkfifo "$T/errpipe"
	(exec 3<"$T/errpipe") &
	reader=$!
	"start_$how" "$T/out" "$T/errpipe" -v -- "$HELPERS/sigreport" -l "$log" -x 15
	wait "$reader"
	wait_line "$log" '^ready$'
	for sig in USR1 PIPE HUP; do
		kill -s "$sig" "$BATON_PID"
		wait_line "$log" "^sig $(kill -l "$sig")\$"
	done
	kill -s TERM "$BATON_PID"
	wait_exit
	assert_eq 0 "$RC" "$how: exit code with a closed stderr"

	# The stop sequence says what it does at the default level; -q and the error level
	# silence it, but not errors.
	for level in "" -q --log-level=error; do
		"start_$how" "$T/out" "$T/err" $level -- sleep 1000
		wait_procs "$BATON_PID" sleep 1
		kill -s TERM "$BATON_PID"
		wait_exit
		assert_eq 143 "$RC" "$how $level: exit code"
		if [ -z "$level" ]; then
			assert_grep '^baton: stopping PROGRAM (SIGTERM)' "$T/err" "$how: default level"
		else
			assert_eq "" "$(cat "$T/err")" "$how $level: stderr of a stop"
			"run_$how" "$T/out" "$T/err" $level -- "$T/missing"
			assert_eq 127 "$RC" "$how $level: exit code of a missing PROGRAM"
			assert_grep "$T/missing" "$T/err" "$how $level: the error still shows"
		fi
		assert_eq "" "$(cat "$T/out")" "$how $level: stdout"
	done
done
