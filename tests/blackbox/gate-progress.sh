#!/usr/bin/env bash
# Waiting without --timeout logs one progress line every 30 s naming what is still missing.
. "$(dirname "$0")/lib.sh"

start_plain "$T/out" "$T/err" --dir "$T/d" --after producer,cache -- touch "$T/started"
wait_line "$T/err" 'waiting for producer (no record yet), cache (no record yet)' 10
# cache becomes ready; producer never does.
"$BATON" --dir "$T/d" --name cache -- sleep 1000 2>"$T/cache.err" &
CACHE=$!
BG_PIDS="$BG_PIDS $CACHE"
wait_line "$T/err" 'cache is ready' 10
assert_no_grep 'still waiting' "$T/err" "a progress line before 30 s"
wait_line "$T/err" 'still waiting after 30s for producer (no record yet)$' 45
assert_no_grep 'still waiting.*cache' "$T/err" "progress line naming a ready dependency"
[ ! -e "$T/started" ] || fail "PROGRAM started before its dependencies were ready"
kill -TERM "$BATON_PID"
wait_exit
assert_eq 143 "$RC" "exit status after TERM while waiting"
[ ! -e "$T/started" ] || fail "PROGRAM started after TERM"
assert_eq 1 "$(grep -c 'still waiting' "$T/err")" "progress lines in ~30 s"
kill -TERM "$CACHE"
wait "$CACHE" || true
