/* SPDX-License-Identifier: MIT */
/* report.c — check_oom's output (report.h): the verdicts of common/assess
 * mapped onto a Nagios first line, long output and perfdata. Nothing is
 * judged here. Numbers are printed with printf in the C locale: check_oom
 * never calls setlocale(). */
#include "report.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cgroup_name.h"
#include "journal.h"
#include "text.h"

#define BYTES_PER_KIB 1024
/* Kill lines in the long output at default verbosity. */
#define KILLS_SHOWN_DEFAULT 3
#define VERBOSE_ALL_KILLS 3
#define VERBOSE_SOURCES 2
/* Escaped names are cut to this many bytes where output space is tight. */
#define COMM_SHOWN_MAX 64
#define CGROUP_SHOWN_SHORT 96
#define CGROUP_SHOWN_LONG 2048
/* The least of a summary kept when space is short: state and the first words. */
#define SUMMARY_MIN 64
/* The least of a summary kept when it gives way to the brief why and remedy:
 * the newest victim's name, pid, size, cgroup and time. */
#define SUMMARY_KEEP 160
#define LINE_MAX_BYTES 4096
#define TIME_TEXT_MAX 48
#define SIZE_TEXT_MAX 32
#define LABEL_MAX 32
#define TRUNCATED_NOTE "(more with -v)\n"

/* Output assembled piece by piece; a piece that does not fit is cut, never overflows. */
struct sbuf {
	char *buf;
	size_t size, len;
};

__attribute__((format(printf, 2, 3))) static void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	if (sb->len + 1 >= sb->size)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(sb->buf + sb->len, sb->size - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb->len += (size_t)n < sb->size - sb->len ? (size_t)n : sb->size - sb->len - 1;
}

/* How much of a kill a long-output line tells. */
enum kill_detail { DETAIL_SUMMARY, DETAIL_ALL };

struct report {
	const struct check_options *o;
	const struct check_run *run;
	struct oomw_assess_input in;
	struct oomw_verdict v;
	struct sbuf perf, lines;
	/* default verbosity: the bytes of the long output up to the end of the
	 * brief why and remedy, which the summary gives way to (0: none) */
	size_t brief_end;
};

/* One perfdata item, with the warning and critical ranges in Nagios form. */
static void perf(struct sbuf *sb, const char *label, const char *value, const char *uom,
		 const struct oomw_limits *l, enum oomw_perf_label kind, const char *max)
{
	char w[OOMW_RANGE_TEXT_MAX * 2] = "", c[OOMW_RANGE_TEXT_MAX * 2] = "";
	if (l) {
		oomw_threshold_perf(&l->warning, kind, w, sizeof(w));
		oomw_threshold_perf(&l->critical, kind, c, sizeof(c));
	}
	sb_printf(sb, "%s'%s'=%s%s;%s;%s;0;%s", sb->len ? " " : "", label, value, uom, w, c, max);
}

/* The long-output lines of every problem with this source. */
static void problem_lines(struct report *r, enum oomw_source src)
{
	for (size_t i = 0; i < r->v.n_problems; i++)
		if (r->v.problems[i].source == src)
			sb_printf(&r->lines, "%s\n", r->v.problems[i].text);
}

/* ---- kills ---- */

/* Every field the log gave, for -v. */
static void kill_details(struct sbuf *sb, const struct oomw_event *ev)
{
	const struct oomw_kill *k = &ev->kill;
	const struct {
		const char *name;
		int64_t v;
	} nums[] = {
		{ "uid", k->uid },
		{ "anon-rss KiB", k->anon_rss_kib },
		{ "file-rss KiB", k->file_rss_kib },
		{ "shmem-rss KiB", k->shmem_rss_kib },
		{ "total-vm KiB", k->total_vm_kib },
		{ "pgtables KiB", k->pgtables_kib },
		{ "oom_score_adj", k->oom_score_adj },
	};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		if (nums[i].v != OOMW_UNKNOWN)
			sb_printf(sb, ", %s %lld", nums[i].name, (long long)nums[i].v);
	sb_printf(sb, ", scope %s", oomw_scope_name(k->scope));
	char c[OOMW_CGROUP_PATH_MAX * 4 + 1];
	if (k->constraint[0]) {
		oomw_escape_field(k->constraint, strlen(k->constraint), CGROUP_SHOWN_LONG,
				  OOMW_CUT_END, c, sizeof(c));
		sb_printf(sb, ", %s", c);
	}
	if (k->oom_memcg[0]) {
		oomw_escape_field(k->oom_memcg, strlen(k->oom_memcg), CGROUP_SHOWN_LONG,
				  OOMW_CUT_START, c, sizeof(c));
		sb_printf(sb, ", limit of %s", c);
	}
	if (k->reaped)
		sb_printf(sb, ", reaped");
}

