/* SPDX-License-Identifier: MIT */
/* test_state.c — the persisted cursor: exact round trips with hostile names, and
 * refusal (never half-trust) of truncated, flipped, foreign, symlinked files. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "state.h"

struct fixture {
	char dir[64];
	char path[128];
	struct oomw_state *a, *b;
};

static int setup(void **ctx)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	strcpy(f->dir, "/tmp/oomw-test-state-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/state", f->dir);
	f->a = malloc(sizeof(*f->a));
	f->b = malloc(sizeof(*f->b));
	assert_non_null(f->a);
	assert_non_null(f->b);
	*ctx = f;
	return 0;
}

static int teardown(void **ctx)
{
	struct fixture *f = *ctx;
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s'; rm -rf '%s'", f->dir, f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f->a);
	free(f->b);
	free(f);
	return 0;
}

/* A state with every field set, comm covering bytes 1..255 across events, and
 * cgroup paths that imitate the file's own syntax. */
static void fill(struct oomw_state *st)
{
	oomw_state_init(st);
	strcpy(st->boot_id, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	st->vmstat_oom_kill = 42;
	st->log_ahead = 2;
	st->kills_without_details = 7;
	strcpy(st->klog_source, "/var/log/kern log=1\nend fnv1a64=0");
	st->klog_inode = 123456789012ULL;
	st->klog_next_seq = UINT64_MAX - 1;
	st->klog_seq_known = true;
	strcpy(st->klog_cursor, "s=739ad4;i=1f;b=0123;m=f4240;t=644b7;x=9a95 =\\");
	st->userspace_kills = 3;
	st->next_event_index = 1000;
	st->notified_index = 990;
	st->n_cgroups = 3;
	strcpy(st->cgroups[0].path, "/");
	st->cgroups[0].oom_kill = 5;
	strcpy(st->cgroups[1].path, "/a b/c=d\\x41/event index=1 details=1");
	st->cgroups[1].oom_kill = OOMW_UNKNOWN;
	strcpy(st->cgroups[2].path, "/k8s/pod,x|y\n\t");
	st->cgroups[2].oom_kill = 0;
	unsigned byte = 1;
	for (int e = 0; byte <= 255; e++) {
		struct oomw_event ev = { .has_details = e % 2 == 0,
					 .backlog = e % 4 == 1,
					 .wall_usec = 1700000000123456 + e };
		oomw_kill_init(&ev.kill);
		struct oomw_kill *k = &ev.kill;
		for (k->comm_len = 0; k->comm_len < OOMW_COMM_MAX && byte <= 255; byte++)
			k->comm[k->comm_len++] = (char)byte;
		k->pid = 100 + e;
		k->uid = e == 1 ? OOMW_UNKNOWN : 1000;
		k->total_vm_kib = OOMW_KIB_MAX; /* the largest size the loader accepts */
		k->anon_rss_kib = 0;
		k->scope = (enum oomw_scope)(e % 3);
		strcpy(k->constraint, "CONSTRAINT_MEMCG");
		strcpy(k->oom_memcg, "/x y");
		strcpy(k->task_memcg, "/x y/z) total-vm:1kB, anon-rss:2kB");
		k->seq = (uint64_t)e * 1000;
		k->mono_usec = 40850000 + e;
		k->reaped = e == 2;
		if (e % 2 == 0) { /* the rest of the report, with dump rows of hostile names */
			struct oomw_report *r = &k->report;
			r->memcg_usage_kib = r->memcg_limit_kib = 65536;
			r->memcg_failcnt = 3138;
			r->swap_free_kib = 0;
			r->n_tasks = 10000;
			r->page_kib = 4;
			r->n_top = (size_t)e % (OOMW_REPORT_TASKS_MAX + 1);
			for (size_t i = 0; i < r->n_top; i++) {
				r->top[i].pid = 7 + (int64_t)i;
				r->top[i].rss_pages = 1000 - (int64_t)i;
				r->top[i].oom_score_adj = -1000;
				r->top[i].pgtables_pages = i == 0 ? OOMW_UNKNOWN : 12;
				strcpy(r->top[i].name, "a b=c task_pid=1\x20");
			}
			if (r->n_top > 0) { /* the largest row by size, after the rows */
				r->largest = r->top[0];
				r->largest.pid = 99;
			}
		}
		oomw_state_add_event(st, &ev);
	}
	/* A userspace killer's event, its fields after the kernel's. */
	struct oomw_event *u = &oomw_state_events(st)[1];
	u->killer = OOMW_KILLER_EARLYOOM;
	oomw_ukill_init(&u->ukill);
	u->ukill.killer = OOMW_KILLER_EARLYOOM;
	u->ukill.reason = OOMW_UKILL_REASON_LOW_MEMORY;
	u->ukill.signal = 15;
	u->ukill.oom_score = 912;
	u->ukill.rss_kib = 7270400;
	u->ukill.mem_avail_kib = 411648;
	u->ukill.swap_total_kib = 0;
	strcpy(u->ukill.cgroup, "/a b=c");
	strcpy(u->ukill.detail, "at or below SIGTERM limits: mem 10.00%, swap 10.00%");
	/* Every byte of the first event's comm is a control byte or digit. */
	oomw_state_events(st)[0].kill.comm[0] = '=';
}

static void assert_same(const struct oomw_state *x, const struct oomw_state *y)
{
	assert_string_equal(x->boot_id, y->boot_id);
	assert_int_equal(x->vmstat_oom_kill, y->vmstat_oom_kill);
	assert_int_equal(x->log_ahead, y->log_ahead);
	assert_int_equal(x->kills_without_details, y->kills_without_details);
	assert_string_equal(x->klog_source, y->klog_source);
	assert_int_equal(x->klog_inode, y->klog_inode);
	assert_int_equal(x->klog_next_seq, y->klog_next_seq);
	assert_int_equal(x->klog_seq_known, y->klog_seq_known);
	assert_string_equal(x->klog_cursor, y->klog_cursor);
	assert_int_equal(x->userspace_kills, y->userspace_kills);
	assert_int_equal(x->next_event_index, y->next_event_index);
	assert_int_equal(x->notified_index, y->notified_index);
	assert_int_equal(x->n_cgroups, y->n_cgroups);
	for (size_t i = 0; i < x->n_cgroups; i++) {
		assert_string_equal(x->cgroups[i].path, y->cgroups[i].path);
		assert_int_equal(x->cgroups[i].oom_kill, y->cgroups[i].oom_kill);
	}
	assert_int_equal(x->n_events, y->n_events);
	for (size_t i = 0; i < x->n_events; i++) {
		const struct oomw_event *a = &oomw_state_events(x)[i], *b = &oomw_state_events(y)[i];
		assert_int_equal(a->index, b->index);
		assert_int_equal(a->has_details, b->has_details);
		assert_int_equal(a->backlog, b->backlog);
		assert_int_equal(a->wall_usec, b->wall_usec);
		assert_int_equal(a->kill.comm_len, b->kill.comm_len);
		assert_memory_equal(a->kill.comm, b->kill.comm, a->kill.comm_len + 1);
		assert_int_equal(a->kill.pid, b->kill.pid);
		assert_int_equal(a->kill.uid, b->kill.uid);
		assert_int_equal(a->kill.total_vm_kib, b->kill.total_vm_kib);
		assert_int_equal(a->kill.anon_rss_kib, b->kill.anon_rss_kib);
		assert_int_equal(a->kill.file_rss_kib, b->kill.file_rss_kib);
		assert_int_equal(a->kill.shmem_rss_kib, b->kill.shmem_rss_kib);
		assert_int_equal(a->kill.pgtables_kib, b->kill.pgtables_kib);
		assert_int_equal(a->kill.oom_score_adj, b->kill.oom_score_adj);
		assert_int_equal(a->kill.scope, b->kill.scope);
		assert_string_equal(a->kill.constraint, b->kill.constraint);
		assert_string_equal(a->kill.oom_memcg, b->kill.oom_memcg);
		assert_string_equal(a->kill.task_memcg, b->kill.task_memcg);
		assert_int_equal(a->kill.seq, b->kill.seq);
		assert_int_equal(a->kill.mono_usec, b->kill.mono_usec);
		assert_int_equal(a->kill.wall_usec, b->kill.wall_usec);
		assert_int_equal(a->kill.reaped, b->kill.reaped);
		assert_int_equal(a->killer, b->killer);
		if (a->killer == OOMW_KILLER_KERNEL)
			continue; /* ukill is not part of a kernel kill */
		assert_int_equal(a->ukill.killer, b->ukill.killer);
		assert_int_equal(a->ukill.reason, b->ukill.reason);
		assert_int_equal(a->ukill.signal, b->ukill.signal);
		assert_int_equal(a->ukill.oom_score, b->ukill.oom_score);
		assert_int_equal(a->ukill.rss_kib, b->ukill.rss_kib);
		assert_int_equal(a->ukill.mem_avail_kib, b->ukill.mem_avail_kib);
		assert_int_equal(a->ukill.mem_total_kib, b->ukill.mem_total_kib);
		assert_int_equal(a->ukill.swap_total_kib, b->ukill.swap_total_kib);
		assert_string_equal(a->ukill.cgroup, b->ukill.cgroup);
		assert_string_equal(a->ukill.detail, b->ukill.detail);
		assert_memory_equal(&a->kill.report, &b->kill.report, sizeof(a->kill.report));
	}
}

static size_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	ssize_t n = read(fd, buf, size);
	assert_true(n >= 0 && (size_t)n < size);
	close(fd);
	return (size_t)n;
}

