/* SPDX-License-Identifier: MIT */
/* oomparse.c — the OOM message parser: one kill per "Killed process" line, of
 * every format of kernels 3.10 to 6.x, enriched by the lines of the same report
 * (prefix, "Kill process … or sacrifice child", "oom-kill:" summary, "Task in",
 * memory.oom.group, oom_reaper). Names and paths are anything the kernel
 * printed: every number is found from a fixed anchor, never by scanning a name. */
#include "oomparse.h"

#include <string.h>

#include "text.h"

#define STRLEN(lit) (sizeof(lit) - 1)

struct span {
	const char *s;
	size_t len;
};

static bool starts_with(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);
	return len >= n && memcmp(s, lit, n) == 0;
}

static bool span_eq(const char *s, size_t len, const char *lit)
{
	return len == strlen(lit) && memcmp(s, lit, len) == 0;
}

/* First occurrence of needle in [s, s+len), or NULL. memchr's vector scan for
 * the needle's first byte that is not a blank (blanks are everywhere), then a
 * comparison: cheaper than memmem for these short needles and lines. */
static const char *find_first(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), j = 0;
	while (j + 1 < n && needle[j] == ' ')
		j++;
	const char *end = s + len;
	if (n == 0 || len < n)
		return n == 0 ? s : NULL;
	for (const char *p = s + j; (p = memchr(p, needle[j], (size_t)(end - (n - j - 1) - p))); p++)
		if (p[n - 1 - j] == needle[n - 1] && memcmp(p - j, needle, n) == 0)
			return p - j;
	return NULL;
}

/* Last occurrence of needle in [s, s+len), or NULL. */
static const char *find_last(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	const char *found = NULL, *p = s, *end = s + len;
	while ((size_t)(end - p) >= n && (p = find_first(p, (size_t)(end - p), needle))) {
		found = p;
		p++;
	}
	return found;
}

/* Length of the number (digits, an optional leading '-') at s; 0 when none. */
static size_t number_len(const char *s, const char *end)
{
	const char *p = s;
	if (p < end && *p == '-')
		p++;
	const char *d = p;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return p == d ? 0 : (size_t)(p - s);
}

/* The prefix the kernel puts before "Kill process" / "Killed process". */
static enum oomw_scope scope_of_prefix(const char *s, size_t len)
{
	if (span_eq(s, len, "Out of memory") ||
	    span_eq(s, len, "Out of memory (oom_kill_allocating_task)"))
		return OOMW_SCOPE_GLOBAL;
	if (span_eq(s, len, "Memory cgroup out of memory"))
		return OOMW_SCOPE_MEMCG;
	return OOMW_SCOPE_UNKNOWN;
}

/* A prefix we do not know may be a future kernel's message; it must not look
 * like another line that merely contains the words (a name, a reaper line). */
static bool plausible_prefix(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == ':')
			return false;
	return true;
}

/* Finds what at the start of text or after "<prefix>: " (the first such: a
 * name comes after the kernel's words). Returns the position after it, the
 * prefix in *prefix (len 0 when none), or NULL. */
static const char *find_prefixed(const char *text, size_t len, const char *what, struct span *prefix)
{
	const char *end = text + len;
	prefix->s = text;
	prefix->len = 0;
	for (const char *p = text; (p = find_first(p, (size_t)(end - p), what)); p++) {
		if (p == text)
			return p + strlen(what);
		if (p - text >= 2 && p[-2] == ':' && p[-1] == ' ') {
			prefix->len = (size_t)(p - 2 - text);
			return p + strlen(what);
		}
	}
	return NULL;
}

/* ---- "Killed process" ---- */

/* The numeric tail after ") ", in the kernel's order; fields may be missing
 * (older kernels) and the line may stop anywhere (truncation). */
static void parse_tail(const char *s, const char *end, struct oomw_kill *k)
{
	static const struct {
		const char *label;
		bool kib;
	} fields[] = {
		{ "total-vm:", true },        { ", anon-rss:", true }, { ", file-rss:", true },
		{ ", shmem-rss:", true },     { ", UID:", false },     { " pgtables:", true },
		{ " oom_score_adj:", false },
	};
	int64_t *dst[] = { &k->total_vm_kib, &k->anon_rss_kib, &k->file_rss_kib, &k->shmem_rss_kib,
			   &k->uid,          &k->pgtables_kib, &k->oom_score_adj };
	_Static_assert(sizeof(dst) / sizeof(dst[0]) == sizeof(fields) / sizeof(fields[0]),
		       "one destination per label");
	size_t i = 0;
	while (s < end) {
		while (i < sizeof(fields) / sizeof(fields[0]) &&
		       !starts_with(s, (size_t)(end - s), fields[i].label))
			i++;
		if (i == sizeof(fields) / sizeof(fields[0]))
			return; /* something we do not know: keep what we have */
		s += strlen(fields[i].label);
		size_t n = number_len(s, end);
		int64_t v;
		if (n == 0 || oomw_parse_i64(s, n, &v) < 0)
			return;
		/* A size that would overflow in bytes is no size the kernel printed. */
		if (fields[i].kib && (v < 0 || v > OOMW_KIB_MAX))
			return;
		s += n;
		/* A number is whole only when what follows it is there too. */
		if (fields[i].kib) {
			if (!starts_with(s, (size_t)(end - s), "kB"))
				return;
			s += 2;
		} else if (s < end && *s != ' ' && *s != ',') {
			return;
		}
		*dst[i++] = v;
	}
}

/* Parses a Killed line into *k and returns true,
 * with the comm as printed (still escaped) in *comm_raw. */
