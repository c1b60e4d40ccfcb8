/* SPDX-License-Identifier: MIT */
/* oomwatch.c — the collectd front end (oomwatch.so): parses <Plugin oomwatch>,
 * owns one monitor, dispatches its gauges and counters each interval, and a
 * notification per OOM kill from a watcher thread that waits on the kernel log.
 * The only file that includes collectd headers (their config.h defines ERROR,
 * WARNING, VERSION...). Detection lives in common/; this file only formats.
 *
 * Life, top to bottom: configuration, init, the watcher thread, the read
 * callback, shutdown, module_register(). */
#include <collectd/core/daemon/collectd.h>

#include <collectd/core/daemon/configfile.h>
#include <collectd/core/daemon/plugin.h>
#include <collectd/core/daemon/utils_complain.h>
#include <collectd/core/utils/common/common.h>

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>

#include "candidates.h"
#include "cgroup.h"
#include "meminfo.h"
#include "monitor.h"
#include "text.h"
#include "thresholds.h"
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
/* Default hysteresis: a level must recover by 1 % of the total before "OKAY". */
#define DEFAULT_HYSTERESIS "1%"

enum level_state { LEVEL_OK, LEVEL_WARNING, LEVEL_CRITICAL };

struct limit {
	bool set;
	double value; /* bytes or percent, as unit says */
	enum oomw_unit unit;
	char text[OOMW_RANGE_TEXT_MAX + 1]; /* as typed, for messages */
};

/* A "too little left" level (available memory, free swap) with its thresholds. */
struct level {
	const char *what;          /* "Available memory", for messages */
	const char *type_instance; /* of the notification: matches the value's */
	const char *type;
	struct limit warning, critical;
	enum level_state state;
};

static struct {
	/* configuration */
	struct oomw_monitor_config mcfg;
	char *globs[OOMW_GLOBS_MAX];
	char *state_path;
	bool notify_kills;
	/* Scanned by the read callback itself, outside the lock: a scan of every
	 * process takes milliseconds and must not delay the watcher's kills. */
	size_t n_candidates;
	struct limit hysteresis;
	struct level mem_available, swap_free;
	bool config_failed;

	/* running */
	bool started;
	pthread_mutex_t lock; /* guards mon: the monitor is not thread-safe */
	struct oomw_monitor *mon;
	pthread_t watcher;
	bool watcher_running;
	int stop_fd;              /* eventfd that wakes the watcher for shutdown */
	struct oomw_snapshot read_snap;  /* the read callback's (only that thread touches it) */
	struct oomw_snapshot watch_snap; /* the watcher's */
	struct oomw_candidate candidates[OOMW_CANDIDATES_MAX]; /* the read callback's */
	/* What has been complained about, so that a broken source is logged once
	 * and its recovery too (under lock; candidates_c by the read callback only). */
	c_complain_t mem_c, vmstat_c, psi_c, klog_c, cgroup_c, candidates_c, state_c, save_c;
	c_complain_t busy_c; /* the watcher's own */
	uint64_t klog_missed_seen;
} g = {
	.notify_kills = true,
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.stop_fd = -1,
	.mem_available = {.what = "Available memory", .type = "memory", .type_instance = "available"},
	.swap_free = {.what = "Free swap", .type = "swap", .type_instance = "free"},
	.mem_c = C_COMPLAIN_INIT_STATIC,
	.vmstat_c = C_COMPLAIN_INIT_STATIC,
	.psi_c = C_COMPLAIN_INIT_STATIC,
	.klog_c = C_COMPLAIN_INIT_STATIC,
	.cgroup_c = C_COMPLAIN_INIT_STATIC,
	.candidates_c = C_COMPLAIN_INIT_STATIC,
	.state_c = C_COMPLAIN_INIT_STATIC,
	.save_c = C_COMPLAIN_INIT_STATIC,
	.busy_c = C_COMPLAIN_INIT_STATIC,
};

/* ---- configuration ---------------------------------------------------- */

/* Every problem is logged with the key's name and remembered: collectd
 * would exit on a failed config callback, so init refuses to start instead. */
#define CONFIG_ERROR(...)                                                                          \
	do {                                                                                       \
		ERROR(PLUGIN_NAME ": " __VA_ARGS__);                                               \
		g.config_failed = true;                                                            \
	} while (0)

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

static void config_path(const oconfig_item_t *ci, char field[PATH_MAX])
{
	char num[64];
	const char *s = config_string(ci, num, sizeof(num));
	if (s == NULL)
		return;
	if (*s == '\0')
		CONFIG_ERROR("\"%s\" must not be empty", ci->key);
	else if (oomw_paths_set(field, s) < 0)
		CONFIG_ERROR("\"%s\": path too long", ci->key);
}

