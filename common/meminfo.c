/* SPDX-License-Identifier: MIT */
/* meminfo.c — parsing /proc/meminfo ("Key:   123 kB" lines) into KiB fields,
 * and the MemAvailable estimate for kernels older than 3.14. */
#include "meminfo.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "oomw.h"

/* The keys we keep. Each carries its own complaint so that *why names the
 * key and stays a static string. */
struct meminfo_key {
	const char *name;
	size_t offset;
	const char *bad;
	const char *dup;
};

#define KEY(name, field)                                                                            \
	{                                                                                           \
		name, offsetof(struct oomw_meminfo, field),                                         \
			"meminfo: " name " is not '<number> kB'", "meminfo: " name " appears twice" \
	}

static const struct meminfo_key keys[] = {
	KEY("MemTotal", mem_total_kib),
	KEY("MemAvailable", mem_available_kib),
	KEY("MemFree", mem_free_kib),
	KEY("Buffers", buffers_kib),
	KEY("Cached", cached_kib),
	KEY("Shmem", shmem_kib),
	KEY("SwapTotal", swap_total_kib),
	KEY("SwapFree", swap_free_kib),
	KEY("Committed_AS", committed_as_kib),
	KEY("CommitLimit", commit_limit_kib),
};

static int64_t *field_of(struct oomw_meminfo *m, const struct meminfo_key *k)
{
	return (int64_t *)(void *)((char *)m + k->offset);
}

static void set_unknown(struct oomw_meminfo *m)
{
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		*field_of(m, &keys[k]) = OOMW_UNKNOWN;
	m->mem_available_estimated = false;
}

/* Parses " 123 kB" (any run of blanks first) into *kib. */
static int parse_kib(const char *s, size_t len, int64_t *kib)
{
	static const char unit[] = " kB";
	const size_t unit_len = sizeof(unit) - 1;
	size_t i = 0;
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (len - i <= unit_len || memcmp(s + len - unit_len, unit, unit_len) != 0)
		return -EINVAL;
	return oomw_parse_i64(s + i, len - i - unit_len, kib) < 0 || *kib < 0 ? -EINVAL : 0;
}

/* MemFree + Buffers + Cached - Shmem: what kernels before 3.14 would have
 * called available, minus shared memory that cannot be dropped. Shmem is
 * taken as 0 when missing (kernels before 2.6.32 do not print it). */
static void estimate_available(struct oomw_meminfo *m)
{
	if (m->mem_available_kib != OOMW_UNKNOWN || m->mem_free_kib == OOMW_UNKNOWN ||
	    m->buffers_kib == OOMW_UNKNOWN || m->cached_kib == OOMW_UNKNOWN)
		return;
	int64_t shmem = m->shmem_kib == OOMW_UNKNOWN ? 0 : m->shmem_kib;
	/* Each term fits in int64 (the parser checked), their sum may not:
	 * saturate instead of overflowing on absurd input. */
	int64_t sum = m->mem_free_kib;
	sum = sum > INT64_MAX - m->buffers_kib ? INT64_MAX : sum + m->buffers_kib;
	sum = sum > INT64_MAX - m->cached_kib ? INT64_MAX : sum + m->cached_kib;
	sum -= shmem;
	m->mem_available_kib = sum < 0 ? 0 : sum;
	m->mem_available_estimated = true;
}

int oomw_meminfo_parse(const char *buf, size_t len, struct oomw_meminfo *out, const char **why)
{
	/* Parse into a copy so that a failure leaves *out all unknown, never half filled. */
	struct oomw_meminfo m;
	set_unknown(&m);
	set_unknown(out);
	*why = NULL;

	const char *p = buf, *end = buf + len, *line;
	size_t line_len;
	while (oomw_next_line(&p, end, &line, &line_len)) {
		const char *eol = line + line_len;
		const char *colon = memchr(line, ':', line_len);
		if (line_len == 0) {
			/* An empty line carries nothing; tolerate it. */
		} else if (!colon || colon == line) {
			*why = "meminfo: a line has no 'Key:'";
			return -EBADMSG;
		} else {
			size_t name_len = (size_t)(colon - line);
			for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
				if (strlen(keys[k].name) != name_len ||
				    memcmp(keys[k].name, line, name_len) != 0)
					continue;
				int64_t *f = field_of(&m, &keys[k]);
				if (*f != OOMW_UNKNOWN) {
					*why = keys[k].dup;
					return -EBADMSG;
				}
				if (parse_kib(colon + 1, (size_t)(eol - colon - 1), f) < 0) {
					*why = keys[k].bad;
					return -EBADMSG;
				}
				break;
			}
			/* Other keys (HugePages_Total has no unit, future kernels add
			 * more) are not ours to judge. */
		}
	}
	if (m.mem_total_kib == OOMW_UNKNOWN) {
		*why = "meminfo: no MemTotal line";
		return -EBADMSG;
	}
	estimate_available(&m);
	*out = m;
	return 0;
}

int oomw_meminfo_read(const char *proc_dir, struct oomw_meminfo *out, const char **why)
{
	char buf[OOMW_SMALL_FILE_MAX];
	size_t len;
	*why = NULL;
	set_unknown(out);
	int r = oomw_read_file(proc_dir, "meminfo", buf, sizeof(buf), &len);
	if (r < 0)
		return r;
	return oomw_meminfo_parse(buf, len, out, why);
}
