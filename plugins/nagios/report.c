/* SPDX-License-Identifier: MIT */
/* report.c — the verdict and the text of check_oom (report.h). Numbers are
 * printed with printf in the C locale: check_oom never calls setlocale(). */
#include "report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "text.h"

#define USEC_PER_SEC 1000000LL
#define SEC_PER_MIN 60
#define SEC_PER_HOUR 3600
#define SEC_PER_DAY 86400
#define BYTES_PER_KIB 1024.0
#define PCT_SCALE 100.0
/* Kills named one per line in the long output at default verbosity. */
#define KILLS_SHOWN_DEFAULT 3
/* Escaped names are cut to this many bytes where output space is tight. */
#define COMM_SHOWN_MAX 64
#define CGROUP_SHOWN_SHORT 96
#define CGROUP_SHOWN_SUMMARY 48
#define CGROUP_SHOWN_LONG 2048
#define SUMMARY_PARTS_MAX 8
/* The least of a summary kept when space is short: state and the first words. */
#define SUMMARY_MIN 64
#define PART_MAX 384
#define TIME_TEXT_MAX 48
#define SIZE_TEXT_MAX 32
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

static const char *check_state_name(enum check_state s)
{
	static const char *const names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
	return (unsigned)s < 4 ? names[s] : "UNKNOWN";
}

/* CRITICAL > WARNING > UNKNOWN > OK: a real alarm outranks a partial failure. */
static int severity(enum check_state s)
{
	static const int rank[] = { 0, 2, 3, 1 };
	return rank[s];
}

static enum check_state worst(enum check_state a, enum check_state b)
{
	return severity(a) >= severity(b) ? a : b;
}

/* Escapes bytes a process or cgroup chose ('|' too: it starts perfdata),
 * cutting to max bytes with "..." so one name cannot eat the output. A cgroup
 * path keeps its end (keep_end): the leaf names the service or container,
 * the start is the same long prefix for every pod. */
static void esc_cut(const char *in, size_t len, size_t max, bool keep_end, char *out, size_t size)
{
	char full[CGROUP_SHOWN_LONG * 4 + 1];
	size_t n = oomw_escape(in, len, "|", full, sizeof(full));
	if (max > size - 1)
		max = size - 1;
	if (n <= max) {
		memcpy(out, full, n + 1);
		return;
	}
	if (!keep_end) {
		n = oomw_escape(in, len, "|", out, max - 3 + 1);
		memcpy(out + n, "...", 4);
		return;
	}
	size_t start = n - (max - 3);
	/* Never start inside "\xNN": in escaped text every '\' begins one. */
	for (size_t k = 1; k <= 3 && k <= start; k++)
		if (full[start - k] == '\\') {
			start = start - k + 4;
			break;
		}
	memcpy(out, "...", 3);
	memcpy(out + 3, full + start, n - start + 1);
}

static void esc(const char *in, size_t len, size_t max, char *out, size_t size)
{
	esc_cut(in, len, max, false, out, size);
}

static void esc_path(const char *path, size_t max, char *out, size_t size)
{
	esc_cut(path, strlen(path), max, true, out, size);
}

static void fmt_time(int64_t wall_usec, char *out, size_t size)
{
	if (wall_usec == OOMW_UNKNOWN) {
		snprintf(out, size, "unknown time");
		return;
	}
	time_t t = (time_t)(wall_usec / USEC_PER_SEC);
	struct tm tm;
	if (!localtime_r(&t, &tm) || strftime(out, size, "%Y-%m-%d %H:%M:%S %Z", &tm) == 0)
		snprintf(out, size, "@%lld", (long long)t);
}

static void fmt_duration(int64_t sec, char *out, size_t size)
{
	/* "24h" reads better than "1d"; whole days from two on. */
	if (sec % SEC_PER_DAY == 0 && sec >= 2 * SEC_PER_DAY)
		snprintf(out, size, "%lldd", (long long)(sec / SEC_PER_DAY));
	else if (sec % SEC_PER_HOUR == 0)
		snprintf(out, size, "%lldh", (long long)(sec / SEC_PER_HOUR));
	else if (sec % SEC_PER_MIN == 0)
		snprintf(out, size, "%lldm", (long long)(sec / SEC_PER_MIN));
	else
		snprintf(out, size, "%llds", (long long)sec);
}

static const char *err_text(int err)
{
	return strerror(err < 0 ? -err : err);
}

/* ---- ranges ---- */

/* The range as perfdata wants it. A count or percentage prints exactly as
 * typed (minus '%', which perfdata ranges cannot hold); a size prints in
 * bytes, the perfdata's unit. */
