/* SPDX-License-Identifier: MIT */
/* fuzz_monitor — the whole monitor over a fake machine in a scratch
 * directory: /proc (vmstat, meminfo, pressure/memory, stat, boot_id), /sys
 * (a cgroup v2 hierarchy with one child), a kernel log and a state file, then
 * two samples with a changed counter, log and cgroup between them. The input
 * is these files, in this order, separated by FUZZ_SECTION_MARK lines:
 *
 *   0 vmstat  1 meminfo  2 pressure/memory  3 stat  4 boot_id
 *   5 db.service/memory.events  6 db.service/memory.max  7 kernel log
 *   8 state file body (sealed with its checksum; empty: no state file)
 *   9 vmstat for the second sample  10 log lines appended before it
 *   11 db.service/memory.events for the second sample
 *
 * Missing sections are empty files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "monitor.h"

enum {
	S_VMSTAT,
	S_MEMINFO,
	S_PSI,
	S_STAT,
	S_BOOT_ID,
	S_EVENTS,
	S_MAX,
	S_LOG,
	S_STATE,
	S_VMSTAT2,
	S_LOG2,
	S_EVENTS2,
	S_COUNT
};

static size_t n_events;

static void on_event(const struct oomw_event *ev, void *ctx)
{
	(void)ctx;
	(void)ev;
	n_events++;
}

static void put(const struct fuzz_section *s, size_t n, size_t i, const char *rel)
{
	fuzz_write(rel, i < n ? s[i].data : "", i < n ? s[i].len : 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_section s[S_COUNT];
	size_t n = fuzz_split(data, size, s, S_COUNT);
	put(s, n, S_VMSTAT, "proc/vmstat");
	put(s, n, S_MEMINFO, "proc/meminfo");
	put(s, n, S_PSI, "proc/pressure/memory");
	put(s, n, S_STAT, "proc/stat");
	put(s, n, S_BOOT_ID, "proc/sys/kernel/random/boot_id");
	fuzz_write("sys/fs/cgroup/cgroup.controllers", "cpu memory pids\n", 16);
	put(s, n, S_EVENTS, "sys/fs/cgroup/db.service/memory.events");
	put(s, n, S_MAX, "sys/fs/cgroup/db.service/memory.max");
	fuzz_write("sys/fs/cgroup/db.service/memory.current", "1048576\n", 8);
	put(s, n, S_LOG, "kmsg");

	struct oomw_monitor_config cfg = { .n_cgroup_globs = 1, .cgroup_globs = { "/*" } };
	char state[4096];
	snprintf(state, sizeof(state), "%s/state", fuzz_dir());
	if (S_STATE < n && s[S_STATE].len > 0)
		fuzz_write_state("state", s[S_STATE].data, s[S_STATE].len);
	else
		unlink(state);
	cfg.state_path = state;
	oomw_paths_default(&cfg.paths);
	snprintf(cfg.paths.proc, sizeof(cfg.paths.proc), "%s/proc", fuzz_dir());
	snprintf(cfg.paths.sys, sizeof(cfg.paths.sys), "%s/sys", fuzz_dir());
	snprintf(cfg.paths.kmsg, sizeof(cfg.paths.kmsg), "%s/kmsg", fuzz_dir());

	struct oomw_monitor *m;
	if (oomw_monitor_open(&cfg, &m) != 0)
		abort(); /* nothing in these files makes monitoring impossible */
	static struct oomw_snapshot snap;
	(void)oomw_monitor_sample(m, &snap, on_event, NULL);
	put(s, n, S_VMSTAT2, "proc/vmstat");
	if (S_LOG2 < n)
		fuzz_append("kmsg", s[S_LOG2].data, s[S_LOG2].len);
	if (S_EVENTS2 < n)
		put(s, n, S_EVENTS2, "sys/fs/cgroup/db.service/memory.events");
	(void)oomw_monitor_sample(m, &snap, on_event, NULL);
	size_t n_kept;
	const struct oomw_event *ev = oomw_monitor_events(m, &n_kept);
	for (size_t i = 1; i < n_kept; i++)
		if (ev[i].index <= ev[i - 1].index)
			abort(); /* the ring is in order */
	oomw_monitor_close(m);
	return 0;
}