static void spit(const char *path, const char *buf, size_t len)
{
	unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

static void test_init_and_missing(void **ctx)
{
	struct fixture *f = *ctx;
	const char *why = "x";
	memset(f->a, 0x55, sizeof(*f->a));
	assert_int_equal(oomw_state_load(f->path, f->a, &why), -ENOENT);
	assert_null(why);
	assert_string_equal(f->a->boot_id, "");
	assert_int_equal(f->a->vmstat_oom_kill, OOMW_UNKNOWN);
	assert_int_equal(f->a->next_event_index, 1);
	assert_int_equal(f->a->n_events, 0);
}

static void test_round_trip_hostile(void **ctx)
{
	struct fixture *f = *ctx;
	const char *why;
	fill(f->a);
	assert_int_equal(f->a->n_events, 5); /* 255 bytes, 63 per comm */
	assert_int_equal(oomw_state_save(f->path, f->a), 0);
	struct stat sb;
	assert_int_equal(lstat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	char tmp[160];
	snprintf(tmp, sizeof(tmp), "%s.tmp", f->path);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(oomw_state_load(f->path, f->b, &why), 0);
	assert_same(f->a, f->b);
	/* The file is text a person can read: one line per item, printable ASCII. */
	static char buf[65536];
	size_t n = slurp(f->path, buf, sizeof(buf));
	for (size_t i = 0; i < n; i++)
		assert_true(buf[i] == '\n' || (buf[i] >= 0x20 && buf[i] < 0x7f));
	assert_memory_equal(buf, "oomwatch-state 2\nboot_id=0f1e2d3c", 33);
}

/* The last OOMW_STATE_EVENTS_MAX events, oldest first, as one array after
 * every append: across the slides of the slots too (three rings' worth). */
static void test_ring_drops_oldest(void **ctx)
{
	struct fixture *f = *ctx;
	const int total = 3 * OOMW_STATE_EVENTS_MAX + 10;
	oomw_state_init(f->a);
	for (int i = 0; i < total; i++) {
		struct oomw_event ev = { .wall_usec = i };
		oomw_kill_init(&ev.kill);
		oomw_state_add_event(f->a, &ev);
		assert_int_equal(ev.index, (uint64_t)i + 1);
		size_t n = f->a->n_events;
		assert_int_equal(n, i < OOMW_STATE_EVENTS_MAX ? i + 1 : OOMW_STATE_EVENTS_MAX);
		const struct oomw_event *events = oomw_state_events(f->a);
		for (size_t j = 0; j < n; j++)
			assert_int_equal(events[j].wall_usec, i + 1 - (int64_t)n + (int64_t)j);
	}
	assert_int_equal(oomw_state_events(f->a)[0].index, total - OOMW_STATE_EVENTS_MAX + 1);
	assert_int_equal(f->a->next_event_index, total + 1);
	assert_int_equal(oomw_state_save(f->path, f->a), 0);
	assert_int_equal(oomw_state_load(f->path, f->b, NULL), 0);
	assert_same(f->a, f->b);
}

/* A kernel kill whose report is all unknown (one the log did not show) ends its
 * line at task_memcg, as files from before the report did; a kill with any of
 * its report keeps the report. Both load back as they were. */
static void test_unknown_report_omitted(void **ctx)
{
	struct fixture *f = *ctx;
	static char buf[65536];
	oomw_state_init(f->a);
	struct oomw_event counted = { .backlog = true, .wall_usec = 1700000000000000 };
	oomw_kill_init(&counted.kill);
	oomw_state_add_event(f->a, &counted);
	struct oomw_event logged = { .has_details = true, .wall_usec = 1700000000000001 };
	oomw_kill_init(&logged.kill);
	logged.kill.pid = 42;
	logged.kill.report.n_tasks = 1;
	oomw_state_add_event(f->a, &logged);
	assert_int_equal(oomw_state_save(f->path, f->a), 0);
	size_t n = slurp(f->path, buf, sizeof(buf));
	buf[n] = '\0';
	const char *first = strstr(buf, "event index=1 ");
	const char *second = strstr(buf, "event index=2 ");
	assert_non_null(first);
	assert_non_null(second);
	assert_memory_equal(second - strlen(" task_memcg=\n"), " task_memcg=\n",
			    strlen(" task_memcg=\n"));
	assert_non_null(strstr(second, " n_tasks=1 "));
	assert_int_equal(oomw_state_load(f->path, f->b, NULL), 0);
	assert_same(f->a, f->b);
	for (size_t i = 0; i < 2; i++)
		assert_memory_equal(&oomw_state_events(f->a)[i].kill.report,
				    &oomw_state_events(f->b)[i].kill.report,
				    sizeof(oomw_state_events(f->a)[i].kill.report));
}

static void assert_refused(struct fixture *f)
{
	const char *why = NULL;
	int r = oomw_state_load(f->path, f->b, &why);
	if (r != -EBADMSG)
		fail_msg("loaded a damaged file: %d", r);
	assert_non_null(why);
	assert_string_equal(f->b->boot_id, "");
	assert_int_equal(f->b->n_events, 0);
	assert_int_equal(f->b->n_cgroups, 0);
	assert_int_equal(f->b->vmstat_oom_kill, OOMW_UNKNOWN);
	assert_int_equal(f->b->next_event_index, 1);
}

static void test_truncated_at_every_length(void **ctx)
{
	struct fixture *f = *ctx;
	static char buf[65536];
	fill(f->a);
	assert_int_equal(oomw_state_save(f->path, f->a), 0);
	size_t n = slurp(f->path, buf, sizeof(buf));
	for (size_t len = 0; len < n; len++) {
		spit(f->path, buf, len);
		assert_refused(f);
	}
	spit(f->path, buf, n);
	assert_int_equal(oomw_state_load(f->path, f->b, NULL), 0);
}

static void test_flipped_bytes(void **ctx)
{
	struct fixture *f = *ctx;
	static char buf[65536];
	fill(f->a);
	f->a->n_events = 1; /* keeps the test quick; every kind of line is still there */
	assert_int_equal(oomw_state_save(f->path, f->a), 0);
	size_t n = slurp(f->path, buf, sizeof(buf));
	static const unsigned char flips[] = { 0x01, 0x20, 0x80 };
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < sizeof(flips); j++) {
			buf[i] ^= (char)flips[j];
			spit(f->path, buf, n);
			assert_refused(f);
			buf[i] ^= (char)flips[j];
		}
	}
	/* Extra data after the end line. */
	buf[n] = 'x';
	buf[n + 1] = '\n';
	spit(f->path, buf, n + 2);
	assert_refused(f);
}

