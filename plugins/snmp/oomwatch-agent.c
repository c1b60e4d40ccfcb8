/* SPDX-License-Identifier: MIT */
/* oomwatch-agent.c — the AgentX subagent's life: options and configuration,
 * making itself hard to kill when memory is short, opening the kernel log
 * before dropping root, the net-snmp setup in the order net-snmp needs, and
 * the single-threaded loop where the refresh timer, kernel-log readiness,
 * signals and requests all meet. */
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_config.h"
#include "agent_mib.h"
#include "cli.h"
#include "harden.h"
#include "monitor.h"
#include "signals.h"
#include "version.h"

#define AGENT_NAME "oomwatch-agent"
/* How long a terminating agent waits for the master's answers to what it sent. */
#define DRAIN_SEC 1
/* How soon after kernel-log activity the values are read once more. */
#define FOLLOWUP_SEC 1
/* What the monitor can offer: /dev/kmsg, one memory.events per cgroup, the PSI trigger. */
#define WATCHED_FDS_MAX (1 + OOMW_SNAPSHOT_CGROUPS_MAX + 1)

/* EXIT_NONE: no reason to exit yet. */
enum exit_code { EXIT_NONE = -1, EXIT_OK = 0, EXIT_USAGE = 1, EXIT_RUNTIME = 2 };
/* net-snmp's int flags, named: a boolean setting on, a loop turn that waits. */
enum { DS_ON = 1, WAIT_FOR_EVENTS = 1 };
enum run_mode { RUN_DAEMON, RUN_FOREGROUND };
enum log_target { LOG_TO_SYSLOG, LOG_TO_STDERR };
/* Whether root is dropped after the start (-u USER): what can be locked. */
enum root_plan { KEEP_ROOT, DROP_ROOT };

static bool got_term, got_hup;
static int signal_fd = -1;

static struct agent_config cfg;
static struct agent_overrides overrides;
static const char *config_path;
static enum run_mode run_mode = RUN_DAEMON;
static enum log_target log_target = LOG_TO_STDERR; /* in the foreground, unless --syslog */
static const struct passwd *run_as;                /* -u USER or `user`, or NULL */
static struct oomw_monitor *monitor;
static struct pollfd wanted[WATCHED_FDS_MAX]; /* what the monitor asked for last */
static size_t n_wanted;
static struct pollfd watched[WATCHED_FDS_MAX]; /* what net-snmp watches */
static size_t n_watched;
static unsigned int timer_id;
static unsigned int followup_id; /* 0: no follow-up refresh pending */
static bool kernel_event;        /* a source is ready: refresh once in run_loop */

static void usage(void)
{
	printf("Usage: " AGENT_NAME " [-f] [--syslog] [-c CONFIG] [-x SOCKET] [--proc DIR] [--sys DIR]\n"
	       "                      [--kmsg FILE|journal|none] [--state FILE] [-u USER]\n"
	       "Serves OOMWATCH-MIB (memory, pressure, OOM kills) to snmpd over AgentX.\n"
	       "  -c, --config FILE   configuration (default " AGENT_DEFAULT_CONFIG " if it exists)\n"
	       "  -x, --agentx SOCKET AgentX master socket (default: net-snmp's, /var/agentx/master)\n"
	       "      --proc DIR      proc mount (default /proc)\n"
	       "      --sys DIR       sys mount (default /sys)\n"
	       "      --kmsg FILE     kernel log: /dev/kmsg (default), a log file, journal (the\n"
	       "                      systemd journal; journal_dir in the file), or none\n"
	       "      --state FILE    persisted cursor, so kills survive agent restarts\n"
	       "  -u, --user USER     drop root to USER once the kernel log is open\n"
	       "  -f, --foreground    stay in the foreground and log to stderr\n"
	       "      --syslog        log to syslog even in the foreground\n"
	       "  -h, --help          this text;  -V, --version  the version\n"
	       "While snmpd is unreachable the agent keeps running and retries every\n"
	       "ping_interval (default 2 s); exit status 1 = bad options or configuration,\n"
	       "2 = cannot start (sources, privileges).\n");
}

