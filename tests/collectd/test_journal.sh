#!/bin/bash
# SPDX-License-Identifier: MIT
# collectd with KmsgPath "journal" and JournalDir over real journal files
# (systemd-journal-remote): the fixture's kernel kill is one FAILURE naming its
# victim, systemd-oomd's and earlyoom's kills are "userspace_kill"
# notifications, forged lines none; derive-oom_kill stays the kernel's counter
# and derive-userspace_kill counts the userspace kills; a restart notifies
# nothing again (the journal cursor in the state).
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/lib/journal.sh
source tests/collectd/lib.sh

skip_if "$(cd_unavailable)"
skip_if "$(journal_unavailable)"
cd_setup

# A machine booted an hour ago, whose counter shows the fixture's kill.
M=$CD_DIR/machine
mkdir -p "$M"
cp -r tests/fixtures/monitor-v2/proc "$M/proc"
chmod -R u+w "$M"
cat /proc/sys/kernel/random/uuid >"$M/proc/sys/kernel/random/boot_id"
sed -i "s/^btime .*/btime $(($(date +%s) - 3600))/" "$M/proc/stat"
sed -i 's/^oom_kill .*/oom_kill 1/' "$M/proc/vmstat"
mkdir -p "$M/sys"
jx_boot "$M/proc"
J=$CD_DIR/journal
mkdir -p "$J"
{
	jx_fixture tests/fixtures/kernel-log/linux-6.18-memcg-v1.kmsg
	jx_killers
} | jx_write "$J/system.journal" || not_ok "journal written"

cd_conf "ProcPath \"$M/proc\"" "SysPath \"$M/sys\"" 'KmsgPath "journal"' "JournalDir \"$J\"" \
	"StateFile \"$CD_STATE\""
failures() { grep -c "Notification: severity = FAILURE, .*plugin = oomwatch.*$1" "$CD_LOG"; }
wait_csv() { # FILE VALUE
	for _ in $(seq 100); do [ "$(cd_csv_last "$1")" = "$2" ] && return 0; sleep 0.1; done
	return 1
}

cd_start
cd_wait_log 'oomwatch: watching .* kernel log journal in ' 10 && ok "started on the journal" ||
	not_ok "started on the journal" "$(cat "$CD_LOG")"
wait_csv 'oomwatch/derive-userspace_kill-*' 2 && ok "derive-userspace_kill is 2" ||
	not_ok "derive-userspace_kill" "$(cd_csv_last 'oomwatch/derive-userspace_kill-*')"
wait_csv 'oomwatch/derive-oom_kill-*' 1 && ok "derive-oom_kill stays the kernel's 1" ||
	not_ok "derive-oom_kill" "$(cd_csv_last 'oomwatch/derive-oom_kill-*')"
cd_wait_log 'type_instance = userspace_kill.*earlyoom killed stress \(pid 4242, SIGTERM' 5 || true
[ "$(failures 'OOM killer killed python3 (pid 3882, ')" = 1 ] && ok "the kernel's kill: one FAILURE naming python3" ||
	not_ok "kernel kill notification" "$(grep Notification "$CD_LOG")"
[ "$(failures 'type_instance = userspace_kill.*earlyoom killed stress (pid 4242, SIGTERM, oom_score 912')" = 1 ] &&
	ok "earlyoom's kill: one userspace_kill notification" || not_ok "earlyoom notification" "$(grep Notification "$CD_LOG")"
[ "$(failures 'type_instance = userspace_kill.*systemd-oomd killed /user.slice/.*app-firefox-77.scope (pressure)')" = 1 ] &&
	ok "systemd-oomd's kill: one userspace_kill notification" || not_ok "oomd notification" "$(grep Notification "$CD_LOG")"
[ "$(failures 'forged\|imposter')" = 0 ] && ok "forged lines notify nothing" || not_ok "forged lines" "$(grep Notification "$CD_LOG")"
cd_stop

cd_start
cd_wait_log 'oomwatch: watching' 10
sleep 2
[ "$(grep -c 'Notification: severity = FAILURE' "$CD_LOG")" = 3 ] && ok "after a restart: nothing notified again" ||
	not_ok "after a restart" "$(grep Notification "$CD_LOG")"
cd_stop

cd_conf "ProcPath \"$M/proc\"" "SysPath \"$M/sys\"" "JournalDir \"$J\"" "StateFile \"$CD_STATE\""
cd_start
cd_wait_log 'JournalDir needs KmsgPath "journal"' 10 && ok "JournalDir without KmsgPath journal is refused" ||
	not_ok "JournalDir refusal" "$(cat "$CD_LOG")"
cd_stop

done_testing
