# shellcheck shell=bash
#
# podman-lib.sh - offline podman helpers for baton's end-to-end tests and demos.
#
# Source it from bash (it is written to be safe under `set -eu`; it never
# changes the caller's shell options, traps or working directory):
#
#     . examples/podman-lib.sh
#     podman_lib_setup "$repo/.podman"      # once per script
#     podman_lib_can_run || exit 77         # skip when podman is unusable
#     podman_lib_build_image baton-e2e build/baton build/some-test-prog
#     podman_lib_kube_play pod.yaml
#     podman_lib_pod_wait mypod 30          # prints "<container> <exit code>"
#     podman_lib_pod_rm mypod
#
# Why this exists (facts about the hosts the project runs on):
#  * No registry is reachable.  Every image is built locally with
#    `podman import` from a tarred root filesystem: busybox-static plus the
#    given programs and the shared libraries ldd reports for them.
#  * The host's default rlimits make runc fail with
#      "error setting rlimit type 7: operation not permitted"
#    because podman asks for nofile=1048576 above our hard limit.  A
#    project-local containers.conf (exported as CONTAINERS_CONF, so that no
#    file under /etc is touched) lowers default_ulimits and selects runc
#    (crun fails on these cgroup-v1 hybrid hosts).
#  * Pods need an infra ("pause") image.  podman_lib_setup builds one locally
#    (catatonit in pause mode, else a busybox shell) and points `infra_image` at
#    it, so `podman kube play` / `podman pod create` never try to pull.
#
# Public functions (all return non-zero with a message on stderr on failure):
#   podman_lib_setup WORKDIR
#   podman_lib_can_run
#   podman_lib_build_image TAG [FILE...]
#   podman_lib_rootfs_tar TAR [FILE...]
#   podman_lib_kube_play YAML [EXTRA-PODMAN-KUBE-PLAY-ARGS...]
#   podman_lib_pod_wait POD TIMEOUT
#   podman_lib_pod_logs POD
#   podman_lib_pod_rm POD
# See the comment above each function for its contract.
#
# Tunables (environment, read at call time):
#   PODMAN_LIB_PODMAN   podman executable                   (default: podman)
#   PODMAN_LIB_RUNTIME  OCI runtime for containers.conf      (default: runc)
#   PODMAN_LIB_BUSYBOX  static busybox to base images on     (default: /bin/busybox)
#   PODMAN_LIB_CATATONIT  catatonit for the infra image; empty = use a
#                       busybox shell instead  (default: /usr/libexec/podman/catatonit,
#                       else catatonit from PATH, else busybox)
#   PODMAN_LIB_VERBOSE  1 = progress messages on stderr      (default: 0)

if [ -z "${BASH_VERSION:-}" ]; then
    echo "podman-lib.sh: source me from bash" >&2
    # shellcheck disable=SC2317 # exit when executed rather than sourced
    return 1 2>/dev/null || exit 1
fi

# Bump when the layout of generated images or of containers.conf changes, so
# that images built by an older version of this file get rebuilt.
PODMAN_LIB_VERSION=1
PODMAN_LIB_LABEL=io.baton.podman-lib.inputs
PODMAN_LIB_IMAGE_PATH=/usr/local/bin:/usr/local/sbin:/usr/bin:/usr/sbin:/bin:/sbin

_podman_lib_msg() {
    printf 'podman-lib: %s\n' "$*" >&2
}

_podman_lib_log() {
    if [ "${PODMAN_LIB_VERBOSE:-0}" = 1 ]; then
        _podman_lib_msg "$@"
    fi
}

_podman_lib_podman() {
    "${PODMAN_LIB_PODMAN:-podman}" "$@"
}

_podman_lib_busybox() {
    local bb=${PODMAN_LIB_BUSYBOX:-/bin/busybox}
    if [ ! -x "$bb" ]; then
        _podman_lib_msg "busybox not found at $bb (apt-get install busybox-static, or set PODMAN_LIB_BUSYBOX)"
        return 1
    fi
    printf '%s\n' "$bb"
}

