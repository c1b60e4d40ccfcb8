/* SPDX-License-Identifier: MIT */
/* report.h — from what the monitor saw to what Nagios reads: the core's
 * verdicts (assess.h) rendered as the first line, the long output and the
 * perfdata. Everything a process or cgroup named itself comes escaped. */
#ifndef CHECK_OOM_REPORT_H
#define CHECK_OOM_REPORT_H

#include <stddef.h>

#include "assess.h"
#include "monitor.h"
#include "options.h"

/* The exit status: the core's severity, whose values are the Nagios codes. */
enum check_state {
	CHECK_OK = OOMW_SEV_OK,
	CHECK_WARNING = OOMW_SEV_WARNING,
	CHECK_CRITICAL = OOMW_SEV_CRITICAL,
	CHECK_UNKNOWN = OOMW_SEV_UNKNOWN,
};

/* NRPE v2 carries 1 KiB including the NUL: the default output stays below it. */
#define CHECK_OUTPUT_DEFAULT_MAX 1023
#define CHECK_OUTPUT_MAX 65536

/* What main() adds to the monitor's snapshot. */
struct check_run {
	const struct oomw_snapshot *snap;
	const struct oomw_event *events; /* the persisted ring, oldest first */
	size_t n_events;
	size_t n_new; /* events reported new by this sample */
	int save_err; /* -errno of saving the state, or 0 */
	const char *state_path;
};

/* Writes the whole plugin output (ending in a newline) into out and returns
 * the exit state. */
enum check_state check_report(const struct check_options *o, const struct check_run *run, char *out,
			      size_t size);

#endif
