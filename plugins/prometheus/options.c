/* SPDX-License-Identifier: MIT */
/* options.c — oomwatch-exporter's command line (getopt_long) and the checks
 * that turn a bad argument into a one-line reason instead of a guess. */
#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "defaults.h"
#include "fileio.h"
#include "http.h"
#include "oomw.h"
#include "thresholds.h"
#include "version.h"

/* A day: a longer interval would leave the textfile stale for node_exporter's
 * mtime alerts anyway. */
#define INTERVAL_SEC_MAX 86400
/* node_exporter's textfile collector reads only files named *.prom. */
#define TEXTFILE_SUFFIX ".prom"

enum {
	OPT_TEXTFILE = OOMW_CLI_OPT_OWN,
	OPT_ONCE,
	OPT_LISTEN,
	OPT_ALLOW_REMOTE,
	OPT_INTERVAL,
};

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	OOMW_CLI_OPTIONS,
	{ "textfile", required_argument, NULL, OPT_TEXTFILE },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "allow-remote", no_argument, NULL, OPT_ALLOW_REMOTE },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ NULL, 0, NULL, 0 },
};

static const char help_text[] = PROM_NAME
	" " OOMWATCH_VERSION " (oomwatch) - OOM kills and memory for Prometheus\n"
	"\n"
	"Usage: " PROM_NAME " --textfile FILE.prom [--once] [options]\n"
	"       " PROM_NAME " --listen 127.0.0.1:PORT [options]\n"
	"\n"
	"Counts OOM kills (global and memory cgroup) from /proc/vmstat and cgroup counters,\n"
	"names the last victim from the kernel log, and exports them with memory, swap,\n"
	"memory pressure, cgroups and the next victims as Prometheus metrics.\n"
	"\n"
	"Output:\n"
	"      --textfile FILE     write FILE (named *.prom) for node_exporter's textfile\n"
	"                          collector, atomically (temp file in its directory, rename)\n"
	"      --once              write FILE once and exit (cron); without it, keep FILE\n"
	"                          current: rewritten at once on a kill or memory pressure,\n"
	"                          and every --interval\n"
	"      --listen ADDR:PORT  serve /metrics over HTTP on ADDR instead (127.0.0.1:9101,\n"
	"                          [::1]:9101, localhost:9101); loopback only unless\n"
	"      --allow-remote      also given (the endpoint has no authentication)\n"
	"      --interval TIME     refresh at least this often (default: " PROM_DEFAULT_INTERVAL
	"; 30s, 1m, at most 1d)\n"
	"Sources:\n"
	"      --proc DIR          proc file system (default: /proc)\n"
	"      --sys DIR           sys file system (default: /sys)\n"
	"      --kmsg FILE|none    kernel log: /dev/kmsg (default), a saved dmesg, dmesg -T or\n"
	"                          syslog file, journal (the systemd journal), or none\n"
	"                          (count kills without details)\n"
	"      --journal-dir DIR   with --kmsg journal: the journal files in DIR\n"
	"      --state FILE        state file: kills already seen survive a restart\n"
	"                          (default: none, kept in memory)\n"
	"      --cgroup GLOB       export memory cgroups whose path matches (repeatable, up to\n"
	"                          16; '*' also matches '/': '/system.slice/*')\n"
	"      --candidates N      export the N processes the OOM killer would pick next (0..32)\n"
	"  -h, --help              this help\n"
	"  -V, --version           the version\n"
	"\n"
	"Exit status: 0 done (or stopped by SIGTERM/SIGINT), 1 bad arguments, 2 cannot start\n"
	"or cannot write FILE (with --once).\n";

const char *prom_options_help(void)
{
	return help_text;
}

static int parse_interval(const char *arg, struct prom_options *o, char *reason)
{
	const char *why = "invalid duration";
	if (oomw_duration_parse(arg, &o->interval_sec, &why) < 0) {
		oomw_cli_say(reason, "--interval: bad duration '%s': %s", arg, why);
		return -1;
	}
	if (o->interval_sec > INTERVAL_SEC_MAX) {
		oomw_cli_say(reason, "--interval: '%s' is more than 1d", arg);
		return -1;
	}
	return 0;
}

