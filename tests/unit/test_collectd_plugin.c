/* SPDX-License-Identifier: MIT */
/* test_collectd_plugin.c — the collectd plugin's logic in-process, as
 * collectd's own plugins are tested: the plugin's .c is included whole, and
 * the few daemon functions it calls (plugin_dispatch_*, plugin_register_*,
 * plugin_log, the complaint helpers) are replaced by recorders. The core
 * underneath is the real one, reading a fake ProcPath and a kernel log that
 * each test writes into a temporary directory. Covers: configuration and its
 * refusals, thresholds to notifications with hysteresis, the first start, kills
 * of unknown time, one notification per kill with its metadata, and the
 * memory.oom.group victim's cgroup. The real daemon runs in tests/collectd/. */
#include "../../plugins/collectd/oomwatch.c"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

/* ---- what the plugin dispatched ----------------------------------------- */

#define RECORDS_MAX 64
#define META_MAX 24

struct notif_record {
	int severity;
	char type[DATA_MAX_NAME_LEN], type_instance[DATA_MAX_NAME_LEN];
	char message[NOTIF_MAX_MSG_LEN];
	size_t n_meta;
	char meta[META_MAX][2 * OOMW_CGROUP_PATH_MAX]; /* "name=value" */
};

static struct {
	size_t n_notifs, n_logs, n_values;
	struct notif_record notifs[RECORDS_MAX];
	struct {
		int level;
		char text[1024];
	} logs[RECORDS_MAX];
	char base_dir[PATH_MAX];
} rec;

static char test_host[] = "test-host";
char *hostname_g = test_host;

char *sstrncpy(char *dest, const char *src, size_t n)
{
	if (n > 0)
		snprintf(dest, n, "%s", src);
	return dest;
}

char *sstrerror(int errnum, char *buf, size_t buflen)
{
	snprintf(buf, buflen, "%s", strerror(errnum));
	return buf;
}

static void record_log(int level, const char *format, va_list ap)
{
	if (rec.n_logs == RECORDS_MAX)
		return;
	rec.logs[rec.n_logs].level = level;
	vsnprintf(rec.logs[rec.n_logs].text, sizeof(rec.logs[0].text), format, ap);
	rec.n_logs++;
}

void plugin_log(int level, const char *format, ...)
{
	va_list ap;
	va_start(ap, format);
	record_log(level, format, ap);
	va_end(ap);
}

/* The complaint helpers as collectd's: once until released. */
void c_complain(int level, c_complain_t *c, const char *format, ...)
{
	va_list ap;
	c->interval = 1;
	va_start(ap, format);
	record_log(level, format, ap);
	va_end(ap);
}

void c_complain_once(int level, c_complain_t *c, const char *format, ...)
{
	va_list ap;
	if (c->complained_once)
		return;
	c->complained_once = true;
	c->interval = 1;
	va_start(ap, format);
	record_log(level, format, ap);
	va_end(ap);
}

void c_do_release(int level, c_complain_t *c, const char *format, ...)
{
	va_list ap;
	if (c->interval == 0)
		return;
	c->interval = 0;
	c->complained_once = false;
	va_start(ap, format);
	record_log(level, format, ap);
	va_end(ap);
}

cdtime_t cdtime(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return TIMESPEC_TO_CDTIME_T(&ts);
}

cdtime_t plugin_get_interval(void)
{
	return TIME_T_TO_CDTIME_T(1);
}

/* No watcher thread: the tests sample through the read callback. */
int plugin_thread_create(pthread_t *thread, void *(*start_routine)(void *), void *arg, char const *name)
{
	(void)thread, (void)start_routine, (void)arg, (void)name;
	return EAGAIN;
}

const char *global_option_get(const char *option)
{
	return strcmp(option, "BaseDir") == 0 ? rec.base_dir : NULL;
}

const data_set_t *plugin_get_ds(const char *name)
{
	(void)name;
	return NULL;
}

int plugin_register_data_set(const data_set_t *ds)
{
	(void)ds;
	return 0;
}

int plugin_register_complex_read(const char *group, const char *name, plugin_read_cb callback,
				 cdtime_t interval, user_data_t const *user_data)
{
	(void)group, (void)name, (void)interval, (void)user_data;
	return callback == oomwatch_read ? 0 : -1;
}

int plugin_register_complex_config(const char *type, int (*callback)(oconfig_item_t *))
{
	(void)type, (void)callback;
	return 0;
}

int plugin_register_init(const char *name, plugin_init_cb callback)
{
	(void)name, (void)callback;
	return 0;
}

int plugin_register_shutdown(const char *name, plugin_shutdown_cb callback)
{
	(void)name, (void)callback;
	return 0;
}

/* A value's metadata: the plugin gives candidates a "comm" and a "pid". */
struct meta_data_s {
	char comm[4 * OOMW_COMM_MAX + 1];
	int64_t pid;
	bool has_comm, has_pid;
};

