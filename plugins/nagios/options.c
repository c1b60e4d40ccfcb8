/* SPDX-License-Identifier: MIT */
/* options.c — check_oom's command line: getopt_long, the defaults, and the
 * checks that turn a bad argument into a one-line reason instead of a guess. */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oomw.h"

/* The Monitoring Plugins default for -t. */
#define DEFAULT_TIMEOUT "10s"
#define DEFAULT_WINDOW "24h"
/* A century: longer than any log, and far from overflowing in microseconds. */
#define WINDOW_DAYS_MAX 36500
#define WINDOW_SEC_MAX ((int64_t)WINDOW_DAYS_MAX * 86400)
/* Any kill in the window is critical: "0" alerts outside 0..0. */
#define DEFAULT_KILLS_CRIT "0"
#define DEFAULT_MEM_WARN "10%:"
#define DEFAULT_MEM_CRIT "5%:"
#define DEFAULT_SWAP_WARN "20%:"
#define DEFAULT_SWAP_CRIT "10%:"
#define DEFAULT_PSI_WARN "5"
#define DEFAULT_PSI_CRIT "20"
/* Usage counts page cache, which fills a cgroup up to its limit on purpose,
 * so only a warning by default: a kill inside is what is critical. */
#define DEFAULT_CGROUP_WARN "90%"

enum {
	OPT_WINDOW = 256,
	OPT_MEM_WARN,
	OPT_MEM_CRIT,
	OPT_SWAP_WARN,
	OPT_SWAP_CRIT,
	OPT_PSI,
	OPT_PSI_AVG,
	OPT_PSI_WARN,
	OPT_PSI_CRIT,
	OPT_CGROUP,
	OPT_CGROUP_WARN,
	OPT_CGROUP_CRIT,
	OPT_CANDIDATES,
	OPT_PROC,
	OPT_SYS,
	OPT_KMSG,
	OPT_STATE,
};

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "timeout", required_argument, NULL, 't' },
	{ "warning", required_argument, NULL, 'w' },
	{ "critical", required_argument, NULL, 'c' },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "mem-warning", required_argument, NULL, OPT_MEM_WARN },
	{ "mem-critical", required_argument, NULL, OPT_MEM_CRIT },
	{ "swap-warning", required_argument, NULL, OPT_SWAP_WARN },
	{ "swap-critical", required_argument, NULL, OPT_SWAP_CRIT },
	{ "psi", required_argument, NULL, OPT_PSI },
	{ "psi-avg", required_argument, NULL, OPT_PSI_AVG },
	{ "psi-warning", required_argument, NULL, OPT_PSI_WARN },
	{ "psi-critical", required_argument, NULL, OPT_PSI_CRIT },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "cgroup-warning", required_argument, NULL, OPT_CGROUP_WARN },
	{ "cgroup-critical", required_argument, NULL, OPT_CGROUP_CRIT },
	{ "candidates", required_argument, NULL, OPT_CANDIDATES },
	{ "proc", required_argument, NULL, OPT_PROC },
	{ "sys", required_argument, NULL, OPT_SYS },
	{ "kmsg", required_argument, NULL, OPT_KMSG },
	{ "state", required_argument, NULL, OPT_STATE },
	{ NULL, 0, NULL, 0 },
};