static void config_limit(const oconfig_item_t *ci, struct limit *l)
{
	char num[64];
	const char *why = NULL;
	const char *s = config_string(ci, num, sizeof(num));
	if (s == NULL)
		return;
	/* A bare number would be bytes: "MemAvailableWarning 10" is surely not
	 * meant as 10 bytes, so a unit is required. */
	if (*s != '\0' && isdigit((unsigned char)s[strlen(s) - 1])) {
		CONFIG_ERROR("\"%s %s\": give a unit, e.g. \"%s%%\" or \"%sMiB\"", ci->key, s, s, s);
		return;
	}
	if (oomw_size_parse(s, &l->value, &l->unit, &why) < 0) {
		CONFIG_ERROR("\"%s %s\": %s (expected a size such as 512MiB or a percentage such as 10%%)",
			     ci->key, s, why ? why : "not a size");
		return;
	}
	if (l->value < 0 || (l->unit == OOMW_UNIT_PCT && l->value > 100)) {
		CONFIG_ERROR("\"%s %s\": out of range", ci->key, s);
		return;
	}
	l->set = true;
	sstrncpy(l->text, s, sizeof(l->text));
}

/* The one non-empty string a key takes, copied; NULL after logging. */
static char *config_strdup(const oconfig_item_t *ci)
{
	char num[64];
	const char *s = config_string(ci, num, sizeof(num));
	if (s == NULL)
		return NULL;
	if (*s == '\0') {
		CONFIG_ERROR("\"%s\" must not be empty", ci->key);
		return NULL;
	}
	char *copy = strdup(s);
	if (copy == NULL)
		CONFIG_ERROR("\"%s\": out of memory", ci->key);
	return copy;
}

static void config_glob(const oconfig_item_t *ci)
{
	if (g.mcfg.n_cgroup_globs >= OOMW_GLOBS_MAX) {
		CONFIG_ERROR("\"%s\": at most %d Cgroup lines", ci->key, OOMW_GLOBS_MAX);
		return;
	}
	char *copy = config_strdup(ci);
	if (copy == NULL)
		return;
	g.globs[g.mcfg.n_cgroup_globs] = copy;
	g.mcfg.cgroup_globs[g.mcfg.n_cgroup_globs++] = copy;
}

static void config_candidates(const oconfig_item_t *ci)
{
	if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_NUMBER ||
	    ci->children_num != 0) {
		CONFIG_ERROR("\"%s\" takes one number (0 to %d)", ci->key, OOMW_CANDIDATES_MAX);
		return;
	}
	double n = ci->values[0].value.number;
	if (n < 0 || n > OOMW_CANDIDATES_MAX || n != (double)(size_t)n) {
		CONFIG_ERROR("\"%s %g\": must be a whole number from 0 to %d", ci->key, n,
			     OOMW_CANDIDATES_MAX);
		return;
	}
	g.n_candidates = (size_t)n;
}

static void config_bool(const oconfig_item_t *ci, bool *out)
{
	if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_BOOLEAN ||
	    ci->children_num != 0) {
		CONFIG_ERROR("\"%s\" takes true or false", ci->key);
		return;
	}
	*out = ci->values[0].value.boolean;
}

static void config_string_copy(const oconfig_item_t *ci, char **out)
{
	char *copy = config_strdup(ci);
	if (copy == NULL)
		return;
	free(*out);
	*out = copy;
}

/* The warning threshold must leave more than the critical one, when both are
 * of one kind (a size and a percentage can only be compared at run time). */
static void config_check_level(const struct level *l, const char *key)
{
	if (l->warning.set && l->critical.set && l->warning.unit == l->critical.unit &&
	    l->critical.value > l->warning.value)
		CONFIG_ERROR("%sCritical %s is above %sWarning %s: critical must leave less", key,
			     l->critical.text, key, l->warning.text);
}

