/* SPDX-License-Identifier: MIT */
/* test_klog.c — the kernel-log reader: kmsg record and text-line parsing, reading
 * fixture files through oomw_klog_open/read, cursors, gaps, rotation, and a live
 * round trip through the real /dev/kmsg when root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "klog.h"
#include "oomw.h"

#define USEC 1000000LL

static const char *fixtures_dir(void)
{
	const char *d = getenv("OOMW_FIXTURES");
	return d && *d ? d : "tests/fixtures";
}

static void fixture_path(char *out, size_t size, const char *rel)
{
	assert_int_equal(oomw_path_join(out, size, fixtures_dir(), rel), 0);
}

static void assert_text(const struct oomw_klog_record *r, const char *want)
{
	if (r->text_len != strlen(want) || memcmp(r->text, want, r->text_len) != 0)
		fail_msg("text '%.*s', expected '%s'", (int)r->text_len, r->text, want);
}

/* ---- a scratch directory for files the tests write ---- */

static char scratch[64];

static int make_scratch(void **state)
{
	(void)state;
	snprintf(scratch, sizeof(scratch), "/tmp/oomw-test-klog.XXXXXX");
	return mkdtemp(scratch) ? 0 : -1;
}

static int remove_scratch(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	return system(cmd) == 0 ? 0 : -1;
}

static void scratch_file(char *out, size_t size, const char *name, const char *content)
{
	assert_int_equal(oomw_path_join(out, size, scratch, name), 0);
	FILE *f = fopen(out, "w");
	assert_non_null(f);
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
}

static void append(const char *path, const char *content)
{
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
}

/* ---- oomw_klog_parse_kmsg ---- */

static void test_kmsg_good(void **state)
{
	(void)state;
	struct oomw_klog_record r;
	const char *rec = "6,123,456789,-;hello world";
	assert_int_equal(oomw_klog_parse_kmsg(rec, strlen(rec), &r), 0);
	assert_int_equal(r.prio, 6);
	assert_int_equal(r.facility, 0);
	assert_int_equal(r.seq, 123);
	assert_int_equal(r.mono_usec, 456789);
	assert_int_equal(r.wall_usec, OOMW_UNKNOWN);
	assert_text(&r, "hello world");

	/* caller= (5.10+), unknown future fields, the 'c' flag */
	rec = "4,5,6,c,caller=T123,newfield=x;msg; with; semicolons";
	assert_int_equal(oomw_klog_parse_kmsg(rec, strlen(rec), &r), 0);
	assert_int_equal(r.prio, 4);
	assert_int_equal(r.seq, 5);
	assert_text(&r, "msg; with; semicolons");

	/* kernel 3.5: no flag field */
	rec = "3,7,8;old format";
	assert_int_equal(oomw_klog_parse_kmsg(rec, strlen(rec), &r), 0);
	assert_int_equal(r.seq, 7);
	assert_int_equal(r.mono_usec, 8);
	assert_text(&r, "old format");

	/* continuation lines are not part of the text; the trailing newline neither */
	rec = "6,1,2,-;text\n SUBSYSTEM=memory\n DEVICE=+memory:x\n";
	assert_int_equal(oomw_klog_parse_kmsg(rec, strlen(rec), &r), 0);
	assert_text(&r, "text");

	/* written by a process: facility user */
	rec = "14,9,10,-;probe";
	assert_int_equal(oomw_klog_parse_kmsg(rec, strlen(rec), &r), 0);
	assert_int_equal(r.prio, 6);
	assert_int_equal(r.facility, 1);

	/* 64-bit sequence numbers; empty text */
	rec = "0,18446744073709551615,0,-;";
	assert_int_equal(oomw_klog_parse_kmsg(rec, strlen(rec), &r), 0);
	assert_int_equal(r.seq, UINT64_MAX);
	assert_int_equal(r.text_len, 0);
}

static void test_kmsg_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"6,123,456,-", /* no ';' */
		"6,123;msg",   /* missing usec */
		"6;msg",       /* missing seq and usec */
		";msg",
		"6,x,456,-;msg", /* non-numeric seq */
		"6,12a,456,-;msg",
		",123,456,-;msg", /* empty prio */
		"6,,456,-;msg",
		"-6,1,2,-;msg", /* negative */
		"6,1,-2,-;msg",
		"6,18446744073709551616,2,-;msg", /* seq overflows 64 bits */
		"6,1,9223372036854775808,-;msg",  /* usec does not fit int64 */
		"99999999999,1,2,-;msg",          /* prio out of range */
		" 6,1,2,-;msg",
		"6,1,2,-\n;msg", /* ';' only on a continuation line */
		"Jun 24 18:49:43 host kernel: a;b",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct oomw_klog_record r;
		if (oomw_klog_parse_kmsg(bad[i], strlen(bad[i]), &r) != -EBADMSG)
			fail_msg("accepted malformed record '%s'", bad[i]);
	}
}

/* Issue 10: a timestamp near INT64_MAX overflowed once a boot time was added
 * (the kill was dated in 1677). Past OOMW_TIME_USEC_MAX the record stays, with
 * no time; up to it the time is kept. */
