/* SPDX-License-Identifier: MIT */
/* render.c — the exposition text of oomwatch-exporter: one function per group of
 * metric families, each family described once (name, type, unit, help). */
#include "render.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "defaults.h"
#include "kill.h"
#include "version.h"

#define USEC_PER_SEC 1000000
#define BYTES_PER_KIB 1024

/* ---- label values ------------------------------------------------------- */

/* Length of the valid UTF-8 sequence of a printable character at in[0..len),
 * or 0 (a control character, C1 controls included, or not valid UTF-8). */
static size_t utf8_printable_len(const unsigned char *in, size_t len)
{
	unsigned char b = in[0];
	if (b >= 0x20 && b < 0x7f)
		return 1;
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf; /* bounds of the second byte */
	if (b >= 0xc2 && b <= 0xdf) {
		n = 2;
	} else if (b >= 0xe0 && b <= 0xef) {
		n = 3;
		if (b == 0xe0)
			lo = 0xa0; /* overlong */
		else if (b == 0xed)
			hi = 0x9f; /* surrogates */
	} else if (b >= 0xf0 && b <= 0xf4) {
		n = 4;
		if (b == 0xf0)
			lo = 0x90; /* overlong */
		else if (b == 0xf4)
			hi = 0x8f; /* beyond U+10FFFF */
	} else {
		return 0;
	}
	if (len < n || in[1] < lo || in[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (in[i] < 0x80 || in[i] > 0xbf)
			return 0;
	if (b == 0xc2 && in[1] <= 0x9f) /* U+0080..U+009F: C1 controls */
		return 0;
	return n;
}

size_t prom_label_text(const char *in, size_t len, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)in;
	size_t o = 0;
	if (size == 0)
		return 0;
	for (size_t i = 0; i < len;) {
		size_t n = u[i] == '\\' ? 0 : utf8_printable_len(u + i, len - i);
		if (n == 0) {
			if (o + 4 >= size)
				break;
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[u[i] >> 4];
			out[o++] = hex[u[i] & 0xf];
			i++;
			continue;
		}
		if (o + n >= size)
			break;
		memcpy(out + o, in + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return o;
}

size_t prom_label_escape(const char *text, char *out, size_t size)
{
	size_t o = 0;
	if (size == 0)
		return 0;
	for (const char *p = text; *p; p++) {
		const char *esc = *p == '\\'   ? "\\\\"
				  : *p == '"'  ? "\\\""
				  : *p == '\n' ? "\\n"
					       : NULL;
		size_t n = esc ? 2 : 1;
		if (o + n >= size)
			break;
		if (esc)
			memcpy(out + o, esc, 2);
		else
			out[o] = *p;
		o += n;
	}
	out[o] = '\0';
	return o;
}

/* ---- names in cgroup paths ---------------------------------------------- */

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);
	return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

static void copy_name(const char *s, size_t len, char *out, size_t size)
{
	if (size == 0)
		return;
	if (len >= size)
		len = size - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

void prom_cgroup_unit(const char *path, char *out, size_t size)
{
	const char *best = NULL;
	size_t best_len = 0;
	for (const char *p = path; *p;) {
		if (*p == '/') {
			p++;
			continue;
		}
		size_t len = strcspn(p, "/");
		if (ends_with(p, len, ".service") || ends_with(p, len, ".scope")) {
			best = p;
			best_len = len;
		}
		p += len;
	}
	copy_name(best ? best : "", best_len, out, size);
}

/* A pod UID: hex digits and '-' or '_' (the systemd driver's '-'), 32 hex digits. */
static size_t pod_uid_len(const char *s, size_t len)
{
	size_t n = 0, digits = 0;
	for (; n < len; n++) {
		char c = s[n];
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
			digits++;
		else if (c != '-' && c != '_')
			break;
	}
	return digits == 32 ? n : 0;
}

void prom_cgroup_pod(const char *path, char *out, size_t size)
{
	copy_name("", 0, out, size);
	for (const char *p = path; *p;) {
		if (*p == '/') {
			p++;
			continue;
		}
		size_t len = strcspn(p, "/");
		size_t comp_len = ends_with(p, len, ".slice") ? len - strlen(".slice") : len;
		/* "pod<uid>" as the component (cgroupfs) or after its last '-' (systemd). */
		const char *start = NULL;
		const char *dash = memrchr(p, '-', comp_len);
		if (comp_len > 3 && memcmp(p, "pod", 3) == 0)
			start = p;
		else if (dash != NULL && (size_t)(p + comp_len - dash) > 4 &&
			 memcmp(dash + 1, "pod", 3) == 0)
			start = dash + 1;
		if (start != NULL) {
			size_t rest = (size_t)(p + comp_len - start) - 3;
			if (pod_uid_len(start + 3, rest) == rest) {
				copy_name(start + 3, rest, out, size);
				for (char *c = out; *c; c++)
					if (*c == '_')
						*c = '-';
			}
		}
		p += len;
	}
}

/* ---- writing ------------------------------------------------------------ */

enum family_type { GAUGE, COUNTER };

struct family {
	const char *name;
	enum family_type type;
	const char *unit; /* "bytes", "seconds" for a gauge named after it, else NULL */
	const char *help;
};

/* The stream and the family whose header was written last: a family's
 * header comes before its first sample, and only when it has one. */
struct out {
	FILE *f;
	const struct family *current;
};

static void header(struct out *o, const struct family *fam)
{
	if (o->current == fam)
		return;
	o->current = fam;
	fprintf(o->f, "# HELP %s %s\n# TYPE %s %s\n", fam->name, fam->help, fam->name,
		fam->type == COUNTER ? "counter" : "gauge");
	if (fam->unit)
		fprintf(o->f, "# UNIT %s %s\n", fam->name, fam->unit);
}

/* labels: already escaped 'name="value",...' or NULL. */
static void sample_i64(struct out *o, const struct family *fam, const char *labels, int64_t v)
{
	header(o, fam);
	fprintf(o->f, "%s%s%s%s %" PRId64 "\n", fam->name, labels ? "{" : "", labels ? labels : "",
		labels ? "}" : "", v);
}

/* Microseconds as seconds, exactly, without floating point or locale. */
static void sample_usec(struct out *o, const struct family *fam, const char *labels, int64_t usec)
{
	header(o, fam);
	const char *sign = usec < 0 ? "-" : "";
	uint64_t u = usec < 0 ? (uint64_t)0 - (uint64_t)usec : (uint64_t)usec;
	fprintf(o->f, "%s%s%s%s %s%" PRIu64 ".%06" PRIu64 "\n", fam->name, labels ? "{" : "",
		labels ? labels : "", labels ? "}" : "", sign, u / USEC_PER_SEC, u % USEC_PER_SEC);
}

/* Hundredths of a percent (PSI's avg10) as a ratio, exactly: 320 is 0.0320. */
static void sample_cpct_ratio(struct out *o, const struct family *fam, const char *labels, int64_t cpct)
{
	if (cpct == OOMW_UNKNOWN || cpct < 0)
		return;
	header(o, fam);
	fprintf(o->f, "%s%s%s%s %" PRId64 ".%04" PRId64 "\n", fam->name, labels ? "{" : "",
		labels ? labels : "", labels ? "}" : "", cpct / 10000, cpct % 10000);
}

static void sample_kib(struct out *o, const struct family *fam, const char *labels, int64_t kib)
{
	if (kib != OOMW_UNKNOWN && kib >= 0)
		sample_i64(o, fam, labels, kib * BYTES_PER_KIB);
}

/* 'name="value"' for bytes a process or cgroup chose. */
static void label(char *out, size_t size, const char *name, const char *bytes, size_t len)
{
	char text[PROM_LABEL_TEXT_MAX], esc[PROM_LABEL_MAX];
	prom_label_text(bytes, len, text, sizeof(text));
	prom_label_escape(text, esc, sizeof(esc));
	snprintf(out, size, "%s=\"%s\"", name, esc);
}

/* One 'name="value"' pair, and a set of them. */
#define LABEL_PAIR_MAX (PROM_LABEL_MAX + 32)
#define LABEL_LINE_MAX (5 * LABEL_PAIR_MAX)

/* ---- families ----------------------------------------------------------- */

static const struct family f_build = { "oomwatch_build_info", GAUGE, NULL,
				       "oomwatch's version, always 1." };
static const struct family f_status = {
	"oomwatch_status", GAUGE, NULL,
	"The verdict every oomwatch front end gives: 0 ok, 1 warning, 2 critical, 3 unknown."
};
static const struct family f_problem = {
	"oomwatch_source_problem", GAUGE, NULL,
	"1 when this source has a problem (its sentence is in the exporter's log), else 0."
};
static const struct family f_kills = { "oomwatch_oom_kills_total", COUNTER, NULL,
				       "OOM kills since boot, global and memory cgroup "
				       "(/proc/vmstat oom_kill)." };
static const struct family f_scope = {
	"oomwatch_oom_kills_by_scope_total", COUNTER, NULL,
	"OOM kills this exporter knows of, by scope from the kernel log (unknown: not in the log)."
};
static const struct family f_no_details = {
	"oomwatch_oom_kills_without_details_total", COUNTER, NULL,
	"OOM kills since boot the counter shows but the readable kernel log does not describe."
};
static const struct family f_userspace = {
	"oomwatch_userspace_oom_kills_total", COUNTER, NULL,
	"Kills by userspace OOM killers (systemd-oomd, earlyoom) since boot, as far as the log "
	"shows; never in oomwatch_oom_kills_total."
};
static const struct family f_last_time = { "oomwatch_last_oom_kill_timestamp_seconds", GAUGE, "seconds",
					   "When the last OOM kill happened (or was noticed, "
					   "without details), since the epoch." };
static const struct family f_last_rss = { "oomwatch_last_oom_kill_rss_bytes", GAUGE, "bytes",
					  "What the last OOM kill's victim had resident." };
static const struct family f_last_info = {
	"oomwatch_last_oom_kill_info", GAUGE, NULL,
	"The last OOM kill: victim name, pid, cgroup, systemd unit, Kubernetes pod UID; always 1."
};
static const struct family f_mem_total = { "oomwatch_memory_total_bytes", GAUGE, "bytes",
					   "MemTotal of /proc/meminfo." };
static const struct family f_mem_avail = {
	"oomwatch_memory_available_bytes", GAUGE, "bytes",
	"MemAvailable of /proc/meminfo (estimated on kernels before 3.14)."
};
static const struct family f_swap_total = { "oomwatch_swap_total_bytes", GAUGE, "bytes",
					    "SwapTotal of /proc/meminfo." };
static const struct family f_swap_free = { "oomwatch_swap_free_bytes", GAUGE, "bytes",
					   "SwapFree of /proc/meminfo." };
static const struct family f_psi_some = {
	"oomwatch_memory_pressure_some_seconds_total", COUNTER, NULL,
	"Time some tasks stalled waiting for memory (/proc/pressure/memory some total)."
};
static const struct family f_psi_full = {
	"oomwatch_memory_pressure_full_seconds_total", COUNTER, NULL,
	"Time all non-idle tasks stalled waiting for memory (/proc/pressure/memory full total)."
};
static const struct family f_cg_kills = { "oomwatch_cgroup_oom_kills_total", COUNTER, NULL,
					  "OOM kills in this memory cgroup and below, from its "
					  "own counter (memory.events or memory.oom_control)." };
static const struct family f_cg_events = {
	"oomwatch_cgroup_memory_events_total", COUNTER, NULL,
	"memory.events of this cgroup (v2): oom (limit hit, OOM killer run), oom_group_kill, "
	"max (usage hit memory.max), high (usage over memory.high)."
};
static const struct family f_cg_usage = { "oomwatch_cgroup_memory_usage_bytes", GAUGE, "bytes",
					  "Memory the cgroup uses, page cache included." };
static const struct family f_cg_limit = { "oomwatch_cgroup_memory_limit_bytes", GAUGE, "bytes",
					  "The cgroup's memory limit; absent when unlimited." };
static const struct family f_cg_under_oom = { "oomwatch_cgroup_under_oom", GAUGE, NULL,
					      "1 while tasks of this cgroup are stalled in OOM "
					      "(cgroup v1 memory.oom_control)." };
static const struct family f_cg_limit_hits = { "oomwatch_cgroup_limit_hits_total", COUNTER, NULL,
					       "Times this cgroup was held at its limit: memory.events high + max (v2), "
					       "memory.failcnt + memory.memsw.failcnt (v1)." };
static const struct family f_cg_pressure = {
	"oomwatch_cgroup_memory_pressure_some_avg10_ratio", GAUGE, "ratio",
	"Share of the last 10 s in which some tasks of this cgroup stalled on memory "
	"(its own memory.pressure, v2)."
};
static const struct family f_cg_held = { "oomwatch_cgroup_held_at_limit", GAUGE, NULL,
					 "1 while this cgroup is held at its limit before any "
					 "kill (the warning of every front end), else 0." };
static const struct family f_cand_score = { "oomwatch_candidate_oom_score", GAUGE, NULL,
					    "oom_score of the processes the OOM killer would pick "
					    "next, by rank (1: first)." };
static const struct family f_cand_rss = { "oomwatch_candidate_rss_bytes", GAUGE, "bytes",
					  "Resident memory of the next victims, by rank." };
static const struct family f_cand_info = { "oomwatch_candidate_info", GAUGE, NULL,
					   "Name and pid of the next victims, by rank; always 1." };

static void render_status(struct out *o, const struct oomw_verdict *v)
{
	sample_i64(o, &f_build, "version=\"" OOMWATCH_VERSION "\"", 1);
	sample_i64(o, &f_status, NULL, v->severity);
	for (int s = OOMW_SRC_MEMINFO; s <= OOMW_SRC_COUNT_KILLS; s++) {
		int has = 0;
		for (size_t i = 0; i < v->n_problems; i++)
			has |= v->problems[i].source == (enum oomw_source)s;
		char labels[64];
		snprintf(labels, sizeof(labels), "source=\"%s\"", prom_source_name(s));
		sample_i64(o, &f_problem, labels, has);
	}
}

/* The kernel's newest kill that has a time: a kill at an unknown time since
 * boot has none; a userspace killer's is counted apart. */
static const struct oomw_event *last_kill(const struct prom_input *in)
{
	for (size_t i = in->n_events; i > 0; i--)
		if (!in->events[i - 1].backlog && in->events[i - 1].killer == OOMW_KILLER_KERNEL)
			return &in->events[i - 1];
	return NULL;
}

static void render_last_kill(struct out *o, const struct prom_input *in)
{
	const struct oomw_event *ev = last_kill(in);
	if (ev == NULL)
		return;
	sample_usec(o, &f_last_time, NULL, ev->wall_usec);
	sample_kib(o, &f_last_rss, NULL, oomw_kill_rss_kib(&ev->kill));
	const char *cg = oomw_kill_cgroup(&ev->kill);
	char unit[PROM_NAME_MAX], pod[PROM_NAME_MAX], pid[24] = "";
	prom_cgroup_unit(cg, unit, sizeof(unit));
	prom_cgroup_pod(cg, pod, sizeof(pod));
	if (ev->kill.pid != OOMW_UNKNOWN)
		snprintf(pid, sizeof(pid), "%" PRId64, ev->kill.pid);
	char l_comm[LABEL_PAIR_MAX], l_cg[LABEL_PAIR_MAX], l_unit[LABEL_PAIR_MAX],
		l_pod[LABEL_PAIR_MAX], labels[LABEL_LINE_MAX];
	label(l_comm, sizeof(l_comm), "comm", ev->kill.comm, ev->kill.comm_len);
	label(l_cg, sizeof(l_cg), "cgroup", cg, strlen(cg));
	label(l_unit, sizeof(l_unit), "unit", unit, strlen(unit));
	label(l_pod, sizeof(l_pod), "pod", pod, strlen(pod));
	snprintf(labels, sizeof(labels), "%s,pid=\"%s\",%s,%s,%s", l_comm, pid, l_cg, l_unit, l_pod);
	sample_i64(o, &f_last_info, labels, 1);
}

static void render_kills(struct out *o, const struct prom_input *in)
{
	const struct oomw_snapshot *s = in->snap;
	if (s->vmstat_err == 0 && s->oom_kill_total != OOMW_UNKNOWN)
		sample_i64(o, &f_kills, NULL, s->oom_kill_total);
	sample_i64(o, &f_scope, "scope=\"global\"", (int64_t)in->scopes->global);
	sample_i64(o, &f_scope, "scope=\"memcg\"", (int64_t)in->scopes->memcg);
	sample_i64(o, &f_scope, "scope=\"unknown\"", (int64_t)in->scopes->unknown);
	if (s->kills_without_details != OOMW_UNKNOWN)
		sample_i64(o, &f_no_details, NULL, s->kills_without_details);
	if (s->userspace_kills != OOMW_UNKNOWN)
		sample_i64(o, &f_userspace, NULL, s->userspace_kills);
	render_last_kill(o, in);
}

static void render_memory(struct out *o, const struct oomw_snapshot *s)
{
	if (s->mem_err == 0) {
		sample_kib(o, &f_mem_total, NULL, s->mem.mem_total_kib);
		sample_kib(o, &f_mem_avail, NULL, s->mem.mem_available_kib);
		sample_kib(o, &f_swap_total, NULL, s->mem.swap_total_kib);
		sample_kib(o, &f_swap_free, NULL, s->mem.swap_free_kib);
	}
	if (s->psi_err == 0 && s->psi.some.known)
		sample_usec(o, &f_psi_some, NULL, s->psi.some.total_usec);
	if (s->psi_err == 0 && s->psi.full.known)
		sample_usec(o, &f_psi_full, NULL, s->psi.full.total_usec);
}

static void cgroup_label(const struct oomw_snapshot_cgroup *cg, char *out, size_t size)
{
	label(out, size, "cgroup", cg->stats.path, strlen(cg->stats.path));
}

/* Before the kill: the counter behind the held verdict, the cgroup's own
 * memory pressure, and the verdict itself. */
static void render_held(struct out *o, const struct oomw_verdict *v)
{
	char l[LABEL_PAIR_MAX];
	for (size_t i = 0; i < v->n_cgroups; i++) {
		int64_t hits = oomw_cgroup_limit_hits(&v->cgroups[i].cg->stats);
		cgroup_label(v->cgroups[i].cg, l, sizeof(l));
		if (hits != OOMW_UNKNOWN)
			sample_i64(o, &f_cg_limit_hits, l, hits);
	}
	for (size_t i = 0; i < v->n_cgroups; i++) {
		cgroup_label(v->cgroups[i].cg, l, sizeof(l));
		sample_cpct_ratio(o, &f_cg_pressure, l,
				  v->cgroups[i].cg->stats.pressure_some_avg10_cpct);
	}
	for (size_t i = 0; i < v->n_cgroups; i++) {
		cgroup_label(v->cgroups[i].cg, l, sizeof(l));
		sample_i64(o, &f_cg_held, l, v->cgroups[i].held);
	}
}

static void render_cgroups(struct out *o, const struct oomw_snapshot *s, const struct oomw_verdict *v)
{
	char l[LABEL_PAIR_MAX], labels[LABEL_LINE_MAX];
	for (size_t i = 0; i < s->n_cgroups; i++) {
		cgroup_label(&s->cgroups[i], l, sizeof(l));
		if (s->cgroups[i].stats.oom_kill != OOMW_UNKNOWN)
			sample_i64(o, &f_cg_kills, l, s->cgroups[i].stats.oom_kill);
	}
	for (size_t i = 0; i < s->n_cgroups; i++) {
		const struct oomw_cgroup_stats *st = &s->cgroups[i].stats;
		const struct {
			const char *name;
			int64_t v;
		} ev[] = { { "oom", st->oom },
			   { "oom_group_kill", st->oom_group_kill },
			   { "max", st->max },
			   { "high", st->high } };
		cgroup_label(&s->cgroups[i], l, sizeof(l));
		for (size_t k = 0; k < sizeof(ev) / sizeof(ev[0]); k++) {
			if (ev[k].v == OOMW_UNKNOWN)
				continue;
			snprintf(labels, sizeof(labels), "%s,event=\"%s\"", l, ev[k].name);
			sample_i64(o, &f_cg_events, labels, ev[k].v);
		}
	}
	for (size_t i = 0; i < s->n_cgroups; i++) {
		cgroup_label(&s->cgroups[i], l, sizeof(l));
		if (s->cgroups[i].stats.usage_bytes != OOMW_UNKNOWN)
			sample_i64(o, &f_cg_usage, l, s->cgroups[i].stats.usage_bytes);
	}
	for (size_t i = 0; i < s->n_cgroups; i++) {
		int64_t lim = s->cgroups[i].stats.limit_bytes;
		cgroup_label(&s->cgroups[i], l, sizeof(l));
		if (lim != OOMW_UNKNOWN && lim != OOMW_UNLIMITED)
			sample_i64(o, &f_cg_limit, l, lim);
	}
	for (size_t i = 0; i < s->n_cgroups; i++) {
		cgroup_label(&s->cgroups[i], l, sizeof(l));
		if (s->cgroups[i].stats.under_oom != OOMW_UNKNOWN)
			sample_i64(o, &f_cg_under_oom, l, s->cgroups[i].stats.under_oom);
	}
	render_held(o, v);
}

static void render_candidates(struct out *o, const struct oomw_snapshot *s)
{
	if (s->candidates_err != 0)
		return;
	char rank[32], labels[LABEL_LINE_MAX], l_comm[LABEL_PAIR_MAX];
	for (size_t i = 0; i < s->n_candidates; i++) {
		snprintf(rank, sizeof(rank), "rank=\"%zu\"", i + 1);
		sample_i64(o, &f_cand_score, rank, s->candidates[i].oom_score);
	}
	for (size_t i = 0; i < s->n_candidates; i++) {
		snprintf(rank, sizeof(rank), "rank=\"%zu\"", i + 1);
		sample_kib(o, &f_cand_rss, rank, s->candidates[i].rss_kib);
	}
	for (size_t i = 0; i < s->n_candidates; i++) {
		const struct oomw_candidate *c = &s->candidates[i];
		label(l_comm, sizeof(l_comm), "comm", c->comm, c->comm_len);
		snprintf(labels, sizeof(labels), "rank=\"%zu\",%s,pid=\"%" PRId64 "\"", i + 1,
			 l_comm, c->pid);
		sample_i64(o, &f_cand_info, labels, 1);
	}
}

int prom_render(FILE *f, const struct prom_input *in)
{
	struct out o = { .f = f, .current = NULL };
	render_status(&o, in->verdict);
	render_kills(&o, in);
	render_memory(&o, in->snap);
	render_cgroups(&o, in->snap, in->verdict);
	render_candidates(&o, in->snap);
	return ferror(f) ? -EIO : 0;
}

void prom_scope_counts_add(struct prom_scope_counts *c, const struct oomw_event *ev)
{
	if (ev->killer != OOMW_KILLER_KERNEL)
		return; /* oomwatch_userspace_oom_kills_total */
	switch (ev->kill.scope) {
	case OOMW_SCOPE_GLOBAL:
		c->global++;
		break;
	case OOMW_SCOPE_MEMCG:
		c->memcg++;
		break;
	case OOMW_SCOPE_UNKNOWN:
		c->unknown++;
		break;
	}
}

const char *prom_source_name(enum oomw_source src)
{
	switch (src) {
	case OOMW_SRC_MEMINFO:
		return "meminfo";
	case OOMW_SRC_VMSTAT:
		return "vmstat";
	case OOMW_SRC_KLOG:
		return "kernel_log";
	case OOMW_SRC_PSI:
		return "psi";
	case OOMW_SRC_CGROUPS:
		return "cgroups";
	case OOMW_SRC_CANDIDATES:
		return "candidates";
	case OOMW_SRC_STATE:
		return "state";
	case OOMW_SRC_COUNT_KILLS:
		return "kill_count";
	}
	return "unknown";
}
