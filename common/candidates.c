/* SPDX-License-Identifier: MIT */
/* candidates.c — the top-N processes by /proc/<pid>/oom_score, with their
 * name, RSS and oom_score_adj, selected into the caller's array. */
#include "candidates.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* /proc/<pid>/stat is about 300 bytes plus the name. */
#define STAT_FILE_MAX 2048
/* /proc/<pid>/status is about 1.5 KiB. */
#define STATUS_FILE_MAX 8192
#define NUMBER_FILE_MAX 64
/* include/linux/sched.h: the task is a kernel thread. */
#define PF_KTHREAD 0x00200000u
/* Fields of /proc/<pid>/stat after the name: state ppid pgrp session tty_nr tpgid flags. */
#define STAT_FLAGS_INDEX 6

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Reads <proc>/<pid>/<name> holding one decimal number (and a newline). */
static int read_number(const char *proc_dir, const char *pid, const char *name, int64_t *out)
{
	char rel[64], buf[NUMBER_FILE_MAX];
	size_t len;
	snprintf(rel, sizeof(rel), "%s/%s", pid, name);
	int r = oomw_read_file(proc_dir, rel, buf, sizeof(buf), &len);
	if (r < 0)
		return r;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	return oomw_parse_i64(buf, len, out) < 0 ? -EBADMSG : 0;
}

/* The name sits between the first '(' and the LAST ')': it may itself hold
 * ')', spaces, or text that looks like the fields after it. */
static int read_stat(const char *proc_dir, const char *pid, struct oomw_candidate *c, bool *kthread)
{
	char rel[64], buf[STAT_FILE_MAX];
	size_t len;
	snprintf(rel, sizeof(rel), "%s/stat", pid);
	int r = oomw_read_file(proc_dir, rel, buf, sizeof(buf), &len);
	if (r < 0)
		return r;
	const char *lparen = memchr(buf, '(', len);
	const char *rparen = memrchr(buf, ')', len);
	if (!lparen || !rparen || rparen < lparen)
		return -EBADMSG;
	size_t n = (size_t)(rparen - lparen - 1);
	if (n > OOMW_COMM_MAX)
		n = OOMW_COMM_MAX; /* longer than any kernel prints today */
	memcpy(c->comm, lparen + 1, n);
	c->comm[n] = '\0';
	c->comm_len = n;

	const char *p = rparen + 1, *end = buf + len;
	for (int field = 0; field <= STAT_FLAGS_INDEX; field++) {
		while (p < end && *p == ' ')
			p++;
		const char *tok = p;
		while (p < end && *p != ' ' && *p != '\n')
			p++;
		if (p == tok)
			return -EBADMSG;
		if (field == STAT_FLAGS_INDEX) {
			uint64_t flags;
			if (oomw_parse_u64(tok, (size_t)(p - tok), &flags) < 0)
				return -EBADMSG;
			*kthread = (flags & PF_KTHREAD) != 0;
		}
	}
	return 0;
}

/* Resident pages from statm (one small read); status VmRSS where statm
 * cannot be read (a /proc that hides it, a container's partial copy). */
static int read_rss_kib(const char *proc_dir, const char *pid, int64_t page_kib, int64_t *out)
{
	char rel[64], buf[STATUS_FILE_MAX];
	size_t len;
	snprintf(rel, sizeof(rel), "%s/statm", pid);
	if (oomw_read_file(proc_dir, rel, buf, sizeof(buf), &len) == 0) {
		/* "size resident shared text lib data dt" */
		const char *sp1 = memchr(buf, ' ', len);
		const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(buf + len - sp1 - 1)) : NULL;
		int64_t pages;
		if (sp2 && oomw_parse_i64(sp1 + 1, (size_t)(sp2 - sp1 - 1), &pages) == 0 &&
		    pages >= 0 && pages <= INT64_MAX / page_kib) {
			*out = pages * page_kib;
			return 0;
		}
	}
	snprintf(rel, sizeof(rel), "%s/status", pid);
	int r = oomw_read_file(proc_dir, rel, buf, sizeof(buf), &len);
	if (r < 0)
		return r;
	/* "VmRSS:\t    2112 kB"; kernel threads have no VmRSS line. */
	const char *v = strstr(buf, "\nVmRSS:");
	if (!v) {
		*out = 0;
		return 0;
	}
	v += strlen("\nVmRSS:");
	v += strspn(v, " \t");
	size_t digits = strspn(v, "0123456789");
	if (strncmp(v + digits, " kB", 3) != 0 || oomw_parse_i64(v, digits, out) < 0)
		return -EBADMSG;
	return 0;
}