static int oomwatch_config(oconfig_item_t *ci)
{
	if (g.mcfg.paths.proc[0] == '\0')
		oomw_paths_default(&g.mcfg.paths);
	for (int i = 0; i < ci->children_num; i++) {
		const oconfig_item_t *c = ci->children + i;
		if (strcasecmp(c->key, "ProcPath") == 0)
			config_path(c, g.mcfg.paths.proc);
		else if (strcasecmp(c->key, "SysPath") == 0)
			config_path(c, g.mcfg.paths.sys);
		else if (strcasecmp(c->key, "KmsgPath") == 0)
			config_path(c, g.mcfg.paths.kmsg);
		else if (strcasecmp(c->key, "Cgroup") == 0)
			config_glob(c);
		else if (strcasecmp(c->key, "Candidates") == 0)
			config_candidates(c);
		else if (strcasecmp(c->key, "NotifyKills") == 0)
			config_bool(c, &g.notify_kills);
		else if (strcasecmp(c->key, "StateFile") == 0)
			config_string_copy(c, &g.state_path);
		else if (strcasecmp(c->key, "MemAvailableWarning") == 0)
			config_limit(c, &g.mem_available.warning);
		else if (strcasecmp(c->key, "MemAvailableCritical") == 0)
			config_limit(c, &g.mem_available.critical);
		else if (strcasecmp(c->key, "SwapFreeWarning") == 0)
			config_limit(c, &g.swap_free.warning);
		else if (strcasecmp(c->key, "SwapFreeCritical") == 0)
			config_limit(c, &g.swap_free.critical);
		else if (strcasecmp(c->key, "Hysteresis") == 0)
			config_limit(c, &g.hysteresis);
		else
			CONFIG_ERROR("unknown key \"%s\" in <Plugin " PLUGIN_NAME "> (known: ProcPath, "
				     "SysPath, KmsgPath, Cgroup, Candidates, NotifyKills, StateFile, "
				     "MemAvailableWarning, MemAvailableCritical, SwapFreeWarning, "
				     "SwapFreeCritical, Hysteresis)",
				     c->key);
	}
	config_check_level(&g.mem_available, "MemAvailable");
	config_check_level(&g.swap_free, "SwapFree");
	return 0;
}

/* ---- formatting --------------------------------------------------------- */

static const char *fmt_i64(char *buf, size_t size, int64_t v)
{
	if (v == OOMW_UNKNOWN)
		sstrncpy(buf, "?", size);
	else
		snprintf(buf, size, "%" PRIi64, v);
	return buf;
}

/* Local time with the zone, to the millisecond: what an admin compares with logs. */
static const char *fmt_time(char *buf, size_t size, int64_t wall_usec)
{
	struct tm tm;
	time_t t = (time_t)(wall_usec / 1000000);
	char date[32], zone[8];
	if (wall_usec == OOMW_UNKNOWN || localtime_r(&t, &tm) == NULL) {
		sstrncpy(buf, "an unknown time", size);
		return buf;
	}
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	snprintf(buf, size, "%s.%03d %s", date, (int)(wall_usec % 1000000 / 1000), zone);
	return buf;
}

/* Sum of what the victim freed; unknown if any part is. */
static int64_t kill_rss_kib(const struct oomw_kill *k)
{
	if (k->anon_rss_kib == OOMW_UNKNOWN || k->file_rss_kib == OOMW_UNKNOWN)
		return OOMW_UNKNOWN;
	return k->anon_rss_kib + k->file_rss_kib +
	       (k->shmem_rss_kib == OOMW_UNKNOWN ? 0 : k->shmem_rss_kib);
}

/* The victim's cgroup as the kernel named it, else the one whose limit was hit. */
static const char *kill_cgroup(const struct oomw_kill *k)
{
	if (k->task_memcg[0] != '\0')
		return k->task_memcg;
	return k->oom_memcg;
}

/* The escaped path in at most room bytes. Its end says most
 * ("...docker-<id>.scope"), so a long path loses its beginning instead. */
static void fit_path_tail(const char *path, size_t room, char *out, size_t size)
{
	static const char ellipsis[] = "...";
	size_t len = strlen(path), skip = 0;
	for (;;) {
		size_t pre = skip > 0 ? strlen(ellipsis) : 0;
		size_t n = oomw_escape(path + skip, len - skip, ",()", out + pre, size - pre);
		memcpy(out, ellipsis, pre);
		if (pre + n <= room || skip == len)
			return;
		/* Dropping k bytes drops at least k escaped characters. */
		skip += pre + n - room;
		if (skip > len)
			skip = len;
	}
}

/* "system.slice_ssh.service" for /system.slice/ssh.service, "root" for "/":
 * collectd identifiers and csv/rrd file names take no '/' or odd bytes. */
static void cgroup_instance(const char *path, char *out, size_t size)
{
	while (*path == '/')
		path++;
	if (*path == '\0')
		sstrncpy(out, "root", size);
	else
		oomw_sanitize_name(path, strlen(path), out, size);
}

/* ---- notifications ------------------------------------------------------ */

static void notif_start(notification_t *n, int severity, cdtime_t time, const char *type,
			      const char *type_instance)
{
	memset(n, 0, sizeof(*n));
	n->severity = severity;
	n->time = time != 0 ? time : cdtime();
	sstrncpy(n->host, hostname_g, sizeof(n->host));
	sstrncpy(n->plugin, PLUGIN_NAME, sizeof(n->plugin));
	sstrncpy(n->type, type, sizeof(n->type));
	sstrncpy(n->type_instance, type_instance, sizeof(n->type_instance));
}

/* collectd keeps NOTIF_MAX_MSG_LEN bytes: longer messages are cut at the end,
 * which is why the cgroup path, the longest part, comes last. */
