#!/usr/bin/env bash
# A publish that fails (DIR full, DIR read-only) is retried until it lands: one line for each
# kind of failure, one when it lands, no false ready meanwhile, and the dependent released once
# it landed. (A full DIR at startup, and at stopping and exited, is gate-dir-full's.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/faults-lib.sh"
in_namespaces --mount
umount_at_exit
need_root

# ready_fails_until DIR ERROR FIX: the producer's ready publish fails with ERROR until the shell
# command FIX runs; then it lands and releases the dependent.
ready_fails_until() {
	local dir=$1 error=$2 fix=$3
	touch "$R_GO"
	wait_line "$R.p.err" "cannot publish ready in $dir: $error; retrying"
	# Given time to retry (not a synchronisation: the assertions below hold either way).
	sleep 1
	[ ! -e "$R.ran" ] || fail "$ROUND_WHAT: the dependent started before the record landed"
	[ "$(record_get "$dir" producer state)" != ready ] || fail "$ROUND_WHAT: a ready record"
	eval "$fix"
	wait_line "$R.p.err" '^baton\[producer\]: published ready after [0-9]* failed tr'
	assert_eq 1 "$(grep -c 'cannot publish' "$R.p.err")" "$ROUND_WHAT: lines about the failure"
	round_finish
}

# Full: a tmpfs of 64 KiB, filled up once the producer started.
D=$T/full
mkdir "$D"
mount -t tmpfs -o size=64k,mode=1777 tmpfs "$D"
round_start "ENOSPC at ready" "$D"
head -c 1M /dev/zero >"$D/.filler" 2>/dev/null || true
ready_fails_until "$D" "No space left on device" 'rm "$D/.filler"'

# Read-only: in the producer's own mount namespace (its container's), a read-only file system
# is mounted over DIR once it started, and taken away again.
D=$T/ro
mkdir "$D"
R_WRAP=(unshare --mount --propagation private)
round_start "EROFS at ready" "$D"
unset R_WRAP
nsenter -t "$R_P" -m mount -t tmpfs -o ro,size=64k tmpfs "$D"
ready_fails_until "$D" "Read-only file system" 'nsenter -t "$R_P" -m umount -l "$D"'

# Full when PROGRAM's STATUS= text is published: retried too.
D=$T/status
mkdir "$D"
mount -t tmpfs -o size=64k,mode=1777 tmpfs "$D"
mkfifo "$T/s.go"
bg_run P "$T/s.out" "$T/s.err" "$BATON" --name producer --dir "$D" --ready-on notify -- \
	sh -c 'read -r _ <"$1"; "$2" notify --status "warming up"; exec sleep 1000' sh "$T/s.go" "$BATON"
wait_line "$D/producer" '^state=starting$'
head -c 1M /dev/zero >"$D/.filler" 2>/dev/null || true
echo go >"$T/s.go"
wait_line "$T/s.err" "cannot publish starting in $D: No space left on device; retrying"
rm "$D/.filler"
wait_line "$D/producer" '^status=warming up$'
assert_grep 'published starting after [0-9]* failed tr' "$T/s.err" "STATUS: the line when it landed"
end_bg "$P"
