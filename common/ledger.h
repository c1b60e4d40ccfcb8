/* SPDX-License-Identifier: MIT */
/* ledger.h — the delivery bookkeeping of a notifier that must lose no kill:
 * which events are owed, which are in flight and which were answered, the
 * delivery cursor that the front end persists (oomw_monitor_set_notified),
 * the kills passed over (history, kills at an unknown time told as one), the
 * oldest given up when more are owed than the notifier keeps, and a bounded
 * queue of notices about the present (memory, cgroups held at their limit).
 * Only building and sending a message stays in the front end: it asks
 * oomw_ledger_next what to send, says the token its transport gave it
 * (oomw_ledger_sending), and reports the answer (oomw_ledger_answered).
 *
 * Kill notifications are not copied: the monitor's events above the cursor
 * are the ones owed, so whichever process runs next sends them; the cursor
 * moves over a run of answered ones. Indexes the ring does not hold never
 * stop it. Notices are copied when queued and live in memory only.
 *
 * Pure: no I/O, no allocation, no logging; the caller logs what the results
 * say and saves `cursor` when it moved. */
#ifndef OOMW_LEDGER_H
#define OOMW_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "assess.h"
#include "news.h"
#include "state.h"

#define OOMW_LEDGER_NOTICES_MAX 256
#define OOMW_NOTICE_TEXT_MAX OOMW_PART_TEXT_MAX

enum oomw_notice_kind {
	OOMW_NOTICE_LOW_MEMORY,
	OOMW_NOTICE_RECOVERED,
	OOMW_NOTICE_KILLS_UNKNOWN_TIME,
	OOMW_NOTICE_CGROUP_HELD,
	OOMW_NOTICE_CGROUP_RELEASED,
};

/* A notice about the present, copied when queued. */
struct oomw_notice {
	enum oomw_notice_kind kind;
	enum oomw_severity severity;
	char text[OOMW_NOTICE_TEXT_MAX]; /* the status line, or the held text */
	int64_t available_cpct;          /* memory notices; OOMW_UNKNOWN when unknown */
	/* cgroup notices: */
	char cgroup[OOMW_CGROUP_PATH_MAX + 1];
	int64_t limit_hits;    /* since the previous sample */
	int64_t pressure_cpct; /* its memory.pressure some avg10; OOMW_UNKNOWN */
	int64_t victim_pid;    /* the likeliest victim's; OOMW_UNKNOWN when none */
	char victim_comm[OOMW_COMM_MAX + 1];
	long token; /* 0: to send; > 0: in flight; -1: delivered */
};

/* The notification of one event, once handed to the transport. */
struct oomw_delivery {
	uint64_t index; /* 0: record unused */
	long token;     /* of the message in flight; 0 once answered or ended */
	bool delivered;
};

struct oomw_ledger {
	uint64_t cursor;  /* every event up to it was delivered, passed over or given up */
	size_t keep;      /* kill notifications owed, and notices queued, at most */
	uint64_t dropped; /* given up or dropped for `keep`, so far */
	/* Kills at an unknown time up to this index are told as one notice. In
	 * memory only: a process restarted before the cursor passed them tells
	 * them again. */
	uint64_t backlog_through;
	struct oomw_delivery sent[OOMW_STATE_EVENTS_MAX];
	struct oomw_notice notices[OOMW_LEDGER_NOTICES_MAX];
	size_t head, n_notices;
};

/* An empty ledger from the persisted cursor; keep as oomw_ledger_keep. */
void oomw_ledger_init(struct oomw_ledger *l, uint64_t cursor, size_t keep);
/* At most keep (1..OOMW_LEDGER_NOTICES_MAX) notices: the oldest beyond are
 * dropped. Returns how many. */
size_t oomw_ledger_keep(struct oomw_ledger *l, size_t keep);

/* Whether ev's notification is still owed: above the cursor, not delivered,
 * not passed over. */
bool oomw_ledger_owes(const struct oomw_ledger *l, const struct oomw_event *ev);
/* Kill notifications owed plus notices queued and not delivered. */
size_t oomw_ledger_owed(const struct oomw_ledger *l, const struct oomw_event *events, size_t n);

/* What the new events of one sample are (oomw_news_tally, with every kill
 * owed again after a lost state file): the counts, for the caller's log. */
struct oomw_news_count {
	size_t n_kills;                      /* owed from now on */
	struct oomw_backlog_tally backlog;   /* at an unknown time: tell them as one notice */
	enum oomw_count_bound backlog_bound; /* AT_LEAST when the ring could not keep them all */
	size_t n_history; /* from before kill_window at a first start: never told */
	bool state_lost;  /* oomw_state_lost */
};
/* Files in->events' last in->n_new under p: history moves the cursor, kills
 * at an unknown time are passed over. */
void oomw_ledger_file(struct oomw_ledger *l, const struct oomw_assess_input *in,
		      const struct oomw_assess_params *p, struct oomw_news_count *out);
/* Moves the cursor over the delivered and passed-over events that follow it. */
void oomw_ledger_advance(struct oomw_ledger *l, const struct oomw_event *events, size_t n);

/* What oomw_ledger_give_up gave up. */
struct oomw_given_up {
	size_t dropped; /* owed beyond `keep`: the oldest */
	uint64_t lost;  /* left the ring of OOMW_STATE_EVENTS_MAX before they could be sent */
};
/* Keeps what is owed sendable: at most `keep` kill notifications; the cursor
 * moves past the oldest beyond that and past indexes the ring lost. */
void oomw_ledger_give_up(struct oomw_ledger *l, const struct oomw_event *events, size_t n,
			 struct oomw_given_up *out);

/* A new notice at the queue's end (zeroed but for token 0), the oldest
 * dropped first when `keep` are queued; *dropped says how many (0 or 1). */
struct oomw_notice *oomw_ledger_queue(struct oomw_ledger *l, size_t *dropped);

/* One message to send: an event's notification, or a notice. */
struct oomw_outgoing {
	const struct oomw_event *ev; /* NULL for a notice */
	struct oomw_delivery *delivery;
	struct oomw_notice *notice; /* NULL for an event */
};
/* The next message owed and not in flight: events first, oldest first, then
 * the notices in order. false when there is none, or when every record is
 * busy with events in flight (then later). */
bool oomw_ledger_next(struct oomw_ledger *l, const struct oomw_event *events, size_t n,
		      struct oomw_outgoing *out);
/* The transport took o's message as token (> 0). */
void oomw_ledger_sending(const struct oomw_outgoing *o, long token);
/* The answer to token: delivered, or the message's end without one (sent
 * again later). Returns false when no message has that token. */
bool oomw_ledger_answered(struct oomw_ledger *l, const struct oomw_event *events, size_t n,
			  long token, bool delivered);
/* The transport is gone: what was in flight is sent again later. */
void oomw_ledger_disconnected(struct oomw_ledger *l);
/* Whether some message sent has had neither its answer nor its end. */
bool oomw_ledger_in_flight(const struct oomw_ledger *l);

#endif
