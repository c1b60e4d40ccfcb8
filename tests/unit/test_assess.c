/* SPDX-License-Identifier: MIT */
/* test_assess.c — the verdict layer, table-driven: struct literals in,
 * verdicts out, no I/O. Covers the severity order, the threshold grammar (and
 * the three divergences of issue 8: "10%" on MemAvailable, "10:" without unit,
 * the oom.group victim's cgroup), gauges with and without hysteresis for each
 * front end's parameters, kills in a window including kills of unknown time,
 * the first-start policy, the wording of source problems and the summary. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "assess.h"
#include "defaults.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define KIB 1024LL
#define MIB (1024 * KIB)
#define GIB (1024 * MIB)
#define USEC 1000000LL
#define HOUR (3600 * USEC)
/* Sun Nov 29 08:00:00 UTC 2026: a fixed "now" for every sample. */
#define NOW (1795939200LL * USEC)
/* The machine booted 30 days ago. */
#define BOOT (NOW - 30 * 24 * HOUR)

static const enum oomw_frontend frontends[] = {
	OOMW_FRONTEND_NAGIOS,
	OOMW_FRONTEND_COLLECTD,
	OOMW_FRONTEND_SNMP,
	OOMW_FRONTEND_PROMETHEUS,
};

/* ---- severity ---------------------------------------------------------- */

static void test_severity_order(void **state)
{
	(void)state;
	static const struct {
		enum oomw_severity a, b, worse;
	} cases[] = {
		{ OOMW_SEV_OK, OOMW_SEV_OK, OOMW_SEV_OK },
		{ OOMW_SEV_OK, OOMW_SEV_WARNING, OOMW_SEV_WARNING },
		{ OOMW_SEV_WARNING, OOMW_SEV_CRITICAL, OOMW_SEV_CRITICAL },
		{ OOMW_SEV_CRITICAL, OOMW_SEV_WARNING, OOMW_SEV_CRITICAL },
		/* Nagios (max_state_alt): UNKNOWN above OK, below a real alarm. */
		{ OOMW_SEV_OK, OOMW_SEV_UNKNOWN, OOMW_SEV_UNKNOWN },
		{ OOMW_SEV_UNKNOWN, OOMW_SEV_WARNING, OOMW_SEV_WARNING },
		{ OOMW_SEV_CRITICAL, OOMW_SEV_UNKNOWN, OOMW_SEV_CRITICAL },
	};
	for (size_t i = 0; i < N(cases); i++) {
		assert_int_equal(oomw_severity_worse(cases[i].a, cases[i].b), cases[i].worse);
		assert_int_equal(oomw_severity_worse(cases[i].b, cases[i].a), cases[i].worse);
	}
	assert_int_equal(OOMW_SEV_OK, 0); /* the Nagios exit codes */
	assert_int_equal(OOMW_SEV_WARNING, 1);
	assert_int_equal(OOMW_SEV_CRITICAL, 2);
	assert_int_equal(OOMW_SEV_UNKNOWN, 3);
	assert_string_equal(oomw_severity_name(OOMW_SEV_CRITICAL), "CRITICAL");
}

/* ---- thresholds --------------------------------------------------------- */

struct grammar_case {
	const char *text;
	enum oomw_metric metric;
	const char *why;          /* NULL: accepted; else the exact refusal */
	double bytes, pct, value; /* a gauge to judge with it */
	bool has_total;
	bool alert;
	const char *perf_pct, *perf_bytes; /* oomw_threshold_perf */
};

/* A text the parser must refuse with exactly this reason. */
#define REFUSED(text, metric, why)                                                                 \
	{                                                                                          \
		text, metric, why, 0, 0, 0, false, false, NULL, NULL                               \
	}
/* MemAvailable 1 GiB of 8 GiB = 12.5 %. */
#define MEM_1G_OF_8G (double)GIB, 12.5, 0, true
static const struct grammar_case grammar[] = {
	/* Issue 8: "--mem-warning 10%" warned at 98.6 % available. A bare value on a
	 * "higher is better" metric alerts below it, as check_swap and check_disk. */
	{ "10%", OOMW_METRIC_FREE, NULL, 7.9 * GIB, 98.6, 0, true, false, "10:", "" },
	{ "10%", OOMW_METRIC_FREE, NULL, MEM_1G_OF_8G, false, "10:", "" },
	{ "13%", OOMW_METRIC_FREE, NULL, MEM_1G_OF_8G, true, "13:", "" },
	{ "12.5%", OOMW_METRIC_FREE, NULL, MEM_1G_OF_8G, false, "12.5:", "" },
	{ "2G", OOMW_METRIC_FREE, NULL, MEM_1G_OF_8G, true, "", "2147483648:" },
	{ "512M", OOMW_METRIC_FREE, NULL, MEM_1G_OF_8G, false, "", "536870912:" },
	{ "1G", OOMW_METRIC_FREE, NULL, MEM_1G_OF_8G, false, "", "1073741824:" },
	/* An explicit Nagios range keeps its exact meaning. */
	{ "10%:", OOMW_METRIC_FREE, NULL, MEM_1G_OF_8G, false, "10:", "" },
	{ "~:10%", OOMW_METRIC_FREE, NULL, MEM_1G_OF_8G, true, "~:10", "" },
	{ "@0%:12.5%", OOMW_METRIC_FREE, NULL, MEM_1G_OF_8G, true, "@0:12.5", "" },
	{ "@12.5%", OOMW_METRIC_FREE, NULL, MEM_1G_OF_8G, true, "@12.5", "" },
	{ "1G:2G", OOMW_METRIC_FREE, NULL, MEM_1G_OF_8G, false, "", "1073741824:2147483648" },
	{ "1025M:", OOMW_METRIC_FREE, NULL, MEM_1G_OF_8G, true, "", "1074790400:" },
	/* Issue 8: the agent took "available_warning 10:" as 10 bytes. A size
	 * metric refuses a number without unit, with the fix in the message. */
	REFUSED("10:", OOMW_METRIC_FREE, "'10:' has no unit; write 10%: or 10M:"),
	REFUSED("10", OOMW_METRIC_FREE, "'10' has no unit; write 10% or 10M"),
	REFUSED("@5:10.5", OOMW_METRIC_FREE, "'@5:10.5' has no unit; write @5%:10.5% or @5M:10.5M"),
	REFUSED("90", OOMW_METRIC_USAGE, "'90' has no unit; write 90% or 90M"),
	{ "10%", OOMW_METRIC_FREE, NULL, 0, 9.99, 0, true, true, "10:", "" },
	REFUSED("abc", OOMW_METRIC_FREE, "malformed range 'abc': expected a number"),
	REFUSED("10:5", OOMW_METRIC_COUNT,
		"malformed range '10:5': the start of a range is greater than its end"),
	/* Higher is worse: a bare value is the Nagios upper bound. */
	{ "90%", OOMW_METRIC_USAGE, NULL, 95.0 * MIB, 95, 0, true, true, "90", "" },
	{ "90%", OOMW_METRIC_USAGE, NULL, 90.0 * MIB, 90, 0, true, false, "90", "" },
	{ "90%", OOMW_METRIC_USAGE, NULL, 95.0 * MIB, 0, 0, false, false, "90", "" }, /* no limit */
	{ "1G", OOMW_METRIC_USAGE, NULL, 2.0 * GIB, 0, 0, false, true, "", "1073741824" },
	{ "5", OOMW_METRIC_PRESSURE, NULL, 0, 5, 5, true, false, "5", "" },
	{ "5", OOMW_METRIC_PRESSURE, NULL, 0, 5.01, 5.01, true, true, "5", "" },
	{ "5%", OOMW_METRIC_PRESSURE, NULL, 0, 5.01, 5.01, true, true, "5", "" },
	{ "5:", OOMW_METRIC_PRESSURE, NULL, 0, 4, 4, true, true, "5:", "" },
	REFUSED("1G", OOMW_METRIC_PRESSURE, "range '1G': pressure is a percentage, not a size"),
	{ "0", OOMW_METRIC_COUNT, NULL, 0, 0, 1, false, true, "0", "" },
	{ "0", OOMW_METRIC_COUNT, NULL, 0, 0, 0, false, false, "0", "" },
	REFUSED("1%", OOMW_METRIC_COUNT, "range '1%': a count takes no unit"),
};

