/* SPDX-License-Identifier: MIT */
/* assess.c — the verdicts of every front end (assess.h). Numbers are printed
 * with snprintf: front ends never call setlocale(LC_NUMERIC), so '.' it is. */
#include "assess.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cgroup_name.h"
#include "defaults.h"
#include "text.h"

#define USEC_PER_SEC 1000000LL
#define SEC_PER_MIN 60
#define SEC_PER_HOUR 3600
#define SEC_PER_DAY 86400
#define BYTES_PER_KIB 1024.0
#define PCT_SCALE 100.0
/* An admin's path inside a sentence; a cgroup inside the summary. */
#define PATH_SHOWN_MAX 96
#define CGROUP_SHOWN_SUMMARY 48
#define COMM_SHOWN_MAX 64
#define TIME_TEXT_MAX 48
#define SIZE_TEXT_MAX 32
/* The hint of a refused threshold writes the text twice, with a unit after each number. */
#define HINT_MAX (OOMW_RANGE_TEXT_MAX * 2 + 1)

/* ---- severity ---------------------------------------------------------- */

int oomw_severity_rank(enum oomw_severity s)
{
	switch (s) {
	case OOMW_SEV_OK:
		return 0;
	case OOMW_SEV_UNKNOWN:
		return 1;
	case OOMW_SEV_WARNING:
		return 2;
	case OOMW_SEV_CRITICAL:
		return 3;
	}
	return 1;
}

enum oomw_severity oomw_severity_worse(enum oomw_severity a, enum oomw_severity b)
{
	return oomw_severity_rank(b) > oomw_severity_rank(a) ? b : a;
}

const char *oomw_severity_name(enum oomw_severity s)
{
	switch (s) {
	case OOMW_SEV_OK:
		return "OK";
	case OOMW_SEV_WARNING:
		return "WARNING";
	case OOMW_SEV_CRITICAL:
		return "CRITICAL";
	case OOMW_SEV_UNKNOWN:
		break;
	}
	return "UNKNOWN";
}

/* ---- text helpers ------------------------------------------------------- */

/* Appends to a fixed buffer; what does not fit is cut, never overflows. */
struct text {
	char *buf;
	size_t size, len;
};

__attribute__((format(printf, 2, 3))) static void text_add(struct text *t, const char *fmt, ...)
{
	if (t->size == 0 || t->len + 1 >= t->size)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	t->len += (size_t)n < t->size - t->len ? (size_t)n : t->size - t->len - 1;
}

