#!/usr/bin/env bash
# Malformed records, even locked as a live owner would, are never ready; status calls them invalid.
. "$(dirname "$0")/lib.sh"

D=$T/dir
mkdir "$D"
"$BATON" wait --dir "$D" --timeout 0 nobody 2>/dev/null || true
INC=0123456789abcdef0123456789abcdef

# good [STATE [NAME]]: a well-formed record.
good() {
	printf 'version=1\nname=%s\nincarnation=%s\nstate=%s\nsince=1700000000.5\npid=7\n' \
		"${2:-producer}" "$INC" "${1:-ready}"
}

# Every case is written into the same file, which a live process holds locked, so liveness
# alone never rules it out: only the parsing can.
good >"$D/producer"
hold_lock "$D/producer"

# check_ready: the control case, proof that a locked file is read as a live owner's record.
check_ready() {
	local rc=0
	"$BATON" wait --dir "$D" --timeout 5 producer 2>"$T/w.err" || rc=$?
	assert_eq 0 "$rc" "baton wait on a good, locked record"
	"$BATON" status --dir "$D" producer >"$T/s.out"
	assert_grep '^producer  *ready ' "$T/s.out" "baton status on a good, locked record"
}
check_ready

n=0
# invalid WHAT WHY: the record in $D/producer (as just written) is not ready and is reported
# as invalid because of WHY (a grep pattern).
invalid() {
	local rc=0
	n=$((n + 1))
	rc=0
	hang_guard 30 "$BATON" wait --dir "$D" --timeout 0.1 producer 2>"$T/w.err" || rc=$?
	assert_eq 124 "$rc" "$1: baton wait"
	assert_grep "producer: invalid record ($2)" "$T/w.err" "$1: baton wait's report"
	rc=0
	"$BATON" status --dir "$D" producer >"$T/s.out" || rc=$?
	assert_eq 1 "$rc" "$1: baton status producer"
	assert_grep "^producer  *invalid  *-  *-  *$2\$" "$T/s.out" "$1: baton status"
	"$BATON" status --dir "$D" --json >"$T/s.json"
	jq -r '.[0] | "\(.name) \(.state) \(.ready) \(.error)"' "$T/s.json" >"$T/s.fields"
	assert_grep "^producer invalid false $2\$" "$T/s.fields" "$1: baton status --json"
}

printf '' >"$D/producer"
invalid empty 'empty'
printf 'hello world\n' >"$D/producer"
invalid garbage 'line 1 is not key=value'
head -c 3000 /dev/urandom | tr -d '\n\0' >"$D/producer"
echo >>"$D/producer"
invalid 'random bytes' 'does not start with version='
good | head -c 60 >"$D/producer"
invalid 'cut mid-line' 'does not end with a newline'
good | head -n 5 >"$D/producer"
invalid 'cut at a line' 'no pid'
{ good; printf 'status=a\0b\n'; } >"$D/producer"
invalid 'a NUL byte' 'holds a NUL byte'
{ good; printf 'status=%05000d\n' 0; } >"$D/producer"
invalid 'huge' 'larger than 4096 bytes'
{ good; head -c 1000000 /dev/zero | tr '\0' x; echo; } >"$D/producer"
invalid 'very huge' 'larger than 4096 bytes'
good ready other >"$D/producer"
invalid 'another name inside' "it names 'other'"
good ready ../producer >"$D/producer"
invalid 'a path as name' 'invalid name'
good ready | sed 's/$/\r/' >"$D/producer"
invalid 'CRLF line ends' 'unknown version'
printf 'version=\033]0;owned\007\033[2J\nname=producer\n' >"$D/producer"
invalid 'terminal escapes' 'unknown version'
if LC_ALL=C grep -q "$(printf '\033')" "$T/s.out"; then
	fail "baton status copied terminal escapes from a record to its output"
fi
good ready | sed 's/^version=1/version=2/' >"$D/producer"
invalid 'version 2' 'unknown version 2'
good bogus >"$D/producer"
invalid 'unknown state' 'unknown state'
good READY >"$D/producer"
invalid 'state in capitals' 'unknown state'
{ good; echo state=ready; } >"$D/producer"
invalid 'a repeated key' 'line 7 repeats state'
good "done" >"$D/producer"
invalid 'done without exit' 'no exit'
{ good "done"; echo exit=1; } >"$D/producer"
invalid 'done with exit 1' 'done with exit 1'
{ good; echo exit=0; } >"$D/producer"
invalid 'ready with exit' 'exit without exited'
good | sed 's/^incarnation=.*/incarnation=xyz/' >"$D/producer"
invalid 'bad incarnation' 'invalid incarnation'
good | sed 's/^pid=.*/pid=-1/' >"$D/producer"
invalid 'negative pid' 'invalid pid'
good | sed 's/^since=.*/since=soon/' >"$D/producer"
invalid 'bad since' 'invalid since'
{ good; printf 'status=\033[31mred\n'; } >"$D/producer"
invalid 'control characters in status' 'invalid status text'
good | sed 's/^name=/ name=/' >"$D/producer"
invalid 'a key with a blank' 'no name'

# Still the same locked file: a good record in it is ready again.
good >"$D/producer"
check_ready
note "$n malformed records, none taken as ready"

# A dependent never starts on one either.
printf 'hello world\n' >"$D/producer"
rc=0
"$BATON" --dir "$D" --after producer --timeout 0.2 -- touch "$T/ran" 2>"$T/dep.err" || rc=$?
assert_eq 124 "$rc" "a dependent on a garbage record"
[ ! -e "$T/ran" ] || fail "the dependent's PROGRAM ran on a garbage record"
end_bg "$LOCK_PID"
