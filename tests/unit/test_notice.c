/* SPDX-License-Identifier: MIT */
/* test_notice.c — what a notifying front end says (notice.h): the kill
 * notice and the log line of a kill, fitted to a size by cutting only the
 * cgroup path; who, why and the remedy of a kill; and the gauge notice with
 * the thresholds as typed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "notice.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define USEC 1000000LL
/* Sun Nov 29 08:00:00 UTC 2026 */
#define NOW (1795939200LL * USEC)
#define COLLECTD_MESSAGE_SIZE 256 /* NOTIF_MAX_MSG_LEN */

static struct oomw_paths paths;
static struct oomw_snapshot snap;
static const struct oomw_assess_input in = { .snap = &snap, .paths = &paths };

static struct oomw_event named(const char *comm, const char *task_memcg)
{
	struct oomw_event ev = { .index = 1, .has_details = true, .wall_usec = NOW };
	oomw_kill_init(&ev.kill);
	ev.kill.pid = 4242;
	ev.kill.comm_len = strlen(comm);
	memcpy(ev.kill.comm, comm, ev.kill.comm_len);
	ev.kill.anon_rss_kib = 800;
	ev.kill.file_rss_kib = 100;
	ev.kill.scope = OOMW_SCOPE_MEMCG;
	strcpy(ev.kill.task_memcg, task_memcg);
	return ev;
}

static bool ends_with(const char *s, const char *end)
{
	size_t n = strlen(s), m = strlen(end);
	return n >= m && strcmp(s + n - m, end) == 0;
}

static void test_kill_notice(void **state)
{
	(void)state;
	char msg[COLLECTD_MESSAGE_SIZE];
	oomw_paths_default(&paths);
	struct oomw_event ev = named("mysqld", "/system.slice/mysql.service");
	oomw_kill_notice(&in, &ev, msg, sizeof(msg));
	assert_string_equal(msg, "OOM killer killed mysqld (pid 4242, 900 KiB, "
				 "/system.slice/mysql.service) at 2026-11-29 08:00:00 UTC");

	/* Too long for the message: the path keeps its end, the time stays. */
	char path[OOMW_CGROUP_PATH_MAX + 1] = "/kubepods.slice/";
	memset(path + strlen(path), 'x', 400);
	strcat(path, "/docker-0123.scope");
	ev = named("mysqld", path);
	oomw_kill_notice(&in, &ev, msg, sizeof(msg));
	assert_int_equal(strlen(msg), sizeof(msg) - 1);
	assert_non_null(strstr(msg, "OOM killer killed mysqld (pid 4242, 900 KiB, ...xxx"));
	assert_true(ends_with(msg, "x/docker-0123.scope) at 2026-11-29 08:00:00 UTC"));

	/* Without a cgroup: the scope. */
	ev = named("a|b", "");
	oomw_kill_notice(&in, &ev, msg, sizeof(msg));
	assert_string_equal(msg, "OOM killer killed a\\x7cb (pid 4242, 900 KiB, memcg OOM) at "
				 "2026-11-29 08:00:00 UTC");

	/* A kill the log did not name. */
	struct oomw_event bare = { .index = 7, .wall_usec = NOW };
	oomw_kill_init(&bare.kill);
	strcpy(paths.kmsg, OOMW_KMSG_NONE);
	oomw_kill_notice(&in, &bare, msg, sizeof(msg));
	assert_string_equal(msg, "OOM killer killed a process (kill #7): victim unknown (kernel "
				 "log not read), noticed 2026-11-29 08:00:00 UTC");

	/* A userspace OOM killer's. */
	ev = named("stress", "");
	ev.killer = OOMW_KILLER_EARLYOOM;
	ev.ukill.signal = 15;
	ev.ukill.oom_score = OOMW_UNKNOWN;
	ev.ukill.rss_kib = OOMW_UNKNOWN;
	oomw_kill_notice(&in, &ev, msg, sizeof(msg));
	assert_string_equal(msg, "Userspace OOM killer: earlyoom killed stress (pid 4242, SIGTERM) "
				 "at 2026-11-29 08:00:00 UTC");

	/* Never beyond size. */
	ev = named("mysqld", "/a");
	oomw_kill_notice(&in, &ev, msg, 20);
	assert_string_equal(msg, "OOM killer killed m");
}

