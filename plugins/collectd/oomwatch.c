/* SPDX-License-Identifier: MIT */
/* oomwatch.c — the collectd front end (oomwatch.so): parses <Plugin oomwatch>,
 * owns one monitor, dispatches its gauges and counters each interval, and a
 * notification per OOM kill from a watcher thread that waits on the kernel log.
 * The only file that includes collectd headers (their config.h defines ERROR,
 * WARNING, VERSION...). Detection and every judgement live in common/
 * (monitor.h, assess.h); this file maps them onto values and notifications.
 *
 * Life, top to bottom: configuration, init, the watcher thread, the read
 * callback, notifications, shutdown, module_register(). */
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
#include "defaults.h"
#include "journal.h"
#include "meminfo.h"
#include "monitor.h"
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
#define THRESHOLD_TEXT_MAX (OOMW_RANGE_TEXT_MAX + 1)

/* A judged gauge whose verdict changes are notified. */
enum gauge_id { GAUGE_MEM, GAUGE_SWAP, GAUGE_PSI, GAUGES };

struct watched_gauge {
	const char *what;                         /* "Available memory", for messages */
	const char *type, *type_instance;         /* of the notification: match the value's */
	const char *warning_word, *critical_word; /* "is low", "is critically low" */
	const char *default_warning, *default_critical;
	char warning[THRESHOLD_TEXT_MAX], critical[THRESHOLD_TEXT_MAX]; /* as typed */
};

static struct watched_gauge gauges[GAUGES] = {
	[GAUGE_MEM] = { "Available memory", "memory", "available", "low", "critically low",
			OOMW_DEFAULT_MEM_WARNING, OOMW_DEFAULT_MEM_CRITICAL, "", "" },
	[GAUGE_SWAP] = { "Free swap", "swap", "free", "low", "critically low",
			 OOMW_DEFAULT_SWAP_WARNING, OOMW_DEFAULT_SWAP_CRITICAL, "", "" },
	[GAUGE_PSI] = { "Memory pressure", "memory_pressure", "full", "high", "critically high",
			OOMW_DEFAULT_PSI_WARNING, OOMW_DEFAULT_PSI_CRITICAL, "", "" },
};