static void test_kmsg_time_bounded(void **state)
{
	(void)state;
	struct oomw_klog_record r;
	static const char far[] = "3,7,9223372036854775807,-;Killed process 1 (x)";
	assert_int_equal(oomw_klog_parse_kmsg(far, strlen(far), &r), 0);
	assert_int_equal(r.mono_usec, OOMW_UNKNOWN);
	assert_int_equal(r.seq, 7);
	static const char last[] = "3,7,253402300799000000,-;x";
	assert_int_equal(oomw_klog_parse_kmsg(last, strlen(last), &r), 0);
	assert_int_equal(r.mono_usec, OOMW_TIME_USEC_MAX);
	static const char past[] = "3,7,253402300799000001,-;x";
	assert_int_equal(oomw_klog_parse_kmsg(past, strlen(past), &r), 0);
	assert_int_equal(r.mono_usec, OOMW_UNKNOWN);
	/* Text logs: a dmesg "[ts]" and a short-unix date of 12 digits. */
	static const char ts[] = "[999999999999.999999] Killed process 1 (x)";
	assert_int_equal(oomw_klog_parse_text(ts, strlen(ts), &r), 0);
	assert_int_equal(r.mono_usec, OOMW_UNKNOWN);
	assert_memory_equal(r.text, "Killed", 6);
	static const char unix_date[] = "999999999999.5 host kernel: Killed process 1 (x)";
	assert_int_equal(oomw_klog_parse_text(unix_date, strlen(unix_date), &r), 0);
	assert_int_equal(r.wall_usec, OOMW_UNKNOWN);
	assert_memory_equal(r.text, "Killed", 6);
	/* Dates whose zone offset takes them before 1970 or past 9999. */
	static const char *const out_of_range[] = {
		"1970-01-01T00:00:00+05:00 host kernel: Killed process 1 (x)",
		"9999-12-31T23:59:59-05:00 host kernel: Killed process 1 (x)",
		"9999-12-31T23:59:59.5Z host kernel: Killed process 1 (x)",
	};
	for (size_t i = 0; i < sizeof(out_of_range) / sizeof(out_of_range[0]); i++) {
		assert_int_equal(oomw_klog_parse_text(out_of_range[i], strlen(out_of_range[i]), &r), 0);
		if (r.wall_usec != OOMW_UNKNOWN)
			fail_msg("'%s' dated %lld", out_of_range[i], (long long)r.wall_usec);
		assert_memory_equal(r.text, "Killed", 6);
	}
	static const char last_date[] = "9999-12-31T23:59:59Z host kernel: x";
	assert_int_equal(oomw_klog_parse_text(last_date, strlen(last_date), &r), 0);
	assert_int_equal(r.wall_usec, OOMW_TIME_USEC_MAX);
}

/* ---- oomw_klog_parse_text ---- */

static void parse_ok(const char *line, struct oomw_klog_record *r)
{
	int rc = oomw_klog_parse_text(line, strlen(line), r);
	if (rc != 0)
		fail_msg("'%s' gave %d", line, rc);
}

static void test_text_dmesg(void **state)
{
	(void)state;
	struct oomw_klog_record r;
	parse_ok("[   47.102375] Out of memory: Kill process", &r);
	assert_int_equal(r.mono_usec, 47102375);
	assert_int_equal(r.wall_usec, OOMW_UNKNOWN);
	assert_int_equal(r.prio, -1);
	assert_int_equal(r.facility, -1);
	assert_text(&r, "Out of memory: Kill process");

	parse_ok("[123456.5] x\r\n", &r);
	assert_int_equal(r.mono_usec, 123456500000LL);
	assert_text(&r, "x");

	/* dmesg -r: raw priority */
	parse_ok("<3>[    1.000001] Killed process", &r);
	assert_int_equal(r.prio, 3);
	assert_int_equal(r.facility, 0);
	assert_int_equal(r.mono_usec, 1000001);
	assert_text(&r, "Killed process");

	/* not a timestamp: the bracket stays in the text */
	parse_ok("[abc] text", &r);
	assert_int_equal(r.mono_usec, OOMW_UNKNOWN);
	assert_text(&r, "[abc] text");

	/* no prefix at all (old kernels' saved logs) */
	parse_ok("Killed process 6576 (mysqld) total-vm:1kB", &r);
	assert_int_equal(r.mono_usec, OOMW_UNKNOWN);
	assert_text(&r, "Killed process 6576 (mysqld) total-vm:1kB");
}

/* The reader skips the date prefixes after a plain "[ts] " stamp whose text
 * cannot start a date; where it could, the prefixes are still tried, in
 * order, as for any line: a ctime date may follow a stamp, taking the stamp's
 * number as its month ("5" is May) or, after a stamp without blanks, the
 * stamp as its weekday and the text's first word as its month. */
