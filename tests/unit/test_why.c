/* SPDX-License-Identifier: MIT */
/* test_why.c — the rest of the OOM report as oomparse keeps it, and the "why"
 * and "remedy" sentences assess builds from it: for every kill of
 * tests/fixtures/kernel-log (expected.tsv), field by field against
 * expected-why.tsv; then inline reports for what the real logs do not show
 * (global Mem-Info, oom_score_adj, cpusets, v2 swap) and hostile ones (a dump
 * of 10,000 tasks, a dump cut short, names imitating the header, interleaved
 * and rate-limited reports). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "fixture.h"
#include "klog.h"
#include "oomparse.h"

#define COLS 22

static void check_num(const char *what, const char *want, int64_t got)
{
	if (strcmp(want, "-") == 0) {
		if (got != OOMW_UNKNOWN)
			fail_msg("%s: want unknown, got %" PRId64, what, got);
		return;
	}
	if (got != strtoll(want, NULL, 10))
		fail_msg("%s: want %s, got %" PRId64, what, want, got);
}

/* "pid:name:pages:oom_score_adj" of each row, ";" between; "-" for none. */
static void tasks_text(const struct oomw_task *t, size_t n, char *out, size_t size)
{
	size_t o = 0;
	out[0] = '\0';
	if (n == 0)
		snprintf(out, size, "-");
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(out + o, size - o, "%s%" PRId64 ":%s:%" PRId64 ":%" PRId64,
				      i ? ";" : "", t[i].pid, t[i].name, oomw_task_pages(&t[i]),
				      t[i].oom_score_adj);
}

/* Every kill of expected.tsv has its row in expected-why.tsv, in order. */
static void test_fixtures(void **state)
{
	(void)state;
	char path[1024], last[256] = "";
	snprintf(path, sizeof(path), "%s/kernel-log/expected-why.tsv", fixtures_dir());
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *line = NULL;
	size_t cap = 0, k_i = 0, rows = 0;
	ssize_t len;
	static struct kills ks;
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '#' || strncmp(line, "file\t", 5) == 0)
			continue;
		char *col[COLS], *save = NULL;
		size_t n = 0;
		for (char *c = strtok_r(line, "\t", &save); c && n < COLS;
		     c = strtok_r(NULL, "\t", &save))
			col[n++] = c;
		assert_int_equal(n, COLS);
		if (strcmp(col[0], last) != 0) {
			snprintf(last, sizeof(last), "%s", col[0]);
			snprintf(path, sizeof(path), "%s/kernel-log/%s", fixtures_dir(), col[0]);
			memset(&ks, 0, sizeof(ks));
			parse_file(path, &ks);
			k_i = 0;
		}
		print_message("%s pid %s\n", col[0], col[1]);
		assert_true(k_i < ks.n);
		const struct oomw_kill *k = &ks.k[k_i++];
		const struct oomw_report *r = &k->report;
		check_num("pid", col[1], k->pid);
		check_num("memcg_usage_kib", col[2], r->memcg_usage_kib);
		check_num("memcg_limit_kib", col[3], r->memcg_limit_kib);
		check_num("memcg_failcnt", col[4], r->memcg_failcnt);
		check_num("memsw_usage_kib", col[5], r->memsw_usage_kib);
		check_num("memsw_limit_kib", col[6], r->memsw_limit_kib);
		check_num("swap_usage_kib", col[7], r->swap_usage_kib);
		check_num("swap_limit_kib", col[8], r->swap_limit_kib);
		check_num("ram_free_kib", col[9], r->ram_free_kib);
		check_num("ram_total_kib", col[10], r->ram_total_kib);
		check_num("swap_free_kib", col[11], r->swap_free_kib);
		check_num("swap_total_kib", col[12], r->swap_total_kib);
		check_num("n_tasks", col[13], r->n_tasks);
		check_num("page_kib", col[14], r->page_kib);
		check_num("total_kib", col[15], oomw_report_total_kib(r, k->constraint));
		char top[512], why[OOMW_WHY_TEXT_MAX], remedy[OOMW_WHY_TEXT_MAX];
		tasks_text(r->top, r->n_top, top, sizeof(top));
		assert_string_equal(top, col[16]);
		tasks_text(&r->largest, r->largest.pid == OOMW_UNKNOWN ? 0 : 1, top, sizeof(top));
		assert_string_equal(top, col[17]);
		oomw_kill_why(k, why, sizeof(why));
		assert_string_equal(why, col[18]);
		oomw_kill_remedy(k, remedy, sizeof(remedy));
		assert_string_equal(remedy, col[19]);
		oomw_kill_why_brief(k, why, sizeof(why));
		assert_string_equal(why, col[20]);
		oomw_kill_remedy_brief(k, remedy, sizeof(remedy));
		assert_string_equal(remedy, col[21]);
		rows++;
	}
	free(line);
	fclose(f);
	/* as many rows as expected.tsv has kills */
	snprintf(path, sizeof(path), "%s/kernel-log/expected.tsv", fixtures_dir());
	f = fopen(path, "r");
	assert_non_null(f);
	size_t kills = 0;
	char buf[4096];
	while (fgets(buf, sizeof(buf), f))
		if (buf[0] != '#' && strncmp(buf, "file\t", 5) != 0)
			kills++;
	fclose(f);
	assert_int_equal(rows, kills);
}

