#!/usr/bin/env bash
# DIR/.bell truncated, filled with garbage, replaced (symlink, directory, FIFO, huge file) or
# removed while a producer, a dependent and a --exit-with watcher all sleep on it: nobody dies
# (SIGBUS was the old fate of a truncated bell), nobody starts early, and the dependent is
# released by the producer's publish.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/faults-lib.sh"
need_root

for fault in truncate garbage symlink directory fifo huge remove; do
	D=$T/$fault
	mkdir "$D"
	round_start "bell: $fault" "$D"
	case $fault in
	truncate) truncate -s 0 "$D/.bell" ;;
	garbage) head -c 4096 /dev/urandom >"$D/.bell" ;;
	symlink)
		echo victim >"$T/victim"
		ln -s "$T/victim" "$D/.bell.new" && mv -T "$D/.bell.new" "$D/.bell"
		;;
	directory)
		# A directory cannot be renamed over a file, and the batons mend a removed bell at
		# once: remove and make until the directory wins.
		until mkdir "$D/.bell" 2>/dev/null; do rm -f "$D/.bell"; done
		;;
	fifo) mkfifo "$D/.bell.new" && mv -T "$D/.bell.new" "$D/.bell" ;;
	huge) truncate -s 1G "$D/.bell.new" && mv -T "$D/.bell.new" "$D/.bell" ;;
	remove) rm "$D/.bell" ;;
	esac
	round_finish
	case $fault in
	symlink) assert_eq victim "$(cat "$T/victim")" "bell: symlink: the link's target" ;;
	directory)
		# Nothing can replace a directory: waiters say so once, and wake on DIR's events.
		assert_grep "$D/.bell is not a baton bell" "$R.w.err" "bell: directory: the dependent's line"
		assert_eq 1 "$(grep -c 'not a baton bell' "$R.w.err")" "bell: directory: lines about it"
		;;
	*)
		if [ ! -f "$D/.bell" ] || [ "$(stat -c %s "$D/.bell")" -lt 4096 ]; then
			fail "bell: $fault: no whole bell in $D afterwards"
		fi
		;;
	esac
done
