/* SPDX-License-Identifier: MIT */
/* text.h — making bytes that a process or cgroup chose safe for each consumer.
 * A process name can hold any byte but NUL; every front end re-escapes it here
 * instead of inventing its own rules. */
#ifndef OOMW_TEXT_H
#define OOMW_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oomw.h"

/* Decodes the kernel's "\xNN" escapes (kmsg escapes bytes < 0x20, >= 0x7f and
 * '\' itself) from in[0..len) into out (NUL-terminated, at most size-1 bytes).
 * Returns the number of bytes written (not counting the NUL). */
size_t oomw_unescape(const char *in, size_t len, char *out, size_t size);

/* Writes in[0..len) into out as printable ASCII: bytes < 0x20, >= 0x7f, '\'
 * and every byte found in `also` become "\xNN". Always NUL-terminates; a
 * truncated result never ends inside an escape. Returns the length written. */
size_t oomw_escape(const char *in, size_t len, const char *also, char *out, size_t size);

/* Writes in[0..len) into out keeping only [A-Za-z0-9._-]; every other byte
 * becomes '_'. For identifiers and file names (collectd instances, perfdata labels).
 * Always NUL-terminates. Returns the length written. */
size_t oomw_sanitize_name(const char *in, size_t len, char *out, size_t size);

/* Writes a size for people: "512 KiB", "16.8 MiB", "1.5 TiB" (powers of 1024,
 * one decimal above KiB), or "?" for OOMW_UNKNOWN. Returns out. */
const char *oomw_format_kib(int64_t kib, char *out, size_t size);

#endif
