/* SPDX-License-Identifier: MIT */
/* event.h — one kill as the monitor reports it to the front ends: a kill from the
 * kernel log with its details, or one the counters show but the log did not; or
 * (killer not OOMW_KILLER_KERNEL) a userspace OOM killer's, which the kernel's
 * counter never counts. */
#ifndef OOMW_EVENT_H
#define OOMW_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "kill.h"
#include "ukill.h"

struct oomw_event {
	uint64_t index;          /* 1, 2, 3 … ; keeps growing across restarts (persisted) */
	bool has_details;        /* false: counted from /proc/vmstat only; kill is all unknown */
	bool backlog;            /* no details, and happened before monitoring began (first
			    * sample, new boot) at an unknown time since boot: wall_usec
			    * is the boot time and kill.wall_usec when it was first
			    * noticed (a kill of unknown time alerts for one window
			    * from then). */
	bool awaiting_log;       /* details from the oom:mark_victim tracepoint only: its
			    * "Killed process" record is not read yet, and will
			    * complete this event instead of being a kill of its own */
	int64_t wall_usec;       /* when: the kernel's time, or when it was noticed (no details) */
	struct oomw_kill kill;   /* a userspace kill: pid, uid, comm, oom_score_adj and
				* task_memcg (the cgroup systemd-oomd killed) as it said */
	enum oomw_killer killer; /* OOMW_KILLER_KERNEL (0) for the kernel's kills */
	struct oomw_ukill ukill; /* killer != OOMW_KILLER_KERNEL only */
};

#endif