static void test_text_dmesg_stamp_then_date(void **state)
{
	(void)state;
	struct oomw_klog_record r;
	parse_ok("[    5.000000] 12 10:00:00 2025 kernel: x", &r);
	assert_int_equal(r.mono_usec, OOMW_UNKNOWN);
	assert_int_equal(r.wall_usec, 1747044000000000LL); /* 2025-05-12 10:00:00 UTC */
	assert_text(&r, "x");
	parse_ok("[12345.678901] x 12 10:00:00 2025 kernel: y", &r);
	assert_int_equal(r.mono_usec, OOMW_UNKNOWN);
	assert_int_equal(r.wall_usec, OOMW_UNKNOWN); /* "x" is no month */
	assert_text(&r, "y");
	assert_int_equal(oomw_klog_parse_text("[12345.678901] x 12 10:00:00 2025 sshd: y", 41, &r),
			 -ENOMSG);
	/* the plain shapes: a stamp, then the kernel's text */
	parse_ok("[12345.678901] cache 0", &r);
	assert_int_equal(r.mono_usec, 12345678901LL);
	assert_int_equal(r.wall_usec, OOMW_UNKNOWN);
	assert_text(&r, "cache 0");
	parse_ok("[    5.000014]  dump_stack_lvl+0x57/0x80", &r);
	assert_int_equal(r.mono_usec, 5000014);
	assert_text(&r, " dump_stack_lvl+0x57/0x80");
}

static void test_text_dmesg_T_locales(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		int64_t wall_secs; /* 0: unknown */
	} cases[] = {
		{ "[Fri Jan 15 09:00:12 2021] msg", 1610701212 },
		{ "[Fri Jan  5 09:00:12 2021] msg", 1609837212 },
		{ "[Di Aug 12 03:54:03 2025] msg", 1754970843 },
		{ "[Mi Mär  5 01:02:03 2025] msg", 1741136523 },
		{ "[Do Dez 25 00:00:00 2025] msg", 1766620800 },
		{ "[mar. août 12 03:54:03 2025] msg", 1754970843 },
		{ "[jeu. févr. 27 10:00:00 2025] msg", 1740650400 },
		{ "[mar ago 12 03:54:03 2025] msg", 1754970843 }, /* es, it */
		{ "[wto sie 12 03:54:03 2025] msg", 1754970843 }, /* pl */
		{ "[di aug 12 03:54:03 2025] msg", 1754970843 },  /* nl */
		{ "[tis aug 12 03:54:03 2025] msg", 1754970843 }, /* sv */
		{ "[ter ago 12 03:54:03 2025] msg", 1754970843 }, /* pt */
		{ "[вт авг 12 03:54:03 2025] msg", 1754970843 },  /* ru */
		{ "[火  8月 12 03:54:03 2025] msg", 1754970843 }, /* ja */
		{ "[Xyz Foo 12 03:54:03 2025] msg", 0 },          /* unknown month */
		{ "[Fri Feb 30 09:00:12 2021] msg", 0 },          /* no such day */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct oomw_klog_record r;
		parse_ok(cases[i].line, &r);
		int64_t want = cases[i].wall_secs ? cases[i].wall_secs * USEC : OOMW_UNKNOWN;
		if (r.wall_usec != want)
			fail_msg("'%s': wall %lld, expected %lld", cases[i].line,
				 (long long)r.wall_usec, (long long)want);
		assert_int_equal(r.mono_usec, OOMW_UNKNOWN);
		assert_text(&r, "msg"); /* the message is parsed even when the date is not */
	}
}

/* The latest year that puts month/day no later than now + 1 day. */
static int64_t expected_syslog_wall(int mon, int day, int h, int mi, int s)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	for (int y = tm.tm_year + 1900 + 1;; y--) {
		struct tm t = { .tm_year = y - 1900,
				.tm_mon = mon - 1,
				.tm_mday = day,
				.tm_hour = h,
				.tm_min = mi,
				.tm_sec = s };
		time_t w = timegm(&t);
		if (t.tm_mday == day && w <= now + 86400)
			return (int64_t)w * USEC;
	}
}

/* Syslog lines tagged by a userspace OOM killer: its message, marked as its. */
static void test_text_userspace_killers(void **state)
{
	(void)state;
	struct oomw_klog_record r;
	parse_ok("Nov 29 08:07:50 host earlyoom[812]: sending SIGTERM to process 4242 uid 1000 \"stress\": oom_score 912",
		 &r);
	assert_int_equal(r.killer, OOMW_KILLER_EARLYOOM);
	assert_text(&r, "sending SIGTERM to process 4242 uid 1000 \"stress\": oom_score 912");
	parse_ok("2025-11-29T08:06:10.123456+00:00 host systemd-oomd[600]: Killed /a.scope due to x",
		 &r);
	assert_int_equal(r.killer, OOMW_KILLER_SYSTEMD_OOMD);
	assert_text(&r, "Killed /a.scope due to x");
	parse_ok("Nov 29 08:07:50 host kernel: Out of memory: Killed process", &r);
	assert_int_equal(r.killer, OOMW_KILLER_KERNEL);
	struct oomw_klog_record other;
	assert_int_equal(oomw_klog_parse_text("Nov 29 08:07:50 host earlyoomd[1]: x", 36, &other),
			 -ENOMSG);
}