static void test_threshold_grammar(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(grammar); i++) {
		const struct grammar_case *c = &grammar[i];
		struct oomw_threshold t;
		char why[OOMW_THRESHOLD_WHY_MAX];
		int r = oomw_threshold_parse(c->text, c->metric, &t, why);
		if (c->why) {
			if (r != -EINVAL || strcmp(why, c->why) != 0)
				fail_msg("'%s': want refusal \"%s\", got %d \"%s\"", c->text,
					 c->why, r, why);
			assert_false(t.set);
			continue;
		}
		if (r != 0)
			fail_msg("'%s' refused: %s", c->text, why);
		assert_true(t.set);
		struct oomw_limits l = { .warning = t };
		struct oomw_gauge g = { .known = true,
					.value = c->value,
					.bytes = c->bytes,
					.pct = c->pct,
					.pct_known = c->has_total,
					.total_bytes = c->has_total ? 8.0 * GIB : 0 };
		enum oomw_severity want = c->alert ? OOMW_SEV_WARNING : OOMW_SEV_OK;
		if (oomw_judge(&l, &g) != want)
			fail_msg("'%s' (case %zu): want %s", c->text, i, oomw_severity_name(want));
		char perf[64];
		oomw_threshold_perf(&t, OOMW_PERF_PLAIN, perf, sizeof(perf));
		if (strcmp(perf, c->perf_pct) != 0)
			fail_msg("'%s': %% perfdata '%s', want '%s'", c->text, perf, c->perf_pct);
		oomw_threshold_perf(&t, OOMW_PERF_BYTES, perf, sizeof(perf));
		if (strcmp(perf, c->perf_bytes) != 0)
			fail_msg("'%s': bytes perfdata '%s', want '%s'", c->text, perf, c->perf_bytes);
	}
}

static void test_threshold_empty_is_off(void **state)
{
	(void)state;
	struct oomw_threshold t;
	char why[OOMW_THRESHOLD_WHY_MAX];
	assert_int_equal(oomw_threshold_parse("", OOMW_METRIC_FREE, &t, why), 0);
	assert_false(t.set);
	struct oomw_limits l = { .warning = t };
	struct oomw_gauge g = oomw_gauge_kib(0, 8 * MIB);
	assert_int_equal(oomw_judge(&l, &g), OOMW_SEV_OK);
	char perf[16] = "x";
	oomw_threshold_perf(&t, OOMW_PERF_PLAIN, perf, sizeof(perf));
	assert_string_equal(perf, "");
}

static void test_margin(void **state)
{
	(void)state;
	static const struct {
		const char *text, *why;
		double value;
		enum oomw_unit unit;
	} cases[] = {
		{ "1%", NULL, 1, OOMW_UNIT_PCT },
		{ "64M", NULL, 64.0 * MIB, OOMW_UNIT_BYTES },
		{ "1", "'1' has no unit; write 1% or 1M", 0, OOMW_UNIT_NONE },
		{ "1x", "'1x': unknown unit: use %, B, K, KiB, M, MiB, G, GiB, T or TiB", 0,
		  OOMW_UNIT_NONE },
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct oomw_margin m;
		char why[OOMW_THRESHOLD_WHY_MAX];
		int r = oomw_margin_parse(cases[i].text, &m, why);
		if (cases[i].why) {
			assert_int_equal(r, -EINVAL);
			assert_string_equal(why, cases[i].why);
			continue;
		}
		assert_int_equal(r, 0);
		assert_true(m.value == cases[i].value);
		assert_int_equal(m.unit, cases[i].unit);
	}
}

/* ---- gauges ------------------------------------------------------------- */

static void test_gauges(void **state)
{
	(void)state;
	struct oomw_gauge g = oomw_gauge_kib(1 * MIB, 8 * MIB);
	assert_true(g.known && g.pct_known);
	assert_true(g.bytes == (double)GIB && g.pct == 12.5 && g.total_bytes == 8.0 * GIB);
	g = oomw_gauge_kib(OOMW_UNKNOWN, 8 * MIB);
	assert_false(g.known);
	g = oomw_gauge_kib(5, 0); /* no total: bytes only */
	assert_true(g.known && !g.pct_known && g.bytes == 5 * 1024.0);
	g = oomw_gauge_bytes(3 * GIB, OOMW_UNLIMITED);
	assert_true(g.known && !g.pct_known);
	g = oomw_gauge_bytes(3 * GIB, 4 * GIB);
	assert_true(g.pct_known && g.pct == 75);
	g = oomw_gauge_pct(7.5);
	assert_true(g.known && g.pct == 7.5 && g.value == 7.5);

	struct oomw_assess_params p;
	oomw_assess_params_default(&p, OOMW_FRONTEND_NAGIOS);
	g = oomw_gauge_kib(OOMW_UNKNOWN, 8 * MIB);
	assert_int_equal(oomw_judge(&p.mem_available, &g), OOMW_SEV_UNKNOWN);
}

/* Hysteresis on MemAvailable with the defaults (warning 10 %, critical 5 %,
 * margin 1 % of the total): worse at once, better once past threshold + 1 %. */
