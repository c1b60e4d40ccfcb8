#!/bin/bash
# SPDX-License-Identifier: MIT
# plugins/snmp/demo.sh AGENT — make demo-snmp: a private snmpd (SNMP on a free
# 127.0.0.1 port, AgentX on a unix socket in a temp dir), oomwatch-agent on
# this machine, one snmpwalk of OOMWATCH-MIB by name, then both are stopped.
set -u
cd "$(dirname "$0")/../.." || exit 1
export SNMP_AGENT_BIN=${1:-build/plugins/snmp/oomwatch-agent}
source tests/snmp/snmp_env.sh

why=$(snmp_unavailable)
if [ -n "$why" ]; then
	echo "demo-snmp: $why" >&2
	exit 1
fi
snmp_env_init
printf 'candidates 5\ncgroup /\nkill_table_size 10\n' >"$SNMP_TMP/agent.conf"
snmp_start_snmpd || exit 1
snmp_start_agent -c "$SNMP_TMP/agent.conf"
if ! snmp_wait_registered 10; then
	echo "demo-snmp: the agent did not register; its log:" >&2
	cat "$SNMP_TMP/agent.log" >&2
	exit 1
fi
echo "== snmpd on udp:127.0.0.1:$SNMP_PORT, AgentX on $SNMP_SOCKET"
echo "== snmpwalk -v2c -c public -M plugins/snmp:plugins/snmp/mibs -m OOMWATCH-MIB 127.0.0.1:$SNMP_PORT oomwatchMIB"
snmp_walk
echo "== snmptable ... oomwCandidateTable"
snmptable -v2c -c public -M "$SNMP_MIBDIRS" -m OOMWATCH-MIB -Cb "127.0.0.1:$SNMP_PORT" oomwCandidateTable
echo "== agent log"
cat "$SNMP_TMP/agent.log"
