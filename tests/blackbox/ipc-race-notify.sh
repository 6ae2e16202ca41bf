#!/usr/bin/env bash
# The message-queue race with producer-notify (READY=1 once its queue exists) under baton: 0 failures.
. "$(dirname "$0")/lib.sh"
# One IPC namespace for both "containers" (and none of their queues on the host).
in_namespaces --ipc
need_unshare
[ -n "${IPC_PRODUCER_NOTIFY:-}" ] || skip "IPC_PRODUCER_NOTIFY is unset (built without libsystemd)"

ROUNDS=${IPC_RACE_ROUNDS:-100}
PARALLEL=4
COUNT=5

# pause: 0-20 ms, at random.
pause() {
	sleep "0.0$(printf '%02d' $((RANDOM % 21)))"
}

# round I: starts the producer and the consumer container, each under baton, in a random order,
# the second 0-20 ms after the first, the producer itself 0-20 ms slow (random delays are the
# scenario, not synchronisation). Writes the consumer's exit status to $T/rc.I.
round() {
	local i=$1 key d c p rc=0
	key=$(printf '0x6276%04x' "$i")
	d=$T/dir.$i
	local pcmd=("$BATON" --name producer --dir "$d" --ready-on notify -- "$IPC_PRODUCER_NOTIFY"
		--key "$key" --count "$COUNT" --delay-ms $((RANDOM % 20)) --linger-ms 60000)
	local ccmd=("$BATON" --dir "$d" --after producer --timeout 60 -- "$IPC_CONSUMER" --key "$key"
		--expect "$COUNT" --timeout-s 30)
	if [ $((RANDOM % 2)) = 0 ]; then
		bg_container p /dev/null "$T/p.$i.err" "${pcmd[@]}"
		pause
		bg_container c "$T/c.$i.out" "$T/c.$i.err" "${ccmd[@]}"
	else
		bg_container c "$T/c.$i.out" "$T/c.$i.err" "${ccmd[@]}"
		pause
		bg_container p /dev/null "$T/p.$i.err" "${pcmd[@]}"
	fi
	wait "$c" || rc=$?
	end_container "$p"
	if [ "$rc" = 0 ]; then
		grep -q "^consumer: received $COUNT messages\$" "$T/c.$i.out" || rc=100
	else
		ipcrm -Q "$key" 2>/dev/null || true
		note "round $i: consumer exited $rc: $(cat "$T/c.$i.err")"
	fi
	echo "$rc" >"$T/rc.$i"
}

for ((i = 1; i <= ROUNDS; i += PARALLEL)); do
	pids=""
	for ((j = i; j < i + PARALLEL && j <= ROUNDS; j++)); do
		round "$j" &
		pids="$pids $!"
	done
	# shellcheck disable=SC2086 # a list of pids
	wait $pids
done
for ((i = 1; i <= ROUNDS; i++)); do
	[ -s "$T/rc.$i" ] || fail "round $i did not finish"
done
failed=$(cat "$T"/rc.* | grep -cv '^0$' || true)
note "with baton (--ready-on notify): $failed of $ROUNDS consumers failed"
assert_eq 0 "$failed" "consumers that failed with baton"
ipcs -q >"$T/ipcs"
assert_no_grep '0x6276' "$T/ipcs" "queues left behind"