static int parse_textfile(const char *arg, struct prom_options *o, char *reason)
{
	size_t len = strlen(arg), suffix = strlen(TEXTFILE_SUFFIX);
	if (len <= suffix || strcmp(arg + len - suffix, TEXTFILE_SUFFIX) != 0 ||
	    arg[len - suffix - 1] == '/') {
		oomw_cli_say(reason,
			     "--textfile: '%s' does not end in " TEXTFILE_SUFFIX
			     " (node_exporter reads only *" TEXTFILE_SUFFIX " files)",
			     arg);
		return -1;
	}
	return oomw_cli_path("--textfile", o->textfile, arg, reason);
}

/* What parse_one fills: the options, and one that only counts together with
 * another (check_combination). */
struct parse_ctx {
	struct prom_options *o;
	bool allow_remote;
};

static int parse_one(int c, const char *arg, void *ctx, char reason[OOMW_CLI_REASON_MAX])
{
	struct prom_options *o = ((struct parse_ctx *)ctx)->o;
	const struct oomw_cli_common common = { &o->mon, o->state_path, &o->kmsg_given };
	int r = oomw_cli_common_option(c, arg, &common, reason);
	if (r <= 0)
		return r;
	switch (c) {
	case OPT_TEXTFILE:
		return parse_textfile(arg, o, reason);
	case OPT_ONCE:
		o->once = true;
		return 0;
	case OPT_LISTEN:
		o->listen_text = arg;
		return 0;
	case OPT_ALLOW_REMOTE:
		((struct parse_ctx *)ctx)->allow_remote = true;
		return 0;
	case OPT_INTERVAL:
		return parse_interval(arg, o, reason);
	}
	oomw_cli_say(reason, "internal error: option %d not handled", c);
	return -1;
}

/* What the options say together: one output, and --once only with a file. */
static int check_combination(struct prom_options *o, bool allow_remote, char *reason)
{
	if (o->textfile[0] && o->listen_text) {
		oomw_cli_say(reason, "--textfile and --listen: give one of them");
		return -1;
	}
	if (!o->textfile[0] && !o->listen_text) {
		oomw_cli_say(reason, "no output: give --textfile FILE.prom or --listen 127.0.0.1:PORT");
		return -1;
	}
	if (o->once && o->listen_text) {
		oomw_cli_say(reason, "--once writes a --textfile; --listen serves until stopped");
		return -1;
	}
	if (allow_remote && !o->listen_text) {
		oomw_cli_say(reason, "--allow-remote goes with --listen");
		return -1;
	}
	if (o->listen_text) {
		const char *why = "";
		if (prom_listen_parse(o->listen_text, allow_remote, &o->listen_addr,
				      &o->listen_addr_len, &why) < 0) {
			oomw_cli_say(reason, "--listen '%s': %s", o->listen_text, why);
			return -1;
		}
	}
	return 0;
}

enum prom_parse_result prom_options_parse(int argc, char **argv, struct prom_options *o,
					  char reason[PROM_REASON_MAX])
{
	const char *why = NULL;
	memset(o, 0, sizeof(*o));
	oomw_paths_default(&o->mon.paths);
	/* A constant the --help text shows: it parses. */
	(void)oomw_duration_parse(PROM_DEFAULT_INTERVAL, &o->interval_sec, &why);
	struct parse_ctx ctx = { o, false };
	enum oomw_cli_result r =
		oomw_cli_parse(argc, argv, ":hV", long_options, parse_one, &ctx, PROM_NAME, reason);
	if (r != OOMW_CLI_RUN)
		return (enum prom_parse_result)r;
	if (check_combination(o, ctx.allow_remote, reason) < 0)
		return PROM_PARSE_ERROR;
	o->mon.state_path = o->state_path[0] ? o->state_path : NULL;
	return PROM_PARSE_RUN;
}

int prom_options_check(const struct prom_options *o, char reason[PROM_REASON_MAX])
{
	if (oomw_cli_check_dir("--proc", o->mon.paths.proc, R_OK | X_OK, reason) < 0 ||
	    oomw_cli_check_dir("--sys", o->mon.paths.sys, R_OK | X_OK, reason) < 0)
		return -1;
	if (oomw_cli_check_log(&o->mon.paths, o->kmsg_given, reason) < 0)
		return -1;
	if (o->textfile[0]) {
		char dir[PATH_MAX];
		if (oomw_path_dir(o->textfile, dir, sizeof(dir)) < 0) {
			oomw_cli_say(reason, "--textfile: path too long");
			return -1;
		}
		char opt[PATH_MAX + 32];
		snprintf(opt, sizeof(opt), "--textfile %s: directory", o->textfile);
		if (oomw_cli_check_dir(opt, dir, W_OK | X_OK, reason) < 0)
			return -1;
	}
	return 0;
}