static const char help_text[] =
	CHECK_OOM_NAME " " CHECK_OOM_VERSION " (oomwatch) - did the Linux OOM killer strike, is memory running out?\n"
	"\n"
	"Usage: " CHECK_OOM_NAME " [-v] [-t TIME] [-w RANGE] [-c RANGE] [--window TIME] [options]\n"
	"\n"
	"Counts OOM kills (global and memory cgroup) from /proc/vmstat and cgroup counters,\n"
	"names the victims from the kernel log when it is readable, and remembers them in\n"
	"a state file, so a kill alerts while it is inside --window and then stops by\n"
	"itself. Nothing needs to be cleared and no dmesg -c is run.\n"
	"\n"
	"Kills:\n"
	"  -w, --warning RANGE     kills within the window (default: none)\n"
	"  -c, --critical RANGE    kills within the window (default: " DEFAULT_KILLS_CRIT
	", i.e. any kill)\n"
	"      --window TIME       how long a kill keeps alerting (default: " DEFAULT_WINDOW ", at most 36500d)\n"
	"Memory, swap, pressure:\n"
	"      --mem-warning RANGE   MemAvailable, % of MemTotal or a size (default: " DEFAULT_MEM_WARN ")\n"
	"      --mem-critical RANGE  (default: " DEFAULT_MEM_CRIT ")\n"
	"      --swap-warning RANGE  SwapFree, % of SwapTotal or a size (default: " DEFAULT_SWAP_WARN ")\n"
	"      --swap-critical RANGE (default: " DEFAULT_SWAP_CRIT "); a machine without swap is OK\n"
	"      --psi some|full       which memory pressure line (default: full)\n"
	"      --psi-avg 10|60|300   which average, in seconds (default: 60)\n"
	"      --psi-warning RANGE   percent of time stalled (default: " DEFAULT_PSI_WARN ")\n"
	"      --psi-critical RANGE  (default: " DEFAULT_PSI_CRIT "); no PSI in the kernel is OK\n"
	"Cgroups:\n"
	"      --cgroup GLOB         watch memory cgroups whose path matches (repeatable;\n"
	"                            '*' also matches '/': '/kubepods*'); lists their kills\n"
	"                            in the window and checks usage against their limit\n"
	"      --cgroup-warning RANGE  usage, % of the limit or a size (default: " DEFAULT_CGROUP_WARN ")\n"
	"      --cgroup-critical RANGE (default: none; usage includes page cache)\n"
	"Details:\n"
	"      --candidates N      list the N processes the OOM killer would pick next\n"
	"  -v, --verbose           more long output (up to -vvv); the default stays under 1 KiB\n"
	"Sources:\n"
	"      --proc DIR          proc file system (default: /proc)\n"
	"      --sys DIR           sys file system (default: /sys)\n"
	"      --kmsg FILE|none    kernel log: /dev/kmsg (default), a saved dmesg, dmesg -T or\n"
	"                          syslog file, or none (count kills without details)\n"
	"      --state FILE        state file (default: $MP_STATE_PATH/check_oom/, else\n"
	"                          /var/lib/oomwatch/check_oom/UID/ if its parent exists,\n"
	"                          else /var/tmp/check_oom-UID/; one file per set of sources)\n"
	"  -t, --timeout TIME      give up with UNKNOWN after TIME (default: " DEFAULT_TIMEOUT ")\n"
	"  -h, --help              this help (exit status 3, like every non-check run)\n"
	"  -V, --version           the version (exit status 3)\n"
	"\n"
	"RANGE is the Nagios syntax: N alerts outside 0..N, N: below N, ~:N above N,\n"
	"N:M outside N..M, @N:M inside. Sizes take B, K/KiB, M/MiB, G/GiB (powers of\n"
	"1024); e.g. --mem-warning 10%: warns below 10% available, --mem-critical 512MiB:\n"
	"below 512 MiB. An empty RANGE ('') turns that default off. TIME is 30s, 15m, 1h, 1d\n"
	"or plain seconds.\n"
	"\n"
	"Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad arguments, an unreadable\n"
	"/proc, the state file, a timeout). As a user who cannot read the kernel log\n"
	"(kernel.dmesg_restrict=1), kills are still counted and alerted; only the victim's\n"
	"name and size need CAP_SYSLOG.\n";

/* Fills the one-line reason; long user input is cut, which is fine in a message. */
__attribute__((format(printf, 2, 3))) static void say(char *reason, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, CHECK_OOM_REASON_MAX, fmt, ap);
	va_end(ap);
}

const char *check_options_help(void)
{
	return help_text;
}

static void set_range(struct oomw_range *r, bool *has, const char *text)
{
	const char *why = NULL;
	*has = oomw_range_parse(text, r, &why) == 0;
}

static void set_defaults(struct check_options *o)
{
	memset(o, 0, sizeof(*o));
	oomw_paths_default(&o->mon.paths);
	o->psi_line = CHECK_PSI_FULL;
	o->psi_avg_sec = 60;
	const char *why = NULL;
	oomw_duration_parse(DEFAULT_TIMEOUT, &o->timeout_sec, &why);
	oomw_duration_parse(DEFAULT_WINDOW, &o->window_sec, &why);
	set_range(&o->kills.crit, &o->kills.has_crit, DEFAULT_KILLS_CRIT);
	set_range(&o->mem.warn, &o->mem.has_warn, DEFAULT_MEM_WARN);
	set_range(&o->mem.crit, &o->mem.has_crit, DEFAULT_MEM_CRIT);
	set_range(&o->swap.warn, &o->swap.has_warn, DEFAULT_SWAP_WARN);
	set_range(&o->swap.crit, &o->swap.has_crit, DEFAULT_SWAP_CRIT);
	set_range(&o->psi.warn, &o->psi.has_warn, DEFAULT_PSI_WARN);
	set_range(&o->psi.crit, &o->psi.has_crit, DEFAULT_PSI_CRIT);
	set_range(&o->cgroup_usage.warn, &o->cgroup_usage.has_warn, DEFAULT_CGROUP_WARN);
}

/* Which units a signal's ranges may use. */
enum allowed_units { UNITS_COUNT, UNITS_PCT, UNITS_SIZE_OR_PCT };

