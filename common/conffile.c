/* SPDX-License-Identifier: MIT */
/* conffile.c — "key value" configuration files (conffile.h). */
#include "conffile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "oomw.h"

#define LINE_MAX_BYTES 4096
#define SEC_PER_DAY (24 * 60 * 60)

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

static int parse_list(const struct oomw_key *k, void *base, const char *v,
		      char why[OOMW_THRESHOLD_WHY_MAX])
{
	size_t *n = (size_t *)((char *)base + k->count_offset);
	if (*n == (size_t)k->max) {
		snprintf(why, OOMW_THRESHOLD_WHY_MAX, "too many %s lines", k->name);
		return -EINVAL;
	}
	int rc = parse_text(v, (char *)base + k->offset + *n * k->size, k->size, why);
	*n += rc == 0;
	return rc;
}

static int parse_count(const struct oomw_key *k, const char *v, size_t *out,
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

static int parse_duration(const struct oomw_key *k, const char *v, int64_t *out,
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

int oomw_conf_set(const struct oomw_key *keys, size_t n_keys, void *base, const char *key,
		  const char *v, char why[OOMW_THRESHOLD_WHY_MAX])
{
	for (size_t i = 0; i < n_keys; i++) {
		const struct oomw_key *k = &keys[i];
		void *field = (char *)base + k->offset;
		if (strcmp(key, k->name) != 0)
			continue;
		switch (k->kind) {
		case OOMW_KEY_TEXT:
			return parse_text(v, field, k->size, why);
		case OOMW_KEY_LIST:
			return parse_list(k, base, v, why);
		case OOMW_KEY_COUNT:
			return parse_count(k, v, field, why);
		case OOMW_KEY_DURATION:
			return parse_duration(k, v, field, why);
		case OOMW_KEY_THRESHOLD:
			return oomw_threshold_parse(v, k->metric, field, why);
		case OOMW_KEY_MARGIN:
			return oomw_margin_parse(v, field, why);
		}
	}
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
static int apply_line(const struct oomw_key *keys, size_t n_keys, void *base, char *line,
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
	if (n == 0) {
		snprintf(why, OOMW_THRESHOLD_WHY_MAX, "value missing");
		return -EINVAL;
	}
	/* "" or '' is the empty text: a threshold turned off. */
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v[n - 1] = '\0';
		v++;
	}
	return oomw_conf_set(keys, n_keys, base, key, v, why);
}

int oomw_conf_read(const char *path, const struct oomw_key *keys, size_t n_keys, void *base,
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
		} else if (apply_line(keys, n_keys, base, line, key, sizeof(key), why) != 0) {
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