/* SIGTERM, SIGINT and SIGHUP arrive through a signalfd (signals.h) that
 * net-snmp's loop watches: no handler, and no race with the select() inside
 * agent_check_and_process. */
static void on_signal(int fd, void *data)
{
	(void)data;
	oomw_signals_read(fd, &got_term, &got_hup);
}

static void on_kernel_event(int fd, void *data);

/* Follows the monitor's fds (kmsg POLLIN, cgroup v2 memory.events POLLPRI),
 * which can change when cgroups come and go. */
static void watch_sources(void)
{
	struct pollfd fds[WATCHED_FDS_MAX];
	size_t n = oomw_monitor_pollfds(monitor, fds, WATCHED_FDS_MAX);
	if (n == n_wanted && memcmp(fds, wanted, n * sizeof(fds[0])) == 0)
		return;
	memcpy(wanted, fds, n * sizeof(fds[0]));
	n_wanted = n;
	for (size_t i = 0; i < n_watched; i++) {
		if (watched[i].events & POLLIN)
			unregister_readfd(watched[i].fd);
		if (watched[i].events & POLLPRI)
			unregister_exceptfd(watched[i].fd);
	}
	n_watched = 0;
	/* The monitor never offers a saved log file (always "ready"): what it
	 * gives is /dev/kmsg, cgroup v2 memory.events and a PSI trigger. */
	for (size_t i = 0; i < n; i++) {
		struct pollfd w = { .fd = fds[i].fd, .events = 0 };
		if ((fds[i].events & POLLIN) && register_readfd(w.fd, on_kernel_event, NULL) == 0)
			w.events |= POLLIN;
		if ((fds[i].events & POLLPRI) && register_exceptfd(w.fd, on_kernel_event, NULL) == 0)
			w.events |= POLLPRI;
		if (w.events != (fds[i].events & (POLLIN | POLLPRI)))
			snmp_log(LOG_WARNING,
				 "net-snmp cannot watch more fds: fd %d is read by the timer only\n",
				 w.fd);
		if (w.events != 0)
			watched[n_watched++] = w;
	}
}

static void refresh(void)
{
	agent_mib_refresh(monitor);
	watch_sources();
}

static void on_followup(unsigned int reg, void *data)
{
	(void)reg;
	(void)data;
	followup_id = 0;
	refresh();
}

/* Several sources can be ready at once (the log, the tracepoint, a cgroup):
 * one sample reads them all, in run_loop, then the kills leave at once. */
static void on_kernel_event(int fd, void *data)
{
	(void)fd;
	(void)data;
	kernel_event = true;
}

static void refresh_after_event(void)
{
	kernel_event = false;
	refresh();
	/* The first lines of an OOM report wake us before the kill is done: a
	 * sample can then name the victim while /proc/vmstat (read before the
	 * log) and the gauges still show the state before it. One more read a
	 * moment later catches up without waiting for the refresh timer. */
	if (followup_id == 0)
		followup_id = snmp_alarm_register(FOLLOWUP_SEC, 0, on_followup, NULL);
}

static void on_timer(unsigned int reg, void *data)
{
	(void)reg;
	(void)data;
	refresh();
}

static int start_timer(void)
{
	timer_id = snmp_alarm_register((unsigned int)cfg.interval_sec, SA_REPEAT, on_timer, NULL);
	return timer_id == 0 ? -ENOMEM : 0;
}

/* What a SIGHUP cannot change: the monitor and the privileges were set up
 * with the fields before kill_table_size (root is gone). */
static bool needs_restart(const struct agent_config *fresh)
{
	return memcmp(fresh, &cfg, offsetof(struct agent_config, kill_table_size)) != 0;
}

/* Thresholds, table sizes and the refresh interval change at once, the ping
 * interval at the next connection to the master (net-snmp arms its ping
 * alarm only then). */
static void apply_reloaded(const struct agent_config *fresh)
{
	cfg.kill_table_size = fresh->kill_table_size;
	cfg.trap_queue_size = fresh->trap_queue_size;
	cfg.params = fresh->params;
	cfg.ping_interval_sec = fresh->ping_interval_sec;
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
			   (int)cfg.ping_interval_sec);
	if (fresh->interval_sec != cfg.interval_sec) {
		cfg.interval_sec = fresh->interval_sec;
		snmp_alarm_unregister(timer_id);
		if (start_timer() != 0)
			snmp_log(LOG_ERR, "SIGHUP: cannot restart the refresh timer\n");
	}
	agent_mib_configure(&cfg);
}

