/* SPDX-License-Identifier: MIT */
/* cli.h — the command-line pieces the programs with options share (check_oom,
 * oomwatch-exporter): the getopt_long loop with one wording for its refusals,
 * -h, -V and positional arguments; the options every one takes (sources,
 * --state, --cgroup, --candidates); the checks of the directories and the log
 * the user named. Each fills a one-line reason for the program to print in its
 * own way; nothing prints here. */
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

enum oomw_cli_result {
	OOMW_CLI_RUN,     /* go on */
	OOMW_CLI_HELP,    /* -h, --help: print the help */
	OOMW_CLI_VERSION, /* -V, --version: print the version */
	OOMW_CLI_ERROR,   /* reason holds one line */
};

/* A program's handler of one of its options (getopt_long's c, optarg): 0, or
 * -1 with the reason filled. */
typedef int oomw_cli_option_fn(int c, const char *arg, void *ctx, char reason[OOMW_CLI_REASON_MAX]);

/* The command line of prog, from argv[1] on, getopt's own messages off: each
 * option but -h and -V through one(c, optarg, ctx), the first refusal (by
 * getopt or by one) ending it; then help, version, and an error for a
 * positional argument, in that order. */
enum oomw_cli_result oomw_cli_parse(int argc, char **argv, const char *shortopts,
				    const struct option *longopts, oomw_cli_option_fn *one,
				    void *ctx, const char *prog, char reason[OOMW_CLI_REASON_MAX]);
/* Fills reason with one printf-formatted line; long user input is cut, which
 * is fine in a message. */
__attribute__((format(printf, 2, 3))) void oomw_cli_say(char reason[OOMW_CLI_REASON_MAX],
							const char *fmt, ...);
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
