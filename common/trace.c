/* SPDX-License-Identifier: MIT */
/* trace.c — the oom:mark_victim tracepoint: its format file, its raw samples,
 * the per-CPU perf rings, and the rules that tell a traced victim and a logged
 * kill apart or make them one (doc/kernel-interfaces.md, "The oom:mark_victim
 * tracepoint").
 *
 * A format file lists the fields of the event's raw record:
 *
 *   name: mark_victim
 *   ID: 609
 *   format:
 *   	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
 *   	...
 *   	field:int pid;	offset:8;	size:4;	signed:1;
 *   	field:__data_loc char[] comm;	offset:12;	size:4;	signed:0;
 *
 * Each perf ring is one metadata page and a power of two of data pages; the
 * kernel writes records at data_head, we consume them up to it and publish
 * data_tail. A record may wrap around the end of the data area. */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NSEC_PER_USEC 1000
/* Data pages per CPU (a power of two): a sample is about 100 bytes, so one
 * CPU holds some 80 victims between two reads; more are counted as lost. */
#define RING_DATA_PAGES 2
/* A mark_victim record is about 100 bytes; anything bigger is not ours. */
#define RECORD_MAX 1024
/* The kernel's fixed-size comm today is 16 bytes; allow more. */
#define STATIC_COMM_MAX (OOMW_COMM_MAX + 1)

struct oomw_trace_ring {
	int fd;
	unsigned char *base; /* the metadata page, then the data pages */
	size_t data_size;
};

static const char *const field_names[OOMW_TRACE_FIELDS] = {
	[OOMW_TRACE_PID] = "pid",
	[OOMW_TRACE_COMM] = "comm",
	[OOMW_TRACE_TOTAL_VM] = "total_vm",
	[OOMW_TRACE_ANON_RSS] = "anon_rss",
	[OOMW_TRACE_FILE_RSS] = "file_rss",
	[OOMW_TRACE_SHMEM_RSS] = "shmem_rss",
	[OOMW_TRACE_UID] = "uid",
	[OOMW_TRACE_PGTABLES] = "pgtables",
	[OOMW_TRACE_OOM_SCORE_ADJ] = "oom_score_adj",
};

/* ---- the format file ----------------------------------------------------- */

static bool is_ident(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The number after "key:" in [s, end), up to ';'. */
static bool take_attr(const char *s, const char *end, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);
	const char *p = memmem(s, (size_t)(end - s), key, klen);
	if (p == NULL)
		return false;
	p += klen;
	const char *semi = memchr(p, ';', (size_t)(end - p));
	return semi != NULL && oomw_parse_u64(p, (size_t)(semi - p), out) == 0;
}

/* One "field:DECL;\toffset:N;\tsize:N;\tsigned:N;" line (after "field:"). */
static int parse_field(const char *s, const char *end, struct oomw_trace_format *out)
{
	const char *semi = memchr(s, ';', (size_t)(end - s));
	if (semi == NULL)
		return -EBADMSG;
	/* The name is the last identifier of the declaration, before any [N]. */
	const char *e = semi;
	const char *bracket = memchr(s, '[', (size_t)(semi - s));
	bool array = false;
	if (bracket != NULL) {
		const char *close = memchr(bracket, ']', (size_t)(semi - bracket));
		/* "__data_loc char[] comm": the brackets belong to the type. */
		if (close != NULL && close + 1 == semi) {
			e = bracket;
			array = true;
		}
	}
	const char *b = e;
	while (b > s && is_ident(b[-1]))
		b--;
	if (b == e)
		return -EBADMSG;
	uint64_t offset, size, sign;
	if (!take_attr(semi, end, "offset:", &offset) || !take_attr(semi, end, "size:", &size) ||
	    !take_attr(semi, end, "signed:", &sign))
		return -EBADMSG;
	for (size_t i = 0; i < OOMW_TRACE_FIELDS; i++) {
		if (strlen(field_names[i]) != (size_t)(e - b) ||
		    memcmp(field_names[i], b, (size_t)(e - b)) != 0)
			continue;
		bool data_loc = (size_t)(semi - s) > 10 && memcmp(s, "__data_loc", 10) == 0;
		bool text = i == OOMW_TRACE_COMM;
		/* Numbers are 1, 2, 4 or 8 bytes; comm is a __data_loc (4 bytes)
		 * or a char array. */
		bool ok = text ? (data_loc ? size == 4 : array && size >= 1 && size <= STATIC_COMM_MAX)
			       : !data_loc && !array &&
					  (size == 1 || size == 2 || size == 4 || size == 8);
		if (!ok || offset > RECORD_MAX || size > RECORD_MAX)
			return -EBADMSG;
		struct oomw_trace_field_loc *f = &out->field[i];
		*f = (struct oomw_trace_field_loc){ .present = true,
						    .is_signed = sign != 0,
						    .data_loc = data_loc,
						    .offset = (uint32_t)offset,
						    .size = (uint32_t)size };
	}
	return 0;
}

