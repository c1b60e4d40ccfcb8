/* SPDX-License-Identifier: MIT */
/* harden.h — a long-running front end (a daemon that must report the kills)
 * outliving the memory shortage it reports: its pages locked, an OOM score
 * adjustment the kernel never kills at, and root given up for good. Each step
 * says what failed; the front end logs it and goes on. */
#ifndef OOMW_HARDEN_H
#define OOMW_HARDEN_H

#include <stdbool.h>
#include <sys/types.h>

/* What oomw_harden could not do: 0 or the -errno of each step. */
struct oomw_hardened {
	int memlock_err; /* RLIMIT_MEMLOCK stayed: only the pages mapped now are locked */
	int mlock_err;   /* mlockall failed: the process may be swapped out */
	int oom_adj_err; /* /proc/self/oom_score_adj not -1000 */
};

/* oomw_lock_memory and oomw_oom_protect. Call as root, before the drop:
 * dropping_root says root goes later. */
void oomw_harden(bool dropping_root, struct oomw_hardened *out);
/* Locks the process's memory: present and future pages, future ones only if
 * the memlock limit could be lifted (or the process keeps CAP_IPC_LOCK). */
void oomw_lock_memory(bool dropping_root, struct oomw_hardened *out);
/* Sets the process's oom_score_adj to -1000. Returns 0 or -errno. */
int oomw_oom_protect(void);
/* Becomes user name (uid, gid, and its supplementary groups) for good.
 * Returns 0, or -errno; -EPERM when root could be regained. */
int oomw_drop_privileges(const char *name, uid_t uid, gid_t gid);

#endif