static void test_hysteresis(void **state)
{
	(void)state;
	static const struct {
		enum oomw_severity prev;
		double pct;
		enum oomw_severity want;
	} cases[] = {
		{ OOMW_SEV_UNKNOWN, 9.5, OOMW_SEV_WARNING }, /* no earlier verdict */
		{ OOMW_SEV_OK, 9.5, OOMW_SEV_WARNING },
		{ OOMW_SEV_OK, 4.0, OOMW_SEV_CRITICAL },
		{ OOMW_SEV_WARNING, 10.5, OOMW_SEV_WARNING }, /* hovering: held */
		{ OOMW_SEV_WARNING, 10.9, OOMW_SEV_WARNING },
		{ OOMW_SEV_WARNING, 11.5, OOMW_SEV_OK },
		{ OOMW_SEV_WARNING, 50.0, OOMW_SEV_OK },
		{ OOMW_SEV_CRITICAL, 5.5, OOMW_SEV_CRITICAL },
		{ OOMW_SEV_CRITICAL, 6.5, OOMW_SEV_WARNING },  /* past 5+1, below 10 */
		{ OOMW_SEV_CRITICAL, 10.5, OOMW_SEV_WARNING }, /* past 5+1, within 10+1 */
		{ OOMW_SEV_CRITICAL, 12.0, OOMW_SEV_OK },
		{ OOMW_SEV_WARNING, 4.0, OOMW_SEV_CRITICAL },
	};
	struct oomw_assess_params p;
	oomw_assess_params_default(&p, OOMW_FRONTEND_COLLECTD);
	for (size_t i = 0; i < N(cases); i++) {
		int64_t total_kib = 100 * MIB;
		struct oomw_gauge g = oomw_gauge_kib((int64_t)(cases[i].pct * (double)MIB), total_kib);
		enum oomw_severity got =
			oomw_judge_held(&p.mem_available, &g, &p.hysteresis, cases[i].prev);
		if (got != cases[i].want)
			fail_msg("case %zu: prev %s at %.2f%%: got %s, want %s", i,
				 oomw_severity_name(cases[i].prev), cases[i].pct,
				 oomw_severity_name(got), oomw_severity_name(cases[i].want));
	}
	/* An unknown value keeps the last verdict. */
	struct oomw_gauge unknown = oomw_gauge_kib(OOMW_UNKNOWN, 100);
	assert_int_equal(oomw_judge_held(&p.mem_available, &unknown, &p.hysteresis, OOMW_SEV_WARNING),
			 OOMW_SEV_WARNING);
	/* A size margin on a % threshold, and a % margin on a size threshold. */
	struct oomw_limits l;
	char why[OOMW_THRESHOLD_WHY_MAX];
	struct oomw_margin m;
	memset(&l, 0, sizeof(l));
	assert_int_equal(oomw_threshold_parse("1G", OOMW_METRIC_FREE, &l.warning, why), 0);
	assert_int_equal(oomw_margin_parse("10%", &m, why), 0); /* of 8 GiB: 819.2 MiB */
	struct oomw_gauge g = oomw_gauge_kib(1900 * KIB, 8 * MIB);
	assert_int_equal(oomw_judge_held(&l, &g, &m, OOMW_SEV_WARNING), OOMW_SEV_OK);
	g = oomw_gauge_kib(1800 * KIB, 8 * MIB);
	assert_int_equal(oomw_judge_held(&l, &g, &m, OOMW_SEV_WARNING), OOMW_SEV_WARNING);
}

/* collectd notified CRITICAL -> WARNING, the agent did not: one rule now. */
static void test_severity_change(void **state)
{
	(void)state;
	static const struct {
		enum oomw_severity prev, now;
		enum oomw_change change;
	} cases[] = {
		{ OOMW_SEV_UNKNOWN, OOMW_SEV_OK, OOMW_CHANGE_NONE }, /* starting fine is no news */
		{ OOMW_SEV_UNKNOWN, OOMW_SEV_WARNING, OOMW_CHANGE_WORSE },
		{ OOMW_SEV_UNKNOWN, OOMW_SEV_CRITICAL, OOMW_CHANGE_WORSE },
		{ OOMW_SEV_OK, OOMW_SEV_OK, OOMW_CHANGE_NONE },
		{ OOMW_SEV_OK, OOMW_SEV_WARNING, OOMW_CHANGE_WORSE },
		{ OOMW_SEV_OK, OOMW_SEV_CRITICAL, OOMW_CHANGE_WORSE },
		{ OOMW_SEV_WARNING, OOMW_SEV_CRITICAL, OOMW_CHANGE_WORSE },
		{ OOMW_SEV_CRITICAL, OOMW_SEV_WARNING, OOMW_CHANGE_BETTER },
		{ OOMW_SEV_CRITICAL, OOMW_SEV_OK, OOMW_CHANGE_RECOVERED },
		{ OOMW_SEV_WARNING, OOMW_SEV_OK, OOMW_CHANGE_RECOVERED },
		{ OOMW_SEV_WARNING, OOMW_SEV_UNKNOWN, OOMW_CHANGE_NONE }, /* unreadable: keep */
		{ OOMW_SEV_WARNING, OOMW_SEV_WARNING, OOMW_CHANGE_NONE },
	};
	for (size_t i = 0; i < N(cases); i++)
		if (oomw_severity_change(cases[i].prev, cases[i].now) != cases[i].change)
			fail_msg("%s -> %s: want change %d", oomw_severity_name(cases[i].prev),
				 oomw_severity_name(cases[i].now), cases[i].change);
}

/* The agent had no hysteresis: memory hovering at a threshold sent a trap at
 * every refresh. With each front end's parameters, a value that hovers at
 * the threshold changes the verdict once where the front end holds it. */
static void test_hovering_per_frontend(void **state)
{
	(void)state;
	static const double hover_pct[] = { 9.9, 10.2, 9.8, 10.4, 9.95, 10.3 };
	for (size_t f = 0; f < N(frontends); f++) {
		struct oomw_assess_params p;
		oomw_assess_params_default(&p, frontends[f]);
		struct oomw_held held = { OOMW_SEV_UNKNOWN, OOMW_SEV_UNKNOWN, OOMW_SEV_UNKNOWN };
		struct oomw_paths paths = { .proc = "/proc", .sys = "/sys", .kmsg = "/dev/kmsg" };
		size_t changes = 0;
		enum oomw_severity last = OOMW_SEV_OK;
		for (size_t i = 0; i < N(hover_pct); i++) {
			struct oomw_snapshot s = { .wall_usec = NOW, .oom_kill_total = 0 };
			s.mem.mem_total_kib = 100 * MIB;
			s.mem.mem_available_kib = (int64_t)(hover_pct[i] * (double)MIB);
			s.mem.swap_total_kib = 0;
			s.psi_err = -ENOENT;
			struct oomw_assess_input in = { .snap = &s, .paths = &paths, .prev = &held };
			static struct oomw_verdict v;
			oomw_assess(&in, &p, &v);
			held.mem = v.mem_severity;
			if (v.mem_severity != last)
				changes++;
			last = v.mem_severity;
		}
		size_t want = frontends[f] == OOMW_FRONTEND_NAGIOS ? N(hover_pct) : 1;
		if (changes != want)
			fail_msg("front end %d: %zu verdict changes, want %zu", frontends[f],
				 changes, want);
	}
}

/* ---- kills -------------------------------------------------------------- */

/* Events as the monitor hands them over, as struct literals. */
#define KILL_UNKNOWN_SIZES                                                                         \
	.uid = OOMW_UNKNOWN, .total_vm_kib = OOMW_UNKNOWN, .pgtables_kib = OOMW_UNKNOWN,           \
	.oom_score_adj = OOMW_UNKNOWN, .mono_usec = OOMW_UNKNOWN
