/* SPDX-License-Identifier: MIT */
/* test_monitor.c — the monitor on a fixture machine (tests/fixtures/monitor-v2,
 * copied to a temporary directory): the counter and the kernel log reconciled,
 * no kill counted twice or lost across samples, restarts and reboots, bad
 * sources reported without stopping the count. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "monitor.h"

#define FIXTURE "tests/fixtures/monitor-v2"
#define MAX_SEEN 64
#define BOOT_ID_2 "4a5b6c7d-0000-4000-8000-00000000b002"

struct fixture {
	char dir[64];
	char proc[128], sys[128], kmsg[128], state[128];
	struct oomw_monitor_config cfg;
	struct oomw_monitor *m;
	struct oomw_snapshot snap;
	int ret;
	size_t n_seen;
	struct oomw_event seen[MAX_SEEN];
	uint64_t kmsg_seq;
	int state_err_at_event; /* snap.state_err as on_event saw it */
};

static void write_file(const char *path, const char *text, const char *mode)
{
	FILE *fp = fopen(path, mode);
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static void fwrite_path(const char *base, const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", base, rel);
	write_file(path, text, "w");
}

static void set_counter(struct fixture *f, int64_t n)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "nr_free_pages 123456\noom_kill %lld\npgfault 99\n", (long long)n);
	fwrite_path(f->proc, "vmstat", buf);
}

static void set_cgroup_kills(struct fixture *f, const char *cg, int64_t n)
{
	char rel[128], buf[128];
	snprintf(rel, sizeof(rel), "fs/cgroup/%s/memory.events", cg);
	snprintf(buf, sizeof(buf), "low 0\nhigh 0\nmax 3\noom %lld\noom_kill %lld\n", (long long)n,
		 (long long)n);
	fwrite_path(f->sys, rel, buf);
}

/* Appends a 5.4+ "Killed process" record, as /dev/kmsg prints it, to the
 * file of kmsg records. */
static void log_kill(struct fixture *f, int pid, const char *comm_escaped, int64_t mono_usec)
{
	char rec[512];
	snprintf(rec, sizeof(rec),
		 "3,%llu,%lld,-;Memory cgroup out of memory: Killed process %d (%s) "
		 "total-vm:10240kB, anon-rss:8192kB, file-rss:4kB, shmem-rss:0kB, UID:1000 "
		 "pgtables:64kB oom_score_adj:0\n",
		 (unsigned long long)f->kmsg_seq++, (long long)mono_usec, pid, comm_escaped);
	write_file(f->kmsg, rec, "a");
}

static void on_event(const struct oomw_event *ev, void *ctx)
{
	struct fixture *f = ctx;
	assert_true(f->n_seen < MAX_SEEN);
	f->seen[f->n_seen++] = *ev;
	f->state_err_at_event = f->snap.state_err;
}

static void open_monitor(struct fixture *f)
{
	assert_int_equal(oomw_monitor_open(&f->cfg, &f->m), 0);
}

static void close_monitor(struct fixture *f)
{
	oomw_monitor_close(f->m);
	f->m = NULL;
}

/* One sample; returns how many events it reported (they are in seen[]). */
static size_t sample(struct fixture *f)
{
	f->n_seen = 0;
	f->ret = oomw_monitor_sample(f->m, &f->snap, on_event, f);
	for (size_t i = 1; i < f->n_seen; i++)
		assert_true(f->seen[i].index == f->seen[i - 1].index + 1);
	return f->n_seen;
}

static size_t count_details(const struct fixture *f, bool details)
{
	size_t n = 0;
	for (size_t i = 0; i < f->n_seen; i++)
		n += f->seen[i].has_details == details;
	return n;
}

static int setup(void **ctx)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	strcpy(f->dir, "/tmp/oomw-test-monitor-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "cp -a " FIXTURE "/proc " FIXTURE "/sys '%s'/", f->dir);
	assert_int_equal(system(cmd), 0);
	snprintf(f->proc, sizeof(f->proc), "%s/proc", f->dir);
	snprintf(f->sys, sizeof(f->sys), "%s/sys", f->dir);
	snprintf(f->kmsg, sizeof(f->kmsg), "%s/kmsg", f->dir);
	snprintf(f->state, sizeof(f->state), "%s/state", f->dir);
	/* A file of kmsg records starts with one that is not a kill, like the real log. */
	write_file(f->kmsg, "6,0,0,-;Linux version 6.18.0 (test) #1 SMP\n", "w");
	f->kmsg_seq = 1;
	set_counter(f, 0);
	oomw_paths_default(&f->cfg.paths);
	oomw_paths_set(f->cfg.paths.proc, f->proc);
	oomw_paths_set(f->cfg.paths.sys, f->sys);
	oomw_paths_set(f->cfg.paths.kmsg, f->kmsg);
	f->cfg.state_path = f->state;
	f->cfg.cgroup_globs[0] = "/*";
	f->cfg.n_cgroup_globs = 1;
	*ctx = f;
	return 0;
}

static int teardown(void **ctx)
{
	struct fixture *f = *ctx;
	if (f->m)
		oomw_monitor_close(f->m);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	int r = system(cmd);
	free(f);
	return r == 0 ? 0 : -1;
}

/* A first sample with no state covers everything since boot: the counter's 5
 * kills, two of them named by the log (in log order, first). */
static void test_first_sample_covers_boot(void **ctx)
{
	struct fixture *f = *ctx;
	set_counter(f, 5);
	log_kill(f, 101, "first", 1000000);
	log_kill(f, 102, "second", 2000000);
	f->cfg.n_candidates = 5; /* the fixture has no processes: none, no error */
	open_monitor(f);
	assert_int_equal(sample(f), 5);
	assert_int_equal(f->ret, 0);
	assert_true(f->snap.first_sample);
	assert_int_equal(f->snap.oom_kill_total, 5);
	assert_int_equal(f->snap.klog_err, 0);
	assert_int_equal(f->snap.vmstat_err, 0);
	assert_int_equal(f->snap.state_err, 0);
	assert_int_equal(f->snap.mem_err, 0);
	assert_int_equal(f->snap.psi_err, 0);
	assert_int_equal(f->snap.candidates_err, 0);
	assert_int_equal(f->snap.n_candidates, 0);
	assert_int_equal(f->snap.kills_without_details, 3);
	assert_true(f->seen[0].has_details && f->seen[1].has_details);
	assert_int_equal(f->seen[0].index, 1);
	assert_int_equal(f->seen[0].kill.pid, 101);
	assert_string_equal(f->seen[1].kill.comm, "second");
	assert_int_equal(f->seen[1].kill.uid, 1000);
	assert_int_equal(count_details(f, false), 3);
	assert_int_equal(f->seen[4].kill.pid, OOMW_UNKNOWN);
	/* When they happened is unknown: some time since boot (fixture btime). */
	assert_true(f->seen[4].backlog);
	assert_int_equal(f->seen[4].wall_usec, 1700000000LL * 1000000);
	assert_false(f->seen[0].backlog);
	/* Cgroup baselines: delta 0 on the first sample, whatever they count.
	 * The glob matches the root too (no memory.events on v2: unknown). */
	assert_int_equal(f->snap.cgroup_err, 0);
	assert_int_equal(f->snap.n_cgroups, 4);
	for (size_t i = 0; i < f->snap.n_cgroups; i++)
		assert_int_equal(f->snap.cgroups[i].oom_kill_delta, 0);
	assert_int_equal(access(f->state, F_OK), 0);
	/* Nothing new: nothing reported, and the second sample is not "first". */
	assert_int_equal(sample(f), 0);
	assert_false(f->snap.first_sample);
	assert_int_equal(f->snap.kills_without_details, 3);
	size_t n;
	oomw_monitor_events(f->m, &n);
	assert_int_equal(n, 5);
}

