/* SPDX-License-Identifier: MIT */
/* trace.h — the kernel's oom:mark_victim tracepoint as a source of victims,
 * read through perf_event_open(2): one event per CPU, each with its own mmap
 * ring, all behind one epoll descriptor that front ends poll like /dev/kmsg.
 *
 * The tracepoint fires when the kernel marks a task as an OOM victim: a few µs
 * after it counted the kill in /proc/vmstat oom_kill and before it prints the
 * "Killed process" line. Its fields differ by kernel (read from the event's
 * format file in tracefs): older kernels give only the pid; newer ones (and
 * stable backports) add comm, the RSS parts, uid, pgtables and oom_score_adj.
 * It also fires for a task the OOM killer merely marks because it is already
 * dying, which the counter does not count: a traced victim is a kill only when
 * the counter confirms it (monitor.c).
 *
 * Opening needs root or CAP_PERFMON (raw tracepoint data), and tracefs mounted
 * (<sys>/kernel/tracing, else <sys>/kernel/debug/tracing; mounted at the first
 * when neither is there and the process may mount). */
#ifndef OOMW_TRACE_H
#define OOMW_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "kill.h"

/* How long after a traced victim its "Killed process" record may be stamped
 * and still be the same kill (the kernel prints it µs later). A pid number
 * reused within this time would be taken for the same kill. */
#define OOMW_TRACE_MATCH_USEC (2LL * 1000000)
/* A format file is about 1.5 KiB. */
#define OOMW_TRACE_FORMAT_MAX 8192

enum oomw_trace_field {
	OOMW_TRACE_PID,
	OOMW_TRACE_COMM,
	OOMW_TRACE_TOTAL_VM,
	OOMW_TRACE_ANON_RSS,
	OOMW_TRACE_FILE_RSS,
	OOMW_TRACE_SHMEM_RSS,
	OOMW_TRACE_UID,
	OOMW_TRACE_PGTABLES,
	OOMW_TRACE_OOM_SCORE_ADJ,
	OOMW_TRACE_FIELDS,
};

/* Where one field lies in a raw sample. */
struct oomw_trace_field_loc {
	bool present;
	bool is_signed;
	bool data_loc; /* "__data_loc char[]": a u32 (length << 16 | offset) */
	uint32_t offset;
	uint32_t size;
};

struct oomw_trace_format {
	uint64_t id; /* the event's ID: perf_event_attr.config */
	struct oomw_trace_field_loc field[OOMW_TRACE_FIELDS];
};

/* Parses the text of events/oom/mark_victim/format. Fields it does not know are
 * skipped; pid is required. Returns 0 or -EBADMSG with *why. */
int oomw_trace_format_parse(const char *text, size_t len, struct oomw_trace_format *out,
			    const char **why);
/* Decodes one raw sample (the trace entry, common fields first) into k, which
 * it first resets: the fields the format lacks stay unknown. Sizes are in KiB
 * as the kernel records them. Returns 0 or -EBADMSG with *why. */
int oomw_trace_decode(const struct oomw_trace_format *fmt, const void *raw, size_t len,
		      struct oomw_kill *k, const char **why);

/* ---- reconciliation with the kernel log (pure, for monitor.c) ----------- */

/* True when the traced victim t is already among events[0..n): a kernel kill
 * of the same pid whose monotonic stamp is within OOMW_TRACE_MATCH_USEC of t's
 * (its "Killed process" record was read first). */
bool oomw_trace_seen(const struct oomw_event *events, size_t n, const struct oomw_kill *t);
/* The index into events[0..n) of the kill from the tracepoint that the log's
 * kill k is: awaiting_log, same pid, stamped within OOMW_TRACE_MATCH_USEC of k
 * (at any time when k has no monotonic stamp: a text log). The oldest such;
 * -1 when none. */
long oomw_trace_match_log(const struct oomw_event *events, size_t n, const struct oomw_kill *k);
/* Completes the traced kill ev with the log's kill k: every field the log
 * knows replaces the tracepoint's and the report's it was given, the rest are
 * kept (a Killed line read without its report keeps those of ev); awaiting_log
 * is cleared. ev keeps its index and time. */
void oomw_trace_merge(struct oomw_event *ev, const struct oomw_kill *k);

/* ---- the perf reader --------------------------------------------------- */

struct oomw_trace_ring;

struct oomw_trace {
	int epoll_fd; /* -1 when closed */
	struct oomw_trace_format fmt;
	size_t n_rings;
	struct oomw_trace_ring *rings;
	uint64_t lost; /* samples the kernel dropped from a full ring since open */
};

/* Finds tracefs under sys (mounting it where allowed), reads the format and
 * opens the event on every CPU. Returns 0 or -errno with *why (static). */
int oomw_trace_open(struct oomw_trace *t, const char *sys, const char **why);
/* The next victim, oldest first across CPUs: k as oomw_trace_decode, with
 * mono_usec the kernel's stamp (the clock of the kernel log's stamps). Returns
 * 0, -EAGAIN when none is pending, or -EBADMSG for a sample it could not
 * decode (skipped; go on reading). */
int oomw_trace_read(struct oomw_trace *t, struct oomw_kill *k);
/* The descriptor that polls readable when a victim is pending; -1 when closed.
 * Reading re-arms it. */
int oomw_trace_fd(const struct oomw_trace *t);
void oomw_trace_close(struct oomw_trace *t);

#endif
