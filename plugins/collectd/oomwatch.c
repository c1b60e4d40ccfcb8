/* SPDX-License-Identifier: MIT */
/* oomwatch.c — the collectd front end (oomwatch.so): parses <Plugin oomwatch>,
 * owns one monitor, dispatches its gauges and counters each interval, and a
 * notification per OOM kill from a watcher thread that waits on the kernel log.
 * The only file that includes collectd headers (their config.h defines ERROR,
 * WARNING, VERSION...). Detection and every judgement live in common/
 * (monitor.h, assess.h, news.h, notice.h, conf.h); this file maps them onto values
 * and notifications.
 *
 * Life, top to bottom: configuration, init, one sample (taken by the watcher
 * thread at each kill and by the read callback each interval), the values
 * the read callback dispatches, the notifications a sample sends, shutdown,
 * module_register(). */
#include <collectd/core/daemon/collectd.h>

#include <collectd/core/daemon/configfile.h>
#include <collectd/core/daemon/plugin.h>
#include <collectd/core/daemon/utils_complain.h>
#include <collectd/core/utils/common/common.h>
#include <collectd/core/utils/metadata/meta_data.h>

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>

#include "assess.h"
#include "cgroup_name.h"
#include "cgroup.h"
#include "conf.h"
#include "meminfo.h"
#include "monitor.h"
#include "news.h"
#include "notice.h"
#include "text.h"
#include "version.h"

#define PLUGIN_NAME "oomwatch"
#define STATE_FILE_NAME "oomwatch.state" /* in collectd's BaseDir unless StateFile says */
#define KIB_BYTES 1024.0
/* Beyond kmsg and a few cgroup v2 memory.events files the watcher has nothing to wait on. */
#define WATCH_FDS_MAX 64
/* A source that stays readable without yielding anything, or a very chatty
 * kernel log, must not make the watcher spin: after this many wake-ups in one
 * second it rests for a second. One wake-up drains every pending record, so a
 * burst of kills (an oom.group) costs one. */
#define WATCH_WAKEUPS_PER_SEC_MAX 100
#define MSEC_PER_SEC 1000

/* The notification of a held verdict's change: type and type instance of its value. */
static const struct {
	const char *type, *type_instance;
} gauge_types[OOMW_HELD_GAUGES] = {
	[OOMW_HELD_MEM] = { "memory", "available" },
	[OOMW_HELD_SWAP] = { "swap", "free" },
	[OOMW_HELD_PSI] = { "memory_pressure", "full" },
};

/* What <Plugin oomwatch> said, reset by module_register(). */
static struct plugin_config {
	struct oomw_monitor_config mcfg;
	char globs[OOMW_GLOBS_MAX][PATH_MAX]; /* mcfg.cgroup_globs point here */
	char state_path[PATH_MAX];
	bool notify_kills;
	struct oomw_assess_params params;
	bool failed;
} cfg;

/* While running. */
static struct {
	bool started;
	pthread_mutex_t lock; /* guards mon: the monitor is not thread-safe */
	struct oomw_monitor *mon;
	pthread_t watcher;
	bool watcher_running;
	int stop_fd;                     /* eventfd that wakes the watcher for shutdown */
	struct oomw_snapshot read_snap;  /* the read callback's (only that thread touches it) */
	struct oomw_snapshot watch_snap; /* the watcher's */
	/* Under lock, as the monitor: */
	struct oomw_verdict verdict;
	struct oomw_held held;             /* the verdicts last notified */
	struct oomw_held_set held_cgroups; /* last notified as held at their limit */
	struct oomw_held_changes held_changes;
	struct oomw_problem_log logged; /* the source problems last logged */
	c_complain_t candidates_c;      /* the read callback's */
	c_complain_t busy_c;            /* the watcher's */
} g = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.stop_fd = -1,
	.held = { OOMW_SEV_UNKNOWN, OOMW_SEV_UNKNOWN, OOMW_SEV_UNKNOWN },
	.candidates_c = C_COMPLAIN_INIT_STATIC,
	.busy_c = C_COMPLAIN_INIT_STATIC,
};

/* ---- configuration ---------------------------------------------------- */

/* Every problem is logged with the key's name and remembered: collectd
 * would exit on a failed config callback, so init refuses to start instead. */
#define CONFIG_ERROR(...)                                                                          \
	do {                                                                                       \
		ERROR(PLUGIN_NAME ": " __VA_ARGS__);                                               \
		cfg.failed = true;                                                                 \
	} while (0)

/* The defaults (common/defaults.h), before any <Plugin oomwatch> line. */
static void config_reset(void)
{
	memset(&cfg, 0, sizeof(cfg));
	oomw_paths_default(&cfg.mcfg.paths);
	cfg.notify_kills = true;
	oomw_assess_params_default(&cfg.params, OOMW_FRONTEND_COLLECTD);
}