/* Named by the log: pid 1000 + index, 16.8 MiB. */
#define NAMED(i, when, comm_, task, oom)                                                           \
	{                                                                                          \
		.index = (i), .has_details = true, .wall_usec = (when), .kill = {                  \
			KILL_UNKNOWN_SIZES,                                                        \
			.pid = 1000 + (i),                                                         \
			.comm = comm_,                                                             \
			.comm_len = sizeof(comm_) - 1,                                             \
			.anon_rss_kib = 16 * KIB,                                                  \
			.file_rss_kib = 800,                                                       \
			.shmem_rss_kib = 0,                                                        \
			.scope = OOMW_SCOPE_MEMCG,                                                 \
			.task_memcg = task,                                                        \
			.oom_memcg = oom,                                                          \
			.wall_usec = (when)                                                        \
		}                                                                                  \
	}
#define KILL_ALL_UNKNOWN                                                                           \
	KILL_UNKNOWN_SIZES, .pid = OOMW_UNKNOWN, .anon_rss_kib = OOMW_UNKNOWN,                     \
			    .file_rss_kib = OOMW_UNKNOWN, .shmem_rss_kib = OOMW_UNKNOWN
/* Counted by /proc/vmstat only, noticed at `noticed`. */
#define COUNTED(i, noticed)                                                                        \
	{                                                                                          \
		.index = (i), .wall_usec = (noticed), .kill = {                                    \
			KILL_ALL_UNKNOWN,                                                          \
			.wall_usec = (noticed)                                                     \
		}                                                                                  \
	}
/* As the monitor records a kill the counter proves at a fresh baseline:
 * dated at boot; kill.wall_usec the time it was first noticed (or the boot). */
#define BACKLOG(i, noticed)                                                                        \
	{                                                                                          \
		.index = (i), .backlog = true, .wall_usec = BOOT, .kill = {                        \
			KILL_ALL_UNKNOWN,                                                          \
			.wall_usec = (noticed)                                                     \
		}                                                                                  \
	}

static void test_victim_cgroup_and_rss(void **state)
{
	(void)state;
	/* Issue 8: memory.oom.group victims after the first have no task_memcg;
	 * every front end falls back to the OOM memcg. */
	struct oomw_event first = (struct oomw_event)NAMED(1, NOW, "a", "/pod/a", "/pod");
	struct oomw_event second = (struct oomw_event)NAMED(2, NOW, "b", "", "/pod");
	struct oomw_event none = (struct oomw_event)NAMED(3, NOW, "c", "", "");
	assert_string_equal(oomw_kill_cgroup(&first.kill), "/pod/a");
	assert_string_equal(oomw_kill_cgroup(&second.kill), "/pod");
	assert_string_equal(oomw_kill_cgroup(&none.kill), "");
	assert_true(oomw_kill_in_cgroup(&second.kill, "/pod"));
	assert_true(oomw_kill_in_cgroup(&second.kill, "/"));
	assert_false(oomw_kill_in_cgroup(&second.kill, "/po"));
	assert_true(oomw_kill_in_cgroup(&first.kill, "/pod"));
	assert_false(oomw_kill_in_cgroup(&none.kill, "/"));

	static const struct {
		int64_t anon, file, shmem, want;
	} rss[] = {
		{ 100, 20, 3, 123 },
		{ 100, 20, OOMW_UNKNOWN, 120 }, /* kernels < 4.5 print no shmem-rss */
		{ OOMW_UNKNOWN, 20, 3, OOMW_UNKNOWN },
		{ 100, OOMW_UNKNOWN, 3, OOMW_UNKNOWN },
	};
	for (size_t i = 0; i < N(rss); i++) {
		struct oomw_kill k;
		oomw_kill_init(&k);
		k.anon_rss_kib = rss[i].anon;
		k.file_rss_kib = rss[i].file;
		k.shmem_rss_kib = rss[i].shmem;
		assert_int_equal(oomw_kill_rss_kib(&k), rss[i].want);
	}
}

struct window_case {
	const char *what;
	struct oomw_event events[4];
	size_t n_events, n_new;
	int64_t window_sec;
	int klog_err;
	bool kills_off; /* -c '' (no kill threshold at all) */
	size_t n_dated, n_backlog;
	enum oomw_severity severity;
	const char *summary; /* exact */
};

static const struct window_case windows[] = {
	{ "a named kill an hour ago",
	  { NAMED(1, NOW - HOUR, "mysqld", "/system.slice/mysql.service", "") },
	  1,
	  0,
	  86400,
	  0,
	  false,
	  1,
	  0,
	  OOMW_SEV_CRITICAL,
	  "1 OOM kill in last 24h: mysqld (pid 1001, 16.8 MiB, /system.slice/mysql.service) at "
	  "2026-11-29 07:00:00 UTC" },
	{ "a named kill two days ago",
	  { NAMED(1, NOW - 48 * HOUR, "x", "/a", "") },
	  1,
	  0,
	  86400,
	  0,
	  false,
	  0,
	  0,
	  OOMW_SEV_OK,
	  "no OOM kill in last 24h, 50.0% memory available" },
	{ "the same kill with a window of 3d",
	  { NAMED(1, NOW - 48 * HOUR, "x", "/a", "") },
	  1,
	  0,
	  3 * 86400,
	  0,
	  false,
	  1,
	  0,
	  OOMW_SEV_CRITICAL,
	  "1 OOM kill in last 3d: x (pid 1001, 16.8 MiB, /a) at 2026-11-27 08:00:00 UTC" },
	{ "kill_window 0: kills never alert",
	  { NAMED(1, NOW, "x", "/a", "") },
	  1,
	  1,
	  0,
	  0,
	  false,
	  0,
	  0,
	  OOMW_SEV_OK,
	  "OOM kills not judged (kill window 0), 50.0% memory available" },
	{ "a kill only the counter saw, noticed now",
	  { COUNTED(1, NOW) },
	  1,
	  1,
	  86400,
	  -EPERM,
	  false,
	  1,
	  0,
	  OOMW_SEV_CRITICAL,
	  "1 OOM kill in last 24h: victim unknown (kernel log unreadable), noticed 2026-11-29 08:00:00 UTC" },
	/* Issue 8: a lost state file, the log unreadable: the counter proves a
	 * kill nothing can date. Never OK on the run that first sees it. */
	{ "lost state: a kill of unknown time, new",
	  { BACKLOG(1, BOOT) },
	  1,
	  1,
	  86400,
	  -EPERM,
	  false,
	  0,
	  1,
	  OOMW_SEV_WARNING,
	  "1 OOM kill at an unknown time since boot, first noticed 2026-11-29 08:00:00 UTC" },
	{ "-c '': kills of unknown time are shown, not alerted",
	  { BACKLOG(1, BOOT) },
	  1,
	  1,
	  86400,
	  -EPERM,
	  true,
	  0,
	  1,
	  OOMW_SEV_OK,
	  "1 OOM kill at an unknown time since boot, first noticed 2026-11-29 08:00:00 UTC, 50.0% memory available" },
	{ "two of them",
	  { BACKLOG(1, BOOT), BACKLOG(2, BOOT) },
	  2,
	  2,
	  86400,
	  -EPERM,
	  false,
	  0,
	  2,
	  OOMW_SEV_WARNING,
	  "2 OOM kills at an unknown time since boot, first noticed 2026-11-29 08:00:00 UTC" },
	{ "noticed 23h ago: still within one window",
	  { BACKLOG(1, NOW - 23 * HOUR) },
	  1,
	  0,
	  86400,
	  -EPERM,
	  false,
	  0,
	  1,
	  OOMW_SEV_WARNING,
	  "1 OOM kill at an unknown time since boot, first noticed 2026-11-28 09:00:00 UTC" },
	{ "noticed 25h ago: aged out",
	  { BACKLOG(1, NOW - 25 * HOUR) },
	  1,
	  0,
	  86400,
	  -EPERM,
	  false,
	  0,
	  0,
	  OOMW_SEV_OK,
	  "no OOM kill in last 24h, 50.0% memory available" },
	{ "not new, noticed time not recorded (at boot 30 days ago)",
	  { BACKLOG(1, BOOT) },
	  1,
	  0,
	  86400,
	  -EPERM,
	  false,
	  0,
	  0,
	  OOMW_SEV_OK,
	  "no OOM kill in last 24h, 50.0% memory available" },
	{ "a dated kill and kills of unknown time",
	  { BACKLOG(1, BOOT), NAMED(2, NOW - HOUR, "java", "/k", "") },
	  2,
	  2,
	  86400,
	  0,
	  false,
	  1,
	  1,
	  OOMW_SEV_CRITICAL,
	  "1 OOM kill in last 24h: java (pid 1002, 16.8 MiB, /k) at 2026-11-29 07:00:00 UTC; "
	  "1 OOM kill at an unknown time since boot, first noticed 2026-11-29 08:00:00 UTC" },
	{ "an oom.group kill: one event for the reader",
	  { NAMED(1, NOW - HOUR, "a", "/pod/a", "/pod"), NAMED(2, NOW - HOUR, "b", "", "/pod"),
	    NAMED(3, NOW - HOUR, "c", "", "/pod") },
	  3,
	  0,
	  86400,
	  0,
	  false,
	  3,
	  0,
	  OOMW_SEV_CRITICAL,
	  "3 OOM kills in last 24h, latest c (pid 1003, 16.8 MiB, /pod) at 2026-11-29 07:00:00 UTC "
	  "(+2 killed with it)" },
	{ "a name with '|' cannot forge perfdata",
	  { NAMED(1, NOW, "a|b\n", "/x|y", "") },
	  1,
	  1,
	  86400,
	  0,
	  false,
	  1,
	  0,
	  OOMW_SEV_CRITICAL,
	  "1 OOM kill in last 24h: a\\x7cb\\x0a (pid 1001, 16.8 MiB, /x\\x7cy) at 2026-11-29 08:00:00 UTC" },
};

