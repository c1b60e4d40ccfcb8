/* SPDX-License-Identifier: MIT */
/* oomparse.h — turning kernel-log records into OOM kill events, for every
 * format of kernels 3.10 to 6.x (doc/kernel-interfaces.md; also RHEL 6's 2.6.32). One
 * event per "Killed process" line; the lines around it (prefix "Kill process …
 * or sacrifice child", "oom-kill:" summary, "Task in … killed as a result of
 * limit of", memory.oom.group, oom_reaper) only enrich it. */
#ifndef OOMW_OOMPARSE_H
#define OOMW_OOMPARSE_H

#include <stdbool.h>

#include "kill.h"
#include "klog.h"

typedef void (*oomw_kill_cb)(const struct oomw_kill *kill, void *ctx);

/* How far apart (µs, by the records' own timestamps) a context line and the
 * Killed line it describes may be. The kernel prints them within milliseconds;
 * a slow serial console on old kernels can stretch a report over many seconds.
 * Anything older belongs to another OOM and must not leak into this kill. */
#define OOMW_OOMPARSE_CONTEXT_MAX_USEC (60LL * 1000000)
/* memory.oom.group members are killed in one loop, one Killed line after the
 * other: a longer pause ends the group, so that a later OOM whose report was
 * rate-limited does not inherit its cgroup. */
#define OOMW_OOMPARSE_GROUP_GAP_USEC (1LL * 1000000)

struct oomw_oomparse {
	oomw_kill_cb on_kill;
	void *ctx;
	/* private to oomparse.c */
	/* the last kill, enriched by lines that arrive late (summary, oom_reaper)
	 * until the next Killed line or oomw_oomparse_flush */
	struct oomw_kill pending;
	bool have_pending;
	/* facts of the OOM being reported, for the next Killed line only: scope
	 * (the "Kill process … or sacrifice child" prefix), task_memcg and
	 * oom_memcg ("Task in … killed as a result of limit of …"); with
	 * memory.oom.group, scope/constraint/oom_memcg for every kill that follows
	 * closely. context.mono_usec / wall_usec: when it was last seen or used. */
	struct oomw_kill context;
	bool have_context;
	bool group;
	/* the last "oom-kill:" summary line, after "oom-kill:", raw: which part is
	 * the comm and which the cgroup is only certain once the Killed line with
	 * this pid shows the comm. Applies to that pid only. */
	char summary[OOMW_KLOG_RECORD_MAX];
	size_t summary_len;
	int64_t summary_pid;
	int64_t summary_mono_usec;
	int64_t summary_wall_usec;
	bool have_summary;
	/* the rest of the report being printed ("invoked oom-killer" header,
	 * memcg usage, Mem-Info, task dump), for the next Killed line (and the
	 * memory.oom.group kills after it). report_used: a kill has it already. */
	struct oomw_report report;
	bool have_report, report_used;
	int64_t report_mono_usec, report_wall_usec; /* its last line */
	bool in_meminfo;                            /* the zones of "Mem-Info:" are being summed */
	/* the task dump's header: numbers per row before the name (0: no header
	 * in this report), and which of them hold uid, rss, swapents,
	 * oom_score_adj, page tables (nr_ptes and nr_pmds, or pgtables_bytes);
	 * rank_total_kib: oomw_report_total_kib when the header came */
	int dump_cols;
	int col_uid, col_rss, col_swap, col_adj, col_ptes, col_pmds, col_pgtables_bytes;
	int64_t rank_total_kib;
};

void oomw_oomparse_init(struct oomw_oomparse *p, oomw_kill_cb on_kill, void *ctx);
/* Feeds one record. May call on_kill for the previous kill. Records from
 * userspace (facility > 0: a process wrote to /dev/kmsg) are ignored.
 * A "Killed process" line yields a kill when its pid parses; the comm is the
 * text between "(" and the last ") total-vm:" (or the last ")" when the line is
 * cut before it; "" when there is none), and the numbers that parse in order
 * are kept, so a truncated line keeps what it shows. A kill's wall_usec comes
 * only from the log's own date (the caller may derive it from mono_usec).
 * oom_reaper "reaped process" sets reaped on the held kill with that pid;
 * "unable to reap" leaves it false. A kill is held only until the next Killed
 * line or oomw_oomparse_flush: a reaper line that comes after that (the
 * monitor flushes at the end of every sample, and the reaper may run
 * milliseconds after the Killed line) is not applied, so reaped = false means
 * "not seen reaped", never "not reaped". Holding kills across batches would
 * delay every alert for an optional detail. */
void oomw_oomparse_feed(struct oomw_oomparse *p, const struct oomw_klog_record *rec);
/* Emits the held kill, if any. Call when a batch of records is done. The
 * context of a report in progress is kept: its Killed line may come in the next batch. */
void oomw_oomparse_flush(struct oomw_oomparse *p);
/* Gives a victim named before its "Killed process" line (the oom:mark_victim
 * tracepoint: pid, comm and the numbers of that line, mono_usec its stamp)
 * what the report fed so far says of it, by the rules of that line: the
 * "oom-kill:" summary of its pid (constraint, cgroups, uid), the scope and
 * cgroups of the context, the report (memcg usage, Mem-Info, task dump).
 * The kernel prints the report before it marks the victim, so it is all
 * there once the log's pending records are read. The parser is not changed:
 * the Killed line, when fed, gets the same. k's fields already known stay
 * (those of the summary fill only what is unknown); its wall_usec and seq are
 * kept. Nothing is given without mono_usec. */
void oomw_oomparse_complete(const struct oomw_oomparse *p, struct oomw_kill *k);

#endif