__attribute__((format(printf, 2, 3))) static void notif_message(notification_t *n,
								 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(n->message, sizeof(n->message), fmt, ap);
	va_end(ap);
}

static void meta_i64(notification_t *n, const char *name, int64_t v)
{
	if (v != OOMW_UNKNOWN)
		plugin_notification_meta_add_signed_int(n, name, v);
}

/* Strings from the kernel carry any byte: escaped so every consumer (exec,
 * notify_email, network) gets one printable line. */
static void meta_text(notification_t *n, const char *name, const char *s, size_t len)
{
	char esc[4 * OOMW_CGROUP_PATH_MAX + 1];
	if (len == 0)
		return;
	oomw_escape(s, len, NULL, esc, sizeof(esc));
	plugin_notification_meta_add_string(n, name, esc);
}

static void dispatch(notification_t *n)
{
	plugin_dispatch_notification(n);
	plugin_notification_meta_free(n->meta);
	n->meta = NULL;
}

static void notify_kill(const struct oomw_event *ev)
{
	const struct oomw_kill *k = &ev->kill;
	notification_t n;
	cdtime_t when = ev->wall_usec == OOMW_UNKNOWN ? 0 : US_TO_CDTIME_T((uint64_t)ev->wall_usec);
	char at[64];
	notif_start(&n, NOTIF_FAILURE, when, "derive", "oom_kill");
	fmt_time(at, sizeof(at), ev->wall_usec);

	if (!ev->has_details) {
		notif_message(&n,
			      "OOM killer killed a process (kill #%" PRIu64 ", noticed at %s); "
			      "the kernel log did not say which (KmsgPath %s)",
			      ev->index, at, g.mcfg.paths.kmsg);
		plugin_notification_meta_add_unsigned_int(&n, "kill_index", ev->index);
		plugin_notification_meta_add_boolean(&n, "has_details", false);
		dispatch(&n);
		return;
	}

	/* Quotes and the characters of the message's own syntax are escaped too,
	 * so a name like `x" (pid 1)` cannot pose as the rest of the line. */
	char comm[4 * OOMW_COMM_MAX + 1], cg[4 * OOMW_CGROUP_PATH_MAX + 1];
	char pid[24], uid[24], rss[32];
	const char *cgroup = kill_cgroup(k);
	oomw_escape(k->comm, k->comm_len, "\"()", comm, sizeof(comm));
	/* The parts of the size and the rest are in the metadata. */
	notif_message(&n,
		      "OOM killer killed process \"%s\" (pid %s, uid %s, rss %s) at %s: %s OOM in cgroup ",
		      comm, fmt_i64(pid, sizeof(pid), k->pid), fmt_i64(uid, sizeof(uid), k->uid),
		      oomw_format_kib(kill_rss_kib(k), rss, sizeof(rss)), at, oomw_scope_name(k->scope));
	size_t used = strlen(n.message);
	fit_path_tail(cgroup[0] != '\0' ? cgroup : "?", sizeof(n.message) - 1 - used, cg, sizeof(cg));
	sstrncpy(n.message + used, cg, sizeof(n.message) - used);

	plugin_notification_meta_add_unsigned_int(&n, "kill_index", ev->index);
	plugin_notification_meta_add_boolean(&n, "has_details", true);
	meta_i64(&n, "pid", k->pid);
	meta_text(&n, "comm", k->comm, k->comm_len);
	meta_i64(&n, "uid", k->uid);
	meta_i64(&n, "rss_kib", kill_rss_kib(k));
	meta_i64(&n, "anon_rss_kib", k->anon_rss_kib);
	meta_i64(&n, "file_rss_kib", k->file_rss_kib);
	meta_i64(&n, "shmem_rss_kib", k->shmem_rss_kib);
	meta_i64(&n, "total_vm_kib", k->total_vm_kib);
	meta_i64(&n, "pgtables_kib", k->pgtables_kib);
	meta_i64(&n, "oom_score_adj", k->oom_score_adj);
	meta_text(&n, "cgroup", cgroup, strlen(cgroup));
	meta_text(&n, "task_memcg", k->task_memcg, strlen(k->task_memcg));
	meta_text(&n, "oom_memcg", k->oom_memcg, strlen(k->oom_memcg));
	plugin_notification_meta_add_string(&n, "scope", oomw_scope_name(k->scope));
	meta_text(&n, "constraint", k->constraint, strlen(k->constraint));
	meta_i64(&n, "kernel_time_usec", k->mono_usec);
	meta_i64(&n, "time_usec", ev->wall_usec);
	dispatch(&n);
}

/* Kills from before the plugin first watched this boot, that the kernel log no
 * longer names: one notification says how many, instead of one each. */
struct backlog {
	uint64_t n;
	struct oomw_event last; /* events come oldest first */
};

