/* SPDX-License-Identifier: MIT */
/* journal.h — the systemd journal as a kernel-log source, through libsystemd's
 * sd-journal: the kernel's own records (_TRANSPORT=kernel, which no process can
 * forge) for oomparse, and the messages of the userspace OOM killers
 * (systemd-oomd, earlyoom) for ukill. Built without libsystemd, every function
 * refuses with -EOPNOTSUPP and says so. */
#ifndef OOMW_JOURNAL_H
#define OOMW_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "klog.h"
#include "paths.h"
#include "state.h"
#include "ukill.h"

enum oomw_journal_origin {
	OOMW_JOURNAL_KERNEL, /* _TRANSPORT=kernel: a kernel-log record */
	OOMW_JOURNAL_KILLER, /* a message of a userspace OOM killer */
};

struct oomw_journal_entry {
	enum oomw_journal_origin origin;
	enum oomw_killer killer; /* OOMW_JOURNAL_KILLER only */
	/* text: the kernel's records re-escaped as /dev/kmsg escapes them
	 * (oomparse decodes \xNN), a killer's message as written. mono_usec: the
	 * kernel's own stamp (_SOURCE_MONOTONIC_TIMESTAMP) or the journal's
	 * reception time on the same clock; wall_usec: the journal's reception
	 * time (__REALTIME_TIMESTAMP). seq is 0: the cursor names the position. */
	struct oomw_klog_record rec;
};

struct oomw_journal {
	void *j;                            /* sd_journal * */
	char boot_id[OOMW_BOOT_ID_MAX + 1]; /* only this boot's entries; "" = every boot */
	bool have_cursor; /* an entry was read (or the start was found): cursor() works */
	uint64_t foreign; /* entries that matched a killer's name but not its
			      * trusted fields (skipped) */
	char text[OOMW_KLOG_RECORD_MAX * 4 + 1];
};

/* The cursor (sd-journal's, opaque) as the state stores it. */
#define OOMW_JOURNAL_CURSOR_MAX OOMW_STATE_CURSOR_MAX

/* Opens the system journal (dir NULL or "") or the journal files in dir, for
 * the entries of boot_id ("": every boot; a 32-hex-digit id, as
 * /proc/sys/kernel/random/boot_id without dashes or with). start: OLDEST, END
 * (what is logged from now on), or SEQ = after the entry named by cursor (when
 * that entry is gone, the first entry after its position). Returns 0 or
 * -errno with *why: -EOPNOTSUPP when built without libsystemd. */
int oomw_journal_open(struct oomw_journal *jr, const char *dir, const char *boot_id,
		      enum oomw_klog_start start, const char *cursor, const char **why);
/* The next kernel record or killer message. Returns 0, -EAGAIN at the end (for
 * now), or -errno. Entries of other boots, other programs and userspace lines
 * posing as the kernel are skipped. rec.text is valid until the next call. */
int oomw_journal_read(struct oomw_journal *jr, struct oomw_journal_entry *e);
/* The cursor of the last entry read: after it is where a reopen resumes.
 * Returns 0, -ENODATA when nothing was read yet, or -errno. */
int oomw_journal_cursor(struct oomw_journal *jr, char *out, size_t size);
/* A file descriptor that becomes readable (POLLIN) when the journal changed, or
 * -errno. Call oomw_journal_process after it woke. */
int oomw_journal_fd(struct oomw_journal *jr);
/* Acknowledges a wake-up of the fd (and notices rotated or added files). */
void oomw_journal_process(struct oomw_journal *jr);
void oomw_journal_close(struct oomw_journal *jr);

#endif
