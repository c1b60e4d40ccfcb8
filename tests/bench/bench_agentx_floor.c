/* SPDX-License-Identifier: MIT */
/* bench_agentx_floor.c — the floor of oomwatch-agent's resident memory: a
 * net-snmp AgentX subagent that serves nothing, started as the agent starts
 * (no MIB files, no snmp.conf, pages locked once used), so that make bench can
 * tell what the libraries cost from what the agent adds.
 * Usage: bench_agentx_floor SOCKET SECONDS (then it exits 0). */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	time_t until = time(NULL) + atoi(argv[2]);
	if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) != 0)
		mlockall(MCL_CURRENT | MCL_FUTURE);
	snmp_disable_log();
	setenv("MIBS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, argv[1]);
	init_agent("bench-agentx-floor");
	init_snmp("bench-agentx-floor");
	while (time(NULL) < until)
		agent_check_and_process(0);
	snmp_shutdown("bench-agentx-floor");
	return 0;
}
