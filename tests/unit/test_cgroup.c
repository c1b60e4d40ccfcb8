/* SPDX-License-Identifier: MIT */
/* test_cgroup.c — memory cgroups on pure v2, pure v1 and both hybrid layouts
 * (fixture trees with the kernel's file formats, and the real /sys), reading
 * one cgroup, and walks with globs, malformed files, symlinks, cgroups that
 * vanish mid-walk and a pathologically deep tree. */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgroup.h"
#include "oomw.h"

#define FIX "tests/fixtures/"

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void find(const char *sys, int want_r, int want_version, const char *want_suffix)
{
	struct oomw_cgroup_root root;
	int r = oomw_cgroup_find_root(sys, &root);
	if (r != want_r ||
	    (r == 0 && (root.version != want_version || !ends_with(root.dir, want_suffix))))
		fail_msg("%s: r=%d version=%d dir=%s", sys, r, root.version, r == 0 ? root.dir : "-");
}

static void test_find_root_layouts(void **state)
{
	(void)state;
	find(FIX "sys-cgroup-v2", 0, 2, "sys-cgroup-v2/fs/cgroup");
	find(FIX "sys-cgroup-v1", 0, 1, "sys-cgroup-v1/fs/cgroup/memory");
	find(FIX "sys-cgroup-hybrid-memory-v1", 0, 1, "hybrid-memory-v1/fs/cgroup/memory");
	find(FIX "sys-cgroup-hybrid-memory-v2", 0, 2, "hybrid-memory-v2/fs/cgroup/unified");
	find(FIX "sys-cgroup-no-memory", -ENOENT, 0, "");
	find(FIX "does-not-exist", -ENOENT, 0, "");
}

/* What /proc/self/mountinfo says the memory controller is on: 1, 2 or 0. */
static int mounted_memory_version(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[4096];
	int v2_at_sys_fs_cgroup = 0, v2_unified = 0, v1 = 0;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - ");
		if (!sep)
			continue;
		char fstype[64], src[256], opts[1024] = "";
		if (sscanf(sep + 3, "%63s %255s %1023s", fstype, src, opts) < 2)
			continue;
		if (strcmp(fstype, "cgroup") == 0 && strstr(line, " /sys/fs/cgroup/") &&
		    (strstr(opts, ",memory") || strncmp(opts, "memory", 6) == 0))
			v1 = 1;
		else if (strcmp(fstype, "cgroup2") == 0 && strstr(line, " /sys/fs/cgroup/unified "))
			v2_unified = 1;
		else if (strcmp(fstype, "cgroup2") == 0 && strstr(line, " /sys/fs/cgroup "))
			v2_at_sys_fs_cgroup = 1;
	}
	fclose(f);
	if (v2_at_sys_fs_cgroup)
		return 2;
	if (v1)
		return 1;
	return v2_unified ? 2 : 0;
}

static int count_cb(const struct oomw_cgroup_stats *st, void *ctx)
{
	(void)st;
	(*(int *)ctx)++;
	return 0;
}

static void test_real_sys(void **state)
{
	(void)state;
	int want = mounted_memory_version();
	struct oomw_cgroup_root root;
	int r = oomw_cgroup_find_root("/sys", &root);
	if (want == 0) {
		assert_int_equal(r, -ENOENT);
		return;
	}
	/* On the test machine (cgroup v1 memory + a unified mount without memory) this is v1. */
	assert_int_equal(r, 0);
	assert_int_equal(root.version, want);
	struct oomw_cgroup_stats st;
	assert_int_equal(oomw_cgroup_read(&root, "/", &st), 0);
	assert_string_equal(st.path, "/");
	if (root.version == 1) {
		assert_true(st.usage_bytes > 0);
		assert_true(st.limit_bytes == OOMW_UNLIMITED);
	}
	int visited = 0;
	r = oomw_cgroup_walk(&root, "*", count_cb, &visited);
	assert_int_equal(r, 0);
	assert_true(visited >= 1);
}

