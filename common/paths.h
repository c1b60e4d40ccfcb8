/* SPDX-License-Identifier: MIT */
/* paths.h — where the core looks: the proc and sys mount points and the kernel-log
 * source. Nothing in common/ opens an absolute path of its own; every front end
 * lets the user override all three (a host's /proc inside a container, fixture
 * trees in tests). */
#ifndef OOMW_PATHS_H
#define OOMW_PATHS_H

#include <limits.h>
#include <stdbool.h>

#define OOMW_DEFAULT_PROC "/proc"
#define OOMW_DEFAULT_SYS "/sys"
#define OOMW_DEFAULT_KMSG "/dev/kmsg"
/* Value of kmsg that means "do not read a kernel log": kills are counted only. */
#define OOMW_KMSG_NONE "none"
/* Value of kmsg that selects the systemd journal (journal.h). */
#define OOMW_KMSG_JOURNAL "journal"

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

/* Which source oomw_paths_check_log found wrong. */
enum oomw_paths_bad { OOMW_PATHS_BAD_KMSG, OOMW_PATHS_BAD_JOURNAL_DIR };

/* Checks the log sources the user named before a monitor opens them: a named
 * log file must exist and not be a directory (an unreadable one is fine: that
 * is the unprivileged case, counted without details); journal_dir only with
 * kmsg "journal", and a directory. kmsg_given: kmsg was named by the user (the
 * default /dev/kmsg may be absent in a container). Returns 0, or -errno with
 * *bad (the option to name) and *why (static, or NULL: strerror of the errno). */
int oomw_paths_check_log(const struct oomw_paths *p, bool kmsg_given, enum oomw_paths_bad *bad,
			 const char **why);

#endif
