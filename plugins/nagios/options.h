/* SPDX-License-Identifier: MIT */
/* options.h — what the user asked check_oom for: the command line turned into
 * one struct, with the documented defaults. Parsing never prints; a refusal
 * comes back as a one-line reason that main() reports as UNKNOWN. */
#ifndef CHECK_OOM_OPTIONS_H
#define CHECK_OOM_OPTIONS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "assess.h"
#include "cli.h"
#include "defaults.h"
#include "monitor.h"
#include "version.h"

#define CHECK_OOM_NAME "check_oom"
#define CHECK_OOM_VERSION OOMWATCH_VERSION
#define CHECK_OOM_REASON_MAX OOMW_CLI_REASON_MAX /* its reasons are filled by cli.h */

struct check_options {
	struct oomw_monitor_config mon;
	/* The window, every threshold and the PSI average (assess.h), from the
	 * defaults every front end shares, then the command line. */
	struct oomw_assess_params params;
	char state_path[PATH_MAX];
	bool state_given; /* --state; else the default location (statefile.h) */
	bool kmsg_given;  /* --kmsg; else /dev/kmsg, whose absence is not an error */
	int verbose;      /* 0..3 */
	int64_t timeout_sec;
};

enum check_parse_result {
	CHECK_PARSE_RUN = OOMW_CLI_RUN,         /* go on and check */
	CHECK_PARSE_HELP = OOMW_CLI_HELP,       /* print the help */
	CHECK_PARSE_VERSION = OOMW_CLI_VERSION, /* print the version */
	CHECK_PARSE_ERROR = OOMW_CLI_ERROR,     /* reason holds one line */
};

/* Fills *o from argv. The strings of argv must outlive *o (globs point into it). */
enum check_parse_result check_options_parse(int argc, char **argv, struct check_options *o,
					    char reason[CHECK_OOM_REASON_MAX]);
/* Checks that the sources the user named exist (--proc, --sys are readable
 * directories, a --kmsg file exists). Separate from parsing because a stat()
 * can hang (a dead NFS mount) and must run under -t. Returns 0, or -1 with
 * the reason filled. */
int check_options_check_sources(const struct check_options *o, char reason[CHECK_OOM_REASON_MAX]);
/* The --help text (static). */
const char *check_options_help(void);

#endif
