/* SPDX-License-Identifier: MIT */
/* test_news.c — what a notifier calls news: a held verdict tracked across an
 * unknown spell, the held verdicts and their changes (an unreadable value
 * swallows none), the kills of unknown time counted among a sample's news,
 * the source problems told once when they appear and once when resolved, a
 * lost state file, one source's words, MemAvailable in hundredths, and the
 * cgroups that start and stop being held at their limit (each said once, a
 * cgroup matched twice once, a vanished one stopped), and the most recent
 * kills by time. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "news.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define USEC 1000000LL
/* Sun Nov 29 08:00:00 UTC 2026 */
#define NOW (1795939200LL * USEC)

/* A kill the log named, at NOW. */
static struct oomw_event named(const char *comm)
{
	struct oomw_event ev = { .index = 1, .has_details = true, .wall_usec = NOW };
	oomw_kill_init(&ev.kill);
	ev.kill.comm_len = strlen(comm);
	memcpy(ev.kill.comm, comm, ev.kill.comm_len);
	return ev;
}

static void test_severity_track(void **state)
{
	(void)state;
	enum oomw_severity last = OOMW_SEV_UNKNOWN;
	assert_int_equal(oomw_severity_track(&last, OOMW_SEV_OK), OOMW_CHANGE_NONE);
	assert_int_equal(last, OOMW_SEV_OK);
	assert_int_equal(oomw_severity_track(&last, OOMW_SEV_WARNING), OOMW_CHANGE_WORSE);
	/* An unreadable spell keeps the last verdict: the recovery is still said. */
	assert_int_equal(oomw_severity_track(&last, OOMW_SEV_UNKNOWN), OOMW_CHANGE_NONE);
	assert_int_equal(last, OOMW_SEV_WARNING);
	assert_int_equal(oomw_severity_track(&last, OOMW_SEV_OK), OOMW_CHANGE_RECOVERED);
	assert_int_equal(oomw_severity_track(&last, OOMW_SEV_OK), OOMW_CHANGE_NONE);
}

/* What each gauge's held verdict becomes. */
static void test_held_kept(void **state)
{
	(void)state;
	struct oomw_held h = { OOMW_SEV_WARNING, OOMW_SEV_OK, OOMW_SEV_CRITICAL };
	enum oomw_change ch[OOMW_HELD_GAUGES];
	struct oomw_verdict v = { .mem_severity = OOMW_SEV_UNKNOWN,
				  .swap_severity = OOMW_SEV_WARNING,
				  .psi_judged = false,
				  .psi_severity = OOMW_SEV_OK };
	oomw_held_update(&h, &v, ch);
	assert_int_equal(h.mem, OOMW_SEV_WARNING); /* unknown: kept */
	assert_int_equal(h.swap, OOMW_SEV_WARNING);
	assert_int_equal(h.psi, OOMW_SEV_CRITICAL); /* not judged: kept */
	v.psi_judged = true;
	oomw_held_update(&h, &v, ch);
	assert_int_equal(h.psi, OOMW_SEV_OK);
}

static void test_state_lost(void **state)
{
	(void)state;
	struct oomw_snapshot s = { .first_sample = true, .state_err = 0 };
	assert_false(oomw_state_lost(&s)); /* absent: a first start */
	s.state_err = -EBADMSG;
	assert_true(oomw_state_lost(&s));
	s.first_sample = false;
	assert_false(oomw_state_lost(&s));
}

static void test_source_text_and_cpct(void **state)
{
	(void)state;
	static struct oomw_verdict v;
	char out[64];
	v.n_problems = 3;
	v.problems[0] = (struct oomw_problem){ .source = OOMW_SRC_KLOG, .text = "log unreadable" };
	v.problems[1] = (struct oomw_problem){ .source = OOMW_SRC_PSI, .text = "no PSI" };
	v.problems[2] = (struct oomw_problem){ .source = OOMW_SRC_KLOG, .text = "fix: CAP_SYSLOG" };
	oomw_source_text(&v, OOMW_SRC_KLOG, out, sizeof(out));
	assert_string_equal(out, "log unreadable; fix: CAP_SYSLOG");
	oomw_source_text(&v, OOMW_SRC_STATE, out, sizeof(out));
	assert_string_equal(out, "");
	oomw_source_text(&v, OOMW_SRC_KLOG, out, 10); /* cut, still terminated */
	assert_string_equal(out, "log unrea");
	assert_int_equal(oomw_available_cpct(&v), OOMW_UNKNOWN);
	v.mem_available = oomw_gauge_kib(1234567, 8000000);
	assert_int_equal(oomw_available_cpct(&v), 1543); /* 15.432 % */
}

/* A verdict on cgroups: held[i] says which are held. */
static struct oomw_snapshot_cgroup cgs[4];
static void verdict_of(struct oomw_verdict *v, const char *const *paths, const bool *held, size_t n)
{
	memset(v, 0, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		strcpy(cgs[i].stats.path, paths[i]);
		v->cgroups[i] = (struct oomw_cgroup_verdict){ .cg = &cgs[i], .held = held[i] };
	}
	v->n_cgroups = n;
}

