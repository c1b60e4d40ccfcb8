/* SPDX-License-Identifier: MIT */
/* ledger.c — the delivery bookkeeping of a notifier (ledger.h). */
#include "ledger.h"

#include <string.h>

#include "news.h"

void oomw_ledger_init(struct oomw_ledger *l, uint64_t cursor, size_t keep)
{
	memset(l, 0, sizeof(*l));
	l->cursor = cursor;
	oomw_ledger_keep(l, keep);
}

static struct oomw_notice *notice_at(struct oomw_ledger *l, size_t i)
{
	return &l->notices[(l->head + i) % OOMW_LEDGER_NOTICES_MAX];
}

static void pop_notice(struct oomw_ledger *l)
{
	l->head = (l->head + 1) % OOMW_LEDGER_NOTICES_MAX;
	l->n_notices--;
}

/* Drops the oldest notices until at most max are queued; returns how many. */
static size_t trim(struct oomw_ledger *l, size_t max)
{
	size_t dropped = 0;
	for (; l->n_notices > max; dropped++)
		pop_notice(l);
	l->dropped += dropped;
	return dropped;
}

size_t oomw_ledger_keep(struct oomw_ledger *l, size_t keep)
{
	l->keep = keep < 1 ? 1 : keep > OOMW_LEDGER_NOTICES_MAX ? OOMW_LEDGER_NOTICES_MAX : keep;
	return trim(l, l->keep);
}

static const struct oomw_delivery *find(const struct oomw_ledger *l, uint64_t index)
{
	for (size_t i = 0; i < OOMW_STATE_EVENTS_MAX; i++)
		if (l->sent[i].index == index)
			return &l->sent[i];
	return NULL;
}

/* Delivered, or not to be sent at all. */
static bool passed_over(const struct oomw_ledger *l, const struct oomw_event *ev)
{
	const struct oomw_delivery *d = find(l, ev->index);
	return (d != NULL && d->delivered) || (ev->backlog && ev->index <= l->backlog_through);
}

bool oomw_ledger_owes(const struct oomw_ledger *l, const struct oomw_event *ev)
{
	return ev->index > l->cursor && !passed_over(l, ev);
}

static size_t owed_events(const struct oomw_ledger *l, const struct oomw_event *events, size_t n)
{
	size_t owed = 0;
	for (size_t i = 0; i < n; i++)
		owed += oomw_ledger_owes(l, &events[i]);
	return owed;
}

size_t oomw_ledger_owed(const struct oomw_ledger *l, const struct oomw_event *events, size_t n)
{
	size_t owed = owed_events(l, events, n);
	for (size_t i = 0; i < l->n_notices; i++)
		owed += l->notices[(l->head + i) % OOMW_LEDGER_NOTICES_MAX].token != -1;
	return owed;
}

void oomw_ledger_advance(struct oomw_ledger *l, const struct oomw_event *events, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (events[i].index <= l->cursor)
			continue;
		if (!passed_over(l, &events[i]))
			break;
		l->cursor = events[i].index;
	}
}

void oomw_ledger_file(struct oomw_ledger *l, const struct oomw_assess_input *in,
		      const struct oomw_assess_params *p, struct oomw_news_count *out)
{
	struct oomw_assess_params policy = *p;
	uint64_t history_through = 0;
	size_t first = in->n_new < in->n_events ? in->n_events - in->n_new : 0;
	*out = (struct oomw_news_count){
		.state_lost = oomw_state_lost(in->snap),
		/* More new events than the ring holds: some were not kept. */
		.backlog_bound = in->n_new > in->n_events ? OOMW_COUNT_AT_LEAST : OOMW_COUNT_EXACT,
	};
	if (out->state_lost)
		policy.first_start = OOMW_FIRST_START_ALL;
	for (size_t i = first; i < in->n_events; i++) {
		const struct oomw_event *ev = &in->events[i];
		switch (oomw_news_tally(&out->backlog, ev, in->snap, &policy)) {
		case OOMW_NEWS_KILL:
			out->n_kills++;
			break;
		case OOMW_NEWS_BACKLOG:
			l->backlog_through = ev->index;
			break;
		case OOMW_NEWS_HISTORY:
			/* Only the history before the first kill owed moves the cursor. */
			out->n_history++;
			history_through = out->n_kills ? history_through : ev->index;
			break;
		}
	}
	if (history_through > l->cursor)
		l->cursor = history_through;
	/* Over the kills of unknown time, when nothing owed precedes them. */
	oomw_ledger_advance(l, in->events, in->n_events);
}