/* The checksum alone refuses the damage above; the parser must stand on its
 * own too (a file an editor or a script rewrote, and sealed again). Each body
 * below carries a correct end line, so only the parser can refuse it. */
#define SEALED_MAGIC "oomwatch-state 2\n"
#define SEALED_SCALARS                                                                             \
	"boot_id=b\nvmstat_oom_kill=3\nlog_ahead=0\nkills_without_details=1\n"                     \
	"klog_source=/dev/kmsg\nklog_inode=5\nklog_next_seq=10\nklog_seq_known=1\n"                \
	"next_event_index=3\n"
#define SEALED_KEYS SEALED_MAGIC SEALED_SCALARS
#define SEALED_CGROUP "cgroup oom_kill=1 path=/a\n"
#define SEALED_EVENT_HEAD                                                                          \
	"event index=1 details=1 backlog=0 wall_usec=5 pid=7 uid=0 total_vm_kib=1 "
#define SEALED_EVENT_TAIL                                                                          \
	"anon_rss_kib=1 file_rss_kib=1 shmem_rss_kib=1 pgtables_kib=1 oom_score_adj=0 "            \
	"scope=memcg seq=4 mono_usec=9 kill_wall_usec=5 reaped=0 comm=x constraint= "              \
	"oom_memcg= task_memcg=\n"
