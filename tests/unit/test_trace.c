/* SPDX-License-Identifier: MIT */
/* test_trace.c — the oom:mark_victim tracepoint: its format file as three
 * kernels print it (tests/fixtures/tracefs: 6.18, Debian's 6.1 with the
 * backported fields, the pid-only layout), malformed formats, raw samples
 * decoded by each format, and the rules that make a traced victim and its
 * kernel-log record one kill: tracepoint first then log, log first then
 * tracepoint, tracepoint only, log only, two kills of one pid number, and a
 * restart in between (through the state file). */
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

#include "fixture.h"
#include "klog.h"
#include "oomparse.h"
#include "state.h"
#include "trace.h"

#define FIXTURES "tests/fixtures/tracefs"
#define USEC 1000000LL

static void parse_fixture(const char *name, struct oomw_trace_format *fmt)
{
	char buf[OOMW_TRACE_FORMAT_MAX];
	size_t len;
	const char *why;
	assert_int_equal(oomw_read_file(FIXTURES, name, buf, sizeof(buf), &len), 0);
	assert_int_equal(oomw_trace_format_parse(buf, len, fmt, &why), 0);
}

static void assert_field(const struct oomw_trace_format *fmt, enum oomw_trace_field f,
			 uint32_t offset, uint32_t size, bool is_signed)
{
	const struct oomw_trace_field_loc *l = &fmt->field[f];
	assert_true(l->present);
	assert_int_equal(l->offset, offset);
	assert_int_equal(l->size, size);
	assert_int_equal(l->is_signed, is_signed);
}

/* The layout both 6.18 and Debian's 6.1 print (comm's signedness aside). */
static void assert_full_layout(const struct oomw_trace_format *fmt)
{
	assert_field(fmt, OOMW_TRACE_PID, 8, 4, true);
	assert_true(fmt->field[OOMW_TRACE_COMM].present);
	assert_true(fmt->field[OOMW_TRACE_COMM].data_loc);
	assert_int_equal(fmt->field[OOMW_TRACE_COMM].offset, 12);
	assert_field(fmt, OOMW_TRACE_TOTAL_VM, 16, 8, false);
	assert_field(fmt, OOMW_TRACE_ANON_RSS, 24, 8, false);
	assert_field(fmt, OOMW_TRACE_FILE_RSS, 32, 8, false);
	assert_field(fmt, OOMW_TRACE_SHMEM_RSS, 40, 8, false);
	assert_field(fmt, OOMW_TRACE_UID, 48, 4, false);
	assert_field(fmt, OOMW_TRACE_PGTABLES, 56, 8, false);
	assert_field(fmt, OOMW_TRACE_OOM_SCORE_ADJ, 64, 2, true);
}

static void test_format_6_18(void **ctx)
{
	(void)ctx;
	struct oomw_trace_format fmt;
	parse_fixture("mark_victim-linux-6.18.format", &fmt);
	assert_int_equal(fmt.id, 609);
	assert_full_layout(&fmt);
	assert_false(fmt.field[OOMW_TRACE_COMM].is_signed);
}

static void test_format_6_1_debian(void **ctx)
{
	(void)ctx;
	struct oomw_trace_format fmt;
	parse_fixture("mark_victim-linux-6.1.0-56-cloud.format", &fmt);
	assert_int_equal(fmt.id, 506);
	assert_full_layout(&fmt);
	assert_true(fmt.field[OOMW_TRACE_COMM].is_signed);
}

static void test_format_pid_only(void **ctx)
{
	(void)ctx;
	struct oomw_trace_format fmt;
	parse_fixture("mark_victim-pid-only.format", &fmt);
	assert_int_equal(fmt.id, 486);
	assert_field(&fmt, OOMW_TRACE_PID, 8, 4, true);
	for (int f = OOMW_TRACE_COMM; f < OOMW_TRACE_FIELDS; f++)
		assert_false(fmt.field[f].present);
}

static int parse_text(const char *text, struct oomw_trace_format *fmt, const char **why)
{
	return oomw_trace_format_parse(text, strlen(text), fmt, why);
}

