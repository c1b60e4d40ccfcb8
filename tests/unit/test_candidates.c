/* SPDX-License-Identifier: MIT */
/* test_candidates.c — top-N by oom_score on a fixture /proc (hostile names,
 * ties, kernel threads, processes that vanished, statm vs status) and on the
 * real /proc (this very process, with its real name). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "candidates.h"
#include "oomw.h"

#define PROC "tests/fixtures/proc-candidates"

static int64_t page_kib(void)
{
	return sysconf(_SC_PAGESIZE) / 1024;
}

static void assert_comm(const struct oomw_candidate *c, const char *want)
{
	assert_int_equal(c->comm_len, strlen(want));
	assert_memory_equal(c->comm, want, strlen(want) + 1);
}

static void test_full_list(void **state)
{
	(void)state;
	struct oomw_candidate c[32];
	size_t n = 99;
	assert_int_equal(oomw_candidates_top(PROC, c, 32, &n), 0);
	/* 2 is a kernel thread, 1400/1450 vanished, 1700 has a malformed oom_score. */
	assert_int_equal(n, 8);
	static const int64_t order[] = { 812, 901, 1203, 1300, 1500, 1600, 1800, 1 };
	for (size_t i = 0; i < n; i++)
		if (c[i].pid != order[i])
			fail_msg("position %zu: pid %lld, want %lld", i, (long long)c[i].pid,
				 (long long)order[i]);

	/* oom_score above 1000 (kernel 5.9+); the tie goes to the larger RSS. */
	assert_comm(&c[0], "mysqld");
	assert_int_equal(c[0].oom_score, 1334);
	assert_int_equal(c[0].rss_kib, 262144 * page_kib());
	assert_int_equal(c[0].oom_score_adj, 0);
	assert_comm(&c[1], "java");
	assert_int_equal(c[1].oom_score_adj, 300);

	/* Names are everything between the first '(' and the last ')'. */
	assert_comm(&c[2], "a) b (c");
	assert_int_equal(c[2].rss_kib, 2560 * page_kib());
	/* The imitated kernel-thread flags inside the name are not believed. */
	assert_comm(&c[3], "x) S 0 0 0 0 -1 2129984 (");
	assert_int_equal(c[3].oom_score_adj, -500);

	/* No statm: VmRSS from status. */
	assert_comm(&c[4], "status only");
	assert_int_equal(c[4].rss_kib, 20480);

	assert_comm(&c[5], "evil\nna|me");
	assert_true(c[6].oom_score_adj == OOMW_UNKNOWN);
	assert_comm(&c[7], "systemd");
	assert_int_equal(c[7].oom_score, 0);
}

static void test_top_n(void **state)
{
	(void)state;
	struct oomw_candidate c[3];
	size_t n;
	assert_int_equal(oomw_candidates_top(PROC, c, 3, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(c[0].pid, 812);
	assert_int_equal(c[1].pid, 901);
	assert_int_equal(c[2].pid, 1203);
	assert_int_equal(oomw_candidates_top(PROC, c, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].pid, 812);
	assert_int_equal(oomw_candidates_top(PROC, c, 0, &n), 0);
	assert_int_equal(n, 0);
}

static void test_missing_proc(void **state)
{
	(void)state;
	struct oomw_candidate c[2];
	size_t n = 5;
	assert_int_equal(oomw_candidates_top("tests/fixtures/does-not-exist", c, 2, &n), -ENOENT);
	assert_int_equal(n, 0);
}

static void test_real_proc(void **state)
{
	(void)state;
	static struct oomw_candidate c[16384];
	size_t n;
	assert_int_equal(oomw_candidates_top("/proc", c, sizeof(c) / sizeof(c[0]), &n), 0);
	assert_true(n > 0 && n < sizeof(c) / sizeof(c[0]));
	bool found_self = false;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			assert_true(c[i - 1].oom_score >= c[i].oom_score);
		assert_int_not_equal(c[i].pid, 2); /* kthreadd: kernel threads are left out */
		if (c[i].pid == getpid()) {
			found_self = true;
			/* The kernel keeps 15 bytes of "test_candidates". */
			assert_comm(&c[i], "test_candidates");
			assert_true(c[i].rss_kib > 0);
			assert_true(c[i].oom_score_adj >= -1000 && c[i].oom_score_adj <= 1000);
		}
	}
	assert_true(found_self);
}

/* A real process with a hostile name and oom_score_adj 1000 (raising it
 * needs no privilege): the kernel scores it above 1000 (5.9+), and we must
 * report its name byte for byte. */
static void test_real_hostile_child(void **state)
{
	(void)state;
	static const char name[] = "a) S 1 (b";
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		FILE *f = fopen("/proc/self/oom_score_adj", "w");
		if (!f || fputs("1000\n", f) < 0 || fclose(f) != 0 ||
		    prctl(PR_SET_NAME, name, 0, 0, 0) != 0)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char x;
	close(ready[1]);
	bool started = read(ready[0], &x, 1) == 1;
	close(ready[0]);

	static struct oomw_candidate c[16384];
	size_t n = 0;
	int r = oomw_candidates_top("/proc", c, sizeof(c) / sizeof(c[0]), &n);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	assert_true(started);
	assert_int_equal(r, 0);
	size_t i;
	for (i = 0; i < n && c[i].pid != child; i++)
		;
	assert_true(i < n);
	assert_comm(&c[i], name);
	assert_int_equal(c[i].oom_score_adj, 1000);
	assert_true(c[i].oom_score > 1000);
	/* Nothing with a lower score ranks before it. */
	for (size_t j = 0; j < i; j++)
		assert_true(c[j].oom_score >= c[i].oom_score);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_list),          cmocka_unit_test(test_top_n),
		cmocka_unit_test(test_missing_proc),       cmocka_unit_test(test_real_proc),
		cmocka_unit_test(test_real_hostile_child),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
