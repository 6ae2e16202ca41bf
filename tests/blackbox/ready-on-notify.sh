#!/usr/bin/env bash
# --ready-on started and notify: READY=1 from sd_notify (libsystemd), systemd-notify, baton notify.
. "$(dirname "$0")/lib.sh"
need_unshare

D=$T/dir
mkdir "$D"

# started, the default: ready as soon as PROGRAM runs.
for spec in "" "--ready-on started"; do
	rm -f "$D/producer"
	# shellcheck disable=SC2086 # $spec is zero or two words
	bg_container P "$T/s.out" "$T/s.err" "$BATON" --name producer --dir "$D" $spec -- sleep 1000
	wait_line "$D/producer" '^state=ready$'
	"$BATON" wait --dir "$D" --timeout 5 producer 2>/dev/null
	end_bg "$P"
done

# baton notify --ready from a shell PROGRAM (it waits for the acknowledgement).
gated_producer "baton notify" "$D" "\"$BATON\" notify --ready" --ready-on notify
end_bg "$P"

# Both conditions must hold: READY=1 first, the file later.
mkfifo "$T/go-file"
rm -f "$D/producer"
bg_container P "$T/b.out" "$T/b.err" "$BATON" --name producer --dir "$D" --ready-on notify \
	--ready-on "file:$T/flag" -- sh -c '"$1" notify --ready && echo sent >"$2"; read -r _ <"$3";
		touch "$4"; exec sleep 1000' sh "$BATON" "$T/sent2" "$T/go-file" "$T/flag"
wait_line "$T/sent2" sent
assert_eq starting "$(record_get "$D" producer state)" "READY=1 sent, file missing"
echo go >"$T/go-file"
wait_line "$D/producer" '^state=ready$' 30
end_bg "$P"

# The reference clients. systemd-notify sends with its parent's pid (PROGRAM's) as credentials.
if command -v systemd-notify >/dev/null; then
	gated_producer "systemd-notify --ready" "$D" "systemd-notify --ready" --ready-on notify
	end_bg "$P"
else
	note "systemd-notify not installed: not tested"
fi
if [ -x "$HELPERS/sdnotify" ]; then
	# libsystemd's sd_notify() then sd_notify_barrier(), as a short-lived helper should.
	gated_producer "sd_notify + barrier" "$D" "\"$HELPERS/sdnotify\" -b READY=1" --ready-on notify
	end_bg "$P"
	# sd_pid_notify() with PROGRAM's pid as the credentials, as systemd-notify does.
	gated_producer "sd_notify from PROGRAM" "$D" "\"$HELPERS/sdnotify\" -p \$\$ READY=1" --ready-on notify
	end_bg "$P"
else
	note "no libsystemd (static build?): sd_notify() reference client not tested"
fi
