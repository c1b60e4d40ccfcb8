/* SPDX-License-Identifier: MIT */
/* test_meminfo.c — /proc/meminfo: a real 6.18 file, a 3.10 file without
 * MemAvailable (the estimate), and every way a line can be malformed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "meminfo.h"
#include "oomw.h"

static void test_linux_6_18(void **state)
{
	(void)state;
	struct oomw_meminfo m;
	const char *why = "stale";
	assert_int_equal(oomw_meminfo_read("tests/fixtures/proc-linux-6.18", &m, &why), 0);
	assert_null(why);
	assert_int_equal(m.mem_total_kib, 24683656);
	assert_int_equal(m.mem_available_kib, 24361256);
	assert_false(m.mem_available_estimated);
	assert_int_equal(m.mem_free_kib, 24302712);
	assert_int_equal(m.buffers_kib, 3156);
	assert_int_equal(m.cached_kib, 242900);
	assert_int_equal(m.shmem_kib, 8952);
	/* No swap is 0, which is known, not unknown. */
	assert_int_equal(m.swap_total_kib, 0);
	assert_int_equal(m.swap_free_kib, 0);
	assert_int_equal(m.commit_limit_kib, 12341828);
	assert_int_equal(m.committed_as_kib, 56452);
}

static void test_linux_3_10_estimates_available(void **state)
{
	(void)state;
	struct oomw_meminfo m;
	const char *why;
	assert_int_equal(oomw_meminfo_read("tests/fixtures/proc-linux-3.10", &m, &why), 0);
	assert_true(m.mem_available_estimated);
	/* MemFree + Buffers + Cached - Shmem */
	assert_int_equal(m.mem_available_kib, 215404 + 1076 + 2201636 - 113812);
	assert_int_equal(m.swap_free_kib, 2034188);
}

static void test_missing_keys_are_unknown(void **state)
{
	(void)state;
	static const char text[] = "MemTotal: 1000 kB\nMemFree: 10 kB\n";
	struct oomw_meminfo m;
	const char *why;
	assert_int_equal(oomw_meminfo_parse(text, strlen(text), &m, &why), 0);
	assert_int_equal(m.mem_total_kib, 1000);
	/* Without Buffers and Cached nothing can be estimated. */
	assert_true(m.mem_available_kib == OOMW_UNKNOWN);
	assert_false(m.mem_available_estimated);
	assert_true(m.swap_total_kib == OOMW_UNKNOWN);
	assert_true(m.committed_as_kib == OOMW_UNKNOWN);
}

static void test_estimate_without_shmem_and_never_negative(void **state)
{
	(void)state;
	/* Before 2.6.32 there is no Shmem line: taken as 0. */
	static const char old[] = "MemTotal: 100 kB\nMemFree: 10 kB\nBuffers: 1 kB\nCached: 2 kB\n";
	/* Inconsistent input (Shmem > the rest) clamps at 0 instead of going negative. */
	static const char odd[] =
		"MemTotal: 100 kB\nMemFree: 1 kB\nBuffers: 1 kB\nCached: 1 kB\nShmem: 50 kB\n";
	struct oomw_meminfo m;
	const char *why;
	assert_int_equal(oomw_meminfo_parse(old, strlen(old), &m, &why), 0);
	assert_int_equal(m.mem_available_kib, 13);
	assert_true(m.mem_available_estimated);
	assert_int_equal(oomw_meminfo_parse(odd, strlen(odd), &m, &why), 0);
	assert_int_equal(m.mem_available_kib, 0);
}

static void test_huge_machine_and_no_trailing_newline(void **state)
{
	(void)state;
	/* 64 TiB of RAM, far beyond 32-bit KiB counters, and the last line unterminated. */
	static const char text[] = "MemTotal:  68719476736 kB\nMemAvailable:   68719476000 kB";
	struct oomw_meminfo m;
	const char *why;
	assert_int_equal(oomw_meminfo_parse(text, strlen(text), &m, &why), 0);
	assert_int_equal(m.mem_total_kib, INT64_C(68719476736));
	assert_int_equal(m.mem_available_kib, INT64_C(68719476000));
}

static void test_other_keys_are_not_judged(void **state)
{
	(void)state;
	/* HugePages_Total has no unit; a future key may print anything. */
	static const char text[] = "MemTotal: 5 kB\nHugePages_Total:       0\nFuture(x): a b c\n";
	struct oomw_meminfo m;
	const char *why;
	assert_int_equal(oomw_meminfo_parse(text, strlen(text), &m, &why), 0);
	assert_int_equal(m.mem_total_kib, 5);
}

struct bad_case {
	const char *text;
	const char *why_mentions;
};

static void test_malformed(void **state)
{
	(void)state;
	static const struct bad_case cases[] = {
		{ "", "MemTotal" },
		{ "MemFree: 10 kB\n", "MemTotal" },
		{ "MemTotal: lots kB\n", "MemTotal" },
		{ "MemTotal: 12x kB\n", "MemTotal" },
		{ "MemTotal: -5 kB\n", "MemTotal" },
		{ "MemTotal: 100\n", "MemTotal" },    /* missing kB */
		{ "MemTotal: 100 MB\n", "MemTotal" }, /* wrong unit */
		{ "MemTotal: kB\n", "MemTotal" },     /* no number */
		{ "MemTotal:\n", "MemTotal" },
		{ "MemTotal: 1 kB\nMemAvailable 5 kB\n", "Key:" }, /* missing ':' */
		{ "MemTotal: 1 kB\n: 5 kB\n", "Key:" },
		{ "MemTotal: 1 kB\nCached: 99999999999999999999 kB\n", "Cached" }, /* overflow */
		{ "MemTotal: 1 kB\nMemTotal: 2 kB\n", "MemTotal" },                /* duplicate */
		{ "MemTotal: 1 kB\nSwapFree: 1 2 kB\n", "SwapFree" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct oomw_meminfo m;
		const char *why = NULL;
		int r = oomw_meminfo_parse(cases[i].text, strlen(cases[i].text), &m, &why);
		if (r != -EBADMSG || !why || !strstr(why, cases[i].why_mentions))
			fail_msg("case %zu \"%s\": r=%d why=%s", i, cases[i].text, r,
				 why ? why : "NULL");
		/* A failure leaves nothing half-filled. */
		assert_true(m.mem_total_kib == OOMW_UNKNOWN);
		assert_true(m.mem_available_kib == OOMW_UNKNOWN);
	}
}

static void test_missing_file(void **state)
{
	(void)state;
	struct oomw_meminfo m;
	const char *why = "stale";
	assert_int_equal(oomw_meminfo_read("tests/fixtures/does-not-exist", &m, &why), -ENOENT);
	assert_null(why);
	assert_true(m.mem_total_kib == OOMW_UNKNOWN);
}

static void test_real_proc(void **state)
{
	(void)state;
	struct oomw_meminfo m;
	const char *why;
	assert_int_equal(oomw_meminfo_read("/proc", &m, &why), 0);
	assert_true(m.mem_total_kib > 0);
	assert_true(m.mem_available_kib >= 0 && m.mem_available_kib <= m.mem_total_kib);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_6_18),
		cmocka_unit_test(test_linux_3_10_estimates_available),
		cmocka_unit_test(test_missing_keys_are_unknown),
		cmocka_unit_test(test_estimate_without_shmem_and_never_negative),
		cmocka_unit_test(test_huge_machine_and_no_trailing_newline),
		cmocka_unit_test(test_other_keys_are_not_judged),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_real_proc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
