/* SPDX-License-Identifier: MIT */
/* test_oomparse.c — the OOM parser against real kernel logs
 * (tests/fixtures/kernel-log, one test per file, kills listed in expected.tsv)
 * and hostile ones (tests/fixtures/kernel-log-hostile), plus inline cases for
 * what a table cannot show (reaped, timestamps, batches, userspace records).
 * Fixtures are found under $OOMW_FIXTURES, default tests/fixtures (run from the repo root). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "klog.h"
#include "oomparse.h"
#include "text.h"

#define COLS 14
#define ROWS_MAX 256
#define FILES_MAX 128

/* ---- expected.tsv ---- */

struct row {
	char *col[COLS]; /* file pid comm uid total_vm anon file shmem pgtables adj scope constraint oom_memcg task_memcg */
};

struct fixture {
	char path[1024];
	char name[256];
	size_t n_rows;
	struct row *rows; /* points into the table */
};

static struct row table[ROWS_MAX];
static size_t n_table;
static struct fixture fixtures[FILES_MAX];
static size_t n_fixtures;

/* Loads dir/expected.tsv into table (rows tagged with their file name). */
static int load_tsv(const char *dir, size_t *first, size_t *count)
{
	char path[1024];
	if (oomw_path_join(path, sizeof(path), dir, "expected.tsv") < 0)
		return -ENAMETOOLONG;
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	*first = n_table;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	bool header_seen = false;
	while ((len = getline(&line, &cap, f)) > 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (!header_seen) { /* the column names */
			header_seen = true;
			continue;
		}
		if (n_table == ROWS_MAX)
			break;
		struct row *r = &table[n_table];
		char *save = NULL, *copy = strdup(line);
		size_t c = 0;
		for (char *tok = strtok_r(copy, "\t", &save); tok && c < COLS;
		     tok = strtok_r(NULL, "\t", &save))
			r->col[c++] = tok;
		if (c != COLS) {
			fprintf(stderr, "# %s: row with %zu columns: %s\n", path, c, line);
			free(copy);
			continue;
		}
		n_table++;
	}
	free(line);
	fclose(f);
	*count = n_table - *first;
	return 0;
}

/* One fixture per file in dir (rows of its expected.tsv attached). */
static void add_dir(const char *sub)
{
	char dir[1024];
	if (oomw_path_join(dir, sizeof(dir), fixtures_dir(), sub) < 0)
		return;
	size_t first = 0, count = 0;
	int r = load_tsv(dir, &first, &count);
	if (r < 0) {
		fprintf(stderr, "# cannot read %s/expected.tsv: %s\n", dir, strerror(-r));
		return;
	}
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		const char *f = names[i]->d_name;
		if (f[0] == '.' || strcmp(f, "expected.tsv") == 0 || strcmp(f, "README.md") == 0 ||
		    n_fixtures == FILES_MAX) {
			free(names[i]);
			continue;
		}
		struct fixture *fx = &fixtures[n_fixtures++];
		if (oomw_path_join(fx->path, sizeof(fx->path), dir, f) < 0 ||
		    oomw_path_join(fx->name, sizeof(fx->name), sub, f) < 0) {
			n_fixtures--;
			free(names[i]);
			continue;
		}
		fx->rows = NULL;
		fx->n_rows = 0;
		/* rows of one file are contiguous in the table */
		for (size_t j = first; j < first + count; j++) {
			if (strcmp(table[j].col[0], f) != 0)
				continue;
			if (!fx->rows)
				fx->rows = &table[j];
			fx->n_rows++;
		}
		free(names[i]);
	}
	free(names);
}

static void check_num(const char *file, size_t row, const char *what, const char *want, int64_t got)
{
	int64_t w = OOMW_UNKNOWN;
	if (strcmp(want, "-") != 0 && oomw_parse_i64(want, strlen(want), &w) < 0)
		fail_msg("%s row %zu: bad number '%s' for %s in expected.tsv", file, row, want, what);
	if (w != got)
		fail_msg("%s kill %zu: %s expected %s, got %" PRId64, file, row, what, want, got);
}

static void check_str(const char *file, size_t row, const char *what, const char *want, const char *got)
{
	char w[1024] = "";
	if (strcmp(want, "-") != 0)
		oomw_unescape(want, strlen(want), w, sizeof(w));
	if (strcmp(w, got) != 0) {
		char g[1024];
		oomw_escape(got, strlen(got), NULL, g, sizeof(g));
		fail_msg("%s kill %zu: %s expected '%s', got '%s'", file, row, what, want, g);
	}
}

