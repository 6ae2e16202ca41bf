#!/usr/bin/env bash
# A journal on a full (ENOSPC) or read-only (EROFS) file system costs baton one line per kind
# of failure and nothing else: the record is still published and PROGRAM's status passes.
# Only the journal fails: a file of a tiny tmpfs is bind-mounted over DIR/.journal.
. "$(dirname "$0")/lib.sh"
in_namespaces --mount
umount_at_exit
need_unshare

# journal_on FS_DIR DIR: DIR/.journal is FS_DIR/journal.
journal_on() {
	mkdir -p "$1" "$2"
	mount -t tmpfs -o size=64k tmpfs "$1"
	: >"$1/journal"
	: >"$2/.journal"
	mount --bind "$1/journal" "$2/.journal"
}

# run_p DIR MESSAGE: p runs `exit 5` on DIR; the only line on stderr is MESSAGE.
run_p() {
	local rc=0
	hang_guard 20 "$BATON" --dir "$1" --name p -- sh -c 'exit 5' 2>"$T/p.err" || rc=$?
	assert_eq 5 "$rc" "baton's exit status on $1 (137: it hung)"
	assert_eq exited "$(record_get "$1" p state)" "p's record in $1"
	assert_eq 5 "$(record_get "$1" p exit)" "p's exit in its record"
	assert_eq "baton[p]: journal $1/.journal: $2 (ignored, not logged again)" "$(grep -F journal "$T/p.err")" \
		"the one line about the journal"
}

journal_on "$T/fullfs" "$T/full"
head -c 1M /dev/zero >"$T/fullfs/filler" 2>/dev/null || true
if printf x >>"$T/fullfs/journal" 2>/dev/null; then fail "$T/fullfs is not full"; fi
run_p "$T/full" "cannot append: No space left on device"

journal_on "$T/rofs" "$T/ro"
mount -o remount,ro "$T/rofs"
run_p "$T/ro" "cannot open: Read-only file system"
