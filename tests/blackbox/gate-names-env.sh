#!/usr/bin/env bash
# Bad names are usage errors (64) that create nothing; BATON_* variables work, the command line wins.
. "$(dirname "$0")/lib.sh"

D=$T/dir
mkdir "$D"
long=$(printf 'a%.0s' $(seq 1 64))
ok63=$(printf 'b%.0s' $(seq 1 63))

# usage_error WHAT CMD...: CMD exits 64 with one line, and neither DIR nor $T/new got anything.
usage_error() {
	local what=$1 rc=0
	shift
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	assert_eq 64 "$rc" "$what"
	assert_eq 1 "$(wc -l <"$T/err")" "$what: lines on stderr"
	assert_grep 'see baton --help' "$T/err" "$what: message"
	[ -z "$(ls -A "$D")" ] || fail "$what: created $(ls -A "$D") in DIR"
	[ ! -e "$T/new" ] || fail "$what: created a DIR"
	[ ! -e "$T/ran" ] || fail "$what: PROGRAM ran"
}

for bad in ../x a/b '' Upper x_y x.y ' x' -lead trail- "$long" 'é' 'a
b'; do
	usage_error "--name '$bad'" "$BATON" --name "$bad" --dir "$D" -- touch "$T/ran"
	assert_grep "is not a valid name" "$T/err" "--name '$bad': message"
	usage_error "--name '$bad' (new DIR)" "$BATON" --name "$bad" --dir "$T/new" -- touch "$T/ran"
	usage_error "--after '$bad'" "$BATON" --after "ok,$bad" --dir "$D" -- touch "$T/ran"
	usage_error "wait '$bad'" "$BATON" wait --dir "$T/new" --timeout 1 "$bad"
	usage_error "status '$bad'" "$BATON" status --dir "$T/new" "$bad"
	[ -n "$bad" ] || continue # an empty variable counts as unset; an empty argument does not
	usage_error "BATON_NAME='$bad'" env BATON_NAME="$bad" BATON_DIR="$D" "$BATON" -- touch "$T/ran"
done
usage_error "--after ''" "$BATON" --after '' --dir "$D" -- touch "$T/ran"
usage_error "--after a,,b" "$BATON" --after a,,b --dir "$D" -- touch "$T/ran"
usage_error "--name x --after x" "$BATON" --name x --after y,x --dir "$D" -- touch "$T/ran"
assert_grep "cannot wait for itself" "$T/err" "waiting for oneself"
usage_error "wait without a name" "$BATON" wait --dir "$T/new"

# 63 characters of a-z, 0-9 and '-' is a name.
"$BATON" --name "$ok63" --dir "$D" -- true 2>/dev/null
assert_eq exited "$(record_get "$D" "$ok63" state)" "a 63-character name"
"$BATON" --name "a-0" --dir "$D" -- true 2>/dev/null
assert_eq exited "$(record_get "$D" a-0 state)" "a name with a dash and a digit"
rm -f "$D"/* "$D"/.[!.]*

# The environment: BATON_NAME, BATON_DIR, BATON_READY_ON publish; BATON_AFTER and
# BATON_TIMEOUT wait and give up.
env BATON_NAME=fromenv BATON_DIR="$D" BATON_READY_ON=exit0 "$BATON" -- true 2>/dev/null
assert_eq "done" "$(record_get "$D" fromenv state)" "record from BATON_NAME/BATON_DIR/BATON_READY_ON"
rc=0
env BATON_AFTER=fromenv,missing BATON_DIR="$D" BATON_TIMEOUT=0.2 "$BATON" -- touch "$T/ran" \
	2>"$T/err" || rc=$?
assert_eq 124 "$rc" "BATON_AFTER + BATON_TIMEOUT"
assert_grep '^baton: missing: no record yet$' "$T/err" "BATON_AFTER's missing dependency"
assert_no_grep '^baton: fromenv: ' "$T/err" "BATON_AFTER's ready dependency"
[ ! -e "$T/ran" ] || fail "PROGRAM ran after a BATON_TIMEOUT"
env BATON_DIR="$D" "$BATON" wait --timeout 1 fromenv 2>/dev/null
env BATON_DIR="$D" "$BATON" status fromenv >/dev/null

# The command line wins over each of them.
mkdir "$T/cli"
env BATON_NAME=envname BATON_DIR="$D" BATON_READY_ON="file:$T/never" "$BATON" \
	--name cliname --dir "$T/cli" --ready-on exit0 -- true 2>/dev/null
assert_eq "done" "$(record_get "$T/cli" cliname state)" "--name/--dir/--ready-on over BATON_*"
[ ! -e "$D/envname" ] || fail "BATON_NAME was used despite --name"
[ ! -e "$T/cli/envname" ] || fail "BATON_NAME was used despite --name"
rc=0
hang_guard 60 env BATON_AFTER=missing BATON_DIR="$D" BATON_TIMEOUT=1000 "$BATON" \
	--after fromenv,other --dir "$T/cli" --timeout 0.2 -- touch "$T/ran" 2>"$T/err" || rc=$?
assert_eq 124 "$rc" "--after/--dir/--timeout over BATON_* (137 = BATON_TIMEOUT was used)"
assert_grep '^baton: fromenv: no record yet$' "$T/err" "--dir over BATON_DIR"
assert_grep '^baton: other: no record yet$' "$T/err" "--after over BATON_AFTER"
assert_no_grep 'missing' "$T/err" "--after replaces BATON_AFTER"
env BATON_AFTER=missing BATON_DIR="$D" "$BATON" --after fromenv -- touch "$T/ran" 2>/dev/null
[ -e "$T/ran" ] || fail "--after fromenv did not run PROGRAM"
rm -f "$T/ran"

# A bad value in a variable is a usage error naming the variable; an empty one is unset.
D=$T/empty
mkdir "$D"
usage_error "BATON_TIMEOUT=abc" env BATON_TIMEOUT=abc "$BATON" --dir "$D" -- touch "$T/ran"
assert_grep "BATON_TIMEOUT: 'abc'" "$T/err" "the bad variable's name"
usage_error "BATON_READY_ON=bogus" env BATON_READY_ON=bogus "$BATON" --dir "$D" -- touch "$T/ran"
assert_grep "BATON_READY_ON: 'bogus'" "$T/err" "the bad variable's name"
env BATON_NAME= BATON_AFTER= "$BATON" --dir "$D" -- touch "$T/ran"
[ -e "$T/ran" ] || fail "empty BATON_NAME and BATON_AFTER stopped PROGRAM"
