/* SPDX-License-Identifier: MIT */
/* signals.c — a daemon's stop and reload signals as a file descriptor (signals.h). */
#include "signals.h"

#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

int oomw_signals_open(enum oomw_signals which)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (which == OOMW_SIGNALS_STOP_RELOAD)
		sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -errno;
	int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	return fd;
}

void oomw_signals_read(int fd, bool *stop, bool *reload)
{
	struct signalfd_siginfo si;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			*reload = true;
		else
			*stop = true;
	}
}
