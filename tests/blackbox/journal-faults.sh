#!/usr/bin/env bash
# The journal is part of the shared volume: whatever another container leaves in its place
# (a cut-off line, garbage, a symlink, a directory, a FIFO with or without a reader, a huge
# file) or takes away while baton runs, baton neither blocks nor fails nor loses its publish,
# and says so in at most one line per kind of failure.
. "$(dirname "$0")/lib.sh"

# run_p DIR: a publisher that runs `true`; it must exit 0 in time and leave its exit published.
run_p() {
	local rc=0
	hang_guard 20 "$BATON" --dir "$1" --name p -- true 2>"$T/p.err" || rc=$?
	assert_eq 0 "$rc" "baton on $1 (137: it hung)"
	assert_eq exited "$(record_get "$1" p state)" "p's record in $1"
}

# journal_lines DIR: how many lines of DIR/.journal are p's.
journal_lines() {
	grep -c '^[0-9]*\.[0-9]* p [0-9a-f]* ' "$1/.journal" || true
}

# A line cut off (a truncate, a crash): ours start on lines of their own.
D=$T/cut
mkdir -p "$D"
printf '1765000000.000000000 q 0123 star' >"$D/.journal"
run_p "$D"
assert_eq 3 "$(journal_lines "$D")" "p's lines after a cut-off line"
assert_no_grep journal "$T/p.err" "complaints about a cut-off line"

# Garbage, without a newline at the end.
D=$T/garbage
mkdir -p "$D"
head -c 20000 /dev/urandom | tr -d '\n' >"$D/.journal"
run_p "$D"
assert_eq 3 "$(journal_lines "$D")" "p's lines after garbage"
"$BATON" timeline --dir "$D" >"$T/tl.out" 2>/dev/null || fail "timeline on garbage"
assert_grep '^\* p  *|' "$T/tl.out" "p's row after garbage"

# A symlink: never followed, one line.
D=$T/symlink
mkdir -p "$D"
: >"$T/target"
ln -s "$T/target" "$D/.journal"
run_p "$D"
[ ! -s "$T/target" ] || fail "the journal followed a symlink"
assert_eq "baton[p]: journal $D/.journal: cannot open: Too many levels of symbolic links (ignored, not logged again)" \
	"$(grep -F journal "$T/p.err")" "the one line about a symlink"

# A directory.
D=$T/dir
mkdir -p "$D/.journal"
run_p "$D"
assert_eq "baton[p]: journal $D/.journal: cannot open: Is a directory (ignored, not logged again)" \
	"$(grep -F journal "$T/p.err")" "the one line about a directory"

# A FIFO without a reader, then with one that never reads: never blocks, writes nothing.
D=$T/fifo
mkdir -p "$D"
mkfifo "$D/.journal"
run_p "$D"
assert_eq "baton[p]: journal $D/.journal: not a regular file (ignored, not logged again)" \
	"$(grep -F journal "$T/p.err")" "the one line about a FIFO"
exec 3<>"$D/.journal"
run_p "$D"
assert_eq "baton[p]: journal $D/.journal: not a regular file (ignored, not logged again)" \
	"$(grep -F journal "$T/p.err")" "the one line about a FIFO with a reader"
python3 -c 'import os, sys
os.set_blocking(3, False)
try:
    data = os.read(3, 4096)
except BlockingIOError:
    data = b""
sys.exit(1 if data else 0)' || fail "the journal wrote into a FIFO"
exec 3<&-

# A huge (sparse) file: the first append rotates it away; readers read only its tail.
D=$T/huge
mkdir -p "$D"
truncate -s 1G "$D/.journal"
run_p "$D"
[ "$(stat -c %s "$D/.journal.1")" -gt 1000000000 ] || fail "the huge journal was not rotated"
assert_eq 2 "$(journal_lines "$D")" "p's lines after the rotation"
"$BATON" timeline --dir "$D" >"$T/tl.out" 2>/dev/null || fail "timeline on a huge journal"
assert_grep '^\* p  *|' "$T/tl.out" "p's row after a huge journal"
assert_no_grep journal "$T/p.err" "complaints about a huge journal"

# Removed while baton runs: the next line creates it again.
D=$T/removed
mkdir -p "$D"
rc=0
hang_guard 20 "$BATON" --dir "$D" --name p -- sh -c '
	while ! grep -q " ready$" "$1/.journal" 2>/dev/null; do sleep 0.01; done
	rm "$1/.journal"' sh "$D" 2>"$T/p.err" || rc=$?
assert_eq 0 "$rc" "baton whose journal was removed"
assert_grep ' p [0-9a-f]* exited 0$' "$D/.journal" "the exit after the removal"
assert_no_grep ' started ' "$D/.journal" "the removed lines"
