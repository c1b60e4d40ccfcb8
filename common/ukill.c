/* SPDX-License-Identifier: MIT */
/* ukill.c — systemd-oomd's and earlyoom's kill messages.
 *
 * systemd-oomd (v247+) logs one notice per cgroup it kills:
 *   "Killed <cgroup> due to memory pressure for <cgroup> being A% > L% for > 20s with reclaim activity"
 *   "Killed <cgroup> due to memory used (U) / total (T) and swap used (S) / total (T) being more than L%"
 *   (v247-v250: "Killed <cgroup> due to swap used (S) / total (T) being more than L%")
 * earlyoom prints its memory report and the limits it crossed, then one line
 * per signal:
 *   "mem avail:  123 of  7834 MiB ( 1.57%), swap free:    0 of    0 MiB ( 0.00%)"
 *   "low memory! at or below SIGTERM limits: mem 10.00%, swap 10.00%"
 *   "sending SIGTERM to process 4242 uid 1000 \"stress\": oom_score 912, oom_score_adj 0, VmRSS 7100 MiB, cmdline \"stress -m 1\""
 *   (before 1.8: "…: badness 912, VmRSS 7100 MiB"; before 1.3 no "uid N"). */
#include "ukill.h"

#include <errno.h>
#include <string.h>

#define KIB_PER_MIB 1024
#define SIGKILL_NUMBER 9
#define SIGTERM_NUMBER 15

void oomw_ukill_init(struct oomw_ukill *u)
{
	memset(u, 0, sizeof(*u));
	u->oom_score = u->oom_score_adj = u->rss_kib = OOMW_UNKNOWN;
	u->mem_avail_kib = u->mem_total_kib = u->swap_free_kib = u->swap_total_kib = OOMW_UNKNOWN;
}

void oomw_ukill_parser_init(struct oomw_ukill_parser *p)
{
	memset(p, 0, sizeof(*p));
	oomw_ukill_init(&p->context);
}

static const struct {
	const char *name;
	enum oomw_killer killer;
} killer_names[] = {
	{ "systemd-oomd", OOMW_KILLER_SYSTEMD_OOMD },
	{ "systemd-oomd.service", OOMW_KILLER_SYSTEMD_OOMD },
	{ "earlyoom", OOMW_KILLER_EARLYOOM },
	{ "earlyoom.service", OOMW_KILLER_EARLYOOM },
};

enum oomw_killer oomw_killer_from_name(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(killer_names) / sizeof(killer_names[0]); i++)
		if (strlen(killer_names[i].name) == len && memcmp(killer_names[i].name, name, len) == 0)
			return killer_names[i].killer;
	return OOMW_KILLER_KERNEL;
}

const char *oomw_killer_name(enum oomw_killer k)
{
	switch (k) {
	case OOMW_KILLER_SYSTEMD_OOMD:
		return "systemd-oomd";
	case OOMW_KILLER_EARLYOOM:
		return "earlyoom";
	case OOMW_KILLER_KERNEL:
		break;
	}
	return "kernel";
}

const char *oomw_ukill_reason_name(enum oomw_ukill_reason r)
{
	switch (r) {
	case OOMW_UKILL_REASON_PRESSURE:
		return "pressure";
	case OOMW_UKILL_REASON_SWAP:
		return "swap";
	case OOMW_UKILL_REASON_LOW_MEMORY:
		return "low-memory";
	case OOMW_UKILL_REASON_UNKNOWN:
		break;
	}
	return "unknown";
}

/* ---- a small cursor over the message ---- */

struct scan {
	const char *p, *end;
};

static bool lit(struct scan *s, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return false;
	s->p += n;
	return true;
}

static void spaces(struct scan *s)
{
	while (s->p < s->end && *s->p == ' ')
		s->p++;
}

