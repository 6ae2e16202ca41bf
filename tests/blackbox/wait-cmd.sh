#!/usr/bin/env bash
# baton wait: 0 once every NAME is ready, 124 on --timeout (a line per name), 128+N on signals.
. "$(dirname "$0")/lib.sh"

D=$T/dir
mkdir "$D"

bg_run A "$T/a.out" "$T/a.err" "$BATON" --name a --dir "$D" -- sleep 1000
wait_line "$D/a" '^state=ready$'
"$BATON" wait --dir "$D" a 2>/dev/null
"$BATON" wait --dir "$D" --timeout 0 a 2>/dev/null

# Several names: it returns only once the last one is ready.
bg_run W "$T/w.out" "$T/w.err" "$BATON" wait --dir "$D" --timeout 600 a b c
wait_line "$T/w.err" 'waiting for b (no record yet), c (no record yet)$'
bg_run B "$T/b.out" "$T/b.err" "$BATON" --name b --dir "$D" -- sleep 1000
wait_line "$T/w.err" 'b is ready'
kill -0 "$W" 2>/dev/null || fail "baton wait returned with c missing"
bg_run C "$T/c.out" "$T/c.err" "$BATON" --name c --dir "$D" -- sleep 1000
wait_line "$D/c" '^state=ready$'
wait_gone "$W" 60
rc=0
wait "$W" || rc=$?
assert_eq 0 "$rc" "baton wait a b c"
assert_eq '' "$(cat "$T/w.out")" "baton wait's stdout"

# --timeout: 124, one line per name not ready; --timeout 0 looks once.
for t in 0 0.2; do
	rc=0
	"$BATON" wait --dir "$D" --timeout "$t" a nope b never 2>"$T/t.err" || rc=$?
	assert_eq 124 "$rc" "baton wait --timeout $t"
	assert_grep '^baton: nope: no record yet$' "$T/t.err" "--timeout $t: nope"
	assert_grep '^baton: never: no record yet$' "$T/t.err" "--timeout $t: never"
	assert_no_grep '^baton: [ab]: ' "$T/t.err" "--timeout $t: a line for a ready name"
done

# Signals: 128+N, at once.
# (A log file per run: a stale line from the previous one must not pass for this one's.)
for sig in TERM INT HUP QUIT; do
	bg_run W "$T/$sig.out" "$T/$sig.err" "$BATON" wait --dir "$D" nope
	wait_line "$T/$sig.err" 'waiting for nope'
	kill "-$sig" "$W"
	rc=0
	wait "$W" || rc=$?
	assert_eq $((128 + $(kill -l "$sig"))) "$rc" "baton wait on SIG$sig"
done
# Other signals do not end it.
bg_run W "$T/usr.out" "$T/usr.err" "$BATON" wait --dir "$D" --timeout 600 later
wait_line "$T/usr.err" 'waiting for later'
kill -USR1 "$W"
kill -USR2 "$W"
"$BATON" --name later --dir "$D" --ready-on exit0 -- true 2>/dev/null
rc=0
wait "$W" || rc=$?
assert_eq 0 "$rc" "baton wait after USR1 and USR2"

# A DIR it cannot open or create: 71 with one line.
rc=0
"$BATON" wait --dir /proc/self/nonexistent/dir a 2>"$T/e.err" || rc=$?
assert_eq 71 "$rc" "baton wait on an impossible DIR"
assert_eq 1 "$(wc -l <"$T/e.err")" "lines on stderr"
assert_grep '^baton: cannot create /proc/self/nonexistent/dir: ' "$T/e.err" "the message"
stop_bg "$A" "$B" "$C"
