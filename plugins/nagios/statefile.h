/* SPDX-License-Identifier: MIT */
/* statefile.h — where check_oom keeps its state when --state is not given: a
 * place the nagios user can write with no setup, one file per set of sources
 * so that two differently configured checks never take each other's kills. */
#ifndef CHECK_OOM_STATEFILE_H
#define CHECK_OOM_STATEFILE_H

#include <limits.h>

#include "monitor.h"

/* Fills path with $MP_STATE_PATH/check_oom/<key>.state, else
 * /var/lib/oomwatch/check_oom/<uid>/<key>.state when the package made that
 * parent, else /var/tmp/check_oom-<uid>/<key>.state, creating the directory
 * (0700) when missing and refusing one that another user could tamper with.
 * Returns 0 or -errno; *why then names the problem (static text). */
int check_state_default_path(const struct oomw_monitor_config *mon, char path[PATH_MAX],
			     const char **why);

#endif