static void range_perf(const struct oomw_range *r, char *out, size_t size)
{
	size_t o = 0;
	if (r->unit != OOMW_UNIT_BYTES) {
		for (const char *p = r->text; *p && o + 1 < size; p++)
			if (*p != '%')
				out[o++] = *p;
		out[o] = '\0';
		return;
	}
	char start[SIZE_TEXT_MAX] = "", end[SIZE_TEXT_MAX] = "";
	if (r->start_neg_inf)
		snprintf(start, sizeof(start), "~");
	else if (r->start != 0 || r->end_inf)
		snprintf(start, sizeof(start), "%.0f", r->start);
	if (!r->end_inf)
		snprintf(end, sizeof(end), "%.0f", r->end);
	snprintf(out, size, "%s%s%s%s", r->alert_inside ? "@" : "", start, start[0] ? ":" : "",
		 end);
}

/* Which value a range compares: a size range the bytes, others the plain value. */
static double pick(const struct oomw_range *r, double plain, double bytes)
{
	return r->unit == OOMW_UNIT_BYTES ? bytes : plain;
}

static enum check_state judge(const struct check_threshold *t, double plain, double bytes)
{
	if (t->has_crit && oomw_range_alerts(&t->crit, pick(&t->crit, plain, bytes)))
		return CHECK_CRITICAL;
	if (t->has_warn && oomw_range_alerts(&t->warn, pick(&t->warn, plain, bytes)))
		return CHECK_WARNING;
	return CHECK_OK;
}

/* ---- perfdata ---- */

/* One perfdata item; warn/crit only from ranges of the given unit family. */
static void perf(struct sbuf *sb, const char *label, const char *value, const char *uom,
		 const struct check_threshold *t, bool bytes_metric, const char *min,
		 const char *max)
{
	char w[OOMW_RANGE_TEXT_MAX * 2] = "", c[OOMW_RANGE_TEXT_MAX * 2] = "";
	if (t && t->has_warn && (t->warn.unit == OOMW_UNIT_BYTES) == bytes_metric)
		range_perf(&t->warn, w, sizeof(w));
	if (t && t->has_crit && (t->crit.unit == OOMW_UNIT_BYTES) == bytes_metric)
		range_perf(&t->crit, c, sizeof(c));
	sb_printf(sb, "%s'%s'=%s%s;%s;%s;%s;%s", sb->len ? " " : "", label, value, uom, w, c, min,
		  max);
}

/* ---- kills ---- */

static bool has_cgroup(const struct oomw_kill *k)
{
	return k->task_memcg[0] || k->oom_memcg[0];
}

/* Whether a kill happened in cgroup `path` or below it. */
static bool kill_in_cgroup(const struct oomw_kill *k, const char *path)
{
	const char *where = k->task_memcg[0] ? k->task_memcg : k->oom_memcg;
	size_t n = strlen(path);
	if (strcmp(path, "/") == 0)
		return where[0] == '/';
	return strncmp(where, path, n) == 0 && (where[n] == '\0' || where[n] == '/');
}

static int64_t rss_kib(const struct oomw_kill *k)
{
	int64_t parts[] = { k->anon_rss_kib, k->file_rss_kib, k->shmem_rss_kib };
	int64_t sum = OOMW_UNKNOWN;
	for (size_t i = 0; i < 3; i++)
		if (parts[i] != OOMW_UNKNOWN)
			sum = (sum == OOMW_UNKNOWN ? 0 : sum) + parts[i];
	return sum;
}

/* Every field the log gave, for -v. */
static void describe_kill_long(struct sbuf *sb, const struct oomw_event *ev)
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
	if (k->constraint[0]) {
		char c[OOMW_CONSTRAINT_MAX * 4 + 1];
		oomw_escape(k->constraint, strlen(k->constraint), "|", c, sizeof(c));
		sb_printf(sb, ", %s", c);
	}
	if (k->oom_memcg[0]) {
		char c[CGROUP_SHOWN_LONG + 1];
		esc(k->oom_memcg, strlen(k->oom_memcg), CGROUP_SHOWN_LONG, c, sizeof(c));
		sb_printf(sb, ", limit of %s", c);
	}
	if (k->reaped)
		sb_printf(sb, ", reaped");
}

/* ---- the report ---- */

struct part {
	enum check_state state;
	char text[PART_MAX];
};

struct report {
	const struct check_options *o;
	const struct check_run *run;
	enum check_state state;
	struct part parts[SUMMARY_PARTS_MAX];
	size_t n_parts;
	struct sbuf perf, lines;
	char window[SIZE_TEXT_MAX];
	/* The admin's paths, escaped too: a newline there would also break the output. */
	char proc[CGROUP_SHOWN_SHORT + 1], kmsg[CGROUP_SHOWN_SHORT + 1];
	const char *unknown_why; /* why a kill has no details */
};

