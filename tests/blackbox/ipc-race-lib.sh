# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Sourced by the ipc-race tests, after lib.sh: the producer/consumer race of examples/ipc run as
# two "containers" (unshare --pid), many rounds, PARALLEL at a time, in one IPC namespace. Each
# round has its own queue key (KEY_PREFIX then the round number) and its own DIR.

ROUNDS=${IPC_RACE_ROUNDS:-100}
PARALLEL=4
COUNT=5

# pause: 0-20 ms, at random.
pause() {
	sleep "0.0$(printf '%02d' $((RANDOM % 21)))"
}

# race_round MODE I: starts a producer and a consumer container in a random order, the second
# 0-20 ms after the first, the producer itself 0-20 ms slow (random delays are the scenario, not
# synchronisation). MODE: none (no baton), msgq (baton, --ready-on msgq:KEY) or notify (baton,
# producer-notify with --ready-on notify). Writes the consumer's exit status to $T/rc.MODE.I.
race_round() {
	local mode=$1 i=$2 key d c p rc=0 producer=$IPC_PRODUCER ready
	key=$(printf '%s%04x' "$KEY_PREFIX" "$i")
	d=$T/dir.$mode.$i
	case $mode in
	msgq) ready=msgq:$key ;;
	notify) ready=notify producer=$IPC_PRODUCER_NOTIFY ;;
	esac
	local pcmd=("$producer" --key "$key" --count "$COUNT" --delay-ms $((RANDOM % 20))
		--linger-ms 60000)
	local ccmd=("$IPC_CONSUMER" --key "$key" --expect "$COUNT" --timeout-s 30)
	if [ "$mode" != none ]; then
		pcmd=("$BATON" --name producer --dir "$d" --ready-on "$ready" -- "${pcmd[@]}")
		ccmd=("$BATON" --dir "$d" --after producer --timeout 60 -- "${ccmd[@]}")
	fi
	if [ $((RANDOM % 2)) = 0 ]; then
		bg_container p /dev/null "$T/p.$mode.$i.err" "${pcmd[@]}"
		pause
		bg_container c "$T/c.$mode.$i.out" "$T/c.$mode.$i.err" "${ccmd[@]}"
	else
		bg_container c "$T/c.$mode.$i.out" "$T/c.$mode.$i.err" "${ccmd[@]}"
		pause
		bg_container p /dev/null "$T/p.$mode.$i.err" "${pcmd[@]}"
	fi
	wait "$c" || rc=$?
	end_container "$p"
	if [ "$rc" = 0 ]; then
		grep -q "^consumer: received $COUNT messages\$" "$T/c.$mode.$i.out" || rc=100
	else
		ipcrm -Q "$key" 2>/dev/null || true
		# Without baton, exit 1 (no queue yet) is the race this example shows.
		if [ "$mode" != none ] || [ "$rc" != 1 ]; then
			note "round $i ($mode): consumer exited $rc: $(cat "$T/c.$mode.$i.err")"
		fi
	fi
	echo "$rc" >"$T/rc.$mode.$i"
}

# race_rounds MODE: ROUNDS rounds, PARALLEL at a time; sets FAILED to how many consumers failed.
race_rounds() {
	local i j pids
	for ((i = 1; i <= ROUNDS; i += PARALLEL)); do
		pids=""
		for ((j = i; j < i + PARALLEL && j <= ROUNDS; j++)); do
			race_round "$1" "$j" &
			pids="$pids $!"
		done
		# shellcheck disable=SC2086 # a list of pids
		wait $pids
	done
	for ((i = 1; i <= ROUNDS; i++)); do
		[ -s "$T/rc.$1.$i" ] || fail "round $i ($1) did not finish"
	done
	# shellcheck disable=SC2034 # read by the test that sourced this file
	FAILED=$(cat "$T"/rc."$1".* | grep -cv '^0$' || true)
}

# race_no_queues_left: every round removed its queue.
race_no_queues_left() {
	ipcs -q >"$T/ipcs"
	assert_no_grep "$KEY_PREFIX" "$T/ipcs" "queues left behind"
}