void oomw_escape_field(const char *in, size_t len, size_t max, enum oomw_cut cut, char *out, size_t size)
{
	char full[OOMW_CGROUP_PATH_MAX * 4 + 1];
	if (size == 0)
		return;
	size_t n = oomw_escape(in, len, "|", full, sizeof(full));
	if (max > size - 1)
		max = size - 1;
	if (n <= max) {
		memcpy(out, full, n + 1);
		return;
	}
	if (max < 4) {
		out[0] = '\0';
		return;
	}
	if (cut == OOMW_CUT_END) {
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

static void esc_path(const char *path, size_t max, char *out, size_t size)
{
	oomw_escape_field(path, strlen(path), max, OOMW_CUT_START, out, size);
}

const char *oomw_format_time(int64_t wall_usec, char *out, size_t size)
{
	if (wall_usec == OOMW_UNKNOWN) {
		snprintf(out, size, "unknown time");
		return out;
	}
	time_t t = (time_t)(wall_usec / USEC_PER_SEC);
	struct tm tm;
	if (!localtime_r(&t, &tm) || strftime(out, size, "%Y-%m-%d %H:%M:%S %Z", &tm) == 0)
		snprintf(out, size, "@%lld", (long long)t);
	return out;
}

const char *oomw_format_duration(int64_t sec, char *out, size_t size)
{
	/* "24h" reads better than "1d"; whole days from two on. */
	if (sec % SEC_PER_DAY == 0 && sec >= 2 * SEC_PER_DAY)
		snprintf(out, size, "%lldd", (long long)(sec / SEC_PER_DAY));
	else if (sec % SEC_PER_HOUR == 0 && sec > 0)
		snprintf(out, size, "%lldh", (long long)(sec / SEC_PER_HOUR));
	else if (sec % SEC_PER_MIN == 0 && sec > 0)
		snprintf(out, size, "%lldm", (long long)(sec / SEC_PER_MIN));
	else
		snprintf(out, size, "%llds", (long long)sec);
	return out;
}

static const char *err_text(int err)
{
	return strerror(err < 0 ? -err : err);
}

/* ---- thresholds --------------------------------------------------------- */

/* Nagios range syntax, as opposed to a bare value. */
static bool explicit_range(const char *text)
{
	return strchr(text, ':') != NULL || text[0] == '@' || text[0] == '~';
}

/* text with unit after each number: "10:20" -> "10%:20%". */
static void with_unit(const char *text, const char *unit, char *out, size_t size)
{
	struct text t = { out, size, 0 };
	out[0] = '\0';
	for (const char *p = text; *p; p++) {
		text_add(&t, "%c", *p);
		bool in_number = (*p >= '0' && *p <= '9') || *p == '.';
		bool next_in_number = (p[1] >= '0' && p[1] <= '9') || p[1] == '.';
		if (in_number && !next_in_number)
			text_add(&t, "%s", unit);
	}
}

static int refuse_unitless(const char *text, char why[OOMW_THRESHOLD_WHY_MAX])
{
	char pct[HINT_MAX], size[HINT_MAX];
	with_unit(text, "%", pct, sizeof(pct));
	with_unit(text, "M", size, sizeof(size));
	struct text t = { why, OOMW_THRESHOLD_WHY_MAX, 0 };
	text_add(&t, "'%s' has no unit; write %s or %s", text, pct, size);
	return -EINVAL;
}

int oomw_threshold_parse(const char *text, enum oomw_metric m, struct oomw_threshold *out,
			 char why[OOMW_THRESHOLD_WHY_MAX])
{
	char nagios[OOMW_RANGE_TEXT_MAX + 2];
	const char *rwhy = "invalid range";
	memset(out, 0, sizeof(*out));
	why[0] = '\0';
	if (text[0] == '\0')
		return 0;
	/* A bare value on a "higher is better" metric alerts below it: "10%" is "10%:". */
	bool below = m == OOMW_METRIC_FREE && !explicit_range(text);
	if ((size_t)snprintf(nagios, sizeof(nagios), "%s%s", text, below ? ":" : "") >= sizeof(nagios)) {
		snprintf(why, OOMW_THRESHOLD_WHY_MAX, "malformed range '%.*s...': range too long",
			 OOMW_RANGE_TEXT_MAX / 2, text);
		return -EINVAL;
	}
	if (oomw_range_parse(nagios, &out->range, &rwhy) < 0) {
		snprintf(why, OOMW_THRESHOLD_WHY_MAX, "malformed range '%s': %s", text, rwhy);
		return -EINVAL;
	}
	enum oomw_unit u = out->range.unit;
	const char *bad = NULL;
	switch (m) {
	case OOMW_METRIC_COUNT:
		bad = u != OOMW_UNIT_NONE ? "a count takes no unit" : NULL;
		break;
	case OOMW_METRIC_PRESSURE:
		bad = u == OOMW_UNIT_BYTES ? "pressure is a percentage, not a size" : NULL;
		break;
	case OOMW_METRIC_FREE:
	case OOMW_METRIC_USAGE:
		if (u == OOMW_UNIT_NONE)
			return refuse_unitless(text, why);
		break;
	}
	if (bad) {
		snprintf(why, OOMW_THRESHOLD_WHY_MAX, "range '%s': %s", text, bad);
		return -EINVAL;
	}
	out->set = true;
	return 0;
}

void oomw_threshold_perf(const struct oomw_threshold *t, enum oomw_perf_label label, char *out,
			 size_t size)
{
	const struct oomw_range *r = &t->range;
	bool in_bytes = label == OOMW_PERF_BYTES;
	out[0] = '\0';
	if (!t->set || (r->unit == OOMW_UNIT_BYTES) != in_bytes)
		return;
	if (!in_bytes) {
		/* As typed (in Nagios form), minus '%', which perfdata ranges cannot hold. */
		size_t o = 0;
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
	snprintf(out, size, "%s%s%s%s", r->alert_inside ? "@" : "", start, start[0] ? ":" : "", end);
}

int oomw_margin_parse(const char *text, struct oomw_margin *out, char why[OOMW_THRESHOLD_WHY_MAX])
{
	const char *swhy = "not a size";
	size_t len = strlen(text);
	why[0] = '\0';
	if (len > 0 && len <= OOMW_RANGE_TEXT_MAX && text[len - 1] >= '0' && text[len - 1] <= '9')
		return refuse_unitless(text, why);
	if (oomw_size_parse(text, &out->value, &out->unit, &swhy) < 0) {
		snprintf(why, OOMW_THRESHOLD_WHY_MAX, "'%.*s': %s", OOMW_RANGE_TEXT_MAX, text, swhy);
		return -EINVAL;
	}
	return 0;
}

/* ---- gauges ------------------------------------------------------------- */

struct oomw_gauge oomw_gauge_bytes(int64_t value_bytes, int64_t total_bytes)
{
	struct oomw_gauge g = { .known = false };
	if (value_bytes == OOMW_UNKNOWN)
		return g;
	g.known = true;
	g.bytes = (double)value_bytes;
	g.value = g.bytes;
	if (total_bytes != OOMW_UNKNOWN && total_bytes != OOMW_UNLIMITED && total_bytes > 0) {
		g.total_bytes = (double)total_bytes;
		g.pct_known = true;
		g.pct = g.bytes * PCT_SCALE / g.total_bytes;
	}
	return g;
}

struct oomw_gauge oomw_gauge_kib(int64_t value_kib, int64_t total_kib)
{
	struct oomw_gauge g = { .known = false };
	if (value_kib == OOMW_UNKNOWN)
		return g;
	g = oomw_gauge_bytes(value_kib, total_kib); /* the share is the same in KiB */
	g.bytes *= BYTES_PER_KIB;
	g.value = g.bytes;
	g.total_bytes *= BYTES_PER_KIB;
	return g;
}

struct oomw_gauge oomw_gauge_pct(double pct)
{
	struct oomw_gauge g = { .known = true, .value = pct, .pct_known = true, .pct = pct };
	return g;
}

struct oomw_gauge oomw_gauge_count(size_t n)
{
	struct oomw_gauge g = { .known = true, .value = (double)n };
	return g;
}

/* Whether r alerts on g with its alerting region widened by margin (in r's
 * unit); false when g has nothing in r's unit. */
static bool alerts(const struct oomw_range *r, const struct oomw_gauge *g, double margin)
{
	double v;
	switch (r->unit) {
	case OOMW_UNIT_BYTES:
		v = g->bytes;
		break;
	case OOMW_UNIT_PCT:
		if (!g->pct_known)
			return false;
		v = g->pct;
		break;
	case OOMW_UNIT_NONE:
	default:
		v = g->value;
		break;
	}
	/* Alerting outside: the range shrinks by margin; alerting inside: it grows. */
	double m = r->alert_inside ? margin : -margin;
	bool inside = (r->start_neg_inf || v >= r->start - m) && (r->end_inf || v <= r->end + m);
	return r->alert_inside ? inside : !inside;
}

/* The margin in the unit of range r, for gauge g. */
static double margin_in(const struct oomw_margin *mg, const struct oomw_range *r,
			const struct oomw_gauge *g)
{
	if (!mg)
		return 0;
	if (mg->unit == r->unit || (r->unit == OOMW_UNIT_NONE && mg->unit == OOMW_UNIT_PCT))
		return mg->value;
	if (r->unit == OOMW_UNIT_BYTES && mg->unit == OOMW_UNIT_PCT)
		return g->total_bytes * mg->value / PCT_SCALE;
	if (r->unit == OOMW_UNIT_PCT && mg->unit == OOMW_UNIT_BYTES && g->total_bytes > 0)
		return mg->value * PCT_SCALE / g->total_bytes;
	return 0;
}

static enum oomw_severity judge_margin(const struct oomw_limits *l, const struct oomw_gauge *g,
				       const struct oomw_margin *mg)
{
	if (!g->known)
		return OOMW_SEV_UNKNOWN;
	const struct oomw_range *c = &l->critical.range, *w = &l->warning.range;
	if (l->critical.set && alerts(c, g, margin_in(mg, c, g)))
		return OOMW_SEV_CRITICAL;
	if (l->warning.set && alerts(w, g, margin_in(mg, w, g)))
		return OOMW_SEV_WARNING;
	return OOMW_SEV_OK;
}

enum oomw_severity oomw_judge(const struct oomw_limits *l, const struct oomw_gauge *g)
{
	return judge_margin(l, g, NULL);
}

enum oomw_severity oomw_judge_held(const struct oomw_limits *l, const struct oomw_gauge *g,
				   const struct oomw_margin *margin, enum oomw_severity prev)
{
	if (!g->known)
		return prev;
	enum oomw_severity now = judge_margin(l, g, NULL);
	/* No earlier verdict to hold: the plain one. */
	if (prev == OOMW_SEV_UNKNOWN || oomw_severity_rank(now) >= oomw_severity_rank(prev))
		return now;
	enum oomw_severity held = judge_margin(l, g, margin);
	return oomw_severity_rank(held) < oomw_severity_rank(prev) ? held : prev;
}

enum oomw_change oomw_severity_change(enum oomw_severity prev, enum oomw_severity now)
{
	if (now == OOMW_SEV_UNKNOWN || now == prev)
		return OOMW_CHANGE_NONE;
	if (prev == OOMW_SEV_UNKNOWN)
		return now == OOMW_SEV_OK ? OOMW_CHANGE_NONE : OOMW_CHANGE_WORSE;
	if (now == OOMW_SEV_OK)
		return OOMW_CHANGE_RECOVERED;
	return oomw_severity_rank(now) > oomw_severity_rank(prev) ? OOMW_CHANGE_WORSE
								  : OOMW_CHANGE_BETTER;
}

/* ---- kills -------------------------------------------------------------- */

const char *oomw_kill_cgroup(const struct oomw_kill *k)
{
	return k->task_memcg[0] ? k->task_memcg : k->oom_memcg;
}

int64_t oomw_kill_rss_kib(const struct oomw_kill *k)
{
	if (k->anon_rss_kib == OOMW_UNKNOWN || k->file_rss_kib == OOMW_UNKNOWN)
		return OOMW_UNKNOWN;
	return k->anon_rss_kib + k->file_rss_kib +
	       (k->shmem_rss_kib == OOMW_UNKNOWN ? 0 : k->shmem_rss_kib);
}

/* Whether the cgroup where lies at path or below it. */
static bool cgroup_within(const char *where, const char *path)
{
	size_t n = strlen(path);
	if (where[0] != '/')
		return false;
	if (strcmp(path, "/") == 0)
		return true;
	return strncmp(where, path, n) == 0 && (where[n] == '\0' || where[n] == '/');
}

bool oomw_kill_in_cgroup(const struct oomw_kill *k, const char *path)
{
	return cgroup_within(oomw_kill_cgroup(k), path);
}

static bool is_new(const struct oomw_assess_input *in, size_t i)
{
	return i + in->n_new >= in->n_events;
}

static int64_t window_start_usec(const struct oomw_assess_input *in, const struct oomw_assess_params *p)
{
	return in->snap->wall_usec - p->window_sec * USEC_PER_SEC;
}

int64_t oomw_backlog_noticed_usec(const struct oomw_assess_input *in, size_t i)
{
	const struct oomw_event *ev = &in->events[i];
	if (is_new(in, i))
		return in->snap->wall_usec;
	if (ev->kill.wall_usec != OOMW_UNKNOWN && ev->kill.wall_usec >= ev->wall_usec)
		return ev->kill.wall_usec;
	return ev->wall_usec;
}

bool oomw_event_in_window(const struct oomw_assess_input *in, const struct oomw_assess_params *p,
			  size_t i)
{
	const struct oomw_event *ev = &in->events[i];
	if (p->window_sec <= 0)
		return false;
	if (ev->backlog)
		return is_new(in, i) || oomw_backlog_noticed_usec(in, i) >= window_start_usec(in, p);
	if (ev->wall_usec == OOMW_UNKNOWN)
		return is_new(in, i);
	return ev->wall_usec >= window_start_usec(in, p);
}

enum oomw_news oomw_event_news(const struct oomw_event *ev, const struct oomw_snapshot *snap,
			       const struct oomw_assess_params *p)
{
	enum oomw_news news = ev->backlog ? OOMW_NEWS_BACKLOG : OOMW_NEWS_KILL;
	if (!snap->first_sample)
		return news;
	switch (p->first_start) {
	case OOMW_FIRST_START_ALL:
		return news;
	case OOMW_FIRST_START_NONE:
		return OOMW_NEWS_HISTORY;
	case OOMW_FIRST_START_WINDOW:
		break;
	}
	/* A kill of unknown time may be recent: never silent. */
	if (ev->backlog)
		return news;
	if (p->window_sec > 0 && ev->wall_usec != OOMW_UNKNOWN &&
	    ev->wall_usec >= snap->wall_usec - p->window_sec * USEC_PER_SEC)
		return news;
	return OOMW_NEWS_HISTORY;
}

const char *oomw_no_details_why(const struct oomw_assess_input *in)
{
	if (strcmp(in->paths->kmsg, OOMW_KMSG_NONE) == 0)
		return "kernel log not read";
	if (in->snap->klog_err == -EPERM || in->snap->klog_err == -EACCES)
		return "kernel log unreadable";
	return "not in the kernel log";
}

void oomw_backlog_text(size_t n, enum oomw_count_bound bound, int64_t noticed_usec, char *out,
		       size_t size)
{
	bool more = bound == OOMW_COUNT_AT_LEAST;
	char when[TIME_TEXT_MAX];
	snprintf(out, size, "%zu%s OOM kill%s at an unknown time since boot, first noticed %s", n,
		 more ? "+" : "", n == 1 && !more ? "" : "s",
		 oomw_format_time(noticed_usec, when, sizeof(when)));
}

/* "earlyoom killed stress (pid 4242, SIGTERM, oom_score 912, 6.9 GiB) at …",
 * "systemd-oomd killed /system.slice/batch.service (swap) at …". */
static void userspace_victim_text(const struct oomw_event *ev, size_t cgroup_max, struct text *t)
{
	const struct oomw_ukill *u = &ev->ukill;
	const struct oomw_kill *k = &ev->kill;
	char when[TIME_TEXT_MAX], cg[OOMW_CGROUP_PATH_MAX * 4 + 1], sz[SIZE_TEXT_MAX] = "";
	text_add(t, "%s killed ", oomw_killer_name(ev->killer));
	if (k->pid != OOMW_UNKNOWN) {
		char comm[COMM_SHOWN_MAX + 1];
		oomw_escape_field(k->comm, k->comm_len, COMM_SHOWN_MAX, OOMW_CUT_END, comm,
				  sizeof(comm));
		text_add(t, "%s (pid %lld, %s", comm, (long long)k->pid,
			 u->signal == SIGKILL   ? "SIGKILL"
			 : u->signal == SIGTERM ? "SIGTERM"
						: "signal ?");
		if (u->oom_score != OOMW_UNKNOWN)
			text_add(t, ", oom_score %lld", (long long)u->oom_score);
		if (u->rss_kib != OOMW_UNKNOWN)
			text_add(t, ", %s", oomw_format_kib(u->rss_kib, sz, sizeof(sz)));
		text_add(t, ")");
	} else {
		esc_path(u->cgroup[0] ? u->cgroup : "?", cgroup_max, cg, sizeof(cg));
		text_add(t, "%s (%s)", cg, oomw_ukill_reason_name(u->reason));
	}
	text_add(t, " at %s", oomw_format_time(ev->wall_usec, when, sizeof(when)));
}

void oomw_victim_text(const struct oomw_assess_input *in, const struct oomw_event *ev,
		      size_t cgroup_max, char *out, size_t size)
{
	char when[TIME_TEXT_MAX];
	struct text t = { out, size, 0 };
	out[0] = '\0';
	if (!ev->has_details) {
		if (ev->backlog)
			text_add(&t, "victim unknown (%s), at an unknown time since boot",
				 oomw_no_details_why(in));
		else
			text_add(&t, "victim unknown (%s), noticed %s", oomw_no_details_why(in),
				 oomw_format_time(ev->wall_usec, when, sizeof(when)));
		return;
	}
	if (ev->killer != OOMW_KILLER_KERNEL) {
		userspace_victim_text(ev, cgroup_max, &t);
		return;
	}
	const struct oomw_kill *k = &ev->kill;
	char comm[COMM_SHOWN_MAX + 1], cg[OOMW_CGROUP_PATH_MAX * 4 + 1], sz[SIZE_TEXT_MAX] = "";
	char pid[SIZE_TEXT_MAX] = "?";
	oomw_escape_field(k->comm, k->comm_len, COMM_SHOWN_MAX, OOMW_CUT_END, comm, sizeof(comm));
	const char *cgp = oomw_kill_cgroup(k);
	if (cgp[0])
		esc_path(cgp, cgroup_max, cg, sizeof(cg));
	else
		snprintf(cg, sizeof(cg), "%s OOM", oomw_scope_name(k->scope));
	int64_t rss = oomw_kill_rss_kib(k);
	if (rss != OOMW_UNKNOWN) {
		memcpy(sz, ", ", 3);
		oomw_format_kib(rss, sz + 2, sizeof(sz) - 2);
	}
	if (k->pid != OOMW_UNKNOWN)
		snprintf(pid, sizeof(pid), "%lld", (long long)k->pid);
	text_add(&t, "%s (pid %s%s, %s) at %s", comm, pid, sz, cg,
		 oomw_format_time(ev->wall_usec, when, sizeof(when)));
}

/* ---- the verdict -------------------------------------------------------- */

/* What the judging functions share. */
struct ctx {
	const struct oomw_assess_input *in;
	const struct oomw_assess_params *p;
	struct oomw_verdict *v;
	char proc[PATH_SHOWN_MAX + 1], kmsg[PATH_SHOWN_MAX + 1], sys[PATH_SHOWN_MAX + 1];
};

void oomw_assess_params_default(struct oomw_assess_params *p, enum oomw_frontend fe)
{
	char why[OOMW_THRESHOLD_WHY_MAX];
	const char *dwhy = NULL;
	memset(p, 0, sizeof(*p));
	/* The defaults are constants that the unit tests parse: they cannot fail. */
	(void)oomw_duration_parse(OOMW_DEFAULT_KILL_WINDOW, &p->window_sec, &dwhy);
	(void)oomw_threshold_parse(OOMW_DEFAULT_KILLS_CRITICAL, OOMW_METRIC_COUNT,
				   &p->kills.critical, why);
	p->backlog = OOMW_SEV_WARNING;
	p->first_start = OOMW_FIRST_START_WINDOW;
	(void)oomw_threshold_parse(OOMW_DEFAULT_MEM_WARNING, OOMW_METRIC_FREE,
				   &p->mem_available.warning, why);
	(void)oomw_threshold_parse(OOMW_DEFAULT_MEM_CRITICAL, OOMW_METRIC_FREE,
				   &p->mem_available.critical, why);
	(void)oomw_threshold_parse(OOMW_DEFAULT_SWAP_WARNING, OOMW_METRIC_FREE,
				   &p->swap_free.warning, why);
	(void)oomw_threshold_parse(OOMW_DEFAULT_SWAP_CRITICAL, OOMW_METRIC_FREE,
				   &p->swap_free.critical, why);
	p->psi_line = OOMW_PSI_FULL;
	p->psi_avg_sec = OOMW_DEFAULT_PSI_AVG_SEC;
	(void)oomw_threshold_parse(OOMW_DEFAULT_PSI_WARNING, OOMW_METRIC_PRESSURE, &p->psi.warning,
				   why);
	(void)oomw_threshold_parse(OOMW_DEFAULT_PSI_CRITICAL, OOMW_METRIC_PRESSURE,
				   &p->psi.critical, why);
	(void)oomw_threshold_parse(OOMW_DEFAULT_CGROUP_WARNING, OOMW_METRIC_USAGE,
				   &p->cgroup_usage.warning, why);
	(void)oomw_margin_parse(OOMW_DEFAULT_HYSTERESIS, &p->hysteresis, why);
	p->hold = fe != OOMW_FRONTEND_NAGIOS;
}

/* A memory gauge's verdict, held by the hysteresis when the front end asks. */
static enum oomw_severity judge_gauge(const struct ctx *c, const struct oomw_limits *l,
				      const struct oomw_gauge *g, enum oomw_severity prev)
{
	if (c->p->hold && c->in->prev)
		return oomw_judge_held(l, g, &c->p->hysteresis, prev);
	return oomw_judge(l, g);
}

__attribute__((format(printf, 3, 4))) static void add_part(struct ctx *c, enum oomw_severity s,
							   const char *fmt, ...)
{
	struct oomw_verdict *v = c->v;
	v->severity = oomw_severity_worse(v->severity, s);
	if (v->n_parts == OOMW_PARTS_MAX)
		return;
	struct oomw_part *p = &v->parts[v->n_parts++];
	p->severity = s;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->text, sizeof(p->text), fmt, ap);
	va_end(ap);
}

/* A source problem; one that changes the verdict is also a clause of the summary. */
__attribute__((format(printf, 5, 6))) static void add_problem(struct ctx *c, enum oomw_source src,
							      enum oomw_severity s, int err,
							      const char *fmt, ...)
{
	struct oomw_verdict *v = c->v;
	if (v->n_problems == OOMW_PROBLEMS_MAX)
		return;
	struct oomw_problem *p = &v->problems[v->n_problems++];
	p->source = src;
	p->severity = s;
	p->err = err;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->text, sizeof(p->text), fmt, ap);
	va_end(ap);
	if (s != OOMW_SEV_OK)
		add_part(c, s, "%s", p->text);
}

static bool kmsg_none(const struct ctx *c)
{
	return strcmp(c->in->paths->kmsg, OOMW_KMSG_NONE) == 0;
}

static const char *kmsg_option(const struct ctx *c)
{
	return c->in->kmsg_option ? c->in->kmsg_option : "kmsg";
}

static bool counter_readable(const struct oomw_snapshot *s)
{
	return s->vmstat_err == 0 && s->oom_kill_total != OOMW_UNKNOWN;
}

static void problems_kill_sources(struct ctx *c)
{
	const struct oomw_snapshot *s = c->in->snap;
	if (s->vmstat_err != 0)
		add_problem(c, OOMW_SRC_VMSTAT, OOMW_SEV_OK, s->vmstat_err,
			    "cannot read %s/vmstat: %s; kills are counted from the kernel log",
			    c->proc, s->vmstat_why ? s->vmstat_why : err_text(s->vmstat_err));
	else if (s->oom_kill_total == OOMW_UNKNOWN)
		add_problem(c, OOMW_SRC_VMSTAT, OOMW_SEV_OK, 0,
			    "no oom_kill in %s/vmstat (kernel < 4.13): kills are counted from the "
			    "kernel log",
			    c->proc);
	if (kmsg_none(c))
		add_problem(c, OOMW_SRC_KLOG, OOMW_SEV_OK, 0,
			    "kernel log not read (%s none): kills are counted without victim details",
			    kmsg_option(c));
	else if (s->klog_err == -EPERM || s->klog_err == -EACCES)
		add_problem(c, OOMW_SRC_KLOG, OOMW_SEV_OK, s->klog_err,
			    "victim details need CAP_SYSLOG: %s is not readable by this user "
			    "(kernel.dmesg_restrict=1); kills are still counted from %s/vmstat. "
			    "Fix: grant CAP_SYSLOG (setcap cap_syslog=ep on check_oom, "
			    "AmbientCapabilities=CAP_SYSLOG in a unit; the Debian packages do)",
			    c->kmsg, c->proc);
	else if (s->klog_err != 0)
		add_problem(c, OOMW_SRC_KLOG, OOMW_SEV_OK, s->klog_err,
			    "kernel log %s: %s; kills are counted without victim details", c->kmsg,
			    s->klog_why ? s->klog_why : err_text(s->klog_err));
	if (s->klog_missed > 0)
		add_problem(c, OOMW_SRC_KLOG, OOMW_SEV_OK, 0,
			    "%llu kernel log records were overwritten before they were read",
			    (unsigned long long)s->klog_missed);
	bool log_read = s->klog_err == 0 && !kmsg_none(c);
	if (!counter_readable(s) && !log_read) {
		char log_why[PATH_SHOWN_MAX + 16];
		if (kmsg_none(c))
			snprintf(log_why, sizeof(log_why), "not read (%s none)", kmsg_option(c));
		else
			snprintf(log_why, sizeof(log_why), "%s", err_text(s->klog_err));
		add_problem(c, OOMW_SRC_COUNT_KILLS, OOMW_SEV_UNKNOWN,
			    s->vmstat_err ? s->vmstat_err : s->klog_err,
			    "cannot count OOM kills: %s/vmstat %s and kernel log %s", c->proc,
			    s->vmstat_why   ? s->vmstat_why
			    : s->vmstat_err ? err_text(s->vmstat_err)
					    : "has no oom_kill (kernel < 4.13)",
			    log_why);
	}
}

/* Named kills in the same second as ev: a memory.oom.group kill, or one OOM
 * that took several processes, is one event for the reader of the summary. */
static size_t killed_with(const struct oomw_assess_input *in, const struct oomw_event *ev)
{
	size_t n = 0;
	if (!ev->has_details || ev->wall_usec == OOMW_UNKNOWN)
		return 0;
	for (size_t i = 0; i < in->n_events; i++) {
		const struct oomw_event *o = &in->events[i];
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

/* Counts the window, newest first; the newest named kill is "latest". */
static void count_kills(struct ctx *c, struct oomw_kills_verdict *k)
{
	const struct oomw_assess_input *in = c->in;
	for (size_t i = in->n_events; i-- > 0;) {
		const struct oomw_event *ev = &in->events[i];
		if (!oomw_event_in_window(in, c->p, i))
			continue;
		if (ev->killer != OOMW_KILLER_KERNEL) {
			if (k->n_userspace++ == 0)
				k->latest_userspace = ev;
			continue;
		}
		if (ev->backlog) {
			int64_t noticed = oomw_backlog_noticed_usec(in, i);
			if (k->n_backlog++ == 0 || noticed > k->backlog_noticed_usec)
				k->backlog_noticed_usec = noticed;
			continue;
		}
		k->n_dated++;
		/* A kill counted without details has no time of its own to be "latest". */
		if (!k->latest || (!k->latest->has_details && ev->has_details))
			k->latest = ev;
	}
	/* Kills this sample counted but gave no event (a counter jump larger than
	 * the ring): of unknown time on a first sample, else noticed now. */
	if (in->snap->kills_not_shown > 0 && c->p->window_sec > 0) {
		size_t unshown = (size_t)in->snap->kills_not_shown;
		if (in->snap->first_sample)
			k->n_backlog += unshown;
		else
			k->n_dated += unshown;
	}
	/* The ring keeps OOMW_STATE_EVENTS_MAX kills: when some were not kept and
	 * even the oldest kept one is in the window, more may be too. */
	bool all_counted = in->snap->first_sample && in->snap->kills_not_shown > 0;
	k->more_possible = !all_counted && in->n_events == OOMW_STATE_EVENTS_MAX &&
			   (in->events[0].index > 1 || in->n_new > in->n_events) &&
			   oomw_event_in_window(in, c->p, 0);
	k->killed_with = k->latest ? killed_with(in, k->latest) : 0;
}

static void assess_kills(struct ctx *c)
{
	struct oomw_kills_verdict *k = &c->v->kills;
	const struct oomw_snapshot *s = c->in->snap;
	memset(k, 0, sizeof(*k));
	k->countable = counter_readable(s) || (s->klog_err == 0 && !kmsg_none(c));
	count_kills(c, k);
	struct oomw_gauge n = oomw_gauge_count(k->n_dated);
	enum oomw_severity dated = oomw_judge(&c->p->kills, &n);
	k->severity = k->countable ? dated : OOMW_SEV_UNKNOWN;
	if (k->n_dated > 0 || dated != OOMW_SEV_OK) {
		char victim[OOMW_PART_TEXT_MAX] = "", also[TIME_TEXT_MAX] = "";
		if (k->latest)
			oomw_victim_text(c->in, k->latest, CGROUP_SHOWN_SUMMARY, victim,
					 sizeof(victim));
		if (k->killed_with > 0)
			snprintf(also, sizeof(also), " (+%zu killed with it)", k->killed_with);
		add_part(c, dated, "%zu%s OOM kill%s in last %s%s%s%s", k->n_dated,
			 k->more_possible ? "+" : "", k->n_dated == 1 ? "" : "s", c->v->window,
			 k->latest ? k->n_dated == 1 ? ": " : ", latest " : "", victim, also);
	}
	if (k->n_userspace > 0) {
		struct oomw_gauge nu = oomw_gauge_count(k->n_userspace);
		enum oomw_severity sev = oomw_judge(&c->p->kills, &nu);
		char victim[OOMW_PART_TEXT_MAX];
		oomw_victim_text(c->in, k->latest_userspace, CGROUP_SHOWN_SUMMARY, victim,
				 sizeof(victim));
		add_part(c, sev, "%zu userspace OOM kill%s in last %s%s%s", k->n_userspace,
			 k->n_userspace == 1 ? "" : "s", c->v->window,
			 k->n_userspace == 1 ? ": " : ", latest ", victim);
		k->severity = oomw_severity_worse(k->severity, sev);
	}
	if (k->n_backlog > 0) {
		/* Kills that turned off every kill threshold ("-c ''") do not alert. */
		bool judged = c->p->kills.warning.set || c->p->kills.critical.set;
		enum oomw_severity sev = judged ? c->p->backlog : OOMW_SEV_OK;
		char text[OOMW_PART_TEXT_MAX];
		oomw_backlog_text(k->n_backlog,
				  k->more_possible && k->n_dated == 0 ? OOMW_COUNT_AT_LEAST
								      : OOMW_COUNT_EXACT,
				  k->backlog_noticed_usec, text, sizeof(text));
		add_part(c, sev, "%s", text);
		k->severity = oomw_severity_worse(k->severity, sev);
	}
}

static void assess_memory(struct ctx *c)
{
	const struct oomw_snapshot *s = c->in->snap;
	const struct oomw_meminfo *m = &s->mem;
	struct oomw_verdict *v = c->v;
	char fs[SIZE_TEXT_MAX], ts[SIZE_TEXT_MAX];
	if (s->mem_err != 0 || m->mem_total_kib == OOMW_UNKNOWN ||
	    m->mem_available_kib == OOMW_UNKNOWN) {
		/* Without meminfo there is no memory verdict at all: an essential source. */
		v->mem_severity = OOMW_SEV_UNKNOWN;
		add_problem(c, OOMW_SRC_MEMINFO, OOMW_SEV_UNKNOWN, s->mem_err,
			    "cannot read %s/meminfo: %s", c->proc,
			    s->mem_why   ? s->mem_why
			    : s->mem_err ? err_text(s->mem_err)
					 : "no MemTotal or MemAvailable");
	} else {
		v->mem_available = oomw_gauge_kib(m->mem_available_kib, m->mem_total_kib);
		v->mem_severity = judge_gauge(c, &c->p->mem_available, &v->mem_available,
					      c->in->prev ? c->in->prev->mem : OOMW_SEV_UNKNOWN);
		if (v->mem_severity != OOMW_SEV_OK)
			add_part(c, v->mem_severity, "memory available%s %.1f%% (%s of %s)",
				 m->mem_available_estimated ? " (estimated)" : "", v->mem_available.pct,
				 oomw_format_kib(m->mem_available_kib, fs, sizeof(fs)),
				 oomw_format_kib(m->mem_total_kib, ts, sizeof(ts)));
	}
	v->swap_none = s->mem_err == 0 && m->swap_total_kib == 0;
	if (s->mem_err == 0 && !v->swap_none && m->swap_total_kib != OOMW_UNKNOWN) {
		v->swap_free = oomw_gauge_kib(m->swap_free_kib, m->swap_total_kib);
		v->swap_severity =
			v->swap_free.known
				? judge_gauge(c, &c->p->swap_free, &v->swap_free,
					      c->in->prev ? c->in->prev->swap : OOMW_SEV_UNKNOWN)
				: OOMW_SEV_OK;
		if (v->swap_severity != OOMW_SEV_OK)
			add_part(c, v->swap_severity, "swap free %.1f%% (%s of %s)",
				 v->swap_free.pct, oomw_format_kib(m->swap_free_kib, fs, sizeof(fs)),
				 oomw_format_kib(m->swap_total_kib, ts, sizeof(ts)));
	}
}

const struct oomw_psi_line *oomw_psi_selected(const struct oomw_snapshot *s, enum oomw_psi_which line)
{
	return line == OOMW_PSI_SOME ? &s->psi.some : &s->psi.full;
}

int64_t oomw_psi_avg_cpct(const struct oomw_psi_line *l, int avg_sec)
{
	return avg_sec == 10 ? l->avg10_cpct : avg_sec == 300 ? l->avg300_cpct : l->avg60_cpct;
}

const char *oomw_psi_line_name(enum oomw_psi_which line)
{
	return line == OOMW_PSI_SOME ? "some" : "full";
}

static void assess_psi(struct ctx *c)
{
	const struct oomw_snapshot *s = c->in->snap;
	struct oomw_verdict *v = c->v;
	if (!s->psi.some.known && !s->psi.full.known) {
		add_problem(c, OOMW_SRC_PSI, OOMW_SEV_OK, s->psi_err,
			    "memory pressure: not available (%s)",
			    s->psi_why                  ? s->psi_why
			    : s->psi_err == -ENOENT     ? "kernel without PSI"
			    : s->psi_err == -EOPNOTSUPP ? "psi=0"
							: err_text(s->psi_err));
		return;
	}
	const struct oomw_psi_line *sel = oomw_psi_selected(s, c->p->psi_line);
	if (!sel->known)
		return;
	v->psi_judged = true;
	v->psi = oomw_gauge_pct((double)oomw_psi_avg_cpct(sel, c->p->psi_avg_sec) / PCT_SCALE);
	v->psi_severity = judge_gauge(c, &c->p->psi, &v->psi,
				      c->in->prev ? c->in->prev->psi : OOMW_SEV_UNKNOWN);
	if (v->psi_severity != OOMW_SEV_OK)
		add_part(c, v->psi_severity, "memory pressure %s avg%d %.2f%%",
			 oomw_psi_line_name(c->p->psi_line), c->p->psi_avg_sec, v->psi.pct);
}

static void problems_cgroups(struct ctx *c)
{
	int err = c->in->snap->cgroup_err;
	if (err == 0)
		return;
	/* The monitor's codes (monitor.h), spelled out: "Argument list too long"
	 * would not tell the admin that the list is cut. */
	if (err == -ENOENT)
		add_problem(c, OOMW_SRC_CGROUPS, OOMW_SEV_OK, err,
			    "cgroups: no memory cgroup controller under %s", c->sys);
	else if (err == -E2BIG)
		add_problem(c, OOMW_SRC_CGROUPS, OOMW_SEV_OK, err,
			    "cgroups: more than %d match the patterns; only the first %d are checked",
			    OOMW_SNAPSHOT_CGROUPS_MAX, OOMW_SNAPSHOT_CGROUPS_MAX);
	else
		add_problem(c, OOMW_SRC_CGROUPS, OOMW_SEV_OK, err,
			    "cgroups: some under %s could not be read (%s); the list is incomplete",
			    c->sys, err_text(err));
}

static size_t named_in_cgroup(const struct ctx *c, const char *path)
{
	size_t n = 0;
	for (size_t e = 0; e < c->in->n_events; e++) {
		const struct oomw_event *ev = &c->in->events[e];
		if (ev->has_details && oomw_event_in_window(c->in, c->p, e) &&
		    oomw_kill_in_cgroup(&ev->kill, path))
			n++;
	}
	return n;
}

/* Before the kill: a cgroup held at its limit since the previous sample (its
 * limit hits went up), or on v1 with tasks waiting at the limit right now
 * (under_oom, where the OOM killer is disabled), is a WARNING,
 * with the candidate the OOM killer would likely take there. under_oom needs
 * no baseline; it matters most where no counter moves (doc/kernel-interfaces.md,
 * "Limit hits"). */
static void held_at_limit(struct ctx *c, struct oomw_cgroup_verdict *cv)
{
	const struct oomw_snapshot *s = c->in->snap;
	cv->held = (cv->cg->limit_hits_delta != OOMW_UNKNOWN && cv->cg->limit_hits_delta > 0) ||
		   cv->cg->stats.under_oom > 0;
	cv->likeliest = NULL;
	if (!cv->held)
		return;
	cv->severity = oomw_severity_worse(cv->severity, OOMW_SEV_WARNING);
	for (size_t i = 0; i < s->n_candidates && !cv->likeliest; i++)
		if (cgroup_within(s->candidates[i].memcg, cv->cg->stats.path))
			cv->likeliest = &s->candidates[i];
}

/* "cgroup X held at its limit: 12 limit hits since the last sample, memory
 * pressure 3.20%; likeliest victim python3 (pid 3882, 60.1 MiB)"; on v1 with
 * tasks waiting at the limit "cgroup X held at its limit: tasks wait for
 * memory (under_oom)", the hits after it when some were counted. */
void oomw_held_text(const struct oomw_cgroup_verdict *cv, char *out, size_t size)
{
	struct text t = { out, size, 0 };
	char path[CGROUP_SHOWN_SUMMARY + 1], sz[SIZE_TEXT_MAX], comm[COMM_SHOWN_MAX + 1];
	const struct oomw_cgroup_stats *st = &cv->cg->stats;
	int64_t hits = cv->cg->limit_hits_delta;
	bool waiting = st->under_oom > 0;
	out[0] = '\0';
	esc_path(st->path, CGROUP_SHOWN_SUMMARY, path, sizeof(path));
	text_add(&t, "cgroup %s held at its limit: ", path);
	if (waiting)
		text_add(&t, "tasks wait for memory (under_oom)");
	if (hits != OOMW_UNKNOWN && (hits > 0 || !waiting))
		text_add(&t, "%s%lld limit hits since the last sample", waiting ? ", " : "",
			 (long long)hits);
	if (st->pressure_some_avg10_cpct != OOMW_UNKNOWN)
		text_add(&t, ", memory pressure %lld.%02lld%%",
			 (long long)(st->pressure_some_avg10_cpct / 100),
			 (long long)(st->pressure_some_avg10_cpct % 100));
	if (cv->likeliest) {
		const struct oomw_candidate *k = cv->likeliest;
		oomw_escape_field(k->comm, k->comm_len, COMM_SHOWN_MAX, OOMW_CUT_END, comm,
				  sizeof(comm));
		text_add(&t, "; likeliest victim %s (pid %lld, %s)", comm, (long long)k->pid,
			 oomw_format_kib(k->rss_kib, sz, sizeof(sz)));
	}
}

static void assess_cgroups(struct ctx *c)
{
	const struct oomw_snapshot *s = c->in->snap;
	struct oomw_verdict *v = c->v;
	if (!c->in->cgroups_asked)
		return;
	problems_cgroups(c);
	for (size_t i = 0; i < s->n_cgroups; i++) {
		struct oomw_cgroup_verdict *cv = &v->cgroups[v->n_cgroups++];
		const struct oomw_cgroup_stats *st = &s->cgroups[i].stats;
		cv->cg = &s->cgroups[i];
		cv->usage = oomw_gauge_bytes(st->usage_bytes, st->limit_bytes);
		cv->severity =
			cv->usage.known ? oomw_judge(&c->p->cgroup_usage, &cv->usage) : OOMW_SEV_OK;
		cv->n_named_window = named_in_cgroup(c, st->path);
		held_at_limit(c, cv);
		if (cv->usage.known &&
		    (!v->worst_cgroup || oomw_severity_rank(cv->severity) >
						 oomw_severity_rank(v->worst_cgroup->severity)))
			v->worst_cgroup = cv;
	}
	for (size_t i = 0; i < v->n_cgroups; i++) {
		if (!v->cgroups[i].held)
			continue;
		char held[OOMW_PART_TEXT_MAX];
		oomw_held_text(&v->cgroups[i], held, sizeof(held));
		add_part(c, OOMW_SEV_WARNING, "%s", held);
		break; /* one clause: the summary stays short; every cgroup has its verdict */
	}
	const struct oomw_cgroup_verdict *w = v->worst_cgroup;
	if (!w || w->severity == OOMW_SEV_OK || w->held)
		return;
	char path[CGROUP_SHOWN_SUMMARY + 1], us[SIZE_TEXT_MAX];
	esc_path(w->cg->stats.path, CGROUP_SHOWN_SUMMARY, path, sizeof(path));
	oomw_format_kib(w->cg->stats.usage_bytes / 1024, us, sizeof(us));
	if (w->usage.pct_known)
		add_part(c, w->severity, "cgroup %s uses %s (%.1f%% of its limit)", path, us,
			 w->usage.pct);
	else
		add_part(c, w->severity, "cgroup %s uses %s (no limit)", path, us);
}

static void problems_state(struct ctx *c)
{
	const struct oomw_assess_input *in = c->in;
	const struct oomw_snapshot *s = in->snap;
	char path[PATH_SHOWN_MAX + 1] = "state file";
	if (in->state_path)
		esc_path(in->state_path, PATH_SHOWN_MAX, path, sizeof(path));
	if (in->save_err != 0)
		add_problem(c, OOMW_SRC_STATE, OOMW_SEV_UNKNOWN, in->save_err,
			    "cannot save state %s: %s (kills would be reported again)", path,
			    err_text(in->save_err));
	/* "Replaced" only when the save worked: else the line above says it failed. */
	if (s->state_err != 0 && s->state_err != -ENOENT)
		add_problem(c, OOMW_SRC_STATE, OOMW_SEV_OK, s->state_err,
			    "state file %s was unusable (%s) and %s", path,
			    s->state_why ? s->state_why : err_text(s->state_err),
			    in->save_err != 0 ? "could not be replaced" : "has been replaced");
	if (in->candidates_asked && s->candidates_err != 0)
		add_problem(c, OOMW_SRC_CANDIDATES, OOMW_SEV_OK, s->candidates_err,
			    "candidates: %s", err_text(s->candidates_err));
}

void oomw_assess(const struct oomw_assess_input *in, const struct oomw_assess_params *p,
		 struct oomw_verdict *v)
{
	struct ctx c = { .in = in, .p = p, .v = v };
	memset(v, 0, sizeof(*v));
	v->severity = OOMW_SEV_OK;
	if (p->window_sec > 0)
		oomw_format_duration(p->window_sec, v->window, sizeof(v->window));
	esc_path(in->paths->proc, PATH_SHOWN_MAX, c.proc, sizeof(c.proc));
	esc_path(in->paths->kmsg, PATH_SHOWN_MAX, c.kmsg, sizeof(c.kmsg));
	esc_path(in->paths->sys, PATH_SHOWN_MAX, c.sys, sizeof(c.sys));

	problems_kill_sources(&c);
	assess_kills(&c);
	assess_memory(&c);
	assess_psi(&c);
	v->memory_severity = oomw_severity_worse(
		oomw_severity_worse(v->mem_severity, v->swap_severity), v->psi_severity);
	assess_cgroups(&c);
	problems_state(&c);
}

void oomw_verdict_summary(const struct oomw_verdict *v, char *out, size_t size)
{
	struct text t = { out, size, 0 };
	bool any = false;
	if (size > 0)
		out[0] = '\0';
	for (int rank = 3; rank >= 1; rank--)
		for (size_t i = 0; i < v->n_parts; i++)
			if (oomw_severity_rank(v->parts[i].severity) == rank) {
				text_add(&t, "%s%s", any ? "; " : "", v->parts[i].text);
				any = true;
			}
	if (any)
		return;
	for (size_t i = 0; i < v->n_parts; i++) {
		text_add(&t, "%s%s", any ? ", " : "", v->parts[i].text);
		any = true;
	}
	if (!any && v->window[0])
		text_add(&t, "no OOM kill in last %s", v->window);
	else if (!any)
		text_add(&t, "OOM kills not judged (kill window 0)");
	if (v->mem_available.known && v->mem_available.pct_known)
		text_add(&t, ", %.1f%% memory available", v->mem_available.pct);
}

/* ---- why that victim, and how to avoid the next kill -------------------- */

/* A limit the kernel printed for "no limit" (v1: PAGE_COUNTER_MAX pages, about
 * 2^53 KiB) is no limit for people: anything from 1 EiB up. */
#define LIMIT_NONE_KIB (1LL << 50)
/* The cgroup path in the brief sentences of check_oom's default output. */
#define PATH_SHOWN_BRIEF 48
/* ", oom_score_adj N", and a dump row as task_text writes it. */
#define ADJ_TEXT_MAX 40
#define TASK_TEXT_MAX (COMM_SHOWN_MAX + SIZE_TEXT_MAX + ADJ_TEXT_MAX + 40)

static bool limited(int64_t kib)
{
	return kib != OOMW_UNKNOWN && kib < LIMIT_NONE_KIB;
}

/* The cgroup whose limit was hit, else the victim's. */
static const char *limited_cgroup(const struct oomw_kill *k)
{
	return k->oom_memcg[0] ? k->oom_memcg : k->task_memcg;
}

static bool memcg_oom(const struct oomw_kill *k)
{
	return k->scope == OOMW_SCOPE_MEMCG || k->oom_memcg[0];
}

/* "cpuset" or "memory policy" for a kill limited by one, else NULL. */
static const char *node_constraint(const struct oomw_kill *k)
{
	if (strcmp(k->constraint, "CONSTRAINT_CPUSET") == 0)
		return "cpuset";
	if (strcmp(k->constraint, "CONSTRAINT_MEMORY_POLICY") == 0)
		return "memory policy";
	return NULL;
}

/* How the dump ranks, as the sentences need it. */
struct ranking {
	int victim;                     /* index of the victim among top[], or -1 */
	bool weighed;                   /* every kept row's oom_score_adj is in its points */
	bool adj_seen;                  /* a kept row has a non-zero oom_score_adj */
	bool pgtables;                  /* the dump shows page tables */
	bool swap;                      /* the dump shows swap */
	const struct oomw_task *larger; /* a row larger than the victim by size, that
					 * oom_score_adj put behind it; or NULL */
};

static void rank_of(const struct oomw_kill *k, struct ranking *rk)
{
	const struct oomw_report *r = &k->report;
	int64_t total_kib = oomw_report_total_kib(r, k->constraint);
	int64_t page_kib = r->page_kib != OOMW_UNKNOWN ? r->page_kib : OOMW_RANK_PAGE_KIB;
	*rk = (struct ranking){ .victim = -1, .weighed = true };
	for (size_t i = 0; i < r->n_top; i++) {
		const struct oomw_task *t = &r->top[i];
		bool w;
		(void)oomw_task_points(t, total_kib, page_kib, &w);
		rk->weighed = rk->weighed && w;
		rk->adj_seen =
			rk->adj_seen || (t->oom_score_adj != 0 && t->oom_score_adj != OOMW_UNKNOWN);
		if (t->pid == k->pid && rk->victim < 0)
			rk->victim = (int)i;
	}
	if (r->n_top > 0) {
		rk->pgtables = r->top[0].pgtables_pages != OOMW_UNKNOWN;
		rk->swap = r->top[0].swap_pages != OOMW_UNKNOWN;
	}
	const struct oomw_task *l = &r->largest;
	if (rk->victim >= 0 && l->pid != OOMW_UNKNOWN && l->pid != k->pid &&
	    oomw_task_pages(l) > oomw_task_pages(&r->top[rk->victim]))
		rk->larger = l;
}

/* What the size of a row counts. */
static const char *measure(const struct ranking *rk)
{
	if (rk->pgtables)
		return rk->swap ? "resident memory, swap and page tables"
				: "resident memory and page tables";
	return rk->swap ? "resident memory and swap" : "resident memory";
}

/* "name (pid N, 9.2 MiB[, oom_score_adj A])" of a dump row, its size being
 * what the kernel weighs; pages when the page size is unknown; brief: without
 * the pid. */
static void task_text(const struct oomw_report *r, const struct oomw_task *t, bool adj, bool brief,
		      char *out, size_t size)
{
	char name[COMM_SHOWN_MAX + 1], sz[SIZE_TEXT_MAX], a[ADJ_TEXT_MAX] = "";
	oomw_escape_field(t->name, strlen(t->name), COMM_SHOWN_MAX, OOMW_CUT_END, name, sizeof(name));
	int64_t pages = oomw_task_pages(t);
	if (r->page_kib != OOMW_UNKNOWN && pages <= OOMW_KIB_MAX / r->page_kib)
		oomw_format_kib(pages * r->page_kib, sz, sizeof(sz));
	else
		snprintf(sz, sizeof(sz), "%lld pages", (long long)pages);
	if (adj && t->oom_score_adj != OOMW_UNKNOWN && t->oom_score_adj != 0)
		snprintf(a, sizeof(a), ", oom_score_adj %lld", (long long)t->oom_score_adj);
	if (brief)
		snprintf(out, size, "%s (%s)", name, sz);
	else
		snprintf(out, size, "%s (pid %lld, %s%s)", name, (long long)t->pid, sz, a);
}

/* What ran out; brief: the cgroup path cut shorter, without its swap. */
static void why_what(const struct oomw_kill *k, bool brief, struct text *t)
{
	const struct oomw_report *r = &k->report;
	char a[SIZE_TEXT_MAX], b[SIZE_TEXT_MAX], cg[PATH_SHOWN_MAX + 1];
	const char *nodes = node_constraint(k);
	if (nodes) {
		text_add(t, "the memory nodes its %s allows ran out", nodes);
		return;
	}
	if (memcg_oom(k)) {
		const char *path = limited_cgroup(k);
		if (path[0]) {
			esc_path(path, brief ? PATH_SHOWN_BRIEF : PATH_SHOWN_MAX, cg, sizeof(cg));
			text_add(t, "cgroup %s hit its memory limit", cg);
		} else {
			text_add(t, "a memory cgroup hit its limit");
		}
		if (limited(r->memcg_limit_kib)) {
			text_add(t, " of %s", oomw_format_kib(r->memcg_limit_kib, a, sizeof(a)));
			if (r->memcg_usage_kib != OOMW_UNKNOWN)
				text_add(t, " (usage %s)",
					 oomw_format_kib(r->memcg_usage_kib, a, sizeof(a)));
		}
		if (!brief && limited(r->memsw_limit_kib) && r->memsw_usage_kib != OOMW_UNKNOWN)
			text_add(t, ", memory+swap %s of %s",
				 oomw_format_kib(r->memsw_usage_kib, a, sizeof(a)),
				 oomw_format_kib(r->memsw_limit_kib, b, sizeof(b)));
		if (!brief && limited(r->swap_limit_kib) && r->swap_usage_kib != OOMW_UNKNOWN)
			text_add(t, ", swap %s of %s",
				 oomw_format_kib(r->swap_usage_kib, a, sizeof(a)),
				 oomw_format_kib(r->swap_limit_kib, b, sizeof(b)));
		return;
	}
	if (k->scope == OOMW_SCOPE_GLOBAL) {
		text_add(t, "the machine ran out of memory");
		const char *sep = " (";
		if (r->ram_free_kib != OOMW_UNKNOWN && r->ram_total_kib != OOMW_UNKNOWN) {
			text_add(t, "%sRAM %s free of %s", sep,
				 oomw_format_kib(r->ram_free_kib, a, sizeof(a)),
				 oomw_format_kib(r->ram_total_kib, b, sizeof(b)));
			sep = ", ";
		}
		if (r->swap_total_kib == 0) {
			text_add(t, "%sno swap", sep);
			sep = ", ";
		} else if (r->swap_total_kib != OOMW_UNKNOWN && r->swap_free_kib != OOMW_UNKNOWN) {
			text_add(t, "%sswap %s free of %s", sep,
				 oomw_format_kib(r->swap_free_kib, a, sizeof(a)),
				 oomw_format_kib(r->swap_total_kib, b, sizeof(b)));
			sep = ", ";
		}
		if (sep[0] == ',')
			text_add(t, ")");
		return;
	}
	text_add(t, "memory ran out (the log does not say where)");
}

/* The victim first by the kernel's badness: the rank phrase, and in full the
 * runners-up and what oom_score_adj did. */
static void why_first(const struct oomw_kill *k, const struct ranking *rk, bool brief, struct text *t)
{
	const struct oomw_report *r = &k->report;
	char other[TASK_TEXT_MAX];
	if (rk->weighed)
		text_add(t, " was first of %lld tasks by the kernel's badness", (long long)r->n_tasks);
	else
		text_add(t, " was the largest of %lld tasks by %s", (long long)r->n_tasks, measure(rk));
	if (!brief && rk->weighed)
		text_add(t, " (%s%s)", measure(rk), rk->adj_seen ? ", shifted by oom_score_adj" : "");
	else if (!brief && rk->adj_seen)
		text_add(t, " (oom_score_adj not weighed: the log does not show the total it is a "
			    "share of)");
	const char *sep = ", ahead of ";
	for (size_t i = 0; i < r->n_top; i++) {
		if ((int)i == rk->victim || r->top[i].oom_score_adj == -1000)
			continue;
		task_text(r, &r->top[i], rk->adj_seen && !brief, brief, other, sizeof(other));
		text_add(t, "%s%s", sep, other);
		sep = " and ";
	}
	if (brief && rk->larger && rk->weighed)
		text_add(t, ", oom_score_adj changing the order");
	if (brief || !rk->larger)
		return;
	task_text(r, rk->larger, false, false, other, sizeof(other));
	if (rk->larger->oom_score_adj == -1000)
		text_add(t, "; the larger %s has oom_score_adj -1000 and cannot be chosen", other);
	else if (rk->weighed)
		text_add(t, "; oom_score_adj changed the order: the larger %s has oom_score_adj %lld",
			 other, (long long)rk->larger->oom_score_adj);
}

/* Why this task. */
static void why_task(const struct oomw_kill *k, bool brief, struct text *t)
{
	const struct oomw_report *r = &k->report;
	char comm[COMM_SHOWN_MAX + 1], sz[SIZE_TEXT_MAX], other[TASK_TEXT_MAX];
	oomw_escape_field(k->comm, k->comm_len, COMM_SHOWN_MAX, OOMW_CUT_END, comm, sizeof(comm));
	int64_t rss = oomw_kill_rss_kib(k);
	struct ranking rk;
	rank_of(k, &rk);
	text_add(t, "; %s", comm);
	if (!brief) {
		text_add(t, " (pid %lld", (long long)k->pid);
		if (rss != OOMW_UNKNOWN) {
			text_add(t, ", %s resident", oomw_format_kib(rss, sz, sizeof(sz)));
			int64_t whole = k->scope == OOMW_SCOPE_GLOBAL ? r->ram_total_kib
								      : r->memcg_usage_kib;
			if (whole != OOMW_UNKNOWN && whole > 0 && rss <= whole)
				text_add(t, ", %lld%% of the %s", (long long)(rss * 100 / whole),
					 k->scope == OOMW_SCOPE_GLOBAL ? "RAM" : "cgroup's usage");
		}
		if (k->oom_score_adj != OOMW_UNKNOWN && k->oom_score_adj != 0)
			text_add(t, ", oom_score_adj %lld", (long long)k->oom_score_adj);
		text_add(t, ")");
	}
	if (r->n_top == 0) {
		text_add(t, brief ? " was killed" : " was killed; the log lists no other tasks");
		return;
	}
	if (rk.victim == 0 && r->n_tasks == 1) {
		text_add(t, " was the only task in the dump");
		return;
	}
	if (rk.victim == 0) {
		why_first(k, &rk, brief, t);
		return;
	}
	/* The kernel chose otherwise than the dump ranks (a task that exited,
	 * oom_kill_allocating_task, oom_score_adj not weighed): say what the
	 * dump shows, no more. */
	if (brief) {
		text_add(t, " was chosen over the dump's first");
		return;
	}
	const struct oomw_task *big = &r->top[0];
	task_text(r, big, false, false, other, sizeof(other));
	text_add(t, " was chosen over %s, first in the dump by %s", other,
		 rk.weighed ? "the kernel's badness" : measure(&rk));
	if (k->oom_score_adj != OOMW_UNKNOWN && big->oom_score_adj != OOMW_UNKNOWN &&
	    k->oom_score_adj > big->oom_score_adj)
		text_add(t, ", because of its oom_score_adj %lld (against %lld)",
			 (long long)k->oom_score_adj, (long long)big->oom_score_adj);
}

static void sentence_end(char *out, struct text *t)
{
	text_add(t, ".");
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

static void kill_why(const struct oomw_kill *k, bool brief, char *out, size_t size)
{
	struct text t = { out, size, 0 };
	out[0] = '\0';
	if (k->pid == OOMW_UNKNOWN)
		return;
	why_what(k, brief, &t);
	why_task(k, brief, &t);
	sentence_end(out, &t);
}

void oomw_kill_why(const struct oomw_kill *k, char *out, size_t size)
{
	kill_why(k, false, out, size);
}

void oomw_kill_why_brief(const struct oomw_kill *k, char *out, size_t size)
{
	kill_why(k, true, out, size);
}

void oomw_kill_why_within(const struct oomw_kill *k, size_t max_len, char *out, size_t size)
{
	kill_why(k, false, out, size);
	if (strlen(out) > max_len)
		kill_why(k, true, out, size);
}

/* Which knob limits the cgroup, by what the log shows of it. */
static void remedy_memcg(const struct oomw_kill *k, bool brief, struct text *t)
{
	const struct oomw_report *r = &k->report;
	const char *path = limited_cgroup(k);
	char cg[PATH_SHOWN_MAX + 1], lim[SIZE_TEXT_MAX] = "", esc[OOMW_UNIT_NAME_MAX * 4 + 1];
	struct oomw_cgroup_name who;
	oomw_cgroup_name(path, strlen(path), &who);
	if (limited(r->memcg_limit_kib)) {
		memcpy(lim, " (now ", 7);
		oomw_format_kib(r->memcg_limit_kib, lim + 6, sizeof(lim) - 7);
		strcat(lim, ")");
	}
	esc_path(path, PATH_SHOWN_MAX, cg, sizeof(cg));
	if (who.pod_uid[0]) {
		text_add(t, "raise the memory limit (resources.limits.memory) of the container in pod %s%s",
			 who.pod_uid, lim);
	} else if (who.container_id[0]) {
		text_add(t, "raise the memory limit of %s container %.12s%s", who.runtime,
			 who.container_id, lim);
	} else if (who.unit[0]) {
		oomw_escape_field(who.unit, strlen(who.unit), sizeof(esc) - 1, OOMW_CUT_END, esc,
				  sizeof(esc));
		text_add(t, "raise MemoryMax= of %s%s", esc, lim);
	} else if (path[0]) {
		const char *knob = limited(r->memsw_limit_kib)
					   ? "memory.limit_in_bytes and memory.memsw.limit_in_bytes"
				   : r->memsw_limit_kib != OOMW_UNKNOWN ? "memory.limit_in_bytes"
				   : r->swap_limit_kib != OOMW_UNKNOWN
					   ? "memory.max"
					   : "memory.max (v1: memory.limit_in_bytes)";
		if (brief) /* the why names it */
			text_add(t, "raise %s of that cgroup%s", knob, lim);
		else
			text_add(t, "raise %s of cgroup %s%s", knob, cg, lim);
	} else {
		text_add(t, "raise the limit of the memory cgroup%s", lim);
	}
}

static void kill_remedy(const struct oomw_kill *k, bool brief, char *out, size_t size)
{
	const struct oomw_report *r = &k->report;
	struct text t = { out, size, 0 };
	char comm[COMM_SHOWN_MAX + 1], other[TASK_TEXT_MAX];
	out[0] = '\0';
	if (k->pid == OOMW_UNKNOWN)
		return;
	oomw_escape_field(k->comm, k->comm_len, COMM_SHOWN_MAX, OOMW_CUT_END, comm, sizeof(comm));
	const char *nodes = node_constraint(k);
	if (nodes)
		text_add(&t, "allow %s more memory nodes (its %s), or make it use less", comm, nodes);
	else if (memcg_oom(k)) {
		remedy_memcg(k, brief, &t);
		text_add(&t, ", or make %s use less", comm);
	} else if (k->scope == OOMW_SCOPE_GLOBAL)
		text_add(&t, "add memory%s, or cap %s with a memory limit so that it cannot take the machine",
			 r->swap_total_kib == 0 ? " or swap (there is none)" : " or swap", comm);
	else
		text_add(&t, "find what uses memory here: the log shows only the kill");
	if (!brief && k->oom_score_adj != OOMW_UNKNOWN && k->oom_score_adj > 0)
		text_add(&t, "; %s had oom_score_adj %lld, which made it the preferred victim",
			 comm, (long long)k->oom_score_adj);
	struct ranking rk;
	rank_of(k, &rk);
	if (!brief && rk.larger && rk.larger->oom_score_adj == -1000) {
		task_text(r, rk.larger, false, false, other, sizeof(other));
		text_add(&t, "; the larger %s has oom_score_adj -1000 and can never be chosen", other);
	}
	sentence_end(out, &t);
}

void oomw_kill_remedy(const struct oomw_kill *k, char *out, size_t size)
{
	kill_remedy(k, false, out, size);
}

void oomw_kill_remedy_brief(const struct oomw_kill *k, char *out, size_t size)
{
	kill_remedy(k, true, out, size);
}

void oomw_kill_remedy_within(const struct oomw_kill *k, size_t max_len, char *out, size_t size)
{
	kill_remedy(k, false, out, size);
	if (strlen(out) > max_len)
		kill_remedy(k, true, out, size);
}
