/* SPDX-License-Identifier: MIT */
/* cli.c — shared command-line pieces (cli.h). */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oomw.h"

void oomw_cli_say(char reason[OOMW_CLI_REASON_MAX], const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, OOMW_CLI_REASON_MAX, fmt, ap);
	va_end(ap);
}

/* The reason for getopt_long's '?' or ':' (c), read from the optind and optopt
 * it left; prev_optind is optind before that getopt_long call. */
static void getopt_error(int c, char *const argv[], int prev_optind, char reason[OOMW_CLI_REASON_MAX])
{
	const char *what = c == '?' ? "unknown option" : "missing argument for";
	/* getopt stays on a cluster of short options ("-xv") until its end: then
	 * the element at fault is argv[optind], not the one before it (which may
	 * be a long option, e.g. --state=FILE). */
	const char *arg = argv[optind > prev_optind ? optind - 1 : optind];
	/* getopt knows "--help=x" (optopt is its value) but not "--bogus". */
	if (c == '?' && optopt != 0 && strncmp(arg, "--", 2) == 0 && strchr(arg, '='))
		what = "no value allowed for";
	if (strncmp(arg, "--", 2) == 0)
		oomw_cli_say(reason, "%s '%.*s' (see --help)", what, (int)strcspn(arg, "="), arg);
	else
		oomw_cli_say(reason, "%s '-%c' (see --help)", what, optopt);
}

enum oomw_cli_result oomw_cli_parse(int argc, char **argv, const char *shortopts,
				    const struct option *longopts, oomw_cli_option_fn *one,
				    void *ctx, const char *prog, char reason[OOMW_CLI_REASON_MAX])
{
	reason[0] = '\0';
	opterr = 0; /* the reason is the program's to print, not getopt's on stderr */
	optind = 1;
	bool help = false, version = false;
	int c, prev_optind = optind;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == 'h') {
			help = true;
		} else if (c == 'V') {
			version = true;
		} else if (c == '?' || c == ':') {
			getopt_error(c, argv, prev_optind, reason);
			return OOMW_CLI_ERROR;
		} else if (one(c, optarg, ctx, reason) < 0) {
			return OOMW_CLI_ERROR;
		}
		prev_optind = optind;
	}
	if (help)
		return OOMW_CLI_HELP;
	if (version)
		return OOMW_CLI_VERSION;
	if (optind < argc) {
		oomw_cli_say(reason, "unexpected argument '%s': %s takes no positional arguments",
			     argv[optind], prog);
		return OOMW_CLI_ERROR;
	}
	return OOMW_CLI_RUN;
}

int oomw_cli_path(const char *opt, char field[PATH_MAX], const char *value,
		  char reason[OOMW_CLI_REASON_MAX])
{
	if (value[0] == '\0' || oomw_paths_set(field, value) < 0) {
		oomw_cli_say(reason, "%s: empty or too long path", opt);
		return -1;
	}
	return 0;
}

/* --cgroup GLOB and --candidates N. */
static int cli_cgroup(struct oomw_monitor_config *mon, const char *arg,
		      char reason[OOMW_CLI_REASON_MAX])
{
	if (mon->n_cgroup_globs == OOMW_GLOBS_MAX) {
		oomw_cli_say(reason, "--cgroup: at most %d patterns", OOMW_GLOBS_MAX);
		return -1;
	}
	if (arg[0] == '\0') {
		oomw_cli_say(reason, "--cgroup: empty pattern");
		return -1;
	}
	mon->cgroup_globs[mon->n_cgroup_globs++] = arg;
	return 0;
}

static int cli_candidates(struct oomw_monitor_config *mon, const char *arg,
			  char reason[OOMW_CLI_REASON_MAX])
{
	uint64_t n;
	if (oomw_parse_u64(arg, strlen(arg), &n) < 0 || n > OOMW_CANDIDATES_MAX) {
		oomw_cli_say(reason, "--candidates: '%s' is not 0..%d", arg, OOMW_CANDIDATES_MAX);
		return -1;
	}
	mon->n_candidates = (size_t)n;
	return 0;
}

int oomw_cli_common_option(int c, const char *arg, const struct oomw_cli_common *to,
			   char reason[OOMW_CLI_REASON_MAX])
{
	struct oomw_paths *p = &to->mon->paths;
	switch (c) {
	case OOMW_CLI_OPT_PROC:
		return oomw_cli_path("--proc", p->proc, arg, reason);
	case OOMW_CLI_OPT_SYS:
		return oomw_cli_path("--sys", p->sys, arg, reason);
	case OOMW_CLI_OPT_KMSG:
		*to->kmsg_given = true;
		return oomw_cli_path("--kmsg", p->kmsg, arg, reason);
	case OOMW_CLI_OPT_JOURNAL_DIR:
		return oomw_cli_path("--journal-dir", p->journal_dir, arg, reason);
	case OOMW_CLI_OPT_STATE:
		return oomw_cli_path("--state", to->state_path, arg, reason);
	case OOMW_CLI_OPT_CGROUP:
		return cli_cgroup(to->mon, arg, reason);
	case OOMW_CLI_OPT_CANDIDATES:
		return cli_candidates(to->mon, arg, reason);
	}
	return 1;
}

int oomw_cli_check_log(const struct oomw_paths *p, bool kmsg_given, char reason[OOMW_CLI_REASON_MAX])
{
	enum oomw_paths_bad bad;
	const char *why;
	int r = oomw_paths_check_log(p, kmsg_given, &bad, &why);
	if (r == 0)
		return 0;
	bool kmsg = bad == OOMW_PATHS_BAD_KMSG;
	oomw_cli_say(reason, "%s %s: %s", kmsg ? "--kmsg" : "--journal-dir",
		     kmsg ? p->kmsg : p->journal_dir, why ? why : strerror(-r));
	return -1;
}

int oomw_cli_check_dir(const char *opt, const char *dir, int mode, char reason[OOMW_CLI_REASON_MAX])
{
	struct stat st;
	if (stat(dir, &st) < 0) {
		oomw_cli_say(reason, "%s %s: %s", opt, dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		oomw_cli_say(reason, "%s %s: not a directory", opt, dir);
		return -1;
	}
	if (access(dir, mode) < 0) {
		oomw_cli_say(reason, "%s %s: %s", opt, dir, strerror(errno));
		return -1;
	}
	return 0;
}
