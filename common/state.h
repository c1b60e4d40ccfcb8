/* SPDX-License-Identifier: MIT */
/* state.h — the persisted cursor that lets a kill be reported exactly once across
 * restarts, and the recent events that time windows and tables are computed from.
 * Written atomically (temp file, fsync, rename), mode 0600, opened O_NOFOLLOW. */
#ifndef OOMW_STATE_H
#define OOMW_STATE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define OOMW_STATE_EVENTS_MAX 256
/* Slots beyond the ring's size: a full ring slides its events down once per
 * this many new events, not at every one (a slide moves 600 KiB). */
#define OOMW_STATE_EVENTS_SLACK 32
#define OOMW_STATE_CGROUPS_MAX 64
#define OOMW_BOOT_ID_MAX 39
/* A journal cursor: sd-journal's are about 140 bytes. */
#define OOMW_STATE_CURSOR_MAX 511

struct oomw_state_cgroup {
	char path[OOMW_CGROUP_PATH_MAX + 1];
	int64_t oom_kill;
	int64_t limit_hits; /* oomw_cgroup_limit_hits at the last sample; OOMW_UNKNOWN */
};

struct oomw_state {
	char boot_id[OOMW_BOOT_ID_MAX + 1]; /* "" = no state yet */
	int64_t vmstat_oom_kill;       /* counter at the last sample, OOMW_UNKNOWN if unreadable */
	int64_t log_ahead;             /* kills the log showed that the counter has not yet */
	int64_t kills_without_details; /* since boot: counted by the counter, absent from the log */
	char klog_source[PATH_MAX];    /* where klog_next_seq applies */
	uint64_t klog_inode;
	uint64_t klog_next_seq;
	bool klog_seq_known;
	char klog_cursor[OOMW_STATE_CURSOR_MAX + 1]; /* the journal's, when klog_source is
						       * "journal"; "" otherwise */
	int64_t userspace_kills;   /* since boot, as far as the log showed them: kills by
				  * systemd-oomd and earlyoom, never in vmstat_oom_kill */
	uint64_t next_event_index; /* starts at 1 */
	/* The front end's delivery cursor: events up to this index were notified
	 * (and, where the receiver can say so, acknowledged); the ones above it
	 * and still in events[] are owed. Below next_event_index. A file without
	 * it (older versions) loads as next_event_index - 1: all notified. */
	uint64_t notified_index;
	size_t n_cgroups;
	size_t n_events;    /* at most OOMW_STATE_EVENTS_MAX; when full the oldest is dropped */
	size_t first_event; /* where they start in slots: see oomw_state_events */
	/* The tables last: oomw_state_init clears everything above them and no
	 * entry at or past n_cgroups / n_events, so that loading a file costs
	 * what the file holds, not the tables' capacity (about 650 KiB). Entries
	 * past the counts are undefined. */
	struct oomw_state_cgroup cgroups[OOMW_STATE_CGROUPS_MAX];
	struct oomw_event slots[OOMW_STATE_EVENTS_MAX + OOMW_STATE_EVENTS_SLACK];
};

/* An empty state: no boot, counter unknown, no cgroup, no event. Writes only
 * the scalars (the tables' entries past the counts are left as they are). */
void oomw_state_init(struct oomw_state *st);
/* Loads path. Returns 0; -ENOENT (no file: *st is initialised); -EBADMSG when
 * the file is corrupt, truncated or not ours (*st initialised, *why says what);
 * -ELOOP for a symlink; other -errno. */
int oomw_state_load(const char *path, struct oomw_state *st, const char **why);
/* Saves atomically (path.tmp, fsync, rename, fsync of the directory). -errno. */
int oomw_state_save(const char *path, const struct oomw_state *st);
/* Appends ev (its index taken from next_event_index), dropping the oldest when full. */
void oomw_state_add_event(struct oomw_state *st, struct oomw_event *ev);
/* The n_events events, oldest first, as one array (valid until the next
 * oomw_state_add_event or load). Writable when st is, as strchr's result. */
struct oomw_event *oomw_state_events(const struct oomw_state *st);

#endif