static void notify_backlog(const struct backlog *b)
{
	uint64_t n = b->n;
	const struct oomw_event *last = &b->last;
	notification_t notif;
	char since[64];
	notif_start(&notif, NOTIF_FAILURE, 0, "derive", "oom_kill");
	fmt_time(since, sizeof(since), last->wall_usec);
	notif_message(&notif,
		      "OOM killer killed %" PRIu64 " process(es) since boot (%s), before oomwatch "
		      "watched; the kernel log no longer says which (kills up to #%" PRIu64 ")",
		      n, since, last->index);
	plugin_notification_meta_add_unsigned_int(&notif, "kills", n);
	plugin_notification_meta_add_unsigned_int(&notif, "kill_index", last->index);
	plugin_notification_meta_add_boolean(&notif, "has_details", false);
	dispatch(&notif);
}

/* Called by oomw_monitor_sample (under g.lock) once per new kill, oldest first. */
static void on_event(const struct oomw_event *ev, void *ctx)
{
	struct backlog *b = ctx;
	if (!g.notify_kills)
		return;
	if (ev->backlog) {
		b->n++;
		b->last = *ev;
		return;
	}
	notify_kill(ev);
}

/* ---- problems with sources --------------------------------------------- */

/* Logs a source's error once, and its recovery once (c_complain/c_release). */
static void complain(c_complain_t *c, int err, const char *why, const char *what,
		     const char *path)
{
	if (err == 0) {
		c_release(LOG_INFO, c, PLUGIN_NAME ": %s (%s) readable again", what, path);
		return;
	}
	c_complain_once(LOG_WARNING, c, PLUGIN_NAME ": cannot read %s (%s): %s%s%s; its values are "
					"not dispatched",
			what, path, STRERROR(-err), why ? ": " : "", why ? why : "");
}

/* Under g.lock: the reasons a sample is incomplete, each said once. */
static void report_sample(const struct oomw_snapshot *s, int save_err)
{
	const struct oomw_paths *p = &g.mcfg.paths;
	complain(&g.mem_c, s->mem_err, s->mem_why, "meminfo", p->proc);
	complain(&g.vmstat_c, s->vmstat_err, s->vmstat_why, "the vmstat oom_kill counter", p->proc);
	/* No PSI (kernel < 4.20, psi=0) is a fact of the machine, not an error. */
	complain(&g.psi_c,
		 s->psi_err == -ENOENT || s->psi_err == -EOPNOTSUPP ? 0 : s->psi_err, s->psi_why,
		 "pressure/memory", p->proc);
	if (s->klog_err != 0)
		c_complain_once(LOG_WARNING, &g.klog_c,
				PLUGIN_NAME ": cannot read the kernel log %s: %s; kills are still "
					    "counted, but notified without details",
				p->kmsg, STRERROR(-s->klog_err));
	else
		c_release(LOG_INFO, &g.klog_c, PLUGIN_NAME ": the kernel log %s is readable again",
			  p->kmsg);
	if (s->klog_missed < g.klog_missed_seen)
		g.klog_missed_seen = 0; /* the log was reopened: its count starts again */
	if (s->klog_missed > g.klog_missed_seen) {
		WARNING(PLUGIN_NAME ": %" PRIu64 " kernel log records were overwritten before they "
				    "could be read; kills among them are notified without details",
			s->klog_missed - g.klog_missed_seen);
		g.klog_missed_seen = s->klog_missed;
	}
	/* Reported by every sample until a save replaces the file: said once. */
	if (s->state_err != 0)
		c_complain_once(LOG_WARNING, &g.state_c,
				PLUGIN_NAME ": the state file %s could not be used (%s%s%s); the next "
					    "save replaces it, and kills since boot are notified",
				g.mcfg.state_path, STRERROR(-s->state_err),
				s->state_why ? ": " : "", s->state_why ? s->state_why : "");
	else
		c_release(LOG_INFO, &g.state_c, PLUGIN_NAME ": the state file %s is in use again",
			  g.mcfg.state_path);
	/* Too many matches is not a read error: the first ones are still dispatched. */
	if (s->cgroup_err == -E2BIG)
		c_complain_once(LOG_WARNING, &g.cgroup_c,
				PLUGIN_NAME ": more than %d cgroups under %s match Cgroup; only the "
					    "first %d are dispatched",
				OOMW_SNAPSHOT_CGROUPS_MAX, p->sys, OOMW_SNAPSHOT_CGROUPS_MAX);
	else
		complain(&g.cgroup_c, s->cgroup_err, NULL, "the memory cgroups under", p->sys);
	if (save_err != 0)
		c_complain_once(LOG_ERR, &g.save_c,
				PLUGIN_NAME ": cannot save the state file %s: %s; after a restart "
					    "kills may be notified again",
				g.mcfg.state_path, STRERROR(-save_err));
	else
		c_release(LOG_INFO, &g.save_c, PLUGIN_NAME ": the state file %s is saved again",
			  g.mcfg.state_path);
}

