/* SPDX-License-Identifier: MIT */
/* monitor.c — one sample: the counter, then the kernel log, reconciled into kill
 * events that are reported once and persisted; plus the gauges around them.
 *
 * Why the order matters: /proc/vmstat oom_kill is read first, then the log is
 * drained. A kill that lands in between is in the log but not yet in the
 * counter read: the counter is then read once more (the kernel counts a kill
 * before printing it), and whatever surplus is left is kept in state.log_ahead
 * so the next rise of the counter is not counted a second time.
 *
 * Reconciliation, with d = counter delta and A = log_ahead + kills logged now:
 * d >= A: the d - A extra kills are events without details, log_ahead = 0;
 * d <  A: log_ahead = A - d. The kernel counts a kill a few µs before printing
 * it, so a surplus is confirmed by the very next counter read: what is left of
 * it then is dropped (it must not hide a later kill). When the counter shows
 * more kills than the log, the log is read once more before they are taken
 * as kills without details.
 * Counter unknown (kernel < 4.13): the log is the only source. Counter
 * unreadable this time: the logged kills wait in log_ahead for it. On a fresh
 * baseline (first sample, new boot) the counter covers the whole boot, so no
 * surplus is kept: a text log also holds earlier boots.
 *
 * The tracepoint (trace.h), when open, is read after the log: a victim whose
 * Killed record was already read is that kill; the others are kills as far as
 * the counter's delta has room beyond the logged ones (read once more if it
 * has not), emitted with awaiting_log, and counted in `logged` like the log's.
 * Their Killed record, when it comes, completes the event (on_kill) instead of
 * being counted; a victim the counter never confirms was marked without a kill.
 *
 * Per-cgroup deltas: a cgroup seen for the first time on the very first sample
 * (no saved state) has delta 0, like every gauge baseline. A cgroup first seen
 * later (created since, or after a reboot) counts all its oom_kill: a cgroup
 * that did not exist at the previous sample can only have been killed in since. */
#include "monitor.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "klog.h"
#include "oomparse.h"
#include "psi.h"
#include "trace.h"
#include "vmstat.h"

#define USEC_PER_SEC 1000000LL
#define NSEC_PER_USEC 1000LL
/* dmesg -T and syslog print local time, which klog reads as UTC: west of
 * Greenwich (down to UTC-12) a date looks up to 12 h older than it is. A kill
 * is taken as one of an earlier boot only when it is older than that. */
#define LOCAL_AS_UTC_SLACK_USEC (12LL * 3600 * USEC_PER_SEC)
/* A log cursor that moved past records without kills is saved at most this
 * often: re-reading such records after a crash is harmless, while a daemon woken
 * by every kernel message should not fsync for each. */
#define CURSOR_SAVE_INTERVAL_USEC (60LL * USEC_PER_SEC)
/* How long to wait for journald to store a kill the counter already shows. */
#define JOURNAL_LAG_MAX_USEC (2 * USEC_PER_SEC)
/* How long a process scan (milliseconds on a busy host) is reused. */
#define CANDIDATES_RESCAN_USEC USEC_PER_SEC
/* Memory pressure worth waking for: tasks stalled 5% of a trigger window. */
#define PSI_TRIGGER_STALL_USEC (OOMW_PSI_UNPRIVILEGED_WINDOW_USEC / 20)
/* The running kernel's /proc, whose boot_id tells whether <proc> is this boot. */
#define LIVE_PROC "/proc"
/* memory.events is about 100 bytes; it is read only to re-arm POLLPRI. */
#define EVENTS_FILE_MAX 512
/* Victims from the tracepoint held in one sample, awaiting the counter. */
#define TRACED_MAX 64
/* How old the gauges a sample reuses may be (see gauges_reusable). */
#define GAUGES_REUSE_USEC USEC_PER_SEC

struct oomw_monitor {
	struct oomw_paths paths;
	char state_path[PATH_MAX]; /* "" = in memory only */
	char globs[OOMW_GLOBS_MAX][PATH_MAX];
	size_t n_globs;
	size_t n_candidates;
	bool klog_only_when_counted; /* see oomw_monitor_config */
	bool defer_save;             /* see oomw_monitor_config */
	int save_err;                /* of the last save (a deferring sample returns it) */
	/* The last process scan, reused for CANDIDATES_RESCAN_USEC: a front end
	 * woken by every kernel-log record must not rescan /proc each time. */
	struct oomw_candidate candidates[OOMW_CANDIDATES_MAX];
	size_t n_found;
	int candidates_err;
	int64_t candidates_mono_usec; /* 0 = never scanned */

	struct oomw_state st;
	int state_err; /* reported until a save replaces the bad file */
	const char *state_why;
	bool first_sample; /* no usable saved state: report everything since boot */
	bool fresh;        /* counter baseline is 0 (first sample or new boot) until it is read */
	bool dirty;        /* something that must not be lost changed: save now */
	bool cursor_dirty; /* only the log cursor moved past records without kills */
	int64_t saved_mono_usec; /* when the state was last saved, 0 = never */
	char boot_id[OOMW_BOOT_ID_MAX + 1];
	int64_t boot_wall_usec; /* from <proc>/stat btime; OOMW_UNKNOWN if unreadable */
	bool live_boot;         /* <proc> is the running kernel's boot (same boot_id as /proc) */

	struct oomw_klog klog;
	int kmsg_fd; /* the caller's open log, until open_klog takes it; else -1 */
	bool klog_open;
	int klog_err;
	struct oomw_oomparse parser;
	/* kmsg "journal": the journal instead of klog (klog_open, klog_err apply) */
	bool use_journal;
	struct oomw_journal journal;
	const char *journal_why; /* why it could not be opened */
	struct oomw_ukill_parser ukill_parser;

	/* The oom:mark_victim tracepoint (trace.h), when open. */
	bool trace_open;
	int trace_err;
	const char *trace_why;
	struct oomw_trace trace;
	struct oomw_kill traced[TRACED_MAX]; /* this sample's victims, not yet confirmed */
	size_t n_traced;

	struct oomw_cgroup_root cg_root;
	int cg_root_err;
	/* cgroup v2: memory.events of the matched cgroups, open for POLLPRI */
	struct cgroup_watch {
		char path[OOMW_CGROUP_PATH_MAX + 1];
		int fd;
	} watch[OOMW_SNAPSHOT_CGROUPS_MAX];
	size_t n_watch;
	int psi_fd;     /* PSI trigger (POLLPRI when memory pressure starts), or -1 */
	bool psi_tried; /* opened on the first oomw_monitor_pollfds: only waiters need it */

	/* On a real procfs, the files every sample reads, kept open (read_kept). */
	bool proc_is_procfs;
	int kept_fd[3];

	/* The fast path: a sample that only drained kernel-log records unrelated
	 * to OOM reuses the gauges of the last full sample (see gauges_reusable). */
	struct oomw_snapshot gauges; /* mem, psi and cgroups of the last full sample */
	int64_t gauges_mono_usec;    /* when they were read, 0 = never */
	size_t n_records;            /* this sample: kernel-log records read */
	bool oom_records;            /* ... some of which may belong to an OOM report */
	size_t n_emitted;            /* this sample: events passed on */

	/* Valid during a sample only: where the parser's kills go. */
	oomw_event_cb on_event;
	void *ctx;
	int64_t logged;
	int64_t now_usec;
	int64_t real_minus_mono_usec; /* wall = mono + this; OOMW_UNKNOWN: no way to tell */
	struct oomw_snapshot *snap;
	/* The state's cgroup table being rebuilt, so no allocation is needed. */
	struct oomw_state_cgroup cg_next[OOMW_STATE_CGROUPS_MAX];
};

