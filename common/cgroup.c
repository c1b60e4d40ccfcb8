/* SPDX-License-Identifier: MIT */
/* cgroup.c — finding the memory controller (pure v2, pure v1, hybrid), reading
 * one memory cgroup's kill counters, usage and limit, and walking the hierarchy. */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "psi.h"

/* memory.events and memory.oom_control are about 100 bytes. */
#define CGROUP_FILE_MAX 4096

/* v1 prints "no limit" as PAGE_COUNTER_MAX * PAGE_SIZE (9223372036854771712
 * with 4 KiB pages, 2^63 - 64 KiB with 64 KiB pages); kernels before 3.19
 * printed RES_COUNTER_MAX, 2^64 - 1. No machine has 4 EiB of memory, so
 * anything from 2^62 up is "unlimited" whatever the page size. */
#define V1_UNLIMITED_MIN_BYTES (UINT64_C(1) << 62)

/* True when the space-separated list in buf names word. */
static bool list_has_word(const char *buf, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = buf; *p;) {
		p += strspn(p, " \t\n");
		size_t tl = strcspn(p, " \t\n");
		if (tl == wl && memcmp(p, word, wl) == 0)
			return true;
		p += tl;
	}
	return false;
}

static bool v2_has_memory(const char *dir)
{
	char buf[CGROUP_FILE_MAX];
	return oomw_read_file(dir, "cgroup.controllers", buf, sizeof(buf), NULL) == 0 &&
	       list_has_word(buf, "memory");
}

/* sub NULL: the root is base itself. */
static int set_root(struct oomw_cgroup_root *root, const char *base, const char *sub, int version)
{
	int r = sub ? oomw_path_join(root->dir, sizeof(root->dir), base, sub) : 0;
	if (r < 0)
		return r;
	if (!sub)
		strcpy(root->dir, base); /* both are PATH_MAX */
	root->version = version;
	return 0;
}

int oomw_cgroup_find_root(const char *sys_dir, struct oomw_cgroup_root *root)
{
	char base[PATH_MAX], probe[PATH_MAX];
	int r = oomw_path_join(base, sizeof(base), sys_dir, "fs/cgroup");
	if (r < 0)
		return r;
	if (v2_has_memory(base))
		return set_root(root, base, NULL, 2);
	/* v1 (alone or hybrid): the controller's own mount. Probe a file that
	 * only a mounted memory hierarchy has, not the bare mount point. */
	r = oomw_path_join(probe, sizeof(probe), base, "memory/memory.usage_in_bytes");
	if (r < 0)
		return r;
	if (access(probe, F_OK) == 0)
		return set_root(root, base, "memory", 1);
	r = oomw_path_join(probe, sizeof(probe), base, "unified");
	if (r < 0)
		return r;
	if (v2_has_memory(probe))
		return set_root(root, base, "unified", 2);
	return -ENOENT;
}

struct key_dest {
	const char *key;
	int64_t *dest;
};

/* "key value" lines (memory.events, memory.oom_control). Keys not in the
 * table are skipped: kernels add some (oom_group_kill, sock_throttled). */
static int parse_keyed(const char *buf, size_t len, const struct key_dest *keys, size_t n_keys)
{
	const char *p = buf, *end = buf + len, *line;
	size_t line_len;
	while (oomw_next_line(&p, end, &line, &line_len)) {
		const char *eol = line + line_len;
		const char *sp = memchr(line, ' ', line_len);
		if (line_len > 0 && !sp)
			return -EBADMSG;
		for (size_t k = 0; sp && k < n_keys; k++) {
			if (strlen(keys[k].key) != (size_t)(sp - line) ||
			    memcmp(keys[k].key, line, (size_t)(sp - line)) != 0)
				continue;
			if (*keys[k].dest != OOMW_UNKNOWN)
				return -EBADMSG; /* the same key twice */
			/* Counters of events: never negative, never near overflow. */
			if (oomw_parse_i64(sp + 1, (size_t)(eol - sp - 1), keys[k].dest) < 0 ||
			    *keys[k].dest < 0 || *keys[k].dest > OOMW_COUNTER_MAX)
				return -EBADMSG;
			break;
		}
	}
	return 0;
}

/* One number and a newline (memory.current, memory.usage_in_bytes); a limit
 * file may say "max" (v2) or a huge value (v1) for unlimited. */
static int parse_value(const char *buf, size_t len, bool is_limit, int64_t *out)
{
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (is_limit && len == 3 && memcmp(buf, "max", 3) == 0) {
		*out = OOMW_UNLIMITED;
		return 0;
	}
	uint64_t v;
	if (oomw_parse_u64(buf, len, &v) < 0)
		return -EBADMSG;
	if (is_limit && v >= V1_UNLIMITED_MIN_BYTES)
		*out = OOMW_UNLIMITED;
	else if (v > INT64_MAX)
		return -EBADMSG;
	else
		*out = (int64_t)v;
	return 0;
}