/* The one string (or number, for sizes) a key takes; NULL after logging. */
static const char *config_string(const oconfig_item_t *ci, char *buf, size_t size)
{
	if (ci->children_num != 0) {
		CONFIG_ERROR("\"%s\" takes a value, not a block", ci->key);
		return NULL;
	}
	if (ci->values_num != 1) {
		CONFIG_ERROR("\"%s\" takes exactly one value, got %d", ci->key, ci->values_num);
		return NULL;
	}
	if (ci->values[0].type == OCONFIG_TYPE_STRING)
		return ci->values[0].value.string;
	if (ci->values[0].type == OCONFIG_TYPE_NUMBER) {
		snprintf(buf, size, "%.17g", ci->values[0].value.number);
		return buf;
	}
	CONFIG_ERROR("\"%s\" takes a string, not a boolean", ci->key);
	return NULL;
}

static void config_bool(const oconfig_item_t *ci, bool *out)
{
	if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_BOOLEAN || ci->children_num != 0) {
		CONFIG_ERROR("\"%s\" takes true or false", ci->key);
		return;
	}
	*out = ci->values[0].value.boolean;
}

/* The keys whose value is text (a number as text), each read by the core's
 * parser for its kind (conf.h); besides them only NotifyKills. */
#define C struct plugin_config
/* clang-format off */
static const struct oomw_conf_key config_keys[] = {
	/* Each Cgroup line adds one glob, kept as a path is (init points
	 * mcfg.cgroup_globs at them). */
	OOMW_KEY_LIST(C, "Cgroup", globs, OOMW_GLOBS_MAX, mcfg.n_cgroup_globs),
	OOMW_KEY_TEXT(C, "ProcPath", mcfg.paths.proc),
	OOMW_KEY_TEXT(C, "SysPath", mcfg.paths.sys),
	OOMW_KEY_TEXT(C, "KmsgPath", mcfg.paths.kmsg),
	OOMW_KEY_TEXT(C, "JournalDir", mcfg.paths.journal_dir),
	OOMW_KEY_COUNT(C, "Candidates", mcfg.n_candidates, 0, OOMW_CANDIDATES_MAX),
	OOMW_KEY_DURATION(C, "KillWindow", params.window_sec, 1, OOMW_KILL_WINDOW_MAX_SEC),
	OOMW_KEY_TEXT(C, "StateFile", state_path),
	OOMW_KEY_THRESHOLD(C, "MemAvailableWarning", params.mem_available.warning, OOMW_METRIC_FREE),
	OOMW_KEY_THRESHOLD(C, "MemAvailableCritical", params.mem_available.critical, OOMW_METRIC_FREE),
	OOMW_KEY_THRESHOLD(C, "SwapFreeWarning", params.swap_free.warning, OOMW_METRIC_FREE),
	OOMW_KEY_THRESHOLD(C, "SwapFreeCritical", params.swap_free.critical, OOMW_METRIC_FREE),
	OOMW_KEY_THRESHOLD(C, "PressureWarning", params.psi.warning, OOMW_METRIC_PRESSURE),
	OOMW_KEY_THRESHOLD(C, "PressureCritical", params.psi.critical, OOMW_METRIC_PRESSURE),
	OOMW_KEY_MARGIN(C, "Hysteresis", params.hysteresis),
};
/* clang-format on */

/* One line of <Plugin oomwatch>; a refusal names the key and the value as typed. */
static void config_item(const oconfig_item_t *ci)
{
	char num[64], why[OOMW_THRESHOLD_WHY_MAX] = "", known[512];
	const struct oomw_conf_key *k =
		oomw_conf_find(config_keys, STATIC_ARRAY_SIZE(config_keys), ci->key);
	if (strcasecmp(ci->key, "NotifyKills") == 0) {
		config_bool(ci, &cfg.notify_kills);
		return;
	}
	if (k == NULL) {
		oomw_conf_names(config_keys, STATIC_ARRAY_SIZE(config_keys), known, sizeof(known));
		CONFIG_ERROR("unknown key \"%s\" in <Plugin " PLUGIN_NAME "> (known: NotifyKills, %s)",
			     ci->key, known);
		return;
	}
	const char *s = config_string(ci, num, sizeof(num));
	if (s != NULL && oomw_conf_set(k, &cfg, s, why) < 0)
		CONFIG_ERROR("\"%s %s\": %s", ci->key, s, why);
}

static int oomwatch_config(oconfig_item_t *ci)
{
	for (int i = 0; i < ci->children_num; i++)
		config_item(ci->children + i);
	return 0;
}

/* ---- init --------------------------------------------------------------- */

static int oomwatch_read(user_data_t *ud);
static void *watcher_main(void *arg);

/* Types collectd's own types.db lacks; also shipped in oomwatch.types.db for
 * servers that receive these values over the network. */