int oomw_trace_format_parse(const char *text, size_t len, struct oomw_trace_format *out,
			    const char **why)
{
	memset(out, 0, sizeof(*out));
	*why = NULL;
	const char *p = text, *end = text + len, *line;
	size_t n;
	bool have_id = false;
	while (oomw_next_line(&p, end, &line, &n)) {
		const char *s = line, *e = line + n;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if ((size_t)(e - s) > 4 && memcmp(s, "ID: ", 4) == 0) {
			if (oomw_parse_u64(s + 4, (size_t)(e - s - 4), &out->id) < 0)
				goto bad;
			have_id = true;
		} else if ((size_t)(e - s) > 6 && memcmp(s, "field:", 6) == 0) {
			if (parse_field(s + 6, e, out) < 0)
				goto bad;
		}
	}
	const struct oomw_trace_field_loc *pid = &out->field[OOMW_TRACE_PID];
	if (!have_id) {
		*why = "no ID line";
		return -EBADMSG;
	}
	if (!pid->present || pid->size != 4) {
		*why = "no 4-byte pid field";
		return -EBADMSG;
	}
	return 0;
bad:
	*why = "a field or ID line that does not parse";
	return -EBADMSG;
}

/* ---- raw samples ------------------------------------------------------- */

/* A number field as int64; OOMW_UNKNOWN when absent or out of int64's range. */
static int64_t get_num(const struct oomw_trace_field_loc *f, const unsigned char *raw)
{
	if (!f->present)
		return OOMW_UNKNOWN;
	uint64_t u = 0;
	/* Little or big endian: the kernel writes in the host's order. */
	switch (f->size) {
	case 1: {
		uint8_t v;
		memcpy(&v, raw + f->offset, 1);
		return f->is_signed ? (int64_t)(int8_t)v : (int64_t)v;
	}
	case 2: {
		uint16_t v;
		memcpy(&v, raw + f->offset, 2);
		return f->is_signed ? (int64_t)(int16_t)v : (int64_t)v;
	}
	case 4: {
		uint32_t v;
		memcpy(&v, raw + f->offset, 4);
		return f->is_signed ? (int64_t)(int32_t)v : (int64_t)v;
	}
	default:
		memcpy(&u, raw + f->offset, 8);
		if (f->is_signed)
			return (int64_t)u == OOMW_UNKNOWN ? OOMW_UNKNOWN : (int64_t)u;
		return u > INT64_MAX ? OOMW_UNKNOWN : (int64_t)u;
	}
}

static int64_t get_kib(const struct oomw_trace_field_loc *f, const unsigned char *raw)
{
	int64_t v = get_num(f, raw);
	return v == OOMW_UNKNOWN || v < 0 || v > OOMW_KIB_MAX ? OOMW_UNKNOWN : v;
}

/* comm: a __data_loc (u32: length << 16 | offset in the record) or a char
 * array, cut at its first NUL. */
static int get_comm(const struct oomw_trace_field_loc *f, const unsigned char *raw, size_t len,
		    struct oomw_kill *k)
{
	size_t off = f->offset, n = f->size;
	if (f->data_loc) {
		uint32_t loc;
		memcpy(&loc, raw + f->offset, 4);
		off = loc & 0xffff;
		n = loc >> 16;
		if (off > len || n > len - off)
			return -EBADMSG;
	}
	const unsigned char *s = raw + off;
	const unsigned char *nul = memchr(s, '\0', n);
	if (nul != NULL)
		n = (size_t)(nul - s);
	if (n > OOMW_COMM_MAX)
		n = OOMW_COMM_MAX;
	memcpy(k->comm, s, n);
	k->comm[n] = '\0';
	k->comm_len = n;
	return 0;
}

