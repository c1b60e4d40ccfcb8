/* SPDX-License-Identifier: MIT */
/* test_ukill.c — systemd-oomd's and earlyoom's kill messages, in the wording of
 * their current and earlier releases; what is not a kill is none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ukill.h"

static int feed(struct oomw_ukill_parser *p, enum oomw_killer k, const char *text,
		int64_t mono_usec, struct oomw_ukill *u, struct oomw_ukill_victim *v)
{
	return oomw_ukill_feed(p, k, text, strlen(text), mono_usec, u, v);
}

static void test_oomd_wordings(void **state)
{
	(void)state;
	struct oomw_ukill_parser p;
	struct oomw_ukill u;
	struct oomw_ukill_victim v;
	oomw_ukill_parser_init(&p);
	/* v247-v250 */
	assert_int_equal(
		feed(&p, OOMW_KILLER_SYSTEMD_OOMD,
		     "Killed /user.slice/user-1000.slice/session-2.scope due to swap used (2147479552) / total (2147479552) being more than 90.00%",
		     1, &u, &v),
		1);
	assert_int_equal(u.reason, OOMW_UKILL_REASON_SWAP);
	assert_string_equal(u.cgroup, "/user.slice/user-1000.slice/session-2.scope");
	assert_int_equal(u.signal, 9);
	assert_true(v.pid == OOMW_UNKNOWN);
	/* not kills */
	assert_int_equal(
		feed(&p, OOMW_KILLER_SYSTEMD_OOMD,
		     "Failed to kill any cgroups under /user.slice based on pressure: No such file or directory",
		     1, &u, &v),
		0);
	assert_int_equal(feed(&p, OOMW_KILLER_SYSTEMD_OOMD, "Killed", 1, &u, &v), 0);
	assert_int_equal(feed(&p, OOMW_KILLER_SYSTEMD_OOMD, "Killed  due to x", 1, &u, &v), 0);
}

static void test_earlyoom_wordings(void **state)
{
	(void)state;
	struct oomw_ukill_parser p;
	struct oomw_ukill u;
	struct oomw_ukill_victim v;
	oomw_ukill_parser_init(&p);
	/* before 1.8: "badness"; no memory report seen: those stay unknown */
	assert_int_equal(feed(&p, OOMW_KILLER_EARLYOOM,
			      "sending SIGKILL to process 77 uid 0 \"java\": badness 850, VmRSS 3000 MiB",
			      5, &u, &v),
			 1);
	assert_int_equal(u.signal, 9);
	assert_int_equal(u.oom_score, 850);
	assert_int_equal(u.rss_kib, 3000 * 1024);
	assert_true(u.mem_avail_kib == OOMW_UNKNOWN);
	assert_int_equal(u.reason, OOMW_UKILL_REASON_UNKNOWN);
	assert_int_equal(v.pid, 77);
	assert_string_equal(v.comm, "java");
	/* before 1.3: no uid */
	assert_int_equal(feed(&p, OOMW_KILLER_EARLYOOM,
			      "sending SIGTERM to process 78 \"x\": badness 1, VmRSS 1 MiB", 6, &u, &v),
			 1);
	assert_true(v.uid == OOMW_UNKNOWN);
	assert_int_equal(v.pid, 78);
	/* the start-up self-test and other lines are no kill */
	assert_int_equal(
		feed(&p, OOMW_KILLER_EARLYOOM,
		     "sending 0 (no-op signal) to process 1 uid 0 \"init\": oom_score 0, oom_score_adj 0, VmRSS 1 MiB, cmdline \"\"",
		     7, &u, &v),
		0);
	assert_int_equal(feed(&p, OOMW_KILLER_EARLYOOM, "escalating to SIGKILL after 0.5 seconds",
			      8, &u, &v),
			 0);
	assert_int_equal(
		feed(&p, OOMW_KILLER_EARLYOOM, "sending SIGTERM to process x \"a\"", 8, &u, &v), 0);
}

/* A memory report older than OOMW_UKILL_CONTEXT_MAX_USEC explains no kill. */
static void test_earlyoom_stale_report(void **state)
{
	(void)state;
	struct oomw_ukill_parser p;
	struct oomw_ukill u;
	struct oomw_ukill_victim v;
	oomw_ukill_parser_init(&p);
	assert_int_equal(
		feed(&p, OOMW_KILLER_EARLYOOM,
		     "mem avail:   100 of  1000 MiB (10.00%), swap free:   50 of  500 MiB (10.00%)",
		     1000, &u, &v),
		0);
	assert_int_equal(
		feed(&p, OOMW_KILLER_EARLYOOM,
		     "sending SIGTERM to process 5 uid 0 \"a\": oom_score 1, oom_score_adj -100, VmRSS 1 MiB, cmdline \"a, b\"",
		     2000, &u, &v),
		1);
	assert_int_equal(u.swap_free_kib, 50 * 1024);
	assert_int_equal(u.swap_total_kib, 500 * 1024);
	assert_int_equal(u.oom_score_adj, -100);
	assert_int_equal(
		feed(&p, OOMW_KILLER_EARLYOOM,
		     "sending SIGTERM to process 6 uid 0 \"b\": oom_score 1, oom_score_adj 0, VmRSS 1 MiB, cmdline \"b\"",
		     1000 + OOMW_UKILL_CONTEXT_MAX_USEC + 1, &u, &v),
		1);
	assert_true(u.mem_avail_kib == OOMW_UNKNOWN);
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(oomw_killer_from_name("earlyoom.service", 16), OOMW_KILLER_EARLYOOM);
	assert_int_equal(oomw_killer_from_name("systemd-oomd", 12), OOMW_KILLER_SYSTEMD_OOMD);
	assert_int_equal(oomw_killer_from_name("earlyoomx", 9), OOMW_KILLER_KERNEL);
	assert_string_equal(oomw_killer_name(OOMW_KILLER_EARLYOOM), "earlyoom");
	assert_string_equal(oomw_ukill_reason_name(OOMW_UKILL_REASON_LOW_MEMORY), "low-memory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oomd_wordings),
		cmocka_unit_test(test_earlyoom_wordings),
		cmocka_unit_test(test_earlyoom_stale_report),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
