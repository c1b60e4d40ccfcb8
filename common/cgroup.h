/* SPDX-License-Identifier: MIT */
/* cgroup.h — memory cgroups: v2 memory.events/current/max and v1
 * memory.oom_control/usage/limit, on pure v2, pure v1 and hybrid mounts,
 * with a walk of the hierarchy filtered by a glob. */
#ifndef OOMW_CGROUP_H
#define OOMW_CGROUP_H

#include <limits.h>
#include <stdint.h>

#include "oomw.h"

/* Where the memory controller is mounted below <sys>/fs/cgroup. */
struct oomw_cgroup_root {
	char dir[PATH_MAX]; /* e.g. /sys/fs/cgroup or /sys/fs/cgroup/memory */
	int version;        /* 1 or 2 */
};

/* Numbers are OOMW_UNKNOWN when the file or key is missing (old kernel). */
struct oomw_cgroup_stats {
	char path[OOMW_CGROUP_PATH_MAX + 1]; /* relative to the root, "/" for the root itself */
	int version;
	int64_t oom_kill;       /* v2 memory.events oom_kill; v1 memory.oom_control oom_kill */
	int64_t oom;            /* v2 only: times the limit was hit and the OOM killer ran */
	int64_t oom_group_kill; /* v2 5.17+ */
	int64_t max;            /* v2: times usage hit memory.max */
	int64_t high;           /* v2: times usage went over memory.high */
	int64_t under_oom;      /* v1: 1 while tasks wait at the limit (oom_kill_disable) */
	int64_t usage_bytes;    /* v2 memory.current; v1 memory.usage_in_bytes */
	int64_t limit_bytes;    /* v2 memory.max; v1 memory.limit_in_bytes; OOMW_UNLIMITED */
	int64_t failcnt;        /* v1 memory.failcnt: times usage hit the limit */
	int64_t memsw_failcnt;  /* v1 memory.memsw.failcnt: the same for memory+swap */
	int64_t pressure_some_avg10_cpct; /* v2 memory.pressure "some" avg10, 1/100 % */
};

/* Times the cgroup was held at its limit so far: v2 memory.events high + max,
 * v1 memory.failcnt + memory.memsw.failcnt; OOMW_UNKNOWN when the kernel does
 * not say. Page cache reclaimed at the limit counts too. Linux 6.18 leaves v1
 * memory.memsw.failcnt at 0, and memory.failcnt too where memory+swap is
 * limited as tightly: there under_oom is the only sign (doc/kernel-interfaces.md). */
int64_t oomw_cgroup_limit_hits(const struct oomw_cgroup_stats *st);

/* Finds the memory controller: <sys>/fs/cgroup with "memory" in
 * cgroup.controllers (v2), else <sys>/fs/cgroup/memory (v1), else
 * <sys>/fs/cgroup/unified with memory (hybrid). -ENOENT when none. */
int oomw_cgroup_find_root(const char *sys_dir, struct oomw_cgroup_root *root);
/* Reads one cgroup (path relative to the root, "/" for the root). A missing
 * file leaves its numbers OOMW_UNKNOWN (the v2 root has no memory.max).
 * -ENOENT: no such cgroup (or removed while read); -EINVAL: path not
 * absolute or with a "." or ".." component; -EBADMSG: malformed file. */
int oomw_cgroup_read(const struct oomw_cgroup_root *root, const char *path,
		     struct oomw_cgroup_stats *out);

/* How deep a walk goes below the root. Real hierarchies (systemd, Kubernetes)
 * nest about ten levels; the bound keeps recursion, and the one open
 * directory per level, from growing with a hostile tree. */
#define OOMW_CGROUP_WALK_DEPTH_MAX 64

/* Called for each matching cgroup; a non-zero return stops the walk and is returned. */
typedef int (*oomw_cgroup_cb)(const struct oomw_cgroup_stats *st, void *ctx);
/* Visits every cgroup whose path matches glob (fnmatch(3) without FNM_PATHNAME,
 * so '*' spans '/': "/kubepods*" matches every pod below), parents before
 * children. Cgroups removed during the walk are skipped silently; symlinks are
 * not followed. A cgroup that cannot be read (malformed file, EACCES) or lies
 * too deep (> OOMW_CGROUP_WALK_DEPTH_MAX levels: -ELOOP; path > OOMW_CGROUP_PATH_MAX: -ENAMETOOLONG)
 * is left out, the walk goes on, and the first such error is returned at the
 * end: the callbacks already made are valid, the list is just incomplete.
 * Returns 0, the callback's value, or -errno. */
int oomw_cgroup_walk(const struct oomw_cgroup_root *root, const char *glob, oomw_cgroup_cb cb,
		     void *ctx);

#endif