static void run_window_case(const struct window_case *c, enum oomw_frontend fe)
{
	struct oomw_assess_params p;
	oomw_assess_params_default(&p, fe);
	p.window_sec = c->window_sec;
	if (c->kills_off)
		p.kills.critical.set = false;
	struct oomw_paths paths = { .proc = "/proc", .sys = "/sys", .kmsg = "/dev/kmsg" };
	struct oomw_snapshot s = { .wall_usec = NOW,
				   .oom_kill_total = (int64_t)c->n_events,
				   .klog_err = c->klog_err,
				   .psi_err = -ENOENT };
	s.mem.mem_total_kib = 8 * MIB;
	s.mem.mem_available_kib = 4 * MIB;
	struct oomw_assess_input in = {
		.snap = &s, .events = c->events, .n_events = c->n_events, .n_new = c->n_new, .paths = &paths
	};
	static struct oomw_verdict v;
	oomw_assess(&in, &p, &v);
	char summary[1024];
	oomw_verdict_summary(&v, summary, sizeof(summary));
	if (v.kills.n_dated != c->n_dated || v.kills.n_backlog != c->n_backlog ||
	    v.severity != c->severity || strcmp(summary, c->summary) != 0)
		fail_msg("%s (front end %d): dated %zu backlog %zu %s \"%s\"; want %zu %zu %s \"%s\"",
			 c->what, fe, v.kills.n_dated, v.kills.n_backlog,
			 oomw_severity_name(v.severity), summary, c->n_dated, c->n_backlog,
			 oomw_severity_name(c->severity), c->summary);
}

static void test_kills_in_window(void **state)
{
	(void)state;
	for (size_t f = 0; f < N(frontends); f++)
		for (size_t i = 0; i < N(windows); i++)
			run_window_case(&windows[i], frontends[f]);
}

/* The ring is full and its oldest kill is in the window: "256+". */
static void test_ring_full(void **state)
{
	(void)state;
	static struct oomw_event ring[OOMW_STATE_EVENTS_MAX];
	for (size_t i = 0; i < OOMW_STATE_EVENTS_MAX; i++)
		ring[i] = (struct oomw_event)NAMED(i + 11, NOW - HOUR, "x", "/a", "");
	struct oomw_assess_params p;
	oomw_assess_params_default(&p, OOMW_FRONTEND_NAGIOS);
	struct oomw_paths paths = { .proc = "/proc", .sys = "/sys", .kmsg = "/dev/kmsg" };
	struct oomw_snapshot s = { .wall_usec = NOW, .oom_kill_total = 266 };
	struct oomw_assess_input in = {
		.snap = &s, .events = ring, .n_events = OOMW_STATE_EVENTS_MAX, .paths = &paths
	};
	static struct oomw_verdict v;
	oomw_assess(&in, &p, &v);
	assert_true(v.kills.more_possible);
	assert_non_null(strstr(v.parts[0].text, "256+ OOM kills in last 24h"));
}

/* The first-start policy, the same for every front end: kills in the window
 * are news, older ones history, kills of unknown time are news (summed up). */
static void test_first_start(void **state)
{
	(void)state;
	struct oomw_event recent = (struct oomw_event)NAMED(1, NOW - HOUR, "a", "/a", "");
	struct oomw_event old = (struct oomw_event)NAMED(2, NOW - 48 * HOUR, "b", "/b", "");
	struct oomw_event unknown = (struct oomw_event)BACKLOG(3, BOOT);
	static const struct {
		bool first_sample;
		enum oomw_first_start policy;
		enum oomw_news recent, old, unknown;
	} cases[] = {
		{ false, OOMW_FIRST_START_WINDOW, OOMW_NEWS_KILL, OOMW_NEWS_KILL, OOMW_NEWS_BACKLOG },
		{ true, OOMW_FIRST_START_WINDOW, OOMW_NEWS_KILL, OOMW_NEWS_HISTORY, OOMW_NEWS_BACKLOG },
		{ true, OOMW_FIRST_START_ALL, OOMW_NEWS_KILL, OOMW_NEWS_KILL, OOMW_NEWS_BACKLOG },
		{ true, OOMW_FIRST_START_NONE, OOMW_NEWS_HISTORY, OOMW_NEWS_HISTORY, OOMW_NEWS_HISTORY },
	};
	for (size_t f = 0; f < N(frontends); f++) {
		struct oomw_assess_params p;
		oomw_assess_params_default(&p, frontends[f]);
		assert_int_equal(p.first_start, OOMW_FIRST_START_WINDOW); /* one policy */
		for (size_t i = 0; i < N(cases); i++) {
			struct oomw_snapshot s = { .wall_usec = NOW,
						   .first_sample = cases[i].first_sample };
			p.first_start = cases[i].policy;
			assert_int_equal(oomw_event_news(&recent, &s, &p), cases[i].recent);
			assert_int_equal(oomw_event_news(&old, &s, &p), cases[i].old);
			assert_int_equal(oomw_event_news(&unknown, &s, &p), cases[i].unknown);
		}
	}
}

