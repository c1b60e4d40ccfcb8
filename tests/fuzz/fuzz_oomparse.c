/* SPDX-License-Identifier: MIT */
/* fuzz_oomparse — a kernel log fed to the OOM report parser line by line,
 * each line read as a kmsg record when it is one, else as a text-log line,
 * the way the monitor feeds it; the batch is flushed every blank line. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "klog.h"
#include "oomparse.h"
#include "oomw.h"

static void on_kill(const struct oomw_kill *k, void *ctx)
{
	(void)ctx;
	/* Bounded strings, NUL-terminated where the struct promises it. */
	if (k->comm_len > OOMW_COMM_MAX ||
	    strnlen(k->task_memcg, sizeof(k->task_memcg)) == sizeof(k->task_memcg))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oomw_oomparse *p = malloc(sizeof(*p));
	oomw_oomparse_init(p, on_kill, NULL);
	const char *s = (const char *)data, *end = s + size, *line;
	size_t len;
	while (oomw_next_line(&s, end, &line, &len)) {
		if (len == 0) {
			oomw_oomparse_flush(p);
			continue;
		}
		if (len > OOMW_KLOG_RECORD_MAX)
			continue;
		char *copy = malloc(len);
		memcpy(copy, line, len);
		struct oomw_klog_record r;
		if (oomw_klog_parse_kmsg(copy, len, &r) == 0 || oomw_klog_parse_text(copy, len, &r) == 0)
			oomw_oomparse_feed(p, &r);
		free(copy);
	}
	oomw_oomparse_flush(p);
	free(p);
	return 0;
}