static void open_root(const char *sys, struct oomw_cgroup_root *root)
{
	assert_int_equal(oomw_cgroup_find_root(sys, root), 0);
}

static void test_read_v2(void **state)
{
	(void)state;
	struct oomw_cgroup_root root;
	struct oomw_cgroup_stats st;
	open_root(FIX "sys-cgroup-v2", &root);

	/* The v2 root has no memory.events/current/max: unknown, not an error. */
	assert_int_equal(oomw_cgroup_read(&root, "/", &st), 0);
	assert_string_equal(st.path, "/");
	assert_int_equal(st.version, 2);
	assert_true(st.oom_kill == OOMW_UNKNOWN);
	assert_true(st.usage_bytes == OOMW_UNKNOWN);
	assert_true(st.limit_bytes == OOMW_UNKNOWN);

	assert_int_equal(oomw_cgroup_read(&root, "/system.slice/mysql.service", &st), 0);
	assert_string_equal(st.path, "/system.slice/mysql.service");
	assert_int_equal(st.oom_kill, 3);
	assert_int_equal(st.oom, 3);
	assert_int_equal(st.max, 12);
	assert_int_equal(st.high, 0);
	assert_int_equal(st.oom_group_kill, 0);
	assert_true(st.under_oom == OOMW_UNKNOWN); /* v1 only */
	assert_int_equal(st.usage_bytes, 1073479680);
	assert_int_equal(st.limit_bytes, 1073741824);

	assert_int_equal(oomw_cgroup_read(&root, "/system.slice/nginx.service", &st), 0);
	assert_true(st.limit_bytes == OOMW_UNLIMITED); /* "max" */

	/* Kernel < 5.17: no oom_group_kill line. */
	assert_int_equal(oomw_cgroup_read(&root, "/init.scope", &st), 0);
	assert_true(st.oom_group_kill == OOMW_UNKNOWN);
	assert_int_equal(st.oom_kill, 0);

	assert_int_equal(oomw_cgroup_read(&root,
					  "/kubepods.slice/kubepods-burstable.slice/"
					  "kubepods-burstable-pod1a2b.slice",
					  &st),
			 0);
	assert_int_equal(st.oom_group_kill, 1);
	assert_int_equal(st.high, 5);
}

static void test_read_v1(void **state)
{
	(void)state;
	struct oomw_cgroup_root root;
	struct oomw_cgroup_stats st;
	open_root(FIX "sys-cgroup-v1", &root);
	assert_int_equal(root.version, 1);

	assert_int_equal(oomw_cgroup_read(&root, "/", &st), 0);
	assert_int_equal(st.version, 1);
	assert_int_equal(st.oom_kill, 4);
	assert_int_equal(st.under_oom, 0);
	assert_int_equal(st.usage_bytes, 3904446464);
	assert_true(st.limit_bytes == OOMW_UNLIMITED); /* 9223372036854771712 */
	assert_true(st.oom == OOMW_UNKNOWN);           /* v2 only */

	assert_int_equal(oomw_cgroup_read(&root, "/system.slice/mysql.service", &st), 0);
	assert_int_equal(st.under_oom, 1);
	assert_int_equal(st.oom_kill, 2);
	assert_int_equal(st.limit_bytes, 1073741824);
	assert_int_equal(st.failcnt, 1536); /* memory.failcnt: the limit hits */
	assert_int_equal(oomw_cgroup_limit_hits(&st), 1536);
	assert_int_equal(st.pressure_some_avg10_cpct, OOMW_UNKNOWN); /* v1 has no memory.pressure */

	/* Kernel < 4.13: no oom_kill line; kernel < 3.19: 2^64-1 means unlimited. */
	assert_int_equal(oomw_cgroup_read(&root, "/docker", &st), 0);
	assert_true(st.oom_kill == OOMW_UNKNOWN);
	assert_true(st.limit_bytes == OOMW_UNLIMITED);
	assert_int_equal(oomw_cgroup_read(&root, "/docker/0123456789ab", &st), 0);
	assert_int_equal(st.limit_bytes, 134217728);
}

