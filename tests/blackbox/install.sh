#!/usr/bin/env bash
# `baton install DIR` copies the running binary to DIR/baton: same bytes, mode 0755, and it runs.
. "$(dirname "$0")/lib.sh"

mkdir "$T/dir"
rc=0
"$BATON" install "$T/dir" >"$T/out" 2>"$T/err" || rc=$?
assert_eq 0 "$rc" "exit code"
assert_eq "" "$(cat "$T/out")" "stdout"
cmp "$BATON" "$T/dir/baton" || fail "the copy differs from $BATON"
assert_eq 755 "$(stat -c %a "$T/dir/baton")" "mode of the copy"
rc=0
"$T/dir/baton" -- sh -c 'exit 9' || rc=$?
assert_eq 9 "$rc" "the copy runs PROGRAM"
assert_eq "$("$BATON" --version)" "$("$T/dir/baton" --version)" "the copy's version"

# Again, from the copy itself, then over a broken copy: replaced whole, with no debris.
rc=0
"$T/dir/baton" install "$T/dir" 2>"$T/err" || rc=$?
assert_eq 0 "$rc" "exit code of a reinstall by the copy"
cmp "$BATON" "$T/dir/baton" || fail "the copy's copy differs from $BATON"
echo garbage >"$T/dir/baton"
chmod 0600 "$T/dir/baton"
rc=0
"$BATON" install "$T/dir" 2>"$T/err" || rc=$?
assert_eq 0 "$rc" "exit code of a reinstall over a broken copy"
cmp "$BATON" "$T/dir/baton" || fail "the reinstalled copy differs from $BATON"
assert_eq 755 "$(stat -c %a "$T/dir/baton")" "mode of the reinstalled copy"
assert_eq "baton" "$(ls -A "$T/dir")" "files in DIR"

# Errors: no DIR is a usage error; a DIR that does not exist is a system error, named.
rc=0
"$BATON" install >"$T/out" 2>"$T/err" || rc=$?
assert_eq 64 "$rc" "exit code without DIR"
rc=0
"$BATON" install "$T/nope" >"$T/out" 2>"$T/err" || rc=$?
assert_eq 71 "$rc" "exit code for a missing DIR"
assert_grep "$T/nope" "$T/err" "message for a missing DIR"
[ ! -e "$T/nope" ] || fail "install created $T/nope"
