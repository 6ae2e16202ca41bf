#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# All of baton's tests, from a fresh Debian/Ubuntu machine (as root): installs what is missing,
# builds baton twice (normal and fully static), runs `meson test` for both, the unit tests again
# under ASan/UBSan, and every fuzzer for a bounded time. The README's test command; .ci/run too.
#
#   tests/run.sh                 everything
#   FUZZ_SECONDS=N tests/run.sh  how long each fuzzer runs (default 30)
#   SKIP_INSTALL=1 tests/run.sh  do not touch the system's packages
#   tests/run.sh --repeat N NAME...
#                                flake hunt: build build/ (BUILD_DIR=build-static for the static
#                                one) and run the chosen tests N times, one `meson test` per run;
#                                NAMEs are meson test names, and `--suite S` works among them.
#                                Prints each failed run's log and a summary: how many runs failed
#                                and which tests failed how often. Exits 1 if any run failed.
#                                Installs nothing.
set -eu

cd "$(dirname "$0")/.."
fuzz_seconds=${FUZZ_SECONDS:-30}
jobs=$(nproc 2>/dev/null || echo 2)

step() {
	printf '\n=== %s\n' "$*"
}

install_missing() {
	local want="meson ninja-build gcc pkg-config libev-dev libyaml-dev libcmocka-dev
		libsystemd-dev clang clang-format busybox-static strace shellcheck util-linux procps
		podman runc librsvg2-bin python3 docker.io docker-compose libjansson-dev jq
		python3-pytest python3-py python3-pytest-timeout python3-psutil"
	local missing="" p

	for p in $want; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		step "installing:$missing"
		[ "$(id -u)" = 0 ] || {
			echo "tests/run.sh: run as root to install:$missing" >&2
			exit 1
		}
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q
		# shellcheck disable=SC2086 # the list is meant to split
		apt-get install -y -q --no-install-recommends $missing
	fi
	# libFuzzer comes with the runtime package of the installed clang's major version.
	local major
	major=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)
	p=libclang-rt-$major-dev
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		step "installing: $p"
		apt-get install -y -q --no-install-recommends "$p"
	fi
}

# setup DIR ARGS...: a fresh meson build directory (reconfigured when it already exists).
setup() {
	local dir=$1
	shift
	if [ -d "$dir/meson-private" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
}

# repeat N ARGS...: run `meson test ARGS...` N times in $BUILD_DIR and count what failed.
repeat() {
	local n=$1 dir=${BUILD_DIR:-build} i failed=0 log
	shift
	case $n in
	'' | *[!0-9]* | 0)
		echo "tests/run.sh: --repeat needs a positive count, got '$n'" >&2
		exit 2
		;;
	esac
	[ $# -gt 0 ] || {
		echo "tests/run.sh: --repeat N needs at least one test name (or --suite S)" >&2
		exit 2
	}
	case $dir in
	*static*) setup "$dir" -Dstatic=true ;;
	*) setup "$dir" ;;
	esac
	ninja -C "$dir" >/dev/null
	log=$(mktemp)
	: >"$dir/repeat-failures.txt"
	for i in $(seq 1 "$n"); do
		step "run $i of $n: meson test $*"
		if meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes "$jobs" "$@" \
			>"$log" 2>&1; then
			grep -E '^(Ok|Fail|Skipped|Timeout):' "$log" | tr '\n' ' '
			echo
		else
			failed=$((failed + 1))
			cat "$log"
			sed -n 's/^ *[0-9]*\/[0-9]* [^ ]* \/ \([^ ]*\) *\(FAIL\|TIMEOUT\|ERROR\) .*/\1 \2/p' "$log" |
				sort -u | sed "s/^/run $i: /" >>"$dir/repeat-failures.txt"
		fi
	done
	rm -f "$log"
	step "$failed of $n runs failed"
	if [ "$failed" -gt 0 ]; then
		echo "failed tests (times):"
		sed 's/^run [0-9]*: //' "$dir/repeat-failures.txt" | sort | uniq -c | sort -rn
		echo "per run: $dir/repeat-failures.txt"
		exit 1
	fi
}

if [ "${1:-}" = --repeat ]; then
	shift
	repeat "$@"
	exit 0
fi

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
	install_missing
fi

step "build: normal (build/)"
setup build
ninja -C build

step "build: static (build-static/)"
setup build-static -Dstatic=true
ninja -C build-static

step "build: ASan/UBSan (build-asan/)"
setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
ninja -C build-asan

step "build: fuzzers (build-fuzz/, clang)"
CC=clang setup build-fuzz -Dfuzz=true -Dfuzz_seconds="$fuzz_seconds" \
	-Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized
ninja -C build-fuzz

step "test: normal build (unit, black-box, lint)"
meson test -C build --print-errorlogs --num-processes "$jobs" --no-suite e2e --no-suite docker \
	--no-suite compat --no-suite compat-manual

step "test: static build (black-box, e2e in real containers: podman and docker, tini's and dumb-init's suites)"
meson test -C build-static --print-errorlogs --num-processes "$jobs" --no-suite unit --no-suite lint \
	--no-suite compat-manual

step "test: unit tests under ASan/UBSan"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --print-errorlogs --num-processes "$jobs" --suite unit

step "test: fuzzers, ${fuzz_seconds}s each"
meson test -C build-fuzz --print-errorlogs --suite fuzz

step "all tests passed"
