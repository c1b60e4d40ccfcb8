#!/bin/bash
# SPDX-License-Identifier: MIT
# oomwatch-agent behind a real snmpd: values by name agree with /proc at the
# same moment, tables are well-formed, hostile process names come out as
# valid DisplayStrings, unknown instances are refused, SIGHUP and SIGTERM work.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/lib/oomcg.sh
source tests/snmp/snmp_env.sh

skip_if "$(snmp_unavailable)"
snmp_env_init
cat >"$SNMP_TMP/agent.conf" <<CONF
# refreshed every second so that the comparisons below are tight
interval 1s
candidates 5
kill_table_size 20
cgroup /
state_file $SNMP_TMP/agent.state
CONF

# Alerts whenever less than 100 % of memory is available, i.e. always: the
# agent starts with a low-memory notification.
echo 'available_warning 100%:' >>"$SNMP_TMP/agent.conf"

snmp_start_snmpd || { not_ok "snmpd starts"; done_testing; }
snmp_start_trapd
snmp_start_agent -c "$SNMP_TMP/agent.conf"
check "the agent registers with snmpd" snmp_wait_registered 10
wait_trap() {
	local i
	for i in $(seq 60); do grep -q "$1" "$SNMP_TMP/traps.log" && return 0; sleep 0.05; done
	return 1
}
check "below available_warning: oomwLowMemoryNotification reaches snmptrapd" wait_trap 'oomwLowMemoryNotification'
check "it carries oomwStatus warning and oomwMemAvailablePct" \
	grep -q 'oomwLowMemoryNotification.*oomwStatus.0 = INTEGER: warning(2).*oomwMemAvailablePct.0 = ' "$SNMP_TMP/traps.log"
check "oomwStatus is not ok" test "$(snmp_value oomwStatus.0)" != ok
sed -i '/^available_warning/d' "$SNMP_TMP/agent.conf"
kill -HUP "$AGENT_PID"
check "after SIGHUP with the default thresholds: oomwMemoryRecoveredNotification" wait_trap 'oomwMemoryRecoveredNotification'

meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
num() { snmp_value "$1" | awk '{ print $1 }'; }
# Hundredths of a percent are shown as "12.34" (DISPLAY-HINT "d-2").
cpct() { local v; v=$(num "$1" | tr -d .); [ -n "$v" ] && echo $((10#$v)); }

check "oomwMemTotal = MemTotal" test "$(num oomwMemTotal.0)" = "$(meminfo MemTotal)"
check "oomwMemTotalMiB = MemTotal / 1024, read with SNMPv1" test "$(snmpget -v1 -c public -M "$SNMP_MIBDIRS" \
	-m OOMWATCH-MIB -Oqv "127.0.0.1:$SNMP_PORT" oomwMemTotalMiB.0 | awk '{ print $1 }')" = "$(($(meminfo MemTotal) / 1024))"
check "oomwSwapTotal = SwapTotal" test "$(num oomwSwapTotal.0)" = "$(meminfo SwapTotal)"
check "oomwCommitLimit = CommitLimit" test "$(num oomwCommitLimit.0)" = "$(meminfo CommitLimit)"
# Gauges move between two reads; the agent's value is at most 1 s old.
total=$(meminfo MemTotal)
avail=$(num oomwMemAvailable.0)
real=$(meminfo MemAvailable)
diff=$(( avail > real ? avail - real : real - avail ))
if [ -n "$avail" ] && [ "$diff" -le $((total / 20)) ]; then ok "oomwMemAvailable is MemAvailable (within 5 % of MemTotal)"
else not_ok "oomwMemAvailable is MemAvailable" "agent $avail, /proc $real"; fi
pct=$(cpct oomwMemAvailablePct.0)
check "oomwMemAvailablePct agrees with oomwMemAvailable/oomwMemTotal" \
	test $(( pct - avail * 10000 / total )) -le 500 -a $(( avail * 10000 / total - pct )) -le 500

# The kill counter is machine-wide and other tests kill concurrently: hold their lock.
oomcg_lock
sleep 1.5
check "oomwKillCount = /proc/vmstat oom_kill" \
	test "$(num oomwKillCount.0)" = "$(awk '$1 == "oom_kill" { print $2 }' /proc/vmstat)"
flock -u 9

if [ -r /proc/pressure/memory ]; then
	some=$(num oomwPsiSomeTotal.0)
	now=$(awk '/^some/ { sub("total=", "", $5); print $5 }' /proc/pressure/memory)
	check "oomwPsiSomeTotal is the kernel's, not ahead of it" test -n "$some" -a "$some" -le "$now"
	a10=$(cpct oomwPsiSomeAvg10.0)
	check "oomwPsiSomeAvg10 in hundredths of a percent" test -n "$a10" -a "$a10" -ge 0 -a "$a10" -le 10000
else
	check "no PSI: oomwPsiSomeTotal is absent, not 0" grep -q 'No Such Instance' <<<"$(snmp_get oomwPsiSomeTotal.0)"
fi
check "oomwStatus is one of ok/warning/critical/unknown" \
	grep -qE '^(ok|warning|critical|unknown)$' <<<"$(snmp_value oomwStatus.0)"
check "oomwKernelLogStatus says ok (root reads /dev/kmsg)" test "$(snmp_value oomwKernelLogStatus.0)" = ok

check "sysORTable of snmpd lists OOMWATCH-MIB" grep -q 'sysORID.*= OID: OOMWATCH-MIB::oomwatchMIB' \
	<<<"$(snmpwalk -v2c -c public -M "$SNMP_MIBDIRS" -m SNMPv2-MIB:OOMWATCH-MIB "127.0.0.1:$SNMP_PORT" sysORID)"
walk=$(snmp_walk 2>&1)
check "snmpwalk of oomwatchMIB returns values" test "$(grep -c ' = ' <<<"$walk")" -gt 30
check "every walked object has a name in OOMWATCH-MIB (the agent matches the MIB)" \
	test -z "$(grep -vE '^OOMWATCH-MIB::oomw[A-Za-z0-9]+\.([0-9]+|'"'"'[^ ]*'"'"') = ' <<<"$walk")"
check "no object is served twice or out of order" test -z "$(grep -i 'not increasing' <<<"$walk")"
check "no value is 'No Such' (absent values are skipped in a walk)" test -z "$(grep 'No Such' <<<"$walk")"

# A process with a name made of bytes that break naive output, first in line
# to be killed (oom_score_adj 1000): the candidate table must show it escaped.
python3 -c '
import os, time
open("/proc/self/comm", "wb").write(b"a|b\x01(c) ,=\\\x7f\"")
open("/proc/self/oom_score_adj", "w").write("1000")
time.sleep(60)' &
hostile=$!
SNMP_PIDS+=("$hostile")
sleep 2.5
table=$(snmptable -v2c -c public -M "$SNMP_MIBDIRS" -m OOMWATCH-MIB -Cf '!' -CH "127.0.0.1:$SNMP_PORT" oomwCandidateTable 2>&1)
rows=$(grep -c . <<<"$table")
check "oomwCandidateTable has the 5 configured rows" test "$rows" -eq 5
check "every candidate row has its 5 columns" test -z "$(awk -F'!' 'NF != 5' <<<"$table")"
# A walk can straddle a refresh (every second here): retry a torn read.
sorted_scores() {
	local t i
	for i in 1 2 3; do
		t=$(snmp_walk oomwCandidateOomScore | awk '{ print $NF }')
		[ "$(sort -rn <<<"$t")" = "$t" ] && return 0
	done
	return 1
}
check "candidates are sorted by oom_score, highest first" sorted_scores
check "the process with oom_score_adj 1000 is rank 1" test "$(snmp_value oomwCandidatePid.1)" = "$hostile"
name=$(snmpget -v2c -c public -M "$SNMP_MIBDIRS" -m OOMWATCH-MIB -Oqv -Oa "127.0.0.1:$SNMP_PORT" oomwCandidateName.1)
expected='a|b\x01(c) ,=\x5c\x7f"'
check "its name is escaped into printable ASCII: $expected" test "$name" = "$expected"
check "every byte of it is printable ASCII (DisplayString)" test -z "$(LC_ALL=C grep '[^ -~]' <<<"$name")"
kill "$hostile"

cg=$(snmptable -v2c -c public -M "$SNMP_MIBDIRS" -m OOMWATCH-MIB -Cf '!' -CH "127.0.0.1:$SNMP_PORT" oomwCgroupTable 2>&1)
check "oomwCgroupTable holds the root cgroup matched by 'cgroup /'" grep -q '^/!' <<<"$cg"
check "oomwCgroupLimitHits of the root cgroup is a Counter64" \
	grep -qE "oomwCgroupLimitHits\\.'/' = Counter64: [0-9]+$" <<<"$(snmp_walk oomwCgroupLimitHits)"

check "a missing row answers noSuchInstance" grep -q 'No Such Instance' <<<"$(snmp_get oomwKillPid.4294967295)"
check "a missing scalar instance answers noSuchInstance" grep -q 'No Such Instance' <<<"$(snmp_get oomwMemTotal.1)"
check "an instance of a column with two sub-identifiers answers noSuchInstance" \
	grep -q 'No Such Instance' <<<"$(snmp_get oomwKillPid.1.2)"
check "the object name without an instance answers noSuchInstance" \
	grep -q 'No Such Instance' <<<"$(snmp_get oomwMemTotal)"
check "a name in no object answers noSuchObject" grep -q 'No Such Object' <<<"$(snmp_get .1.3.6.1.4.1.32473.1.1.99.0)"

# Kill table bounded by kill_table_size; SIGHUP applies a new size. The agent
# started without state: the table holds every kill since boot, up to the
# size (the lock keeps other tests from killing in between).
min() { echo $(($1 < $2 ? $1 : $2)); }
oomcg_lock
sleep 1.5
kills=$(num oomwKillCount.0)
rows=$(snmp_walk oomwKillHasDetails | grep -c ' = ')
check "oomwKillTable holds the $(min "$kills" 20) most recent of the $kills kills (kill_table_size 20)" \
	test "$rows" -eq "$(min "$kills" 20)"
sed -i 's/^kill_table_size .*/kill_table_size 1/' "$SNMP_TMP/agent.conf"
kill -HUP "$AGENT_PID"
sleep 1.5
rows=$(snmp_walk oomwKillHasDetails | grep -c ' = ')
check "after SIGHUP with kill_table_size 1 the table has $(min "$kills" 1) row" test "$rows" -eq "$(min "$kills" 1)"
flock -u 9
check "the agent logged the reload" grep -q 'SIGHUP: configuration reloaded' "$SNMP_TMP/agent.log"
echo 'kill_table_size many' >>"$SNMP_TMP/agent.conf"
kill -HUP "$AGENT_PID"
sleep 1
check "a broken config on SIGHUP is refused with its line, and the agent goes on" \
	grep -qE 'SIGHUP: .*agent.conf:[0-9]+: kill_table_size: .*keeping the running configuration' "$SNMP_TMP/agent.log"
check "the agent still answers after the refused reload" snmp_wait_registered 3

kill -TERM "$AGENT_PID"
for i in $(seq 40); do kill -0 "$AGENT_PID" 2>/dev/null || break; sleep 0.05; done
wait "$AGENT_PID"
check "SIGTERM: the agent exits with status 0" test $? -eq 0
done_testing