/* ---- inline reports ---- */

static struct kills feed(const char *const *lines, size_t n)
{
	struct kills ks = { 0 };
	struct oomw_oomparse p;
	oomw_oomparse_init(&p, collect, &ks);
	for (size_t i = 0; i < n; i++) {
		struct oomw_klog_record rec;
		assert_int_equal(oomw_klog_parse_kmsg(lines[i], strlen(lines[i]), &rec), 0);
		oomw_oomparse_feed(&p, &rec);
	}
	oomw_oomparse_flush(&p);
	return ks;
}

#define HDR                                                                                        \
	"4,1,1000,-;app invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0"
#define DUMP_HDR_418                                                                               \
	"6,20,1020,-;[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name"

/* A global OOM of 5.x: Mem-Info zones and swap summed, the victim chosen over a
 * larger task protected by oom_score_adj -1000. */
static void test_global_meminfo(void **state)
{
	(void)state;
	const char *lines[] = {
		HDR,
		"4,2,1001,-;Mem-Info:",
		"4,3,1002,-;active_anon:1 inactive_anon:2 isolated_anon:0 free:3 free_pcp:0",
		"4,4,1003,-;Node 0 active_anon:4kB inactive_anon:8kB active_file:0kB",
		"4,5,1004,-;Node 0 DMA free:15908kB min:268kB low:332kB high:396kB reserved_highatomic:0KB present:15992kB managed:15908kB mlocked:0kB",
		"4,6,1005,-;lowmem_reserve[]: 0 2962 7897 7897",
		"4,7,1006,-;Node 0 DMA32 free:44312kB min:51556kB present:3129216kB managed:3063680kB",
		"4,8,1007,-;Node 0 Normal free:48068kB min:87288kB present:5242880kB managed:5069692kB",
		"4,9,1008,-;Node 0 DMA: 1*4kB (U) 2*8kB (U) = 15908kB",
		"4,10,1009,-;Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB",
		"4,11,1010,-;Free swap  = 0kB",
		"4,12,1011,-;Total swap = 0kB",
		"4,13,1012,-;2097022 pages RAM",
		"6,14,1013,-;Tasks state (memory values in pages):",
		DUMP_HDR_418,
		"6,21,1021,-;[    512]     0   512  2000000  1500000 12000000        0         -1000 db",
		"6,22,1022,-;[    600]  1000   600   900000   700000  6000000     1000           500 app",
		"6,23,1023,-;[    601]  1000   601    10000     5000    80000        0             0 sh",
		"6,24,1024,-;oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=app,pid=600,uid=1000",
		"3,25,1025,-;Out of memory: Killed process 600 (app) total-vm:3600000kB, anon-rss:2796000kB, file-rss:4000kB, shmem-rss:0kB, UID:1000 pgtables:5860kB oom_score_adj:500",
	};
	struct kills ks = feed(lines, sizeof(lines) / sizeof(lines[0]));
	assert_int_equal(ks.n, 1);
	const struct oomw_report *r = &ks.k[0].report;
	assert_int_equal(r->ram_free_kib, 15908 + 44312 + 48068);
	assert_int_equal(r->ram_total_kib, 15908 + 3063680 + 5069692);
	assert_int_equal(r->swap_free_kib, 0);
	assert_int_equal(r->swap_total_kib, 0);
	assert_int_equal(r->n_tasks, 3);
	assert_int_equal(r->n_top, 3);
	/* db's -1000 puts it last, whatever its size */
	assert_int_equal(r->top[0].pid, 600);
	assert_int_equal(r->top[1].pid, 601);
	assert_int_equal(r->top[2].pid, 512);
	assert_int_equal(r->largest.pid, 512);
	assert_int_equal(r->top[0].swap_pages, 1000);
	assert_int_equal(r->top[0].pgtables_pages, 6000000 / 4096);
	assert_int_equal(r->top[0].uid, 1000);
	assert_int_equal(r->page_kib, 4);
	/* RAM + swap: oom_score_adj 500 adds 500 × (8148280 KiB / 4 KiB / 1000) pages */
	assert_int_equal(oomw_report_total_kib(r, ""), 15908 + 3063680 + 5069692);
	assert_int_equal(oomw_task_points(&r->top[0], oomw_report_total_kib(r, ""), 4, NULL),
			 700000 + 1000 + 6000000 / 4096 + 500 * 2037);
	char why[OOMW_WHY_TEXT_MAX], remedy[OOMW_WHY_TEXT_MAX];
	oomw_kill_why(&ks.k[0], why, sizeof(why));
	assert_string_equal(why,
			    "The machine ran out of memory (RAM 105.8 MiB free of 7.8 GiB, no swap); "
			    "app (pid 600, 2.7 GiB resident, 34% of the RAM, oom_score_adj 500) "
			    "was first of 3 tasks by the kernel's badness (resident memory, swap "
			    "and page tables, shifted by oom_score_adj), ahead of sh (pid 601, "
			    "19.6 MiB); the larger db (pid 512, 5.7 GiB) has oom_score_adj -1000 "
			    "and cannot be chosen.");
	oomw_kill_remedy(&ks.k[0], remedy, sizeof(remedy));
	assert_string_equal(
		remedy, "Add memory or swap (there is none), or cap app with a memory limit so "
			"that it cannot take the machine; app had oom_score_adj 500, which made it "
			"the preferred victim; the larger db (pid 512, 5.7 GiB) has oom_score_adj "
			"-1000 and can never be chosen.");
	oomw_kill_why_brief(&ks.k[0], why, sizeof(why));
	assert_string_equal(why, "The machine ran out of memory (RAM 105.8 MiB free of 7.8 GiB, no swap); "
				 "app was first of 3 tasks by the kernel's badness, ahead of sh "
				 "(19.6 MiB), oom_score_adj changing the order.");
	oomw_kill_remedy_brief(&ks.k[0], remedy, sizeof(remedy));
	assert_string_equal(remedy, "Add memory or swap (there is none), or cap app with a memory "
				    "limit so that it cannot take the machine.");
}

