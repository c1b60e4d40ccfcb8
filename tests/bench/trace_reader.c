/* SPDX-License-Identifier: MIT */
/* trace_reader — a bare reader of the oom:mark_victim tracepoint (common/trace.c),
 * the floor of kill → alert latency for a front end that reads it: waits in
 * poll() on the tracepoint's descriptor and prints each victim at once.
 *
 *   ready
 *   victim <pid> <comm> <trace_usec> <woke_usec>
 *
 * comm is escaped with oomw_escape ("-" when the kernel's event has none);
 * trace_usec is the kernel's stamp (the clock of /dev/kmsg's stamps), woke_usec
 * CLOCK_MONOTONIC when poll() returned. Runs until killed. Exit 1 when the
 * tracepoint cannot be opened, with the reason on stderr. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "text.h"
#include "trace.h"

static int64_t mono_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(void)
{
	static struct oomw_trace t;
	const char *why;
	int r = oomw_trace_open(&t, "/sys", &why);
	if (r < 0) {
		fprintf(stderr, "trace_reader: %s: %s\n", why, strerror(-r));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		struct pollfd p = { .fd = oomw_trace_fd(&t), .events = POLLIN };
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
		int64_t woke = mono_usec();
		struct oomw_kill k;
		while ((r = oomw_trace_read(&t, &k)) == 0 || r == -EBADMSG) {
			if (r != 0)
				continue;
			char comm[4 * OOMW_COMM_MAX + 1];
			oomw_escape(k.comm, k.comm_len, "\t", comm, sizeof(comm));
			printf("victim\t%" PRId64 "\t%s\t%" PRId64 "\t%" PRId64 "\n", k.pid,
			       comm[0] ? comm : "-", k.mono_usec, woke);
		}
		fflush(stdout);
	}
	oomw_trace_close(&t);
	return 1;
}
