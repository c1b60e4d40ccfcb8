/* SPDX-License-Identifier: MIT */
/* notifier.h — one sample as a long-running notifier takes it (the SNMP
 * agent's traps; a webhook or mail front end would do the same): the core
 * judges it, holding its memory verdicts (hysteresis); files the new kills in
 * the delivery ledger (owed, history, at an unknown time) and gives up what
 * cannot be sent; and queues a notice per change of the memory verdict, per
 * cgroup that starts or stops being held at its limit, and one for kills at
 * an unknown time. What the front end should log comes back as notes in the
 * core's words: each source's problems when they appear, change or go, every
 * decision above, and each kill now owed (oomw_kill_log_line). The front end
 * logs the notes and sends what the ledger says is owed.
 *
 * Pure: no I/O, no allocation, no logging. */
#ifndef OOMW_NOTIFIER_H
#define OOMW_NOTIFIER_H

#include <stdbool.h>
#include <stddef.h>

#include "assess.h"
#include "ledger.h"
#include "news.h"

#define OOMW_NOTE_TEXT_MAX (2 * OOMW_PROBLEM_TEXT_MAX)
#define OOMW_NOTES_MAX                                                                             \
	(2 * OOMW_PROBLEMS_MAX + 8 + 2 * OOMW_SNAPSHOT_CGROUPS_MAX + OOMW_STATE_EVENTS_MAX)

/* How much a note matters, as syslog would rank it. */
enum oomw_note_level { OOMW_NOTE_INFO, OOMW_NOTE_NOTICE, OOMW_NOTE_WARNING };

struct oomw_note {
	enum oomw_note_level level;
	char text[OOMW_NOTE_TEXT_MAX];
};

/* What the front end decides. */
struct oomw_notifier_config {
	const char *window_key;   /* its name for the kill window, in notes ("kill_window") */
	const char *history_kept; /* where kills from before it stay ("in oomwKillTable") */
	size_t cgroup_path_max;   /* the longest cgroup path its notices can name; 0: any */
};

struct oomw_notifier {
	struct oomw_ledger ledger;
	bool started;                    /* the ledger holds the persisted cursor */
	struct oomw_held held;           /* the held memory, swap and PSI verdicts */
	enum oomw_severity mem_notified; /* the last known memory verdict */
	struct oomw_held_set held_cgroups;
	struct oomw_held_changes changes;
	struct oomw_problem_log logged;                        /* the source problems last noted */
	char status[OOMW_PARTS_MAX * OOMW_PART_TEXT_MAX + 16]; /* "WARNING: <summary>" */
	size_t n_notes;                                        /* of the last call */
	struct oomw_note notes[OOMW_NOTES_MAX];
};

/* A notifier with no verdict yet. */
void oomw_notifier_init(struct oomw_notifier *n);
/* One sample: in->prev is set to n's held verdicts, v filled. At the first
 * call the ledger starts from cursor (the persisted one) and keep. The
 * ledger's cursor may have moved: the front end saves it. */
void oomw_notifier_sample(struct oomw_notifier *n, struct oomw_assess_input *in,
			  const struct oomw_assess_params *p, const struct oomw_notifier_config *c,
			  uint64_t cursor, size_t keep, struct oomw_verdict *v);
/* The same sample under new parameters and a new keep (a reload): judged
 * again, its memory change queued, what is owed beyond keep given up. */
void oomw_notifier_rejudge(struct oomw_notifier *n, struct oomw_assess_input *in,
			   const struct oomw_assess_params *p, size_t keep, struct oomw_verdict *v);

#endif
