#!/usr/bin/env bash
# Relative --dir, file: and unix: paths mean baton's working directory, PID 1 or not.
. "$(dirname "$0")/lib.sh"
need_unshare

mkdir "$T/work"
cd "$T/work"
rel=baton-test-rel-$$

# run_producer LAUNCH...: a producer in $T/work with relative paths only, started by LAUNCH
# (nothing, or a container): its PROGRAM makes the file and the socket it is ready on.
run_producer() {
	rm -rf "${rel:?}" flag sock
	"$@" "$BATON" --name producer --dir "$rel" --ready-on file:flag --ready-on unix:sock -- \
		sh -c 'touch flag; exec "$1" unix:sock' sh "$HELPERS/listener" >/dev/null 2>"$T/p.err" &
	P=$!
	BG_PIDS="$BG_PIDS $P"
	rc=0
	hang_guard 30 "$BATON" wait --dir "$rel" producer 2>"$T/w.err" || rc=$?
	assert_eq 0 "$rc" "$*: baton wait --dir $rel (137: never ready: $(cat "$T/p.err"))"
	assert_eq ready "$(record_get "$T/work/$rel" producer state)" "$*: the record in $T/work/$rel"
	"$BATON" status --dir "$rel" producer >/dev/null
	[ ! -e "/$rel" ] || fail "$*: a relative --dir was taken from /"
	end_bg "$P"
}

run_producer env
run_producer unshare --pid --fork --mount-proc --kill-child
