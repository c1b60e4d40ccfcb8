#!/bin/bash
# SPDX-License-Identifier: MIT
# oomwatch-agent's verdict is the core's (common/assess): on a fake machine
# whose meminfo is rewritten between refreshes, memory hovering at a threshold
# sends one low-memory and one recovered notification (hysteresis), not one
# per crossing; memory.oom.group victims after the first are placed in the
# cgroup whose limit was hit; at a first start, kills older than the window
# are history, one inside it is notified, and kills the counter shows but
# nothing can date are notified once, in the core's words.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/snmp/snmp_env.sh

skip_if "$(snmp_unavailable)"
snmp_env_init
P=$SNMP_TMP/proc
mkdir -p "$P/pressure" "$SNMP_TMP/sys"
TOTAL_KIB=10240000
# MemAvailable at PCT % (exactly) of a 9.8 GiB machine without swap.
write_meminfo() {
	cat >"$P/meminfo.new" <<MEM
MemTotal:       $TOTAL_KIB kB
MemFree:        1048576 kB
MemAvailable:   $((TOTAL_KIB * $1 / 100)) kB
SwapTotal:      0 kB
SwapFree:       0 kB
CommitLimit:    4194304 kB
Committed_AS:   2097152 kB
MEM
	mv "$P/meminfo.new" "$P/meminfo"
}
write_meminfo 50
grep '^btime ' /proc/stat >"$P/stat"
cat >"$P/pressure/memory" <<'PSI'
some avg10=0.00 avg60=0.00 avg300=0.00 total=1
full avg10=0.00 avg60=0.00 avg300=0.00 total=1
PSI
# One memory.oom.group kill: the kernel names the first victim's cgroup
# (/grp/a) and, for the two others, only the group (/grp). Its timestamps are
# relative to this machine's boot: moved to 1 s after it, the kill is older
# than a kill_window of 30 s whatever the uptime of a machine that has
# started snmpd.
LOG=$SNMP_TMP/kmsg.log
head -6 tests/fixtures/kernel-log-hostile/oom-group-victims.log | sed 's/^\[  300\./[    1./' >"$LOG"
echo 'oom_kill 3' >"$P/vmstat"
# Below 30 % is a warning; back to ok only above 35 % (30 % + hysteresis 5 %).
printf 'interval 1s\ncandidates 0\nkill_window 30s\navailable_warning 30%%\navailable_critical ""\nhysteresis 5%%\n' \
	>"$SNMP_TMP/agent.conf"

snmp_start_snmpd || { not_ok "snmpd starts"; done_testing; }
snmp_start_trapd
snmp_start_agent -c "$SNMP_TMP/agent.conf" --proc "$P" --sys "$SNMP_TMP/sys" --kmsg "$LOG" \
	--state "$SNMP_TMP/agent.state"
check "the agent registers on the fake machine" snmp_wait_registered 10

