#!/bin/bash
# SPDX-License-Identifier: MIT
# gate: how soon waiting containers start once the container they wait for is ready, and what
# waiting costs. baton only, beside the usual alternatives.
#
# Publish-to-exec latency. The producer is
#   baton --dir D --name producer --ready-on notify -- gatestamp ready TRIGGER T0 notify
# whose PROGRAM, once triggered, takes the time and sends READY=1 (sd_notify); each waiter is
#   baton --dir D --after producer -- gatestamp stamp STAMPS
# whose PROGRAM takes the time first thing in main (a static binary: no loader in the way).
# "ready -> exec" is STAMPS - T0 (CLOCK_MONOTONIC): baton's notify server, the gate publish,
# the wake-up of every waiter and its fork/exec. "publish -> exec" starts instead at the
# record's since= (CLOCK_REALTIME, taken as baton begins to publish): the gate alone.
# Waiters are started and seen waiting first; then the producer is triggered.
# Compared with the same waiter count and trigger (the producer creates a file instead):
#   baton wait    sh -c 'baton wait --dir D producer && exec PROGRAM' (idle: baton wait alone)
#   inotify       a C waiter (gatestamp inowait) that watches D, then execs PROGRAM
#   inotifywait   sh -c 'until test -e F; do inotifywait -qq -t 1 -e create -e moved_to D; done; exec PROGRAM'
#   poll 1 s      sh -c 'while ! test -e F; do sleep 1; done; exec PROGRAM' (wait-for-it style),
#                 triggered 1-2 s after the waiters start, at a random point of their cycle
# Targets: p99 at most 1 ms for one waiter, at most 10 ms for the last of 100.
#
# Cost of waiting: syscalls made in GATE_IDLE seconds (default 10) by each kind of waiter that
# waits for a name that never comes, counted by `strace -f -c -p` (every thread and child).
# Target: baton no more than a handful.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

need cc gcc
need strace strace
need_done
need_baton
need_root
HAVE_INOTIFYWAIT=1
command -v inotifywait >/dev/null 2>&1 || {
	HAVE_INOTIFYWAIT=0
	note "gate: no inotifywait (apt-get install inotify-tools): its rows are left out"
}

IDLE=${GATE_IDLE:-$(pick 10 2)}
WAITERS=(1 10 100)
# Repetitions per method and waiter count (1, 10, 100 waiters).
declare -A REPS=(
	[baton]="$(pick "100 20 5" "10 3 2")"
	[batonwait]="$(pick "30 10 3" "5 2 1")"
	[inotify]="$(pick "50 10 3" "5 2 1")"
	[inotifywait]="$(pick "20 5 3" "3 2 1")"
	[poll]="$(pick "10 5 3" "2 1 1")"
)
declare -A TITLE=(
	[baton]="baton --after"
	[batonwait]="baton wait && exec"
	[inotify]="inotify (C)"
	[inotifywait]="inotifywait loop"
	[poll]="poll 1 s (sh)"
)
METHODS=(baton batonwait inotify)
[ "$HAVE_INOTIFYWAIT" = 0 ] || METHODS+=(inotifywait)
METHODS+=(poll)
# GATE_METHODS="baton inotify" runs only those; GATE_REPS_baton="200 0 0" overrides the counts.
[ -z "${GATE_METHODS:-}" ] || read -r -a METHODS <<<"$GATE_METHODS"
for m in "${!REPS[@]}"; do
	v=GATE_REPS_$m
	[ -z "${!v:-}" ] || REPS[$m]=${!v}
done

G=$T/gatestamp
cc -O2 -Wall -Wextra -static -o "$G" "$BENCH_DIR/gatestamp.c" 2>/dev/null || build_c gatestamp

