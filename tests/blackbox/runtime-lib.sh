# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Shared by the baton-runtime black-box tests (runtime.list), after lib.sh: a fake "real
# runtime" that records its argv, a configuration naming it, and bundles made from the
# config.json files captured from podman in tests/fixtures/runtime/.
#   RT        baton-runtime under test (BATON_RUNTIME, else next to BATON)
#   FAKE      the fake runtime: writes its argv, one word a line, to $T/argv and exits
#             $T/fake-exit's number (0 when absent)
#   PODS      the per-pod directory base the configuration names
#   FIXTURES  tests/fixtures/runtime
RT=${BATON_RUNTIME:-$(dirname "$BATON")/baton-runtime}
[ -x "$RT" ] || fail "no baton-runtime at $RT"
command -v jq >/dev/null 2>&1 || skip "jq is not installed (apt-get install jq)"
FIXTURES=$SRC_ROOT/tests/fixtures/runtime
FAKE=$T/fake-runc
PODS=$T/pods
cat >"$FAKE" <<FAKE_EOF
#!/bin/sh
printf '%s\n' "\$@" >"$T/argv"
exit "\$(cat "$T/fake-exit" 2>/dev/null || echo 0)"
FAKE_EOF
chmod +x "$FAKE"
printf 'runtime: %s\ndir: %s\n' "$FAKE" "$PODS" >"$T/runtime.yaml"
export BATON_RUNTIME_CONFIG=$T/runtime.yaml

# bundle NAME FIXTURE [JQ-FILTER]: makes bundle $T/NAME with FIXTURE's config.json, passed
# through JQ-FILTER (compact, as the engines write it) when one is given; prints its path.
bundle() {
	mkdir -p "$T/$1"
	if [ $# -ge 3 ]; then
		jq -c "$3" "$FIXTURES/$2" >"$T/$1/config.json"
	else
		cp "$FIXTURES/$2" "$T/$1/config.json"
	fi
	printf '%s\n' "$T/$1"
}

# argv_is WORD...: the fake runtime was called with exactly these words.
argv_is() {
	local want
	want=$(printf '%s\n' "$@")
	[ -f "$T/argv" ] || fail "the real runtime was not called (wanted: $*)"
	assert_eq "$want" "$(cat "$T/argv")" "argv passed to the real runtime"
}

# SANDBOX: the sandbox id in the captured fixtures.
# shellcheck disable=SC2034 # for the tests
SANDBOX=$(jq -r '.annotations["io.kubernetes.cri-o.SandboxID"]' "$FIXTURES/podman-producer.json")