static void test_fixture(void **state)
{
	const struct fixture *fx = *state;
	static struct kills ks;
	ks.n = 0;
	parse_file(fx->path, &ks);
	if (ks.n != fx->n_rows) {
		for (size_t i = 0; i < ks.n; i++)
			fprintf(stderr, "# got kill pid %" PRId64 "\n", ks.k[i].pid);
		fail_msg("%s: expected %zu kills, got %zu", fx->name, fx->n_rows, ks.n);
	}
	for (size_t i = 0; i < ks.n; i++) {
		const struct oomw_kill *k = &ks.k[i];
		char *const *c = fx->rows[i].col;
		check_num(fx->name, i + 1, "pid", c[1], k->pid);
		check_str(fx->name, i + 1, "comm", c[2], k->comm);
		assert_int_equal(k->comm_len, strlen(k->comm));
		check_num(fx->name, i + 1, "uid", c[3], k->uid);
		check_num(fx->name, i + 1, "total_vm_kib", c[4], k->total_vm_kib);
		check_num(fx->name, i + 1, "anon_rss_kib", c[5], k->anon_rss_kib);
		check_num(fx->name, i + 1, "file_rss_kib", c[6], k->file_rss_kib);
		check_num(fx->name, i + 1, "shmem_rss_kib", c[7], k->shmem_rss_kib);
		check_num(fx->name, i + 1, "pgtables_kib", c[8], k->pgtables_kib);
		check_num(fx->name, i + 1, "oom_score_adj", c[9], k->oom_score_adj);
		check_str(fx->name, i + 1, "scope", c[10], oomw_scope_name(k->scope));
		check_str(fx->name, i + 1, "constraint", c[11], k->constraint);
		check_str(fx->name, i + 1, "oom_memcg", c[12], k->oom_memcg);
		check_str(fx->name, i + 1, "task_memcg", c[13], k->task_memcg);
	}
}

/* ---- inline cases ---- */

static struct kills feed_lines(const char *const *lines, size_t n, bool kmsg)
{
	struct kills ks = { 0 };
	struct oomw_oomparse p;
	oomw_oomparse_init(&p, collect, &ks);
	for (size_t i = 0; i < n; i++) {
		struct oomw_klog_record rec;
		int r = kmsg ? oomw_klog_parse_kmsg(lines[i], strlen(lines[i]), &rec)
			     : oomw_klog_parse_text(lines[i], strlen(lines[i]), &rec);
		assert_int_equal(r, 0);
		rec.seq = kmsg ? rec.seq : i;
		oomw_oomparse_feed(&p, &rec);
	}
	oomw_oomparse_flush(&p);
	return ks;
}

/* The reaper line sets reaped on its kill only; "unable to reap" does not. */
static void test_reaped(void **state)
{
	(void)state;
	const char *lines[] = {
		"[ 10.000000] Out of memory: Killed process 5 (a) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0",
		"[ 10.100000] oom_reaper: reaped process 4 (a), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
		"[ 10.200000] oom_reaper: reaped process 5 (a), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
		"[ 11.000000] Out of memory: Killed process 6 (b) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0",
		"[ 11.100000] oom_reaper: unable to reap pid:6 (b)",
		"[ 12.000000] oom_reaper: reaped process 7 (c), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
	};
	struct kills ks = feed_lines(lines, 6, false);
	assert_int_equal(ks.n, 2); /* the reaper never creates a kill */
	assert_true(ks.k[0].reaped);
	assert_false(ks.k[1].reaped);
}

/* seq, mono and wall time come from the Killed line's record. */
static void test_record_times(void **state)
{
	(void)state;
	const char *kmsg[] = {
		"3,423,115924703,-;Memory cgroup out of memory: Killed process 3882 (python3) total-vm:221368kB, anon-rss:65024kB, file-rss:3208kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:0",
	};
	struct kills ks = feed_lines(kmsg, 1, true);
	assert_int_equal(ks.n, 1);
	assert_int_equal(ks.k[0].seq, 423);
	assert_int_equal(ks.k[0].mono_usec, 115924703);
	assert_int_equal(ks.k[0].wall_usec, OOMW_UNKNOWN);

	const char *text[] = {
		"[Di Aug 12 03:54:03 2025] Memory cgroup out of memory: Killed process 1 (x) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB",
		"2025-08-12T03:54:03.5+02:00 host kernel: [  5.250000] Out of memory: Killed process 2 (y) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB",
	};
	ks = feed_lines(text, 2, false);
	assert_int_equal(ks.n, 2);
	assert_int_equal(ks.k[0].wall_usec, 1754970843LL * 1000000);
	assert_int_equal(ks.k[0].mono_usec, OOMW_UNKNOWN);
	assert_int_equal(ks.k[1].wall_usec, (1754970843LL - 7200) * 1000000 + 500000);
	assert_int_equal(ks.k[1].mono_usec, 5250000);
	assert_int_equal(ks.k[1].seq, 1);
}