/* A machine that had more kills since boot than the ring holds, most of them no
 * longer in the log: the backlog fills only the free room, and the victims the
 * log still names are kept. */
static void test_backlog_keeps_named_victims(void **ctx)
{
	struct fixture *f = *ctx;
	set_counter(f, OOMW_STATE_EVENTS_MAX + 100);
	log_kill(f, 201, "named1", 1000000);
	log_kill(f, 202, "named2", 2000000);
	open_monitor(f);
	assert_int_equal(oomw_monitor_sample(f->m, &f->snap, NULL, NULL), 0);
	assert_int_equal(f->snap.kills_without_details, OOMW_STATE_EVENTS_MAX + 98);
	size_t n;
	const struct oomw_event *ev = oomw_monitor_events(f->m, &n);
	assert_int_equal(n, OOMW_STATE_EVENTS_MAX);
	size_t named = 0;
	for (size_t i = 0; i < n; i++)
		named += ev[i].has_details;
	assert_int_equal(named, 2);
	close_monitor(f);
}

/* The counter unreadable on the first sample: the baseline waits for it, so
 * the kills it then shows are still the since-boot backlog (dated at boot),
 * not news, and the kill the log named meanwhile is not counted twice. */
static void test_backlog_waits_for_counter(void **ctx)
{
	struct fixture *f = *ctx;
	fwrite_path(f->proc, "vmstat", "oom_kill twelve\n");
	log_kill(f, 301, "named", 1000000);
	open_monitor(f);
	assert_int_equal(sample(f), 1);
	assert_true(f->seen[0].has_details);
	assert_int_equal(f->snap.vmstat_err, -EBADMSG);
	set_counter(f, 3);
	assert_int_equal(sample(f), 2);
	assert_int_equal(count_details(f, false), 2);
	assert_true(f->seen[0].backlog && f->seen[1].backlog);
	assert_int_equal(f->seen[1].wall_usec, 1700000000LL * 1000000);
	assert_int_equal(f->snap.kills_without_details, 2);
	/* From now on a rise is news. */
	set_counter(f, 4);
	assert_int_equal(sample(f), 1);
	assert_false(f->seen[0].backlog);
	assert_true(f->seen[0].wall_usec > 1700000000LL * 1000000);
}

/* Process 4242 "big" (oom_score 900, 1 MiB resident) in the fixture's /proc. */
static void add_big_process(struct fixture *f)
{
	char dir[200];
	snprintf(dir, sizeof(dir), "%s/4242", f->proc);
	assert_int_equal(mkdir(dir, 0755), 0);
	fwrite_path(dir, "stat",
		    "4242 (big) S 1 4242 4242 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1\n");
	fwrite_path(dir, "statm", "1000 256 0 0 0 0 0\n");
	fwrite_path(dir, "oom_score", "900\n");
	fwrite_path(dir, "oom_score_adj", "0\n");
}

/* A front end woken by every kernel-log record samples many times a second:
 * the process scan is reused for a second instead of repeated each time. */
static void test_candidates_scan_reused(void **ctx)
{
	struct fixture *f = *ctx;
	set_counter(f, 0);
	f->cfg.n_candidates = 3;
	open_monitor(f);
	sample(f);
	assert_int_equal(f->snap.n_candidates, 0); /* the fixture has no processes yet */
	add_big_process(f);
	sample(f);
	assert_int_equal(f->snap.n_candidates, 0); /* the scan of a moment ago */
	assert_int_equal(f->snap.candidates_err, 0);
	close_monitor(f);
	open_monitor(f); /* a new monitor scans afresh and finds it */
	sample(f);
	assert_int_equal(f->snap.n_candidates, 1);
	assert_int_equal(f->snap.candidates[0].pid, 4242);
	assert_int_equal(f->snap.candidates[0].oom_score, 900);
	close_monitor(f);
}

/* A front end that notifies after the sample (defer_save): a sample that
 * reports a kill reuses the last scan, however old, so that no /proc walk
 * delays the notice; the next sample scans again. */
static void test_candidates_not_scanned_before_a_notice(void **ctx)
{
	struct fixture *f = *ctx;
	set_counter(f, 0);
	f->cfg.n_candidates = 3;
	f->cfg.defer_save = true;
	open_monitor(f);
	sample(f);
	assert_int_equal(f->snap.n_candidates, 0); /* the fixture has no processes yet */
	add_big_process(f);
	/* older than the second a scan is reused for */
	usleep(1100 * 1000);
	log_kill(f, 777, "victim", 5000000);
	set_counter(f, 1);
	assert_int_equal(sample(f), 1);
	assert_int_equal(f->snap.n_candidates, 0); /* the old scan: notify first */
	assert_int_equal(oomw_monitor_save(f->m), 0);
	assert_int_equal(sample(f), 0);
	assert_int_equal(f->snap.n_candidates, 1); /* scanned now */
	assert_int_equal(f->snap.candidates[0].pid, 4242);
	close_monitor(f);
}

static void test_counter_plus_three_one_logged(void **ctx)
{
	struct fixture *f = *ctx;
	open_monitor(f);
	assert_int_equal(sample(f), 0);
	set_counter(f, 3);
	log_kill(f, 4242, "java", 5000000);
	assert_int_equal(sample(f), 3);
	assert_int_equal(count_details(f, true), 1);
	assert_int_equal(f->seen[0].kill.pid, 4242);
	assert_string_equal(f->seen[0].kill.comm, "java");
	assert_int_equal(f->snap.kills_without_details, 2);
	assert_int_equal(f->snap.oom_kill_total, 3);
	assert_int_equal(sample(f), 0);
}

/* The log shows a kill before the counter does (it landed between the two
 * reads): it is reported once, and the counter's later rise is not a second kill. */