static bool parse_killed(const char *text, size_t len, struct oomw_kill *k, struct span *comm_raw)
{
	static const char anchor[] = ") total-vm:";
	struct span prefix;
	const char *end = text + len;
	const char *p = find_prefixed(text, len, "Killed process ", &prefix);
	if (!p)
		return false;
	oomw_kill_init(k);
	k->scope = scope_of_prefix(prefix.s, prefix.len);
	if (prefix.len && k->scope == OOMW_SCOPE_UNKNOWN && !plausible_prefix(prefix.s, prefix.len))
		return false;
	size_t n = number_len(p, end);
	if (n == 0 || p[0] == '-' || oomw_parse_i64(p, n, &k->pid) < 0)
		return false;
	p += n;
	/* RHEL 6's 2.6.32: "Killed process 2592, UID 500, (java) total-vm:…" */
	if (starts_with(p, (size_t)(end - p), ", UID ")) {
		p += STRLEN(", UID ");
		n = number_len(p, end);
		if (n == 0 || oomw_parse_i64(p, n, &k->uid) < 0)
			return false;
		p += n;
		if (!starts_with(p, (size_t)(end - p), ","))
			return false;
		p++;
	}
	if (!starts_with(p, (size_t)(end - p), " ("))
		return false;
	p += 2;
	/* The name ends at the LAST ") total-vm:": the name may contain one, the
	 * kernel's numbers after it cannot. */
	const char *a = find_last(p, (size_t)(end - p), anchor);
	const char *close = a;
	if (!a) {
		if (prefix.len && k->scope == OOMW_SCOPE_UNKNOWN)
			return false; /* unknown prefix and no tail: too unlike a kill */
		close = find_last(p, (size_t)(end - p), ")");
	}
	comm_raw->s = p;
	comm_raw->len = close ? (size_t)(close - p) : 0;
	if (close)
		k->comm_len = oomw_unescape(comm_raw->s, comm_raw->len, k->comm, sizeof(k->comm));
	if (a)
		parse_tail(a + 2, end, k);
	return true;
}

/* ---- "oom-kill:" summary ---- */

/* "…,pid=N,uid=U" at the end: returns the position of ",pid=" or NULL. */
static const char *summary_tail(const char *s, size_t len, int64_t *pid, int64_t *uid)
{
	const char *end = s + len;
	const char *u = find_last(s, len, ",uid=");
	if (!u || oomw_parse_i64(u + 5, (size_t)(end - (u + 5)), uid) < 0)
		return NULL;
	const char *pp = find_last(s, (size_t)(u - s), ",pid=");
	if (!pp || oomw_parse_i64(pp + 5, (size_t)(u - (pp + 5)), pid) < 0)
		return NULL;
	return pp;
}

/* Skips a node list as %*pbl prints it ("0-1,3" or "(null)"), which never holds
 * a letter: returns the position of the ',' that starts the next field. */
static const char *skip_nodelist(const char *s, const char *end)
{
	if (starts_with(s, (size_t)(end - s), "(null)"))
		return s + 6;
	const char *p = s;
	while (p < end && ((*p >= '0' && *p <= '9') || *p == '-' || *p == ','))
		p++;
	if (p > s && p[-1] == ',')
		p--;
	return p;
}

/* True when task (a cgroup path) is oom (a path) or below it. */
static bool path_within(const char *task, size_t tlen, const char *oom, size_t olen)
{
	if (tlen < olen || memcmp(task, oom, olen) != 0)
		return false;
	return tlen == olen || (olen > 0 && oom[olen - 1] == '/') || task[olen] == '/';
}

/* Where ",task=<comm>" starts in the summary [s, pp) (pp: its ",pid="). The
 * comm as the Killed line printed it tells where the name starts; when the
 * summary does not end with it, the name is taken to start at the last
 * ",task=". NULL when there is none. */
static const char *summary_task(const char *s, const char *pp, const struct span *comm_raw)
{
	if (comm_raw && (size_t)(pp - s) >= comm_raw->len + STRLEN(",task=")) {
		const char *t = pp - comm_raw->len - STRLEN(",task=");
		if (memcmp(t, ",task=", STRLEN(",task=")) == 0 &&
		    memcmp(t + STRLEN(",task="), comm_raw->s, comm_raw->len) == 0)
			return t;
	}
	return find_last(s, (size_t)(pp - s), ",task=");
}

/* "constraint=C" at p, kept in k unless it has one; then ",nodemask=…" and
 * ",cpuset=…,mems_allowed=…" are skipped. Returns where the memcg fields
 * start, or NULL when the shape is not there. */
static const char *summary_head(const char *p, const char *end, struct oomw_kill *k)
{
	if (!starts_with(p, (size_t)(end - p), "constraint="))
		return NULL;
	p += STRLEN("constraint=");
	const char *c = memchr(p, ',', (size_t)(end - p));
	const char *ce = c ? c : end;
	if (k->constraint[0] == '\0') {
		size_t cl = (size_t)(ce - p);
		if (cl > OOMW_CONSTRAINT_MAX)
			cl = OOMW_CONSTRAINT_MAX;
		memcpy(k->constraint, p, cl);
		k->constraint[cl] = '\0';
	}
	p = ce;
	if (starts_with(p, (size_t)(end - p), ",nodemask="))
		p = skip_nodelist(p + STRLEN(",nodemask="), end);
	if (starts_with(p, (size_t)(end - p), ",cpuset=")) {
		const char *m = find_first(p, (size_t)(end - p), ",mems_allowed=");
		if (!m)
			return NULL;
		p = skip_nodelist(m + STRLEN(",mems_allowed="), end);
	}
	return p;
}

/* In "P,task_memcg=Q" (from oom to end) both paths may hold ",task_memcg=":
 * the victim's cgroup Q is the limited one P or below it, which picks the
 * right split. Returns the ",task_memcg=" that splits them, or NULL. */
