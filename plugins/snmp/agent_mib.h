/* SPDX-License-Identifier: MIT */
/* agent_mib.h — OOMWATCH-MIB served from a cache: the last snapshot of the
 * monitor, the thresholds' verdict, and the notifications owed to the AgentX
 * master. Requests only ever read the cache. */
#ifndef OOMW_AGENT_MIB_H
#define OOMW_AGENT_MIB_H

#include <stdbool.h>

#include "agent_config.h"
#include "monitor.h"

/* Registers the OOMWATCH-MIB subtree and the master (dis)connect callbacks.
 * Call between init_agent() and init_snmp(). Returns 0 or -ENOMEM. */
int agent_mib_register(void);
/* Uses cfg for thresholds and table sizes from now on (cfg must outlive it). */
void agent_mib_configure(const struct agent_config *cfg);
/* Samples m into the cache, has the core judge it, and queues a notification
 * per change of the held memory verdict and one for kills at an unknown time;
 * the new kills the core calls news are owed (sent by agent_mib_flush). A
 * failed state save is one of the problems the verdict reports. */
void agent_mib_refresh(struct oomw_monitor *m);
/* Sends what is owed and not yet in flight if the master is connected: the
 * kills above the state's delivery cursor and the queued memory notifications.
 * The cursor moves (and is saved) as the master answers them. */
void agent_mib_flush(void);
/* True while a notification sent has had neither its answer nor its end. */
bool agent_mib_in_flight(void);
bool agent_mib_connected(void);

#endif
