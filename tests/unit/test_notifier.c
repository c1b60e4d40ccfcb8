/* SPDX-License-Identifier: MIT */
/* test_notifier.c — one sample as a notifier takes it: memory going low and
 * back queues one notice each way with the status line; a cgroup held at its
 * limit queues a held notice with its figures and victim, then a released
 * one; a path the front end cannot name is only noted; a source problem is
 * noted once when it appears and once when it is resolved; the first start
 * files history and kills at an unknown time, and notes the kill owed; a reload with a smaller keep
 * drops the oldest notices. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "notifier.h"

#define USEC_PER_SEC 1000000LL
#define NOW (1764399600LL * USEC_PER_SEC) /* 2025-11-29 07:00:00 UTC */
#define MIB 1024LL

static struct oomw_notifier n;
static struct oomw_snapshot s;
static struct oomw_verdict v;
static const struct oomw_paths paths = { .proc = "/proc", .sys = "/sys", .kmsg = "/dev/kmsg" };
static const struct oomw_notifier_config words = { "kill_window", "in the table", 8 };
static int save_err; /* of the state save, in the input */

/* A sample of a machine with pct % of 8 GiB available. */
static void sample(int pct, struct oomw_assess_params *p, struct oomw_event *ev, size_t n_ev)
{
	struct oomw_assess_input in = { .snap = &s,
					.events = ev,
					.n_events = n_ev,
					.n_new = n_ev,
					.paths = &paths,
					.cgroups_asked = true,
					.state_path = "/var/lib/x.state",
					.save_err = save_err };
	s.wall_usec = NOW;
	s.mem.mem_total_kib = 8 * 1024 * MIB;
	s.mem.mem_available_kib = 8 * 1024 * MIB * pct / 100;
	oomw_notifier_sample(&n, &in, p, &words, 0, 4, &v);
}

static bool noted(const char *start)
{
	for (size_t i = 0; i < n.n_notes; i++)
		if (strncmp(n.notes[i].text, start, strlen(start)) == 0)
			return true;
	return false;
}

static const struct oomw_notice *last_notice(void)
{
	return &n.ledger.notices[(n.ledger.head + n.ledger.n_notices - 1) % OOMW_LEDGER_NOTICES_MAX];
}

static void test_memory(void **state)
{
	(void)state;
	struct oomw_assess_params p;
	char why[OOMW_THRESHOLD_WHY_MAX];
	oomw_assess_params_default(&p, OOMW_FRONTEND_SNMP);
	assert_int_equal(oomw_threshold_parse("30%", OOMW_METRIC_FREE, &p.mem_available.warning, why),
			 0);
	memset(&s, 0, sizeof(s));
	oomw_notifier_init(&n);
	sample(50, &p, NULL, 0);
	assert_int_equal(n.ledger.n_notices, 0);
	sample(20, &p, NULL, 0);
	assert_int_equal(n.ledger.n_notices, 1);
	assert_int_equal(last_notice()->kind, OOMW_NOTICE_LOW_MEMORY);
	assert_int_equal(last_notice()->severity, OOMW_SEV_WARNING);
	assert_int_equal(last_notice()->available_cpct, 2000);
	assert_string_equal(last_notice()->text, n.status);
	assert_true(noted("memory OK -> WARNING: WARNING: memory available 20.0%"));
	sample(25, &p, NULL, 0); /* still low: nothing new */
	assert_int_equal(n.ledger.n_notices, 1);
	sample(60, &p, NULL, 0);
	assert_int_equal(n.ledger.n_notices, 2);
	assert_int_equal(last_notice()->kind, OOMW_NOTICE_RECOVERED);
	/* A reload with keep 1 drops the oldest, and says so. */
	struct oomw_assess_input in = { .snap = &s, .paths = &paths };
	oomw_notifier_rejudge(&n, &in, &p, 1, &v);
	assert_int_equal(n.ledger.n_notices, 1);
	assert_true(noted("notification queue full (1): dropped the oldest 1"));
}

