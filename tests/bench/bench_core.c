/* SPDX-License-Identifier: MIT */
/* bench_core.c — the core's costs in-process, for tests/bench/bench.sh:
 *   gauge [--no-kmsg-writes]
 *                   one steady-state oomw_monitor_sample (kmsg, vmstat, meminfo,
 *                   PSI; nothing pending) vs the floor: pread() of the same three
 *                   files on descriptors kept open; heap allocations per sample;
 *                   where /dev/kmsg is writable, also a sample woken by one
 *                   debug record (as USB or network chatter wakes a front end)
 *   scan DIR N      oomw_candidates_top over a synthetic /proc of N processes
 *   walk DIR N      oomw_cgroup_walk over a synthetic cgroup v2 tree of N cgroups
 *   logparse FILE   the kernel-log reader and OOM parser over a text log
 * Each prints "key value" lines; times are medians of rounds (CLOCK_MONOTONIC).
 * Synthetic trees are made here (in DIR, which the caller removes). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "candidates.h"
#include "cgroup.h"
#include "klog.h"
#include "monitor.h"
#include "oomparse.h"

#define ROUNDS 15

/* ---- heap allocations, counted by replacing glibc's entry points ------- */
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);

static unsigned long n_allocs;

void *malloc(size_t size)
{
	n_allocs++;
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	n_allocs++;
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	n_allocs++;
	return __libc_realloc(p, size);
}

/* ---- timing ------------------------------------------------------------ */
static double now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "bench_core: %s: %s\n", what, strerror(err));
	exit(1);
}

/* ---- gauge ------------------------------------------------------------- */
static const char *const floor_files[] = { "/proc/meminfo", "/proc/vmstat", "/proc/pressure/memory" };
#define N_FLOOR (sizeof(floor_files) / sizeof(floor_files[0]))

static void pread_floor(const int *fds)
{
	static char buf[16384];
	for (size_t i = 0; i < N_FLOOR; i++)
		if (fds[i] >= 0 && pread(fds[i], buf, sizeof(buf), 0) < 0)
			die(floor_files[i], errno);
}

/* The median sample right after one record was written to /dev/kmsg (one
 * open per record: the kernel rate-limits each writer after 10 lines). */
static double woken_sample_usec(struct oomw_monitor *m, struct oomw_snapshot *snap)
{
	enum { WAKES = 301 };
	static double t[WAKES];
	static const char rec[] = "<7>oomwatch-bench wake-up record\n";
	for (int i = 0; i < WAKES; i++) {
		int fd = open(OOMW_DEFAULT_KMSG, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, rec, sizeof(rec) - 1) < 0)
			die(OOMW_DEFAULT_KMSG, errno);
		close(fd);
		double t0 = now_usec();
		oomw_monitor_sample(m, snap, NULL, NULL);
		t[i] = now_usec() - t0;
	}
	return median(t, WAKES);
}

static int bench_gauge(bool kmsg_writes)
{
	enum { PER_ROUND = 500 };
	struct oomw_monitor_config cfg = { 0 };
	oomw_paths_default(&cfg.paths);
	if (access(cfg.paths.kmsg, R_OK) != 0)
		oomw_paths_set(cfg.paths.kmsg, OOMW_KMSG_NONE);
	struct oomw_monitor *m;
	int r = oomw_monitor_open(&cfg, &m);
	if (r < 0)
		die("oomw_monitor_open", -r);
	static struct oomw_snapshot snap;
	int fds[N_FLOOR];
	for (size_t i = 0; i < N_FLOOR; i++)
		fds[i] = open(floor_files[i], O_RDONLY | O_CLOEXEC);
	for (int i = 0; i < 50; i++) /* warm up: first sample, page cache */
		oomw_monitor_sample(m, &snap, NULL, NULL);
	double t_sample[ROUNDS], t_floor[ROUNDS];
	unsigned long allocs = 0;
	for (int round = 0; round < ROUNDS; round++) {
		double t0 = now_usec();
		unsigned long a0 = n_allocs;
		for (int i = 0; i < PER_ROUND; i++)
			oomw_monitor_sample(m, &snap, NULL, NULL);
		allocs += n_allocs - a0;
		double t1 = now_usec();
		for (int i = 0; i < PER_ROUND; i++)
			pread_floor(fds);
		t_sample[round] = (t1 - t0) / PER_ROUND;
		t_floor[round] = (now_usec() - t1) / PER_ROUND;
	}
	printf("gauge_kmsg %s\n", cfg.paths.kmsg);
	printf("gauge_sample_usec %.2f\n", median(t_sample, ROUNDS));
	printf("gauge_floor_usec %.2f\n", median(t_floor, ROUNDS));
	printf("gauge_allocs_per_sample %.3f\n", (double)allocs / (ROUNDS * PER_ROUND));
	if (kmsg_writes && strcmp(cfg.paths.kmsg, OOMW_DEFAULT_KMSG) == 0 &&
	    access(cfg.paths.kmsg, W_OK) == 0)
		printf("gauge_woken_usec %.2f\n", woken_sample_usec(m, &snap));
	oomw_monitor_close(m);
	return 0;
}

