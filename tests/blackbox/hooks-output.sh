#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A hook's stdout and stderr go to baton's stderr, line by line, each line prefixed with
# `baton[NAME]: HOOK: ` where HOOK is PHASE[N] for the N-th command or PHASE/FILE for a
# --hooks-dir executable; never to stdout, which stays PROGRAM's alone. Lines written in
# pieces come out whole, a last line without a newline is not lost (not even when the hook is
# cut short), a long line is passed on in pieces without losing a byte, control characters
# become '?' (tabs stay). As PID 1.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"
need_unshare

export W=$T
mkdir -p "$T/hd/post-exit"
printf '#!/bin/sh\necho "from the directory"\necho "to stderr" >&2\n' >"$T/hd/post-exit/10-report"
chmod +x "$T/hd/post-exit/10-report"
head -c 3000 /dev/zero | tr '\0' 'x' >"$T/long"

mkfifo "$T/fifo"
# PROGRAM is ready once it has written its line (so post-ready runs after that).
start_pid1 "$T/out" "$T/err" --name web --dir "$T/run" --hooks-dir "$T/hd" --ready-on "file:$T/program-ready" \
	--pre-start 'echo "to stdout"; echo "to stderr" >&2' \
	--pre-start 'printf "in "; printf "pieces\n"; printf "no newline at the end"' \
	--pre-start 'cat "$W/long"; echo' \
	--post-ready 'echo "a whole line"; printf "cut short"; echo >"$W/fifo"; exec sleep 1000' \
	--pre-stop 'true' \
	--post-exit 'printf "tab\there, escape \033[31m, cr\r, nul \000.\n"; echo; echo "after an empty line"' \
	-- sh -c 'echo "PROGRAM to stdout"; touch "$W/program-ready"; exec sleep 1000'
# The post-ready hook has written all it will; TERM cuts it short (pre-stop hooks run).
hang_guard 10 bash -c 'read -r _ <"$1"' _ "$T/fifo" || fail "the post-ready hook never ran"
kill -TERM "$BATON_PID"
wait_exit
assert_eq 143 "$RC" "exit status"
assert_eq "PROGRAM to stdout" "$(cat "$T/out")" "stdout holds PROGRAM's output only"

# hook_lines HOOK: what the hook wrote, without the prefix.
hook_lines() {
	local prefix="baton[web]: $1: "
	awk -v p="$prefix" 'index($0, p) == 1 { print substr($0, length(p) + 1) }' "$T/err"
}
assert_eq "to stdout
to stderr" "$(hook_lines 'pre-start[1]')" "pre-start[1]: stdout and stderr, in order"
assert_eq "in pieces
no newline at the end" "$(hook_lines 'pre-start[2]')" "pre-start[2]: pieces joined, the last line kept"
assert_eq "a whole line
cut short" "$(hook_lines 'post-ready[1]')" "post-ready[1]: a hook cut short keeps what it wrote"
assert_eq "from the directory
to stderr" "$(hook_lines 'post-exit/10-report')" "post-exit/10-report: named after its file"
assert_eq "$(printf 'tab\there, escape ?[31m, cr?, nul ?.\n\nafter an empty line')" \
	"$(hook_lines 'post-exit[1]')" "post-exit[1]: control characters, an empty line"

# A 3000-byte line comes out in pieces, each under 1024 bytes with its prefix, none lost.
hook_lines 'pre-start[3]' >"$T/pieces"
[ "$(wc -l <"$T/pieces")" -gt 1 ] || fail "a 3000-byte line came out as one line"
awk 'length($0) + length("baton[web]: pre-start[3]: ") >= 1024 { exit 1 }' "$T/pieces" ||
	fail "a piece of a long line is 1024 bytes or longer with its prefix"
assert_eq "$(cat "$T/long")" "$(tr -d '\n' <"$T/pieces")" "a long line passed on whole"

# Nothing else of the hooks' reached stderr unprefixed.
if grep -v '^baton\[web\]: ' "$T/err" >"$T/stray"; then
	fail "lines on stderr without baton's prefix: $(cat "$T/stray")"
fi

# Without --name the prefix is `baton: HOOK: `.
RC=0
"$BATON" --post-exit 'echo bye' -- true >"$T/out" 2>"$T/err" || RC=$?
assert_eq "baton: post-exit[1]: bye" "$(cat "$T/err")" "the prefix without --name"
assert_eq "" "$(cat "$T/out")" "stdout without --name"
