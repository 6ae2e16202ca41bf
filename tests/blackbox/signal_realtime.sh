#!/usr/bin/env bash
# Realtime signals RTMIN..RTMAX reach PROGRAM; sigqueue'd values arrive unchanged, in order.
. "$(dirname "$0")/lib.sh"
need_unshare

rtmin=$(kill -l RTMIN) rtmax=$(kill -l RTMAX)
for how in plain pid1; do
	log=$T/$how.log
	"start_$how" "$T/out" "$T/err" -- "$HELPERS/sigreport" -l "$log" -x 15
	wait_line "$log" '^ready$'
	for sig in $(seq "$rtmin" "$rtmax"); do
		kill -s "$sig" "$BATON_PID"
		wait_line "$log" "^sig $sig\$"
	done
	# Queued values: each one forwarded with its own value, none merged, in the order sent.
	"$HELPERS/sigqueue" "$BATON_PID" "$rtmin" 7 -1 2147483647 0 42
	"$HELPERS/sigqueue" "$BATON_PID" "$rtmax" 99
	wait_line "$log" "^sig $rtmax value 99\$"
	assert_eq "7 -1 2147483647 0 42" \
		"$(sed -n "s/^sig $rtmin value //p" "$log" | tr '\n' ' ' | sed 's/ $//')" \
		"$how: values queued with signal $rtmin"
	# A standard signal sent with sigqueue keeps its value too.
	"$HELPERS/sigqueue" "$BATON_PID" 10 1234
	wait_line "$log" '^sig 10 value 1234$'
	kill -s TERM "$BATON_PID"
	wait_exit
	assert_eq 0 "$RC" "$how: exit code after TERM"
	assert_eq $((rtmax - rtmin + 1 + 5 + 1 + 1 + 1)) "$(grep -c '^sig ' "$log")" \
		"$how: signals PROGRAM got"
done
