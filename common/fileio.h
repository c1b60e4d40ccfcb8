/* SPDX-License-Identifier: MIT */
/* fileio.h — writing files that must survive a crash and live where only we
 * can touch them: the atomic writer (temp file, fsync, rename, fsync of the
 * directory), the directory of a path, a private directory, and a file name
 * joined to a directory without leaving it. For state files of every front end. */
#ifndef OOMW_FILEIO_H
#define OOMW_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/* Fills fd (open for writing, empty) and returns 0 or -errno. */
typedef int (*oomw_file_writer)(int fd, void *ctx);

/* Replaces path atomically: path.tmp is created (O_EXCL, O_NOFOLLOW, mode;
 * a leftover one is removed first, so a planted file or symlink is never
 * written through), filled by write(fd, ctx), fsynced, renamed over path,
 * and the directory fsynced so the rename survives a crash. A reader sees the
 * old file or the new one, never a mix. Returns 0 or -errno (path.tmp is
 * removed on failure). */
int oomw_file_write_atomic(const char *path, mode_t mode, oomw_file_writer write, void *ctx);

/* The directory part of path ("." for a bare name, "/" for "/x").
 * Returns 0 or -ENAMETOOLONG. */
int oomw_path_dir(const char *path, char *dir, size_t size);

/* Joins dir and name into out, refusing a name that would lead out of dir
 * (empty, ".", "..", or containing '/'). Returns 0, -EINVAL or -ENAMETOOLONG. */
int oomw_path_within(char *out, size_t size, const char *dir, const char *name);

/* Makes dir a private directory: creates it (mode 0700) when missing, and
 * accepts an existing one only when it is a real directory (not a symlink)
 * owned by the effective user and not writable by group or others.
 * Returns 0 or -errno with a static reason in *why. */
int oomw_dir_private(const char *dir, const char **why);

#endif
