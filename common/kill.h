/* SPDX-License-Identifier: MIT */
/* kill.h — one OOM kill as the kernel log describes it. Filled by oomparse,
 * carried by the monitor in events, persisted by state. */
#ifndef OOMW_KILL_H
#define OOMW_KILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oomw.h"

enum oomw_scope {
	OOMW_SCOPE_UNKNOWN = 0, /* only a bare "Killed process" line was seen */
	OOMW_SCOPE_GLOBAL,      /* "Out of memory" (incl. oom_kill_allocating_task, sysrq) */
	OOMW_SCOPE_MEMCG,       /* "Memory cgroup out of memory" */
};

#define OOMW_CONSTRAINT_MAX 47
/* The largest size in KiB kept: it converts to bytes (× 1024) without overflow. */
#define OOMW_KIB_MAX (INT64_MAX / 1024)

/* Numbers are OOMW_UNKNOWN and strings "" when the log did not say. */
struct oomw_kill {
	int64_t pid;
	char comm[OOMW_COMM_MAX + 1]; /* decoded bytes: anything but NUL */
	size_t comm_len;
	int64_t uid;
	int64_t total_vm_kib;
	int64_t anon_rss_kib;
	int64_t file_rss_kib;
	int64_t shmem_rss_kib;
	int64_t pgtables_kib; /* as printed: 5.4.0 printed bytes labelled kB */
	int64_t oom_score_adj;
	enum oomw_scope scope;
	char constraint[OOMW_CONSTRAINT_MAX + 1]; /* opaque token, e.g. CONSTRAINT_MEMCG */
	char oom_memcg[OOMW_CGROUP_PATH_MAX + 1];  /* cgroup whose limit was hit */
	char task_memcg[OOMW_CGROUP_PATH_MAX + 1]; /* cgroup the victim lived in */
	uint64_t seq;      /* kmsg sequence number, or byte offset of the line in a text log */
	int64_t mono_usec; /* kernel timestamp (µs since boot, suspend excluded) */
	int64_t wall_usec; /* µs since the epoch: from the log's own date, else from mono_usec */
	bool reaped;       /* an oom_reaper line followed in the same batch of records:
			    * false also when the reaper's line came only after the
			    * kill was handed on (see oomw_oomparse_feed) */
};

/* Resets every field to "unknown". */
void oomw_kill_init(struct oomw_kill *k);
/* Scope as a fixed lowercase word: "global", "memcg", "unknown". */
const char *oomw_scope_name(enum oomw_scope s);

#endif