static void test_log_ahead_not_counted_twice(void **ctx)
{
	struct fixture *f = *ctx;
	open_monitor(f);
	assert_int_equal(sample(f), 0);
	log_kill(f, 77, "early", 3000000);
	assert_int_equal(sample(f), 1);
	assert_true(f->seen[0].has_details);
	set_counter(f, 1);
	assert_int_equal(sample(f), 0);
	/* Also across a restart: log_ahead is persisted. */
	log_kill(f, 78, "early2", 3100000);
	assert_int_equal(sample(f), 1);
	close_monitor(f);
	open_monitor(f);
	set_counter(f, 2);
	assert_int_equal(sample(f), 0);
	set_counter(f, 3);
	assert_int_equal(sample(f), 1);
	assert_false(f->seen[0].has_details);
	assert_int_equal(f->snap.kills_without_details, 1);
}

/* A logged kill the counter never confirms (a line from elsewhere in a text
 * log, or a late one) is reported as logged but does not hide a later kill. */
static void test_unconfirmed_log_hides_nothing(void **ctx)
{
	struct fixture *f = *ctx;
	open_monitor(f);
	sample(f);
	log_kill(f, 66, "unconfirmed", 1000);
	assert_int_equal(sample(f), 1);
	assert_true(f->seen[0].has_details);
	assert_int_equal(sample(f), 0); /* the counter did not follow */
	set_counter(f, 1);
	assert_int_equal(sample(f), 1);
	assert_false(f->seen[0].has_details);
	assert_int_equal(f->snap.kills_without_details, 1);
}

/* Three restarts, one new kill before each: every kill is reported exactly
 * once, indexes keep growing, and the saved events keep the exact comm. */
static void test_restarts_never_repeat(void **ctx)
{
	struct fixture *f = *ctx;
	static const char *const comms[] = { "evil) total-vm:1kB", "a|b c", "x=y,z" };
	open_monitor(f);
	assert_int_equal(sample(f), 0);
	for (int round = 0; round < 3; round++) {
		close_monitor(f);
		log_kill(f, 500 + round, comms[round], 9000000 + round);
		set_counter(f, round + 1);
		open_monitor(f);
		assert_int_equal(sample(f), 1);
		assert_int_equal(f->ret, 0);
		assert_false(f->snap.first_sample);
		assert_int_equal(f->seen[0].index, (uint64_t)round + 1);
		assert_int_equal(f->seen[0].kill.pid, 500 + round);
		assert_string_equal(f->seen[0].kill.comm, comms[round]);
		assert_int_equal(sample(f), 0);
	}
	close_monitor(f);
	open_monitor(f);
	assert_int_equal(sample(f), 0);
	size_t n;
	const struct oomw_event *ev = oomw_monitor_events(f->m, &n);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(ev[i].kill.comm, comms[i]);
}

/* A reboot: the counter restarts low. No negative delta, no false alarm; the
 * kills of the new boot are counted from 0; old events stay, not re-reported. */
static void test_new_boot_starts_fresh(void **ctx)
{
	struct fixture *f = *ctx;
	set_counter(f, 10);
	open_monitor(f);
	assert_int_equal(sample(f), 10);
	set_cgroup_kills(f, "db.service", 4);
	close_monitor(f);

	fwrite_path(f->proc, "sys/kernel/random/boot_id", BOOT_ID_2 "\n");
	set_counter(f, 2);
	set_cgroup_kills(f, "db.service", 1);
	log_kill(f, 900, "after-boot", 4000000);
	open_monitor(f);
	assert_int_equal(sample(f), 2);
	assert_false(f->snap.first_sample);
	assert_int_equal(count_details(f, true), 1);
	assert_int_equal(f->seen[0].kill.pid, 900);
	assert_int_equal(f->seen[0].index, 11);
	assert_int_equal(f->snap.kills_without_details, 1);
	/* The cgroup's counter restarted too: its kills are this boot's. */
	for (size_t i = 0; i < f->snap.n_cgroups; i++) {
		assert_true(f->snap.cgroups[i].oom_kill_delta >= 0);
		if (strcmp(f->snap.cgroups[i].stats.path, "/db.service") == 0)
			assert_int_equal(f->snap.cgroups[i].oom_kill_delta, 1);
	}
	size_t n;
	oomw_monitor_events(f->m, &n);
	assert_int_equal(n, 12);
	assert_int_equal(sample(f), 0);
	close_monitor(f);
	open_monitor(f);
	assert_int_equal(sample(f), 0);
}

/* Kernel < 4.13: no oom_kill in vmstat. The log is the only source. */
static void test_old_kernel_log_only(void **ctx)
{
	struct fixture *f = *ctx;
	fwrite_path(f->proc, "vmstat", "nr_free_pages 1\npgfault 2\n");
	log_kill(f, 31, "old", 1000000);
	open_monitor(f);
	assert_int_equal(sample(f), 1);
	assert_int_equal(f->snap.vmstat_err, 0);
	assert_int_equal(f->snap.oom_kill_total, OOMW_UNKNOWN);
	assert_int_equal(f->snap.kills_without_details, 0);
	log_kill(f, 32, "old2", 2000000);
	log_kill(f, 33, "old3", 2100000);
	assert_int_equal(sample(f), 2);
	assert_int_equal(count_details(f, true), 2);
	assert_int_equal(sample(f), 0);
}

static void test_corrupt_state_replaced(void **ctx)
{
	struct fixture *f = *ctx;
	write_file(f->state, "oomwatch-state 1\nboot_id=x\ngarbage\n", "w");
	set_counter(f, 1);
	open_monitor(f);
	assert_int_equal(sample(f), 1); /* never trusted: counted as from boot */
	assert_int_equal(f->snap.state_err, -EBADMSG);
	/* Known while the events are reported: a front end tells this first
	 * sample from one without any state file. */
	assert_int_equal(f->state_err_at_event, -EBADMSG);
	assert_non_null(f->snap.state_why);
	assert_true(f->snap.first_sample);
	assert_int_equal(f->ret, 0);
	struct oomw_state *st = malloc(sizeof(*st));
	assert_non_null(st);
	assert_int_equal(oomw_state_load(f->state, st, NULL), 0);
	assert_int_equal(st->vmstat_oom_kill, 1);
	free(st);
	assert_int_equal(sample(f), 0);
	assert_int_equal(f->snap.state_err, 0);
}

/* An unreadable log: kills are still counted, without details, and the
 * error is reported on every sample. When the log appears later, what the
 * counter already counted is not counted again from it. */
static void test_unreadable_log_counts(void **ctx)
{
	struct fixture *f = *ctx;
	char missing[160];
	snprintf(missing, sizeof(missing), "%s/no-such-log", f->dir);
	oomw_paths_set(f->cfg.paths.kmsg, missing);
	open_monitor(f);
	assert_int_equal(sample(f), 0);
	assert_int_equal(f->snap.klog_err, -ENOENT);
	set_counter(f, 2);
	assert_int_equal(sample(f), 2);
	assert_int_equal(count_details(f, false), 2);
	assert_int_equal(f->snap.klog_err, -ENOENT);
	assert_int_equal(f->snap.kills_without_details, 2);
	/* The log appears, holding the two kills already counted, then a new one. */
	write_file(missing,
		   "6,0,0,-;Linux version 6.18.0 (test) #1 SMP\n"
		   "3,1,100,-;Out of memory: Killed process 1 (a) total-vm:1kB, anon-rss:1kB, "
		   "file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1kB oom_score_adj:0\n",
		   "w");
	assert_int_equal(sample(f), 0);
	assert_int_equal(f->snap.klog_err, 0);
	write_file(missing,
		   "3,2,200,-;Out of memory: Killed process 2 (b) total-vm:1kB, anon-rss:1kB, "
		   "file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1kB oom_score_adj:0\n",
		   "a");
	set_counter(f, 3);
	assert_int_equal(sample(f), 1);
	assert_true(f->seen[0].has_details);
	assert_int_equal(f->seen[0].kill.pid, 2);
	assert_int_equal(f->snap.kills_without_details, 2);
}