static const char *split_memcgs(const char *oom, const char *end)
{
	const char *first = NULL;
	for (const char *q = oom; (q = find_first(q, (size_t)(end - q), ",task_memcg=")); q++) {
		const char *t = q + STRLEN(",task_memcg=");
		if (!first)
			first = q;
		if (path_within(t, (size_t)(end - t), oom, (size_t)(q - oom)))
			return q;
	}
	return first;
}

/* What is left of a summary, [p, end): [",oom_memcg=" P | ",global_oom"]
 * [",task_memcg=" Q]. Fills what k does not have yet. */
static void summary_memcgs(const char *p, const char *end, struct oomw_kill *k)
{
	const char *oom = NULL, *oom_end = NULL, *tm = NULL;
	if (starts_with(p, (size_t)(end - p), ",global_oom")) {
		if (k->scope == OOMW_SCOPE_UNKNOWN)
			k->scope = OOMW_SCOPE_GLOBAL;
		p += STRLEN(",global_oom");
		if (starts_with(p, (size_t)(end - p), ",task_memcg="))
			tm = p + STRLEN(",task_memcg=");
	} else if (starts_with(p, (size_t)(end - p), ",oom_memcg=")) {
		if (k->scope == OOMW_SCOPE_UNKNOWN)
			k->scope = OOMW_SCOPE_MEMCG;
		oom = p + STRLEN(",oom_memcg=");
		const char *split = split_memcgs(oom, end);
		oom_end = split ? split : end;
		tm = split ? split + STRLEN(",task_memcg=") : NULL;
	} else if (starts_with(p, (size_t)(end - p), ",task_memcg=")) {
		tm = p + STRLEN(",task_memcg=");
	}
	if (oom && k->oom_memcg[0] == '\0')
		oomw_unescape(oom, (size_t)(oom_end - oom), k->oom_memcg, sizeof(k->oom_memcg));
	if (tm && k->task_memcg[0] == '\0')
		oomw_unescape(tm, (size_t)(end - tm), k->task_memcg, sizeof(k->task_memcg));
}

/* Fills constraint, oom_memcg / scope, task_memcg and uid of k from a summary
 * (text after "oom-kill:"), where k does not have them yet. comm_raw: the comm
 * as the Killed line printed it (see summary_task). */
static void apply_summary(const char *s, size_t len, const struct span *comm_raw, struct oomw_kill *k)
{
	int64_t pid, uid;
	const char *pp = summary_tail(s, len, &pid, &uid);
	if (!pp)
		return;
	if (k->uid == OOMW_UNKNOWN)
		k->uid = uid;
	const char *task = summary_task(s, pp, comm_raw);
	const char *p = task ? summary_head(s, task, k) : NULL;
	if (p)
		summary_memcgs(p, task, k);
}

/* ---- context ---- */

/* Whether two records are at most window_usec apart, by mono time, else wall
 * time; in either order (lines may arrive out of order). */
static bool within(int64_t mono_a, int64_t wall_a, int64_t mono_b, int64_t wall_b, int64_t window_usec)
{
	int64_t d;
	if (mono_a != OOMW_UNKNOWN && mono_b != OOMW_UNKNOWN)
		d = mono_b - mono_a;
	else if (wall_a != OOMW_UNKNOWN && wall_b != OOMW_UNKNOWN)
		d = wall_b - wall_a;
	else
		return true; /* bare lines: order is all we have */
	if (d < 0)
		d = -d;
	return d <= window_usec;
}

static bool close_in_time(int64_t mono_a, int64_t wall_a, int64_t mono_b, int64_t wall_b)
{
	return within(mono_a, wall_a, mono_b, wall_b, OOMW_OOMPARSE_CONTEXT_MAX_USEC);
}

static void context_start(struct oomw_oomparse *p, const struct oomw_klog_record *rec)
{
	oomw_kill_init(&p->context);
	p->context.mono_usec = rec->mono_usec;
	p->context.wall_usec = rec->wall_usec;
	p->have_context = true;
	p->group = false;
}

/* A new report begins, or one ended without a kill: nothing seen so far may
 * describe a later kill. */
static void context_drop(struct oomw_oomparse *p)
{
	p->have_context = false;
	p->group = false;
	p->have_summary = false;
}

static void emit_pending(struct oomw_oomparse *p)
{
	if (!p->have_pending)
		return;
	p->have_pending = false;
	if (p->on_kill)
		p->on_kill(&p->pending, p->ctx);
}

static void report_apply(struct oomw_oomparse *p, struct oomw_kill *k);

static void on_killed(struct oomw_oomparse *p, const struct oomw_klog_record *rec,
		      struct oomw_kill *k, const struct span *comm_raw)
{
	emit_pending(p);
	k->seq = rec->seq;
	k->mono_usec = rec->mono_usec;
	k->wall_usec = rec->wall_usec;
	if (p->have_summary && p->summary_pid == k->pid &&
	    close_in_time(p->summary_mono_usec, p->summary_wall_usec, k->mono_usec, k->wall_usec)) {
		apply_summary(p->summary, p->summary_len, comm_raw, k);
		p->have_summary = false;
	}
	report_apply(p, k);
	struct oomw_kill *c = &p->context;
	if (p->have_context && p->group &&
	    (!within(c->mono_usec, c->wall_usec, k->mono_usec, k->wall_usec,
		     OOMW_OOMPARSE_GROUP_GAP_USEC) ||
	     (k->scope != OOMW_SCOPE_UNKNOWN && c->scope != OOMW_SCOPE_UNKNOWN && k->scope != c->scope)))
		p->have_context = p->group = false; /* another OOM: the group is over */
	if (p->have_context && close_in_time(c->mono_usec, c->wall_usec, k->mono_usec, k->wall_usec)) {
		if (k->scope == OOMW_SCOPE_UNKNOWN)
			k->scope = c->scope;
		if (k->constraint[0] == '\0')
			memcpy(k->constraint, c->constraint, sizeof(k->constraint));
		if (k->oom_memcg[0] == '\0')
			memcpy(k->oom_memcg, c->oom_memcg, sizeof(k->oom_memcg));
		if (k->task_memcg[0] == '\0' && !p->group)
			memcpy(k->task_memcg, c->task_memcg, sizeof(k->task_memcg));
	}
	if (p->group) {
		c->mono_usec = k->mono_usec; /* the next member follows this one */
		c->wall_usec = k->wall_usec;
	} else {
		p->have_context = false;
	}
	p->pending = *k;
	p->have_pending = true;
}