static void test_held_cgroups(void **state)
{
	(void)state;
	static struct oomw_held_set set;
	static struct oomw_held_changes ch;
	static struct oomw_verdict v;
	const char *const paths[] = { "/app", "/db", "/app" };

	verdict_of(&v, paths, (const bool[]){ false, false, false }, 3);
	oomw_held_cgroups_update(&set, &v, &ch);
	assert_int_equal(ch.n_started + ch.n_stopped, 0);

	/* /app starts: said once although two globs matched it. */
	verdict_of(&v, paths, (const bool[]){ true, false, true }, 3);
	oomw_held_cgroups_update(&set, &v, &ch);
	assert_int_equal(ch.n_started, 1);
	assert_string_equal(ch.started[0]->cg->stats.path, "/app");
	assert_int_equal(ch.n_stopped, 0);

	/* Still held, and /db starts: only /db is news. */
	verdict_of(&v, paths, (const bool[]){ true, true, true }, 3);
	oomw_held_cgroups_update(&set, &v, &ch);
	assert_int_equal(ch.n_started, 1);
	assert_string_equal(ch.started[0]->cg->stats.path, "/db");

	/* /app stops; /db is gone from the verdict: both stopped, once. */
	verdict_of(&v, (const char *const[]){ "/app" }, (const bool[]){ false }, 1);
	oomw_held_cgroups_update(&set, &v, &ch);
	assert_int_equal(ch.n_started, 0);
	assert_int_equal(ch.n_stopped, 2);
	assert_string_equal(ch.stopped[0], "/app");
	assert_string_equal(ch.stopped[1], "/db");
	assert_int_equal(set.n, 0);
	oomw_held_cgroups_update(&set, &v, &ch);
	assert_int_equal(ch.n_started + ch.n_stopped, 0);
}

static void test_recent_events(void **state)
{
	(void)state;
	/* Index order is not time order: 3 and 4 were counted at a first start
	 * and dated at boot; 5 is a userspace killer's. */
	const struct oomw_event ev[] = {
		{ .index = 1, .wall_usec = 100 },
		{ .index = 2, .wall_usec = 300 },
		{ .index = 3, .wall_usec = 10 },
		{ .index = 4, .wall_usec = 10 },
		{ .index = 5, .wall_usec = 400, .killer = OOMW_KILLER_EARLYOOM },
	};
	size_t rows[5];
	assert_true(oomw_event_more_recent(&ev[3], &ev[2])); /* same time: the higher index */
	assert_ptr_equal(oomw_last_kernel_kill(ev, 5), &ev[1]);
	assert_null(oomw_last_kernel_kill(ev, 0));
	assert_int_equal(oomw_recent_events(ev, 5, 2, rows), 2);
	assert_int_equal(rows[0], 1); /* 2 and 5, in the ring's order */
	assert_int_equal(rows[1], 4);
	assert_int_equal(oomw_recent_events(ev, 5, 3, rows), 3);
	assert_int_equal(rows[0], 0);
	assert_int_equal(oomw_recent_events(ev, 5, 10, rows), 5);
}

/* On a first start the window decides; kills of unknown time are counted,
 * not told one by one; later every new kill is news. */
static void test_news_tally(void **state)
{
	(void)state;
	struct oomw_assess_params p;
	struct oomw_backlog_tally t = { 0 };
	oomw_assess_params_default(&p, OOMW_FRONTEND_COLLECTD);
	struct oomw_snapshot first = { .first_sample = true, .wall_usec = NOW };
	struct oomw_event old = named("old"), recent = named("new");
	struct oomw_event backlog = { .index = 5, .backlog = true, .wall_usec = NOW };
	old.wall_usec = NOW - 2 * p.window_sec * USEC;
	assert_int_equal(oomw_news_tally(&t, &old, &first, &p), OOMW_NEWS_HISTORY);
	assert_int_equal(oomw_news_tally(&t, &recent, &first, &p), OOMW_NEWS_KILL);
	assert_int_equal(oomw_news_tally(&t, &backlog, &first, &p), OOMW_NEWS_BACKLOG);
	backlog.index = 6;
	assert_int_equal(oomw_news_tally(&t, &backlog, &first, &p), OOMW_NEWS_BACKLOG);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.last_index, 6);
	struct oomw_snapshot later = { .wall_usec = NOW };
	assert_int_equal(oomw_news_tally(&t, &old, &later, &p), OOMW_NEWS_KILL);
	assert_int_equal(t.n, 2);
}

static struct oomw_verdict verdict(enum oomw_severity mem, enum oomw_severity swap, bool psi_judged,
				   enum oomw_severity psi)
{
	struct oomw_verdict v = { .mem_severity = mem, .swap_severity = swap, .psi_severity = psi };
	v.psi_judged = psi_judged;
	return v;
}

