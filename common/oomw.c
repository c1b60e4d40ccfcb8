/* SPDX-License-Identifier: MIT */
/* oomw.c — reading small /proc and /sys files without allocating, and strict numbers. */
#include "oomw.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int oomw_path_join(char *out, size_t size, const char *dir, const char *rel)
{
	size_t dl = strlen(dir);
	/* All of dir's trailing slashes go, the root's own too: the one we
	 * add makes "/" + "a" "/a", not "//a". */
	while (dl > 0 && dir[dl - 1] == '/')
		dl--;
	while (*rel == '/')
		rel++;
	int n = snprintf(out, size, "%.*s/%s", (int)dl, dir, rel);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int oomw_read_file(const char *dir, const char *rel, char *buf, size_t size, size_t *len)
{
	char path[PATH_MAX];
	int r = oomw_path_join(path, sizeof(path), dir, rel);
	if (r < 0)
		return r;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	size_t got = 0;
	r = 0;
	for (;;) {
		/* With buf full, one more byte tells "fits exactly" from "too big". */
		bool full = got + 1 >= size;
		char probe;
		ssize_t n = full ? read(fd, &probe, 1) : read(fd, buf + got, size - 1 - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		if (full) {
			r = -EFBIG;
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	if (r < 0)
		return r;
	buf[got] = '\0';
	if (len)
		*len = got;
	return 0;
}

bool oomw_next_line(const char **p, const char *end, const char **line, size_t *len)
{
	if (*p >= end)
		return false;
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	const char *eol = nl ? nl : end;
	*line = *p;
	*len = (size_t)(eol - *p);
	*p = nl ? nl + 1 : end;
	return true;
}

int oomw_parse_u64(const char *s, size_t len, uint64_t *out)
{
	if (len == 0)
		return -EINVAL;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		/* No division per digit: the overflow builtins say when it wraps. */
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (unsigned)(s[i] - '0'), &v))
			return -ERANGE;
	}
	*out = v;
	return 0;
}

int oomw_parse_i64(const char *s, size_t len, int64_t *out)
{
	bool neg = len > 0 && s[0] == '-';
	uint64_t v;
	int r = oomw_parse_u64(s + neg, len - neg, &v);
	if (r < 0)
		return r;
	if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
		return -ERANGE;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int64_t oomw_add_sat(int64_t a, int64_t b)
{
	int64_t sum;
	if (__builtin_add_overflow(a, b, &sum))
		return b > 0 ? INT64_MAX : INT64_MIN + 1;
	return sum == INT64_MIN ? INT64_MIN + 1 : sum;
}
