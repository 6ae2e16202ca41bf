#!/usr/bin/env bash
# Bad --ready-on specs, unresolvable tcp hosts and bad --jitter values are usage errors (64).
. "$(dirname "$0")/lib.sh"

D=$T/dir
mkdir "$D"
long=$(printf 'x%.0s' $(seq 1 120))

# usage_error WHAT TEXT CMD...: CMD exits 64 with one line that holds TEXT, runs nothing
# and publishes nothing.
usage_error() {
	local what=$1 pattern=$2 rc=0 # a fixed string
	shift 2
	hang_guard 30 "$@" >"$T/out" 2>"$T/err" || rc=$?
	assert_eq 64 "$rc" "$what"
	assert_eq 1 "$(wc -l <"$T/err")" "$what: lines on stderr"
	grep -qF -e "$pattern" "$T/err" || fail "$what: no '$pattern' in: $(cat "$T/err")"
	[ ! -e "$T/ran" ] || fail "$what: PROGRAM ran"
	[ -z "$(ls -A "$D")" ] || fail "$what: published $(ls -A "$D")"
}

for spec in bogus '' ready started:x notify:1 exit0: exit1 file: tcp: tcp:host tcp:host: \
	tcp::80 tcp:host:0 tcp:host:65536 tcp:host:http tcp:host:-1 tcp:::1:80 'tcp:a b:80' \
	'tcp:[::1]' unix: "unix:/$long" msgq: msgq:0 msgq:0x0 msgq:zz msgq:0x msgq:-1 \
	msgq:0x100000000 msgq:ch6_ipc msgq:/ msgq://q msgq:/a/b msgq:/.. sem: sem:0 sem:/ \
	sem:/a/b shm: shm:0x shm:/ shm:/. "shm:/dev/shm/x" "msgq:/$long$long$long" exec: delay: \
	delay:-1 delay:abc delay:1s delay:inf delay:nan delay:99999999 FILE:/x; do
	case $spec in
	*"$long$long"*) quoted=${spec:0:40} ;; # a too-long name is quoted by its start only
	*) quoted=$spec ;;
	esac
	usage_error "--ready-on '$spec'" "--ready-on: '$quoted" \
		"$BATON" --name producer --dir "$D" --ready-on "$spec" -- touch "$T/ran"
done
assert_grep 'is not a readiness condition (started, notify, exit0, file:PATH, tcp:HOST:PORT' \
	"$T/err" "the unknown-kind message lists the kinds"
assert_grep 'msgq:KEY|/NAME, sem:KEY|/NAME, shm:KEY|/NAME, exec:CMD, delay:SECONDS)' "$T/err" \
	"the unknown-kind message lists the IPC kinds"
usage_error "msgq:ch6_ipc" "'ch6_ipc' is not a message queue key (decimal or 0x hex, not 0) or a POSIX /NAME" \
	"$BATON" --name producer --dir "$D" --ready-on msgq:ch6_ipc -- touch "$T/ran"
usage_error "sem:/a/b" "'/a/b' is not a POSIX semaphore name (/NAME: one '/', then 1-251 characters" \
	"$BATON" --name producer --dir "$D" --ready-on sem:/a/b -- touch "$T/ran"

# A host baton cannot resolve (it does no DNS): 64, with a line that says so.
for host in no-such-host.invalid example.com; do
	usage_error "tcp:$host" "cannot resolve '$host': baton does no DNS" \
		"$BATON" --name producer --dir "$D" --ready-on "tcp:$host:80" -- touch "$T/ran"
done
# ... while IP literals, localhost and names from /etc/hosts need no resolver, even static.
for spec in tcp:127.0.0.1:1 'tcp:[::1]:1' tcp:localhost:1 tcp:LOCALHOST:1; do
	rc=0
	"$BATON" --ready-on "$spec" -- true 2>"$T/err" || rc=$?
	assert_eq 0 "$rc" "--ready-on $spec: $(cat "$T/err")"
done
host=$(awk '$1 ~ /^[0-9.]+$/ && $2 != "localhost" { print $2; exit }' /etc/hosts)
if [ -n "$host" ]; then
	"$BATON" --ready-on "tcp:$host:1" -- true
else
	note "no IPv4 name besides localhost in /etc/hosts: not tested"
fi

# --jitter MS: PROGRAM starts after a random delay of at most MS (as baton logs it: the test
# checks the choice, not the clock); bad values are usage errors.
for bad in -1 abc 1.5 3600001 '' 1e3 0x10; do
	usage_error "--jitter '$bad'" "--jitter: '$bad' is not milliseconds" \
		"$BATON" --jitter "$bad" -- touch "$T/ran"
done
usage_error "BATON_JITTER=abc" "BATON_JITTER: 'abc' is not milliseconds" \
	env BATON_JITTER=abc "$BATON" -- touch "$T/ran"
: >"$T/delays"
for _ in $(seq 1 20); do
	"$BATON" -v --jitter 100 -- true 2>"$T/err"
	sed -n 's/.*jitter: starting PROGRAM in \([0-9.]*\)s$/\1/p' "$T/err" >>"$T/delays"
done
assert_eq 20 "$(wc -l <"$T/delays")" "runs that logged their jitter"
awk '$1 < 0 || $1 > 0.1 { bad = 1 } END { exit bad }' "$T/delays" ||
	fail "a jitter outside 0..100 ms: $(tr '\n' ' ' <"$T/delays")"
[ "$(sort -u "$T/delays" | wc -l)" -gt 1 ] || fail "20 runs all chose $(head -1 "$T/delays")"
env BATON_JITTER=100 "$BATON" -v -- true 2>"$T/err"
assert_grep 'jitter: starting PROGRAM in 0\.' "$T/err" "BATON_JITTER"
env BATON_JITTER=100 "$BATON" -v --jitter 0 -- true 2>"$T/err"
assert_no_grep 'jitter' "$T/err" "--jitter 0 over BATON_JITTER"
# The jitter comes after the dependencies, and is logged by a waiting baton too.
"$BATON" --name dep --dir "$D" --ready-on exit0 -- true 2>/dev/null
"$BATON" -v --dir "$D" --after dep --jitter 50 -- touch "$T/ran" 2>"$T/err"
assert_grep 'jitter: starting PROGRAM in 0\.0' "$T/err" "jitter after --after"
[ -e "$T/ran" ] || fail "PROGRAM did not run after a jitter"