# The shared directory lives on tmpfs where there is one (/dev/shm), as /run/baton or a
# Kubernetes emptyDir with medium Memory would: a disk adds its own noise. GATE_TMP overrides.
if [ -z "${GATE_TMP:-}" ] && [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && [ -w /dev/shm ]; then
	GATE_TMP=/dev/shm
fi
GT=$(mktemp -d "${GATE_TMP:-$T}/baton-bench-gate.XXXXXX")
GATE_FS=$(stat -f -c %T "$GT")
trap 'bench_cleanup; rm -rf "$GT"' EXIT
R=$GT/rep
PIDS=()

all_waiting() {
	local n
	n=$(grep -l -e "$2" "$R"/w*.log 2>/dev/null | wc -l)
	[ "$n" -ge "$1" ]
}

stamped() {
	[ -f "$R/stamps" ] && [ "$(wc -l <"$R/stamps")" -ge "$1" ]
}

# ns_of SEC.NSEC: nanoseconds, in shell integers (awk's doubles would round them).
ns_of() {
	local sec=${1%.*} frac=${1#*.}
	echo $((sec * 1000000000 + 10#$frac))
}

# rep METHOD N: one repetition; appends to $T/{all,last,gate}.METHOD.N.
rep() {
	local m=$1 n=$2 i producer t0 t0real since="" mono real max=0 lat
	rm -rf "$R"
	mkdir -p "$R/d"
	mkfifo "$R/trigger"
	PIDS=()
	if [ "$m" = baton ] || [ "$m" = batonwait ]; then
		"$BATON" --dir "$R/d" --name producer --ready-on notify -- \
			"$G" ready "$R/trigger" "$R/t0" notify 2>"$R/producer.log" &
		producer=$!
		wait_until 5 test -f "$R/d/producer" || die "producer never published: $(cat "$R/producer.log")"
	else
		"$G" ready "$R/trigger" "$R/t0" "file:$R/d/flag" &
		producer=$!
	fi
	for i in $(seq "$n"); do
		case $m in
		baton)
			"$BATON" --dir "$R/d" --after producer -- "$G" stamp "$R/stamps" 2>"$R/w$i.log" &
			;;
		batonwait)
			# shellcheck disable=SC2016 # expanded by that sh
			sh -c '"$1" wait --dir "$2" producer && exec "$3" stamp "$4"' sh \
				"$BATON" "$R/d" "$G" "$R/stamps" 2>"$R/w$i.log" &
			;;
		inotify)
			"$G" inowait "$R/d" flag "$G" stamp "$R/stamps" 2>"$R/w$i.log" &
			;;
		inotifywait)
			# shellcheck disable=SC2016 # expanded by that sh
			sh -c 'until test -e "$1/flag"; do inotifywait -qq -t 1 -e create -e moved_to "$1"; done
				exec "$2" stamp "$3"' sh "$R/d" "$G" "$R/stamps" 2>/dev/null &
			;;
		poll)
			# shellcheck disable=SC2016 # expanded by that sh
			sh -c 'while ! test -e "$1/flag"; do sleep 1; done; exec "$2" stamp "$3"' sh \
				"$R/d" "$G" "$R/stamps" &
			;;
		esac
		PIDS+=($!)
	done
	case $m in
	baton | batonwait) wait_until 10 all_waiting "$n" "waiting for" || die "$m: waiters never waited" ;;
	inotify) wait_until 10 all_waiting "$n" "^waiting" || die "$m: waiters never waited" ;;
	inotifywait) sleep 0.5 ;;
	poll) sleep "$(printf '1.%03d' $((RANDOM % 1000)))" ;;
	esac
	sleep 0.05 # let every waiter reach its sleep
	: >"$R/trigger"
	wait_until 10 stamped "$n" || die "$m: only $(wc -l 2>/dev/null <"$R/stamps") of $n waiters started"
	# The producer writes its time after publishing: a fast waiter can be done before that.
	wait_until 5 test -s "$R/t0" || die "$m: the producer never wrote its time"
	[ ! -f "$R/d/producer" ] || since=$(ns_of "$(sed -n 's/^since=//p' "$R/d/producer")")
	kill -TERM "$producer"
	wait "$producer" || true
	for i in "${PIDS[@]}"; do
		wait "$i" || die "$m: a waiter failed"
	done
	read -r t0 t0real <"$R/t0"
	[ -z "$since" ] || echo $((since - t0real)) >>"$T/notify.$m.$n"
	while read -r mono real; do
		lat=$((mono - t0))
		echo "$lat" >>"$T/all.$m.$n"
		[ "$lat" -le "$max" ] || max=$lat
		[ -z "$since" ] || echo $((real - since)) >>"$T/gate.$m.$n"
	done <"$R/stamps"
	echo "$max" >>"$T/last.$m.$n"
}

total=0
for m in "${METHODS[@]}"; do
	for r in ${REPS[$m]}; do total=$((total + r)); done
done
note "gate: $total repetitions over ${#METHODS[@]} methods, then ${IDLE}s of idle syscall counting"
for m in "${METHODS[@]}"; do
	read -r -a reps <<<"${REPS[$m]}"
	for k in "${!WAITERS[@]}"; do
		for _ in $(seq "${reps[$k]}"); do
			rep "$m" "${WAITERS[$k]}"
		done
	done
	note "gate: $m done"
done

# descendants PID: PID and every process below it, each as "-p PID" for strace.
descendants() {
	local c
	echo "-p $1"
	for c in $(children "$1"); do
		descendants "$c"
	done
}

# idle_measure: every kind of waiter waits for a name that never comes, traced for IDLE
# seconds; the summaries land in $S/strace.METHOD.
idle_measure() {
	local m i
	local -A IDLE_PID
	local STRACES=()
	mkdir -p "$S/d"
	"$BATON" --dir "$S/d" --after never -- true 2>"$S/baton.log" &
	IDLE_PID[baton]=$!
	"$BATON" wait --dir "$S/d" never 2>"$S/batonwait.log" &
	IDLE_PID[batonwait]=$!
	"$G" inowait "$S/d" never true 2>"$S/inotify.log" &
	IDLE_PID[inotify]=$!
	if [ "$HAVE_INOTIFYWAIT" = 1 ]; then
		# shellcheck disable=SC2016 # expanded by that sh
		sh -c 'until test -e "$1/never"; do inotifywait -qq -t 1 -e create -e moved_to "$1"; done' sh \
			"$S/d" 2>/dev/null &
		IDLE_PID[inotifywait]=$!
	fi
	# shellcheck disable=SC2016 # expanded by that sh
	sh -c 'while ! test -e "$1/never"; do sleep 1; done' sh "$S/d" &
	IDLE_PID[poll]=$!
	sleep 0.5
	for m in "${!IDLE_PID[@]}"; do
		# -f traces every thread of these and every child they start from now on.
		# shellcheck disable=SC2046 # a list of options
		timeout -s INT "$IDLE" strace -f -c -o "$S/strace.$m" $(descendants "${IDLE_PID[$m]}") \
			2>"$S/strace.$m.err" &
		STRACES+=($!)
	done
	for i in "${STRACES[@]}"; do
		wait "$i" || true
	done
	for m in "${!IDLE_PID[@]}"; do
		kill -TERM "${IDLE_PID[$m]}" 2>/dev/null || true
		wait "${IDLE_PID[$m]}" 2>/dev/null || true
	done
}