static int64_t clock_usec(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / NSEC_PER_USEC;
}

static bool klog_disabled(const struct oomw_monitor *m)
{
	return strcmp(m->paths.kmsg, OOMW_KMSG_NONE) == 0;
}

/* The boot_id with its newline removed; "" when unreadable (then a reboot is
 * still noticed by the counter going backwards). */
static void read_boot_id(const char *proc, char out[OOMW_BOOT_ID_MAX + 1])
{
	char buf[128];
	size_t len;
	out[0] = '\0';
	if (oomw_read_file(proc, "sys/kernel/random/boot_id", buf, sizeof(buf), &len) < 0)
		return;
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	if (len == 0 || len > OOMW_BOOT_ID_MAX)
		return;
	memcpy(out, buf, len);
	out[len] = '\0';
}

/* Boot time from <proc>/stat "btime" (seconds since the epoch), to tell kills
 * of earlier boots in a text log from this boot's. Read once, at open: the
 * file can be large on many CPUs, so it is read in pieces. */
static int64_t read_boot_wall_usec(const char *proc)
{
	char path[PATH_MAX];
	if (oomw_path_join(path, sizeof(path), proc, "stat") < 0)
		return OOMW_UNKNOWN;
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return OOMW_UNKNOWN;
	char line[256];
	int64_t out = OOMW_UNKNOWN;
	bool at_line_start = true;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		bool whole = n > 0 && line[n - 1] == '\n';
		if (at_line_start && strncmp(line, "btime ", 6) == 0 && whole) {
			int64_t v;
			if (oomw_parse_i64(line + 6, n - 7, &v) == 0 && v > 0 &&
			    v <= OOMW_TIME_USEC_MAX / USEC_PER_SEC)
				out = v * USEC_PER_SEC;
			break;
		}
		at_line_start = whole;
	}
	fclose(f);
	return out;
}

/* ---- /proc files kept open ---------------------------------------------- */

/* On a real procfs the three files every sample reads are kept open and read
 * again with pread() from 0 (procfs makes their text anew on each read): half
 * the system calls of opening them by name. Anywhere else (a fixture tree, a
 * copy of another machine's /proc) a file may be replaced between samples, so
 * it is opened by name each time. */
enum kept_file { KEPT_VMSTAT, KEPT_MEMINFO, KEPT_PSI, KEPT_N };
static const char *const kept_names[KEPT_N] = { "vmstat", "meminfo", "pressure/memory" };

/* Reads a kept file into buf, NUL-terminated. Any failure (missing, too big,
 * a read error) closes it and returns -EAGAIN: the caller then reads it by
 * name, which reports what is wrong exactly as without this shortcut. */
