/* SPDX-License-Identifier: MIT */
/* signals.h — how a daemon (oomwatch-agent, oomwatch-exporter) hears that it
 * must stop or reload: SIGTERM, SIGINT and, for one that reloads, SIGHUP are
 * blocked and arrive through a signalfd that its loop waits on beside the
 * kernel's sources. No handler runs, so no signal can fall between a check of
 * a flag and the wait. SIGPIPE is ignored: a peer that closed its socket fails
 * that one write, it does not end the daemon. */
#ifndef OOMW_SIGNALS_H
#define OOMW_SIGNALS_H

#include <stdbool.h>

/* The signals a daemon takes. */
enum oomw_signals {
	OOMW_SIGNALS_STOP,        /* SIGTERM, SIGINT */
	OOMW_SIGNALS_STOP_RELOAD, /* and SIGHUP */
};

/* Blocks those signals and ignores SIGPIPE. Returns a non-blocking,
 * close-on-exec signalfd that becomes readable when one arrives, or -errno. */
int oomw_signals_open(enum oomw_signals which);
/* Reads every signal waiting on fd: SIGHUP sets *reload, the others *stop. */
void oomw_signals_read(int fd, bool *stop, bool *reload);

#endif
