/* SPDX-License-Identifier: MIT */
/* paths.c — the defaults for where the core looks, and setting them safely. */
#include "paths.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int oomw_paths_set(char field[PATH_MAX], const char *value)
{
	size_t n = strlen(value);
	if (n >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(field, value, n + 1);
	return 0;
}

void oomw_paths_default(struct oomw_paths *p)
{
	oomw_paths_set(p->proc, OOMW_DEFAULT_PROC);
	oomw_paths_set(p->sys, OOMW_DEFAULT_SYS);
	oomw_paths_set(p->kmsg, OOMW_DEFAULT_KMSG);
	p->journal_dir[0] = '\0';
}

int oomw_paths_check_log(const struct oomw_paths *p, bool kmsg_given, enum oomw_paths_bad *bad,
			 const char **why)
{
	struct stat st;
	bool journal = strcmp(p->kmsg, OOMW_KMSG_JOURNAL) == 0;
	*why = NULL;
	*bad = OOMW_PATHS_BAD_JOURNAL_DIR;
	if (p->journal_dir[0] && !journal) {
		*why = "needs the journal as the kernel log (kmsg journal)";
		return -EINVAL;
	}
	if (journal && p->journal_dir[0]) {
		if (stat(p->journal_dir, &st) < 0)
			return -errno;
		if (!S_ISDIR(st.st_mode)) {
			*why = "not a directory";
			return -ENOTDIR;
		}
		if (access(p->journal_dir, R_OK | X_OK) < 0)
			return -errno;
	}
	*bad = OOMW_PATHS_BAD_KMSG;
	if (!kmsg_given || journal || strcmp(p->kmsg, OOMW_KMSG_NONE) == 0)
		return 0;
	if (stat(p->kmsg, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode)) {
		*why = "a directory, not a log file";
		return -EISDIR;
	}
	return 0;
}