static int read_kept(struct oomw_monitor *m, enum kept_file f, char *buf, size_t size, size_t *len)
{
	_Static_assert(sizeof(m->kept_fd) / sizeof(m->kept_fd[0]) == KEPT_N, "one fd per kept file");
	if (!m->proc_is_procfs)
		return -EAGAIN;
	int *fd = &m->kept_fd[f];
	if (*fd < 0) {
		char path[PATH_MAX];
		if (oomw_path_join(path, sizeof(path), m->paths.proc, kept_names[f]) < 0 ||
		    (*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
			return -EAGAIN;
	}
	size_t got = 0;
	for (;;) {
		ssize_t n = pread(*fd, buf + got, size - 1 - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			break;
		if (n < 0 || (got += (size_t)n) == size - 1) {
			close(*fd);
			*fd = -1;
			return -EAGAIN;
		}
	}
	buf[got] = '\0';
	*len = got;
	return 0;
}

static int read_vmstat(struct oomw_monitor *m, int64_t *counter, const char **why)
{
	char buf[OOMW_SMALL_FILE_MAX];
	size_t len;
	if (read_kept(m, KEPT_VMSTAT, buf, sizeof(buf), &len) == 0)
		return oomw_vmstat_parse_oom_kill(buf, len, counter, why);
	return oomw_vmstat_read_oom_kill(m->paths.proc, counter, why);
}

static int read_meminfo(struct oomw_monitor *m, struct oomw_meminfo *out, const char **why)
{
	char buf[OOMW_SMALL_FILE_MAX];
	size_t len;
	if (read_kept(m, KEPT_MEMINFO, buf, sizeof(buf), &len) == 0)
		return oomw_meminfo_parse(buf, len, out, why);
	return oomw_meminfo_read(m->paths.proc, out, why);
}

static int read_psi(struct oomw_monitor *m, struct oomw_psi *out, const char **why)
{
	char buf[OOMW_SMALL_FILE_MAX];
	size_t len;
	if (read_kept(m, KEPT_PSI, buf, sizeof(buf), &len) == 0)
		return oomw_psi_parse(buf, len, out, why);
	return oomw_psi_read(m->paths.proc, out, why);
}

/* ---- the kernel log --------------------------------------------------- */

static void emit(struct oomw_monitor *m, struct oomw_event *ev, bool store)
{
	if (store) {
		oomw_state_add_event(&m->st, ev);
	} else {
		/* Would be dropped from the full ring at once: give it its index only. */
		ev->index = m->st.next_event_index++;
	}
	m->dirty = true;
	m->n_emitted++;
	if (m->on_event)
		m->on_event(ev, m->ctx);
}

/* A log time (µs since its boot) as wall time; when it was noticed if that
 * cannot be told, or would fall outside what the state accepts (a forged
 * stamp near OOMW_TIME_USEC_MAX plus the boot time). */
static int64_t mono_to_wall(const struct oomw_monitor *m, int64_t mono_usec)
{
	if (mono_usec == OOMW_UNKNOWN || m->real_minus_mono_usec == OOMW_UNKNOWN)
		return m->now_usec;
	/* Both are bounded where they enter (OOMW_TIME_USEC_MAX): no overflow. */
	int64_t wall = oomw_add_sat(mono_usec, m->real_minus_mono_usec);
	return wall >= 0 && wall <= OOMW_TIME_USEC_MAX ? wall : m->now_usec;
}

static void on_kill(const struct oomw_kill *kill, void *ctx)
{
	struct oomw_monitor *m = ctx;
	struct oomw_event ev = { .has_details = true, .kill = *kill };
	struct oomw_kill *k = &ev.kill;
	if (k->wall_usec != OOMW_UNKNOWN) {
		/* A dated line from before this boot (a text log keeps old boots):
		 * it is history, and the counter of this boot cannot confirm it. */
		if (m->boot_wall_usec != OOMW_UNKNOWN &&
		    k->wall_usec < m->boot_wall_usec - LOCAL_AS_UTC_SLACK_USEC)
			return;
	} else {
		k->wall_usec = mono_to_wall(m, k->mono_usec);
	}
	/* The kill the tracepoint already reported (and counted): the log
	 * completes it instead of being a kill of its own. */
	struct oomw_event *events = oomw_state_events(&m->st);
	long traced = oomw_trace_match_log(events, m->st.n_events, k);
	if (traced >= 0) {
		oomw_trace_merge(&events[traced], k);
		m->dirty = true;
		return;
	}
	ev.wall_usec = k->wall_usec;
	m->logged++;
	emit(m, &ev, true);
}

static void close_klog(struct oomw_monitor *m)
{
	if (m->klog_open && m->use_journal)
		oomw_journal_close(&m->journal);
	else if (m->klog_open)
		oomw_klog_close(&m->klog);
	m->klog_open = false;
}

/* ---- the journal ------------------------------------------------------ */

/* As open_klog, at the saved journal cursor; entries of <proc>'s boot only
 * (every boot when its boot_id is unreadable). */
static int open_journal(struct oomw_monitor *m)
{
	const struct oomw_state *st = &m->st;
	bool same = st->klog_seq_known && st->klog_cursor[0] != '\0' &&
		    strcmp(st->klog_source, m->paths.kmsg) == 0;
	enum oomw_klog_start start = same       ? OOMW_KLOG_START_SEQ
				     : m->fresh ? OOMW_KLOG_START_OLDEST
						: OOMW_KLOG_START_END;
	int r = oomw_journal_open(&m->journal, m->paths.journal_dir, m->boot_id, start,
				  st->klog_cursor, &m->journal_why);
	m->klog_open = r == 0;
	return r;
}

/* A userspace killer's message: an event of its own kind when it is a kill,
 * counted in userspace_kills, never in the kernel's reconciliation. */
static void feed_killer(struct oomw_monitor *m, enum oomw_killer killer,
			const struct oomw_klog_record *rec)
{
	struct oomw_event ev = { .has_details = true, .killer = killer };
	struct oomw_ukill_victim v;
	if (oomw_ukill_feed(&m->ukill_parser, killer, rec->text, rec->text_len, rec->mono_usec,
			    &ev.ukill, &v) != 1)
		return;
	/* As on_kill: a text log's line of an earlier boot is history. */
	if (rec->wall_usec != OOMW_UNKNOWN && m->boot_wall_usec != OOMW_UNKNOWN &&
	    rec->wall_usec < m->boot_wall_usec - LOCAL_AS_UTC_SLACK_USEC)
		return;
	/* The kernel's kill held by the parser came first: keep the order. */
	oomw_oomparse_flush(&m->parser);
	struct oomw_kill *k = &ev.kill;
	oomw_kill_init(k);
	k->pid = v.pid;
	k->uid = v.uid;
	memcpy(k->comm, v.comm, v.comm_len + 1);
	k->comm_len = v.comm_len;
	k->oom_score_adj = ev.ukill.oom_score_adj;
	memcpy(k->task_memcg, ev.ukill.cgroup, sizeof(k->task_memcg));
	k->mono_usec = rec->mono_usec;
	k->wall_usec = rec->wall_usec != OOMW_UNKNOWN ? rec->wall_usec : mono_to_wall(m, k->mono_usec);
	ev.wall_usec = k->wall_usec;
	m->st.userspace_kills = m->st.userspace_kills < OOMW_COUNTER_MAX ? m->st.userspace_kills + 1
									 : OOMW_COUNTER_MAX;
	emit(m, &ev, true);
}

static int drain_journal(struct oomw_monitor *m)
{
	struct oomw_journal_entry e;
	int r;
	oomw_journal_process(&m->journal);
	while ((r = oomw_journal_read(&m->journal, &e)) == 0) {
		if (e.origin == OOMW_JOURNAL_KERNEL)
			oomw_oomparse_feed(&m->parser, &e.rec);
		else
			feed_killer(m, e.killer, &e.rec);
	}
	oomw_oomparse_flush(&m->parser);
	return r == -EAGAIN ? 0 : r;
}

static void save_journal_cursor(struct oomw_monitor *m)
{
	struct oomw_state *st = &m->st;
	char cursor[OOMW_STATE_CURSOR_MAX + 1];
	if (oomw_journal_cursor(&m->journal, cursor, sizeof(cursor)) < 0)
		return;
	if (st->klog_seq_known && strcmp(st->klog_cursor, cursor) == 0 &&
	    strcmp(st->klog_source, m->paths.kmsg) == 0)
		return;
	st->klog_seq_known = true;
	st->klog_next_seq = 0;
	st->klog_inode = 0;
	memcpy(st->klog_cursor, cursor, sizeof(cursor));
	memcpy(st->klog_source, m->paths.kmsg, sizeof(st->klog_source));
	m->cursor_dirty = true;
}

/* Where to start reading. A saved cursor applies only to the same source (and,
 * for /dev/kmsg, the same boot). Without one, a fresh baseline reads the whole
 * log (it all happened since the counter's 0); otherwise the counter already
 * counted the past, so only new records are read. */
static int open_klog(struct oomw_monitor *m)
{
	if (m->use_journal)
		return open_journal(m);
	struct stat sb;
	if ((m->kmsg_fd >= 0 ? fstat(m->kmsg_fd, &sb) : stat(m->paths.kmsg, &sb)) < 0)
		return -errno;
	bool is_dev = S_ISCHR(sb.st_mode);
	const struct oomw_state *st = &m->st;
	bool same = st->klog_seq_known && strcmp(st->klog_source, m->paths.kmsg) == 0;
	enum oomw_klog_start start = OOMW_KLOG_START_END;
	uint64_t seq = 0;
	if (same && (is_dev || st->klog_inode == (uint64_t)sb.st_ino)) {
		start = OOMW_KLOG_START_SEQ;
		seq = st->klog_next_seq;
	} else if (same && !is_dev) {
		start = OOMW_KLOG_START_SEQ; /* rotated: the new file from its start */
	} else if (m->fresh) {
		start = OOMW_KLOG_START_OLDEST;
	}
	/* /dev/kmsg opened at its end tells no sequence number until a record
	 * arrives, so a one-shot process on a quiet machine would never get a
	 * cursor. Read from the oldest and drop what is there instead. */
	bool skip = is_dev && start == OOMW_KLOG_START_END;
	enum oomw_klog_start how = skip ? OOMW_KLOG_START_OLDEST : start;
	int fd = m->kmsg_fd;
	m->kmsg_fd = -1;
	int r = fd >= 0 ? oomw_klog_open_fd(&m->klog, fd, how, seq)
			: oomw_klog_open(&m->klog, m->paths.kmsg, how, seq);
	if (r < 0)
		return r;
	m->klog_open = true;
	if (!skip)
		return 0;
	struct oomw_klog_record rec;
	while ((r = oomw_klog_read(&m->klog, &rec)) == 0 || r == -EBADMSG)
		;
	if (r == -EAGAIN)
		return 0;
	/* The log failed before its end: no position is known, so report the
	 * error and try again next sample, as for a failed open. */
	close_klog(m);
	return r;
}

/* A record that may belong to an OOM report, by one cheap look: every line
 * the parser acts on, and the report's header, holds "oom" or "ill" (Killed,
 * kill, oom-kill:, oom_reaper). The parser ignores records of processes. */
static bool may_be_oom(const struct oomw_klog_record *rec)
{
	return rec->facility <= 0 && (memmem(rec->text, rec->text_len, "oom", 3) ||
				      memmem(rec->text, rec->text_len, "ill", 3));
}

/* Reads every pending record through the parser. Returns 0 or -errno. */
static int drain_klog(struct oomw_monitor *m)
{
	struct oomw_klog_record rec;
	int r;
	/* -EBADMSG: one malformed record was skipped (klog counts it); go on. */
	while ((r = oomw_klog_read(&m->klog, &rec)) == 0 || r == -EBADMSG) {
		if (r != 0)
			continue;
		m->n_records++;
		if (rec.killer != OOMW_KILLER_KERNEL) {
			feed_killer(m, rec.killer, &rec);
			continue;
		}
		m->oom_records |= may_be_oom(&rec);
		oomw_oomparse_feed(&m->parser, &rec);
	}
	oomw_oomparse_flush(&m->parser);
	return r == -EAGAIN ? 0 : r;
}

static void save_klog_cursor(struct oomw_monitor *m)
{
	struct oomw_state *st = &m->st;
	/* 0 on /dev/kmsg: no record read yet, so no position known. */
	if (m->klog.kind == OOMW_KLOG_DEVKMSG && m->klog.next_seq == 0)
		return;
	if (st->klog_seq_known && st->klog_next_seq == m->klog.next_seq &&
	    st->klog_inode == m->klog.inode && strcmp(st->klog_source, m->paths.kmsg) == 0)
		return;
	st->klog_seq_known = true;
	st->klog_next_seq = m->klog.next_seq;
	st->klog_inode = m->klog.inode;
	memcpy(st->klog_source, m->paths.kmsg, sizeof(st->klog_source));
	m->cursor_dirty = true;
}

static void read_klog(struct oomw_monitor *m, struct oomw_snapshot *snap)
{
	if (m->use_journal) {
		m->klog_err = drain_journal(m);
		save_journal_cursor(m);
	} else {
		m->klog_err = drain_klog(m);
		snap->klog_missed = m->klog.missed;
		save_klog_cursor(m);
	}
	if (m->klog_err < 0)
		close_klog(m); /* reopened at the saved cursor next time */
}

/* A log file renamed away by logrotate stays open at its old inode; once it is
 * read to its end, follow the path to the new file (read from its start). */
static bool klog_rotated(const struct oomw_monitor *m)
{
	struct stat sb;
	return m->klog_open && !m->use_journal && m->klog.kind != OOMW_KLOG_DEVKMSG &&
	       m->klog_err == 0 && stat(m->paths.kmsg, &sb) == 0 &&
	       (uint64_t)sb.st_ino != m->klog.inode;
}

static void sample_klog(struct oomw_monitor *m, struct oomw_snapshot *snap)
{
	if (klog_disabled(m))
		return;
	if (!m->klog_open)
		m->klog_err = open_klog(m);
	if (m->klog_open) {
		read_klog(m, snap);
		if (klog_rotated(m)) {
			close_klog(m);
			m->klog_err = open_klog(m);
			if (m->klog_open)
				read_klog(m, snap);
		}
	}
	snap->klog_err = m->klog_err;
	snap->klog_why = m->klog_err < 0 && m->use_journal ? m->journal_why : NULL;
}

/* With klog_only_when_counted: true when the counter just read proves that
 * the log holds no kill the state lacks. The kernel counts a kill before it
 * prints it, so a record newer than this read is for a later rise of the
 * counter, and the saved cursor still leads to it. */
static bool klog_skippable(const struct oomw_monitor *m, int vmstat_err, int64_t counter)
{
	const struct oomw_state *st = &m->st;
	/* Not the journal: userspace killers' kills are in it whatever the counter says. */
	return m->klog_only_when_counted && !m->use_journal && !m->klog_open && !m->fresh &&
	       vmstat_err == 0 && counter != OOMW_UNKNOWN && counter == st->vmstat_oom_kill &&
	       st->log_ahead == 0 && st->klog_seq_known && strcmp(st->klog_source, m->paths.kmsg) == 0;
}

/* The log could not be opened, or failed part way (it is closed then), while
 * the counter moves on: the kills between the cursor and now are counted
 * without details, so reading them later would count them twice. */
static void forget_cursor_if_unread(struct oomw_monitor *m, bool counter_read)
{
	if (klog_disabled(m) || m->klog_open || !counter_read || !m->st.klog_seq_known)
		return;
	m->st.klog_seq_known = false;
	m->dirty = true;
}

/* ---- the tracepoint ---------------------------------------------------- */

static void recount(struct oomw_monitor *m, struct oomw_snapshot *snap, int64_t *counter, int64_t *d);

/* Only for daemons watching the running kernel and its own log: a fixture
 * or another machine's log must not be mixed with this kernel's victims. */
static bool trace_applies(const struct oomw_monitor *m, const struct oomw_monitor_config *cfg)
{
	struct stat sb;
	bool live_log = m->use_journal ? m->paths.journal_dir[0] == '\0'
				       : stat(m->paths.kmsg, &sb) == 0 && S_ISCHR(sb.st_mode);
	return cfg->trace && !cfg->klog_only_when_counted && m->live_boot && live_log;
}

static void open_trace(struct oomw_monitor *m, const struct oomw_monitor_config *cfg)
{
	m->trace_err = -ENOENT;
	m->trace.epoll_fd = -1;
	if (!trace_applies(m, cfg))
		return;
	m->trace_err = oomw_trace_open(&m->trace, m->paths.sys, &m->trace_why);
	m->trace_open = m->trace_err == 0;
}

/* Takes the pending victims of the tracepoint into traced[], except those
 * whose log record was read first (already an event), each with what its
 * report in the log says (oomw_oomparse_complete). The kernel prints the
 * report before it marks the victim: the records that came after the log was
 * read are read first, so the report is whole; only the Killed line may be
 * missing, which completes the event later (on_kill). */
static void drain_trace(struct oomw_monitor *m, struct oomw_snapshot *snap)
{
	snap->trace_err = m->trace_err;
	snap->trace_why = m->trace_why;
	if (!m->trace_open)
		return;
	size_t n = m->n_traced;
	int r;
	while (n < TRACED_MAX && ((r = oomw_trace_read(&m->trace, &m->traced[n])) == 0 || r == -EBADMSG))
		n += r == 0;
	snap->trace_lost = m->trace.lost;
	if (n == m->n_traced)
		return;
	if (m->klog_open) {
		read_klog(m, snap);
		snap->klog_err = m->klog_err;
	}
	for (size_t i = m->n_traced; i < n; i++) {
		struct oomw_kill *k = &m->traced[i];
		if (oomw_trace_seen(oomw_state_events(&m->st), m->st.n_events, k))
			continue;
		k->wall_usec = mono_to_wall(m, k->mono_usec);
		oomw_oomparse_complete(&m->parser, k);
		m->traced[m->n_traced++] = *k;
	}
}

/* Kills the counter shows beyond those of the log (log_ahead, then this
 * sample's): what the traced victims may name. */
static int64_t traced_room(const struct oomw_monitor *m, int64_t d)
{
	int64_t ahead = m->st.log_ahead;
	d -= d < ahead ? d : ahead;
	return d > m->logged ? d - m->logged : 0;
}

/* The traced victims become kills as far as the counter confirms them: the
 * kernel counts a kill before it marks the victim, so one it does not count
 * (after one more read) was a task marked without a kill (already dying).
 * Without a usable counter they are dropped: the log is the source then. */
static void confirm_traced(struct oomw_monitor *m, struct oomw_snapshot *snap, int64_t *counter,
			   int64_t *d)
{
	size_t n = m->n_traced;
	m->n_traced = 0;
	if (n == 0 || *d < 0)
		return;
	if (traced_room(m, *d) < (int64_t)n)
		recount(m, snap, counter, d);
	int64_t room = traced_room(m, *d);
	for (size_t i = 0; i < n && room > 0; i++, room--) {
		struct oomw_event ev = { .has_details = true, .kill = m->traced[i] };
		ev.wall_usec = ev.kill.wall_usec;
		/* Its log record completes it later, if a log is read. */
		ev.awaiting_log = m->klog_open;
		m->logged++;
		emit(m, &ev, true);
	}
}

/* ---- counting --------------------------------------------------------- */

/* a + b for counters: saturated at OOMW_COUNTER_MAX, which the state accepts. */
static int64_t count_add(int64_t a, int64_t b)
{
	int64_t sum = oomw_add_sat(a, b);
	return sum > OOMW_COUNTER_MAX ? OOMW_COUNTER_MAX : sum;
}

static void add_without_details(struct oomw_monitor *m, int64_t n)
{
	/* On a fresh baseline (first sample, new boot) these kills happened at
	 * some unknown time since boot: they are dated at boot, the earliest they
	 * can be, so that a time window shorter than the uptime does not take them
	 * as recent; and they only fill free room in the ring, so that they never
	 * push out the named victims the log still shows. */
	bool backlog = m->fresh;
	int64_t when = backlog && m->boot_wall_usec != OOMW_UNKNOWN ? m->boot_wall_usec : m->now_usec;
	assert(n > 0 && n <= OOMW_COUNTER_MAX);
	m->st.kills_without_details = count_add(m->st.kills_without_details, n);
	/* Only as many events as the ring holds: the older ones are counted, and
	 * take their indexes (which count kills), but are no event; the counter
	 * may jump by any amount, so this is O(1), not one event per kill. */
	int64_t shown = n < OOMW_STATE_EVENTS_MAX ? n : OOMW_STATE_EVENTS_MAX;
	m->st.next_event_index = (uint64_t)count_add((int64_t)m->st.next_event_index, n - shown);
	m->snap->kills_not_shown = count_add(m->snap->kills_not_shown, n - shown);
	for (int64_t i = 0; i < shown; i++) {
		struct oomw_event ev = { .has_details = false, .backlog = backlog, .wall_usec = when };
		oomw_kill_init(&ev.kill);
		ev.kill.wall_usec = m->now_usec; /* first noticed (event.h) */
		emit(m, &ev, !backlog || m->st.n_events < OOMW_STATE_EVENTS_MAX);
	}
}

/* The counter's rise since the previous sample; -1 when it is not usable. */
static int64_t counter_delta(const struct oomw_monitor *m, int vmstat_err, int64_t counter)
{
	if (vmstat_err < 0 || counter == OOMW_UNKNOWN)
		return -1;
	int64_t prev = m->fresh || m->st.vmstat_oom_kill == OOMW_UNKNOWN ? 0 : m->st.vmstat_oom_kill;
	/* Backwards without a new boot_id: a reboot we could not see. */
	return counter >= prev ? counter - prev : counter;
}

static void reconcile(struct oomw_monitor *m, int vmstat_err, int64_t counter, int64_t d)
{
	struct oomw_state *st = &m->st;
	int64_t old_ahead = st->log_ahead;
	if (vmstat_err < 0) {
		/* The counter will show these kills when it is readable again. */
		st->log_ahead = count_add(st->log_ahead, m->logged);
		m->dirty |= m->logged > 0;
		return;
	}
	if (d < 0)
		return; /* no counter on this kernel: the log is the only source */
	/* The surplus kept from before: the kernel counts a kill before it
	 * prints it, so the counter has caught up by now. What it does not
	 * confirm was no kill of this boot (a text line from elsewhere) and
	 * must not hide a later one. */
	d -= d < old_ahead ? d : old_ahead;
	/* On a fresh baseline the counter covers the whole boot: a surplus in the
	 * log is an earlier boot's (a text log), not a kill still to be counted. */
	int64_t ahead = d >= m->logged || m->fresh ? 0 : m->logged - d;
	if (ahead != old_ahead || counter != st->vmstat_oom_kill)
		m->dirty = true;
	/* What the state loader accepts: the next start must not refuse it. */
	assert(ahead >= 0 && ahead <= OOMW_COUNTER_MAX);
	st->log_ahead = ahead;
	st->vmstat_oom_kill = counter;
	if (d > m->logged)
		add_without_details(m, d - m->logged);
}

/* ---- candidates ------------------------------------------------------- */

/* The process scan, reused for CANDIDATES_RESCAN_USEC; with hurry, whatever
 * its age (see oomw_monitor_sample). */
static void sample_candidates(struct oomw_monitor *m, struct oomw_snapshot *snap, bool hurry)
{
	int64_t now = clock_usec(CLOCK_MONOTONIC);
	if (m->candidates_mono_usec == 0 ||
	    (!hurry && now - m->candidates_mono_usec >= CANDIDATES_RESCAN_USEC)) {
		m->candidates_err = oomw_candidates_top(m->paths.proc, m->candidates,
							m->n_candidates, &m->n_found);
		m->candidates_mono_usec = now;
	}
	snap->candidates_err = m->candidates_err;
	snap->n_candidates = m->n_found;
	memcpy(snap->candidates, m->candidates, m->n_found * sizeof(m->candidates[0]));
}

/* ---- cgroups ---------------------------------------------------------- */

static int on_cgroup(const struct oomw_cgroup_stats *cs, void *ctx)
{
	struct oomw_monitor *m = ctx;
	struct oomw_snapshot *snap = m->snap;
	for (size_t i = 0; i < snap->n_cgroups; i++)
		if (strcmp(snap->cgroups[i].stats.path, cs->path) == 0)
			return 0; /* matched by an earlier glob too */
	assert(snap->n_cgroups <= OOMW_SNAPSHOT_CGROUPS_MAX);
	if (snap->n_cgroups == OOMW_SNAPSHOT_CGROUPS_MAX)
		return -E2BIG;
	snap->cgroups[snap->n_cgroups++].stats = *cs;
	return 0;
}

static const struct oomw_state_cgroup *find_cgroup(const struct oomw_state *st, const char *path)
{
	for (size_t i = 0; i < st->n_cgroups; i++)
		if (strcmp(st->cgroups[i].path, path) == 0)
			return &st->cgroups[i];
	return NULL;
}

/* Reading memory.events through the polled fd re-arms POLLPRI: kernfs reports
 * a change once per read. False when the fd is stale: once its cgroup is
 * removed, reads fail with ENODEV and poll() reports POLLERR|POLLPRI at once,
 * for ever, even after a cgroup of the same path is created again (a restarted
 * systemd service). */
static bool rearm(int fd)
{
	char buf[EVENTS_FILE_MAX];
	ssize_t n;
	while ((n = pread(fd, buf, sizeof(buf), 0)) < 0 && errno == EINTR)
		;
	return n >= 0;
}

static int open_watch(const struct oomw_cgroup_root *root, const char *cg)
{
	char dir[PATH_MAX], path[PATH_MAX];
	if (oomw_path_join(dir, sizeof(dir), root->dir, cg) < 0 ||
	    oomw_path_join(path, sizeof(path), dir, "memory.events") < 0)
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd >= 0 && !rearm(fd)) {
		close(fd); /* removed since it was read */
		return -1;
	}
	return fd;
}

/* cgroup v2: keeps one open memory.events per matched cgroup, for poll(). The
 * table follows the snapshot: new cgroups are opened, vanished ones closed. */
static void update_watches(struct oomw_monitor *m, const struct oomw_snapshot *snap)
{
	size_t n = 0;
	for (size_t i = 0; i < m->n_watch; i++) {
		bool keep = false;
		for (size_t j = 0; j < snap->n_cgroups && !keep; j++)
			keep = strcmp(snap->cgroups[j].stats.path, m->watch[i].path) == 0;
		/* A stale fd is closed: the loop below opens the new cgroup's file,
		 * instead of a poll() that would never block again. */
		if (keep && rearm(m->watch[i].fd))
			m->watch[n++] = m->watch[i];
		else
			close(m->watch[i].fd);
	}
	m->n_watch = n;
	for (size_t j = 0; m->cg_root.version == 2 && j < snap->n_cgroups; j++) {
		const char *path = snap->cgroups[j].stats.path;
		bool have = false;
		for (size_t i = 0; i < n && !have; i++)
			have = strcmp(m->watch[i].path, path) == 0;
		if (have || m->n_watch == OOMW_SNAPSHOT_CGROUPS_MAX)
			continue;
		int fd = open_watch(&m->cg_root, path);
		if (fd < 0)
			continue; /* the v2 root has no memory.events; a cgroup may just have gone */
		struct cgroup_watch *w = &m->watch[m->n_watch++];
		w->fd = fd;
		memcpy(w->path, path, sizeof(w->path));
	}
}

/* A cgroup's kills since the previous sample; see oomw_snapshot_cgroup. */
static int64_t cgroup_delta(const struct oomw_state_cgroup *prev, int64_t cur, bool first)
{
	if (cur == OOMW_UNKNOWN || (prev == NULL && first))
		return 0;
	if (prev == NULL)
		return cur;
	if (prev->oom_kill == OOMW_UNKNOWN)
		return 0;
	/* Both in [0, OOMW_COUNTER_MAX]: no overflow. Down: recreated. */
	return cur >= prev->oom_kill ? cur - prev->oom_kill : cur;
}

/* Fills the snapshot's deltas and cg_next from the cgroups just read; after a
 * failed walk, keeps the counts of the cgroups it did not get to. Returns how
 * many entries cg_next holds. */
static size_t next_cgroups(struct oomw_monitor *m, struct oomw_snapshot *snap, bool first)
{
	const struct oomw_state *st = &m->st;
	size_t n = 0;
	for (size_t i = 0; i < snap->n_cgroups; i++) {
		struct oomw_snapshot_cgroup *c = &snap->cgroups[i];
		const struct oomw_state_cgroup *prev = find_cgroup(st, c->stats.path);
		int64_t hits = oomw_cgroup_limit_hits(&c->stats);
		if (hits != OOMW_UNKNOWN && (hits < 0 || hits > OOMW_COUNTER_MAX))
			hits = OOMW_UNKNOWN; /* no real count: the state would refuse it */
		c->oom_kill_delta = cgroup_delta(prev, c->stats.oom_kill, first);
		c->limit_hits_delta = prev && prev->limit_hits != OOMW_UNKNOWN &&
						      hits != OOMW_UNKNOWN && hits >= prev->limit_hits
					      ? hits - prev->limit_hits
					      : OOMW_UNKNOWN;
		memcpy(m->cg_next[n].path, c->stats.path, sizeof(m->cg_next[n].path));
		m->cg_next[n].limit_hits = hits;
		m->cg_next[n++].oom_kill = c->stats.oom_kill;
	}
	for (size_t i = 0; snap->cgroup_err < 0 && i < st->n_cgroups && n < OOMW_STATE_CGROUPS_MAX;
	     i++) {
		bool seen = false;
		for (size_t j = 0; j < snap->n_cgroups && !seen; j++)
			seen = strcmp(snap->cgroups[j].stats.path, st->cgroups[i].path) == 0;
		if (!seen)
			m->cg_next[n++] = st->cgroups[i];
	}
	return n;
}

/* Makes cg_next[0..n) the state's table, marking the state dirty if it changed. */
static void commit_cgroups(struct oomw_monitor *m, size_t n)
{
	struct oomw_state *st = &m->st;
	assert(n <= OOMW_STATE_CGROUPS_MAX);
	bool changed = n != st->n_cgroups;
	for (size_t i = 0; i < n && !changed; i++)
		changed = m->cg_next[i].oom_kill != st->cgroups[i].oom_kill ||
			  m->cg_next[i].limit_hits != st->cgroups[i].limit_hits ||
			  strcmp(m->cg_next[i].path, st->cgroups[i].path) != 0;
	if (!changed)
		return;
	memcpy(st->cgroups, m->cg_next, n * sizeof(m->cg_next[0]));
	st->n_cgroups = n;
	m->dirty = true;
}

static void sample_cgroups(struct oomw_monitor *m, struct oomw_snapshot *snap, bool first)
{
	if (m->n_globs == 0)
		return;
	if (m->cg_root_err < 0)
		m->cg_root_err = oomw_cgroup_find_root(m->paths.sys, &m->cg_root);
	if (m->cg_root_err < 0) {
		snap->cgroup_err = m->cg_root_err;
		return;
	}
	for (size_t g = 0; g < m->n_globs; g++) {
		int r = oomw_cgroup_walk(&m->cg_root, m->globs[g], on_cgroup, m);
		if (r < 0 && snap->cgroup_err == 0)
			snap->cgroup_err = r;
	}
	size_t n = next_cgroups(m, snap, first);
	update_watches(m, snap);
	commit_cgroups(m, n);
}

/* ---- the object ------------------------------------------------------- */

/* Applies the saved state to this boot. */
static void load_state(struct oomw_monitor *m)
{
	struct oomw_state *st = &m->st;
	m->first_sample = true;
	m->fresh = true;
	m->dirty = true;
	if (m->state_path[0] == '\0') {
		oomw_state_init(st);
		return;
	}
	int r = oomw_state_load(m->state_path, st, &m->state_why);
	if (r < 0) {
		/* Never trusted: start as if there were none, which reports
		 * everything since boot again rather than losing a kill. */
		if (r != -ENOENT)
			m->state_err = r;
		return;
	}
	m->first_sample = false;
	/* An unknown boot_id on either side is not a reboot: the counter going
	 * backwards still shows one. */
	if (m->boot_id[0] != '\0' && st->boot_id[0] != '\0' && strcmp(st->boot_id, m->boot_id) != 0) {
		/* A new boot: the counter restarted at 0 and kmsg sequence numbers
		 * with it. Old events stay (they happened) and indexes keep growing. */
		st->vmstat_oom_kill = OOMW_UNKNOWN;
		st->log_ahead = 0;
		st->kills_without_details = 0;
		st->userspace_kills = 0;
		st->n_cgroups = 0;
		struct stat sb;
		if (stat(st->klog_source, &sb) == 0 && S_ISCHR(sb.st_mode))
			st->klog_seq_known = false;
		return;
	}
	m->fresh = false;
	m->dirty = false;
}

int oomw_monitor_open(const struct oomw_monitor_config *cfg, struct oomw_monitor **out)
{
	*out = NULL;
	int kmsg_fd = cfg->kmsg_opened && cfg->kmsg_fd >= 0 ? cfg->kmsg_fd : -1;
	if (cfg->n_cgroup_globs > OOMW_GLOBS_MAX)
		goto invalid;
	for (size_t i = 0; i < cfg->n_cgroup_globs; i++)
		if (cfg->cgroup_globs[i] == NULL)
			goto invalid;
	struct oomw_monitor *m = calloc(1, sizeof(*m));
	if (m == NULL) {
		if (kmsg_fd >= 0)
			close(kmsg_fd);
		return -ENOMEM;
	}
	m->kmsg_fd = kmsg_fd;
	/* The caller's open failed (e.g. -EPERM): known even when the log is
	 * skipped; a later open by path says again. */
	if (cfg->kmsg_opened && cfg->kmsg_fd < 0)
		m->klog_err = cfg->kmsg_fd;
	m->paths = cfg->paths;
	if (cfg->state_path && oomw_paths_set(m->state_path, cfg->state_path) < 0)
		goto too_long;
	for (size_t i = 0; i < cfg->n_cgroup_globs; i++)
		if (oomw_paths_set(m->globs[i], cfg->cgroup_globs[i]) < 0)
			goto too_long;
	m->n_globs = cfg->n_cgroup_globs;
	m->n_candidates =
		cfg->n_candidates < OOMW_CANDIDATES_MAX ? cfg->n_candidates : OOMW_CANDIDATES_MAX;
	m->cg_root_err = -ENOENT;
	m->klog.fd = -1;
	m->use_journal = strcmp(m->paths.kmsg, OOMW_KMSG_JOURNAL) == 0;
	oomw_ukill_parser_init(&m->ukill_parser);
	m->klog_only_when_counted = cfg->klog_only_when_counted;
	m->defer_save = cfg->defer_save;
	struct statfs sfs;
	m->proc_is_procfs = statfs(m->paths.proc, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
	for (size_t i = 0; i < KEPT_N; i++)
		m->kept_fd[i] = -1;

	read_boot_id(m->paths.proc, m->boot_id);
	m->boot_wall_usec = read_boot_wall_usec(m->paths.proc);
	char live_boot_id[OOMW_BOOT_ID_MAX + 1];
	read_boot_id(LIVE_PROC, live_boot_id);
	m->live_boot = m->boot_id[0] != '\0' && strcmp(m->boot_id, live_boot_id) == 0;
	load_state(m);
	oomw_oomparse_init(&m->parser, on_kill, m);
	/* klog_only_when_counted: opened by the sample, if at all. */
	if (!klog_disabled(m) && !m->klog_only_when_counted)
		m->klog_err = open_klog(m);
	/* The caller's descriptor waits for a lazy open; else it was taken, or
	 * is not needed ("none"), or the open failed before using it. */
	bool lazy = !klog_disabled(m) && m->klog_only_when_counted;
	if (m->kmsg_fd >= 0 && !lazy) {
		close(m->kmsg_fd);
		m->kmsg_fd = -1;
	}
	open_trace(m, cfg);
	m->psi_fd = -1;
	*out = m;
	return 0;
too_long:
	free(m);
	if (kmsg_fd >= 0)
		close(kmsg_fd);
	return -ENAMETOOLONG;
invalid:
	if (kmsg_fd >= 0)
		close(kmsg_fd);
	return -EINVAL;
}

/* Sets up the fields valid during one sample. */
static void sample_begin(struct oomw_monitor *m, struct oomw_snapshot *snap, oomw_event_cb on_event,
			 void *ctx)
{
	/* The tables past their counts are left as they are: clearing all of the
	 * snapshot (60 KiB) cost every sample, and a one-shot check its pages. */
	memset(snap, 0, offsetof(struct oomw_snapshot, cgroups));
	snap->candidates_err = 0;
	snap->n_candidates = 0;
	m->snap = snap;
	m->on_event = on_event;
	m->ctx = ctx;
	m->logged = 0;
	m->n_records = 0;
	m->oom_records = false;
	m->n_emitted = 0;
	m->now_usec = clock_usec(CLOCK_REALTIME);
	/* The log's monotonic times belong to the boot of <proc>: the running
	 * kernel's clocks say exactly when that boot began; another boot (a copy
	 * of another machine's /proc, an earlier boot) only says so by its btime. */
	if (m->live_boot)
		m->real_minus_mono_usec = m->now_usec - clock_usec(CLOCK_MONOTONIC);
	else
		m->real_minus_mono_usec = m->boot_wall_usec;
	snap->wall_usec = m->now_usec;
	snap->first_sample = m->first_sample;
	snap->state_err = m->state_err;
	snap->state_why = m->state_why;
}

/* The counter and the log now disagree in the log's favour: a kill landed
 * between the two reads, and the kernel counted it before printing it, so the
 * counter has it now. Reading it again keeps the snapshot's total in step with
 * the events it reports. */
static void recount(struct oomw_monitor *m, struct oomw_snapshot *snap, int64_t *counter, int64_t *d)
{
	int64_t again;
	const char *why;
	if (read_vmstat(m, &again, &why) == 0 && again > *counter) {
		*counter = again;
		snap->oom_kill_total = again;
		*d = counter_delta(m, snap->vmstat_err, again);
	}
}

/* journald copies a kill from /dev/kmsg some time after the kernel printed it
 * (longer under the memory pressure that caused it): on the running boot, when
 * the counter shows kills the journal does not yet, wait for it up to
 * JOURNAL_LAG_MAX_USEC before they are taken as kills without details. */
static void await_journal(struct oomw_monitor *m, struct oomw_snapshot *snap, int64_t d)
{
	if (!m->use_journal || !m->live_boot)
		return;
	int64_t deadline = clock_usec(CLOCK_MONOTONIC) + JOURNAL_LAG_MAX_USEC;
	while (m->klog_open && d > count_add(m->st.log_ahead, m->logged)) {
		int64_t left = deadline - clock_usec(CLOCK_MONOTONIC);
		int fd = oomw_journal_fd(&m->journal);
		if (left <= 0 || fd < 0)
			return;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, (int)((left + 999) / 1000)) <= 0)
			return;
		read_klog(m, snap);
		snap->klog_err = m->klog_err;
	}
}

/* The counter, then the log (see the top of this file), reconciled. */
static void sample_kills(struct oomw_monitor *m, struct oomw_snapshot *snap)
{
	int64_t counter;
	snap->vmstat_err = read_vmstat(m, &counter, &snap->vmstat_why);
	snap->oom_kill_total = snap->vmstat_err < 0 ? OOMW_UNKNOWN : counter;
	bool skip_klog = klog_skippable(m, snap->vmstat_err, counter);
	if (!skip_klog)
		sample_klog(m, snap);
	else
		snap->klog_err = m->klog_err; /* e.g. the caller's open that failed */
	drain_trace(m, snap);
	int64_t d = counter_delta(m, snap->vmstat_err, counter);
	confirm_traced(m, snap, &counter, &d);
	if (d >= 0 && d < count_add(m->st.log_ahead, m->logged))
		recount(m, snap, &counter, &d);
	if (m->klog_open && d > count_add(m->st.log_ahead, m->logged)) {
		/* The kernel prints a kill a few µs after counting it: one that
		 * fell in that gap is counted but was not in the log yet. */
		read_klog(m, snap);
		snap->klog_err = m->klog_err;
		await_journal(m, snap, d);
	}
	if (!skip_klog)
		forget_cursor_if_unread(m, snap->oom_kill_total != OOMW_UNKNOWN);
	reconcile(m, snap->vmstat_err, counter, d);
	snap->kills_without_details = m->st.kills_without_details;
	snap->userspace_kills = m->st.userspace_kills;
	if (m->boot_id[0] != '\0' && strcmp(m->st.boot_id, m->boot_id) != 0) {
		memcpy(m->st.boot_id, m->boot_id, sizeof(m->st.boot_id));
		m->dirty = true;
	}
	/* The baseline is set once the counter was read (or is known to be
	 * absent): until then, kills it will show are still the since-boot
	 * backlog, of unknown time, not news. */
	if (snap->vmstat_err == 0)
		m->fresh = false;
}

/* Saves the state when something that must not be lost changed, or when only
 * the log cursor moved and the last save is old enough. */
static int save_state(struct oomw_monitor *m, int64_t mono_usec)
{
	if (m->state_path[0] == '\0')
		return 0;
	int r = oomw_state_save(m->state_path, &m->st);
	if (r < 0)
		return r;
	m->dirty = m->cursor_dirty = false;
	m->saved_mono_usec = mono_usec;
	m->state_err = 0;
	m->state_why = NULL;
	return 0;
}

static int save_if_due(struct oomw_monitor *m)
{
	int64_t mono_usec = clock_usec(CLOCK_MONOTONIC);
	bool cursor_due =
		m->cursor_dirty && (m->saved_mono_usec == 0 ||
				    mono_usec - m->saved_mono_usec >= CURSOR_SAVE_INTERVAL_USEC);
	if (!m->dirty && !cursor_due)
		return 0;
	return save_state(m, mono_usec);
}

/* True when a watched cgroup's memory.events or the PSI trigger is ready. */
static bool watches_ready(const struct oomw_monitor *m)
{
	struct pollfd fds[OOMW_SNAPSHOT_CGROUPS_MAX + 1];
	size_t n = 0;
	for (size_t i = 0; i < m->n_watch; i++)
		fds[n++] = (struct pollfd){ .fd = m->watch[i].fd, .events = POLLPRI };
	if (m->psi_fd >= 0)
		fds[n++] = (struct pollfd){ .fd = m->psi_fd, .events = POLLPRI };
	return n > 0 && poll(fds, (nfds_t)n, 0) != 0;
}

/* The fast path. A front end woken by every kernel-log record would otherwise
 * read all gauges and walk the cgroups for each. A sample whose log records
 * hold nothing of an OOM report, that reported no kill, while no cgroup or
 * PSI watch is ready, reuses the gauges of the last full sample if that is
 * younger than GAUGES_REUSE_USEC: what it reports is at most that old. The
 * kills are never skipped: the counter and the log were read in full. */
static bool gauges_reusable(const struct oomw_monitor *m, bool first)
{
	return !first && m->n_records > 0 && !m->oom_records && m->n_emitted == 0 &&
	       m->gauges_mono_usec != 0 &&
	       clock_usec(CLOCK_MONOTONIC) - m->gauges_mono_usec < GAUGES_REUSE_USEC &&
	       !watches_ready(m);
}

static void reuse_gauges(const struct oomw_monitor *m, struct oomw_snapshot *snap)
{
	const struct oomw_snapshot *g = &m->gauges;
	snap->mem = g->mem;
	snap->mem_err = g->mem_err;
	snap->mem_why = g->mem_why;
	snap->psi = g->psi;
	snap->psi_err = g->psi_err;
	snap->psi_why = g->psi_why;
	snap->cgroup_err = g->cgroup_err;
	snap->n_cgroups = g->n_cgroups;
	for (size_t i = 0; i < g->n_cgroups; i++) {
		snap->cgroups[i].stats = g->cgroups[i].stats;
		snap->cgroups[i].oom_kill_delta = 0; /* counted by the sample that read them */
	}
}

static void read_gauges(struct oomw_monitor *m, struct oomw_snapshot *snap, bool first)
{
	snap->mem_err = read_meminfo(m, &snap->mem, &snap->mem_why);
	snap->psi_err = read_psi(m, &snap->psi, &snap->psi_why);
	sample_cgroups(m, snap, first);
	m->gauges_mono_usec = clock_usec(CLOCK_MONOTONIC);
	struct oomw_snapshot *g = &m->gauges;
	g->mem = snap->mem;
	g->mem_err = snap->mem_err;
	g->mem_why = snap->mem_why;
	g->psi = snap->psi;
	g->psi_err = snap->psi_err;
	g->psi_why = snap->psi_why;
	g->cgroup_err = snap->cgroup_err;
	g->n_cgroups = snap->n_cgroups;
	memcpy(g->cgroups, snap->cgroups, snap->n_cgroups * sizeof(snap->cgroups[0]));
}

int oomw_monitor_sample(struct oomw_monitor *m, struct oomw_snapshot *snap, oomw_event_cb on_event,
			void *ctx)
{
	bool first = m->first_sample;
	sample_begin(m, snap, on_event, ctx);
	sample_kills(m, snap);
	m->on_event = NULL;
	m->first_sample = false;

	if (gauges_reusable(m, first))
		reuse_gauges(m, snap);
	else
		read_gauges(m, snap, first);
	/* Deferred only when there are new kills to notify first (a first
	 * sample's are the backlog of the boot): then no /proc walk either
	 * stands between the kills and their notices. */
	bool hurry = m->defer_save && m->n_emitted > 0 && !first;
	if (m->n_candidates > 0)
		sample_candidates(m, snap, hurry);
	if (hurry)
		return m->save_err;
	return oomw_monitor_save(m);
}

int oomw_monitor_save(struct oomw_monitor *m)
{
	m->save_err = save_if_due(m);
	return m->save_err;
}

uint64_t oomw_monitor_notified(const struct oomw_monitor *m)
{
	return m->st.notified_index;
}

int oomw_monitor_set_notified(struct oomw_monitor *m, uint64_t index)
{
	if (index >= m->st.next_event_index)
		index = m->st.next_event_index - 1;
	if (index <= m->st.notified_index)
		return 0;
	m->st.notified_index = index;
	m->dirty = true;
	return save_state(m, clock_usec(CLOCK_MONOTONIC));
}

size_t oomw_monitor_pollfds(struct oomw_monitor *m, struct pollfd *fds, size_t max)
{
	if (!m->psi_tried) {
		/* Where the kernel allows it, a waiting front end also wakes when
		 * memory pressure starts, not only at its next interval. The window
		 * is one the kernel accepts without CAP_SYS_RESOURCE on 6.4+. */
		m->psi_tried = true;
		if (oomw_psi_trigger_open(m->paths.proc, false, PSI_TRIGGER_STALL_USEC,
					  OOMW_PSI_UNPRIVILEGED_WINDOW_USEC, &m->psi_fd) < 0)
			m->psi_fd = -1;
	}
	size_t n = 0;
	/* A regular file is always "readable": polling it would spin. */
	if (n < max && m->klog_open && !m->use_journal && m->klog.kind == OOMW_KLOG_DEVKMSG)
		fds[n++] = (struct pollfd){ .fd = m->klog.fd, .events = POLLIN };
	if (n < max && m->trace_open)
		fds[n++] = (struct pollfd){ .fd = oomw_trace_fd(&m->trace), .events = POLLIN };
	int jfd = m->klog_open && m->use_journal ? oomw_journal_fd(&m->journal) : -1;
	if (n < max && jfd >= 0)
		fds[n++] = (struct pollfd){ .fd = jfd, .events = POLLIN };
	for (size_t i = 0; i < m->n_watch && n < max; i++)
		fds[n++] = (struct pollfd){ .fd = m->watch[i].fd, .events = POLLPRI };
	if (n < max && m->psi_fd >= 0)
		fds[n++] = (struct pollfd){ .fd = m->psi_fd, .events = POLLPRI };
	return n;
}

const struct oomw_event *oomw_monitor_events(const struct oomw_monitor *m, size_t *n)
{
	*n = m->st.n_events;
	return oomw_state_events(&m->st);
}

void oomw_monitor_close(struct oomw_monitor *m)
{
	if (m == NULL)
		return;
	if (m->defer_save)
		oomw_monitor_save(m); /* what the last sample changed */
	close_klog(m);
	if (m->trace_open)
		oomw_trace_close(&m->trace);
	if (m->kmsg_fd >= 0) /* handed over, never needed */
		close(m->kmsg_fd);
	for (size_t i = 0; i < m->n_watch; i++)
		close(m->watch[i].fd);
	if (m->psi_fd >= 0)
		close(m->psi_fd);
	for (size_t i = 0; i < KEPT_N; i++)
		if (m->kept_fd[i] >= 0)
			close(m->kept_fd[i]);
	free(m);
}
