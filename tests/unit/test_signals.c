/* SPDX-License-Identifier: MIT */
/* test_signals.c — a daemon's signals through a signalfd: SIGTERM and SIGINT
 * say stop, SIGHUP reload (only when asked for; otherwise it is left as it
 * was), SIGPIPE is ignored, and nothing is read twice. */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "signals.h"

static bool blocked(int sig)
{
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	return sigismember(&now, sig) == 1;
}

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 0) == 1;
}

static int unblock_all(void **state)
{
	(void)state;
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	return 0;
}

static void test_stop_and_reload(void **state)
{
	(void)state;
	bool stop = false, reload = false;
	int fd = oomw_signals_open(OOMW_SIGNALS_STOP_RELOAD);
	assert_true(fd >= 0);
	assert_true(blocked(SIGTERM) && blocked(SIGINT) && blocked(SIGHUP));
	assert_false(readable(fd));

	raise(SIGHUP);
	assert_true(readable(fd));
	oomw_signals_read(fd, &stop, &reload);
	assert_true(reload);
	assert_false(stop);
	assert_false(readable(fd)); /* read once */

	reload = false;
	raise(SIGTERM);
	raise(SIGINT);
	oomw_signals_read(fd, &stop, &reload);
	assert_true(stop);
	assert_false(reload);
	close(fd);
}

static void test_stop_only(void **state)
{
	(void)state;
	struct sigaction pipe_action;
	int fd = oomw_signals_open(OOMW_SIGNALS_STOP);
	assert_true(fd >= 0);
	assert_true(blocked(SIGTERM) && blocked(SIGINT));
	assert_false(blocked(SIGHUP));
	sigaction(SIGPIPE, NULL, &pipe_action);
	assert_true(pipe_action.sa_handler == SIG_IGN);

	/* A closed pipe fails the write instead of ending the process. */
	int p[2];
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	assert_int_equal(write(p[1], "x", 1), -1);
	assert_int_equal(errno, EPIPE);
	close(p[1]);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_stop_and_reload, unblock_all),
		cmocka_unit_test_teardown(test_stop_only, unblock_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
