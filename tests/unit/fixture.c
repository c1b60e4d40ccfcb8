/* SPDX-License-Identifier: MIT */
/* fixture.c — the unit tests' shared fixture loading (fixture.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "klog.h"

void collect(const struct oomw_kill *k, void *ctx)
{
	struct kills *ks = ctx;
	assert_true(ks->n < KILLS_MAX);
	ks->k[ks->n++] = *k;
}

const char *fixtures_dir(void)
{
	const char *d = getenv("OOMW_FIXTURES");
	return d && *d ? d : "tests/fixtures";
}

void parse_file(const char *path, struct kills *ks)
{
	struct oomw_klog *k = malloc(sizeof(*k));
	struct oomw_oomparse *p = malloc(sizeof(*p));
	assert_non_null(k);
	assert_non_null(p);
	int r = oomw_klog_open(k, path, OOMW_KLOG_START_OLDEST, 0);
	if (r < 0)
		fail_msg("open %s: %s", path, strerror(-r));
	oomw_oomparse_init(p, collect, ks);
	struct oomw_klog_record rec;
	while ((r = oomw_klog_read(k, &rec)) == 0 || r == -EBADMSG)
		if (r == 0)
			oomw_oomparse_feed(p, &rec);
	assert_int_equal(r, -EAGAIN);
	oomw_oomparse_flush(p);
	oomw_klog_close(k);
	free(k);
	free(p);
}
