/* SPDX-License-Identifier: MIT */
/* agent_config.c — parses oomwatch-agent.conf: one "key value" per line, '#'
 * comments. Every mistake is refused with the file, the line and the reason,
 * so that a typo never silently leaves a default threshold in place. Each key
 * is one row of a table: its kind says which parser reads it. */
#include "agent_config.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "journal.h"

#define DEFAULT_N_CANDIDATES 10
#define DEFAULT_KILL_TABLE_SIZE 50
#define DEFAULT_TRAP_QUEUE_SIZE 64
#define DEFAULT_INTERVAL_SEC 5
#define DEFAULT_PING_INTERVAL_SEC 2
#define LINE_MAX_BYTES 4096
#define SEC_PER_DAY (24 * 60 * 60)
/* net-snmp takes the refresh period as unsigned int and the ping interval as
 * int; a longer period is a typo anyway. */
#define INTERVAL_MAX_SEC (1 * SEC_PER_DAY)
/* As check_oom --window and collectd's KillWindow, so that one window string
 * works in every front end; well within int64 microseconds. */
#define KILL_WINDOW_MAX_SEC (36500 * (int64_t)SEC_PER_DAY)

enum key_kind {
	KEY_TEXT,      /* a path or a name: size bytes with the NUL */
	KEY_COUNT,     /* a size_t from min to max */
	KEY_DURATION,  /* an int64_t of seconds up to max; "0" when min is 0 */
	KEY_THRESHOLD, /* a struct oomw_threshold for metric (the core's grammar) */
	KEY_MARGIN,    /* a struct oomw_margin (the core's hysteresis grammar) */
};

struct key {
	const char *name;
	enum key_kind kind;
	size_t offset; /* of the field in struct agent_config */
	size_t size;   /* KEY_TEXT */
	int64_t min, max;
	enum oomw_metric metric;
};

#define CFG(field) offsetof(struct agent_config, field)
#define TEXT(name, field)                                                                          \
	{                                                                                          \
		name, KEY_TEXT, CFG(field), sizeof(((struct agent_config *)0)->field), 0, 0, 0     \
	}
#define COUNT(name, field, lo, hi)                                                                 \
	{                                                                                          \
		name, KEY_COUNT, CFG(field), 0, lo, hi, 0                                          \
	}
#define DURATION(name, field, lo, hi)                                                              \
	{                                                                                          \
		name, KEY_DURATION, CFG(field), 0, lo, hi, 0                                       \
	}
#define THRESHOLD(name, field, m)                                                                  \
	{                                                                                          \
		name, KEY_THRESHOLD, CFG(params.field), 0, 0, 0, m                                 \
	}

static const struct key keys[] = {
	TEXT("agentx_socket", agentx_socket),
	TEXT("proc", paths.proc),
	TEXT("sys", paths.sys),
	TEXT("kmsg", paths.kmsg),
	TEXT("journal_dir", paths.journal_dir),
	TEXT("state_file", state_file),
	TEXT("user", user),
	COUNT("candidates", n_candidates, 0, OOMW_CANDIDATES_MAX),
	COUNT("kill_table_size", kill_table_size, 1, OOMW_STATE_EVENTS_MAX),
	COUNT("trap_queue_size", trap_queue_size, 1, AGENT_TRAP_QUEUE_MAX),
	DURATION("interval", interval_sec, 1, INTERVAL_MAX_SEC),
	DURATION("ping_interval", ping_interval_sec, 1, INTERVAL_MAX_SEC),
	DURATION("kill_window", params.window_sec, 0, KILL_WINDOW_MAX_SEC),
	THRESHOLD("available_warning", mem_available.warning, OOMW_METRIC_FREE),
	THRESHOLD("available_critical", mem_available.critical, OOMW_METRIC_FREE),
	THRESHOLD("swap_warning", swap_free.warning, OOMW_METRIC_FREE),
	THRESHOLD("swap_critical", swap_free.critical, OOMW_METRIC_FREE),
	THRESHOLD("psi_warning", psi.warning, OOMW_METRIC_PRESSURE),
	THRESHOLD("psi_critical", psi.critical, OOMW_METRIC_PRESSURE),
	THRESHOLD("cgroup_warning", cgroup_usage.warning, OOMW_METRIC_USAGE),
	THRESHOLD("cgroup_critical", cgroup_usage.critical, OOMW_METRIC_USAGE),
	{ "hysteresis", KEY_MARGIN, CFG(params.hysteresis), 0, 0, 0, 0 },
};