static data_source_t psi_sources[] = {
	{ "avg10", DS_TYPE_GAUGE, 0, 100 },
	{ "avg60", DS_TYPE_GAUGE, 0, 100 },
	{ "avg300", DS_TYPE_GAUGE, 0, 100 },
};
static data_source_t stall_source[] = { { "value", DS_TYPE_DERIVE, 0, NAN } };
static data_source_t score_source[] = { { "value", DS_TYPE_GAUGE, 0, NAN } };
static const data_set_t data_sets[] = {
	{ "memory_pressure", STATIC_ARRAY_SIZE(psi_sources), psi_sources },
	{ "memory_stall", STATIC_ARRAY_SIZE(stall_source), stall_source },
	{ "oom_score", STATIC_ARRAY_SIZE(score_source), score_source },
};

/* A TypesDB file with the same types (oomwatch.types.db) takes precedence. */
static void register_data_sets(void)
{
	for (size_t i = 0; i < STATIC_ARRAY_SIZE(data_sets); i++)
		if (plugin_get_ds(data_sets[i].type) == NULL)
			plugin_register_data_set(&data_sets[i]);
}

/* The state file's default depends on collectd's own BaseDir. */
static int init_state_path(void)
{
	const char *base = global_option_get("BaseDir");
	if (cfg.state_path[0] == '\0' &&
	    (base == NULL ||
	     oomw_path_join(cfg.state_path, sizeof(cfg.state_path), base, STATE_FILE_NAME) < 0)) {
		ERROR(PLUGIN_NAME ": no BaseDir to keep " STATE_FILE_NAME " in; set StateFile");
		return -1;
	}
	cfg.mcfg.state_path = cfg.state_path;
	/* A daemon: the oom:mark_victim tracepoint too, where allowed (monitor.h). */
	cfg.mcfg.trace = true;
	return 0;
}

/* A wrong ProcPath or SysPath is a configuration mistake: refuse to start
 * rather than dispatch nothing forever. */
static int init_check_paths(void)
{
	const char *why = NULL;
	struct oomw_meminfo mem;
	struct oomw_cgroup_root root;
	int err = oomw_meminfo_read(cfg.mcfg.paths.proc, &mem, &why);
	if (err < 0) {
		ERROR(PLUGIN_NAME ": not started: ProcPath \"%s\": cannot read meminfo: %s%s%s",
		      cfg.mcfg.paths.proc, STRERROR(-err), why ? ": " : "", why ? why : "");
		return -1;
	}
	if (cfg.mcfg.n_cgroup_globs == 0)
		return 0;
	err = oomw_cgroup_find_root(cfg.mcfg.paths.sys, &root);
	if (err < 0) {
		ERROR(PLUGIN_NAME ": not started: SysPath \"%s\": no memory cgroup controller "
				  "under it (%s), but Cgroup is set",
		      cfg.mcfg.paths.sys, STRERROR(-err));
		return -1;
	}
	return 0;
}

/* Closes what init opened; the watcher thread must be stopped first. */
static void close_sources(void)
{
	if (g.stop_fd >= 0)
		close(g.stop_fd);
	g.stop_fd = -1;
	if (g.mon != NULL)
		oomw_monitor_close(g.mon);
	g.mon = NULL;
}

static int init_open(void)
{
	int err = oomw_monitor_open(&cfg.mcfg, &g.mon);
	if (err < 0) {
		ERROR(PLUGIN_NAME ": not started: %s", STRERROR(-err));
		return -1;
	}
	g.stop_fd = eventfd(0, EFD_CLOEXEC);
	if (g.stop_fd < 0) {
		ERROR(PLUGIN_NAME ": not started: eventfd: %s", STRERRNO);
		close_sources();
		return -1;
	}
	return 0;
}

/* The read callback is registered here, not in module_register: a plugin
 * that failed to start has no read callback for collectd to retry. */
static int init_callbacks(void)
{
	register_data_sets();
	if (plugin_register_complex_read(NULL, PLUGIN_NAME, oomwatch_read, 0, NULL) != 0) {
		ERROR(PLUGIN_NAME ": not started: cannot register the read callback");
		return -1;
	}
	int err = plugin_thread_create(&g.watcher, watcher_main, NULL, PLUGIN_NAME);
	if (err != 0)
		WARNING(PLUGIN_NAME ": no watcher thread (%s): kills are notified at each "
				    "interval instead of at once",
			STRERROR(err));
	g.watcher_running = err == 0;
	return 0;
}

