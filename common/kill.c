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
	oomw_report_init(&k->report);
}

void oomw_task_init(struct oomw_task *t)
{
	memset(t, 0, sizeof(*t));
	t->pid = t->uid = t->rss_pages = t->swap_pages = t->oom_score_adj = OOMW_UNKNOWN;
}

void oomw_report_init(struct oomw_report *r)
{
	memset(r, 0, sizeof(*r));
	r->memcg_usage_kib = r->memcg_limit_kib = r->memcg_failcnt = OOMW_UNKNOWN;
	r->memsw_usage_kib = r->memsw_limit_kib = OOMW_UNKNOWN;
	r->swap_usage_kib = r->swap_limit_kib = OOMW_UNKNOWN;
	r->ram_free_kib = r->ram_total_kib = r->swap_free_kib = r->swap_total_kib = OOMW_UNKNOWN;
	r->n_tasks = r->page_kib = OOMW_UNKNOWN;
	for (size_t i = 0; i < OOMW_REPORT_TASKS_MAX; i++)
		oomw_task_init(&r->top[i]);
}

int64_t oomw_task_pages(const struct oomw_task *t)
{
	if (t->rss_pages == OOMW_UNKNOWN)
		return OOMW_UNKNOWN;
	return oomw_add_sat(t->rss_pages, t->swap_pages == OOMW_UNKNOWN ? 0 : t->swap_pages);
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
