/* SPDX-License-Identifier: MIT */
/* paths.c — the defaults for where the core looks, and setting them safely. */
#include "paths.h"

#include <errno.h>
#include <string.h>

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
