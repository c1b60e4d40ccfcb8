/* SPDX-License-Identifier: MIT */
/* assess.h — every judgement that turns a snapshot (monitor.h) and the event
 * ring into "OK / WARNING / CRITICAL / UNKNOWN", written once for every front
 * end: the severity order, the threshold grammar (README, "Thresholds"), the
 * verdict on a gauge with or without hysteresis, the kills in a window
 * (including kills of unknown time), the victim's cgroup and RSS, the wording
 * of every source problem, and the summary text. Front ends only map these
 * results onto their transport (Nagios text and perfdata, collectd
 * notifications, SNMP objects and traps).
 *
 * Everything here is pure: no I/O, no allocation, no logging. Texts are
 * printable ASCII: bytes a process or cgroup chose are escaped as "\xNN"
 * (control bytes, '\' and '|'), so a summary can go into Nagios output, a
 * syslog line or an SNMP string as it is. */
#ifndef OOMW_ASSESS_H
#define OOMW_ASSESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "monitor.h"
#include "paths.h"
#include "thresholds.h"

/* ---- severity ---------------------------------------------------------- */

/* Values are the Nagios exit codes. */
enum oomw_severity {
	OOMW_SEV_OK = 0,
	OOMW_SEV_WARNING = 1,
	OOMW_SEV_CRITICAL = 2,
	OOMW_SEV_UNKNOWN = 3,
};

/* The worse of two, as the Monitoring Plugins' max_state_alt: CRITICAL >
 * WARNING > UNKNOWN > OK. A real alarm outranks a partial failure, and a
 * partial failure outranks "all is well". */
enum oomw_severity oomw_severity_worse(enum oomw_severity a, enum oomw_severity b);
/* The rank used by oomw_severity_worse: OK 0, UNKNOWN 1, WARNING 2, CRITICAL 3. */
int oomw_severity_rank(enum oomw_severity s);
/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *oomw_severity_name(enum oomw_severity s);

/* ---- thresholds --------------------------------------------------------- */

/* What a threshold is compared with; decides its grammar (README, Thresholds). */
enum oomw_metric {
	OOMW_METRIC_COUNT,    /* kills: a plain number, no unit */
	OOMW_METRIC_PRESSURE, /* PSI, % of time stalled: higher is worse; no size unit */
	OOMW_METRIC_FREE,  /* MemAvailable, SwapFree: higher is better; % of the total or a size */
	OOMW_METRIC_USAGE, /* cgroup usage: higher is worse; % of the limit or a size */
};

#define OOMW_THRESHOLD_WHY_MAX 192

/* One range as the core judges it. For a "higher is better" metric a bare
 * value ("10%", "512M") means "alert below it": range is then "10%:". */
struct oomw_threshold {
	bool set; /* false: never alerts (the user turned it off with "") */
	struct oomw_range range;
};

/* A warning and a critical threshold on one metric. */
struct oomw_limits {
	struct oomw_threshold warning, critical;
};

/* Parses what a user typed for metric m; "" leaves *out unset (off).
 * Grammar: an explicit Nagios range (contains ':' or starts with '@' or '~')
 * keeps its exact Nagios meaning. A bare value is, for OOMW_METRIC_FREE,
 * "alert below it" (as check_swap and check_disk), else the Nagios upper bound.
 * A size metric refuses a number without unit rather than taking bytes.
 * Returns 0 or -EINVAL with one line in why ("'10' has no unit; write 10% or
 * 10M"), the same text in every front end, which prefixes its key's name. */
int oomw_threshold_parse(const char *text, enum oomw_metric m, struct oomw_threshold *out,
			 char why[OOMW_THRESHOLD_WHY_MAX]);

/* Which perfdata label a range is printed for: the bytes one ('mem_available')
 * or the plain one (a count, a percentage: 'mem_available_pct'). */
enum oomw_perf_label { OOMW_PERF_PLAIN, OOMW_PERF_BYTES };

/* The range as perfdata carries it, in Nagios form ("10:", "~:90", "@5:10"):
 * percent without '%', a size in bytes on the bytes label. "" when t is unset
 * or measures the other kind (a size threshold on the % label and vice versa). */
void oomw_threshold_perf(const struct oomw_threshold *t, enum oomw_perf_label label, char *out,
			 size_t size);

