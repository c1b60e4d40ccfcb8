/* agent_mib.h — OOMWATCH-MIB served from a cache: the last snapshot of the
 * monitor, the thresholds' verdict, and the queue of notifications waiting
 * for the AgentX master. Requests only ever read the cache. */
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
 * per new kill the core calls news, one for kills at an unknown time, and one
 * per change of the held memory verdict. A failed state save is one of the
 * problems the verdict reports (and the log says). */
void agent_mib_refresh(struct oomw_monitor *m);
/* Sends the queued notifications if the master is connected. */
void agent_mib_flush(void);
bool agent_mib_connected(void);

#endif