static void test_held(void **state)
{
	(void)state;
	struct oomw_assess_params p;
	oomw_assess_params_default(&p, OOMW_FRONTEND_SNMP);
	memset(&s, 0, sizeof(s));
	oomw_notifier_init(&n);
	s.n_cgroups = 2;
	strcpy(s.cgroups[0].stats.path, "/pod");
	strcpy(s.cgroups[1].stats.path, "/a-long-path"); /* beyond the 8 bytes words allow */
	for (int i = 0; i < 2; i++) {
		s.cgroups[i].stats.limit_bytes = 100 * MIB * 1024;
		s.cgroups[i].stats.usage_bytes = 50 * MIB * 1024;
		s.cgroups[i].stats.pressure_some_avg10_cpct = 320;
		s.cgroups[i].limit_hits_delta = 12;
	}
	s.n_candidates = 1;
	s.candidates[0] = (struct oomw_candidate){
		.pid = 3882, .comm = "python3", .comm_len = 7, .rss_kib = 61542, .memcg = "/pod/c"
	};
	sample(50, &p, NULL, 0);
	assert_int_equal(n.ledger.n_notices, 1); /* /a-long-path is only noted */
	const struct oomw_notice *o = last_notice();
	assert_int_equal(o->kind, OOMW_NOTICE_CGROUP_HELD);
	assert_string_equal(o->cgroup, "/pod");
	assert_int_equal(o->limit_hits, 12);
	assert_int_equal(o->pressure_cpct, 320);
	assert_int_equal(o->victim_pid, 3882);
	assert_string_equal(o->victim_comm, "python3");
	assert_string_equal(o->text, "cgroup /pod held at its limit: 12 limit hits since the last "
				     "sample, memory pressure 3.20%; likeliest victim python3 (pid "
				     "3882, 60.1 MiB)");
	assert_true(noted("cgroup /a-long-path held at its limit"));
	sample(50, &p, NULL, 0); /* still held: nothing new */
	assert_int_equal(n.ledger.n_notices, 1);
	s.cgroups[0].limit_hits_delta = s.cgroups[1].limit_hits_delta = 0;
	sample(50, &p, NULL, 0);
	assert_int_equal(n.ledger.n_notices, 2);
	assert_int_equal(last_notice()->kind, OOMW_NOTICE_CGROUP_RELEASED);
	assert_string_equal(last_notice()->cgroup, "/pod");
	assert_true(noted("cgroup /pod no longer held at its limit"));
	assert_true(noted("cgroup /a-long-path no longer held at its limit"));
}

static void test_problems_and_first_start(void **state)
{
	(void)state;
	struct oomw_assess_params p;
	oomw_assess_params_default(&p, OOMW_FRONTEND_SNMP);
	p.window_sec = 60;
	memset(&s, 0, sizeof(s));
	oomw_notifier_init(&n);
	s.first_sample = true;
	save_err = -EROFS;
	struct oomw_event ev[3] = {
		{ .index = 1, .has_details = true, .wall_usec = NOW - 3600 * USEC_PER_SEC },
		{ .index = 2, .has_details = true, .wall_usec = NOW - 10 * USEC_PER_SEC },
		{ .index = 3, .backlog = true, .wall_usec = NOW - 7200 * USEC_PER_SEC },
	};
	sample(50, &p, ev, 3);
	assert_true(noted("1 OOM kill from before kill_window found at the first start: in the "
			  "table, not notified"));
	assert_true(noted("1 OOM kill at an unknown time since boot"));
	assert_int_equal(last_notice()->kind, OOMW_NOTICE_KILLS_UNKNOWN_TIME);
	assert_int_equal(n.ledger.cursor, 1);
	assert_true(oomw_ledger_owes(&n.ledger, &ev[1]));
	assert_true(noted("OOM kill #2: ")); /* the one kill owed, for the log */
	assert_false(noted("OOM kill #1: "));
	assert_true(noted("cannot save state /var/lib/x.state"));
	s.first_sample = false;
	sample(50, &p, ev, 0);
	assert_int_equal(n.n_notes, 0); /* the same problem is not noted twice */
	save_err = 0;
	sample(50, &p, ev, 0);
	assert_int_equal(n.n_notes, 1);
	assert_true(noted("resolved: cannot save state /var/lib/x.state"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_held),
		cmocka_unit_test(test_problems_and_first_start),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
