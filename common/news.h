/* SPDX-License-Identifier: MIT */
/* news.h — what a long-running notifier (the SNMP agent's traps, collectd's
 * notifications, any future one) calls news between two samples, written once:
 * a held verdict's change, the held verdicts themselves, a lost state file, the
 * cgroups that started or stopped being held at their limit, and the words of
 * one source's problems. The delivery of what is news is ledger.h's.
 *
 * Pure: no I/O, no allocation, no logging. */
#ifndef OOMW_NEWS_H
#define OOMW_NEWS_H

#include <stddef.h>

#include "assess.h"

/* oomw_severity_change from *last to now; *last follows now when now is
 * known, so a spell of unreadable values between "low" and "ok" does not
 * swallow the recovery. */
enum oomw_change oomw_severity_track(enum oomw_severity *last, enum oomw_severity now);

/* Moves the held memory, swap and PSI verdicts to v's where v knew them. */
void oomw_held_update(struct oomw_held *h, const struct oomw_verdict *v);

/* A first sample after a state file that was unusable (not merely absent):
 * what it said was notified is lost with it, so every kill the log still
 * names is owed again (OOMW_FIRST_START_ALL). */
bool oomw_state_lost(const struct oomw_snapshot *s);

/* The core's words for the problems of src, joined by "; "; "" when none. */
void oomw_source_text(const struct oomw_verdict *v, enum oomw_source src, char *out, size_t size);

/* MemAvailable in hundredths of a percent of MemTotal, rounded as the two
 * decimals of check_oom and collectd; OOMW_UNKNOWN when unknown. */
int64_t oomw_available_cpct(const struct oomw_verdict *v);

/* Recency is by time, not by index: kills the counter showed at a first
 * start, dated at boot, are numbered after the ones the log names. */
bool oomw_event_more_recent(const struct oomw_event *a, const struct oomw_event *b);
/* The kernel's most recent kill among ev[0..n) (a userspace killer's is not
 * one); NULL when there is none. */
const struct oomw_event *oomw_last_kernel_kill(const struct oomw_event *ev, size_t n);
/* The positions in ev[0..n) of its keep most recent events, in the ring's
 * order, into rows; how many. */
size_t oomw_recent_events(const struct oomw_event *ev, size_t n, size_t keep, size_t *rows);

/* Copies a text of the core (printable ASCII with "\xNN" escapes, assess.h)
 * into out, cut to size without splitting an escape. */
void oomw_cut_escaped(const char *in, char *out, size_t size);

/* ---- cgroups held at their limit (oomw_cgroup_verdict.held) ------------- */

/* The cgroups a notifier said were held, between samples. Zero it to start. */
struct oomw_held_set {
	size_t n;
	char paths[OOMW_SNAPSHOT_CGROUPS_MAX][OOMW_CGROUP_PATH_MAX + 1];
};

/* What one sample changed: started points into v->cgroups; stopped are the
 * paths no longer held (or gone). */
struct oomw_held_changes {
	size_t n_started;
	const struct oomw_cgroup_verdict *started[OOMW_SNAPSHOT_CGROUPS_MAX];
	size_t n_stopped;
	char stopped[OOMW_SNAPSHOT_CGROUPS_MAX][OOMW_CGROUP_PATH_MAX + 1];
};

/* Compares v's held cgroups with set: each cgroup is said once when it starts
 * being held and once when it stops. */
void oomw_held_cgroups_update(struct oomw_held_set *set, const struct oomw_verdict *v,
			      struct oomw_held_changes *out);

#endif