/* A kill is held for late lines until the next Killed line or flush; the
 * context of a report survives a flush (the batch may end between them). */
static void test_batches(void **state)
{
	(void)state;
	struct kills ks = { 0 };
	struct oomw_oomparse p;
	oomw_oomparse_init(&p, collect, &ks);
	struct oomw_klog_record rec;
	const char *summary =
		"6,10,1000,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/m,task_memcg=/m/t,task=x,pid=9,uid=0";
	const char *killed =
		"3,11,1100,-;Memory cgroup out of memory: Killed process 9 (x) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0";
	assert_int_equal(oomw_klog_parse_kmsg(summary, strlen(summary), &rec), 0);
	oomw_oomparse_feed(&p, &rec);
	oomw_oomparse_flush(&p);
	assert_int_equal(ks.n, 0);
	assert_int_equal(oomw_klog_parse_kmsg(killed, strlen(killed), &rec), 0);
	oomw_oomparse_feed(&p, &rec);
	assert_int_equal(ks.n, 0); /* held for a reaper line */
	oomw_oomparse_flush(&p);
	assert_int_equal(ks.n, 1);
	assert_string_equal(ks.k[0].task_memcg, "/m/t");
	oomw_oomparse_flush(&p);
	assert_int_equal(ks.n, 1); /* emitted once */
}

/* A process may write anything to /dev/kmsg; it arrives with facility user. */
static void test_userspace_record_ignored(void **state)
{
	(void)state;
	const char *lines[] = {
		"14,1,1000,-;Out of memory: Killed process 1 (init) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0",
		"12,2,1001,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/fake,task_memcg=/fake,task=x,pid=3,uid=0",
		"3,3,1002,-;Out of memory: Killed process 3 (x) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0",
	};
	struct kills ks = feed_lines(lines, 3, true);
	assert_int_equal(ks.n, 1);
	assert_int_equal(ks.k[0].pid, 3);
	assert_string_equal(ks.k[0].task_memcg, "");
	assert_string_equal(ks.k[0].constraint, "");
}

/* Lines that mention the words but are no kill. */
static void test_not_kills(void **state)
{
	(void)state;
	const char *lines[] = {
		"Out of memory: Killed process",
		"Out of memory: Killed process x (a) total-vm:1kB",
		"Out of memory: Killed process -5 (a) total-vm:1kB",
		"Out of memory: Killed process 99999999999999999999 (a) total-vm:1kB",
		"oom_reaper: reaped process 5 (x: Killed process 6 (y) total-vm:1kB), now anon-rss:0kB",
		"a: b: Killed process 7 (z)",
		"Out of memory: panic_on_oom is enabled",
		"Out of memory: Kill process 8 (k) score 1 or sacrifice child",
		"Out of memory and no killable processes...",
		"Kernel panic - not syncing: System is deadlocked on memory",
		"Tasks in /x are going to be killed due to memory.oom.group set",
		"oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),global_oom,task=Killed process 1 (a) total-vm:1kB,pid=2,uid=0",
		"xKilled process 9 (a) total-vm:1kB, anon-rss:1kB, file-rss:0kB",
	};
	struct kills ks = feed_lines(lines, sizeof(lines) / sizeof(lines[0]), false);
	assert_int_equal(ks.n, 0);
}

/* Without CONFIG_MEMCG the summary has no memcg fields; a future constraint
 * token is kept as is. */
static void test_summary_variants(void **state)
{
	(void)state;
	const char *lines[] = {
		"oom-kill:constraint=CONSTRAINT_FUTURE,nodemask=0,task=x,pid=5,uid=7",
		"Out of memory: Killed process 5 (x) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB",
		"oom-kill:constraint=CONSTRAINT_CPUSET,nodemask=(null),cpuset=c1,mems_allowed=0-1,global_oom,task_memcg=/t,task=y,pid=6,uid=8",
		"Killed process 6 (y) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB",
	};
	struct kills ks = feed_lines(lines, 4, false);
	assert_int_equal(ks.n, 2);
	assert_string_equal(ks.k[0].constraint, "CONSTRAINT_FUTURE");
	assert_int_equal(ks.k[0].uid, 7);
	assert_string_equal(ks.k[0].task_memcg, "");
	assert_int_equal(ks.k[0].scope, OOMW_SCOPE_GLOBAL);
	assert_string_equal(ks.k[1].constraint, "CONSTRAINT_CPUSET");
	assert_int_equal(ks.k[1].scope, OOMW_SCOPE_GLOBAL); /* from global_oom */
	assert_string_equal(ks.k[1].task_memcg, "/t");
	assert_int_equal(ks.k[1].uid, 8);
}

