#!/usr/bin/env bash
# Symbolic links (and other non-files) planted in DIR are never followed, read or written through.
. "$(dirname "$0")/lib.sh"
need_unshare

# new_dir NAME: an empty DIR with a bell, as any baton leaves it.
new_dir() {
	mkdir "$T/$1"
	"$BATON" wait --dir "$T/$1" --timeout 0 nobody 2>/dev/null || true
	[ -f "$T/$1/.bell" ] || fail "no bell in $T/$1"
}

# victim NAME: a file outside DIR that a link points at; victim_intact NAME checks it later.
victim() {
	echo "precious $1" >"$T/$1"
	stat -c '%i %s %Y %h' "$T/$1" >"$T/$1.stat"
}
victim_intact() {
	assert_eq "precious $1" "$(cat "$T/$1")" "content of $1"
	assert_eq "$(cat "$T/$1.stat")" "$(stat -c '%i %s %Y %h' "$T/$1")" "inode, size, mtime, links of $1"
}

# not_ready DIR WHY: a dependent and baton wait give up, and status calls the record invalid.
not_ready() {
	local rc=0
	hang_guard 30 unshare --pid --fork --mount-proc --kill-child "$BATON" --dir "$1" \
		--after producer --timeout 0.3 -- touch "$T/ran" 2>"$T/dep.err" || rc=$?
	assert_eq 124 "$rc" "dependent on $1 (137 = hung)"
	[ ! -e "$T/ran" ] || fail "the dependent's PROGRAM ran on $1"
	assert_grep "producer: invalid record ($2)" "$T/dep.err" "dependent's report on $1"
	rc=0
	hang_guard 30 "$BATON" status --dir "$1" producer >"$T/status.out" || rc=$?
	assert_eq 1 "$rc" "baton status producer on $1"
	assert_grep "^producer  *invalid  *-  *-  *$2\$" "$T/status.out" "baton status on $1"
	"$BATON" status --dir "$1" --json producer >"$T/status.json" || true
	assert_eq "invalid false $2" "$(jq -r '.[0] | "\(.state) \(.ready) \(.error)"' "$T/status.json")" \
		"baton status --json on $1"
}

# DIR/producer -> a live, ready producer's record in another directory: a perfect record,
# locked by a live owner, and still never read through the link.
new_dir real
bg_container P "$T/p.out" "$T/p.err" "$BATON" --name producer --dir "$T/real" -- sleep 1000
wait_line "$T/real/producer" '^state=ready$'
new_dir linked
ln -s "$T/real/producer" "$T/linked/producer"
not_ready "$T/linked" "a symbolic link"
"$BATON" status --dir "$T/linked" >"$T/list.out"
assert_grep '^producer  *invalid ' "$T/list.out" "baton status listing a linked record"
end_bg "$P"

# Not a regular file: a FIFO (reading must not block), a directory.
new_dir fifo
mkfifo "$T/fifo/producer"
not_ready "$T/fifo" "not a regular file"
new_dir subdir
mkdir "$T/subdir/producer"
not_ready "$T/subdir" "not a regular file"

# The publisher's own paths. A link at the temporary name: publishing replaces the link, and
# the file it points to is never opened.
new_dir tmp
victim tmp-victim
ln -s "$T/tmp-victim" "$T/tmp/.producer.tmp"
bg_container P "$T/p.out" "$T/p.err" "$BATON" --name producer --dir "$T/tmp" -- sleep 1000
wait_line "$T/tmp/producer" '^state=ready$'
victim_intact tmp-victim
[ ! -L "$T/tmp/producer" ] || fail "the record is a link"
assert_eq ready "$(record_get "$T/tmp" producer state)" "the record published past a linked .tmp"
[ ! -L "$T/tmp/.producer.tmp" ] || fail "the planted link is still there"
end_bg "$P"

# A link at the record's own name: replaced by the record, never written through.
new_dir rec
victim rec-victim
ln -s "$T/rec-victim" "$T/rec/producer"
bg_container P "$T/p.out" "$T/p.err" "$BATON" --name producer --dir "$T/rec" -- sleep 1000
wait_line "$T/rec/producer" '^state=ready$'
victim_intact rec-victim
[ ! -L "$T/rec/producer" ] || fail "the record is still a link"
end_bg "$P"

# A link at the lock: a clear error, exit 71, nothing started, nothing touched. Also when the
# link dangles: the file it names must not be created.
for kind in file dangling; do
	new_dir "lock-$kind"
	if [ "$kind" = file ]; then
		victim lock-victim
		ln -s "$T/lock-victim" "$T/lock-$kind/.producer.lock"
	else
		ln -s "$T/lock-created" "$T/lock-$kind/.producer.lock"
	fi
	rc=0
	hang_guard 30 "$BATON" --name producer --dir "$T/lock-$kind" -- touch "$T/ran" \
		2>"$T/lock.err" || rc=$?
	assert_eq 71 "$rc" "a linked lock ($kind)"
	assert_eq 1 "$(wc -l <"$T/lock.err")" "lines on stderr for a linked lock ($kind)"
	assert_grep "^baton\[producer\]: cannot create $T/lock-$kind/.producer.lock: Too many levels of symbolic links\$" \
		"$T/lock.err" "message for a linked lock ($kind)"
	[ ! -e "$T/ran" ] || fail "PROGRAM ran despite a linked lock ($kind)"
	[ ! -e "$T/lock-$kind/producer" ] || fail "a record was published despite a linked lock ($kind)"
done
victim_intact lock-victim
[ ! -e "$T/lock-created" ] || fail "the dangling lock link's target was created"

# A link at the bell: a clear error for publishers and waiters, the target untouched.
mkdir "$T/bell"
victim bell-victim
ln -s "$T/bell-victim" "$T/bell/.bell"
rc=0
hang_guard 30 "$BATON" --name producer --dir "$T/bell" -- touch "$T/ran" 2>"$T/bell.err" || rc=$?
assert_eq 71 "$rc" "a linked bell (publisher)"
assert_grep "cannot open $T/bell/.bell: Too many levels of symbolic links" "$T/bell.err" \
	"message for a linked bell"
rc=0
hang_guard 30 "$BATON" wait --dir "$T/bell" --timeout 5 producer 2>"$T/bell.err" || rc=$?
assert_eq 71 "$rc" "a linked bell (baton wait)"
[ ! -e "$T/ran" ] || fail "PROGRAM ran despite a linked bell"
victim_intact bell-victim