static void test_format_malformed(void **ctx)
{
	(void)ctx;
	struct oomw_trace_format fmt;
	const char *why;
	const char *pid = "\tfield:int pid;\toffset:8;\tsize:4;\tsigned:1;\n";
	char text[512];
	/* no ID */
	assert_int_equal(parse_text(pid, &fmt, &why), -EBADMSG);
	assert_string_equal(why, "no ID line");
	/* no pid */
	assert_int_equal(parse_text("ID: 5\nformat:\n", &fmt, &why), -EBADMSG);
	assert_string_equal(why, "no 4-byte pid field");
	/* a pid of another size */
	assert_int_equal(
		parse_text("ID: 5\n\tfield:long pid;\toffset:8;\tsize:8;\tsigned:1;\n", &fmt, &why),
		-EBADMSG);
	/* an ID that is no number, a field without its size, a number of 3
	 * bytes, a comm that is neither __data_loc nor an array, an offset past
	 * any record */
	const char *bad[] = {
		"ID: x5\n",
		"ID: 5\n\tfield:int pid;\toffset:8;\tsigned:1;\n",
		"ID: 5\n\tfield:int uid;\toffset:12;\tsize:3;\tsigned:0;\n",
		"ID: 5\n\tfield:int comm;\toffset:12;\tsize:4;\tsigned:0;\n",
		"ID: 5\n\tfield:int uid;\toffset:99999;\tsize:4;\tsigned:0;\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s%s", bad[i], pid);
		assert_int_equal(parse_text(text, &fmt, &why), -EBADMSG);
		assert_non_null(why);
	}
	/* a fixed-size comm array (as other events have) and unknown fields are fine */
	snprintf(text, sizeof(text),
		 "ID: 7\n%s\tfield:char comm[16];\toffset:12;\tsize:16;"
		 "\tsigned:0;\n\tfield:int other;\toffset:28;\tsize:4;\tsigned:1;\n",
		 pid);
	assert_int_equal(parse_text(text, &fmt, &why), 0);
	assert_true(fmt.field[OOMW_TRACE_COMM].present);
	assert_false(fmt.field[OOMW_TRACE_COMM].data_loc);
	assert_int_equal(fmt.field[OOMW_TRACE_COMM].size, 16);
}

/* A raw record as 6.18 writes it for a victim named "vic tim". */
static size_t raw_6_18(unsigned char *raw)
{
	memset(raw, 0, 96);
	uint16_t type = 609;
	int32_t common_pid = 77, pid = 4242;
	uint32_t loc = (8u << 16) | 72u, uid = 1000;
	uint64_t total_vm = 10240, anon = 8000, file = 100, shmem = 0, pgtables = 60;
	int16_t adj = -17;
	memcpy(raw, &type, 2);
	memcpy(raw + 4, &common_pid, 4);
	memcpy(raw + 8, &pid, 4);
	memcpy(raw + 12, &loc, 4);
	memcpy(raw + 16, &total_vm, 8);
	memcpy(raw + 24, &anon, 8);
	memcpy(raw + 32, &file, 8);
	memcpy(raw + 40, &shmem, 8);
	memcpy(raw + 48, &uid, 4);
	memcpy(raw + 56, &pgtables, 8);
	memcpy(raw + 64, &adj, 2);
	memcpy(raw + 72, "vic tim", 8);
	return 80;
}