int oomw_trace_decode(const struct oomw_trace_format *fmt, const void *raw, size_t len,
		      struct oomw_kill *k, const char **why)
{
	const unsigned char *r = raw;
	oomw_kill_init(k);
	*why = NULL;
	for (size_t i = 0; i < OOMW_TRACE_FIELDS; i++) {
		const struct oomw_trace_field_loc *f = &fmt->field[i];
		if (f->present && (f->offset > len || f->size > len - f->offset)) {
			*why = "a sample shorter than its format";
			return -EBADMSG;
		}
	}
	const struct oomw_trace_field_loc *f = fmt->field;
	k->pid = get_num(&f[OOMW_TRACE_PID], r);
	if (k->pid == OOMW_UNKNOWN || k->pid <= 0) {
		*why = "no pid";
		return -EBADMSG;
	}
	if (f[OOMW_TRACE_COMM].present && get_comm(&f[OOMW_TRACE_COMM], r, len, k) < 0) {
		*why = "comm outside the sample";
		return -EBADMSG;
	}
	k->total_vm_kib = get_kib(&f[OOMW_TRACE_TOTAL_VM], r);
	k->anon_rss_kib = get_kib(&f[OOMW_TRACE_ANON_RSS], r);
	k->file_rss_kib = get_kib(&f[OOMW_TRACE_FILE_RSS], r);
	k->shmem_rss_kib = get_kib(&f[OOMW_TRACE_SHMEM_RSS], r);
	k->pgtables_kib = get_kib(&f[OOMW_TRACE_PGTABLES], r);
	k->uid = get_num(&f[OOMW_TRACE_UID], r);
	k->oom_score_adj = get_num(&f[OOMW_TRACE_OOM_SCORE_ADJ], r);
	return 0;
}

/* ---- reconciliation with the kernel log ---------------------------------- */

static bool within_window(int64_t a_usec, int64_t b_usec)
{
	if (a_usec == OOMW_UNKNOWN || b_usec == OOMW_UNKNOWN)
		return false;
	/* Both bounded by OOMW_TIME_USEC_MAX where they enter: no overflow. */
	int64_t d = a_usec - b_usec;
	return d >= -OOMW_TRACE_MATCH_USEC && d <= OOMW_TRACE_MATCH_USEC;
}

bool oomw_trace_seen(const struct oomw_event *events, size_t n, const struct oomw_kill *t)
{
	for (size_t i = n; i-- > 0;) {
		const struct oomw_event *ev = &events[i];
		if (ev->killer == OOMW_KILLER_KERNEL && ev->has_details && ev->kill.pid == t->pid &&
		    within_window(ev->kill.mono_usec, t->mono_usec))
			return true;
	}
	return false;
}

long oomw_trace_match_log(const struct oomw_event *events, size_t n, const struct oomw_kill *k)
{
	for (size_t i = 0; i < n; i++) {
		const struct oomw_event *ev = &events[i];
		if (ev->awaiting_log && ev->kill.pid == k->pid &&
		    (k->mono_usec == OOMW_UNKNOWN || within_window(ev->kill.mono_usec, k->mono_usec)))
			return (long)i;
	}
	return -1;
}

/* Whether the parser gave a kill a report: its main lines (the task dump,
 * the memcg usage, Mem-Info, swap) leave a trace. */
static bool report_given(const struct oomw_report *r)
{
	return r->n_tasks != OOMW_UNKNOWN || r->memcg_usage_kib != OOMW_UNKNOWN ||
	       r->ram_total_kib != OOMW_UNKNOWN || r->swap_total_kib != OOMW_UNKNOWN;
}

void oomw_trace_merge(struct oomw_event *ev, const struct oomw_kill *k)
{
	struct oomw_kill traced = ev->kill;
	ev->kill = *k;
	struct oomw_kill *m = &ev->kill;
	/* The log's numbers where it printed them (an old kernel's Killed line
	 * lacks some), else the tracepoint's. */
	struct {
		int64_t *into;
		int64_t traced;
	} nums[] = {
		{ &m->uid, traced.uid },
		{ &m->total_vm_kib, traced.total_vm_kib },
		{ &m->anon_rss_kib, traced.anon_rss_kib },
		{ &m->file_rss_kib, traced.file_rss_kib },
		{ &m->shmem_rss_kib, traced.shmem_rss_kib },
		{ &m->pgtables_kib, traced.pgtables_kib },
		{ &m->oom_score_adj, traced.oom_score_adj },
	};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		if (*nums[i].into == OOMW_UNKNOWN)
			*nums[i].into = nums[i].traced;
	if (m->comm_len == 0) {
		memcpy(m->comm, traced.comm, sizeof(m->comm));
		m->comm_len = traced.comm_len;
	}
	/* What the traced kill took from its report (oomw_oomparse_complete)
	 * stays where the log's kill lacks it: a process restarted between
	 * the two reads its Killed line past a cursor that left the report
	 * behind. */
	struct {
		char *into;
		const char *traced;
		size_t size;
	} texts[] = {
		{ m->constraint, traced.constraint, sizeof(m->constraint) },
		{ m->oom_memcg, traced.oom_memcg, sizeof(m->oom_memcg) },
		{ m->task_memcg, traced.task_memcg, sizeof(m->task_memcg) },
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i].into[0] == '\0')
			memcpy(texts[i].into, texts[i].traced, texts[i].size);
	if (m->scope == OOMW_SCOPE_UNKNOWN)
		m->scope = traced.scope;
	if (!report_given(&m->report))
		m->report = traced.report;
	if (m->mono_usec == OOMW_UNKNOWN)
		m->mono_usec = traced.mono_usec;
	m->wall_usec = traced.wall_usec;
	ev->awaiting_log = false;
}

