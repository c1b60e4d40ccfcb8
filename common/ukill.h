/* SPDX-License-Identifier: MIT */
/* ukill.h — kills by userspace OOM killers, which the kernel's oom_kill counter
 * never sees: systemd-oomd (kills a whole cgroup under memory pressure or when
 * swap runs out) and earlyoom (signals the process with the highest oom_score
 * when available memory and free swap drop below its limits). Parsed from their
 * log messages, as worded by their current releases (doc/kernel-interfaces.md,
 * "Userspace OOM killers"). */
#ifndef OOMW_UKILL_H
#define OOMW_UKILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kill.h"

enum oomw_killer {
	OOMW_KILLER_KERNEL = 0,   /* the kernel's OOM killer */
	OOMW_KILLER_SYSTEMD_OOMD, /* systemd-oomd */
	OOMW_KILLER_EARLYOOM,     /* earlyoom */
};

enum oomw_ukill_reason {
	OOMW_UKILL_REASON_UNKNOWN = 0,
	OOMW_UKILL_REASON_PRESSURE,   /* systemd-oomd: memory pressure above the unit's limit */
	OOMW_UKILL_REASON_SWAP,       /* systemd-oomd: memory and swap used above SwapUsedLimit */
	OOMW_UKILL_REASON_LOW_MEMORY, /* earlyoom: available memory and free swap below its limits */
};

#define OOMW_UKILL_DETAIL_MAX 255

/* Numbers are OOMW_UNKNOWN and strings "" when the message did not say. */
struct oomw_ukill {
	enum oomw_killer killer;
	enum oomw_ukill_reason reason;
	int signal; /* earlyoom: 15 (SIGTERM) or 9 (SIGKILL); 9 for systemd-oomd (it
		       * sends SIGKILL to the cgroup) */
	char cgroup[OOMW_CGROUP_PATH_MAX + 1]; /* systemd-oomd: the cgroup (unit) killed */
	/* systemd-oomd: why, as it wrote it after "due to " ("memory pressure for
	 * /user.slice being 61.20% > 50.00% for > 20s with reclaim activity");
	 * earlyoom: its limits line ("at or below SIGTERM limits: mem 10.00%, swap 10.00%") */
	char detail[OOMW_UKILL_DETAIL_MAX + 1];
	/* earlyoom: the victim and the memory it reported just before */
	int64_t oom_score; /* "oom_score N" (1.8+) or "badness N" (older) */
	int64_t oom_score_adj;
	int64_t rss_kib;       /* VmRSS, printed in MiB */
	int64_t mem_avail_kib; /* "mem avail: A of T MiB" */
	int64_t mem_total_kib;
	int64_t swap_free_kib; /* "swap free: F of T MiB" */
	int64_t swap_total_kib;
};

/* What a kill message says besides the victim (pid, uid, comm) */
struct oomw_ukill_parser {
	/* earlyoom's memory report and limits line come just before its kill
	 * line; kept for the next kill within OOMW_UKILL_CONTEXT_MAX_USEC. */
	struct oomw_ukill context;
	int64_t context_mono_usec;
	bool have_context;
};

/* How far (µs) earlyoom's memory report may precede the kill it explains: it
 * prints both in one pass of its loop. */
#define OOMW_UKILL_CONTEXT_MAX_USEC (10LL * 1000000)

struct oomw_ukill_victim {
	int64_t pid;
	int64_t uid;
	char comm[OOMW_COMM_MAX + 1];
	size_t comm_len;
};

void oomw_ukill_init(struct oomw_ukill *u);
void oomw_ukill_parser_init(struct oomw_ukill_parser *p);
/* Feeds one message of the killer (text[0..len), no prefix), logged at
 * mono_usec (OOMW_UNKNOWN: no time; then a memory report applies to the next
 * kill line whatever the gap). Returns 1 and fills *out and *victim for a
 * kill, 0 for any other message. */
int oomw_ukill_feed(struct oomw_ukill_parser *p, enum oomw_killer killer, const char *text, size_t len,
		    int64_t mono_usec, struct oomw_ukill *out, struct oomw_ukill_victim *victim);
/* The killer from a syslog identifier or a systemd unit name ("earlyoom",
 * "earlyoom.service", "systemd-oomd", "systemd-oomd.service"), else
 * OOMW_KILLER_KERNEL (not a userspace killer). */
enum oomw_killer oomw_killer_from_name(const char *name, size_t len);
/* Fixed lowercase words: "kernel", "systemd-oomd", "earlyoom"; reasons:
 * "unknown", "pressure", "swap", "low-memory". */
const char *oomw_killer_name(enum oomw_killer k);
const char *oomw_ukill_reason_name(enum oomw_ukill_reason r);

#endif
