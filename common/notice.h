/* SPDX-License-Identifier: MIT */
/* notice.h — the one line that tells of a kill or of a memory verdict's
 * change, and the end of a cgroup's hold, fitted to a front end's message size, in words written once for
 * every front end that notifies (collectd's notifications; what is news is
 * news.h's). Pure: no I/O, no allocation, no logging. */
#ifndef OOMW_NOTICE_H
#define OOMW_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "assess.h"
#include "cgroup_name.h"
#include "news.h"

/* One line for one new kill (as on_event receives it), fitted into size
 * bytes by cutting only the cgroup path (keeping its end: ".../docker-<id>.scope"):
 *   "OOM killer killed python3 (pid 3882, 66.6 MiB, /system.slice/batch.service) at <time>"
 *   "OOM killer killed a process (kill #2): victim unknown (kernel log not read), noticed <time>"
 *   "Userspace OOM killer: earlyoom killed stress (pid 4242, SIGTERM, …) at <time>"
 * The victim is oomw_victim_text's; in->snap and in->paths are required. */
void oomw_kill_notice(const struct oomw_assess_input *in, const struct oomw_event *ev, char *out,
		      size_t size);

/* What a front end attaches to a kernel kill with details: who the victim
 * was in a team's words (cgroup_name.h, from oomw_kill_cgroup), why the
 * kernel chose it and how to avoid the next kill (oomw_kill_why and
 * oomw_kill_remedy: printable ASCII already; each whole when it is at most
 * max_len bytes, else in fewer words: oomw_kill_why_within). */
struct oomw_kill_reasons {
	struct oomw_cgroup_name who;
	const char *qos; /* oomw_qos_name(who.qos) */
	char why[OOMW_WHY_TEXT_MAX], remedy[OOMW_WHY_TEXT_MAX];
};
void oomw_kill_reasons(const struct oomw_kill *k, size_t max_len, struct oomw_kill_reasons *out);

/* The log line of a kill owed (a notifier's note), fitted the same way:
 *   "OOM kill #7: python3 (pid 3882, 66.6 MiB, /system.slice/batch.service) at <time>" */
void oomw_kill_log_line(const struct oomw_assess_input *in, const struct oomw_event *ev, char *out,
			size_t size);

/* The change of gauge g to its verdict in v, with the thresholds of p:
 *   "Available memory is low: 146.5 MiB (15.0% of 976.6 MiB); thresholds:
 *    warning 20%, critical 10%, hysteresis 5%"
 *   "Memory pressure is back to normal: full avg60 2.00%; thresholds: warning 5, …"
 * A threshold that is off is "-"; a bare value on free memory or swap is
 * shown as typed ("20%"), an explicit range in its Nagios form. */
void oomw_gauge_notice(const struct oomw_verdict *v, const struct oomw_assess_params *p,
		       enum oomw_held_gauge g, char *out, size_t size);

/* The end of a cgroup's hold (oomw_held_text's start):
 *   "cgroup /system.slice/batch.service no longer held at its limit"
 * its path escaped, all of it when size allows. */
void oomw_released_text(const char *path, char *out, size_t size);

#endif