/* Takes one sample under the lock; new kills are notified from inside. */
static void sample(struct oomw_snapshot *snap)
{
	struct backlog backlog = {.n = 0};
	pthread_mutex_lock(&g.lock);
	int err = oomw_monitor_sample(g.mon, snap, on_event, &backlog);
	if (backlog.n > 0)
		notify_backlog(&backlog);
	report_sample(snap, err);
	pthread_mutex_unlock(&g.lock);
}

/* ---- the watcher thread ------------------------------------------------- */

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
		fds[0] = (struct pollfd){.fd = g.stop_fd, .events = POLLIN};
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

		if (cdtime() - second_start >= TIME_T_TO_CDTIME_T(1)) {
			second_start = cdtime();
			wakeups = 0;
		} else if (++wakeups >= WATCH_WAKEUPS_PER_SEC_MAX) {
			c_complain(LOG_WARNING, &g.busy_c,
				   PLUGIN_NAME ": woken %d times in a second (a very busy kernel "
					       "log?); resting for a second",
				   wakeups);
			if (poll(fds, 1, MSEC_PER_SEC) > 0)
				break;
		}
	}
	return NULL;
}

/* ---- init, read, shutdown ---------------------------------------------- */

/* Types collectd's own types.db lacks; also shipped in oomwatch.types.db for
 * servers that receive these values over the network. */
static data_source_t psi_sources[] = {
	{"avg10", DS_TYPE_GAUGE, 0, 100},
	{"avg60", DS_TYPE_GAUGE, 0, 100},
	{"avg300", DS_TYPE_GAUGE, 0, 100},
};
static data_source_t stall_source[] = {{"value", DS_TYPE_DERIVE, 0, NAN}};
static data_source_t score_source[] = {{"value", DS_TYPE_GAUGE, 0, NAN}};
static const data_set_t data_sets[] = {
	{"memory_pressure", STATIC_ARRAY_SIZE(psi_sources), psi_sources},
	{"memory_stall", STATIC_ARRAY_SIZE(stall_source), stall_source},
	{"oom_score", STATIC_ARRAY_SIZE(score_source), score_source},
};

static int oomwatch_read(user_data_t *ud);

/* A TypesDB file with the same types (oomwatch.types.db) takes precedence. */
static void register_data_sets(void)
{
	for (size_t i = 0; i < STATIC_ARRAY_SIZE(data_sets); i++)
		if (plugin_get_ds(data_sets[i].type) == NULL)
			plugin_register_data_set(&data_sets[i]);
}