static int oomwatch_init(void)
{
	if (g.started)
		return 0;
	if (cfg.failed) {
		ERROR(PLUGIN_NAME ": not started: <Plugin " PLUGIN_NAME "> has errors (see above)");
		return -1;
	}
	if (cfg.mcfg.paths.journal_dir[0] && strcmp(cfg.mcfg.paths.kmsg, OOMW_KMSG_JOURNAL) != 0) {
		ERROR(PLUGIN_NAME ": not started: JournalDir needs KmsgPath \"journal\"");
		return -1;
	}
	for (size_t i = 0; i < cfg.mcfg.n_cgroup_globs; i++)
		cfg.mcfg.cgroup_globs[i] = cfg.globs[i];
	if (init_state_path() < 0 || init_check_paths() < 0 || init_open() < 0)
		return -1;
	if (init_callbacks() < 0) {
		close_sources();
		return -1;
	}
	g.started = true;
	INFO(PLUGIN_NAME
	     ": watching proc %s, sys %s, kernel log %s%s%s; state in %s; version " OOMWATCH_VERSION,
	     cfg.mcfg.paths.proc, cfg.mcfg.paths.sys, cfg.mcfg.paths.kmsg,
	     cfg.mcfg.paths.journal_dir[0] ? " in " : "", cfg.mcfg.paths.journal_dir,
	     cfg.mcfg.state_path);
	return 0;
}

/* ---- one sample ---------------------------------------------------------- */

/* What a sample's on_event needs, and the kills at an unknown time since boot
 * it found (before the plugin first watched, that the log no longer names). */
struct sample_news {
	const struct oomw_snapshot *snap;
	struct oomw_backlog_tally backlog;
};

/* With the notifications below, which tell what a sample found. */
static void on_event(const struct oomw_event *ev, void *ctx);
static void notify_backlog(const struct sample_news *news);
static void judge_sample(const struct oomw_snapshot *snap, int save_err);

/* Takes one sample under the lock: new kills are notified from inside, then
 * the verdict on it. */
static void sample(struct oomw_snapshot *snap)
{
	struct sample_news news = { .snap = snap };
	pthread_mutex_lock(&g.lock);
	int save_err = oomw_monitor_sample(g.mon, snap, on_event, &news);
	if (news.backlog.n > 0)
		notify_backlog(&news);
	judge_sample(snap, save_err);
	pthread_mutex_unlock(&g.lock);
}

/* ---- the watcher thread ------------------------------------------------- */

/* Whether the watcher has been woken too often this second; then it rests. */
static bool watcher_too_busy(cdtime_t *second_start, int *wakeups)
{
	if (cdtime() - *second_start >= TIME_T_TO_CDTIME_T(1)) {
		*second_start = cdtime();
		*wakeups = 0;
		return false;
	}
	if (++*wakeups < WATCH_WAKEUPS_PER_SEC_MAX)
		return false;
	c_complain(LOG_WARNING, &g.busy_c,
		   PLUGIN_NAME ": woken %d times in a second (a very busy kernel log?); resting "
			       "for a second",
		   *wakeups);
	return true;
}

/* Waits on what the monitor says signals a kill (kmsg POLLIN, cgroup v2
 * memory.events POLLPRI) and samples at once, so a kill is notified within
 * milliseconds; the read callback stays the safety net for everything else. */
static void *watcher_main(void *arg)
{
	(void)arg;
	struct pollfd fds[1 + WATCH_FDS_MAX];
	int idle_ms = (int)CDTIME_T_TO_MS(plugin_get_interval());
	cdtime_t second_start = cdtime();
	int wakeups = 0;

	for (;;) {
		fds[0] = (struct pollfd){ .fd = g.stop_fd, .events = POLLIN };
		pthread_mutex_lock(&g.lock);
		size_t n = oomw_monitor_pollfds(g.mon, fds + 1, WATCH_FDS_MAX);
		pthread_mutex_unlock(&g.lock);

		/* With nothing to wait on, look again each interval: sources may reopen. */
		int r = poll(fds, (nfds_t)(n + 1), n == 0 ? idle_ms : -1);
		if (r < 0 && errno != EINTR) {
			ERROR(PLUGIN_NAME ": poll: %s; kills are now notified at each interval",
			      STRERRNO);
			break;
		}
		if (fds[0].revents != 0)
			break;
		if (r <= 0)
			continue;
		sample(&g.watch_snap);
		if (watcher_too_busy(&second_start, &wakeups) && poll(fds, 1, MSEC_PER_SEC) > 0)
			break;
	}
	return NULL;
}

/* ---- the read callback -------------------------------------------------- */

/* meta: the values' metadata, or NULL. */
static void submit(const char *plugin_instance, const char *type, const char *type_instance,
		   value_t *values, size_t n, meta_data_t *meta)
{
	value_list_t vl = VALUE_LIST_INIT;
	vl.values = values;
	vl.values_len = n;
	vl.meta = meta;
	sstrncpy(vl.plugin, PLUGIN_NAME, sizeof(vl.plugin));
	sstrncpy(vl.plugin_instance, plugin_instance, sizeof(vl.plugin_instance));
	sstrncpy(vl.type, type, sizeof(vl.type));
	sstrncpy(vl.type_instance, type_instance, sizeof(vl.type_instance));
	plugin_dispatch_values(&vl);
}

