/* statefile.c — the default state file location (statefile.h). */
#include "statefile.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "oomw.h"

/* Shared by every user and kept across reboots, unlike /tmp on many systems. */
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

int check_state_default_path(const struct oomw_monitor_config *mon, char path[PATH_MAX],
			     const char **why)
{
	char dir[PATH_MAX];
	char name[64];
	const char *base = getenv("MP_STATE_PATH");
	int r;

	if (base && base[0]) {
		/* The Monitoring Plugins convention: the admin made MP_STATE_PATH for us. */
		r = oomw_path_join(dir, sizeof(dir), base, "check_oom");
	} else {
		snprintf(name, sizeof(name), "check_oom-%lu", (unsigned long)geteuid());
		r = oomw_path_join(dir, sizeof(dir), FALLBACK_STATE_PARENT, name);
	}
	if (r == 0)
		r = oomw_dir_private(dir, why);
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
