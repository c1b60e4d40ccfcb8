/* SPDX-License-Identifier: MIT */
/* notice.c — the words of a kill's or a memory verdict's notice (notice.h). */
#include "notice.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

#define BYTES_PER_KIB 1024.0
#define VALUE_TEXT_MAX 96

/* prefix and the victim (oomw_victim_text) in out, fitted into size bytes by
 * cutting only the cgroup path. */
static void fit_victim(const char *prefix, const struct oomw_assess_input *in,
		       const struct oomw_event *ev, char *out, size_t size)
{
	char victim[OOMW_PART_TEXT_MAX];
	if (size == 0)
		return;
	size_t room = (size < sizeof(victim) ? size : sizeof(victim)) - 1;
	room = room > strlen(prefix) ? room - strlen(prefix) : 0;
	/* The cgroup path is the only part of any length: measured without it
	 * (cut to 0 bytes it is left out), it gets the room the rest leaves. */
	oomw_victim_text(in, ev, 0, victim, sizeof(victim));
	size_t rest = strlen(victim);
	oomw_victim_text(in, ev, room > rest ? room - rest : 0, victim, sizeof(victim));
	snprintf(out, size, "%s%s", prefix, victim);
}

void oomw_kill_notice(const struct oomw_assess_input *in, const struct oomw_event *ev, char *out,
		      size_t size)
{
	char prefix[64];
	if (ev->killer != OOMW_KILLER_KERNEL)
		snprintf(prefix, sizeof(prefix), "Userspace OOM killer: ");
	else if (ev->has_details)
		snprintf(prefix, sizeof(prefix), "OOM killer killed ");
	else
		snprintf(prefix, sizeof(prefix),
			 "OOM killer killed a process (kill #%" PRIu64 "): ", ev->index);
	fit_victim(prefix, in, ev, out, size);
}

void oomw_kill_reasons(const struct oomw_kill *k, size_t max_len, struct oomw_kill_reasons *out)
{
	const char *cg = oomw_kill_cgroup(k);
	oomw_cgroup_name(cg, strlen(cg), &out->who);
	out->qos = oomw_qos_name(out->who.qos);
	oomw_kill_why_within(k, max_len, out->why, sizeof(out->why));
	oomw_kill_remedy_within(k, max_len, out->remedy, sizeof(out->remedy));
}

void oomw_kill_log_line(const struct oomw_assess_input *in, const struct oomw_event *ev, char *out,
			size_t size)
{
	char prefix[64];
	snprintf(prefix, sizeof(prefix), "OOM kill #%" PRIu64 ": ", ev->index);
	fit_victim(prefix, in, ev, out, size);
}

/* A threshold as the user wrote it: oomw_threshold_parse keeps the Nagios
 * form, where a bare value on free memory or swap ("20%") became "20%:". */
static const char *threshold_text(const struct oomw_threshold *t, bool free_metric, char *out,
				  size_t size)
{
	const struct oomw_range *r = &t->range;
	size_t n = strlen(r->text);
	if (!t->set)
		return "-";
	if (free_metric && n > 0 && r->text[n - 1] == ':' && !r->alert_inside && !r->start_neg_inf)
		n--;
	snprintf(out, size, "%.*s", (int)n, r->text);
	return out;
}

/* "5%" or "64.0 MiB". */
static const char *margin_text(const struct oomw_margin *m, char *out, size_t size)
{
	if (m->unit == OOMW_UNIT_BYTES)
		return oomw_format_kib((int64_t)(m->value / BYTES_PER_KIB), out, size);
	snprintf(out, size, "%g%s", m->value, m->unit == OOMW_UNIT_PCT ? "%" : "");
	return out;
}

void oomw_gauge_notice(const struct oomw_verdict *v, const struct oomw_assess_params *p,
		       enum oomw_held_gauge g, char *out, size_t size)
{
	static const struct {
		const char *what, *warning, *critical; /* "Available memory is low" */
	} words[OOMW_HELD_GAUGES] = {
		[OOMW_HELD_MEM] = { "Available memory", "low", "critically low" },
		[OOMW_HELD_SWAP] = { "Free swap", "low", "critically low" },
		[OOMW_HELD_PSI] = { "Memory pressure", "high", "critically high" },
	};
	const struct oomw_limits *l = g == OOMW_HELD_MEM    ? &p->mem_available
				      : g == OOMW_HELD_SWAP ? &p->swap_free
							    : &p->psi;
	enum oomw_severity now;
	const struct oomw_gauge *gauge = oomw_verdict_gauge(v, g, &now);
	char value[VALUE_TEXT_MAX], a[32], b[32], margin[32];
	char w[OOMW_RANGE_TEXT_MAX + 1], c[OOMW_RANGE_TEXT_MAX + 1];
	if (!gauge->known || now == OOMW_SEV_UNKNOWN)
		snprintf(value, sizeof(value), "unknown");
	else if (g == OOMW_HELD_PSI)
		snprintf(value, sizeof(value), "%s avg%d %.2f%%", oomw_psi_line_name(p->psi_line),
			 p->psi_avg_sec, gauge->pct);
	else
		snprintf(value, sizeof(value), "%s (%.1f%% of %s)",
			 oomw_format_kib((int64_t)(gauge->bytes / BYTES_PER_KIB), a, sizeof(a)),
			 gauge->pct,
			 oomw_format_kib((int64_t)(gauge->total_bytes / BYTES_PER_KIB), b, sizeof(b)));
	snprintf(out, size, "%s is %s: %s; thresholds: warning %s, critical %s, hysteresis %s",
		 words[g].what,
		 now == OOMW_SEV_OK         ? "back to normal"
		 : now == OOMW_SEV_CRITICAL ? words[g].critical
		 : now == OOMW_SEV_WARNING  ? words[g].warning
					    : "unknown",
		 value, threshold_text(&l->warning, g != OOMW_HELD_PSI, w, sizeof(w)),
		 threshold_text(&l->critical, g != OOMW_HELD_PSI, c, sizeof(c)),
		 margin_text(&p->hysteresis, margin, sizeof(margin)));
}

void oomw_released_text(const char *path, char *out, size_t size)
{
	char esc[OOMW_CGROUP_ESCAPED_MAX];
	oomw_escape(path, strlen(path), NULL, esc, sizeof(esc));
	snprintf(out, size, "cgroup %s no longer held at its limit", esc);
}