/* What <Plugin oomwatch> said, reset by module_register(). */
static struct {
	struct oomw_monitor_config mcfg;
	char *globs[OOMW_GLOBS_MAX];
	char *state_path;
	bool notify_kills;
	/* Scanned by the read callback itself, outside the lock: a scan of every
	 * process takes milliseconds and must not delay the watcher's kills. */
	size_t n_candidates;
	struct oomw_assess_params params;
	char hysteresis[THRESHOLD_TEXT_MAX]; /* as typed */
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
	struct oomw_candidate candidates[OOMW_CANDIDATES_MAX]; /* the read callback's */
	/* Under lock, as the monitor: */
	struct oomw_verdict verdict;
	struct oomw_held held; /* the verdicts last notified */
	/* the cgroups last notified as held at their limit */
	char held_cgroups[OOMW_SNAPSHOT_CGROUPS_MAX][OOMW_CGROUP_PATH_MAX + 1];
	size_t n_held_cgroups;
	struct oomw_problem logged[OOMW_PROBLEMS_MAX]; /* the source problems last logged */
	size_t n_logged;
	c_complain_t candidates_c; /* the read callback's */
	c_complain_t busy_c;       /* the watcher's */
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
	for (size_t i = 0; i < cfg.mcfg.n_cgroup_globs; i++)
		sfree(cfg.globs[i]);
	sfree(cfg.state_path);
	memset(&cfg, 0, sizeof(cfg));
	oomw_paths_default(&cfg.mcfg.paths);
	cfg.notify_kills = true;
	oomw_assess_params_default(&cfg.params, OOMW_FRONTEND_COLLECTD);
	sstrncpy(cfg.hysteresis, OOMW_DEFAULT_HYSTERESIS, sizeof(cfg.hysteresis));
	for (size_t i = 0; i < GAUGES; i++) {
		sstrncpy(gauges[i].warning, gauges[i].default_warning, THRESHOLD_TEXT_MAX);
		sstrncpy(gauges[i].critical, gauges[i].default_critical, THRESHOLD_TEXT_MAX);
	}
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

/* One key of <Plugin oomwatch>: its parser and where the value goes. */
struct config_key {
	const char *name;
	/* A key whose value is text (a number as text: sizes, durations) is
	 * parsed by parse_text, which says why it refuses; others by parse_item. */
	int (*parse_text)(const char *s, const struct config_key *k, char *why);
	void (*parse_item)(const oconfig_item_t *ci, const struct config_key *k);
	void *field;
	enum oomw_metric metric; /* thresholds */
	char *text;              /* thresholds, Hysteresis: the text as typed */
};

static int refuse(char *why, const char *reason)
{
	sstrncpy(why, reason, OOMW_THRESHOLD_WHY_MAX);
	return -EINVAL;
}

static int parse_path(const char *s, const struct config_key *k, char *why)
{
	if (*s == '\0')
		return refuse(why, "must not be empty");
	return oomw_paths_set(k->field, s) < 0 ? refuse(why, "path too long") : 0;
}

/* A threshold in the grammar every front end shares (README, Thresholds). */
static int parse_threshold(const char *s, const struct config_key *k, char *why)
{
	int err = oomw_threshold_parse(s, k->metric, k->field, why);
	if (err == 0)
		sstrncpy(k->text, s, THRESHOLD_TEXT_MAX);
	return err;
}

static int parse_margin(const char *s, const struct config_key *k, char *why)
{
	int err = oomw_margin_parse(s, k->field, why);
	if (err == 0)
		sstrncpy(k->text, s, THRESHOLD_TEXT_MAX);
	return err;
}

static int parse_duration(const char *s, const struct config_key *k, char *why)
{
	const char *dwhy = "not a duration";
	int err = oomw_duration_parse(s, k->field, &dwhy);
	if (err < 0)
		snprintf(why, OOMW_THRESHOLD_WHY_MAX, "%s (e.g. 24h, 30m, 7d)", dwhy);
	return err;
}

static int parse_glob(const char *s, const struct config_key *k, char *why)
{
	(void)k;
	if (*s == '\0')
		return refuse(why, "must not be empty");
	if (cfg.mcfg.n_cgroup_globs >= OOMW_GLOBS_MAX)
		return refuse(why, "too many Cgroup lines");
	char *copy = strdup(s);
	if (copy == NULL)
		return refuse(why, "out of memory");
	cfg.globs[cfg.mcfg.n_cgroup_globs] = copy;
	cfg.mcfg.cgroup_globs[cfg.mcfg.n_cgroup_globs++] = copy;
	return 0;
}

static int parse_file(const char *s, const struct config_key *k, char *why)
{
	char **out = k->field;
	if (*s == '\0')
		return refuse(why, "must not be empty");
	char *copy = strdup(s);
	if (copy == NULL)
		return refuse(why, "out of memory");
	free(*out);
	*out = copy;
	return 0;
}

static void config_candidates(const oconfig_item_t *ci, const struct config_key *k)
{
	if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_NUMBER || ci->children_num != 0) {
		CONFIG_ERROR("\"%s\" takes one number (0 to %d)", ci->key, OOMW_CANDIDATES_MAX);
		return;
	}
	double n = ci->values[0].value.number;
	if (n < 0 || n > OOMW_CANDIDATES_MAX || n != (double)(size_t)n) {
		CONFIG_ERROR("\"%s %g\": must be a whole number from 0 to %d", ci->key, n,
			     OOMW_CANDIDATES_MAX);
		return;
	}
	*(size_t *)k->field = (size_t)n;
}

static void config_bool(const oconfig_item_t *ci, const struct config_key *k)
{
	if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_BOOLEAN || ci->children_num != 0) {
		CONFIG_ERROR("\"%s\" takes true or false", ci->key);
		return;
	}
	*(bool *)k->field = ci->values[0].value.boolean;
}