/* ---- the perf rings ---------------------------------------------------- */

/* tracefs: where it is mounted, else mounted at <sys>/kernel/tracing. */
static int find_tracefs(const char *sys, char *dir, size_t size)
{
	static const char *const places[] = { "kernel/tracing", "kernel/debug/tracing" };
	char probe[PATH_MAX];
	struct stat sb;
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		if (oomw_path_join(dir, size, sys, places[i]) < 0 ||
		    oomw_path_join(probe, sizeof(probe), dir, "events") < 0)
			return -ENAMETOOLONG;
		if (stat(probe, &sb) == 0)
			return 0;
	}
	if (oomw_path_join(dir, size, sys, places[0]) < 0)
		return -ENAMETOOLONG;
	if (mount("nodev", dir, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return -errno;
	return 0;
}

static int read_format(const char *sys, struct oomw_trace_format *fmt, const char **why)
{
	char dir[PATH_MAX], buf[OOMW_TRACE_FORMAT_MAX];
	size_t len;
	int r = find_tracefs(sys, dir, sizeof(dir));
	if (r < 0) {
		*why = "tracefs is not mounted and could not be";
		return r;
	}
	r = oomw_read_file(dir, "events/oom/mark_victim/format", buf, sizeof(buf), &len);
	if (r < 0) {
		*why = "cannot read tracefs events/oom/mark_victim/format";
		return r;
	}
	return oomw_trace_format_parse(buf, len, fmt, why);
}

static int open_ring(const struct oomw_trace_format *fmt, int cpu, size_t page,
		     struct oomw_trace_ring *ring)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = fmt->id;
	attr.sample_period = 1;
	/* The default clock is the kernel's local clock, the one that stamps
	 * the kernel log's records: a traced victim and its log record compare. */
	attr.sample_type = PERF_SAMPLE_TIME | PERF_SAMPLE_RAW;
	attr.wakeup_events = 1;
	long fd = syscall(SYS_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;
	ring->fd = (int)fd;
	ring->data_size = RING_DATA_PAGES * page;
	void *base =
		mmap(NULL, page + ring->data_size, PROT_READ | PROT_WRITE, MAP_SHARED, ring->fd, 0);
	if (base == MAP_FAILED) {
		int err = -errno;
		close(ring->fd);
		return err;
	}
	ring->base = base;
	return 0;
}

static void close_rings(struct oomw_trace *t)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	for (size_t i = 0; i < t->n_rings; i++) {
		munmap(t->rings[i].base, page + t->rings[i].data_size);
		close(t->rings[i].fd);
	}
	free(t->rings);
	t->rings = NULL;
	t->n_rings = 0;
}

int oomw_trace_open(struct oomw_trace *t, const char *sys, const char **why)
{
	memset(t, 0, sizeof(*t));
	t->epoll_fd = -1;
	int r = read_format(sys, &t->fmt, why);
	if (r < 0)
		return r;
	long n_cpus = sysconf(_SC_NPROCESSORS_CONF);
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	if (n_cpus < 1)
		n_cpus = 1;
	t->rings = calloc((size_t)n_cpus, sizeof(t->rings[0]));
	t->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (t->rings == NULL || t->epoll_fd < 0) {
		r = t->rings == NULL ? -ENOMEM : -errno;
		*why = "out of memory or descriptors";
		goto fail;
	}
	for (long cpu = 0; cpu < n_cpus; cpu++) {
		struct oomw_trace_ring *ring = &t->rings[t->n_rings];
		r = open_ring(&t->fmt, (int)cpu, page, ring);
		if (r == -ENODEV || r == -EINVAL)
			continue; /* an offline or absent CPU */
		if (r < 0) {
			*why = r == -EACCES || r == -EPERM
				       ? "perf_event_open of oom:mark_victim needs root or CAP_PERFMON"
				       : "perf_event_open or mmap of oom:mark_victim failed";
			goto fail;
		}
		t->n_rings++;
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)cpu };
		if (epoll_ctl(t->epoll_fd, EPOLL_CTL_ADD, ring->fd, &ev) < 0) {
			r = -errno;
			*why = "epoll_ctl on a perf event failed";
			goto fail;
		}
	}
	if (t->n_rings == 0) {
		r = -ENODEV;
		*why = "no CPU accepted the oom:mark_victim event";
		goto fail;
	}
	return 0;