static void reload(void)
{
	static struct agent_config fresh;
	char err[AGENT_ERR_MAX];
	if (agent_config_load(config_path, &overrides, &fresh, err, sizeof(err)) != 0) {
		snmp_log(LOG_ERR, "SIGHUP: %s; keeping the running configuration\n", err);
		return;
	}
	if (needs_restart(&fresh))
		snmp_log(LOG_WARNING,
			 "SIGHUP: sources, cgroups, candidates, state file, user or socket changed: "
			 "restart the agent to apply them\n");
	apply_reloaded(&fresh);
	snmp_log(LOG_INFO, "SIGHUP: configuration reloaded from %s\n",
		 config_path ? config_path : "(defaults)");
}

/* Staying alive under memory pressure (harden.h): without the privileges
 * for it we warn and go on (we still report). */
static void harden(enum root_plan plan)
{
	struct oomw_hardened h;
	oomw_harden(plan == DROP_ROOT, &h);
	if (h.memlock_err != 0)
		snmp_log(LOG_WARNING,
			 "cannot lift RLIMIT_MEMLOCK (%s): locking only the memory mapped at start\n",
			 strerror(-h.memlock_err));
	if (h.mlock_err != 0)
		snmp_log(LOG_WARNING, "mlockall: %s: the agent may be swapped out under pressure\n",
			 strerror(-h.mlock_err));
	if (h.oom_adj_err != 0)
		snmp_log(LOG_WARNING, "cannot set own oom_score_adj to -1000: %s\n",
			 strerror(-h.oom_adj_err));
}

static int open_monitor(void)
{
	struct oomw_monitor_config mc;
	memset(&mc, 0, sizeof(mc));
	mc.paths = cfg.paths;
	mc.state_path = cfg.state_file[0] ? cfg.state_file : NULL;
	for (size_t i = 0; i < cfg.n_cgroup_globs; i++)
		mc.cgroup_globs[i] = cfg.cgroup_globs[i];
	mc.n_cgroup_globs = cfg.n_cgroup_globs;
	mc.n_candidates = cfg.n_candidates;
	mc.trace = true;      /* the oom:mark_victim tracepoint too, where allowed (monitor.h) */
	mc.defer_save = true; /* saved after the notifications left (run_loop) */
	return oomw_monitor_open(&mc, &monitor);
}

static void setup_logging(enum log_target target)
{
	snmp_disable_log();
	if (target == LOG_TO_STDERR)
		snmp_enable_stderrlog();
	else
		snmp_enable_syslog_ident(AGENT_NAME, LOG_DAEMON);
}

static volatile sig_atomic_t drain_over;

static void on_drain_deadline(unsigned int reg, void *data)
{
	(void)reg;
	(void)data;
	drain_over = 1;
}

/* On SIGTERM, the answers to notifications already handed to the master are
 * awaited a moment, so that the next agent process does not send them again.
 * What stays unanswered is still owed in the state file. */
static void drain(void)
{
	if (!agent_mib_in_flight() || snmp_alarm_register(DRAIN_SEC, 0, on_drain_deadline, NULL) == 0)
		return;
	while (agent_mib_in_flight() && !drain_over)
		agent_check_and_process(WAIT_FOR_EVENTS);
}

/* The AgentX side, in net-snmp's order (doc/frontend-facts.md): settings, init_agent,
 * the MIB, init_snmp. Returns 0 or -ENOMEM. */
