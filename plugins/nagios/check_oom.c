/* SPDX-License-Identifier: MIT */
/* check_oom.c — the Nagios/Icinga plugin: parse the options, take one sample
 * of the monitor under a timeout, print the report, exit 0/1/2/3. Every run
 * that is not a check (--help, --version, bad arguments) exits 3 (UNKNOWN), so
 * a service misconfigured with such arguments never shows up as OK. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "journal.h"
#include "klog.h"
#include "monitor.h"
#include "options.h"
#include "report.h"
#include "statefile.h"
#include "text.h"

#define TIMEOUT_MSG_MAX 256
/* alarm() takes unsigned seconds; a day is more than any check needs. */
#define TIMEOUT_SEC_MAX 86400

/* The line the SIGALRM handler writes, prepared before each stage so that the
 * handler only calls write(): two buffers, switched once one is complete. */
static char timeout_msgs[2][TIMEOUT_MSG_MAX];
static volatile sig_atomic_t timeout_cur;
static int64_t timeout_sec;

static void set_stage(const char *stage)
{
	int next = !timeout_cur;
	snprintf(timeout_msgs[next], TIMEOUT_MSG_MAX,
		 "OOM UNKNOWN - timed out after %llds while %s\n", (long long)timeout_sec, stage);
	timeout_cur = next;
}

static void on_alarm(int sig)
{
	(void)sig;
	const char *msg = timeout_msgs[timeout_cur];
	ssize_t ignored = write(STDOUT_FILENO, msg, strlen(msg));
	(void)ignored;
	_exit(CHECK_UNKNOWN);
}

static void start_timeout(int64_t sec)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	timeout_sec = sec;
	alarm((unsigned)(sec > TIMEOUT_SEC_MAX ? TIMEOUT_SEC_MAX : sec));
}

/* The reason may quote what the user typed: escape it onto one line. The
 * timeout is over: its own line must not follow this one. */
static int unknown(const char *reason)
{
	alarm(0);
	char line[CHECK_OOM_REASON_MAX * 4];
	oomw_escape(reason, strlen(reason), "|", line, sizeof(line));
	printf("OOM UNKNOWN - %s\n", line);
	return CHECK_UNKNOWN;
}

/* Two runs on one state file at once would both report the same new kills:
 * serialise them. Without a lock file (read-only directory) the save fails
 * later and says so; the lock alone is no reason to refuse. */
static int lock_state(const char *state_path)
{
	char path[PATH_MAX + 8];
	snprintf(path, sizeof(path), "%s.lock", state_path);
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The one privilege check_oom may hold is CAP_SYSLOG (the file capability the
 * package gives it), to open the kernel log under kernel.dmesg_restrict=1. The
 * log is opened first; then every capability goes for good, before anything is
 * parsed or the state file touched. Without the capability the open fails and
 * the monitor reports the log as unreadable, as before. */
static void open_kernel_log(struct oomw_monitor_config *mon)
{
	/* The journal needs no capability: the monitor opens it (group systemd-journal). */
	if (strcmp(mon->paths.kmsg, OOMW_KMSG_NONE) == 0 ||
	    strcmp(mon->paths.kmsg, OOMW_KMSG_JOURNAL) == 0)
		return;
	mon->kmsg_opened = true;
	mon->kmsg_fd = oomw_klog_open_source(mon->paths.kmsg); /* or -errno */
}

/* Empties the permitted, effective, inheritable and ambient sets (root too:
 * uid 0 without capabilities is an ordinary owner of its files). glibc has no
 * capset() wrapper. Returns 0 or -errno. */
static int drop_capabilities(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3];
	memset(none, 0, sizeof(none));
	/* EINVAL: a kernel before 4.3, which has no ambient set. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	if (syscall(SYS_capset, &hdr, none) < 0)
		return -errno;
	return 0;
}

static void count_new(const struct oomw_event *ev, void *ctx)
{
	(void)ev;
	(*(size_t *)ctx)++;
}

int main(int argc, char **argv)
{
	static struct check_options o;
	static struct oomw_snapshot snap;
	static char out[CHECK_OUTPUT_MAX];
	char reason[CHECK_OOM_REASON_MAX];
	struct oomw_monitor *m = NULL;
	struct check_run run = { .snap = &snap };
	const char *why = NULL;
	int r;

	switch (check_options_parse(argc, argv, &o, reason)) {
	case CHECK_PARSE_HELP:
		fputs(check_options_help(), stdout);
		return CHECK_UNKNOWN;
	case CHECK_PARSE_VERSION:
		printf("%s %s (oomwatch)\n", CHECK_OOM_NAME, CHECK_OOM_VERSION);
		return CHECK_UNKNOWN;
	case CHECK_PARSE_ERROR:
		return unknown(reason);
	case CHECK_PARSE_RUN:
		break;
	}

	set_stage("checking --proc, --sys and --kmsg");
	start_timeout(o.timeout_sec);
	if (check_options_check_sources(&o, reason) < 0)
		return unknown(reason);
	set_stage("opening the kernel log");
	open_kernel_log(&o.mon);
	r = drop_capabilities();
	if (r < 0) {
		snprintf(reason, sizeof(reason), "cannot drop capabilities: %s", strerror(-r));
		return unknown(reason);
	}
	set_stage("finding the state file");
	if (!o.state_given) {
		r = check_state_default_path(&o.mon, o.state_path, &why);
		if (r < 0) {
			snprintf(reason, sizeof(reason),
				 "cannot use the default state directory: %s (%s); give --state FILE",
				 why, strerror(-r));
			return unknown(reason);
		}
	}
	o.mon.state_path = o.state_path;
	o.mon.klog_only_when_counted = true; /* a quiet run costs what check_swap costs */

	set_stage("waiting for another check_oom using the same state file");
	int lock_fd = lock_state(o.state_path);

	set_stage("opening the sources");
	r = oomw_monitor_open(&o.mon, &m);
	if (r < 0) {
		snprintf(reason, sizeof(reason), "cannot start monitoring: %s", strerror(-r));
		return unknown(reason);
	}

	set_stage("reading /proc, the kernel log and cgroups");
	run.save_err = oomw_monitor_sample(m, &snap, count_new, &run.n_new);
	run.events = oomw_monitor_events(m, &run.n_events);
	run.state_path = o.state_path;

	set_stage("writing the report");
	enum check_state st = check_report(&o, &run, out, sizeof(out));
	alarm(0);
	fputs(out, stdout);
	oomw_monitor_close(m);
	if (lock_fd >= 0)
		close(lock_fd);
	return st;
}
