/* SPDX-License-Identifier: MIT */
/* test_journal.c — the journal reader against real journal files, written by
 * systemd-journal-remote from export-format text this test writes: a kernel
 * OOM report from tests/fixtures (kernel transport), a forged userspace
 * "kernel" line, another boot's kill, systemd-oomd and earlyoom messages in
 * their current wording, a killer's name used by an ordinary user, rotation
 * into a second file, and resuming at a cursor. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "journal.h"
#include "monitor.h"
#include "oomparse.h"
#include "text.h"
#include "ukill.h"

#define JOURNAL_REMOTE "/lib/systemd/systemd-journal-remote"
#define BOOT "0123456789abcdef0123456789abcdef"
#define BOOT_DASHED "01234567-89ab-cdef-0123-456789abcdef"
#define OTHER_BOOT "fedcba9876543210fedcba9876543210"
/* 2025-11-29 08:00:00 UTC: the realtime stamps are BASE + the monotonic ones. */
#define BASE_USEC 1764403200000000LL
#define FIXTURE "tests/fixtures/kernel-log/linux-6.18-memcg-v1.kmsg"

#ifdef OOMW_HAVE_SYSTEMD

static char dir[] = "/tmp/test_journal.XXXXXX";

/* Export text being built: one entry after the other. */
static char *buf;
static size_t len, cap;

static void put(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	if (len + (size_t)n + 1 > cap) {
		cap = (len + (size_t)n + 1) * 2;
		buf = realloc(buf, cap);
		assert_non_null(buf);
	}
	va_start(ap, fmt);
	vsnprintf(buf + len, cap - len, fmt, ap);
	va_end(ap);
	len += (size_t)n;
}

/* One entry; extra holds more "FIELD=value\n" lines. */
static void entry(const char *boot, int64_t mono_usec, const char *extra, const char *message)
{
	put("__REALTIME_TIMESTAMP=%lld\n__MONOTONIC_TIMESTAMP=%lld\n_BOOT_ID=%s\n%sMESSAGE=%s\n\n",
	    (long long)(BASE_USEC + mono_usec), (long long)mono_usec + 50, boot, extra, message);
}

static void kernel_entry(const char *boot, int64_t mono_usec, const char *message)
{
	char extra[128];
	snprintf(extra, sizeof(extra),
		 "_TRANSPORT=kernel\nSYSLOG_FACILITY=0\nSYSLOG_IDENTIFIER=kernel\n_SOURCE_MONOTONIC_TIMESTAMP=%lld\n",
		 (long long)mono_usec);
	entry(boot, mono_usec, extra, message);
}

/* Writes the entries built so far into dir/name with systemd-journal-remote. */
static void write_journal(const char *name)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), JOURNAL_REMOTE " --output=%s/%s - >/dev/null 2>&1", dir, name);
	FILE *p = popen(cmd, "w");
	assert_non_null(p);
	assert_int_equal(fwrite(buf, 1, len, p), len);
	assert_int_equal(pclose(p), 0);
	len = 0;
}

/* Every record of the fixture as the kernel transport stores it: the text
 * decoded (journald undoes the kernel's \xNN escapes). */
static void fixture_entries(const char *boot)
{
	FILE *f = fopen(FIXTURE, "r");
	assert_non_null(f);
	char line[OOMW_KLOG_RECORD_MAX];
	while (fgets(line, sizeof(line), f)) {
		struct oomw_klog_record rec;
		assert_int_equal(oomw_klog_parse_kmsg(line, strlen(line), &rec), 0);
		char text[OOMW_KLOG_RECORD_MAX];
		oomw_unescape(rec.text, rec.text_len, text, sizeof(text));
		kernel_entry(boot, rec.mono_usec, text);
	}
	fclose(f);
}

static struct oomw_kill kills[8];
static size_t n_kills;

static void on_kill(const struct oomw_kill *k, void *ctx)
{
	(void)ctx;
	assert_true(n_kills < sizeof(kills) / sizeof(kills[0]));
	kills[n_kills++] = *k;
}