static void test_read_bad_paths(void **state)
{
	(void)state;
	struct oomw_cgroup_root root;
	struct oomw_cgroup_stats st;
	open_root(FIX "sys-cgroup-v2", &root);
	assert_int_equal(oomw_cgroup_read(&root, "/no-such.service", &st), -ENOENT);
	assert_int_equal(oomw_cgroup_read(&root, "/system.slice/../../..", &st), -EINVAL);
	assert_int_equal(oomw_cgroup_read(&root, "/..", &st), -EINVAL);
	assert_int_equal(oomw_cgroup_read(&root, "/./x", &st), -EINVAL);
	assert_int_equal(oomw_cgroup_read(&root, "system.slice", &st), -EINVAL);
	char longp[OOMW_CGROUP_PATH_MAX + 8];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(oomw_cgroup_read(&root, longp, &st), -ENAMETOOLONG);
}

static void test_read_malformed(void **state)
{
	(void)state;
	/* huge-, negative-events: an oom_kill of INT64_MAX or below 0 would
	 * overflow or go backwards in the monitor's sums (issue 10). */
	static const char *const bad[] = { "/bad-events.service",  "/dup-events.service",
					   "/bad-max.service",     "/bad-current.service",
					   "/huge-events.service", "/negative-events.service" };
	struct oomw_cgroup_root root;
	struct oomw_cgroup_stats st;
	open_root(FIX "sys-cgroup-v2-malformed", &root);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = oomw_cgroup_read(&root, bad[i], &st);
		if (r != -EBADMSG)
			fail_msg("%s: r=%d", bad[i], r);
	}
	assert_int_equal(oomw_cgroup_read(&root, "/good.service", &st), 0);
	assert_int_equal(st.oom_kill, 2);
}

/* Collects visited paths, separated by '\n', in visiting order. */
struct seen {
	char paths[8192];
	int n;
	int stop_after; /* 0: never */
};

static int collect_cb(const struct oomw_cgroup_stats *st, void *ctx)
{
	struct seen *s = ctx;
	strncat(s->paths, st->path, sizeof(s->paths) - strlen(s->paths) - 2);
	strcat(s->paths, "\n");
	s->n++;
	return s->stop_after && s->n == s->stop_after ? 42 : 0;
}

static bool seen_path(const struct seen *s, const char *path)
{
	char needle[OOMW_CGROUP_PATH_MAX + 3];
	snprintf(needle, sizeof(needle), "\n%s\n", path);
	/* A leading '\n' for the first entry. */
	char all[sizeof(s->paths) + 1] = "\n";
	strcat(all, s->paths);
	return strstr(all, needle) != NULL;
}

static void walk(const char *sys, const char *glob, struct seen *s, int want_r)
{
	struct oomw_cgroup_root root;
	open_root(sys, &root);
	memset(s, 0, sizeof(*s));
	int r = oomw_cgroup_walk(&root, glob, collect_cb, s);
	if (r != want_r)
		fail_msg("walk %s %s: r=%d want %d; saw:\n%s", sys, glob, r, want_r, s->paths);
}

static void test_walk_all_v2(void **state)
{
	(void)state;
	struct seen s;
	walk(FIX "sys-cgroup-v2", "*", &s, 0);
	assert_int_equal(s.n, 13);
	assert_true(strncmp(s.paths, "/\n", 2) == 0); /* parents before children */
	assert_true(seen_path(&s, "/system.slice/odd name [x].service"));
	assert_true(seen_path(&s, "/user.slice/user-1000.slice/session-2.scope"));
	/* The symlink to / is not followed. */
	assert_false(seen_path(&s, "/system.slice/escape"));
	assert_null(strstr(s.paths, "escape"));
}