# Waits until the agent has sampled MemAvailable at PCT %.
sampled() {
	local i
	for i in $(seq 100); do
		[ "$(snmp_value oomwMemAvailablePct.0 2>/dev/null | awk '{ print $1 }')" = "$1.00" ] && return 0
		sleep 0.05
	done
	return 1
}
traps() { grep -c "$1" "$SNMP_TMP/traps.log"; }
status() { snmp_value oomwStatus.0; }
# oomwStatusText without the quotes snmpget may put around it.
status_text() { local t; t=$(snmp_value oomwStatusText.0); t=${t#\"}; echo "${t%\"}"; }

# ---- the victims' cgroups
kill_table=$(snmp_walk oomwKillTaskMemcg)
cg_of() { snmp_value "oomwKillTaskMemcg.$(snmp_walk oomwKillPid | grep -E "Gauge32: $1\$" | sed -E 's/.*oomwKillPid\.([0-9]+) .*/\1/')"; }
check "three kills in oomwKillTable" test "$(grep -c ' = ' <<<"$kill_table")" -eq 3
check "the first victim (pid 700) lived in /grp/a, as the kernel says" test "$(cg_of 700)" = /grp/a
check "group victim pid 701 is placed in the OOM memcg /grp" test "$(cg_of 701)" = /grp
check "group victim pid 702 is placed in the OOM memcg /grp" test "$(cg_of 702)" = /grp
check "oomwLastKillCgroup (pid 702) is /grp, not empty" test "$(snmp_value oomwLastKillCgroup.0)" = /grp
check "oomwKillMemcg still says /grp for pid 700" \
	test "$(snmp_value "oomwKillMemcg.$(snmp_walk oomwKillPid | grep -E 'Gauge32: 700$' | sed -E 's/.*\.([0-9]+) .*/\1/')")" = /grp

# ---- first start: kills older than the window are history
check "kills older than the window are not notified at the first start" test "$(traps oomwKillNotification)" -eq 0
check "the agent says they are history" grep -q '^3 OOM kills from before kill_window found at the first start' \
	"$SNMP_TMP/agent.log"
check "and the status is ok (no kill in the last 30s)" test "$(status)" = ok
check "oomwStatusText is the core's summary" \
	test "$(status_text)" = 'OK: no OOM kill in last 30s, 50.0% memory available'

# ---- hysteresis: 29 % warns; 31 % and 34 % (within 5 % of 30 %) hold the warning
write_meminfo 29
check "29 % is sampled" sampled 29
check "below 30 %: warning" test "$(status)" = warning
check "oomwStatusText in the core's words" \
	test "$(status_text)" = 'WARNING: memory available 29.0% (2.8 GiB of 9.8 GiB)'
for pct in 31 29 34 29 31; do
	write_meminfo "$pct"
	sampled "$pct" || break
done
check "hovering at 30 % (31, 29, 34, 29, 31) was sampled" sampled 31
check "31 % is still a warning (held until above 35 %)" test "$(status)" = warning
write_meminfo 36
check "36 % is sampled" sampled 36
check "above 35 %: ok" test "$(status)" = ok
sleep 0.3
check "one oomwLowMemoryNotification for the whole spell" test "$(traps oomwLowMemoryNotification)" -eq 1
check "one oomwMemoryRecoveredNotification" test "$(traps oomwMemoryRecoveredNotification)" -eq 1
check "the low-memory one carries the warning and its text" \
	grep -q 'oomwLowMemoryNotification.*oomwStatus.0 = INTEGER: warning(2).*oomwStatusText.0 = STRING: WARNING: memory available 29.0%' \
	"$SNMP_TMP/traps.log"
check "the agent logged one transition each way" \
	test "$(grep -c '^memory OK -> WARNING' "$SNMP_TMP/agent.log")" -eq 1 -a \
	"$(grep -c '^memory WARNING -> OK' "$SNMP_TMP/agent.log")" -eq 1
kill "$AGENT_PID"
wait "$AGENT_PID"

# ---- kills at an unknown time: the counter shows 2 more than the log names,
# and there is no state (a lost state file).
rm -f "$SNMP_TMP/agent.state"
echo 'oom_kill 5' >"$P/vmstat"
: >"$SNMP_TMP/traps.log"
snmp_start_agent -c "$SNMP_TMP/agent.conf" --proc "$P" --sys "$SNMP_TMP/sys" --kmsg "$LOG" \
	--state "$SNMP_TMP/agent.state"
check "the agent registers again without state" snmp_wait_registered 10
wait_trap() { local i; for i in $(seq 60); do grep -q "$1" "$SNMP_TMP/traps.log" && return 0; sleep 0.05; done; return 1; }
check "one oomwKillsAtUnknownTimeNotification" wait_trap oomwKillsAtUnknownTimeNotification
sleep 0.3
check "only one, and no kill notification per undated kill" \
	test "$(traps oomwKillsAtUnknownTimeNotification)" -eq 1 -a "$(traps oomwKillNotification)" -eq 0
check "it carries the core's words" \
	grep -q 'oomwKillsAtUnknownTimeNotification.*oomwStatus.0 = INTEGER: warning(2).*2 OOM kills at an unknown time since boot, first noticed ' \
	"$SNMP_TMP/traps.log"
check "oomwStatus is warning, never ok, while the counter shows undated kills" test "$(status)" = warning
check "oomwStatusText says so" grep -q '2 OOM kills at an unknown time since boot, first noticed ' \
	<<<"$(status_text)"
kill "$AGENT_PID"
wait "$AGENT_PID"

# ---- first start with a kill inside the window: it is news, the old ones
# are not. The log gets one more kill, 5 s before now on the boot clock.
rm -f "$SNMP_TMP/agent.state"
recent=$(awk '{ printf "%.6f", $1 - 5 }' /proc/uptime)
sed -n '8,9p' tests/fixtures/kernel-log-hostile/oom-group-victims.log |
	sed "s/^\[  400\.[0-9]*\]/[$recent]/" >>"$LOG"
echo 'oom_kill 4' >"$P/vmstat"
: >"$SNMP_TMP/traps.log"
snmp_start_agent -c "$SNMP_TMP/agent.conf" --proc "$P" --sys "$SNMP_TMP/sys" --kmsg "$LOG" \
	--state "$SNMP_TMP/agent.state"
check "the agent registers a third time without state" snmp_wait_registered 10
check "the kill inside kill_window is notified at the first start" wait_trap 'oomwKillPid.* = Gauge32: 800'
sleep 0.3
check "and only it: the 3 older kills are history" test "$(traps oomwKillNotification)" -eq 1
check "oomwStatus is critical: a kill in the last 30s" test "$(status)" = critical
check "oomwStatusText names the victim in the core's words" \
	grep -q '^CRITICAL: 1 OOM kill in last 30s: p (pid 800, 50 KiB, /g2/s1) at ' <<<"$(status_text)"
done_testing
