#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A pre-start hook that fails keeps PROGRAM from starting: baton exits 79, the record says
# exited 79 (so nobody waiting for this name ever starts), the hooks after the failing one
# are skipped (commands and --hooks-dir alike), and no post-exit hook runs since PROGRAM never
# ran. The hooks before it did run. Plain and as PID 1; a command that does not exist and a
# failing --hooks-dir executable count as failures too.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"

export L=$T/log
marker=$T/program-ran
mkdir -p "$T/hd/pre-start"
printf '#!/bin/sh\necho "dir hook" >>"$L"\n' >"$T/hd/pre-start/10-later"
chmod +x "$T/hd/pre-start/10-later"

# check_failed WHAT DIR NAME: the run was refused as a failed pre-start.
check_failed() {
	assert_eq 79 "$RC" "$1: exit status"
	[ ! -e "$marker" ] || fail "$1: PROGRAM was started"
	assert_eq exited "$(record_get "$2" "$3" state)" "$1: the record's state"
	assert_eq 79 "$(record_get "$2" "$3" exit)" "$1: the record's exit code"
	assert_grep 'a pre-start hook failed: PROGRAM not started' "$T/err" "$1: the reason"
	assert_no_grep 'post-exit' "$L" "$1: no post-exit hook ran"
	assert_no_grep 'dir hook' "$L" "$1: the --hooks-dir hook after the failure did not run"
	assert_no_grep 'second' "$L" "$1: the command after the failure did not run"
}

# Plain: the first hook runs, the second fails, the rest is skipped.
: >"$L"
RC=0
"$BATON" --name web --dir "$T/d1" --hooks-dir "$T/hd" \
	--pre-start 'echo first >>"$L"' --pre-start 'echo failing >>"$L"; exit 3' \
	--pre-start 'echo second >>"$L"' --post-exit 'echo post-exit >>"$L"' \
	-- touch "$marker" >"$T/out" 2>"$T/err" || RC=$?
check_failed "plain" "$T/d1" web
assert_order "$L" '^first$' '^failing$'
assert_grep '^baton\[web\]: hook pre-start\[2\] exited 3$' "$T/err" "the failing hook is named"
assert_eq "" "$(cat "$T/out")" "stdout"

# Nobody waiting for web ever starts: its record is not ready, and says why.
RC=0
"$BATON" status --dir "$T/d1" web >"$T/status" 2>&1 || RC=$?
assert_eq 1 "$RC" "baton status web after a failed pre-start"
assert_grep 'exited 79' "$T/status" "baton status shows exited 79"

# A command that does not exist: the shell says 127, baton says 79.
: >"$L"
RC=0
"$BATON" --name web --dir "$T/d2" --pre-start 'no-such-command-here' --pre-start 'echo second >>"$L"' \
	-- touch "$marker" >"$T/out" 2>"$T/err" || RC=$?
check_failed "a missing command" "$T/d2" web
assert_grep 'hook pre-start\[1\] exited 127' "$T/err" "a missing command: its status"

# A failing --hooks-dir executable, with one before it and one after it.
mkdir -p "$T/hd2/pre-start"
printf '#!/bin/sh\necho "dir 10" >>"$L"\n' >"$T/hd2/pre-start/10-ok"
printf '#!/bin/sh\necho "dir 20" >>"$L"\nexit 1\n' >"$T/hd2/pre-start/20-fails"
printf '#!/bin/sh\necho "dir hook 30" >>"$L"\n' >"$T/hd2/pre-start/30-later"
chmod +x "$T/hd2/pre-start/"*
: >"$L"
RC=0
"$BATON" --name web --dir "$T/d3" --hooks-dir "$T/hd2" -- touch "$marker" >"$T/out" 2>"$T/err" || RC=$?
check_failed "a failing --hooks-dir executable" "$T/d3" web
assert_order "$L" '^dir 10$' '^dir 20$'
assert_grep 'hook pre-start/20-fails exited 1' "$T/err" "the failing executable is named"

# As PID 1: the same.
need_unshare
: >"$L"
RC=0
container "$BATON" --name web --dir "$T/d4" --hooks-dir "$T/hd" \
	--pre-start 'echo first >>"$L"; exit 5' --post-exit 'echo post-exit >>"$L"' \
	-- touch "$marker" >"$T/out" 2>"$T/err" || RC=$?
check_failed "as PID 1" "$T/d4" web
assert_grep '^first$' "$L" "as PID 1: the failing hook ran"
