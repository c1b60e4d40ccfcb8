/* SPDX-License-Identifier: MIT */
/* lctime.c — a month's name in any glibc locale (lctime.h), looked up in the
 * table common/gen-lctime.py generates (lctime_table.h). */
#include "lctime.h"

#include <string.h>

/* A name: len bytes at off in its table's string of names (no pointer: a
 * table of pointers is relocated at every start of every program). */
struct lctime_name {
	unsigned int off;
	unsigned char len;
	unsigned char value;
};

#include "lctime_table.h"

/* Blanks around and dots at the end dropped, ASCII letters lowercased, into
 * out[LCTIME_NAME_MAX]. Returns the length, or 0 when nothing is left or the
 * name is longer than any in the table. */
static size_t normalise(const char *s, size_t len, char *out)
{
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '.'))
		len--;
	if (len > LCTIME_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
	return len;
}

/* Binary search of the table, sorted bytewise (a prefix before its extensions). */
int oomw_lctime_month(const char *s, size_t len)
{
	char key[LCTIME_NAME_MAX];
	size_t klen = normalise(s, len, key);
	if (klen == 0)
		return 0;
	size_t lo = 0, hi = sizeof(months) / sizeof(months[0]);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct lctime_name *m = &months[mid];
		int c = memcmp(key, months_names + m->off, klen < m->len ? klen : m->len);
		if (c == 0)
			c = klen < m->len ? -1 : klen > m->len;
		if (c == 0)
			return m->value;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}
