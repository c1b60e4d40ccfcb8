/* SPDX-License-Identifier: MIT */
/* oomw_sample — opens a monitor, takes samples and prints the snapshot and the
 * events as tab-separated lines, so that shell tests can check the core on the
 * real /proc, /sys and /dev/kmsg:
 *
 *   held <path> <0|1> <limit_hits_delta> <text>   with --cgroup, after the first
 *                                         sample's lines: the core's "before the kill"
 *                                         verdict (oomw_assess, check_oom's defaults)
 *   snap <key> <value>                    one line per snapshot field
 *   cgroup <path> <oom_kill> <delta>
 *   event <index> <details> <pid> <comm> <task_memcg> <scope> <wall_usec> <seen_usec> <awaiting_log>
 *                                         awaiting_log 1: named by the tracepoint, its log
 *                                         record not read yet
 *   wake <file> <revents>                 a pollfd poll() reported ready (--wait-event);
 *                                         file is what the fd is open on, revents in hex
 *   stored <index> <awaiting_log> <pid> <comm> <task_memcg> <scope> <uid> <anon_rss_kib>
 *                                         with --trace 1, at the end: the persisted events
 *                                         with details
 *
 * Strings are escaped with oomw_escape (tab too), so any byte stays on one line.
 * Numbers unknown to the core print as "-". seen_usec is CLOCK_REALTIME when the
 * event reached the callback (to measure latency).
 *
 * Usage: oomw_sample --proc D --sys D --kmsg F --state F [--cgroup GLOB]...
 *                    [--candidates N] [--wait-event SECONDS [--ready FILE]] [--bench N]
 *                    [--trace 1]
 * --wait-event: after a first sample, waits in poll() on the monitor's fds and
 * samples on every wake-up (and every 100 ms) until an event arrived or the time
 * is up; --ready names a file created once the first sample is done. A cgroup's
 * counter may move a sample before the kill's log record arrives, so the
 * samples without events print their changed cgroup lines too: the deltas of
 * one run add up.
 * --bench N: then N more samples, printing "bench sample_usec_avg|max <usec>".
 * --trace 1: the monitor also reads the oom:mark_victim tracepoint (trace.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "assess.h"
#include "monitor.h"
#include "text.h"

#define POLL_SAFETY_MS 100

static int64_t now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void print_num(int64_t v)
{
	if (v == OOMW_UNKNOWN)
		fputs("-", stdout);
	else
		printf("%" PRId64, v);
}

static void print_str(const char *s, size_t len)
{
	char esc[4 * OOMW_CGROUP_PATH_MAX + 1];
	oomw_escape(s, len, "\t", esc, sizeof(esc));
	fputs(esc[0] ? esc : "-", stdout);
}

static size_t n_events;

static void on_event(const struct oomw_event *ev, void *ctx)
{
	(void)ctx;
	int64_t seen = now_usec();
	n_events++;
	printf("event\t%" PRIu64 "\t%d\t", ev->index, ev->has_details ? 1 : 0);
	print_num(ev->kill.pid);
	putchar('\t');
	print_str(ev->kill.comm, ev->kill.comm_len);
	putchar('\t');
	print_str(ev->kill.task_memcg, strlen(ev->kill.task_memcg));
	printf("\t%s\t", oomw_scope_name(ev->kill.scope));
	print_num(ev->wall_usec);
	printf("\t%" PRId64 "\t%d\n", seen, ev->awaiting_log ? 1 : 0);
}

static void print_cgroups(const struct oomw_snapshot *s, bool only_changed)
{
	for (size_t i = 0; i < s->n_cgroups; i++) {
		const struct oomw_snapshot_cgroup *c = &s->cgroups[i];
		if (only_changed && c->oom_kill_delta == 0)
			continue;
		fputs("cgroup\t", stdout);
		print_str(c->stats.path, strlen(c->stats.path));
		putchar('\t');
		print_num(c->stats.oom_kill);
		printf("\t%" PRId64 "\n", c->oom_kill_delta);
	}
}

/* Each watched cgroup's held verdict, judged as check_oom judges it. */
static void print_held(struct oomw_monitor *m, const struct oomw_paths *paths,
		       const struct oomw_snapshot *s)
{
	static struct oomw_verdict v;
	struct oomw_assess_params p;
	oomw_assess_params_default(&p, OOMW_FRONTEND_NAGIOS);
	struct oomw_assess_input in = { .snap = s, .paths = paths, .cgroups_asked = true };
	in.events = oomw_monitor_events(m, &in.n_events);
	oomw_assess(&in, &p, &v);
	for (size_t i = 0; i < v.n_cgroups; i++) {
		char text[OOMW_PART_TEXT_MAX] = "";
		if (v.cgroups[i].held)
			oomw_held_text(&v.cgroups[i], text, sizeof(text));
		fputs("held\t", stdout);
		print_str(v.cgroups[i].cg->stats.path, strlen(v.cgroups[i].cg->stats.path));
		printf("\t%d\t", v.cgroups[i].held ? 1 : 0);
		print_num(v.cgroups[i].cg->limit_hits_delta);
		putchar('\t');
		print_str(text, strlen(text));
		putchar('\n');
	}
}

