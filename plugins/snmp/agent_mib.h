/* SPDX-License-Identifier: MIT */
/* agent_mib.h — OOMWATCH-MIB served from a cache: the last snapshot of the
 * monitor and the core's verdict on it (agent_mib.c maps them onto objects),
 * and the notifications owed to the AgentX master (agent_trap.c). Requests
 * only ever read the cache. Include the net-snmp headers first. */
#ifndef OOMW_AGENT_MIB_H
#define OOMW_AGENT_MIB_H

#include <stdbool.h>

#include "agent_config.h"
#include "assess.h"
#include "monitor.h"
#include "notifier.h"

#define AGENT_TEXT_MAX 255 /* DisplayString (SIZE (0..255)) */
/* oomwCgroupTable is indexed by the cgroup's path, IMPLIED (the path's bytes,
 * one sub-identifier each, no length): 11 sub-identifiers name the column
 * (1.3.6.1.4.1.32473.1.7.1.C), so a path of at most 117 bytes fits. */
#define AGENT_CGROUP_INDEX_MAX (MAX_OID_LEN - 11)

/* What the last sample gave, and the verdict on it. */
struct agent_cache {
	const struct agent_config *cfg;
	struct oomw_snapshot snap;
	bool have_snap;
	const struct oomw_event *events; /* the monitor's, valid until the next sample */
	size_t n_events;
	size_t n_new; /* events the last sample reported: the last ones of the ring */
	int save_err; /* of the last sample's state save */
	size_t kill_rows[OOMW_STATE_EVENTS_MAX]; /* events[] shown in oomwKillTable, index order */
	size_t n_kill_rows;
	size_t cgroup_rows[OOMW_SNAPSHOT_CGROUPS_MAX]; /* snap.cgroups[] in oomwCgroupTable, OID order */
	size_t n_cgroup_rows;
	size_t n_cgroups_unindexed; /* paths too long for an index (oomwCgroupsUnindexed) */
	struct oomw_verdict verdict;
	char status_text[AGENT_TEXT_MAX + 1];
	char klog_text[AGENT_TEXT_MAX + 1];
};
extern struct agent_cache cache;

/* ---- agent_mib.c: the objects ---- */

/* Registers the OOMWATCH-MIB subtree and the master (dis)connect callbacks.
 * Call between init_agent() and init_snmp(). Returns 0 or -ENOMEM. */
int agent_mib_register(void);
/* Chooses the rows of oomwKillTable and oomwCgroupTable from the cache. */
void agent_mib_choose_rows(void);
/* The varbinds of a notification: a kill (ev), or else the notice n.
 * Returns 0 or -ENOMEM. */
int agent_mib_notification(const struct oomw_event *ev, const struct oomw_notice *n,
			   netsnmp_variable_list **vars);

/* ---- agent_trap.c: sampling and notifications ---- */

/* Registers the master (dis)connect callbacks. Returns 0 or -ENOMEM. */
int agent_trap_register(void);
/* Uses cfg for thresholds and table sizes from now on (cfg must outlive it). */
void agent_mib_configure(const struct agent_config *cfg);
/* Samples m into the cache, has the core judge it, and queues a notification
 * per change of the held memory verdict, per cgroup that starts or stops
 * being held at its limit, and one for kills at an unknown time; the new
 * kills the core calls news are owed (sent by agent_mib_flush). A failed
 * state save is one of the problems the verdict reports. */
void agent_mib_refresh(struct oomw_monitor *m);
/* Sends what is owed and not yet in flight if the master is connected: the
 * kills above the state's delivery cursor and the queued notices. The cursor
 * moves (and is saved) as the master answers them. */
void agent_mib_flush(void);
/* True while a notification sent has had neither its answer nor its end. */
bool agent_mib_in_flight(void);
bool agent_mib_connected(void);

#endif
