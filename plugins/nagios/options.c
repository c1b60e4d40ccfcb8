/* SPDX-License-Identifier: MIT */
/* options.c — check_oom's command line: getopt_long, the defaults, and the
 * checks that turn a bad argument into a one-line reason instead of a guess. */
#include "options.h"

#include <stddef.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "journal.h"
#include "oomw.h"

/* The Monitoring Plugins default for -t. */
#define DEFAULT_TIMEOUT "10s"
/* A century: longer than any log, and far from overflowing in microseconds. */
#define WINDOW_DAYS_MAX 36500
#define WINDOW_SEC_MAX ((int64_t)WINDOW_DAYS_MAX * 86400)
#define VERBOSE_MAX 3

enum {
	OPT_WINDOW = OOMW_CLI_OPT_OWN,
	OPT_MEM_WARN,
	OPT_MEM_CRIT,
	OPT_SWAP_WARN,
	OPT_SWAP_CRIT,
	OPT_PSI,
	OPT_PSI_AVG,
	OPT_PSI_WARN,
	OPT_PSI_CRIT,
	OPT_CGROUP_WARN,
	OPT_CGROUP_CRIT,
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
	{ "cgroup-warning", required_argument, NULL, OPT_CGROUP_WARN },
	{ "cgroup-critical", required_argument, NULL, OPT_CGROUP_CRIT },
	OOMW_CLI_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

static const char help_text[] = CHECK_OOM_NAME
	" " CHECK_OOM_VERSION " (oomwatch) - did the Linux OOM killer strike, is memory running out?\n"
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
	"  -c, --critical RANGE    kills within the window (default: " OOMW_DEFAULT_KILLS_CRITICAL
	", i.e. any kill)\n"
	"      --window TIME       how long a kill keeps alerting (default: " OOMW_DEFAULT_KILL_WINDOW
	", at most 36500d)\n"
	"Memory, swap, pressure:\n"
	"      --mem-warning RANGE   MemAvailable, % of MemTotal or a size (default: " OOMW_DEFAULT_MEM_WARNING
	")\n"
	"      --mem-critical RANGE  (default: " OOMW_DEFAULT_MEM_CRITICAL ")\n"
	"      --swap-warning RANGE  SwapFree, % of SwapTotal or a size (default: " OOMW_DEFAULT_SWAP_WARNING
	")\n"
	"      --swap-critical RANGE (default: " OOMW_DEFAULT_SWAP_CRITICAL
	"); a machine without swap is OK\n"
	"      --psi some|full       which memory pressure line (default: full)\n"
	"      --psi-avg 10|60|300   which average, in seconds (default: 60)\n"
	"      --psi-warning RANGE   percent of time stalled (default: " OOMW_DEFAULT_PSI_WARNING ")\n"
	"      --psi-critical RANGE  (default: " OOMW_DEFAULT_PSI_CRITICAL
	"); no PSI in the kernel is OK\n"
	"Cgroups:\n"
	"      --cgroup GLOB         watch memory cgroups whose path matches (repeatable;\n"
	"                            '*' also matches '/': '/kubepods*'); lists their kills\n"
	"                            in the window and checks usage against their limit\n"
	"      --cgroup-warning RANGE  usage, % of the limit or a size (default: " OOMW_DEFAULT_CGROUP_WARNING
	")\n"
	"      --cgroup-critical RANGE (default: none; usage includes page cache)\n"
	"Details:\n"
	"      --candidates N      list the N processes the OOM killer would pick next\n"
	"  -v, --verbose           more long output (up to -vvv); the default stays under 1 KiB\n"
	"Sources:\n"
	"      --proc DIR          proc file system (default: /proc)\n"
	"      --sys DIR           sys file system (default: /sys)\n"
	"      --kmsg FILE|journal|none  kernel log: /dev/kmsg (default), a saved dmesg,\n"
	"                          dmesg -T or syslog file, journal (the systemd journal:\n"
	"                          group systemd-journal suffices; also systemd-oomd's and\n"
	"                          earlyoom's kills), or none (count kills without details)\n"
	"      --journal-dir DIR   with --kmsg journal: the journal files in DIR (a\n"
	"                          container's or another machine's) instead of the system's\n"
	"      --state FILE        state file (default: $MP_STATE_PATH/check_oom/, else\n"
	"                          /var/lib/oomwatch/check_oom/UID/ if its parent exists,\n"
	"                          else /var/tmp/check_oom-UID/; one file per set of sources)\n"
	"  -t, --timeout TIME      give up with UNKNOWN after TIME (default: " DEFAULT_TIMEOUT ")\n"
	"  -h, --help              this help (exit status 3, like every non-check run)\n"
	"  -V, --version           the version (exit status 3)\n"
	"\n"
	"RANGE: for MemAvailable and SwapFree a bare value alerts below it, as check_swap\n"
	"and check_disk: --mem-warning 10% warns below 10% available, --mem-critical 512M\n"
	"below 512 MiB. Elsewhere a bare N alerts above N. A Nagios range (with ':', or\n"
	"starting with '@' or '~') keeps its exact meaning: N: below N, ~:N above N,\n"
	"N:M outside N..M, @N:M inside. Sizes need a unit: % or B, K/KiB, M/MiB, G/GiB,\n"
	"T/TiB (powers of 1024). An empty RANGE ('') turns that default off. TIME is 30s,\n"
	"15m, 1h, 1d or plain seconds. The same grammar is used by collectd and SNMP.\n"
	"\n"
	"Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad arguments, an unreadable\n"
	"/proc, the state file, a timeout). As a user who cannot read the kernel log\n"
	"(kernel.dmesg_restrict=1), kills are still counted and alerted; only the victim's\n"
	"name and size need CAP_SYSLOG.\n";

const char *check_options_help(void)
{
	return help_text;
}

static void set_defaults(struct check_options *o)
{
	const char *why = NULL;
	memset(o, 0, sizeof(*o));
	oomw_paths_default(&o->mon.paths);
	oomw_assess_params_default(&o->params, OOMW_FRONTEND_NAGIOS);
	/* A constant the --help text shows: it parses. */
	(void)oomw_duration_parse(DEFAULT_TIMEOUT, &o->timeout_sec, &why);
}

/* An option that takes a threshold: the same grammar as every front end (assess.h). */
struct range_option {
	int id;
	const char *name;
	enum oomw_metric metric;
	size_t offset; /* of its struct oomw_threshold in struct check_options */
};

#define THRESHOLD_AT(member) offsetof(struct check_options, params.member)

static const struct range_option range_options[] = {
	{ 'w', "-w", OOMW_METRIC_COUNT, THRESHOLD_AT(kills.warning) },
	{ 'c', "-c", OOMW_METRIC_COUNT, THRESHOLD_AT(kills.critical) },
	{ OPT_MEM_WARN, "--mem-warning", OOMW_METRIC_FREE, THRESHOLD_AT(mem_available.warning) },
	{ OPT_MEM_CRIT, "--mem-critical", OOMW_METRIC_FREE, THRESHOLD_AT(mem_available.critical) },
	{ OPT_SWAP_WARN, "--swap-warning", OOMW_METRIC_FREE, THRESHOLD_AT(swap_free.warning) },
	{ OPT_SWAP_CRIT, "--swap-critical", OOMW_METRIC_FREE, THRESHOLD_AT(swap_free.critical) },
	{ OPT_PSI_WARN, "--psi-warning", OOMW_METRIC_PRESSURE, THRESHOLD_AT(psi.warning) },
	{ OPT_PSI_CRIT, "--psi-critical", OOMW_METRIC_PRESSURE, THRESHOLD_AT(psi.critical) },
	{ OPT_CGROUP_WARN, "--cgroup-warning", OOMW_METRIC_USAGE, THRESHOLD_AT(cgroup_usage.warning) },
	{ OPT_CGROUP_CRIT, "--cgroup-critical", OOMW_METRIC_USAGE, THRESHOLD_AT(cgroup_usage.critical) },
};

static const struct range_option *find_range_option(int id)
{
	for (size_t i = 0; i < sizeof(range_options) / sizeof(range_options[0]); i++)
		if (range_options[i].id == id)
			return &range_options[i];
	return NULL;
}

static int parse_threshold(const struct range_option *ro, const char *text, struct check_options *o,
			   char *reason)
{
	char why[OOMW_THRESHOLD_WHY_MAX];
	struct oomw_threshold *t = (struct oomw_threshold *)((char *)o + ro->offset);
	if (oomw_threshold_parse(text, ro->metric, t, why) < 0) {
		oomw_cli_say(reason, "%s: %s", ro->name, why);
		return -1;
	}
	return 0;
}

static int parse_duration(const char *opt, const char *text, int64_t *sec, char *reason)
{
	const char *why = "invalid duration";
	if (oomw_duration_parse(text, sec, &why) < 0) {
		oomw_cli_say(reason, "%s: bad duration '%s': %s", opt, text, why);
		return -1;
	}
	return 0;
}

static int parse_window(const char *arg, struct check_options *o, char *reason)
{
	if (parse_duration("--window", arg, &o->params.window_sec, reason) < 0)
		return -1;
	if (o->params.window_sec > WINDOW_SEC_MAX) {
		oomw_cli_say(reason, "--window: '%s' is more than %dd", arg, WINDOW_DAYS_MAX);
		return -1;
	}
	return 0;
}

static int parse_psi(const char *arg, struct check_options *o, char *reason)
{
	if (strcmp(arg, "some") == 0) {
		o->params.psi_line = OOMW_PSI_SOME;
	} else if (strcmp(arg, "full") == 0) {
		o->params.psi_line = OOMW_PSI_FULL;
	} else {
		oomw_cli_say(reason, "--psi: '%s' is not some or full", arg);
		return -1;
	}
	return 0;
}

static int parse_psi_avg(const char *arg, struct check_options *o, char *reason)
{
	uint64_t n;
	if (oomw_parse_u64(arg, strlen(arg), &n) < 0 || (n != 10 && n != 60 && n != 300)) {
		oomw_cli_say(reason, "--psi-avg: '%s' is not 10, 60 or 300", arg);
		return -1;
	}
	o->params.psi_avg_sec = (int)n;
	return 0;
}

static int parse_one(int c, const char *arg, void *ctx, char reason[OOMW_CLI_REASON_MAX])
{
	struct check_options *o = ctx;
	const struct range_option *ro = find_range_option(c);
	if (ro)
		return parse_threshold(ro, arg, o, reason);
	const struct oomw_cli_common common = { &o->mon, o->state_path, &o->kmsg_given };
	int r = oomw_cli_common_option(c, arg, &common, reason);
	if (r <= 0)
		return r;
	switch (c) {
	case 'v':
		if (o->verbose < VERBOSE_MAX)
			o->verbose++;
		return 0;
	case 't':
		return parse_duration("-t", arg, &o->timeout_sec, reason);
	case OPT_WINDOW:
		return parse_window(arg, o, reason);
	case OPT_PSI:
		return parse_psi(arg, o, reason);
	case OPT_PSI_AVG:
		return parse_psi_avg(arg, o, reason);
	}
	oomw_cli_say(reason, "internal error: option %d not handled", c);
	return -1;
}

enum check_parse_result check_options_parse(int argc, char **argv, struct check_options *o,
					    char reason[CHECK_OOM_REASON_MAX])
{
	set_defaults(o);
	enum oomw_cli_result r = oomw_cli_parse(argc, argv, ":hVvt:w:c:", long_options, parse_one,
						o, CHECK_OOM_NAME, reason);
	o->state_given = o->state_path[0] != '\0'; /* --state: never empty */
	return (enum check_parse_result)r;
}

/* A source the user named must exist; the defaults may be missing (a
 * container without /dev/kmsg) and that is reported, not refused. */
int check_options_check_sources(const struct check_options *o, char reason[CHECK_OOM_REASON_MAX])
{
	if (oomw_cli_check_dir("--proc", o->mon.paths.proc, R_OK | X_OK, reason) < 0 ||
	    oomw_cli_check_dir("--sys", o->mon.paths.sys, R_OK | X_OK, reason) < 0)
		return -1;
	return oomw_cli_check_log(&o->mon.paths, o->kmsg_given, reason);
}
