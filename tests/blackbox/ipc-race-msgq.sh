#!/usr/bin/env bash
# The message-queue race: without baton the consumer often starts first and fails; with baton never.
. "$(dirname "$0")/lib.sh"
# One IPC namespace for both "containers" (and none of their queues on the host).
in_namespaces --ipc
need_unshare

ROUNDS=${IPC_RACE_ROUNDS:-100}
PARALLEL=4
COUNT=5

# pause: 0-20 ms, at random.
pause() {
	sleep "0.0$(printf '%02d' $((RANDOM % 21)))"
}

# round WITH_BATON I: starts a producer and a consumer container in a random order, the second
# 0-20 ms after the first, the producer itself 0-20 ms slow (random delays are the scenario,
# not synchronisation). Writes the consumer's exit status to $T/rc.WITH_BATON.I.
round() {
	local with=$1 i=$2 key d c p rc=0
	key=$(printf '0x6275%04x' "$i")
	d=$T/dir$with.$i
	local pcmd=("$IPC_PRODUCER" --key "$key" --count "$COUNT" --delay-ms $((RANDOM % 20))
		--linger-ms 60000)
	local ccmd=("$IPC_CONSUMER" --key "$key" --expect "$COUNT" --timeout-s 30)
	if [ "$with" = 1 ]; then
		pcmd=("$BATON" --name producer --dir "$d" --ready-on "msgq:$key" -- "${pcmd[@]}")
		ccmd=("$BATON" --dir "$d" --after producer --timeout 60 -- "${ccmd[@]}")
	fi
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
		# Without baton, exit 1 (no queue yet) is the race this example shows.
		if [ "$with" = 1 ] || [ "$rc" != 1 ]; then
			note "round $i (baton: $with): consumer exited $rc: $(cat "$T/c.$i.err")"
		fi
	fi
	echo "$rc" >"$T/rc.$with.$i"
}

# rounds WITH_BATON: ROUNDS rounds, PARALLEL at a time (each with its own key and DIR); sets
# FAILED to how many consumers failed.
rounds() {
	local i j pids
	for ((i = 1; i <= ROUNDS; i += PARALLEL)); do
		pids=""
		for ((j = i; j < i + PARALLEL && j <= ROUNDS; j++)); do
			round "$1" "$j" &
			pids="$pids $!"
		done
		# shellcheck disable=SC2086 # a list of pids
		wait $pids
	done
	for ((i = 1; i <= ROUNDS; i++)); do
		[ -s "$T/rc.$1.$i" ] || fail "round $i (baton: $1) did not finish"
	done
	FAILED=$(cat "$T"/rc."$1".* | grep -cv '^0$' || true)
}

rounds 0
note "without baton: $FAILED of $ROUNDS consumers failed ($((100 * FAILED / ROUNDS))%)"
rounds 1
note "with baton (--ready-on msgq:KEY): $FAILED of $ROUNDS consumers failed"
assert_eq 0 "$FAILED" "consumers that failed with baton"
ipcs -q >"$T/ipcs"
assert_no_grep '0x6275' "$T/ipcs" "queues left behind"