void oomw_ledger_give_up(struct oomw_ledger *l, const struct oomw_event *events, size_t n,
			 struct oomw_given_up *out)
{
	size_t owed = owed_events(l, events, n), dropped = 0, passed = 0, i;
	*out = (struct oomw_given_up){ 0 };
	for (i = 0; i < n; i++) {
		if (events[i].index <= l->cursor)
			continue;
		if (passed_over(l, &events[i])) {
			passed++;
			continue;
		}
		if (owed - dropped <= l->keep)
			break;
		dropped++;
	}
	if (i == n)
		return; /* nothing owed is kept: the cursor follows the answers */
	uint64_t to = events[i].index - 1;
	if (to <= l->cursor)
		return;
	out->dropped = dropped;
	out->lost = to - l->cursor - dropped - passed;
	l->dropped += dropped;
	l->cursor = to;
}

struct oomw_notice *oomw_ledger_queue(struct oomw_ledger *l, size_t *dropped)
{
	*dropped = trim(l, l->keep - 1);
	struct oomw_notice *o = notice_at(l, l->n_notices++);
	memset(o, 0, sizeof(*o));
	return o;
}

/* The record of event `index`'s notification, a new one if there is none:
 * a free one, or one the cursor passed that awaits no answer. NULL when all
 * are busy. */
static struct oomw_delivery *record(struct oomw_ledger *l, uint64_t index)
{
	struct oomw_delivery *spare = NULL;
	for (size_t i = 0; i < OOMW_STATE_EVENTS_MAX; i++) {
		struct oomw_delivery *d = &l->sent[i];
		if (d->index == index)
			return d;
		if (spare == NULL && (d->index == 0 || (d->index <= l->cursor && d->token == 0)))
			spare = d;
	}
	if (spare != NULL)
		*spare = (struct oomw_delivery){ .index = index };
	return spare;
}

bool oomw_ledger_next(struct oomw_ledger *l, const struct oomw_event *events, size_t n,
		      struct oomw_outgoing *out)
{
	*out = (struct oomw_outgoing){ 0 };
	for (size_t i = 0; i < n; i++) {
		if (!oomw_ledger_owes(l, &events[i]))
			continue;
		struct oomw_delivery *d = record(l, events[i].index);
		if (d == NULL)
			return false;
		if (d->token != 0)
			continue;
		*out = (struct oomw_outgoing){ .ev = &events[i], .delivery = d };
		return true;
	}
	for (size_t i = 0; i < l->n_notices; i++)
		if (notice_at(l, i)->token == 0) {
			out->notice = notice_at(l, i);
			return true;
		}
	return false;
}

void oomw_ledger_sending(const struct oomw_outgoing *o, long token)
{
	if (o->delivery != NULL)
		o->delivery->token = token;
	else
		o->notice->token = token;
}

bool oomw_ledger_answered(struct oomw_ledger *l, const struct oomw_event *events, size_t n,
			  long token, bool delivered)
{
	if (token <= 0)
		return false;
	for (size_t i = 0; i < OOMW_STATE_EVENTS_MAX; i++) {
		struct oomw_delivery *d = &l->sent[i];
		if (d->index == 0 || d->token != token)
			continue;
		d->token = 0;
		d->delivered = delivered;
		if (delivered)
			oomw_ledger_advance(l, events, n);
		return true;
	}
	for (size_t i = 0; i < l->n_notices; i++) {
		struct oomw_notice *o = notice_at(l, i);
		if (o->token != token)
			continue;
		o->token = delivered ? -1 : 0;
		/* Answered out of order: dropped once they reach the head. */
		while (l->n_notices > 0 && notice_at(l, 0)->token == -1)
			pop_notice(l);
		return true;
	}
	return false;
}

void oomw_ledger_disconnected(struct oomw_ledger *l)
{
	for (size_t i = 0; i < OOMW_STATE_EVENTS_MAX; i++)
		l->sent[i].token = 0;
	for (size_t i = 0; i < l->n_notices; i++)
		if (notice_at(l, i)->token > 0)
			notice_at(l, i)->token = 0;
}

bool oomw_ledger_in_flight(const struct oomw_ledger *l)
{
	for (size_t i = 0; i < OOMW_STATE_EVENTS_MAX; i++)
		if (l->sent[i].index != 0 && l->sent[i].token != 0)
			return true;
	for (size_t i = 0; i < l->n_notices; i++)
		if (l->notices[(l->head + i) % OOMW_LEDGER_NOTICES_MAX].token > 0)
			return true;
	return false;
}
