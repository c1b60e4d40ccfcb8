/* SPDX-License-Identifier: MIT */
/* cli.h — the command-line pieces the programs with options share (check_oom,
 * oomwatch-exporter): one wording for getopt's refusals, the source paths,
 * --cgroup and --candidates, and the check of the log sources. Each fills a
 * one-line reason for the program to print in its own way; nothing prints here. */
#ifndef OOMW_CLI_H
#define OOMW_CLI_H

#include <limits.h>
#include <stdbool.h>

#include "monitor.h"
#include "paths.h"

#define OOMW_CLI_REASON_MAX 512

/* Fills reason with one printf-formatted line; long user input is cut, which
 * is fine in a message. */
__attribute__((format(printf, 2, 3))) void oomw_cli_say(char reason[OOMW_CLI_REASON_MAX],
							const char *fmt, ...);
/* The reason for getopt_long's '?' or ':' (c), read from the optind and optopt
 * it left; prev_optind is optind before that getopt_long call. */
void oomw_cli_getopt_error(int c, char *const argv[], int prev_optind,
			   char reason[OOMW_CLI_REASON_MAX]);
/* Sets a path field from the option opt. Returns 0 or -1 (empty, too long). */
int oomw_cli_path(const char *opt, char field[PATH_MAX], const char *value,
		  char reason[OOMW_CLI_REASON_MAX]);
/* --cgroup GLOB (kept by pointer: arg must outlive mon) and --candidates N. */
int oomw_cli_cgroup(struct oomw_monitor_config *mon, const char *arg, char reason[OOMW_CLI_REASON_MAX]);
int oomw_cli_candidates(struct oomw_monitor_config *mon, const char *arg,
			char reason[OOMW_CLI_REASON_MAX]);
/* oomw_paths_check_log, worded by option (--kmsg, --journal-dir). */
int oomw_cli_check_log(const struct oomw_paths *p, bool kmsg_given, char reason[OOMW_CLI_REASON_MAX]);

/* A directory the user named must exist and allow mode (access(2): R_OK,
 * W_OK, X_OK); its absence or a file in its place is refused. */
int oomw_cli_check_dir(const char *opt, const char *dir, int mode, char reason[OOMW_CLI_REASON_MAX]);

#endif
