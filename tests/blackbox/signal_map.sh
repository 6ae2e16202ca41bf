#!/usr/bin/env bash
# --map-signal FROM:TO forwards FROM as TO (TERM:QUIT still stops PROGRAM) and FROM:0 drops FROM.
. "$(dirname "$0")/lib.sh"
need_unshare

rtmax=$(kill -l RTMAX)
for how in plain pid1; do
	# TERM arrives as QUIT, and baton's stop sequence runs: PROGRAM ignores QUIT, so it is
	# SIGKILLed after the grace period.
	log=$T/$how-term.log
	"start_$how" "$T/out" "$T/err" --map-signal TERM:QUIT --grace 1 -- \
		"$HELPERS/sigreport" -l "$log"
	wait_line "$log" '^ready$'
	kill -s TERM "$BATON_PID"
	wait_exit
	assert_eq 137 "$RC" "$how TERM:QUIT: exit code of a PROGRAM that ignores QUIT"
	assert_eq "sig 3" "$(grep '^sig' "$log")" "$how TERM:QUIT: signals PROGRAM got"

	# A PROGRAM that exits on QUIT gives its own status.
	log=$T/$how-quit.log
	"start_$how" "$T/out" "$T/err" -r SIGTERM:SIGQUIT -- "$HELPERS/sigreport" -l "$log" -x 3 -e 4
	wait_line "$log" '^ready$'
	kill -s TERM "$BATON_PID"
	wait_exit
	assert_eq 4 "$RC" "$how TERM:QUIT: exit code of a PROGRAM that exits 4 on QUIT"

	# Dropped and renamed signals, from options (repeated, comma lists) and the environment.
	for opts in "-r USR1:0 -r HUP:USR2 -r 29:0" "--map-signal=USR1:0,HUP:USR2,IO:0" "env"; do
		log=$T/$how-drop.log
		rm -f "$log"
		if [ "$opts" = env ]; then
			BATON_MAP_SIGNAL=usr1:0,sighup:12,SIGIO:0 \
				"start_$how" "$T/out" "$T/err" -- "$HELPERS/sigreport" -l "$log" -x 15
		else
			# shellcheck disable=SC2086 # $opts is a list of options
			"start_$how" "$T/out" "$T/err" $opts -- "$HELPERS/sigreport" -l "$log" -x 15
		fi
		wait_line "$log" '^ready$'
		kill -s USR1 "$BATON_PID"
		kill -s IO "$BATON_PID"
		kill -s HUP "$BATON_PID"
		kill -s INT "$BATON_PID" # not mapped: passes unchanged
		# RTMAX is handled after everything sent before it.
		kill -s "$rtmax" "$BATON_PID"
		wait_line "$log" "^sig $rtmax\$"
		assert_eq "2 12 $rtmax" "$(sed -n 's/^sig //p' "$log" | sort -n | tr '\n' ' ' | sed 's/ $//')" \
			"$how $opts: signals PROGRAM got"
		kill -s TERM "$BATON_PID"
		wait_exit
		assert_eq 0 "$RC" "$how $opts: exit code"
	done
done