static void test_log_none(void **ctx)
{
	struct fixture *f = *ctx;
	oomw_paths_set(f->cfg.paths.kmsg, OOMW_KMSG_NONE);
	log_kill(f, 1, "ignored", 100);
	set_counter(f, 1);
	open_monitor(f);
	struct pollfd fds[4];
	assert_int_equal(oomw_monitor_pollfds(f->m, fds, 4), 0);
	assert_int_equal(sample(f), 1);
	assert_false(f->seen[0].has_details);
	assert_int_equal(f->snap.klog_err, 0);
	assert_int_equal(f->snap.kills_without_details, 1);
}

/* Wall time: a dmesg -T line's own date; a kmsg record's monotonic time
 * plus the clock offset now; lines dated before this boot are history. */
/* Makes the fixture's /proc the running boot (its boot_id), so that the log's
 * monotonic times are dated with this kernel's clocks. */
static void set_live_boot(struct fixture *f)
{
	char id[64] = "";
	FILE *fp = fopen("/proc/sys/kernel/random/boot_id", "r");
	assert_non_null(fp);
	assert_non_null(fgets(id, sizeof(id), fp));
	fclose(fp);
	fwrite_path(f->proc, "sys/kernel/random/boot_id", id);
}

static void set_btime(struct fixture *f, int64_t secs)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "cpu  10 0 10 100 0 0 0 0 0 0\nbtime %lld\nprocesses 10\n",
		 (long long)secs);
	fwrite_path(f->proc, "stat", buf);
}

static void test_wall_time(void **ctx)
{
	struct fixture *f = *ctx;
	/* Monotonic, on the running boot: a record stamped 2 s ago. */
	set_live_boot(f);
	struct timespec mono;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	int64_t mono_usec = (int64_t)mono.tv_sec * 1000000 + mono.tv_nsec / 1000 - 2000000;
	log_kill(f, 60, "mono", mono_usec);
	set_counter(f, 1);
	open_monitor(f);
	assert_int_equal(sample(f), 1);
	int64_t want = f->snap.wall_usec - 2000000;
	assert_true(f->seen[0].wall_usec > want - 100000 && f->seen[0].wall_usec < want + 100000);
	assert_int_equal(f->seen[0].kill.wall_usec, f->seen[0].wall_usec);
	close_monitor(f);

	/* A dmesg -T text log (times in UTC here); btime is 2023-11-14T22:13:20Z. */
	setenv("TZ", "UTC", 1);
	tzset();
	char text[160];
	snprintf(text, sizeof(text), "%s/dmesg-T.log", f->dir);
	write_file(text,
		   "[Mon Jan  2 03:04:05 2023] Out of memory: Killed process 5 (before) total-vm:1kB, "
		   "anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:1kB oom_score_adj:0\n"
		   "[Tue Aug 12 03:54:03 2025] Memory cgroup out of memory: Killed process 3902942 "
		   "(php-fpm) total-vm:14740176kB, anon-rss:12625252kB, file-rss:0kB, "
		   "shmem-rss:156088kB, UID:1000 pgtables:26388kB oom_score_adj:0\n",
		   "w");
	oomw_paths_set(f->cfg.paths.kmsg, text);
	unlink(f->state);
	set_counter(f, 1);
	open_monitor(f);
	assert_int_equal(sample(f), 1);
	assert_int_equal(f->snap.klog_err, 0);
	assert_true(f->seen[0].has_details);
	assert_int_equal(f->seen[0].kill.pid, 3902942);
	assert_int_equal(f->seen[0].wall_usec, 1754970843LL * 1000000);
	assert_int_equal(f->snap.kills_without_details, 0);
}

/* Issue 10: a kmsg-format log of another boot (--proc of another machine, or
 * of an earlier boot) is dated by that boot's btime, not by the host's clocks:
 * btime = now - 250 s and a kill at 188 s is btime + 188 s however long this
 * host has been up. */
static void test_other_boot_dated_by_its_btime(void **ctx)
{
	struct fixture *f = *ctx;
	int64_t btime = (int64_t)time(NULL) - 250;
	set_btime(f, btime);
	log_kill(f, 70, "elsewhere", 188000000);
	set_counter(f, 1);
	open_monitor(f);
	assert_int_equal(sample(f), 1);
	assert_true(f->seen[0].has_details);
	assert_int_equal(f->seen[0].wall_usec, (btime + 188) * 1000000);
	assert_int_equal(f->seen[0].kill.wall_usec, (btime + 188) * 1000000);
	assert_int_equal(f->seen[0].kill.mono_usec, 188000000);
	close_monitor(f);

	/* Without a btime the boot's start is unknown: dated when noticed. */
	fwrite_path(f->proc, "stat", "cpu  1 2 3 4\n");
	unlink(f->state);
	open_monitor(f);
	assert_int_equal(sample(f), 1);
	assert_true(f->seen[0].wall_usec >= f->snap.wall_usec);
}

/* Issue 10: a kmsg record stamped near INT64_MAX overflowed when its boot time
 * was added, dating the kill in 1677. Such a time is no time: the kill keeps
 * its details and is dated when it was noticed. */
static void test_log_time_near_int64_max(void **ctx)
{
	struct fixture *f = *ctx;
	set_live_boot(f);
	log_kill(f, 71, "far", INT64_MAX - 5);
	set_btime(f, (int64_t)time(NULL) - 250);
	set_counter(f, 1);
	open_monitor(f);
	assert_int_equal(sample(f), 1);
	assert_true(f->seen[0].has_details);
	assert_int_equal(f->seen[0].kill.pid, 71);
	assert_int_equal(f->seen[0].kill.mono_usec, OOMW_UNKNOWN);
	assert_int_equal(f->seen[0].wall_usec, f->snap.wall_usec);
	close_monitor(f);
	/* The same on another boot (dated by btime + mono before). */
	fwrite_path(f->proc, "sys/kernel/random/boot_id", BOOT_ID_2 "\n");
	unlink(f->state);
	open_monitor(f);
	assert_int_equal(sample(f), 1);
	assert_int_equal(f->seen[0].wall_usec, f->snap.wall_usec);
	close_monitor(f);

	/* The largest stamp a record may carry, plus the boot time, is past what
	 * the state accepts: dated when noticed, so that the state saved with it
	 * loads again (else every start would refuse it and report it anew). */
	write_file(f->kmsg, "6,0,0,-;Linux version 6.18.0 (test) #1 SMP\n", "w");
	f->kmsg_seq = 1;
	log_kill(f, 72, "last", OOMW_TIME_USEC_MAX);
	unlink(f->state);
	open_monitor(f);
	assert_int_equal(sample(f), 1);
	assert_int_equal(f->seen[0].kill.mono_usec, OOMW_TIME_USEC_MAX);
	assert_int_equal(f->seen[0].wall_usec, f->snap.wall_usec);
	close_monitor(f);
	open_monitor(f);
	assert_int_equal(sample(f), 0);
	assert_int_equal(f->snap.state_err, 0);
	assert_false(f->snap.first_sample);
}