S=$GT/idle
[ "$IDLE" = 0 ] || idle_measure

echo "### Startup gate: publish-to-exec latency"
echo
echo "Waiters start and wait, then the producer's PROGRAM says ready (READY=1 for baton, a" \
	"new file for the others); latency runs to the first instruction of each waiter's PROGRAM" \
	"(CLOCK_MONOTONIC). The shared directory is on $GATE_FS. \"last\" is the slowest waiter" \
	"of a repetition. \"publish -> exec\"" \
	"(baton only) starts when baton begins writing the record. Targets: p99 <= 1 ms for 1" \
	"waiter, <= 10 ms for the last of 100."
echo
echo "| method | waiters | reps | all p50 | all p99 | last p50 | last p99 | publish -> exec p50 / p99 |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for m in "${METHODS[@]}"; do
	for n in "${WAITERS[@]}"; do
		[ -s "$T/last.$m.$n" ] || continue
		gate="-"
		[ ! -f "$T/gate.$m.$n" ] ||
			gate="$(fmt 1e6 3 "$(pct "$T/gate.$m.$n" 50)") / $(fmt 1e6 3 "$(pct "$T/gate.$m.$n" 99)") ms"
		printf '| %s | %s | %s | %s ms | %s ms | %s ms | %s ms | %s |\n' "${TITLE[$m]}" "$n" \
			"$(wc -l <"$T/last.$m.$n")" \
			"$(fmt 1e6 3 "$(pct "$T/all.$m.$n" 50)")" "$(fmt 1e6 3 "$(pct "$T/all.$m.$n" 99)")" \
			"$(fmt 1e6 3 "$(pct "$T/last.$m.$n" 50)")" "$(fmt 1e6 3 "$(pct "$T/last.$m.$n" 99)")" \
			"$gate"
	done
done
echo
for goal in "1 waiter:all.baton.1:1000000" "last of 100:last.baton.100:10000000"; do
	IFS=: read -r what file limit <<<"$goal"
	[ -s "$T/$file" ] || continue
	got=$(pct "$T/$file" 99)
	if [ "$got" -le "$limit" ]; then
		echo "Target met ($what): p99 $(fmt 1e6 3 "$got") ms <= $(fmt 1e6 0 "$limit") ms."
	else
		echo "Target MISSED ($what): p99 $(fmt 1e6 3 "$got") ms, goal <= $(fmt 1e6 0 "$limit") ms."
	fi
	echo
done

if [ "$IDLE" != 0 ]; then
	echo "### Cost of waiting: syscalls in ${IDLE}s"
	echo
	echo "\`strace -f -c -p\` on a waiter whose dependency never comes (all threads and children)." \
		"Target: baton no more than a handful."
	echo
	echo "| waiter | syscalls | most frequent |"
	echo "| --- | ---: | --- |"
	TITLE[batonwait]="baton wait"
	TITLE[baton]="baton --after never -- true"
	# calls METHOD: syscalls strace counted (none completed: an empty summary), or nothing when
	# strace could not attach.
	calls() {
		grep -q attached "$S/strace.$1.err" 2>/dev/null || return 0
		awk '$NF == "total" { n = $4 } END { print n + 0 }' "$S/strace.$1"
	}
	for m in "${METHODS[@]}"; do
		f="$S/strace.$m"
		[ -f "$f" ] || continue
		top=$(awk '$1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" { print $4, $NF }' "$f" |
			sort -rn | head -3 | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1 }')
		printf '| %s | %s | %s |\n' "${TITLE[$m]}" "$(calls "$m")" "${top:--}"
	done
	baton_calls=$(calls baton)
	echo
	if [ -z "$baton_calls" ]; then
		echo "strace could not attach to baton --after: $(head -1 "$S/strace.baton.err")"
	elif [ "$baton_calls" -le 5 ]; then
		echo "Target met: baton --after made $baton_calls syscalls in ${IDLE}s" \
			"(its two threads sleep in epoll_wait and FUTEX_WAIT; a call still in progress" \
			"is not counted)."
	else
		echo "Target MISSED: baton --after made $baton_calls syscalls in ${IDLE}s (goal: a handful)."
	fi
	echo
fi
