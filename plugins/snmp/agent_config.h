/* SPDX-License-Identifier: MIT */
/* agent_config.h — what the administrator asked oomwatch-agent for: the
 * configuration file (thresholds, cgroup globs, table sizes, state file, user)
 * and the command-line overrides, parsed into one struct. Thresholds, the kill
 * window and the hysteresis are the core's (common/assess.h), parsed by the
 * core's one parser, so they mean what they mean in check_oom and collectd. */
#ifndef OOMW_AGENT_CONFIG_H
#define OOMW_AGENT_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "assess.h"
#include "monitor.h"
#include "paths.h"

#define AGENT_DEFAULT_CONFIG "/etc/oomwatch/oomwatch-agent.conf"
#define AGENT_TRAP_QUEUE_MAX 256
#define AGENT_USER_MAX 63
#define AGENT_GLOB_MAX 255
#define AGENT_ERR_MAX 512

struct agent_config {
	char agentx_socket[PATH_MAX]; /* "" = net-snmp's default (/var/agentx/master) */
	struct oomw_paths paths;
	char state_file[PATH_MAX];     /* "" = no persisted state */
	char user[AGENT_USER_MAX + 1]; /* "" = keep running as the starting user */
	char cgroup_globs[OOMW_GLOBS_MAX][AGENT_GLOB_MAX + 1];
	size_t n_cgroup_globs;
	size_t n_candidates;
	/* A SIGHUP reloads the fields from here on; those above need a restart
	 * (they are compared as bytes: set_defaults zeroes the padding). */
	size_t kill_table_size;
	size_t trap_queue_size;
	int64_t interval_sec;             /* how often the cached values are refreshed */
	int64_t ping_interval_sec;        /* AgentX ping, and retry period while snmpd is away */
	struct oomw_assess_params params; /* thresholds, kill window, hysteresis */
};

/* The command line: keys of the file and their values, which win over it. */
#define AGENT_OVERRIDES_MAX 8
struct agent_overrides {
	size_t n;
	const char *key[AGENT_OVERRIDES_MAX], *value[AGENT_OVERRIDES_MAX];
};

/* Fills the defaults, then reads path (NULL: none), then applies ov.
 * Returns 0, or -errno with a message "FILE:LINE: why" in err. */
int agent_config_load(const char *path, const struct agent_overrides *ov, struct agent_config *cfg,
		      char *err, size_t err_size);

#endif