/* The memory cgroup in /proc/<pid>/cgroup ("N:a,memory:/path" on v1, "0::/path"
 * on v2); "" when neither line is there or the path is too long. */
static void read_memcg(const char *proc_dir, const char *pid, char out[OOMW_CGROUP_PATH_MAX + 1])
{
	char rel[64], buf[STATUS_FILE_MAX];
	size_t len, n;
	const char *p, *line, *v2 = NULL, *v1 = NULL;
	size_t v2_len = 0, v1_len = 0;
	out[0] = '\0';
	snprintf(rel, sizeof(rel), "%s/cgroup", pid);
	if (oomw_read_file(proc_dir, rel, buf, sizeof(buf), &len) < 0)
		return;
	p = buf;
	while (oomw_next_line(&p, buf + len, &line, &n)) {
		const char *c1 = memchr(line, ':', n);
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(line + n - c1 - 1)) : NULL;
		if (!c2)
			continue;
		size_t path_len = (size_t)(line + n - c2 - 1);
		if (c2 == c1 + 1 && c1 == line + 1 && line[0] == '0') {
			v2 = c2 + 1;
			v2_len = path_len;
		}
		for (const char *q = c1 + 1; q < c2;) {
			const char *comma = memchr(q, ',', (size_t)(c2 - q));
			const char *e = comma ? comma : c2;
			if (e - q == 6 && memcmp(q, "memory", 6) == 0) {
				v1 = c2 + 1;
				v1_len = path_len;
			}
			q = e + 1;
		}
	}
	const char *path = v1 ? v1 : v2;
	size_t path_len = v1 ? v1_len : v2_len;
	if (path && path_len <= OOMW_CGROUP_PATH_MAX) {
		memcpy(out, path, path_len);
		out[path_len] = '\0';
	}
}

static bool ranks_before(const struct oomw_candidate *a, const struct oomw_candidate *b)
{
	if (a->oom_score != b->oom_score)
		return a->oom_score > b->oom_score;
	return a->rss_kib > b->rss_kib;
}

/* Inserts c into the sorted out[0..*n), dropping the last when full. */
static void insert(struct oomw_candidate *out, size_t max, size_t *n, const struct oomw_candidate *c)
{
	size_t i;
	if (*n < max)
		i = (*n)++;
	else if (ranks_before(c, &out[max - 1]))
		i = max - 1;
	else
		return;
	while (i > 0 && ranks_before(c, &out[i - 1])) {
		out[i] = out[i - 1];
		i--;
	}
	out[i] = *c;
}

int oomw_candidates_top(const char *proc_dir, struct oomw_candidate *out, size_t max, size_t *n)
{
	*n = 0;
	if (max == 0)
		return 0;
	long page_size = sysconf(_SC_PAGESIZE);
	int64_t page_kib = page_size > 0 ? page_size / 1024 : 4;
	DIR *d = opendir(proc_dir);
	if (!d)
		return -errno;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (!all_digits(de->d_name) || strlen(de->d_name) > 20)
			continue;
		struct oomw_candidate c;
		bool kthread = false;
		/* Any file missing or unreadable: the process exited mid-scan
		 * (ENOENT, ESRCH) or its /proc entry is half torn down. Skip it;
		 * the next scan sees the current set. */
		if (oomw_parse_i64(de->d_name, strlen(de->d_name), &c.pid) < 0 ||
		    read_number(proc_dir, de->d_name, "oom_score", &c.oom_score) < 0)
			continue;
		/* Cheap early out: the list is full and this one cannot get in. */
		if (*n == max && c.oom_score < out[max - 1].oom_score)
			continue;
		if (read_stat(proc_dir, de->d_name, &c, &kthread) < 0)
			continue;
		/* The OOM killer never picks kernel threads (oom_unkillable_task),
		 * so they are not candidates and would only take slots. */
		if (kthread)
			continue;
		if (read_rss_kib(proc_dir, de->d_name, page_kib, &c.rss_kib) < 0)
			continue;
		if (read_number(proc_dir, de->d_name, "oom_score_adj", &c.oom_score_adj) < 0)
			c.oom_score_adj = OOMW_UNKNOWN; /* kernels before 2.6.36 */
		read_memcg(proc_dir, de->d_name, c.memcg);
		insert(out, max, n, &c);
	}
	closedir(d);
	return 0;
}