_podman_lib_sha() {
    # sha256 of a file, or of stdin when no argument is given.
    local out
    out=$(sha256sum "$@") || return 1
    printf '%s\n' "${out%% *}"
}

# Print the absolute paths (one a line) of every shared object FILE needs,
# program interpreter included, as the host's ldd resolves them.  Statically
# linked programs and non-ELF files (scripts) need none.  Fails when a library
# cannot be found.  Libraries loaded with dlopen() (NSS modules, plugins) are
# invisible to ldd and are not listed.
_podman_lib_needed_libs() {
    local file=$1 out line path
    # ldd exits 1 for static / non-ELF files: that is not an error here.
    out=$(LC_ALL=C ldd -- "$file" 2>/dev/null) || true
    while IFS= read -r line; do
        case $line in
        *'=> not found'*)
            read -r path _ <<EOF
$line
EOF
            _podman_lib_msg "$file: shared library not found by ldd: $path"
            return 1
            ;;
        *'=> /'*)
            path=${line#*=> }
            path=${path%% (*}
            ;;
        [[:space:]]/*)
            path=${line#"${line%%/*}"}
            path=${path%% (*}
            ;;
        *) continue ;;
        esac
        printf '%s\n' "$path"
    done <<EOF
$out
EOF
}

# Generate the manifest of an image: one "KIND DEST SHA256 SRC" line per file
# that goes into it.  Its hash identifies the image's inputs.
_podman_lib_manifest() {
    local bb=$1 f lib libs sha
    shift
    printf 'podman-lib v%s PATH=%s\n' "$PODMAN_LIB_VERSION" "$PODMAN_LIB_IMAGE_PATH"
    sha=$(_podman_lib_sha "$bb") || return 1
    printf 'busybox /bin/busybox %s %s\n' "$sha" "$bb"
    libs=
    for f in "$bb" "$@"; do
        lib=$(_podman_lib_needed_libs "$f") || return 1
        if [ -n "$lib" ]; then
            libs="$libs$lib"$'\n'
        fi
    done
    libs=$(printf '%s' "$libs" | sort -u) || return 1
    for f in "$@"; do
        sha=$(_podman_lib_sha "$f") || return 1
        printf 'file /usr/local/bin/%s %s %s\n' "${f##*/}" "$sha" "$f"
    done
    if [ -n "$libs" ]; then
        while IFS= read -r lib; do
            sha=$(_podman_lib_sha "$lib") || return 1
            printf 'lib %s %s %s\n' "$lib" "$sha" "$lib"
        done <<EOF
$libs
EOF
    fi
}

# What identifies an image: its manifest without the host paths files came
# from (moving an input does not force a rebuild; changing its content does).
_podman_lib_manifest_key() {
    printf '%s\n' "$1" | cut -d' ' -f1-3
}

# Fill directory ROOT from a manifest (stdin): busybox with every applet as a
# symlink at its usual path, FILEs in /usr/local/bin, libraries at the path
# they have on the host, minimal /etc.
_podman_lib_populate_root() {
    local root=$1 kind dest sha src applet libdirs=
    mkdir -p "$root/bin" "$root/etc" "$root/usr/local/bin" "$root/root" \
        "$root/tmp" "$root/var/tmp" "$root/proc" "$root/sys" "$root/dev" \
        "$root/run" || return 1
    chmod 1777 "$root/tmp" "$root/var/tmp" || return 1
    chmod 0700 "$root/root" || return 1
    printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
        'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$root/etc/passwd" || return 1
    printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$root/etc/group" || return 1
    while read -r kind dest sha src; do
        case $kind in
        busybox)
            cp -L -- "$src" "$root/bin/busybox" || return 1
            chmod 0755 "$root/bin/busybox" || return 1
            ;;
        file)
            cp -L -- "$src" "$root$dest" || return 1
            chmod 0755 "$root$dest" || return 1
            ;;
        lib)
            mkdir -p "$root${dest%/*}" || return 1
            cp -L -- "$src" "$root$dest" || return 1
            libdirs="$libdirs${dest%/*}"$'\n'
            ;;
        esac
    done || return 1
    # Applet symlinks, at the paths busybox itself reports (bin/sh,
    # usr/bin/env, sbin/...).  Never replace something already there.
    while IFS= read -r applet; do
        [ -n "$applet" ] || continue
        if [ -e "$root/$applet" ] || [ -L "$root/$applet" ]; then continue; fi
        if [ ! -d "$root/${applet%/*}" ]; then
            mkdir -p "$root/${applet%/*}" || return 1
        fi
        ln -s /bin/busybox "$root/$applet" || return 1
    done <<EOF