meta_data_t *meta_data_create(void)
{
	return calloc(1, sizeof(meta_data_t));
}

void meta_data_destroy(meta_data_t *md)
{
	free(md);
}

int meta_data_add_string(meta_data_t *md, const char *key, const char *value)
{
	assert_string_equal(key, "comm");
	sstrncpy(md->comm, value, sizeof(md->comm));
	md->has_comm = true;
	return 0;
}

int meta_data_add_signed_int(meta_data_t *md, const char *key, int64_t value)
{
	assert_string_equal(key, "pid");
	md->pid = value;
	md->has_pid = true;
	return 0;
}

/* The candidates' values, as dispatched: "candidates/oom_score-rank1 comm=x pid=1". */
#define VALUES_MAX 64
static char values_seen[VALUES_MAX][DATA_MAX_NAME_LEN * 3 + 4 * OOMW_COMM_MAX + 64];
static size_t n_values_seen;

int plugin_dispatch_values(value_list_t const *vl)
{
	rec.n_values++;
	if (strcmp(vl->plugin_instance, "candidates") == 0 && n_values_seen < VALUES_MAX) {
		assert_non_null(vl->meta);
		assert_true(vl->meta->has_comm && vl->meta->has_pid);
		snprintf(values_seen[n_values_seen++], sizeof(values_seen[0]),
			 "%s/%s-%s comm=%s pid=%" PRIi64 " value=%.0f", vl->plugin_instance, vl->type,
			 vl->type_instance, vl->meta->comm, vl->meta->pid, vl->values[0].gauge);
	}
	return 0;
}

static void meta_format(const notification_meta_t *m, char *out, size_t size)
{
	switch (m->type) {
	case NM_TYPE_STRING:
		snprintf(out, size, "%s=%s", m->name, m->nm_value.nm_string);
		break;
	case NM_TYPE_SIGNED_INT:
		snprintf(out, size, "%s=%" PRIi64, m->name, m->nm_value.nm_signed_int);
		break;
	case NM_TYPE_UNSIGNED_INT:
		snprintf(out, size, "%s=%" PRIu64, m->name, m->nm_value.nm_unsigned_int);
		break;
	case NM_TYPE_DOUBLE:
		snprintf(out, size, "%s=%.1f", m->name, m->nm_value.nm_double);
		break;
	case NM_TYPE_BOOLEAN:
		snprintf(out, size, "%s=%s", m->name, m->nm_value.nm_boolean ? "true" : "false");
		break;
	}
}

int plugin_dispatch_notification(const notification_t *n)
{
	assert_true(rec.n_notifs < RECORDS_MAX);
	struct notif_record *r = &rec.notifs[rec.n_notifs++];
	memset(r, 0, sizeof(*r));
	r->severity = n->severity;
	sstrncpy(r->type, n->type, sizeof(r->type));
	sstrncpy(r->type_instance, n->type_instance, sizeof(r->type_instance));
	sstrncpy(r->message, n->message, sizeof(r->message));
	assert_string_equal(n->plugin, "oomwatch");
	assert_string_equal(n->host, test_host);
	for (const notification_meta_t *m = n->meta; m != NULL && r->n_meta < META_MAX; m = m->next)
		meta_format(m, r->meta[r->n_meta++], sizeof(r->meta[0]));
	return 0;
}

static int meta_add(notification_t *n, const char *name, enum notification_meta_type_e type,
		    notification_meta_t **out)
{
	notification_meta_t *m = calloc(1, sizeof(*m)), **tail = &n->meta;
	assert_non_null(m);
	sstrncpy(m->name, name, sizeof(m->name));
	m->type = type;
	while (*tail != NULL)
		tail = &(*tail)->next;
	*tail = m;
	*out = m;
	return 0;
}

int plugin_notification_meta_add_string(notification_t *n, const char *name, const char *value)
{
	notification_meta_t *m;
	meta_add(n, name, NM_TYPE_STRING, &m);
	m->nm_value.nm_string = strdup(value);
	return 0;
}

int plugin_notification_meta_add_signed_int(notification_t *n, const char *name, int64_t value)
{
	notification_meta_t *m;
	meta_add(n, name, NM_TYPE_SIGNED_INT, &m);
	m->nm_value.nm_signed_int = value;
	return 0;
}

int plugin_notification_meta_add_unsigned_int(notification_t *n, const char *name, uint64_t value)
{
	notification_meta_t *m;
	meta_add(n, name, NM_TYPE_UNSIGNED_INT, &m);
	m->nm_value.nm_unsigned_int = value;
	return 0;
}

int plugin_notification_meta_add_double(notification_t *n, const char *name, double value)
{
	notification_meta_t *m;
	meta_add(n, name, NM_TYPE_DOUBLE, &m);
	m->nm_value.nm_double = value;
	return 0;
}

int plugin_notification_meta_add_boolean(notification_t *n, const char *name, bool value)
{
	notification_meta_t *m;
	meta_add(n, name, NM_TYPE_BOOLEAN, &m);
	m->nm_value.nm_boolean = value;
	return 0;
}

