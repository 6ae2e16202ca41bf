# shellcheck shell=bash
# SPDX-License-Identifier: MIT
# Sourced by the hooks.list tests, after lib.sh: the configuration file, lifecycle hooks, the
# shipped hooks and --exit-with. Sets HOOKS (the shipped hooks in the source tree).

: "${SRC_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck disable=SC2034 # used by the tests that source this file
HOOKS=$SRC_ROOT/hooks

# assert_order FILE PATTERN...: each PATTERN matches a line of FILE, and their first matches
# come in the order given. Lines appended by several processes to one file (O_APPEND) are the
# witness of what happened first: no clocks involved.
assert_order() {
	local file=$1 prev=0 prevpat="(start)" n pat
	shift
	for pat in "$@"; do
		n=$(grep -n -m1 -e "$pat" "$file" | cut -d: -f1 || true)
		[ -n "$n" ] || fail "no line matching '$pat' in $file:"$'\n'"$(cat "$file")"
		[ "$n" -gt "$prev" ] ||
			fail "'$pat' (line $n) is not after '$prevpat' (line $prev) in $file:"$'\n'"$(cat "$file")"
		prev=$n prevpat=$pat
	done
}

# assert_count N PATTERN FILE WHAT: exactly N lines of FILE match PATTERN.
assert_count() {
	local n
	n=$(grep -c -e "$2" "$3" || true)
	[ "$n" = "$1" ] || fail "$4: $n lines match '$2' in $3, not $1:"$'\n'"$(cat "$3")"
}

# port_listening PORT: true when something listens on TCP PORT (IPv4 or IPv6).
port_listening() {
	local hex
	hex=$(printf '%04X' "$1")
	awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# wait_established PORT [SECONDS]: wait until a connection to local PORT is established on
# the server's side too (it may still be in SYN_RECV when the client's connect() returns).
wait_established() {
	local limit=${2:-10} i=0 hex
	hex=$(printf '%04X' "$1")
	while ! awk -v p=":$hex" '$4 == "01" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null; do
		i=$((i + 1))
		[ "$i" -le $((limit * 100)) ] || fail "no connection to port $1 established after ${limit}s"
		sleep 0.01
	done
}

# free_port: a TCP port on which nothing listens right now.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 30000))
		port_listening "$p" || break
	done
	echo "$p"
}

# wait_listening PORT [SECONDS]: wait until something listens on PORT.
wait_listening() {
	local limit=${2:-10} i=0
	while ! port_listening "$1"; do
		i=$((i + 1))
		[ "$i" -le $((limit * 100)) ] || fail "nothing listens on port $1 after ${limit}s"
		sleep 0.01
	done
}

# need_busybox: busybox (for nc) or skip.
need_busybox() {
	command -v busybox >/dev/null 2>&1 || skip "needs busybox (nc)"
}

# hooks_nc_path: a directory with an `nc` (busybox's) that logs every call to $T/nc.calls
# before connecting; prints it, for PATH.
hooks_nc_path() {
	mkdir -p "$T/nc-bin"
	cat >"$T/nc-bin/nc" <<EOF
#!/bin/sh
echo "nc \$*" >>"$T/nc.calls"
exec busybox nc "\$@"
EOF
	chmod +x "$T/nc-bin/nc"
	echo "$T/nc-bin"
}
