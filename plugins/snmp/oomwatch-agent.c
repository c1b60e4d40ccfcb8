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
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent_config.h"
#include "agent_mib.h"
#include "defaults.h"
#include "monitor.h"
#include "version.h"

#define AGENT_NAME "oomwatch-agent"
/* The kernel never OOM-kills a task at -1000: the agent must outlive the kills it reports. */
#define OWN_OOM_SCORE_ADJ "-1000"
/* How long a terminating agent waits for the master's answers to what it sent. */
#define DRAIN_SEC 1
/* How soon after kernel-log activity the values are read once more. */
#define FOLLOWUP_SEC 1
/* What the monitor can offer: /dev/kmsg, one memory.events per cgroup, the PSI trigger. */
#define WATCHED_FDS_MAX (1 + OOMW_SNAPSHOT_CGROUPS_MAX + 1)

enum exit_code { EXIT_OK = 0, EXIT_USAGE = 1, EXIT_RUNTIME = 2 };
/* net-snmp's int flags, named: a boolean setting on, a loop turn that waits. */
enum { DS_ON = 1, WAIT_FOR_EVENTS = 1 };
enum run_mode { RUN_DAEMON, RUN_FOREGROUND };
enum log_target { LOG_TO_SYSLOG, LOG_TO_STDERR };
/* Whether root is dropped after the start (-u USER): what can be locked. */
enum root_plan { KEEP_ROOT, DROP_ROOT };
/* What the command line asks: run, or exit at once (--help, --version, a mistake). */
enum options_result { OPTIONS_RUN, OPTIONS_EXIT };

static volatile sig_atomic_t got_term;
static volatile sig_atomic_t got_hup;
static int wake_pipe[2] = { -1, -1 };

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

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " AGENT_NAME " [-f] [--syslog] [-c CONFIG] [-x SOCKET] [--proc DIR] [--sys DIR]\n"
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

static void on_signal(int sig)
{
	int saved = errno;
	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
	/* Wakes the select() inside agent_check_and_process without a race.
	 * Ignored on purpose: a full pipe (EAGAIN) already wakes it. */
	if (write(wake_pipe[1], "", 1) < 0) {
		/* nothing to do */
	}
	errno = saved;
}

static void on_wake(int fd, void *data)
{
	char buf[64];
	(void)data;
	while (read(fd, buf, sizeof(buf)) > 0) {
	}
}

static int setup_signals(void)
{
	struct sigaction sa;
	if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0 ||
	    sigaction(SIGHUP, &sa, NULL) != 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	return 0;
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
 * with it (root is gone). */
static bool needs_restart(const struct agent_config *fresh)
{
	return memcmp(&fresh->paths, &cfg.paths, sizeof(cfg.paths)) != 0 ||
	       strcmp(fresh->state_file, cfg.state_file) != 0 || strcmp(fresh->user, cfg.user) != 0 ||
	       strcmp(fresh->agentx_socket, cfg.agentx_socket) != 0 ||
	       fresh->n_cgroup_globs != cfg.n_cgroup_globs ||
	       memcmp(fresh->cgroup_globs, cfg.cgroup_globs, sizeof(cfg.cgroup_globs)) != 0 ||
	       fresh->n_candidates != cfg.n_candidates;
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

/* CAP_IPC_LOCK is what lets mlock go beyond RLIMIT_MEMLOCK; root in a
 * container often lacks it. glibc has no capget() wrapper. */
static bool has_cap_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	if (syscall(SYS_capget, &hdr, data) != 0)
		return false;
	return (data[CAP_TO_INDEX(CAP_IPC_LOCK)].effective & CAP_TO_MASK(CAP_IPC_LOCK)) != 0;
}

/* Staying alive under memory pressure: locked pages and an OOM score of -1000.
 * Both need privileges; without them we warn and go on (we still report). */
static void harden(enum root_plan plan)
{
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	int flags = MCL_CURRENT | MCL_FUTURE;
	/* Raised while root, so that MCL_FUTURE keeps working after the drop.
	 * If it cannot be, locking future pages would make every allocation
	 * beyond RLIMIT_MEMLOCK fail for a process without CAP_IPC_LOCK (not
	 * root, root without it, or not root any more): lock only what is
	 * mapped now. */
	bool limited = plan == DROP_ROOT || !has_cap_ipc_lock();
	if (setrlimit(RLIMIT_MEMLOCK, &unlimited) != 0 && limited) {
		snmp_log(LOG_WARNING,
			 "cannot lift RLIMIT_MEMLOCK (%s): locking only the memory mapped at start\n",
			 strerror(errno));
		flags = MCL_CURRENT;
	}
	if (mlockall(flags) != 0)
		snmp_log(LOG_WARNING, "mlockall: %s: the agent may be swapped out under pressure\n",
			 strerror(errno));
	/* Our own process, not the monitored host: always the real /proc. */
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, OWN_OOM_SCORE_ADJ, strlen(OWN_OOM_SCORE_ADJ)) < 0)
		snmp_log(LOG_WARNING, "cannot set own oom_score_adj to " OWN_OOM_SCORE_ADJ ": %s\n",
			 strerror(errno));
	if (fd >= 0)
		close(fd);
}