/* At -v, under a kill: who it was in a team's words, why it was chosen, how
 * to avoid the next one (assess.h). */
static void kill_reasons(struct sbuf *sb, const struct oomw_kill *k)
{
	char text[OOMW_WHY_TEXT_MAX], esc[OOMW_UNIT_NAME_MAX * 4 + 1];
	const char *cg = oomw_kill_cgroup(k);
	struct oomw_cgroup_name who;
	oomw_cgroup_name(cg, strlen(cg), &who);
	if (who.unit[0] || who.container_id[0] || who.pod_uid[0]) {
		sb_printf(sb, "  who:");
		if (who.unit[0]) {
			oomw_escape_field(who.unit, strlen(who.unit), sizeof(esc) - 1, OOMW_CUT_END,
					  esc, sizeof(esc));
			sb_printf(sb, " unit %s", esc);
		}
		if (who.container_id[0])
			sb_printf(sb, " %s%scontainer %.12s", who.runtime,
				  who.runtime[0] ? " " : "", who.container_id);
		if (who.pod_uid[0])
			sb_printf(sb, " pod %s (QoS %s)", who.pod_uid, oomw_qos_name(who.qos));
		sb_printf(sb, "\n");
	}
	oomw_kill_why(k, text, sizeof(text));
	sb_printf(sb, "  why: %s\n", text);
	oomw_kill_remedy(k, text, sizeof(text));
	sb_printf(sb, "  remedy: %s\n", text);
}

/* At default verbosity, the newest kill in the window with details gets its
 * why and remedy in fewer words (assess.h) after the lines on where the kills
 * come from, before the list: the summary gives way to them (write_first_line)
 * so that the 1 KiB NRPE v2 keeps holds them. */
static void kill_reasons_brief(struct report *r)
{
	char text[OOMW_WHY_TEXT_MAX];
	for (size_t i = r->in.n_events; i-- > 0 && !r->o->verbose;) {
		const struct oomw_event *ev = &r->in.events[i];
		if (!oomw_event_in_window(&r->in, &r->o->params, i) || !ev->has_details ||
		    ev->killer != OOMW_KILLER_KERNEL)
			continue;
		oomw_kill_why_brief(&ev->kill, text, sizeof(text));
		sb_printf(&r->lines, "why: %s\n", text);
		oomw_kill_remedy_brief(&ev->kill, text, sizeof(text));
		sb_printf(&r->lines, "remedy: %s\n", text);
		r->brief_end = r->lines.len;
		return;
	}
}

/* "kill #N: victim …", with every detail at -v. */
static void kill_line(struct report *r, const char *prefix, const struct oomw_event *ev,
		      enum kill_detail detail)
{
	char v[LINE_MAX_BYTES];
	oomw_victim_text(&r->in, ev, r->o->verbose ? CGROUP_SHOWN_LONG : CGROUP_SHOWN_SHORT, v,
			 sizeof(v));
	sb_printf(&r->lines, "%s #%llu: %s", prefix, (unsigned long long)ev->index, v);
	if (detail == DETAIL_ALL && ev->has_details && ev->killer == OOMW_KILLER_KERNEL)
		kill_details(&r->lines, ev);
	sb_printf(&r->lines, "\n");
	if (detail == DETAIL_ALL && ev->has_details && ev->killer == OOMW_KILLER_KERNEL)
		kill_reasons(&r->lines, &ev->kill);
}

/* Kills counted together without details (same time, or all of unknown time)
 * share one line: from events[i] back, how many more belong with it. */
static size_t same_group(const struct report *r, size_t i)
{
	const struct oomw_event *ev = &r->in.events[i];
	size_t same = 0;
	while (!ev->has_details && i > same) {
		const struct oomw_event *o = &r->in.events[i - same - 1];
		if (o->has_details || o->wall_usec != ev->wall_usec || o->backlog != ev->backlog ||
		    !oomw_event_in_window(&r->in, &r->o->params, i - same - 1))
			break;
		same++;
	}
	return same;
}

