#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fetch.sh CACHE: Debian's source packages of tini and dumb-init (their test suites), fetched
# with `apt-get source --download-only` into CACHE and unpacked there; nothing is committed.
# apt runs on a private copy of the host's Debian entry turned into `Types: deb-src`, with its
# own lists under CACHE, so the host's apt configuration is neither needed nor touched (no root).
# Only the .orig tarballs are used (dumb-init's debian.tar.xz has answered 404), checked against
# the SHA-256 sums in their signed .dsc files. A failed download is a failure, never a skip: it
# is an install-step problem, and CI machines without a network still reach Debian's archive.
set -eu

cache=$1
mkdir -p "$cache/apt/lists/partial" "$cache/apt/cache/archives/partial" "$cache/apt/parts" \
	"$cache/dl"
cache=$(cd "$cache" && pwd)

unpacked() {
	[ -f "$cache/tini-0.19.0/test/run_inner_tests.py" ] &&
		[ -f "$cache/dumb-init-1.2.5/tests/conftest.py" ]
}
if unpacked; then
	exit 0
fi

# The host's Debian entries, as deb-src (deb822 or one-line format).
src=/etc/apt/sources.list.d/debian.sources
if [ -f "$src" ]; then
	sed 's/^Types:.*/Types: deb-src/' "$src" >"$cache/apt/parts/debian.sources"
elif [ -f /etc/apt/sources.list ]; then
	sed -n 's/^deb \(.*debian.*\)/deb-src \1/p' /etc/apt/sources.list >"$cache/apt/parts/debian.list"
else
	echo "fetch.sh: no Debian apt source on this host" >&2
	exit 1
fi
: >"$cache/apt/empty.list"
apt=(apt-get -q -o "Dir::Etc::SourceList=$cache/apt/empty.list"
	-o "Dir::Etc::SourceParts=$cache/apt/parts" -o "Dir::State::Lists=$cache/apt/lists"
	-o "Dir::Cache=$cache/apt/cache" -o "APT::Sandbox::User=root")
"${apt[@]}" update >"$cache/apt/update.log" 2>&1 || {
	cat "$cache/apt/update.log" >&2
	echo "fetch.sh: apt-get update for the deb-src entry failed" >&2
	exit 1
}
# dumb-init's Debian diff may 404; the .orig tarball and the .dsc are what matter.
(cd "$cache/dl" && "${apt[@]}" source --download-only tini dumb-init >"$cache/apt/source.log" 2>&1) ||
	true

for pkg in tini dumb-init; do
	dsc=$(find "$cache/dl" -name "${pkg}_*.dsc" | head -n 1)
	orig=$(find "$cache/dl" -name "${pkg}_*.orig.tar.gz" | head -n 1)
	if [ -z "$dsc" ] || [ -z "$orig" ]; then
		cat "$cache/apt/source.log" >&2
		echo "fetch.sh: could not download the source package of $pkg" >&2
		exit 1
	fi
	want=$(sed -n '/^Checksums-Sha256:/,/^[^ ]/p' "$dsc" |
		awk -v f="$(basename "$orig")" '$3 == f { print $1 }')
	got=$(sha256sum "$orig" | cut -d' ' -f1)
	if [ -z "$want" ] || [ "$want" != "$got" ]; then
		echo "fetch.sh: $orig does not match the SHA-256 in $dsc" >&2
		exit 1
	fi
	tar -xzf "$orig" -C "$cache"
done
unpacked || {
	echo "fetch.sh: the tarballs are not tini 0.19.0 and dumb-init 1.2.5" >&2
	exit 1
}
