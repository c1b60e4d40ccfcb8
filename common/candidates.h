/* SPDX-License-Identifier: MIT */
/* candidates.h — the processes the OOM killer would pick next: the highest
 * /proc/<pid>/oom_score, with what a sysadmin needs to judge them. */
#ifndef OOMW_CANDIDATES_H
#define OOMW_CANDIDATES_H

#include <stddef.h>
#include <stdint.h>

#include "oomw.h"

struct oomw_candidate {
	int64_t pid;
	char comm[OOMW_COMM_MAX + 1]; /* raw bytes from /proc/<pid>/stat, anything but NUL */
	size_t comm_len;
	int64_t oom_score; /* may exceed 1000 */
	int64_t oom_score_adj;
	int64_t rss_kib;
	char memcg[OOMW_CGROUP_PATH_MAX + 1]; /* its memory cgroup from /proc/<pid>/cgroup
					       * (v1 "memory" line, else v2 "0::"); "" */
};

/* Fills out[0..*n) with the top max processes by oom_score, highest first
 * (ties: larger RSS first). Kernel threads (PF_KTHREAD in /proc/<pid>/stat)
 * are left out: the OOM killer never picks them. Processes that exit
 * mid-scan, or whose oom_score or stat is unreadable or malformed, are
 * skipped; a missing oom_score_adj is OOMW_UNKNOWN. rss_kib comes from statm
 * (resident pages x page size), else from status VmRSS. No heap allocation
 * besides opendir(). Returns 0 or -errno (reading <proc_dir> itself failed). */
int oomw_candidates_top(const char *proc_dir, struct oomw_candidate *out, size_t max, size_t *n);

#endif