static void set_defaults(struct agent_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	oomw_paths_default(&cfg->paths);
	cfg->n_candidates = DEFAULT_N_CANDIDATES;
	cfg->kill_table_size = DEFAULT_KILL_TABLE_SIZE;
	cfg->trap_queue_size = DEFAULT_TRAP_QUEUE_SIZE;
	cfg->interval_sec = DEFAULT_INTERVAL_SEC;
	cfg->ping_interval_sec = DEFAULT_PING_INTERVAL_SEC;
	oomw_assess_params_default(&cfg->params, OOMW_FRONTEND_SNMP);
}

static int parse_text(const char *v, char *out, size_t size, char why[OOMW_THRESHOLD_WHY_MAX])
{
	size_t n = strlen(v);
	if (n == 0 || n >= size) {
		snprintf(why, OOMW_THRESHOLD_WHY_MAX, "%s", n ? "value too long" : "value missing");
		return -EINVAL;
	}
	memcpy(out, v, n + 1);
	return 0;
}

static int parse_count(const struct key *k, const char *v, size_t *out,
		       char why[OOMW_THRESHOLD_WHY_MAX])
{
	uint64_t n;
	if (oomw_parse_u64(v, strlen(v), &n) != 0 || n < (uint64_t)k->min || n > (uint64_t)k->max) {
		snprintf(why, OOMW_THRESHOLD_WHY_MAX, "expected a whole number from %lld to %lld",
			 (long long)k->min, (long long)k->max);
		return -EINVAL;
	}
	*out = (size_t)n;
	return 0;
}

static int parse_duration(const struct key *k, const char *v, int64_t *out,
			  char why[OOMW_THRESHOLD_WHY_MAX])
{
	const char *dwhy = "invalid duration";
	int64_t sec;
	if (k->min == 0 && strcmp(v, "0") == 0) {
		*out = 0;
		return 0;
	}
	if (oomw_duration_parse(v, &sec, &dwhy) != 0) {
		snprintf(why, OOMW_THRESHOLD_WHY_MAX, "%s", dwhy);
		return -EINVAL;
	}
	if (sec > k->max) {
		snprintf(why, OOMW_THRESHOLD_WHY_MAX, "at most %lldd",
			 (long long)(k->max / SEC_PER_DAY));
		return -EINVAL;
	}
	*out = sec;
	return 0;
}

static int parse_key(const struct key *k, struct agent_config *cfg, const char *v,
		     char why[OOMW_THRESHOLD_WHY_MAX])
{
	void *field = (char *)cfg + k->offset;
	switch (k->kind) {
	case KEY_TEXT:
		return parse_text(v, field, k->size, why);
	case KEY_COUNT:
		return parse_count(k, v, field, why);
	case KEY_DURATION:
		return parse_duration(k, v, field, why);
	case KEY_THRESHOLD:
		return oomw_threshold_parse(v, k->metric, field, why);
	case KEY_MARGIN:
		return oomw_margin_parse(v, field, why);
	}
	return -EINVAL;
}

