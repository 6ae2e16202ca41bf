#!/usr/bin/env bash
# NOTIFY_SOCKET server: READY=1, STATUS= (record and baton status), STOPPING=1, unknown keys.
. "$(dirname "$0")/lib.sh"
need_unshare

D=$T/dir
mkdir "$D"
S=$HELPERS/dgram
puppet_setup
bg_container P "$T/p.out" "$T/p.err" "$BATON" -v --name web --dir "$D" --ready-on notify -- \
	"${PUPPET[@]}"

# STATUS= while starting: in the record and in both status formats; still starting.
puppet "'$S' -b 'STATUS=loading the cache'"
assert_eq starting "$(record_get "$D" web state)" "state after STATUS="
assert_eq "loading the cache" "$(record_get "$D" web status)" "status after STATUS="
"$BATON" status --dir "$D" >"$T/status.out" || true
assert_grep '^web  *starting  *[0-9]*s  *[0-9a-f]\{32\} loading the cache$' "$T/status.out" \
	"baton status table"
"$BATON" status --dir "$D" --json web >"$T/status.json" || true
assert_eq "starting|loading the cache" "$(jq -r '.[0] | "\(.state)|\(.status)"' "$T/status.json")" \
	"baton status --json"

# Unknown keys are ignored, known ones in the same datagram still count.
puppet "'$S' -b 'X_FUTURE=1' 'READY=1' 'STATUS=serving'"
assert_eq ready "$(record_get "$D" web state)" "state after READY=1"
assert_eq serving "$(record_get "$D" web status)" "status after READY=1"
"$BATON" wait --dir "$D" --timeout 5 web 2>/dev/null

# STATUS= when ready keeps it ready; the text is cut at 256 bytes without splitting UTF-8.
long=$(printf 'é%.0s' $(seq 1 200))
puppet "'$S' -b 'STATUS=$long'"
assert_eq ready "$(record_get "$D" web state)" "state after a long STATUS="
got=$(record_get "$D" web status)
assert_eq 256 "$(printf %s "$got" | wc -c)" "bytes kept of a 400-byte STATUS="
printf %s "$got" | iconv -f UTF-8 -t UTF-8 >/dev/null || fail "the cut STATUS is not UTF-8"
puppet "'$S' -b 'STATUS=draining soon'"

# STOPPING=1: the record says stopping (status kept), a dependent does not start, PROGRAM runs on.
puppet "'$S' -b STOPPING=1"
assert_eq stopping "$(record_get "$D" web state)" "state after STOPPING=1"
assert_eq "draining soon" "$(record_get "$D" web status)" "status after STOPPING=1"
rc=0
"$BATON" --dir "$D" --after web --timeout 0.2 -- touch "$T/ran" 2>"$T/dep.err" || rc=$?
assert_eq 124 "$rc" "a dependent of a stopping producer"
assert_grep '^baton: web: stopping$' "$T/dep.err" "the dependent's report"
# READY=1 after STOPPING=1 does not make it ready again.
puppet "'$S' -b READY=1"
assert_eq stopping "$(record_get "$D" web state)" "READY=1 after STOPPING=1"
kill -0 "$P" || fail "baton ended on STOPPING=1"
puppet_send "exit 0"
rc=0
wait "$P" || rc=$?
assert_eq 0 "$rc" "baton's exit status"
assert_eq exited "$(record_get "$D" web state)" "state after PROGRAM exited"

# STOPPING=1 and READY=1 in one datagram: stopping wins, it is never ready.
rm -f "$T/puppet.cmd"
puppet_setup
bg_container P "$T/p2.out" "$T/p2.err" "$BATON" --name web2 --dir "$D" --ready-on notify -- \
	"${PUPPET[@]}"
puppet "'$S' -b READY=1 STOPPING=1"
assert_eq stopping "$(record_get "$D" web2 state)" "READY=1 with STOPPING=1"
assert_no_grep 'published ready' "$T/p2.err" "READY=1 with STOPPING=1"
end_bg "$P"
