/* SPDX-License-Identifier: MIT */
/* test_vmstat.c — /proc/vmstat oom_kill: present, absent (kernel < 4.13,
 * unknown rather than 0), malformed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "oomw.h"
#include "vmstat.h"

static void test_linux_6_18(void **state)
{
	(void)state;
	int64_t n = 0;
	const char *why = "stale";
	assert_int_equal(oomw_vmstat_read_oom_kill("tests/fixtures/proc-linux-6.18", &n, &why), 0);
	assert_null(why);
	assert_int_equal(n, 1);
}

static void test_absent_is_unknown(void **state)
{
	(void)state;
	int64_t n = 0;
	const char *why;
	assert_int_equal(oomw_vmstat_read_oom_kill("tests/fixtures/proc-linux-3.10", &n, &why), 0);
	assert_true(n == OOMW_UNKNOWN);
}

static void test_similar_keys_are_not_oom_kill(void **state)
{
	(void)state;
	static const char text[] = "oom_kills 5\noom_kill_group 7\nxoom_kill 9\nnr_free_pages 1\n";
	int64_t n;
	const char *why;
	assert_int_equal(oomw_vmstat_parse_oom_kill(text, strlen(text), &n, &why), 0);
	assert_true(n == OOMW_UNKNOWN);
}

static void test_large_and_unterminated(void **state)
{
	(void)state;
	static const char text[] = "pgfault 123\noom_kill 9007199254740993";
	int64_t n;
	const char *why;
	assert_int_equal(oomw_vmstat_parse_oom_kill(text, strlen(text), &n, &why), 0);
	assert_int_equal(n, INT64_C(9007199254740993));
	assert_int_equal(oomw_vmstat_parse_oom_kill("", 0, &n, &why), 0);
	assert_true(n == OOMW_UNKNOWN);
}

static void test_malformed(void **state)
{
	(void)state;
	static const char *const cases[] = {
		"oom_kill x\n",
		"oom_kill \n",
		"oom_kill\n",
		"oom_kill -1\n",
		"oom_kill 1 2\n",
		"oom_kill  3\n",
		"oom_kill 3 \n",
		"oom_kill 99999999999999999999\n",
		"oom_kill 1\noom_kill 2\n",
		/* above OOMW_COUNTER_MAX: two of them would overflow a sum (issue 10) */
		"oom_kill 4611686018427387904\n",
		"oom_kill 9223372036854775807\n",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t n = 0;
		const char *why = NULL;
		int r = oomw_vmstat_parse_oom_kill(cases[i], strlen(cases[i]), &n, &why);
		if (r != -EBADMSG || !why || !strstr(why, "oom_kill") || n != OOMW_UNKNOWN)
			fail_msg("case %zu \"%s\": r=%d why=%s", i, cases[i], r, why ? why : "NULL");
	}
}

/* The largest counter accepted, and one a test of issue 10 jumps to. */
static void test_counter_range(void **state)
{
	(void)state;
	int64_t n;
	const char *why;
	static const char max[] = "oom_kill 4611686018427387903\n";
	assert_int_equal(oomw_vmstat_parse_oom_kill(max, strlen(max), &n, &why), 0);
	assert_int_equal(n, OOMW_COUNTER_MAX);
	static const char big[] = "oom_kill 1000000000000000\n";
	assert_int_equal(oomw_vmstat_parse_oom_kill(big, strlen(big), &n, &why), 0);
	assert_int_equal(n, 1000000000000000LL);
}

static void test_missing_file(void **state)
{
	(void)state;
	int64_t n = 0;
	const char *why;
	assert_int_equal(oomw_vmstat_read_oom_kill("tests/fixtures/does-not-exist", &n, &why), -ENOENT);
	assert_true(n == OOMW_UNKNOWN);
}

static void test_real_proc(void **state)
{
	(void)state;
	int64_t n;
	const char *why;
	assert_int_equal(oomw_vmstat_read_oom_kill("/proc", &n, &why), 0);
	/* This machine runs 6.18: the counter exists. */
	assert_true(n >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_6_18),
		cmocka_unit_test(test_absent_is_unknown),
		cmocka_unit_test(test_similar_keys_are_not_oom_kill),
		cmocka_unit_test(test_large_and_unterminated),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_counter_range),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_real_proc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
