#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A bad configuration file ends baton before anything starts: exit 78, one line on stderr that
# starts with FILE:LINE:COLUMN (just FILE: for a file that cannot be read), nothing on stdout,
# PROGRAM never run, no record published. One case per kind of error, through --config and
# BATON_CONFIG, as PID 1 and not.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"

D=$T/run
mkdir -p "$D"
marker=$T/program-ran

# check_error WHAT EXPECTED-LINE [BATON ARGS...]: runs baton (with a PROGRAM that would leave
# a marker, and a --name that would be published) and checks the refusal.
check_error() {
	local what=$1 want=$2 rc=0
	shift 2
	"$BATON" --name web --dir "$D" "$@" -- touch "$marker" >"$T/out" 2>"$T/err" || rc=$?
	assert_eq 78 "$rc" "$what: exit status"
	# A message from another module's parser is checked up to its first words ("...*").
	case $want in
	*'*') assert_eq "baton: ${want%\*}" "$(head -c $((${#want} + 6)) "$T/err")" "$what: the message" ;;
	*) assert_eq "baton: $want" "$(cat "$T/err")" "$what: the message" ;;
	esac
	assert_eq 1 "$(wc -l <"$T/err")" "$what: one line"
	assert_eq "" "$(cat "$T/out")" "$what: stdout"
	[ ! -e "$marker" ] || fail "$what: PROGRAM was started"
	[ ! -e "$D/web" ] || fail "$what: a record was published"
}

# bad WHAT LINE:COLUMN: MESSAGE <<<YAML: writes the YAML to a file, checks the refusal.
bad() {
	local f=$T/c.yaml
	cat >"$f"
	check_error "$1" "$f:$2" --config "$f"
}

bad "unknown key" "3:1: unknown key 'nmae'" <<'EOF'
# comment
grace: 1
nmae: web
EOF
bad "unknown key in hooks" "3:3: unknown key 'pre_start' in hooks" <<'EOF'
hooks:
  post-exit: true
  pre_start: true
EOF
bad "duplicate key" "4:1: duplicate key 'grace' (first at line 1)" <<'EOF'
grace: 1
name: web

grace: 2
EOF
bad "a list for a single value" "1:8: grace: expected a single value, not a list" <<'EOF'
grace: [1, 2]
EOF
bad "a mapping for a list" "2:3: after: expected a value or a list of values, not a mapping" <<'EOF'
after:
  db: true
EOF
bad "not a boolean" "1:8: group: expected true or false, not '1'" <<'EOF'
group: 1
EOF
bad "a null value" "2:13: pre-stop: no value" <<'EOF'
hooks:
  pre-stop: ~
EOF
bad "a string for the command" "1:10: command: expected a list of strings (PROGRAM and its arguments)" <<'EOF'
command: sleep 10
EOF
bad "an empty command" "1:10: command: the list is empty" <<'EOF'
command: []
EOF
bad "hooks not a mapping" "1:8: hooks: expected a mapping of settings" <<'EOF'
hooks: [echo hi]
EOF
bad "a bad number of seconds" "2:8: grace: 'soon' is not a number of seconds (0-31536000)" <<'EOF'
name: web
grace: soon
EOF
bad "a bad name" "1:12: exit-with: 'Main_1' is not a valid name (1-63 of a-z, 0-9, '-', starting and ending with a letter or digit)" <<'EOF'
exit-with: Main_1
EOF
bad "a bad hook timeout" "2:12: hook-timeout: must be more than 0" <<'EOF'
hooks:
  timeout: 0
EOF
bad "a bad readiness condition in a list" "1:21: ready-on: 'sometime'*" <<'EOF'
ready-on: [started, sometime]
EOF
bad "not a mapping" "1:1: the document is not a mapping of settings" <<'EOF'
- name: web
EOF
bad "a scalar document" "1:1: the document is not a mapping of settings" <<'EOF'
web
EOF
bad "an empty file" "1:1: empty configuration (expected a mapping of settings)" </dev/null
bad "only comments" "1:1: empty configuration (expected a mapping of settings)" <<'EOF'
# nothing here yet
EOF
bad "two documents" "3:1: more than one document" <<'EOF'
name: web
grace: 1
---
name: api
EOF
bad "a syntax error" "3:1: while parsing a flow sequence: did not find expected ',' or ']'" <<'EOF'
name: web
after: [db, cache
EOF
bad "bad UTF-8" "1:7: invalid leading UTF-8 octet" < <(printf 'name: \xff\n')
bad "nested too deep" "1:38: nested deeper than 32 levels" < <(printf 'name: %s\n' "$(printf '[%.0s' {1..40})")

# Files that cannot be read: the file name and the reason, no position.
check_error "a missing file" "$T/missing.yaml: cannot read: No such file or directory" \
	--config "$T/missing.yaml"
check_error "a directory" "$T: cannot read: not a regular file" --config "$T"
mkfifo "$T/fifo"
check_error "a FIFO (read without blocking)" "$T/fifo: cannot read: not a regular file" \
	--config "$T/fifo"
head -c $((1024 * 1024 + 1)) /dev/zero >"$T/huge.yaml"
check_error "a file over 1 MiB" "$T/huge.yaml: larger than 1048576 bytes" --config "$T/huge.yaml"

# BATON_CONFIG, and --config winning over it.
echo 'bogus: 1' >"$T/env.yaml"
rc=0
BATON_CONFIG=$T/env.yaml "$BATON" -- touch "$marker" >"$T/out" 2>"$T/err" || rc=$?
assert_eq 78 "$rc" "BATON_CONFIG with an unknown key"
assert_eq "baton: $T/env.yaml:1:1: unknown key 'bogus'" "$(cat "$T/err")" "BATON_CONFIG: the message"
echo 'grace: 1' >"$T/good.yaml"
rc=0
BATON_CONFIG=$T/env.yaml "$BATON" --config "$T/good.yaml" -- touch "$marker" 2>"$T/err" || rc=$?
assert_eq 0 "$rc" "--config wins over a broken BATON_CONFIG"
[ -e "$marker" ] || fail "--config over BATON_CONFIG: PROGRAM did not run"
rm -f "$marker"

# A bad value elsewhere is a usage error (64), even with a good file.
rc=0
BATON_GRACE=soon "$BATON" --config "$T/good.yaml" -- touch "$marker" 2>"$T/err" || rc=$?
assert_eq 64 "$rc" "a bad BATON_GRACE with a good file"
assert_grep "^baton: BATON_GRACE: 'soon'" "$T/err" "a bad BATON_GRACE: the message"
rc=0
"$BATON" --config "$T/good.yaml" --grace soon -- touch "$marker" 2>"$T/err" || rc=$?
assert_eq 64 "$rc" "a bad --grace with a good file"
[ ! -e "$marker" ] || fail "a usage error started PROGRAM"

# As PID 1 the same: 78 and nothing started.
need_unshare
printf 'name: web\nbogus: 1\n' >"$T/pid1.yaml"
rc=0
container "$BATON" --config "$T/pid1.yaml" --dir "$D" -- touch "$marker" >"$T/out" 2>"$T/err" || rc=$?
assert_eq 78 "$rc" "as PID 1: exit status"
assert_eq "baton: $T/pid1.yaml:2:1: unknown key 'bogus'" "$(cat "$T/err")" "as PID 1: the message"
[ ! -e "$marker" ] || fail "as PID 1: PROGRAM was started"
[ ! -e "$D/web" ] || fail "as PID 1: a record was published"