static void test_text_syslog(void **state)
{
	(void)state;
	struct oomw_klog_record r;
	parse_ok("Jun 24 18:49:43 aks-node kernel: [ 8341.868335] Tasks in /x are going", &r);
	assert_int_equal(r.mono_usec, 8341868335LL);
	assert_int_equal(r.wall_usec, expected_syslog_wall(6, 24, 18, 49, 43));
	assert_text(&r, "Tasks in /x are going");

	/* journalctl -k (short): no [ts]; day padded; precise variant */
	parse_ok("Aug  2 03:54:03 host kernel: Out of memory: Killed process", &r);
	assert_int_equal(r.mono_usec, OOMW_UNKNOWN);
	assert_int_equal(r.wall_usec, expected_syslog_wall(8, 2, 3, 54, 3));
	assert_text(&r, "Out of memory: Killed process");
	parse_ok("Aug  2 03:54:03.250000 host kernel: x", &r);
	assert_int_equal(r.wall_usec, expected_syslog_wall(8, 2, 3, 54, 3) + 250000);

	/* today is never in the future, a date a week ahead is last year's */
	time_t ahead = time(NULL) + 7 * 86400;
	struct tm tm;
	gmtime_r(&ahead, &tm);
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char line[128];
	snprintf(line, sizeof(line), "%s %2d 12:00:00 h kernel: x", mon[tm.tm_mon], tm.tm_mday);
	parse_ok(line, &r);
	assert_true(r.wall_usec < (int64_t)time(NULL) * USEC);
	assert_true(r.wall_usec > ((int64_t)time(NULL) - 366 * 86400) * USEC);

	/* another program's line, even one that imitates the kernel */
	static const char *const others[] = {
		"Jun 24 18:49:41 web1 evil[666]: Out of memory: Killed process 1 (init)",
		"Jun 24 18:49:41 web1 sshd[1]: Accepted publickey",
		"Jun 24 18:49:41 web1 kernelx: Killed process 1 (init)",
		"Jun 24 18:49:41 web1 logger: kernel: Killed process 1 (init)",
		"2025-08-12T03:54:04+0200 web1 logger: Out of memory: Killed process 3 (fake)",
		"[ 8341.900000] web1 sudo[77]: Out of memory: Killed process 4401 (fake)",
		"-- Boot 0123456789abcdef --",
		"-- No entries --",
		"",
		"\n",
	};
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (oomw_klog_parse_text(others[i], strlen(others[i]), &r) != -ENOMSG)
			fail_msg("'%s' taken as a kernel message", others[i]);
}

static void test_text_iso_and_journal(void **state)
{
	(void)state;
	struct oomw_klog_record r;
	const int64_t base = 1754970843LL * USEC; /* 2025-08-12T03:54:03Z */
	parse_ok("2025-08-12T03:54:03.123456+02:00 web1 kernel: msg", &r);
	assert_int_equal(r.wall_usec, base - 7200 * USEC + 123456);
	assert_text(&r, "msg");
	parse_ok("2025-08-12T03:54:03+0200 web1 kernel: msg", &r);
	assert_int_equal(r.wall_usec, base - 7200 * USEC);
	parse_ok("2025-08-12T03:54:03Z web1 kernel: msg", &r);
	assert_int_equal(r.wall_usec, base);
	parse_ok("2025-08-12T03:54:03,5-03:30 web1 kernel: msg", &r);
	assert_int_equal(r.wall_usec, base + (3 * 3600 + 1800) * USEC + 500000);
	parse_ok("2025-08-12T03:54:03 web1 kernel: [   12.000001] msg", &r); /* no offset: UTC */
	assert_int_equal(r.wall_usec, base);
	assert_int_equal(r.mono_usec, 12000001);
	assert_text(&r, "msg");

	/* a date and nothing after it is no prefix */
	parse_ok("2025-08-12T03:54:03", &r);
	assert_int_equal(r.wall_usec, OOMW_UNKNOWN);
	assert_text(&r, "2025-08-12T03:54:03");

	/* dmesg --time-format=iso: no host, the kernel's text follows */
	parse_ok("2025-08-12T03:54:03,123456+02:00 Out of memory: x", &r);
	assert_int_equal(r.wall_usec, base - 7200 * USEC + 123456);
	assert_text(&r, "Out of memory: x");

	/* journalctl -o short-unix */
	parse_ok("1754970843.123456 web1 kernel: msg", &r);
	assert_int_equal(r.wall_usec, base + 123456);
	assert_text(&r, "msg");
	assert_int_equal(oomw_klog_parse_text("1754970843.1 web1 sshd[1]: x", 28, &r), -ENOMSG);

	/* dmesg -x */
	parse_ok("kern  :err   : [   47.102375] Out of memory: x", &r);
	assert_int_equal(r.facility, 0);
	assert_int_equal(r.prio, 3);
	assert_int_equal(r.mono_usec, 47102375);
	assert_text(&r, "Out of memory: x");
	parse_ok("user  :notice: [    1.000000] hello", &r);
	assert_int_equal(r.facility, 1);
	assert_int_equal(r.prio, 5);
	assert_text(&r, "hello");
	parse_ok("local7:debug : x", &r);
	assert_int_equal(r.facility, 23);
	assert_int_equal(r.prio, 7);
	parse_ok("auth: something else", &r); /* not a level: kernel text */
	assert_int_equal(r.facility, -1);
	assert_text(&r, "auth: something else");

	/* journalctl -o short-full: a zone name is taken as UTC */
	parse_ok("Tue 2025-08-12 03:54:03 CEST web1 kernel: msg", &r);
	assert_int_equal(r.wall_usec, base);
	assert_text(&r, "msg");
	assert_int_equal(oomw_klog_parse_text("Tue 2025-08-12 03:54:03 CEST web1 cron[1]: x", 44, &r),
			 -ENOMSG);

	/* dmesg -e / -H: relative times, no date */
	parse_ok("[Aug12 03:54] Out of memory: x", &r);
	assert_int_equal(r.wall_usec, OOMW_UNKNOWN);
	assert_text(&r, "Out of memory: x");
	parse_ok("[  +0.000123] Killed process", &r);
	assert_int_equal(r.mono_usec, OOMW_UNKNOWN);
	assert_text(&r, "Killed process");
	parse_ok("[drm] Initialized", &r); /* a kernel message's own brackets stay */
	assert_text(&r, "[drm] Initialized");

	/* busybox syslogd and OpenWrt logread: facility.level before the tag */
	parse_ok("Aug 12 03:54:03 router kern.warn kernel: [  123.456000] msg", &r);
	assert_int_equal(r.facility, 0);
	assert_int_equal(r.prio, 4);
	assert_int_equal(r.mono_usec, 123456000);
	assert_text(&r, "msg");
	parse_ok("Tue Aug 12 03:54:03 2025 kern.err kernel: [  123.456000] msg", &r);
	assert_int_equal(r.wall_usec, base);
	assert_int_equal(r.facility, 0);
	assert_int_equal(r.prio, 3);
	assert_text(&r, "msg");
	parse_ok("Tue Aug 12 03:54:03 2025 user.err kernel: forged", &r); /* logger -t kernel */
	assert_int_equal(r.facility, 1);
	static const char *const not_kernel[] = {
		"Tue Aug 12 03:54:03 2025 daemon.info dnsmasq[1]: x",
		"Aug 12 03:54:03 router daemon.info dnsmasq[1]: x",
		"Aug 12 03:54:03 router kern.warn other: x",
	};
	for (size_t i = 0; i < sizeof(not_kernel) / sizeof(not_kernel[0]); i++)
		if (oomw_klog_parse_text(not_kernel[i], strlen(not_kernel[i]), &r) != -ENOMSG)
			fail_msg("'%s' taken as a kernel message", not_kernel[i]);

	/* journalctl -o short-monotonic */
	parse_ok("[ 8341.868335] web1 kernel: Out of memory: x", &r);
	assert_int_equal(r.mono_usec, 8341868335LL);
	assert_text(&r, "Out of memory: x");
	/* a kernel message that merely has a colon stays whole */
	parse_ok("[    1.5] usb 1-1: new high-speed USB device", &r);
	assert_text(&r, "usb 1-1: new high-speed USB device");
}