/* "python3 (pid 3882, 66.6 MiB, /system.slice/batch.service) at 2026-…" */
static void describe_victim(const struct report *r, const struct oomw_event *ev, size_t cg_max,
			    char *out, size_t size)
{
	char when[TIME_TEXT_MAX];
	fmt_time(ev->wall_usec, when, sizeof(when));
	if (!ev->has_details) {
		snprintf(out, size, "victim unknown (%s), %s %s", r->unknown_why,
			 ev->backlog ? "some time since boot at" : "noticed", when);
		return;
	}
	const struct oomw_kill *k = &ev->kill;
	char comm[COMM_SHOWN_MAX + 1], cg[CGROUP_SHOWN_LONG + 1], sz[SIZE_TEXT_MAX] = "";
	esc(k->comm, k->comm_len, COMM_SHOWN_MAX, comm, sizeof(comm));
	const char *cgp = k->task_memcg[0] ? k->task_memcg : k->oom_memcg;
	if (cgp[0])
		esc_path(cgp, cg_max, cg, sizeof(cg));
	else
		snprintf(cg, sizeof(cg), "%s OOM", oomw_scope_name(k->scope));
	int64_t rss = rss_kib(k);
	if (rss != OOMW_UNKNOWN) {
		oomw_format_kib(rss, sz + 2, sizeof(sz) - 2);
		memcpy(sz, ", ", 2);
	}
	char pid[24] = "?";
	if (k->pid != OOMW_UNKNOWN)
		snprintf(pid, sizeof(pid), "%lld", (long long)k->pid);
	struct sbuf sb = { out, size, 0 };
	sb_printf(&sb, "%s (pid %s%s, %s) at %s", comm, pid, sz, cg, when);
}

__attribute__((format(printf, 3, 4))) static void add_part(struct report *r, enum check_state s,
							   const char *fmt, ...)
{
	r->state = worst(r->state, s);
	if (r->n_parts == SUMMARY_PARTS_MAX)
		return;
	struct part *p = &r->parts[r->n_parts++];
	p->state = s;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->text, sizeof(p->text), fmt, ap);
	va_end(ap);
}

/* Whether a kill counts: its time is inside the window. A kill whose time is
 * unknown counts only when it is new, so that it alerts once and then ages out. */
static bool in_window(const struct report *r, const struct oomw_event *ev, size_t i)
{
	const struct check_run *run = r->run;
	if (ev->wall_usec == OOMW_UNKNOWN)
		return i + run->n_new >= run->n_events;
	return ev->wall_usec >= run->snap->wall_usec - r->o->window_sec * USEC_PER_SEC;
}

/* Named kills in the same second as ev: a memory.oom.group kill, or one OOM
 * that took several processes, is one event for the reader of the summary. */
static size_t killed_with(const struct report *r, const struct oomw_event *ev)
{
	const struct check_run *run = r->run;
	size_t n = 0;
	if (ev->wall_usec == OOMW_UNKNOWN)
		return 0;
	for (size_t i = 0; i < run->n_events; i++) {
		const struct oomw_event *o = &run->events[i];
		int64_t d;
		/* Times come from the state file too: an unknown one (INT64_MIN) or
		 * an absurd one must not overflow the difference. */
		if (o == ev || !o->has_details || o->wall_usec == OOMW_UNKNOWN ||
		    __builtin_sub_overflow(o->wall_usec, ev->wall_usec, &d))
			continue;
		if (d > -USEC_PER_SEC && d < USEC_PER_SEC)
			n++;
	}
	return n;
}