struct tally {
	size_t n, n_backlog;
	uint64_t first_index, last_index;
};

static void count_event(const struct oomw_event *ev, void *ctx)
{
	struct tally *t = ctx;
	/* One event per counted kill would take ~10^15 calls: fail at once. */
	assert_true(t->n < OOMW_STATE_EVENTS_MAX);
	if (t->n++ == 0)
		t->first_index = ev->index;
	t->last_index = ev->index;
	t->n_backlog += ev->backlog;
}

/* Issue 10: `oom_kill 1000000000000000` made the monitor emit one event per
 * counted kill (a hang). At most the ring's worth are events; the rest are
 * counted, said in kills_not_shown, and skipped in the indexes. */
static void test_huge_counter_jump_is_o1(void **ctx)
{
	struct fixture *f = *ctx;
	const int64_t huge = 1000000000000000LL;
	set_counter(f, huge);
	open_monitor(f);
	struct tally t = { 0 };
	assert_int_equal(oomw_monitor_sample(f->m, &f->snap, count_event, &t), 0);
	assert_int_equal(t.n, OOMW_STATE_EVENTS_MAX);
	assert_int_equal(t.n_backlog, OOMW_STATE_EVENTS_MAX);
	assert_int_equal(f->snap.oom_kill_total, huge);
	assert_int_equal(f->snap.kills_without_details, huge);
	assert_int_equal(f->snap.kills_not_shown, huge - OOMW_STATE_EVENTS_MAX);
	assert_int_equal(t.last_index, (uint64_t)huge);
	assert_int_equal(t.first_index, (uint64_t)(huge - OOMW_STATE_EVENTS_MAX + 1));
	size_t n;
	oomw_monitor_events(f->m, &n);
	assert_int_equal(n, OOMW_STATE_EVENTS_MAX);

	/* A second jump, now news (not backlog), from a restart on the state. */
	close_monitor(f);
	set_counter(f, 2 * huge);
	open_monitor(f);
	t = (struct tally){ 0 };
	assert_int_equal(oomw_monitor_sample(f->m, &f->snap, count_event, &t), 0);
	assert_int_equal(t.n, OOMW_STATE_EVENTS_MAX);
	assert_int_equal(t.n_backlog, 0);
	assert_int_equal(f->snap.kills_without_details, 2 * huge);
	assert_int_equal(f->snap.kills_not_shown, huge - OOMW_STATE_EVENTS_MAX);
	assert_int_equal(t.last_index, (uint64_t)(2 * huge));
	/* Nothing new: nothing shown, nothing skipped. */
	t = (struct tally){ 0 };
	assert_int_equal(oomw_monitor_sample(f->m, &f->snap, count_event, &t), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(f->snap.kills_not_shown, 0);
	/* Past OOMW_COUNTER_MAX the counter is refused as corrupt, not summed. */
	set_counter(f, INT64_MAX);
	t = (struct tally){ 0 };
	assert_int_equal(oomw_monitor_sample(f->m, &f->snap, count_event, &t), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(f->snap.vmstat_err, -EBADMSG);
	assert_non_null(strstr(f->snap.vmstat_why, "out of range"));
	assert_int_equal(f->snap.kills_without_details, 2 * huge);
}

/* Issue 10: a state file with negative or absurd counters was loaded and then
 * summed. It is corrupt: reported, and replaced by the next save. */
static void test_state_counters_out_of_range_replaced(void **ctx)
{
	struct fixture *f = *ctx;
	static const struct {
		int64_t vmstat, ahead, no_details, cgroup;
	} bad[] = {
		{ -5, 0, 0, 0 }, { INT64_MAX, 0, 0, 0 }, { 3, INT64_MAX - 1, 0, 0 },
		{ 3, -2, 0, 0 }, { 3, 0, INT64_MAX, 0 }, { 3, 0, -1, 0 },
		{ 3, 0, 0, -4 }, { 3, 0, 0, INT64_MAX },
	};
	struct oomw_state *st = malloc(sizeof(*st));
	assert_non_null(st);
	set_counter(f, 3);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		oomw_state_init(st);
		strcpy(st->boot_id, "4a5b6c7d-0000-4000-8000-00000000b001");
		st->vmstat_oom_kill = bad[i].vmstat;
		st->log_ahead = bad[i].ahead;
		st->kills_without_details = bad[i].no_details;
		st->n_cgroups = 1;
		strcpy(st->cgroups[0].path, "/a");
		st->cgroups[0].oom_kill = bad[i].cgroup;
		assert_int_equal(oomw_state_save(f->state, st), 0);
		open_monitor(f);
		/* Never trusted: the counter's 3 are counted as since boot. */
		assert_int_equal(sample(f), 3);
		assert_int_equal(f->snap.state_err, -EBADMSG);
		if (strstr(f->snap.state_why, "out of range") == NULL)
			fail_msg("case %zu: %s", i, f->snap.state_why);
		assert_true(f->snap.first_sample);
		assert_int_equal(oomw_state_load(f->state, st, NULL), 0);
		assert_int_equal(st->vmstat_oom_kill, 3);
		close_monitor(f);
	}
	free(st);
}

static void test_cgroup_deltas(void **ctx)
{
	struct fixture *f = *ctx;
	open_monitor(f);
	sample(f);
	assert_int_equal(f->snap.n_cgroups, 4);
	set_cgroup_kills(f, "db.service", 3);
	char dir[200];
	snprintf(dir, sizeof(dir), "%s/fs/cgroup/new.service", f->sys);
	assert_int_equal(mkdir(dir, 0755), 0);
	set_cgroup_kills(f, "new.service", 1);
	set_counter(f, 2);
	sample(f);
	assert_int_equal(f->snap.n_cgroups, 5);
	for (size_t i = 0; i < f->snap.n_cgroups; i++) {
		const struct oomw_snapshot_cgroup *c = &f->snap.cgroups[i];
		int64_t want = strcmp(c->stats.path, "/db.service") == 0    ? 1
			       : strcmp(c->stats.path, "/new.service") == 0 ? 1
									    : 0;
		assert_int_equal(c->oom_kill_delta, want);
	}
	/* Survives a restart: the counts are in the state. */
	close_monitor(f);
	set_cgroup_kills(f, "db.service", 5);
	open_monitor(f);
	sample(f);
	for (size_t i = 0; i < f->snap.n_cgroups; i++)
		if (strcmp(f->snap.cgroups[i].stats.path, "/db.service") == 0)
			assert_int_equal(f->snap.cgroups[i].oom_kill_delta, 2);
	close_monitor(f);
	/* No cgroup hierarchy: reported, not fatal. */
	snprintf(dir, sizeof(dir), "%s/nothing", f->dir);
	oomw_paths_set(f->cfg.paths.sys, dir);
	set_counter(f, 3);
	open_monitor(f);
	assert_int_equal(sample(f), 1);
	assert_int_equal(f->snap.cgroup_err, -ENOENT);
	assert_int_equal(f->snap.n_cgroups, 0);
}

/* More matching cgroups than a snapshot holds: reported, the first kept,
 * and the state still saves and loads. */
static void test_cgroup_overflow(void **ctx)
{
	struct fixture *f = *ctx;
	for (int i = 0; i < OOMW_SNAPSHOT_CGROUPS_MAX + 6; i++) {
		char rel[64], dir[256];
		snprintf(rel, sizeof(rel), "many-%03d", i);
		snprintf(dir, sizeof(dir), "%s/fs/cgroup/%s", f->sys, rel);
		assert_int_equal(mkdir(dir, 0755), 0);
		set_cgroup_kills(f, rel, i);
	}
	f->cfg.cgroup_globs[0] = "/many-*";
	open_monitor(f);
	sample(f);
	assert_int_equal(f->ret, 0);
	assert_int_equal(f->snap.cgroup_err, -E2BIG);
	assert_int_equal(f->snap.n_cgroups, OOMW_SNAPSHOT_CGROUPS_MAX);
	close_monitor(f);
	open_monitor(f);
	sample(f);
	assert_int_equal(f->snap.state_err, 0);
	assert_int_equal(f->snap.n_cgroups, OOMW_SNAPSHOT_CGROUPS_MAX);
}

/* logrotate renames the log and a new file takes its path: the kills written
 * to the new file are read, from its start, by a monitor that stays open. */
static void test_text_log_rotated(void **ctx)
{
	struct fixture *f = *ctx;
	open_monitor(f);
	sample(f);
	log_kill(f, 41, "before-rotate", 1000);
	set_counter(f, 1);
	assert_int_equal(sample(f), 1);
	char old[160];
	snprintf(old, sizeof(old), "%s.1", f->kmsg);
	assert_int_equal(rename(f->kmsg, old), 0);
	write_file(f->kmsg, "6,900,0,-;Linux version 6.18.0 (test) #1 SMP\n", "w");
	f->kmsg_seq = 901;
	log_kill(f, 42, "after-rotate", 2000);
	set_counter(f, 2);
	assert_int_equal(sample(f), 1);
	assert_true(f->seen[0].has_details);
	assert_int_equal(f->seen[0].kill.pid, 42);
	assert_int_equal(f->snap.klog_err, 0);
	/* And after a restart, nothing is read twice. */
	close_monitor(f);
	open_monitor(f);
	assert_int_equal(sample(f), 0);
}

/* The log fails part way (here: rotated, and the new path cannot be opened)
 * while the counter moves on: the kills it shows are counted without details
 * then, and must not be counted again when the log is readable later. */
static void test_log_failing_mid_sample_counts_once(void **ctx)
{
	struct fixture *f = *ctx;
	open_monitor(f);
	assert_int_equal(sample(f), 0);
	char old[160];
	snprintf(old, sizeof(old), "%s.1", f->kmsg);
	assert_int_equal(rename(f->kmsg, old), 0);
	assert_int_equal(mkdir(f->kmsg, 0700), 0); /* not a log */
	set_counter(f, 1);
	assert_int_equal(sample(f), 1);
	assert_false(f->seen[0].has_details);
	assert_int_equal(f->snap.klog_err, -EINVAL);
	/* The new file appears, holding the kill the counter already counted. */
	assert_int_equal(rmdir(f->kmsg), 0);
	write_file(f->kmsg, "6,900,0,-;Linux version 6.18.0 (test) #1 SMP\n", "w");
	f->kmsg_seq = 901;
	log_kill(f, 43, "counted", 3000);
	assert_int_equal(sample(f), 0);
	assert_int_equal(f->snap.klog_err, 0);
	assert_int_equal(f->snap.kills_without_details, 1);
	/* What comes next is read with its details. */
	log_kill(f, 44, "next", 4000);
	set_counter(f, 2);
	assert_int_equal(sample(f), 1);
	assert_true(f->seen[0].has_details);
	assert_int_equal(f->seen[0].kill.pid, 44);
}

/* A state file that cannot be written: the sample is still complete, the
 * error is the return value, and the events are not reported again. */
static void test_save_failure(void **ctx)
{
	struct fixture *f = *ctx;
	char bad[160];
	snprintf(bad, sizeof(bad), "%s/no-such-dir/state", f->dir);
	f->cfg.state_path = bad;
	set_counter(f, 1);
	open_monitor(f);
	assert_int_equal(sample(f), 1);
	assert_int_equal(f->ret, -ENOENT);
	assert_int_equal(f->snap.oom_kill_total, 1);
	assert_int_equal(f->snap.mem_err, 0);
	assert_int_equal(sample(f), 0);
	assert_int_equal(f->ret, -ENOENT);
}

/* A bad configuration is refused with the right errno, and nothing opened. */
static void test_bad_config(void **ctx)
{
	struct fixture *f = *ctx;
	f->cfg.cgroup_globs[0] = NULL;
	assert_int_equal(oomw_monitor_open(&f->cfg, &f->m), -EINVAL);
	assert_null(f->m);
	f->cfg.cgroup_globs[0] = "/*";
	f->cfg.n_cgroup_globs = OOMW_GLOBS_MAX + 1;
	assert_int_equal(oomw_monitor_open(&f->cfg, &f->m), -EINVAL);
	f->cfg.n_cgroup_globs = 1;
	static char long_glob[PATH_MAX + 1];
	memset(long_glob, '*', PATH_MAX);
	f->cfg.cgroup_globs[0] = long_glob;
	assert_int_equal(oomw_monitor_open(&f->cfg, &f->m), -ENAMETOOLONG);
	assert_null(f->m);
}

static void test_bad_sources_not_fatal(void **ctx)
{
	struct fixture *f = *ctx;
	fwrite_path(f->proc, "vmstat", "oom_kill twelve\n");
	fwrite_path(f->proc, "meminfo", "garbage\n");
	char gone[160];
	snprintf(gone, sizeof(gone), "%s/pressure/memory", f->proc);
	unlink(gone);
	open_monitor(f);
	log_kill(f, 8, "logged", 100);
	assert_int_equal(sample(f), 1);
	assert_int_equal(f->ret, 0);
	assert_int_equal(f->snap.vmstat_err, -EBADMSG);
	assert_non_null(f->snap.vmstat_why);
	assert_int_equal(f->snap.oom_kill_total, OOMW_UNKNOWN);
	assert_true(f->snap.mem_err < 0);
	assert_int_equal(f->snap.psi_err, -ENOENT);
	/* The logged kill waits for the counter: when it is readable again and
	 * shows that kill, nothing new is reported. */
	set_counter(f, 1);
	assert_int_equal(sample(f), 0);
	assert_int_equal(f->snap.kills_without_details, 0);
}

/* A comm with bytes the kernel escapes in /dev/kmsg (a tab, a backslash)
 * arrives decoded, and survives the state file across a restart exactly. */
static void test_escaped_comm_survives(void **ctx)
{
	struct fixture *f = *ctx;
	static const char want[] = "t\tb\\x41 (x)";
	open_monitor(f);
	sample(f);
	log_kill(f, 71, "t\\x09b\\x5cx41 (x)", 700);
	set_counter(f, 1);
	assert_int_equal(sample(f), 1);
	assert_int_equal(f->seen[0].kill.comm_len, strlen(want));
	assert_memory_equal(f->seen[0].kill.comm, want, sizeof(want));
	close_monitor(f);
	open_monitor(f);
	assert_int_equal(sample(f), 0);
	size_t n;
	const struct oomw_event *ev = oomw_monitor_events(f->m, &n);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].kill.comm_len, strlen(want));
	assert_memory_equal(ev[0].kill.comm, want, sizeof(want));
}