#define SEALED_EVENT SEALED_EVENT_HEAD SEALED_EVENT_TAIL
/* An event line with the report (files written before it lack it: SEALED_EVENT). */
#define SEALED_REPORT_EVENT(tail)                                                                  \
	SEALED_EVENT_HEAD                                                                          \
	"anon_rss_kib=1 file_rss_kib=1 shmem_rss_kib=1 pgtables_kib=1 oom_score_adj=0 "            \
	"scope=memcg seq=4 mono_usec=9 kill_wall_usec=5 reaped=0 comm=x constraint= "              \
	"oom_memcg= task_memcg= memcg_usage_kib=64 memcg_limit_kib=64 memcg_failcnt=3 "            \
	"memsw_usage_kib=- memsw_limit_kib=- swap_usage_kib=- swap_limit_kib=- "                   \
	"ram_free_kib=- ram_total_kib=- swap_free_kib=- swap_total_kib=- n_tasks=1 "               \
	"page_kib=4 n_top=" tail "\n"

static void spit_sealed(const char *path, const char *body)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (const char *p = body; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 0x100000001b3ULL;
	}
	static char buf[4096];
	int n = snprintf(buf, sizeof(buf), "%send fnv1a64=%016llx\n", body, (unsigned long long)h);
	assert_true(n > 0 && (size_t)n < sizeof(buf));
	spit(path, buf, (size_t)n);
}