/* A margin for hysteresis: a size or a % of the total ("1%", "64M"); a bare
 * number is refused as in oomw_threshold_parse. */
struct oomw_margin {
	double value; /* bytes or percent, as unit says */
	enum oomw_unit unit;
};
int oomw_margin_parse(const char *text, struct oomw_margin *out, char why[OOMW_THRESHOLD_WHY_MAX]);

/* ---- gauges ------------------------------------------------------------- */

/* A value and what it is a share of, in bytes and % computed once. */
struct oomw_gauge {
	bool known;   /* value known; false: nothing below is meaningful */
	double value; /* what a unitless threshold compares: a count, a PSI % (else bytes) */
	double bytes;
	double total_bytes; /* 0 when there is no total (a cgroup without limit) */
	bool pct_known;     /* total known and > 0 */
	double pct;         /* value as % of the total */
};

/* value_kib of total_kib (either OOMW_UNKNOWN; total may be OOMW_UNLIMITED). */
struct oomw_gauge oomw_gauge_kib(int64_t value_kib, int64_t total_kib);
/* The same for byte counts (cgroup usage and limit). */
struct oomw_gauge oomw_gauge_bytes(int64_t value_bytes, int64_t total_bytes);
/* A plain percentage (PSI). */
struct oomw_gauge oomw_gauge_pct(double pct);
/* A count (kills in the window). */
struct oomw_gauge oomw_gauge_count(size_t n);

/* CRITICAL, WARNING or OK. A threshold in % on a gauge without total does
 * not judge (a percentage of no limit means nothing). UNKNOWN when !g->known. */
enum oomw_severity oomw_judge(const struct oomw_limits *l, const struct oomw_gauge *g);
/* The verdict with hysteresis: worse at once, better only once the value is
 * back beyond the threshold by margin (each threshold's alerting region
 * widened by it), so that a value hovering at a threshold changes the verdict
 * once. prev is the last verdict; with an unknown gauge, prev is kept. */
enum oomw_severity oomw_judge_held(const struct oomw_limits *l, const struct oomw_gauge *g,
				   const struct oomw_margin *margin, enum oomw_severity prev);

/* What a notifier (collectd notification, SNMP trap) says when a held verdict
 * goes from prev to now; one rule for every front end: each change between
 * known verdicts is said once. An unknown now (value unreadable) says nothing
 * and the notifier keeps prev; from no verdict yet (prev UNKNOWN), only an
 * alert is news. */
enum oomw_change {
	OOMW_CHANGE_NONE,
	OOMW_CHANGE_WORSE,     /* OK -> WARNING, OK or WARNING -> CRITICAL */
	OOMW_CHANGE_BETTER,    /* CRITICAL -> WARNING: still low */
	OOMW_CHANGE_RECOVERED, /* WARNING or CRITICAL -> OK */
};
enum oomw_change oomw_severity_change(enum oomw_severity prev, enum oomw_severity now);

/* ---- kills -------------------------------------------------------------- */

/* The victim's cgroup: the one it lived in (task_memcg), else the one whose
 * limit was hit (oom_memcg): memory.oom.group victims after the first only
 * have the latter. "" when the log named neither. */
const char *oomw_kill_cgroup(const struct oomw_kill *k);
/* What the victim freed: anon + file (+ shmem when printed, kernels >= 4.5),
 * in KiB; OOMW_UNKNOWN when anon or file is unknown. */
int64_t oomw_kill_rss_kib(const struct oomw_kill *k);
/* Whether the victim's cgroup is path or lies below it. */
bool oomw_kill_in_cgroup(const struct oomw_kill *k, const char *path);

/* What a front end does with a kill found on the first sample (no state):
 * every front end uses OOMW_FIRST_START_WINDOW unless it says otherwise. */
enum oomw_first_start {
	OOMW_FIRST_START_WINDOW, /* kills dated inside the window are news, older ones history */
	OOMW_FIRST_START_ALL,    /* every kill since boot is news */
	OOMW_FIRST_START_NONE,   /* nothing found at the first sample is news */
};

/* What one new event (as on_event receives it) means for a notifier. */
enum oomw_news {
	OOMW_NEWS_KILL,    /* notify this kill */
	OOMW_NEWS_BACKLOG, /* a kill at an unknown time since boot: notify them as one
			    * ("N OOM kills at an unknown time since boot") */
	OOMW_NEWS_HISTORY, /* from before monitoring began: keep, do not notify */
};