/* One set of defaults: every front end starts from the same thresholds. */
static void test_defaults(void **state)
{
	(void)state;
	for (size_t f = 0; f < N(frontends); f++) {
		struct oomw_assess_params p;
		oomw_assess_params_default(&p, frontends[f]);
		assert_int_equal(p.window_sec, 86400);
		assert_true(p.kills.critical.set && !p.kills.warning.set);
		assert_string_equal(p.mem_available.warning.range.text, OOMW_DEFAULT_MEM_WARNING ":");
		assert_string_equal(p.mem_available.critical.range.text, OOMW_DEFAULT_MEM_CRITICAL ":");
		assert_string_equal(p.swap_free.warning.range.text, OOMW_DEFAULT_SWAP_WARNING ":");
		assert_string_equal(p.swap_free.critical.range.text, OOMW_DEFAULT_SWAP_CRITICAL ":");
		assert_int_equal(p.psi_line, OOMW_PSI_FULL);
		assert_int_equal(p.psi_avg_sec, 60);
		assert_string_equal(p.psi.warning.range.text, OOMW_DEFAULT_PSI_WARNING);
		assert_string_equal(p.psi.critical.range.text, OOMW_DEFAULT_PSI_CRITICAL);
		assert_string_equal(p.cgroup_usage.warning.range.text, OOMW_DEFAULT_CGROUP_WARNING);
		assert_int_equal(p.backlog, OOMW_SEV_WARNING);
		assert_true(p.hysteresis.unit == OOMW_UNIT_PCT && p.hysteresis.value == 1);
		assert_int_equal(p.hold, frontends[f] != OOMW_FRONTEND_NAGIOS);
	}
}

/* ---- memory, swap, PSI, cgroups ----------------------------------------- */

struct gauge_case {
	const char *what;
	int64_t avail_kib, swap_total_kib, swap_free_kib;
	bool full_known;
	int64_t full_avg60_cpct;
	enum oomw_severity severity;
	const char *summary;
};

static const struct gauge_case gauges[] = {
	{ "all fine", 6 * MIB, 0, 0, true, 0, OOMW_SEV_OK,
	  "no OOM kill in last 24h, 75.0% memory available" },
	{ "memory low", 655 * KIB, 0, 0, true, 0, OOMW_SEV_WARNING,
	  "memory available 8.0% (655.0 MiB of 8.0 GiB)" },
	{ "memory very low", 300 * KIB, 0, 0, true, 0, OOMW_SEV_CRITICAL,
	  "memory available 3.7% (300.0 MiB of 8.0 GiB)" },
	{ "swap low", 6 * MIB, 1 * MIB, 100 * KIB, true, 0, OOMW_SEV_CRITICAL,
	  "swap free 9.8% (100.0 MiB of 1.0 GiB)" },
	{ "no swap is OK", 6 * MIB, 0, 0, true, 0, OOMW_SEV_OK,
	  "no OOM kill in last 24h, 75.0% memory available" },
	{ "pressure", 6 * MIB, 0, 0, true, 700, OOMW_SEV_WARNING, "memory pressure full avg60 7.00%" },
	{ "no full line: not judged", 6 * MIB, 0, 0, false, 0, OOMW_SEV_OK,
	  "no OOM kill in last 24h, 75.0% memory available" },
};

static void test_memory_swap_psi(void **state)
{
	(void)state;
	struct oomw_paths paths = { .proc = "/proc", .sys = "/sys", .kmsg = "/dev/kmsg" };
	for (size_t f = 0; f < N(frontends); f++)
		for (size_t i = 0; i < N(gauges); i++) {
			const struct gauge_case *c = &gauges[i];
			struct oomw_assess_params p;
			oomw_assess_params_default(&p, frontends[f]);
			struct oomw_snapshot s = { .wall_usec = NOW, .oom_kill_total = 0 };
			s.mem.mem_total_kib = 8 * MIB;
			s.mem.mem_available_kib = c->avail_kib;
			s.mem.swap_total_kib = c->swap_total_kib;
			s.mem.swap_free_kib = c->swap_free_kib;
			s.psi.some.known = true;
			s.psi.full.known = c->full_known;
			s.psi.full.avg60_cpct = c->full_avg60_cpct;
			struct oomw_assess_input in = { .snap = &s, .paths = &paths };
			static struct oomw_verdict v;
			oomw_assess(&in, &p, &v);
			char summary[512];
			oomw_verdict_summary(&v, summary, sizeof(summary));
			if (v.severity != c->severity || strcmp(summary, c->summary) != 0)
				fail_msg("%s: %s \"%s\", want %s \"%s\"", c->what,
					 oomw_severity_name(v.severity), summary,
					 oomw_severity_name(c->severity), c->summary);
		}
}

static void test_cgroups(void **state)
{
	(void)state;
	struct oomw_paths paths = { .proc = "/proc", .sys = "/sys", .kmsg = "/dev/kmsg" };
	struct oomw_assess_params p;
	oomw_assess_params_default(&p, OOMW_FRONTEND_NAGIOS);
	static struct oomw_snapshot s;
	memset(&s, 0, sizeof(s));
	s.wall_usec = NOW;
	s.mem.mem_total_kib = 8 * MIB;
	s.mem.mem_available_kib = 6 * MIB;
	s.n_cgroups = 3;
	static const struct {
		const char *path;
		int64_t usage, limit;
	} cg[] = {
		{ "/pod", 95 * MIB, 100 * MIB },
		{ "/free", 5 * GIB, OOMW_UNLIMITED },
		{ "/gone", OOMW_UNKNOWN, OOMW_UNKNOWN },
	};
	for (size_t i = 0; i < N(cg); i++) {
		snprintf(s.cgroups[i].stats.path, sizeof(s.cgroups[i].stats.path), "%s", cg[i].path);
		s.cgroups[i].stats.usage_bytes = cg[i].usage;
		s.cgroups[i].stats.limit_bytes = cg[i].limit;
	}
	struct oomw_event ev[] = { NAMED(1, NOW - HOUR, "b", "", "/pod"),
				   NAMED(2, NOW - 48 * HOUR, "c", "/pod/x", "/pod") };
	struct oomw_assess_input in = {
		.snap = &s, .events = ev, .n_events = 2, .paths = &paths, .cgroups_asked = true
	};
	static struct oomw_verdict v;
	oomw_assess(&in, &p, &v);
	assert_int_equal(v.n_cgroups, 3);
	assert_int_equal(v.cgroups[0].severity, OOMW_SEV_WARNING);
	assert_int_equal(v.cgroups[0].n_named_window, 1); /* the oom.group victim counts in /pod */
	assert_int_equal(v.cgroups[1].severity, OOMW_SEV_OK); /* 90% of no limit: not judged */
	assert_false(v.cgroups[1].usage.pct_known);
	assert_false(v.cgroups[2].usage.known);
	assert_ptr_equal(v.worst_cgroup, &v.cgroups[0]);
	char summary[512];
	oomw_verdict_summary(&v, summary, sizeof(summary));
	assert_string_equal(summary,
			    "1 OOM kill in last 24h: b (pid 1001, 16.8 MiB, /pod) at "
			    "2026-11-29 07:00:00 UTC; cgroup /pod uses 95.0 MiB (95.0% of its limit)");
}