static void report_kills(struct report *r)
{
	const struct check_run *run = r->run;
	const struct oomw_snapshot *s = run->snap;
	size_t n_win = 0, shown = 0;
	const struct oomw_event *latest = NULL;
	size_t limit = r->o->verbose ? run->n_events : KILLS_SHOWN_DEFAULT;

	for (size_t i = run->n_events; i-- > 0;) {
		const struct oomw_event *ev = &run->events[i];
		if (!in_window(r, ev, i))
			continue;
		n_win++;
		/* The summary names the newest victim the log named: a kill
		 * counted without details has no time of its own to be "latest". */
		if (!latest || (!latest->has_details && ev->has_details))
			latest = ev;
		/* Kills counted together without details share one line. */
		size_t same = 0;
		while (!ev->has_details && i > 0 && !run->events[i - 1].has_details &&
		       run->events[i - 1].wall_usec == ev->wall_usec && in_window(r, &run->events[i - 1], i - 1)) {
			i--;
			same++;
		}
		n_win += same;
		if (shown++ >= limit)
			continue;
		char v[PART_MAX];
		if (same > 0) {
			char when[TIME_TEXT_MAX];
			fmt_time(ev->wall_usec, when, sizeof(when));
			sb_printf(&r->lines, "kills #%llu-#%llu: %zu victims unknown (%s), %s %s\n",
				  (unsigned long long)run->events[i].index, (unsigned long long)ev->index,
				  same + 1, r->unknown_why,
				  ev->backlog ? "some time since boot at" : "noticed", when);
			continue;
		}
		describe_victim(r, ev, r->o->verbose ? CGROUP_SHOWN_LONG : CGROUP_SHOWN_SHORT, v,
				sizeof(v));
		sb_printf(&r->lines, "kill #%llu: %s", (unsigned long long)ev->index, v);
		if (r->o->verbose && ev->has_details)
			describe_kill_long(&r->lines, ev);
		sb_printf(&r->lines, "\n");
	}
	if (shown > limit)
		sb_printf(&r->lines, "... and %zu more lines of kills in the window (-v)\n", shown - limit);
	/* -vvv: the rest of the state's history, which no longer alerts. */
	for (size_t i = run->n_events; r->o->verbose >= 3 && i-- > 0;) {
		const struct oomw_event *ev = &run->events[i];
		if (in_window(r, ev, i))
			continue;
		char v[PART_MAX];
		describe_victim(r, ev, CGROUP_SHOWN_LONG, v, sizeof(v));
		sb_printf(&r->lines, "older kill #%llu: %s", (unsigned long long)ev->index, v);
		if (ev->has_details)
			describe_kill_long(&r->lines, ev);
		sb_printf(&r->lines, "\n");
	}

	bool countable = s->vmstat_err == 0 && s->oom_kill_total != OOMW_UNKNOWN;
	bool kmsg_none = strcmp(r->o->mon.paths.kmsg, OOMW_KMSG_NONE) == 0;
	bool log_read = s->klog_err == 0 && !kmsg_none;
	if (!countable && !log_read) {
		/* klog_err is 0 with --kmsg none: say why the log is not read, not "Success". */
		add_part(r, CHECK_UNKNOWN, "cannot count OOM kills: %s/vmstat %s and kernel log %s",
			 r->proc,
			 s->vmstat_why    ? s->vmstat_why
			 : s->vmstat_err ? err_text(s->vmstat_err)
					 : "has no oom_kill (kernel < 4.13)",
			 kmsg_none ? "not read (--kmsg none)" : err_text(s->klog_err));
	}
	/* The state keeps at most OOMW_STATE_EVENTS_MAX kills: when some were not
	 * kept (older ones dropped, or a since-boot backlog larger than the room
	 * left) and even the oldest kept one is in the window, more may be too. */
	bool full = run->n_events == OOMW_STATE_EVENTS_MAX &&
		    (run->events[0].index > 1 || run->n_new > run->n_events) &&
		    in_window(r, &run->events[0], 0);
	if (full)
		sb_printf(&r->lines, "the state keeps the last %d kills: more may fall in the window\n",
			  OOMW_STATE_EVENTS_MAX);
	enum check_state st = judge(&r->o->kills, (double)n_win, 0);
	if (n_win > 0 || st != CHECK_OK) {
		char v[PART_MAX] = "";
		if (latest)
			describe_victim(r, latest, CGROUP_SHOWN_SUMMARY, v, sizeof(v));
		size_t with = latest && latest->has_details ? killed_with(r, latest) : 0;
		char also[TIME_TEXT_MAX] = "";
		if (with > 0)
			snprintf(also, sizeof(also), " (+%zu killed with it)", with);
		add_part(r, st, "%zu%s OOM kill%s in last %s%s%s%s", n_win, full ? "+" : "",
			 n_win == 1 ? "" : "s", r->window,
			 latest ? n_win == 1 ? ": " : ", latest " : "", v, also);
	}
	char val[SIZE_TEXT_MAX];
	snprintf(val, sizeof(val), "%zu", n_win);
	perf(&r->perf, "kills", val, "", &r->o->kills, false, "0", "");
	if (countable) {
		snprintf(val, sizeof(val), "%lld", (long long)s->oom_kill_total);
		perf(&r->perf, "oom_kill_total", val, "c", NULL, false, "0", "");
	}
}

