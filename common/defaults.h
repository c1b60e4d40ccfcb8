/* SPDX-License-Identifier: MIT */
/* defaults.h — the one set of defaults every front end starts from: the kill
 * window, the thresholds (as a user would type them, so that they go through
 * the same parser as the user's own), the PSI average judged, and the hysteresis
 * (the version is in version.h). A front end that must differ says so with an explicit
 * parameter of struct oomw_assess_params (assess.h), never a private default. */
#ifndef OOMW_DEFAULTS_H
#define OOMW_DEFAULTS_H

/* How long a kill keeps alerting; also how long kills of unknown time keep
 * alerting after they were first noticed. */
#define OOMW_DEFAULT_KILL_WINDOW "24h"
/* Kills in the window: "0" alerts outside 0..0, i.e. any kill is critical. */
#define OOMW_DEFAULT_KILLS_CRITICAL "0"
/* "Higher is better" metrics: a bare value alerts below it (README, Thresholds). */
#define OOMW_DEFAULT_MEM_WARNING "10%"
#define OOMW_DEFAULT_MEM_CRITICAL "5%"
#define OOMW_DEFAULT_SWAP_WARNING "20%"
#define OOMW_DEFAULT_SWAP_CRITICAL "10%"
/* Memory pressure: the "full" line (every task stalled) over 60 s; avg10
 * reacts to single bursts that are harmless. A bare value is an upper bound. */
#define OOMW_DEFAULT_PSI_AVG_SEC 60
#define OOMW_DEFAULT_PSI_WARNING "5"
#define OOMW_DEFAULT_PSI_CRITICAL "20"
/* Usage counts page cache, which fills a cgroup up to its limit on purpose,
 * so only a warning by default: a kill inside is what is critical. */
#define OOMW_DEFAULT_CGROUP_WARNING "90%"
/* How far beyond a threshold a value must come back before a held verdict
 * (oomw_judge_held) improves: 1 % of the total. */
#define OOMW_DEFAULT_HYSTERESIS "1%"

#endif
