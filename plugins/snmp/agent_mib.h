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

#define AGENT_TEXT_MAX 255      /* DisplayString (SIZE (0..255)) */
#define OID_MAX_LEN MAX_OID_LEN /* 128 sub-identifiers (RFC 2578 3.5) */
#define AGENT_KILL_TABLE 5      /* oomwKillTable, below oomwObjects */
#define AGENT_CGROUP_TABLE 7
/* oomwCgroupTable is indexed by the cgroup's path, IMPLIED (the path's bytes,
 * one sub-identifier each, no length): 11 sub-identifiers name the column
 * (1.3.6.1.4.1.32473.1.7.1.C), so a path of at most 117 bytes fits. */
#define AGENT_CGROUP_INDEX_MAX (OID_MAX_LEN - 11)

struct agent_value {
	u_char type;
	size_t len;
	union {
		struct counter64 c64;
		long l;
		u_long ul;
		char str[AGENT_TEXT_MAX + 1];
		u_char date[11]; /* DateAndTime with its offset from UTC */
	} u;
};

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
extern oid agent_mib_oid[7]; /* oomwatchMIB */

/* ---- agent_mib.c: the objects ---- */

/* Registers the OOMWATCH-MIB subtree and the master (dis)connect callbacks.
 * Call between init_agent() and init_snmp(). Returns 0 or -ENOMEM. */
int agent_mib_register(void);
/* Chooses the rows of oomwKillTable and oomwCgroupTable from the cache. */
void agent_mib_choose_rows(void);
/* The value of column `column` of oomwKillTable for ev; false when absent. */
bool agent_kill_value(unsigned column, const struct oomw_event *ev, struct agent_value *v);
/* The OID of an instance: oomwObjects, sub (below it), index. Its length. */
size_t agent_instance_oid(const oid *sub, size_t sub_len, const oid *index, size_t index_len, oid *out);
/* The cgroup path as an IMPLIED OCTET STRING index: its bytes, each one
 * sub-identifier. 0 when the path does not fit (or is empty). */
size_t agent_path_index(const char *path, oid *out);
/* OomwVerdict: the core's severity plus one. */
long agent_verdict_value(enum oomw_severity s);
/* A number of type ASN_COUNTER64 (also CounterBasedGauge64), ASN_UNSIGNED
 * (Unsigned32 and Gauge32: held at 2^32-1), ASN_COUNTER (modulo 2^32) or
 * ASN_INTEGER (Integer32). False when x is unknown or out of range. */
bool agent_put_number(struct agent_value *v, u_char type, int64_t x);
bool agent_put_pct(struct agent_value *v, int64_t cpct);
bool agent_put_truth(struct agent_value *v, bool b);
/* Any bytes, escaped to printable ASCII (DisplayString). */
bool agent_put_text(struct agent_value *v, const char *s);
/* A text of the core, already printable ASCII with "\xNN" escapes: served as
 * it is, never escaped twice, cut without splitting an escape. */
bool agent_put_ascii(struct agent_value *v, const char *s);

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