/* cgroup v2: the "swap:" line, a pod's container, the victim picked for its oom_score_adj. */
static void test_v2_pod(void **state)
{
	(void)state;
	const char *lines[] = {
		HDR,
		"6,2,1001,-;memory: usage 524288kB, limit 524288kB, failcnt 12",
		"6,3,1002,-;swap: usage 1024kB, limit 1024kB, failcnt 0",
		"6,4,1003,-;Memory cgroup stats for /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod8a3d5a38_2f9c_4b7e_9d6c_1f2e3d4c5b6a.slice:",
		DUMP_HDR_418,
		"6,21,1021,-;[    700]     0   700   200000    90000   900000        0           -997 pause",
		"6,22,1022,-;[    701]     0   701   200000    30000   900000        0            999 worker",
		"6,24,1024,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod8a3d5a38_2f9c_4b7e_9d6c_1f2e3d4c5b6a.slice,task_memcg=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod8a3d5a38_2f9c_4b7e_9d6c_1f2e3d4c5b6a.slice/cri-containerd-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope,task=worker,pid=701,uid=0",
		"3,25,1025,-;Memory cgroup out of memory: Killed process 701 (worker) total-vm:800000kB, anon-rss:120000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:880kB oom_score_adj:999",
	};
	struct kills ks = feed(lines, sizeof(lines) / sizeof(lines[0]));
	assert_int_equal(ks.n, 1);
	const struct oomw_report *r = &ks.k[0].report;
	assert_int_equal(r->memcg_failcnt, 12);
	assert_int_equal(r->swap_limit_kib, 1024);
	assert_int_equal(r->memsw_limit_kib, OOMW_UNKNOWN);
	char why[OOMW_WHY_TEXT_MAX], remedy[OOMW_WHY_TEXT_MAX];
	oomw_kill_why(&ks.k[0], why, sizeof(why));
	/* swap up to 1 MiB beyond the limit: the total depends on the machine's
	 * swap, which a memcg report does not show, so oom_score_adj is not weighed */
	assert_int_equal(oomw_report_total_kib(r, "CONSTRAINT_MEMCG"), OOMW_UNKNOWN);
	assert_string_equal(
		why,
		"Cgroup ...ice/kubepods-burstable.slice/kubepods-burstable-pod8a3d5a38_2f9c_4b7e_9d6c_1f2e3d4c5b6a.slice "
		"hit its memory limit of 512.0 MiB (usage 512.0 MiB), swap 1.0 MiB of 1.0 MiB; "
		"worker (pid 701, 117.2 MiB resident, 22% of the cgroup's usage, oom_score_adj 999) "
		"was chosen over pause (pid 700, 352.4 MiB), first in the dump by resident memory, "
		"swap and page tables, because of its oom_score_adj 999 (against -997).");
	oomw_kill_remedy(&ks.k[0], remedy, sizeof(remedy));
	assert_string_equal(
		remedy, "Raise the memory limit (resources.limits.memory) of the container in pod "
			"8a3d5a38-2f9c-4b7e-9d6c-1f2e3d4c5b6a (now 512.0 MiB), or make worker use "
			"less; worker had oom_score_adj 999, which made it the preferred victim.");
}

