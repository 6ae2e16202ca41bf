#!/usr/bin/env bash
# A -Dstatic=true baton is static and runs, also as PID 1, in a root holding only it and busybox.
. "$(dirname "$0")/lib.sh"

[ "${BATON_STATIC_BUILD:-0}" = 1 ] || skip "not a static build (meson setup -Dstatic=true)"
need_unshare
command -v readelf >/dev/null || skip "readelf is not installed (binutils)"
busybox=$(command -v busybox || true)
[ -n "$busybox" ] || skip "busybox is not installed (apt-get install busybox-static)"
if readelf -lW "$busybox" | grep -q INTERP; then
	skip "$busybox is not static (apt-get install busybox-static)"
fi

# No interpreter, no dynamic section, no shared library needed.
readelf -lW "$BATON" >"$T/headers" || fail "readelf cannot read $BATON"
assert_grep 'Elf file type is EXEC\|Elf file type is DYN' "$T/headers" "ELF type"
assert_no_grep 'INTERP' "$T/headers" "program headers"
assert_no_grep 'DYNAMIC' "$T/headers" "program headers"
readelf -dW "$BATON" >"$T/dynamic" 2>&1 || true
assert_grep 'no dynamic section' "$T/dynamic" "dynamic section"

# A root with nothing but baton and busybox: no libc, no /proc, no /etc.
root=$T/root
mkdir "$root"
cp "$BATON" "$root/baton"
cp "$busybox" "$root/busybox"
assert_eq "baton busybox" "$(find "$root" -mindepth 1 -printf '%f\n' | sort | paste -sd ' ')" \
	"files in the root"

rc=0
chroot "$root" /baton -- /busybox sh -c 'exit 7' || rc=$?
assert_eq 7 "$rc" "plain baton in the empty root"
rc=0
chroot "$root" /baton --version >"$T/out" || rc=$?
assert_eq 0 "$rc" "baton --version in the empty root"
assert_grep '^baton ' "$T/out" "baton --version in the empty root"
rc=0
chroot "$root" /baton -- /nothing 2>"$T/err" || rc=$?
assert_eq 127 "$rc" "missing PROGRAM in the empty root"
assert_grep /nothing "$T/err" "missing PROGRAM in the empty root"

# As PID 1 of a new PID namespace, still without /proc.
rc=0
unshare --pid --fork --kill-child chroot "$root" /baton -- /busybox sh -c 'exit 7' || rc=$?
assert_eq 7 "$rc" "baton as PID 1 in the empty root"
# The stop sequence: TERM is forwarded, everything is SIGKILLed after --grace. (A pipeline, as
# busybox sh runs background jobs with stdin from /dev/null, which this root does not have.)
unshare --pid --fork --kill-child chroot "$root" /baton -v --grace 1 -- /busybox sh -c \
	'trap "" TERM; /busybox sleep 1000 | /busybox sleep 1000' >"$T/out" 2>"$T/err" &
UNSHARE_PID=$!
BG_PIDS="$BG_PIDS $UNSHARE_PID"
BATON_PID=$(child_of "$UNSHARE_PID")
i=0
while [ "$(descendants "$BATON_PID" | wc -l)" -lt 3 ]; do
	i=$((i + 1))
	[ "$i" -le 1000 ] || fail "the pipeline did not start: $(cat "$T/err")"
	sleep 0.01
done
kill -s TERM "$BATON_PID"
wait_exit
assert_eq 137 "$RC" "baton as PID 1 in the empty root, PROGRAM ignores TERM"
assert_grep 'PROGRAM still runs 1s after it was asked to stop: SIGKILL' "$T/err" "stop sequence"
assert_grep 'reaped pid 2 (signal 9)' "$T/err" "PROGRAM SIGKILLed"
