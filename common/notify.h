/* SPDX-License-Identifier: MIT */
/* notify.h — for a long-running front end that notifies changes (collectd's
 * notifications, and any other that tells of each change once): the one line
 * that tells of a kill or of a memory verdict's change, in words written once
 * for every front end, and what such a front end remembers between samples so
 * that each change is told once (the memory verdicts last told, the source
 * problems last logged). Pure: no I/O, no allocation, no logging. */
#ifndef OOMW_NOTIFY_H
#define OOMW_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "assess.h"

/* One line for one new kill (as on_event receives it), fitted into size
 * bytes by cutting only the cgroup path (keeping its end: ".../docker-<id>.scope"):
 *   "OOM killer killed python3 (pid 3882, 66.6 MiB, /system.slice/batch.service) at <time>"
 *   "OOM killer killed a process (kill #2): victim unknown (kernel log not read), noticed <time>"
 *   "Userspace OOM killer: earlyoom killed stress (pid 4242, SIGTERM, …) at <time>"
 * The victim is oomw_victim_text's; in->snap and in->paths are required. */
void oomw_kill_notice(const struct oomw_assess_input *in, const struct oomw_event *ev, char *out,
		      size_t size);

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

/* How each held verdict changed with v (oomw_severity_change; PSI only where
 * v judged it), then *held keeps v's known verdicts: an unknown one (the
 * value unreadable) keeps the last, so that a spell of it swallows no change. */
void oomw_held_update(struct oomw_held *held, const struct oomw_verdict *v,
		      enum oomw_change change[OOMW_HELD_GAUGES]);

/* The change of gauge g to its verdict in v, with the thresholds of p:
 *   "Available memory is low: 146.5 MiB (15.0% of 976.6 MiB); thresholds:
 *    warning 20%, critical 10%, hysteresis 5%"
 *   "Memory pressure is back to normal: full avg60 2.00%; thresholds: warning 5, …"
 * A threshold that is off is "-"; a bare value on free memory or swap is
 * shown as typed ("20%"), an explicit range in its Nagios form. */
void oomw_gauge_notice(const struct oomw_verdict *v, const struct oomw_assess_params *p,
		       enum oomw_held_gauge g, char *out, size_t size);

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

#endif