static void test_cpuset(void **state)
{
	(void)state;
	const char *lines[] = {
		HDR,
		"6,24,1024,-;oom-kill:constraint=CONSTRAINT_CPUSET,nodemask=(null),cpuset=/numa1,mems_allowed=1,task_memcg=/system.slice/x.service,task=app,pid=9,uid=0",
		"3,25,1025,-;Out of memory: Killed process 9 (app) total-vm:8kB, anon-rss:4kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0",
	};
	struct kills ks = feed(lines, sizeof(lines) / sizeof(lines[0]));
	assert_int_equal(ks.n, 1);
	char why[OOMW_WHY_TEXT_MAX], remedy[OOMW_WHY_TEXT_MAX];
	oomw_kill_why(&ks.k[0], why, sizeof(why));
	assert_string_equal(why, "The memory nodes its cpuset allows ran out; app (pid 9, 4 KiB resident) "
				 "was killed; the log lists no other tasks.");
	oomw_kill_remedy(&ks.k[0], remedy, sizeof(remedy));
	assert_string_equal(remedy, "Allow app more memory nodes (its cpuset), or make it use less.");
}

/* 10,000 rows: three kept, the largest first, wherever they are in the dump. */
static void test_huge_dump(void **state)
{
	(void)state;
	static char buf[10000][160];
	static const char *lines[10010];
	size_t n = 0;
	lines[n++] = HDR;
	lines[n++] = "6,2,1001,-;memory: usage 65536kB, limit 65536kB, failcnt 1";
	lines[n++] = DUMP_HDR_418;
	for (int i = 0; i < 10000; i++) {
		int rss = i == 7777 ? 900000 : i == 3 ? 800000 : i == 9999 ? 700000 : 1000 + i % 97;
		snprintf(buf[i], sizeof(buf[i]),
			 "6,%d,1030,-;[%7d]     0 %5d    10000 %8d    40960        0             0 t%d",
			 100 + i, 10000 + i, 10000 + i, rss, i);
		lines[n++] = buf[i];
	}
	lines[n++] =
		"3,20000,1040,-;Memory cgroup out of memory: Killed process 17777 (t7777) total-vm:40000kB, anon-rss:3600000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0";
	struct kills ks = feed(lines, n);
	assert_int_equal(ks.n, 1);
	const struct oomw_report *r = &ks.k[0].report;
	assert_int_equal(r->n_tasks, 10000);
	assert_int_equal(r->n_top, 3);
	assert_int_equal(r->top[0].pid, 17777);
	assert_int_equal(r->top[1].pid, 10003);
	assert_int_equal(r->top[2].pid, 19999);
	assert_int_equal(r->page_kib, 4);
}

