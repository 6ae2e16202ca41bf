#!/usr/bin/env bash
# With -g/--group signals go to PROGRAM's whole process group: a shell pipeline stops on TERM.
. "$(dirname "$0")/lib.sh"
need_unshare

for how in plain pid1; do
	# The shell only runs its TERM trap once the pipeline is done: it exits 7 at once when
	# the pipeline got TERM too, and is SIGKILLed after --grace (137) when only the shell did.
	pipeline='trap "exit 7" TERM; sleep 1000 | sleep 1000'
	for opt in -g --group; do
		"start_$how" "$T/out" "$T/err" -v "$opt" --grace 30 -- sh -c "$pipeline"
		wait_procs "$BATON_PID" sleep 2
		kill -s TERM "$BATON_PID"
		wait_exit
		assert_eq 7 "$RC" "$how $opt: exit code of the trapping shell"
		assert_grep 'forwarded SIGTERM to process group' "$T/err" "$how $opt: log"
		assert_no_grep 'SIGKILL$' "$T/err" "$how $opt: needed no SIGKILL"
	done
	# Without -g only the shell gets TERM: the pipeline keeps it waiting until the SIGKILL.
	"start_$how" "$T/out" "$T/err" --grace 1 -- sh -c "$pipeline"
	wait_procs "$BATON_PID" sleep 2
	kill -s TERM "$BATON_PID"
	wait_exit
	assert_eq 137 "$RC" "$how without -g: exit code"

	# The plain pipeline, and BATON_GROUP=1 instead of -g.
	BATON_GROUP=1 "start_$how" "$T/out" "$T/err" -v --grace 30 -- sh -c 'sleep 1000 | sleep 1000'
	wait_procs "$BATON_PID" sleep 2
	kill -s TERM "$BATON_PID"
	wait_exit
	assert_eq 143 "$RC" "$how BATON_GROUP=1: exit code of the pipeline's shell"
	assert_grep 'forwarded SIGTERM to process group' "$T/err" "$how BATON_GROUP=1: log"
	assert_no_grep 'SIGKILL$' "$T/err" "$how BATON_GROUP=1: needed no SIGKILL"

	# A signal that does not stop anything reaches every process of the group.
	rm -f "$T/a.log" "$T/b.log"
	"start_$how" "$T/out" "$T/err" -g -- \
		sh -c 'trap "" USR1; "$1" -l "$2" -x 15 & "$1" -l "$3" -x 15 & wait' \
		sh "$HELPERS/sigreport" "$T/a.log" "$T/b.log"
	wait_line "$T/a.log" '^ready$'
	wait_line "$T/b.log" '^ready$'
	kill -s USR1 "$BATON_PID"
	wait_line "$T/a.log" '^sig 10$'
	wait_line "$T/b.log" '^sig 10$'
	kill -s TERM "$BATON_PID"
	wait_exit
	assert_eq 143 "$RC" "$how -g: exit code of the shell after TERM"
	assert_grep '^exit 0$' "$T/a.log" "$how -g: first sigreport stopped by TERM"
	assert_grep '^exit 0$' "$T/b.log" "$how -g: second sigreport stopped by TERM"
done
