/* SPDX-License-Identifier: MIT */
/* test_prom_render.c — the pure parts of oomwatch-exporter: label values made
 * valid UTF-8 and escaped for the text format, the unit and pod a cgroup path
 * names, the exposition of a hand-made snapshot (families, units, absent
 * values), the HTTP request line and the listening address. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http.h"
#include "render.h"

static void test_label_text(void **state)
{
	(void)state;
	char out[128];
	/* Valid UTF-8 stays; control bytes, '\', DEL, C1 controls, stray and
	 * overlong bytes, surrogates become \xNN. */
	static const char in[] = "a\tb\\c\x7f \xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb1 \xff\xfe "
				 "\xc0\xaf \xed\xa0\x80 \xc2\x85 \xe2\x82";
	size_t n = prom_label_text(in, sizeof(in) - 1, out, sizeof(out));
	assert_string_equal(out, "a\\x09b\\x5cc\\x7f \xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb1 "
				 "\\xff\\xfe \\xc0\\xaf \\xed\\xa0\\x80 \\xc2\\x85 \\xe2\\x82");
	assert_int_equal(n, strlen(out));
	/* Cut by the room: never inside an escape or a character. */
	assert_int_equal(prom_label_text("\xff", 1, out, 4), 0);
	assert_string_equal(out, "");
	assert_int_equal(prom_label_text("a\xe2\x82\xac", 4, out, 4), 1);
	assert_string_equal(out, "a");
	assert_int_equal(prom_label_text("a", 1, out, 0), 0);
}

static void test_label_escape(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(prom_label_escape("a\\b\"c\nd", out, sizeof(out)), 10);
	assert_string_equal(out, "a\\\\b\\\"c\\nd");
	/* Never half an escape. */
	prom_label_escape("ab\"", out, 4);
	assert_string_equal(out, "ab");
	/* Both layers: a name holding every hostile byte comes out as bytes
	 * the text format allows in a label value. */
	char text[PROM_LABEL_TEXT_MAX], esc[PROM_LABEL_MAX];
	prom_label_text("x\"y\n\\\xff", 6, text, sizeof(text));
	prom_label_escape(text, esc, sizeof(esc));
	assert_string_equal(esc, "x\\\"y\\\\x0a\\\\x5c\\\\xff");
}

