#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# examples/image/build.sh BATON [TAG]: builds the image `baton inject` names by default,
# localhost/baton:latest (or TAG), with `podman build` from examples/image/Containerfile: FROM
# scratch plus BATON, which must be the static baton (build-static/supervisor/baton; a
# dynamically linked one would find no libraries in the image). Works offline: nothing is
# pulled. The build context is a temporary directory holding the Containerfile and BATON, so
# nothing else of the repository is sent to the build. The image's label io.baton.sha256 is
# BATON's sha256 (which baton is inside); the image it replaces is removed unless a container
# uses it. Prints the image's name on stdout.
# Exit 0 built, 1 podman build failed, 64 usage error (or BATON is not a static executable).
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
baton=${1:-}
tag=${2:-localhost/baton:latest}
if [ -z "$baton" ] || [ $# -gt 2 ]; then
	echo "usage: examples/image/build.sh BATON [TAG]" >&2
	exit 64
fi
if [ ! -f "$baton" ] || [ ! -x "$baton" ]; then
	echo "build.sh: $baton is not an executable file" >&2
	exit 64
fi
# ldd exits non-zero for a static executable ("not a dynamic executable").
if LC_ALL=C ldd "$baton" >/dev/null 2>&1; then
	echo "build.sh: $baton is dynamically linked; the image is FROM scratch: give the static baton (meson setup build-static -Dstatic=true)" >&2
	exit 64
fi
context=$(mktemp -d "${TMPDIR:-/tmp}/baton-image.XXXXXX")
trap 'rm -rf "$context"' EXIT
cp "$here/Containerfile" "$context/Containerfile"
cp "$baton" "$context/baton"
chmod 0755 "$context/baton"
sha=$(sha256sum "$baton" | cut -d' ' -f1)
old=$(podman image inspect --format '{{.Id}}' "$tag" 2>/dev/null) || old=
if ! out=$(podman build --pull=never --network=none -q --label "io.baton.sha256=$sha" \
	-t "$tag" "$context" 2>&1); then
	printf '%s\n' "$out" >&2
	echo "build.sh: podman build of $tag failed" >&2
	exit 1
fi
# Drop the image this one replaced (untagged now), unless a container still uses it.
new=$(podman image inspect --format '{{.Id}}' "$tag")
if [ -n "$old" ] && [ "$old" != "$new" ]; then
	podman rmi "$old" >/dev/null 2>&1 || true
fi
printf '%s\n' "$tag"
