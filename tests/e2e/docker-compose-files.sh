#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every compose file in examples/ (examples/*/compose*.yaml) is valid for docker-compose 1.29
# (`docker-compose config -q`, its own schema and merge rules; no daemon needed) and is run by
# one of the docker-compose-*.sh tests, which name its directory and file.
# Exit 0 passed, 1 failed, 77 docker-compose is not installed.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"

command -v docker-compose >/dev/null ||
	e2e_skip "docker-compose is not installed (apt-get install docker-compose)"
files=$(cd "$e2e_repo" && find examples -name 'compose*.yaml' | sort)
e2e_check "examples hold compose files" test -n "$files"
for f in $files; do
	out=$(docker-compose -f "$e2e_repo/$f" config -q 2>&1) && rc=0 || rc=$?
	[ -z "$out" ] || printf '%s\n' "$out"
	e2e_check "$f: docker-compose config accepts it" test "$rc" = 0
	dir=${f%/*}
	runner=$(cd "$here" && grep -lE "$dir(\"|$)" docker-compose-*.sh |
		xargs -r grep -lF "/${f##*/}\"" | paste -sd' ' -) || true
	e2e_check "$f: run by ${runner:-no test}" test -n "$runner"
done

e2e_done
