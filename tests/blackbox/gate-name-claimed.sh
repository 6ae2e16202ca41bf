#!/usr/bin/env bash
# A second live baton claiming a name exits 73 with one clear line; its PROGRAM never starts.
. "$(dirname "$0")/lib.sh"
need_unshare

D=$T/dir
mkdir "$D"

bg_container FIRST "$T/first.out" "$T/first.err" \
	"$BATON" --name producer --dir "$D" -- sleep 1000
wait_line "$D/producer" '^state=ready$'
inc=$(record_get "$D" producer incarnation)

rc=0
container "$BATON" --name producer --dir "$D" -- touch "$T/second-ran" \
	>"$T/second.out" 2>"$T/second.err" || rc=$?
assert_eq 73 "$rc" "second baton's exit status"
[ ! -e "$T/second-ran" ] || fail "the second baton started its PROGRAM"
assert_eq 1 "$(wc -l <"$T/second.err")" "lines on the second baton's stderr"
assert_grep "name 'producer' is already published in $D by a live baton (state ready, incarnation $inc)" \
	"$T/second.err" "the second baton's message"
assert_eq "$inc" "$(record_get "$D" producer incarnation)" "the first baton's record after the clash"
assert_eq ready "$(record_get "$D" producer state)" "the first baton's state after the clash"
kill -0 "$FIRST" || fail "the first baton died"

# Once the owner is gone, the name is free again.
end_container "$FIRST"
rc=0
container "$BATON" --name producer --dir "$D" -- touch "$T/third-ran" >/dev/null \
	2>"$T/third.err" || rc=$?
assert_eq 0 "$rc" "a baton claiming the name after its owner died"
[ -e "$T/third-ran" ] || fail "the third baton did not run its PROGRAM"

# Two started at the same moment: exactly one wins, every time.
ROUNDS=50
fifo=$T/go
mkfifo "$fifo"
exec 3<>"$fifo"
declare -A pid
for i in $(seq 1 "$ROUNDS"); do
	D=$T/race$i
	mkdir "$D"
	for who in a b; do
		(read -r _ <&3 && exec "$BATON" --name producer --dir "$D" -- \
			sh -c 'echo ran >"$1"; exec sleep 1000' sh "$T/ran-$who") >/dev/null 2>"$T/$who.err" &
		pid[$who]=$!
	done
	BG_PIDS="${pid[a]} ${pid[b]}"
	printf 'go\ngo\n' >&3
	# The loser exits 73 on its own; the winner runs until we end it.
	loser=""
	n=0
	while [ -z "$loser" ]; do
		for who in a b; do
			kill -0 "${pid[$who]}" 2>/dev/null || loser=$who
		done
		n=$((n + 1))
		[ "$n" -le 2000 ] || fail "round $i: both batons still run: $(cat "$T/a.err" "$T/b.err")"
		[ -n "$loser" ] || sleep 0.01
	done
	winner=a
	[ "$loser" = b ] || winner=b
	rc=0
	wait "${pid[$loser]}" || rc=$?
	[ "$rc" = 73 ] || fail "round $i: the loser exited $rc: $(cat "$T/$loser.err")"
	wait_line "$T/ran-$winner" ran
	[ ! -e "$T/ran-$loser" ] || fail "round $i: the loser's PROGRAM ran"
	kill -0 "${pid[$winner]}" 2>/dev/null || fail "round $i: the winner is gone too"
	stop_bg "${pid[a]}" "${pid[b]}"
	rm -f "$T/ran-a" "$T/ran-b"
done