$("$root/bin/busybox" --list-full)
EOF
    [ -e "$root/bin/sh" ] || {
        _podman_lib_msg "busybox has no sh applet"
        return 1
    }
    # Libraries found outside the loader's default directories (RUNPATH,
    # LD_LIBRARY_PATH, ld.so.conf.d) need a cache inside the image.
    if [ -n "$libdirs" ] && command -v ldconfig >/dev/null 2>&1; then
        printf '%s' "$libdirs" | sort -u >"$root/etc/ld.so.conf" || return 1
        ldconfig -r "$root" || return 1
    fi
}

# _podman_lib_tar_root MANIFEST ROOT TAR: fills the new directory ROOT from MANIFEST and writes
# it to TAR, an uncompressed tar with every file owned by root.
_podman_lib_tar_root() {
    _podman_lib_populate_root "$2" <<EOF || return 1
$1
EOF
    tar -C "$2" --numeric-owner --owner=0 --group=0 -cf "$3" . || return 1
}

_podman_lib_normalize_tag() {
    local tag=$1
    tag=${tag#localhost/}
    case $tag in
    '' | */* | *[[:space:]]*)
        _podman_lib_msg "bad image tag '$1' (want NAME or NAME:TAG)"
        return 1
        ;;
    esac
    case ${tag##*/} in
    *:*) ;;
    *) tag=$tag:latest ;;
    esac
    printf 'localhost/%s\n' "$tag"
}

_podman_lib_image_label() {
    _podman_lib_podman image inspect --format "{{index .Labels \"$PODMAN_LIB_LABEL\"}}" "$1" 2>/dev/null
}

# _podman_lib_import IMAGE MANIFEST-HASH MANIFEST [PODMAN-IMPORT-CHANGE...]
# Build IMAGE from MANIFEST unless an image with that label already exists.
# Builds are serialized with flock(1) on a lock file in the work directory, so
# concurrent scripts build an image once and leave no dangling copies.
_podman_lib_import() {
    local image=$1 hash=$2 manifest=$3
    shift 3
    if [ "$(_podman_lib_image_label "$image" || true)" = "$hash" ]; then
        _podman_lib_log "$image is up to date"
        return 0
    fi
    (
        lock=${PODMAN_LIB_WORKDIR:-${TMPDIR:-/tmp}}/.podman-lib.lock
        if exec 9>>"$lock" && command -v flock >/dev/null 2>&1; then
            flock 9 || exit 1
        fi
        if [ "$(_podman_lib_image_label "$image" || true)" = "$hash" ]; then
            exit 0 # built by someone else meanwhile
        fi
        _podman_lib_log "building $image"
        old=$(_podman_lib_podman image inspect --format '{{.Id}}' "$image" 2>/dev/null) || old=
        tmp=$(mktemp -d "${TMPDIR:-/tmp}/podman-lib.XXXXXX") || exit 1
        trap 'rm -rf "$tmp"' EXIT
        _podman_lib_tar_root "$manifest" "$tmp/root" "$tmp/root.tar" || exit 1
        set -- "$@" --change "ENV PATH=$PODMAN_LIB_IMAGE_PATH" \
            --change "LABEL $PODMAN_LIB_LABEL=$hash"
        if ! _podman_lib_podman import "$@" "$tmp/root.tar" "$image" >"$tmp/log" 2>&1 9>&-; then
            cat "$tmp/log" >&2
            _podman_lib_msg "podman import of $image failed"
            exit 1
        fi
        # Drop the image this one replaced, unless a container still uses it.
        if [ -n "$old" ]; then
            _podman_lib_podman rmi "$old" >/dev/null 2>&1 9>&- || true
        fi
    )
}

