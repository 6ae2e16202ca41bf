#!/bin/bash
# SPDX-License-Identifier: MIT
# run.sh [REPORT.md]: runs every benchmark in tests/bench and prints one markdown report (also
# written to REPORT.md when given). By hand only, never from meson test; nothing here asserts a
# timing goal. A benchmark that cannot run here (exit 77) is listed as skipped with its reason.
# Exit 0 when every benchmark ran or was skipped, 1 when one failed.
#
# BATON names the binary under test (default: the static build in build-bench-static);
# BENCH_QUICK=1 shrinks every benchmark to a smoke run. See tests/bench/README.md.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

REPORT=${1:-}
BENCHES=(startup memory reap signal gate compose-depends)
start=$(date +%s)
failed=0

{
	echo "## baton benchmarks"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- machine: $(machine_line)"
	echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg);" \
		"processes on the machine: $(find /proc -maxdepth 1 -name '[0-9]*' 2>/dev/null | wc -l)"
	echo "- baton: $BATON ($("$BATON" --version 2>/dev/null || echo "not built")," \
		"commit $(git -C "$SRC_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(
			git -C "$SRC_ROOT" diff --quiet HEAD 2>/dev/null || echo ", with local changes")," \
		"built $(date -u -r "$BATON" '+%Y-%m-%d %H:%M UTC' 2>/dev/null || echo "?"))"
	[ "$BENCH_QUICK" != 1 ] || echo "- BENCH_QUICK=1: smoke-run sizes, not numbers to quote"
	echo
} >"$T/report"

for b in "${BENCHES[@]}"; do
	t0=$(date +%s)
	note "run: $b"
	rc=0
	"$BENCH_DIR/$b.sh" >"$T/$b.md" 2>"$T/$b.err" || rc=$?
	case $rc in
	0) cat "$T/$b.md" >>"$T/report" ;;
	77) printf '### %s\n\nSkipped: %s\n\n' "$b" "$(grep SKIP "$T/$b.err" | tail -1)" >>"$T/report" ;;
	*)
		failed=1
		fence='```'
		printf '### %s\n\nFAILED (exit %s):\n\n%s\n%s\n%s\n\n' "$b" "$rc" "$fence" \
			"$(tail -5 "$T/$b.err")" "$fence" >>"$T/report"
		;;
	esac
	note "run: $b took $(($(date +%s) - t0))s (exit $rc)"
done

echo "Total run time: $(($(date +%s) - start)) s; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)." >>"$T/report"
if [ -n "$REPORT" ]; then
	cp "$T/report" "$REPORT"
fi
cat "$T/report"
exit "$failed"
