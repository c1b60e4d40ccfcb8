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
	t->pid = t->uid = t->rss_pages = t->swap_pages = t->pgtables_pages = OOMW_UNKNOWN;
	t->oom_score_adj = OOMW_UNKNOWN;
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
	oomw_task_init(&r->largest);
}

int64_t oomw_task_pages(const struct oomw_task *t)
{
	if (t->rss_pages == OOMW_UNKNOWN)
		return OOMW_UNKNOWN;
	int64_t more = oomw_add_sat(t->swap_pages == OOMW_UNKNOWN ? 0 : t->swap_pages,
				    t->pgtables_pages == OOMW_UNKNOWN ? 0 : t->pgtables_pages);
	return oomw_add_sat(t->rss_pages, more);
}

/* A limit of "no limit" (v1 prints PAGE_COUNTER_MAX pages in KiB): 1 EiB up. */
#define NO_LIMIT_KIB (1LL << 50)

int64_t oomw_report_total_kib(const struct oomw_report *r, const char *constraint)
{
	if (strcmp(constraint, "CONSTRAINT_MEMORY_POLICY") == 0)
		return OOMW_UNKNOWN; /* the policy's nodes + swap: not in the log */
	if (r->memcg_limit_kib != OOMW_UNKNOWN) {
		/* the limit, plus as much swap as the cgroup may use beyond it
		 * (at most the machine's): known only when that is none */
		bool no_swap = (r->memsw_limit_kib != OOMW_UNKNOWN &&
				r->memsw_limit_kib <= r->memcg_limit_kib) ||
			       r->swap_limit_kib == 0;
		return r->memcg_limit_kib < NO_LIMIT_KIB && no_swap ? r->memcg_limit_kib : OOMW_UNKNOWN;
	}
	if (r->ram_total_kib != OOMW_UNKNOWN && r->swap_total_kib != OOMW_UNKNOWN)
		return oomw_add_sat(r->ram_total_kib, r->swap_total_kib);
	return OOMW_UNKNOWN;
}

int64_t oomw_task_points(const struct oomw_task *t, int64_t total_kib, int64_t page_kib,
			 bool *adj_weighed)
{
	int64_t size = oomw_task_pages(t), adj = t->oom_score_adj;
	if (adj_weighed)
		*adj_weighed = true;
	if (size == OOMW_UNKNOWN)
		return OOMW_POINTS_NEVER;
	if (adj == -1000)
		return OOMW_POINTS_NEVER;
	if (adj == 0)
		return size;
	if (adj == OOMW_UNKNOWN || total_kib == OOMW_UNKNOWN || page_kib == OOMW_UNKNOWN ||
	    page_kib <= 0 || adj < -1000 || adj > 1000) {
		if (adj_weighed)
			*adj_weighed = false;
		return size;
	}
	/* the kernel divides first: adj × (totalpages / 1000) */
	return oomw_add_sat(size, adj * (total_kib / page_kib / 1000));
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