/* "oom-kill:…": for the kill with its pid; the held one when it came first. */
static void on_summary(struct oomw_oomparse *p, const struct oomw_klog_record *rec, const char *s,
		       size_t len)
{
	int64_t pid, uid;
	if (!summary_tail(s, len, &pid, &uid))
		return;
	if (p->have_pending && p->pending.pid == pid &&
	    close_in_time(p->pending.mono_usec, p->pending.wall_usec, rec->mono_usec, rec->wall_usec)) {
		/* The comm as the kernel printed it: kmsg's escaping is oomw_escape's. */
		char raw[(OOMW_COMM_MAX + 1) * 4];
		struct span comm_raw = { raw, oomw_escape(p->pending.comm, p->pending.comm_len,
							  NULL, raw, sizeof(raw)) };
		apply_summary(s, len, &comm_raw, &p->pending);
		return;
	}
	/* The summary ends a report's header; what came before it is older. */
	context_drop(p);
	if (len > sizeof(p->summary))
		return;
	memcpy(p->summary, s, len);
	p->summary_len = len;
	p->summary_pid = pid;
	p->summary_mono_usec = rec->mono_usec;
	p->summary_wall_usec = rec->wall_usec;
	p->have_summary = true;
}

/* "<prefix>: Kill process N (comm) score S or sacrifice child" (before 5.1):
 * the scope of the Killed line that follows (maybe a child's). */
static void on_kill_process(struct oomw_oomparse *p, const struct oomw_klog_record *rec,
			    const struct span *prefix, int64_t pid)
{
	enum oomw_scope scope = scope_of_prefix(prefix->s, prefix->len);
	if (p->have_pending && p->pending.pid == pid && p->pending.scope == OOMW_SCOPE_UNKNOWN &&
	    close_in_time(p->pending.mono_usec, p->pending.wall_usec, rec->mono_usec, rec->wall_usec)) {
		p->pending.scope = scope; /* arrived after its Killed line */
		return;
	}
	/* The header of this report ("Task in …", or the 5.0 summary, which stays
	 * for its pid) came just before: keep it. */
	bool keep = p->have_context && !p->group &&
		    close_in_time(p->context.mono_usec, p->context.wall_usec, rec->mono_usec,
				  rec->wall_usec);
	if (!keep)
		context_start(p, rec);
	p->context.scope = scope;
	p->context.pid = pid;
}

/* "Task in A killed as a result of limit of B" (memcg, before 5.0). */
static void on_task_in(struct oomw_oomparse *p, const struct oomw_klog_record *rec, const char *s,
		       size_t len)
{
	static const char mid[] = " killed as a result of limit of ";
	const char *end = s + len;
	const char *m = find_first(s, len, mid);
	if (!m)
		return;
	/* Both are paths that may hold the words; B is A or above it. */
	for (const char *q = m; q; q = find_first(q + 1, (size_t)(end - q - 1), mid)) {
		const char *b = q + STRLEN(mid);
		if (path_within(s, (size_t)(q - s), b, (size_t)(end - b))) {
			m = q;
			break;
		}
	}
	context_start(p, rec);
	p->have_summary = false;
	p->context.scope = OOMW_SCOPE_MEMCG;
	oomw_unescape(s, (size_t)(m - s), p->context.task_memcg, sizeof(p->context.task_memcg));
	const char *b = m + STRLEN(mid);
	oomw_unescape(b, (size_t)(end - b), p->context.oom_memcg, sizeof(p->context.oom_memcg));
}

/* "Tasks in G are going to be killed due to memory.oom.group set": the kills
 * that follow belong to the same OOM as the one just killed. */
static void on_oom_group(struct oomw_oomparse *p, const struct oomw_klog_record *rec)
{
	if (p->have_pending && close_in_time(p->pending.mono_usec, p->pending.wall_usec,
					     rec->mono_usec, rec->wall_usec)) {
		context_start(p, rec);
		p->context.scope = p->pending.scope;
		memcpy(p->context.constraint, p->pending.constraint, sizeof(p->context.constraint));
		memcpy(p->context.oom_memcg, p->pending.oom_memcg, sizeof(p->context.oom_memcg));
	} else if (!p->have_context || !close_in_time(p->context.mono_usec, p->context.wall_usec,
						      rec->mono_usec, rec->wall_usec)) {
		context_start(p, rec);
	}
	p->context.task_memcg[0] = '\0'; /* each member has its own */
	p->group = true;
}

static void on_reaper(struct oomw_oomparse *p, int64_t pid, bool reaped)
{
	if (p->have_pending && p->pending.pid == pid && reaped)
		p->pending.reaped = true;
	/* The reaper runs on its own, so its line may fall inside the next
	 * report; only a report whose "Kill process" named this pid is over (its
	 * Killed line was lost) and must not describe the next kill. */
	if (p->have_context && !p->group && p->context.pid == pid)
		p->have_context = false;
}