/* Where the kills come from, before the list: these lines explain the rest. */
static void report_kill_sources(struct report *r)
{
	const struct oomw_snapshot *s = r->run->snap;
	if (s->vmstat_err != 0)
		sb_printf(&r->lines, "cannot read %s/vmstat: %s; kills are counted from the kernel log\n",
			  r->proc, s->vmstat_why ? s->vmstat_why : err_text(s->vmstat_err));
	else if (s->oom_kill_total == OOMW_UNKNOWN)
		sb_printf(&r->lines, "no oom_kill in %s/vmstat (kernel < 4.13): kills are counted from "
				     "the kernel log\n", r->proc);
	if (s->vmstat_err == 0 && s->oom_kill_total != OOMW_UNKNOWN) {
		sb_printf(&r->lines, "OOM kills since boot: %lld (%s/vmstat oom_kill)",
			  (long long)s->oom_kill_total, r->proc);
		if (s->kills_without_details > 0)
			sb_printf(&r->lines, ", %lld without details", (long long)s->kills_without_details);
		sb_printf(&r->lines, "; new since the last check: %zu\n", r->run->n_new);
	}
	if (strcmp(r->o->mon.paths.kmsg, OOMW_KMSG_NONE) == 0) {
		sb_printf(&r->lines, "kernel log not read (--kmsg none): kills are counted without "
				     "victim details\n");
	} else if (s->klog_err == -EPERM || s->klog_err == -EACCES) {
		sb_printf(&r->lines,
			  "victim details need CAP_SYSLOG: %s is not readable by this user "
			  "(kernel.dmesg_restrict=1); kills are still counted from %s/vmstat. "
			  "Fix: setcap cap_syslog=ep on check_oom (the Debian package does)\n",
			  r->kmsg, r->proc);
	} else if (s->klog_err != 0) {
		sb_printf(&r->lines, "kernel log %s: %s; kills are counted without victim details\n",
			  r->kmsg, err_text(s->klog_err));
	}
	if (s->klog_missed > 0)
		sb_printf(&r->lines, "%llu kernel log records were overwritten before they were read\n",
			  (unsigned long long)s->klog_missed);
}

/* A gauge with a total: % and size thresholds, perfdata in bytes and percent. */
static void report_gauge(struct report *r, const char *what, const char *label,
			 const char *label_pct, const struct check_threshold *t, int64_t free_kib,
			 int64_t total_kib)
{
	double pct = total_kib > 0 ? (double)free_kib * PCT_SCALE / (double)total_kib : 0;
	double bytes = (double)free_kib * BYTES_PER_KIB;
	char fs[SIZE_TEXT_MAX], ts[SIZE_TEXT_MAX], v[SIZE_TEXT_MAX], max[SIZE_TEXT_MAX];
	oomw_format_kib(free_kib, fs, sizeof(fs));
	oomw_format_kib(total_kib, ts, sizeof(ts));
	enum check_state st = judge(t, pct, bytes);
	if (st != CHECK_OK)
		add_part(r, st, "%s %.1f%% (%s of %s)", what, pct, fs, ts);
	sb_printf(&r->lines, "%s: %s of %s (%.1f%%)\n", what, fs, ts, pct);
	snprintf(v, sizeof(v), "%.0f", bytes);
	snprintf(max, sizeof(max), "%.0f", (double)total_kib * BYTES_PER_KIB);
	perf(&r->perf, label, v, "B", t, true, "0", max);
	snprintf(v, sizeof(v), "%.2f", pct);
	perf(&r->perf, label_pct, v, "%", t, false, "0", "100");
}

static void report_memory(struct report *r)
{
	const struct oomw_snapshot *s = r->run->snap;
	const struct oomw_meminfo *m = &s->mem;
	if (s->mem_err != 0 || m->mem_total_kib == OOMW_UNKNOWN ||
	    m->mem_available_kib == OOMW_UNKNOWN) {
		/* Without meminfo there is no memory verdict at all: an essential source. */
		add_part(r, CHECK_UNKNOWN, "cannot read %s/meminfo: %s", r->proc,
			 s->mem_why ? s->mem_why : s->mem_err ? err_text(s->mem_err) : "no MemTotal");
		return;
	}
	report_gauge(r, m->mem_available_estimated ? "memory available (estimated)"
						   : "memory available",
		     "mem_available", "mem_available_pct", &r->o->mem, m->mem_available_kib,
		     m->mem_total_kib);
	if (m->swap_total_kib == OOMW_UNKNOWN || m->swap_free_kib == OOMW_UNKNOWN)
		sb_printf(&r->lines, "swap: unknown (not in meminfo)\n");
	else if (m->swap_total_kib == 0)
		sb_printf(&r->lines, "swap: none\n");
	else
		report_gauge(r, "swap free", "swap_free", "swap_free_pct", &r->o->swap,
			     m->swap_free_kib, m->swap_total_kib);
}