/* A dump cut in the middle of a row, names that imitate the header or a row,
 * and lines of other kinds in between: rows are whole or not counted. */
static void test_cut_and_imitated(void **state)
{
	(void)state;
	const char *lines[] = {
		HDR,
		DUMP_HDR_418,
		"6,21,1021,-;[    10]     0    10   200000    90000   900000        0            0 [  pid  ]   uid  tgid total_vm      rss name",
		"4,22,1022,-;usb 1-1: new high-speed USB device number 3 using xhci_hcd",
		"6,23,1023,-;[    11]     0    11   200000    95000   900000",
		"6,24,1024,-;[    12]     0    12   200000    80000   900000        0            0 [    13]     0    13  1 999999999",
		"14,25,1025,-;[    14]     0    14   200000   999999   900000        0            0 forged-by-userspace",
		"6,25,1025,-;[    15]     0    15   200000      100   900000        0            0 Out of memory: Killed process 99 (x) total-vm:1kB, anon-rss:1kB, file-rss:0kB",
		"4,25,1025,-;Node x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
		"3,26,1026,-;Out of memory: Killed process 10 (x) total-vm:800000kB, anon-rss:360000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:880kB oom_score_adj:0",
	};
	struct kills ks = feed(lines, sizeof(lines) / sizeof(lines[0]));
	assert_int_equal(ks.n, 1); /* no kill forged by a task's name */
	const struct oomw_report *r = &ks.k[0].report;
	/* "Node x" invoked the OOM killer: a new report, whose dump has not begun */
	assert_int_equal(r->n_tasks, OOMW_UNKNOWN);
	assert_int_equal(r->n_top, 0);
	ks = feed(lines, sizeof(lines) / sizeof(lines[0]) - 2); /* without it */
	assert_int_equal(ks.n, 0);
	const char *const upto[] = { lines[0], lines[1], lines[2], lines[3], lines[4],
				     lines[5], lines[6], lines[7], lines[9] };
	ks = feed(upto, sizeof(upto) / sizeof(upto[0]));
	assert_int_equal(ks.n, 1);
	r = &ks.k[0].report;
	assert_int_equal(r->n_tasks, 3);
	assert_int_equal(r->n_top, 3);
	assert_int_equal(r->top[2].pid, 15);
	assert_int_equal(r->top[0].pid, 10);
	assert_string_equal(r->top[0].name, "[  pid  ]   uid  tgid total_vm "); /* cut to OOMW_TASK_NAME_MAX */
	assert_int_equal(r->top[1].pid, 12);
	assert_string_equal(r->top[1].name, "[    13]     0    13  1 9999999");
}

/* The next report's header was rate-limited: its kill must not inherit the
 * dump of the one before; and a report's lines after a new header are its own. */
static void test_rate_limited_and_interleaved(void **state)
{
	(void)state;
	const char *lines[] = {
		HDR,
		"6,2,1001,-;memory: usage 1024kB, limit 1024kB, failcnt 5",
		DUMP_HDR_418,
		"6,21,1021,-;[    10]     0    10   200000      256   900000        0            0 a",
		"3,26,1026,-;Memory cgroup out of memory: Killed process 10 (a) total-vm:800000kB, anon-rss:1024kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:880kB oom_score_adj:0",
		"3,27,2026,-;Memory cgroup out of memory: Killed process 11 (b) total-vm:800000kB, anon-rss:1024kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:880kB oom_score_adj:0",
		"4,28,3000,-;c invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
		"6,29,3001,-;memory: usage 2048kB, limit 2048kB, failcnt 6",
		"3,30,3026,-;Memory cgroup out of memory: Killed process 12 (c) total-vm:800000kB, anon-rss:2048kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:880kB oom_score_adj:0",
	};
	struct kills ks = feed(lines, sizeof(lines) / sizeof(lines[0]));
	assert_int_equal(ks.n, 3);
	assert_int_equal(ks.k[0].report.memcg_limit_kib, 1024);
	assert_int_equal(ks.k[0].report.n_top, 1);
	assert_int_equal(ks.k[1].report.memcg_limit_kib, OOMW_UNKNOWN);
	assert_int_equal(ks.k[1].report.n_top, 0);
	assert_int_equal(ks.k[2].report.memcg_limit_kib, 2048);
	assert_int_equal(ks.k[2].report.n_tasks, OOMW_UNKNOWN);
}

