/* SPDX-License-Identifier: MIT */
/* conf.h — a front end's configuration keys as one table (collectd's <Plugin
 * oomwatch>, oomwatch-agent.conf and its command line): each key's kind says
 * which of the core's parsers reads its value and where in the front end's
 * configuration it goes, so that a value means the same and is refused in the
 * same words in every front end. On top of the table, the reader of "key
 * value" files, which refuses every mistake with the file, the line, the key
 * and the reason, so that a typo never silently leaves a default in place.
 * Nothing is logged here; only the file reader does I/O. */
#ifndef OOMW_CONF_H
#define OOMW_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "assess.h"

/* The longest kill window any front end takes (check_oom --window too): one
 * window string works everywhere, well within int64 microseconds. */
#define OOMW_KILL_WINDOW_MAX_SEC (36500 * (int64_t)24 * 60 * 60)

enum oomw_conf_kind {
	OOMW_CONF_TEXT,      /* a path or a name, not empty: size bytes with the NUL */
	OOMW_CONF_LIST,      /* a repeatable text: items of size bytes, max of them,
			      * counted by the size_t at count_offset */
	OOMW_CONF_COUNT,     /* a size_t from min to max */
	OOMW_CONF_DURATION,  /* an int64_t of seconds (oomw_duration_parse: "24h",
			      * "30m", "7d") up to max; "0" too when min is 0 */
	OOMW_CONF_THRESHOLD, /* a struct oomw_threshold for metric (oomw_threshold_parse) */
	OOMW_CONF_MARGIN,    /* a struct oomw_margin (oomw_margin_parse) */
};

struct oomw_conf_key {
	const char *name;
	enum oomw_conf_kind kind;
	size_t offset; /* of the field in the front end's configuration */
	size_t size;   /* TEXT, LIST */
	int64_t min, max;
	enum oomw_metric metric; /* THRESHOLD */
	size_t count_offset;     /* LIST */
};

/* One row of a front end's table, for the field of its configuration type T. */
/* clang-format off */
#define OOMW_KEY_TEXT(T, name, field) \
	{ name, OOMW_CONF_TEXT, offsetof(T, field), sizeof(((T *)0)->field), 0, 0, 0, 0 }
#define OOMW_KEY_LIST(T, name, field, max, count) \
	{ name, OOMW_CONF_LIST, offsetof(T, field), sizeof(((T *)0)->field[0]), 0, max, 0, \
	  offsetof(T, count) }
#define OOMW_KEY_COUNT(T, name, field, min, max) \
	{ name, OOMW_CONF_COUNT, offsetof(T, field), 0, min, max, 0, 0 }
#define OOMW_KEY_DURATION(T, name, field, min, max) \
	{ name, OOMW_CONF_DURATION, offsetof(T, field), 0, min, max, 0, 0 }
#define OOMW_KEY_THRESHOLD(T, name, field, metric) \
	{ name, OOMW_CONF_THRESHOLD, offsetof(T, field), 0, 0, 0, metric, 0 }
#define OOMW_KEY_MARGIN(T, name, field) { name, OOMW_CONF_MARGIN, offsetof(T, field), 0, 0, 0, 0, 0 }
/* clang-format on */

/* The key called name, case-insensitively (collectd's keys are), or NULL. */
const struct oomw_conf_key *oomw_conf_find(const struct oomw_conf_key *keys, size_t n,
					   const char *name);
/* Parses value into the field of k in the configuration at base. Returns 0,
 * or -EINVAL with one line in why ("must not be empty", "must be a whole
 * number from 1 to 256", "'10' has no unit; write 10% or 10M"), to which the
 * front end prefixes the key (and the value or the line); the field is left
 * as it was. */
int oomw_conf_set(const struct oomw_conf_key *k, void *base, const char *value,
		  char why[OOMW_THRESHOLD_WHY_MAX]);
/* oomw_conf_set of the key called key; "unknown key 'x'" when none is. */
int oomw_conf_set_named(const struct oomw_conf_key *keys, size_t n, void *base, const char *key,
			const char *value, char why[OOMW_THRESHOLD_WHY_MAX]);
/* The names of keys joined by ", ", for a refusal of an unknown key. */
void oomw_conf_names(const struct oomw_conf_key *keys, size_t n, char *out, size_t size);

/* Reads the file path into base: one "key value" a line, '#' starts a
 * comment, "" or '' is the empty text (a threshold turned off). Returns 0, or
 * -errno with "PATH:LINE: key: why" (or "PATH: strerror") in err. */
int oomw_conf_read(const char *path, const struct oomw_conf_key *keys, size_t n, void *base,
		   char *err, size_t err_size);

#endif
