/* SPDX-License-Identifier: MIT */
/* psi.h — /proc/pressure/memory: how much of the time tasks stall waiting for memory. */
#ifndef OOMW_PSI_H
#define OOMW_PSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Averages in hundredths of a percent ("avg10=1.23" -> 123), parsed without
 * floating point or locale; total in microseconds of stall since boot. */
struct oomw_psi_line {
	bool known;
	int64_t avg10_cpct;
	int64_t avg60_cpct;
	int64_t avg300_cpct;
	int64_t total_usec;
};

struct oomw_psi {
	struct oomw_psi_line some;
	struct oomw_psi_line full; /* absent on kernels that print only "some" */
};

/* Parses the text; each field must appear exactly once per line.
 * Returns 0 or -EBADMSG (*why says why). */
int oomw_psi_parse(const char *buf, size_t len, struct oomw_psi *out, const char **why);
/* Reads <proc_dir>/pressure/memory. -ENOENT (kernel < 4.20) and -EOPNOTSUPP
 * (psi=0) mean "unknown"; both leave *out with known = false. */
int oomw_psi_read(const char *proc_dir, struct oomw_psi *out, const char **why);

/* The kernel's bounds for a trigger window (kernel/sched/psi.c). */
#define OOMW_PSI_WINDOW_MIN_USEC 500000
#define OOMW_PSI_WINDOW_MAX_USEC 10000000
/* Without CAP_SYS_RESOURCE (the nagios user, a container's root), kernels
 * >= 6.4 accept only windows that are a multiple of this; 5.13-6.3 refuse
 * unprivileged triggers altogether (-EPERM). */
#define OOMW_PSI_UNPRIVILEGED_WINDOW_USEC 2000000

/* Opens a PSI trigger on <proc_dir>/pressure/memory: POLLPRI on *fd when
 * tasks ("some") or all tasks ("full") stalled stall_usec within any
 * window_usec, at most one event per window; POLLERR when the source is
 * gone. The caller polls and closes *fd. Returns 0, -EINVAL (bounds above,
 * 0 < stall_usec <= window_usec, or an unprivileged window the kernel
 * refuses), -EPERM, -ENOENT (no PSI), -EOPNOTSUPP (psi=0, or <proc_dir> is not
 * procfs: a trigger is never written into a copy) or another -errno. */
int oomw_psi_trigger_open(const char *proc_dir, bool full, int64_t stall_usec, int64_t window_usec,
			  int *fd);

#endif
