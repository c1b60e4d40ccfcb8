/* klog.h — reading the kernel log one record at a time, from /dev/kmsg, from a
 * file of saved kmsg records, or from a text log (dmesg, dmesg -T in any locale,
 * syslog/journal lines with a "kernel:" prefix). The records go to oomparse. */
#ifndef OOMW_KLOG_H
#define OOMW_KLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* /dev/kmsg returns EINVAL for a record larger than the read buffer and drops it. */
#define OOMW_KLOG_RECORD_MAX 8192

enum oomw_klog_kind {
	OOMW_KLOG_DEVKMSG, /* the character device: one record per read(), non-blocking */
	OOMW_KLOG_KMSG_FILE, /* a regular file of "prio,seq,usec,flag;text" lines */
	OOMW_KLOG_TEXT,    /* a regular file of human-readable log lines */
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
	const char *text;  /* the message, prefixes stripped, still \xNN-escaped; not NUL-terminated */
	size_t text_len;   /* valid until the next oomw_klog_read */
};

struct oomw_klog {
	int fd;
	enum oomw_klog_kind kind;
	uint64_t next_seq;  /* cursor to save: the next record's seq (kmsg) or byte offset (files) */
	uint64_t missed;    /* records overwritten before we read them (kmsg EPIPE) */
	uint64_t inode;     /* of a regular file, to notice rotation */
	size_t buf_len;     /* bytes buffered (files) */
	size_t buf_pos;
	char buf[OOMW_KLOG_RECORD_MAX * 2];
};

/* Opens path (kind detected: character device, or a file whose first line is a
 * kmsg record, or text). start_seq is used with OOMW_KLOG_START_SEQ; for a file
 * whose size is below it (rotated, truncated) reading starts at the beginning.
 * Returns 0 or -errno (-EPERM under dmesg_restrict without CAP_SYSLOG). */
int oomw_klog_open(struct oomw_klog *k, const char *path, enum oomw_klog_start start,
		   uint64_t start_seq);
/* Reads the next record. Returns 0, -EAGAIN when nothing is pending (or end of
 * file), or -errno. EINTR is retried; EPIPE is counted in k->missed and reading goes on. */
int oomw_klog_read(struct oomw_klog *k, struct oomw_klog_record *rec);
/* Parses one /dev/kmsg record (as returned by one read()). Returns 0 or -EBADMSG. */
int oomw_klog_parse_kmsg(const char *rec, size_t len, struct oomw_klog_record *out);
/* Parses one text-log line: strips "[ts]", dmesg -T dates, syslog and journal
 * prefixes up to "kernel: ". Lines with no kernel message give -ENOMSG. */
int oomw_klog_parse_text(const char *line, size_t len, struct oomw_klog_record *out);
void oomw_klog_close(struct oomw_klog *k);

#endif