fail:
	oomw_trace_close(t);
	return r;
}

/* Copies len bytes at pos of the ring's data (wrapping) into out. */
static void ring_copy(const struct oomw_trace_ring *ring, uint64_t pos, void *out, size_t len)
{
	const unsigned char *data =
		ring->base + ((const struct perf_event_mmap_page *)ring->base)->data_offset;
	size_t off = (size_t)(pos % ring->data_size);
	size_t first = len < ring->data_size - off ? len : ring->data_size - off;
	memcpy(out, data + off, first);
	memcpy((unsigned char *)out + first, data, len - first);
}

/* Skips to the next sample of the ring, counting lost ones; copies it into
 * rec (its size in *len, 0 for one too big to keep). False when none. */
static bool ring_peek(struct oomw_trace *t, struct oomw_trace_ring *ring, unsigned char *rec,
		      size_t *len)
{
	struct perf_event_mmap_page *meta = (struct perf_event_mmap_page *)ring->base;
	uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = meta->data_tail;
	while (tail < head) {
		struct perf_event_header h;
		ring_copy(ring, tail, &h, sizeof(h));
		if (h.size < sizeof(h) || h.size > head - tail)
			break; /* not the kernel's: stop here rather than read garbage */
		if (h.type == PERF_RECORD_SAMPLE) {
			*len = h.size <= RECORD_MAX ? h.size : 0;
			if (*len > 0)
				ring_copy(ring, tail, rec, h.size);
			return true;
		}
		if (h.type == PERF_RECORD_LOST && h.size >= sizeof(h) + 16) {
			uint64_t lost;
			ring_copy(ring, tail + sizeof(h) + 8, &lost, sizeof(lost));
			t->lost += lost;
		}
		tail += h.size;
		__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&meta->data_tail, head, __ATOMIC_RELEASE);
	return false;
}

static void ring_consume(struct oomw_trace_ring *ring)
{
	struct perf_event_mmap_page *meta = (struct perf_event_mmap_page *)ring->base;
	struct perf_event_header h;
	ring_copy(ring, meta->data_tail, &h, sizeof(h));
	__atomic_store_n(&meta->data_tail, meta->data_tail + h.size, __ATOMIC_RELEASE);
}

/* A sample's time; 0 for one too big (taken first, then skipped). */
static uint64_t sample_time(const unsigned char *rec, size_t len)
{
	uint64_t time = 0;
	if (len >= sizeof(struct perf_event_header) + sizeof(time))
		memcpy(&time, rec + sizeof(struct perf_event_header), sizeof(time));
	return time;
}

int oomw_trace_read(struct oomw_trace *t, struct oomw_kill *k)
{
	unsigned char rec[RECORD_MAX], best_rec[RECORD_MAX];
	size_t len, best_len = 0;
	struct oomw_trace_ring *best = NULL;
	uint64_t best_time = 0;
	for (size_t i = 0; i < t->n_rings; i++) {
		if (!ring_peek(t, &t->rings[i], rec, &len))
			continue;
		uint64_t time = sample_time(rec, len);
		if (best == NULL || time < best_time) {
			best = &t->rings[i];
			best_time = time;
			best_len = len;
			memcpy(best_rec, rec, len);
		}
	}
	if (best == NULL)
		return -EAGAIN;
	ring_consume(best);
	/* header, u64 time, u32 size, the raw record */
	size_t at = sizeof(struct perf_event_header) + sizeof(uint64_t);
	uint32_t raw_len;
	const char *why;
	if (best_len < at + sizeof(raw_len))
		return -EBADMSG;
	memcpy(&raw_len, best_rec + at, sizeof(raw_len));
	at += sizeof(raw_len);
	if (raw_len > best_len - at || oomw_trace_decode(&t->fmt, best_rec + at, raw_len, k, &why) < 0)
		return -EBADMSG;
	uint64_t usec = best_time / NSEC_PER_USEC;
	k->mono_usec = usec <= (uint64_t)OOMW_TIME_USEC_MAX ? (int64_t)usec : OOMW_UNKNOWN;
	return 0;
}

int oomw_trace_fd(const struct oomw_trace *t)
{
	return t->epoll_fd;
}

void oomw_trace_close(struct oomw_trace *t)
{
	close_rings(t);
	if (t->epoll_fd >= 0)
		close(t->epoll_fd);
	t->epoll_fd = -1;
}
