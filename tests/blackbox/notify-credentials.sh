#!/usr/bin/env bash
# Notify datagrams from outside PROGRAM's tree, oversize, NUL-bearing or malformed are ignored;
# one that carries READY=1 gets an error line, and `baton notify` from a stranger exits 71.
. "$(dirname "$0")/lib.sh"
need_unshare

D=$T/dir
mkdir "$D"
S=$HELPERS/dgram
puppet_setup
bg_container P "$T/p.out" "$T/p.err" "$BATON" -v --name web --dir "$D" --ready-on notify -- \
	"${PUPPET[@]}"
puppet "env >'$T/env'"
sock=$(sed -n 's/^NOTIFY_SOCKET=//p' "$T/env")
case "$sock" in
@*) ;;
*) fail "PROGRAM's NOTIFY_SOCKET is '$sock', not an abstract name" ;;
esac

# still_starting WHAT: baton is alive and web is still starting.
still_starting() {
	kill -0 "$P" 2>/dev/null || fail "$1: baton died: $(cat "$T/p.err")"
	assert_eq starting "$(record_get "$D" web state)" "$1: state"
}

# The test's own shell is not one of PROGRAM's processes (the barrier returns once baton has
# handled the READY=1 datagram: dropped).
"$S" -b -S "$sock" READY=1 || fail "sending from outside failed"
still_starting "READY=1 from outside"
assert_grep "notify: dropped a datagram with READY=1 from pid [0-9]*: not one of PROGRAM's processes" \
	"$T/p.err" "the error line for a stranger"
# baton notify from a stranger: told that its message was dropped.
rc=0
NOTIFY_SOCKET=$sock "$BATON" notify --ready 2>"$T/stranger.err" || rc=$?
assert_eq 71 "$rc" "baton notify from a stranger"
assert_eq "baton: notify: baton dropped the message (its log says why)" "$(cat "$T/stranger.err")" \
	"baton notify from a stranger: its line"
# Nor is a process in another container (its pid means nothing here).
container "$S" -b -S "$sock" READY=1 || fail "sending from another container failed"
still_starting "READY=1 from another container"

# From PROGRAM's own tree, but broken. Each is followed by a barrier, so baton handled it.
head -c 5000 /dev/zero | tr '\0' x | sed 's/^/READY=1\nSTATUS=/' >"$T/oversize"
printf 'READY=1\0\n' >"$T/nul"
printf 'READY=1\nSTATUS=a\0b' >"$T/nul2"
printf 'STATUS=tab\there\nREADY=1' >"$T/control"
printf 'READY=1\nSTATUS=ok\nnot a line\n' >"$T/noeq"
printf '=1\nREADY=1' >"$T/nokey"
printf 'ready=1' >"$T/lower"
printf 'READY=2' >"$T/ready2"
printf 'READY=1\nMAINPID=abc' >"$T/mainpid"
printf 'READY=1\nWATCHDOG=2' >"$T/watchdog"
: >"$T/empty"
for f in oversize nul nul2 control noeq nokey lower ready2 mainpid watchdog empty; do
	puppet "'$S' -b -f '$T/$f'" || fail "$f: the puppet could not send it"
	still_starting "$f datagram"
done
assert_grep 'notify: dropped a datagram with READY=1 from pid [0-9]*: larger than 4096 bytes' \
	"$T/p.err" "error line: oversize"
assert_grep 'notify: dropped a datagram from pid [0-9]*: datagram holds a NUL byte' "$T/p.err" \
	"debug line: NUL"
assert_grep 'notify: dropped a datagram with READY=1 from pid [0-9]*: line 3 is not KEY=VALUE' \
	"$T/p.err" "error line: not KEY=VALUE"
assert_grep 'notify: dropped a datagram from pid [0-9]*: READY=2' "$T/p.err" "debug line: READY=2"
[ -z "$(record_get "$D" web status)" ] || fail "a STATUS= from a dropped datagram was kept"

# A flood of garbage does not wedge it either.
puppet "i=0; while [ \$i -lt 500 ]; do '$S' -f '$T/nul'; i=\$((i + 1)); done; '$S' -b -f '$T/noeq'"
still_starting "after a flood"

# Exactly 4096 bytes is not oversize; then a good READY=1 from PROGRAM's tree counts.
{ printf 'STATUS='; head -c 4081 /dev/zero | tr '\0' y; printf '\nREADY=1'; } >"$T/max"
assert_eq 4096 "$(wc -c <"$T/max")" "size of the largest datagram"
puppet "'$S' -b -f '$T/max'"
assert_eq ready "$(record_get "$D" web state)" "a 4096-byte datagram with READY=1"
end_bg "$P"
