/* SPDX-License-Identifier: MIT */
/* state.c — the persisted cursor: its text format, atomic save and strict load.
 *
 * The file is meant to be read by a person ("what does oomwatch think it already
 * reported?") and to be rejected whole when anything is wrong with it:
 *
 *   oomwatch-state 2
 *   boot_id=…            one key=value line per scalar, each exactly once
 *                        (notified_index may be absent: files of older versions)
 *   cgroup oom_kill=N path=/escaped/path [limit_hits=N]
 *   event index=N details=1 backlog=0 wall_usec=N pid=N … comm=escaped …
 *         [memcg_usage_kib=N … n_top=K {task_pid=N … task_name=escaped}×K
 *          [largest_pid=N … largest_name=escaped]]
 *         [killer=earlyoom reason=… signal=N … detail=escaped]   a userspace killer's
 *   end fnv1a64=0123456789abcdef
 *
 * Strings are written with oomw_escape (space and '=' escaped too), so every
 * byte but NUL survives and a field can never imitate the next one. The end
 * line carries a hash of every byte before it: a truncated, edited or foreign
 * file is refused (-EBADMSG) instead of being half-trusted. Numbers that are
 * unknown are written as "-". The rest of the OOM report (kill.h, struct
 * oomw_report) follows the event's fields; files written before it existed,
 * and a kernel kill's line whose report is all unknown, end the line at
 * task_memcg and load with the report unknown.
 *
 * Keys added since version 2 are optional, so that older files still load:
 * notified_index, klog_cursor (the journal's position) and userspace_kills; an
 * event line of a userspace killer has its fields after the report; a dump
 * row's task_pgtables_pages, and the largest row (largest_*) after the rows; a
 * kernel kill known from the oom:mark_victim tracepoint whose log record is
 * not read yet has " awaiting_log=1" after the report. */
#include "state.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "text.h"

#define STATE_MAGIC "oomwatch-state 2"
#define STATE_END "end fnv1a64="
#define STATE_HASH_HEX_LEN 16
/* Bytes escaped in strings beyond oomw_escape's own: the field separators. */
#define STATE_ESCAPE_ALSO " ="
/* An escaped string takes at most 4 bytes per byte. The longest line we write
 * is klog_source (a path); anything longer is not our file. */
#define STATE_ESCAPED_MAX (4 * PATH_MAX + 1)
#define STATE_LINE_MAX (STATE_ESCAPED_MAX + 64)
#define STATE_IO_BUF (2 * STATE_LINE_MAX)
/* The largest signal number a killer can send (SIGRTMAX on Linux). */
#define SIGNAL_MAX 64

void oomw_state_init(struct oomw_state *st)
{
	memset(st, 0, offsetof(struct oomw_state, cgroups));
	st->vmstat_oom_kill = OOMW_UNKNOWN;
	st->next_event_index = 1;
}

struct oomw_event *oomw_state_events(const struct oomw_state *st)
{
	return (struct oomw_event *)&st->slots[st->first_event];
}

void oomw_state_add_event(struct oomw_state *st, struct oomw_event *ev)
{
	/* The ring: at most OOMW_STATE_EVENTS_MAX, indexes growing, all below
	 * the next one handed out. */
	struct oomw_event *events = oomw_state_events(st);
	assert(st->n_events <= OOMW_STATE_EVENTS_MAX);
	assert(st->n_events == 0 || events[st->n_events - 1].index < st->next_event_index);
	ev->index = st->next_event_index++;
	if (st->n_events == OOMW_STATE_EVENTS_MAX) {
		st->first_event++;
		st->n_events--;
	}
	/* Out of slots: the events go back to the first slot, so that they stay
	 * one array, oldest first, for every front end to walk. One slide
	 * (about 600 KiB) per OOMW_STATE_EVENTS_SLACK kills, not one per kill. */
	if (st->first_event + st->n_events == sizeof(st->slots) / sizeof(st->slots[0])) {
		memmove(&st->slots[0], &st->slots[st->first_event],
			sizeof(st->slots[0]) * st->n_events);
		st->first_event = 0;
	}
	st->slots[st->first_event + st->n_events++] = *ev;
}

/* ---- writing ---------------------------------------------------------- */

/* Buffered writes to the temporary file without stdio (no allocation), hashing
 * everything that goes through. The first error sticks. */
struct writer {
	int fd;
	int err;
	uint64_t hash;
	size_t len;
	char buf[STATE_IO_BUF];
};

static void w_flush(struct writer *w)
{
	size_t off = 0;
	while (w->err == 0 && off < w->len) {
		ssize_t n = write(w->fd, w->buf + off, w->len - off);
		if (n < 0) {
			if (errno != EINTR)
				w->err = -errno;
			continue;
		}
		off += (size_t)n;
	}
	w->len = 0;
}

