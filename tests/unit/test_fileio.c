/* SPDX-License-Identifier: MIT */
/* test_fileio.c — the atomic writer (content and mode, a planted temp file or
 * symlink not written through, a failed write leaving the old file), the
 * directory of a path, joining a name without leaving the directory, and
 * private directories (created 0700, others' or writable ones refused). */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fileio.h"

struct fixture {
	char dir[64];
};

static int setup(void **ctx)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	strcpy(f->dir, "/tmp/oomw-test-fileio-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*ctx = f;
	return 0;
}

static int teardown(void **ctx)
{
	struct fixture *f = *ctx;
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s'; rm -rf '%s'", f->dir, f->dir);
	int r = system(cmd);
	free(f);
	return r == 0 ? 0 : -1;
}

static int write_text(int fd, void *ctx)
{
	const char *text = ctx;
	size_t n = strlen(text);
	return write(fd, text, n) == (ssize_t)n ? 0 : -EIO;
}

static int write_fails(int fd, void *ctx)
{
	(void)ctx;
	return write(fd, "partial", 7) == 7 ? -ENOSPC : -EIO;
}

static void read_back(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void test_write_atomic(void **ctx)
{
	struct fixture *f = *ctx;
	char path[PATH_MAX], tmp[PATH_MAX], victim[PATH_MAX], buf[64];
	struct stat st;
	snprintf(path, sizeof(path), "%s/state", f->dir);
	snprintf(tmp, sizeof(tmp), "%s/state.tmp", f->dir);
	snprintf(victim, sizeof(victim), "%s/victim", f->dir);

	assert_int_equal(oomw_file_write_atomic(path, 0600, write_text, "one\n"), 0);
	read_back(path, buf, sizeof(buf));
	assert_string_equal(buf, "one\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* A symlink planted at the temp name is removed, never written through. */
	FILE *v = fopen(victim, "w");
	assert_non_null(v);
	fputs("untouched", v);
	fclose(v);
	assert_int_equal(symlink(victim, tmp), 0);
	assert_int_equal(oomw_file_write_atomic(path, 0600, write_text, "two\n"), 0);
	read_back(path, buf, sizeof(buf));
	assert_string_equal(buf, "two\n");
	read_back(victim, buf, sizeof(buf));
	assert_string_equal(buf, "untouched");

	/* A failed write keeps the old file and leaves no temp file. */
	assert_int_equal(oomw_file_write_atomic(path, 0600, write_fails, NULL), -ENOSPC);
	read_back(path, buf, sizeof(buf));
	assert_string_equal(buf, "two\n");
	assert_int_equal(lstat(tmp, &st), -1);
	assert_int_equal(errno, ENOENT);

	/* No such directory: the error, not a crash. */
	snprintf(path, sizeof(path), "%s/missing/state", f->dir);
	assert_int_equal(oomw_file_write_atomic(path, 0600, write_text, "x"), -ENOENT);
}

static void test_path_dir(void **ctx)
{
	(void)ctx;
	static const struct {
		const char *path, *dir;
	} cases[] = {
		{ "/var/tmp/x.state", "/var/tmp" },
		{ "/x", "/" },
		{ "x", "." },
		{ "a/b", "a" },
	};
	char dir[PATH_MAX];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(oomw_path_dir(cases[i].path, dir, sizeof(dir)), 0);
		assert_string_equal(dir, cases[i].dir);
	}
	char small[4];
	assert_int_equal(oomw_path_dir("/var/tmp/x", small, sizeof(small)), -ENAMETOOLONG);
}

static void test_path_within(void **ctx)
{
	(void)ctx;
	char out[PATH_MAX];
	assert_int_equal(oomw_path_within(out, sizeof(out), "/var/tmp/d", "k.state"), 0);
	assert_string_equal(out, "/var/tmp/d/k.state");
	static const char *const bad[] = { "", ".", "..", "../x", "a/b", "/etc/passwd" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(oomw_path_within(out, sizeof(out), "/var/tmp/d", bad[i]), -EINVAL);
	char small[8];
	assert_int_equal(oomw_path_within(small, sizeof(small), "/var/tmp/d", "k"), -ENAMETOOLONG);
}

static void test_dir_private(void **ctx)
{
	struct fixture *f = *ctx;
	char dir[PATH_MAX], link[PATH_MAX];
	const char *why = NULL;
	struct stat st;
	snprintf(dir, sizeof(dir), "%s/private", f->dir);
	assert_int_equal(oomw_dir_private(dir, &why), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(oomw_dir_private(dir, &why), 0); /* an existing one of ours */

	assert_int_equal(chmod(dir, 0770), 0);
	assert_int_equal(oomw_dir_private(dir, &why), -EPERM);
	assert_non_null(strstr(why, "writable by others"));

	snprintf(link, sizeof(link), "%s/link", f->dir);
	assert_int_equal(symlink(dir, link), 0);
	assert_int_equal(oomw_dir_private(link, &why), -ENOTDIR);

	snprintf(dir, sizeof(dir), "%s/no/such", f->dir);
	assert_int_equal(oomw_dir_private(dir, &why), -ENOENT);
	assert_string_equal(why, "cannot create the directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_atomic, setup, teardown),
		cmocka_unit_test(test_path_dir),
		cmocka_unit_test(test_path_within),
		cmocka_unit_test_setup_teardown(test_dir_private, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