static void submit_gauge(const char *plugin_instance, const char *type, const char *type_instance,
			 double v)
{
	value_t value = { .gauge = v };
	submit(plugin_instance, type, type_instance, &value, 1, NULL);
}

static void submit_kib(const char *plugin_instance, const char *type, const char *type_instance,
		       int64_t kib)
{
	if (kib != OOMW_UNKNOWN)
		submit_gauge(plugin_instance, type, type_instance, (gauge_t)kib * KIB_BYTES);
}

static void submit_bytes(const char *plugin_instance, const char *type_instance, int64_t bytes)
{
	if (bytes != OOMW_UNKNOWN && bytes != OOMW_UNLIMITED)
		submit_gauge(plugin_instance, "memory", type_instance, (gauge_t)bytes);
}

static void submit_derive(const char *plugin_instance, const char *type, const char *type_instance,
			  int64_t count)
{
	if (count == OOMW_UNKNOWN)
		return;
	value_t v = { .derive = count };
	submit(plugin_instance, type, type_instance, &v, 1, NULL);
}

static void submit_psi(const char *type_instance, const struct oomw_psi_line *l)
{
	if (!l->known)
		return;
	value_t avg[] = {
		{ .gauge = (gauge_t)l->avg10_cpct / 100.0 },
		{ .gauge = (gauge_t)l->avg60_cpct / 100.0 },
		{ .gauge = (gauge_t)l->avg300_cpct / 100.0 },
	};
	submit("", "memory_pressure", type_instance, avg, STATIC_ARRAY_SIZE(avg), NULL);
	submit_derive("", "memory_stall", type_instance, l->total_usec);
}

static void submit_meminfo(const struct oomw_meminfo *m)
{
	submit_kib("", "memory", "total", m->mem_total_kib);
	submit_kib("", "memory", "available", m->mem_available_kib);
	submit_kib("", "memory", "free", m->mem_free_kib);
	submit_kib("", "memory", "committed", m->committed_as_kib);
	submit_kib("", "memory", "commit_limit", m->commit_limit_kib);
	struct oomw_gauge avail = oomw_gauge_kib(m->mem_available_kib, m->mem_total_kib);
	if (avail.pct_known)
		submit_gauge("", "percent", "available", avail.pct);
	submit_kib("", "swap", "total", m->swap_total_kib);
	submit_kib("", "swap", "free", m->swap_free_kib);
}

static void submit_snapshot(const struct oomw_snapshot *s)
{
	if (s->mem_err == 0)
		submit_meminfo(&s->mem);
	if (s->psi_err == 0) {
		submit_psi("some", &s->psi.some);
		submit_psi("full", &s->psi.full);
	}
	if (s->vmstat_err == 0)
		submit_derive("", "derive", "oom_kill", s->oom_kill_total);
	if (s->kills_without_details >= 0)
		submit_derive("", "derive", "oom_kill_without_details", s->kills_without_details);
	/* Kills by systemd-oomd and earlyoom, which the kernel's counter never
	 * sees: from the journal (or a text log's tags), apart from oom_kill. */
	if (s->klog_err == 0 &&
	    (strcmp(cfg.mcfg.paths.kmsg, OOMW_KMSG_JOURNAL) == 0 || s->userspace_kills > 0))
		submit_derive("", "derive", "userspace_kill", s->userspace_kills);

	for (size_t i = 0; i < s->n_cgroups; i++) {
		const struct oomw_cgroup_stats *c = &s->cgroups[i].stats;
		char inst[DATA_MAX_NAME_LEN];
		/* README, "Series": injective, 127 bytes at most. */
		oomw_cgroup_series_name(c->path, inst, sizeof(inst));
		submit_derive(inst, "derive", "oom_kill", c->oom_kill);
		submit_bytes(inst, "usage", c->usage_bytes);
		submit_bytes(inst, "limit", c->limit_bytes);
	}
}

/* One next victim's value: its rank is the series (type instance "rank1"...),
 * its name and pid ride along as the value's metadata ("comm", "pid"), so a
 * new pid never makes a new RRD file. */
static void submit_candidate(size_t rank, const char *type, double v, const char *comm, int64_t pid)
{
	value_t value = { .gauge = v };
	char rank_instance[DATA_MAX_NAME_LEN];
	meta_data_t *meta = meta_data_create();
	if (meta != NULL) {
		meta_data_add_string(meta, "comm", comm);
		meta_data_add_signed_int(meta, "pid", pid);
	}
	snprintf(rank_instance, sizeof(rank_instance), "rank%zu", rank);
	submit("candidates", type, rank_instance, &value, 1, meta);
	meta_data_destroy(meta);
}

/* The monitor's scan (it rescans at most once a second, after the kills of
 * a sample are notified): the same candidates the core names as the
 * likeliest victim of a cgroup held at its limit. */
