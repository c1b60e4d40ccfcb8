/* SPDX-License-Identifier: MIT */
/* klog.h — reading the kernel log one record at a time, from /dev/kmsg, from a
 * file of saved kmsg records, or from a text log (dmesg, dmesg -T in any locale,
 * syslog/journal lines with a "kernel:" prefix). The records go to oomparse. */
#ifndef OOMW_KLOG_H
#define OOMW_KLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ukill.h"

/* /dev/kmsg returns EINVAL for a record larger than the read buffer and drops it. */
#define OOMW_KLOG_RECORD_MAX 8192

enum oomw_klog_kind {
	OOMW_KLOG_DEVKMSG,   /* the character device: one record per read(), non-blocking */
	OOMW_KLOG_KMSG_FILE, /* a regular file of "prio,seq,usec,flag;text" lines */
	OOMW_KLOG_TEXT,      /* a regular file of human-readable log lines */
};

enum oomw_klog_start {
	OOMW_KLOG_START_OLDEST, /* everything the source still holds */
	OOMW_KLOG_START_END,    /* only what arrives from now on */
	OOMW_KLOG_START_SEQ,    /* at a saved cursor (kmsg seq, or text byte offset) */
};

struct oomw_klog_record {
	uint64_t seq;      /* kmsg sequence number, or the line's byte offset in a text/kmsg file */
	int64_t mono_usec; /* kernel timestamp, OOMW_UNKNOWN if the line has none */
	int64_t wall_usec; /* from a dmesg -T or syslog prefix, OOMW_UNKNOWN otherwise */
	int prio;          /* syslog level 0..7, or -1 when unknown */
	int facility;      /* syslog facility: 0 = the kernel, 1 = user (a process wrote to
			    * /dev/kmsg), -1 when the log does not say. 0 is the default, so a
			    * zero-initialised record counts as the kernel's. */
	enum oomw_killer killer; /* text logs: OOMW_KILLER_KERNEL (0) for the kernel's lines, or
				  * the userspace OOM killer whose syslog tag the line has
				  * ("earlyoom[123]: ", "systemd-oomd[45]: "); its text is
				  * then that program's message, for ukill, not for oomparse */
	const char *text; /* the message, prefixes stripped, still \xNN-escaped; not NUL-terminated */
	size_t text_len; /* valid until the next oomw_klog_read */
};

/* The cursor:
 *  - DEVKMSG: next_seq is the kmsg sequence number of the next record (the last
 *    one read + 1); record.seq is the kmsg seq. 0 until a record was read
 *    (START_OLDEST, START_END), start_seq with START_SEQ.
 *  - KMSG_FILE: next_seq is the byte offset of the next unread line; record.seq
 *    stays the kmsg seq written in the line (so kills keep their kernel identity).
 *  - TEXT: next_seq is the byte offset of the next unread line; record.seq is the
 *    byte offset of the record's line.
 * In files a line is a record once its '\n' is written: an unterminated last line
 * is held back (a writer may be in the middle of it) and the cursor stays before it. */
struct oomw_klog {
	int fd;
	enum oomw_klog_kind kind;
	uint64_t next_seq;  /* cursor to save: see above */
	uint64_t missed;    /* records we never saw: kmsg EPIPE (overwritten), a saved cursor
			     * older than the oldest record held, sequence gaps in a kmsg file */
	uint64_t too_large; /* records dropped for exceeding OOMW_KLOG_RECORD_MAX (kmsg EINVAL,
			     * overlong lines) */
	uint64_t malformed; /* kmsg records that did not parse (each also returned -EBADMSG) */
	uint64_t inode;     /* of a regular file, to notice rotation */
	size_t buf_len;     /* bytes buffered (files) */
	size_t buf_pos;
	/* private to klog.c */
	uint64_t buf_off;    /* file offset of buf[0] */
	uint64_t expect_seq; /* kmsg seq the next record should carry, if have_expect */
	bool have_expect;
	bool skip_old;    /* START_SEQ on /dev/kmsg: still skipping records < expect_seq */
	bool skipped_any; /* ... and some were skipped */
	bool epipe;       /* EPIPE seen, gap not yet accounted */
	bool skip_line;   /* files: inside an overlong line, dropping it */
	bool detect_kind; /* files: empty at open, kind decided by the first line */
	char buf[OOMW_KLOG_RECORD_MAX * 2];
};

