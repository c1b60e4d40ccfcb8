/* SPDX-License-Identifier: MIT */
/* text.c — decoding the kernel's \xNN escapes and re-escaping for consumers. */
#include "text.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t oomw_unescape(const char *in, size_t len, char *out, size_t size)
{
	size_t o = 0;
	if (size == 0)
		return 0;
	for (size_t i = 0; i < len && o + 1 < size; i++) {
		int hi, lo;
		if (in[i] == '\\' && i + 3 < len && in[i + 1] == 'x' &&
		    (hi = hexval(in[i + 2])) >= 0 && (lo = hexval(in[i + 3])) >= 0 && (hi | lo) != 0) {
			out[o++] = (char)(hi << 4 | lo);
			i += 3;
		} else {
			out[o++] = in[i];
		}
	}
	out[o] = '\0';
	return o;
}

size_t oomw_escape(const char *in, size_t len, const char *also, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	if (size == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		bool esc = c < 0x20 || c >= 0x7f || c == '\\' || (also && c && strchr(also, c));
		size_t need = esc ? 4 : 1;
		if (o + need + 1 > size)
			break;
		if (esc) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return o;
}

size_t oomw_sanitize_name(const char *in, size_t len, char *out, size_t size)
{
	size_t o = 0;
	if (size == 0)
		return 0;
	for (size_t i = 0; i < len && o + 1 < size; i++) {
		char c = in[i];
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
		out[o++] = keep ? c : '_';
	}
	out[o] = '\0';
	return o;
}

const char *oomw_format_kib(int64_t kib, char *out, size_t size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	if (kib == OOMW_UNKNOWN) {
		snprintf(out, size, "?");
		return out;
	}
	double v = (double)kib;
	size_t u = 0;
	while (v >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(out, size, "%lld KiB", (long long)kib);
	else
		snprintf(out, size, "%.1f %s", v, units[u]);
	return out;
}

#define SERIES_CUT_MARK '~'

static bool series_byte_kept(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '-';
}

uint64_t oomw_fnv1a(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

size_t oomw_cgroup_escape(const char *path, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = 0;
	for (const char *p = path + (*path == '/'); *p != '\0' && len + 4 <= size; p++) {
		unsigned char c = (unsigned char)*p;
		if (series_byte_kept(c) || c == '/') {
			out[len++] = c == '/' ? '_' : (char)c;
		} else {
			out[len++] = '%';
			out[len++] = hex[c >> 4];
			out[len++] = hex[c & 0xf];
		}
	}
	out[len] = '\0';
	return len;
}

void oomw_cgroup_series_name(const char *path, char *out, size_t size)
{
	char esc[OOMW_CGROUP_ESCAPED_MAX];
	if (strcmp(path, "/") == 0) {
		snprintf(out, size, "_");
		return;
	}
	size_t len = oomw_cgroup_escape(path, esc, sizeof(esc));
	if (len < size) {
		memcpy(out, esc, len + 1);
		return;
	}
	size_t start = oomw_cgroup_escape_tail(esc, len, size - 1 - OOMW_SERIES_HASH_DIGITS - 1);
	snprintf(out, size, "%016" PRIx64 "%c%s", oomw_fnv1a(OOMW_FNV1A_OFFSET, path, strlen(path)),
		 SERIES_CUT_MARK, esc + start);
}

size_t oomw_cgroup_escape_tail(const char *esc, size_t len, size_t max)
{
	if (len <= max)
		return 0;
	size_t start = len - max;
	if (esc[start - 1] == '%')
		start += 2;
	else if (start >= 2 && esc[start - 2] == '%')
		start += 1;
	return start;
}
