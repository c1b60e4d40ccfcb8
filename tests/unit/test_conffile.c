/* SPDX-License-Identifier: MIT */
/* test_conffile.c — "key value" files: each kind of key (text, repeatable
 * list, count, duration, threshold, margin) into a struct, comments and
 * quotes, and every refusal with its file, line, key and reason. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conffile.h"

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
static const struct oomw_key keys[] = {
	{ "name", OOMW_KEY_TEXT, C(name), 8, 0, 0, 0, 0 },
	{ "glob", OOMW_KEY_LIST, C(globs), 16, 0, 2, 0, C(n_globs) },
	{ "count", OOMW_KEY_COUNT, C(count), 0, 1, 10, 0, 0 },
	{ "window", OOMW_KEY_DURATION, C(window_sec), 0, 0, 7 * 86400, 0, 0 },
	{ "warn", OOMW_KEY_THRESHOLD, C(warn), 0, 0, 0, OOMW_METRIC_FREE, 0 },
	{ "margin", OOMW_KEY_MARGIN, C(margin), 0, 0, 0, 0, 0 },
};
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

static void test_set(void **state)
{
	(void)state;
	struct conf c = { 0 };
	char why[OOMW_THRESHOLD_WHY_MAX];
	assert_int_equal(oomw_conf_set(keys, N_KEYS, &c, "name", "agent", why), 0);
	assert_string_equal(c.name, "agent");
	assert_int_equal(oomw_conf_set(keys, N_KEYS, &c, "name", "too-long", why), -EINVAL);
	assert_string_equal(why, "value too long");
	assert_int_equal(oomw_conf_set(keys, N_KEYS, &c, "glob", "/a*", why), 0);
	assert_int_equal(oomw_conf_set(keys, N_KEYS, &c, "glob", "/b*", why), 0);
	assert_int_equal(c.n_globs, 2);
	assert_string_equal(c.globs[1], "/b*");
	assert_int_equal(oomw_conf_set(keys, N_KEYS, &c, "glob", "/c*", why), -EINVAL);
	assert_string_equal(why, "too many glob lines");
	assert_int_equal(oomw_conf_set(keys, N_KEYS, &c, "count", "10", why), 0);
	assert_int_equal(c.count, 10);
	assert_int_equal(oomw_conf_set(keys, N_KEYS, &c, "count", "0", why), -EINVAL);
	assert_string_equal(why, "expected a whole number from 1 to 10");
	assert_int_equal(oomw_conf_set(keys, N_KEYS, &c, "window", "0", why), 0);
	assert_int_equal(c.window_sec, 0);
	assert_int_equal(oomw_conf_set(keys, N_KEYS, &c, "window", "90m", why), 0);
	assert_int_equal(c.window_sec, 5400);
	assert_int_equal(oomw_conf_set(keys, N_KEYS, &c, "window", "8d", why), -EINVAL);
	assert_string_equal(why, "at most 7d");
	assert_int_equal(oomw_conf_set(keys, N_KEYS, &c, "warn", "10%", why), 0);
	assert_true(c.warn.set);
	assert_int_equal(oomw_conf_set(keys, N_KEYS, &c, "warn", "10", why), -EINVAL);
	assert_string_equal(why, "'10' has no unit; write 10% or 10M"); /* the core's words */
	assert_int_equal(oomw_conf_set(keys, N_KEYS, &c, "margin", "64M", why), 0);
	assert_int_equal(oomw_conf_set(keys, N_KEYS, &c, "colour", "red", why), -EINVAL);
	assert_string_equal(why, "unknown key 'colour'");
}

/* Writes text to a temporary file; its path in path. */
static void write_file(char path[64], const char *text)
{
	strcpy(path, "/tmp/oomw-test-conffile-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_read(void **state)
{
	(void)state;
	struct conf c = { 0 };
	char path[64], err[512], expect[600];
	write_file(path, "# a comment\n\n  name  agent # trailing\nwarn \"\"\ncount\t3\n");
	assert_int_equal(oomw_conf_read(path, keys, N_KEYS, &c, err, sizeof(err)), 0);
	assert_string_equal(c.name, "agent");
	assert_false(c.warn.set); /* "" turns it off */
	assert_int_equal(c.count, 3);
	unlink(path);

	write_file(path, "name a\n\ncount 99\n");
	assert_int_equal(oomw_conf_read(path, keys, N_KEYS, &c, err, sizeof(err)), -EINVAL);
	snprintf(expect, sizeof(expect), "%s:3: count: expected a whole number from 1 to 10", path);
	assert_string_equal(err, expect);
	unlink(path);

	write_file(path, "name\n");
	assert_int_equal(oomw_conf_read(path, keys, N_KEYS, &c, err, sizeof(err)), -EINVAL);
	snprintf(expect, sizeof(expect), "%s:1: name: value missing", path);
	assert_string_equal(err, expect);
	unlink(path);

	assert_int_equal(oomw_conf_read("/nonexistent/x.conf", keys, N_KEYS, &c, err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err, "/nonexistent/x.conf: No such file or directory");
	assert_int_equal(oomw_conf_read("/tmp", keys, N_KEYS, &c, err, sizeof(err)), -EISDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
