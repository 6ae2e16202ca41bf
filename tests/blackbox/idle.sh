#!/usr/bin/env bash
# While PROGRAM runs quietly baton makes no system call at all: no periodic wake-ups (strace, 3 s).
. "$(dirname "$0")/lib.sh"
need_unshare
command -v strace >/dev/null || skip "strace is not installed (apt-get install strace)"

# Plain, as PID 1, publishing --name (once ready), one that waited for --after first, and one
# still waiting (its helper thread on the bell, its loop on DIR's and DIR's parent's inotify
# events; the parent is its own, so the traces written below are no events for it).
declare -A pid job
kinds="plain pid1 named after waiting"
mkdir "$T/dir"
start_plain "$T/plain.out" "$T/plain.err" -- sleep 1000
pid[plain]=$BATON_PID job[plain]=$UNSHARE_PID
start_pid1 "$T/pid1.out" "$T/pid1.err" -- sleep 1000
pid[pid1]=$BATON_PID job[pid1]=$UNSHARE_PID
start_plain "$T/named.out" "$T/named.err" --name idle-a --dir "$T/dir" -- sleep 1000
pid[named]=$BATON_PID job[named]=$UNSHARE_PID
start_plain "$T/after.out" "$T/after.err" --name idle-b --after idle-c --dir "$T/dir" -- sleep 1000
pid[after]=$BATON_PID job[after]=$UNSHARE_PID
wait_line "$T/after.err" 'waiting for idle-c'
start_plain "$T/dep.out" "$T/dep.err" --name idle-c --dir "$T/dir" -- sleep 1000
pid[dep]=$BATON_PID job[dep]=$UNSHARE_PID
mkdir -p "$T/w/dir"
start_plain "$T/waiting.out" "$T/waiting.err" --after idle-never --dir "$T/w/dir" -- sleep 1000
pid[waiting]=$BATON_PID job[waiting]=$UNSHARE_PID
wait_line "$T/waiting.err" 'waiting for idle-never'
for name in idle-a idle-b idle-c; do
	wait_line "$T/dir/$name" '^state=ready$'
done
for b in plain pid1 named after; do
	wait_procs "${pid[$b]}" sleep 1
done

tracers=""
for b in $kinds; do
	timeout -s INT 3 strace -f -p "${pid[$b]}" -o "$T/$b.trace" 2>"$T/$b.strace" &
	tracers="$tracers $!"
done
for p in $tracers; do
	wait "$p" || true
done

for b in $kinds; do
	if grep -q 'Operation not permitted' "$T/$b.strace"; then
		skip "strace cannot attach here: $(head -n 1 "$T/$b.strace")"
	fi
	assert_grep "Process ${pid[$b]} attached" "$T/$b.strace" "$b: strace attached"
	# Each thread shows the call it sleeps in (cut short by the detach, or shown unfinished
	# when another thread's line came between), and nothing else.
	threads=$(find "/proc/${pid[$b]}/task" -mindepth 1 -maxdepth 1 | wc -l)
	sleeping='<detached \.\.\.>\|<unfinished \.\.\.>'
	assert_eq "$threads" "$(grep -c "$sleeping" "$T/$b.trace")" "$b: sleeping threads"
	if grep -v "$sleeping" "$T/$b.trace" | grep -q .; then
		fail "$b: baton made system calls while idle: $(head -n 20 "$T/$b.trace")"
	fi
done

# Still awake when it matters.
for b in $kinds dep; do
	kill -s TERM "${pid[$b]}"
	UNSHARE_PID=${job[$b]}
	wait_exit
	assert_eq 143 "$RC" "$b: exit code after TERM"
done
