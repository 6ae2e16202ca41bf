#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every baton configuration file under examples/ is valid: `baton --config F --help` exits 0.
# A baton configuration is any examples/**/*.yaml that is not a Kubernetes manifest or a
# compose file (no top-level apiVersion, kind or services key). A copy with one bad key more
# exits 78 naming that line, which proves the file was read. The annotated example
# examples/config/baton.yaml sets every key there is.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"

configs=()
while IFS= read -r f; do
	grep -qE '^(apiVersion|kind|services):' "$f" || configs+=("$f")
done < <(find "$SRC_ROOT/examples" -name '*.yaml' | sort)
[ "${#configs[@]}" -ge 3 ] || fail "expected at least 3 baton configurations in examples/, found ${#configs[@]}"

for f in "${configs[@]}"; do
	rel=${f#"$SRC_ROOT"/}
	rc=0
	"$BATON" --config "$f" --help >"$T/out" 2>"$T/err" || rc=$?
	assert_eq 0 "$rc" "$rel: baton --config $rel --help"
	assert_eq "" "$(cat "$T/err")" "$rel: nothing on stderr"
	assert_grep '^Usage: baton' "$T/out" "$rel: the help text"
	# The same through BATON_CONFIG.
	rc=0
	BATON_CONFIG=$f "$BATON" --help >/dev/null 2>"$T/err" || rc=$?
	assert_eq 0 "$rc" "$rel: BATON_CONFIG=$rel baton --help"

	broken=$T/broken.yaml
	cp "$f" "$broken"
	[ -z "$(tail -c 1 "$broken")" ] || echo >>"$broken"
	line=$(($(wc -l <"$broken") + 1))
	echo 'not-a-baton-key: 1' >>"$broken"
	rc=0
	"$BATON" --config "$broken" --help >"$T/out" 2>"$T/err" || rc=$?
	assert_eq 78 "$rc" "$rel with an unknown key"
	assert_eq "baton: $broken:$line:1: unknown key 'not-a-baton-key'" "$(cat "$T/err")" \
		"$rel with an unknown key: the message"
	assert_eq "" "$(cat "$T/out")" "$rel with an unknown key: nothing on stdout"
done

# The annotated example has every key, uncommented (the parser refused anything unknown).
annotated=$SRC_ROOT/examples/config/baton.yaml
for key in name after ready-on dir timeout jitter watchdog exit-with grace group remap-exit \
	map-signal pdeathsig log-level command hooks; do
	assert_grep "^$key:" "$annotated" "examples/config/baton.yaml sets '$key'"
done
for key in pre-start post-ready pre-stop post-exit dir timeout; do
	assert_grep "^  $key:" "$annotated" "examples/config/baton.yaml sets 'hooks: $key'"
done
# Every key is explained by a comment right above it.
awk '/^#/ || /^  #/ { c = 1; next } /^ *[a-z-]+:/ && !/^    / { if (!c) { print "no comment above: " $0; bad = 1 } } { c = 0 } END { exit bad }' \
	"$annotated" >"$T/uncommented" || fail "examples/config/baton.yaml: $(cat "$T/uncommented")"