/* Columns of other kernels: 3.10 (nr_ptes swapents) and 2.6.32 (cpu oom_adj). */
static void test_old_columns(void **state)
{
	(void)state;
	const char *lines[] = {
		HDR,
		"6,20,1020,-;[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name",
		"6,21,1021,-;[  581]     0   581     9261      186      21      300             0 systemd-journal",
		"6,22,1022,-;[ 6576]    27  6576  8478723  5157251   11500     7000             0 mysqld",
		"3,26,1026,-;Killed process 6576 (mysqld) total-vm:33914892kB, anon-rss:20629004kB, file-rss:0kB",
		"4,28,3000,-;c invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
		"6,29,3020,-;[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name",
		"6,30,3021,-;[ 2592]   500  2592   100000    50000   1       0             0 java",
		"3,31,3026,-;Killed process 2592, UID 500, (java) total-vm:400000kB, anon-rss:199000kB, file-rss:1000kB",
	};
	struct kills ks = feed(lines, sizeof(lines) / sizeof(lines[0]));
	assert_int_equal(ks.n, 2);
	assert_int_equal(ks.k[0].report.top[0].pid, 6576);
	assert_int_equal(ks.k[0].report.top[0].pgtables_pages, 11500); /* nr_ptes */
	assert_int_equal(oomw_task_pages(&ks.k[0].report.top[0]), 5157251 + 7000 + 11500);
	assert_int_equal(ks.k[1].report.top[0].pgtables_pages, OOMW_UNKNOWN);
	assert_int_equal(ks.k[0].report.top[0].swap_pages, 7000);
	assert_int_equal(ks.k[0].report.top[1].uid, 0);
	assert_int_equal(ks.k[0].report.top[1].swap_pages, 300);
	assert_int_equal(ks.k[0].report.page_kib, 4);
	assert_int_equal(ks.k[1].report.top[0].swap_pages, OOMW_UNKNOWN);
	assert_int_equal(ks.k[1].report.top[0].uid, 500);
	assert_int_equal(ks.k[1].report.page_kib, 4);
}

/* 4.0 to 4.14: nr_ptes + nr_pmds are the page tables; a tie keeps the dump's order. */
static void test_nr_pmds_and_ties(void **state)
{
	(void)state;
	const char *lines[] = {
		HDR,
		"6,20,1020,-;[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name",
		"6,21,1021,-;[  100]     0   100    50000    20000      40       5        0             0 first",
		"6,22,1022,-;[  101]     0   101    50000    20045       0       0        0             0 second",
		"6,23,1023,-;[  102]     0   102    50000    20000      30       0       10             0 third",
		"3,26,1026,-;Out of memory: Killed process 100 (first) total-vm:200000kB, anon-rss:80000kB, file-rss:0kB, shmem-rss:0kB",
	};
	struct kills ks = feed(lines, sizeof(lines) / sizeof(lines[0]));
	assert_int_equal(ks.n, 1);
	const struct oomw_report *r = &ks.k[0].report;
	assert_int_equal(r->top[0].pgtables_pages, 45);
	assert_int_equal(r->top[0].pid, 100); /* 20045 points, as second: the earlier row first */
	assert_int_equal(r->top[1].pid, 101);
	assert_int_equal(r->top[2].pid, 102);
	assert_int_equal(oomw_task_pages(&r->top[2]), 20040);
}

/* A v1 memcg whose memory+swap limit is its memory limit: totalpages is the
 * limit, so oom_score_adj is weighed and changes the order; with swap beyond
 * the limit it is not, and the sentence says so. */