/* Before the kill: limit hits since the last sample make a WARNING naming the
 * likeliest victim in the cgroup; none since, and it clears. */
static void test_cgroup_held(void **state)
{
	(void)state;
	struct oomw_paths paths = { .proc = "/proc", .sys = "/sys", .kmsg = "/dev/kmsg" };
	struct oomw_assess_params p;
	oomw_assess_params_default(&p, OOMW_FRONTEND_NAGIOS);
	static struct oomw_snapshot s;
	memset(&s, 0, sizeof(s));
	s.wall_usec = NOW;
	s.mem.mem_total_kib = 8 * MIB;
	s.mem.mem_available_kib = 6 * MIB;
	s.n_cgroups = 1;
	snprintf(s.cgroups[0].stats.path, sizeof(s.cgroups[0].stats.path), "/pod");
	s.cgroups[0].stats.usage_bytes = 50 * MIB;
	s.cgroups[0].stats.limit_bytes = 100 * MIB;
	s.cgroups[0].stats.pressure_some_avg10_cpct = 320;
	s.cgroups[0].limit_hits_delta = 12;
	s.n_candidates = 3;
	s.candidates[0] = (struct oomw_candidate){
		.pid = 50, .comm = "elsewhere", .comm_len = 9, .rss_kib = 900000, .memcg = "/podx"
	};
	s.candidates[1] = (struct oomw_candidate){
		.pid = 3882, .comm = "python3", .comm_len = 7, .rss_kib = 61542, .memcg = "/pod/c"
	};
	s.candidates[2] = (struct oomw_candidate){
		.pid = 7, .comm = "small", .comm_len = 5, .rss_kib = 100, .memcg = "/pod"
	};
	struct oomw_assess_input in = { .snap = &s, .paths = &paths, .cgroups_asked = true };
	static struct oomw_verdict v;
	oomw_assess(&in, &p, &v);
	assert_int_equal(v.severity, OOMW_SEV_WARNING);
	assert_true(v.cgroups[0].held);
	assert_ptr_equal(v.cgroups[0].likeliest, &s.candidates[1]);
	char summary[512];
	oomw_verdict_summary(&v, summary, sizeof(summary));
	assert_string_equal(summary,
			    "cgroup /pod held at its limit: 12 limit hits since the last sample, "
			    "memory pressure 3.20%; likeliest victim python3 (pid 3882, 60.1 MiB)");
	s.cgroups[0].stats.pressure_some_avg10_cpct = OOMW_UNKNOWN; /* v1: no pressure file */
	s.n_candidates = 0;
	oomw_assess(&in, &p, &v);
	oomw_verdict_summary(&v, summary, sizeof(summary));
	assert_string_equal(summary,
			    "cgroup /pod held at its limit: 12 limit hits since the last sample");
	s.cgroups[0].limit_hits_delta = 0;
	oomw_assess(&in, &p, &v);
	assert_int_equal(v.severity, OOMW_SEV_OK);
	assert_false(v.cgroups[0].held);
	s.cgroups[0].limit_hits_delta = OOMW_UNKNOWN; /* first sample: no baseline */
	oomw_assess(&in, &p, &v);
	assert_int_equal(v.severity, OOMW_SEV_OK);
	/* v1, OOM killer disabled: tasks wait at the limit. Held from the first
	 * sample on, whether or not a counter moved. */
	s.cgroups[0].stats.version = 1;
	s.cgroups[0].stats.under_oom = 1;
	s.n_candidates = 3;
	oomw_assess(&in, &p, &v);
	assert_int_equal(v.severity, OOMW_SEV_WARNING);
	assert_true(v.cgroups[0].held);
	oomw_verdict_summary(&v, summary, sizeof(summary));
	assert_string_equal(summary, "cgroup /pod held at its limit: tasks wait for memory "
				     "(under_oom); likeliest victim python3 (pid 3882, 60.1 MiB)");
	s.cgroups[0].limit_hits_delta = 1;
	oomw_assess(&in, &p, &v);
	oomw_verdict_summary(&v, summary, sizeof(summary));
	assert_string_equal(summary,
			    "cgroup /pod held at its limit: tasks wait for memory (under_oom), 1 "
			    "limit hits since the last sample; likeliest victim python3 (pid 3882, "
			    "60.1 MiB)");
	s.cgroups[0].limit_hits_delta = 0;
	s.cgroups[0].stats.under_oom = 0; /* the waiter was killed: released */
	oomw_assess(&in, &p, &v);
	assert_int_equal(v.severity, OOMW_SEV_OK);
	assert_false(v.cgroups[0].held);
}

/* ---- source problems ---------------------------------------------------- */

struct problem_case {
	const char *what;
	const char *kmsg;
	struct oomw_snapshot snap;
	bool cgroups_asked;
	int save_err;
	enum oomw_source source;
	enum oomw_severity severity;
	const char *text; /* exact */
};

#define MEM_OK .mem = { .mem_total_kib = 8 * MIB, .mem_available_kib = 6 * MIB }