static void group_line(struct report *r, const struct oomw_event *first,
		       const struct oomw_event *last, size_t n)
{
	char when[TIME_TEXT_MAX + 16] = "at an unknown time since boot";
	if (!last->backlog) {
		memcpy(when, "noticed ", sizeof("noticed "));
		oomw_format_time(last->wall_usec, when + strlen(when), sizeof(when) - strlen(when));
	}
	sb_printf(&r->lines, "kills #%llu-#%llu: %zu victims unknown (%s), %s\n",
		  (unsigned long long)first->index, (unsigned long long)last->index, n,
		  oomw_no_details_why(&r->in), when);
}

/* The kills in the window, newest first; a few lines unless -v. */
static void window_kills(struct report *r)
{
	size_t shown = 0, limit = r->o->verbose ? r->in.n_events : KILLS_SHOWN_DEFAULT;
	for (size_t i = r->in.n_events; i-- > 0;) {
		const struct oomw_event *ev = &r->in.events[i];
		if (!oomw_event_in_window(&r->in, &r->o->params, i))
			continue;
		size_t same = same_group(r, i);
		i -= same;
		if (shown++ >= limit)
			continue;
		if (same > 0)
			group_line(r, &r->in.events[i], ev, same + 1);
		else
			kill_line(r, "kill", ev, r->o->verbose ? DETAIL_ALL : DETAIL_SUMMARY);
	}
	if (shown > limit)
		sb_printf(&r->lines, "... and %zu more lines of kills in the window (-v)\n",
			  shown - limit);
}

/* -vvv: the rest of the state's history, which no longer alerts. */
static void older_kills(struct report *r)
{
	if (r->o->verbose < VERBOSE_ALL_KILLS)
		return;
	for (size_t i = r->in.n_events; i-- > 0;)
		if (!oomw_event_in_window(&r->in, &r->o->params, i))
			kill_line(r, "older kill", &r->in.events[i], DETAIL_ALL);
}

/* The log is the journal, where userspace killers' kills show too. */
static bool journal(const struct report *r)
{
	return strcmp(r->in.paths->kmsg, OOMW_KMSG_JOURNAL) == 0 && r->in.snap->klog_err == 0;
}

/* Where the kills come from, before the list: these lines explain the rest. */
static void kill_sources(struct report *r)
{
	const struct oomw_snapshot *s = r->in.snap;
	problem_lines(r, OOMW_SRC_VMSTAT);
	if (s->vmstat_err == 0 && s->oom_kill_total != OOMW_UNKNOWN) {
		char proc[CGROUP_SHOWN_SHORT + 1];
		oomw_escape_field(r->in.paths->proc, strlen(r->in.paths->proc), CGROUP_SHOWN_SHORT,
				  OOMW_CUT_START, proc, sizeof(proc));
		sb_printf(&r->lines, "OOM kills since boot: %lld (%s/vmstat oom_kill)",
			  (long long)s->oom_kill_total, proc);
		if (s->kills_without_details > 0)
			sb_printf(&r->lines, ", %lld without details",
				  (long long)s->kills_without_details);
		sb_printf(&r->lines, "; new since the last check: %lld\n",
			  (long long)r->in.n_new + (long long)s->kills_not_shown);
	}
	problem_lines(r, OOMW_SRC_KLOG);
	if (journal(r))
		sb_printf(&r->lines,
			  "userspace OOM kills since boot: %lld (systemd-oomd, earlyoom; "
			  "never in oom_kill)\n",
			  (long long)s->userspace_kills);
}