/* A decimal number (optionally negative), bounded to OOMW_COUNTER_MAX. */
static bool num(struct scan *s, int64_t *out)
{
	const char *p = s->p;
	bool neg = p < s->end && *p == '-';
	p += neg;
	int64_t v = 0;
	const char *digits = p;
	while (p < s->end && *p >= '0' && *p <= '9') {
		if (v > (OOMW_COUNTER_MAX - (*p - '0')) / 10)
			return false;
		v = v * 10 + (*p++ - '0');
	}
	if (p == digits)
		return false;
	*out = neg ? -v : v;
	s->p = p;
	return true;
}

static const char *find(const struct scan *s, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = s->p; (size_t)(s->end - p) >= n; p++)
		if (memcmp(p, needle, n) == 0)
			return p;
	return NULL;
}

static void copy_str(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static int64_t mib_to_kib(int64_t mib)
{
	return mib >= 0 && mib <= OOMW_KIB_MAX / KIB_PER_MIB ? mib * KIB_PER_MIB : OOMW_UNKNOWN;
}

/* ---- systemd-oomd ---- */

static int feed_oomd(struct scan s, struct oomw_ukill *out)
{
	if (!lit(&s, "Killed "))
		return 0;
	const char *due = find(&s, " due to ");
	if (due == NULL || due == s.p)
		return 0;
	oomw_ukill_init(out);
	out->killer = OOMW_KILLER_SYSTEMD_OOMD;
	out->signal = SIGKILL_NUMBER;
	copy_str(out->cgroup, sizeof(out->cgroup), s.p, (size_t)(due - s.p));
	s.p = due + strlen(" due to ");
	copy_str(out->detail, sizeof(out->detail), s.p, (size_t)(s.end - s.p));
	struct scan r = s;
	if (lit(&r, "memory pressure"))
		out->reason = OOMW_UKILL_REASON_PRESSURE;
	else if (lit(&r, "memory used") || lit(&r, "swap used"))
		out->reason = OOMW_UKILL_REASON_SWAP;
	return 1;
}

/* ---- earlyoom ---- */

/* "mem avail: A of T MiB (P%), swap free: F of T MiB (P%)" */
static bool parse_mem_report(struct scan s, struct oomw_ukill *u)
{
	int64_t avail, total, sfree, stotal;
	if (!lit(&s, "mem avail:"))
		return false;
	spaces(&s);
	if (!num(&s, &avail) || !lit(&s, " of"))
		return false;
	spaces(&s);
	if (!num(&s, &total) || !lit(&s, " MiB ("))
		return false;
	const char *sw = find(&s, "swap free:");
	if (sw == NULL)
		return false;
	s.p = sw + strlen("swap free:");
	spaces(&s);
	if (!num(&s, &sfree) || !lit(&s, " of"))
		return false;
	spaces(&s);
	if (!num(&s, &stotal) || !lit(&s, " MiB"))
		return false;
	u->mem_avail_kib = mib_to_kib(avail);
	u->mem_total_kib = mib_to_kib(total);
	u->swap_free_kib = mib_to_kib(sfree);
	u->swap_total_kib = mib_to_kib(stotal);
	return true;
}

/* The fields after the victim's name: "oom_score N", "badness N",
 * "oom_score_adj N", "VmRSS N MiB", "cmdline …", separated by ", ". */
static void parse_victim_fields(struct scan s, struct oomw_ukill *u)
{
	while (s.p < s.end) {
		int64_t v;
		if (lit(&s, "oom_score_adj ")) {
			if (num(&s, &v))
				u->oom_score_adj = v;
		} else if (lit(&s, "oom_score ") || lit(&s, "badness ")) {
			if (num(&s, &v))
				u->oom_score = v;
		} else if (lit(&s, "VmRSS ")) {
			if (num(&s, &v) && lit(&s, " MiB"))
				u->rss_kib = mib_to_kib(v);
		} else if (lit(&s, "cmdline ")) {
			return; /* the rest is the command line, which may hold ", " */
		}
		const char *next = find(&s, ", ");
		if (next == NULL)
			return;
		s.p = next + 2;
	}
}

/* "sending SIGTERM to process P [uid U] \"NAME\": fields" */
static int parse_sending(struct scan s, struct oomw_ukill *u, struct oomw_ukill_victim *v)
{
	int sig;
	if (lit(&s, "sending SIGTERM to process "))
		sig = SIGTERM_NUMBER;
	else if (lit(&s, "sending SIGKILL to process "))
		sig = SIGKILL_NUMBER;
	else
		return 0; /* also earlyoom's start-up self-test, "sending 0 (no-op signal)" */
	int64_t pid, uid = OOMW_UNKNOWN;
	if (!num(&s, &pid) || pid <= 0)
		return 0;
	if (lit(&s, " uid ") && !num(&s, &uid))
		return 0;
	if (!lit(&s, " \""))
		return 0;
	const char *close = find(&s, "\": ");
	if (close == NULL) {
		close = s.end > s.p && s.end[-1] == '"' ? s.end - 1 : NULL;
		if (close == NULL)
			return 0;
	}
	u->killer = OOMW_KILLER_EARLYOOM;
	u->signal = sig;
	v->pid = pid;
	v->uid = uid;
	v->comm_len = (size_t)(close - s.p) < sizeof(v->comm) ? (size_t)(close - s.p)
							      : sizeof(v->comm) - 1;
	memcpy(v->comm, s.p, v->comm_len);
	v->comm[v->comm_len] = '\0';
	s.p = close + 1;
	if (lit(&s, ": "))
		parse_victim_fields(s, u);
	return 1;
}

static bool context_fresh(const struct oomw_ukill_parser *p, int64_t mono_usec)
{
	if (!p->have_context)
		return false;
	if (mono_usec == OOMW_UNKNOWN || p->context_mono_usec == OOMW_UNKNOWN)
		return true;
	return mono_usec >= p->context_mono_usec &&
	       mono_usec - p->context_mono_usec <= OOMW_UKILL_CONTEXT_MAX_USEC;
}

static int feed_earlyoom(struct oomw_ukill_parser *p, struct scan s, int64_t mono_usec,
			 struct oomw_ukill *out, struct oomw_ukill_victim *victim)
{
	struct scan low = s;
	if (parse_mem_report(s, &p->context) || lit(&low, "low memory! ")) {
		if (!context_fresh(p, mono_usec)) {
			oomw_ukill_init(&p->context);
			parse_mem_report(s, &p->context);
		}
		if (low.p != s.p) {
			p->context.reason = OOMW_UKILL_REASON_LOW_MEMORY;
			copy_str(p->context.detail, sizeof(p->context.detail), low.p,
				 (size_t)(low.end - low.p));
		}
		p->have_context = true;
		p->context_mono_usec = mono_usec;
		return 0;
	}
	struct oomw_ukill u;
	if (context_fresh(p, mono_usec))
		u = p->context;
	else
		oomw_ukill_init(&u);
	if (!parse_sending(s, &u, victim))
		return 0;
	*out = u;
	return 1;
}

int oomw_ukill_feed(struct oomw_ukill_parser *p, enum oomw_killer killer, const char *text, size_t len,
		    int64_t mono_usec, struct oomw_ukill *out, struct oomw_ukill_victim *victim)
{
	struct scan s = { text, text + len };
	while (s.end > s.p && (s.end[-1] == '\n' || s.end[-1] == ' '))
		s.end--;
	victim->pid = victim->uid = OOMW_UNKNOWN;
	victim->comm[0] = '\0';
	victim->comm_len = 0;
	switch (killer) {
	case OOMW_KILLER_SYSTEMD_OOMD:
		return feed_oomd(s, out);
	case OOMW_KILLER_EARLYOOM:
		return feed_earlyoom(p, s, mono_usec, out, victim);
	case OOMW_KILLER_KERNEL:
		break;
	}
	return 0;
}