static void test_decode(void **ctx)
{
	(void)ctx;
	struct oomw_trace_format full, pid_only;
	parse_fixture("mark_victim-linux-6.18.format", &full);
	parse_fixture("mark_victim-pid-only.format", &pid_only);
	unsigned char raw[96];
	size_t len = raw_6_18(raw);
	struct oomw_kill k;
	const char *why;
	assert_int_equal(oomw_trace_decode(&full, raw, len, &k, &why), 0);
	assert_int_equal(k.pid, 4242);
	assert_string_equal(k.comm, "vic tim");
	assert_int_equal(k.comm_len, 7);
	assert_int_equal(k.total_vm_kib, 10240);
	assert_int_equal(k.anon_rss_kib, 8000);
	assert_int_equal(k.file_rss_kib, 100);
	assert_int_equal(k.shmem_rss_kib, 0);
	assert_int_equal(k.uid, 1000);
	assert_int_equal(k.pgtables_kib, 60);
	assert_int_equal(k.oom_score_adj, -17);
	assert_true(k.task_memcg[0] == '\0');
	/* the same bytes through the pid-only format: the pid, nothing else */
	assert_int_equal(oomw_trace_decode(&pid_only, raw, 12, &k, &why), 0);
	assert_int_equal(k.pid, 4242);
	assert_int_equal(k.comm_len, 0);
	assert_true(k.uid == OOMW_UNKNOWN);
	assert_true(k.anon_rss_kib == OOMW_UNKNOWN);
	assert_true(k.oom_score_adj == OOMW_UNKNOWN);
	/* shorter than the format says */
	assert_int_equal(oomw_trace_decode(&full, raw, 60, &k, &why), -EBADMSG);
	assert_non_null(why);
	/* comm's __data_loc pointing past the record */
	uint32_t loc = (8u << 16) | 76u;
	memcpy(raw + 12, &loc, 4);
	assert_int_equal(oomw_trace_decode(&full, raw, len, &k, &why), -EBADMSG);
	/* a size beyond int64 is unknown, not negative */
	len = raw_6_18(raw);
	uint64_t huge = UINT64_MAX;
	memcpy(raw + 16, &huge, 8);
	assert_int_equal(oomw_trace_decode(&full, raw, len, &k, &why), 0);
	assert_true(k.total_vm_kib == OOMW_UNKNOWN);
	/* no pid */
	memset(raw + 8, 0, 4);
	assert_int_equal(oomw_trace_decode(&full, raw, len, &k, &why), -EBADMSG);
}

/* ---- one kill from two sources ------------------------------------------ */

/* A victim as the tracepoint gives it: pid, comm, sizes, uid; no cgroup. */
static struct oomw_kill traced(int64_t pid, int64_t mono_usec)
{
	struct oomw_kill k;
	oomw_kill_init(&k);
	k.pid = pid;
	strcpy(k.comm, "vic tim");
	k.comm_len = 7;
	k.uid = 1000;
	k.anon_rss_kib = 8000;
	k.mono_usec = mono_usec;
	k.wall_usec = 1700000000 * USEC + mono_usec;
	return k;
}

/* The same kill as the log names it: with its cgroup and scope, a few µs later. */
static struct oomw_kill logged(int64_t pid, int64_t mono_usec)
{
	struct oomw_kill k;
	oomw_kill_init(&k);
	k.pid = pid;
	strcpy(k.comm, "vic tim");
	k.comm_len = 7;
	k.uid = 1000;
	k.anon_rss_kib = 8004;
	k.scope = OOMW_SCOPE_MEMCG;
	strcpy(k.task_memcg, "/batch.slice");
	k.seq = 901;
	k.mono_usec = mono_usec;
	return k;
}

/* The event the monitor stores for a traced victim the counter confirmed. */
static struct oomw_event traced_event(uint64_t index, struct oomw_kill k)
{
	return (struct oomw_event){ .index = index,
				    .has_details = true,
				    .awaiting_log = true,
				    .wall_usec = k.wall_usec,
				    .kill = k };
}

static struct oomw_event logged_event(uint64_t index, struct oomw_kill k)
{
	return (struct oomw_event){
		.index = index, .has_details = true, .wall_usec = k.wall_usec, .kill = k
	};
}