static void report_psi(struct report *r)
{
	const struct oomw_snapshot *s = r->run->snap;
	const struct oomw_psi_line *lines[] = { &s->psi.some, &s->psi.full };
	const char *names[] = { "some", "full" };
	const struct oomw_psi_line *sel = lines[r->o->psi_line];

	if (!s->psi.some.known && !s->psi.full.known) {
		sb_printf(&r->lines, "memory pressure: not available (%s)\n",
			  s->psi_why ? s->psi_why
			  : s->psi_err == -ENOENT ? "kernel without PSI"
			  : s->psi_err == -EOPNOTSUPP ? "psi=0"
						   : err_text(s->psi_err));
		return;
	}
	sb_printf(&r->lines, "memory pressure:");
	for (size_t i = 0; i < 2; i++)
		if (lines[i]->known)
			sb_printf(&r->lines, " %s avg10=%.2f%% avg60=%.2f%% avg300=%.2f%%", names[i],
				  (double)lines[i]->avg10_cpct / PCT_SCALE,
				  (double)lines[i]->avg60_cpct / PCT_SCALE,
				  (double)lines[i]->avg300_cpct / PCT_SCALE);
	sb_printf(&r->lines, "\n");
	if (!sel->known) {
		sb_printf(&r->lines, "memory pressure: no '%s' line here, not judged (see --psi)\n",
			  names[r->o->psi_line]);
		return;
	}
	int64_t cpct = r->o->psi_avg_sec == 10   ? sel->avg10_cpct
		       : r->o->psi_avg_sec == 300 ? sel->avg300_cpct
						  : sel->avg60_cpct;
	double pct = (double)cpct / PCT_SCALE;
	enum check_state st = judge(&r->o->psi, pct, 0);
	if (st != CHECK_OK)
		add_part(r, st, "memory pressure %s avg%d %.2f%%", names[r->o->psi_line],
			 r->o->psi_avg_sec, pct);
	char label[32], v[SIZE_TEXT_MAX];
	snprintf(label, sizeof(label), "psi_%s_avg%d", names[r->o->psi_line], r->o->psi_avg_sec);
	snprintf(v, sizeof(v), "%.2f", pct);
	perf(&r->perf, label, v, "%", &r->o->psi, false, "0", "100");
}

/* A kill in the window whose cgroup the log named. */
static bool named_in_window(const struct report *r, size_t i)
{
	const struct oomw_event *ev = &r->run->events[i];
	return ev->has_details && has_cgroup(&ev->kill) && in_window(r, ev, i);
}

static void report_cgroups(struct report *r)
{
	const struct check_run *run = r->run;
	const struct oomw_snapshot *s = run->snap;
	if (r->o->mon.n_cgroup_globs == 0)
		return;
	if (s->cgroup_err != 0) {
		char sys[CGROUP_SHOWN_SHORT + 1];
		esc(r->o->mon.paths.sys, strlen(r->o->mon.paths.sys), CGROUP_SHOWN_SHORT, sys,
		    sizeof(sys));
		/* The monitor's codes (monitor.h), spelled out: "Argument list too
		 * long" would not tell the admin that the list is cut. */
		if (s->cgroup_err == -ENOENT)
			sb_printf(&r->lines, "cgroups: no memory cgroup controller under %s\n", sys);
		else if (s->cgroup_err == -E2BIG)
			sb_printf(&r->lines, "cgroups: more than %d match --cgroup; only the first %d are checked\n",
				  OOMW_SNAPSHOT_CGROUPS_MAX, OOMW_SNAPSHOT_CGROUPS_MAX);
		else
			sb_printf(&r->lines, "cgroups: some under %s could not be read (%s); the list is incomplete\n",
				  sys, err_text(s->cgroup_err));
	}

	enum check_state worst_st = CHECK_OK;
	const struct oomw_snapshot_cgroup *worst_cg = NULL;
	double max_pct = -1, max_bytes = -1, worst_pct = -1;
	for (size_t i = 0; i < s->n_cgroups; i++) {
		const struct oomw_cgroup_stats *c = &s->cgroups[i].stats;
		char path[CGROUP_SHOWN_LONG + 1], us[SIZE_TEXT_MAX], ls[SIZE_TEXT_MAX] = "no limit";
		size_t n_win = 0;
		esc_path(c->path, r->o->verbose ? CGROUP_SHOWN_LONG : CGROUP_SHOWN_SHORT, path,
			 sizeof(path));
		for (size_t e = 0; e < run->n_events; e++)
			if (named_in_window(r, e) && kill_in_cgroup(&run->events[e].kill, c->path))
				n_win++;
		sb_printf(&r->lines, "cgroup %s:", path);
		if (c->usage_bytes != OOMW_UNKNOWN) {
			double bytes = (double)c->usage_bytes;
			bool limited = c->limit_bytes != OOMW_UNKNOWN && c->limit_bytes != OOMW_UNLIMITED &&
				       c->limit_bytes > 0;
			double pct = limited ? bytes * PCT_SCALE / (double)c->limit_bytes : 0;
			oomw_format_kib(c->usage_bytes / 1024, us, sizeof(us));
			if (limited)
				oomw_format_kib(c->limit_bytes / 1024, ls, sizeof(ls));
			sb_printf(&r->lines, " usage %s of %s", us, ls);
			if (limited)
				sb_printf(&r->lines, " (%.1f%%)", pct);
			/* A percentage of no limit means nothing: only sizes judge those. */
			struct check_threshold t = r->o->cgroup_usage;
			if (!limited) {
				t.has_warn = t.has_warn && t.warn.unit == OOMW_UNIT_BYTES;
				t.has_crit = t.has_crit && t.crit.unit == OOMW_UNIT_BYTES;
			}
			enum check_state st = judge(&t, pct, bytes);
			if (!worst_cg || severity(st) > severity(worst_st)) {
				worst_st = st;
				worst_cg = &s->cgroups[i];
				worst_pct = limited ? pct : -1;
			}
			if (limited && pct > max_pct)
				max_pct = pct;
			if (bytes > max_bytes)
				max_bytes = bytes;
		}
		if (c->oom_kill != OOMW_UNKNOWN)
			sb_printf(&r->lines, ", %lld OOM kills since boot", (long long)c->oom_kill);
		sb_printf(&r->lines, ", %zu named in last %s\n", n_win, r->window);
	}
	if (worst_cg && worst_st != CHECK_OK) {
		const struct oomw_cgroup_stats *c = &worst_cg->stats;
		char path[CGROUP_SHOWN_SUMMARY + 1], us[SIZE_TEXT_MAX];
		esc_path(c->path, CGROUP_SHOWN_SUMMARY, path, sizeof(path));
		oomw_format_kib(c->usage_bytes / 1024, us, sizeof(us));
		if (worst_pct >= 0)
			add_part(r, worst_st, "cgroup %s uses %s (%.1f%% of its limit)", path, us,
				 worst_pct);
		else
			add_part(r, worst_st, "cgroup %s uses %s (no limit)", path, us);
	}
	if (s->n_cgroups == 0)
		sb_printf(&r->lines, "cgroups: none matches --cgroup\n");

	size_t n_kills = 0;
	for (size_t e = 0; e < run->n_events; e++) {
		if (!named_in_window(r, e))
			continue;
		for (size_t i = 0; i < s->n_cgroups; i++)
			if (kill_in_cgroup(&run->events[e].kill, s->cgroups[i].stats.path)) {
				n_kills++;
				break;
			}
	}
	char v[SIZE_TEXT_MAX];
	snprintf(v, sizeof(v), "%zu", n_kills);
	perf(&r->perf, "cgroup_kills", v, "", NULL, false, "0", "");
	if (max_bytes >= 0) {
		snprintf(v, sizeof(v), "%.0f", max_bytes);
		perf(&r->perf, "cgroup_usage", v, "B", &r->o->cgroup_usage, true, "0", "");
	}
	if (max_pct >= 0) {
		snprintf(v, sizeof(v), "%.2f", max_pct);
		perf(&r->perf, "cgroup_usage_pct", v, "%", &r->o->cgroup_usage, false, "0", "");
	}
}

