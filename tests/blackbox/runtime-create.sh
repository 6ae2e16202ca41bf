#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# baton-runtime at create, on config.json files captured from podman 4.3's `kube play`: the
# container's process.args become `/run/baton-bin/baton --name C --dir /run/baton OPTIONS --
# ORIGINAL-ARGS`, the static baton next to baton-runtime is bind-mounted read-only at
# /run/baton-bin/baton, and DIR/SANDBOX-ID (made mode 1777) at /run/baton; everything else in
# config.json keeps its value and its place (key order included), and the real runtime gets
# the same argv, and integers beyond int64 (an unlimited rlimit) keep their digits. `run` is
# prepared the same way. The name comes from containerd's or CRI-O's
# annotation. At the sandbox's delete the pod directory goes, with everything the containers
# left in it, without following a symlink out of it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/runtime-lib.sh"

baton_host=$(cd "$(dirname "$RT")" && pwd -P)/baton

# same_elsewhere ORIGINAL REWRITTEN: equal but for process.args and the two new mounts, keys
# in the same order.
same_elsewhere() {
	local n
	n=$(jq '.mounts | length' "$1")
	assert_eq "$(jq -c 'del(.process.args, .mounts)' "$1")" \
		"$(jq -c 'del(.process.args, .mounts)' "$2")" "config.json outside args and mounts"
	assert_eq "$(jq -c 'del(.process.args) | [paths]' "$1")" \
		"$(jq -c "del(.process.args, .mounts[$n:]) | [paths]" "$2")" "key order"
	assert_eq "$(jq -c '.process | keys_unsorted' "$1")" \
		"$(jq -c '.process | keys_unsorted' "$2")" "key order in process"
	assert_eq "$(jq -c .mounts "$1")" "$(jq -c ".mounts[:$n]" "$2")" "the original mounts"
}

b=$(bundle consumer podman-consumer.json '.annotations["io.kubernetes.cri.container-name"] = "consumer"')
cp "$b/config.json" "$T/consumer.json"
"$RT" --log "$T/log" create --bundle "$b" --pid-file "$T/pid" ID1 || fail "create: exit $?"
argv_is --log "$T/log" create --bundle "$b" --pid-file "$T/pid" ID1
assert_eq '["/run/baton-bin/baton","--name","consumer","--dir","/run/baton","--after","producer","--","consumer","--expect","10"]' \
	"$(jq -c .process.args "$b/config.json")" "process.args"
assert_eq "[{\"destination\":\"/run/baton-bin/baton\",\"type\":\"bind\",\"source\":\"$baton_host\",\"options\":[\"bind\",\"ro\",\"nosuid\",\"nodev\"]},{\"destination\":\"/run/baton\",\"type\":\"bind\",\"source\":\"$PODS/$SANDBOX\",\"options\":[\"rbind\",\"rw\",\"nosuid\",\"nodev\",\"noexec\"]}]" \
	"$(jq -c '.mounts[-2:]' "$b/config.json")" "the two mounts"
same_elsewhere "$T/consumer.json" "$b/config.json"
assert_eq 1777 "$(stat -c %a "$PODS/$SANDBOX")" "mode of the pod directory"
assert_eq 711 "$(stat -c %a "$PODS")" "mode of the pods directory"
[ ! -s "$T/log" ] || fail "something was logged: $(cat "$T/log")"

# `run`, and CRI-O's name annotation; the pod directory exists already (a second container).
chmod 0700 "$PODS/$SANDBOX"
b=$(bundle producer podman-producer.json '.annotations["io.kubernetes.container.name"] = "producer"')
cp "$b/config.json" "$T/producer.json"
"$RT" run -d -b "$b" ID2 || fail "run: exit $?"
argv_is run -d -b "$b" ID2
assert_eq '["/run/baton-bin/baton","--name","producer","--dir","/run/baton","--ready-on","msgq:0x62746e01","--","producer","--count","10"]' \
	"$(jq -c .process.args "$b/config.json")" "process.args of run"
same_elsewhere "$T/producer.json" "$b/config.json"
assert_eq 1777 "$(stat -c %a "$PODS/$SANDBOX")" "mode of the pod directory made again"

# --bundle=DIR, and the file keeps its mode.
b=$(bundle eq podman-producer.json '.annotations["io.kubernetes.cri.container-name"] = "producer"')
chmod 0640 "$b/config.json"
"$RT" create --bundle="$b" ID3 || fail "create --bundle=: exit $?"
assert_eq /run/baton-bin/baton "$(jq -r '.process.args[0]' "$b/config.json")" "--bundle=DIR"
assert_eq 640 "$(stat -c %a "$b/config.json")" "mode of config.json"
[ -z "$(find "$b" -name '.config.json*')" ] || fail "a temporary file was left in the bundle"

# An unlimited rlimit (18446744073709551615, beyond int64) keeps its digits.
b=$(bundle big podman-producer.json '.annotations["io.kubernetes.cri.container-name"] = "producer"')
sed -i 's/"hard":4096/"hard":18446744073709551615/' "$b/config.json"
grep -q '"hard":18446744073709551615' "$b/config.json" || fail "could not prepare the big rlimit"
"$RT" create --bundle "$b" ID4 || fail "create with a big rlimit: exit $?"
grep -q '"type":"RLIMIT_NPROC","hard":18446744073709551615,"soft":4096}' "$b/config.json" ||
	fail "the big rlimit changed: $(jq -c .process.rlimits "$b/config.json")"
assert_eq /run/baton-bin/baton "$(jq -r '.process.args[0]' "$b/config.json")" "big rlimit: args"

# delete: another id leaves the pod directory; the sandbox's id removes it and what is in it.
mkdir -p "$PODS/$SANDBOX/sub/deeper" "$T/precious-dir"
echo keep >"$T/precious"
echo keep >"$T/precious-dir/file"
echo x >"$PODS/$SANDBOX/producer"
echo x >"$PODS/$SANDBOX/sub/deeper/file"
ln -s "$T/precious" "$PODS/$SANDBOX/link"
ln -s "$T/precious-dir" "$PODS/$SANDBOX/sub/dirlink"
"$RT" delete --force ID2 || fail "delete: exit $?"
[ -d "$PODS/$SANDBOX" ] || fail "delete of a container removed the pod directory"
"$RT" delete --force "$SANDBOX" || fail "delete of the sandbox: exit $?"
argv_is delete --force "$SANDBOX"
[ ! -e "$PODS/$SANDBOX" ] || fail "the pod directory is still there after the sandbox's delete"
assert_eq keep "$(cat "$T/precious")" "a symlink's target"
assert_eq keep "$(cat "$T/precious-dir/file")" "a directory symlink's target"
exit 0