/* <name>Warning and <name>Critical, on gauge id. */
#define THRESHOLD_KEYS(name, id, limits, metric)                                                   \
	{ name "Warning", parse_threshold,   NULL, &cfg.params.limits.warning,                     \
	  metric,         gauges[id].warning },                                                    \
	{                                                                                          \
		name "Critical", parse_threshold, NULL, &cfg.params.limits.critical, metric,       \
			gauges[id].critical                                                        \
	}

static const struct config_key config_keys[] = {
	{ "ProcPath", parse_path, NULL, cfg.mcfg.paths.proc, 0, NULL },
	{ "SysPath", parse_path, NULL, cfg.mcfg.paths.sys, 0, NULL },
	{ "KmsgPath", parse_path, NULL, cfg.mcfg.paths.kmsg, 0, NULL },
	{ "JournalDir", parse_path, NULL, cfg.mcfg.paths.journal_dir, 0, NULL },
	{ "Cgroup", parse_glob, NULL, NULL, 0, NULL },
	{ "Candidates", NULL, config_candidates, &cfg.n_candidates, 0, NULL },
	{ "NotifyKills", NULL, config_bool, &cfg.notify_kills, 0, NULL },
	{ "KillWindow", parse_duration, NULL, &cfg.params.window_sec, 0, NULL },
	{ "StateFile", parse_file, NULL, &cfg.state_path, 0, NULL },
	THRESHOLD_KEYS("MemAvailable", GAUGE_MEM, mem_available, OOMW_METRIC_FREE),
	THRESHOLD_KEYS("SwapFree", GAUGE_SWAP, swap_free, OOMW_METRIC_FREE),
	THRESHOLD_KEYS("Pressure", GAUGE_PSI, psi, OOMW_METRIC_PRESSURE),
	{ "Hysteresis", parse_margin, NULL, &cfg.params.hysteresis, 0, cfg.hysteresis },
};

/* A key's value; a refusal names the key and the value as typed. */
static void config_key_parse(const oconfig_item_t *ci, const struct config_key *k)
{
	char num[64], why[OOMW_THRESHOLD_WHY_MAX] = "";
	if (k->parse_item != NULL) {
		k->parse_item(ci, k);
		return;
	}
	const char *s = config_string(ci, num, sizeof(num));
	if (s != NULL && k->parse_text(s, k, why) < 0)
		CONFIG_ERROR("\"%s %s\": %s", ci->key, s, why);
}

static const struct config_key *config_key_find(const char *name)
{
	for (size_t i = 0; i < STATIC_ARRAY_SIZE(config_keys); i++)
		if (strcasecmp(name, config_keys[i].name) == 0)
			return &config_keys[i];
	return NULL;
}

static void config_unknown_key(const char *key)
{
	char known[512] = "";
	for (size_t i = 0; i < STATIC_ARRAY_SIZE(config_keys); i++) {
		size_t len = strlen(known);
		snprintf(known + len, sizeof(known) - len, "%s%s", i > 0 ? ", " : "",
			 config_keys[i].name);
	}
	CONFIG_ERROR("unknown key \"%s\" in <Plugin " PLUGIN_NAME "> (known: %s)", key, known);
}

