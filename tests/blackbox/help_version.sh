#!/usr/bin/env bash
# --help and --version (and -h, -V) exit 0, write to stdout only, and start no PROGRAM.
. "$(dirname "$0")/lib.sh"

for opt in --help -h; do
	rc=0
	"$BATON" "$opt" >"$T/out" 2>"$T/err" || rc=$?
	assert_eq 0 "$rc" "baton $opt: exit code"
	assert_grep '^Usage: baton ' "$T/out" "baton $opt: usage on stdout"
	assert_grep 'grace SECONDS' "$T/out" "baton $opt: options on stdout"
	assert_eq "" "$(cat "$T/err")" "baton $opt: stderr"
done
cp "$T/out" "$T/help"

for opt in --version -V; do
	rc=0
	"$BATON" "$opt" >"$T/out" 2>"$T/err" || rc=$?
	assert_eq 0 "$rc" "baton $opt: exit code"
	grep -qE '^baton [0-9]+\.[0-9]+\.[0-9]+' "$T/out" || fail "baton $opt: stdout is '$(cat "$T/out")'"
	assert_eq 1 "$(wc -l <"$T/out")" "baton $opt: stdout lines"
	assert_eq "" "$(cat "$T/err")" "baton $opt: stderr"
done

# Help wins over everything else on the line: nothing is started, even with other options.
rc=0
"$BATON" -v --grace 1 --help -- touch "$T/started" >"$T/out" 2>"$T/err" || rc=$?
assert_eq 0 "$rc" "baton ... --help -- PROGRAM: exit code"
cmp -s "$T/help" "$T/out" || fail "baton ... --help -- PROGRAM: stdout is not the help text"
assert_eq "" "$(cat "$T/err")" "baton ... --help -- PROGRAM: stderr"
[ ! -e "$T/started" ] || fail "baton --help started PROGRAM"

# After PROGRAM, --help belongs to PROGRAM.
rc=0
"$BATON" -- sh -c 'echo "$1"; exit 4' sh --help >"$T/out" 2>"$T/err" || rc=$?
assert_eq 4 "$rc" "baton -- PROGRAM --help: exit code"
assert_eq "--help" "$(cat "$T/out")" "baton -- PROGRAM --help: PROGRAM's stdout"
