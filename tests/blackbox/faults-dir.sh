#!/usr/bin/env bash
# DIR removed and made again, or replaced, while a producer, a dependent and a --exit-with
# watcher sleep; the producer's record, lock and temporary file damaged in every way while they
# run. Nobody dies, nobody starts early, and the producer's publish lands and releases the
# dependent; a publish that cannot land (a directory where the record goes) is retried until
# it does, with one line for the failure and one when it lands.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/faults-lib.sh"
need_root

# DIR itself. Removing it races with the batons mending its bell: remove until it is gone.
D=$T/removed
mkdir "$D"
round_start "DIR removed and made again" "$D"
until rm -rf "$D" 2>/dev/null && [ ! -e "$D" ]; do :; done
mkdir "$D"
round_finish
assert_grep "$D was removed or replaced: following the new one" "$R.w.err" "DIR removed: the line"

D=$T/replaced
mkdir "$D"
round_start "DIR replaced" "$D"
mv "$D" "$T/replaced.old"
mkdir "$D"
round_finish

# The record, while the producer is starting: never taken for ready, then replaced by the
# producer's next publish.
for fault in truncate garbage symlink fifo huge remove directory; do
	D=$T/record-$fault
	mkdir "$D"
	round_start "record: $fault" "$D"
	case $fault in
	truncate) truncate -s 0 "$D/producer" ;;
	garbage) head -c 3000 /dev/urandom >"$D/producer" ;;
	symlink)
		printf 'version=1\nname=producer\nstate=ready\n' >"$T/forged"
		ln -s "$T/forged" "$D/producer.new" && mv -T "$D/producer.new" "$D/producer"
		;;
	fifo) mkfifo "$D/producer.new" && mv -T "$D/producer.new" "$D/producer" ;;
	huge) truncate -s 1G "$D/producer.new" && mv -T "$D/producer.new" "$D/producer" ;;
	remove) rm "$D/producer" ;;
	directory) rm "$D/producer" && mkdir "$D/producer" && touch "$D/producer/x" ;;
	esac
	rc=0
	"$BATON" status --dir "$D" producer >"$R.status" || rc=$?
	assert_eq 1 "$rc" "record: $fault: baton status says not ready"
	if [ "$fault" = directory ]; then
		touch "$R_GO"
		wait_line "$R.p.err" "cannot publish ready in $D: Is a directory; retrying"
		[ ! -e "$R.ran" ] || fail "record: directory: the dependent started"
		rm -r "$D/producer"
	fi
	round_finish
	if [ "$fault" = directory ]; then
		assert_eq 1 "$(grep -c 'cannot publish' "$R.p.err")" "record: directory: failure lines"
		assert_grep '^baton\[producer\]: published ready after [0-9]* failed tr' "$R.p.err" \
			"record: directory: the line when it landed"
	fi
done
[ "$(cat "$T/forged")" = "$(printf 'version=1\nname=producer\nstate=ready')" ] ||
	fail "record: symlink: the link's target was written"

# The claim lock and the temporary file.
for fault in lock-remove lock-garbage tmp-directory tmp-symlink tmp-fifo; do
	D=$T/$fault
	mkdir "$D"
	round_start "$fault" "$D"
	case $fault in
	lock-remove) rm "$D/.producer.lock" ;;
	lock-garbage) head -c 100 /dev/urandom >"$D/.producer.lock" ;;
	tmp-directory) mkdir "$D/.producer.tmp" && touch "$D/.producer.tmp/x" ;;
	tmp-symlink) echo victim >"$T/victim" && ln -s "$T/victim" "$D/.producer.tmp" ;;
	tmp-fifo) mkfifo "$D/.producer.tmp" ;;
	esac
	round_finish
done
assert_eq victim "$(cat "$T/victim")" "tmp-symlink: the link's target"