/* "N (" at s: the pid. */
static bool pid_at(const char *s, const char *end, int64_t *pid)
{
	size_t n = number_len(s, end);
	return n > 0 && s[0] != '-' && oomw_parse_i64(s, n, pid) == 0 &&
	       starts_with(s + n, (size_t)(end - s) - n, " (");
}

/* ---- the rest of the report: memcg usage, Mem-Info, task dump ---- */

static void report_start(struct oomw_oomparse *p, const struct oomw_klog_record *rec)
{
	oomw_report_init(&p->report);
	p->have_report = true;
	p->report_used = false;
	p->in_meminfo = false;
	p->dump_cols = 0;
	p->report_mono_usec = rec->mono_usec;
	p->report_wall_usec = rec->wall_usec;
}

/* The report a line of it belongs to: the open one when close in time and no
 * kill has taken it yet, else a new one (its header was rate-limited or lost). */
static struct oomw_report *report_for(struct oomw_oomparse *p, const struct oomw_klog_record *rec)
{
	if (!p->have_report || p->report_used ||
	    !close_in_time(p->report_mono_usec, p->report_wall_usec, rec->mono_usec, rec->wall_usec))
		report_start(p, rec);
	p->report_mono_usec = rec->mono_usec;
	p->report_wall_usec = rec->wall_usec;
	return &p->report;
}

/* "N" then "kB" at s: the size, or OOMW_UNKNOWN; *next after "kB". */
static int64_t kib_at(const char *s, const char *end, const char **next)
{
	size_t n = number_len(s, end);
	int64_t v;
	if (n == 0 || s[0] == '-' || oomw_parse_i64(s, n, &v) < 0 || v > OOMW_KIB_MAX ||
	    !starts_with(s + n, (size_t)(end - s - n), "kB"))
		return OOMW_UNKNOWN;
	*next = s + n + 2;
	return v;
}

/* "NkB, limit NkB, failcnt N" (after "usage "): 0, or -1 when not that shape. */
static int usage_line(const char *s, size_t len, int64_t *usage, int64_t *limit, int64_t *failcnt)
{
	const char *end = s + len, *p = s;
	int64_t u = kib_at(p, end, &p);
	if (u == OOMW_UNKNOWN || !starts_with(p, (size_t)(end - p), ", limit "))
		return -1;
	int64_t l = kib_at(p + STRLEN(", limit "), end, &p);
	if (l == OOMW_UNKNOWN || !starts_with(p, (size_t)(end - p), ", failcnt "))
		return -1;
	p += STRLEN(", failcnt ");
	int64_t f;
	if (oomw_parse_i64(p, (size_t)(end - p), &f) < 0 || f < 0)
		return -1;
	*usage = u;
	*limit = l;
	*failcnt = f;
	return 0;
}

static void line_memcg_usage(struct oomw_oomparse *p, const struct oomw_klog_record *rec,
			     const char *s, size_t len)
{
	int64_t u, l, f;
	if (usage_line(s, len, &u, &l, &f) < 0)
		return;
	struct oomw_report *r = report_for(p, rec);
	r->memcg_usage_kib = u;
	r->memcg_limit_kib = l;
	r->memcg_failcnt = f;
}

static void line_memsw_usage(struct oomw_oomparse *p, const struct oomw_klog_record *rec,
			     const char *s, size_t len)
{
	int64_t u, l, f;
	if (usage_line(s, len, &u, &l, &f) < 0)
		return;
	struct oomw_report *r = report_for(p, rec);
	r->memsw_usage_kib = u;
	r->memsw_limit_kib = l;
}

static void line_swap_usage(struct oomw_oomparse *p, const struct oomw_klog_record *rec,
			    const char *s, size_t len)
{
	int64_t u, l, f;
	if (usage_line(s, len, &u, &l, &f) < 0)
		return;
	struct oomw_report *r = report_for(p, rec);
	r->swap_usage_kib = u;
	r->swap_limit_kib = l;
}

static void line_meminfo(struct oomw_oomparse *p, const struct oomw_klog_record *rec, const char *s,
			 size_t len)
{
	(void)s;
	if (len != 0)
		return;
	struct oomw_report *r = report_for(p, rec);
	r->ram_free_kib = r->ram_total_kib = OOMW_UNKNOWN;
	p->in_meminfo = true;
}

/* "<label>NkB" somewhere after s: the size, or OOMW_UNKNOWN. */
static int64_t labelled_kib(const char *s, const char *end, const char *label)
{
	const char *l = find_first(s, (size_t)(end - s), label);
	const char *next;
	return l ? kib_at(l + strlen(label), end, &next) : OOMW_UNKNOWN;
}

/* "Node N ZONE free:NkB … managed:NkB …" (3.10+; "present:" before). Other
 * "Node" lines (per node, per order, hugepages) have no " free:". */
static void line_node(struct oomw_oomparse *p, const struct oomw_klog_record *rec, const char *s,
		      size_t len)
{
	const char *end = s + len;
	if (!p->in_meminfo || !p->have_report || p->report_used)
		return;
	int64_t free_kib = labelled_kib(s, end, " free:");
	int64_t total_kib = labelled_kib(s, end, " managed:");
	if (total_kib == OOMW_UNKNOWN)
		total_kib = labelled_kib(s, end, " present:");
	if (free_kib == OOMW_UNKNOWN || total_kib == OOMW_UNKNOWN)
		return;
	struct oomw_report *r = report_for(p, rec);
	r->ram_free_kib =
		oomw_add_sat(r->ram_free_kib == OOMW_UNKNOWN ? 0 : r->ram_free_kib, free_kib);
	r->ram_total_kib =
		oomw_add_sat(r->ram_total_kib == OOMW_UNKNOWN ? 0 : r->ram_total_kib, total_kib);
}