static void render_kills(struct report *r)
{
	const struct oomw_kills_verdict *k = &r->v.kills;
	const struct oomw_snapshot *s = r->in.snap;
	char val[SIZE_TEXT_MAX];
	kill_sources(r);
	kill_reasons_brief(r);
	window_kills(r);
	older_kills(r);
	if (k->more_possible)
		sb_printf(&r->lines, "the state keeps the last %d kills: more may fall in the window\n",
			  OOMW_STATE_EVENTS_MAX);
	snprintf(val, sizeof(val), "%zu", k->n_dated + k->n_backlog);
	perf(&r->perf, "kills", val, "", &r->o->params.kills, OOMW_PERF_PLAIN, "");
	if (s->vmstat_err == 0 && s->oom_kill_total != OOMW_UNKNOWN) {
		snprintf(val, sizeof(val), "%lld", (long long)s->oom_kill_total);
		perf(&r->perf, "oom_kill_total", val, "c", NULL, OOMW_PERF_PLAIN, "");
	}
	/* Userspace killers' kills: their own labels, never in "kills". */
	if (journal(r) || k->n_userspace > 0) {
		snprintf(val, sizeof(val), "%zu", k->n_userspace);
		perf(&r->perf, "userspace_kills", val, "", &r->o->params.kills, OOMW_PERF_PLAIN, "");
		snprintf(val, sizeof(val), "%lld", (long long)s->userspace_kills);
		perf(&r->perf, "userspace_kill_total", val, "c", NULL, OOMW_PERF_PLAIN, "");
	}
}

/* ---- memory, swap, pressure ---- */

/* A gauge with a total: one long-output line, perfdata in bytes and percent. */
static void render_gauge(struct report *r, const char *what, const char *label,
			 const struct oomw_limits *l, const struct oomw_gauge *g)
{
	char fs[SIZE_TEXT_MAX], ts[SIZE_TEXT_MAX], v[SIZE_TEXT_MAX], max[SIZE_TEXT_MAX],
		label_pct[LABEL_MAX];
	oomw_format_kib((int64_t)(g->bytes / BYTES_PER_KIB), fs, sizeof(fs));
	oomw_format_kib((int64_t)(g->total_bytes / BYTES_PER_KIB), ts, sizeof(ts));
	sb_printf(&r->lines, "%s: %s of %s (%.1f%%)\n", what, fs, ts, g->pct);
	snprintf(v, sizeof(v), "%.0f", g->bytes);
	snprintf(max, sizeof(max), "%.0f", g->total_bytes);
	perf(&r->perf, label, v, "B", l, OOMW_PERF_BYTES, max);
	snprintf(v, sizeof(v), "%.2f", g->pct);
	snprintf(label_pct, sizeof(label_pct), "%s_pct", label);
	perf(&r->perf, label_pct, v, "%", l, OOMW_PERF_PLAIN, "100");
}

static void render_memory(struct report *r)
{
	const struct oomw_meminfo *m = &r->in.snap->mem;
	const struct oomw_verdict *v = &r->v;
	problem_lines(r, OOMW_SRC_MEMINFO);
	if (v->mem_available.known)
		render_gauge(r,
			     m->mem_available_estimated ? "memory available (estimated)"
							: "memory available",
			     "mem_available", &r->o->params.mem_available, &v->mem_available);
	if (r->in.snap->mem_err != 0)
		return;
	if (v->swap_none)
		sb_printf(&r->lines, "swap: none\n");
	else if (!v->swap_free.known || !v->swap_free.pct_known)
		sb_printf(&r->lines, "swap: unknown (not in meminfo)\n");
	else
		render_gauge(r, "swap free", "swap_free", &r->o->params.swap_free, &v->swap_free);
}

static void render_psi(struct report *r)
{
	const struct oomw_snapshot *s = r->in.snap;
	const struct oomw_assess_params *p = &r->o->params;
	const enum oomw_psi_which which[] = { OOMW_PSI_SOME, OOMW_PSI_FULL };
	problem_lines(r, OOMW_SRC_PSI);
	if (!s->psi.some.known && !s->psi.full.known)
		return;
	sb_printf(&r->lines, "memory pressure:");
	for (size_t i = 0; i < 2; i++) {
		const struct oomw_psi_line *l = oomw_psi_selected(s, which[i]);
		if (l->known)
			sb_printf(&r->lines, " %s avg10=%.2f%% avg60=%.2f%% avg300=%.2f%%",
				  oomw_psi_line_name(which[i]), (double)l->avg10_cpct / 100,
				  (double)l->avg60_cpct / 100, (double)l->avg300_cpct / 100);
	}
	sb_printf(&r->lines, "\n");
	if (!r->v.psi_judged) {
		sb_printf(&r->lines, "memory pressure: no '%s' line here, not judged (see --psi)\n",
			  oomw_psi_line_name(p->psi_line));
		return;
	}
	char label[LABEL_MAX], v[SIZE_TEXT_MAX];
	snprintf(label, sizeof(label), "psi_%s_avg%d", oomw_psi_line_name(p->psi_line), p->psi_avg_sec);
	snprintf(v, sizeof(v), "%.2f", r->v.psi.pct);
	perf(&r->perf, label, v, "%", &p->psi, OOMW_PERF_PLAIN, "100");
}

