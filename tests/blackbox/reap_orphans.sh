#!/usr/bin/env bash
# Every orphan re-parented to baton is reaped, as PID 1 and as subreaper; PROGRAM stays supervised.
. "$(dirname "$0")/lib.sh"
need_unshare

for how in plain pid1; do
	# 1000 orphans that die at once (often already zombies when they reach baton), then 300
	# that live 50 ms after they were re-parented.
	for spec in "1000 0" "300 50"; do
		read -r n linger <<<"$spec"
		"start_$how" "$T/out" "$T/err" -v -- "$HELPERS/orphans" "$n" "$linger"
		wait_line "$T/out" "^orphaned $n\$" 30
		wait_line "$T/err" 'an orphan' 30
		i=0
		while [ "$(grep -c ', an orphan$' "$T/err")" -lt "$n" ]; do
			i=$((i + 1))
			[ "$i" -le 3000 ] ||
				fail "$how: $(grep -c ', an orphan$' "$T/err") of $n orphans reaped after 30s"
			sleep 0.01
		done
		assert_eq "$n" "$(grep -c ', an orphan$' "$T/err")" "$how: orphans reaped"
		wait_no_zombies "$BATON_PID"
		# Only PROGRAM is left, alive and still baton's: TERM reaches it, its status comes back.
		assert_eq 1 "$(descendants "$BATON_PID" | wc -l)" "$how: processes left under baton"
		kill -s TERM "$BATON_PID"
		wait_exit
		assert_eq 0 "$RC" "$how: exit code after TERM (orphans exits 0 on TERM)"
	done
done
