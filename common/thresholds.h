/* SPDX-License-Identifier: MIT */
/* thresholds.h — what users type for limits: Nagios ranges, sizes with units,
 * and durations. Parsers return -EINVAL with a reason; nothing here prints. */
#ifndef OOMW_THRESHOLDS_H
#define OOMW_THRESHOLDS_H

#include <stdbool.h>
#include <stdint.h>

#define OOMW_RANGE_TEXT_MAX 63

/* A Nagios range "[@][start][:][end]" (README.md, check_oom's RANGE).
 * Endpoints may carry a size unit (B, K/KiB, M/MiB, G/GiB, T/TiB: powers of 1024, converted to bytes)
 * or '%'; all endpoints of one range share one kind. */
enum oomw_unit { OOMW_UNIT_NONE, OOMW_UNIT_BYTES, OOMW_UNIT_PCT };

struct oomw_range {
	double start;       /* ignored when start_neg_inf */
	double end;         /* ignored when end_inf */
	bool start_neg_inf; /* "~:" */
	bool end_inf;       /* "10:" */
	bool alert_inside;  /* "@" */
	enum oomw_unit unit;
	char text[OOMW_RANGE_TEXT_MAX + 1]; /* as the user typed it, for perfdata */
};

/* As Monitoring::Plugin::Range, with these choices: a digit or '~' is
 * required (":" and "@" alone are refused); no blanks and no exponent
 * ("1e5"), because the text goes into perfdata as typed, where values are
 * [-0-9.]; a unitless endpoint does not mix with a unit ("10:20MiB"); sized
 * and percent endpoints cannot be negative. Locale-independent.
 * Returns 0 or -EINVAL with a static reason in *why. */
int oomw_range_parse(const char *text, struct oomw_range *out, const char **why);
/* True when value (in the range's unit: bytes or percent) should alert. */
bool oomw_range_alerts(const struct oomw_range *r, double value);

/* "512MiB", "2G", "100" (bytes), "10%". Not negative. -EINVAL and *why. */
int oomw_size_parse(const char *text, double *value, enum oomw_unit *unit, const char **why);
/* "30s", "15m", "1h", "1d", "90" (seconds): one whole number and at most one
 * unit; must be > 0 and fit in int64 seconds. -EINVAL and *why. */
int oomw_duration_parse(const char *text, int64_t *seconds, const char **why);

#endif