/* ---- cgroups ---- */

static void cgroup_line(struct report *r, const struct oomw_cgroup_verdict *cv)
{
	const struct oomw_cgroup_stats *c = &cv->cg->stats;
	char path[CGROUP_SHOWN_LONG + 1], us[SIZE_TEXT_MAX], ls[SIZE_TEXT_MAX] = "no limit";
	oomw_escape_field(c->path, strlen(c->path),
			  r->o->verbose ? CGROUP_SHOWN_LONG : CGROUP_SHOWN_SHORT, OOMW_CUT_START,
			  path, sizeof(path));
	sb_printf(&r->lines, "cgroup %s:", path);
	if (cv->usage.known) {
		oomw_format_kib(c->usage_bytes / BYTES_PER_KIB, us, sizeof(us));
		if (cv->usage.pct_known)
			oomw_format_kib(c->limit_bytes / BYTES_PER_KIB, ls, sizeof(ls));
		sb_printf(&r->lines, " usage %s of %s", us, ls);
		if (cv->usage.pct_known)
			sb_printf(&r->lines, " (%.1f%%)", cv->usage.pct);
	}
	if (c->oom_kill != OOMW_UNKNOWN)
		sb_printf(&r->lines, ", %lld OOM kills since boot", (long long)c->oom_kill);
	sb_printf(&r->lines, ", %zu named in last %s\n", cv->n_named_window, r->v.window);
	if (cv->held && r->o->verbose) {
		char held[OOMW_PART_TEXT_MAX];
		oomw_held_text(cv, held, sizeof(held));
		sb_printf(&r->lines, "  %s\n", held);
	}
}

/* Whether path lies strictly below ancestor. */
static bool path_below(const char *path, const char *ancestor)
{
	size_t n = strlen(ancestor);
	if (strcmp(ancestor, "/") == 0)
		return strcmp(path, "/") != 0;
	return strncmp(path, ancestor, n) == 0 && path[n] == '/';
}

/* OOM kills inside the matched cgroups by their own counters, each kill once:
 * a v2 counter includes the subtree's, so a cgroup below another matched one
 * adds nothing; v1 counts each cgroup's own. 0 when none matches, OOMW_UNKNOWN
 * when those that match have no counter. */
static int64_t cgroup_kills_total(const struct report *r)
{
	int64_t n = r->v.n_cgroups == 0 ? 0 : OOMW_UNKNOWN;
	for (size_t i = 0; i < r->v.n_cgroups; i++) {
		const struct oomw_cgroup_stats *c = &r->v.cgroups[i].cg->stats;
		bool counted_above = false;
		for (size_t j = 0; j < r->v.n_cgroups && c->version == 2 && !counted_above; j++)
			counted_above = path_below(c->path, r->v.cgroups[j].cg->stats.path);
		if (c->oom_kill == OOMW_UNKNOWN || counted_above)
			continue;
		n = (n == OOMW_UNKNOWN ? 0 : n) + c->oom_kill;
	}
	return n;
}

/* README, "Perfdata labels": cg_<8 hex digits of the path's hash>_<what>:<name>,
 * the name being the cgroup's series name (common/text.h), or its last
 * CGROUP_LABEL_NAME_MAX - 1 bytes behind '~'. The hash makes labels unique in
 * their first 19 bytes (RRD data source names), the name says which cgroup;
 * both are the same on every run. */
#define CGROUP_LABEL_NAME_MAX 24
/* Bounded so that, with the rest, they fit the 1 KiB Nagios keeps without -v. */
#define PERF_CGROUPS_MAX 4