/* The defaults that depend on collectd's own settings. */
static int default_state_path(void)
{
	if (g.state_path != NULL)
		return 0;
	const char *base = global_option_get("BaseDir");
	char path[PATH_MAX];
	if (base == NULL || oomw_path_join(path, sizeof(path), base, STATE_FILE_NAME) < 0) {
		ERROR(PLUGIN_NAME ": no BaseDir to keep " STATE_FILE_NAME " in; set StateFile");
		return -1;
	}
	g.state_path = strdup(path);
	return g.state_path == NULL ? -1 : 0;
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

static int oomwatch_init(void)
{
	const char *why = NULL;
	struct oomw_meminfo mem;
	struct oomw_cgroup_root root;
	int err;

	if (g.started)
		return 0;
	if (g.config_failed) {
		ERROR(PLUGIN_NAME ": not started: <Plugin " PLUGIN_NAME "> has errors (see above)");
		return -1;
	}
	if (g.mcfg.paths.proc[0] == '\0')
		oomw_paths_default(&g.mcfg.paths);
	if (!g.hysteresis.set) {
		oomw_size_parse(DEFAULT_HYSTERESIS, &g.hysteresis.value, &g.hysteresis.unit, &why);
		sstrncpy(g.hysteresis.text, DEFAULT_HYSTERESIS, sizeof(g.hysteresis.text));
	}
	if (default_state_path() < 0)
		return -1;
	g.mcfg.state_path = g.state_path;

	/* A wrong ProcPath or SysPath is a configuration mistake: refuse to start
	 * rather than dispatch nothing forever. */
	err = oomw_meminfo_read(g.mcfg.paths.proc, &mem, &why);
	if (err < 0) {
		ERROR(PLUGIN_NAME ": not started: ProcPath \"%s\": cannot read meminfo: %s%s%s",
		      g.mcfg.paths.proc, STRERROR(-err), why ? ": " : "", why ? why : "");
		return -1;
	}
	if (g.mcfg.n_cgroup_globs > 0) {
		err = oomw_cgroup_find_root(g.mcfg.paths.sys, &root);
		if (err < 0) {
			ERROR(PLUGIN_NAME ": not started: SysPath \"%s\": no memory cgroup "
					  "controller under it (%s), but Cgroup is set",
			      g.mcfg.paths.sys, STRERROR(-err));
			return -1;
		}
	}
	err = oomw_monitor_open(&g.mcfg, &g.mon);
	if (err < 0) {
		ERROR(PLUGIN_NAME ": not started: %s", STRERROR(-err));
		return -1;
	}

	g.stop_fd = eventfd(0, EFD_CLOEXEC);
	if (g.stop_fd < 0) {
		ERROR(PLUGIN_NAME ": not started: eventfd: %s", STRERRNO);
		goto fail;
	}
	register_data_sets();
	/* Registered here, not in module_register: a plugin that failed to start
	 * has no read callback for collectd to retry. */
	err = plugin_register_complex_read(NULL, PLUGIN_NAME, oomwatch_read, 0, NULL);
	if (err != 0) {
		ERROR(PLUGIN_NAME ": not started: cannot register the read callback");
		goto fail;
	}
	err = plugin_thread_create(&g.watcher, watcher_main, NULL, PLUGIN_NAME);
	if (err != 0)
		WARNING(PLUGIN_NAME ": no watcher thread (%s): kills are notified at each "
				    "interval instead of at once",
			STRERROR(err));
	g.watcher_running = err == 0;
	g.started = true;
	INFO(PLUGIN_NAME ": watching proc %s, sys %s, kernel log %s; state in %s; version " OOMWATCH_VERSION,
	     g.mcfg.paths.proc, g.mcfg.paths.sys, g.mcfg.paths.kmsg, g.mcfg.state_path);
	return 0;

fail:
	close_sources();
	return -1;
}

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

static void submit_kib(const char *plugin_instance, const char *type, const char *type_instance,
		       int64_t kib)
{
	if (kib == OOMW_UNKNOWN)
		return;
	value_t v = {.gauge = (gauge_t)kib * KIB_BYTES};
	submit(plugin_instance, type, type_instance, &v, 1);
}

static void submit_bytes(const char *plugin_instance, const char *type_instance, int64_t bytes)
{
	if (bytes == OOMW_UNKNOWN || bytes == OOMW_UNLIMITED)
		return;
	value_t v = {.gauge = (gauge_t)bytes};
	submit(plugin_instance, "memory", type_instance, &v, 1);
}

static void submit_derive(const char *plugin_instance, const char *type, const char *type_instance,
			  int64_t count)
{
	if (count == OOMW_UNKNOWN)
		return;
	value_t v = {.derive = count};
	submit(plugin_instance, type, type_instance, &v, 1);
}

static void submit_psi(const char *type_instance, const struct oomw_psi_line *l)
{
	if (!l->known)
		return;
	value_t avg[] = {
		{.gauge = (gauge_t)l->avg10_cpct / 100.0},
		{.gauge = (gauge_t)l->avg60_cpct / 100.0},
		{.gauge = (gauge_t)l->avg300_cpct / 100.0},
	};
	submit("", "memory_pressure", type_instance, avg, STATIC_ARRAY_SIZE(avg));
	submit_derive("", "memory_stall", type_instance, l->total_usec);
}

static void submit_snapshot(const struct oomw_snapshot *s)
{
	if (s->mem_err == 0) {
		const struct oomw_meminfo *m = &s->mem;
		submit_kib("", "memory", "total", m->mem_total_kib);
		submit_kib("", "memory", "available", m->mem_available_kib);
		submit_kib("", "memory", "free", m->mem_free_kib);
		submit_kib("", "memory", "committed", m->committed_as_kib);
		submit_kib("", "memory", "commit_limit", m->commit_limit_kib);
		if (m->mem_total_kib > 0 && m->mem_available_kib != OOMW_UNKNOWN) {
			value_t pct = {.gauge = 100.0 * (gauge_t)m->mem_available_kib /
						(gauge_t)m->mem_total_kib};
			submit("", "percent", "available", &pct, 1);
		}
		submit_kib("", "swap", "total", m->swap_total_kib);
		submit_kib("", "swap", "free", m->swap_free_kib);
	}
	if (s->psi_err == 0) {
		submit_psi("some", &s->psi.some);
		submit_psi("full", &s->psi.full);
	}
	if (s->vmstat_err == 0)
		submit_derive("", "derive", "oom_kill", s->oom_kill_total);
	if (s->kills_without_details >= 0)
		submit_derive("", "derive", "oom_kill_without_details", s->kills_without_details);

	for (size_t i = 0; i < s->n_cgroups; i++) {
		const struct oomw_cgroup_stats *c = &s->cgroups[i].stats;
		char inst[DATA_MAX_NAME_LEN];
		cgroup_instance(c->path, inst, sizeof(inst));
		submit_derive(inst, "derive", "oom_kill", c->oom_kill);
		submit_bytes(inst, "usage", c->usage_bytes);
		submit_bytes(inst, "limit", c->limit_bytes);
	}
}

/* The next victims, with a type instance of "<comm>_<pid>". */
static void submit_candidates(void)
{
	size_t n = 0;
	int err = oomw_candidates_top(g.mcfg.paths.proc, g.candidates, g.n_candidates, &n);
	complain(&g.candidates_c, err, NULL, "the processes' oom_score under", g.mcfg.paths.proc);
	for (size_t i = 0; i < n; i++) {
		const struct oomw_candidate *c = &g.candidates[i];
		char inst[DATA_MAX_NAME_LEN];
		size_t len = oomw_sanitize_name(c->comm, c->comm_len, inst, sizeof(inst));
		snprintf(inst + len, sizeof(inst) - len, "_%" PRIi64, c->pid);
		value_t score = {.gauge = (gauge_t)c->oom_score};
		submit("candidates", "oom_score", inst, &score, 1);
		submit_kib("candidates", "memory", inst, c->rss_kib);
	}
}

/* A threshold in KiB for this total (percentages are of the total). */
static double limit_kib(const struct limit *l, int64_t total_kib)
{
	if (l->unit == OOMW_UNIT_PCT)
		return (double)total_kib * l->value / 100.0;
	return l->value / KIB_BYTES;
}

/* The state for value_kib when each threshold is raised by margin_kib. */
static enum level_state level_of(const struct level *l, int64_t value_kib, int64_t total_kib,
				 double margin_kib)
{
	double v = (double)value_kib;
	if (l->critical.set && v < limit_kib(&l->critical, total_kib) + margin_kib)
		return LEVEL_CRITICAL;
	if (l->warning.set && v < limit_kib(&l->warning, total_kib) + margin_kib)
		return LEVEL_WARNING;
	return LEVEL_OK;
}

/* Worse at once; better only once the value clears the threshold plus the
 * hysteresis, so a value hovering at a threshold notifies once, not each interval. */
static void check_level(struct level *l, int64_t value_kib, int64_t total_kib)
{
	static const char *const words[] = {"is back to normal", "is low", "is critically low"};
	static const int severities[] = {NOTIF_OKAY, NOTIF_WARNING, NOTIF_FAILURE};
	if ((!l->warning.set && !l->critical.set) || value_kib == OOMW_UNKNOWN ||
	    total_kib == OOMW_UNKNOWN || total_kib <= 0)
		return;
	enum level_state now = level_of(l, value_kib, total_kib, 0);
	if (now < l->state) {
		enum level_state held = level_of(l, value_kib, total_kib,
						 limit_kib(&g.hysteresis, total_kib));
		now = held < l->state ? held : l->state;
	}
	if (now == l->state)
		return;
	l->state = now;

	notification_t n;
	char value[32], total[32];
	double pct = 100.0 * (double)value_kib / (double)total_kib;
	notif_start(&n, severities[now], 0, l->type, l->type_instance);
	notif_message(&n, "%s %s: %s (%.1f%% of %s); thresholds: warning %s, critical %s, hysteresis %s",
		      l->what, words[now], oomw_format_kib(value_kib, value, sizeof(value)), pct,
		      oomw_format_kib(total_kib, total, sizeof(total)),
		      l->warning.set ? l->warning.text : "-", l->critical.set ? l->critical.text : "-",
		      g.hysteresis.text);
	plugin_notification_meta_add_signed_int(&n, "value_kib", value_kib);
	plugin_notification_meta_add_signed_int(&n, "total_kib", total_kib);
	plugin_notification_meta_add_double(&n, "percent", pct);
	dispatch(&n);
}

static int oomwatch_read(user_data_t *ud)
{
	(void)ud;
	sample(&g.read_snap);
	submit_snapshot(&g.read_snap);
	if (g.n_candidates > 0)
		submit_candidates();
	if (g.read_snap.mem_err == 0) {
		const struct oomw_meminfo *m = &g.read_snap.mem;
		check_level(&g.mem_available, m->mem_available_kib, m->mem_total_kib);
		/* A host without swap has nothing to run out of. */
		check_level(&g.swap_free, m->swap_free_kib, m->swap_total_kib);
	}
	return 0;
}

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
	for (size_t i = 0; i < g.mcfg.n_cgroup_globs; i++)
		sfree(g.globs[i]);
	g.mcfg.n_cgroup_globs = 0;
	sfree(g.state_path);
	g.started = false;
	return 0;
}

void module_register(void)
{
	plugin_register_complex_config(PLUGIN_NAME, oomwatch_config);
	plugin_register_init(PLUGIN_NAME, oomwatch_init);
	plugin_register_shutdown(PLUGIN_NAME, oomwatch_shutdown);
}
