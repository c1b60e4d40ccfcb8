/* SPDX-License-Identifier: MIT */
/* agent_config.c — parses oomwatch-agent.conf: one "key value" per line, '#'
 * comments. Every mistake is refused with the file, the line and the reason,
 * so that a typo never silently leaves a default threshold in place. */
#include "agent_config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_N_CANDIDATES 10
#define DEFAULT_KILL_TABLE_SIZE 50
#define DEFAULT_TRAP_QUEUE_SIZE 64
#define DEFAULT_INTERVAL_SEC 5
#define DEFAULT_PING_INTERVAL_SEC 2
#define DEFAULT_KILL_WINDOW_SEC (15 * 60)
#define LINE_MAX_BYTES 4096
#define SEC_PER_DAY (24 * 60 * 60)
/* net-snmp takes the refresh period as unsigned int and the ping interval as
 * int; a longer period is a typo anyway. */
#define INTERVAL_MAX_DAYS 1
/* Keeps the window in int64 microseconds. */
#define KILL_WINDOW_MAX_DAYS 366

static void set_err(char *err, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
}

static int range_default(struct oomw_range *r, const char *text)
{
	const char *why = NULL;
	return oomw_range_parse(text, r, &why);
}

static int set_defaults(struct agent_config *cfg, char *err, size_t err_size)
{
	memset(cfg, 0, sizeof(*cfg));
	oomw_paths_default(&cfg->paths);
	cfg->n_candidates = DEFAULT_N_CANDIDATES;
	cfg->kill_table_size = DEFAULT_KILL_TABLE_SIZE;
	cfg->trap_queue_size = DEFAULT_TRAP_QUEUE_SIZE;
	cfg->interval_sec = DEFAULT_INTERVAL_SEC;
	cfg->ping_interval_sec = DEFAULT_PING_INTERVAL_SEC;
	cfg->kill_window_sec = DEFAULT_KILL_WINDOW_SEC;
	/* Alert when less than 10 % / 5 % of memory is available, and when all
	 * tasks stalled on memory for more than 10 % / 25 % of the last 10 s. */
	if (range_default(&cfg->available_warning, "10%:") || range_default(&cfg->available_critical, "5%:") ||
	    range_default(&cfg->psi_warning, "10") || range_default(&cfg->psi_critical, "25")) {
		set_err(err, err_size, "built-in thresholds refused by oomw_range_parse");
		return -EINVAL;
	}
	return 0;
}

static int parse_count(const char *v, size_t min, size_t max, size_t *out, char *detail, size_t dsize,
		       const char **why)
{
	uint64_t n;
	if (oomw_parse_u64(v, strlen(v), &n) != 0 || n < min || n > max) {
		snprintf(detail, dsize, "expected a whole number from %zu to %zu", min, max);
		*why = detail;
		return -EINVAL;
	}
	*out = (size_t)n;
	return 0;
}

static int parse_duration(const char *v, int64_t max_days, int64_t *out, char *detail, size_t dsize,
			  const char **why)
{
	int64_t sec;
	int rc = oomw_duration_parse(v, &sec, why);
	if (rc != 0)
		return rc;
	if (sec > max_days * SEC_PER_DAY) {
		snprintf(detail, dsize, "at most %lldd", (long long)max_days);
		*why = detail;
		return -EINVAL;
	}
	*out = sec;
	return 0;
}

static int parse_text(const char *v, char *out, size_t size, const char **why)
{
	size_t n = strlen(v);
	if (n == 0 || n >= size) {
		*why = n ? "value too long" : "value missing";
		return -EINVAL;
	}
	memcpy(out, v, n + 1);
	return 0;
}

static int parse_range(const char *v, struct oomw_range *r, bool pct_or_bytes, const char **why)
{
	int rc = oomw_range_parse(v, r, why);
	if (rc != 0)
		return rc;
	if (!pct_or_bytes && r->unit == OOMW_UNIT_BYTES) {
		*why = "pressure thresholds are percentages, not sizes";
		return -EINVAL;
	}
	return 0;
}