static void cgroup_label(const char *path, const char *what, char *out, size_t size)
{
	char esc[OOMW_CGROUP_ESCAPED_MAX];
	size_t len = oomw_cgroup_escape(path, esc, sizeof(esc));
	size_t start = oomw_cgroup_escape_tail(esc, len, CGROUP_LABEL_NAME_MAX - 1);
	snprintf(out, size, "cg_%08x_%s:%s%.*s",
		 (unsigned)(oomw_fnv1a(OOMW_FNV1A_OFFSET, path, strlen(path)) & 0xffffffffu), what,
		 len > CGROUP_LABEL_NAME_MAX ? "~" : "", CGROUP_LABEL_NAME_MAX,
		 strcmp(path, "/") == 0 ? "_" : esc + (len > CGROUP_LABEL_NAME_MAX ? start : 0));
}

/* The cgroup verdicts with perfdata: the first PERF_CGROUPS_MAX in path order. */
static size_t cgroups_in_path_order(const struct report *r,
				    const struct oomw_cgroup_verdict *out[PERF_CGROUPS_MAX])
{
	size_t n = 0;
	for (size_t i = 0; i < r->v.n_cgroups; i++) {
		const struct oomw_cgroup_verdict *cv = &r->v.cgroups[i];
		size_t k = n < PERF_CGROUPS_MAX ? n++ : PERF_CGROUPS_MAX;
		while (k > 0 && strcmp(cv->cg->stats.path, out[k - 1]->cg->stats.path) < 0) {
			if (k < PERF_CGROUPS_MAX)
				out[k] = out[k - 1];
			k--;
		}
		if (k < PERF_CGROUPS_MAX)
			out[k] = cv;
	}
	return n;
}

/* Before the kill: the most limit hits since the last run of any matched
 * cgroup (the largest, not a sum: a v2 cgroup's count includes its subtree's),
 * and the highest memory pressure of their own (v2 memory.pressure some avg10);
 * each only where some cgroup has it. */
static void held_perf(struct report *r)
{
	int64_t hits = OOMW_UNKNOWN, cpct = OOMW_UNKNOWN;
	char v[32];
	for (size_t i = 0; i < r->v.n_cgroups; i++) {
		const struct oomw_snapshot_cgroup *cg = r->v.cgroups[i].cg;
		if (cg->limit_hits_delta != OOMW_UNKNOWN && cg->limit_hits_delta > hits)
			hits = cg->limit_hits_delta;
		if (cg->stats.pressure_some_avg10_cpct != OOMW_UNKNOWN &&
		    cg->stats.pressure_some_avg10_cpct > cpct)
			cpct = cg->stats.pressure_some_avg10_cpct;
	}
	if (hits != OOMW_UNKNOWN) {
		snprintf(v, sizeof(v), "%lld", (long long)hits);
		perf(&r->perf, "cgroup_limit_hits", v, "", NULL, OOMW_PERF_PLAIN, "");
	}
	if (cpct != OOMW_UNKNOWN) {
		snprintf(v, sizeof(v), "%lld.%02lld", (long long)(cpct / 100), (long long)(cpct % 100));
		perf(&r->perf, "cgroup_pressure_pct", v, "%", NULL, OOMW_PERF_PLAIN, "100");
	}
}

/* Per cgroup: usage in bytes with the ranges and its limit as max, its OOM
 * kill counter; before them the kills in all of them and the largest usage. */
