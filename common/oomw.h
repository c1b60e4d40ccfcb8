/* SPDX-License-Identifier: MIT */
/* oomw.h — conventions shared by every file of the core: the "unknown" marker,
 * limits on text taken from the kernel, and the helpers for reading small
 * /proc and /sys files without allocating. */
#ifndef OOMW_H
#define OOMW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A number the source did not give (missing key, missing file, old kernel).
 * Distinct from 0 on purpose: "no oom_kill line" is not "no kills". */
#define OOMW_UNKNOWN INT64_MIN
/* A limit the kernel reports as unlimited ("max", or v1's huge page-rounded value). */
#define OOMW_UNLIMITED INT64_MAX

/* The largest counter taken from the kernel, a file or the state (kills, log
 * surplus): far above any real count, and small enough that two of them add up
 * without overflow. A bigger value is refused where it enters, as corrupt. */
#define OOMW_COUNTER_MAX (INT64_MAX / 2)
/* The latest time taken from anywhere, in µs: 9999-12-31 23:59:59 UTC since the
 * epoch, and as a kernel monotonic time (µs since boot) far beyond any uptime.
 * Times past it are taken as unknown, so that a monotonic time plus a boot time
 * always fits in int64_t. */
#define OOMW_TIME_USEC_MAX (253402300799LL * 1000000LL)

/* Decoded process-name bytes we keep. The kernel prints at most 15 today
 * (TASK_COMM_LEN - 1); we allow more so that a future kernel is not truncated. */
#define OOMW_COMM_MAX 63
/* A cgroup path as the kernel prints it ("/system.slice/x.service"). */
#define OOMW_CGROUP_PATH_MAX 511
/* A small /proc or /sys file read in one go (meminfo is ~1.5 KiB). */
#define OOMW_SMALL_FILE_MAX 16384

/* Reads dir/rel into buf (NUL-terminated), at most size-1 bytes.
 * Returns 0, or -errno (-EFBIG when the file does not fit). */
int oomw_read_file(const char *dir, const char *rel, char *buf, size_t size, size_t *len);

/* Joins dir and rel with one '/' into out. Returns 0 or -ENAMETOOLONG. */
int oomw_path_join(char *out, size_t size, const char *dir, const char *rel);

/* Splits the next line off [*p, end): *line and *len (without the '\n'), and
 * moves *p past it. Returns false when nothing is left. A last line without
 * '\n' is a line too. */
bool oomw_next_line(const char **p, const char *end, const char **line, size_t *len);

/* Strict decimal parsers: the whole of [s, s+len) must be the number.
 * Return 0, -EINVAL (not a number) or -ERANGE. */
int oomw_parse_u64(const char *s, size_t len, uint64_t *out);
int oomw_parse_i64(const char *s, size_t len, int64_t *out);

/* a + b, saturated at INT64_MIN + 1 and INT64_MAX (INT64_MIN is OOMW_UNKNOWN). */
int64_t oomw_add_sat(int64_t a, int64_t b);

#endif
