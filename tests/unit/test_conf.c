/* SPDX-License-Identifier: MIT */
/* test_conf.c — configuration keys as a table (conf.h): each kind's value
 * lands in its field through the core's parser, refusals say why in the
 * core's words, lookups ignore case, and the list of names for a typo. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "conf.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct config {
	char path[PATH_MAX];
	size_t count;
	int64_t window_sec;
	struct oomw_threshold warning;
	struct oomw_margin margin;
};

#define AT(field) offsetof(struct config, field)
static const struct oomw_conf_key keys[] = {
	{ "Path", OOMW_CONF_PATH, AT(path), 0, 0 },
	{ "Count", OOMW_CONF_COUNT, AT(count), 32, 0 },
	{ "Window", OOMW_CONF_DURATION, AT(window_sec), 0, 0 },
	{ "Warning", OOMW_CONF_THRESHOLD, AT(warning), 0, OOMW_METRIC_FREE },
	{ "Margin", OOMW_CONF_MARGIN, AT(margin), 0, 0 },
};

static int set(struct config *c, const char *name, const char *value, char *why)
{
	const struct oomw_conf_key *k = oomw_conf_find(keys, N(keys), name);
	assert_non_null(k);
	return oomw_conf_set(k, c, value, why);
}

static void test_values(void **state)
{
	(void)state;
	struct config c = { .count = 99 };
	char why[OOMW_THRESHOLD_WHY_MAX];
	assert_int_equal(set(&c, "path", "/host/proc", why), 0);
	assert_string_equal(c.path, "/host/proc");
	assert_int_equal(set(&c, "COUNT", "32", why), 0);
	assert_int_equal(c.count, 32);
	assert_int_equal(set(&c, "Window", "7d", why), 0);
	assert_int_equal(c.window_sec, 7 * 24 * 3600);
	assert_int_equal(set(&c, "Warning", "10%", why), 0);
	assert_true(c.warning.set);
	assert_true(c.warning.range.end_inf); /* free memory: alert below it */
	assert_int_equal(set(&c, "Margin", "64M", why), 0);
	assert_int_equal(c.margin.unit, OOMW_UNIT_BYTES);
	assert_null(oomw_conf_find(keys, N(keys), "Pat"));
}

static void test_refusals(void **state)
{
	(void)state;
	static const struct {
		const char *key, *value, *why;
	} cases[] = {
		{ "Path", "", "must not be empty" },
		{ "Count", "33", "must be a whole number from 0 to 32" },
		{ "Count", "-1", "must be a whole number from 0 to 32" },
		{ "Count", "2.5", "must be a whole number from 0 to 32" },
		{ "Window", "soon", " (e.g. 24h, 30m, 7d)" },
		{ "Warning", "10", "'10' has no unit; write 10% or 10M" },
		{ "Margin", "lots", "'lots': " },
	};
	struct config c = { .count = 7 };
	char why[OOMW_THRESHOLD_WHY_MAX];
	for (size_t i = 0; i < N(cases); i++) {
		assert_int_equal(set(&c, cases[i].key, cases[i].value, why), -EINVAL);
		if (strstr(why, cases[i].why) == NULL)
			fail_msg("%s %s: '%s' lacks '%s'", cases[i].key, cases[i].value, why,
				 cases[i].why);
	}
	assert_int_equal(c.count, 7); /* a refused value leaves the field */
	char long_path[PATH_MAX + 1];
	memset(long_path, 'a', PATH_MAX);
	long_path[PATH_MAX] = '\0';
	assert_int_equal(set(&c, "Path", long_path, why), -EINVAL);
	assert_string_equal(why, "path too long");
}

static void test_names(void **state)
{
	(void)state;
	char out[64];
	oomw_conf_names(keys, N(keys), out, sizeof(out));
	assert_string_equal(out, "Path, Count, Window, Warning, Margin");
	oomw_conf_names(keys, N(keys), out, 12);
	assert_string_equal(out, "Path, Count");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
