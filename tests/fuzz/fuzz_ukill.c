/* SPDX-License-Identifier: MIT */
/* fuzz_ukill — systemd-oomd's and earlyoom's messages through oomw_ukill_feed,
 * one line at a time, each to both killers (earlyoom's parser keeps context
 * between lines); the results must stay within their bounds. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kill.h"
#include "ukill.h"

static void check(const struct oomw_ukill *u, const struct oomw_ukill_victim *v)
{
	const int64_t kib[] = { u->rss_kib, u->mem_avail_kib, u->mem_total_kib, u->swap_free_kib,
				u->swap_total_kib };
	for (size_t i = 0; i < sizeof(kib) / sizeof(kib[0]); i++)
		if (kib[i] != OOMW_UNKNOWN && (kib[i] < 0 || kib[i] > OOMW_KIB_MAX))
			abort();
	if (v->comm_len >= sizeof(v->comm) || v->comm[v->comm_len] != '\0' ||
	    memchr(u->cgroup, '\0', sizeof(u->cgroup)) == NULL ||
	    memchr(u->detail, '\0', sizeof(u->detail)) == NULL)
		abort();
	if (u->killer == OOMW_KILLER_EARLYOOM && (v->pid <= 0 || (u->signal != 9 && u->signal != 15)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *line;
	size_t len;
	struct oomw_ukill_parser parser;
	oomw_ukill_parser_init(&parser);
	int64_t mono_usec = 0;
	while (oomw_next_line(&p, end, &line, &len)) {
		char *copy = malloc(len ? len : 1);
		memcpy(copy, line, len);
		const enum oomw_killer killers[] = { OOMW_KILLER_SYSTEMD_OOMD, OOMW_KILLER_EARLYOOM };
		for (size_t i = 0; i < 2; i++) {
			struct oomw_ukill u;
			struct oomw_ukill_victim v;
			if (oomw_ukill_feed(&parser, killers[i], copy, len, mono_usec, &u, &v) == 1)
				check(&u, &v);
		}
		mono_usec += 1000;
		free(copy);
	}
	return 0;
}
