#!/bin/bash
# SPDX-License-Identifier: MIT
# Live, as root: kill notifications owed to snmpd survive what used to lose
# them. A kill is notified only once the AgentX master answered its Notify;
# until then it is owed in the agent's state file and sent by whichever agent
# process registers next:
#   - the agent is killed (SIGKILL, then SIGTERM) while snmpd is away, before
#     it registers again: the next agent process sends the trap;
#   - snmpd is stopped with a Notify unread in its socket and then terminated:
#     the trap arrives once snmpd is back;
#   - each exactly once, and not again after one more agent restart;
#   - a state file found truncated: the kills since boot are notified again
#     (re-reported, never lost), and the agent says so.
cd "$(dirname "$0")/../.." || exit 1
source tests/lib/tap.sh
source tests/lib/oomcg.sh
source tests/snmp/snmp_env.sh

skip_if "$(oomcg_unavailable)"
skip_if "$(snmp_unavailable)"
snmp_env_init
STATE=$SNMP_TMP/agent.state
cat >"$SNMP_TMP/agent.conf" <<CONF
interval 60s
ping_interval 1s
state_file $STATE
CONF
has_kill_trap() { snmp_kill_traps "$1" >/dev/null; }
traps_of() { snmp_kill_traps "$1" | wc -l; }
traps_are() { test "$(traps_of "$1")" = "$2"; }
wait_for() { local i; for i in $(seq $(($1 * 20))); do "${@:2}" && return 0; sleep 0.05; done; return 1; }
# The agent has seen the kill of pid $1 (it logs each kill as it samples it).
agent_saw() { grep -qE "OOM kill #[0-9]+: .* \(pid $1[,)]" "$SNMP_TMP/agent.log"; }
start_agent() { snmp_start_agent -c "$SNMP_TMP/agent.conf"; }
kill_agent() { kill -"$1" "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null; }

snmp_start_snmpd || { not_ok "snmpd starts"; done_testing; }
snmp_start_trapd
start_agent
check "the agent registers" snmp_wait_registered 10

oomcg_lock
snmp_oomcg_create || { not_ok "throwaway cgroup created"; done_testing; }

# 1. snmpd away, a kill, the agent dies before it could register again.
for sig in KILL TERM; do
	snmp_stop_snmpd
	wait_for 5 grep -q 'lost the AgentX master' "$SNMP_TMP/agent.log"
	oomcg_kill "owed $sig" 2>/dev/null
	pid=$OOMCG_PID
	check "SIG$sig: the agent saw kill $pid while snmpd was away" wait_for 5 agent_saw "$pid"
	kill_agent "$sig"
	snmp_start_snmpd
	start_agent
	check "SIG$sig: the next agent process registers" snmp_wait_registered 10
	check "SIG$sig: the trap for $pid arrives from the next agent process" wait_for 5 has_kill_trap "$pid"
	eval "pid_$sig=$pid"
done

# 2. A Notify handed to an snmpd that is then terminated without reading it:
# stopped, it cannot answer; SIGTERM comes before it runs again.
kill -STOP "$SNMPD_PID"
oomcg_kill "owed stop" 2>/dev/null
pid_stop=$OOMCG_PID
check "the agent saw kill $pid_stop while snmpd was stopped" wait_for 5 agent_saw "$pid_stop"
sleep 0.2 # the agent has written the Notify to snmpd's socket by now
kill -TERM "$SNMPD_PID"
kill -CONT "$SNMPD_PID"
wait "$SNMPD_PID" 2>/dev/null
rm -f "$SNMP_SOCKET"
snmp_start_snmpd
check "the agent registers with the new snmpd" snmp_wait_registered 10
check "the trap handed to the terminated snmpd arrives (from it or the next one)" \
	wait_for 5 has_kill_trap "$pid_stop"

# 3. Exactly once, also after one more agent restart with snmpd up.
kill_agent TERM
start_agent
snmp_wait_registered 10
sleep 1.5
for pid in "$pid_KILL" "$pid_TERM" "$pid_stop"; do
	check "kill $pid was trapped exactly once" traps_are "$pid" 1
done
check "the agent said what it owed when it registered" \
	grep -qE 'registered with the AgentX master; [1-9][0-9]* notification' "$SNMP_TMP/agent.log"

# 4. A truncated state file: what was notified is unknown, so the kills since
# boot still in the kernel log are notified again rather than lost.
kill_agent TERM
truncate -s $(($(stat -c %s "$STATE") / 2)) "$STATE"
: >"$SNMP_TMP/agent.log"
start_agent
check "the agent registers with a truncated state file" snmp_wait_registered 10
check "it says the state file was unusable and kills are notified again" \
	wait_for 5 grep -q 'the state file was unusable' "$SNMP_TMP/agent.log"
for pid in "$pid_KILL" "$pid_TERM" "$pid_stop"; do
	check "kill $pid is re-reported once (2 traps in all)" wait_for 5 traps_are "$pid" 2
done
check "the state file was replaced by a valid one" wait_for 5 grep -q '^end fnv1a64=' "$STATE"
done_testing
