/* SPDX-License-Identifier: MIT */
/* options.h — oomwatch-exporter's command line: the sources every front end
 * takes (as check_oom spells them), where the metrics go, and how often they
 * are refreshed. Parsing never prints; a refusal is a one-line reason. */
#ifndef PROM_OPTIONS_H
#define PROM_OPTIONS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "cli.h"
#include "monitor.h"

#define PROM_NAME "oomwatch-exporter"
#define PROM_REASON_MAX OOMW_CLI_REASON_MAX /* its reasons are filled by cli.h */
/* The refresh interval when no kill or pressure wakes the exporter first. */
#define PROM_DEFAULT_INTERVAL "15s"

struct prom_options {
	struct oomw_monitor_config mon;
	char state_path[PATH_MAX]; /* "" : the cursor is kept in memory only */
	bool kmsg_given;
	char textfile[PATH_MAX]; /* "" with --listen */
	bool once;
	const char *listen_text; /* NULL with --textfile */
	struct sockaddr_storage listen_addr;
	socklen_t listen_addr_len;
	int64_t interval_sec;
};

enum prom_parse_result {
	PROM_PARSE_RUN = OOMW_CLI_RUN,
	PROM_PARSE_HELP = OOMW_CLI_HELP,
	PROM_PARSE_VERSION = OOMW_CLI_VERSION,
	PROM_PARSE_ERROR = OOMW_CLI_ERROR, /* reason holds one line */
};

/* Fills *o from argv (whose strings must outlive *o). */
enum prom_parse_result prom_options_parse(int argc, char **argv, struct prom_options *o,
					  char reason[PROM_REASON_MAX]);
/* Checks what the user named exists: --proc and --sys directories, a --kmsg
 * file, the directory of --textfile. Returns 0, or -1 with the reason. */
int prom_options_check(const struct prom_options *o, char reason[PROM_REASON_MAX]);
const char *prom_options_help(void);

#endif