static void line_swap_free(struct oomw_oomparse *p, const struct oomw_klog_record *rec,
			   const char *s, size_t len)
{
	const char *next;
	int64_t v = kib_at(s, s + len, &next);
	if (v != OOMW_UNKNOWN && next == s + len)
		report_for(p, rec)->swap_free_kib = v;
}

static void line_swap_total(struct oomw_oomparse *p, const struct oomw_klog_record *rec,
			    const char *s, size_t len)
{
	const char *next;
	int64_t v = kib_at(s, s + len, &next);
	if (v != OOMW_UNKNOWN && next == s + len)
		report_for(p, rec)->swap_total_kib = v;
	p->in_meminfo = false; /* the zones are over */
}

/* Next space-separated token of [*s, end): false when none. */
static bool next_token(const char **s, const char *end, struct span *tok)
{
	const char *q = *s;
	while (q < end && *q == ' ')
		q++;
	if (q == end)
		return false;
	tok->s = q;
	while (q < end && *q != ' ')
		q++;
	tok->len = (size_t)(q - tok->s);
	*s = q;
	return true;
}

#define DUMP_COLS_MAX 16

/* "[  pid  ]   uid  tgid total_vm      rss … oom_score_adj name": which
 * column is which. The middle columns differ by kernel version. */
static void line_dump_header(struct oomw_oomparse *p, const struct oomw_klog_record *rec,
			     const char *s, size_t len)
{
	const char *end = s + len, *q;
	const char *close = memchr(s, ']', len);
	struct span pid;
	q = s;
	if (!close || !next_token(&q, close, &pid) || !span_eq(pid.s, pid.len, "pid"))
		return;
	q = close + 1;
	int n = 0, uid = -1, rss = -1, swap = -1, adj = -1, ptes = -1, pmds = -1, pgb = -1;
	struct span tok;
	bool named = false;
	while (next_token(&q, end, &tok)) {
		if (named)
			return; /* "name" must be the last */
		if (span_eq(tok.s, tok.len, "name")) {
			named = true;
			continue;
		}
		if (n == DUMP_COLS_MAX)
			return;
		if (span_eq(tok.s, tok.len, "uid"))
			uid = n;
		else if (span_eq(tok.s, tok.len, "rss"))
			rss = n;
		else if (span_eq(tok.s, tok.len, "swapents"))
			swap = n;
		else if (span_eq(tok.s, tok.len, "oom_score_adj"))
			adj = n;
		else if (span_eq(tok.s, tok.len, "nr_ptes"))
			ptes = n;
		else if (span_eq(tok.s, tok.len, "nr_pmds"))
			pmds = n;
		else if (span_eq(tok.s, tok.len, "pgtables_bytes"))
			pgb = n;
		n++;
	}
	if (!named || rss < 0)
		return;
	struct oomw_report *r = report_for(p, rec);
	r->n_tasks = 0;
	r->n_top = 0;
	oomw_task_init(&r->largest);
	p->in_meminfo = false;
	p->dump_cols = n;
	p->col_uid = uid;
	p->col_rss = rss;
	p->col_swap = swap;
	p->col_adj = adj;
	p->col_ptes = ptes;
	p->col_pmds = pmds;
	p->col_pgtables_bytes = pgb;
	/* the memcg's or machine's lines come before the dump */
	p->rank_total_kib = oomw_report_total_kib(r, "");
}

/* Keeps t if it is among the first OOMW_REPORT_TASKS_MAX by the kernel's
 * badness (ties in the dump's order: which of equal points the kernel takes
 * differs by version), and if it is the largest by size alone. */
static void top_insert(struct oomw_report *r, const struct oomw_task *t, int64_t total_kib)
{
	int64_t size = oomw_task_pages(t);
	if (r->largest.pid == OOMW_UNKNOWN || size > oomw_task_pages(&r->largest))
		r->largest = *t;
	int64_t points = oomw_task_points(t, total_kib, OOMW_RANK_PAGE_KIB, NULL);
	size_t i = r->n_top;
	while (i > 0 && oomw_task_points(&r->top[i - 1], total_kib, OOMW_RANK_PAGE_KIB, NULL) < points)
		i--;
	if (i == OOMW_REPORT_TASKS_MAX)
		return;
	size_t last = r->n_top < OOMW_REPORT_TASKS_MAX ? r->n_top : OOMW_REPORT_TASKS_MAX - 1;
	memmove(&r->top[i + 1], &r->top[i], sizeof(r->top[0]) * (last - i));
	r->top[i] = *t;
	if (r->n_top < OOMW_REPORT_TASKS_MAX)
		r->n_top++;
}

/* "[  pid]  n n n … name" (s after "["): a row of the dump whose header came
 * in this report. A row cut before its name is not a row. */
