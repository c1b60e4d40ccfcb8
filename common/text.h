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

/* A cgroup path as a series name, the same in every front end (README,
 * "Series"): the leading '/' dropped, each further '/' written '_', the bytes
 * [A-Za-z0-9.-] kept and every other byte ('_' and '%' too) written "%XX";
 * "/" alone is "_". The code is prefix-free, so two paths never share a name:
 * /a/b is "a_b", /a_b is "a%5Fb". A name longer than size - 1 bytes keeps its
 * tail (a Kubernetes path differs at its end) behind OOMW_SERIES_HASH_DIGITS
 * hex digits of the whole path's FNV-1a 64-bit hash and '~' (otherwise always
 * escaped, so a cut name never equals an uncut one); the tail starts at a
 * whole escape. size must exceed OOMW_SERIES_HASH_DIGITS + 4. */
#define OOMW_SERIES_HASH_DIGITS 16
/* FNV-1a, 64 bits, over s[0..n) continuing from h (OOMW_FNV1A_OFFSET to
 * start): the same on every host, run and build. */
#define OOMW_FNV1A_OFFSET 0xcbf29ce484222325ULL
uint64_t oomw_fnv1a(uint64_t h, const char *s, size_t n);
void oomw_cgroup_series_name(const char *path, char *out, size_t size);
/* The uncut escape of the same scheme; returns its length. At most
 * OOMW_CGROUP_ESCAPED_MAX bytes with the NUL. */
#define OOMW_CGROUP_ESCAPED_MAX (3 * OOMW_CGROUP_PATH_MAX + 4)
size_t oomw_cgroup_escape(const char *path, char *out, size_t size);
/* Where the last max bytes (or fewer) of esc[0..len) start at a whole escape. */
size_t oomw_cgroup_escape_tail(const char *esc, size_t len, size_t max);

#endif
