/* SPDX-License-Identifier: MIT */
/* agent_config.c — oomwatch-agent.conf: one "key value" per line, '#'
 * comments, read by the core (common/conf.h), which refuses every mistake
 * with the file, the line and the reason. Each key is one row of a table: its
 * kind says which of the core's parsers reads it. */
#include "agent_config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"

#define DEFAULT_N_CANDIDATES 10
#define DEFAULT_KILL_TABLE_SIZE 50
#define DEFAULT_TRAP_QUEUE_SIZE 64
#define DEFAULT_INTERVAL_SEC 5
#define DEFAULT_PING_INTERVAL_SEC 2
/* net-snmp takes the refresh period as unsigned int and the ping interval as
 * int; a longer period is a typo anyway. */
#define INTERVAL_MAX_SEC (24 * 60 * 60)

/* One key a line. */
#define C struct agent_config
/* clang-format off */
static const struct oomw_conf_key keys[] = {
	OOMW_KEY_TEXT(C, "agentx_socket", agentx_socket),
	OOMW_KEY_TEXT(C, "proc", paths.proc),
	OOMW_KEY_TEXT(C, "sys", paths.sys),
	OOMW_KEY_TEXT(C, "kmsg", paths.kmsg),
	OOMW_KEY_TEXT(C, "journal_dir", paths.journal_dir),
	OOMW_KEY_TEXT(C, "state_file", state_file),
	OOMW_KEY_TEXT(C, "user", user),
	OOMW_KEY_COUNT(C, "candidates", n_candidates, 0, OOMW_CANDIDATES_MAX),
	OOMW_KEY_COUNT(C, "kill_table_size", kill_table_size, 1, OOMW_STATE_EVENTS_MAX),
	OOMW_KEY_COUNT(C, "trap_queue_size", trap_queue_size, 1, AGENT_TRAP_QUEUE_MAX),
	OOMW_KEY_DURATION(C, "interval", interval_sec, 1, INTERVAL_MAX_SEC),
	OOMW_KEY_DURATION(C, "ping_interval", ping_interval_sec, 1, INTERVAL_MAX_SEC),
	OOMW_KEY_DURATION(C, "kill_window", params.window_sec, 0, OOMW_KILL_WINDOW_MAX_SEC),
	OOMW_KEY_THRESHOLD(C, "available_warning", params.mem_available.warning, OOMW_METRIC_FREE),
	OOMW_KEY_THRESHOLD(C, "available_critical", params.mem_available.critical, OOMW_METRIC_FREE),
	OOMW_KEY_THRESHOLD(C, "swap_warning", params.swap_free.warning, OOMW_METRIC_FREE),
	OOMW_KEY_THRESHOLD(C, "swap_critical", params.swap_free.critical, OOMW_METRIC_FREE),
	OOMW_KEY_THRESHOLD(C, "psi_warning", params.psi.warning, OOMW_METRIC_PRESSURE),
	OOMW_KEY_THRESHOLD(C, "psi_critical", params.psi.critical, OOMW_METRIC_PRESSURE),
	OOMW_KEY_THRESHOLD(C, "cgroup_warning", params.cgroup_usage.warning, OOMW_METRIC_USAGE),
	OOMW_KEY_THRESHOLD(C, "cgroup_critical", params.cgroup_usage.critical, OOMW_METRIC_USAGE),
	OOMW_KEY_MARGIN(C, "hysteresis", params.hysteresis),
	OOMW_KEY_LIST(C, "cgroup", cgroup_globs, OOMW_GLOBS_MAX, n_cgroup_globs),
};
/* clang-format on */
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

static void set_defaults(struct agent_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	oomw_paths_default(&cfg->paths);
	cfg->n_candidates = DEFAULT_N_CANDIDATES;
	cfg->kill_table_size = DEFAULT_KILL_TABLE_SIZE;
	cfg->trap_queue_size = DEFAULT_TRAP_QUEUE_SIZE;
	cfg->interval_sec = DEFAULT_INTERVAL_SEC;
	cfg->ping_interval_sec = DEFAULT_PING_INTERVAL_SEC;
	oomw_assess_params_default(&cfg->params, OOMW_FRONTEND_SNMP);
}

int agent_config_load(const char *path, const struct agent_overrides *ov, struct agent_config *cfg,
		      char *err, size_t err_size)
{
	char why[OOMW_THRESHOLD_WHY_MAX];
	int rc = 0;
	set_defaults(cfg);
	if (path != NULL)
		rc = oomw_conf_read(path, keys, N_KEYS, cfg, err, err_size);
	for (size_t i = 0; rc == 0 && i < ov->n; i++)
		if ((rc = oomw_conf_set_named(keys, N_KEYS, cfg, ov->key[i], ov->value[i], why)) != 0)
			snprintf(err, err_size, "%s (command line): %s", ov->key[i], why);
	if (rc == 0 && cfg->paths.journal_dir[0] && strcmp(cfg->paths.kmsg, OOMW_KMSG_JOURNAL) != 0) {
		snprintf(err, err_size, "journal_dir needs kmsg journal");
		rc = -EINVAL;
	}
	return rc;
}