/* ---- the whole verdict -------------------------------------------------- */

enum oomw_psi_which { OOMW_PSI_SOME, OOMW_PSI_FULL };

/* The snapshot's line for `line`; its average over avg_sec (10, 60, 300) in
 * hundredths of a percent; "some" or "full". */
const struct oomw_psi_line *oomw_psi_selected(const struct oomw_snapshot *s, enum oomw_psi_which line);
int64_t oomw_psi_avg_cpct(const struct oomw_psi_line *l, int avg_sec);
const char *oomw_psi_line_name(enum oomw_psi_which line);

/* Front-end parameters. oomw_assess_params_default() gives defaults.h. */
struct oomw_assess_params {
	int64_t window_sec;         /* kills alert this long; 0: kills never alert */
	struct oomw_limits kills;   /* on the number of dated kills in the window */
	enum oomw_severity backlog; /* kills of unknown time, for one window after
					  * they were first noticed (WARNING); OK when
					  * neither kill threshold is set */
	enum oomw_first_start first_start;
	struct oomw_limits mem_available; /* OOMW_METRIC_FREE */
	struct oomw_limits swap_free;     /* OOMW_METRIC_FREE; a host without swap is OK */
	enum oomw_psi_which psi_line;
	int psi_avg_sec;                 /* 10, 60 or 300 */
	struct oomw_limits psi;          /* OOMW_METRIC_PRESSURE; no PSI is OK */
	struct oomw_limits cgroup_usage; /* OOMW_METRIC_USAGE, per matched cgroup */
	struct oomw_margin hysteresis;   /* for oomw_judge_held */
	bool hold;                       /* memory, swap and PSI verdicts keep their last
					   * state within the hysteresis (input.prev) */
};

/* The front ends, for the few parameters that differ on purpose. */
enum oomw_frontend {
	OOMW_FRONTEND_NAGIOS,     /* one run per check, nothing in memory between runs:
				 * no hysteresis (Nagios has soft states for that) */
	OOMW_FRONTEND_COLLECTD,   /* long-running, notifies changes: holds its verdicts */
	OOMW_FRONTEND_SNMP,       /* long-running, traps on changes: holds its verdicts */
	OOMW_FRONTEND_PROMETHEUS, /* oomwatch-exporter: holds its verdicts while it runs */
};

/* Fills *p from defaults.h, the same for everyone but what fe needs. */
void oomw_assess_params_default(struct oomw_assess_params *p, enum oomw_frontend fe);

/* The last memory verdicts of a long-running front end, for hysteresis. */
struct oomw_held {
	enum oomw_severity mem, swap, psi; /* OOMW_SEV_UNKNOWN: none yet */
};

/* What one sample gave a front end. */
struct oomw_assess_input {
	const struct oomw_snapshot *snap;
	const struct oomw_event *events; /* oomw_monitor_events, oldest first */
	size_t n_events;
	size_t n_new; /* events that this sample reported (the last ones of the ring) */
	const struct oomw_paths *paths; /* for the wording of source problems */
	const char *kmsg_option; /* the front end's name for the log source ("--kmsg"), or NULL */
	const char *state_path;  /* for the wording of state problems, or NULL */
	bool cgroups_asked;      /* globs were configured: a cgroup problem matters */
	bool candidates_asked;
	int save_err;                 /* -errno of this sample's state save, or 0 */
	const struct oomw_held *prev; /* with params.hold: the previous verdicts, or NULL */
};

/* Whether events[i] counts as a kill in the window: a dated kill by its time
 * (a kill only the counter showed is dated when it was noticed); a kill at an
 * unknown time since boot (backlog) while it is new, or for one window after it
 * was first noticed (its kill.wall_usec; see README, "kills of unknown time"). */
bool oomw_event_in_window(const struct oomw_assess_input *in, const struct oomw_assess_params *p,
			  size_t i);
/* When a backlog event was first noticed: kill.wall_usec, which the monitor
 * sets no earlier than the boot (ev->wall_usec), or now while it is new. */
int64_t oomw_backlog_noticed_usec(const struct oomw_assess_input *in, size_t i);
/* For a notifier's on_event: what a new event means under p->first_start.
 * snap->first_sample and snap->wall_usec must be set (they are, before on_event). */