static void test_held_changes(void **state)
{
	(void)state;
	struct oomw_held held = { OOMW_SEV_UNKNOWN, OOMW_SEV_UNKNOWN, OOMW_SEV_UNKNOWN };
	enum oomw_change ch[OOMW_HELD_GAUGES];
	static const struct {
		enum oomw_severity mem, swap, psi;
		bool psi_judged;
		enum oomw_change want[OOMW_HELD_GAUGES];
		enum oomw_severity held_mem;
	} steps[] = {
		/* From no verdict, only an alert is news; PSI not judged says nothing. */
		{ OOMW_SEV_WARNING,
		  OOMW_SEV_OK,
		  OOMW_SEV_CRITICAL,
		  false,
		  { OOMW_CHANGE_WORSE, OOMW_CHANGE_NONE, OOMW_CHANGE_NONE },
		  OOMW_SEV_WARNING },
		/* Unreadable: nothing, and the last verdict is kept... */
		{ OOMW_SEV_UNKNOWN,
		  OOMW_SEV_OK,
		  OOMW_SEV_OK,
		  true,
		  { OOMW_CHANGE_NONE, OOMW_CHANGE_NONE, OOMW_CHANGE_NONE },
		  OOMW_SEV_WARNING },
		/* ...so that the recovery after it is told. */
		{ OOMW_SEV_OK,
		  OOMW_SEV_CRITICAL,
		  OOMW_SEV_WARNING,
		  true,
		  { OOMW_CHANGE_RECOVERED, OOMW_CHANGE_WORSE, OOMW_CHANGE_WORSE },
		  OOMW_SEV_OK },
		{ OOMW_SEV_OK,
		  OOMW_SEV_WARNING,
		  OOMW_SEV_WARNING,
		  true,
		  { OOMW_CHANGE_NONE, OOMW_CHANGE_BETTER, OOMW_CHANGE_NONE },
		  OOMW_SEV_OK },
	};
	for (size_t i = 0; i < N(steps); i++) {
		struct oomw_verdict v =
			verdict(steps[i].mem, steps[i].swap, steps[i].psi_judged, steps[i].psi);
		oomw_held_update(&held, &v, ch);
		for (int g = 0; g < OOMW_HELD_GAUGES; g++)
			assert_int_equal(ch[g], steps[i].want[g]);
		assert_int_equal(held.mem, steps[i].held_mem);
	}
	assert_int_equal(held.swap, OOMW_SEV_WARNING);
	assert_int_equal(held.psi, OOMW_SEV_WARNING);
}

static struct oomw_problem problem(enum oomw_source src, const char *text)
{
	struct oomw_problem pr = { .source = src, .severity = OOMW_SEV_OK };
	strcpy(pr.text, text);
	return pr;
}

static void test_problem_log(void **state)
{
	(void)state;
	struct oomw_problem_log log = { 0 };
	struct oomw_problem_news news;
	static struct oomw_verdict v; /* large: not on the stack */
	v.n_problems = 2;
	v.problems[0] = problem(OOMW_SRC_KLOG, "kernel log: gone");
	v.problems[1] = problem(OOMW_SRC_PSI, "no PSI");
	oomw_problem_log_update(&log, &v, &news);
	assert_int_equal(news.n_appeared, 2);
	assert_int_equal(news.n_resolved, 0);
	assert_ptr_equal(news.appeared[1], &v.problems[1]);

	/* The same again: nothing. */
	oomw_problem_log_update(&log, &v, &news);
	assert_int_equal(news.n_appeared + news.n_resolved, 0);

	/* New words for the log, PSI back: one of each. */
	v.n_problems = 1;
	v.problems[0] = problem(OOMW_SRC_KLOG, "kernel log: unreadable");
	oomw_problem_log_update(&log, &v, &news);
	assert_int_equal(news.n_appeared, 1);
	assert_string_equal(news.appeared[0]->text, "kernel log: unreadable");
	assert_int_equal(news.n_resolved, 1);
	assert_string_equal(news.resolved[0].text, "no PSI");

	/* All fine: resolved in the words last logged. */
	v.n_problems = 0;
	oomw_problem_log_update(&log, &v, &news);
	assert_int_equal(news.n_appeared, 0);
	assert_int_equal(news.n_resolved, 1);
	assert_string_equal(news.resolved[0].text, "kernel log: unreadable");
	assert_int_equal(log.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_severity_track),       cmocka_unit_test(test_held_kept),
		cmocka_unit_test(test_news_tally),           cmocka_unit_test(test_held_changes),
		cmocka_unit_test(test_problem_log),          cmocka_unit_test(test_state_lost),
		cmocka_unit_test(test_source_text_and_cpct), cmocka_unit_test(test_held_cgroups),
		cmocka_unit_test(test_recent_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