static int drop_privileges(const struct passwd *pw)
{
	/* Supplementary groups too: one of them may be the AgentX socket's. */
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0)
		return -errno;
	if (pw->pw_uid != 0 && setuid(0) == 0)
		return -EPERM; /* root could be regained: refuse to run like that */
	return 0;
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

/* The signal pipe and the refresh timer join net-snmp's loop. */
static int start_refreshing(void)
{
	if (register_readfd(wake_pipe[0], on_wake, NULL) != 0 || start_timer() != 0) {
		snmp_log(LOG_ERR, "cannot register the agent's timer or signal pipe\n");
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

/* One option into the globals; OPTIONS_EXIT with *status for --help,
 * --version and a mistake. */
static enum options_result apply_option(int opt, int *status)
{
	switch (opt) {
	case 'c':
		config_path = optarg;
		break;
	case 'x':
		overrides.agentx_socket = optarg;
		break;
	case 'P':
		overrides.proc = optarg;
		break;
	case 'S':
		overrides.sys = optarg;
		break;
	case 'K':
		overrides.kmsg = optarg;
		break;
	case 's':
		overrides.state_file = optarg;
		break;
	case 'u':
		overrides.user = optarg;
		break;
	case 'f':
		run_mode = RUN_FOREGROUND;
		break;
	case 'L':
		log_target = LOG_TO_SYSLOG;
		break;
	case 'h':
		usage(stdout);
		*status = EXIT_OK;
		return OPTIONS_EXIT;
	case 'V':
		printf(AGENT_NAME " " OOMWATCH_VERSION "\n");
		*status = EXIT_OK;
		return OPTIONS_EXIT;
	default:
		usage(stderr);
		*status = EXIT_USAGE;
		return OPTIONS_EXIT;
	}
	return OPTIONS_RUN;
}

static enum options_result parse_options(int argc, char **argv, int *status)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "agentx", required_argument, NULL, 'x' },
		{ "proc", required_argument, NULL, 'P' },
		{ "sys", required_argument, NULL, 'S' },
		{ "kmsg", required_argument, NULL, 'K' },
		{ "state", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "syslog", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "c:x:u:fhV", longopts, NULL)) != -1)
		if (apply_option(opt, status) == OPTIONS_EXIT)
			return OPTIONS_EXIT;
	/* A daemon logs to syslog; in the foreground, to stderr unless --syslog. */
	if (run_mode == RUN_DAEMON)
		log_target = LOG_TO_SYSLOG;
	if (optind != argc) {
		fprintf(stderr, AGENT_NAME ": unexpected argument '%s'\n", argv[optind]);
		*status = EXIT_USAGE;
		return OPTIONS_EXIT;
	}
	if (config_path == NULL && access(AGENT_DEFAULT_CONFIG, F_OK) == 0)
		config_path = AGENT_DEFAULT_CONFIG;
	return OPTIONS_RUN;
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
	if (setup_signals() != 0) {
		snmp_log(LOG_ERR, "cannot set up signal handling: %s\n", strerror(errno));
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
	if (run_as != NULL && (rc = drop_privileges(run_as)) != 0)
		snmp_log(LOG_ERR, "cannot drop privileges to %s: %s\n", cfg.user, strerror(-rc));
	else
		status = serve();
	oomw_monitor_close(monitor);
	return status;
}

int main(int argc, char **argv)
{
	int status = EXIT_OK;
	if (parse_options(argc, argv, &status) == OPTIONS_EXIT)
		return status;
	if ((status = load_configuration()) != 0 || (status = prepare_process()) != 0)
		return status;
	return monitor_and_serve();
}
