/* oomparse.h — turning kernel-log records into OOM kill events, for every
 * format of kernels 3.10 to 6.x (KERNEL-FACTS.md). One event per "Killed
 * process" line; the lines around it (prefix "Kill process … or sacrifice
 * child", "oom-kill:" summary, "Task in … killed as a result of limit of",
 * memory.oom.group, oom_reaper) only enrich it. */
#ifndef OOMW_OOMPARSE_H
#define OOMW_OOMPARSE_H

#include <stdbool.h>

#include "kill.h"
#include "klog.h"

typedef void (*oomw_kill_cb)(const struct oomw_kill *kill, void *ctx);

struct oomw_oomparse {
	oomw_kill_cb on_kill;
	void *ctx;
	/* context seen before the Killed line, and the last kill, held until a
	 * follow-up line or oomw_oomparse_flush; private to oomparse.c */
	struct oomw_kill pending;
	bool have_pending;
	struct oomw_kill context;
	bool have_context;
};

void oomw_oomparse_init(struct oomw_oomparse *p, oomw_kill_cb on_kill, void *ctx);
/* Feeds one record. May call on_kill for the previous kill. */
void oomw_oomparse_feed(struct oomw_oomparse *p, const struct oomw_klog_record *rec);
/* Emits the held kill, if any. Call when a batch of records is done. */
void oomw_oomparse_flush(struct oomw_oomparse *p);

#endif