/* The log line of a kill owed, fitted the same way; who, why and the remedy;
 * the end of a cgroup's hold. */
static void test_log_line_and_reasons(void **state)
{
	(void)state;
	char msg[COLLECTD_MESSAGE_SIZE];
	oomw_paths_default(&paths);
	struct oomw_event ev = named("mysqld", "/system.slice/mysql.service");
	ev.index = 12;
	oomw_kill_log_line(&in, &ev, msg, sizeof(msg));
	assert_string_equal(msg, "OOM kill #12: mysqld (pid 4242, 900 KiB, "
				 "/system.slice/mysql.service) at 2026-11-29 08:00:00 UTC");
	struct oomw_kill_reasons r;
	oomw_kill_reasons(&ev.kill, sizeof(r.why) - 1, &r);
	assert_string_equal(r.who.unit, "mysql.service");
	assert_string_equal(r.who.container_id, "");
	assert_non_null(r.qos);
	assert_true(r.why[0] != '\0');
	assert_true(r.remedy[0] != '\0');
	/* The end of a hold: the path escaped, no forged line. */
	oomw_released_text("/a\nb", msg, sizeof(msg));
	assert_string_equal(msg, "cgroup /a\\x0ab no longer held at its limit");
}

static void test_gauge_notice(void **state)
{
	(void)state;
	struct oomw_assess_params p;
	char why[OOMW_THRESHOLD_WHY_MAX], msg[COLLECTD_MESSAGE_SIZE];
	oomw_assess_params_default(&p, OOMW_FRONTEND_COLLECTD);
	assert_int_equal(oomw_threshold_parse("20%", OOMW_METRIC_FREE, &p.mem_available.warning, why),
			 0);
	assert_int_equal(
		oomw_threshold_parse("@0%:5%", OOMW_METRIC_FREE, &p.mem_available.critical, why), 0);
	assert_int_equal(oomw_threshold_parse("", OOMW_METRIC_FREE, &p.swap_free.warning, why), 0);
	assert_int_equal(oomw_margin_parse("64M", &p.hysteresis, why), 0);

	struct oomw_verdict v = { .mem_severity = OOMW_SEV_WARNING,
				  .swap_severity = OOMW_SEV_CRITICAL,
				  .psi_judged = true,
				  .psi_severity = OOMW_SEV_OK };
	v.mem_available = oomw_gauge_kib(150000, 1000000);
	v.swap_free = oomw_gauge_kib(1000, 2000000);
	v.psi = oomw_gauge_pct(2.0);
	oomw_gauge_notice(&v, &p, OOMW_HELD_MEM, msg, sizeof(msg));
	assert_string_equal(msg, "Available memory is low: 146.5 MiB (15.0% of 976.6 MiB); "
				 "thresholds: warning 20%, critical @0%:5%, hysteresis 64.0 MiB");
	assert_int_equal(oomw_margin_parse("5%", &p.hysteresis, why), 0);
	oomw_gauge_notice(&v, &p, OOMW_HELD_SWAP, msg, sizeof(msg));
	assert_string_equal(msg, "Free swap is critically low: 1000 KiB (0.1% of 1.9 GiB); "
				 "thresholds: warning -, critical 10%, hysteresis 5%");
	oomw_gauge_notice(&v, &p, OOMW_HELD_PSI, msg, sizeof(msg));
	assert_string_equal(msg, "Memory pressure is back to normal: full avg60 2.00%; "
				 "thresholds: warning 5, critical 20, hysteresis 5%");

	const struct oomw_gauge *g;
	enum oomw_severity s;
	g = oomw_verdict_gauge(&v, OOMW_HELD_SWAP, &s);
	assert_ptr_equal(g, &v.swap_free);
	assert_int_equal(s, OOMW_SEV_CRITICAL);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_notice),
		cmocka_unit_test(test_log_line_and_reasons),
		cmocka_unit_test(test_gauge_notice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
