/* SPDX-License-Identifier: MIT */
/* test_ledger.c — the delivery bookkeeping of a notifier: events owed above
 * the cursor, sent, answered out of order (the cursor waits for the oldest),
 * ended without answer (sent again), a lost transport, history and kills at
 * an unknown time passed over at a first start, the oldest given up beyond
 * `keep` and those the ring lost, and the bounded queue of notices. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ledger.h"

#define USEC_PER_SEC 1000000LL
#define NOW_USEC (1700000000 * USEC_PER_SEC)

static struct oomw_ledger l;
static struct oomw_event ev[8];

/* Events index from..from+n-1, dated now, with details. */
static size_t events(uint64_t from, size_t n)
{
	memset(ev, 0, sizeof(ev));
	for (size_t i = 0; i < n; i++)
		ev[i] = (struct oomw_event){ .index = from + i,
					     .has_details = true,
					     .wall_usec = NOW_USEC };
	return n;
}

/* Sends everything ledger_next offers, tokens 100, 101, …; how many. */
static size_t send_all(size_t n, long *token)
{
	struct oomw_outgoing o;
	size_t sent = 0;
	while (oomw_ledger_next(&l, ev, n, &o)) {
		oomw_ledger_sending(&o, (*token)++);
		sent++;
	}
	return sent;
}

static void test_answers_move_the_cursor(void **state)
{
	(void)state;
	long token = 100;
	size_t n = events(5, 3);
	oomw_ledger_init(&l, 4, 64);
	assert_int_equal(oomw_ledger_owed(&l, ev, n), 3);
	assert_int_equal(send_all(n, &token), 3); /* 5:100 6:101 7:102 */
	assert_true(oomw_ledger_in_flight(&l));
	assert_int_equal(send_all(n, &token), 0); /* nothing twice */
	/* 6 answered first: the cursor waits for 5. */
	assert_true(oomw_ledger_answered(&l, ev, n, 101, true));
	assert_int_equal(l.cursor, 4);
	assert_int_equal(oomw_ledger_owed(&l, ev, n), 2);
	/* 5 ends without an answer: sent again, with a new token. */
	assert_true(oomw_ledger_answered(&l, ev, n, 100, false));
	assert_int_equal(send_all(n, &token), 1);
	assert_true(oomw_ledger_answered(&l, ev, n, 103, true));
	assert_int_equal(l.cursor, 6);
	assert_false(oomw_ledger_answered(&l, ev, n, 999, true));
	/* The transport goes: 7 is sent again to the next one. */
	oomw_ledger_disconnected(&l);
	assert_false(oomw_ledger_in_flight(&l));
	assert_int_equal(send_all(n, &token), 1);
	assert_true(oomw_ledger_answered(&l, ev, n, 104, true));
	assert_int_equal(l.cursor, 7);
	assert_int_equal(oomw_ledger_owed(&l, ev, n), 0);
}