/* cgroup v2: one memory.events per matched cgroup to poll (POLLPRI); the v2
 * root has none; a cgroup that goes away is dropped. A regular log file is not
 * polled (it is always "readable"). */
static void test_pollfds(void **ctx)
{
	struct fixture *f = *ctx;
	struct pollfd fds[8];
	open_monitor(f);
	assert_int_equal(oomw_monitor_pollfds(f->m, fds, 8), 0);
	sample(f);
	assert_int_equal(oomw_monitor_pollfds(f->m, fds, 8), 3);
	for (size_t i = 0; i < 3; i++) {
		assert_true(fds[i].fd >= 0);
		assert_int_equal(fds[i].events, POLLPRI);
	}
	assert_int_equal(oomw_monitor_pollfds(f->m, fds, 2), 2);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -r '%s/fs/cgroup/app.slice/web.service'", f->sys);
	assert_int_equal(system(cmd), 0);
	sample(f);
	assert_int_equal(f->snap.n_cgroups, 3);
	assert_int_equal(oomw_monitor_pollfds(f->m, fds, 8), 2);
}

/* Records without kills move the cursor but do not cost a save each (a daemon
 * woken by every kernel message); a kill saves at once, cursor included. */
static void test_cursor_saved_with_kills(void **ctx)
{
	struct fixture *f = *ctx;
	struct oomw_state *st = malloc(sizeof(*st));
	assert_non_null(st);
	open_monitor(f);
	sample(f);
	assert_int_equal(oomw_state_load(f->state, st, NULL), 0);
	uint64_t cursor = st->klog_next_seq;
	write_file(f->kmsg, "6,1,500,-;eth0: link up\n", "a");
	f->kmsg_seq = 2;
	sample(f);
	assert_int_equal(oomw_state_load(f->state, st, NULL), 0);
	assert_int_equal(st->klog_next_seq, cursor);
	log_kill(f, 12, "k", 600);
	set_counter(f, 1);
	assert_int_equal(sample(f), 1);
	assert_int_equal(oomw_state_load(f->state, st, NULL), 0);
	assert_true(st->klog_next_seq > cursor);
	close_monitor(f);
	open_monitor(f);
	assert_int_equal(sample(f), 0);
	free(st);
}