/* ---- reading files ---- */

struct counts {
	size_t records, bad;
	struct oomw_klog_record last;
};

static int drain(struct oomw_klog *k, struct counts *c)
{
	struct oomw_klog_record r;
	int rc;
	while ((rc = oomw_klog_read(k, &r)) == 0 || rc == -EBADMSG) {
		if (rc == 0) {
			c->records++;
			c->last = r;
		} else {
			c->bad++;
		}
	}
	return rc;
}

static void test_read_fixture_kmsg(void **state)
{
	(void)state;
	char path[1024];
	struct oomw_klog k;
	struct counts c = { 0 };
	fixture_path(path, sizeof(path), "kernel-log/linux-6.18-memcg-v1.kmsg");
	assert_int_equal(oomw_klog_open(&k, path, OOMW_KLOG_START_OLDEST, 0), 0);
	assert_int_equal(k.kind, OOMW_KLOG_KMSG_FILE);
	assert_int_equal(drain(&k, &c), -EAGAIN);
	assert_int_equal(c.records, 80);
	assert_int_equal(c.bad, 0);
	assert_int_equal(k.missed, 0);
	assert_int_equal(c.last.seq, 423); /* the kmsg seq, not the offset */
	assert_int_equal(c.last.prio, 3);
	assert_int_equal(c.last.mono_usec, 115924703);
	assert_true(c.last.text_len > 0 &&
		    memcmp(c.last.text, "Memory cgroup out of memory: Killed", 35) == 0);
	/* the cursor is the file offset: the whole file read */
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	assert_int_equal(k.next_seq, (uint64_t)ftell(f));
	fclose(f);
	oomw_klog_close(&k);
	oomw_klog_close(&k); /* harmless twice */
	assert_int_equal(oomw_klog_read(&k, &c.last), -EBADF);

	/* records missing from a kmsg file count as missed */
	fixture_path(path, sizeof(path), "kernel-log/k8s-4.x-memcg-v1-no-killed-line.kmsg");
	memset(&c, 0, sizeof(c));
	assert_int_equal(oomw_klog_open(&k, path, OOMW_KLOG_START_OLDEST, 0), 0);
	assert_int_equal(drain(&k, &c), -EAGAIN);
	assert_int_equal(c.records, 3);
	assert_int_equal(k.missed, (30574068 - 30574067 - 1) + (30574078 - 30574068 - 1));
	oomw_klog_close(&k);
}

