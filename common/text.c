/* SPDX-License-Identifier: MIT */
/* text.c — decoding the kernel's \xNN escapes and re-escaping for consumers. */
#include "text.h"

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
		    (hi = hexval(in[i + 2])) >= 0 && (lo = hexval(in[i + 3])) >= 0 &&
		    (hi | lo) != 0) {
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
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			    c == '.' || c == '_' || c == '-';
		out[o++] = keep ? c : '_';
	}
	out[o] = '\0';
	return o;
}

const char *oomw_format_kib(int64_t kib, char *out, size_t size)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
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