# podman_lib_setup WORKDIR
#   Creates WORKDIR, writes WORKDIR/containers.conf (only when its content
#   changes), exports CONTAINERS_CONF pointing at it, and makes sure the local
#   infra image it names exists (building it takes ~1 s; when everything is
#   in place the call costs ~0.1 s).  Sets PODMAN_LIB_WORKDIR.  Idempotent and
#   safe to call from concurrent scripts sharing WORKDIR.
podman_lib_setup() {
    if [ $# -ne 1 ] || [ -z "$1" ]; then
        _podman_lib_msg "usage: podman_lib_setup WORKDIR"
        return 2
    fi
    local dir=$1 conf bb infra_src entry hash image content manifest
    mkdir -p "$dir" || return 1
    dir=$(cd "$dir" && pwd -P) || return 1
    conf=$dir/containers.conf
    bb=$(_podman_lib_busybox) || return 1
    if ! command -v "${PODMAN_LIB_PODMAN:-podman}" >/dev/null 2>&1; then
        _podman_lib_msg "podman is not installed (apt-get install podman runc)"
        return 1
    fi

    # Infra image: catatonit in pause mode (what podman's own podman-pause
    # image runs), else a busybox shell that sleeps and exits on SIGTERM.
    if [ -n "${PODMAN_LIB_CATATONIT+set}" ]; then
        infra_src=$PODMAN_LIB_CATATONIT
    elif [ -x /usr/libexec/podman/catatonit ]; then
        infra_src=/usr/libexec/podman/catatonit
    else
        infra_src=$(command -v catatonit 2>/dev/null) || infra_src=
    fi
    if [ -n "$infra_src" ]; then
        manifest=$(_podman_lib_manifest "$bb" "$infra_src") || return 1
        entry='["/usr/local/bin/catatonit","-P"]'
    else
        manifest=$(_podman_lib_manifest "$bb") || return 1
        entry='["/bin/sh","-c","trap \"exit 0\" TERM INT HUP; while :; do sleep 86400 & wait $!; done"]'
    fi
    hash=$(printf '%s\n%s\n' "$(_podman_lib_manifest_key "$manifest")" "$entry" | _podman_lib_sha) || return 1
    image=localhost/baton-infra:${hash:0:12}

    content="# Generated by examples/podman-lib.sh (podman_lib_setup); do not edit.
[containers]
# The default (nofile=1048576) is above this host's hard limit: runc fails
# with \"error setting rlimit type 7: operation not permitted\".
default_ulimits = [\"nofile=1024:1024\", \"nproc=4096:4096\"]

[engine]
runtime = \"${PODMAN_LIB_RUNTIME:-runc}\"
# Built locally by podman_lib_setup: pods never pull a pause image.
infra_image = \"$image\"
"
    if [ ! -f "$conf" ] || [ "$(cat "$conf")" != "${content%$'\n'}" ]; then
        if ! { printf '%s' "$content" >"$conf.$$" && mv -f "$conf.$$" "$conf"; }; then
            rm -f "$conf.$$"
            return 1
        fi
    fi
    export CONTAINERS_CONF="$conf"
    # shellcheck disable=SC2034 # for the caller
    PODMAN_LIB_WORKDIR=$dir

    # Infra images of other inputs are left alone: another work tree's
    # containers.conf may name them (they are 3 MB each).
    if ! _podman_lib_podman image exists "$image"; then
        _podman_lib_import "$image" "$hash" "$manifest" --change "ENTRYPOINT $entry" || return 1
    fi
    PODMAN_LIB_INFRA_IMAGE=$image
}

# podman_lib_can_run
#   Returns 0 when podman can start a trivial container here (it runs `true`
#   in a busybox-only image, localhost/baton-busybox, built on first use).
#   Otherwise prints the reason, podman's own error included, on stderr and
#   returns 1.  Call podman_lib_setup first.  Takes ~0.6 s (~1.5 s the first
#   time, when it builds the image).
podman_lib_can_run() {
    local out image
    if [ -z "${CONTAINERS_CONF:-}" ] || [ ! -f "$CONTAINERS_CONF" ]; then
        _podman_lib_msg "cannot run containers: podman_lib_setup has not been called"
        return 1
    fi
    if ! command -v "${PODMAN_LIB_PODMAN:-podman}" >/dev/null 2>&1; then
        _podman_lib_msg "cannot run containers: podman is not installed"
        return 1
    fi
    if ! out=$(_podman_lib_podman info --format '{{.Host.OCIRuntime.Name}}' 2>&1); then
        _podman_lib_msg "cannot run containers: 'podman info' failed: $out"
        return 1
    fi
    image=$(podman_lib_build_image baton-busybox) || {
        _podman_lib_msg "cannot run containers: could not build a busybox image"
        return 1
    }
    if ! out=$(timeout 60 "${PODMAN_LIB_PODMAN:-podman}" run --rm --pull=never --network=none "$image" /bin/true 2>&1); then
        _podman_lib_msg "cannot run containers: 'podman run $image /bin/true' failed: $out"
        return 1
    fi
}

# _podman_lib_check_files CALLER FILE...: every FILE exists, and no two share a base name
# (they all go to /usr/local/bin).
_podman_lib_check_files() {
    local caller=$1 f seen=''
    shift
    for f in "$@"; do
        if [ ! -f "$f" ]; then
            _podman_lib_msg "$caller: no such file: $f"
            return 1
        fi
        case " $seen " in
        *" ${f##*/} "*)
            _podman_lib_msg "$caller: two files named ${f##*/}"
            return 1
            ;;
        esac
        seen="$seen ${f##*/}"
    done
}

# podman_lib_build_image TAG [FILE...]
#   Builds image localhost/TAG (TAG = NAME or NAME:VERSION, default :latest)
#   from busybox-static, with every applet as a symlink at its usual path
#   (/bin/sh, /usr/bin/env, ...), plus each FILE copied to
#   /usr/local/bin/<basename> (mode 0755) together with every shared library
#   ldd reports for it, at the same path as on the host (libraries loaded with
#   dlopen() are not detected).  PATH in the image starts with /usr/local/bin;
#   the default command is /bin/sh; minimal /etc/passwd and /etc/group hold
#   root and nobody.
#   Idempotent: the image carries a hash of all its inputs as a label and is
#   only rebuilt when a FILE, a library or busybox changed (~1 s to build,
#   ~0.1 s to find it current).  The image it replaces is removed unless in use.
#   Prints the full image name (localhost/NAME:VERSION) on stdout.
podman_lib_build_image() {
    if [ $# -lt 1 ]; then
        _podman_lib_msg "usage: podman_lib_build_image TAG [FILE...]"
        return 2
    fi
    local image bb manifest hash
    image=$(_podman_lib_normalize_tag "$1") || return 2
    shift
    bb=$(_podman_lib_busybox) || return 1
    _podman_lib_check_files podman_lib_build_image "$@" || return 1
    manifest=$(_podman_lib_manifest "$bb" "$@") || return 1
    hash=$(_podman_lib_manifest_key "$manifest" | _podman_lib_sha) || return 1
    _podman_lib_import "$image" "$hash" "$manifest" --change 'CMD ["/bin/sh"]' || return 1
    printf '%s\n' "$image"
}

# podman_lib_rootfs_tar TAR [FILE...]
#   Writes the root filesystem podman_lib_build_image would import for the
#   same FILEs to TAR (an uncompressed tar, every file owned by root), for
#   another engine to import, e.g. `docker import`.  The image's settings are
#   the caller's: podman_lib_build_image gives it PATH=$PODMAN_LIB_IMAGE_PATH
#   and CMD ["/bin/sh"].  Needs no podman.  Takes ~1 s.
podman_lib_rootfs_tar() {
    if [ $# -lt 1 ]; then
        _podman_lib_msg "usage: podman_lib_rootfs_tar TAR [FILE...]"
        return 2
    fi
    local tar=$1 bb manifest tmp rc=0
    shift
    bb=$(_podman_lib_busybox) || return 1
    _podman_lib_check_files podman_lib_rootfs_tar "$@" || return 1
    manifest=$(_podman_lib_manifest "$bb" "$@") || return 1
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/podman-lib.XXXXXX") || return 1
    _podman_lib_tar_root "$manifest" "$tmp/root" "$tar" || rc=1
    rm -rf "$tmp"
    return "$rc"
}

# podman_lib_kube_play YAML [EXTRA-ARGS...]
#   `podman kube play --replace EXTRA-ARGS YAML`, quietly: podman's output
#   (including the harmless "failed to connect to syslog: Initialization"
#   from aardvark-dns and "Removing container ... from database" for finished
#   init containers) is shown only when it fails.  --replace removes a pod
#   of the same name left over by an earlier, interrupted run (a running one
#   gets podman's 10 s stop timeout first).  A failed play can leave the pod
#   behind in state Created: remove it with podman_lib_pod_rm.
#   Rebuilds the infra image first if it was removed since podman_lib_setup
#   (podman would otherwise try to pull it and fail after 3 s of retries).
#   `kube play` returns only after every init container has finished; the
#   regular containers have been started, in parallel, by then.  Pods get
#   podman's default kube network (bridge); EXTRA-ARGS `--network=none`
#   saves ~0.1 s per pod when a test needs no network.
podman_lib_kube_play() {
    if [ $# -lt 1 ]; then
        _podman_lib_msg "usage: podman_lib_kube_play YAML [EXTRA-ARGS...]"
        return 2
    fi
    local yaml=$1 out
    shift
    if [ -n "${PODMAN_LIB_INFRA_IMAGE:-}" ] && [ -n "${PODMAN_LIB_WORKDIR:-}" ] &&
        ! _podman_lib_podman image exists "$PODMAN_LIB_INFRA_IMAGE"; then
        podman_lib_setup "$PODMAN_LIB_WORKDIR" || return 1
    fi
    if ! out=$(_podman_lib_podman kube play --replace "$@" "$yaml" 2>&1); then
        printf '%s\n' "$out" >&2
        _podman_lib_msg "podman kube play $yaml failed"
        return 1
    fi
}

# Print "ID NAME" of each non-infra container of POD.
_podman_lib_pod_containers() {
    local pod=$1 out infra id name
    out=$(_podman_lib_podman pod inspect --format \
        '{{.InfraContainerID}}{{range .Containers}}{{printf "\n%s %s %s" .ID .Name .State}}{{end}}' \
        "$pod" 2>&1) || {
        _podman_lib_msg "no such pod: $pod ($out)"
        return 1
    }
    infra=${out%%$'\n'*}
    while read -r id name _; do
        if [ -z "$id" ] || [ "$id" = "$infra" ]; then
            continue
        fi
        printf '%s %s\n' "$id" "$name"
    done <<EOF
${out#*$'\n'}
EOF
}

# podman_lib_pod_wait POD TIMEOUT
#   Waits until every container of POD (the infra container excepted) has
#   exited, at most TIMEOUT (whole) seconds.  Prints one
#   "CONTAINER-NAME EXIT-CODE" line per container on stdout, sorted by name;
#   kube play names containers POD-NAME (e.g. "mypod-app").
#   Returns 0 when all exited, whatever their exit codes; 124 on timeout
#   (the containers still running are named on stderr); 1 on other errors
#   (no such pod, ...); 2 on bad usage.
#   It runs `podman wait`, which polls each container's state; we pass
#   --interval 100ms (podman's default is 250 ms), so the call returns
#   ~0.1-0.4 s after the last container exits.  Should a container vanish
#   while we wait (an init container removed after it ran), it looks again.
#   Use `restartPolicy: Never` in the pod: with kube's default (Always)
#   podman restarts containers as they exit and this times out.
podman_lib_pod_wait() {
    if [ $# -ne 2 ]; then
        _podman_lib_msg "usage: podman_lib_pod_wait POD TIMEOUT"
        return 2
    fi
    local pod=$1 timeout=$2 list ids rc out running deadline left tries=0
    case $timeout in
    '' | *[!0-9]*)
        _podman_lib_msg "podman_lib_pod_wait: TIMEOUT must be whole seconds, not '$timeout'"
        return 2
        ;;
    esac
    deadline=$((SECONDS + timeout))
    while :; do
        list=$(_podman_lib_pod_containers "$pod") || return 1
        if [ -z "$list" ]; then
            _podman_lib_msg "pod $pod has no containers"
            return 1
        fi
        ids=$(printf '%s\n' "$list" | cut -d' ' -f1)
        left=$((deadline - SECONDS))
        [ "$left" -gt 0 ] || left=1
        rc=0
        # shellcheck disable=SC2086 # ids are hex strings, one per word
        out=$(timeout "$left" "${PODMAN_LIB_PODMAN:-podman}" wait --interval 100ms $ids 2>&1) || rc=$?
        [ "$rc" -ne 0 ] || break
        if [ "$rc" -eq 124 ]; then
            # shellcheck disable=SC2086
            running=$(_podman_lib_podman inspect --format '{{if .State.Running}}{{.Name}}{{end}}' $ids 2>/dev/null |
                grep -v '^$' | tr '\n' ' ') || true
            _podman_lib_msg "pod $pod: timeout after ${timeout}s; still running: ${running:-?}"
            return 124
        fi
        tries=$((tries + 1))
        if [ "$tries" -ge 3 ]; then
            printf '%s\n' "$out" >&2
            _podman_lib_msg "podman wait on pod $pod failed ($rc)"
            return 1
        fi
    done
    # shellcheck disable=SC2086
    _podman_lib_podman inspect --format '{{.Name}} {{.State.ExitCode}}' $ids | sort
}

# podman_lib_pod_logs POD
#   Prints, for each container of POD (infra excepted), a header line
#   "==> NAME (STATE, exit N) <==" followed by its output (`podman logs`,
#   stdout and stderr merged).  For debugging failed tests.
podman_lib_pod_logs() {
    if [ $# -ne 1 ]; then
        _podman_lib_msg "usage: podman_lib_pod_logs POD"
        return 2
    fi
    local list id name
    list=$(_podman_lib_pod_containers "$1") || return 1
    while read -r id name; do
        [ -n "$id" ] || continue
        printf '==> %s (%s) <==\n' "$name" \
            "$(_podman_lib_podman inspect --format '{{.State.Status}}, exit {{.State.ExitCode}}' "$id" </dev/null 2>&1)"
        _podman_lib_podman logs "$id" </dev/null 2>&1 || true
    done <<EOF
$list
EOF
}

# podman_lib_pod_rm POD
#   Removes POD completely: kills its containers (SIGKILL, no grace period),
#   removes them and the anonymous volumes kube play made for its emptyDirs.
#   Succeeds when the pod does not exist.  Like `podman kube down YAML`
#   without needing the YAML.  Takes ~0.3 s.
#   It stops the pod before removing it: `podman pod rm -f -t 0` on a running
#   pod takes ~3.4 s about every other time on these cgroup-v1 hosts (podman
#   retries removing the pod cgroup while the killed processes are still
#   in it).
podman_lib_pod_rm() {
    if [ $# -ne 1 ]; then
        _podman_lib_msg "usage: podman_lib_pod_rm POD"
        return 2
    fi
    local out
    if ! out=$(_podman_lib_podman pod stop --ignore --time 0 "$1" 2>&1) ||
        ! out=$(_podman_lib_podman pod rm --force --ignore --time 0 "$1" 2>&1); then
        printf '%s\n' "$out" >&2
        _podman_lib_msg "could not remove pod $1"
        return 1
    fi
}
