#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# baton-runtime refuses what it cannot do safely, with one line on stderr (and in the --log
# file, as runc's JSON or text lines) and exit 1, before the real runtime runs, with
# config.json unchanged and no pod directory made: an invalid annotation, a sandbox id or a
# container name that is not one (path traversal included), no sandbox id, a name it cannot
# tell, a config.json it cannot parse, a pods directory that is a symlink or writable by others,
# a pod directory planted as a symlink, a missing baton to mount, an invalid configuration file
# (for every command) and a real runtime that is missing or baton-runtime itself.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/runtime-lib.sh"

# refused LABEL ERE BUNDLE [GLOBAL-FLAGS...]: create BUNDLE fails with one line matching ERE
# and leaves no trace.
refused() {
	local label=$1 ere=$2 b=$3 rc=0
	shift 3
	cp "$b/config.json" "$T/before.json"
	rm -f "$T/argv"
	"$RT" "$@" create --bundle "$b" ID1 2>"$T/err" || rc=$?
	assert_eq 1 "$rc" "$label: exit status"
	assert_eq 1 "$(wc -l <"$T/err")" "$label: lines on stderr ($(cat "$T/err"))"
	grep -qE "^baton-runtime: $ere" "$T/err" || fail "$label: stderr is '$(cat "$T/err")'"
	[ ! -e "$T/argv" ] || fail "$label: the real runtime was called"
	cmp -s "$T/before.json" "$b/config.json" || fail "$label: config.json changed"
	[ ! -e "$PODS/$SANDBOX" ] || fail "$label: a pod directory was made"
}

name='.annotations["io.kubernetes.cri.container-name"] = "producer"'
b=$(bundle bad podman-producer.json "$name | .annotations[\"baton.dev/ready-on.producer\"] = \"bogus:1\"")
refused "invalid annotation, JSON log" 'container producer: .*ready-on.*bogus' "$b" \
	--log "$T/log.json" --log-format json
jq -e -s 'length == 1 and (.[0] | .level == "error" and (.msg | test("^baton-runtime: container producer: .*bogus"))
	and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")))' "$T/log.json" >/dev/null ||
	fail "the JSON log line: $(cat "$T/log.json")"
refused "invalid annotation, text log" 'container producer: ' "$b" --log "$T/log.txt"
grep -qE '^time="[0-9T:-]+Z" level=error msg="baton-runtime: container producer: .*bogus.*"$' "$T/log.txt" ||
	fail "the text log line: $(cat "$T/log.txt")"

refused "a sandbox id with a path in it" "container producer: invalid sandbox id '\.\./\.\./etc'" \
	"$(bundle trav podman-producer.json "$name | .annotations[\"io.kubernetes.cri-o.SandboxID\"] = \"../../etc\"")"
refused "an empty sandbox id" "container producer: invalid sandbox id ''" \
	"$(bundle empty podman-producer.json "$name | .annotations[\"io.kubernetes.cri-o.SandboxID\"] = \"\"")"
refused "no sandbox id" "container producer: the pod has baton.dev/ annotations but no" \
	"$(bundle nosb podman-producer.json "$name | del(.annotations[\"io.kubernetes.cri-o.SandboxID\"])")"
refused "a container name that is not one" \
	"annotation io.kubernetes.cri.container-name: '\.\./x' is not a container name" \
	"$(bundle badname podman-producer.json '.annotations["io.kubernetes.cri.container-name"] = "../x"')"
refused "no name" "cannot tell the container's name" "$(bundle noname podman-producer.json)"
b=$(bundle unparsable podman-producer.json "$name")
printf '{"annotations":{"baton.dev/after.x":"y",}}' >"$b/config.json"
refused "config.json that is not JSON" "$b/config.json:1:" "$b"

b=$(bundle good podman-producer.json "$name")
ln -s "$T/elsewhere" "$PODS" 2>/dev/null || { mkdir -p "$T/elsewhere" && ln -s "$T/elsewhere" "$PODS"; }
mkdir -p "$T/elsewhere"
refused "a pods directory that is a symlink" "cannot open $PODS: " "$b"
rm "$PODS"
mkdir -m 0777 "$PODS"
chmod 0777 "$PODS"
refused "a pods directory others may write" "$PODS: must belong to uid" "$b"
chmod 0711 "$PODS"
mkdir -m 0755 "$T/target"
ln -s "$T/target" "$PODS/$SANDBOX"
cp "$b/config.json" "$T/before.json"
rc=0
"$RT" create --bundle "$b" ID1 2>"$T/err" || rc=$?
assert_eq 1 "$rc" "a planted symlink: exit status"
grep -q "^baton-runtime: cannot open $PODS/$SANDBOX: " "$T/err" || fail "planted symlink: $(cat "$T/err")"
assert_eq 755 "$(stat -c %a "$T/target")" "mode of a planted symlink's target"
cmp -s "$T/before.json" "$b/config.json" || fail "planted symlink: config.json changed"
rm "$PODS/$SANDBOX"

printf 'runtime: %s\ndir: %s\nbaton: %s\n' "$FAKE" "$PODS" "$T/no-baton" >"$T/runtime.yaml"
refused "no baton to mount" "the baton to mount, $T/no-baton: No such file" "$b"

# The configuration file: bad for every command, with FILE:LINE:COLUMN.
for conf in 'runtime: runc\ncolour: red\n' 'dir: relative/path\n' '- runc\n' 'dir: [a]\n'; do
	printf '%b' "$conf" >"$T/runtime.yaml"
	rc=0
	"$RT" state ID1 2>"$T/err" || rc=$?
	assert_eq 1 "$rc" "configuration '$conf': exit status"
	grep -qE "^baton-runtime: $T/runtime.yaml:[0-9]+:[0-9]+: " "$T/err" ||
		fail "configuration '$conf': $(cat "$T/err")"
done
BATON_RUNTIME_CONFIG=$T/absent "$RT" state ID1 2>"$T/err" && fail "an absent configuration named by BATON_RUNTIME_CONFIG was accepted"
grep -q "^baton-runtime: $T/absent: No such file" "$T/err" || fail "absent configuration: $(cat "$T/err")"

# The real runtime: missing, or baton-runtime itself.
printf 'runtime: %s\n' "$T/no-runc" >"$T/runtime.yaml"
"$RT" state ID1 2>"$T/err" && fail "a missing real runtime"
grep -q "^baton-runtime: cannot run $T/no-runc: No such file" "$T/err" || fail "missing runtime: $(cat "$T/err")"
printf 'runtime: %s\n' "$RT" >"$T/runtime.yaml"
"$RT" state ID1 2>"$T/err" && fail "baton-runtime as its own real runtime"
grep -q "^baton-runtime: the real runtime .* is baton-runtime itself" "$T/err" || fail "loop: $(cat "$T/err")"
printf 'runtime: no-such-runtime-here\n' >"$T/runtime.yaml"
"$RT" state ID1 2>"$T/err" && fail "a real runtime not in PATH"
grep -q "^baton-runtime: the real runtime 'no-such-runtime-here' is not in PATH" "$T/err" ||
	fail "not in PATH: $(cat "$T/err")"
exit 0
