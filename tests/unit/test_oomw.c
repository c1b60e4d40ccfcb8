/* SPDX-License-Identifier: MIT */
/* test_oomw.c — the helpers every core file uses: reading a small file whole
 * (exact fit, one byte too many, missing), joining paths, strict numbers. */
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

#include "oomw.h"

struct fixture {
	char dir[64];
};

static int setup(void **ctx)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	strcpy(f->dir, "/tmp/oomw-test-oomw-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*ctx = f;
	return 0;
}

static int teardown(void **ctx)
{
	struct fixture *f = *ctx;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	int r = system(cmd);
	free(f);
	return r == 0 ? 0 : -1;
}

static void put(const struct fixture *f, const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* size - 1 bytes fit (with the NUL); one more is -EFBIG, never a cut copy. */
static void test_read_file_bounds(void **ctx)
{
	struct fixture *f = *ctx;
	char buf[8];
	size_t len = 99;
	put(f, "seven", "1234567");
	assert_int_equal(oomw_read_file(f->dir, "seven", buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 7);
	assert_string_equal(buf, "1234567");
	put(f, "eight", "12345678");
	assert_int_equal(oomw_read_file(f->dir, "eight", buf, sizeof(buf), &len), -EFBIG);
	put(f, "empty", "");
	assert_int_equal(oomw_read_file(f->dir, "empty", buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	/* len may be NULL; a leading '/' in rel stays below dir. */
	assert_int_equal(oomw_read_file(f->dir, "/seven", buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "1234567");
	assert_int_equal(oomw_read_file(f->dir, "missing", buf, sizeof(buf), &len), -ENOENT);
	assert_int_equal(oomw_read_file(f->dir, ".", buf, sizeof(buf), &len), -EISDIR);
}

static void test_path_join(void **ctx)
{
	(void)ctx;
	char out[16];
	assert_int_equal(oomw_path_join(out, sizeof(out), "/proc/", "/vmstat"), 0);
	assert_string_equal(out, "/proc/vmstat");
	assert_int_equal(oomw_path_join(out, sizeof(out), "/", "a"), 0);
	assert_string_equal(out, "/a");
	assert_int_equal(oomw_path_join(out, sizeof(out), "/proc", "pressure/memory"), -ENAMETOOLONG);
	static char big[PATH_MAX + 8];
	memset(big, 'a', sizeof(big) - 1);
	char path[PATH_MAX];
	assert_int_equal(oomw_read_file(big, "x", path, sizeof(path), NULL), -ENAMETOOLONG);
}

static void test_parse_numbers(void **ctx)
{
	(void)ctx;
	uint64_t u;
	int64_t i;
	assert_int_equal(oomw_parse_u64("18446744073709551615", 20, &u), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(oomw_parse_u64("18446744073709551616", 20, &u), -ERANGE);
	assert_int_equal(oomw_parse_u64("", 0, &u), -EINVAL);
	assert_int_equal(oomw_parse_u64("12 ", 3, &u), -EINVAL);
	assert_int_equal(oomw_parse_u64("-1", 2, &u), -EINVAL);
	/* Only [s, s+len) is read: "12" of "123". */
	assert_int_equal(oomw_parse_u64("123", 2, &u), 0);
	assert_int_equal(u, 12);
	assert_int_equal(oomw_parse_i64("-9223372036854775808", 20, &i), 0);
	assert_true(i == INT64_MIN);
	assert_int_equal(oomw_parse_i64("9223372036854775807", 19, &i), 0);
	assert_true(i == INT64_MAX);
	assert_int_equal(oomw_parse_i64("9223372036854775808", 19, &i), -ERANGE);
	assert_int_equal(oomw_parse_i64("-9223372036854775809", 20, &i), -ERANGE);
	assert_int_equal(oomw_parse_i64("-", 1, &i), -EINVAL);
	assert_int_equal(oomw_parse_i64("+1", 2, &i), -EINVAL);
}

static void test_next_line(void **ctx)
{
	(void)ctx;
	static const char text[] = "a b\n\nlast";
	const char *p = text, *end = text + strlen(text), *line;
	size_t len;
	assert_true(oomw_next_line(&p, end, &line, &len));
	assert_int_equal(len, 3);
	assert_memory_equal(line, "a b", 3);
	assert_true(oomw_next_line(&p, end, &line, &len));
	assert_int_equal(len, 0); /* a blank line is a line */
	assert_true(oomw_next_line(&p, end, &line, &len));
	assert_int_equal(len, 4); /* no '\n' at the end: still a line */
	assert_memory_equal(line, "last", 4);
	assert_false(oomw_next_line(&p, end, &line, &len));
	p = end = text;
	assert_false(oomw_next_line(&p, end, &line, &len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_file_bounds, setup, teardown),
		cmocka_unit_test(test_path_join),
		cmocka_unit_test(test_parse_numbers),
		cmocka_unit_test(test_next_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
