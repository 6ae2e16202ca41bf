#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# compat.sh tini|dumb-init: that program's own test suite, from Debian's source package
# (fetch.sh), run against baton installed under its names (tini, tini-static, docker-init;
# dumb-init) on a PATH of their own. tini's checks run through tini_suite.py (its docker steps
# become unshare); dumb-init's pytest suite runs unchanged, as its tox.ini runs it.
# COMPAT_REFERENCE=1 runs the same suite against the real Debian binaries instead, to tell a
# baton failure from a stale test. meson sets BATON and BUILD_ROOT.
set -eu

suite=$1
: "${BATON:?BATON must name the baton binary under test}"
cache=${BUILD_ROOT:-$(dirname "$BATON")/..}/compat-cache
here=$(cd "$(dirname "$0")" && pwd)

skip() {
	echo "SKIP: $*" >&2
	exit 77
}
[ "$(id -u)" = 0 ] || skip "needs root (unshare --pid, as the other PID-1 tests)"
unshare --pid --fork --mount-proc true 2>/dev/null || skip "unshare --pid does not work here"
for m in psutil pytest py pytest_timeout; do
	/usr/bin/python3 -c "import $m" 2>/dev/null ||
		skip "python3 module $m missing (tests/run.sh installs python3-psutil," \
			"python3-pytest, python3-py, python3-pytest-timeout)"
done

"$here/fetch.sh" "$cache"

bin=$(mktemp -d "${TMPDIR:-/tmp}/baton-compat.XXXXXX")
trap 'rm -rf "$bin"' EXIT
for name in tini tini-static docker-init dumb-init; do
	if [ "${COMPAT_REFERENCE:-0}" = 1 ]; then
		ln -s "/usr/bin/$name" "$bin/$name"
	else
		ln -s "$(realpath "$BATON")" "$bin/$name"
	fi
done
# Their scripts say `#!/usr/bin/env python`; Debian's python3 has the modules they import.
ln -s /usr/bin/python3 "$bin/python"
ln -s /usr/bin/python3 "$bin/python3"
export PATH="$bin:/usr/sbin:/usr/bin:/sbin:/bin"
unset TINI_SUBREAPER TINI_VERBOSITY TINI_KILL_PROCESS_GROUP DUMB_INIT_SETSID DUMB_INIT_DEBUG

case $suite in
tini)
	cc -o "$bin/sigconf-test" "$cache/tini-0.19.0/test/sigconf/sigconf-test.c"
	# "-w" with no PROGRAM: tini's outer test wants 0, tini 0.19 itself exits 1 (usage).
	stale="pid 1 tini -w: exit 0,pid 1 tini-static -w: exit 0"
	/usr/bin/python3 "$here/tini_suite.py" --tini "$bin/tini" \
		--entrypoints "$bin/tini,$bin/tini-static" --src "$cache/tini-0.19.0" \
		--sigconf "$bin/sigconf-test" --expect-fail "$stale"
	;;
dumb-init)
	cd "$cache/dumb-init-1.2.5"
	pytest=(/usr/bin/python3 -m pytest -q -o "cache_dir=$bin/pytest-cache" -p no:randomly)
	# Some of its tests time processes (1.5 s, 5 s): a test that fails is run once more, on
	# its own, and only a second failure counts.
	if ! "${pytest[@]}" tests; then
		echo "compat.sh: running the failed dumb-init tests once more" >&2
		"${pytest[@]}" --last-failed --last-failed-no-failures none tests
	fi
	;;
*)
	echo "usage: compat.sh tini|dumb-init" >&2
	exit 64
	;;
esac