static int oomwatch_config(oconfig_item_t *ci)
{
	for (int i = 0; i < ci->children_num; i++) {
		const oconfig_item_t *c = ci->children + i;
		const struct config_key *k = config_key_find(c->key);
		if (k == NULL)
			config_unknown_key(c->key);
		else
			config_key_parse(c, k);
	}
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
	if (cfg.state_path == NULL) {
		const char *base = global_option_get("BaseDir");
		char path[PATH_MAX];
		if (base == NULL || oomw_path_join(path, sizeof(path), base, STATE_FILE_NAME) < 0) {
			ERROR(PLUGIN_NAME ": no BaseDir to keep " STATE_FILE_NAME " in; set StateFile");
			return -1;
		}
		cfg.state_path = strdup(path);
		if (cfg.state_path == NULL)
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

/* Cut at the end when longer than collectd's NOTIF_MAX_MSG_LEN. */
__attribute__((format(printf, 2, 3))) static void notif_message(notification_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(n->message, sizeof(n->message), fmt, ap);
	va_end(ap);
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

static const char *fmt_i64(char *buf, size_t size, int64_t v)
{
	if (v == OOMW_UNKNOWN)
		sstrncpy(buf, "?", size);
	else
		snprintf(buf, size, "%" PRIi64, v);
	return buf;
}

/* Who it was in a team's words, why that victim and how to avoid the next one
 * (assess.h): the message has no room for them (NOTIF_MAX_MSG_LEN). */
static void kill_reasons_meta(notification_t *n, const struct oomw_kill *k)
{
	char text[OOMW_WHY_TEXT_MAX];
	const char *cg = oomw_kill_cgroup(k);
	struct oomw_cgroup_name who;
	oomw_cgroup_name(cg, strlen(cg), &who);
	meta_text(n, "unit", who.unit);
	meta_text(n, "container_runtime", who.runtime);
	meta_text(n, "container_id", who.container_id);
	meta_text(n, "pod_uid", who.pod_uid);
	meta_text(n, "pod_qos", oomw_qos_name(who.qos));
	oomw_kill_why(k, text, sizeof(text));
	meta_text(n, "why", text);
	oomw_kill_remedy(k, text, sizeof(text));
	meta_text(n, "remedy", text);
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

/* "OOM killer killed process "<comm>" (pid, uid, rss) at <time>: <scope> OOM in
 * cgroup <path>". Quotes and the characters of the message's own syntax are
 * escaped in the name, so that `x" (pid 1)` cannot pose as the rest of the line. */
static void kill_message(notification_t *n, const struct oomw_event *ev)
{
	const struct oomw_kill *k = &ev->kill;
	char at[64], pid[24], uid[24], rss[32], comm[4 * OOMW_COMM_MAX + 1];
	const char *cgroup = oomw_kill_cgroup(k);
	oomw_escape(k->comm, k->comm_len, "\"()", comm, sizeof(comm));
	notif_message(n,
		      "OOM killer killed process \"%s\" (pid %s, uid %s, rss %s) at %s: "
		      "%s OOM in cgroup ",
		      comm, fmt_i64(pid, sizeof(pid), k->pid), fmt_i64(uid, sizeof(uid), k->uid),
		      oomw_format_kib(oomw_kill_rss_kib(k), rss, sizeof(rss)),
		      oomw_format_time(ev->wall_usec, at, sizeof(at)), oomw_scope_name(k->scope));
	/* collectd keeps NOTIF_MAX_MSG_LEN bytes: the path, the longest part, comes
	 * last and fills the rest; a long one keeps its end ("...docker-<id>.scope"). */
	size_t used = strlen(n->message);
	oomw_escape_field(cgroup[0] != '\0' ? cgroup : "?", cgroup[0] != '\0' ? strlen(cgroup) : 1,
			  sizeof(n->message) - 1 - used, OOMW_CUT_START, n->message + used,
			  sizeof(n->message) - used);
}

/* A userspace OOM killer's kill (systemd-oomd, earlyoom): its own type
 * instance, "userspace_kill", worded by the core ("earlyoom killed stress (pid
 * 4242, SIGTERM, oom_score 912, 6.9 GiB) at <time>"), never one of the kernel's. */
static void notify_userspace_kill(const struct oomw_event *ev, const struct oomw_snapshot *snap)
{
	const struct oomw_assess_input in = { .snap = snap, .paths = &cfg.mcfg.paths };
	const struct oomw_ukill *u = &ev->ukill;
	notification_t n;
	char victim[OOMW_PART_TEXT_MAX];
	notif_start(&n, NOTIF_FAILURE, ev->wall_usec, "derive", "userspace_kill");
	oomw_victim_text(&in, ev, sizeof(n.message), victim, sizeof(victim));
	notif_message(&n, "Userspace OOM killer: %s", victim);
	plugin_notification_meta_add_unsigned_int(&n, "kill_index", ev->index);
	plugin_notification_meta_add_string(&n, "killer", oomw_killer_name(ev->killer));
	plugin_notification_meta_add_string(&n, "reason", oomw_ukill_reason_name(u->reason));
	meta_i64(&n, "signal", u->signal);
	meta_i64(&n, "pid", ev->kill.pid);
	meta_text(&n, "comm", ev->kill.comm);
	meta_i64(&n, "uid", ev->kill.uid);
	meta_i64(&n, "oom_score", u->oom_score);
	meta_i64(&n, "oom_score_adj", u->oom_score_adj);
	meta_i64(&n, "rss_kib", u->rss_kib);
	meta_i64(&n, "mem_available_kib", u->mem_avail_kib);
	meta_i64(&n, "mem_total_kib", u->mem_total_kib);
	meta_i64(&n, "swap_free_kib", u->swap_free_kib);
	meta_i64(&n, "swap_total_kib", u->swap_total_kib);
	meta_text(&n, "cgroup", u->cgroup);
	meta_text(&n, "detail", u->detail);
	meta_i64(&n, "time_usec", ev->wall_usec);
	dispatch(&n);
}

/* One FAILURE per kill; a kill the counter showed but the log did not name is
 * worded by the core ("victim unknown (kernel log unreadable), noticed <time>"). */
static void notify_kill(const struct oomw_event *ev, const struct oomw_snapshot *snap)
{
	const struct oomw_assess_input in = { .snap = snap, .paths = &cfg.mcfg.paths };
	notification_t n;
	char victim[OOMW_PART_TEXT_MAX];
	notif_start(&n, NOTIF_FAILURE, ev->wall_usec, "derive", "oom_kill");
	if (ev->has_details) {
		kill_message(&n, ev);
	} else {
		oomw_victim_text(&in, ev, 0, victim, sizeof(victim));
		notif_message(&n, "OOM killer killed a process (kill #%" PRIu64 "): %s", ev->index,
			      victim);
	}
	kill_meta(&n, ev);
	dispatch(&n);
}

/* What a sample's on_event needs, and the kills at an unknown time since boot
 * it found (before the plugin first watched, that the log no longer names). */
struct sample_news {
	const struct oomw_snapshot *snap;
	size_t n_backlog;
	uint64_t backlog_index; /* the last one's */
};

/* One notification says how many. */
static void notify_backlog(const struct sample_news *news)
{
	notification_t n;
	const bool has_details = false; /* the log names none of them */
	notif_start(&n, notif_severity(cfg.params.backlog), news->snap->wall_usec, "derive",
		    "oom_kill");
	/* Exact: every such kill reaches on_event, whatever the ring keeps. */
	oomw_backlog_text(news->n_backlog, OOMW_COUNT_EXACT, news->snap->wall_usec, n.message,
			  sizeof(n.message));
	plugin_notification_meta_add_unsigned_int(&n, "kills", news->n_backlog);
	plugin_notification_meta_add_unsigned_int(&n, "kill_index", news->backlog_index);
	plugin_notification_meta_add_boolean(&n, "has_details", has_details);
	dispatch(&n);
}

/* Called by oomw_monitor_sample (under g.lock) once per new kill, oldest first. */
static void on_event(const struct oomw_event *ev, void *ctx)
{
	struct sample_news *news = ctx;
	if (!cfg.notify_kills)
		return;
	switch (oomw_event_news(ev, news->snap, &cfg.params)) {
	case OOMW_NEWS_KILL:
		if (ev->killer != OOMW_KILLER_KERNEL)
			notify_userspace_kill(ev, news->snap);
		else
			notify_kill(ev, news->snap);
		break;
	case OOMW_NEWS_BACKLOG:
		news->n_backlog++;
		news->backlog_index = ev->index;
		break;
	case OOMW_NEWS_HISTORY:
		break;
	}
}

/* "146.5 MiB (15.0% of 976.6 MiB)" for a size, "full avg60 7.50%" for pressure. */
static void gauge_text(enum gauge_id id, const struct oomw_gauge *gauge, char *out, size_t size)
{
	char value[32], total[32];
	if (id == GAUGE_PSI) {
		snprintf(out, size, "%s avg%d %.2f%%", oomw_psi_line_name(cfg.params.psi_line),
			 cfg.params.psi_avg_sec, gauge->pct);
		return;
	}
	snprintf(out, size, "%s (%.1f%% of %s)",
		 oomw_format_kib((int64_t)(gauge->bytes / KIB_BYTES), value, sizeof(value)), gauge->pct,
		 oomw_format_kib((int64_t)(gauge->total_bytes / KIB_BYTES), total, sizeof(total)));
}

static void notify_gauge(enum gauge_id id, enum oomw_severity now, const struct oomw_gauge *gauge)
{
	const struct watched_gauge *w = &gauges[id];
	const char *word = now == OOMW_SEV_OK         ? "back to normal"
			   : now == OOMW_SEV_CRITICAL ? w->critical_word
						      : w->warning_word;
	notification_t n;
	char value[96];
	gauge_text(id, gauge, value, sizeof(value));
	notif_start(&n, notif_severity(now), OOMW_UNKNOWN, w->type, w->type_instance);
	notif_message(&n, "%s is %s: %s; thresholds: warning %s, critical %s, hysteresis %s",
		      w->what, word, value, w->warning[0] ? w->warning : "-",
		      w->critical[0] ? w->critical : "-", cfg.hysteresis);
	if (id != GAUGE_PSI) {
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
	for (size_t i = 0; i < v->n_problems; i++) {
		const struct oomw_problem *p = &v->problems[i];
		bool known = false;
		for (size_t j = 0; j < g.n_logged && !known; j++)
			known = strcmp(g.logged[j].text, p->text) == 0;
		if (!known)
			plugin_log(p->severity == OOMW_SEV_OK ? LOG_NOTICE : LOG_ERR,
				   PLUGIN_NAME ": %s", p->text);
	}
	for (size_t j = 0; j < g.n_logged; j++) {
		bool still = false;
		for (size_t i = 0; i < v->n_problems && !still; i++)
			still = v->problems[i].source == g.logged[j].source;
		if (!still)
			INFO(PLUGIN_NAME ": recovered: %s", g.logged[j].text);
	}
	memcpy(g.logged, v->problems, v->n_problems * sizeof(v->problems[0]));
	g.n_logged = v->n_problems;
}

/* Notifies a held verdict's change as the core says (oomw_severity_change);
 * an unknown verdict (the value unreadable) keeps the last one. */
static void notify_change(enum gauge_id id, enum oomw_severity now, enum oomw_severity *held,
			  const struct oomw_gauge *gauge)
{
	enum oomw_change change = oomw_severity_change(*held, now);
	if (now != OOMW_SEV_UNKNOWN)
		*held = now;
	if (change != OOMW_CHANGE_NONE)
		notify_gauge(id, now, gauge);
}

/* Before the kill: a WARNING when a cgroup starts being held at its limit
 * (assess.h, oomw_held_text), an OKAY once it no longer is or is gone. */
static void notify_held_cgroups(const struct oomw_verdict *v)
{
	char text[OOMW_PART_TEXT_MAX];
	notification_t n;
	for (size_t i = 0; i < v->n_cgroups; i++) {
		const struct oomw_cgroup_verdict *cv = &v->cgroups[i];
		bool known = false;
		for (size_t j = 0; j < g.n_held_cgroups && !known; j++)
			known = strcmp(g.held_cgroups[j], cv->cg->stats.path) == 0;
		if (!cv->held || known || g.n_held_cgroups == OOMW_SNAPSHOT_CGROUPS_MAX)
			continue;
		sstrncpy(g.held_cgroups[g.n_held_cgroups++], cv->cg->stats.path,
			 sizeof(g.held_cgroups[0]));
		oomw_held_text(cv, text, sizeof(text));
		notif_start(&n, NOTIF_WARNING, OOMW_UNKNOWN, "derive", "limit_hits");
		notif_message(&n, "%s", text);
		meta_text(&n, "cgroup", cv->cg->stats.path);
		meta_i64(&n, "limit_hits", cv->cg->limit_hits_delta);
		meta_i64(&n, "pressure_some_avg10_cpct", cv->cg->stats.pressure_some_avg10_cpct);
		if (cv->likeliest) {
			meta_i64(&n, "likeliest_pid", cv->likeliest->pid);
			meta_text(&n, "likeliest_comm", cv->likeliest->comm);
		}
		dispatch(&n);
	}
	for (size_t j = 0; j < g.n_held_cgroups;) {
		bool still = false;
		for (size_t i = 0; i < v->n_cgroups && !still; i++)
			still = v->cgroups[i].held &&
				strcmp(g.held_cgroups[j], v->cgroups[i].cg->stats.path) == 0;
		if (still) {
			j++;
			continue;
		}
		char path[4 * OOMW_CGROUP_PATH_MAX + 1];
		oomw_escape(g.held_cgroups[j], strlen(g.held_cgroups[j]), NULL, path, sizeof(path));
		notif_start(&n, NOTIF_OKAY, OOMW_UNKNOWN, "derive", "limit_hits");
		notif_message(&n, "cgroup %s no longer held at its limit", path);
		meta_text(&n, "cgroup", g.held_cgroups[j]);
		dispatch(&n);
		memmove(g.held_cgroups[j], g.held_cgroups[j + 1],
			sizeof(g.held_cgroups[0]) * (g.n_held_cgroups - j - 1));
		g.n_held_cgroups--;
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
	oomw_assess(&in, &cfg.params, v);
	log_problems(v);
	notify_change(GAUGE_MEM, v->mem_severity, &g.held.mem, &v->mem_available);
	notify_change(GAUGE_SWAP, v->swap_severity, &g.held.swap, &v->swap_free);
	if (v->psi_judged)
		notify_change(GAUGE_PSI, v->psi_severity, &g.held.psi, &v->psi);
	notify_held_cgroups(v);
}

/* Takes one sample under the lock: new kills are notified from inside, then
 * the verdict on it. */
static void sample(struct oomw_snapshot *snap)
{
	struct sample_news news = { .snap = snap };
	pthread_mutex_lock(&g.lock);
	int save_err = oomw_monitor_sample(g.mon, snap, on_event, &news);
	if (news.n_backlog > 0)
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

static void submit(const char *plugin_instance, const char *type, const char *type_instance,
		   value_t *values, size_t n)
{
	value_list_t vl = VALUE_LIST_INIT;
	vl.values = values;
	vl.values_len = n;
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
	submit(plugin_instance, type, type_instance, &value, 1);
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
	submit(plugin_instance, type, type_instance, &v, 1);
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
	submit("", "memory_pressure", type_instance, avg, STATIC_ARRAY_SIZE(avg));
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
	value_list_t vl = VALUE_LIST_INIT;
	value_t value = { .gauge = v };
	vl.values = &value;
	vl.values_len = 1;
	sstrncpy(vl.plugin, PLUGIN_NAME, sizeof(vl.plugin));
	sstrncpy(vl.plugin_instance, "candidates", sizeof(vl.plugin_instance));
	sstrncpy(vl.type, type, sizeof(vl.type));
	snprintf(vl.type_instance, sizeof(vl.type_instance), "rank%zu", rank);
	vl.meta = meta_data_create();
	if (vl.meta != NULL) {
		meta_data_add_string(vl.meta, "comm", comm);
		meta_data_add_signed_int(vl.meta, "pid", pid);
	}
	plugin_dispatch_values(&vl);
	meta_data_destroy(vl.meta);
}

static void submit_candidates(void)
{
	size_t n = 0;
	int err = oomw_candidates_top(cfg.mcfg.paths.proc, g.candidates, cfg.n_candidates, &n);
	if (err != 0)
		c_complain_once(LOG_WARNING, &g.candidates_c,
				PLUGIN_NAME ": candidates: cannot read the processes' oom_score "
					    "under %s: %s",
				cfg.mcfg.paths.proc, STRERROR(-err));
	else
		c_release(LOG_INFO, &g.candidates_c, PLUGIN_NAME ": candidates: readable again");
	for (size_t i = 0; i < n; i++) {
		const struct oomw_candidate *c = &g.candidates[i];
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
	if (cfg.n_candidates > 0)
		submit_candidates();
	return 0;
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
	g.n_logged = 0;
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