static int start_subagent(void)
{
	/* No MIB files and no snmp.conf: the agent needs neither, and they
	 * must not change its behaviour. */
	setenv("MIBS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, DS_ON);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, DS_ON);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, DS_ON);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, DS_ON);
	if (cfg.agentx_socket[0] != '\0')
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET,
				      cfg.agentx_socket);
	init_agent(AGENT_NAME);
	/* init_agent resets it to 15 s; a short ping finds a restarted snmpd in seconds. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
			   (int)cfg.ping_interval_sec);
	agent_mib_configure(&cfg);
	if (agent_mib_register() != 0) {
		snmp_log(LOG_ERR, "cannot register OOMWATCH-MIB\n");
		return -ENOMEM;
	}
	init_snmp(AGENT_NAME);
	if (!agent_mib_connected())
		snmp_log(LOG_WARNING, "AgentX master %s not reachable; retrying every %llds\n",
			 cfg.agentx_socket[0] ? cfg.agentx_socket : "(default socket)",
			 (long long)cfg.ping_interval_sec);
	return 0;
}

/* The signals and the refresh timer join net-snmp's loop. */
static int start_refreshing(void)
{
	if (register_readfd(signal_fd, on_signal, NULL) != 0 || start_timer() != 0) {
		snmp_log(LOG_ERR, "cannot register the agent's timer or signals\n");
		return -ENOMEM;
	}
	refresh();
	snmp_log(LOG_INFO, AGENT_NAME " " OOMWATCH_VERSION " running (refresh every %llds)\n",
		 (long long)cfg.interval_sec);
	return 0;
}

/* Where timer, kernel log, signals and requests meet, until SIGTERM. */
static void run_loop(void)
{
	while (!got_term) {
		/* Notifications leave here, not from the callbacks: net-snmp runs fd
		 * callbacks before it reads its own sessions, so a kill seen in the
		 * same wake-up as snmpd closing the AgentX socket would be sent
		 * into the dead session and lost. By now that close is processed
		 * and the notification stays queued until the agent registers again.
		 * The state's fsync comes after them: it is not on the way of a trap. */
		if (kernel_event)
			refresh_after_event();
		agent_mib_flush();
		oomw_monitor_save(monitor);
		agent_check_and_process(WAIT_FOR_EVENTS);
		if (got_hup) {
			got_hup = 0;
			reload();
		}
	}
}

/* Returns the exit status. */
static int serve(void)
{
	if (start_subagent() != 0 || start_refreshing() != 0)
		return EXIT_RUNTIME;
	run_loop();
	drain();
	snmp_log(LOG_INFO, "terminating\n");
	snmp_shutdown(AGENT_NAME);
	return EXIT_OK;
}

/* ---- start-up, in the order it must happen ---- */

/* An option that sets a key of the file, after it: one slot a key, so that
 * an option given twice takes the last value. */
static void override(const char *key, const char *value)
{
	size_t k = 0;
	while (k < overrides.n && overrides.key[k] != key)
		k++;
	overrides.key[k] = key;
	overrides.value[k] = value;
	overrides.n += k == overrides.n;
}

/* One option into the globals (cli.h, oomw_cli_option_fn). */
static int apply_option(int c, const char *arg, void *ctx, char reason[OOMW_CLI_REASON_MAX])
{
	static const struct {
		int opt;
		const char *key;
	} keyed[] = { { 'x', "agentx_socket" },
		      { OOMW_CLI_OPT_PROC, "proc" },
		      { OOMW_CLI_OPT_SYS, "sys" },
		      { OOMW_CLI_OPT_KMSG, "kmsg" },
		      { OOMW_CLI_OPT_STATE, "state_file" },
		      { 'u', "user" } };
	_Static_assert(sizeof(keyed) / sizeof(keyed[0]) <= AGENT_OVERRIDES_MAX, "one slot a key");
	(void)ctx;
	for (size_t i = 0; i < sizeof(keyed) / sizeof(keyed[0]); i++)
		if (c == keyed[i].opt) {
			override(keyed[i].key, arg);
			return 0;
		}
	switch (c) {
	case 'c':
		config_path = arg;
		return 0;
	case 'f':
		run_mode = RUN_FOREGROUND;
		return 0;
	case 'L':
		log_target = LOG_TO_SYSLOG;
		return 0;
	}
	oomw_cli_say(reason, "internal error: option %d not handled", c);
	return -1;
}

/* The command line, through the programs' one getopt loop (cli.h). Returns
 * EXIT_NONE to go on, or the status to exit with at once (--help,
 * --version, a mistake). */
static int parse_options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "agentx", required_argument, NULL, 'x' },
		{ "proc", required_argument, NULL, OOMW_CLI_OPT_PROC },
		{ "sys", required_argument, NULL, OOMW_CLI_OPT_SYS },
		{ "kmsg", required_argument, NULL, OOMW_CLI_OPT_KMSG },
		{ "state", required_argument, NULL, OOMW_CLI_OPT_STATE },
		{ "user", required_argument, NULL, 'u' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "syslog", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char reason[OOMW_CLI_REASON_MAX];
	switch (oomw_cli_parse(argc, argv, ":c:x:u:fhV", longopts, apply_option, NULL, AGENT_NAME,
			       reason)) {
	case OOMW_CLI_HELP:
		usage();
		return EXIT_OK;
	case OOMW_CLI_VERSION:
		printf(AGENT_NAME " " OOMWATCH_VERSION "\n");
		return EXIT_OK;
	case OOMW_CLI_ERROR:
		fprintf(stderr, AGENT_NAME ": %s\n", reason);
		return EXIT_USAGE;
	case OOMW_CLI_RUN:
		break;
	}
	/* A daemon logs to syslog; in the foreground, to stderr unless --syslog. */
	if (run_mode == RUN_DAEMON)
		log_target = LOG_TO_SYSLOG;
	if (config_path == NULL && access(AGENT_DEFAULT_CONFIG, F_OK) == 0)
		config_path = AGENT_DEFAULT_CONFIG;
	return EXIT_NONE;
}