static void test_walk_globs(void **state)
{
	(void)state;
	struct seen s;
	/* '*' spans '/': every pod below kubepods. */
	walk(FIX "sys-cgroup-v2", "/kubepods*", &s, 0);
	assert_int_equal(s.n, 3);
	walk(FIX "sys-cgroup-v2", "/system.slice/*", &s, 0);
	assert_int_equal(s.n, 4);
	assert_false(seen_path(&s, "/system.slice"));
	walk(FIX "sys-cgroup-v2", "*mysql*", &s, 0);
	assert_int_equal(s.n, 1);
	assert_true(seen_path(&s, "/system.slice/mysql.service"));
	walk(FIX "sys-cgroup-v2", "/system.slice/odd name \\[x\\].service", &s, 0);
	assert_int_equal(s.n, 1);
	walk(FIX "sys-cgroup-v2", "/", &s, 0);
	assert_int_equal(s.n, 1);
	walk(FIX "sys-cgroup-v2", "/nothing*", &s, 0);
	assert_int_equal(s.n, 0);
	walk(FIX "sys-cgroup-v1", "*", &s, 0);
	assert_int_equal(s.n, 7);
	assert_true(seen_path(&s, "/docker/0123456789ab"));
	walk(FIX "sys-cgroup-hybrid-memory-v2", "*.service", &s, 0);
	assert_int_equal(s.n, 1);
	assert_true(seen_path(&s, "/system.slice/app.service"));
}

static void test_walk_callback_stops(void **state)
{
	(void)state;
	struct oomw_cgroup_root root;
	struct seen s;
	open_root(FIX "sys-cgroup-v2", &root);
	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	assert_int_equal(oomw_cgroup_walk(&root, "*", collect_cb, &s), 42);
	assert_int_equal(s.n, 2);
}

static void test_walk_malformed_goes_on(void **state)
{
	(void)state;
	struct seen s;
	/* Bad cgroups are left out, the good ones still visited, and the
	 * walk says that something was unreadable. */
	walk(FIX "sys-cgroup-v2-malformed", "*", &s, -EBADMSG);
	assert_int_equal(s.n, 2);
	assert_true(seen_path(&s, "/"));
	assert_true(seen_path(&s, "/good.service"));
}

/* A scratch v2 tree in a temporary directory, for trees we change while walking. */
static char scratch[64];