static void test_sealed_but_malformed(void **ctx)
{
	struct fixture *f = *ctx;
	spit_sealed(f->path, SEALED_KEYS SEALED_CGROUP SEALED_EVENT);
	assert_int_equal(oomw_state_load(f->path, f->b, NULL), 0);
	assert_int_equal(f->b->n_cgroups, 1);
	assert_int_equal(f->b->n_events, 1);
	assert_int_equal(oomw_state_events(f->b)[0].kill.pid, 7);
	/* A file of an older version has no delivery cursor: all was notified. */
	assert_int_equal(f->b->notified_index, 2);
	spit_sealed(f->path, SEALED_KEYS "notified_index=0\n" SEALED_EVENT);
	assert_int_equal(oomw_state_load(f->path, f->b, NULL), 0);
	assert_int_equal(f->b->notified_index, 0);
	assert_int_equal(oomw_state_events(f->b)[0].kill.report.memcg_limit_kib, OOMW_UNKNOWN);
	spit_sealed(f->path, SEALED_KEYS SEALED_REPORT_EVENT(
				     "1 task_pid=7 task_uid=0 task_rss_pages=16 "
				     "task_swap_pages=0 task_oom_score_adj=0 task_name=x"));
	assert_int_equal(oomw_state_load(f->path, f->b, NULL), 0);
	assert_int_equal(oomw_state_events(f->b)[0].kill.report.memcg_limit_kib, 64);
	assert_int_equal(oomw_state_events(f->b)[0].kill.report.n_top, 1);
	assert_int_equal(oomw_state_events(f->b)[0].kill.report.top[0].rss_pages, 16);
	static const char *const bad[] = {
		SEALED_KEYS "notified_index=3\n",                   /* beyond what was handed out */
		SEALED_KEYS "notified_index=1\nnotified_index=1\n", /* the cursor twice */
		SEALED_KEYS "notified_index=-1\n",                  /* not a count */
		SEALED_KEYS SEALED_REPORT_EVENT("1"),               /* fewer dump rows than n_top */
		SEALED_KEYS SEALED_REPORT_EVENT("4"),               /* more than are kept */
		SEALED_KEYS SEALED_REPORT_EVENT("0 x=1"), /* a stray field after the report */
		SEALED_KEYS "log_ahead=0\n",              /* a key twice */
		SEALED_KEYS "colour=blue\n",              /* an unknown key */
		SEALED_KEYS "klog_inode=5 \n",            /* a trailing blank */
		SEALED_MAGIC SEALED_EVENT SEALED_SCALARS, /* an event before the keys */
		SEALED_KEYS SEALED_EVENT SEALED_CGROUP,   /* a cgroup after an event */
		SEALED_KEYS SEALED_EVENT SEALED_EVENT,    /* the same index twice */
		SEALED_KEYS
		"event index=3 details=1 backlog=0 wall_usec=5 pid=7 uid=0 total_vm_kib=1 " SEALED_EVENT_TAIL, /* index not below next_event_index */
		SEALED_KEYS SEALED_EVENT_HEAD SEALED_EVENT_TAIL "x\n", /* a stray line */
		SEALED_KEYS SEALED_EVENT_HEAD "anon_rss_kib=1\n",      /* an event cut short */
		SEALED_KEYS
		"event index=1 details=2 backlog=0 wall_usec=5 pid=7 uid=0 total_vm_kib=1 " SEALED_EVENT_TAIL, /* a flag that is not 0/1 */
		SEALED_KEYS
		"event index=1 details=1 backlog=0 wall_usec=5 pid=7 uid=0 total_vm_kib=-9223372036854775808 " SEALED_EVENT_TAIL, /* the "unknown" marker as a number */
		SEALED_KEYS "cgroup oom_kill=1 path=/a=b\n",  /* a raw '=' in a string */
		SEALED_KEYS "cgroup oom_kill=1 path=/a\tb\n", /* a raw control byte */
		SEALED_KEYS "cgroup path=/a oom_kill=1\n",    /* fields out of order */
		SEALED_KEYS "userspace_kills=-1\n", /* a negative count in an optional key */
		SEALED_KEYS SEALED_EVENT_HEAD
		"anon_rss_kib=1 file_rss_kib=1 shmem_rss_kib=1 pgtables_kib=1 "
		"oom_score_adj=0 scope=memcg seq=4 mono_usec=9 kill_wall_usec=5 reaped=0 comm=a "
		"constraint= oom_memcg= task_memcg= killer=kernel reason=swap signal=9 oom_score=- "
		"ukill_oom_score_adj=- rss_kib=- mem_avail_kib=- mem_total_kib=- swap_free_kib=- "
		"swap_total_kib=- cgroup=/a detail=x\n", /* userspace fields on a kernel kill */
		"oomwatch-state 2\nboot_id=b\nvmstat_oom_kill=3\nlog_ahead=-1\n"
		"kills_without_details=1\nklog_source=/dev/kmsg\nklog_inode=5\nklog_next_seq=10\n"
		"klog_seq_known=1\nnext_event_index=3\n", /* a negative count */
		"oomwatch-state 2\nboot_id=b\nvmstat_oom_kill=3\nlog_ahead=0\n"
		"kills_without_details=1\nklog_source=/dev/kmsg\nklog_inode=5\nklog_next_seq=10\n"
		"klog_seq_known=1\n", /* a key missing */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		spit_sealed(f->path, bad[i]);
		const char *why = NULL;
		if (oomw_state_load(f->path, f->b, &why) != -EBADMSG)
			fail_msg("body %zu was loaded", i);
		assert_non_null(why);
		if (strcmp(why, "checksum mismatch") == 0)
			fail_msg("body %zu was refused by its checksum, not by the parser", i);
		assert_refused(f);
	}
	/* An over-long comm is refused, not cut: 64 bytes do not fit OOMW_COMM_MAX. */
	char body[2048];
	snprintf(body, sizeof(body), "%s%s%s", SEALED_KEYS SEALED_EVENT_HEAD,
		 "anon_rss_kib=1 file_rss_kib=1 shmem_rss_kib=1 pgtables_kib=1 oom_score_adj=0 "
		 "scope=memcg seq=4 mono_usec=9 kill_wall_usec=5 reaped=0 comm="
		 "0123456789012345678901234567890123456789012345678901234567890123",
		 " constraint= oom_memcg= task_memcg=\n");
	spit_sealed(f->path, body);
	assert_refused(f);
}