/* The configuration and the user to become: what can be refused before
 * anything starts. Returns 0 or EXIT_USAGE. */
static int load_configuration(void)
{
	char err[AGENT_ERR_MAX];
	if (agent_config_load(config_path, &overrides, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, AGENT_NAME ": %s\n", err);
		return EXIT_USAGE;
	}
	if (cfg.user[0] != '\0' && (run_as = getpwnam(cfg.user)) == NULL) {
		fprintf(stderr, AGENT_NAME ": user '%s' does not exist\n", cfg.user);
		return EXIT_USAGE;
	}
	return 0;
}

/* Daemon, logging, signals, hardening: before the sources are opened.
 * Returns 0 or EXIT_RUNTIME. */
static int prepare_process(void)
{
	/* Before anything is locked or opened: mlockall does not survive fork. */
	if (run_mode == RUN_DAEMON && daemon(0, 0) != 0) {
		fprintf(stderr, AGENT_NAME ": cannot become a daemon: %s\n", strerror(errno));
		return EXIT_RUNTIME;
	}
	setup_logging(log_target);
	if ((signal_fd = oomw_signals_open(OOMW_SIGNALS_STOP_RELOAD)) < 0) {
		snmp_log(LOG_ERR, "cannot set up signal handling: %s\n", strerror(-signal_fd));
		return EXIT_RUNTIME;
	}
	harden(run_as != NULL && run_as->pw_uid != 0 ? DROP_ROOT : KEEP_ROOT);
	return 0;
}

/* The sources are opened as root (the kernel log needs it), then root goes
 * for good, then the agent serves. Returns the exit status. */
static int monitor_and_serve(void)
{
	int rc = open_monitor();
	if (rc != 0) {
		snmp_log(LOG_ERR, "cannot open the sources (proc %s, sys %s, kmsg %s): %s\n",
			 cfg.paths.proc, cfg.paths.sys, cfg.paths.kmsg, strerror(-rc));
		return EXIT_RUNTIME;
	}
	int status = EXIT_RUNTIME;
	if (run_as != NULL &&
	    (rc = oomw_drop_privileges(run_as->pw_name, run_as->pw_uid, run_as->pw_gid)) != 0)
		snmp_log(LOG_ERR, "cannot drop privileges to %s: %s\n", cfg.user, strerror(-rc));
	else
		status = serve();
	oomw_monitor_close(monitor);
	return status;
}

int main(int argc, char **argv)
{
	int status = parse_options(argc, argv);
	if (status != EXIT_NONE || (status = load_configuration()) != 0 ||
	    (status = prepare_process()) != 0)
		return status;
	return monitor_and_serve();
}
