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

/* Tasks of the report's task dump kept per kill: the first ones by the
 * kernel's badness only (oomw_task_points). */
#define OOMW_REPORT_TASKS_MAX 3
/* Bytes of a dump row's name kept (the kernel prints at most 15). */
#define OOMW_TASK_NAME_MAX 31

/* One row of the task dump ("[  pid  ]   uid  tgid total_vm      rss …"). */
struct oomw_task {
	int64_t pid;
	int64_t uid;
	int64_t rss_pages;  /* resident pages */
	int64_t swap_pages; /* swapents; OOMW_UNKNOWN on kernels that do not print it */
	/* page tables: nr_ptes (+ nr_pmds), or pgtables_bytes over the page size;
	 * OOMW_UNKNOWN on kernels that print neither */
	int64_t pgtables_pages;
	int64_t oom_score_adj;
	char name[OOMW_TASK_NAME_MAX + 1]; /* as printed (kmsg escapes undone), maybe cut */
};

/* The rest of the report that came before a Killed line. OOMW_UNKNOWN where
 * the log did not say (old kernel, rate-limited header, lost lines). */
struct oomw_report {
	/* memcg OOMs: "memory: usage NkB, limit NkB, failcnt N" of the limited cgroup */
	int64_t memcg_usage_kib, memcg_limit_kib, memcg_failcnt;
	/* v1 "memory+swap:" or v2 "swap:" usage and limit */
	int64_t memsw_usage_kib, memsw_limit_kib;
	int64_t swap_usage_kib, swap_limit_kib;
	/* global OOMs: the zones' "free:" and "managed:" (else "present:") summed,
	 * and "Free swap  = NkB" / "Total swap = NkB" */
	int64_t ram_free_kib, ram_total_kib;
	int64_t swap_free_kib, swap_total_kib;
	/* the task dump: rows seen (OOMW_UNKNOWN: no dump), the first by the
	 * kernel's badness (most first), and the page size that the victim's row
	 * and the Killed line imply (OOMW_UNKNOWN when the victim is not among them) */
	int64_t n_tasks;
	int64_t page_kib;
	size_t n_top;
	struct oomw_task top[OOMW_REPORT_TASKS_MAX];
	/* the largest row by size alone (oomw_task_pages), whatever its
	 * oom_score_adj: pid OOMW_UNKNOWN when the dump had no row */
	struct oomw_task largest;
};

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
	char constraint[OOMW_CONSTRAINT_MAX + 1];  /* opaque token, e.g. CONSTRAINT_MEMCG */
	char oom_memcg[OOMW_CGROUP_PATH_MAX + 1];  /* cgroup whose limit was hit */
	char task_memcg[OOMW_CGROUP_PATH_MAX + 1]; /* cgroup the victim lived in */
	uint64_t seq;      /* kmsg sequence number, or byte offset of the line in a text log */
	int64_t mono_usec; /* kernel timestamp (µs since boot, suspend excluded) */
	int64_t wall_usec; /* µs since the epoch: from the log's own date, else from mono_usec */
	bool reaped;       /* an oom_reaper line followed in the same batch of records:
			    * false also when the reaper's line came only after the
			    * kill was handed on (see oomw_oomparse_feed) */
	struct oomw_report report; /* the rest of its report */
};

/* Resets every field to "unknown". */
void oomw_kill_init(struct oomw_kill *k);
void oomw_report_init(struct oomw_report *r);
void oomw_task_init(struct oomw_task *t);
/* rss + swap + page tables of a dump row, in pages (swap and page tables 0
 * when not printed): the kernel's badness before oom_score_adj. */
int64_t oomw_task_pages(const struct oomw_task *t);

/* The page size assumed to rank a dump whose page size the log has not shown
 * yet (the victim's row and its Killed line show it only after the dump). */
#define OOMW_RANK_PAGE_KIB 4
/* Points below any other: a row the kernel never chooses. */
#define OOMW_POINTS_NEVER (INT64_MIN + 1)

/* The kernel's "totalpages" of this OOM in KiB, that oom_score_adj is a
 * thousandth of: a memory cgroup's limit (when the report shows that it had
 * no swap beyond it), or RAM + swap for a global OOM; OOMW_UNKNOWN when the
 * report does not show it. */
int64_t oomw_report_total_kib(const struct oomw_report *r, const char *constraint);
/* The kernel's badness of a dump row (doc/kernel-interfaces.md): size plus
 * oom_score_adj × (totalpages / 1000) with pages of page_kib;
 * OOMW_POINTS_NEVER for oom_score_adj -1000 (never chosen). *adj_weighed (may be NULL) is false when
 * the adjustment was left out: the row has a non-zero oom_score_adj and
 * total_kib is unknown. */
int64_t oomw_task_points(const struct oomw_task *t, int64_t total_kib, int64_t page_kib,
			 bool *adj_weighed);
/* Scope as a fixed lowercase word: "global", "memcg", "unknown". */
const char *oomw_scope_name(enum oomw_scope s);

#endif