/* The front end's delivery cursor: saved at once, kept across restarts,
 * never moved back nor past the last index handed out. */
static void test_notified_cursor_persists(void **ctx)
{
	struct fixture *f = *ctx;
	struct oomw_state *st = malloc(sizeof(*st));
	assert_non_null(st);
	open_monitor(f);
	sample(f);
	assert_int_equal(oomw_monitor_notified(f->m), 0);
	log_kill(f, 21, "a", 700);
	log_kill(f, 22, "b", 701);
	set_counter(f, 2);
	assert_int_equal(sample(f), 2);
	assert_int_equal(oomw_monitor_notified(f->m), 0);
	assert_int_equal(oomw_monitor_set_notified(f->m, f->seen[0].index), 0);
	assert_int_equal(oomw_state_load(f->state, st, NULL), 0);
	assert_int_equal(st->notified_index, f->seen[0].index);
	assert_int_equal(oomw_monitor_set_notified(f->m, 0), 0);
	assert_int_equal(oomw_monitor_notified(f->m), f->seen[0].index);
	close_monitor(f);
	open_monitor(f);
	assert_int_equal(sample(f), 0);
	assert_int_equal(oomw_monitor_notified(f->m), f->seen[0].index);
	assert_int_equal(oomw_monitor_set_notified(f->m, 1000), 0);
	assert_int_equal(oomw_monitor_notified(f->m), f->seen[1].index);
	free(st);
}

/* One run of a one-shot front end: open, sample, close; returns the events. */
static size_t one_shot(struct fixture *f)
{
	open_monitor(f);
	size_t n = sample(f);
	close_monitor(f);
	return n;
}

/* klog_only_when_counted: a run whose counter equals the saved one leaves the
 * log unread (a record that the counter does not show yet is not taken), and
 * the run after the counter moves names the kill from the saved cursor, once. */
static void test_klog_only_when_counted(void **ctx)
{
	struct fixture *f = *ctx;
	f->cfg.klog_only_when_counted = true;
	set_counter(f, 1);
	log_kill(f, 101, "before", 1000000);
	assert_int_equal(one_shot(f), 1); /* the first run reads the log */
	assert_int_equal(f->seen[0].kill.pid, 101);

	log_kill(f, 102, "quiet", 2000000);
	assert_int_equal(one_shot(f), 0); /* the counter did not move: skipped */
	assert_int_equal(f->snap.klog_err, 0);
	assert_int_equal(f->snap.oom_kill_total, 1);

	set_counter(f, 2);
	assert_int_equal(one_shot(f), 1);
	assert_true(f->seen[0].has_details);
	assert_int_equal(f->seen[0].kill.pid, 102);
	assert_int_equal(f->snap.kills_without_details, 0);
	assert_int_equal(one_shot(f), 0);

	/* The same monitor sampled again (a long-running front end) skips too. */
	open_monitor(f);
	assert_int_equal(sample(f), 0);
	log_kill(f, 103, "later", 3000000);
	set_counter(f, 3);
	assert_int_equal(sample(f), 1);
	assert_int_equal(f->seen[0].kill.pid, 103);
	close_monitor(f);
}