enum oomw_news oomw_event_news(const struct oomw_event *ev, const struct oomw_snapshot *snap,
			       const struct oomw_assess_params *p);

struct oomw_kills_verdict {
	enum oomw_severity severity;
	bool countable;                  /* the counter or the log could be read */
	size_t n_dated;                  /* dated kills in the window (judged by params.kills) */
	size_t n_backlog;                /* kills of unknown time still alerting */
	int64_t backlog_noticed_usec;    /* when the newest of them was first noticed */
	bool more_possible;              /* the ring is full and its oldest kill is in the window */
	const struct oomw_event *latest; /* newest dated kill in the window, named if any */
	size_t killed_with;              /* named kills within a second of latest (oom.group) */
	/* Kills by userspace OOM killers (systemd-oomd, earlyoom) in the window:
	 * judged by params.kills too, but never counted in n_dated. */
	size_t n_userspace;
	const struct oomw_event *latest_userspace;
};

struct oomw_cgroup_verdict {
	const struct oomw_snapshot_cgroup *cg;
	struct oomw_gauge usage; /* of its limit; pct_known false when unlimited */
	enum oomw_severity severity;
	size_t n_named_window; /* kills in the window the log placed in or below it */
	bool held;             /* held at its limit since the previous sample (limit
				  * hits went up): WARNING before any kill */
	const struct oomw_candidate *likeliest; /* with held: the highest-scoring
				  * candidate in it or below, into in->snap; or NULL */
};

/* Which source a problem is about. */
enum oomw_source {
	OOMW_SRC_MEMINFO,
	OOMW_SRC_VMSTAT,
	OOMW_SRC_KLOG,
	OOMW_SRC_PSI,
	OOMW_SRC_CGROUPS,
	OOMW_SRC_CANDIDATES,
	OOMW_SRC_STATE,
	OOMW_SRC_COUNT_KILLS, /* neither the counter nor the log: kills cannot be counted */
};

#define OOMW_PROBLEM_TEXT_MAX 320
#define OOMW_PROBLEMS_MAX 12

/* One sentence per source problem; severity is its effect on the verdict
 * (UNKNOWN for an essential source, OK for what only limits the detail). */
struct oomw_problem {
	enum oomw_source source;
	enum oomw_severity severity;
	int err; /* the snapshot's -errno (0 for facts such as "no swap") */
	char text[OOMW_PROBLEM_TEXT_MAX];
};

#define OOMW_PART_TEXT_MAX 384
#define OOMW_PARTS_MAX 8

/* One clause of the summary ("memory available 8.0% (655.4 MiB of 8.0 GiB)"). */
struct oomw_part {
	enum oomw_severity severity;
	char text[OOMW_PART_TEXT_MAX];
};

struct oomw_verdict {
	enum oomw_severity severity; /* the worst of everything below */
	struct oomw_kills_verdict kills;
	struct oomw_gauge mem_available, swap_free, psi;
	enum oomw_severity mem_severity, swap_severity, psi_severity;
	bool swap_none;                     /* SwapTotal is 0: nothing to run out of */
	bool psi_judged;                    /* the chosen PSI line exists here */
	enum oomw_severity memory_severity; /* MemAvailable, swap and PSI together */
	size_t n_cgroups;
	struct oomw_cgroup_verdict cgroups[OOMW_SNAPSHOT_CGROUPS_MAX];
	const struct oomw_cgroup_verdict *worst_cgroup; /* NULL when none has a usage */
	size_t n_problems;
	struct oomw_problem problems[OOMW_PROBLEMS_MAX];
	size_t n_parts; /* in the order judged: kills, memory, swap, PSI, cgroups, state */
	struct oomw_part parts[OOMW_PARTS_MAX];
	char window[16]; /* the window for people: "24h", "15m", "7d"; "" with window_sec 0 */
};

/* Judges everything in one go. in->snap and in->paths are required; events
 * may be NULL when n_events is 0. v->kills.latest points into in->events,
 * v->cgroups[].cg into in->snap, v->worst_cgroup into v: valid while those are. */
void oomw_assess(const struct oomw_assess_input *in, const struct oomw_assess_params *p,
		 struct oomw_verdict *v);

/* The one-line status: the alerting clauses worst first, joined by "; ";
 * else "no OOM kill in last 24h" (or the allowed kills), then ", 75.0% memory
 * available". Without the severity word; always NUL-terminated. */
