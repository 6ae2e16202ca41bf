#!/usr/bin/env bash
# baton status: a table or JSON of every record; with NAMEs, exit 0 only when all are ready.
. "$(dirname "$0")/lib.sh"
need_unshare

D=$T/dir
mkdir "$D"

# Nothing yet: no rows, an empty JSON list, exit 0.
"$BATON" status --dir "$D" >"$T/empty.out"
assert_eq '' "$(cat "$T/empty.out")" "status of an empty DIR"
assert_eq '[]' "$("$BATON" status --dir "$D" --json)" "status --json of an empty DIR"

# One of each: ready (with a status text), starting, done, exited 3, gone, invalid.
bg_container R /dev/null /dev/null "$BATON" --name ready-one --dir "$D" --ready-on notify -- \
	sh -c '"$1" notify --status "say \"hi\" \\ there" --ready; exec sleep 1000' sh "$BATON"
bg_container S /dev/null /dev/null "$BATON" --name starting-one --dir "$D" \
	--ready-on "file:$T/never" -- sleep 1000
container "$BATON" --name done-one --dir "$D" --ready-on exit0 -- true 2>/dev/null
container "$BATON" --name exited-one --dir "$D" -- sh -c 'exit 3' 2>/dev/null || true
bg_container G /dev/null /dev/null "$BATON" --name gone-one --dir "$D" -- sleep 1000
printf 'garbage\n' >"$D/invalid-one"
wait_line "$D/ready-one" '^state=ready$'
wait_line "$D/starting-one" '^state=starting$'
wait_line "$D/gone-one" '^state=ready$'
kill -KILL "$(child_of "$G")"
wait "$G" 2>/dev/null || true
# Files that are not records are not listed: dot files, names that are not names.
touch "$D/Not-A-Name" "$D/.hidden"

"$BATON" status --dir "$D" >"$T/table"
sed 's/  */ /g' "$T/table" | cut -d' ' -f1,2 >"$T/cols"
cat >"$T/expected" <<'EOT'
NAME STATE
done-one done
exited-one exited
gone-one gone
invalid-one invalid
ready-one ready
starting-one starting
EOT
diff -u "$T/expected" "$T/cols" >&2 || fail "baton status: names (sorted) and states"
assert_grep '^exited-one  *exited 3 ' "$T/table" "the exit code in the table"
assert_grep "^ready-one  *ready  *[0-9]*s  *[0-9a-f]\{32\} say \"hi\" \\\\ there\$" "$T/table" \
	"the status text in the table"
assert_grep '^invalid-one  *invalid  *-  *-  *line 1 is not key=value$' "$T/table" "why invalid"

"$BATON" status --dir "$D" --json >"$T/json"
jq -e . "$T/json" >/dev/null || fail "baton status --json is not JSON: $(cat "$T/json")"
jq -r '.[] | "\(.name) \(.state) \(.ready) \(.alive)"' "$T/json" >"$T/fields"
cat >"$T/expected" <<'EOT'
done-one done true false
exited-one exited 3 false false
gone-one gone false false
invalid-one invalid false false
ready-one ready true true
starting-one starting false true
EOT
diff -u "$T/expected" "$T/fields" >&2 || fail "baton status --json: names, states, ready, alive"
assert_eq 'say "hi" \ there' "$(jq -r '.[] | select(.name == "ready-one") | .status' "$T/json")" \
	"the status text through JSON"
assert_eq 3 "$(jq -r '.[] | select(.name == "exited-one") | .exit' "$T/json")" "exit in JSON"
inc=$(record_get "$D" ready-one incarnation)
assert_eq "$inc" "$(jq -r '.[] | select(.name == "ready-one") | .incarnation' "$T/json")" \
	"incarnation in JSON"

# A record dated in the future (its writer's clock runs ahead): no negative age.
mkdir "$T/future"
"$BATON" --name ahead --dir "$T/future" -- true 2>/dev/null
sed -i 's/^since=.*/since=4102444800.000000000/' "$T/future/ahead"
"$BATON" status --dir "$T/future" >"$T/future.table"
assert_grep '^ahead  *exited 0  *future  *[0-9a-f]\{32\}$' "$T/future.table" "a record from the future"

# With NAMEs: only those, exit 0 when every one is ready (ready or done), 1 otherwise.
"$BATON" status --dir "$D" ready-one done-one >"$T/two"
assert_eq 3 "$(wc -l <"$T/two")" "lines for two names"
for name in starting-one exited-one gone-one invalid-one no-such-one; do
	rc=0
	"$BATON" status --dir "$D" ready-one "$name" >"$T/one" || rc=$?
	assert_eq 1 "$rc" "baton status ready-one $name"
	rc=0
	"$BATON" status --dir "$D" --json "$name" >"$T/one.json" || rc=$?
	assert_eq 1 "$rc" "baton status --json $name"
	jq -e . "$T/one.json" >/dev/null || fail "baton status --json $name is not JSON"
done
assert_grep '^no-such-one  *none ' "$T/one" "a name without a record"
# As an exec probe: ready once its dependency is.
bg_container U /dev/null /dev/null "$BATON" --name probe-user --dir "$D" \
	--ready-on "exec:$BATON status --dir $D ready-one" -- sleep 1000
wait_line "$D/probe-user" '^state=ready$'
end_bg "$U"

# Its output is stdout and nothing else; usage errors are 64.
"$BATON" status --dir "$D" 2>"$T/err" >/dev/null
assert_eq '' "$(cat "$T/err")" "stderr of baton status"
for args in --bogus 'Bad_Name' '--json --json x/y'; do
	rc=0
	# shellcheck disable=SC2086 # word splitting wanted
	"$BATON" status --dir "$D" $args >/dev/null 2>&1 || rc=$?
	assert_eq 64 "$rc" "baton status $args"
done
end_bg "$R" "$S"
