/* SPDX-License-Identifier: MIT */
/* cli.h — the command-line pieces the programs with options share (check_oom,
 * oomwatch-exporter): one wording for getopt's refusals, the source paths,
 * --cgroup and --candidates, and the check of the log sources. Each fills a
 * one-line reason for the program to print in its own way; nothing prints here. */
#ifndef OOMW_CLI_H
#define OOMW_CLI_H

#include <getopt.h>
#include <limits.h>
#include <stdbool.h>

#include "monitor.h"
#include "paths.h"

#define OOMW_CLI_REASON_MAX 512

/* The getopt_long values of the options every program with a command line
 * takes, spelled alike (OOMW_CLI_OPTIONS); a program numbers its own from
 * OOMW_CLI_OPT_OWN. */
enum {
	OOMW_CLI_OPT_PROC = 256,
	OOMW_CLI_OPT_SYS,
	OOMW_CLI_OPT_KMSG,
	OOMW_CLI_OPT_JOURNAL_DIR,
	OOMW_CLI_OPT_STATE,
	OOMW_CLI_OPT_CGROUP,
	OOMW_CLI_OPT_CANDIDATES,
	OOMW_CLI_OPT_OWN,
};

/* Their entries of a struct option table (getopt.h): OOMW_CLI_OPTIONS, */
/* clang-format off */
#define OOMW_CLI_OPTIONS \
	{ "proc", required_argument, NULL, OOMW_CLI_OPT_PROC }, \
	{ "sys", required_argument, NULL, OOMW_CLI_OPT_SYS }, \
	{ "kmsg", required_argument, NULL, OOMW_CLI_OPT_KMSG }, \
	{ "journal-dir", required_argument, NULL, OOMW_CLI_OPT_JOURNAL_DIR }, \
	{ "state", required_argument, NULL, OOMW_CLI_OPT_STATE }, \
	{ "cgroup", required_argument, NULL, OOMW_CLI_OPT_CGROUP }, \
	{ "candidates", required_argument, NULL, OOMW_CLI_OPT_CANDIDATES }
/* clang-format on */

/* Where those options go. */
struct oomw_cli_common {
	struct oomw_monitor_config *mon; /* paths, cgroup globs, candidates */
	char *state_path;                /* char[PATH_MAX] */
	bool *kmsg_given;                /* set by --kmsg */
};

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
/* The option c of OOMW_CLI_OPTIONS with its argument (kept by pointer for
 * --cgroup: arg must outlive the monitor config): 0, or -1 with the reason; 1
 * when c is not one of them. */
int oomw_cli_common_option(int c, const char *arg, const struct oomw_cli_common *to,
			   char reason[OOMW_CLI_REASON_MAX]);
/* oomw_paths_check_log, worded by option (--kmsg, --journal-dir). */
int oomw_cli_check_log(const struct oomw_paths *p, bool kmsg_given, char reason[OOMW_CLI_REASON_MAX]);

/* A directory the user named must exist and allow mode (access(2): R_OK,
 * W_OK, X_OK); its absence or a file in its place is refused. */
int oomw_cli_check_dir(const char *opt, const char *dir, int mode, char reason[OOMW_CLI_REASON_MAX]);

#endif
