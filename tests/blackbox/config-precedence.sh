#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The configuration file under the environment under the command line, seen from outside:
# which name gets published, which exit codes are remapped, which hooks run, which PROGRAM
# runs, which log level applies. A list from a higher source replaces the file's list; it is
# never merged with it. BATON_CONFIG works like --config.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/hooks-lib.sh"

cfg=$T/baton.yaml
cat >"$cfg" <<EOF
name: from-file
dir: $T/file-dir
remap-exit: [3]
log-level: error
command: [sh, -c, 'echo program from the file; exit 5']
hooks:
  post-exit:
    - echo file-1
    - echo file-2
EOF

# run WHAT ARGS...: runs baton in the foreground; sets RC; stdout in $T/out, stderr in $T/err.
run() {
	RC=0
	"$BATON" "$@" >"$T/out" 2>"$T/err" || RC=$?
}

# --- PROGRAM: the file's, unless the command line names one.
run --config "$cfg"
assert_eq 5 "$RC" "PROGRAM from the file: exit status"
assert_eq "program from the file" "$(cat "$T/out")" "PROGRAM from the file: its output"
BATON_CONFIG=$cfg run
assert_eq 5 "$RC" "BATON_CONFIG: PROGRAM from the file"
run --config "$cfg" -- sh -c 'echo program from argv; exit 6'
assert_eq 6 "$RC" "PROGRAM from the command line: exit status"
assert_eq "program from argv" "$(cat "$T/out")" "PROGRAM from the command line wins"

# --- name and dir: the record that gets published.
run --config "$cfg" -- true
[ -f "$T/file-dir/from-file" ] || fail "file: no record $T/file-dir/from-file"
BATON_NAME=from-env BATON_DIR=$T/env-dir run --config "$cfg" -- true
[ -f "$T/env-dir/from-env" ] || fail "environment over file: no record $T/env-dir/from-env"
[ ! -e "$T/env-dir/from-file" ] || fail "environment over file: the file's name was published"
BATON_NAME=from-env BATON_DIR=$T/env-dir run --config "$cfg" --name from-cli --dir "$T/cli-dir" -- true
[ -f "$T/cli-dir/from-cli" ] || fail "command line over environment: no record $T/cli-dir/from-cli"
[ ! -e "$T/cli-dir/from-env" ] || fail "command line over environment: the environment's name was published"
# An empty variable counts as unset: the file's value stays.
rm -rf "$T/file-dir"
BATON_NAME='' run --config "$cfg" -- true
[ -f "$T/file-dir/from-file" ] || fail "an empty BATON_NAME replaced the file's name"

# --- a list: remap-exit. The file remaps 3; the environment's 4 replaces it; -e 6 replaces both.
run --config "$cfg" -- sh -c 'exit 3'
assert_eq 0 "$RC" "the file remaps 3"
BATON_REMAP_EXIT=4 run --config "$cfg" -- sh -c 'exit 3'
assert_eq 3 "$RC" "BATON_REMAP_EXIT replaces the file's list (3 is not remapped)"
BATON_REMAP_EXIT=4 run --config "$cfg" -- sh -c 'exit 4'
assert_eq 0 "$RC" "BATON_REMAP_EXIT remaps 4"
BATON_REMAP_EXIT=4 run --config "$cfg" -e 6 -- sh -c 'exit 4'
assert_eq 4 "$RC" "-e replaces the environment's list (4 is not remapped)"
BATON_REMAP_EXIT=4 run --config "$cfg" -e 6 -- sh -c 'exit 6'
assert_eq 0 "$RC" "-e 6 remaps 6"

# --- another list: the post-exit hooks.
run --config "$cfg" -- true
assert_order "$T/err" 'post-exit\[1\]: file-1$' 'post-exit\[2\]: file-2$'
BATON_POST_EXIT='echo env-1' run --config "$cfg" -- true
assert_grep 'post-exit\[1\]: env-1$' "$T/err" "BATON_POST_EXIT"
assert_no_grep 'file-' "$T/err" "BATON_POST_EXIT replaces the file's hooks"
BATON_POST_EXIT='echo env-1' run --config "$cfg" --post-exit 'echo cli-1' --post-exit 'echo cli-2' -- true
assert_order "$T/err" 'post-exit\[1\]: cli-1$' 'post-exit\[2\]: cli-2$'
assert_no_grep 'env-1\|file-' "$T/err" "--post-exit replaces the environment's and the file's hooks"

# --- a scalar: the log level. The file says error, so a failing hook's warning is not shown.
run --config "$cfg" --post-exit 'exit 9' -- true
assert_no_grep 'exited 9' "$T/err" "log-level error from the file"
BATON_LOG_LEVEL=warn run --config "$cfg" --post-exit 'exit 9' -- true
assert_grep 'hook post-exit\[1\] exited 9' "$T/err" "BATON_LOG_LEVEL=warn over the file"
BATON_LOG_LEVEL=warn run --config "$cfg" -q --post-exit 'exit 9' -- true
assert_no_grep 'exited 9' "$T/err" "-q over BATON_LOG_LEVEL"

# --- the hooks directory and the hook commands of the file, both replaced from the command line.
mkdir -p "$T/hd1/post-exit" "$T/hd2/post-exit"
printf '#!/bin/sh\necho dir-one\n' >"$T/hd1/post-exit/a"
printf '#!/bin/sh\necho dir-two\n' >"$T/hd2/post-exit/a"
chmod +x "$T/hd1/post-exit/a" "$T/hd2/post-exit/a"
printf 'hooks:\n  dir: %s\n' "$T/hd1" >"$T/dir.yaml"
run --config "$T/dir.yaml" -- true
assert_grep 'post-exit/a: dir-one$' "$T/err" "hooks: dir from the file"
BATON_HOOKS_DIR=$T/hd2 run --config "$T/dir.yaml" -- true
assert_grep 'post-exit/a: dir-two$' "$T/err" "BATON_HOOKS_DIR over the file"
assert_no_grep 'dir-one' "$T/err" "BATON_HOOKS_DIR over the file: the file's directory is not used"