static void test_tracepoint_then_log(void **ctx)
{
	(void)ctx;
	struct oomw_event evs[] = { traced_event(1, traced(4242, 50 * USEC)) };
	struct oomw_kill k = logged(4242, 50 * USEC + 12);
	assert_int_equal(oomw_trace_match_log(evs, 1, &k), 0);
	oomw_trace_merge(&evs[0], &k);
	assert_false(evs[0].awaiting_log);
	assert_int_equal(evs[0].index, 1);
	/* the log adds what the tracepoint lacks, and its own figures win */
	assert_string_equal(evs[0].kill.task_memcg, "/batch.slice");
	assert_int_equal(evs[0].kill.scope, OOMW_SCOPE_MEMCG);
	assert_int_equal(evs[0].kill.anon_rss_kib, 8004);
	assert_int_equal(evs[0].kill.seq, 901);
	/* the time stays the tracepoint's, as notified */
	assert_int_equal(evs[0].kill.wall_usec, 1700000000 * USEC + 50 * USEC);
	/* a repeat of the log record matches nothing now: it would be a kill */
	assert_int_equal(oomw_trace_match_log(evs, 1, &k), -1);
}

static void test_log_then_tracepoint(void **ctx)
{
	(void)ctx;
	struct oomw_event evs[] = { logged_event(1, logged(4242, 50 * USEC + 12)) };
	struct oomw_kill t = traced(4242, 50 * USEC);
	assert_true(oomw_trace_seen(evs, 1, &t));
	/* a kill without details is no match for a traced victim */
	evs[0].has_details = false;
	assert_false(oomw_trace_seen(evs, 1, &t));
}

static void test_tracepoint_only(void **ctx)
{
	(void)ctx;
	/* the log record was lost (ratelimited, overwritten): the traced kill
	 * stays as it is, and a later kill of another pid, or of the same pid
	 * long after, is not taken for its record */
	struct oomw_event evs[] = { traced_event(1, traced(4242, 50 * USEC)) };
	struct oomw_kill other = logged(4243, 50 * USEC + 12);
	struct oomw_kill later = logged(4242, 50 * USEC + OOMW_TRACE_MATCH_USEC + 1);
	assert_int_equal(oomw_trace_match_log(evs, 1, &other), -1);
	assert_int_equal(oomw_trace_match_log(evs, 1, &later), -1);
	assert_true(evs[0].awaiting_log);
	assert_string_equal(evs[0].kill.comm, "vic tim");
	/* a text log's line has no monotonic stamp: the pid decides */
	later.mono_usec = OOMW_UNKNOWN;
	assert_int_equal(oomw_trace_match_log(evs, 1, &later), 0);
}

static void test_log_only(void **ctx)
{
	(void)ctx;
	struct oomw_event evs[] = { logged_event(1, logged(4242, 50 * USEC)) };
	struct oomw_kill k = logged(4244, 51 * USEC);
	/* nothing traced: a logged kill matches nothing and stays a kill */
	assert_int_equal(oomw_trace_match_log(evs, 1, &k), -1);
	assert_int_equal(oomw_trace_match_log(NULL, 0, &k), -1);
	struct oomw_kill t = traced(4244, 51 * USEC);
	assert_false(oomw_trace_seen(NULL, 0, &t));
}

static void test_same_pid_twice(void **ctx)
{
	(void)ctx;
	/* memory.oom.group on 6.1: one task killed as the victim and again as a
	 * member. The kernel marks it once (one traced victim) and prints two
	 * Killed lines (two counted kills): the first completes the traced
	 * kill, the second is a kill of its own. */
	struct oomw_event evs[2] = { traced_event(1, traced(4242, 50 * USEC)) };
	struct oomw_kill first = logged(4242, 50 * USEC + 12);
	struct oomw_kill second = logged(4242, 50 * USEC + 40);
	assert_int_equal(oomw_trace_match_log(evs, 1, &first), 0);
	oomw_trace_merge(&evs[0], &first);
	assert_int_equal(oomw_trace_match_log(evs, 1, &second), -1);
	evs[1] = logged_event(2, second);
	/* log first: both Killed lines are events; the one traced victim is
	 * already among them */
	struct oomw_kill t = traced(4242, 50 * USEC);
	assert_true(oomw_trace_seen(evs, 2, &t));
	/* the pid number used again much later is another kill */
	struct oomw_kill reused = traced(4242, 50 * USEC + 10 * OOMW_TRACE_MATCH_USEC);
	assert_false(oomw_trace_seen(evs, 2, &reused));
	/* two traced kills of one pid number awaiting their records: each
	 * record completes the one of its own time */
	struct oomw_event two[] = { traced_event(1, traced(4242, 50 * USEC)),
				    traced_event(2, traced(4242, 90 * USEC)) };
	struct oomw_kill rec2 = logged(4242, 90 * USEC + 7);
	assert_int_equal(oomw_trace_match_log(two, 2, &rec2), 1);
}