/* Reads dir/name if it exists. A missing file leaves *missing set and the
 * fields unknown: the v2 root cgroup has no memory.max, old kernels lack
 * memory.events. */
static int read_one(const char *dir, const char *name, bool *missing, char *buf, size_t size,
		    size_t *len)
{
	int r = oomw_read_file(dir, name, buf, size, len);
	if (r == -ENOENT) {
		*missing = true;
		*len = 0;
		buf[0] = '\0';
		return 1;
	}
	return r;
}

/* The three files of a cgroup: counters as "key value" lines, usage, limit. */
struct cgroup_files {
	const char *events;
	const char *usage;
	const char *limit;
};

static const struct cgroup_files v2_files = { "memory.events", "memory.current", "memory.max" };
static const struct cgroup_files v1_files = { "memory.oom_control", "memory.usage_in_bytes",
					      "memory.limit_in_bytes" };

static int read_files(const char *dir, const struct cgroup_files *f, const struct key_dest *keys,
		      size_t n_keys, struct oomw_cgroup_stats *st, bool *missing)
{
	char buf[CGROUP_FILE_MAX];
	size_t len;
	int r = read_one(dir, f->events, missing, buf, sizeof(buf), &len);
	if (r == 0)
		r = parse_keyed(buf, len, keys, n_keys);
	if (r < 0)
		return r;
	r = read_one(dir, f->usage, missing, buf, sizeof(buf), &len);
	if (r == 0)
		r = parse_value(buf, len, false, &st->usage_bytes);
	if (r < 0)
		return r;
	r = read_one(dir, f->limit, missing, buf, sizeof(buf), &len);
	if (r == 0)
		r = parse_value(buf, len, true, &st->limit_bytes);
	return r < 0 ? r : 0;
}

static int read_v2(const char *dir, struct oomw_cgroup_stats *st, bool *missing)
{
	int64_t low = OOMW_UNKNOWN; /* memory.low breaches: not an OOM signal, read to validate */
	const struct key_dest keys[] = {
		{ "low", &low },
		{ "high", &st->high },
		{ "max", &st->max },
		{ "oom", &st->oom },
		{ "oom_kill", &st->oom_kill },
		{ "oom_group_kill", &st->oom_group_kill },
	};
	int r = read_files(dir, &v2_files, keys, sizeof(keys) / sizeof(keys[0]), st, missing);
	if (r < 0)
		return r;
	/* The cgroup's own pressure (4.20+ with PSI on): absent is not an error. */
	char buf[CGROUP_FILE_MAX];
	size_t len;
	bool no_psi = false;
	r = read_one(dir, "memory.pressure", &no_psi, buf, sizeof(buf), &len);
	if (r == 0) {
		struct oomw_psi psi;
		const char *why;
		if (oomw_psi_parse(buf, len, &psi, &why) < 0)
			return -EBADMSG;
		st->pressure_some_avg10_cpct = psi.some.avg10_cpct;
	} else if (r == -EOPNOTSUPP) {
		r = 0; /* PSI compiled in but off (psi=0): the file refuses reads */
	}
	return r < 0 ? r : 0;
}

static int read_v1(const char *dir, struct oomw_cgroup_stats *st, bool *missing)
{
	int64_t oom_kill_disable = OOMW_UNKNOWN; /* read only to validate the file */
	const struct key_dest keys[] = {
		{ "oom_kill_disable", &oom_kill_disable },
		{ "under_oom", &st->under_oom },
		{ "oom_kill", &st->oom_kill }, /* 4.13+ */
	};
	int r = read_files(dir, &v1_files, keys, sizeof(keys) / sizeof(keys[0]), st, missing);
	if (r < 0)
		return r;
	char buf[CGROUP_FILE_MAX];
	size_t len;
	r = read_one(dir, "memory.failcnt", missing, buf, sizeof(buf), &len);
	if (r == 0)
		r = parse_value(buf, len, false, &st->failcnt);
	if (r < 0)
		return r;
	/* With memory+swap limited as tightly, that counter fails first. Without
	 * swap accounting (swapaccount=0) the file is absent. */
	bool no_memsw = false;
	r = read_one(dir, "memory.memsw.failcnt", &no_memsw, buf, sizeof(buf), &len);
	if (r == 0)
		r = parse_value(buf, len, false, &st->memsw_failcnt);
	return r < 0 ? r : 0;
}