static void print_snap(const struct oomw_snapshot *s, int ret)
{
	printf("snap\tsample_ret\t%d\n", ret);
	printf("snap\tfirst_sample\t%d\n", s->first_sample ? 1 : 0);
	printf("snap\toom_kill_total\t");
	print_num(s->oom_kill_total);
	printf("\nsnap\tvmstat_err\t%d\n", s->vmstat_err);
	printf("snap\tkills_without_details\t%" PRId64 "\n", s->kills_without_details);
	printf("snap\tklog_err\t%d\n", s->klog_err);
	printf("snap\tklog_missed\t%" PRIu64 "\n", s->klog_missed);
	printf("snap\ttrace_err\t%d\n", s->trace_err);
	printf("snap\tstate_err\t%d\n", s->state_err);
	printf("snap\tstate_why\t%s\n", s->state_why ? s->state_why : "-");
	printf("snap\tmem_err\t%d\n", s->mem_err);
	printf("snap\tmem_available_kib\t");
	print_num(s->mem.mem_available_kib);
	printf("\nsnap\tpsi_err\t%d\n", s->psi_err);
	printf("snap\tcgroup_err\t%d\n", s->cgroup_err);
	printf("snap\tn_cgroups\t%zu\n", s->n_cgroups);
	printf("snap\tcandidates_err\t%d\n", s->candidates_err);
	printf("snap\tn_candidates\t%zu\n", s->n_candidates);
	print_cgroups(s, false);
}

/* Which fd woke poll(), named by the file it is open on, so that a test can
 * tell a memory.events POLLPRI from the log or the PSI trigger. */
