/* SPDX-License-Identifier: MIT */
/* fuzz_thresholds — what users type as limits: Nagios ranges, sizes and
 * durations (check_oom options, the agent's and collectd's config values all
 * end here). Each input is tried as all three. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "thresholds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 256 || memchr(data, '\0', size) != NULL)
		return -1;
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	const char *why = NULL;

	struct oomw_range r;
	if (oomw_range_parse(text, &r, &why) == 0) {
		if ((!r.start_neg_inf && !isfinite(r.start)) || (!r.end_inf && !isfinite(r.end)))
			abort();
		(void)oomw_range_alerts(&r, 0.0);
		(void)oomw_range_alerts(&r, r.end_inf ? 1e300 : r.end);
		(void)oomw_range_alerts(&r, r.start_neg_inf ? -1e300 : r.start);
		(void)oomw_range_alerts(&r, NAN);
	} else if (why == NULL) {
		abort();
	}

	double v;
	enum oomw_unit unit;
	why = NULL;
	if (oomw_size_parse(text, &v, &unit, &why) == 0) {
		if (!isfinite(v) || v < 0)
			abort();
	} else if (why == NULL) {
		abort();
	}

	int64_t secs;
	why = NULL;
	if (oomw_duration_parse(text, &secs, &why) == 0) {
		if (secs <= 0)
			abort();
	} else if (why == NULL) {
		abort();
	}
	free(text);
	return 0;
}
