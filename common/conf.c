/* SPDX-License-Identifier: MIT */
/* conf.c — configuration keys through the core's parsers, and the "key
 * value" file reader on top of them (conf.h). */
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "oomw.h"

#define LINE_MAX_BYTES 4096
#define SEC_PER_DAY (24 * 60 * 60)

__attribute__((format(printf, 2, 3))) static int refuse(char why[OOMW_THRESHOLD_WHY_MAX],
							const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, OOMW_THRESHOLD_WHY_MAX, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

const struct oomw_conf_key *oomw_conf_find(const struct oomw_conf_key *keys, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(name, keys[i].name) == 0)
			return &keys[i];
	return NULL;
}

static int set_text(const char *v, char *out, size_t size, char why[OOMW_THRESHOLD_WHY_MAX])
{
	size_t n = strlen(v);
	if (n == 0)
		return refuse(why, "must not be empty");
	if (n >= size)
		return refuse(why, "too long (at most %zu bytes)", size - 1);
	memcpy(out, v, n + 1);
	return 0;
}

static int set_list(const struct oomw_conf_key *k, void *base, const char *v,
		    char why[OOMW_THRESHOLD_WHY_MAX])
{
	size_t *n = (size_t *)((char *)base + k->count_offset);
	if (*n == (size_t)k->max)
		return refuse(why, "too many %s lines", k->name);
	int rc = set_text(v, (char *)base + k->offset + *n * k->size, k->size, why);
	*n += rc == 0;
	return rc;
}

static int set_count(const struct oomw_conf_key *k, const char *v, size_t *out,
		     char why[OOMW_THRESHOLD_WHY_MAX])
{
	uint64_t n;
	if (oomw_parse_u64(v, strlen(v), &n) != 0 || n < (uint64_t)k->min || n > (uint64_t)k->max)
		return refuse(why, "must be a whole number from %lld to %lld", (long long)k->min,
			      (long long)k->max);
	*out = (size_t)n;
	return 0;
}

static int set_duration(const struct oomw_conf_key *k, const char *v, int64_t *out,
			char why[OOMW_THRESHOLD_WHY_MAX])
{
	const char *dwhy = "not a duration";
	int64_t sec;
	if (k->min == 0 && strcmp(v, "0") == 0) {
		*out = 0;
		return 0;
	}
	if (oomw_duration_parse(v, &sec, &dwhy) != 0)
		return refuse(why, "%s (e.g. 24h, 30m, 7d)", dwhy);
	if (sec > k->max)
		return refuse(why, "at most %lldd", (long long)(k->max / SEC_PER_DAY));
	*out = sec;
	return 0;
}

int oomw_conf_set(const struct oomw_conf_key *k, void *base, const char *value,
		  char why[OOMW_THRESHOLD_WHY_MAX])
{
	void *field = (char *)base + k->offset;
	why[0] = '\0';
	switch (k->kind) {
	case OOMW_CONF_TEXT:
		return set_text(value, field, k->size, why);
	case OOMW_CONF_LIST:
		return set_list(k, base, value, why);
	case OOMW_CONF_COUNT:
		return set_count(k, value, field, why);
	case OOMW_CONF_DURATION:
		return set_duration(k, value, field, why);
	case OOMW_CONF_THRESHOLD:
		return oomw_threshold_parse(value, k->metric, field, why);
	case OOMW_CONF_MARGIN:
		return oomw_margin_parse(value, field, why);
	}
	return refuse(why, "unknown kind of key");
}

int oomw_conf_set_named(const struct oomw_conf_key *keys, size_t n, void *base, const char *key,
			const char *value, char why[OOMW_THRESHOLD_WHY_MAX])
{
	const struct oomw_conf_key *k = oomw_conf_find(keys, n, key);
	return k ? oomw_conf_set(k, base, value, why) : refuse(why, "unknown key '%s'", key);
}

void oomw_conf_names(const struct oomw_conf_key *keys, size_t n, char *out, size_t size)
{
	size_t len = 0;
	if (size == 0)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < n && len < size; i++) {
		int w = snprintf(out + len, size - len, "%s%s", i > 0 ? ", " : "", keys[i].name);
		len += w > 0 ? (size_t)w : 0;
	}
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
static int apply_line(const struct oomw_conf_key *keys, size_t n_keys, void *base, char *line,
		      char *key_out, size_t key_size, char why[OOMW_THRESHOLD_WHY_MAX])
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
	/* A key alone is a mistake, not a threshold turned off. */
	if (n == 0)
		return refuse(why, "value missing");
	/* "" or '' is the empty text: a threshold turned off. */
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v[n - 1] = '\0';
		v++;
	}
	return oomw_conf_set_named(keys, n_keys, base, key, v, why);
}

int oomw_conf_read(const char *path, const struct oomw_conf_key *keys, size_t n, void *base,
		   char *err, size_t err_size)
{
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		int e = errno;
		snprintf(err, err_size, "%s: %s", path, strerror(e));
		return -e;
	}
	char line[LINE_MAX_BYTES], key[LINE_MAX_BYTES], why[OOMW_THRESHOLD_WHY_MAX] = "";
	unsigned lineno = 0;
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, err_size, "%s:%u: line longer than %d bytes", path, lineno,
				 LINE_MAX_BYTES - 2);
			rc = -EINVAL;
		} else if (apply_line(keys, n, base, line, key, sizeof(key), why) != 0) {
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
