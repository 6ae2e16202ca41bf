#!/usr/bin/env bash
# Lint: every shell script in the project is shellcheck-clean, and the C of supervisor/ and
# include/ is as .clang-format formats it.
set -eu
cd "${SRC_ROOT:?}"
command -v shellcheck >/dev/null || { echo "SKIP: shellcheck is not installed" >&2; exit 77; }
mapfile -t scripts < <(git ls-files -co --exclude-standard -- '*.sh' '.ci/run' 'hooks/*' 2>/dev/null ||
	find . -name '*.sh' -not -path './build*')
[ "${#scripts[@]}" -gt 0 ] || { echo "FAIL: no scripts found" >&2; exit 1; }
shellcheck -x "${scripts[@]}"
echo "shellcheck: ${#scripts[@]} scripts clean"

if command -v clang-format >/dev/null; then
	mapfile -t sources < <(git ls-files -- 'supervisor/*.[ch]' 'include/*.h')
	clang-format --dry-run --Werror "${sources[@]}"
	echo "clang-format: ${#sources[@]} files clean"
fi
