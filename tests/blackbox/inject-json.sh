#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# baton inject: JSON in gives JSON out that a strict JSON parser (Python's json) reads, whatever
# the strings hold (control characters, DEL, C1, U+2028, characters beyond U+FFFF written as
# surrogate pairs by json.dumps, keys longer than 128 characters), with the values unchanged;
# injecting the output again changes nothing. Every JSON fixture of tests/fixtures/inject too.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

# check_json FILE: inject FILE; the output is strict JSON and injecting it again keeps it.
check_json() {
	"$BATON" inject "$1" >"$T/out" || fail "$1: inject failed"
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$T/out" ||
		fail "$1: the output is not strict JSON: $(head -c 300 "$T/out")"
	"$BATON" inject "$T/out" >"$T/again" || fail "$1: injecting the output failed"
	cmp -s "$T/out" "$T/again" || fail "$1: injecting the output changed it"
}

n=0
for f in "$SRC_ROOT"/tests/fixtures/inject/*.yaml; do
	case $f in *.out.yaml | */err-*) continue ;; esac
	[ "$(tr -d ' \t\r\n' <"$f" | head -c 1)" = "{" ] || continue
	check_json "$f"
	n=$((n + 1))
done
[ "$n" -ge 2 ] || fail "only $n JSON fixtures found"

# A pod whose strings hold everything libyaml's emitter would escape YAML's way.
python3 - "$T/pod.json" <<'PY'
import json, sys
odd = "bell\a esc\x1b nul\x00 del\x7f nel\x85 c1\x9f ls\u2028 ps\u2029 nonchar\ufffe emoji\U0001F600 \"q\" \\ /"
pod = {
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "odd", "annotations": {"k" * 200: odd, "baton.dev/timeout.app": "5"}},
    "spec": {"containers": [{"name": "app", "image": "example/app:1", "command": ["/app"],
                             "args": [odd, "\U0001F600", None], "env": [{"name": "N", "value": "1"}]}],
             "priority": 10, "enableServiceLinks": False, "x": -1.5e3},
}
json.dump(pod, open(sys.argv[1], "w"))
PY
check_json "$T/pod.json"
python3 - "$T/pod.json" "$T/out" <<'PY'
import json, sys
want, got = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
c = got["spec"]["containers"][0]
assert c["command"][-4:] == ["/app"] + want["spec"]["containers"][0]["args"], c["command"]
assert "args" not in c, c
assert got["metadata"] == want["metadata"], got["metadata"]
for k in ("priority", "enableServiceLinks", "x"):
    assert got["spec"][k] == want["spec"][k], (k, got["spec"][k])
assert c["command"][:7] == ["/run/baton-bin/baton", "--name", "app", "--dir", "/run/baton", "--timeout", "5"], c["command"]
PY
