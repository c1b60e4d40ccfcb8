/* SPDX-License-Identifier: MIT */
/* conf.h — the keys of a front end's configuration file (collectd's <Plugin
 * oomwatch>, oomwatch-agent.conf) as a table: each key's kind says which of
 * the core's parsers reads its value and where in the front end's
 * configuration it goes, so a value means the same and is refused in the same
 * words in every front end. The front end only finds the text of a value in
 * its own syntax and reports a refusal with the key's name. Pure: no I/O,
 * no allocation, no logging. */
#ifndef OOMW_CONF_H
#define OOMW_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "assess.h"

enum oomw_conf_kind {
	OOMW_CONF_PATH,      /* a char[PATH_MAX]: not empty (oomw_paths_set) */
	OOMW_CONF_COUNT,     /* a size_t, a whole number from 0 to max */
	OOMW_CONF_DURATION,  /* an int64_t of seconds (oomw_duration_parse): "24h", "30m", "7d" */
	OOMW_CONF_THRESHOLD, /* a struct oomw_threshold for metric (oomw_threshold_parse) */
	OOMW_CONF_MARGIN,    /* a struct oomw_margin (oomw_margin_parse) */
};

struct oomw_conf_key {
	const char *name;
	enum oomw_conf_kind kind;
	size_t offset;           /* of the field in the front end's configuration */
	size_t max;              /* OOMW_CONF_COUNT */
	enum oomw_metric metric; /* OOMW_CONF_THRESHOLD */
};

/* The key called name, case-insensitively (collectd's keys are), or NULL. */
const struct oomw_conf_key *oomw_conf_find(const struct oomw_conf_key *keys, size_t n,
					   const char *name);
/* Parses value into the field of k in the configuration at base. Returns 0,
 * or -EINVAL with one line in why ("must not be empty", "'10' has no unit;
 * write 10% or 10M"), to which the front end prefixes the key and value. */
int oomw_conf_set(const struct oomw_conf_key *k, void *base, const char *value,
		  char why[OOMW_THRESHOLD_WHY_MAX]);
/* The names of keys joined by ", ", for a refusal of an unknown key. */
void oomw_conf_names(const struct oomw_conf_key *keys, size_t n, char *out, size_t size);

#endif