/* Scalars with one value replaced (issue 10: the loader accepted negative and
 * near-INT64_MAX counters, which then overflowed in the monitor's sums). */
static void sealed_scalars(char *out, size_t size, const char *vmstat, const char *ahead,
			   const char *no_details)
{
	snprintf(out, size,
		 SEALED_MAGIC "boot_id=b\nvmstat_oom_kill=%s\nlog_ahead=%s\nkills_without_details=%s\n"
			      "klog_source=/dev/kmsg\nklog_inode=5\nklog_next_seq=10\nklog_seq_known=1\n"
			      "next_event_index=3\n",
		 vmstat, ahead, no_details);
}

static void assert_out_of_range(struct fixture *f, const char *body, const char *want_why)
{
	spit_sealed(f->path, body);
	const char *why = NULL;
	if (oomw_state_load(f->path, f->b, &why) != -EBADMSG)
		fail_msg("loaded: %s", body);
	assert_non_null(why);
	if (strstr(why, want_why) == NULL)
		fail_msg("refused for \"%s\", not \"%s\": %s", why, want_why, body);
	assert_refused(f);
}

static void test_counters_out_of_range(void **ctx)
{
	struct fixture *f = *ctx;
	static const struct {
		const char *vmstat, *ahead, *no_details, *why;
	} bad[] = {
		{ "-1", "0", "0", "vmstat_oom_kill out of range" },
		{ "9223372036854775807", "0", "0", "vmstat_oom_kill out of range" },
		{ "4611686018427387904", "0", "0", "vmstat_oom_kill out of range" },
		{ "3", "-1", "0", "log_ahead out of range" },
		{ "3", "9223372036854775806", "0", "log_ahead out of range" },
		{ "3", "0", "-7", "kills_without_details out of range" },
		{ "3", "0", "9223372036854775807", "kills_without_details out of range" },
	};
	char body[2048];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sealed_scalars(body, sizeof(body), bad[i].vmstat, bad[i].ahead, bad[i].no_details);
		assert_out_of_range(f, body, bad[i].why);
	}
	/* The largest accepted: OOMW_COUNTER_MAX, and "-" (unknown) for the counter. */
	sealed_scalars(body, sizeof(body), "4611686018427387903", "4611686018427387903",
		       "4611686018427387903");
	spit_sealed(f->path, body);
	assert_int_equal(oomw_state_load(f->path, f->b, NULL), 0);
	assert_int_equal(f->b->log_ahead, OOMW_COUNTER_MAX);
	sealed_scalars(body, sizeof(body), "-", "0", "0");
	spit_sealed(f->path, body);
	assert_int_equal(oomw_state_load(f->path, f->b, NULL), 0);
	assert_int_equal(f->b->vmstat_oom_kill, OOMW_UNKNOWN);

	assert_out_of_range(f, SEALED_KEYS "cgroup oom_kill=-3 path=/a\n",
			    "cgroup oom_kill out of range");
	assert_out_of_range(f, SEALED_KEYS "cgroup oom_kill=9223372036854775807 path=/a\n",
			    "cgroup oom_kill out of range");
	/* An event dated past year 9999, or a size that overflows in bytes. */
	assert_out_of_range(f,
			    SEALED_KEYS "event index=1 details=1 backlog=0 wall_usec=9223372036854775807 "
					"pid=7 uid=0 total_vm_kib=1 " SEALED_EVENT_TAIL,
			    "out of range");
	assert_out_of_range(f,
			    SEALED_KEYS "event index=1 details=1 backlog=0 wall_usec=-5 "
					"pid=7 uid=0 total_vm_kib=1 " SEALED_EVENT_TAIL,
			    "out of range");
	assert_out_of_range(f,
			    SEALED_KEYS SEALED_EVENT_HEAD
			    "anon_rss_kib=9007199254740992 file_rss_kib=1 shmem_rss_kib=1 pgtables_kib=1 "
			    "oom_score_adj=0 scope=memcg seq=4 mono_usec=9 kill_wall_usec=5 reaped=0 "
			    "comm=x constraint= oom_memcg= task_memcg=\n",
			    "out of range");
}

