/* SPDX-License-Identifier: MIT */
/* monitor.h — the one object the front ends use. Each sample returns a snapshot
 * of the gauges plus the kills since the previous sample, reconciled between
 * /proc/vmstat oom_kill (how many) and the kernel log (who, when, how big),
 * deduplicated and persisted so that no kill is reported twice or lost. */
#ifndef OOMW_MONITOR_H
#define OOMW_MONITOR_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "candidates.h"
#include "cgroup.h"
#include "event.h"
#include "meminfo.h"
#include "paths.h"
#include "psi.h"
#include "state.h"

#define OOMW_SNAPSHOT_CGROUPS_MAX OOMW_STATE_CGROUPS_MAX
#define OOMW_CANDIDATES_MAX 32
#define OOMW_GLOBS_MAX 16

struct oomw_monitor_config {
	struct oomw_paths paths;
	const char *state_path; /* NULL: keep the cursor in memory only */
	const char *cgroup_globs[OOMW_GLOBS_MAX];
	size_t n_cgroup_globs;
	size_t n_candidates; /* 0 = do not scan processes; at most OOMW_CANDIDATES_MAX;
			      * a scan is reused by samples within a second of it */
	/* With kmsg_opened, kmsg_fd is paths.kmsg already opened by the caller
	 * (oomw_klog_open_source), which may then have dropped the privilege that
	 * opening it takes (CAP_SYSLOG). The monitor takes it over. A negative
	 * kmsg_fd is the -errno that open failed with: the log is unreadable. */
	bool kmsg_opened;
	int kmsg_fd;
	/* For one-shot front ends (check_oom): open and read the kernel log only
	 * when it can hold something the saved state lacks, i.e. unless
	 * /proc/vmstat oom_kill is readable and equal to the saved counter, the
	 * saved log cursor applies to this source, and no logged kill awaits the
	 * counter (log_ahead). The first sample, kernels without the counter
	 * (< 4.13) and an unreadable counter always read it. The skipped records
	 * stay behind the saved cursor, read when the counter next moves. */
	bool klog_only_when_counted;
	/* Also read victims from the kernel's oom:mark_victim tracepoint (trace.h),
	 * where the kernel and the privileges allow it, for daemons: it names a
	 * victim before its log record can be read. Only with <proc> the running
	 * kernel's and the running kernel's log (/dev/kmsg or the system journal),
	 * never with klog_only_when_counted. A traced victim is counted once with
	 * its log record, which completes it (event.h awaiting_log). */
	bool trace;
	/* A sample that reports kills (not the first) leaves the saving to oomw_monitor_save, so
	 * that a front end that notifies after the sample (the agent) sends first
	 * and pays the state file's fsync after. A crash in between notifies
	 * those kills again from the log at the next start (at least once).
	 * Such a sample also reuses the last process scan (candidates),
	 * whatever its age: the next sample scans again. */
	bool defer_save;
};

struct oomw_snapshot_cgroup {
	struct oomw_cgroup_stats stats;
	/* Kills since the previous sample. 0 on the very first sample (no saved
	 * state); a cgroup first seen later (created since, or after a reboot)
	 * counts all its oom_kill; a counter that went down (cgroup recreated)
	 * counts from 0. 0 when oom_kill is unknown. The state cannot tell a new
	 * cgroup from one matched for the first time (a glob added, a walk that
	 * failed before, a place freed among more than OOMW_SNAPSHOT_CGROUPS_MAX
	 * matches): such a cgroup also counts all its history once. */
	int64_t oom_kill_delta;
	/* Times it was held at its limit since the previous sample (v2
	 * memory.events high + max, v1 memory.failcnt): OOMW_UNKNOWN on its first
	 * sample, when the kernel does not count, or when the count went down. */
	int64_t limit_hits_delta;
};

/* Each *_err is 0 or the -errno of that source; its values are then unknown.
 * *_why is a static reason for -EBADMSG, else NULL. */
