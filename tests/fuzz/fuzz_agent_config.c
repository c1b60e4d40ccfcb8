/* SPDX-License-Identifier: MIT */
/* fuzz_agent_config — oomwatch-agent.conf through agent_config_load, which
 * turns every key's value (counts, durations, ranges, paths, globs) into the
 * agent's config or refuses it with the line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct agent_config cfg;
	char path[4096], err[AGENT_ERR_MAX];
	snprintf(path, sizeof(path), "%s/oomwatch-agent.conf", fuzz_dir());
	fuzz_write("oomwatch-agent.conf", data, size);
	struct agent_overrides ov = { 0 };
	err[0] = '\0';
	int r = agent_config_load(path, &ov, &cfg, err, sizeof(err));
	if (r < 0 && err[0] == '\0')
		abort(); /* every refusal names the line and the reason */
	if (r == 0 && (cfg.n_cgroup_globs > OOMW_GLOBS_MAX ||
		       cfg.n_candidates > OOMW_CANDIDATES_MAX || cfg.interval_sec <= 0))
		abort();
	return 0;
}