static void test_read_fixture_text(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		size_t records;
	} cases[] = {
		{ "kernel-log/rhel7-3.10-global.log", 4 },
		{ "kernel-log/amzn2-4.14-memcg-v1-dmesg-T.log", 5 },
		{ "kernel-log/aks-cgroup-v2-oom-group-syslog.log", 2 },
		{ "kernel-log/linux-3.x-killed-only.log", 1 },
		{ "kernel-log-hostile/syslog-interleaved.log", 3 }, /* 5 other programs' lines */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[1024];
		struct oomw_klog k;
		struct counts c = { 0 };
		fixture_path(path, sizeof(path), cases[i].file);
		assert_int_equal(oomw_klog_open(&k, path, OOMW_KLOG_START_OLDEST, 0), 0);
		assert_int_equal(k.kind, OOMW_KLOG_TEXT);
		assert_int_equal(drain(&k, &c), -EAGAIN);
		if (c.records != cases[i].records)
			fail_msg("%s: %zu records, expected %zu", cases[i].file, c.records,
				 cases[i].records);
		oomw_klog_close(&k);
	}
}

static void test_open_errors(void **state)
{
	(void)state;
	struct oomw_klog k;
	assert_int_equal(oomw_klog_open(&k, "/nonexistent/kmsg", OOMW_KLOG_START_OLDEST, 0), -ENOENT);
	assert_int_equal(k.fd, -1);
	assert_int_equal(oomw_klog_open(&k, scratch, OOMW_KLOG_START_OLDEST, 0), -EINVAL); /* a directory */
}

static void test_text_offsets_and_cursor(void **state)
{
	(void)state;
	char path[1024];
	const char *content = "[ 1.0] one\n[ 2.0] two\n[ 3.0] three\n";
	scratch_file(path, sizeof(path), "cursor.log", content);
	struct oomw_klog k;
	struct oomw_klog_record r;
	assert_int_equal(oomw_klog_open(&k, path, OOMW_KLOG_START_OLDEST, 0), 0);
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_int_equal(r.seq, 0);
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_int_equal(r.seq, 11);
	assert_text(&r, "two");
	uint64_t cursor = k.next_seq;
	assert_int_equal(cursor, 22);
	oomw_klog_close(&k);

	/* restart at the saved cursor */
	assert_int_equal(oomw_klog_open(&k, path, OOMW_KLOG_START_SEQ, cursor), 0);
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_text(&r, "three");
	assert_int_equal(r.seq, 22);
	assert_int_equal(oomw_klog_read(&k, &r), -EAGAIN);
	oomw_klog_close(&k);

	/* a cursor inside a line or past the end belongs to another file: start over */
	assert_int_equal(oomw_klog_open(&k, path, OOMW_KLOG_START_SEQ, 5), 0);
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_text(&r, "one");
	oomw_klog_close(&k);
	assert_int_equal(oomw_klog_open(&k, path, OOMW_KLOG_START_SEQ, 1000), 0);
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_text(&r, "one");
	oomw_klog_close(&k);

	/* START_END: only what is appended; a line counts once its '\n' is written */
	assert_int_equal(oomw_klog_open(&k, path, OOMW_KLOG_START_END, 0), 0);
	assert_int_equal(oomw_klog_read(&k, &r), -EAGAIN);
	append(path, "[ 4.0] fo");
	assert_int_equal(oomw_klog_read(&k, &r), -EAGAIN);
	assert_int_equal(k.next_seq, strlen(content));
	append(path, "ur\n");
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_text(&r, "four");
	assert_int_equal(r.mono_usec, 4 * USEC);
	assert_int_equal(r.seq, strlen(content));
	oomw_klog_close(&k);
}

static void test_rotation(void **state)
{
	(void)state;
	char path[1024];
	scratch_file(path, sizeof(path), "rotate.log",
		     "[ 1.0] old one\n[ 2.0] old two\n[ 3.0] old three\n");
	struct oomw_klog k;
	struct counts c = { 0 };
	struct oomw_klog_record r;
	assert_int_equal(oomw_klog_open(&k, path, OOMW_KLOG_START_OLDEST, 0), 0);
	assert_int_equal(drain(&k, &c), -EAGAIN);
	assert_int_equal(c.records, 3);
	/* copytruncate-style rotation: the same file, shorter */
	int fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "[ 9.0] new\n", 11), 11);
	close(fd);
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_text(&r, "new");
	assert_int_equal(r.seq, 0);
	assert_int_equal(oomw_klog_read(&k, &r), -EAGAIN);
	oomw_klog_close(&k);
}

static void test_kmsg_file_gaps_cursor_malformed(void **state)
{
	(void)state;
	char path[1024];
	scratch_file(path, sizeof(path), "gaps.kmsg",
		     "6,1,10,-;a\n"
		     " SUBSYSTEM=x\n"
		     "6,2,20,-;b\n"
		     "garbage line\n"
		     "6,5,50,-;e\n"
		     "6,6,60,-;f\n"
		     "6,1,5,-;next boot\n");
	struct oomw_klog k;
	struct oomw_klog_record r;
	assert_int_equal(oomw_klog_open(&k, path, OOMW_KLOG_START_OLDEST, 0), 0);
	assert_int_equal(k.kind, OOMW_KLOG_KMSG_FILE);
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_text(&r, "a");
	assert_int_equal(oomw_klog_read(&k, &r), 0); /* the continuation line is skipped */
	assert_text(&r, "b");
	assert_int_equal(oomw_klog_read(&k, &r), -EBADMSG);
	assert_int_equal(k.malformed, 1);
	uint64_t cursor = k.next_seq; /* past the bad line: it is not read again */
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_text(&r, "e");
	assert_int_equal(k.missed, 2); /* seq 3 and 4 */
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_text(&r, "next boot"); /* a seq going back is no gap */
	assert_int_equal(k.missed, 2);
	assert_int_equal(oomw_klog_read(&k, &r), -EAGAIN);
	oomw_klog_close(&k);

	assert_int_equal(oomw_klog_open(&k, path, OOMW_KLOG_START_SEQ, cursor), 0);
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_text(&r, "e");
	assert_int_equal(r.seq, 5);
	oomw_klog_close(&k);
}