static void cgroup_perf(struct report *r)
{
	double max_bytes = -1, max_pct = -1;
	char v[SIZE_TEXT_MAX], label[CGROUP_LABEL_NAME_MAX + 32];
	const struct oomw_cgroup_verdict *shown[PERF_CGROUPS_MAX];
	for (size_t i = 0; i < r->v.n_cgroups; i++) {
		const struct oomw_gauge *g = &r->v.cgroups[i].usage;
		if (g->known && g->bytes > max_bytes)
			max_bytes = g->bytes;
		if (g->known && g->pct_known && g->pct > max_pct)
			max_pct = g->pct;
	}
	int64_t kills = cgroup_kills_total(r);
	if (kills != OOMW_UNKNOWN) {
		snprintf(v, sizeof(v), "%lld", (long long)kills);
		perf(&r->perf, "cgroup_kills", v, "c", NULL, OOMW_PERF_PLAIN, "");
	}
	if (max_bytes >= 0) {
		snprintf(v, sizeof(v), "%.0f", max_bytes);
		perf(&r->perf, "cgroup_usage", v, "B", &r->o->params.cgroup_usage, OOMW_PERF_BYTES, "");
	}
	if (max_pct >= 0) {
		snprintf(v, sizeof(v), "%.2f", max_pct);
		perf(&r->perf, "cgroup_usage_pct", v, "%", &r->o->params.cgroup_usage,
		     OOMW_PERF_PLAIN, "");
	}
	held_perf(r);
	size_t n = cgroups_in_path_order(r, shown);
	for (size_t i = 0; i < n; i++) {
		const struct oomw_cgroup_stats *c = &shown[i]->cg->stats;
		const struct oomw_gauge *g = &shown[i]->usage;
		if (g->known) {
			char max[SIZE_TEXT_MAX] = "";
			if (g->pct_known)
				snprintf(max, sizeof(max), "%lld", (long long)c->limit_bytes);
			snprintf(v, sizeof(v), "%.0f", g->bytes);
			cgroup_label(c->path, "usage", label, sizeof(label));
			perf(&r->perf, label, v, "B", &r->o->params.cgroup_usage, OOMW_PERF_BYTES, max);
		}
		if (c->oom_kill != OOMW_UNKNOWN) {
			snprintf(v, sizeof(v), "%lld", (long long)c->oom_kill);
			cgroup_label(c->path, "oom_kill", label, sizeof(label));
			perf(&r->perf, label, v, "c", NULL, OOMW_PERF_PLAIN, "");
		}
	}
}

static void render_cgroups(struct report *r)
{
	if (!r->in.cgroups_asked)
		return;
	problem_lines(r, OOMW_SRC_CGROUPS);
	for (size_t i = 0; i < r->v.n_cgroups; i++)
		cgroup_line(r, &r->v.cgroups[i]);
	if (r->v.n_cgroups == 0)
		sb_printf(&r->lines, "cgroups: none matches --cgroup\n");
	cgroup_perf(r);
}

/* ---- the rest ---- */

static void render_candidates(struct report *r)
{
	const struct oomw_snapshot *s = r->in.snap;
	problem_lines(r, OOMW_SRC_CANDIDATES);
	for (size_t i = 0; r->in.candidates_asked && s->candidates_err == 0 && i < s->n_candidates;
	     i++) {
		const struct oomw_candidate *c = &s->candidates[i];
		char comm[COMM_SHOWN_MAX + 1], rss[SIZE_TEXT_MAX] = "?", adj[SIZE_TEXT_MAX] = "?";
		oomw_escape_field(c->comm, c->comm_len, COMM_SHOWN_MAX, OOMW_CUT_END, comm,
				  sizeof(comm));
		if (c->rss_kib != OOMW_UNKNOWN)
			oomw_format_kib(c->rss_kib, rss, sizeof(rss));
		/* A missing oom_score_adj is unknown, not INT64_MIN. */
		if (c->oom_score_adj != OOMW_UNKNOWN)
			snprintf(adj, sizeof(adj), "%lld", (long long)c->oom_score_adj);
		sb_printf(&r->lines,
			  "next victim #%zu: %s (pid %lld) oom_score %lld, rss %s, oom_score_adj %s\n",
			  i + 1, comm, (long long)c->pid, (long long)c->oom_score, rss, adj);
	}
}

static void render_state(struct report *r)
{
	problem_lines(r, OOMW_SRC_STATE);
	if (r->in.snap->first_sample && r->o->verbose)
		sb_printf(&r->lines, "first run with this state file: kills since boot were read\n");
	if (r->o->verbose >= VERBOSE_SOURCES) {
		char proc[CGROUP_SHOWN_SHORT + 1], kmsg[CGROUP_SHOWN_SHORT + 1],
			state[CGROUP_SHOWN_LONG + 1];
		const struct oomw_paths *p = r->in.paths;
		oomw_escape_field(p->proc, strlen(p->proc), CGROUP_SHOWN_SHORT, OOMW_CUT_START,
				  proc, sizeof(proc));
		oomw_escape_field(p->kmsg, strlen(p->kmsg), CGROUP_SHOWN_SHORT, OOMW_CUT_START,
				  kmsg, sizeof(kmsg));
		oomw_escape_field(r->run->state_path, strlen(r->run->state_path), CGROUP_SHOWN_LONG,
				  OOMW_CUT_START, state, sizeof(state));
		sb_printf(&r->lines, "sources: proc %s, kmsg %s; state %s\n", proc, kmsg, state);
	}
}

