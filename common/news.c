/* SPDX-License-Identifier: MIT */
/* news.c — what a long-running notifier calls news (news.h). */
#include "news.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum oomw_change oomw_severity_track(enum oomw_severity *last, enum oomw_severity now)
{
	enum oomw_change change = oomw_severity_change(*last, now);
	if (now != OOMW_SEV_UNKNOWN)
		*last = now;
	return change;
}

enum oomw_news oomw_news_tally(struct oomw_backlog_tally *t, const struct oomw_event *ev,
			       const struct oomw_snapshot *snap, const struct oomw_assess_params *p)
{
	enum oomw_news news = oomw_event_news(ev, snap, p);
	if (news == OOMW_NEWS_BACKLOG) {
		t->n++;
		t->last_index = ev->index;
	}
	return news;
}

/* The held verdict of gauge g. */
static enum oomw_severity *held_of(struct oomw_held *held, enum oomw_held_gauge g)
{
	return g == OOMW_HELD_MEM ? &held->mem : g == OOMW_HELD_SWAP ? &held->swap : &held->psi;
}

const struct oomw_gauge *oomw_verdict_gauge(const struct oomw_verdict *v, enum oomw_held_gauge g,
					    enum oomw_severity *severity)
{
	*severity = g == OOMW_HELD_MEM    ? v->mem_severity
		    : g == OOMW_HELD_SWAP ? v->swap_severity
					  : v->psi_severity;
	return g == OOMW_HELD_MEM    ? &v->mem_available
	       : g == OOMW_HELD_SWAP ? &v->swap_free
				     : &v->psi;
}

void oomw_held_update(struct oomw_held *held, const struct oomw_verdict *v,
		      enum oomw_change change[OOMW_HELD_GAUGES])
{
	for (int g = 0; g < OOMW_HELD_GAUGES; g++) {
		enum oomw_severity *prev = held_of(held, (enum oomw_held_gauge)g);
		enum oomw_severity now;
		oomw_verdict_gauge(v, (enum oomw_held_gauge)g, &now);
		change[g] = OOMW_CHANGE_NONE;
		if (g == OOMW_HELD_PSI && !v->psi_judged)
			continue;
		change[g] = oomw_severity_track(prev, now);
	}
}

void oomw_problem_log_update(struct oomw_problem_log *log, const struct oomw_verdict *v,
			     struct oomw_problem_news *news)
{
	news->n_appeared = news->n_resolved = 0;
	/* New: worded as never before (a source's problem may change its words). */
	for (size_t i = 0; i < v->n_problems; i++) {
		bool known = false;
		for (size_t j = 0; j < log->n && !known; j++)
			known = strcmp(log->logged[j].text, v->problems[i].text) == 0;
		if (!known)
			news->appeared[news->n_appeared++] = &v->problems[i];
	}
	/* Resolved: its source has no problem left. */
	for (size_t j = 0; j < log->n; j++) {
		bool still = false;
		for (size_t i = 0; i < v->n_problems && !still; i++)
			still = v->problems[i].source == log->logged[j].source;
		if (!still)
			news->resolved[news->n_resolved++] = log->logged[j];
	}
	memcpy(log->logged, v->problems, v->n_problems * sizeof(v->problems[0]));
	log->n = v->n_problems;
}

bool oomw_state_lost(const struct oomw_snapshot *s)
{
	return s->first_sample && s->state_err != 0; /* a missing file is 0 */
}

void oomw_source_text(const struct oomw_verdict *v, enum oomw_source src, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < v->n_problems; i++)
		if (v->problems[i].source == src && len < size)
			len += (size_t)snprintf(out + len, size - len, "%s%s", len ? "; " : "",
						v->problems[i].text);
}

int64_t oomw_available_cpct(const struct oomw_verdict *v)
{
	const struct oomw_gauge *g = &v->mem_available;
	if (!g->known || !g->pct_known)
		return OOMW_UNKNOWN;
	return (int64_t)(g->pct * 100.0 + 0.5);
}

bool oomw_event_more_recent(const struct oomw_event *a, const struct oomw_event *b)
{
	return a->wall_usec > b->wall_usec || (a->wall_usec == b->wall_usec && a->index > b->index);
}

const struct oomw_event *oomw_last_kernel_kill(const struct oomw_event *ev, size_t n)
{
	const struct oomw_event *last = NULL;
	for (size_t i = 0; i < n; i++)
		if (ev[i].killer == OOMW_KILLER_KERNEL &&
		    (last == NULL || oomw_event_more_recent(&ev[i], last)))
			last = &ev[i];
	return last;
}

size_t oomw_recent_events(const struct oomw_event *ev, size_t n, size_t keep, size_t *rows)
{
	size_t n_rows = 0;
	for (size_t i = 0; i < n; i++) {
		size_t newer = 0;
		for (size_t j = 0; j < n && newer < keep; j++)
			newer += oomw_event_more_recent(&ev[j], &ev[i]);
		if (newer < keep)
			rows[n_rows++] = i;
	}
	return n_rows;
}

void oomw_cut_escaped(const char *in, char *out, size_t size)
{
	size_t n = strlen(in);
	if (n >= size) {
		n = size - 1;
		for (size_t k = 1; k <= 3 && k <= n; k++)
			if (in[n - k] == '\\') {
				n -= k;
				break;
			}
	}
	memcpy(out, in, n);
	out[n] = '\0';
}

static bool in_set(const struct oomw_held_set *set, const char *path)
{
	for (size_t j = 0; j < set->n; j++)
		if (strcmp(set->paths[j], path) == 0)
			return true;
	return false;
}

static bool still_held(const struct oomw_verdict *v, const char *path)
{
	for (size_t i = 0; i < v->n_cgroups; i++)
		if (v->cgroups[i].held && strcmp(v->cgroups[i].cg->stats.path, path) == 0)
			return true;
	return false;
}

void oomw_held_cgroups_update(struct oomw_held_set *set, const struct oomw_verdict *v,
			      struct oomw_held_changes *out)
{
	out->n_started = 0;
	out->n_stopped = 0;
	for (size_t j = 0; j < set->n;) {
		if (still_held(v, set->paths[j])) {
			j++;
			continue;
		}
		memcpy(out->stopped[out->n_stopped++], set->paths[j], sizeof(set->paths[j]));
		memmove(set->paths[j], set->paths[j + 1], sizeof(set->paths[0]) * (set->n - j - 1));
		set->n--;
	}
	/* A cgroup two globs matched is one cgroup: said once. */
	for (size_t i = 0; i < v->n_cgroups && set->n < OOMW_SNAPSHOT_CGROUPS_MAX; i++) {
		const struct oomw_cgroup_verdict *cv = &v->cgroups[i];
		if (!cv->held || in_set(set, cv->cg->stats.path))
			continue;
		snprintf(set->paths[set->n++], sizeof(set->paths[0]), "%s", cv->cg->stats.path);
		out->started[out->n_started++] = cv;
	}
}