static void test_cgroup_names(void **state)
{
	(void)state;
	char out[PROM_NAME_MAX];
	prom_cgroup_unit("/system.slice/mysql.service", out, sizeof(out));
	assert_string_equal(out, "mysql.service");
	prom_cgroup_unit("/user.slice/user-1000.slice/session-3.scope", out, sizeof(out));
	assert_string_equal(out, "session-3.scope");
	prom_cgroup_unit("/system.slice/docker-ab12.scope/inner", out, sizeof(out));
	assert_string_equal(out, "docker-ab12.scope");
	prom_cgroup_unit("/batch.slice", out, sizeof(out));
	assert_string_equal(out, "");
	prom_cgroup_unit("", out, sizeof(out));
	assert_string_equal(out, "");

	/* systemd cgroup driver: '_' in the slice stands for '-'. */
	prom_cgroup_pod("/kubepods.slice/kubepods-burstable.slice/"
			"kubepods-burstable-pod0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0.slice/"
			"cri-containerd-0123.scope",
			out, sizeof(out));
	assert_string_equal(out, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	prom_cgroup_pod("/kubepods.slice/kubepods-pod0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0.slice",
			out, sizeof(out));
	assert_string_equal(out, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	/* cgroupfs driver. */
	prom_cgroup_pod("/kubepods/besteffort/pod0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/0123abcd",
			out, sizeof(out));
	assert_string_equal(out, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	/* Not a pod: too short, not hex, no "pod". */
	prom_cgroup_pod("/kubepods.slice/kubepods-burstable-pod1a2b.slice", out, sizeof(out));
	assert_string_equal(out, "");
	prom_cgroup_pod("/podcast.service", out, sizeof(out));
	assert_string_equal(out, "");
	prom_cgroup_pod("/system.slice/mysql.service", out, sizeof(out));
	assert_string_equal(out, "");
}

static char *render(const struct oomw_snapshot *s, const struct oomw_verdict *v,
		    const struct oomw_event *ev, size_t n_ev, const struct prom_scope_counts *sc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	struct prom_input in = { .snap = s, .verdict = v, .events = ev, .n_events = n_ev, .scopes = sc };
	assert_int_equal(prom_render(f, &in), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

static void unknown_snapshot(struct oomw_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->mem.mem_total_kib = OOMW_UNKNOWN;
	s->mem.mem_available_kib = OOMW_UNKNOWN;
	s->mem.swap_total_kib = OOMW_UNKNOWN;
	s->mem.swap_free_kib = OOMW_UNKNOWN;
	s->oom_kill_total = OOMW_UNKNOWN;
	s->kills_without_details = OOMW_UNKNOWN;
}

static void test_render(void **state)
{
	(void)state;
	static struct oomw_snapshot s;
	static struct oomw_verdict v;
	static struct oomw_event ev[2];
	struct prom_scope_counts sc = { .global = 1, .memcg = 2, .unknown = 3 };
	unknown_snapshot(&s);
	s.mem.mem_total_kib = 8388608;
	s.mem.mem_available_kib = 1024;
	s.oom_kill_total = 5;
	s.kills_without_details = 0;
	s.psi.full.known = true;
	s.psi.full.total_usec = 1234567;
	s.n_cgroups = 1;
	struct oomw_cgroup_stats *cg = &s.cgroups[0].stats;
	strcpy(cg->path, "/system.slice/a\"b.service");
	cg->oom_kill = 2;
	cg->oom = 2;
	cg->oom_group_kill = OOMW_UNKNOWN;
	cg->max = 7;
	cg->high = 0;
	cg->under_oom = OOMW_UNKNOWN;
	cg->usage_bytes = 4096;
	cg->limit_bytes = OOMW_UNLIMITED;
	s.n_candidates = 1;
	s.candidates[0] = (struct oomw_candidate){
		.pid = 42, .comm = "bash\n", .comm_len = 5, .oom_score = 1333, .rss_kib = 8
	};
	cg->version = 2;
	cg->pressure_some_avg10_cpct = 320;
	memset(&v, 0, sizeof(v));
	v.severity = OOMW_SEV_CRITICAL;
	v.n_problems = 1;
	v.n_cgroups = 1;
	v.cgroups[0].cg = &s.cgroups[0];
	v.cgroups[0].held = true;
	v.problems[0].source = OOMW_SRC_KLOG;
	for (size_t i = 0; i < 2; i++)
		oomw_kill_init(&ev[i].kill);
	ev[0].backlog = true;
	ev[1].has_details = true;
	ev[1].wall_usec = 1764125224500000;
	ev[1].kill.pid = 4084;
	memcpy(ev[1].kill.comm, "my\xffsql", 6);
	ev[1].kill.comm_len = 6;
	ev[1].kill.anon_rss_kib = 100;
	ev[1].kill.file_rss_kib = 28;
	strcpy(ev[1].kill.task_memcg, "/system.slice/mysql.service");

	char *t = render(&s, &v, ev, 2, &sc);
	static const char *const want[] = {
		"# HELP oomwatch_status ",
		"# TYPE oomwatch_status gauge\noomwatch_status 2\n",
		"oomwatch_source_problem{source=\"kernel_log\"} 1\n",
		"oomwatch_source_problem{source=\"vmstat\"} 0\n",
		"# TYPE oomwatch_oom_kills_total counter\noomwatch_oom_kills_total 5\n",
		"oomwatch_oom_kills_by_scope_total{scope=\"memcg\"} 2\n",
		"oomwatch_oom_kills_without_details_total 0\n",
		"# UNIT oomwatch_last_oom_kill_timestamp_seconds seconds\n"
		"oomwatch_last_oom_kill_timestamp_seconds 1764125224.500000\n",
		"oomwatch_last_oom_kill_rss_bytes 131072\n",
		"oomwatch_last_oom_kill_info{comm=\"my\\\\xffsql\",pid=\"4084\","
		"cgroup=\"/system.slice/mysql.service\",unit=\"mysql.service\",pod=\"\"} 1\n",
		"# UNIT oomwatch_memory_total_bytes bytes\noomwatch_memory_total_bytes 8589934592\n",
		"oomwatch_memory_available_bytes 1048576\n",
		"oomwatch_memory_pressure_full_seconds_total 1.234567\n",
		"oomwatch_cgroup_oom_kills_total{cgroup=\"/system.slice/a\\\"b.service\"} 2\n",
		"oomwatch_cgroup_memory_events_total{cgroup=\"/system.slice/a\\\"b.service\",event=\"max\"} 7\n",
		"oomwatch_cgroup_memory_usage_bytes{cgroup=\"/system.slice/a\\\"b.service\"} 4096\n",
		"oomwatch_cgroup_limit_hits_total{cgroup=\"/system.slice/a\\\"b.service\"} 7\n",
		"# UNIT oomwatch_cgroup_memory_pressure_some_avg10_ratio ratio\n"
		"oomwatch_cgroup_memory_pressure_some_avg10_ratio{cgroup=\"/system.slice/a\\\"b.service\"} "
		"0.0320\n",
		"oomwatch_cgroup_held_at_limit{cgroup=\"/system.slice/a\\\"b.service\"} 1\n",
		"oomwatch_candidate_oom_score{rank=\"1\"} 1333\n",
		"oomwatch_candidate_rss_bytes{rank=\"1\"} 8192\n",
		"oomwatch_candidate_info{rank=\"1\",comm=\"bash\\\\x0a\",pid=\"42\"} 1\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strstr(t, want[i]) == NULL)
			fail_msg("missing \"%s\" in:\n%s", want[i], t);
	/* Unknown is absent, never 0: swap, PSI some, an unlimited limit, an
	 * event the kernel lacks; a family without a sample has no header. */
	static const char *const absent[] = {
		"oomwatch_swap_total_bytes",          "oomwatch_memory_pressure_some_seconds_total",
		"oomwatch_cgroup_memory_limit_bytes", "event=\"oom_group_kill\"",
		"oomwatch_cgroup_under_oom",
	};
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		if (strstr(t, absent[i]) != NULL)
			fail_msg("\"%s\" should be absent in:\n%s", absent[i], t);
	free(t);

	/* Nothing known: no kill, no memory; the status and problems remain. */
	unknown_snapshot(&s);
	s.mem_err = -ENOENT;
	t = render(&s, &v, ev, 1, &sc);
	assert_null(strstr(t, "oomwatch_last_oom_kill"));
	assert_null(strstr(t, "oomwatch_memory_total_bytes"));
	assert_null(strstr(t, "oomwatch_oom_kills_total "));
	assert_non_null(strstr(t, "oomwatch_status 2\n"));
	free(t);
}

static void test_scope_counts(void **state)
{
	(void)state;
	struct prom_scope_counts c = { 0 };
	struct oomw_event ev = { .killer = OOMW_KILLER_KERNEL };
	oomw_kill_init(&ev.kill);
	prom_scope_counts_add(&c, &ev);
	ev.kill.scope = OOMW_SCOPE_MEMCG;
	prom_scope_counts_add(&c, &ev);
	prom_scope_counts_add(&c, &ev);
	ev.kill.scope = OOMW_SCOPE_GLOBAL;
	prom_scope_counts_add(&c, &ev);
	ev.killer = OOMW_KILLER_EARLYOOM; /* counted apart, never as the kernel's */
	prom_scope_counts_add(&c, &ev);
	assert_int_equal(c.unknown, 1);
	assert_int_equal(c.memcg, 2);
	assert_int_equal(c.global, 1);
}

static enum prom_http_verdict parse(const char *req, bool *head)
{
	return prom_http_parse(req, strlen(req), head);
}

static void test_http(void **state)
{
	(void)state;
	bool head;
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", &head), PROM_HTTP_METRICS);
	assert_false(head);
	assert_int_equal(parse("HEAD /metrics?x=1 HTTP/1.0\n\n", &head), PROM_HTTP_METRICS);
	assert_true(head);
	assert_int_equal(parse("GET / HTTP/1.1\r\n\r\n", &head), PROM_HTTP_ROOT);
	assert_int_equal(parse("GET /metricsx HTTP/1.1\r\n\r\n", &head), PROM_HTTP_NOT_FOUND);
	assert_int_equal(parse("POST /metrics HTTP/1.1\r\n\r\n", &head), PROM_HTTP_BAD_METHOD);
	assert_int_equal(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n", &head), PROM_HTTP_INCOMPLETE);
	assert_int_equal(parse("", &head), PROM_HTTP_INCOMPLETE);
	static const char *const bad[] = {
		"GET /metrics\r\n\r\n",           "GET /metrics HTTP/2\r\n\r\n",
		"GET metrics HTTP/1.1\r\n\r\n",   "get /metrics HTTP/1.1\r\n\r\n",
		" /metrics HTTP/1.1\r\n\r\n",     "GET /met\x01rics HTTP/1.1\r\n\r\n",
		"GET  /metrics HTTP/1.1\r\n\r\n", "\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(bad[i], &head) != PROM_HTTP_BAD_REQUEST)
			fail_msg("accepted %s", bad[i]);
	/* A head that never ends is refused once it is too large. */
	static char big[PROM_HTTP_REQUEST_MAX];
	memset(big, 'a', sizeof(big));
	assert_int_equal(prom_http_parse(big, sizeof(big), &head), PROM_HTTP_TOO_LARGE);
	const char *reason;
	assert_int_equal(prom_http_status(PROM_HTTP_BAD_METHOD, &reason), 405);
	assert_string_equal(reason, "Method Not Allowed");
	assert_int_equal(prom_http_status(PROM_HTTP_METRICS, &reason), 200);
}

static void test_listen(void **state)
{
	(void)state;
	struct sockaddr_storage ss;
	socklen_t len;
	const char *why = NULL;
	assert_int_equal(prom_listen_parse("127.0.0.1:9101", false, &ss, &len, &why), 0);
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	assert_int_equal(v4->sin_family, AF_INET);
	assert_int_equal(ntohs(v4->sin_port), 9101);
	assert_int_equal(prom_listen_parse("127.1.2.3:1", false, &ss, &len, &why), 0);
	assert_int_equal(prom_listen_parse("localhost:9101", false, &ss, &len, &why), 0);
	assert_int_equal(prom_listen_parse("[::1]:9101", false, &ss, &len, &why), 0);
	assert_int_equal(((struct sockaddr_in6 *)&ss)->sin6_family, AF_INET6);
	static const char *const bad[] = { "0.0.0.0:9101",  "[::]:9101",   "10.1.2.3:80",
					   "127.0.0.1",     "127.0.0.1:0", "127.0.0.1:65536",
					   "127.0.0.1:x",   "::1:9101",    "[::1]9101",
					   "example.org:80" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (prom_listen_parse(bad[i], false, &ss, &len, &why) != -EINVAL || why == NULL)
			fail_msg("accepted %s", bad[i]);
	}
	assert_int_equal(prom_listen_parse("0.0.0.0:9101", true, &ss, &len, &why), 0);
	assert_int_equal(prom_listen_parse("10.1.2.3:80", false, &ss, &len, &why), -EINVAL);
	assert_non_null(strstr(why, "--allow-remote"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_text),   cmocka_unit_test(test_label_escape),
		cmocka_unit_test(test_cgroup_names), cmocka_unit_test(test_render),
		cmocka_unit_test(test_scope_counts), cmocka_unit_test(test_http),
		cmocka_unit_test(test_listen),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