static void submit_candidates(const struct oomw_snapshot *snap)
{
	if (snap->candidates_err != 0)
		c_complain_once(LOG_WARNING, &g.candidates_c,
				PLUGIN_NAME ": candidates: cannot read the processes' oom_score "
					    "under %s: %s",
				cfg.mcfg.paths.proc, STRERROR(-snap->candidates_err));
	else
		c_release(LOG_INFO, &g.candidates_c, PLUGIN_NAME ": candidates: readable again");
	for (size_t i = 0; i < snap->n_candidates; i++) {
		const struct oomw_candidate *c = &snap->candidates[i];
		char comm[4 * OOMW_COMM_MAX + 1];
		oomw_escape(c->comm, c->comm_len, "", comm, sizeof(comm));
		submit_candidate(i + 1, "oom_score", (gauge_t)c->oom_score, comm, c->pid);
		if (c->rss_kib != OOMW_UNKNOWN)
			submit_candidate(i + 1, "memory", (gauge_t)c->rss_kib * KIB_BYTES, comm,
					 c->pid);
	}
}

static int oomwatch_read(user_data_t *ud)
{
	(void)ud;
	sample(&g.read_snap);
	submit_snapshot(&g.read_snap);
	if (cfg.mcfg.n_candidates > 0)
		submit_candidates(&g.read_snap);
	return 0;
}

/* ---- notifications ------------------------------------------------------ */

/* At wall_usec, or now when OOMW_UNKNOWN. */
static void notif_start(notification_t *n, int severity, int64_t wall_usec, const char *type,
			const char *type_instance)
{
	memset(n, 0, sizeof(*n));
	n->severity = severity;
	n->time = wall_usec == OOMW_UNKNOWN ? cdtime() : US_TO_CDTIME_T((uint64_t)wall_usec);
	sstrncpy(n->host, hostname_g, sizeof(n->host));
	sstrncpy(n->plugin, PLUGIN_NAME, sizeof(n->plugin));
	sstrncpy(n->type, type, sizeof(n->type));
	sstrncpy(n->type_instance, type_instance, sizeof(n->type_instance));
}

static int notif_severity(enum oomw_severity s)
{
	return s == OOMW_SEV_CRITICAL  ? NOTIF_FAILURE
	       : s == OOMW_SEV_WARNING ? NOTIF_WARNING
				       : NOTIF_OKAY;
}

static void meta_i64(notification_t *n, const char *name, int64_t v)
{
	if (v != OOMW_UNKNOWN)
		plugin_notification_meta_add_signed_int(n, name, v);
}

/* Strings from the kernel carry any byte: escaped so every consumer (exec,
 * notify_email, network) gets one printable line. */
static void meta_text(notification_t *n, const char *name, const char *s)
{
	char esc[4 * OOMW_CGROUP_PATH_MAX + 1];
	if (*s == '\0')
		return;
	oomw_escape(s, strlen(s), NULL, esc, sizeof(esc));
	plugin_notification_meta_add_string(n, name, esc);
}

static void dispatch(notification_t *n)
{
	plugin_dispatch_notification(n);
	plugin_notification_meta_free(n->meta);
	n->meta = NULL;
}

/* Who it was in a team's words, why that victim and how to avoid the next one
 * (notice.h, oomw_kill_reasons): the message has no room for them (NOTIF_MAX_MSG_LEN). */
static void kill_reasons_meta(notification_t *n, const struct oomw_kill *k)
{
	struct oomw_kill_reasons r;
	oomw_kill_reasons(k, sizeof(r.why) - 1, &r);
	meta_text(n, "unit", r.who.unit);
	meta_text(n, "container_runtime", r.who.runtime);
	meta_text(n, "container_id", r.who.container_id);
	meta_text(n, "pod_uid", r.who.pod_uid);
	meta_text(n, "pod_qos", r.qos);
	meta_text(n, "why", r.why);
	meta_text(n, "remedy", r.remedy);
}

/* The whole kill for exec, notify_email and network consumers (a kill
 * without details has only its index and time). */
static void kill_meta(notification_t *n, const struct oomw_event *ev)
{
	const struct oomw_kill *k = &ev->kill;
	plugin_notification_meta_add_unsigned_int(n, "kill_index", ev->index);
	plugin_notification_meta_add_boolean(n, "has_details", ev->has_details);
	meta_i64(n, "pid", k->pid);
	meta_text(n, "comm", k->comm);
	meta_i64(n, "uid", k->uid);
	meta_i64(n, "rss_kib", oomw_kill_rss_kib(k));
	meta_i64(n, "anon_rss_kib", k->anon_rss_kib);
	meta_i64(n, "file_rss_kib", k->file_rss_kib);
	meta_i64(n, "shmem_rss_kib", k->shmem_rss_kib);
	meta_i64(n, "total_vm_kib", k->total_vm_kib);
	meta_i64(n, "pgtables_kib", k->pgtables_kib);
	meta_i64(n, "oom_score_adj", k->oom_score_adj);
	meta_text(n, "cgroup", oomw_kill_cgroup(k));
	meta_text(n, "task_memcg", k->task_memcg);
	meta_text(n, "oom_memcg", k->oom_memcg);
	if (ev->has_details)
		plugin_notification_meta_add_string(n, "scope", oomw_scope_name(k->scope));
	meta_text(n, "constraint", k->constraint);
	meta_i64(n, "kernel_time_usec", k->mono_usec);
	meta_i64(n, "time_usec", ev->wall_usec);
	if (ev->has_details)
		kill_reasons_meta(n, k);
}