struct seen {
	size_t kernel, killer;
	struct oomw_ukill ukill[4];
	struct oomw_ukill_victim victim[4];
	size_t n_ukill;
};

/* Reads to the end, kernel records through oomparse, killers through ukill. */
static void read_all(struct oomw_journal *jr, struct seen *s)
{
	struct oomw_oomparse p;
	struct oomw_ukill_parser up;
	oomw_oomparse_init(&p, on_kill, NULL);
	oomw_ukill_parser_init(&up);
	memset(s, 0, sizeof(*s));
	n_kills = 0;
	struct oomw_journal_entry e;
	int r;
	while ((r = oomw_journal_read(jr, &e)) == 0) {
		if (e.origin == OOMW_JOURNAL_KERNEL) {
			s->kernel++;
			oomw_oomparse_feed(&p, &e.rec);
			continue;
		}
		s->killer++;
		assert_true(s->n_ukill < 4);
		if (oomw_ukill_feed(&up, e.killer, e.rec.text, e.rec.text_len, e.rec.mono_usec,
				    &s->ukill[s->n_ukill], &s->victim[s->n_ukill]) == 1)
			s->n_ukill++;
	}
	assert_int_equal(r, -EAGAIN);
	oomw_oomparse_flush(&p);
}

static int setup(void **state)
{
	(void)state;
	if (access(JOURNAL_REMOTE, X_OK) != 0) {
		fprintf(stderr, "%s missing: apt-get install systemd-journal-remote (make deps)\n",
			JOURNAL_REMOTE);
		return -1;
	}
	strcpy(dir, "/tmp/test_journal.XXXXXX");
	assert_non_null(mkdtemp(dir));
	len = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* The fixture's kill is named exactly as from /dev/kmsg; the forged line and
 * the other boot's kill are not the kernel's, or not this boot's. */
static void test_kernel_transport_only(void **state)
{
	(void)state;
	kernel_entry(
		OTHER_BOOT, 5000000,
		"Out of memory: Killed process 7 (oldboot) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0");
	fixture_entries(BOOT);
	entry(BOOT, 116000000,
	      "_TRANSPORT=syslog\nSYSLOG_IDENTIFIER=kernel\n_UID=1000\nSYSLOG_FACILITY=1\n",
	      "Out of memory: Killed process 1 (forged) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0");
	write_journal("system.journal");

	struct oomw_journal jr;
	const char *why;
	assert_int_equal(oomw_journal_open(&jr, dir, BOOT_DASHED, OOMW_KLOG_START_OLDEST, NULL, &why),
			 0);
	struct seen s;
	read_all(&jr, &s);
	oomw_journal_close(&jr);
	assert_int_equal(s.kernel, 80);
	assert_int_equal(s.killer, 0);
	assert_int_equal(n_kills, 1);
	assert_int_equal(kills[0].pid, 3882);
	assert_string_equal(kills[0].comm, "python3");
	assert_string_equal(kills[0].task_memcg, "/system.slice/batch.service");
	assert_int_equal(kills[0].anon_rss_kib, 65024);
	assert_int_equal(kills[0].mono_usec, 115924703);

	/* Every boot: the other boot's kill too, still not the forged one. */
	assert_int_equal(oomw_journal_open(&jr, dir, "", OOMW_KLOG_START_OLDEST, NULL, &why), 0);
	read_all(&jr, &s);
	oomw_journal_close(&jr);
	assert_int_equal(n_kills, 2);
	assert_string_equal(kills[0].comm, "oldboot");
	assert_string_equal(kills[1].comm, "python3");
}

/* A comm with a control byte comes back as the kernel wrote it. */
static void test_escapes_restored(void **state)
{
	(void)state;
	kernel_entry(
		BOOT, 1000000,
		"Out of memory: Killed process 9 (a\x01"
		"b\\x) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0");
	write_journal("system.journal");
	struct oomw_journal jr;
	const char *why;
	assert_int_equal(oomw_journal_open(&jr, dir, BOOT, OOMW_KLOG_START_OLDEST, NULL, &why), 0);
	struct seen s;
	read_all(&jr, &s);
	oomw_journal_close(&jr);
	assert_int_equal(n_kills, 1);
	assert_int_equal(kills[0].comm_len, 5);
	assert_memory_equal(kills[0].comm,
			    "a\x01"
			    "b\\x",
			    5);
}

#define OOMD_UNIT                                                                                  \
	"_TRANSPORT=journal\nSYSLOG_IDENTIFIER=systemd-oomd\n_SYSTEMD_UNIT=systemd-oomd.service\n_UID=108\n"
#define EARLYOOM_UNIT                                                                              \
	"_TRANSPORT=stdout\nSYSLOG_IDENTIFIER=earlyoom\n_SYSTEMD_UNIT=earlyoom.service\n_UID=0\n"

static void test_userspace_killers(void **state)
{
	(void)state;
	entry(BOOT, 2000000, OOMD_UNIT,
	      "Killed /user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox-4242.scope due to memory pressure for /user.slice/user-1000.slice/user@1000.service being 61.20% > 50.00% for > 20s with reclaim activity");
	entry(BOOT, 3000000, OOMD_UNIT,
	      "Killed /system.slice/batch.service due to memory used (8001662976) / total (8214507520) and swap used (1932525568) / total (2147479552) being more than 90.00%");
	entry(BOOT, 4000000, EARLYOOM_UNIT,
	      "mem avail:   402 of  7834 MiB ( 5.13%), swap free:    0 of    0 MiB ( 0.00%)");
	entry(BOOT, 4000100, EARLYOOM_UNIT,
	      "low memory! at or below SIGTERM limits: mem 10.00%, swap 10.00%");
	entry(BOOT, 4000200, EARLYOOM_UNIT,
	      "sending SIGTERM to process 4242 uid 1000 \"stress\": oom_score 912, oom_score_adj 0, VmRSS 7100 MiB, cmdline \"stress -m 1 --vm-bytes 7G\"");
	/* Anyone can log under a killer's name: not from its unit, not root. */
	entry(BOOT, 5000000, "_TRANSPORT=syslog\nSYSLOG_IDENTIFIER=earlyoom\n_UID=1000\n",
	      "sending SIGKILL to process 1 uid 0 \"systemd\": oom_score 1, oom_score_adj 0, VmRSS 10 MiB, cmdline \"init\"");
	write_journal("system.journal");

	struct oomw_journal jr;
	const char *why;
	assert_int_equal(oomw_journal_open(&jr, dir, BOOT, OOMW_KLOG_START_OLDEST, NULL, &why), 0);
	struct seen s;
	read_all(&jr, &s);
	assert_int_equal(jr.foreign, 1);
	oomw_journal_close(&jr);
	assert_int_equal(s.kernel, 0);
	assert_int_equal(n_kills, 0);
	assert_int_equal(s.killer, 5);
	assert_int_equal(s.n_ukill, 3);

	const struct oomw_ukill *u = &s.ukill[0];
	assert_int_equal(u->killer, OOMW_KILLER_SYSTEMD_OOMD);
	assert_int_equal(u->reason, OOMW_UKILL_REASON_PRESSURE);
	assert_string_equal(
		u->cgroup,
		"/user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox-4242.scope");
	assert_non_null(strstr(u->detail, "61.20% > 50.00%"));
	u = &s.ukill[1];
	assert_int_equal(u->reason, OOMW_UKILL_REASON_SWAP);
	assert_string_equal(u->cgroup, "/system.slice/batch.service");
	u = &s.ukill[2];
	assert_int_equal(u->killer, OOMW_KILLER_EARLYOOM);
	assert_int_equal(u->reason, OOMW_UKILL_REASON_LOW_MEMORY);
	assert_int_equal(u->signal, 15);
	assert_int_equal(u->oom_score, 912);
	assert_int_equal(u->rss_kib, 7100 * 1024);
	assert_int_equal(u->mem_avail_kib, 402 * 1024);
	assert_int_equal(u->mem_total_kib, 7834 * 1024);
	assert_int_equal(u->swap_total_kib, 0);
	assert_string_equal(u->detail, "at or below SIGTERM limits: mem 10.00%, swap 10.00%");
	assert_int_equal(s.victim[2].pid, 4242);
	assert_int_equal(s.victim[2].uid, 1000);
	assert_string_equal(s.victim[2].comm, "stress");
}

static void kill_line(int pid, const char *comm, char *out, size_t size)
{
	snprintf(out, size,
		 "Out of memory: Killed process %d (%s) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0",
		 pid, comm);
}

/* A cursor taken after the first file is where reading resumes, also once the
 * journal rotated into a second file; END starts after what is there. */
static void test_cursor_and_rotation(void **state)
{
	(void)state;
	char line[256];
	kill_line(10, "first", line, sizeof(line));
	kernel_entry(BOOT, 1000000, line);
	write_journal("system@0001-0001.journal");

	struct oomw_journal jr;
	const char *why;
	char cursor[OOMW_JOURNAL_CURSOR_MAX + 1];
	assert_int_equal(oomw_journal_open(&jr, dir, BOOT, OOMW_KLOG_START_OLDEST, NULL, &why), 0);
	assert_int_equal(oomw_journal_cursor(&jr, cursor, sizeof(cursor)), -ENODATA);
	struct seen s;
	read_all(&jr, &s);
	assert_int_equal(n_kills, 1);
	assert_int_equal(oomw_journal_cursor(&jr, cursor, sizeof(cursor)), 0);
	oomw_journal_close(&jr);

	kill_line(11, "second", line, sizeof(line));
	kernel_entry(BOOT, 2000000, line);
	write_journal("system.journal");

	assert_int_equal(oomw_journal_open(&jr, dir, BOOT, OOMW_KLOG_START_SEQ, cursor, &why), 0);
	read_all(&jr, &s);
	assert_int_equal(n_kills, 1);
	assert_string_equal(kills[0].comm, "second");
	oomw_journal_close(&jr);

	/* At the end: nothing old, but a cursor (the last entry) to resume at. */
	assert_int_equal(oomw_journal_open(&jr, dir, BOOT, OOMW_KLOG_START_END, NULL, &why), 0);
	assert_int_equal(oomw_journal_cursor(&jr, cursor, sizeof(cursor)), 0);
	read_all(&jr, &s);
	assert_int_equal(s.kernel, 0);
	oomw_journal_close(&jr);
	assert_int_equal(oomw_journal_open(&jr, dir, BOOT, OOMW_KLOG_START_SEQ, cursor, &why), 0);
	read_all(&jr, &s);
	assert_int_equal(s.kernel, 0);
	oomw_journal_close(&jr);
}

/* The fd wakes a poller when a journal file is added (rotation, a new file
 * of journal-remote); after oomw_journal_process the new entry is read. */
static void test_fd_wakes(void **state)
{
	(void)state;
	char line[256];
	kill_line(20, "before", line, sizeof(line));
	kernel_entry(BOOT, 1000000, line);
	write_journal("system@0001-0001.journal");
	struct oomw_journal jr;
	const char *why;
	assert_int_equal(oomw_journal_open(&jr, dir, BOOT, OOMW_KLOG_START_END, NULL, &why), 0);
	int fd = oomw_journal_fd(&jr);
	assert_true(fd >= 0);
	struct seen s;
	read_all(&jr, &s);
	assert_int_equal(s.kernel, 0);

	kill_line(21, "after", line, sizeof(line));
	kernel_entry(BOOT, 2000000, line);
	write_journal("system.journal");
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	/* Generous: only that it wakes at all is asserted, not how fast. */
	assert_int_equal(poll(&pfd, 1, 30000), 1);
	oomw_journal_process(&jr);
	read_all(&jr, &s);
	assert_int_equal(n_kills, 1);
	assert_string_equal(kills[0].comm, "after");
	oomw_journal_close(&jr);
}

static void on_event(const struct oomw_event *ev, void *ctx)
{
	struct oomw_event *out = ctx;
	*out = *ev;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* On the running boot, a kill the counter shows before journald stored it is
 * waited for, and named, instead of being reported without details. <proc> is
 * a copy with this boot's boot_id (so it is the running boot) and a counter
 * this test sets. */
static void test_monitor_waits_for_journald(void **state)
{
	(void)state;
	char path[PATH_MAX], boot_id[64] = "", boot_hex[40];
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	assert_non_null(f);
	assert_non_null(fgets(boot_id, sizeof(boot_id), f));
	fclose(f);
	boot_id[strcspn(boot_id, "\n")] = '\0';
	size_t n = 0;
	for (const char *c = boot_id; *c; c++)
		if (*c != '-')
			boot_hex[n++] = *c;
	boot_hex[n] = '\0';

	snprintf(path, sizeof(path), "mkdir -p %s/proc/sys/kernel/random %s/sys %s/j", dir, dir, dir);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof(path), "%s/proc/sys/kernel/random/boot_id", dir);
	write_file(path, boot_id);
	snprintf(path, sizeof(path), "%s/proc/vmstat", dir);
	write_file(path, "oom_kill 0\n");

	struct oomw_monitor_config cfg = { 0 };
	oomw_paths_default(&cfg.paths);
	snprintf(cfg.paths.proc, sizeof(cfg.paths.proc), "%s/proc", dir);
	snprintf(cfg.paths.sys, sizeof(cfg.paths.sys), "%s/sys", dir);
	strcpy(cfg.paths.kmsg, OOMW_KMSG_JOURNAL);
	snprintf(cfg.paths.journal_dir, sizeof(cfg.paths.journal_dir), "%s/j", dir);
	struct oomw_monitor *m;
	assert_int_equal(oomw_monitor_open(&cfg, &m), 0);
	static struct oomw_snapshot snap;
	struct oomw_event ev = { .index = 0 };
	oomw_monitor_sample(m, &snap, on_event, &ev);
	assert_int_equal(snap.klog_err, 0);
	assert_int_equal(ev.index, 0);
	struct pollfd fds[8];
	assert_true(oomw_monitor_pollfds(m, fds, 8) >= 1); /* the journal's fd, watching */

	/* The kernel counted a kill; journald stores it half a second later. */
	snprintf(path, sizeof(path), "%s/proc/vmstat", dir);
	write_file(path, "oom_kill 1\n");
	char line[256];
	kill_line(31, "late", line, sizeof(line));
	kernel_entry(boot_hex, 3000000, line);
	fflush(NULL);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		usleep(500000);
		write_journal("j/system.journal");
		_exit(0);
	}
	len = 0;
	oomw_monitor_sample(m, &snap, on_event, &ev);
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(status, 0);
	assert_int_equal(ev.index, 1);
	assert_true(ev.has_details);
	assert_string_equal(ev.kill.comm, "late");
	assert_int_equal(snap.kills_without_details, 0);
	oomw_monitor_close(m);
}

static void test_refusals(void **state)
{
	(void)state;
	struct oomw_journal jr;
	const char *why = NULL;
	assert_int_equal(
		oomw_journal_open(&jr, dir, "not-a-boot-id", OOMW_KLOG_START_OLDEST, NULL, &why),
		-EINVAL);
	assert_non_null(why);
	assert_int_equal(oomw_journal_open(&jr, dir, BOOT, OOMW_KLOG_START_SEQ, "", &why), -EINVAL);
	assert_non_null(why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kernel_transport_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escapes_restored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_userspace_killers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cursor_and_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_wakes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor_waits_for_journald, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	free(buf);
	return r;
}
#else
/* Built without libsystemd: the journal is refused, with the reason. */
static void test_refused_without_libsystemd(void **state)
{
	(void)state;
	struct oomw_journal jr;
	const char *why = NULL;
	assert_int_equal(oomw_journal_open(&jr, NULL, BOOT, OOMW_KLOG_START_OLDEST, NULL, &why),
			 -EOPNOTSUPP);
	assert_non_null(strstr(why, "libsystemd"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_without_libsystemd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
#endif
