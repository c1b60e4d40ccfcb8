/* SPDX-License-Identifier: MIT */
/* test_conf.c — configuration keys as a table (conf.h): each kind's value
 * (text, repeatable list, count, duration, threshold, margin) lands in its
 * field through the core's parser, refusals say why in the core's words,
 * lookups ignore case, the list of names for a typo; and "key value" files,
 * comments and quotes, and every refusal with its file, line, key and reason. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	{ "Path", OOMW_CONF_TEXT, AT(path), PATH_MAX, 0, 0, 0, 0 },
	{ "Count", OOMW_CONF_COUNT, AT(count), 0, 0, 32, 0, 0 },
	{ "Window", OOMW_CONF_DURATION, AT(window_sec), 0, 1, OOMW_KILL_WINDOW_MAX_SEC, 0, 0 },
	{ "Warning", OOMW_CONF_THRESHOLD, AT(warning), 0, 0, 0, OOMW_METRIC_FREE, 0 },
	{ "Margin", OOMW_CONF_MARGIN, AT(margin), 0, 0, 0, 0, 0 },
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
	assert_string_equal(why, "too long (at most 4095 bytes)");
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

struct conf {
	char name[8];
	char globs[2][16];
	size_t n_globs;
	size_t count;
	int64_t window_sec;
	struct oomw_threshold warn;
	struct oomw_margin margin;
};

#define C(f) offsetof(struct conf, f)
static const struct oomw_conf_key file_keys[] = {
	{ "name", OOMW_CONF_TEXT, C(name), 8, 0, 0, 0, 0 },
	{ "glob", OOMW_CONF_LIST, C(globs), 16, 0, 2, 0, C(n_globs) },
	{ "count", OOMW_CONF_COUNT, C(count), 0, 1, 10, 0, 0 },
	{ "window", OOMW_CONF_DURATION, C(window_sec), 0, 0, 7 * 86400, 0, 0 },
	{ "warn", OOMW_CONF_THRESHOLD, C(warn), 0, 0, 0, OOMW_METRIC_FREE, 0 },
	{ "margin", OOMW_CONF_MARGIN, C(margin), 0, 0, 0, 0, 0 },
};
#define N_KEYS N(file_keys)

static void test_set_named(void **state)
{
	(void)state;
	struct conf c = { 0 };
	char why[OOMW_THRESHOLD_WHY_MAX];
	assert_int_equal(oomw_conf_set_named(file_keys, N_KEYS, &c, "name", "agent", why), 0);
	assert_string_equal(c.name, "agent");
	assert_int_equal(oomw_conf_set_named(file_keys, N_KEYS, &c, "name", "too-long", why), -EINVAL);
	assert_string_equal(why, "too long (at most 7 bytes)");
	assert_int_equal(oomw_conf_set_named(file_keys, N_KEYS, &c, "glob", "/a*", why), 0);
	assert_int_equal(oomw_conf_set_named(file_keys, N_KEYS, &c, "glob", "/b*", why), 0);
	assert_int_equal(c.n_globs, 2);
	assert_string_equal(c.globs[1], "/b*");
	assert_int_equal(oomw_conf_set_named(file_keys, N_KEYS, &c, "glob", "/c*", why), -EINVAL);
	assert_string_equal(why, "too many glob lines");
	assert_int_equal(oomw_conf_set_named(file_keys, N_KEYS, &c, "count", "10", why), 0);
	assert_int_equal(c.count, 10);
	assert_int_equal(oomw_conf_set_named(file_keys, N_KEYS, &c, "count", "0", why), -EINVAL);
	assert_string_equal(why, "must be a whole number from 1 to 10");
	assert_int_equal(oomw_conf_set_named(file_keys, N_KEYS, &c, "window", "0", why), 0);
	assert_int_equal(c.window_sec, 0);
	assert_int_equal(oomw_conf_set_named(file_keys, N_KEYS, &c, "window", "90m", why), 0);
	assert_int_equal(c.window_sec, 5400);
	assert_int_equal(oomw_conf_set_named(file_keys, N_KEYS, &c, "window", "8d", why), -EINVAL);
	assert_string_equal(why, "at most 7d");
	assert_int_equal(oomw_conf_set_named(file_keys, N_KEYS, &c, "warn", "10%", why), 0);
	assert_true(c.warn.set);
	assert_int_equal(oomw_conf_set_named(file_keys, N_KEYS, &c, "warn", "10", why), -EINVAL);
	assert_string_equal(why, "'10' has no unit; write 10% or 10M"); /* the core's words */
	assert_int_equal(oomw_conf_set_named(file_keys, N_KEYS, &c, "margin", "64M", why), 0);
	assert_int_equal(oomw_conf_set_named(file_keys, N_KEYS, &c, "colour", "red", why), -EINVAL);
	assert_string_equal(why, "unknown key 'colour'");
}

/* Writes text to a temporary file; its path in path. */
static void write_file(char path[64], const char *text)
{
	strcpy(path, "/tmp/oomw-test-conf-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_read_file(void **state)
{
	(void)state;
	struct conf c = { 0 };
	char path[64], err[512], expect[600];
	write_file(path, "# a comment\n\n  name  agent # trailing\nwarn \"\"\ncount\t3\n");
	assert_int_equal(oomw_conf_read(path, file_keys, N_KEYS, &c, err, sizeof(err)), 0);
	assert_string_equal(c.name, "agent");
	assert_false(c.warn.set); /* "" turns it off */
	assert_int_equal(c.count, 3);
	unlink(path);

	write_file(path, "name a\n\ncount 99\n");
	assert_int_equal(oomw_conf_read(path, file_keys, N_KEYS, &c, err, sizeof(err)), -EINVAL);
	snprintf(expect, sizeof(expect), "%s:3: count: must be a whole number from 1 to 10", path);
	assert_string_equal(err, expect);
	unlink(path);

	write_file(path, "name\n");
	assert_int_equal(oomw_conf_read(path, file_keys, N_KEYS, &c, err, sizeof(err)), -EINVAL);
	snprintf(expect, sizeof(expect), "%s:1: name: value missing", path);
	assert_string_equal(err, expect);
	unlink(path);

	assert_int_equal(oomw_conf_read("/nonexistent/x.conf", file_keys, N_KEYS, &c, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "/nonexistent/x.conf: No such file or directory");
	assert_int_equal(oomw_conf_read("/tmp", file_keys, N_KEYS, &c, err, sizeof(err)), -EISDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),    cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_names),     cmocka_unit_test(test_set_named),
		cmocka_unit_test(test_read_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