static void report_candidates(struct report *r)
{
	const struct oomw_snapshot *s = r->run->snap;
	if (r->o->mon.n_candidates == 0)
		return;
	if (s->candidates_err != 0) {
		sb_printf(&r->lines, "candidates: %s\n", err_text(s->candidates_err));
		return;
	}
	for (size_t i = 0; i < s->n_candidates; i++) {
		const struct oomw_candidate *c = &s->candidates[i];
		char comm[COMM_SHOWN_MAX + 1], rss[SIZE_TEXT_MAX] = "?", adj[SIZE_TEXT_MAX] = "?";
		esc(c->comm, c->comm_len, COMM_SHOWN_MAX, comm, sizeof(comm));
		if (c->rss_kib != OOMW_UNKNOWN)
			oomw_format_kib(c->rss_kib, rss, sizeof(rss));
		/* A missing oom_score_adj is unknown, not INT64_MIN. */
		if (c->oom_score_adj != OOMW_UNKNOWN)
			snprintf(adj, sizeof(adj), "%lld", (long long)c->oom_score_adj);
		sb_printf(&r->lines, "next victim #%zu: %s (pid %lld) oom_score %lld, rss %s, "
				     "oom_score_adj %s\n",
			  i + 1, comm, (long long)c->pid, (long long)c->oom_score, rss, adj);
	}
}

static void report_state(struct report *r)
{
	const struct check_run *run = r->run;
	const struct oomw_snapshot *s = run->snap;
	char path[CGROUP_SHOWN_LONG + 1];
	esc(run->state_path, strlen(run->state_path), CGROUP_SHOWN_LONG, path, sizeof(path));
	if (run->save_err != 0)
		add_part(r, CHECK_UNKNOWN, "cannot save state %s: %s (kills would be reported again)",
			 path, err_text(run->save_err));
	/* "Replaced" only when the save worked: else the summary says it failed. */
	if (s->state_err != 0 && s->state_err != -ENOENT)
		sb_printf(&r->lines, "state file %s was unusable (%s) and %s\n", path,
			  s->state_why ? s->state_why : err_text(s->state_err),
			  run->save_err != 0 ? "could not be replaced" : "has been replaced");
	if (s->first_sample && r->o->verbose)
		sb_printf(&r->lines, "first run with this state file: kills since boot were read\n");
	if (r->o->verbose >= 2)
		sb_printf(&r->lines, "sources: proc %s, kmsg %s; state %s\n", r->proc, r->kmsg, path);
}