static int parse_range(const char *opt, const char *text, enum allowed_units allowed,
		       struct oomw_range *r, bool *has, char *reason)
{
	const char *why = "invalid range";
	if (text[0] == '\0') {
		*has = false;
		return 0;
	}
	if (oomw_range_parse(text, r, &why) < 0) {
		say(reason, "%s: malformed range '%s': %s", opt, text, why);
		return -1;
	}
	bool ok = false;
	switch (allowed) {
	case UNITS_COUNT:
		ok = r->unit == OOMW_UNIT_NONE;
		why = "a count takes no unit";
		break;
	case UNITS_PCT:
		ok = r->unit != OOMW_UNIT_BYTES;
		why = "a percentage takes no size unit";
		break;
	case UNITS_SIZE_OR_PCT:
		ok = r->unit != OOMW_UNIT_NONE;
		why = "give a percentage (10%:) or a size with a unit (512MiB:)";
		break;
	}
	if (!ok) {
		say(reason, "%s: range '%s': %s", opt, text, why);
		return -1;
	}
	*has = true;
	return 0;
}

static int parse_duration(const char *opt, const char *text, int64_t *sec, char *reason)
{
	const char *why = "invalid duration";
	if (oomw_duration_parse(text, sec, &why) < 0) {
		say(reason, "%s: bad duration '%s': %s", opt, text, why);
		return -1;
	}
	return 0;
}

static int set_path(const char *opt, char field[PATH_MAX], const char *value, char *reason)
{
	if (value[0] == '\0' || oomw_paths_set(field, value) < 0) {
		say(reason, "%s: empty or too long path", opt);
		return -1;
	}
	return 0;
}

/* A source the user named must exist; the defaults may be missing (a
 * container without /dev/kmsg) and that is reported, not refused. */
