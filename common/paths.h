/* SPDX-License-Identifier: MIT */
/* paths.h — where the core looks: the proc and sys mount points and the kernel-log
 * source. Nothing in common/ opens an absolute path of its own; every front end
 * lets the user override all three (a host's /proc inside a container, fixture
 * trees in tests). */
#ifndef OOMW_PATHS_H
#define OOMW_PATHS_H

#include <limits.h>

#define OOMW_DEFAULT_PROC "/proc"
#define OOMW_DEFAULT_SYS "/sys"
#define OOMW_DEFAULT_KMSG "/dev/kmsg"
/* Value of kmsg that means "do not read a kernel log": kills are counted only. */
#define OOMW_KMSG_NONE "none"

struct oomw_paths {
	char proc[PATH_MAX];
	char sys[PATH_MAX];
	char kmsg[PATH_MAX];        /* /dev/kmsg, a file of kmsg records or a text log, "journal"
			      * (the systemd journal) or "none" */
	char journal_dir[PATH_MAX]; /* with kmsg "journal": a directory of journal files
				     * (a container's, another machine's); "" = the system journal */
};

/* Fills the defaults (journal_dir ""). */
void oomw_paths_default(struct oomw_paths *p);
/* Sets one field; returns 0 or -ENAMETOOLONG (the field is left unchanged). */
int oomw_paths_set(char field[PATH_MAX], const char *value);

#endif