static bool line_dump_row(struct oomw_oomparse *p, const struct oomw_klog_record *rec,
			  const char *s, size_t len)
{
	const char *end = s + len;
	if (p->dump_cols == 0 || !p->have_report || p->report_used ||
	    !close_in_time(p->report_mono_usec, p->report_wall_usec, rec->mono_usec, rec->wall_usec))
		return false;
	const char *close = memchr(s, ']', len);
	struct span tok;
	const char *q = s;
	struct oomw_task t;
	oomw_task_init(&t);
	if (!close || !next_token(&q, close, &tok) || tok.s + tok.len != close ||
	    oomw_parse_i64(tok.s, tok.len, &t.pid) < 0 || t.pid < 0)
		return false;
	q = close + 1;
	int64_t v[DUMP_COLS_MAX];
	for (int i = 0; i < p->dump_cols; i++) {
		if (!next_token(&q, end, &tok) || oomw_parse_i64(tok.s, tok.len, &v[i]) < 0)
			return false;
	}
	/* The kernel puts one space before the name; the name may hold spaces. */
	if (q >= end || *q != ' ' || q + 1 >= end)
		return false;
	q++;
	if (v[p->col_rss] < 0)
		return false;
	t.rss_pages = v[p->col_rss];
	if (p->col_uid >= 0)
		t.uid = v[p->col_uid];
	if (p->col_swap >= 0 && v[p->col_swap] >= 0)
		t.swap_pages = v[p->col_swap];
	if (p->col_adj >= 0)
		t.oom_score_adj = v[p->col_adj];
	if (p->col_ptes >= 0 && v[p->col_ptes] >= 0)
		t.pgtables_pages = oomw_add_sat(
			v[p->col_ptes], p->col_pmds >= 0 && v[p->col_pmds] >= 0 ? v[p->col_pmds] : 0);
	else if (p->col_pgtables_bytes >= 0 && v[p->col_pgtables_bytes] >= 0)
		t.pgtables_pages = v[p->col_pgtables_bytes] / (OOMW_RANK_PAGE_KIB * 1024);
	size_t nl = oomw_unescape(q, (size_t)(end - q), t.name, sizeof(t.name));
	t.name[nl < sizeof(t.name) ? nl : sizeof(t.name) - 1] = '\0';
	struct oomw_report *r = report_for(p, rec);
	r->n_tasks = r->n_tasks == OOMW_UNKNOWN ? 1 : r->n_tasks + 1;
	top_insert(r, &t, p->rank_total_kib);
	return true;
}

/* A line starting with "[": the dump's header or one of its rows. True when
 * it was one: a row's name is the task's, and may imitate a Killed line. */
static bool line_dump(struct oomw_oomparse *p, const struct oomw_klog_record *rec, const char *s,
		      size_t len)
{
	const char *q = s, *close = memchr(s, ']', len);
	struct span tok;
	if (close && next_token(&q, close, &tok) && span_eq(tok.s, tok.len, "pid")) {
		line_dump_header(p, rec, s, len);
		return true;
	}
	return line_dump_row(p, rec, s, len);
}

/* The page size that the victim's dump row and its Killed line imply: the
 * resident KiB over the resident pages, when that is a power of two (4 KiB
 * to 64 KiB) within 1/8. OOMW_UNKNOWN otherwise. */
static int64_t page_kib_of(const struct oomw_report *r, const struct oomw_kill *k)
{
	int64_t rss_kib = k->anon_rss_kib;
	if (rss_kib == OOMW_UNKNOWN || k->file_rss_kib == OOMW_UNKNOWN)
		return OOMW_UNKNOWN;
	rss_kib += k->file_rss_kib + (k->shmem_rss_kib == OOMW_UNKNOWN ? 0 : k->shmem_rss_kib);
	for (size_t i = 0; i < r->n_top; i++) {
		if (r->top[i].pid != k->pid || r->top[i].rss_pages <= 0)
			continue;
		for (int64_t pk = 4; pk <= 64; pk *= 2) {
			int64_t want = r->top[i].rss_pages * pk, d = rss_kib - want;
			if ((d < 0 ? -d : d) <= want / 8)
				return pk;
		}
	}
	return OOMW_UNKNOWN;
}

/* Gives k the report printed before it. */
static void report_apply(struct oomw_oomparse *p, struct oomw_kill *k)
{
	if (!p->have_report || (p->report_used && !p->group) ||
	    !close_in_time(p->report_mono_usec, p->report_wall_usec, k->mono_usec, k->wall_usec))
		return;
	k->report = p->report;
	k->report.page_kib = page_kib_of(&k->report, k);
	p->report_used = true;
	p->in_meminfo = false;
	p->dump_cols = 0;
}

/* ---- lines known by their start ---- */

/* A handler of a line that starts with a known prefix: s and len are the rest. */
typedef void (*line_fn)(struct oomw_oomparse *p, const struct oomw_klog_record *rec, const char *s,
			size_t len);

static void line_reaped(struct oomw_oomparse *p, const struct oomw_klog_record *rec, const char *s,
			size_t len)
{
	int64_t pid;
	(void)rec;
	if (pid_at(s, s + len, &pid))
		on_reaper(p, pid, true);
}

static void line_unreaped(struct oomw_oomparse *p, const struct oomw_klog_record *rec,
			  const char *s, size_t len)
{
	int64_t pid;
	(void)rec;
	if (pid_at(s, s + len, &pid))
		on_reaper(p, pid, false);
}

static void line_oom_group(struct oomw_oomparse *p, const struct oomw_klog_record *rec,
			   const char *s, size_t len)
{
	if (find_last(s, len, " are going to be killed due to memory.oom.group set"))
		on_oom_group(p, rec);
}

/* A report that ends without a kill. */
static void line_no_kill(struct oomw_oomparse *p, const struct oomw_klog_record *rec, const char *s,
			 size_t len)
{
	(void)rec, (void)s, (void)len;
	context_drop(p);
}

/* A line's known start, its length counted by the compiler. */
struct line_start {
	const char *prefix;
	size_t len;
	line_fn handle;
};
#define LINE_START(lit, fn)                                                                        \
	{                                                                                          \
		(lit), STRLEN(lit), (fn)                                                           \
	}