static void test_restart_in_between(void **ctx)
{
	(void)ctx;
	/* traced and notified, then the daemon restarts before reading the
	 * log record: the state file keeps awaiting_log, so the record read
	 * by the next process completes the kill instead of counting it again */
	char dir[] = "/tmp/oomw-test-trace-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/state", dir);
	static struct oomw_state st, back;
	oomw_state_init(&st);
	strcpy(st.boot_id, "0f0e0d0c-0b0a-0908-0706-050403020100");
	st.vmstat_oom_kill = 1;
	struct oomw_event t = traced_event(0, traced(4242, 50 * USEC));
	oomw_state_add_event(&st, &t);
	struct oomw_event l = logged_event(0, logged(4243, 60 * USEC));
	oomw_state_add_event(&st, &l);
	st.notified_index = 2;
	assert_int_equal(oomw_state_save(path, &st), 0);
	const char *why;
	assert_int_equal(oomw_state_load(path, &back, &why), 0);
	assert_int_equal(back.n_events, 2);
	const struct oomw_event *events = oomw_state_events(&back);
	assert_true(events[0].awaiting_log);
	assert_false(events[1].awaiting_log);
	assert_string_equal(events[0].kill.comm, "vic tim");
	struct oomw_kill k = logged(4242, 50 * USEC + 12);
	assert_int_equal(oomw_trace_match_log(events, back.n_events, &k), 0);
	/* and log first, then a restart: a traced victim after it is known */
	struct oomw_kill t2 = traced(4243, 60 * USEC - 5);
	assert_true(oomw_trace_seen(events, back.n_events, &t2));
	/* written on the traced kill's line only */
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "test \"$(grep -c ' awaiting_log=1$' '%s')\" = 1", path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
	rmdir(dir);
}

/* ---- a traced victim completed from the report before its Killed line ---- */

/* One kill's report in a real log (6.18, memcg v1, with a task dump). */
#define REPORT_LOG "kernel-log/linux-6.18-memcg-v1-task-dump.kmsg"

struct report_log {
	struct oomw_klog klog;
	struct oomw_oomparse parser;
	struct kills logged;            /* the parser's kills */
	struct oomw_klog_record killed; /* the Killed line, not fed yet */
};

/* Feeds REPORT_LOG up to its Killed line (kept in killed, not fed), then
 * flushes, as a sample reads the log when the tracepoint woke it. */
static struct report_log *report_until_killed(void)
{
	struct report_log *l = calloc(1, sizeof(*l));
	char path[PATH_MAX];
	assert_non_null(l);
	snprintf(path, sizeof(path), "%s/%s", fixtures_dir(), REPORT_LOG);
	assert_int_equal(oomw_klog_open(&l->klog, path, OOMW_KLOG_START_OLDEST, 0), 0);
	oomw_oomparse_init(&l->parser, collect, &l->logged);
	int r;
	while ((r = oomw_klog_read(&l->klog, &l->killed)) == 0 || r == -EBADMSG) {
		if (r == 0 && memmem(l->killed.text, l->killed.text_len, "Killed process", 14))
			break;
		if (r == 0)
			oomw_oomparse_feed(&l->parser, &l->killed);
	}
	assert_int_equal(r, 0);
	oomw_oomparse_flush(&l->parser);
	assert_int_equal(l->logged.n, 0);
	return l;
}

/* The Killed line fed, as the next sample reads it: the log's kill. The
 * record stays valid while the log is open (no read since). */