int plugin_notification_meta_free(notification_meta_t *n)
{
	while (n != NULL) {
		notification_meta_t *next = n->next;
		if (n->type == NM_TYPE_STRING)
			free((char *)n->nm_value.nm_string);
		free(n);
		n = next;
	}
	return 0;
}

/* ---- the machine the plugin watches ------------------------------------- */

#define TOTAL_KIB 1000000

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[2 * PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void set_meminfo(int avail_pct, int64_t swap_total_kib, int swap_free_pct)
{
	char text[512];
	int64_t avail = (int64_t)TOTAL_KIB * avail_pct / 100;
	snprintf(text, sizeof(text),
		 "MemTotal: %d kB\nMemFree: %" PRIi64 " kB\nMemAvailable: %" PRIi64 " kB\n"
		 "Buffers: 0 kB\nCached: 0 kB\nSwapTotal: %" PRIi64 " kB\nSwapFree: %" PRIi64
		 " kB\nShmem: 0 kB\nCommitLimit: 500000 kB\nCommitted_AS: 100000 kB\n",
		 TOTAL_KIB, avail, avail, swap_total_kib, swap_total_kib * swap_free_pct / 100);
	write_file(rec.base_dir, "proc/meminfo", text);
}

static void set_kill_counter(int n)
{
	char text[32];
	snprintf(text, sizeof(text), "oom_kill %d\n", n);
	write_file(rec.base_dir, "proc/vmstat", text);
}

static void set_pressure(double full_avg60)
{
	char text[256];
	snprintf(text, sizeof(text),
		 "some avg10=0.00 avg60=%.2f avg300=0.00 total=1\n"
		 "full avg10=0.00 avg60=%.2f avg300=0.00 total=1\n",
		 full_avg60, full_avg60);
	write_file(rec.base_dir, "proc/pressure/memory", text);
}

/* A kmsg-style timestamp (seconds since boot) this many seconds ago. */
static void set_btime(long long btime)
{
	char stat[128];
	snprintf(stat, sizeof(stat), "cpu  0 0 0 0 0 0 0 0 0 0\nbtime %lld\n", btime);
	write_file(rec.base_dir, "proc/stat", stat);
}

/* The fake machine booted FAKE_UPTIME_SEC ago (its own btime): a kmsg time
 * of FAKE_UPTIME_SEC - sec is sec ago on its clock, whatever the host's uptime. */
#define FAKE_UPTIME_SEC 3600.0
static double mono_sec_ago(double sec)
{
	return FAKE_UPTIME_SEC - sec;
}

/* A memcg OOM of memory.oom.group: the first victim named with its cgroup,
 * the second only after "Tasks in ... are going to be killed". */
static void write_oom_group_log(void)
{
	char text[1024];
	double t = mono_sec_ago(60);
	snprintf(text, sizeof(text),
		 "[%.6f] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,"
		 "mems_allowed=0,oom_memcg=/pod.slice,task_memcg=/pod.slice/app.scope,task=first,"
		 "pid=4242,uid=7\n"
		 "[%.6f] Memory cgroup out of memory: Killed process 4242 (first) total-vm:1000kB, "
		 "anon-rss:800kB, file-rss:100kB, shmem-rss:0kB, UID:7 pgtables:40kB "
		 "oom_score_adj:0\n"
		 "[%.6f] Tasks in /pod.slice are going to be killed due to memory.oom.group set\n"
		 "[%.6f] Memory cgroup out of memory: Killed process 4243 (sec\"ond) "
		 "total-vm:1000kB, anon-rss:400kB, file-rss:0kB, shmem-rss:0kB, UID:7 "
		 "pgtables:40kB oom_score_adj:0\n",
		 t, t + 0.000001, t + 0.000002, t + 0.000003);
	write_file(rec.base_dir, "kern.log", text);
}

/* The same kill, dated 2021 by dmesg -T: older than any default window. */
static void write_old_log(void)
{
	write_file(rec.base_dir, "kern.log",
		   "[Fri Jan 15 09:00:12 2021] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),"
		   "cpuset=/,mems_allowed=0,oom_memcg=/old.slice,task_memcg=/old.slice,task=old,"
		   "pid=77,uid=0\n"
		   "[Fri Jan 15 09:00:12 2021] Memory cgroup out of memory: Killed process 77 (old) "
		   "total-vm:1000kB, anon-rss:800kB, file-rss:100kB, shmem-rss:0kB, UID:0 "
		   "pgtables:40kB oom_score_adj:0\n");
}

static int setup(void **state)
{
	(void)state;
	memset(&rec, 0, sizeof(rec));
	n_values_seen = 0;
	snprintf(rec.base_dir, sizeof(rec.base_dir), "/tmp/oomwatch-collectd-unit.XXXXXX");
	assert_non_null(mkdtemp(rec.base_dir));
	char dir[PATH_MAX + 32];
	snprintf(dir, sizeof(dir), "%s/proc", rec.base_dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/proc/pressure", rec.base_dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/proc/sys", rec.base_dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/proc/sys/kernel", rec.base_dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/proc/sys/kernel/random", rec.base_dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	write_file(rec.base_dir, "proc/sys/kernel/random/boot_id",
		   "0e7d7a4b-3b9f-4a57-9b0f-2f8e3c1d5a6e\n");
	set_btime((long long)time(NULL) - (long long)FAKE_UPTIME_SEC);
	set_meminfo(50, 0, 0);
	set_kill_counter(0);
	module_register();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	oomwatch_shutdown();
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", rec.base_dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* ---- <Plugin oomwatch> --------------------------------------------------- */

#define CONF_MAX 24

/* One line of the block: a string, a number or a boolean. */
struct conf_line {
	const char *key;
	int type;
	const char *string;
	double number;
};

#define STR(k, v)                                                                                  \
	{                                                                                          \
		k, OCONFIG_TYPE_STRING, v, 0                                                       \
	}
#define NUM(k, v)                                                                                  \
	{                                                                                          \
		k, OCONFIG_TYPE_NUMBER, NULL, v                                                    \
	}
#define BOOL(k, v)                                                                                 \
	{                                                                                          \
		k, OCONFIG_TYPE_BOOLEAN, NULL, v                                                   \
	}

/* Feeds the plugin's config callback lines (after ProcPath and StateFile in
 * the test's directory, KmsgPath "none" unless a line says otherwise). */
static void configure(const struct conf_line *lines, size_t n)
{
	static char keys[CONF_MAX][64], strings[CONF_MAX][PATH_MAX + 32];
	static oconfig_value_t values[CONF_MAX];
	static oconfig_item_t items[CONF_MAX];
	char proc[PATH_MAX + 8], state[PATH_MAX + 16];
	snprintf(proc, sizeof(proc), "%s/proc", rec.base_dir);
	snprintf(state, sizeof(state), "%s/oomwatch.state", rec.base_dir);
	struct conf_line all[CONF_MAX] = { STR("ProcPath", proc), STR("StateFile", state),
					   STR("KmsgPath", "none") };
	assert_true(n + 3 <= CONF_MAX);
	if (n > 0) /* lines may be NULL then */
		memcpy(all + 3, lines, n * sizeof(*lines));
	for (size_t i = 0; i < n + 3; i++) {
		sstrncpy(keys[i], all[i].key, sizeof(keys[i]));
		values[i] = (oconfig_value_t){ .type = all[i].type };
		if (all[i].type == OCONFIG_TYPE_STRING) {
			sstrncpy(strings[i], all[i].string, sizeof(strings[i]));
			values[i].value.string = strings[i];
		} else if (all[i].type == OCONFIG_TYPE_NUMBER) {
			values[i].value.number = all[i].number;
		} else {
			values[i].value.boolean = all[i].number != 0;
		}
		items[i] = (oconfig_item_t){ .key = keys[i], .values = &values[i], .values_num = 1 };
	}
	oconfig_item_t root = { .key = "Plugin", .children = items, .children_num = (int)n + 3 };
	assert_int_equal(oomwatch_config(&root), 0);
}

static const char *kmsg_path(void)
{
	static char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/kern.log", rec.base_dir);
	return path;
}

static bool logged(int level, const char *part)
{
	for (size_t i = 0; i < rec.n_logs; i++)
		if (rec.logs[i].level == level && strstr(rec.logs[i].text, part) != NULL)
			return true;
	return false;
}

static void test_config_defaults(void **state)
{
	(void)state;
	struct oomw_assess_params want;
	oomw_assess_params_default(&want, OOMW_FRONTEND_COLLECTD);
	configure(NULL, 0);
	assert_false(cfg.failed);
	assert_true(cfg.notify_kills);
	assert_true(cfg.params.hold);
	assert_int_equal(cfg.params.window_sec, want.window_sec);
	assert_int_equal(cfg.params.first_start, OOMW_FIRST_START_WINDOW);
	assert_memory_equal(&cfg.params.mem_available, &want.mem_available, sizeof(want.mem_available));
	assert_memory_equal(&cfg.params.swap_free, &want.swap_free, sizeof(want.swap_free));
	assert_memory_equal(&cfg.params.psi, &want.psi, sizeof(want.psi));
	assert_memory_equal(&cfg.params.hysteresis, &want.hysteresis, sizeof(want.hysteresis));
	assert_int_equal(oomwatch_init(), 0);
	assert_true(logged(LOG_INFO, "oomwatch: watching proc "));
}

/* What a user types goes through the core's parsers: the same ranges as
 * check_oom and the agent. */
static void test_config_thresholds(void **state)
{
	(void)state;
	const struct conf_line lines[] = {
		STR("MemAvailableWarning", "512MiB"),
		STR("MemAvailableCritical", "@0%:5%"),
		STR("SwapFreeWarning", ""),
		STR("PressureCritical", "~:30"),
		STR("Hysteresis", "64M"),
		STR("KillWindow", "7d"),
		NUM("Candidates", 3),
		BOOL("NotifyKills", 0),
		STR("Cgroup", "/system.slice/*"),
	};
	configure(lines, sizeof(lines) / sizeof(lines[0]));
	assert_false(cfg.failed);
	const struct oomw_range *w = &cfg.params.mem_available.warning.range;
	assert_int_equal(w->unit, OOMW_UNIT_BYTES);
	assert_true(w->end_inf); /* a bare value on MemAvailable: alert below it */
	assert_true(w->start == 512.0 * 1024 * 1024);
	assert_true(cfg.params.mem_available.critical.range.alert_inside);
	assert_false(cfg.params.swap_free.warning.set); /* "" turns it off */
	assert_true(cfg.params.swap_free.critical.set); /* the default stays */
	assert_true(cfg.params.psi.critical.range.start_neg_inf);
	assert_int_equal(cfg.params.hysteresis.unit, OOMW_UNIT_BYTES);
	assert_int_equal(cfg.params.window_sec, 7 * 24 * 3600);
	assert_int_equal(cfg.mcfg.n_candidates, 3);
	assert_false(cfg.notify_kills);
	assert_int_equal(cfg.mcfg.n_cgroup_globs, 1);
}

/* Each refusal names the key and the value, says why in the core's words,
 * and keeps the plugin from starting (collectd would exit on a failed config
 * callback; a failed init only unloads the plugin). */
static void test_config_refusals(void **state)
{
	(void)state;
	static const struct {
		struct conf_line line;
		const char *log;
	} cases[] = {
		{ NUM("MemAvailableWarning", 10),
		  "\"MemAvailableWarning 10\": '10' has no unit; write 10% or 10M" },
		{ STR("SwapFreeCritical", "10:"),
		  "\"SwapFreeCritical 10:\": '10:' has no unit; write 10%: or 10M:" },
		{ STR("MemAvailableCritical", "10 percent"),
		  "\"MemAvailableCritical 10 percent\": malformed range" },
		{ STR("PressureWarning", "1GiB"), "pressure is a percentage, not a size" },
		{ STR("Hysteresis", "lots"), "\"Hysteresis lots\": " },
		{ NUM("Hysteresis", 5), "\"Hysteresis 5\": '5' has no unit" },
		{ STR("KillWindow", "soon"), "\"KillWindow soon\": " },
		{ NUM("Candidates", 1000), "\"Candidates 1000\": must be a whole number from 0 to 32" },
		{ STR("NotifyKills", "yes"), "\"NotifyKills\" takes true or false" },
		{ BOOL("KmsgPath", 1), "\"KmsgPath\" takes a string, not a boolean" },
		{ STR("Cgroup", ""), "\"Cgroup \": must not be empty" },
		{ STR("MemAvailableWarnig", "10%"), "unknown key \"MemAvailableWarnig\"" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rec.n_logs = 0;
		config_reset();
		configure(&cases[i].line, 1);
		if (!logged(LOG_ERR, cases[i].log))
			fail_msg("case %zu: no error with '%s' (first log: '%s')", i, cases[i].log,
				 rec.n_logs ? rec.logs[0].text : "");
		assert_true(cfg.failed);
		assert_int_equal(oomwatch_init(), -1);
		assert_true(logged(LOG_ERR, "not started: <Plugin oomwatch> has errors"));
	}
	/* The list of keys says what would have been right. */
	assert_true(logged(LOG_ERR, "PressureWarning, PressureCritical, Hysteresis)"));
}

/* ---- thresholds to notifications ---------------------------------------- */

static size_t read_once(void)
{
	size_t before = rec.n_notifs;
	assert_int_equal(oomwatch_read(NULL), 0);
	return rec.n_notifs - before;
}

static const struct notif_record *last_notif(void)
{
	assert_true(rec.n_notifs > 0);
	return &rec.notifs[rec.n_notifs - 1];
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool has_meta(const struct notif_record *r, const char *name_value)
{
	for (size_t i = 0; i < r->n_meta; i++)
		if (strcmp(r->meta[i], name_value) == 0)
			return true;
	return false;
}

#define NONE (-1)

/* The steps of tests/collectd/test_thresholds.sh, in-process: worse at once,
 * better only past the threshold by the hysteresis, never twice. */
static void test_memory_hysteresis(void **state)
{
	(void)state;
	static const struct {
		int pct, severity;
	} steps[] = {
		{ 50, NONE },         { 15, NOTIF_WARNING }, { 18, NONE },          { 22, NONE },
		{ 8, NOTIF_FAILURE }, { 12, NONE },          { 16, NOTIF_WARNING }, { 19, NONE },
		{ 26, NOTIF_OKAY },   { 24, NONE },          { 26, NONE },
	};
	const struct conf_line lines[] = {
		STR("MemAvailableWarning", "20%"),
		STR("MemAvailableCritical", "10%"),
		STR("Hysteresis", "5%"),
	};
	configure(lines, sizeof(lines) / sizeof(lines[0]));
	assert_int_equal(oomwatch_init(), 0);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		set_meminfo(steps[i].pct, 0, 0);
		size_t n = read_once();
		if (steps[i].severity == NONE) {
			if (n != 0)
				fail_msg("%d%%: unexpected '%s'", steps[i].pct, last_notif()->message);
			continue;
		}
		assert_int_equal(n, 1);
		const struct notif_record *r = last_notif();
		assert_int_equal(r->severity, steps[i].severity);
		assert_string_equal(r->type, "memory");
		assert_string_equal(r->type_instance, "available");
		char value[32];
		snprintf(value, sizeof(value), "value_kib=%d", TOTAL_KIB * steps[i].pct / 100);
		assert_true(has_meta(r, value));
		assert_true(has_meta(r, "total_kib=1000000"));
	}
	assert_string_equal(rec.notifs[0].message,
			    "Available memory is low: 146.5 MiB (15.0% of 976.6 MiB); thresholds: "
			    "warning 20%, critical 10%, hysteresis 5%");
	assert_string_equal(rec.notifs[1].message,
			    "Available memory is critically low: 78.1 MiB (8.0% of 976.6 MiB); "
			    "thresholds: warning 20%, critical 10%, hysteresis 5%");
	assert_true(starts_with(last_notif()->message, "Available memory is back to normal: "));
}

/* A host without swap has nothing to run out of, whatever the threshold;
 * one with swap is judged by the defaults (20% / 10%). */
static void test_swap(void **state)
{
	(void)state;
	const struct conf_line lines[] = { STR("SwapFreeCritical", "1GiB") };
	configure(lines, 1);
	assert_int_equal(oomwatch_init(), 0);
	assert_int_equal(read_once(), 0);
	assert_int_equal(read_once(), 0);
	oomwatch_shutdown();
	module_register();
	configure(NULL, 0);
	assert_int_equal(oomwatch_init(), 0);
	set_meminfo(50, 2000000, 15);
	assert_int_equal(read_once(), 1);
	assert_int_equal(last_notif()->severity, NOTIF_WARNING);
	assert_string_equal(last_notif()->type, "swap");
	assert_string_equal(last_notif()->type_instance, "free");
	assert_true(starts_with(last_notif()->message,
				"Free swap is low: 293.0 MiB (15.0% of 1.9 GiB)"));
}

/* Memory pressure: the full line's avg60 by default, 5 and 20. */
static void test_pressure(void **state)
{
	(void)state;
	set_pressure(1.0);
	configure(NULL, 0);
	assert_int_equal(oomwatch_init(), 0);
	assert_int_equal(read_once(), 0);
	set_pressure(25.0);
	assert_int_equal(read_once(), 1);
	const struct notif_record *r = last_notif();
	assert_int_equal(r->severity, NOTIF_FAILURE);
	assert_string_equal(r->type, "memory_pressure");
	assert_string_equal(r->type_instance, "full");
	assert_string_equal(r->message, "Memory pressure is critically high: full avg60 25.00%; "
					"thresholds: warning 5, critical 20, hysteresis 1%");
	set_pressure(19.5); /* within the hysteresis of 20 */
	assert_int_equal(read_once(), 0);
	set_pressure(2.0);
	assert_int_equal(read_once(), 1);
	assert_int_equal(last_notif()->severity, NOTIF_OKAY);
}

/* ---- kills ------------------------------------------------------------- */

/* One FAILURE per kill, with the victim in the metadata; the second victim of
 * a memory.oom.group kill has no task_memcg: its cgroup is the OOM memcg. */
static void test_kills_oom_group(void **state)
{
	(void)state;
	write_oom_group_log();
	set_kill_counter(2);
	const struct conf_line lines[] = { STR("KmsgPath", kmsg_path()) };
	configure(lines, 1);
	assert_int_equal(oomwatch_init(), 0);
	assert_int_equal(read_once(), 2);
	const struct notif_record *first = &rec.notifs[0], *second = &rec.notifs[1];
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(rec.notifs[i].severity, NOTIF_FAILURE);
		assert_string_equal(rec.notifs[i].type, "derive");
		assert_string_equal(rec.notifs[i].type_instance, "oom_kill");
		assert_true(has_meta(&rec.notifs[i], "has_details=true"));
		assert_true(has_meta(&rec.notifs[i], "scope=memcg"));
		assert_true(has_meta(&rec.notifs[i], "oom_memcg=/pod.slice"));
	}
	/* In the words of every front end (oomw_victim_text): the victim's own cgroup. */
	assert_true(
		starts_with(first->message,
			    "OOM killer killed first (pid 4242, 900 KiB, /pod.slice/app.scope) at "));
	assert_true(has_meta(first, "pid=4242"));
	assert_true(has_meta(first, "comm=first"));
	assert_true(has_meta(first, "rss_kib=900"));
	assert_true(has_meta(first, "cgroup=/pod.slice/app.scope"));
	assert_true(has_meta(first, "task_memcg=/pod.slice/app.scope"));
	assert_true(has_meta(first, "kill_index=1"));
	/* A group's later victim has only the cgroup whose limit was hit. */
	assert_true(starts_with(second->message,
				"OOM killer killed sec\"ond (pid 4243, 400 KiB, /pod.slice) at "));
	assert_true(has_meta(second, "comm=sec\"ond"));
	assert_true(has_meta(second, "cgroup=/pod.slice"));
	for (size_t i = 0; i < second->n_meta; i++)
		assert_false(starts_with(second->meta[i], "task_memcg="));
	assert_true(has_meta(second, "kill_index=2"));
	/* Nothing twice. */
	assert_int_equal(read_once(), 0);
}

/* A first start notifies the kills of the last KillWindow; older ones are
 * history (it notified every kill since boot before). */
static void test_first_start(void **state)
{
	(void)state;
	set_btime(1); /* booted long before the 2021 kill */
	write_old_log();
	set_kill_counter(1);
	const struct conf_line lines[] = { STR("KmsgPath", kmsg_path()) };
	configure(lines, 1);
	assert_int_equal(oomwatch_init(), 0);
	assert_int_equal(read_once(), 0);
	oomwatch_shutdown();
	/* The same kill with a window reaching back to it, on another first start. */
	char state_file[PATH_MAX + 16];
	snprintf(state_file, sizeof(state_file), "%s/oomwatch.state", rec.base_dir);
	assert_int_equal(unlink(state_file), 0);
	module_register();
	const struct conf_line wide[] = { STR("KmsgPath", kmsg_path()), STR("KillWindow", "36500d") };
	configure(wide, 2);
	assert_int_equal(oomwatch_init(), 0);
	assert_int_equal(read_once(), 1);
	assert_true(has_meta(last_notif(), "pid=77"));
	/* After the first start, every new kill is news, dated or not. */
	set_kill_counter(2);
	assert_int_equal(read_once(), 1);
	assert_int_equal(last_notif()->severity, NOTIF_FAILURE);
	assert_true(starts_with(last_notif()->message,
				"OOM killer killed a process (kill #2): victim unknown (not in the "
				"kernel log), noticed "));
	assert_true(has_meta(last_notif(), "has_details=false"));
}

/* Kills the counter shows but nothing can date, on a first start: one
 * notification in the core's words, at the core's severity (WARNING). */
static void test_backlog(void **state)
{
	(void)state;
	set_kill_counter(40);
	configure(NULL, 0);
	assert_int_equal(oomwatch_init(), 0);
	assert_int_equal(read_once(), 1);
	const struct notif_record *r = last_notif();
	assert_int_equal(r->severity, NOTIF_WARNING);
	assert_string_equal(r->type_instance, "oom_kill");
	assert_true(starts_with(r->message,
				"40 OOM kills at an unknown time since boot, first noticed "));
	assert_true(has_meta(r, "kills=40"));
	assert_true(has_meta(r, "kill_index=40"));
	assert_true(has_meta(r, "has_details=false"));
	assert_int_equal(read_once(), 0);
	/* And the source problem, as the core words it, logged once. */
	assert_true(logged(LOG_NOTICE, "oomwatch: kernel log not read (KmsgPath none)"));
	size_t logs = rec.n_logs;
	assert_int_equal(read_once(), 0);
	assert_int_equal(rec.n_logs, logs);
}

static void test_notify_kills_off(void **state)
{
	(void)state;
	set_kill_counter(3);
	const struct conf_line lines[] = { BOOL("NotifyKills", 0) };
	configure(lines, 1);
	assert_int_equal(oomwatch_init(), 0);
	assert_int_equal(read_once(), 0);
	set_kill_counter(4);
	assert_int_equal(read_once(), 0);
	assert_true(rec.n_values > 0);
}

/* ---- series names --------------------------------------------------------- */

static void assert_instance(const char *path, const char *want)
{
	char inst[DATA_MAX_NAME_LEN];
	oomw_cgroup_series_name(path, inst, sizeof(inst));
	assert_string_equal(inst, want);
}

static void test_cgroup_instances(void **state)
{
	(void)state;
	assert_instance("/", "_");
	assert_instance("/system.slice/ssh.service", "system.slice_ssh.service");
	/* The collision the old sanitising had: each byte has one code. */
	assert_instance("/a/b", "a_b");
	assert_instance("/a_b", "a%5Fb");
	assert_instance("/a%5Fb", "a%255Fb");
	assert_instance("/root", "root");
	assert_instance("/x~y z\"", "x%7Ey%20z%22");
}

/* A Kubernetes path too long for an instance keeps its distinguishing tail
 * behind a hash of the whole path, and never cuts an escape in two. */
static void test_cgroup_instance_long(void **state)
{
	(void)state;
	const char *pod = "/kubepods.slice/kubepods-burstable.slice/"
			  "kubepods-burstable-pod5f3c9a1e_8b2d_4c7f_9e6a_1d2b3c4d5e6f.slice/"
			  "cri-containerd-";
	char path[OOMW_CGROUP_PATH_MAX], full[OOMW_CGROUP_ESCAPED_MAX];
	char a[DATA_MAX_NAME_LEN], b[DATA_MAX_NAME_LEN];
	/* Two containers of the same pod: only the last bytes differ. */
	snprintf(path, sizeof(path), "%s%s.scope", pod, "0123456789abcdef0123456789abcdef_1");
	oomw_cgroup_series_name(path, a, sizeof(a));
	snprintf(path, sizeof(path), "%s%s.scope", pod, "0123456789abcdef0123456789abcdef_2");
	oomw_cgroup_series_name(path, b, sizeof(b));
	assert_int_equal(strlen(a), DATA_MAX_NAME_LEN - 1);
	assert_string_not_equal(a, b);
	assert_true(strstr(a, "abcdef%5F1.scope") != NULL);
	assert_int_equal(a[OOMW_SERIES_HASH_DIGITS], '~');
	assert_int_equal(strspn(a, "0123456789abcdef"), OOMW_SERIES_HASH_DIGITS);
	/* Stable: the same path, the same instance. */
	oomw_cgroup_series_name(path, a, sizeof(a));
	assert_string_equal(a, b);
	/* Paths differing only at their start differ too (the hash). */
	char c[DATA_MAX_NAME_LEN];
	path[1] = 'K';
	oomw_cgroup_series_name(path, c, sizeof(c));
	assert_string_not_equal(b, c);
	assert_string_equal(b + OOMW_SERIES_HASH_DIGITS, c + OOMW_SERIES_HASH_DIGITS);
	/* Wherever the cut falls, the tail begins with a whole escape. */
	for (int shift = 0; shift < 4; shift++) {
		snprintf(path, sizeof(path), "/%.*s%s", shift, "xxx",
			 "/________________________________________________________________"
			 "__________________________________________________________zz");
		size_t len = oomw_cgroup_escape(path, full, sizeof(full));
		oomw_cgroup_series_name(path, a, sizeof(a));
		const char *tail = a + OOMW_SERIES_HASH_DIGITS + 1;
		size_t tail_len = strlen(tail);
		assert_true(tail_len >= DATA_MAX_NAME_LEN - 1 - OOMW_SERIES_HASH_DIGITS - 1 - 2);
		assert_string_equal(full + len - tail_len, tail);
		assert_int_equal(tail[0], '%');
	}
}

/* Candidates are series by rank; who they are is metadata. */
static void write_process(const char *pid, const char *comm, int score, int64_t rss_pages)
{
	char dir[PATH_MAX + 32], text[256];
	snprintf(dir, sizeof(dir), "%s/proc/%s", rec.base_dir, pid);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(text, sizeof(text),
		 "%s (%s) S 1 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 1 1000 %" PRIi64
		 " 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n",
		 pid, comm, rss_pages);
	write_file(dir, "stat", text);
	snprintf(text, sizeof(text), "%d\n", score);
	write_file(dir, "oom_score", text);
	write_file(dir, "oom_score_adj", "0\n");
	snprintf(text, sizeof(text), "1000 %" PRIi64 " 0 0 0 0 0\n", rss_pages);
	write_file(dir, "statm", text);
}

static void test_candidates_by_rank(void **state)
{
	(void)state;
	write_process("100", "big", 900, 1000);
	write_process("200", "sec\"ond", 500, 10);
	const struct conf_line lines[] = { NUM("Candidates", 2) };
	configure(lines, 1);
	assert_int_equal(oomwatch_init(), 0);
	read_once();
	assert_true(n_values_seen >= 2);
	assert_true(starts_with(values_seen[0],
				"candidates/oom_score-rank1 comm=big pid=100 value=900"));
	bool second = false;
	for (size_t i = 0; i < n_values_seen; i++)
		second |= starts_with(values_seen[i],
				      "candidates/oom_score-rank2 comm=sec\"ond pid=200 value=500");
	assert_true(second);
	/* Only the rank names a series, RSS included (statm: 1000 pages). */
	bool rss = false;
	for (size_t i = 0; i < n_values_seen; i++) {
		assert_true(starts_with(values_seen[i], "candidates/oom_score-rank") ||
			    starts_with(values_seen[i], "candidates/memory-rank"));
		rss |= starts_with(values_seen[i], "candidates/memory-rank1 comm=big pid=100 ");
	}
	assert_true(rss);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_config_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_thresholds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memory_hysteresis, setup, teardown),
		cmocka_unit_test_setup_teardown(test_swap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pressure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kills_oom_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backlog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_kills_off, setup, teardown),
		cmocka_unit_test(test_cgroup_instances),
		cmocka_unit_test(test_cgroup_instance_long),
		cmocka_unit_test_setup_teardown(test_candidates_by_rank, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
