#!/usr/bin/env bash
# baton timeline on a fixed journal (tests/fixtures/timeline/journal: five names, a restart,
# a stop, a signal, garbage and a cut-off line) draws exactly the golden text, and its SVG is
# XML that a real renderer (rsvg-convert) turns into a PNG of the expected size.
. "$(dirname "$0")/lib.sh"

F=$SRC_ROOT/tests/fixtures/timeline
mkdir -p "$T/dir"
cp "$F/journal" "$T/dir/.journal"
rc=0
"$BATON" timeline --dir "$T/dir" --svg "$T/t.svg" >"$T/out" 2>"$T/err" || rc=$?
assert_eq 0 "$rc" "exit status"
diff -u "$F/expected.txt" "$T/out" >&2 || fail "the text differs from $F/expected.txt"
assert_eq "baton: $T/dir: skipped 2 lines or files that are not journal entries" "$(cat "$T/err")" \
	"the warning about the garbage"

# The same journal split by a rotation draws the same.
mkdir -p "$T/rotated"
head -n 9 "$F/journal" >"$T/rotated/.journal.1"
tail -n +10 "$F/journal" >"$T/rotated/.journal"
"$BATON" timeline --dir "$T/rotated" >"$T/out2" 2>/dev/null
diff -u "$F/expected.txt" "$T/out2" >&2 || fail "a rotated journal draws differently"

command -v python3 >/dev/null || skip "python3 is not installed"
python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$T/t.svg" ||
	fail "the SVG is not XML"
command -v rsvg-convert >/dev/null || skip "rsvg-convert (librsvg2-bin) is not installed"
rsvg-convert "$T/t.svg" -o "$T/t.png" || fail "rsvg-convert cannot render the SVG"
# 860 wide, 88 + 22 per row high (timeline.h), read from the PNG's IHDR.
size=$(python3 -c 'import struct, sys
d = open(sys.argv[1], "rb").read(24)
assert d[:8] == b"\x89PNG\r\n\x1a\n"
print("%dx%d" % struct.unpack(">II", d[16:24]))' "$T/t.png")
assert_eq 860x198 "$size" "the PNG's size"
