/* SPDX-License-Identifier: MIT */
/* conffile.h — "key value" configuration files for any front end that has
 * one: one pair a line, '#' starts a comment, "" or '' is the empty text (a
 * threshold turned off). Each key is one row of the front end's table: its
 * kind says which of the core's parsers reads it (thresholds, margins and
 * durations mean what they mean in every front end) and where in the front
 * end's struct the value goes. Every mistake is refused with the file, the
 * line, the key and the reason, so that a typo never silently leaves a
 * default in place. Nothing is logged here. */
#ifndef OOMW_CONFFILE_H
#define OOMW_CONFFILE_H

#include <stddef.h>
#include <stdint.h>

#include "assess.h"

enum oomw_key_kind {
	OOMW_KEY_TEXT,      /* a path or a name: size bytes with the NUL */
	OOMW_KEY_LIST,      /* a repeatable text: items of size bytes, max of them,
			     * counted by the size_t at count_offset */
	OOMW_KEY_COUNT,     /* a size_t from min to max */
	OOMW_KEY_DURATION,  /* an int64_t of seconds (the core's grammar) up to max;
			     * "0" when min is 0 */
	OOMW_KEY_THRESHOLD, /* a struct oomw_threshold for metric (the core's grammar) */
	OOMW_KEY_MARGIN,    /* a struct oomw_margin (the core's hysteresis grammar) */
};

struct oomw_key {
	const char *name;
	enum oomw_key_kind kind;
	size_t offset; /* of the field in the front end's struct */
	size_t size;   /* TEXT, LIST */
	int64_t min, max;
	enum oomw_metric metric; /* THRESHOLD */
	size_t count_offset;     /* LIST */
};

/* Sets one key of base from its value. Returns 0, or -EINVAL with why
 * ("unknown key 'x'", "expected a whole number from 1 to 256", …). */
int oomw_conf_set(const struct oomw_key *keys, size_t n_keys, void *base, const char *key,
		  const char *value, char why[OOMW_THRESHOLD_WHY_MAX]);
/* Reads the file path into base. Returns 0, or -errno with "PATH:LINE: key:
 * why" (or "PATH: strerror") in err. */
int oomw_conf_read(const char *path, const struct oomw_key *keys, size_t n_keys, void *base,
		   char *err, size_t err_size);

#endif
