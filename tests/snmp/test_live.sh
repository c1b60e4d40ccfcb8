#!/bin/bash
# SPDX-License-Identifier: MIT
# Live, as root: real OOM kills in a throwaway memory cgroup reach a real
# snmptrapd as oomwKillNotification within milliseconds (printed), the
# counter and the table follow; after an snmpd restart the agent registers
# again (time printed), and a kill that happened while snmpd was down is in
# the table and its notification arrives once the agent is back.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/lib/oomcg.sh
source tests/snmp/snmp_env.sh

skip_if "$(oomcg_unavailable)"
skip_if "$(snmp_unavailable)"
snmp_env_init
# A long refresh interval: a notification within a second can then only come
# from the agent waking on the kernel log, not from its timer.
cat >"$SNMP_TMP/agent.conf" <<CONF
interval 60s
trap_queue_size 2
state_file $SNMP_TMP/agent.state
CONF
num() { snmp_value "$1" | awk '{ print $1 }'; }
vmstat_kills() { awk '$1 == "oom_kill" { print $2 }' /proc/vmstat; }
has_kill_trap() { snmp_kill_traps "$1" >/dev/null; }
wait_for() { local i; for i in $(seq $(($1 * 20))); do "${@:2}" && return 0; sleep 0.05; done; return 1; }

snmp_start_snmpd || { not_ok "snmpd starts"; done_testing; }
snmp_start_trapd
snmp_start_agent -c "$SNMP_TMP/agent.conf"
check "the agent registers" snmp_wait_registered 10

oomcg_lock
snmp_oomcg_create || { not_ok "throwaway cgroup created"; done_testing; }
before=$(vmstat_kills)
name="oomw trap|$((RANDOM % 100))"
oomcg_kill "$name" 2>/dev/null
pid=$OOMCG_PID
check "the victim $pid was OOM-killed" test "$(vmstat_kills)" -gt "$before"

if wait_for 5 has_kill_trap "$pid"; then
	ok "snmptrapd received oomwKillNotification for pid $pid"
	line=$(snmp_kill_traps "$pid" | head -1)
	check "the notification names the victim '$name'" grep -qF "STRING: $name" <<<"${line//\"/}"
	check "the notification says memcg scope" grep -q 'oomwKillScope\.[0-9]* = INTEGER: memcg(3)' <<<"$line"
	index=$(grep -oE 'oomwKillPid\.[0-9]+' <<<"$line" | head -1 | cut -d. -f2)
	recv=${line%% *}
	kts=$(snmp_kmsg_kill_usec "$pid")
	if [ -n "$kts" ]; then
		ms=$(awk -v r="$recv" -v k="$kts" 'BEGIN { printf "%.1f", (r - k / 1e6) * 1000 }')
		diag "trap latency: $ms ms from the kernel's Killed-process record to snmptrapd (kmsg clock vs CLOCK_MONOTONIC, ~2 ms apart)"
		check "the kill is trapped within a second (refresh interval is 60 s)" \
			awk -v m="$ms" 'BEGIN { exit !(m < 1000) }'
	else
		not_ok "the kernel's record of the kill is readable" "no 'Killed process $pid' in /dev/kmsg"
	fi
	check "oomwKillTable row $index has the pid" test "$(num "oomwKillPid.$index")" = "$pid"
	check "oomwKillTable row $index has the name" test "$(snmp_value "oomwKillName.$index" | tr -d '"')" = "$name"
	check "oomwKillTable row $index has the victim's cgroup" \
		test "$(snmp_value "oomwKillTaskMemcg.$index" | tr -d '"')" = "$OOMCG_PATH"
	check "oomwKillHasDetails.$index is true" test "$(snmp_value "oomwKillHasDetails.$index")" = "true"
	check "oomwLastKillPid is the victim" test "$(num oomwLastKillPid.0)" = "$pid"
else
	not_ok "snmptrapd received oomwKillNotification for pid $pid" "$(tail -5 "$SNMP_TMP/agent.log")"
fi
kill_count_is() { test "$(num oomwKillCount.0)" = "$1"; }
check "oomwKillCount rose by one" wait_for 3 kill_count_is "$((before + 1))"

# snmpd goes away; a kill happens meanwhile; snmpd comes back.
snmp_stop_snmpd
check "the agent notices that snmpd is gone" wait_for 5 grep -q 'lost the AgentX master' "$SNMP_TMP/agent.log"
# Three kills, but room for two notifications (trap_queue_size 2): the
# oldest is dropped, the other two are delivered after the reconnect.
oomcg_kill "oomw lost" 2>/dev/null
pid_lost=$OOMCG_PID
oomcg_kill "oomw down 1" 2>/dev/null
pid1=$OOMCG_PID
name2="oomw down|$((RANDOM % 100))"
oomcg_kill "$name2" 2>/dev/null
pid2=$OOMCG_PID
sleep 0.5
check "no notification while snmpd is down" test -z "$(snmp_kill_traps "$pid1")$(snmp_kill_traps "$pid2")"
check "the bounded queue dropped the oldest and said so" grep -q 'notification queue full (2): dropped the oldest' "$SNMP_TMP/agent.log"
t0=$(date +%s.%N)
snmp_start_snmpd
if snmp_wait_registered 15; then
	t1=$(date +%s.%N)
	ok "the agent registers again after the snmpd restart"
	diag "re-registration: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s from snmpd start to the first answer (ping_interval 2 s)"
else
	not_ok "the agent registers again after the snmpd restart" "$(tail -5 "$SNMP_TMP/agent.log")"
fi
check "the kill made while snmpd was down is in oomwKillTable" \
	grep -qE "oomwKillPid\.[0-9]+ = Gauge32: $pid2\$" <<<"$(snmp_walk oomwKillPid)"
check "its notification arrives after the reconnect" wait_for 5 has_kill_trap "$pid2"
check "so does the one before it" wait_for 2 has_kill_trap "$pid1"
check "exactly once each" test "$(snmp_kill_traps "$pid1" | wc -l)$(snmp_kill_traps "$pid2" | wc -l)" = 11
check "the dropped notification's kill is still in oomwKillTable" \
	grep -qE "oomwKillPid\.[0-9]+ = Gauge32: $pid_lost\$" <<<"$(snmp_walk oomwKillPid)"
check "and was not sent" test -z "$(snmp_kill_traps "$pid_lost")"
check "the agent said it had queued it" grep -qE 'registered with the AgentX master; [1-9][0-9]* notification' "$SNMP_TMP/agent.log"

# The agent itself restarts: a kill while it was down is notified when it is
# back (its state file says what it had reported), with a larger index.
index2=$(snmp_walk oomwKillPid | grep -E "= Gauge32: $pid2\$" | sed -E 's/.*oomwKillPid\.([0-9]+) .*/\1/')
kill "$AGENT_PID"
wait "$AGENT_PID"
oomcg_kill "oomw agent off" 2>/dev/null
pid3=$OOMCG_PID
snmp_start_agent -c "$SNMP_TMP/agent.conf"
check "the restarted agent registers" snmp_wait_registered 10
check "the kill made while the agent was down is notified after its restart" wait_for 5 has_kill_trap "$pid3"
index3=$(snmp_kill_traps "$pid3" | grep -oE 'oomwKillPid\.[0-9]+' | head -1 | cut -d. -f2)
check "its oomwKillIndex ($index3) follows the earlier ones ($index2)" test "${index3:-0}" -gt "${index2:-0}"
check "kills from before the restart are not notified again" test "$(snmp_kill_traps "$pid2" | wc -l)" -eq 1
done_testing