int64_t oomw_cgroup_limit_hits(const struct oomw_cgroup_stats *st)
{
	if (st->version == 1)
		return st->failcnt == OOMW_UNKNOWN || st->memsw_failcnt == OOMW_UNKNOWN
			       ? st->failcnt
			       : oomw_add_sat(st->failcnt, st->memsw_failcnt);
	if (st->high == OOMW_UNKNOWN || st->max == OOMW_UNKNOWN)
		return st->high == OOMW_UNKNOWN ? st->max : st->high;
	return oomw_add_sat(st->high, st->max);
}

/* A path must stay below the root: absolute, no "." or ".." component. */
static bool path_is_safe(const char *path)
{
	if (path[0] != '/')
		return false;
	for (const char *p = path; *p;) {
		p += strspn(p, "/");
		size_t n = strcspn(p, "/");
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n;
	}
	return true;
}

int oomw_cgroup_read(const struct oomw_cgroup_root *root, const char *path,
		     struct oomw_cgroup_stats *out)
{
	char dir[PATH_MAX];
	struct stat sb;
	bool missing = false;

	out->version = root->version;
	out->oom_kill = out->oom = out->oom_group_kill = out->max = out->high = OOMW_UNKNOWN;
	out->under_oom = out->usage_bytes = out->limit_bytes = OOMW_UNKNOWN;
	out->failcnt = out->memsw_failcnt = out->pressure_some_avg10_cpct = OOMW_UNKNOWN;
	if (!path_is_safe(path))
		return -EINVAL;
	if (strlen(path) > OOMW_CGROUP_PATH_MAX)
		return -ENAMETOOLONG;
	strcpy(out->path, path);
	int r = oomw_path_join(dir, sizeof(dir), root->dir, path);
	if (r < 0)
		return r;
	r = root->version == 2 ? read_v2(dir, out, &missing) : read_v1(dir, out, &missing);
	/* A missing file is normal (old kernel, v2 root); a missing directory
	 * means the cgroup went away while we read it. Check after reading so
	 * that a removal half way through is not reported as "unknown" values. */
	if ((missing || r == -ENOENT) && stat(dir, &sb) < 0)
		return -errno;
	return r;
}

struct walk {
	const struct oomw_cgroup_root *root;
	const char *glob;
	oomw_cgroup_cb cb;
	void *ctx;
	char path[OOMW_CGROUP_PATH_MAX + 1];
	struct oomw_cgroup_stats st;
	int first_err; /* a cgroup we could not read; the walk goes on */
};

static void note_error(struct walk *w, int err)
{
	if (w->first_err == 0)
		w->first_err = err;
}

/* Visits w->path, then the directories below dir_fd (which it closes). */
static int walk_dir(struct walk *w, int dir_fd, int depth)
{
	if (fnmatch(w->glob, w->path, 0) == 0) {
		int r = oomw_cgroup_read(w->root, w->path, &w->st);
		if (r == 0) {
			r = w->cb(&w->st, w->ctx);
			if (r != 0) {
				close(dir_fd);
				return r;
			}
		} else if (r != -ENOENT) {
			note_error(w, r);
		}
	}
	DIR *d = fdopendir(dir_fd);
	if (!d) {
		note_error(w, -errno);
		close(dir_fd);
		return 0;
	}
	size_t base_len = strlen(w->path);
	int ret = 0;
	struct dirent *de;
	while (ret == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue; /* ".", "..": cgroup names never start with '.' either */
		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue; /* files, and symlinks, which we never follow */
		/* O_NOFOLLOW|O_DIRECTORY also settles DT_UNKNOWN: a file or a
		 * symlink fails to open and is skipped. */
		int fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP)
				note_error(w, -errno);
			continue; /* removed since readdir, or not a directory */
		}
		size_t name_len = strlen(de->d_name);
		size_t sep = base_len > 1; /* "/" + "a" is "/a", "/a" + "b" is "/a/b" */
		if (depth + 1 > OOMW_CGROUP_WALK_DEPTH_MAX) {
			note_error(w, -ELOOP);
			close(fd);
			continue;
		}
		if (base_len + sep + name_len > OOMW_CGROUP_PATH_MAX) {
			note_error(w, -ENAMETOOLONG);
			close(fd);
			continue;
		}
		if (sep)
			w->path[base_len] = '/';
		memcpy(w->path + base_len + sep, de->d_name, name_len + 1);
		ret = walk_dir(w, fd, depth + 1);
		w->path[base_len] = '\0';
	}
	closedir(d);
	return ret;
}

int oomw_cgroup_walk(const struct oomw_cgroup_root *root, const char *glob, oomw_cgroup_cb cb, void *ctx)
{
	struct walk w = { .root = root, .glob = glob, .cb = cb, .ctx = ctx, .path = "/" };
	int fd = open(root->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = walk_dir(&w, fd, 0);
	return r != 0 ? r : w.first_err;
}