/* oom_kill_allocating_task is a global OOM; a name longer than 15 bytes and a
 * long cgroup path are kept up to their limits. */
static void test_allocating_task_and_limits(void **state)
{
	(void)state;
	char longname[200], line[600];
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	snprintf(line, sizeof(line),
		 "Out of memory (oom_kill_allocating_task): Killed process 12 (%s) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0",
		 longname);
	const char *lines[] = { line };
	struct kills ks = feed_lines(lines, 1, false);
	assert_int_equal(ks.n, 1);
	assert_int_equal(ks.k[0].scope, OOMW_SCOPE_GLOBAL);
	assert_int_equal(ks.k[0].comm_len, OOMW_COMM_MAX);
	assert_int_equal(ks.k[0].total_vm_kib, 1);
	assert_int_equal(ks.k[0].oom_score_adj, 0);
}

/* Every prefix of a real 6.18 report, cut at every byte, never yields a wrong
 * pid or a crash; the whole line yields the whole kill. */
static void test_every_truncation(void **state)
{
	(void)state;
	const char *full =
		"Memory cgroup out of memory: Killed process 3882 (py) thon3) total-vm:221368kB, anon-rss:65024kB, file-rss:3208kB, shmem-rss:0kB, UID:0 pgtables:184kB oom_score_adj:-999";
	size_t len = strlen(full);
	for (size_t cut = 0; cut <= len; cut++) {
		struct kills ks = { 0 };
		struct oomw_oomparse p;
		oomw_oomparse_init(&p, collect, &ks);
		struct oomw_klog_record rec = { .text = full,
						.text_len = cut,
						.prio = 3,
						.mono_usec = OOMW_UNKNOWN,
						.wall_usec = OOMW_UNKNOWN };
		oomw_oomparse_feed(&p, &rec);
		oomw_oomparse_flush(&p);
		assert_true(ks.n <= 1);
		if (ks.n == 1) {
			assert_int_equal(ks.k[0].pid, 3882);
			assert_int_equal(ks.k[0].scope, OOMW_SCOPE_MEMCG);
			if (ks.k[0].oom_score_adj != OOMW_UNKNOWN && cut == len)
				assert_int_equal(ks.k[0].oom_score_adj, -999);
			if (ks.k[0].total_vm_kib != OOMW_UNKNOWN)
				assert_int_equal(ks.k[0].total_vm_kib, 221368);
		}
		if (cut == len) {
			assert_int_equal(ks.n, 1);
			assert_string_equal(ks.k[0].comm, "py) thon3");
			assert_int_equal(ks.k[0].pgtables_kib, 184);
		}
	}
}

/* Fixture lines cut, spliced, and sprinkled with the parser's own keywords and
 * random bytes: no crash, no read outside the line (each is its own exact-size
 * allocation, for sanitizer builds), and every kill is well-formed. */
static void check_kill(const struct oomw_kill *k, void *ctx)
{
	size_t *n = ctx;
	(*n)++;
	assert_true(k->pid >= 0);
	assert_true(k->comm_len <= OOMW_COMM_MAX);
	assert_true(memchr(k->constraint, '\0', sizeof(k->constraint)) != NULL);
	assert_true(memchr(k->oom_memcg, '\0', sizeof(k->oom_memcg)) != NULL);
	assert_true(memchr(k->task_memcg, '\0', sizeof(k->task_memcg)) != NULL);
}

