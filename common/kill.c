/* SPDX-License-Identifier: MIT */
/* kill.c — the "nothing known yet" kill and the names of scopes. */
#include "kill.h"

#include <string.h>

void oomw_kill_init(struct oomw_kill *k)
{
	memset(k, 0, sizeof(*k));
	k->pid = k->uid = OOMW_UNKNOWN;
	k->total_vm_kib = k->anon_rss_kib = k->file_rss_kib = k->shmem_rss_kib = OOMW_UNKNOWN;
	k->pgtables_kib = k->oom_score_adj = OOMW_UNKNOWN;
	k->mono_usec = k->wall_usec = OOMW_UNKNOWN;
	k->scope = OOMW_SCOPE_UNKNOWN;
}

const char *oomw_scope_name(enum oomw_scope s)
{
	switch (s) {
	case OOMW_SCOPE_GLOBAL:
		return "global";
	case OOMW_SCOPE_MEMCG:
		return "memcg";
	case OOMW_SCOPE_UNKNOWN:
		break;
	}
	return "unknown";
}
