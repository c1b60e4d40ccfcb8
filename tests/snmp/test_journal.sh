#!/bin/bash
# SPDX-License-Identifier: MIT
# oomwatch-agent with "kmsg journal" and "journal_dir" over real journal files
# (systemd-journal-remote): the fixture's kernel kill is an oomwKillNotification
# and the last kill; systemd-oomd's and earlyoom's kills are rows with their
# oomwKillKiller, oomwUserspaceKillNotifications and oomwUserspaceKillCount,
# never oomwKillCount; forged lines are nothing; a restarted agent sends
# nothing again (the journal cursor and the delivery cursor in the state).
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/lib/journal.sh
source tests/snmp/snmp_env.sh

skip_if "$(snmp_unavailable)"
skip_if "$(journal_unavailable)"
snmp_env_init

# A machine booted an hour ago, whose counter shows the fixture's kill.
M=$SNMP_TMP/machine
cp -r tests/fixtures/monitor-v2/proc "$M"
chmod -R u+w "$M"
cat /proc/sys/kernel/random/uuid >"$M/sys/kernel/random/boot_id"
sed -i "s/^btime .*/btime $(($(date +%s) - 3600))/" "$M/stat"
sed -i 's/^oom_kill .*/oom_kill 1/' "$M/vmstat"
mkdir -p "$SNMP_TMP/sys"
jx_boot "$M"
J=$SNMP_TMP/journal
mkdir -p "$J"
{
	jx_fixture tests/fixtures/kernel-log/linux-6.18-memcg-v1.kmsg
	jx_killers
} | jx_write "$J/system.journal" || not_ok "journal written"
printf 'interval 1s\ncandidates 0\nkmsg journal\njournal_dir %s\n' "$J" >"$SNMP_TMP/agent.conf"

traps() { grep -c "$1" "$SNMP_TMP/traps.log"; }
wait_traps() { # PATTERN N
	for _ in $(seq 100); do [ "$(traps "$1")" -ge "$2" ] && return 0; sleep 0.1; done
	return 1
}

snmp_start_snmpd || { not_ok "snmpd starts"; done_testing; }
snmp_start_trapd
snmp_start_agent -c "$SNMP_TMP/agent.conf" --proc "$M" --sys "$SNMP_TMP/sys" --state "$SNMP_TMP/agent.state"
check "the agent registers on the journal" snmp_wait_registered 10
wait_traps 'oomwUserspaceKillNotification' 2
[ "$(snmp_value oomwKillCount.0)" = 1 ] && ok "oomwKillCount is the kernel's 1" ||
	not_ok "oomwKillCount" "$(snmp_value oomwKillCount.0)"
[ "$(snmp_value oomwUserspaceKillCount.0)" = 2 ] && ok "oomwUserspaceKillCount is 2" ||
	not_ok "oomwUserspaceKillCount" "$(snmp_value oomwUserspaceKillCount.0)"
[ "$(snmp_value oomwLastKillName.0)" = python3 ] && ok "the last kill is the kernel's python3" ||
	not_ok "oomwLastKillName" "$(snmp_value oomwLastKillName.0)"
walk=$(snmp_walk oomwKillTable)
grep -q 'oomwKillKiller.*= INTEGER: earlyoom(3)' <<<"$walk" && grep -q 'oomwKillKiller.*= INTEGER: systemdOomd(2)' <<<"$walk" &&
	grep -q 'oomwKillKiller.*= INTEGER: kernel(1)' <<<"$walk" && ok "oomwKillTable: each kill with its killer" ||
	not_ok "oomwKillKiller" "$walk"
grep -q 'oomwKillKillerDetail.*at or below SIGTERM limits' <<<"$walk" && ok "earlyoom's limits in oomwKillKillerDetail" ||
	not_ok "oomwKillKillerDetail" "$walk"
[ "$(traps 'oomwKillNotification')" = 1 ] && [ "$(traps 'oomwUserspaceKillNotification')" = 2 ] &&
	ok "one kernel and two userspace kill notifications" || not_ok "notifications" "$(cat "$SNMP_TMP/traps.log")"
grep 'oomwUserspaceKillNotification' "$SNMP_TMP/traps.log" |
	grep -q 'oomwKillKiller\.[0-9]* = INTEGER: earlyoom(3).*oomwKillPid\.[0-9]* = Gauge32: 4242.*oomwKillName\.[0-9]* = STRING: stress' &&
	ok "earlyoom's notification names its killer" || not_ok "earlyoom trap" "$(cat "$SNMP_TMP/traps.log")"
! grep -q 'forged\|imposter' "$SNMP_TMP/traps.log" && [[ $walk != *forged* && $walk != *imposter* ]] &&
	ok "forged lines are nothing" || not_ok "forged lines" "$walk"

kill "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null
snmp_start_agent -c "$SNMP_TMP/agent.conf" --proc "$M" --sys "$SNMP_TMP/sys" --state "$SNMP_TMP/agent.state"
snmp_wait_registered 10
sleep 2
[ "$(traps 'oomwKillNotification\|oomwUserspaceKillNotification')" = 3 ] && ok "after a restart: nothing sent again" ||
	not_ok "after a restart" "$(cat "$SNMP_TMP/traps.log")"

printf 'journal_dir %s\n' "$J" >"$SNMP_TMP/bad.conf"
out=$("$SNMP_AGENT_BIN" -f -x "$SNMP_TMP/none.sock" -c "$SNMP_TMP/bad.conf" 2>&1)
[[ $out == *"journal_dir needs kmsg journal"* ]] && ok "journal_dir without kmsg journal is refused" ||
	not_ok "journal_dir refusal" "$out"
done_testing