/* One "key value" pair; returns 0 or -EINVAL with *why (a static string). */
static int apply(struct agent_config *cfg, const char *key, const char *v, char *detail, size_t dsize,
		 const char **why)
{
	if (strcmp(key, "agentx_socket") == 0)
		return parse_text(v, cfg->agentx_socket, sizeof(cfg->agentx_socket), why);
	if (strcmp(key, "proc") == 0)
		return parse_text(v, cfg->paths.proc, sizeof(cfg->paths.proc), why);
	if (strcmp(key, "sys") == 0)
		return parse_text(v, cfg->paths.sys, sizeof(cfg->paths.sys), why);
	if (strcmp(key, "kmsg") == 0)
		return parse_text(v, cfg->paths.kmsg, sizeof(cfg->paths.kmsg), why);
	if (strcmp(key, "state_file") == 0)
		return parse_text(v, cfg->state_file, sizeof(cfg->state_file), why);
	if (strcmp(key, "user") == 0)
		return parse_text(v, cfg->user, sizeof(cfg->user), why);
	if (strcmp(key, "cgroup") == 0) {
		if (cfg->n_cgroup_globs == OOMW_GLOBS_MAX) {
			*why = "too many cgroup lines";
			return -EINVAL;
		}
		return parse_text(v, cfg->cgroup_globs[cfg->n_cgroup_globs++], AGENT_GLOB_MAX + 1, why);
	}
	if (strcmp(key, "candidates") == 0)
		return parse_count(v, 0, OOMW_CANDIDATES_MAX, &cfg->n_candidates, detail, dsize, why);
	if (strcmp(key, "kill_table_size") == 0)
		return parse_count(v, 1, OOMW_STATE_EVENTS_MAX, &cfg->kill_table_size, detail, dsize, why);
	if (strcmp(key, "trap_queue_size") == 0)
		return parse_count(v, 1, AGENT_TRAP_QUEUE_MAX, &cfg->trap_queue_size, detail, dsize, why);
	if (strcmp(key, "interval") == 0)
		return parse_duration(v, INTERVAL_MAX_DAYS, &cfg->interval_sec, detail, dsize, why);
	if (strcmp(key, "ping_interval") == 0)
		return parse_duration(v, INTERVAL_MAX_DAYS, &cfg->ping_interval_sec, detail, dsize, why);
	if (strcmp(key, "kill_window") == 0) {
		if (strcmp(v, "0") == 0) {
			cfg->kill_window_sec = 0;
			return 0;
		}
		return parse_duration(v, KILL_WINDOW_MAX_DAYS, &cfg->kill_window_sec, detail, dsize, why);
	}
	if (strcmp(key, "available_warning") == 0)
		return parse_range(v, &cfg->available_warning, true, why);
	if (strcmp(key, "available_critical") == 0)
		return parse_range(v, &cfg->available_critical, true, why);
	if (strcmp(key, "psi_warning") == 0)
		return parse_range(v, &cfg->psi_warning, false, why);
	if (strcmp(key, "psi_critical") == 0)
		return parse_range(v, &cfg->psi_critical, false, why);
	snprintf(detail, dsize, "unknown key '%s'", key);
	*why = detail;
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

static int read_file(const char *path, struct agent_config *cfg, char *err, size_t err_size)
{
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		int e = errno;
		set_err(err, err_size, "%s: %s", path, strerror(e));
		return -e;
	}
	char line[LINE_MAX_BYTES];
	char detail[128];
	unsigned lineno = 0;
	int rc = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			set_err(err, err_size, "%s:%u: line longer than %d bytes", path, lineno, LINE_MAX_BYTES - 2);
			rc = -EINVAL;
			goto out;
		}
		char *hash = strchr(line, '#');
		if (hash != NULL)
			*hash = '\0';
		char *key = trim(line);
		if (*key == '\0')
			continue;
		char *v = key + strcspn(key, " \t");
		if (*v != '\0')
			*v++ = '\0';
		v = trim(v);
		const char *why = "invalid value";
		if (apply(cfg, key, v, detail, sizeof(detail), &why) != 0) {
			set_err(err, err_size, "%s:%u: %s: %s", path, lineno, key, why ? why : "invalid value");
			rc = -EINVAL;
			goto out;
		}
	}
	if (ferror(f)) {
		rc = errno != 0 ? -errno : -EIO; /* e.g. EISDIR: fopen accepts a directory */
		set_err(err, err_size, "%s: %s", path, strerror(-rc));
	}
out:
	fclose(f);
	return rc;
}

static int override(char *field, size_t size, const char *value, const char *what, char *err, size_t err_size)
{
	if (value == NULL)
		return 0;
	size_t n = strlen(value);
	if (n >= size) {
		set_err(err, err_size, "%s: too long", what);
		return -ENAMETOOLONG;
	}
	memcpy(field, value, n + 1);
	return 0;
}

int agent_config_load(const char *path, const struct agent_overrides *ov, struct agent_config *cfg, char *err,
		      size_t err_size)
{
	int rc = set_defaults(cfg, err, err_size);
	if (rc == 0 && path != NULL)
		rc = read_file(path, cfg, err, err_size);
	if (rc == 0)
		rc = override(cfg->agentx_socket, sizeof(cfg->agentx_socket), ov->agentx_socket, "-x", err, err_size);
	if (rc == 0)
		rc = override(cfg->paths.proc, sizeof(cfg->paths.proc), ov->proc, "--proc", err, err_size);
	if (rc == 0)
		rc = override(cfg->paths.sys, sizeof(cfg->paths.sys), ov->sys, "--sys", err, err_size);
	if (rc == 0)
		rc = override(cfg->paths.kmsg, sizeof(cfg->paths.kmsg), ov->kmsg, "--kmsg", err, err_size);
	if (rc == 0)
		rc = override(cfg->state_file, sizeof(cfg->state_file), ov->state_file, "--state", err, err_size);
	if (rc == 0)
		rc = override(cfg->user, sizeof(cfg->user), ov->user, "-u", err, err_size);
	return rc;
}