static void test_foreign_files(void **ctx)
{
	struct fixture *f = *ctx;
	static const char *const foreign[] = {
		"",
		"\n",
		"hello world\n",
		"root:x:0:0:root:/root:/bin/bash\n",
		"oomwatch-state 3\nend fnv1a64=0000000000000000\n",
		"oomwatch-state 1\n",
		"oomwatch-state 1\nend fnv1a64=af63bd4c8601b7df\n", /* an end line, no keys */
		"\x7f"
		"ELF\x02\x01\x01",
	};
	for (size_t i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		spit(f->path, foreign[i], strlen(foreign[i]));
		assert_refused(f);
	}
	/* A very long line with no newline must not be read forever into memory. */
	static char big[100000];
	memset(big, 'a', sizeof(big));
	spit(f->path, big, sizeof(big));
	assert_refused(f);
}

static void test_symlink_refused(void **ctx)
{
	struct fixture *f = *ctx;
	char target[160];
	fill(f->a);
	snprintf(target, sizeof(target), "%s/real", f->dir);
	assert_int_equal(oomw_state_save(target, f->a), 0);
	assert_int_equal(symlink(target, f->path), 0);
	assert_int_equal(oomw_state_load(f->path, f->b, NULL), -ELOOP);
	assert_string_equal(f->b->boot_id, "");
}