static const struct line_start line_starts[] = {
	LINE_START("oom-kill:", on_summary),
	LINE_START("oom_reaper: reaped process ", line_reaped),
	LINE_START("oom_reaper: unable to reap pid:", line_unreaped),
	LINE_START("Tasks in ", line_oom_group),
	LINE_START("Task in ", on_task_in),
	LINE_START("Out of memory and no killable processes", line_no_kill),
	LINE_START("Kernel panic - not syncing:", line_no_kill),
};

/* The report's own lines: kernel words and numbers only. A process whose name
 * starts like one may still have invoked the OOM killer, so these lines also
 * go on to feed_kill_lines. */
static const struct line_start report_starts[] = {
	LINE_START("memory: usage ", line_memcg_usage),
	LINE_START("memory+swap: usage ", line_memsw_usage),
	LINE_START("swap: usage ", line_swap_usage),
	LINE_START("Mem-Info:", line_meminfo),
	LINE_START("Node ", line_node),
	LINE_START("Free swap  = ", line_swap_free),
	LINE_START("Total swap = ", line_swap_total),
};

/* The row of table[n] whose prefix text starts with, or NULL. The first byte
 * is compared before the call to memcmp: most lines match no row. */
static const struct line_start *line_start_of(const struct line_start *table, size_t n,
					      const char *text, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (text[0] == table[i].prefix[0] && len >= table[i].len &&
		    memcmp(text, table[i].prefix, table[i].len) == 0)
			return &table[i];
	return NULL;
}

/* The lines found anywhere: "Killed process", "Kill process … score", and the
 * header "… invoked oom-killer: " that starts a report. */
static void feed_kill_lines(struct oomw_oomparse *p, const struct oomw_klog_record *rec)
{
	const char *t = rec->text, *end = t + rec->text_len;
	size_t len = rec->text_len;
	/* The first two hold "Kill": most kernel lines hold no 'K' at all, and
	 * one scan for it is cheaper than two searches. */
	if (memchr(t, 'K', len)) {
		struct oomw_kill k;
		struct span comm_raw, prefix;
		if (parse_killed(t, len, &k, &comm_raw)) {
			on_killed(p, rec, &k, &comm_raw);
			return;
		}
		int64_t pid;
		const char *s = find_prefixed(t, len, "Kill process ", &prefix);
		if (s && prefix.len && pid_at(s, end, &pid) &&
		    find_last(s, (size_t)(end - s), ") score ")) {
			on_kill_process(p, rec, &prefix, pid);
			return;
		}
	}
	/* The report's header; its '-' is rare in kernel lines, its letters are not. */
	if (memchr(t, '-', len) && find_first(t, len, " invoked oom-killer: ")) {
		context_drop(p); /* a new report starts */
		report_start(p, rec);
	}
}

void oomw_oomparse_feed(struct oomw_oomparse *p, const struct oomw_klog_record *rec)
{
	if (rec->facility > 0)
		return; /* written by a process, not by the kernel */
	if (rec->text_len == 0)
		return; /* no line below is empty */
	/* Lines known by their start first: a name inside them may imitate a Killed line. */
	const struct line_start *ls = line_start_of(
		line_starts, sizeof(line_starts) / sizeof(line_starts[0]), rec->text, rec->text_len);
	if (ls) {
		ls->handle(p, rec, rec->text + ls->len, rec->text_len - ls->len);
		return;
	}
	if (rec->text[0] == '[' && line_dump(p, rec, rec->text + 1, rec->text_len - 1))
		return;
	ls = line_start_of(report_starts, sizeof(report_starts) / sizeof(report_starts[0]),
			   rec->text, rec->text_len);
	if (ls)
		ls->handle(p, rec, rec->text + ls->len, rec->text_len - ls->len);
	feed_kill_lines(p, rec);
}

void oomw_oomparse_init(struct oomw_oomparse *p, oomw_kill_cb on_kill, void *ctx)
{
	p->on_kill = on_kill;
	p->ctx = ctx;
	oomw_kill_init(&p->pending);
	oomw_kill_init(&p->context);
	p->have_pending = p->have_context = p->group = p->have_summary = false;
	p->summary_len = 0;
	p->summary_pid = p->summary_mono_usec = p->summary_wall_usec = OOMW_UNKNOWN;
	oomw_report_init(&p->report);
	p->have_report = p->report_used = p->in_meminfo = false;
	p->report_mono_usec = p->report_wall_usec = OOMW_UNKNOWN;
	p->dump_cols = 0;
	p->col_uid = p->col_rss = p->col_swap = p->col_adj = -1;
	p->col_ptes = p->col_pmds = p->col_pgtables_bytes = -1;
	p->rank_total_kib = OOMW_UNKNOWN;
}

void oomw_oomparse_flush(struct oomw_oomparse *p)
{
	emit_pending(p);
}

void oomw_oomparse_complete(const struct oomw_oomparse *p, struct oomw_kill *k)
{
	/* Without a stamp no report can be told to be this kill's. */
	if (k->mono_usec == OOMW_UNKNOWN)
		return;
	/* The Killed line's own rules, applied to a copy of the parser: the
	 * report stays whole for the Killed line, which then gets the same. */
	struct oomw_oomparse scratch = *p;
	scratch.on_kill = NULL;
	scratch.have_pending = false;
	const struct oomw_klog_record rec = { .seq = k->seq,
					      .mono_usec = k->mono_usec,
					      .wall_usec = OOMW_UNKNOWN };
	char raw[(OOMW_COMM_MAX + 1) * 4];
	const struct span comm_raw = { raw, oomw_escape(k->comm, k->comm_len, NULL, raw, sizeof(raw)) };
	int64_t wall_usec = k->wall_usec;
	on_killed(&scratch, &rec, k, &comm_raw);
	k->wall_usec = wall_usec;
}