static const struct oomw_kill *report_killed(struct report_log *l)
{
	oomw_oomparse_feed(&l->parser, &l->killed);
	oomw_oomparse_flush(&l->parser);
	assert_int_equal(l->logged.n, 1);
	return &l->logged.k[0];
}

/* The log's kill, read whole with nothing traced. */
static struct oomw_kill report_alone(void)
{
	struct kills *ks = calloc(1, sizeof(*ks));
	char path[PATH_MAX];
	assert_non_null(ks);
	snprintf(path, sizeof(path), "%s/%s", fixtures_dir(), REPORT_LOG);
	parse_file(path, ks);
	assert_int_equal(ks->n, 1);
	struct oomw_kill k = ks->k[0];
	free(ks);
	return k;
}

/* The victim as the 6.18 tracepoint names it: the Killed line's own fields,
 * stamped a few µs before it. */
static struct oomw_kill traced_as(const struct oomw_kill *want, int64_t before_usec)
{
	struct oomw_kill t;
	oomw_kill_init(&t);
	t.pid = want->pid;
	memcpy(t.comm, want->comm, sizeof(t.comm));
	t.comm_len = want->comm_len;
	t.uid = want->uid;
	t.total_vm_kib = want->total_vm_kib;
	t.anon_rss_kib = want->anon_rss_kib;
	t.file_rss_kib = want->file_rss_kib;
	t.shmem_rss_kib = want->shmem_rss_kib;
	t.pgtables_kib = want->pgtables_kib;
	t.oom_score_adj = want->oom_score_adj;
	t.mono_usec = want->mono_usec - before_usec;
	t.wall_usec = 1700000000 * USEC + t.mono_usec;
	return t;
}

static void assert_same_report(const struct oomw_kill *a, const struct oomw_kill *b)
{
	assert_int_equal(a->scope, b->scope);
	assert_string_equal(a->constraint, b->constraint);
	assert_string_equal(a->oom_memcg, b->oom_memcg);
	assert_string_equal(a->task_memcg, b->task_memcg);
	assert_int_equal(a->uid, b->uid);
	assert_int_equal(a->report.memcg_usage_kib, b->report.memcg_usage_kib);
	assert_int_equal(a->report.memcg_limit_kib, b->report.memcg_limit_kib);
	assert_int_equal(a->report.memsw_limit_kib, b->report.memsw_limit_kib);
	assert_int_equal(a->report.n_tasks, b->report.n_tasks);
	assert_int_equal(a->report.page_kib, b->report.page_kib);
	assert_int_equal(a->report.n_top, b->report.n_top);
	for (size_t i = 0; i < a->report.n_top; i++)
		assert_int_equal(a->report.top[i].pid, b->report.top[i].pid);
	assert_int_equal(a->report.largest.pid, b->report.largest.pid);
}

static void test_report_then_tracepoint_then_log(void **ctx)
{
	(void)ctx;
	const struct oomw_kill want = report_alone();
	assert_true(want.task_memcg[0] != '\0' && want.report.n_tasks > 0);
	struct report_log *l = report_until_killed();
	/* woken by the tracepoint: the report is read, the Killed line is not */
	struct oomw_kill t = traced_as(&want, 5);
	oomw_oomparse_complete(&l->parser, &t);
	assert_same_report(&t, &want);
	assert_int_equal(t.pid, want.pid);
	assert_int_equal(t.mono_usec, want.mono_usec - 5); /* its own stamp and date */
	assert_int_equal(t.wall_usec, 1700000000 * USEC + want.mono_usec - 5);
	/* notified so, then the Killed line completes the same event: the
	 * parser gave it the report as if nothing had been traced */
	struct oomw_event evs[] = { traced_event(1, t) };
	const struct oomw_kill *k = report_killed(l);
	assert_same_report(k, &want);
	assert_int_equal(oomw_trace_match_log(evs, 1, k), 0);
	oomw_trace_merge(&evs[0], k);
	assert_false(evs[0].awaiting_log);
	assert_same_report(&evs[0].kill, &want);
	assert_int_equal(evs[0].kill.seq, want.seq);
	/* used now: a later victim of another pid gets nothing of it */
	struct oomw_kill other = traced_as(&want, -1000);
	other.pid = want.pid + 1;
	oomw_oomparse_complete(&l->parser, &other);
	assert_string_equal(other.task_memcg, "");
	assert_string_equal(other.constraint, "");
	assert_true(other.report.n_tasks == OOMW_UNKNOWN);
	oomw_klog_close(&l->klog);
	free(l);
}