static void test_stale_tmp_not_followed(void **ctx)
{
	struct fixture *f = *ctx;
	char tmp[160], victim[160];
	snprintf(tmp, sizeof(tmp), "%s.tmp", f->path);
	snprintf(victim, sizeof(victim), "%s/victim", f->dir);
	spit(victim, "precious\n", 9);
	assert_int_equal(symlink(victim, tmp), 0);
	fill(f->a);
	assert_int_equal(oomw_state_save(f->path, f->a), 0);
	static char buf[64];
	assert_int_equal(slurp(victim, buf, sizeof(buf)), 9);
	assert_memory_equal(buf, "precious\n", 9);
	assert_int_equal(oomw_state_load(f->path, f->b, NULL), 0);
	assert_same(f->a, f->b);
	/* A plain stale tmp (a crash mid-save) is replaced too. */
	spit(tmp, "garbage", 7);
	assert_int_equal(oomw_state_save(f->path, f->a), 0);
	assert_int_equal(access(tmp, F_OK), -1);
}

static void test_directory_in_the_way(void **ctx)
{
	struct fixture *f = *ctx;
	assert_int_equal(mkdir(f->path, 0700), 0);
	assert_int_equal(oomw_state_load(f->path, f->b, NULL), -EISDIR);
	fill(f->a);
	int r = oomw_state_save(f->path, f->a);
	assert_true(r == -EISDIR || r == -ENOTEMPTY || r == -EEXIST);
	char tmp[160];
	snprintf(tmp, sizeof(tmp), "%s.tmp", f->path);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(f->a->n_events, 5);
	assert_int_equal(f->a->vmstat_oom_kill, 42);
}

static void test_fifo_does_not_hang(void **ctx)
{
	struct fixture *f = *ctx;
	assert_int_equal(mkfifo(f->path, 0600), 0);
	assert_refused(f);
}

/* Root ignores directory permissions: drop to nobody in a child for the save. */
static void test_read_only_directory(void **ctx)
{
	struct fixture *f = *ctx;
	fill(f->a);
	assert_int_equal(chmod(f->dir, 0555), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(100);
		int r = oomw_state_save(f->path, f->a);
		/* Nothing in memory was touched by the failed save. */
		bool intact = f->a->n_events == 5 && f->a->vmstat_oom_kill == 42;
		_exit(r == -EACCES && intact ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(access(f->path, F_OK), -1);
	assert_int_equal(chmod(f->dir, 0700), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_and_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_drops_oldest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_report_omitted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_at_every_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flipped_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sealed_but_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_tmp_not_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_in_the_way, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_does_not_hang, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_only_directory, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