static void test_first_start(void **state)
{
	(void)state;
	struct oomw_snapshot snap = { .first_sample = true, .wall_usec = NOW_USEC };
	struct oomw_assess_params p;
	struct oomw_news_count c;
	oomw_assess_params_default(&p, OOMW_FRONTEND_SNMP);
	p.window_sec = 60;
	size_t n = events(1, 5);
	ev[0].wall_usec = ev[1].wall_usec = NOW_USEC - 3600 * USEC_PER_SEC; /* history */
	ev[2].wall_usec = NOW_USEC - 10 * USEC_PER_SEC;                     /* news */
	for (size_t i = 3; i < 5; i++) /* only the counter showed them, before monitoring */
		ev[i] = (struct oomw_event){ .index = i + 1,
					     .backlog = true,
					     .wall_usec = NOW_USEC - 7200 * USEC_PER_SEC };
	struct oomw_assess_input in = { .snap = &snap, .events = ev, .n_events = n, .n_new = n };
	oomw_ledger_init(&l, 0, 64);
	oomw_ledger_file(&l, &in, &p, &c);
	assert_int_equal(c.n_history, 2);
	assert_int_equal(c.n_kills, 1);
	assert_int_equal(c.backlog.n, 2);
	assert_int_equal(c.backlog_bound, OOMW_COUNT_EXACT);
	assert_false(c.state_lost);
	assert_int_equal(l.cursor, 2); /* over the history */
	assert_int_equal(oomw_ledger_owed(&l, ev, n), 1);
	long token = 1;
	assert_int_equal(send_all(n, &token), 1);
	assert_true(oomw_ledger_answered(&l, ev, n, 1, true));
	assert_int_equal(l.cursor, 5); /* and over the kills told as one */

	/* A lost state file: every kill the log names is owed again. */
	snap.state_err = -EBADMSG;
	oomw_ledger_init(&l, 0, 64);
	oomw_ledger_file(&l, &in, &p, &c);
	assert_true(c.state_lost);
	assert_int_equal(c.n_kills, 3);
	assert_int_equal(c.n_history, 0);
	assert_int_equal(l.cursor, 0);
}

static void test_give_up(void **state)
{
	(void)state;
	struct oomw_given_up gone;
	/* Owed from 3, but the ring holds 5..8 only: 3 and 4 were lost. */
	size_t n = events(5, 4);
	oomw_ledger_init(&l, 2, 2);
	oomw_ledger_give_up(&l, ev, n, &gone);
	assert_int_equal(gone.dropped, 2); /* 5 and 6: beyond keep */
	assert_int_equal(gone.lost, 2);
	assert_int_equal(l.cursor, 6);
	assert_int_equal(l.dropped, 2);
	assert_int_equal(oomw_ledger_owed(&l, ev, n), 2);
	oomw_ledger_give_up(&l, ev, n, &gone); /* within keep now */
	assert_int_equal(gone.dropped + gone.lost, 0);
	assert_int_equal(l.cursor, 6);
}

static void test_notices(void **state)
{
	(void)state;
	struct oomw_outgoing o;
	size_t dropped;
	long token = 1;
	oomw_ledger_init(&l, 0, 2);
	oomw_ledger_queue(&l, &dropped)->kind = OOMW_NOTICE_LOW_MEMORY;
	assert_int_equal(dropped, 0);
	oomw_ledger_queue(&l, &dropped)->kind = OOMW_NOTICE_RECOVERED;
	oomw_ledger_queue(&l, &dropped)->kind = OOMW_NOTICE_CGROUP_HELD;
	assert_int_equal(dropped, 1); /* the oldest */
	assert_int_equal(oomw_ledger_owed(&l, NULL, 0), 2);
	assert_true(oomw_ledger_next(&l, NULL, 0, &o));
	assert_null(o.ev);
	assert_int_equal(o.notice->kind, OOMW_NOTICE_RECOVERED);
	assert_int_equal(send_all(0, &token), 2);
	/* The second answered first: kept until the first is. */
	assert_true(oomw_ledger_answered(&l, NULL, 0, 2, true));
	assert_int_equal(l.n_notices, 2);
	assert_int_equal(oomw_ledger_owed(&l, NULL, 0), 1);
	assert_true(oomw_ledger_answered(&l, NULL, 0, 1, true));
	assert_int_equal(l.n_notices, 0);
	assert_false(oomw_ledger_in_flight(&l));
	/* A smaller keep drops the oldest. */
	oomw_ledger_init(&l, 0, 3);
	for (int i = 0; i < 3; i++)
		oomw_ledger_queue(&l, &dropped);
	assert_int_equal(oomw_ledger_keep(&l, 1), 2);
	assert_int_equal(l.n_notices, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers_move_the_cursor),
		cmocka_unit_test(test_first_start),
		cmocka_unit_test(test_give_up),
		cmocka_unit_test(test_notices),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