static void test_tracepoint_before_report(void **ctx)
{
	(void)ctx;
	/* nothing of the report read yet (or lost): the tracepoint's fields
	 * alone, and the whole log, read later, completes the event */
	const struct oomw_kill want = report_alone();
	struct report_log *l = calloc(1, sizeof(*l));
	assert_non_null(l);
	oomw_oomparse_init(&l->parser, collect, &l->logged);
	struct oomw_kill t = traced_as(&want, 5);
	oomw_oomparse_complete(&l->parser, &t);
	assert_string_equal(t.task_memcg, "");
	assert_int_equal(t.scope, OOMW_SCOPE_UNKNOWN);
	assert_true(t.report.n_tasks == OOMW_UNKNOWN);
	assert_int_equal(t.anon_rss_kib, want.anon_rss_kib);
	/* no stamp: no report can be told to be its own */
	struct report_log *full = report_until_killed();
	struct oomw_kill unstamped = traced_as(&want, 5);
	unstamped.mono_usec = OOMW_UNKNOWN;
	oomw_oomparse_complete(&full->parser, &unstamped);
	assert_string_equal(unstamped.task_memcg, "");
	struct oomw_event evs[] = { traced_event(1, t) };
	const struct oomw_kill *k = report_killed(full);
	assert_int_equal(oomw_trace_match_log(evs, 1, k), 0);
	oomw_trace_merge(&evs[0], k);
	assert_same_report(&evs[0].kill, &want);
	oomw_klog_close(&full->klog);
	free(full);
	free(l);
}

static void test_report_then_restart_then_log(void **ctx)
{
	(void)ctx;
	/* notified with its report, then a restart: the new process reads the
	 * Killed line alone (its cursor is past the report); the event keeps
	 * the cgroup and report it was notified with */
	const struct oomw_kill want = report_alone();
	struct report_log *l = report_until_killed();
	struct oomw_kill t = traced_as(&want, 5);
	oomw_oomparse_complete(&l->parser, &t);
	struct oomw_event evs[] = { traced_event(1, t) };
	struct report_log *restarted = calloc(1, sizeof(*restarted));
	assert_non_null(restarted);
	oomw_oomparse_init(&restarted->parser, collect, &restarted->logged);
	restarted->killed = l->killed;
	const struct oomw_kill *k = report_killed(restarted);
	assert_string_equal(k->task_memcg, "");
	assert_int_equal(oomw_trace_match_log(evs, 1, k), 0);
	oomw_trace_merge(&evs[0], k);
	assert_false(evs[0].awaiting_log);
	assert_same_report(&evs[0].kill, &want);
	assert_int_equal(evs[0].kill.seq, want.seq);
	oomw_klog_close(&l->klog);
	free(restarted);
	free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_6_18),
		cmocka_unit_test(test_format_6_1_debian),
		cmocka_unit_test(test_format_pid_only),
		cmocka_unit_test(test_format_malformed),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_tracepoint_then_log),
		cmocka_unit_test(test_log_then_tracepoint),
		cmocka_unit_test(test_tracepoint_only),
		cmocka_unit_test(test_log_only),
		cmocka_unit_test(test_same_pid_twice),
		cmocka_unit_test(test_restart_in_between),
		cmocka_unit_test(test_report_then_tracepoint_then_log),
		cmocka_unit_test(test_tracepoint_before_report),
		cmocka_unit_test(test_report_then_restart_then_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
