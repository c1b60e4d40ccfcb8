/* SPDX-License-Identifier: MIT */
/* fuzz.c — the helpers of fuzz.h. */
#include "fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[4096];

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_dir(void)
{
	if (dir[0] != '\0')
		nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fuzz_dir(void)
{
	if (dir[0] != '\0')
		return dir;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/oomwatch-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	atexit(remove_dir);
	return dir;
}

static void make_parents(char *path)
{
	for (char *p = path + strlen(fuzz_dir()) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			perror(path);
			abort();
		}
		*p = '/';
	}
}

static void write_flags(const char *rel, const void *data, size_t len, int flags)
{
	char path[8192];
	snprintf(path, sizeof(path), "%s/%s", fuzz_dir(), rel);
	make_parents(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0600);
	if (fd < 0) {
		perror(path);
		abort();
	}
	const char *p = data;
	while (len > 0) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			perror(path);
			abort();
		}
		p += w;
		len -= (size_t)w;
	}
	close(fd);
}

void fuzz_write(const char *rel, const void *data, size_t len)
{
	write_flags(rel, data, len, O_TRUNC);
}

void fuzz_append(const char *rel, const void *data, size_t len)
{
	write_flags(rel, data, len, O_APPEND);
}

size_t fuzz_split(const uint8_t *data, size_t len, struct fuzz_section *out, size_t max)
{
	const size_t mark_len = strlen(FUZZ_SECTION_MARK);
	const char *p = (const char *)data, *end = p + len;
	size_t n = 0;
	while (n + 1 < max) {
		const char *m = memmem(p, (size_t)(end - p), FUZZ_SECTION_MARK, mark_len);
		if (m == NULL)
			break;
		out[n++] = (struct fuzz_section){ p, (size_t)(m - p) };
		p = m + mark_len;
	}
	out[n++] = (struct fuzz_section){ p, (size_t)(end - p) };
	return n;
}

/* FNV-1a 64, as the state file format (common/state.c) defines its end line:
 * written out again here as the test's own reading of the format. A body
 * whose last line lacks its '\n' gets one. */
void fuzz_write_state(const char *rel, const void *body, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const unsigned char *b = body;
	bool add_nl = len > 0 && b[len - 1] != '\n';
	for (size_t i = 0; i < len + add_nl; i++) {
		h ^= i < len ? b[i] : '\n';
		h *= 0x100000001b3ULL;
	}
	char end[64];
	int n = snprintf(end, sizeof(end), "%send fnv1a64=%016" PRIx64 "\n", add_nl ? "\n" : "", h);
	fuzz_write(rel, body, len);
	fuzz_append(rel, end, (size_t)n);
}