static void test_overlong_line(void **state)
{
	(void)state;
	char path[1024];
	size_t big = OOMW_KLOG_RECORD_MAX * 3;
	char *content = malloc(big + 64);
	assert_non_null(content);
	strcpy(content, "[ 1.0] before\n");
	size_t n = strlen(content);
	memset(content + n, 'x', big);
	strcpy(content + n + big, "\n[ 2.0] after\n");
	scratch_file(path, sizeof(path), "long.log", content);
	free(content);
	struct oomw_klog k;
	struct oomw_klog_record r;
	assert_int_equal(oomw_klog_open(&k, path, OOMW_KLOG_START_OLDEST, 0), 0);
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_text(&r, "before");
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_text(&r, "after");
	assert_int_equal(r.seq, n + big + 1);
	assert_int_equal(k.too_large, 1);
	assert_int_equal(oomw_klog_read(&k, &r), -EAGAIN);
	oomw_klog_close(&k);

	/* just too long, read whole with its '\n' in one read(); and just long enough */
	content = malloc(2 * OOMW_KLOG_RECORD_MAX + 16);
	assert_non_null(content);
	memset(content, 'y', OOMW_KLOG_RECORD_MAX + 1);
	content[OOMW_KLOG_RECORD_MAX + 1] = '\n';
	memset(content + OOMW_KLOG_RECORD_MAX + 2, 'z', OOMW_KLOG_RECORD_MAX);
	strcpy(content + 2 * OOMW_KLOG_RECORD_MAX + 2, "\n");
	scratch_file(path, sizeof(path), "long2.log", content);
	free(content);
	assert_int_equal(oomw_klog_open(&k, path, OOMW_KLOG_START_OLDEST, 0), 0);
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_int_equal(r.text_len, OOMW_KLOG_RECORD_MAX);
	assert_int_equal(r.text[0], 'z');
	assert_int_equal(k.too_large, 1);
	oomw_klog_close(&k);
}

/* A file empty at open: its kind is decided by its first line. */
static void test_kind_detected_late(void **state)
{
	(void)state;
	char path[1024];
	scratch_file(path, sizeof(path), "late.kmsg", "");
	struct oomw_klog k;
	struct oomw_klog_record r;
	assert_int_equal(oomw_klog_open(&k, path, OOMW_KLOG_START_OLDEST, 0), 0);
	assert_int_equal(oomw_klog_read(&k, &r), -EAGAIN);
	append(path, "3,77,1000,-;Out of memory: x\n");
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_int_equal(k.kind, OOMW_KLOG_KMSG_FILE);
	assert_int_equal(r.seq, 77);
	assert_int_equal(r.prio, 3);
	assert_text(&r, "Out of memory: x");
	oomw_klog_close(&k);
}

/* A pipe is read as it comes; its end is "nothing pending". */
static void test_pipe(void **state)
{
	(void)state;
	char path[1024];
	assert_int_equal(oomw_path_join(path, sizeof(path), scratch, "fifo"), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	struct oomw_klog k;
	struct oomw_klog_record r;
	assert_int_equal(oomw_klog_open(&k, path, OOMW_KLOG_START_END, 0), 0);
	int w = open(path, O_WRONLY | O_CLOEXEC);
	assert_true(w >= 0);
	assert_int_equal(oomw_klog_read(&k, &r), -EAGAIN);
	const char *lines = "3,9,100,-;Out of memory: one\n6,10,200,-;two\n6,11,";
	assert_int_equal(write(w, lines, strlen(lines)), (ssize_t)strlen(lines));
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_int_equal(k.kind, OOMW_KLOG_KMSG_FILE);
	assert_text(&r, "Out of memory: one");
	assert_int_equal(r.seq, 9);
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_text(&r, "two");
	assert_int_equal(oomw_klog_read(&k, &r), -EAGAIN); /* the third is not whole yet */
	assert_int_equal(write(w, "300,-;three\n", 12), 12);
	close(w);
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_text(&r, "three");
	assert_int_equal(oomw_klog_read(&k, &r), -EAGAIN);
	assert_int_equal(k.next_seq, strlen(lines) + 12);
	oomw_klog_close(&k);
}

/* ---- the real /dev/kmsg ---- */

/* Writes one record (one write() per record) at facility user, level info. */
static void kmsg_write(const char *text)
{
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "<14>%s\n", text);
	assert_int_equal(write(fd, buf, (size_t)n), n);
	close(fd);
}

