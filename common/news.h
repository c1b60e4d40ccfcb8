/* SPDX-License-Identifier: MIT */
/* news.h — what a long-running notifier (the SNMP agent's traps, collectd's
 * notifications, any future one) calls news between two samples, written once:
 * a new kill or kills at an unknown time, a held verdict's change, the held
 * verdicts themselves, a source problem that appeared or was resolved, a lost
 * state file, the cgroups that started or stopped being held at their limit,
 * and the words of one source's problems. The words of a notice are
 * notice.h's; the delivery of what is news is ledger.h's.
 *
 * Pure: no I/O, no allocation, no logging. */
#ifndef OOMW_NEWS_H
#define OOMW_NEWS_H

#include <stddef.h>
#include <stdint.h>

#include "assess.h"

/* oomw_severity_change from *last to now; *last follows now when now is
 * known, so a spell of unreadable values between "low" and "ok" does not
 * swallow the recovery. */
enum oomw_change oomw_severity_track(enum oomw_severity *last, enum oomw_severity now);

/* The kills at an unknown time since boot among one sample's new events
 * (OOMW_NEWS_BACKLOG): told together, in oomw_backlog_text's words. */
struct oomw_backlog_tally {
	size_t n;
	uint64_t last_index; /* the newest one's event index */
};
/* For on_event: what ev means under p->first_start (oomw_event_news); a kill
 * of unknown time is counted into *t rather than told on its own. */
enum oomw_news oomw_news_tally(struct oomw_backlog_tally *t, const struct oomw_event *ev,
			       const struct oomw_snapshot *snap, const struct oomw_assess_params *p);

/* The memory verdicts held between samples (struct oomw_held), one by one. */
enum oomw_held_gauge { OOMW_HELD_MEM, OOMW_HELD_SWAP, OOMW_HELD_PSI, OOMW_HELD_GAUGES };

/* Gauge g of v, and its verdict in *severity. */
const struct oomw_gauge *oomw_verdict_gauge(const struct oomw_verdict *v, enum oomw_held_gauge g,
					    enum oomw_severity *severity);

/* How each held verdict changed with v (oomw_severity_track; PSI only where
 * v judged it): *held keeps v's known verdicts, an unknown one (the value
 * unreadable) keeps the last, so that a spell of it swallows no change. The
 * verdicts held are the hysteresis's (in->prev of the next oomw_assess). */
void oomw_held_update(struct oomw_held *held, const struct oomw_verdict *v,
		      enum oomw_change change[OOMW_HELD_GAUGES]);

/* The source problems last logged, so that each is logged once when it
 * appears and its recovery once when its source has no problem left. */
struct oomw_problem_log {
	size_t n;
	struct oomw_problem logged[OOMW_PROBLEMS_MAX];
};

/* What changed in v's problems since the log, which then holds v's. */
struct oomw_problem_news {
	size_t n_appeared;
	const struct oomw_problem *appeared[OOMW_PROBLEMS_MAX]; /* into v */
	size_t n_resolved;
	struct oomw_problem resolved[OOMW_PROBLEMS_MAX]; /* as they were logged */
};
void oomw_problem_log_update(struct oomw_problem_log *log, const struct oomw_verdict *v,
			     struct oomw_problem_news *news);

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
