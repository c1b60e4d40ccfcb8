/* SPDX-License-Identifier: MIT */
/* meminfo.h — /proc/meminfo: how much memory and swap there is and how much is left. */
#ifndef OOMW_MEMINFO_H
#define OOMW_MEMINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every field is in KiB (the kernel's "kB"), or OOMW_UNKNOWN when the key is missing. */
struct oomw_meminfo {
	int64_t mem_total_kib;
	int64_t mem_available_kib;    /* MemAvailable, or the estimate below on kernels < 3.14 */
	bool mem_available_estimated; /* true: MemFree + Buffers + Cached - Shmem */
	int64_t mem_free_kib;
	int64_t buffers_kib;
	int64_t cached_kib;
	int64_t shmem_kib;
	int64_t swap_total_kib;
	int64_t swap_free_kib;
	int64_t committed_as_kib;
	int64_t commit_limit_kib;
};

/* Parses meminfo text. Returns 0, or -EBADMSG when a line is malformed or
 * MemTotal is missing (then *why says which, a static string). */
int oomw_meminfo_parse(const char *buf, size_t len, struct oomw_meminfo *out, const char **why);
/* Reads <proc_dir>/meminfo with one read() into a stack buffer. -errno or as above. */
int oomw_meminfo_read(const char *proc_dir, struct oomw_meminfo *out, const char **why);

#endif
