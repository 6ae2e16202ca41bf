#!/usr/bin/env bash
# A full DIR: a publisher fails at once (71, one clear line); once running, baton survives it.
. "$(dirname "$0")/lib.sh"
in_namespaces --mount
umount_at_exit
need_unshare

# tiny_fs DIR [OPTIONS]: a small tmpfs at DIR, private to this test's mount namespace.
tiny_fs() {
	mkdir -p "$1"
	mount -t tmpfs -o "size=64k,mode=1777${2:+,$2}" tmpfs "$1"
}

# fill DIR: uses up every block of DIR's file system.
fill() {
	head -c 1M /dev/zero >"$1/.filler" 2>/dev/null || true
	if printf x >"$1/.probe" 2>/dev/null; then
		fail "$1 is not full"
	fi
	return 0
}

# publisher_fails DIR MESSAGE: a publisher on DIR exits 71 with the one line MESSAGE, in time.
publisher_fails() {
	local rc=0
	hang_guard 30 "$BATON" --name producer --dir "$1" -- touch "$T/ran" \
		>/dev/null 2>"$T/p.err" || rc=$?
	assert_eq 71 "$rc" "publisher on full $1 (137 = it hung)"
	[ ! -e "$T/ran" ] || fail "the publisher's PROGRAM ran"
	assert_eq 1 "$(wc -l <"$T/p.err")" "lines on the publisher's stderr"
	assert_grep "^baton\[producer\]: $2\$" "$T/p.err" "publisher's message"
}

# Full before any baton came: the bell cannot be allocated.
tiny_fs "$T/a"
fill "$T/a"
publisher_fails "$T/a" "cannot create $T/a/.bell: No space left on device"
[ ! -e "$T/a/.bell" ] || fail "a half-made bell was left in $T/a"

# The bell exists, then the disk fills: the first record cannot be written.
tiny_fs "$T/b"
"$BATON" wait --dir "$T/b" --timeout 0 nobody 2>/dev/null || true
[ -e "$T/b/.bell" ] || fail "baton wait did not create the bell"
fill "$T/b"
publisher_fails "$T/b" "cannot publish $T/b/producer: No space left on device"
[ ! -e "$T/b/producer" ] || fail "a record was left in $T/b"

# Out of inodes: the claim's lock file cannot be created.
tiny_fs "$T/c" nr_inodes=4
"$BATON" wait --dir "$T/c" --timeout 0 nobody 2>/dev/null || true
i=0
while touch "$T/c/.inode$i" 2>/dev/null; do i=$((i + 1)); done
publisher_fails "$T/c" "cannot create $T/c/.producer.lock: No space left on device"

# Full while PROGRAM runs: baton logs that it cannot publish and goes on supervising; PROGRAM's
# status is still its exit status, the publish it could not land is named once more as it exits,
# and the stale ready record dies with its owner.
tiny_fs "$T/d"
bg_container P "$T/p.out" "$T/p.err" "$BATON" --name producer --dir "$T/d" -- \
	sh -c 'trap "exit 3" TERM; echo up >"$1"; while :; do sleep 0.1; done' sh "$T/up"
wait_line "$T/d/producer" '^state=ready$'
wait_line "$T/up" up
fill "$T/d"
kill -TERM "$(child_of "$P")"
wait_gone "$P" 60
rc=0
wait "$P" || rc=$?
assert_eq 3 "$rc" "baton's exit status (PROGRAM's) on a full DIR"
assert_grep "cannot publish stopping in $T/d: No space left on device; retrying" "$T/p.err" \
	"stopping"
assert_eq 1 "$(grep -c 'retrying' "$T/p.err")" "lines about retrying"
assert_grep "exiting without publishing exited in $T/d (No space left on device)" "$T/p.err" \
	"exited"
rc=0
"$BATON" status --dir "$T/d" producer >"$T/status.out" || rc=$?
assert_eq 1 "$rc" "baton status after the owner left"
assert_grep '^producer  *gone ' "$T/status.out" "the stale record"