/* klog_only_when_counted still reads the log where the counter cannot prove
 * anything: a kernel without oom_kill in /proc/vmstat, an unreadable counter,
 * and kills the log showed that the counter has not confirmed yet. */
static void test_klog_only_when_counted_reads_when_unproven(void **ctx)
{
	struct fixture *f = *ctx;
	char vmstat[160];
	f->cfg.klog_only_when_counted = true;
	assert_int_equal(one_shot(f), 0); /* the baseline: the fixture's counter is 0 */
	snprintf(vmstat, sizeof(vmstat), "%s/vmstat", f->proc);
	assert_int_equal(unlink(vmstat), 0);
	log_kill(f, 202, "unreadable", 2000000);
	assert_int_equal(one_shot(f), 1); /* counter unreadable: the log is read */
	assert_int_equal(f->seen[0].kill.pid, 202);

	/* The counter readable again but not yet up: the logged kill is owed a
	 * confirmation, so the log is read, and a kill logged meanwhile is named. */
	set_counter(f, 0);
	log_kill(f, 203, "owed", 3000000);
	assert_int_equal(one_shot(f), 1);
	assert_int_equal(f->seen[0].kill.pid, 203);

	fwrite_path(f->proc, "vmstat", "nr_free_pages 123456\npgfault 99\n"); /* < 4.13 */
	log_kill(f, 204, "nocounter", 4000000);
	assert_int_equal(one_shot(f), 1);
	assert_int_equal(f->seen[0].kill.pid, 204);
}

/* check_oom opens the log before dropping CAP_SYSLOG and hands over the result:
 * an open that failed is reported even on a run that skips the log because the
 * counter did not move (the output must still say that names need CAP_SYSLOG). */
static void test_klog_handed_over_failure_reported_when_skipped(void **ctx)
{
	struct fixture *f = *ctx;
	f->cfg.klog_only_when_counted = true;
	assert_int_equal(one_shot(f), 0); /* the baseline, with a readable log */
	f->cfg.kmsg_opened = true;
	f->cfg.kmsg_fd = -EPERM;
	assert_int_equal(one_shot(f), 0); /* counter unchanged: the log is skipped */
	assert_int_equal(f->snap.klog_err, -EPERM);
	f->cfg.kmsg_opened = false;
	f->cfg.kmsg_fd = 0;
}

/* Appends a kernel record of kmsg_seq with text, to the file of kmsg records. */
static void log_record(struct fixture *f, const char *text)
{
	char rec[512];
	snprintf(rec, sizeof(rec), "6,%llu,5000000,-;%s\n", (unsigned long long)f->kmsg_seq++, text);
	write_file(f->kmsg, rec, "a");
}

static void set_mem_available(struct fixture *f, int64_t kib)
{
	char buf[256];
	snprintf(buf, sizeof(buf),
		 "MemTotal:       24683656 kB\nMemFree:        1000000 kB\n"
		 "MemAvailable:   %lld kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n",
		 (long long)kib);
	fwrite_path(f->proc, "meminfo", buf);
}

/* The kills db.service's row of the last snapshot shows; -1 without a row. */
static int64_t db_kills(const struct fixture *f)
{
	for (size_t i = 0; i < f->snap.n_cgroups; i++)
		if (strcmp(f->snap.cgroups[i].stats.path, "/db.service") == 0)
			return f->snap.cgroups[i].oom_kill_delta;
	return -1;
}

/* The fast path: a sample that read only kernel records unrelated to OOM
 * reuses the gauges of the sample before (the meminfo change is not seen);
 * a sample with no record (a timer's), a record of an OOM report, or a kill
 * reads them again; the kill is reported either way. */
static void test_log_wakeup_reuses_gauges(void **ctx)
{
	struct fixture *f = *ctx;
	set_mem_available(f, 1000);
	open_monitor(f);
	assert_int_equal(sample(f), 0);
	assert_int_equal(f->snap.mem.mem_available_kib, 1000);
	assert_int_equal(f->snap.n_cgroups > 0, 1);
	size_t n_cgroups = f->snap.n_cgroups;

	set_mem_available(f, 2000);
	log_record(f, "usb 1-1: new high-speed USB device number 2 using xhci_hcd");
	assert_int_equal(sample(f), 0);
	assert_int_equal(f->snap.mem.mem_available_kib, 1000); /* reused */
	assert_int_equal(f->snap.mem_err, 0);
	assert_int_equal(f->snap.n_cgroups, n_cgroups);

	assert_int_equal(sample(f), 0); /* no record: a timer's sample */
	assert_int_equal(f->snap.mem.mem_available_kib, 2000);

	set_mem_available(f, 3000);
	log_record(f, "stress invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0");
	assert_int_equal(sample(f), 0);
	assert_int_equal(f->snap.mem.mem_available_kib, 3000);

	set_mem_available(f, 4000);
	set_counter(f, 1);
	assert_int_equal(sample(f), 1); /* counted, not logged: a kill all the same */
	assert_int_equal(f->snap.mem.mem_available_kib, 4000);

	/* A cgroup's kill the log does not show: on a real cgroup v2, POLLPRI on
	 * its memory.events forbids the reuse; a file cannot signal it, so it
	 * shows at the next full sample, not lost. */
	set_cgroup_kills(f, "db.service", 7);
	log_record(f, "usb 1-1: USB disconnect, device number 2");
	assert_int_equal(sample(f), 0);
	assert_int_equal(db_kills(f), 0);
	assert_int_equal(sample(f), 0);
	assert_int_equal(db_kills(f), 5); /* 2 -> 7 */
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_first_sample_covers_boot),
		T(test_counter_plus_three_one_logged),
		T(test_candidates_scan_reused),
		T(test_candidates_not_scanned_before_a_notice),
		T(test_backlog_keeps_named_victims),
		T(test_backlog_waits_for_counter),
		T(test_log_ahead_not_counted_twice),
		T(test_unconfirmed_log_hides_nothing),
		T(test_restarts_never_repeat),
		T(test_new_boot_starts_fresh),
		T(test_old_kernel_log_only),
		T(test_corrupt_state_replaced),
		T(test_unreadable_log_counts),
		T(test_log_none),
		T(test_wall_time),
		T(test_other_boot_dated_by_its_btime),
		T(test_log_time_near_int64_max),
		T(test_huge_counter_jump_is_o1),
		T(test_state_counters_out_of_range_replaced),
		T(test_cgroup_deltas),
		T(test_cgroup_overflow),
		T(test_text_log_rotated),
		T(test_log_failing_mid_sample_counts_once),
		T(test_save_failure),
		T(test_bad_config),
		T(test_bad_sources_not_fatal),
		T(test_pollfds),
		T(test_escaped_comm_survives),
		T(test_cursor_saved_with_kills),
		T(test_notified_cursor_persists),
		T(test_klog_only_when_counted),
		T(test_klog_only_when_counted_reads_when_unproven),
		T(test_klog_handed_over_failure_reported_when_skipped),
		T(test_log_wakeup_reuses_gauges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
