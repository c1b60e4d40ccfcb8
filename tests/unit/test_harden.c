/* SPDX-License-Identifier: MIT */
/* test_harden.c — a daemon outliving a memory shortage: as root its
 * oom_score_adj becomes -1000 (or the error says why not) and its pages are
 * locked (not under AddressSanitizer); dropping root to
 * nobody is for good (a child process does it, so the test runner keeps root). */
#include <errno.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harden.h"
#include "oomw.h"

/* Locking every page of a process under AddressSanitizer would populate its
 * terabytes of shadow memory: the sanitizer build tests the rest only. */
#if defined(__SANITIZE_ADDRESS__)
#define LOCK_MEMORY_TESTABLE false
#else
#define LOCK_MEMORY_TESTABLE true
#endif

static void test_oom_protect(void **state)
{
	(void)state;
	char buf[32] = "";
	if (geteuid() != 0)
		skip();
	int rc = oomw_oom_protect();
	FILE *f = fopen("/proc/self/oom_score_adj", "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	/* Lowering it takes CAP_SYS_RESOURCE, which a container's root may lack:
	 * then the error says so and the score is left alone. */
	if (rc == 0)
		assert_string_equal(buf, "-1000\n");
	else
		assert_true(rc == -EACCES && strcmp(buf, "-1000\n") != 0);
}

static void test_lock_memory(void **state)
{
	(void)state;
	struct oomw_hardened h = { 0 };
	char line[256];
	bool locked = false;
	if (geteuid() != 0)
		skip();
	if (!LOCK_MEMORY_TESTABLE)
		return;
	oomw_lock_memory(false, &h);
	assert_int_equal(h.memlock_err, 0);
	assert_int_equal(h.mlock_err, 0);
	FILE *st = fopen("/proc/self/status", "r");
	assert_non_null(st);
	while (fgets(line, sizeof(line), st))
		locked |= strncmp(line, "VmLck:", 6) == 0 && strstr(line, " 0 kB") == NULL;
	fclose(st);
	assert_true(locked);
}

static void test_drop_privileges(void **state)
{
	(void)state;
	const struct passwd *pw = getpwnam("nobody");
	if (geteuid() != 0 || pw == NULL)
		skip();
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		int rc = oomw_drop_privileges(pw->pw_name, pw->pw_uid, pw->pw_gid);
		/* 0, nobody, and root is gone for good. */
		_exit(rc == 0 && getuid() == pw->pw_uid && geteuid() == pw->pw_uid &&
				      getgid() == pw->pw_gid && setuid(0) != 0
			      ? 0
			      : 1);
	}
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oom_protect),
		cmocka_unit_test(test_lock_memory),
		cmocka_unit_test(test_drop_privileges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
