/* SPDX-License-Identifier: MIT */
/* conf.c — a configuration key's value through the core's parsers (conf.h). */
#include "conf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "oomw.h"
#include "paths.h"

static int refuse(char why[OOMW_THRESHOLD_WHY_MAX], const char *reason)
{
	snprintf(why, OOMW_THRESHOLD_WHY_MAX, "%s", reason);
	return -EINVAL;
}

const struct oomw_conf_key *oomw_conf_find(const struct oomw_conf_key *keys, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(name, keys[i].name) == 0)
			return &keys[i];
	return NULL;
}

int oomw_conf_set(const struct oomw_conf_key *k, void *base, const char *value,
		  char why[OOMW_THRESHOLD_WHY_MAX])
{
	void *field = (char *)base + k->offset;
	const char *swhy = "not a duration";
	uint64_t n;
	why[0] = '\0';
	switch (k->kind) {
	case OOMW_CONF_PATH:
		if (value[0] == '\0')
			return refuse(why, "must not be empty");
		return oomw_paths_set(field, value) < 0 ? refuse(why, "path too long") : 0;
	case OOMW_CONF_COUNT:
		if (oomw_parse_u64(value, strlen(value), &n) < 0 || n > k->max) {
			snprintf(why, OOMW_THRESHOLD_WHY_MAX,
				 "must be a whole number from 0 to %zu", k->max);
			return -EINVAL;
		}
		*(size_t *)field = (size_t)n;
		return 0;
	case OOMW_CONF_DURATION:
		if (oomw_duration_parse(value, field, &swhy) == 0)
			return 0;
		snprintf(why, OOMW_THRESHOLD_WHY_MAX, "%s (e.g. 24h, 30m, 7d)", swhy);
		return -EINVAL;
	case OOMW_CONF_THRESHOLD:
		return oomw_threshold_parse(value, k->metric, field, why);
	case OOMW_CONF_MARGIN:
		return oomw_margin_parse(value, field, why);
	}
	return refuse(why, "unknown kind of key");
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
