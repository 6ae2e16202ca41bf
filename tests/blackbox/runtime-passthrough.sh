#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# baton-runtime passes everything it does not change through, untouched: every command but
# create and run reaches the real runtime with the same argv (global flags included) and its
# exit status comes back; at create, config.json of a container that is not baton's is not
# rewritten at all (same bytes, same inode, same mtime): no baton.dev/ annotation, the pod's
# sandbox container, a container already under baton (`baton inject`), baton.dev/inject
# "false", and "baton.dev/" only inside a value. A bundle given as the working directory works.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/runtime-lib.sh"

# word lists; each is one call, split on blanks on purpose
for call in "state ID1" "start ID1" "kill ID1 15" "delete --force ID1" "delete ID1" \
	"--root /r --log /l --log-format json start ID1" "--debug --systemd-cgroup state x" \
	"exec --process /p.json ID1" "--version" "features" "ps ID1" "update --memory 1 x"; do
	rm -f "$T/argv"
	# shellcheck disable=SC2086 # the list is meant to split
	"$RT" $call || fail "$call: exit $?"
	# shellcheck disable=SC2086
	argv_is $call
done
rm -f "$T/argv"
"$RT" || fail "no arguments: exit $?"
[ -f "$T/argv" ] || fail "no arguments: the real runtime was not called"
assert_eq "" "$(cat "$T/argv")" "no arguments: argv of the real runtime"

# The real runtime's exit status comes back.
echo 7 >"$T/fake-exit"
rc=0
"$RT" state ID1 || rc=$?
assert_eq 7 "$rc" "exit status of the real runtime"
rm "$T/fake-exit"

# untouched LABEL BUNDLE: create leaves BUNDLE/config.json as it was and calls the real runtime.
untouched() {
	local label=$1 b=$2 before after
	cp "$b/config.json" "$T/before.json"
	before=$(stat -c '%i %Y %s' "$b/config.json")
	rm -f "$T/argv"
	"$RT" --root /r create --bundle "$b" --pid-file "$T/pid" ID2 || fail "$label: exit $?"
	argv_is --root /r create --bundle "$b" --pid-file "$T/pid" ID2
	cmp -s "$T/before.json" "$b/config.json" || fail "$label: config.json changed"
	after=$(stat -c '%i %Y %s' "$b/config.json")
	assert_eq "$before" "$after" "$label: inode, mtime and size of config.json"
}

untouched "the pod's infra container" "$(bundle infra podman-infra.json)"
untouched "a container without annotations" \
	"$(bundle plain podman-producer.json 'del(.annotations["baton.dev/after.consumer", "baton.dev/ready-on.producer"])')"
untouched "a sandbox container" \
	"$(bundle sandbox podman-producer.json '.annotations["io.kubernetes.cri-o.ContainerType"] = "sandbox"')"
untouched "a containerd sandbox" \
	"$(bundle sandbox2 podman-producer.json 'del(.annotations["io.kubernetes.cri-o.ContainerType"]) | .annotations["io.kubernetes.cri.container-type"] = "sandbox"')"
untouched "a container already under baton" \
	"$(bundle injected podman-producer.json '.process.args = ["/run/baton-bin/baton", "--name", "producer", "--", "producer"]')"
untouched "baton.dev/ only in a value" \
	"$(bundle value podman-infra.json '.process.env += ["NOTE=see baton.dev/after.x"]')"
untouched "baton.dev/inject: false" \
	"$(bundle optout podman-producer.json '.annotations["baton.dev/inject"] = "false" | .annotations["io.kubernetes.cri.container-name"] = "producer"')"

# Without --bundle the bundle is the working directory.
b=$(bundle cwd podman-infra.json)
rm -f "$T/argv"
(cd "$b" && "$RT" create ID3) || fail "create in the bundle: exit $?"
argv_is create ID3
exit 0