static void print_wake(const struct pollfd *p)
{
	char link[64], target[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", p->fd);
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		n = 0;
	fputs("wake\t", stdout);
	print_str(target, (size_t)n);
	printf("\t%#x\n", (unsigned)p->revents);
}

static int usage(void)
{
	fprintf(stderr, "usage: oomw_sample --proc D --sys D --kmsg F --state F [--cgroup GLOB]... "
			"[--candidates N] [--wait-event SECONDS [--ready FILE]] [--bench N] "
			"[--trace 1]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct oomw_monitor_config cfg = { 0 };
	const char *ready = NULL;
	long wait_sec = -1, bench = 0;
	oomw_paths_default(&cfg.paths);
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (val == NULL)
			return usage();
		i++;
		int r = 0;
		if (strcmp(opt, "--proc") == 0)
			r = oomw_paths_set(cfg.paths.proc, val);
		else if (strcmp(opt, "--sys") == 0)
			r = oomw_paths_set(cfg.paths.sys, val);
		else if (strcmp(opt, "--kmsg") == 0)
			r = oomw_paths_set(cfg.paths.kmsg, val);
		else if (strcmp(opt, "--state") == 0)
			cfg.state_path = val;
		else if (strcmp(opt, "--cgroup") == 0 && cfg.n_cgroup_globs < OOMW_GLOBS_MAX)
			cfg.cgroup_globs[cfg.n_cgroup_globs++] = val;
		else if (strcmp(opt, "--candidates") == 0)
			cfg.n_candidates = strtoul(val, NULL, 10);
		else if (strcmp(opt, "--wait-event") == 0)
			wait_sec = strtol(val, NULL, 10);
		else if (strcmp(opt, "--bench") == 0)
			bench = strtol(val, NULL, 10);
		else if (strcmp(opt, "--trace") == 0)
			cfg.trace = strcmp(val, "1") == 0;
		else if (strcmp(opt, "--ready") == 0)
			ready = val;
		else
			return usage();
		if (r < 0)
			return usage();
	}

	struct oomw_monitor *m;
	int r = oomw_monitor_open(&cfg, &m);
	if (r < 0) {
		fprintf(stderr, "oomw_monitor_open: %s\n", strerror(-r));
		return 1;
	}
	static struct oomw_snapshot snap;
	r = oomw_monitor_sample(m, &snap, on_event, NULL);
	print_snap(&snap, r);
	if (cfg.n_cgroup_globs > 0)
		print_held(m, &cfg.paths, &snap);
	fflush(stdout);
	if (ready) {
		int fd = open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd >= 0)
			close(fd);
	}
	int64_t deadline = now_usec() + (int64_t)wait_sec * 1000000;
	while (wait_sec >= 0 && n_events == 0 && now_usec() < deadline) {
		/* Room for every fd the monitor may offer: kmsg, each watched
		 * cgroup, the PSI trigger. A fd left out would only wake at the
		 * safety timeout and skew the latency the live tests measure. */
		struct pollfd fds[OOMW_SNAPSHOT_CGROUPS_MAX + 2];
		size_t n = oomw_monitor_pollfds(m, fds, sizeof(fds) / sizeof(fds[0]));
		int ready_n = poll(fds, n, POLL_SAFETY_MS);
		if (ready_n < 0 && errno != EINTR)
			break;
		for (size_t i = 0; ready_n > 0 && i < n; i++)
			if (fds[i].revents != 0)
				print_wake(&fds[i]);
		r = oomw_monitor_sample(m, &snap, on_event, NULL);
		if (n_events > 0)
			print_snap(&snap, r);
		else
			print_cgroups(&snap, true);
		fflush(stdout);
	}
	int64_t total_usec = 0, max_usec = 0;
	for (long i = 0; i < bench; i++) {
		int64_t t0 = now_usec();
		oomw_monitor_sample(m, &snap, on_event, NULL);
		int64_t dt = now_usec() - t0;
		total_usec += dt;
		max_usec = dt > max_usec ? dt : max_usec;
	}
	if (bench > 0)
		printf("bench\tsample_usec_avg\t%" PRId64 "\nbench\tsample_usec_max\t%" PRId64 "\n",
		       total_usec / bench, max_usec);
	size_t n;
	const struct oomw_event *evs = oomw_monitor_events(m, &n);
	printf("snap\tstored_events\t%zu\n", n);
	for (size_t i = 0; cfg.trace && i < n; i++) {
		const struct oomw_kill *k = &evs[i].kill;
		if (!evs[i].has_details)
			continue;
		printf("stored\t%" PRIu64 "\t%d\t", evs[i].index, evs[i].awaiting_log ? 1 : 0);
		print_num(k->pid);
		putchar('\t');
		print_str(k->comm, k->comm_len);
		putchar('\t');
		print_str(k->task_memcg, strlen(k->task_memcg));
		printf("\t%s\t", oomw_scope_name(k->scope));
		print_num(k->uid);
		putchar('\t');
		print_num(k->anon_rss_kib);
		putchar('\n');
	}
	oomw_monitor_close(m);
	return 0;
}
