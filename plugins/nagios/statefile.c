/* SPDX-License-Identifier: MIT */
/* statefile.c — the default state file location (statefile.h). */
#include "statefile.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "oomw.h"

/* Kept across reboots, and across NRPE and Icinga 2 restarts: systemd's
 * PrivateTmp=true gives those daemons a fresh /tmp and /var/tmp on every start,
 * and tmpfiles cleans /var/tmp after 30 days. The package creates it (root,
 * 0755) and a 0700 directory per user in it (tests/package/). */
#define PERSISTENT_STATE_PARENT "/var/lib/oomwatch/check_oom"
/* Shared by every user, for hosts without the package's directory. */
#define FALLBACK_STATE_PARENT "/var/tmp"

/* FNV-1a: a stable name from the options, not a secret. */
static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (size_t i = 0, n = strlen(s) + 1; i < n; i++) { /* the NUL separates fields */
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The key covers everything that changes what the monitor counts: the
 * sources and the cgroup patterns (their per-cgroup counters live in the state). */
static uint64_t options_key(const struct oomw_monitor_config *mon)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	h = fnv1a(h, mon->paths.proc);
	h = fnv1a(h, mon->paths.sys);
	h = fnv1a(h, mon->paths.kmsg);
	/* Only when set, so that the files of earlier versions keep their names. */
	if (mon->paths.journal_dir[0])
		h = fnv1a(h, mon->paths.journal_dir);
	for (size_t i = 0; i < mon->n_cgroup_globs; i++)
		h = fnv1a(h, mon->cgroup_globs[i]);
	return h;
}

/* Only root may own the persistent parent and it must be closed to others:
 * whoever can write it could replace a user's directory. */
static int parent_safe(const struct stat *st, const char **why)
{
	if (!S_ISDIR(st->st_mode) || st->st_uid != 0 || (st->st_mode & (S_IWGRP | S_IWOTH))) {
		*why = PERSISTENT_STATE_PARENT " is not a root-owned directory closed to others";
		return -EPERM;
	}
	return 0;
}

/* $MP_STATE_PATH/check_oom, else PERSISTENT_STATE_PARENT/<uid> when the package
 * made the parent (and the directory exists or we may create it), else
 * FALLBACK_STATE_PARENT/check_oom-<uid>. */
static int default_dir(char dir[PATH_MAX], const char **why)
{
	const char *base = getenv("MP_STATE_PATH");
	char name[64];
	struct stat st;
	int r;

	if (base && base[0]) {
		/* The Monitoring Plugins convention: the admin made MP_STATE_PATH for us. */
		r = oomw_path_join(dir, PATH_MAX, base, "check_oom");
		return r < 0 ? r : oomw_dir_private(dir, why);
	}
	if (lstat(PERSISTENT_STATE_PARENT, &st) == 0) {
		if ((r = parent_safe(&st, why)) < 0)
			return r;
		snprintf(name, sizeof(name), "%lu", (unsigned long)geteuid());
		if ((r = oomw_path_join(dir, PATH_MAX, PERSISTENT_STATE_PARENT, name)) < 0)
			return r;
		r = oomw_dir_private(dir, why);
		if (r != -EACCES)
			return r;
		/* A user the package made no directory for, who cannot make one. */
	}
	snprintf(name, sizeof(name), "check_oom-%lu", (unsigned long)geteuid());
	r = oomw_path_join(dir, PATH_MAX, FALLBACK_STATE_PARENT, name);
	return r < 0 ? r : oomw_dir_private(dir, why);
}

int check_state_default_path(const struct oomw_monitor_config *mon, char path[PATH_MAX],
			     const char **why)
{
	char dir[PATH_MAX];
	char name[64];
	int r = default_dir(dir, why);

	if (r == -ENAMETOOLONG)
		*why = "the state directory path is too long";
	if (r < 0)
		return r;
	snprintf(name, sizeof(name), "%016llx.state", (unsigned long long)options_key(mon));
	r = oomw_path_within(path, PATH_MAX, dir, name);
	if (r < 0)
		*why = "the state file path is too long";
	return r;
}
