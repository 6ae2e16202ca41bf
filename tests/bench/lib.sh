# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Sourced by every benchmark. Benchmarks are run by hand (never by meson test) and never assert
# a timing goal: each prints a markdown section with baton's numbers beside the anchors' on
# stdout, and progress on stderr. Exit 0 done, 1 a run went wrong, 77 something is missing here
# (the line on stderr names the Debian package to install).
#
# BATON   the baton under test (default: build-bench-static/supervisor/baton, the static
#         artifact: meson setup build-bench-static -Dstatic=true && ninja -C build-bench-static)
# BENCH_QUICK=1  far fewer rounds: a smoke run of the scripts, not numbers to quote
# BENCH_KEEP=DIR  keep the raw samples (the temporary directory's files) in DIR
set -eu

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_ROOT=$(cd "$BENCH_DIR/../.." && pwd)
: "${BATON:=$SRC_ROOT/build-bench-static/supervisor/baton}"
: "${BENCH_QUICK:=0}"
export LC_ALL=C

T=$(mktemp -d "${TMPDIR:-/tmp}/baton-bench.XXXXXX")

# Kills only background jobs this shell has not reaped yet: a pid remembered from earlier may
# belong to someone else's process by now (pid_max is 32768 here and reap.sh goes through it).
bench_cleanup() {
	local p
	for p in $(jobs -p); do
		kill -KILL "$p" 2>/dev/null || true
	done
	if [ -n "${BENCH_KEEP:-}" ]; then
		mkdir -p "$BENCH_KEEP"
		cp -r "$T"/. "$BENCH_KEEP"/ 2>/dev/null || true
	fi
	rm -rf "$T"
}
trap bench_cleanup EXIT

note() {
	echo "# $*" >&2
}

die() {
	echo "ERROR: $*" >&2
	exit 1
}

MISSING=""

# need CMD PACKAGE: remember CMD as missing (with the package that brings it) when not found.
need() {
	command -v "$1" >/dev/null 2>&1 || MISSING="$MISSING $1 (apt-get install $2)"
}

# need_done: exit 77 naming every missing command, after all need calls.
need_done() {
	if [ -n "$MISSING" ]; then
		echo "SKIP: missing:$MISSING" >&2
		exit 77
	fi
}

need_baton() {
	[ -x "$BATON" ] || {
		echo "SKIP: no baton at $BATON: meson setup build-bench-static -Dstatic=true &&" \
			"ninja -C build-bench-static (or set BATON)" >&2
		exit 77
	}
}

need_root() {
	[ "$(id -u)" = 0 ] || {
		echo "SKIP: needs root (unshare --pid, strace -p)" >&2
		exit 77
	}
}

# build_c NAME [CFLAGS...]: compiles tests/bench/NAME.c into $T/NAME.
build_c() {
	local name=$1
	shift
	cc -O2 -Wall -Wextra -o "$T/$name" "$BENCH_DIR/$name.c" "$@" ||
		die "cannot compile $BENCH_DIR/$name.c"
}

# pick N QUICK: N, or QUICK under BENCH_QUICK=1.
pick() {
	if [ "$BENCH_QUICK" = 1 ]; then echo "$2"; else echo "$1"; fi
}

# pct FILE P: the P-th percentile (nearest rank) of the numbers in FILE, one a line.
pct() {
	sort -g "$1" | awk -v p="$2" '{ v[NR] = $1 }
		END { if (NR == 0) { print "nan"; exit } i = int(p / 100 * NR + 0.999999);
		      if (i < 1) i = 1; if (i > NR) i = NR; print v[i] }'
}

# fmt SCALE DIGITS NUMBER: NUMBER / SCALE with DIGITS decimals ("n/a" stays).
fmt() {
	awk -v s="$1" -v d="$2" -v x="$3" \
		'BEGIN { if (x == "nan" || x == "n/a" || x == "") print "n/a"; else printf "%.*f\n", d, x / s }'
}

# ratio A B: A/B with two decimals.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.2fx\n", a / b }'
}

# children PID: the pids of PID's children (main thread), space separated.
children() {
	cat "/proc/$1/task/$1/children" 2>/dev/null || true
}

# wait_until SECONDS CMD...: run CMD every 10 ms until it succeeds; 1 after SECONDS.
wait_until() {
	local limit=$1 i=0
	shift
	until "$@"; do
		i=$((i + 1))
		[ "$i" -le $((limit * 100)) ] || return 1
		sleep 0.01
	done
}

# machine_line: what ran the numbers.
machine_line() {
	local cpu
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	printf '%s cores (%s), %s, kernel %s' "$(nproc)" "${cpu:-unknown cpu}" \
		"$(sed -n 's/^PRETTY_NAME="\(.*\)"$/\1/p' /etc/os-release)" "$(uname -r)"
}
