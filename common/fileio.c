/* SPDX-License-Identifier: MIT */
/* fileio.c — crash-safe writes and private directories (fileio.h). */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oomw.h"

#define PRIVATE_DIR_MODE 0700

int oomw_path_dir(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		return snprintf(dir, size, ".") < (int)size ? 0 : -ENAMETOOLONG;
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return 0;
}

/* fsync of the directory holding path: makes a rename in it durable. */
static int sync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	int r = oomw_path_dir(path, dir, sizeof(dir));
	if (r < 0)
		return r;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	r = fsync(dfd) < 0 ? -errno : 0;
	close(dfd);
	return r;
}

int oomw_file_write_atomic(const char *path, mode_t mode, oomw_file_writer write, void *ctx)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	/* A tmp left by a crash (or planted) must not be written through. */
	if (unlink(tmp) < 0 && errno != ENOENT)
		return -errno;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	int r = write(fd, ctx);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	return sync_dir_of(path);
}

int oomw_path_within(char *out, size_t size, const char *dir, const char *name)
{
	if (name[0] == '\0' || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EINVAL;
	return oomw_path_join(out, size, dir, name);
}

int oomw_dir_private(const char *dir, const char **why)
{
	struct stat st;
	if (mkdir(dir, PRIVATE_DIR_MODE) < 0 && errno != EEXIST) {
		int e = errno;
		*why = "cannot create the directory";
		return -e;
	}
	if (lstat(dir, &st) < 0) {
		int e = errno;
		*why = "cannot stat the directory";
		return -e;
	}
	if (!S_ISDIR(st.st_mode)) {
		*why = "not a directory (a symlink?)";
		return -ENOTDIR;
	}
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		*why = "the directory belongs to another user or is writable by others";
		return -EPERM;
	}
	return 0;
}