static int check_dir(const char *opt, const char *dir, char *reason)
{
	struct stat st;
	if (stat(dir, &st) < 0) {
		say(reason, "%s %s: %s", opt, dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		say(reason, "%s %s: not a directory", opt, dir);
		return -1;
	}
	if (access(dir, R_OK | X_OK) < 0) {
		say(reason, "%s %s: %s", opt, dir, strerror(errno));
		return -1;
	}
	return 0;
}

static int parse_one(int c, const char *arg, struct check_options *o, char *reason)
{
	uint64_t n;
	switch (c) {
	case 'v':
		if (o->verbose < 3)
			o->verbose++;
		return 0;
	case 't':
		return parse_duration("-t", arg, &o->timeout_sec, reason);
	case 'w':
		return parse_range("-w", arg, UNITS_COUNT, &o->kills.warn, &o->kills.has_warn, reason);
	case 'c':
		return parse_range("-c", arg, UNITS_COUNT, &o->kills.crit, &o->kills.has_crit, reason);
	case OPT_WINDOW:
		if (parse_duration("--window", arg, &o->window_sec, reason) < 0)
			return -1;
		if (o->window_sec > WINDOW_SEC_MAX) {
			say(reason, "--window: '%s' is more than %dd", arg, WINDOW_DAYS_MAX);
			return -1;
		}
		return 0;
	case OPT_MEM_WARN:
		return parse_range("--mem-warning", arg, UNITS_SIZE_OR_PCT, &o->mem.warn,
				   &o->mem.has_warn, reason);
	case OPT_MEM_CRIT:
		return parse_range("--mem-critical", arg, UNITS_SIZE_OR_PCT, &o->mem.crit,
				   &o->mem.has_crit, reason);
	case OPT_SWAP_WARN:
		return parse_range("--swap-warning", arg, UNITS_SIZE_OR_PCT, &o->swap.warn,
				   &o->swap.has_warn, reason);
	case OPT_SWAP_CRIT:
		return parse_range("--swap-critical", arg, UNITS_SIZE_OR_PCT, &o->swap.crit,
				   &o->swap.has_crit, reason);
	case OPT_PSI_WARN:
		return parse_range("--psi-warning", arg, UNITS_PCT, &o->psi.warn, &o->psi.has_warn,
				   reason);
	case OPT_PSI_CRIT:
		return parse_range("--psi-critical", arg, UNITS_PCT, &o->psi.crit, &o->psi.has_crit,
				   reason);
	case OPT_CGROUP_WARN:
		return parse_range("--cgroup-warning", arg, UNITS_SIZE_OR_PCT, &o->cgroup_usage.warn,
				   &o->cgroup_usage.has_warn, reason);
	case OPT_CGROUP_CRIT:
		return parse_range("--cgroup-critical", arg, UNITS_SIZE_OR_PCT,
				   &o->cgroup_usage.crit, &o->cgroup_usage.has_crit, reason);
	case OPT_PSI:
		if (strcmp(arg, "some") == 0)
			o->psi_line = CHECK_PSI_SOME;
		else if (strcmp(arg, "full") == 0)
			o->psi_line = CHECK_PSI_FULL;
		else {
			say(reason, "--psi: '%s' is not some or full", arg);
			return -1;
		}
		return 0;
	case OPT_PSI_AVG:
		if (oomw_parse_u64(arg, strlen(arg), &n) < 0 || (n != 10 && n != 60 && n != 300)) {
			say(reason, "--psi-avg: '%s' is not 10, 60 or 300", arg);
			return -1;
		}
		o->psi_avg_sec = (int)n;
		return 0;
	case OPT_CGROUP:
		if (o->mon.n_cgroup_globs == OOMW_GLOBS_MAX) {
			say(reason, "--cgroup: at most %d patterns", OOMW_GLOBS_MAX);
			return -1;
		}
		if (arg[0] == '\0') {
			say(reason, "--cgroup: empty pattern");
			return -1;
		}
		o->mon.cgroup_globs[o->mon.n_cgroup_globs++] = arg;
		return 0;
	case OPT_CANDIDATES:
		if (oomw_parse_u64(arg, strlen(arg), &n) < 0 || n > OOMW_CANDIDATES_MAX) {
			say(reason, "--candidates: '%s' is not 0..%d", arg, OOMW_CANDIDATES_MAX);
			return -1;
		}
		o->mon.n_candidates = (size_t)n;
		return 0;
	case OPT_PROC:
		return set_path("--proc", o->mon.paths.proc, arg, reason);
	case OPT_SYS:
		return set_path("--sys", o->mon.paths.sys, arg, reason);
	case OPT_KMSG:
		o->kmsg_given = true;
		return set_path("--kmsg", o->mon.paths.kmsg, arg, reason);
	case OPT_STATE:
		o->state_given = true;
		return set_path("--state", o->state_path, arg, reason);
	}
	say(reason, "internal error: option %d not handled", c);
	return -1;
}

enum check_parse_result check_options_parse(int argc, char **argv, struct check_options *o,
					    char reason[CHECK_OOM_REASON_MAX])
{
	set_defaults(o);
	reason[0] = '\0';
	opterr = 0; /* our reason goes to stdout as one UNKNOWN line, not getopt's to stderr */
	optind = 1;
	bool help = false, version = false;
	int c, prev_optind = optind;
	while ((c = getopt_long(argc, argv, ":hVvt:w:c:", long_options, NULL)) != -1) {
		if (c == 'h') {
			help = true;
		} else if (c == 'V') {
			version = true;
		} else if (c == '?' || c == ':') {
			const char *what = c == '?' ? "unknown option" : "missing argument for";
			/* getopt stays on a cluster of short options ("-xv") until its
			 * end: then the element at fault is argv[optind], not the one
			 * before it (which may be a long option, e.g. --state=FILE). */
			const char *arg = argv[optind > prev_optind ? optind - 1 : optind];
			/* getopt knows "--help=x" (optopt is its value) but not "--bogus". */
			if (c == '?' && optopt != 0 && strncmp(arg, "--", 2) == 0 && strchr(arg, '='))
				what = "no value allowed for";
			if (strncmp(arg, "--", 2) == 0)
				say(reason, "%s '%.*s' (see --help)", what, (int)strcspn(arg, "="),
				    arg);
			else
				say(reason, "%s '-%c' (see --help)", what, optopt);
			return CHECK_PARSE_ERROR;
		} else if (parse_one(c, optarg, o, reason) < 0) {
			return CHECK_PARSE_ERROR;
		}
		prev_optind = optind;
	}
	if (help)
		return CHECK_PARSE_HELP;
	if (version)
		return CHECK_PARSE_VERSION;
	if (optind < argc) {
		say(reason, "unexpected argument '%s': check_oom takes no positional arguments",
		    argv[optind]);
		return CHECK_PARSE_ERROR;
	}
	return CHECK_PARSE_RUN;
}

int check_options_check_sources(const struct check_options *o, char reason[CHECK_OOM_REASON_MAX])
{
	if (check_dir("--proc", o->mon.paths.proc, reason) < 0 ||
	    check_dir("--sys", o->mon.paths.sys, reason) < 0)
		return -1;
	/* A named log file must exist; an unreadable one is the unprivileged case.
	 * A directory is a mistake, not a log that fails to read (EINVAL). */
	struct stat st;
	if (o->kmsg_given && strcmp(o->mon.paths.kmsg, OOMW_KMSG_NONE) != 0) {
		if (stat(o->mon.paths.kmsg, &st) < 0) {
			say(reason, "--kmsg %s: %s", o->mon.paths.kmsg, strerror(errno));
			return -1;
		}
		if (S_ISDIR(st.st_mode)) {
			say(reason, "--kmsg %s: a directory, not a log file", o->mon.paths.kmsg);
			return -1;
		}
	}
	return 0;
}
