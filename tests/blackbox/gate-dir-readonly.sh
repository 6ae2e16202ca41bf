#!/usr/bin/env bash
# A read-only DIR: a publisher fails at once (71, one clear line); readers still work and wake.
. "$(dirname "$0")/lib.sh"
in_namespaces --mount
umount_at_exit
need_unshare

# ro_view SRC DST: DST shows SRC read-only (a bind mount, private to this test's namespace).
ro_view() {
	mkdir -p "$2"
	mount --bind "$1" "$2"
	mount -o remount,bind,ro "$2"
	touch "$2/probe" 2>/dev/null && fail "$2 is writable after a read-only bind mount"
	return 0
}

# publisher_fails DIR WHAT: a publisher on DIR exits 71 with one line naming WHAT, in time.
publisher_fails() {
	local rc=0
	hang_guard 30 "$BATON" --name producer --dir "$1" -- touch "$T/ran" \
		>/dev/null 2>"$T/p.err" || rc=$?
	assert_eq 71 "$rc" "publisher on read-only $1 (137 = it hung)"
	[ ! -e "$T/ran" ] || fail "the publisher's PROGRAM ran"
	assert_eq 1 "$(wc -l <"$T/p.err")" "lines on the publisher's stderr"
	assert_grep "^baton\[producer\]: $2: Read-only file system\$" "$T/p.err" "publisher's message"
}

# An empty read-only directory: nothing can be created, not even the bell.
mkdir "$T/empty"
ro_view "$T/empty" "$T/empty-ro"
publisher_fails "$T/empty-ro" "cannot create $T/empty-ro/.bell"

# A directory an earlier producer used (bell, lock, record all present): a publisher must
# ring the bell, which it cannot open for writing.
D=$T/dir
mkdir "$D"
"$BATON" --name producer --dir "$D" -- true 2>/dev/null
ro_view "$D" "$T/dir-ro"
publisher_fails "$T/dir-ro" "cannot open $T/dir-ro/.bell"
# ... and one that never published this name.
rc=0
hang_guard 30 "$BATON" --name other --dir "$T/dir-ro" -- touch "$T/ran" 2>"$T/o.err" || rc=$?
assert_eq 71 "$rc" "a new name on a read-only DIR"
assert_grep "cannot open $T/dir-ro/.bell: Read-only file system" "$T/o.err" "its message"

# Readers need no write access: a consumer that sees DIR read-only (as a read-only volume
# mount) sleeps on the bell there and wakes when the producer publishes through its own view.
rm -f "$D/producer"
bg_container C "$T/c.out" "$T/c.err" \
	"$BATON" --dir "$T/dir-ro" --after producer --timeout 600 -- touch "$T/consumer-ran"
bg_run W "$T/w.out" "$T/w.err" "$BATON" wait --dir "$T/dir-ro" --timeout 600 producer
wait_line "$T/c.err" 'waiting for producer (no record yet)'
wait_line "$T/w.err" 'waiting for producer (no record yet)'
bg_container P "$T/p.out" "$T/p2.err" "$BATON" --name producer --dir "$D" -- sleep 1000
wait_line "$D/producer" '^state=ready$'
wait_gone "$C" 60
wait_gone "$W" 60
rc=0
wait "$C" || rc=$?
assert_eq 0 "$rc" "read-only consumer's exit status"
[ -e "$T/consumer-ran" ] || fail "the read-only consumer's PROGRAM did not run"
rc=0
wait "$W" || rc=$?
assert_eq 0 "$rc" "read-only baton wait's exit status"
"$BATON" status --dir "$T/dir-ro" producer >"$T/status.out"
assert_grep '^producer  *ready ' "$T/status.out" "baton status through the read-only view"
end_bg "$P"