/* The first line: at default verbosity it alone must fit NRPE v2, so the
 * summary gives way to the perfdata, which graphs depend on. */
static void write_first_line(const struct report *r, char *out, size_t size)
{
	/* With the "(more with -v)" note the long output may come to. */
	size_t perf_len = sizeof(" | ") - 1 + r->perf.len + 1 + sizeof(TRUNCATED_NOTE) - 1;
	size_t summary_max = size - 1 - perf_len;
	if (r->o->verbose == 0)
		summary_max = perf_len + SUMMARY_MIN < CHECK_OUTPUT_DEFAULT_MAX
				      ? CHECK_OUTPUT_DEFAULT_MAX - perf_len
				      : SUMMARY_MIN;
	/* ... and to the lines up to the brief why and remedy, as long as it keeps
	 * SUMMARY_KEEP (where it cannot, it stays whole and they are cut) */
	if (r->o->verbose == 0 && r->brief_end > 0 &&
	    perf_len + r->brief_end + SUMMARY_KEEP < CHECK_OUTPUT_DEFAULT_MAX &&
	    summary_max > CHECK_OUTPUT_DEFAULT_MAX - perf_len - r->brief_end)
		summary_max = CHECK_OUTPUT_DEFAULT_MAX - perf_len - r->brief_end;
	char summary[CHECK_OUTPUT_DEFAULT_MAX + 1];
	oomw_verdict_summary(&r->v, summary, sizeof(summary));
	struct sbuf sb = { out, summary_max + 1, 0 };
	out[0] = '\0';
	sb_printf(&sb, "OOM %s - %s", oomw_severity_name(r->v.severity), summary);
	if (sb.len == summary_max)
		memcpy(out + sb.len - 3, "...", 3);
	sb.size = size;
	sb_printf(&sb, " | %s\n", r->perf.buf);
}

/* The long output; at default verbosity cut at a line so NRPE v2 keeps it all. */
static void write_long_output(const struct report *r, char *out, size_t size)
{
	struct sbuf sb = { out, size, strlen(out) };
	size_t budget = size - 1 - sb.len;
	if (r->o->verbose == 0 && sb.len + r->lines.len > CHECK_OUTPUT_DEFAULT_MAX)
		budget = CHECK_OUTPUT_DEFAULT_MAX > sb.len + sizeof(TRUNCATED_NOTE)
				 ? CHECK_OUTPUT_DEFAULT_MAX - sb.len - (sizeof(TRUNCATED_NOTE) - 1)
				 : 0;
	if (r->lines.len <= budget) {
		sb_printf(&sb, "%s", r->lines.buf);
		return;
	}
	size_t cut = budget;
	while (cut > 0 && r->lines.buf[cut - 1] != '\n')
		cut--;
	sb_printf(&sb, "%.*s%s", (int)cut, r->lines.buf, TRUNCATED_NOTE);
}

enum check_state check_report(const struct check_options *o, const struct check_run *run, char *out,
			      size_t size)
{
	static char perf_buf[CHECK_OUTPUT_MAX], lines_buf[CHECK_OUTPUT_MAX];
	static struct report r;
	memset(&r, 0, sizeof(r));
	r.o = o;
	r.run = run;
	r.perf = (struct sbuf){ perf_buf, sizeof(perf_buf), 0 };
	r.lines = (struct sbuf){ lines_buf, sizeof(lines_buf), 0 };
	perf_buf[0] = lines_buf[0] = '\0';
	r.in = (struct oomw_assess_input){
		.snap = run->snap,
		.events = run->events,
		.n_events = run->n_events,
		.n_new = run->n_new,
		.paths = &o->mon.paths,
		.kmsg_option = "--kmsg",
		.state_path = run->state_path,
		.cgroups_asked = o->mon.n_cgroup_globs > 0,
		.candidates_asked = o->mon.n_candidates > 0,
		.save_err = run->save_err,
	};
	oomw_assess(&r.in, &o->params, &r.v);

	render_kills(&r);
	render_memory(&r);
	render_psi(&r);
	render_cgroups(&r);
	render_candidates(&r);
	render_state(&r);
	write_first_line(&r, out, size);
	write_long_output(&r, out, size);
	return (enum check_state)r.v.severity;
}