static void w_put(struct writer *w, const char *s, size_t n)
{
	w->hash = oomw_fnv1a(w->hash, s, n);
	while (n > 0 && w->err == 0) {
		if (w->len == sizeof(w->buf))
			w_flush(w);
		size_t room = sizeof(w->buf) - w->len;
		size_t c = n < room ? n : room;
		memcpy(w->buf + w->len, s, c);
		w->len += c;
		s += c;
		n -= c;
	}
}

__attribute__((format(printf, 2, 3))) static void w_printf(struct writer *w, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		w->err = w->err ? w->err : -EOVERFLOW;
		return;
	}
	w_put(w, line, (size_t)n);
}

/* The numbers and words of a line without vsnprintf, which cost more than
 * everything else in saving a full ring (60 numbers an event). */
static void w_lit(struct writer *w, const char *s)
{
	w_put(w, s, strlen(s));
}

/* v in decimal, as "%" PRIu64 / PRId64 write it. */
static void w_u64(struct writer *w, uint64_t v)
{
	char digits[20];
	size_t n = 0;
	do
		digits[sizeof(digits) - ++n] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	w_put(w, digits + sizeof(digits) - n, n);
}

static void w_int(struct writer *w, int64_t v)
{
	if (v < 0)
		w_put(w, "-", 1);
	w_u64(w, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

/* "<sep>name=" */
static void w_key(struct writer *w, const char *sep, const char *name)
{
	w_lit(w, sep);
	w_lit(w, name);
	w_put(w, "=", 1);
}

/* "<sep>name=value" with "-" for an unknown number. */
static void w_i64(struct writer *w, const char *sep, const char *name, int64_t v)
{
	w_key(w, sep, name);
	if (v == OOMW_UNKNOWN)
		w_put(w, "-", 1);
	else
		w_int(w, v);
}

static void w_str(struct writer *w, const char *sep, const char *name, const char *s, size_t len)
{
	char esc[STATE_ESCAPED_MAX];
	size_t n = oomw_escape(s, len, STATE_ESCAPE_ALSO, esc, sizeof(esc));
	w_key(w, sep, name);
	w_put(w, esc, n);
}

static void write_ukill(struct writer *w, const struct oomw_ukill *u)
{
	w_key(w, " ", "killer");
	w_lit(w, oomw_killer_name(u->killer));
	w_key(w, " ", "reason");
	w_lit(w, oomw_ukill_reason_name(u->reason));
	w_key(w, " ", "signal");
	w_int(w, u->signal);
	w_i64(w, " ", "oom_score", u->oom_score);
	w_i64(w, " ", "ukill_oom_score_adj", u->oom_score_adj);
	w_i64(w, " ", "rss_kib", u->rss_kib);
	w_i64(w, " ", "mem_avail_kib", u->mem_avail_kib);
	w_i64(w, " ", "mem_total_kib", u->mem_total_kib);
	w_i64(w, " ", "swap_free_kib", u->swap_free_kib);
	w_i64(w, " ", "swap_total_kib", u->swap_total_kib);
	w_str(w, " ", "cgroup", u->cgroup, strnlen(u->cgroup, sizeof(u->cgroup)));
	w_str(w, " ", "detail", u->detail, strnlen(u->detail, sizeof(u->detail)));
}

/* The report's numbers, in the order they are written and read. */
// clang-format off
#define REPORT_I64(X) \
	X(memcg_usage_kib) X(memcg_limit_kib) X(memcg_failcnt) X(memsw_usage_kib) \
	X(memsw_limit_kib) X(swap_usage_kib) X(swap_limit_kib) X(ram_free_kib) \
	X(ram_total_kib) X(swap_free_kib) X(swap_total_kib) X(n_tasks) X(page_kib)
// clang-format on
#define TASK_I64(X) X(pid) X(uid) X(rss_pages) X(swap_pages) X(oom_score_adj)

static void write_report(struct writer *w, const struct oomw_report *r)
{
#define W_REPORT(f) w_i64(w, " ", #f, r->f);
	REPORT_I64(W_REPORT)
	w_key(w, " ", "n_top");
	w_u64(w, r->n_top);
	for (size_t i = 0; i < r->n_top && i < OOMW_REPORT_TASKS_MAX; i++) {
		const struct oomw_task *t = &r->top[i];
#define W_TASK(f) w_i64(w, " ", "task_" #f, t->f);
		TASK_I64(W_TASK)
		w_i64(w, " ", "task_pgtables_pages", t->pgtables_pages);
		w_str(w, " ", "task_name", t->name, strnlen(t->name, sizeof(t->name)));
	}
	const struct oomw_task *l = &r->largest;
	if (l->pid == OOMW_UNKNOWN)
		return;
#define W_LARGEST(f) w_i64(w, " ", "largest_" #f, l->f);
	TASK_I64(W_LARGEST)
	w_i64(w, " ", "largest_pgtables_pages", l->pgtables_pages);
	w_str(w, " ", "largest_name", l->name, strnlen(l->name, sizeof(l->name)));
}

/* Nothing known of the rest of the report, as oomw_report_init leaves it. */
static bool report_unknown(const struct oomw_report *r)
{
#define UNKNOWN_REPORT(f) &&r->f == OOMW_UNKNOWN
	return r->n_top == 0 && r->largest.pid == OOMW_UNKNOWN REPORT_I64(UNKNOWN_REPORT);
}

static void write_event(struct writer *w, const struct oomw_event *ev)
{
	const struct oomw_kill *k = &ev->kill;
	w_key(w, "", "event index");
	w_u64(w, ev->index);
	w_lit(w, ev->has_details ? " details=1" : " details=0");
	w_lit(w, ev->backlog ? " backlog=1" : " backlog=0");
	w_i64(w, " ", "wall_usec", ev->wall_usec);
	w_i64(w, " ", "pid", k->pid);
	w_i64(w, " ", "uid", k->uid);
	w_i64(w, " ", "total_vm_kib", k->total_vm_kib);
	w_i64(w, " ", "anon_rss_kib", k->anon_rss_kib);
	w_i64(w, " ", "file_rss_kib", k->file_rss_kib);
	w_i64(w, " ", "shmem_rss_kib", k->shmem_rss_kib);
	w_i64(w, " ", "pgtables_kib", k->pgtables_kib);
	w_i64(w, " ", "oom_score_adj", k->oom_score_adj);
	w_key(w, " ", "scope");
	w_lit(w, oomw_scope_name(k->scope));
	w_key(w, " ", "seq");
	w_u64(w, k->seq);
	w_i64(w, " ", "mono_usec", k->mono_usec);
	w_i64(w, " ", "kill_wall_usec", k->wall_usec);
	w_lit(w, k->reaped ? " reaped=1" : " reaped=0");
	w_str(w, " ", "comm", k->comm, k->comm_len);
	w_str(w, " ", "constraint", k->constraint, strnlen(k->constraint, sizeof(k->constraint)));
	w_str(w, " ", "oom_memcg", k->oom_memcg, strnlen(k->oom_memcg, sizeof(k->oom_memcg)));
	w_str(w, " ", "task_memcg", k->task_memcg, strnlen(k->task_memcg, sizeof(k->task_memcg)));
	/* A kernel kill whose report is unknown (every kill the log did not
	 * show) ends at task_memcg, as files of versions before the report did:
	 * half the bytes to hash and parse, and every version loads it. */
	if (ev->killer != OOMW_KILLER_KERNEL || ev->awaiting_log || !report_unknown(&k->report))
		write_report(w, &k->report);
	if (ev->awaiting_log)
		w_printf(w, " awaiting_log=1");
	if (ev->killer != OOMW_KILLER_KERNEL)
		write_ukill(w, &ev->ukill);
	w_put(w, "\n", 1);
}

static void write_state(struct writer *w, const struct oomw_state *st)
{
	assert(st->n_events <= OOMW_STATE_EVENTS_MAX && st->n_cgroups <= OOMW_STATE_CGROUPS_MAX);
	w_printf(w, "%s\n", STATE_MAGIC);
	w_str(w, "", "boot_id", st->boot_id, strnlen(st->boot_id, sizeof(st->boot_id)));
	w_i64(w, "\n", "vmstat_oom_kill", st->vmstat_oom_kill);
	w_i64(w, "\n", "log_ahead", st->log_ahead);
	w_i64(w, "\n", "kills_without_details", st->kills_without_details);
	w_str(w, "\n", "klog_source", st->klog_source,
	      strnlen(st->klog_source, sizeof(st->klog_source)));
	w_printf(w, "\nklog_inode=%" PRIu64 "\nklog_next_seq=%" PRIu64 "\nklog_seq_known=%d",
		 st->klog_inode, st->klog_next_seq, st->klog_seq_known ? 1 : 0);
	w_str(w, "\n", "klog_cursor", st->klog_cursor,
	      strnlen(st->klog_cursor, sizeof(st->klog_cursor)));
	w_i64(w, "\n", "userspace_kills", st->userspace_kills);
	w_printf(w, "\nnext_event_index=%" PRIu64 "\n", st->next_event_index);
	w_printf(w, "notified_index=%" PRIu64 "\n", st->notified_index);
	for (size_t i = 0; i < st->n_cgroups && i < OOMW_STATE_CGROUPS_MAX; i++) {
		const struct oomw_state_cgroup *c = &st->cgroups[i];
		w_printf(w, "cgroup");
		w_i64(w, " ", "oom_kill", c->oom_kill);
		w_str(w, " ", "path", c->path, strnlen(c->path, sizeof(c->path)));
		w_i64(w, " ", "limit_hits", c->limit_hits);
		w_put(w, "\n", 1);
	}
	for (size_t i = 0; i < st->n_events && i < OOMW_STATE_EVENTS_MAX; i++)
		write_event(w, &st->slots[st->first_event + i]);
	/* The end line is not part of what it hashes. */
	char end[64];
	int n = snprintf(end, sizeof(end), "%s%016" PRIx64 "\n", STATE_END, w->hash);
	w_put(w, end, (size_t)n);
	w_flush(w);
}

static int write_state_fd(int fd, void *ctx)
{
	struct writer w = { .fd = fd, .hash = OOMW_FNV1A_OFFSET };
	write_state(&w, ctx);
	return w.err;
}

int oomw_state_save(const char *path, const struct oomw_state *st)
{
	return oomw_file_write_atomic(path, 0600, write_state_fd, (void *)st);
}

/* ---- reading ---------------------------------------------------------- */

struct reader {
	int fd;
	size_t pos, len;
	char buf[STATE_IO_BUF];
};

/* Returns 1 with the next line (without '\n') in line and n, 0 at a clean end of
 * file, -EBADMSG for a line that is too long or unterminated, or -errno. */
static int r_line(struct reader *rd, const char **line, size_t *n, const char **why)
{
	for (;;) {
		char *nl = memchr(rd->buf + rd->pos, '\n', rd->len - rd->pos);
		if (nl) {
			*line = rd->buf + rd->pos;
			*n = (size_t)(nl - *line);
			rd->pos += *n + 1;
			return 1;
		}
		memmove(rd->buf, rd->buf + rd->pos, rd->len - rd->pos);
		rd->len -= rd->pos;
		rd->pos = 0;
		if (rd->len >= STATE_LINE_MAX) {
			*why = "line too long";
			return -EBADMSG;
		}
		ssize_t got = read(rd->fd, rd->buf + rd->len, sizeof(rd->buf) - rd->len);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (got == 0) {
			if (rd->len == 0)
				return 0;
			*why = "truncated: last line has no newline";
			return -EBADMSG;
		}
		rd->len += (size_t)got;
	}
}

/* A key of the file, its length known at compile time: K("pid"). */
struct key {
	const char *s;
	size_t n;
};
#define K(lit) ((struct key){ (lit), sizeof(lit) - 1 })

/* Cuts the next " name=value" token off the front of [*p, end). Inlined,
 * with the numbers' readers, into every call: the key's length is then a
 * constant and its comparison a few instructions, not a call to memcmp. */
#define STATE_INLINE static inline __attribute__((always_inline))
STATE_INLINE bool take(const char **p, const char *end, struct key name, const char **v, size_t *vn)
{
	const char *s = *p;
	if (s < end && *s == ' ')
		s++;
	if ((size_t)(end - s) <= name.n || s[name.n] != '=' || memcmp(s, name.s, name.n) != 0)
		return false;
	s += name.n + 1;
	/* Values are short: a plain loop beats a call to memchr. */
	const char *e = s;
	while (e < end && *e != ' ')
		e++;
	*v = s;
	*vn = (size_t)(e - s);
	*p = e;
	return true;
}

STATE_INLINE bool take_i64(const char **p, const char *end, struct key name, int64_t *out)
{
	const char *v;
	size_t n;
	if (!take(p, end, name, &v, &n))
		return false;
	if (n == 1 && v[0] == '-') {
		*out = OOMW_UNKNOWN;
		return true;
	}
	return oomw_parse_i64(v, n, out) == 0 && *out != OOMW_UNKNOWN;
}

STATE_INLINE bool take_u64(const char **p, const char *end, struct key name, uint64_t *out)
{
	const char *v;
	size_t n;
	return take(p, end, name, &v, &n) && oomw_parse_u64(v, n, out) == 0;
}

STATE_INLINE bool take_bool(const char **p, const char *end, struct key name, bool *out)
{
	const char *v;
	size_t n;
	if (!take(p, end, name, &v, &n) || n != 1 || (v[0] != '0' && v[0] != '1'))
		return false;
	*out = v[0] == '1';
	return true;
}

/* Decodes an escaped string into out[size]; refuses anything our writer would
 * not have produced (raw control bytes, an overflow, an embedded NUL). */
static bool take_str(const char **p, const char *end, struct key name, char *out, size_t size,
		     size_t *out_len)
{
	const char *v;
	size_t n;
	if (!take(p, end, name, &v, &n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] >= 0x7f || v[i] == '=')
			return false;
	/* Each escape is 4 bytes for one; the decoded length must fit. A value
	 * shorter than out decodes in place; a longer one may still fit. On a
	 * refusal out holds garbage: the whole file is refused. */
	char tmp[STATE_ESCAPED_MAX];
	char *dst = n < size ? out : tmp;
	size_t dst_size = n < size ? size : sizeof(tmp);
	if (n >= sizeof(tmp))
		return false;
	size_t len = oomw_unescape(v, n, dst, dst_size);
	if (len >= size || memchr(dst, '\0', len))
		return false;
	if (dst == tmp)
		memcpy(out, tmp, len + 1);
	if (out_len)
		*out_len = len;
	return true;
}

static bool parse_scope(const char **p, const char *end, enum oomw_scope *out)
{
	static const enum oomw_scope all[] = { OOMW_SCOPE_UNKNOWN, OOMW_SCOPE_GLOBAL, OOMW_SCOPE_MEMCG };
	const char *v;
	size_t n;
	if (!take(p, end, K("scope"), &v, &n))
		return false;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const char *name = oomw_scope_name(all[i]);
		if (strlen(name) == n && memcmp(name, v, n) == 0) {
			*out = all[i];
			return true;
		}
	}
	return false;
}

/* One of the fixed words of name(0..count), into *out. */
static bool take_word(const char **p, const char *end, struct key key, const char *(*name)(int),
		      int count, int *out)
{
	const char *v;
	size_t n;
	if (!take(p, end, key, &v, &n))
		return false;
	for (int i = 0; i < count; i++) {
		const char *w = name(i);
		if (strlen(w) == n && memcmp(w, v, n) == 0) {
			*out = i;
			return true;
		}
	}
	return false;
}

static const char *killer_word(int i)
{
	return oomw_killer_name((enum oomw_killer)i);
}

static const char *reason_word(int i)
{
	return oomw_ukill_reason_name((enum oomw_ukill_reason)i);
}

static bool parse_ukill(const char **p, const char *end, struct oomw_ukill *u)
{
	int killer, reason;
	int64_t sig;
	bool ok = take_word(p, end, K("killer"), killer_word, OOMW_KILLER_EARLYOOM + 1, &killer) &&
		  take_word(p, end, K("reason"), reason_word, OOMW_UKILL_REASON_LOW_MEMORY + 1,
			    &reason) &&
		  take_i64(p, end, K("signal"), &sig) && sig >= 0 && sig <= SIGNAL_MAX &&
		  take_i64(p, end, K("oom_score"), &u->oom_score) &&
		  take_i64(p, end, K("ukill_oom_score_adj"), &u->oom_score_adj) &&
		  take_i64(p, end, K("rss_kib"), &u->rss_kib) &&
		  take_i64(p, end, K("mem_avail_kib"), &u->mem_avail_kib) &&
		  take_i64(p, end, K("mem_total_kib"), &u->mem_total_kib) &&
		  take_i64(p, end, K("swap_free_kib"), &u->swap_free_kib) &&
		  take_i64(p, end, K("swap_total_kib"), &u->swap_total_kib) &&
		  take_str(p, end, K("cgroup"), u->cgroup, sizeof(u->cgroup), NULL) &&
		  take_str(p, end, K("detail"), u->detail, sizeof(u->detail), NULL);
	if (!ok)
		return false;
	u->killer = (enum oomw_killer)killer;
	u->reason = (enum oomw_ukill_reason)reason;
	u->signal = (int)sig;
	return true;
}

static bool parse_report(const char **p, const char *end, struct oomw_report *r)
{
	uint64_t n_top;
#define R_REPORT(f) &&take_i64(p, end, K(#f), &r->f)
	if (!(true REPORT_I64(R_REPORT)) || !take_u64(p, end, K("n_top"), &n_top) ||
	    n_top > OOMW_REPORT_TASKS_MAX)
		return false;
	r->n_top = (size_t)n_top;
	for (size_t i = 0; i < r->n_top; i++) {
		struct oomw_task *t = &r->top[i];
#define R_TASK(f) &&take_i64(p, end, K("task_" #f), &t->f)
		if (!(true TASK_I64(R_TASK)))
			return false;
		/* optional: files of older versions */
		(void)take_i64(p, end, K("task_pgtables_pages"), &t->pgtables_pages);
		if (!take_str(p, end, K("task_name"), t->name, sizeof(t->name), NULL))
			return false;
	}
	/* optional: the largest row by size, in files of newer versions */
	struct oomw_task *l = &r->largest;
	const char *peek = *p;
	int64_t pid;
	if (!take_i64(&peek, end, K("largest_pid"), &pid))
		return true;
#define R_LARGEST(f) &&take_i64(p, end, K("largest_" #f), &l->f)
	return (true TASK_I64(R_LARGEST)) &&
	       take_i64(p, end, K("largest_pgtables_pages"), &l->pgtables_pages) &&
	       take_str(p, end, K("largest_name"), l->name, sizeof(l->name), NULL);
}

static bool parse_event(const char *s, const char *end, struct oomw_event *ev)
{
	struct oomw_kill *k = &ev->kill;
	const char *p = s;
	oomw_kill_init(k);
	bool ok = take_u64(&p, end, K("index"), &ev->index) &&
		  take_bool(&p, end, K("details"), &ev->has_details) &&
		  take_bool(&p, end, K("backlog"), &ev->backlog) &&
		  take_i64(&p, end, K("wall_usec"), &ev->wall_usec) &&
		  take_i64(&p, end, K("pid"), &k->pid) && take_i64(&p, end, K("uid"), &k->uid) &&
		  take_i64(&p, end, K("total_vm_kib"), &k->total_vm_kib) &&
		  take_i64(&p, end, K("anon_rss_kib"), &k->anon_rss_kib) &&
		  take_i64(&p, end, K("file_rss_kib"), &k->file_rss_kib) &&
		  take_i64(&p, end, K("shmem_rss_kib"), &k->shmem_rss_kib) &&
		  take_i64(&p, end, K("pgtables_kib"), &k->pgtables_kib) &&
		  take_i64(&p, end, K("oom_score_adj"), &k->oom_score_adj) &&
		  parse_scope(&p, end, &k->scope) && take_u64(&p, end, K("seq"), &k->seq) &&
		  take_i64(&p, end, K("mono_usec"), &k->mono_usec) &&
		  take_i64(&p, end, K("kill_wall_usec"), &k->wall_usec) &&
		  take_bool(&p, end, K("reaped"), &k->reaped) &&
		  take_str(&p, end, K("comm"), k->comm, sizeof(k->comm), &k->comm_len) &&
		  take_str(&p, end, K("constraint"), k->constraint, sizeof(k->constraint), NULL) &&
		  take_str(&p, end, K("oom_memcg"), k->oom_memcg, sizeof(k->oom_memcg), NULL) &&
		  take_str(&p, end, K("task_memcg"), k->task_memcg, sizeof(k->task_memcg), NULL);
	ev->killer = OOMW_KILLER_KERNEL;
	oomw_ukill_init(&ev->ukill);
	if (!ok || (p != end && !parse_report(&p, end, &k->report)))
		return false;
	/* A kill from the tracepoint whose log record is still to come. */
	ev->awaiting_log = false;
	if (take_bool(&p, end, K("awaiting_log"), &ev->awaiting_log) && !ev->awaiting_log)
		return false;
	/* A userspace killer's fields follow the report. */
	if (p != end && !(parse_ukill(&p, end, &ev->ukill) && ev->ukill.killer != OOMW_KILLER_KERNEL))
		return false;
	ev->killer = ev->ukill.killer;
	return p == end;
}

/* The scalar keys; each must appear exactly once, before the lists. */
enum {
	KEY_BOOT_ID = 1 << 0,
	KEY_VMSTAT = 1 << 1,
	KEY_LOG_AHEAD = 1 << 2,
	KEY_NO_DETAILS = 1 << 3,
	KEY_KLOG_SOURCE = 1 << 4,
	KEY_KLOG_INODE = 1 << 5,
	KEY_KLOG_SEQ = 1 << 6,
	KEY_KLOG_SEQ_KNOWN = 1 << 7,
	KEY_NEXT_INDEX = 1 << 8,
	KEYS_ALL = (1 << 9) - 1,
	/* optional (files of older versions): not in KEYS_ALL */
	KEY_NOTIFIED = 1 << 9,
	KEY_KLOG_CURSOR = 1 << 10,
	KEY_USERSPACE_KILLS = 1 << 11,
};

/* Parses one scalar line; returns its KEY_ bit, or 0 when malformed. */
static int parse_scalar(const char *s, const char *end, struct oomw_state *st)
{
	const char *p = s;
	if (take_str(&p, end, K("boot_id"), st->boot_id, sizeof(st->boot_id), NULL))
		return p == end ? KEY_BOOT_ID : 0;
	if (take_i64(&p, end, K("vmstat_oom_kill"), &st->vmstat_oom_kill))
		return p == end ? KEY_VMSTAT : 0;
	if (take_i64(&p, end, K("log_ahead"), &st->log_ahead))
		return p == end ? KEY_LOG_AHEAD : 0;
	if (take_i64(&p, end, K("kills_without_details"), &st->kills_without_details))
		return p == end ? KEY_NO_DETAILS : 0;
	if (take_str(&p, end, K("klog_source"), st->klog_source, sizeof(st->klog_source), NULL))
		return p == end ? KEY_KLOG_SOURCE : 0;
	if (take_u64(&p, end, K("klog_inode"), &st->klog_inode))
		return p == end ? KEY_KLOG_INODE : 0;
	if (take_u64(&p, end, K("klog_next_seq"), &st->klog_next_seq))
		return p == end ? KEY_KLOG_SEQ : 0;
	if (take_bool(&p, end, K("klog_seq_known"), &st->klog_seq_known))
		return p == end ? KEY_KLOG_SEQ_KNOWN : 0;
	if (take_str(&p, end, K("klog_cursor"), st->klog_cursor, sizeof(st->klog_cursor), NULL))
		return p == end ? KEY_KLOG_CURSOR : 0;
	if (take_i64(&p, end, K("userspace_kills"), &st->userspace_kills))
		return p == end ? KEY_USERSPACE_KILLS : 0;
	if (take_u64(&p, end, K("next_event_index"), &st->next_event_index))
		return p == end && st->next_event_index >= 1 ? KEY_NEXT_INDEX : 0;
	if (take_u64(&p, end, K("notified_index"), &st->notified_index))
		return p == end ? KEY_NOTIFIED : 0;
	return 0;
}

/* ---- ranges: what no monitor can have written is corruption ---- */

static bool count_ok(int64_t v)
{
	return v >= 0 && v <= OOMW_COUNTER_MAX;
}

static bool count_or_unknown_ok(int64_t v)
{
	return v == OOMW_UNKNOWN || count_ok(v);
}

static bool time_ok(int64_t usec)
{
	return usec == OOMW_UNKNOWN || (usec >= 0 && usec <= OOMW_TIME_USEC_MAX);
}

static bool kib_ok(int64_t kib)
{
	return kib == OOMW_UNKNOWN || (kib >= 0 && kib <= OOMW_KIB_MAX);
}

/* NULL when the counters are in range, else which one is not. */
static const char *scalars_out_of_range(const struct oomw_state *st)
{
	if (!count_or_unknown_ok(st->vmstat_oom_kill))
		return "vmstat_oom_kill out of range";
	if (!count_ok(st->log_ahead))
		return "log_ahead out of range";
	if (!count_ok(st->kills_without_details))
		return "kills_without_details out of range";
	if (!count_ok(st->userspace_kills))
		return "userspace_kills out of range";
	/* Indexes count kills: OOMW_COUNTER_MAX, plus the ring's events past it. */
	if (st->next_event_index > (uint64_t)INT64_MAX)
		return "next_event_index out of range";
	return NULL;
}

static bool event_in_range(const struct oomw_event *ev)
{
	const struct oomw_kill *k = &ev->kill;
	const struct oomw_ukill *u = &ev->ukill;
	return time_ok(ev->wall_usec) && time_ok(k->wall_usec) && time_ok(k->mono_usec) &&
	       kib_ok(k->total_vm_kib) && kib_ok(k->anon_rss_kib) && kib_ok(k->file_rss_kib) &&
	       kib_ok(k->shmem_rss_kib) && kib_ok(k->pgtables_kib) &&
	       kib_ok(k->report.memcg_usage_kib) && kib_ok(k->report.memcg_limit_kib) &&
	       kib_ok(k->report.memsw_usage_kib) && kib_ok(k->report.memsw_limit_kib) &&
	       kib_ok(k->report.swap_usage_kib) && kib_ok(k->report.swap_limit_kib) &&
	       kib_ok(k->report.ram_free_kib) && kib_ok(k->report.ram_total_kib) &&
	       kib_ok(k->report.swap_free_kib) && kib_ok(k->report.swap_total_kib) &&
	       kib_ok(u->rss_kib) && kib_ok(u->mem_avail_kib) && kib_ok(u->mem_total_kib) &&
	       kib_ok(u->swap_free_kib) && kib_ok(u->swap_total_kib);
}

/* ---- the file, line by line ---- */

static bool starts(const char *s, size_t n, const char *prefix)
{
	size_t pl = strlen(prefix);
	return n >= pl && memcmp(s, prefix, pl) == 0;
}

static int refuse(const char **why, const char *reason)
{
	*why = reason;
	return -EBADMSG;
}

/* What the lines read so far have built. */
struct loading {
	struct oomw_state *st;
	int keys; /* KEY_ bits seen */
	const char **why;
};

/* Every required scalar has been read. */
static bool all_keys(const struct loading *ld)
{
	return (ld->keys & KEYS_ALL) == KEYS_ALL;
}

static int load_cgroup(struct loading *ld, const char *line, const char *end)
{
	struct oomw_state *st = ld->st;
	if (!all_keys(ld) || st->n_events > 0 || st->n_cgroups == OOMW_STATE_CGROUPS_MAX)
		return refuse(ld->why, "cgroup line out of place or too many");
	struct oomw_state_cgroup *c = &st->cgroups[st->n_cgroups];
	const char *p = line + strlen("cgroup");
	c->limit_hits = OOMW_UNKNOWN; /* files written before it was kept */
	if (!take_i64(&p, end, K("oom_kill"), &c->oom_kill) ||
	    !take_str(&p, end, K("path"), c->path, sizeof(c->path), NULL) ||
	    (p != end && !take_i64(&p, end, K("limit_hits"), &c->limit_hits)) || p != end)
		return refuse(ld->why, "malformed cgroup line");
	if (!count_or_unknown_ok(c->oom_kill) || !count_or_unknown_ok(c->limit_hits))
		return refuse(ld->why, "cgroup oom_kill out of range");
	st->n_cgroups++;
	return 0;
}

static int load_event(struct loading *ld, const char *line, const char *end)
{
	struct oomw_state *st = ld->st;
	if (!all_keys(ld) || st->n_events == OOMW_STATE_EVENTS_MAX)
		return refuse(ld->why, "event line out of place or too many");
	struct oomw_event *ev = &oomw_state_events(st)[st->n_events];
	if (!parse_event(line + strlen("event"), end, ev))
		return refuse(ld->why, "malformed event line");
	if (!event_in_range(ev))
		return refuse(ld->why, "event time or size out of range");
	/* Indexes grow and stay below the next one to hand out. */
	uint64_t prev = st->n_events ? oomw_state_events(st)[st->n_events - 1].index : 0;
	if (ev->index <= prev || ev->index >= st->next_event_index)
		return refuse(ld->why, "event index out of order");
	st->n_events++;
	return 0;
}

static int load_scalar(struct loading *ld, const char *line, const char *end)
{
	int key = parse_scalar(line, end, ld->st);
	if (key == 0)
		return refuse(ld->why, "malformed or unknown line");
	if ((ld->keys & key) || ld->st->n_cgroups || ld->st->n_events)
		return refuse(ld->why, "repeated or misplaced key");
	ld->keys |= key;
	/* A counted optional key is checked too, wherever it stands. */
	if (!all_keys(ld) || !(key & (KEYS_ALL | KEY_USERSPACE_KILLS)))
		return 0;
	/* All scalars are in: check them together, before any list. */
	const char *bad = scalars_out_of_range(ld->st);
	return bad ? refuse(ld->why, bad) : 0;
}

static int load_line(struct loading *ld, const char *line, size_t n)
{
	if (starts(line, n, "cgroup "))
		return load_cgroup(ld, line, line + n);
	if (starts(line, n, "event "))
		return load_event(ld, line, line + n);
	return load_scalar(ld, line, line + n);
}

static int read_magic(struct reader *rd, uint64_t *hash, const char **why)
{
	const char *line;
	size_t n;
	int r = r_line(rd, &line, &n, why);
	if (r < 0)
		return r;
	if (r == 0)
		return refuse(why, "empty file");
	if (n != strlen(STATE_MAGIC) || memcmp(line, STATE_MAGIC, n) != 0)
		return refuse(why, starts(line, n, "oomwatch-state ") ? "unsupported version"
								      : "not an oomwatch state file");
	*hash = oomw_fnv1a(*hash, line, n + 1);
	return 0;
}

/* The end line: the hash of everything before it, and nothing after it. */
static int read_end(struct reader *rd, const char *line, size_t n, uint64_t hash, const char **why)
{
	char want[STATE_HASH_HEX_LEN + 1];
	snprintf(want, sizeof(want), "%016" PRIx64, hash);
	if (n != strlen(STATE_END) + STATE_HASH_HEX_LEN ||
	    memcmp(line + strlen(STATE_END), want, STATE_HASH_HEX_LEN) != 0)
		return refuse(why, "checksum mismatch");
	int r = r_line(rd, &line, &n, why);
	if (r > 0)
		return refuse(why, "data after the end line");
	return r;
}

/* Parses everything after the open; fills *st, says why it refused. */
static int read_state(struct reader *rd, struct oomw_state *st, const char **why)
{
	uint64_t hash = OOMW_FNV1A_OFFSET;
	struct loading ld = { .st = st, .why = why };
	const char *line;
	size_t n;
	int r = read_magic(rd, &hash, why);
	while (r == 0) {
		r = r_line(rd, &line, &n, why);
		if (r == 0)
			return refuse(why, "truncated: no end line");
		if (r < 0)
			return r;
		if (starts(line, n, STATE_END))
			break;
		hash = oomw_fnv1a(hash, line, n + 1);
		r = load_line(&ld, line, n);
	}
	if (r < 0)
		return r;
	if (!all_keys(&ld))
		return refuse(why, "missing key");
	if (!(ld.keys & KEY_NOTIFIED))
		st->notified_index = st->next_event_index - 1;
	else if (st->notified_index >= st->next_event_index)
		return refuse(why, "notified_index beyond the events handed out");
	return read_end(rd, line, n, hash, why);
}

int oomw_state_load(const char *path, struct oomw_state *st, const char **why)
{
	const char *dummy;
	if (why == NULL)
		why = &dummy;
	*why = NULL;
	oomw_state_init(st);
	/* O_NONBLOCK: a FIFO planted at path must not hang us. */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	struct stat sb;
	int r = 0;
	if (fstat(fd, &sb) < 0)
		r = -errno;
	else if (S_ISDIR(sb.st_mode))
		r = -EISDIR;
	else if (!S_ISREG(sb.st_mode)) {
		*why = "not a regular file";
		r = -EBADMSG;
	}
	if (r == 0) {
		struct reader rd = { .fd = fd };
		r = read_state(&rd, st, why);
	}
	close(fd);
	if (r < 0) {
		oomw_state_init(st);
		if (r != -EBADMSG)
			*why = NULL;
	}
	return r;
}