static void test_mutations(void **state)
{
	(void)state;
	static const char *const keywords[] = {
		"Killed process ",
		": Killed process ",
		"oom-kill:",
		",task=",
		",pid=",
		",uid=",
		") total-vm:",
		"kB",
		", anon-rss:",
		" (",
		")",
		"Task in ",
		" killed as a result of limit of ",
		"Tasks in ",
		" are going to be killed due to memory.oom.group set",
		"oom_reaper: reaped process ",
		"\\x",
		"[ 1.5] ",
		"Jun 24 18:49:43 h kernel: ",
		"[Di Aug 12 03:54:03 2025] ",
		";",
		",",
		"-",
		"99999999999999999999",
		"0",
		",oom_memcg=",
		",global_oom",
		",task_memcg=",
		",mems_allowed=",
		",cpuset=",
		"kern  :err   : ",
	};
	enum { LINES_MAX = 2048, LINE_MAX_BYTES = 4096, ROUNDS = 100000 };
	static char *lines[LINES_MAX];
	size_t n_lines = 0;
	for (size_t f = 0; f < n_fixtures && n_lines < LINES_MAX; f++) {
		FILE *fp = fopen(fixtures[f].path, "r");
		assert_non_null(fp);
		char *l = NULL;
		size_t cap = 0;
		while (getline(&l, &cap, fp) > 0 && n_lines < LINES_MAX)
			lines[n_lines++] = strdup(l);
		free(l);
		fclose(fp);
	}
	assert_true(n_lines > 100);
	unsigned seed = 12345;
	size_t kills = 0;
	struct oomw_oomparse p;
	oomw_oomparse_init(&p, check_kill, &kills);
	char buf[LINE_MAX_BYTES];
	for (int it = 0; it < ROUNDS; it++) {
		const char *a = lines[rand_r(&seed) % n_lines];
		size_t len = strnlen(a, sizeof(buf));
		memcpy(buf, a, len);
		for (int m = rand_r(&seed) % 6; m > 0; m--) {
			size_t pos = len ? (size_t)rand_r(&seed) % (len + 1) : 0;
			switch (rand_r(&seed) % 4) {
			case 0:
				len = pos;
				break;
			case 1:
				if (len)
					buf[pos < len ? pos : len - 1] = (char)(rand_r(&seed) & 0xff);
				break;
			case 2: {
				const char *k = keywords[(size_t)rand_r(&seed) %
							 (sizeof(keywords) / sizeof(keywords[0]))];
				size_t kl = strlen(k);
				if (len + kl <= sizeof(buf)) {
					memmove(buf + pos + kl, buf + pos, len - pos);
					memcpy(buf + pos, k, kl);
					len += kl;
				}
				break;
			}
			default: {
				const char *b = lines[rand_r(&seed) % n_lines];
				size_t bl = strlen(b), from = bl ? (size_t)rand_r(&seed) % bl : 0;
				if (pos + bl - from <= sizeof(buf)) {
					memcpy(buf + pos, b + from, bl - from);
					len = pos + bl - from;
				}
			}
			}
		}
		char *line = malloc(len ? len : 1);
		assert_non_null(line);
		memcpy(line, buf, len);
		struct oomw_klog_record rec;
		if (oomw_klog_parse_kmsg(line, len, &rec) == 0)
			oomw_oomparse_feed(&p, &rec);
		if (oomw_klog_parse_text(line, len, &rec) == 0) {
			assert_true(rec.text >= line && rec.text + rec.text_len <= line + len);
			oomw_oomparse_feed(&p, &rec);
		}
		free(line);
		if (it % 1000 == 0)
			oomw_oomparse_flush(&p);
	}
	oomw_oomparse_flush(&p);
	assert_true(kills > 0);
	for (size_t i = 0; i < n_lines; i++)
		free(lines[i]);
}

int main(void)
{
	add_dir("kernel-log");
	add_dir("kernel-log-hostile");
	static const struct CMUnitTest inline_tests[] = {
		cmocka_unit_test(test_reaped),
		cmocka_unit_test(test_record_times),
		cmocka_unit_test(test_batches),
		cmocka_unit_test(test_userspace_record_ignored),
		cmocka_unit_test(test_not_kills),
		cmocka_unit_test(test_summary_variants),
		cmocka_unit_test(test_allocating_task_and_limits),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_mutations),
	};
	size_t n_inline = sizeof(inline_tests) / sizeof(inline_tests[0]);
	struct CMUnitTest *tests = calloc(n_fixtures + n_inline, sizeof(*tests));
	if (!tests)
		return 1;
	for (size_t i = 0; i < n_fixtures; i++) {
		tests[i].name = fixtures[i].name;
		tests[i].test_func = test_fixture;
		tests[i].initial_state = &fixtures[i];
	}
	memcpy(tests + n_fixtures, inline_tests, sizeof(inline_tests));
	/* The fixture sets must be there: a test run that found none proves nothing. */
	if (n_fixtures < 20) {
		fprintf(stderr, "only %zu fixture files found under %s\n", n_fixtures, fixtures_dir());
		printf("not ok 1 - fixtures under %s\n", fixtures_dir());
		return 1;
	}
	int r = _cmocka_run_group_tests("oomparse", tests, n_fixtures + n_inline, NULL, NULL);
	free(tests);
	return r;
}
