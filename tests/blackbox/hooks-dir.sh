#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --hooks-dir DIR: after a phase's commands, baton runs the executables in DIR/PHASE/ one at a
# time in lexical (byte) order, each named PHASE/FILE in its output. Files that are not
# executable, directories, and names starting with a dot are skipped, the first two with a
# note naming them; broken symlinks too. A phase without a directory is fine. A relative DIR
# means baton's starting directory (which baton itself leaves for /), from the command line
# and from the configuration file (hooks: dir), as do its dir and file: readiness paths.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"

export L=$T/log
H=$T/hooks
mkdir -p "$H/pre-start" "$H/post-exit" "$H/pre-start/40-a-directory"
# exe NAME: an executable pre-start hook that logs its name and phase.
exe() {
	printf '#!/bin/sh\necho "%s $BATON_PHASE" >>"$L"\necho "hello from %s"\n' "$1" "$1" >"$H/$1"
	chmod +x "$H/$1"
}
exe pre-start/20-second
exe pre-start/10-first
exe pre-start/9-after-10
exe pre-start/B-upper
exe pre-start/a-lower
exe pre-start/.hidden
exe post-exit/50-last
printf '#!/bin/sh\necho "not executable" >>"$L"\n' >"$H/pre-start/30-not-executable"
ln -s "$H/pre-start/10-first" "$H/pre-start/15-symlink"
ln -s "$H/nowhere" "$H/pre-start/16-dangling"

: >"$L"
RC=0
"$BATON" --hooks-dir "$H" --pre-start 'echo "command pre-start" >>"$L"' \
	-- sh -c 'echo program >>"$L"' >"$T/out" 2>"$T/err" || RC=$?
assert_eq 0 "$RC" "exit status"
assert_eq "command pre-start
pre-start/10-first pre-start
pre-start/10-first pre-start
pre-start/20-second pre-start
pre-start/9-after-10 pre-start
pre-start/B-upper pre-start
pre-start/a-lower pre-start
program
post-exit/50-last post-exit" "$(cat "$L")" "the order: commands, then DIR/PHASE/ in byte order, PROGRAM, post-exit"
# Every hook is named in its output; the symlink by its own name.
for name in 10-first 15-symlink 20-second 9-after-10 B-upper a-lower; do
	assert_grep "^baton: pre-start/$name: hello from " "$T/err" "output of pre-start/$name"
done
assert_grep '^baton: post-exit/50-last: hello from post-exit/50-last$' "$T/err" "output of post-exit/50-last"
assert_grep "^baton: hooks: skipping $H/pre-start/30-not-executable (not an executable file)$" \
	"$T/err" "a non-executable file: a note"
assert_grep "^baton: hooks: skipping $H/pre-start/40-a-directory (not an executable file)$" \
	"$T/err" "a directory: a note"
assert_grep "^baton: hooks: skipping $H/pre-start/16-dangling (not an executable file)$" \
	"$T/err" "a dangling symlink: a note"
assert_no_grep 'hidden' "$T/err" "a dot file is ignored"
assert_no_grep 'not executable\|hidden' "$L" "skipped files did not run"

# A relative --hooks-dir is relative to where baton was started, and the hooks run there too.
: >"$L"
mkdir -p "$T/cwd/rel/pre-start"
printf '#!/bin/sh\necho "relative in $(pwd)" >>"$L"\n' >"$T/cwd/rel/pre-start/hook"
chmod +x "$T/cwd/rel/pre-start/hook"
RC=0
(cd "$T/cwd" && "$BATON" --hooks-dir rel -- true) >"$T/out" 2>"$T/err" || RC=$?
assert_eq 0 "$RC" "relative --hooks-dir: exit status"
assert_eq "relative in $T/cwd" "$(cat "$L")" "relative --hooks-dir: the hook ran in baton's starting directory"

# From the configuration file, relative as well, with no directory for most phases.
: >"$L"
printf 'hooks:\n  dir: rel\n' >"$T/cwd/c.yaml"
RC=0
(cd "$T/cwd" && "$BATON" --config c.yaml -- true) >"$T/out" 2>"$T/err" || RC=$?
assert_eq 0 "$RC" "hooks: dir from the file: exit status"
assert_eq "relative in $T/cwd" "$(cat "$L")" "hooks: dir from the file"
assert_eq "" "$(grep -v 'pre-start/hook' "$T/err" || true)" "no other output when phases have no directory"

# Every relative path of a configuration file means baton's starting directory: the shared
# directory, the hooks directory and a file: readiness condition. PROGRAM creates ./flag, which
# makes it ready, which runs the post-ready hook, which lets PROGRAM end.
export W=$T
mkfifo "$T/fifo"
mkdir -p "$T/cwd/rel2/post-ready"
printf '#!/bin/sh\necho "post-ready in $(pwd)" >>"$L"\necho >"$W/fifo"\n' >"$T/cwd/rel2/post-ready/hook"
chmod +x "$T/cwd/rel2/post-ready/hook"
printf 'name: rel\ndir: run\nready-on: file:flag\nhooks:\n  dir: rel2\n' >"$T/cwd/rel.yaml"
: >"$L"
RC=0
(cd "$T/cwd" && hang_guard 20 "$BATON" --config rel.yaml -- sh -c 'touch flag; read -r _ <"$W/fifo"') \
	>"$T/out" 2>"$T/err" || RC=$?
assert_eq 0 "$RC" "relative paths in a configuration file: exit status"
assert_eq "post-ready in $T/cwd" "$(cat "$L")" "relative paths: the post-ready hook ran"
assert_eq exited "$(record_get "$T/cwd/run" rel state)" "relative paths: the record in ./run"

# A missing --hooks-dir is not an error: there are simply no such hooks.
RC=0
"$BATON" --hooks-dir "$T/missing" -- true >"$T/out" 2>"$T/err" || RC=$?
assert_eq 0 "$RC" "a missing --hooks-dir"
assert_eq "" "$(cat "$T/err")" "a missing --hooks-dir: nothing logged"
