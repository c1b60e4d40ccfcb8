/* SPDX-License-Identifier: MIT */
/* vmstat.h — /proc/vmstat oom_kill: the kernel's own count of OOM kills since boot,
 * the authority on how many kills happened (kernel >= 4.13). */
#ifndef OOMW_VMSTAT_H
#define OOMW_VMSTAT_H

#include <stddef.h>
#include <stdint.h>

/* Parses vmstat text. *oom_kill = OOMW_UNKNOWN when the key is absent (old kernel),
 * never 0. Returns 0 or -EBADMSG (malformed oom_kill line; *why says so). */
int oomw_vmstat_parse_oom_kill(const char *buf, size_t len, int64_t *oom_kill, const char **why);
/* Reads <proc_dir>/vmstat. -errno or as above. */
int oomw_vmstat_read_oom_kill(const char *proc_dir, int64_t *oom_kill, const char **why);

#endif