static const struct problem_case problems[] = {
	{ "log closed by dmesg_restrict",
	  "/dev/kmsg",
	  { MEM_OK, .klog_err = -EPERM },
	  false,
	  0,
	  OOMW_SRC_KLOG,
	  OOMW_SEV_OK,
	  "victim details need CAP_SYSLOG: /dev/kmsg is not readable by this user "
	  "(kernel.dmesg_restrict=1); kills are still counted from /proc/vmstat. "
	  "Fix: grant CAP_SYSLOG (setcap cap_syslog=ep on check_oom, "
	  "AmbientCapabilities=CAP_SYSLOG in a unit; the Debian packages do)" },
	{ "log not asked for",
	  "none",
	  { MEM_OK },
	  false,
	  0,
	  OOMW_SRC_KLOG,
	  OOMW_SEV_OK,
	  "kernel log not read (--kmsg none): kills are counted without victim details" },
	{ "log missing",
	  "/dev/kmsg",
	  { MEM_OK, .klog_err = -ENOENT },
	  false,
	  0,
	  OOMW_SRC_KLOG,
	  OOMW_SEV_OK,
	  "kernel log /dev/kmsg: No such file or directory; kills are counted without victim details" },
	{ "records lost",
	  "/dev/kmsg",
	  { MEM_OK, .klog_missed = 3 },
	  false,
	  0,
	  OOMW_SRC_KLOG,
	  OOMW_SEV_OK,
	  "3 kernel log records were overwritten before they were read" },
	{ "kernel too old for oom_kill",
	  "/dev/kmsg",
	  { MEM_OK, .oom_kill_total = OOMW_UNKNOWN },
	  false,
	  0,
	  OOMW_SRC_VMSTAT,
	  OOMW_SEV_OK,
	  "no oom_kill in /proc/vmstat (kernel < 4.13): kills are counted from the kernel log" },
	{ "no way to count kills",
	  "none",
	  { MEM_OK, .oom_kill_total = OOMW_UNKNOWN },
	  false,
	  0,
	  OOMW_SRC_COUNT_KILLS,
	  OOMW_SEV_UNKNOWN,
	  "cannot count OOM kills: /proc/vmstat has no oom_kill (kernel < 4.13) and kernel log "
	  "not read (--kmsg none)" },
	{ "no PSI",
	  "/dev/kmsg",
	  { MEM_OK, .psi_err = -ENOENT },
	  false,
	  0,
	  OOMW_SRC_PSI,
	  OOMW_SEV_OK,
	  "memory pressure: not available (kernel without PSI)" },
	{ "PSI off",
	  "/dev/kmsg",
	  { MEM_OK, .psi_err = -EOPNOTSUPP },
	  false,
	  0,
	  OOMW_SRC_PSI,
	  OOMW_SEV_OK,
	  "memory pressure: not available (psi=0)" },
	{ "no memory controller",
	  "/dev/kmsg",
	  { MEM_OK, .cgroup_err = -ENOENT },
	  true,
	  0,
	  OOMW_SRC_CGROUPS,
	  OOMW_SEV_OK,
	  "cgroups: no memory cgroup controller under /sys" },
	{ "too many cgroups",
	  "/dev/kmsg",
	  { MEM_OK, .cgroup_err = -E2BIG },
	  true,
	  0,
	  OOMW_SRC_CGROUPS,
	  OOMW_SEV_OK,
	  "cgroups: more than 64 match the patterns; only the first 64 are checked" },
	{ "state replaced",
	  "/dev/kmsg",
	  { MEM_OK, .state_err = -EBADMSG, .state_why = "bad line 3" },
	  false,
	  0,
	  OOMW_SRC_STATE,
	  OOMW_SEV_OK,
	  "state file /var/tmp/s was unusable (bad line 3) and has been replaced" },
	{ "state not saved",
	  "/dev/kmsg",
	  { MEM_OK },
	  false,
	  -EROFS,
	  OOMW_SRC_STATE,
	  OOMW_SEV_UNKNOWN,
	  "cannot save state /var/tmp/s: Read-only file system (kills would be reported again)" },
	{ "meminfo unreadable",
	  "/dev/kmsg",
	  { .mem_err = -EACCES },
	  false,
	  0,
	  OOMW_SRC_MEMINFO,
	  OOMW_SEV_UNKNOWN,
	  "cannot read /proc/meminfo: Permission denied" },
};

static void test_problems(void **state)
{
	(void)state;
	for (size_t f = 0; f < N(frontends); f++)
		for (size_t i = 0; i < N(problems); i++) {
			const struct problem_case *c = &problems[i];
			struct oomw_assess_params p;
			oomw_assess_params_default(&p, frontends[f]);
			struct oomw_paths paths = { .proc = "/proc", .sys = "/sys" };
			snprintf(paths.kmsg, sizeof(paths.kmsg), "%s", c->kmsg);
			struct oomw_snapshot s = c->snap;
			s.wall_usec = NOW;
			if (s.psi_err == 0) {
				s.psi.some.known = true;
				s.psi.full.known = true;
			}
			struct oomw_assess_input in = { .snap = &s,
							.paths = &paths,
							.kmsg_option = "--kmsg",
							.state_path = "/var/tmp/s",
							.cgroups_asked = c->cgroups_asked,
							.save_err = c->save_err };
			static struct oomw_verdict v;
			oomw_assess(&in, &p, &v);
			const struct oomw_problem *found = NULL;
			for (size_t k = 0; k < v.n_problems; k++)
				if (v.problems[k].source == c->source &&
				    strcmp(v.problems[k].text, c->text) == 0)
					found = &v.problems[k];
			if (!found) {
				char all[2048] = "";
				for (size_t k = 0; k < v.n_problems; k++)
					snprintf(all + strlen(all), sizeof(all) - strlen(all),
						 "\n  [%d] %s", v.problems[k].source,
						 v.problems[k].text);
				fail_msg("%s: no problem \"%s\"; got:%s", c->what, c->text, all);
			}
			assert_int_equal(found->severity, c->severity);
			/* An essential source decides the verdict; the rest only explains. */
			if (c->severity == OOMW_SEV_UNKNOWN)
				assert_int_equal(v.severity, OOMW_SEV_UNKNOWN);
			else
				assert_int_equal(v.severity, OOMW_SEV_OK);
		}
}

/* ---- words -------------------------------------------------------------- */

static void test_words(void **state)
{
	(void)state;
	static const struct {
		int64_t sec;
		const char *text;
	} durations[] = {
		{ 86400, "24h" }, { 2 * 86400, "2d" }, { 900, "15m" }, { 90, "90s" }, { 0, "0s" },
	};
	char buf[128];
	for (size_t i = 0; i < N(durations); i++)
		assert_string_equal(oomw_format_duration(durations[i].sec, buf, sizeof(buf)),
				    durations[i].text);
	assert_string_equal(oomw_format_time(OOMW_UNKNOWN, buf, sizeof(buf)), "unknown time");
	assert_string_equal(oomw_format_time(NOW, buf, sizeof(buf)), "2026-11-29 08:00:00 UTC");
	oomw_backlog_text(1, OOMW_COUNT_EXACT, NOW, buf, sizeof(buf));
	assert_string_equal(
		buf, "1 OOM kill at an unknown time since boot, first noticed 2026-11-29 08:00:00 UTC");
	oomw_backlog_text(256, OOMW_COUNT_AT_LEAST, NOW, buf, sizeof(buf));
	assert_string_equal(
		buf,
		"256+ OOM kills at an unknown time since boot, first noticed 2026-11-29 08:00:00 UTC");

	/* A long cgroup keeps its end, never cut inside an escape. */
	char out[16];
	oomw_escape_field("/a/b/c/d/e/f/g/h/\x01z", 19, 12, OOMW_CUT_START, out, sizeof(out));
	assert_string_equal(out, "...g/h/\\x01z");
	oomw_escape_field("/a/b/c/d/e/f/g/h/\x01z", 19, 7, OOMW_CUT_START, out, sizeof(out));
	assert_string_equal(out, "...z");
	oomw_escape_field("abcdefghijkl", 12, 8, OOMW_CUT_END, out, sizeof(out));
	assert_string_equal(out, "abcde...");
}

int main(void)
{
	/* Times in the expected texts are UTC. */
	setenv("TZ", "UTC", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_severity_order),
		cmocka_unit_test(test_threshold_grammar),
		cmocka_unit_test(test_threshold_empty_is_off),
		cmocka_unit_test(test_margin),
		cmocka_unit_test(test_gauges),
		cmocka_unit_test(test_hysteresis),
		cmocka_unit_test(test_severity_change),
		cmocka_unit_test(test_hovering_per_frontend),
		cmocka_unit_test(test_victim_cgroup_and_rss),
		cmocka_unit_test(test_kills_in_window),
		cmocka_unit_test(test_ring_full),
		cmocka_unit_test(test_first_start),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_memory_swap_psi),
		cmocka_unit_test(test_cgroups),
		cmocka_unit_test(test_cgroup_held),
		cmocka_unit_test(test_problems),
		cmocka_unit_test(test_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