/* ---- synthetic trees ---------------------------------------------------- */
static void write_at(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die(path, errno);
	size_t len = strlen(text);
	if (write(fd, text, len) != (ssize_t)len)
		die(path, errno);
	close(fd);
}

static void make_dir(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		die(path, errno);
}

/* N processes as /proc shows them to oomw_candidates_top. */
static void make_proc(const char *base, long n)
{
	char dir[PATH_MAX], text[512];
	make_dir(base);
	for (long i = 0; i < n; i++) {
		long pid = 1000 + i;
		snprintf(dir, sizeof(dir), "%s/%ld", base, pid);
		make_dir(dir);
		snprintf(text, sizeof(text), "%ld\n", (i * 7919) % 2000);
		write_at(dir, "oom_score", text);
		snprintf(text, sizeof(text),
			 "%ld (worker-%ld) S 1 %ld %ld 0 -1 4194560 4470 0 0 0 4 3 0 0 20 0 1 0 "
			 "2300 21549056 1200 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0\n",
			 pid, i, pid, pid);
		write_at(dir, "stat", text);
		write_at(dir, "statm", "5261 1200 900 1 0 300 0\n");
		write_at(dir, "oom_score_adj", "0\n");
	}
}

/* N cgroups, 100 per parent below the root (systemd-like fan-out). */
static void make_cgroups(const char *base, long n)
{
	char dir[PATH_MAX];
	make_dir(base);
	write_at(base, "cgroup.controllers", "cpu io memory pids\n");
	for (long i = 0; i < n; i++) {
		if (i % 100 == 0) {
			snprintf(dir, sizeof(dir), "%s/p%ld", base, i / 100);
			make_dir(dir);
		}
		snprintf(dir, sizeof(dir), "%s/p%ld/c%ld", base, i / 100, i);
		make_dir(dir);
		write_at(dir, "memory.events",
			 "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n");
		write_at(dir, "memory.current", "1048576\n");
		write_at(dir, "memory.max", "max\n");
	}
}

static int count_cgroup(const struct oomw_cgroup_stats *st, void *ctx)
{
	(void)st;
	(*(long *)ctx)++;
	return 0;
}

static int bench_tree(const char *what, const char *base, long n)
{
	double t[ROUNDS];
	long seen = 0;
	if (strcmp(what, "scan") == 0) {
		make_proc(base, n);
		struct oomw_candidate top[OOMW_CANDIDATES_MAX];
		size_t found;
		for (int round = 0; round < ROUNDS; round++) {
			double t0 = now_usec();
			int r = oomw_candidates_top(base, top, 10, &found);
			t[round] = now_usec() - t0;
			if (r < 0)
				die("oomw_candidates_top", -r);
		}
		seen = found == 10 ? n : 0;
	} else {
		make_cgroups(base, n);
		struct oomw_cgroup_root root = { .version = 2 };
		snprintf(root.dir, sizeof(root.dir), "%s", base);
		for (int round = 0; round < ROUNDS; round++) {
			long count = 0;
			double t0 = now_usec();
			int r = oomw_cgroup_walk(&root, "/p*/c*", count_cgroup, &count);
			t[round] = now_usec() - t0;
			if (r < 0)
				die("oomw_cgroup_walk", -r);
			seen = count;
		}
	}
	if (seen != n) {
		fprintf(stderr, "bench_core: %s saw %ld of %ld\n", what, seen, n);
		return 1;
	}
	printf("%s_%ld_usec_per_item %.3f\n", what, n, median(t, ROUNDS) / (double)n);
	return 0;
}

/* ---- text log ----------------------------------------------------------- */
static unsigned long kills;

static void count_kill(const struct oomw_kill *k, void *ctx)
{
	(void)ctx;
	kills += k->pid > 0;
}

static int bench_logparse(const char *path)
{
	static struct oomw_klog k;
	static struct oomw_oomparse parser;
	struct oomw_klog_record rec;
	oomw_oomparse_init(&parser, count_kill, NULL);
	double t0 = now_usec();
	int r = oomw_klog_open(&k, path, OOMW_KLOG_START_OLDEST, 0);
	if (r < 0)
		die(path, -r);
	while ((r = oomw_klog_read(&k, &rec)) == 0 || r == -EBADMSG)
		if (r == 0)
			oomw_oomparse_feed(&parser, &rec);
	oomw_oomparse_flush(&parser);
	oomw_klog_close(&k);
	printf("logparse_usec %.0f\nlogparse_kills %lu\n", now_usec() - t0, kills);
	return r == -EAGAIN ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "gauge") == 0)
		return bench_gauge(!(argc == 3 && strcmp(argv[2], "--no-kmsg-writes") == 0));
	if (argc == 4 && (strcmp(argv[1], "scan") == 0 || strcmp(argv[1], "walk") == 0))
		return bench_tree(argv[1], argv[2], strtol(argv[3], NULL, 10));
	if (argc == 3 && strcmp(argv[1], "logparse") == 0)
		return bench_logparse(argv[2]);
	fprintf(stderr,
		"usage: %s gauge [--no-kmsg-writes] | scan DIR N | walk DIR N | logparse FILE\n",
		argv[0]);
	return 2;
}