struct oomw_snapshot {
	int64_t wall_usec; /* when this sample was taken */
	struct oomw_meminfo mem;
	int mem_err;
	const char *mem_why;
	struct oomw_psi psi;
	int psi_err;
	const char *psi_why;
	int64_t oom_kill_total; /* /proc/vmstat oom_kill, OOMW_UNKNOWN on kernels < 4.13 */
	int vmstat_err;
	const char *vmstat_why;
	int64_t kills_without_details; /* since boot: counted, but not in the readable log */
	int64_t kills_not_shown;       /* this sample: kills without details beyond the
				  * OOMW_STATE_EVENTS_MAX that get an event: counted
				  * (in kills_without_details, and in the event indexes,
				  * which skip them) but not passed to on_event, so
				  * that a counter jump of any size costs O(1). The kills
				  * of this sample are the events plus this. */
	int klog_err;            /* e.g. -EPERM: log unreadable, kills counted without details;
			      * 0 with kmsg "none" (no log was asked for) */
	const char *klog_why;    /* the journal's static reason for klog_err (e.g. built
			       * without libsystemd), else NULL */
	int64_t userspace_kills; /* since boot, as far as the log shows: kills by
				  * systemd-oomd and earlyoom (events with killer !=
				  * OOMW_KILLER_KERNEL), never in oom_kill_total */
	uint64_t klog_missed;    /* records overwritten before they were read since the log
			       * was opened; back to 0 when it is reopened (rotation, a
			       * read error), 0 while it cannot be read */
	int trace_err;           /* 0 while the tracepoint is read, else why not: -errno of
			      * its open, with trace_why (static); -ENOENT when not
			      * asked for or not applicable (see oomw_monitor_config) */
	const char *trace_why;
	uint64_t trace_lost; /* victims the kernel dropped from a full trace ring */
	bool first_sample;   /* no saved state: events cover everything since boot */
	int state_err;       /* problem loading the state file (it was replaced) */
	const char *state_why;
	int cgroup_err; /* -ENOENT: no memory controller; -E2BIG: more cgroups matched
			      * than OOMW_SNAPSHOT_CGROUPS_MAX (the first ones are kept) */
	/* A sample clears every field above cgroups, and candidates_err and
	 * n_candidates; table entries past their counts are undefined. */
	size_t n_cgroups;
	struct oomw_snapshot_cgroup cgroups[OOMW_SNAPSHOT_CGROUPS_MAX];
	int candidates_err;
	size_t n_candidates;
	struct oomw_candidate candidates[OOMW_CANDIDATES_MAX];
};

struct oomw_monitor;

typedef void (*oomw_event_cb)(const struct oomw_event *ev, void *ctx);

/* Opens the sources and loads the state. Returns 0 or -errno (only for things
 * that make monitoring impossible, e.g. out of memory or a bad config). */
int oomw_monitor_open(const struct oomw_monitor_config *cfg, struct oomw_monitor **out);
/* Takes one sample: fills *snap, calls on_event once per new kill (oldest first;
 * of the kills only the counter shows, at most OOMW_STATE_EVENTS_MAX, the rest
 * being snap->kills_not_shown), then saves the state if it changed (with
 * defer_save and kills reported: see oomw_monitor_save). Returns 0 or -errno of
 * the state save
 * (the snapshot is complete anyway, and the save is retried next time).
 * on_event may be NULL; it must not call back into this monitor. Kills the
 * log names come first, then those only the counter shows (has_details false).
 * snap->first_sample, snap->state_err (and snap->wall_usec) are set before
 * on_event is called, so a front end can tell history from news, and a first
 * sample without a state file from one after an unusable state file.
 * The kills are always read in full. The gauges (mem, psi, cgroups) are reused
 * from the last sample that read them, if it is less than a second old, when
 * this one read kernel-log records none of which can belong to an OOM report,
 * reported no kill, and no cgroup or PSI watch is ready: a front end woken by
 * every kernel message then pays for the log records only. */
int oomw_monitor_sample(struct oomw_monitor *m, struct oomw_snapshot *snap, oomw_event_cb on_event,
			void *ctx);
/* Saves the state if a sample changed it (for defer_save; harmless otherwise).
 * Returns 0 or -errno, which a deferring sample returns too. */
int oomw_monitor_save(struct oomw_monitor *m);
/* The file descriptors to wait on for new kills (kmsg or journal POLLIN, the
 * tracepoint's POLLIN, cgroup v2
 * memory.events POLLPRI) and for memory pressure starting (a PSI trigger,
 * POLLPRI, opened on the first call where the kernel allows it): fills
 * fds[0..n), returns n (<= max). A log that is
 * a regular file is not included (it is always readable). When one is ready,
 * call oomw_monitor_sample: it reads them, which re-arms them. The set changes
 * as cgroups come and go: ask again after each sample. */
size_t oomw_monitor_pollfds(struct oomw_monitor *m, struct pollfd *fds, size_t max);
/* The front end's delivery cursor (notified_index in state.h): events up to
 * this index were notified; those above it still in the events are owed. */
uint64_t oomw_monitor_notified(const struct oomw_monitor *m);
/* Moves the cursor forward to index (never back, never past the last index
 * handed out) and saves the state at once, so that a front end restarted
 * right after does not notify them again. Returns 0 or -errno of the save
 * (retried with the next save). */
int oomw_monitor_set_notified(struct oomw_monitor *m, uint64_t index);
/* The persisted recent events, oldest first (for time windows and tables). */
const struct oomw_event *oomw_monitor_events(const struct oomw_monitor *m, size_t *n);
void oomw_monitor_close(struct oomw_monitor *m);

#endif
