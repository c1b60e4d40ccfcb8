/* SPDX-License-Identifier: MIT */
/* fuzz_assess — the one threshold grammar of common/assess (check_oom's
 * options, collectd's oomwatch.conf and oomwatch-agent.conf all parse their
 * limits with it): every input as a threshold of each metric, printed back as
 * perfdata, and as a hysteresis margin. Built when common/assess.h exists. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "fuzz.h"

static const enum oomw_metric metrics[] = { OOMW_METRIC_COUNT, OOMW_METRIC_PRESSURE,
					    OOMW_METRIC_FREE, OOMW_METRIC_USAGE };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 256 || memchr(data, '\0', size) != NULL)
		return -1;
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	char why[OOMW_THRESHOLD_WHY_MAX];
	for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++) {
		struct oomw_threshold t;
		why[0] = '\0';
		if (oomw_threshold_parse(text, metrics[i], &t, why) < 0) {
			if (why[0] == '\0' || memchr(why, '\0', sizeof(why)) == NULL)
				abort(); /* a refusal says why, in one terminated line */
			continue;
		}
		char perf[2 * OOMW_RANGE_TEXT_MAX];
		oomw_threshold_perf(&t, OOMW_PERF_PLAIN, perf, sizeof(perf));
		oomw_threshold_perf(&t, OOMW_PERF_BYTES, perf, sizeof(perf));
	}
	struct oomw_margin m;
	why[0] = '\0';
	if (oomw_margin_parse(text, &m, why) == 0) {
		if (!isfinite(m.value) || m.value < 0)
			abort();
	} else if (why[0] == '\0') {
		abort();
	}
	free(text);
	return 0;
}
