/* SPDX-License-Identifier: MIT */
/* fixture.h — what the unit tests that read the real kernel logs of
 * tests/fixtures share (tests/unit/fixture.c, linked into every unit test):
 * where the fixtures are, and a whole log read through klog and oomparse as
 * the monitor reads it, its kills collected in order. Failures go through
 * cmocka (the calling test fails); include <cmocka.h> first. */
#ifndef OOMW_TEST_FIXTURE_H
#define OOMW_TEST_FIXTURE_H

#include <stddef.h>

#include "oomparse.h"

/* More kills than any fixture log holds. */
#define KILLS_MAX 64

struct kills {
	size_t n;
	struct oomw_kill k[KILLS_MAX];
};

/* An oomw_oomparse callback: appends *k to the struct kills ctx. */
void collect(const struct oomw_kill *k, void *ctx);
/* $OOMW_FIXTURES, else tests/fixtures (the tests run from the repo root). */
const char *fixtures_dir(void);
/* Appends the kills of the kernel log at path (any format klog reads, from
 * its oldest record) to *ks; fails the test when it cannot be opened or is
 * not read to its end. */
void parse_file(const char *path, struct kills *ks);

#endif