static void mk(const char *rel, const char *file, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/fs/cgroup%s", scratch, rel);
	assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
	if (!file)
		return;
	snprintf(p, sizeof(p), "%s/fs/cgroup%s/%s", scratch, rel, file);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void mk_cgroup(const char *rel)
{
	mk(rel, "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
	mk(rel, "memory.current", "4096\n");
	mk(rel, "memory.max", "max\n");
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void rm_tree(const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/fs/cgroup%s", scratch, rel);
	nftw(p, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int setup_scratch(void **state)
{
	(void)state;
	char p[128];
	strcpy(scratch, "/tmp/oomw-test-cgroup-XXXXXX");
	if (!mkdtemp(scratch))
		return -1;
	snprintf(p, sizeof(p), "%s/fs", scratch);
	mkdir(p, 0755);
	mk("", "cgroup.controllers", "memory pids\n");
	return 0;
}

static int teardown_scratch(void **state)
{
	(void)state;
	nftw(scratch, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* Limit hits and the cgroup's own pressure: v2 high + max, memory.pressure
 * when there (absent: unknown, not an error; malformed: refused). */
static void test_limit_hits_and_pressure(void **state)
{
	(void)state;
	struct oomw_cgroup_root root;
	struct oomw_cgroup_stats st;
	open_root(scratch, &root);
	mk_cgroup("/held");
	mk("/held", "memory.events", "low 0\nhigh 7\nmax 5\noom 0\noom_kill 0\n");
	assert_int_equal(oomw_cgroup_read(&root, "/held", &st), 0);
	assert_int_equal(oomw_cgroup_limit_hits(&st), 12);
	assert_int_equal(st.pressure_some_avg10_cpct, OOMW_UNKNOWN);
	assert_int_equal(st.failcnt, OOMW_UNKNOWN);
	mk("/held", "memory.pressure",
	   "some avg10=3.20 avg60=1.00 avg300=0.20 total=123456\n"
	   "full avg10=1.00 avg60=0.50 avg300=0.10 total=65432\n");
	assert_int_equal(oomw_cgroup_read(&root, "/held", &st), 0);
	assert_int_equal(st.pressure_some_avg10_cpct, 320);
	mk("/held", "memory.pressure", "some avg10=x\n");
	assert_int_equal(oomw_cgroup_read(&root, "/held", &st), -EBADMSG);
	rm_tree("/held");
}

/* On the first non-root cgroup, removes all the others: readdir has
 * usually buffered their names already, so the walk meets them gone. */
static int remove_siblings_cb(const struct oomw_cgroup_stats *st, void *ctx)
{
	struct seen *s = ctx;
	if (strcmp(st->path, "/") != 0 && !seen_path(s, "/c1") && !seen_path(s, "/c2") &&
	    !seen_path(s, "/c3") && !seen_path(s, "/c4")) {
		static const char *const all[] = { "/c1", "/c2", "/c3", "/c4" };
		for (size_t i = 0; i < 4; i++)
			if (strcmp(all[i], st->path) != 0)
				rm_tree(all[i]);
	}
	return collect_cb(st, ctx);
}

static void test_walk_cgroups_vanish(void **state)
{
	(void)state;
	mk_cgroup("/c1");
	mk_cgroup("/c2");
	mk_cgroup("/c3");
	mk_cgroup("/c4");
	mk_cgroup("/c4/child");
	struct oomw_cgroup_root root;
	struct seen s;
	open_root(scratch, &root);
	memset(&s, 0, sizeof(s));
	assert_int_equal(oomw_cgroup_walk(&root, "*", remove_siblings_cb, &s), 0);
	/* The root and the first cgroup (plus its child if it was c4). */
	assert_true(s.n == 2 || (s.n == 3 && seen_path(&s, "/c4/child")));
	rm_tree("/c1");
	rm_tree("/c2");
	rm_tree("/c3");
	rm_tree("/c4");
}

static void test_read_vanished_between_files(void **state)
{
	(void)state;
	/* A cgroup whose directory is gone reads as -ENOENT, not as "unknown". */
	mk_cgroup("/gone");
	struct oomw_cgroup_root root;
	struct oomw_cgroup_stats st;
	open_root(scratch, &root);
	assert_int_equal(oomw_cgroup_read(&root, "/gone", &st), 0);
	rm_tree("/gone");
	assert_int_equal(oomw_cgroup_read(&root, "/gone", &st), -ENOENT);
}

static void test_walk_depth_bounded(void **state)
{
	(void)state;
	char rel[256] = "";
	for (int i = 0; i < OOMW_CGROUP_WALK_DEPTH_MAX + 6; i++) {
		strcat(rel, "/d");
		mk_cgroup(rel);
	}
	struct oomw_cgroup_root root;
	int visited = 0;
	open_root(scratch, &root);
	/* The root plus the bound; the rest is reported, not silently dropped. */
	assert_int_equal(oomw_cgroup_walk(&root, "*", count_cb, &visited), -ELOOP);
	assert_int_equal(visited, 1 + OOMW_CGROUP_WALK_DEPTH_MAX);
	rm_tree("/d");
}

/* --live-read PATH: prints what the core reads of one real cgroup, and how
 * many cgroups a walk with a glob ending in its name finds. The live test
 * below runs this binary from inside a tests/lib/oomcg.sh session. */
static int live_read(const char *path)
{
	struct oomw_cgroup_root root;
	struct oomw_cgroup_stats st;
	int r = oomw_cgroup_find_root("/sys", &root);
	if (r == 0)
		r = oomw_cgroup_read(&root, path, &st);
	if (r < 0) {
		printf("r=%d\n", r);
		return 0;
	}
	char glob[OOMW_CGROUP_PATH_MAX + 2];
	int found = 0;
	snprintf(glob, sizeof(glob), "*%s", strrchr(path, '/'));
	r = oomw_cgroup_walk(&root, glob, count_cb, &found);
	printf("r=0 version=%d oom_kill=%lld limit=%lld usage_positive=%d walk=%d found=%d\n",
	       st.version, (long long)st.oom_kill, (long long)st.limit_bytes, st.usage_bytes > 0, r,
	       found);
	return 0;
}

static void read_text(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, size - 1, f) : 0;
	buf[n] = '\0';
	if (f)
		fclose(f);
}

/* A real memory cgroup of this kernel, 16 MiB, and a real OOM kill inside it
 * (tests/lib/oomcg.sh, serialised with the other live tests): the counters and
 * the limit as the core reads them before, after, and once the cgroup is gone. */
static void test_live_oom_in_real_cgroup(void **state)
{
	(void)state;
	char self[PATH_MAX], cmd[2 * PATH_MAX], before[256], after[256], gone[256], why[256];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	assert_true(n > 0);
	self[n] = '\0';
	snprintf(cmd, sizeof(cmd),
		 "bash -c '. tests/lib/oomcg.sh; u=$(oomcg_unavailable); "
		 "if [ -n \"$u\" ]; then echo \"$u\" >\"$2/why\"; exit 77; fi; "
		 "oomcg_lock && oomcg_create $((16 * 1024 * 1024)) || exit 1; p=$OOMCG_PATH; "
		 "\"$1\" --live-read \"$p\" >\"$2/before\" || exit 1; "
		 "oomcg_kill \"oomw cg)test\" || exit 1; "
		 "\"$1\" --live-read \"$p\" >\"$2/after\" || exit 1; "
		 "oomcg_remove; \"$1\" --live-read \"$p\" >\"$2/gone\"' sh '%s' '%s'",
		 self, scratch);
	int st = system(cmd);
	read_text(strcat(strcpy(why, scratch), "/why"), why, sizeof(why));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
		print_message("# live cgroup test cannot run here: %s", why);
		skip();
	}
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	read_text(strcat(strcpy(before, scratch), "/before"), before, sizeof(before));
	read_text(strcat(strcpy(after, scratch), "/after"), after, sizeof(after));
	read_text(strcat(strcpy(gone, scratch), "/gone"), gone, sizeof(gone));
	/* A fresh cgroup: nothing charged, no kill; the walk finds exactly it
	 * by a glob on its name. After the kill, the victim's pages are still
	 * charged or already freed, so usage is not checked. */
	if (!strstr(before, "r=0 version=") ||
	    !strstr(before, " oom_kill=0 limit=16777216 usage_positive=0 walk=0 found=1") ||
	    !strstr(after, " oom_kill=1 limit=16777216 ") || !strstr(after, " found=1") ||
	    strcmp(gone, "r=-2\n") != 0) /* -ENOENT */
		fail_msg("before: %safter: %sgone: %s", before, after, gone);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--live-read") == 0)
		return live_read(argv[2]);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_root_layouts),
		cmocka_unit_test(test_real_sys),
		cmocka_unit_test(test_read_v2),
		cmocka_unit_test(test_read_v1),
		cmocka_unit_test(test_read_bad_paths),
		cmocka_unit_test(test_read_malformed),
		cmocka_unit_test(test_walk_all_v2),
		cmocka_unit_test(test_walk_globs),
		cmocka_unit_test(test_walk_callback_stops),
		cmocka_unit_test(test_walk_malformed_goes_on),
		cmocka_unit_test(test_walk_cgroups_vanish),
		cmocka_unit_test(test_limit_hits_and_pressure),
		cmocka_unit_test(test_read_vanished_between_files),
		cmocka_unit_test(test_walk_depth_bounded),
		cmocka_unit_test(test_live_oom_in_real_cgroup),
	};
	return cmocka_run_group_tests(tests, setup_scratch, teardown_scratch);
}
