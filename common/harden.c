/* SPDX-License-Identifier: MIT */
/* harden.c — outliving a memory shortage, and giving up root (harden.h). */
#include "harden.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel never OOM-kills a task at -1000. */
#define OWN_OOM_SCORE_ADJ "-1000"

/* CAP_IPC_LOCK is what lets mlock go beyond RLIMIT_MEMLOCK; root in a
 * container often lacks it. glibc has no capget() wrapper. */
static bool has_cap_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	if (syscall(SYS_capget, &hdr, data) != 0)
		return false;
	return (data[CAP_TO_INDEX(CAP_IPC_LOCK)].effective & CAP_TO_MASK(CAP_IPC_LOCK)) != 0;
}

void oomw_lock_memory(bool dropping_root, struct oomw_hardened *out)
{
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	int flags = MCL_CURRENT | MCL_FUTURE;
	/* Raised while root, so that MCL_FUTURE keeps working after the drop.
	 * If it cannot be, locking future pages would make every allocation
	 * beyond RLIMIT_MEMLOCK fail for a process without CAP_IPC_LOCK (not
	 * root, root without it, or not root any more): lock only what is
	 * mapped now. */
	bool limited = dropping_root || !has_cap_ipc_lock();
	if (setrlimit(RLIMIT_MEMLOCK, &unlimited) != 0 && limited) {
		out->memlock_err = -errno;
		flags = MCL_CURRENT;
	}
	/* MCL_ONFAULT: each page is locked once the process touches it, and the
	 * pages it never touches (most of libnetsnmp's dependencies: perl,
	 * OpenSSL, Kerberos) are not read in at all: a few MiB resident instead
	 * of every mapped library, about 18 MiB. Before Linux 4.4: all of it. */
	if (mlockall(flags | MCL_ONFAULT) != 0 && (errno != EINVAL || mlockall(flags) != 0))
		out->mlock_err = -errno;
}

int oomw_oom_protect(void)
{
	/* Our own process, not the monitored host: always the real /proc. */
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	int rc = fd < 0 || write(fd, OWN_OOM_SCORE_ADJ, strlen(OWN_OOM_SCORE_ADJ)) < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	return rc;
}

void oomw_harden(bool dropping_root, struct oomw_hardened *out)
{
	*out = (struct oomw_hardened){ 0 };
	oomw_lock_memory(dropping_root, out);
	out->oom_adj_err = oomw_oom_protect();
}

int oomw_drop_privileges(const char *name, uid_t uid, gid_t gid)
{
	/* Supplementary groups too: one of them may be the AgentX socket's. */
	if (initgroups(name, gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
		return -errno;
	if (uid != 0 && setuid(0) == 0)
		return -EPERM; /* root could be regained: refuse to run like that */
	return 0;
}
