/* SPDX-License-Identifier: MIT */
/* render.h — what oomwatch-exporter says, in the Prometheus text exposition
 * format (0.0.4, the one node_exporter's textfile collector reads): the metric
 * families, their HELP/TYPE/UNIT lines, label values made valid UTF-8 and
 * escaped, and the names a cgroup path gives away (systemd unit, Kubernetes
 * pod). Pure: no I/O but the stream it is handed, no judgement (verdicts come
 * from common/assess). */
#ifndef PROM_RENDER_H
#define PROM_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "assess.h"
#include "event.h"
#include "monitor.h"

/* A label value from bytes a process or cgroup chose: the text (prom_label_text)
 * of an OOMW_CGROUP_PATH_MAX path is at most four times longer, its escaped form
 * (prom_label_escape) twice that. */
#define PROM_LABEL_TEXT_MAX (4 * OOMW_CGROUP_PATH_MAX + 1)
#define PROM_LABEL_MAX (2 * PROM_LABEL_TEXT_MAX)
/* A systemd unit or a pod UID: one path component. */
#define PROM_NAME_MAX 256

/* Kills by scope as this exporter saw them (the kernel counts no such thing):
 * the persisted recent kills at start, then every new one. */
struct prom_scope_counts {
	uint64_t global, memcg, unknown;
};
void prom_scope_counts_add(struct prom_scope_counts *c, const struct oomw_event *ev);

/* Bytes to UTF-8 text as every oomwatch front end shows them: valid UTF-8
 * sequences of printable characters are kept; control bytes, DEL, '\' and
 * every byte that is not part of a valid UTF-8 sequence (Prometheus requires
 * UTF-8) become "\xNN". Always NUL-terminates, never cuts inside an escape or a
 * character. Returns the length written. */
size_t prom_label_text(const char *in, size_t len, char *out, size_t size);
/* Escapes text for a label value of the text format: '\' as "\\", '"' as
 * "\"", newline as "\n". Always NUL-terminates, never cuts inside an escape.
 * Returns the length written. */
size_t prom_label_escape(const char *text, char *out, size_t size);

/* The systemd unit a cgroup path belongs to: its last component ending in
 * ".service" or ".scope" ("/system.slice/mysql.service" -> "mysql.service"),
 * else "". */
void prom_cgroup_unit(const char *path, char *out, size_t size);
/* The Kubernetes pod UID in a cgroup path: from "pod<uid>" (cgroupfs driver)
 * or "kubepods-<qos>-pod<uid>.slice" (systemd driver, '_' for '-'), always
 * with '-'; else "". */
void prom_cgroup_pod(const char *path, char *out, size_t size);

/* One sample as the exporter renders it. */
struct prom_input {
	const struct oomw_snapshot *snap;
	const struct oomw_verdict *verdict;
	const struct oomw_event *events; /* oomw_monitor_events, oldest first */
	size_t n_events;
	const struct prom_scope_counts *scopes;
};

/* Writes every family that has a value, each with HELP and TYPE (and UNIT
 * for a gauge in a base unit). A value the kernel does not give is left out,
 * never written as 0. Returns 0 or -EIO (the stream failed). */
int prom_render(FILE *out, const struct prom_input *in);

/* The name of a source as the label of oomwatch_source_problem. */
const char *prom_source_name(enum oomw_source src);

#endif
