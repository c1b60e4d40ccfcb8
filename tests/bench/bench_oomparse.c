/* SPDX-License-Identifier: MIT */
/* bench_oomparse.c — throughput of the kernel-log reader and OOM parser on a
 * large synthetic log, as a ratio against merely splitting the same text into
 * lines, measured in the same run (best of several rounds, CLOCK_MONOTONIC).
 * Usage: bench_oomparse [REPORTS] — each report is one OOM kill with the lines
 * a 6.x kernel prints around it (stack, memcg stats, task list, summary).
 * bench_oomparse --write FILE BYTES writes such a dmesg text log of about BYTES
 * instead (tests/bench/bench.sh times it against grep). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "klog.h"
#include "oomparse.h"

#define ROUNDS 9
#define DEFAULT_REPORTS 20000

/* One report, as the 6.18 capture in tests/fixtures shows it. */
static const char *const report[] = {
	"{name} invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
	"CPU: 1 UID: 0 PID: {pid} Comm: {name} Not tainted 6.18.44 #1 PREEMPT(none)",
	"Call Trace:",
	" <TASK>",
	" dump_stack_lvl+0x57/0x80",
	" dump_header+0x43/0x1c0",
	" oom_kill_process.cold+0x8/0x8a",
	" out_of_memory+0x214/0x500",
	" mem_cgroup_out_of_memory+0xc0/0x110",
	" try_charge_memcg+0x422/0x6f0",
	" </TASK>",
	"memory: usage 65536kB, limit 65536kB, failcnt 12",
	"memory+swap: usage 65536kB, limit 9007199254740988kB, failcnt 0",
	"Memory cgroup stats for /system.slice/batch.service:",
	"cache 0",
	"rss 66756608",
	"total_inactive_anon 66756608",
	"total_active_file 28672",
	"Tasks state (memory values in pages):",
	"[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name",
	"[   {pid}]     0  {pid}    55342    17058    16256      802         0   188416        0             0 {name}",
	"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/system.slice/batch.service,task_memcg=/system.slice/batch.service,task={name},pid={pid},uid=0",
	"Memory cgroup out of memory: Killed process {pid} ({name}) total-vm:221368kB, anon-rss:65024kB, file-rss:3208kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0",
	"oom_reaper: reaped process {pid} ({name}), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
};
#define REPORT_LINES (sizeof(report) / sizeof(report[0]))

static const char *const names[] = { "python3", "evil) total-vm:", "a,task=x,pid=1", "java" };

struct buf {
	char *p;
	size_t len, cap;
};

static void add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p) {
			perror("realloc");
			exit(1);
		}
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/* Copies tmpl into out with "{name}" and "{pid}" replaced. */
static void expand(const char *tmpl, const char *name, int pid, char *out, size_t size)
{
	size_t o = 0;
	char pidstr[16];
	snprintf(pidstr, sizeof(pidstr), "%d", pid);
	for (const char *t = tmpl; *t && o + 1 < size;) {
		const char *sub = NULL;
		if (strncmp(t, "{name}", 6) == 0)
			sub = name, t += 6;
		else if (strncmp(t, "{pid}", 5) == 0)
			sub = pidstr, t += 5;
		if (!sub) {
			out[o++] = *t++;
			continue;
		}
		while (*sub && o + 1 < size)
			out[o++] = *sub++;
	}
	out[o] = '\0';
}

/* Fills text (dmesg lines) and kmsg (records, one per line) with the same messages. */
static void make_logs(long reports, struct buf *text, struct buf *kmsg)
{
	uint64_t seq = 0, usec = 5000000;
	for (long r = 0; r < reports; r++) {
		const char *name = names[r % (sizeof(names) / sizeof(names[0]))];
		int pid = 1000 + (int)(r % 4000000);
		for (size_t i = 0; i < REPORT_LINES; i++) {
			char msg[512], line[640];
			expand(report[i], name, pid, msg, sizeof(msg));
			int n = snprintf(line, sizeof(line), "[%5" PRIu64 ".%06" PRIu64 "] %s\n",
					 usec / 1000000, usec % 1000000, msg);
			add(text, line, (size_t)n);
			int prio = strstr(msg, "Killed process") ? 3 : 6;
			n = snprintf(line, sizeof(line), "%d,%" PRIu64 ",%" PRIu64 ",-;%s\n", prio,
				     seq, usec, msg);
			add(kmsg, line, (size_t)n);
			seq++;
			usec += 7;
		}
		usec += 2000000;
	}
}

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long kills;

static void count_kill(const struct oomw_kill *k, void *ctx)
{
	(void)ctx;
	kills += k->pid > 0;
}

enum mode { SPLIT, PARSE_TEXT, PARSE_KMSG, READ_FILE };

