#!/usr/bin/env bash
# --ready-on file, tcp (IP and localhost), unix (stream, datagram, abstract), msgq, sem, shm
# (System V KEY and POSIX /NAME), exec, delay.
. "$(dirname "$0")/lib.sh"
# Own network (free ports, lo only), IPC (System V objects, POSIX queues) and mount namespaces,
# the last for a private /dev/shm (where glibc keeps POSIX semaphores and shared memory).
in_namespaces --net --ipc --mount
need_unshare
ip link set lo up
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
umount /dev/mqueue 2>/dev/null || true # msgq:/NAME must not need it

D=$T/dir
mkdir "$D"
L=$HELPERS/listener

# file:PATH
gated_producer "file" "$D" "touch '$T/flag'" --ready-on "file:$T/flag"
end_bg "$P"

# tcp: a listener on another port first (must not count), the right one after the release.
"$L" tcp:127.0.0.1:8081 "$T/l1" &
BG_PIDS="$BG_PIDS $!"
wait_file "$T/l1"
gated_producer "tcp IP" "$D" "'$L' tcp:127.0.0.1:8080 &" --ready-on tcp:127.0.0.1:8080
end_bg "$P"
gated_producer "tcp localhost" "$D" "'$L' tcp:127.0.0.1:8082 &" --ready-on tcp:localhost:8082
end_bg "$P"

# unix: a stream socket, a datagram socket (sd_notify style), an abstract name.
gated_producer "unix stream" "$D" "'$L' unix:$T/stream.sock &" --ready-on "unix:$T/stream.sock"
end_bg "$P"
gated_producer "unix datagram" "$D" "'$HELPERS/dglisten' $T/dgram.sock $T/dgram.out &" \
	--ready-on "unix:$T/dgram.sock"
end_bg "$P"
gated_producer "unix abstract" "$D" "'$HELPERS/dglisten' @baton-test-$$ $T/abstract.out &" \
	--ready-on "unix:@baton-test-$$"
end_bg "$P"

# msgq: a queue with another key first (must not count); the right one after the release,
# made by the example producer (ipcmk only makes queues with random keys).
ipcmk -Q >/dev/null
gated_producer "msgq hex" "$D" "'$IPC_PRODUCER' --key 0x62740a01 --count 0" --ready-on msgq:0x62740a01
end_bg "$P"
gated_producer "msgq decimal" "$D" "'$IPC_PRODUCER' --key 1651772930 --count 0" \
	--ready-on msgq:1651772930
end_bg "$P"
ipcs -q >"$T/ipcs"
assert_grep '0x62740a01' "$T/ipcs" "the queue made for msgq hex"

# The other IPC objects, System V by KEY and POSIX by /NAME; an object of the same kind with
# another key or name exists first and must not count. msgq:/NAME needs no /dev/mqueue mount
# (none is mounted in this mount namespace).
M=$HELPERS/ipcmake
for kind in msgq sem shm; do
	"$M" "$kind" 0x62740b02
	"$M" "$kind" /baton-other
	gated_producer "$kind KEY" "$D" "'$M' $kind 0x62740b01" --ready-on "$kind:0x62740b01"
	end_bg "$P"
	gated_producer "$kind /NAME" "$D" "'$M' $kind /baton-$kind" --ready-on "$kind:/baton-$kind"
	end_bg "$P"
done
[ -e /dev/shm/sem.baton-sem ] || fail "no POSIX semaphore in the private /dev/shm"
ipcs -s >"$T/ipcs"
assert_grep '0x62740b01' "$T/ipcs" "the semaphore set made for sem KEY"

# exec:CMD, run by a shell, with PROGRAM's environment (minus NOTIFY_SOCKET).
gated_producer "exec" "$D" "touch '$T/exec-flag'" --ready-on "exec:test -e $T/exec-flag"
end_bg "$P"
export BATON_TEST_PROBE_VAR=$T/env-flag
gated_producer "exec env" "$D" "touch '$T/env-flag'" --ready-on 'exec:test -e "$BATON_TEST_PROBE_VAR"'
end_bg "$P"

# Several conditions: all of them, in any order.
gated_producer "file+tcp+exec" "$D" "touch '$T/f2'; '$L' tcp:127.0.0.1:8083 &" \
	--ready-on "file:$T/f2" --ready-on tcp:127.0.0.1:8083 --ready-on "exec:test -e $T/f2"
end_bg "$P"

# delay:SECONDS: starting at first, ready no sooner than SECONDS after PROGRAM started (a lower
# bound, checked on the record's own timestamps: never flaky, whatever the load).
rm -f "$D/producer"
bg_container P "$T/d.out" "$T/d.err" "$BATON" --name producer --dir "$D" --ready-on delay:1.5 -- \
	sh -c 'echo up >"$1"; exec sleep 1000' sh "$T/dup"
wait_line "$T/dup" up
start=$(record_get "$D" producer since)
assert_eq starting "$(record_get "$D" producer state)" "delay: state right after start"
wait_line "$D/producer" '^state=ready$' 30
ready=$(record_get "$D" producer since)
awk -v a="$start" -v b="$ready" 'BEGIN { exit !(b - a >= 1.5) }' ||
	fail "delay:1.5 was ready after $start -> $ready"
end_bg "$P"