static void test_badness_memcg(void **state)
{
	(void)state;
	const char *lines[] = {
		HDR,
		"6,2,1001,-;memory: usage 1048576kB, limit 1048576kB, failcnt 9",
		"6,3,1002,-;memory+swap: usage 1048576kB, limit 1048576kB, failcnt 0",
		DUMP_HDR_418,
		"6,21,1021,-;[    800]     0   800   300000   200000   409600        0          -500 big",
		"6,22,1022,-;[    801]     0   801   200000   100000   204800        0             0 mid",
		"6,23,1023,-;[    802]     0   802   100000    50000   102400        0           300 small",
		"6,24,1024,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/batch,task_memcg=/batch,task=small,pid=802,uid=0",
		"3,25,1025,-;Memory cgroup out of memory: Killed process 802 (small) total-vm:400000kB, anon-rss:200000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:100kB oom_score_adj:300",
	};
	struct kills ks = feed(lines, sizeof(lines) / sizeof(lines[0]));
	assert_int_equal(ks.n, 1);
	const struct oomw_report *r = &ks.k[0].report;
	assert_int_equal(oomw_report_total_kib(r, ks.k[0].constraint), 1048576);
	/* 262144 pages: oom_score_adj counts 262 pages a unit */
	assert_int_equal(r->top[0].pid, 802); /* 50000 + 25 + 300 × 262 = 128625 */
	assert_int_equal(r->top[1].pid, 801); /* 100050 */
	assert_int_equal(r->top[2].pid, 800); /* 200100 - 500 × 262 = 69100 */
	assert_int_equal(r->largest.pid, 800);
	char why[OOMW_WHY_TEXT_MAX];
	oomw_kill_why(&ks.k[0], why, sizeof(why));
	assert_string_equal(why, "Cgroup /batch hit its memory limit of 1.0 GiB (usage 1.0 GiB), "
				 "memory+swap 1.0 GiB of 1.0 GiB; small (pid 802, 195.3 MiB "
				 "resident, 19% of the cgroup's usage, oom_score_adj 300) was first "
				 "of 3 tasks by the kernel's badness (resident memory, swap and page "
				 "tables, shifted by oom_score_adj), ahead of mid (pid 801, 390.8 "
				 "MiB) and big (pid 800, 781.6 MiB, oom_score_adj -500); "
				 "oom_score_adj changed the order: the larger big (pid 800, 781.6 "
				 "MiB) has oom_score_adj -500.");
	oomw_kill_why_brief(&ks.k[0], why, sizeof(why));
	assert_string_equal(why, "Cgroup /batch hit its memory limit of 1.0 GiB (usage 1.0 GiB); "
				 "small was first of 3 tasks by the kernel's badness, ahead of mid "
				 "(390.8 MiB) and big (781.6 MiB), oom_score_adj changing the order.");
	/* memory+swap 2 GiB: the total depends on the machine's swap */
	const char *unweighed[sizeof(lines) / sizeof(lines[0])];
	memcpy(unweighed, lines, sizeof(lines));
	unweighed[2] = "6,3,1002,-;memory+swap: usage 1048576kB, limit 2097152kB, failcnt 0";
	unweighed[8] =
		"3,25,1025,-;Memory cgroup out of memory: Killed process 800 (big) total-vm:1200000kB, anon-rss:800000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:400kB oom_score_adj:-500";
	ks = feed(unweighed, sizeof(unweighed) / sizeof(unweighed[0]));
	assert_int_equal(ks.n, 1);
	r = &ks.k[0].report;
	assert_int_equal(oomw_report_total_kib(r, ks.k[0].constraint), OOMW_UNKNOWN);
	assert_int_equal(r->top[0].pid, 800); /* by size */
	oomw_kill_why(&ks.k[0], why, sizeof(why));
	assert_string_equal(why, "A memory cgroup hit its limit of 1.0 GiB (usage 1.0 GiB), "
				 "memory+swap 1.0 GiB of 2.0 GiB; big (pid 800, 781.2 MiB resident, "
				 "76% of the cgroup's usage, oom_score_adj -500) was the largest of 3 "
				 "tasks by resident memory, swap and page tables (oom_score_adj not "
				 "weighed: the log does not show the total it is a share of), ahead "
				 "of mid (pid 801, 390.8 MiB) and small (pid 802, 195.4 MiB, "
				 "oom_score_adj 300).");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_global_meminfo),
		cmocka_unit_test(test_v2_pod),
		cmocka_unit_test(test_cpuset),
		cmocka_unit_test(test_huge_dump),
		cmocka_unit_test(test_cut_and_imitated),
		cmocka_unit_test(test_rate_limited_and_interleaved),
		cmocka_unit_test(test_old_columns),
		cmocka_unit_test(test_nr_pmds_and_ties),
		cmocka_unit_test(test_badness_memcg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