/* Reads until the record with this text; fails if it never comes. */
static void kmsg_find(struct oomw_klog *k, const char *text, struct oomw_klog_record *r)
{
	for (int i = 0; i < 100000; i++) {
		int rc = oomw_klog_read(k, r);
		if (rc == -EBADMSG)
			continue;
		assert_int_equal(rc, 0);
		if (r->text_len == strlen(text) && memcmp(r->text, text, r->text_len) == 0)
			return;
	}
	fail_msg("record '%s' not read back", text);
}

static void test_live_devkmsg(void **state)
{
	(void)state;
	struct oomw_klog k;
	if (geteuid() != 0) {
		print_message("skipped: not root (writing /dev/kmsg, and reading it under "
			      "kernel.dmesg_restrict, needs root)\n");
		skip();
	}
	int rc = oomw_klog_open(&k, "/dev/kmsg", OOMW_KLOG_START_END, 0);
	if (rc == -ENOENT) {
		print_message("no /dev/kmsg here\n");
		skip();
	}
	assert_int_equal(rc, 0);
	assert_int_equal(k.kind, OOMW_KLOG_DEVKMSG);
	char probe[128];
	snprintf(probe, sizeof(probe), "oomwatch test_klog probe %d %ld", (int)getpid(),
		 (long)time(NULL));
	kmsg_write(probe);
	struct oomw_klog_record r;
	kmsg_find(&k, probe, &r);
	assert_int_equal(r.prio, 6);
	assert_int_equal(r.facility, 1);
	assert_true(r.mono_usec > 0);
	uint64_t probe_seq = r.seq;
	assert_int_equal(k.next_seq, probe_seq + 1);
	/* drained: EAGAIN (others may write meanwhile: read until it comes) */
	for (int i = 0; i < 100000 && (rc = oomw_klog_read(&k, &r)) != -EAGAIN; i++)
		;
	assert_int_equal(rc, -EAGAIN);
	assert_int_equal(k.missed, 0);
	oomw_klog_close(&k);

	/* restart at a saved cursor: the probe comes first again, nothing missed */
	assert_int_equal(oomw_klog_open(&k, "/dev/kmsg", OOMW_KLOG_START_SEQ, probe_seq), 0);
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_int_equal(r.seq, probe_seq);
	assert_text(&r, probe);
	assert_int_equal(k.missed, 0);
	oomw_klog_close(&k);

	/* a cursor from the future (another boot) starts over at the oldest record */
	assert_int_equal(
		oomw_klog_open(&k, "/dev/kmsg", OOMW_KLOG_START_SEQ, probe_seq + 1000000000ULL), 0);
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	assert_true(r.seq <= probe_seq);
	oomw_klog_close(&k);

	/* a cursor older than the oldest record held: the gap counts as missed */
	assert_int_equal(oomw_klog_open(&k, "/dev/kmsg", OOMW_KLOG_START_OLDEST, 0), 0);
	assert_int_equal(oomw_klog_read(&k, &r), 0);
	uint64_t oldest = r.seq;
	oomw_klog_close(&k);
	if (oldest > 0) {
		assert_int_equal(oomw_klog_open(&k, "/dev/kmsg", OOMW_KLOG_START_SEQ, 0), 0);
		assert_int_equal(oomw_klog_read(&k, &r), 0);
		assert_true(r.seq >= oldest);
		assert_int_equal(k.missed, r.seq);
		oomw_klog_close(&k);
	}
}

/* Without CAP_SYSLOG, kernel.dmesg_restrict=1 refuses /dev/kmsg: a clear -EPERM. */
static void test_devkmsg_unprivileged(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		print_message("skipped: not root (needs to drop to another user)\n");
		skip();
	}
	char restrict_flag[8] = "";
	FILE *f = fopen("/proc/sys/kernel/dmesg_restrict", "r");
	if (!f || !fgets(restrict_flag, sizeof(restrict_flag), f)) {
		print_message("skipped: no /proc/sys/kernel/dmesg_restrict\n");
		if (f)
			fclose(f);
		skip();
	}
	fclose(f);
	int want = restrict_flag[0] == '1' ? -EPERM : 0;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static struct oomw_klog k;
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(100);
		int r = oomw_klog_open(&k, "/dev/kmsg", OOMW_KLOG_START_END, 0);
		_exit(r == want ? 0 : 101);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kmsg_good),
		cmocka_unit_test(test_kmsg_malformed),
		cmocka_unit_test(test_kmsg_time_bounded),
		cmocka_unit_test(test_text_dmesg),
		cmocka_unit_test(test_text_dmesg_stamp_then_date),
		cmocka_unit_test(test_text_dmesg_T_locales),
		cmocka_unit_test(test_text_syslog),
		cmocka_unit_test(test_text_iso_and_journal),
		cmocka_unit_test(test_read_fixture_kmsg),
		cmocka_unit_test(test_read_fixture_text),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_text_offsets_and_cursor),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_kmsg_file_gaps_cursor_malformed),
		cmocka_unit_test(test_overlong_line),
		cmocka_unit_test(test_kind_detected_late),
		cmocka_unit_test(test_pipe),
		cmocka_unit_test(test_text_userspace_killers),
		cmocka_unit_test(test_live_devkmsg),
		cmocka_unit_test(test_devkmsg_unprivileged),
	};
	return cmocka_run_group_tests_name("klog", tests, make_scratch, remove_scratch);
}