/* Summary parts worst first; when nothing alerts, the kills (if any were
 * allowed by the ranges) and the memory available. */
static void write_summary(struct report *r, struct sbuf *out)
{
	sb_printf(out, "OOM %s - ", check_state_name(r->state));
	bool any = false;
	for (int rank = 3; rank >= 1; rank--)
		for (size_t i = 0; i < r->n_parts; i++)
			if (severity(r->parts[i].state) == rank) {
				sb_printf(out, "%s%s", any ? "; " : "", r->parts[i].text);
				any = true;
			}
	if (any)
		return;
	for (size_t i = 0; i < r->n_parts; i++) {
		sb_printf(out, "%s%s", any ? ", " : "", r->parts[i].text);
		any = true;
	}
	if (!any)
		sb_printf(out, "no OOM kill in last %s", r->window);
	const struct oomw_meminfo *m = &r->run->snap->mem;
	if (m->mem_total_kib > 0 && m->mem_available_kib != OOMW_UNKNOWN)
		sb_printf(out, ", %.1f%% memory available",
			  (double)m->mem_available_kib * PCT_SCALE / (double)m->mem_total_kib);
}

enum check_state check_report(const struct check_options *o, const struct check_run *run,
			      char *out, size_t size)
{
	static char perf_buf[CHECK_OUTPUT_MAX], lines_buf[CHECK_OUTPUT_MAX];
	static struct report r;
	memset(&r, 0, sizeof(r));
	r.o = o;
	r.run = run;
	r.perf = (struct sbuf){ perf_buf, sizeof(perf_buf), 0 };
	r.lines = (struct sbuf){ lines_buf, sizeof(lines_buf), 0 };
	perf_buf[0] = lines_buf[0] = '\0';
	fmt_duration(o->window_sec, r.window, sizeof(r.window));
	esc(o->mon.paths.proc, strlen(o->mon.paths.proc), CGROUP_SHOWN_SHORT, r.proc, sizeof(r.proc));
	esc(o->mon.paths.kmsg, strlen(o->mon.paths.kmsg), CGROUP_SHOWN_SHORT, r.kmsg, sizeof(r.kmsg));
	r.unknown_why = strcmp(o->mon.paths.kmsg, OOMW_KMSG_NONE) == 0 ? "kernel log not read"
			: run->snap->klog_err == -EPERM || run->snap->klog_err == -EACCES
				? "kernel log unreadable"
				: "not in the kernel log";

	report_kill_sources(&r);
	report_kills(&r);
	report_memory(&r);
	report_psi(&r);
	report_cgroups(&r);
	report_candidates(&r);
	report_state(&r);

	/* At default verbosity the first line alone must fit NRPE v2: the summary
	 * gives way to the perfdata, which graphs depend on. */
	size_t perf_len = sizeof(" | ") - 1 + r.perf.len + 1;
	size_t summary_max = size - 1 - perf_len;
	if (o->verbose == 0)
		summary_max = perf_len + SUMMARY_MIN < CHECK_OUTPUT_DEFAULT_MAX
				      ? CHECK_OUTPUT_DEFAULT_MAX - perf_len
				      : SUMMARY_MIN;
	struct sbuf sb = { out, summary_max + 1, 0 };
	out[0] = '\0';
	write_summary(&r, &sb);
	if (sb.len == summary_max)
		memcpy(out + sb.len - 3, "...", 3);
	sb.size = size;
	sb_printf(&sb, " | %s\n", perf_buf);

	/* At default verbosity cut the long output at a line so NRPE v2 keeps it all. */
	size_t budget = size - 1 - sb.len;
	if (o->verbose == 0 && sb.len + r.lines.len > CHECK_OUTPUT_DEFAULT_MAX)
		budget = CHECK_OUTPUT_DEFAULT_MAX > sb.len + sizeof(TRUNCATED_NOTE)
				 ? CHECK_OUTPUT_DEFAULT_MAX - sb.len - (sizeof(TRUNCATED_NOTE) - 1)
				 : 0;
	if (r.lines.len <= budget) {
		sb_printf(&sb, "%s", lines_buf);
	} else {
		size_t cut = budget;
		while (cut > 0 && lines_buf[cut - 1] != '\n')
			cut--;
		sb_printf(&sb, "%.*s%s", (int)cut, lines_buf, TRUNCATED_NOTE);
	}
	return r.state;
}
