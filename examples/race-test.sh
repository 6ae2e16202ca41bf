#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# examples/race-test.sh - shakes the ipc example (examples/ipc) for a startup race on this
# machine, without containers: each round is a "pod" of its own (a new IPC namespace from
# `unshare --ipc` and a new gate directory) where the producer and the consumer each start
# under baton after a random delay of 0..JITTER ms (--jitter). First RUNS rounds without
# ordering (both only publish their names), then RUNS rounds with it (the consumer waits
# --after producer, which is ready once its message queue exists). Prints one line per round on
# stderr, a table on stdout, and `baton timeline` of one failed round without ordering and of
# the last round with it.
#
#   examples/race-test.sh [RUNS [JITTER]]     default 20 rounds each, 1000 ms
#   BUILD=DIR examples/race-test.sh           baton and the ipc example from DIR (default build/)
#
# Needs root (unshare --ipc). Exit status: 0 no round with ordering failed, 1 one did (or the
# test could not run), 64 usage error.
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd -P)
build=${BUILD:-$repo/build}
baton=$build/supervisor/baton
producer=$build/examples/ipc/producer
consumer=$build/examples/ipc/consumer

# round MODE DIR JITTER: one pod, inside its own IPC namespace; exits with the consumer's status.
if [ "${1:-}" = --round ]; then
	mode=$2 dir=$3 jitter=$4
	after=() ready=()
	if [ "$mode" = ordered ]; then
		after=(--after producer --timeout 30)
		ready=(--ready-on msgq:0x62746e01)
	fi
	"$baton" --dir "$dir" --jitter "$jitter" --name producer "${ready[@]}" -- \
		"$producer" --count 1000 2>>"$dir/log" &
	p=$!
	rc=0
	"$baton" --dir "$dir" --jitter "$jitter" --name consumer "${after[@]}" -- \
		"$consumer" --expect 1000 >/dev/null 2>>"$dir/log" || rc=$?
	# Without a consumer the producer blocks on a full queue: the pod ends with the consumer.
	[ "$rc" = 0 ] || kill -TERM "$p" 2>/dev/null || true
	wait "$p" || true
	exit "$rc"
fi

case ${1:-20} in '' | *[!0-9]* | 0*)
	echo "usage: examples/race-test.sh [RUNS [JITTER_MS]]" >&2
	exit 64
	;;
esac
case ${2:-1000} in '' | *[!0-9]*)
	echo "usage: examples/race-test.sh [RUNS [JITTER_MS]]" >&2
	exit 64
	;;
esac
runs=${1:-20} jitter=${2:-1000}
for f in "$baton" "$producer" "$consumer"; do
	[ -x "$f" ] || {
		echo "race-test: $f is missing: meson setup build && ninja -C build" >&2
		exit 1
	}
done
work=$(mktemp -d "${TMPDIR:-/tmp}/baton-race.XXXXXX")
trap 'rm -rf "$work"' EXIT

declare -A failures
failed_dir='' ordered_dir=''
for mode in unordered ordered; do
	failures[$mode]=0
	for i in $(seq "$runs"); do
		dir=$work/$mode-$i
		mkdir -p "$dir"
		code=0
		unshare --ipc -- bash "$0" --round "$mode" "$dir" "$jitter" || code=$?
		if [ "$code" != 0 ]; then
			failures[$mode]=$((failures[$mode] + 1))
			[ "$mode" = ordered ] || [ -n "$failed_dir" ] || failed_dir=$dir
		fi
		[ "$mode" = unordered ] || ordered_dir=$dir
		printf 'race-test: %-9s round %2d/%d: consumer exit %d\n' "$mode" "$i" "$runs" "$code" >&2
	done
done

printf '\nipc example, producer and consumer each started after 0..%d ms (--jitter):\n\n' "$jitter"
printf '| %-31s | %4s | %-17s |\n' "" runs "consumer failures"
printf '|%s|%s|%s|\n' --------------------------------- ------ -------------------
printf '| %-31s | %4d | %-17s |\n' "without ordering" "$runs" \
	"${failures[unordered]} ($((failures[unordered] * 100 / runs))%)"
printf '| %-31s | %4d | %-17s |\n' "with --after producer" "$runs" \
	"${failures[ordered]} ($((failures[ordered] * 100 / runs))%)"
if [ -n "$failed_dir" ]; then
	printf '\nA failed round without ordering:\n\n'
	"$baton" timeline --dir "$failed_dir"
fi
printf '\nThe last round with ordering:\n\n'
"$baton" timeline --dir "$ordered_dir"
[ "${failures[ordered]}" -eq 0 ]