/* One "key value" pair; returns 0 or -EINVAL with why. */
static int apply(struct agent_config *cfg, const char *key, const char *v,
		 char why[OOMW_THRESHOLD_WHY_MAX])
{
	if (strcmp(key, "cgroup") == 0) {
		if (cfg->n_cgroup_globs == OOMW_GLOBS_MAX) {
			snprintf(why, OOMW_THRESHOLD_WHY_MAX, "too many cgroup lines");
			return -EINVAL;
		}
		return parse_text(v, cfg->cgroup_globs[cfg->n_cgroup_globs++], AGENT_GLOB_MAX + 1, why);
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i].name) == 0)
			return parse_key(&keys[i], cfg, v, why);
	snprintf(why, OOMW_THRESHOLD_WHY_MAX, "unknown key '%s'", key);
	return -EINVAL;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* One line of the file, without its comment; 0 when it holds no key. */
static int apply_line(struct agent_config *cfg, char *line, char *key_out, size_t key_size,
		      char why[OOMW_THRESHOLD_WHY_MAX])
{
	char *hash = strchr(line, '#');
	if (hash != NULL)
		*hash = '\0';
	char *key = trim(line);
	if (*key == '\0')
		return 0;
	char *v = key + strcspn(key, " \t");
	if (*v != '\0')
		*v++ = '\0';
	snprintf(key_out, key_size, "%s", key);
	v = trim(v);
	size_t n = strlen(v);
	if (n == 0) {
		snprintf(why, OOMW_THRESHOLD_WHY_MAX, "value missing");
		return -EINVAL;
	}
	/* "" or '' is the empty text: a threshold turned off. */
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v[n - 1] = '\0';
		v++;
	}
	return apply(cfg, key, v, why);
}

static int read_file(const char *path, struct agent_config *cfg, char *err, size_t err_size)
{
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		int e = errno;
		snprintf(err, err_size, "%s: %s", path, strerror(e));
		return -e;
	}
	char line[LINE_MAX_BYTES], key[LINE_MAX_BYTES], why[OOMW_THRESHOLD_WHY_MAX];
	unsigned lineno = 0;
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, err_size, "%s:%u: line longer than %d bytes", path, lineno,
				 LINE_MAX_BYTES - 2);
			rc = -EINVAL;
		} else if (apply_line(cfg, line, key, sizeof(key), why) != 0) {
			snprintf(err, err_size, "%s:%u: %s: %s", path, lineno, key,
				 why[0] ? why : "invalid value");
			rc = -EINVAL;
		}
	}
	if (rc == 0 && ferror(f)) {
		rc = errno != 0 ? -errno : -EIO; /* e.g. EISDIR: fopen accepts a directory */
		snprintf(err, err_size, "%s: %s", path, strerror(-rc));
	}
	fclose(f);
	return rc;
}

int agent_config_load(const char *path, const struct agent_overrides *ov, struct agent_config *cfg,
		      char *err, size_t err_size)
{
	/* Each option sets the key of the same meaning, after the file. */
	const char *const cmdline[][2] = {
		{ "agentx_socket", ov->agentx_socket },
		{ "proc", ov->proc },
		{ "sys", ov->sys },
		{ "kmsg", ov->kmsg },
		{ "state_file", ov->state_file },
		{ "user", ov->user },
	};
	char why[OOMW_THRESHOLD_WHY_MAX];
	int rc = 0;
	set_defaults(cfg);
	if (path != NULL)
		rc = read_file(path, cfg, err, err_size);
	for (size_t i = 0; rc == 0 && i < sizeof(cmdline) / sizeof(cmdline[0]); i++)
		if (cmdline[i][1] != NULL && (rc = apply(cfg, cmdline[i][0], cmdline[i][1], why)) != 0)
			snprintf(err, err_size, "%s (command line): %s", cmdline[i][0], why);
	if (rc == 0 && cfg->paths.journal_dir[0] && strcmp(cfg->paths.kmsg, OOMW_KMSG_JOURNAL) != 0) {
		snprintf(err, err_size, "journal_dir needs kmsg journal");
		rc = -EINVAL;
	}
	return rc;
}