/* A userspace OOM killer's kill (systemd-oomd, earlyoom): what it said of the
 * victim and of the machine before the kill. */
static void userspace_kill_meta(notification_t *n, const struct oomw_event *ev)
{
	const struct oomw_ukill *u = &ev->ukill;
	plugin_notification_meta_add_unsigned_int(n, "kill_index", ev->index);
	plugin_notification_meta_add_string(n, "killer", oomw_killer_name(ev->killer));
	plugin_notification_meta_add_string(n, "reason", oomw_ukill_reason_name(u->reason));
	meta_i64(n, "signal", u->signal);
	meta_i64(n, "pid", ev->kill.pid);
	meta_text(n, "comm", ev->kill.comm);
	meta_i64(n, "uid", ev->kill.uid);
	meta_i64(n, "oom_score", u->oom_score);
	meta_i64(n, "oom_score_adj", u->oom_score_adj);
	meta_i64(n, "rss_kib", u->rss_kib);
	meta_i64(n, "mem_available_kib", u->mem_avail_kib);
	meta_i64(n, "mem_total_kib", u->mem_total_kib);
	meta_i64(n, "swap_free_kib", u->swap_free_kib);
	meta_i64(n, "swap_total_kib", u->swap_total_kib);
	meta_text(n, "cgroup", u->cgroup);
	meta_text(n, "detail", u->detail);
	meta_i64(n, "time_usec", ev->wall_usec);
}

/* One FAILURE per kill, in the core's words (notice.h, oomw_kill_notice); a
 * userspace OOM killer's has its own type instance, never the kernel's. */
static void notify_kill(const struct oomw_event *ev, const struct oomw_snapshot *snap)
{
	const struct oomw_assess_input in = { .snap = snap, .paths = &cfg.mcfg.paths };
	bool kernel = ev->killer == OOMW_KILLER_KERNEL;
	notification_t n;
	notif_start(&n, NOTIF_FAILURE, ev->wall_usec, "derive", kernel ? "oom_kill" : "userspace_kill");
	oomw_kill_notice(&in, ev, n.message, sizeof(n.message));
	if (kernel)
		kill_meta(&n, ev);
	else
		userspace_kill_meta(&n, ev);
	dispatch(&n);
}

/* One notification says how many. */
static void notify_backlog(const struct sample_news *news)
{
	notification_t n;
	const bool has_details = false; /* the log names none of them */
	notif_start(&n, notif_severity(cfg.params.backlog), news->snap->wall_usec, "derive",
		    "oom_kill");
	/* Exact: every such kill reaches on_event, whatever the ring keeps. */
	oomw_backlog_text(news->backlog.n, OOMW_COUNT_EXACT, news->snap->wall_usec, n.message,
			  sizeof(n.message));
	plugin_notification_meta_add_unsigned_int(&n, "kills", news->backlog.n);
	plugin_notification_meta_add_unsigned_int(&n, "kill_index", news->backlog.last_index);
	plugin_notification_meta_add_boolean(&n, "has_details", has_details);
	dispatch(&n);
}

/* Called by oomw_monitor_sample (under g.lock) once per new kill, oldest first. */
static void on_event(const struct oomw_event *ev, void *ctx)
{
	struct sample_news *news = ctx;
	if (cfg.notify_kills &&
	    oomw_news_tally(&news->backlog, ev, news->snap, &cfg.params) == OOMW_NEWS_KILL)
		notify_kill(ev, news->snap);
}

/* A held verdict's change, in the core's words (notice.h, oomw_gauge_notice). */
static void notify_gauge(enum oomw_held_gauge id, const struct oomw_verdict *v)
{
	enum oomw_severity now;
	const struct oomw_gauge *gauge = oomw_verdict_gauge(v, id, &now);
	notification_t n;
	notif_start(&n, notif_severity(now), OOMW_UNKNOWN, gauge_types[id].type,
		    gauge_types[id].type_instance);
	oomw_gauge_notice(v, &cfg.params, id, n.message, sizeof(n.message));
	if (id != OOMW_HELD_PSI) {
		plugin_notification_meta_add_signed_int(&n, "value_kib",
							(int64_t)(gauge->bytes / KIB_BYTES));
		plugin_notification_meta_add_signed_int(&n, "total_kib",
							(int64_t)(gauge->total_bytes / KIB_BYTES));
	}
	plugin_notification_meta_add_double(&n, "percent", gauge->pct);
	dispatch(&n);
}