void oomw_verdict_summary(const struct oomw_verdict *v, char *out, size_t size);

/* ---- words shared by every front end ---------------------------------- */

/* Which end of a too long text to keep. */
enum oomw_cut {
	OOMW_CUT_END,   /* keep the start: "python3-very-lo..." */
	OOMW_CUT_START, /* keep the end, for cgroup paths: ".../docker-<id>.scope" */
};
/* in[0..len) escaped (control bytes, '\' and '|' as "\xNN") into out, cut to max
 * bytes with "..." where cut says, never inside an escape. */
void oomw_escape_field(const char *in, size_t len, size_t max, enum oomw_cut cut, char *out,
		       size_t size);
/* "2026-11-26 02:47:04 UTC" in the local time zone; "unknown time". */
const char *oomw_format_time(int64_t wall_usec, char *out, size_t size);
/* "24h", "15m", "90s", "7d". */
const char *oomw_format_duration(int64_t sec, char *out, size_t size);
/* Whether a count is exact or a lower bound (the ring dropped some): "N+". */
enum oomw_count_bound { OOMW_COUNT_EXACT, OOMW_COUNT_AT_LEAST };
/* "N OOM kill(s) at an unknown time since boot, first noticed <time>". */
void oomw_backlog_text(size_t n, enum oomw_count_bound bound, int64_t noticed_usec, char *out,
		       size_t size);
/* "python3 (pid 3882, 66.6 MiB, /system.slice/batch.service) at <time>", or
 * for a kill without details "victim unknown (kernel log unreadable), noticed
 * <time>"; the cgroup path is cut to cgroup_max bytes keeping its end. */
void oomw_victim_text(const struct oomw_assess_input *in, const struct oomw_event *ev,
		      size_t cgroup_max, char *out, size_t size);
/* Why a kill has no details, in a few words: "kernel log unreadable",
 * "kernel log not read", "not in the kernel log". */
const char *oomw_no_details_why(const struct oomw_assess_input *in);

/* The "before the kill" clause of a held cgroup: its path, the limit hits since
 * the previous sample, its own memory pressure where the kernel has it, the
 * likeliest victim among the scanned candidates. */
void oomw_held_text(const struct oomw_cgroup_verdict *cv, char *out, size_t size);

/* ---- why that victim, and how to avoid the next kill -------------------- */

#define OOMW_WHY_TEXT_MAX 640

/* One plain sentence from the kill's own report (kill.h): what ran out (the
 * machine's RAM and swap as the kernel printed them; the cgroup, its limit
 * and usage; a cpuset or memory policy) and why this task: first by the
 * kernel's badness (resident memory + swap + page tables, shifted by
 * oom_score_adj; doc/kernel-interfaces.md) among the task dump's rows, its
 * share, the runners-up, and the larger task that oom_score_adj put behind it.
 * Where the log does not show the total that oom_score_adj is a share of, the
 * rows are ranked by size and the sentence says so. Says less where the log
 * says less; never guesses. "" for a kill without details. */
void oomw_kill_why(const struct oomw_kill *k, char *out, size_t size);
/* The same in fewer words, for check_oom's default output and SNMP's 255
 * bytes: what ran out (the cgroup path cut to its last 48 bytes, its limit and
 * usage without swap), the victim by name, its rank, the runners-up by name
 * and size. */
void oomw_kill_why_brief(const struct oomw_kill *k, char *out, size_t size);
/* The whole sentence when it has at most max_len bytes, else the brief one. */
void oomw_kill_why_within(const struct oomw_kill *k, size_t max_len, char *out, size_t size);
/* One remedy line from the same facts: raise the limit of that cgroup (by the
 * unit's MemoryMax=, the pod's or container's memory limit, or memory.max /
 * memory.limit_in_bytes), add memory or swap, the victim's oom_score_adj, a
 * larger task that oom_score_adj -1000 protects. */
void oomw_kill_remedy(const struct oomw_kill *k, char *out, size_t size);
/* Its first clause alone ("that cgroup" for a cgroup the brief why names by
 * its path). */
void oomw_kill_remedy_brief(const struct oomw_kill *k, char *out, size_t size);
/* The whole line when it has at most max_len bytes, else the brief one. */
void oomw_kill_remedy_within(const struct oomw_kill *k, size_t max_len, char *out, size_t size);

#endif