/* One pass; returns the number of records (lines) handled. */
static size_t pass(enum mode m, const struct buf *b, const char *path, volatile size_t *sink)
{
	static struct oomw_oomparse parser;
	oomw_oomparse_init(&parser, count_kill, NULL);
	size_t n = 0;
	if (m == READ_FILE) {
		static struct oomw_klog k;
		struct oomw_klog_record rec;
		int r;
		if (oomw_klog_open(&k, path, OOMW_KLOG_START_OLDEST, 0) < 0) {
			perror(path);
			exit(1);
		}
		while ((r = oomw_klog_read(&k, &rec)) == 0) {
			oomw_oomparse_feed(&parser, &rec);
			n++;
		}
		oomw_klog_close(&k);
		oomw_oomparse_flush(&parser);
		return n;
	}
	const char *p = b->p, *end = b->p + b->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)(nl - p);
		struct oomw_klog_record rec;
		if (m == SPLIT)
			*sink += len;
		else if (m == PARSE_TEXT && oomw_klog_parse_text(p, len, &rec) == 0)
			oomw_oomparse_feed(&parser, &rec);
		else if (m == PARSE_KMSG && oomw_klog_parse_kmsg(p, len, &rec) == 0)
			oomw_oomparse_feed(&parser, &rec);
		n++;
		p = nl + 1;
	}
	oomw_oomparse_flush(&parser);
	return n;
}

static double timed_pass(enum mode m, const struct buf *b, const char *path, size_t *records)
{
	volatile size_t sink = 0;
	kills = 0;
	double t0 = now_sec();
	*records = pass(m, b, path, &sink);
	return now_sec() - t0;
}

/* Writes a text log of at least bytes (whole reports) to path. */
static int write_log(const char *path, long bytes)
{
	struct buf one = { 0 }, kmsg = { 0 };
	make_logs(1, &one, &kmsg);
	long reports = bytes / (long)one.len + 1;
	struct buf text = { 0 };
	make_logs(reports, &text, &kmsg);
	FILE *f = fopen(path, "we");
	int rc = f && fwrite(text.p, 1, text.len, f) == text.len ? 0 : 1;
	if (f && fclose(f) != 0)
		rc = 1;
	if (rc)
		perror(path);
	free(one.p);
	free(text.p);
	free(kmsg.p);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--write") == 0)
		return write_log(argv[2], strtol(argv[3], NULL, 10));
	long reports = argc > 1 ? strtol(argv[1], NULL, 10) : DEFAULT_REPORTS;
	if (reports <= 0) {
		fprintf(stderr, "usage: %s [REPORTS]\n", argv[0]);
		return 2;
	}
	struct buf text = { 0 }, kmsg = { 0 };
	make_logs(reports, &text, &kmsg);

	char path[] = "/tmp/oomw-bench-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || write(fd, text.p, text.len) != (ssize_t)text.len) {
		perror("temp file");
		return 1;
	}
	close(fd);

	const struct {
		enum mode m;
		const char *name;
		const struct buf *b;
	} runs[] = {
		{ SPLIT, "split_lines", &text },
		{ PARSE_TEXT, "parse_text+oomparse", &text },
		{ PARSE_KMSG, "parse_kmsg+oomparse", &kmsg },
		{ READ_FILE, "klog_read(file)+oomparse", &text },
	};
	enum { RUNS = sizeof(runs) / sizeof(runs[0]) };
	double best[RUNS];
	size_t records[RUNS];
	unsigned long found[RUNS];
	/* Rounds interleave the modes, so that a busy machine slows all alike;
	 * each mode keeps its best round. */
	for (int r = 0; r < ROUNDS; r++) {
		for (size_t i = 0; i < RUNS; i++) {
			double t = timed_pass(runs[i].m, runs[i].b, path, &records[i]);
			if (r == 0 || t < best[i])
				best[i] = t;
			found[i] = kills;
		}
	}
	printf("bench\tlog\t%zu lines, %zu bytes, %ld kills, best of %d rounds\n", records[0],
	       text.len, reports, ROUNDS);
	int rc = 0;
	for (size_t i = 0; i < RUNS; i++) {
		printf("bench\t%s_per_sec\t%.0f", runs[i].name, (double)records[i] / best[i]);
		if (runs[i].m == SPLIT) {
			printf("\t(baseline)\n");
			continue;
		}
		printf("\t%.2fx the split time\tkills %lu\n", best[i] / best[0], found[i]);
		if (found[i] != (unsigned long)reports)
			rc = 1; /* a fast parser that misses kills is no result */
	}
	unlink(path);
	free(text.p);
	free(kmsg.p);
	return rc;
}