/* Opens path (kind detected: character device, or a file or pipe whose first
 * line is a kmsg record, or text; a pipe is read as it comes, from its start). start_seq is used with OOMW_KLOG_START_SEQ; for a file
 * whose size is below it (rotated, truncated) reading starts at the beginning.
 * Returns 0 or -errno (-EPERM under dmesg_restrict without CAP_SYSLOG). */
int oomw_klog_open(struct oomw_klog *k, const char *path, enum oomw_klog_start start,
		   uint64_t start_seq);
/* The open(2) of oomw_klog_open alone: returns a descriptor or -errno. A caller
 * that must drop its privileges (CAP_SYSLOG) before parsing opens the log with
 * it first, then hands the descriptor to oomw_klog_open_fd. */
int oomw_klog_open_source(const char *path);
/* oomw_klog_open on a descriptor from oomw_klog_open_source, which it takes
 * over (closed on failure too). */
int oomw_klog_open_fd(struct oomw_klog *k, int fd, enum oomw_klog_start start, uint64_t start_seq);
/* Reads the next record. Returns 0, -EAGAIN when nothing is pending (or end of
 * file), -EBADMSG when a malformed kmsg record was skipped (counted in
 * k->malformed; call again, nothing else is lost), or -errno. EINTR is retried;
 * EPIPE is counted in k->missed and reading goes on; so are records too large
 * for the buffer (k->too_large). Text lines that are not kernel messages
 * (another program's syslog line) are skipped silently. A file that shrank below
 * the cursor (truncated, or rotated and rewritten) is read again from its start. */
int oomw_klog_read(struct oomw_klog *k, struct oomw_klog_record *rec);
/* Parses one /dev/kmsg record (as returned by one read(), or one line of a kmsg
 * file): "prio,seq,usec[,flag][,more];text" then optional "\n KEY=value" lines,
 * which are not part of the text. prio, seq and usec must be decimal numbers;
 * unknown fields before ';' are ignored. Returns 0 or -EBADMSG. */
int oomw_klog_parse_kmsg(const char *rec, size_t len, struct oomw_klog_record *out);
/* Parses one text-log line: strips "[ts]" (mono_usec), dmesg -T dates in any
 * common locale, syslog ("Jun 24 18:49:43 host kernel: ", year: the latest that
 * is not in the future), RFC 3339 ("2025-08-12T03:54:03.1+02:00 host kernel: "),
 * journalctl short, short-iso, short-precise, short-monotonic, short-unix and
 * short-full prefixes, dmesg --time-format=iso ("2025-08-12T03:54:03,123456+02:00 "),
 * dmesg -e/-H ("[Aug12 03:54] ", "[  +0.000123] ": no time), "<prio>" (dmesg -r),
 * "kern  :err   : " (dmesg -x), busybox syslogd and OpenWrt logread lines
 * ("Tue Aug 12 03:54:03 2025 kern.warn kernel: "; facility and level kept, so
 * `logger -t kernel` shows as facility user). Syslog-shaped lines tagged by a
 * userspace OOM killer (earlyoom, systemd-oomd) are returned with rec.killer set.
 * Dates without an offset are taken
 * as UTC (dmesg -T and syslog print local time: wall_usec is then off by the
 * zone's offset); an unknown month leaves wall_usec unknown. A line with no
 * prefix at all is taken as kernel text. Lines of other programs (syslog
 * "host sshd[12]: "), journal "-- " markers and empty lines give -ENOMSG.
 * seq is 0: the reader sets it. */
int oomw_klog_parse_text(const char *line, size_t len, struct oomw_klog_record *out);
void oomw_klog_close(struct oomw_klog *k);

#endif