/* ---- problems with sources --------------------------------------------- */

/* Logs each source problem of the verdict when it appears, and its recovery
 * once its source has none left. At the core's severity: an error when it
 * leaves nothing to judge, a notice when it only limits the detail. */
static void log_problems(const struct oomw_verdict *v)
{
	struct oomw_problem_news news;
	oomw_problem_log_update(&g.logged, v, &news);
	for (size_t i = 0; i < news.n_appeared; i++)
		plugin_log(news.appeared[i]->severity == OOMW_SEV_OK ? LOG_NOTICE : LOG_ERR,
			   PLUGIN_NAME ": %s", news.appeared[i]->text);
	for (size_t i = 0; i < news.n_resolved; i++)
		INFO(PLUGIN_NAME ": recovered: %s", news.resolved[i].text);
}

/* Before the kill: a WARNING when a cgroup starts being held at its limit
 * (assess.h, oomw_held_text), an OKAY once it no longer is or is gone
 * (news.h, oomw_held_cgroups_update). */
static void notify_held_cgroups(const struct oomw_verdict *v)
{
	struct oomw_held_changes *ch = &g.held_changes;
	notification_t n;
	oomw_held_cgroups_update(&g.held_cgroups, v, ch);
	for (size_t i = 0; i < ch->n_started; i++) {
		const struct oomw_cgroup_verdict *cv = ch->started[i];
		notif_start(&n, NOTIF_WARNING, OOMW_UNKNOWN, "derive", "limit_hits");
		oomw_held_text(cv, n.message, sizeof(n.message));
		meta_text(&n, "cgroup", cv->cg->stats.path);
		meta_i64(&n, "limit_hits", cv->cg->limit_hits_delta);
		meta_i64(&n, "pressure_some_avg10_cpct", cv->cg->stats.pressure_some_avg10_cpct);
		if (cv->likeliest) {
			meta_i64(&n, "likeliest_pid", cv->likeliest->pid);
			meta_text(&n, "likeliest_comm", cv->likeliest->comm);
		}
		dispatch(&n);
	}
	for (size_t i = 0; i < ch->n_stopped; i++) {
		notif_start(&n, NOTIF_OKAY, OOMW_UNKNOWN, "derive", "limit_hits");
		oomw_released_text(ch->stopped[i], n.message, sizeof(n.message));
		meta_text(&n, "cgroup", ch->stopped[i]);
		dispatch(&n);
	}
}

/* The core's verdict on this sample: its source problems logged, its memory,
 * swap and PSI changes notified. */
static void judge_sample(const struct oomw_snapshot *snap, int save_err)
{
	struct oomw_verdict *v = &g.verdict;
	const struct oomw_assess_input in = {
		.snap = snap,
		.paths = &cfg.mcfg.paths,
		.kmsg_option = "KmsgPath",
		.state_path = cfg.mcfg.state_path,
		.cgroups_asked = cfg.mcfg.n_cgroup_globs > 0,
		.save_err = save_err,
		.prev = &g.held,
	};
	enum oomw_change change[OOMW_HELD_GAUGES];
	oomw_assess(&in, &cfg.params, v);
	log_problems(v);
	oomw_held_update(&g.held, v, change);
	for (int id = 0; id < OOMW_HELD_GAUGES; id++)
		if (change[id] != OOMW_CHANGE_NONE)
			notify_gauge((enum oomw_held_gauge)id, v);
	notify_held_cgroups(v);
}

/* ---- shutdown ------------------------------------------------------------ */

static int oomwatch_shutdown(void)
{
	if (g.watcher_running) {
		uint64_t one = 1;
		/* The thread may be inside the monitor: never close it under its feet. */
		if (write(g.stop_fd, &one, sizeof(one)) != (ssize_t)sizeof(one)) {
			ERROR(PLUGIN_NAME ": cannot stop the watcher thread: %s", STRERRNO);
			return -1;
		}
		pthread_join(g.watcher, NULL);
		g.watcher_running = false;
	}
	close_sources();
	g.held = (struct oomw_held){ OOMW_SEV_UNKNOWN, OOMW_SEV_UNKNOWN, OOMW_SEV_UNKNOWN };
	g.logged.n = 0;
	config_reset();
	g.started = false;
	return 0;
}

void module_register(void)
{
	config_reset();
	plugin_register_complex_config(PLUGIN_NAME, oomwatch_config);
	plugin_register_init(PLUGIN_NAME, oomwatch_init);
	plugin_register_shutdown(PLUGIN_NAME, oomwatch_shutdown);
}
