/* SPDX-License-Identifier: MIT */
/* oomwatch-exporter.c — the Prometheus front end's life: options, one monitor,
 * and a loop that samples when the kernel log, a cgroup's memory.events or a
 * pressure trigger says something happened (and every --interval), renders
 * the exposition (render.c) and writes it atomically to --textfile or keeps
 * it for /metrics (--listen, http.c). Single-threaded: poll() on the
 * monitor's descriptors, the listening socket, its clients and a signalfd. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "assess.h"
#include "defaults.h"
#include "fileio.h"
#include "http.h"
#include "monitor.h"
#include "options.h"
#include "render.h"
#include "signals.h"
#include "version.h"

#define EXIT_BAD_ARGS 1
#define EXIT_CANNOT_RUN 2
/* node_exporter runs as another user (prometheus): the file is world-readable. */
#define TEXTFILE_MODE 0644
/* Beyond kmsg, the cgroups' memory.events and a PSI trigger there is nothing to wait on. */
#define WATCH_FDS_MAX 64
/* As collectd's watcher: a source that stays readable, or a very chatty kernel
 * log, must not make the exporter spin; after this many samples in a second
 * it rests for a second. One sample drains every pending record. */
#define WAKEUPS_PER_SEC_MAX 100
#define CLIENTS_MAX 8
#define LISTEN_BACKLOG 16
/* A client that has not sent its request or read the answer by then is dropped. */
#define CLIENT_TIMEOUT_MSEC 10000
/* A scrape within this long of the last sample is answered from it. */
#define SCRAPE_FRESH_MSEC 1000
#define MSEC_PER_SEC 1000
#define NSEC_PER_MSEC 1000000

struct client {
	int fd; /* -1: free */
	char in[PROM_HTTP_REQUEST_MAX];
	size_t in_len;
	char *out; /* the whole answer, once the request is complete */
	size_t out_len, out_sent;
	int64_t deadline_msec;
};

static struct {
	struct prom_options o;
	struct oomw_monitor *mon;
	struct oomw_snapshot snap;
	struct oomw_verdict verdict;
	struct oomw_assess_params params;
	struct oomw_held held;
	bool first_done; /* the first sample was counted */
	struct prom_scope_counts scopes;
	size_t n_new;
	char *text; /* the current exposition */
	size_t text_len;
	int64_t sampled_msec;
	char problems[OOMW_PROBLEMS_MAX * OOMW_PROBLEM_TEXT_MAX]; /* last logged */
	int listen_fd, signal_fd;
	struct client clients[CLIENTS_MAX];
} g = { .listen_fd = -1, .signal_fd = -1 };

static int64_t now_msec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * MSEC_PER_SEC + ts.tv_nsec / NSEC_PER_MSEC;
}

/* ---- one sample --------------------------------------------------------- */

static void on_event(const struct oomw_event *ev, void *ctx)
{
	(void)ctx;
	g.n_new++;
	if (g.first_done)
		prom_scope_counts_add(&g.scopes, ev);
}

/* Problems are logged when they change, so the metric's "see the log" holds. */
static void log_problems(void)
{
	char now[sizeof(g.problems)];
	size_t len = 0;
	now[0] = '\0';
	for (size_t i = 0; i < g.verdict.n_problems && len < sizeof(now); i++)
		len += (size_t)snprintf(now + len, sizeof(now) - len, "%s\n",
					g.verdict.problems[i].text);
	if (strcmp(now, g.problems) == 0)
		return;
	for (size_t i = 0; i < g.verdict.n_problems; i++)
		fprintf(stderr, PROM_NAME ": %s: %s\n",
			prom_source_name(g.verdict.problems[i].source), g.verdict.problems[i].text);
	if (g.verdict.n_problems == 0 && g.problems[0])
		fprintf(stderr, PROM_NAME ": every source readable again\n");
	memcpy(g.problems, now, sizeof(now));
}

/* Samples, judges and renders into g.text. Returns 0 or -errno. */
static int sample(void)
{
	g.n_new = 0;
	int save_err = oomw_monitor_sample(g.mon, &g.snap, on_event, NULL);
	size_t n_events;
	const struct oomw_event *events = oomw_monitor_events(g.mon, &n_events);
	if (!g.first_done) {
		/* What the state remembers (the last kills of this boot) seeds the
		 * counts; from now on each new kill adds to them. */
		for (size_t i = 0; i < n_events; i++)
			prom_scope_counts_add(&g.scopes, &events[i]);
		g.first_done = true;
	}
	struct oomw_assess_input in = {
		.snap = &g.snap,
		.events = events,
		.n_events = n_events,
		.n_new = g.n_new,
		.paths = &g.o.mon.paths,
		.kmsg_option = "--kmsg",
		.state_path = g.o.mon.state_path,
		.cgroups_asked = g.o.mon.n_cgroup_globs > 0,
		.candidates_asked = g.o.mon.n_candidates > 0,
		.save_err = save_err,
		.prev = &g.held,
	};
	oomw_assess(&in, &g.params, &g.verdict);
	g.held = (struct oomw_held){ .mem = g.verdict.mem_severity,
				     .swap = g.verdict.swap_severity,
				     .psi = g.verdict.psi_severity };
	log_problems();

	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL)
		return -errno;
	struct prom_input pin = { .snap = &g.snap,
				  .verdict = &g.verdict,
				  .events = events,
				  .n_events = n_events,
				  .scopes = &g.scopes };
	int r = prom_render(f, &pin);
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	if (r < 0) {
		free(text);
		return r;
	}
	free(g.text);
	g.text = text;
	g.text_len = len;
	g.sampled_msec = now_msec();
	return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_text(int fd, void *ctx)
{
	(void)ctx;
	return write_all(fd, g.text, g.text_len);
}

/* Samples and, with --textfile, replaces the file. Failures are logged. */
static int refresh(void)
{
	int r = sample();
	if (r < 0) {
		fprintf(stderr, PROM_NAME ": cannot render the metrics: %s\n", strerror(-r));
		return r;
	}
	if (!g.o.textfile[0])
		return 0;
	r = oomw_file_write_atomic(g.o.textfile, TEXTFILE_MODE, write_text, NULL);
	if (r < 0)
		fprintf(stderr, PROM_NAME ": cannot write %s: %s\n", g.o.textfile, strerror(-r));
	return r;
}

/* ---- /metrics ----------------------------------------------------------- */

static int open_listener(void)
{
	struct sockaddr *sa = (struct sockaddr *)&g.o.listen_addr;
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int one = 1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, sa, g.o.listen_addr_len) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	g.listen_fd = fd;
	return 0;
}

static void client_close(struct client *c)
{
	close(c->fd);
	free(c->out);
	c->out = NULL;
	c->fd = -1;
}

static void accept_clients(void)
{
	for (size_t i = 0; i < CLIENTS_MAX; i++) {
		struct client *c = &g.clients[i];
		if (c->fd >= 0)
			continue;
		int fd = accept4(g.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN: nobody waiting; anything else: the client's loss */
		c->fd = fd;
		c->in_len = 0;
		c->out_len = c->out_sent = 0;
		c->deadline_msec = now_msec() + CLIENT_TIMEOUT_MSEC;
	}
}

/* The whole answer: status line, headers, and (unless HEAD) the body. */
static int client_answer(struct client *c, enum prom_http_verdict v, bool head)
{
	static const char root_body[] = "oomwatch-exporter: the metrics are at /metrics\n";
	const char *reason;
	int status = prom_http_status(v, &reason);
	char error_body[64];
	snprintf(error_body, sizeof(error_body), "%s\n", reason);
	const char *body = error_body;
	size_t body_len = strlen(error_body);
	if (v == PROM_HTTP_METRICS) {
		if (now_msec() - g.sampled_msec >= SCRAPE_FRESH_MSEC)
			refresh();
		body = g.text;
		body_len = g.text_len;
	} else if (v == PROM_HTTP_ROOT) {
		body = root_body;
		body_len = strlen(root_body);
	}
	const char *type = v == PROM_HTTP_METRICS ? "text/plain; version=0.0.4; charset=utf-8"
						  : "text/plain; charset=utf-8";
	FILE *f = open_memstream(&c->out, &c->out_len);
	if (f == NULL)
		return -errno;
	fprintf(f,
		"HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
		"Connection: close\r\n\r\n",
		status, reason, type, body_len,
		v == PROM_HTTP_BAD_METHOD ? "Allow: GET, HEAD\r\n" : "");
	if (!head)
		fwrite(body, 1, body_len, f);
	return fclose(f) == 0 ? 0 : -ENOMEM;
}

/* Reads the request until its blank line, then sends the whole answer and
 * closes: one request per connection. */
static void client_io(struct client *c, short revents)
{
	if (revents & (POLLERR | POLLHUP | POLLNVAL) && !(revents & POLLIN)) {
		client_close(c);
		return;
	}
	if (c->out == NULL) {
		ssize_t n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
		if (n <= 0) {
			if (n == 0 || (errno != EAGAIN && errno != EINTR))
				client_close(c);
			return;
		}
		c->in_len += (size_t)n;
		bool head;
		enum prom_http_verdict v = prom_http_parse(c->in, c->in_len, &head);
		if (v == PROM_HTTP_INCOMPLETE)
			return;
		if (client_answer(c, v, head) < 0) {
			client_close(c);
			return;
		}
	}
	while (c->out_sent < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_sent, c->out_len - c->out_sent, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				client_close(c);
			return;
		}
		c->out_sent += (size_t)n;
	}
	shutdown(c->fd, SHUT_WR);
	client_close(c);
}

/* ---- the loop ----------------------------------------------------------- */

/* Runs until SIGTERM or SIGINT. */
static int watch(void)
{
	struct pollfd fds[2 + CLIENTS_MAX + WATCH_FDS_MAX];
	struct client *owner[CLIENTS_MAX];
	int64_t interval_msec = g.o.interval_sec * MSEC_PER_SEC;
	int64_t next_refresh = now_msec() + interval_msec;
	int64_t second_start = now_msec(), rest_until = 0;
	int wakeups = 0;

	for (;;) {
		nfds_t n = 0;
		fds[n++] = (struct pollfd){ .fd = g.signal_fd, .events = POLLIN };
		size_t n_clients = 0;
		int64_t now = now_msec();
		int64_t wake = next_refresh;
		bool room = false;
		for (size_t i = 0; i < CLIENTS_MAX; i++) {
			struct client *c = &g.clients[i];
			if (c->fd < 0) {
				room = true;
				continue;
			}
			if (now >= c->deadline_msec) {
				client_close(c);
				room = true;
				continue;
			}
			if (c->deadline_msec < wake)
				wake = c->deadline_msec;
			owner[n_clients++] = c;
			fds[n++] = (struct pollfd){ .fd = c->fd, .events = c->out ? POLLOUT : POLLIN };
		}
		nfds_t listen_at = n;
		if (g.listen_fd >= 0 && room)
			fds[n++] = (struct pollfd){ .fd = g.listen_fd, .events = POLLIN };
		nfds_t mon_at = n;
		if (now >= rest_until)
			n += oomw_monitor_pollfds(g.mon, fds + n, WATCH_FDS_MAX);
		else if (rest_until < wake)
			wake = rest_until;

		int timeout = wake > now ? (int)(wake - now) : 0;
		int r = poll(fds, n, timeout);
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, PROM_NAME ": poll: %s\n", strerror(errno));
			return EXIT_CANNOT_RUN;
		}
		if (r < 0)
			continue;
		if (fds[0].revents != 0)
			return EXIT_SUCCESS;
		for (size_t i = 0; i < n_clients; i++)
			if (fds[1 + i].revents != 0)
				client_io(owner[i], fds[1 + i].revents);
		if (listen_at < mon_at && fds[listen_at].revents != 0)
			accept_clients();

		bool woken = false;
		for (nfds_t i = mon_at; i < n; i++)
			woken |= fds[i].revents != 0;
		now = now_msec();
		if (woken || now >= next_refresh) {
			refresh();
			next_refresh = now_msec() + interval_msec;
		}
		if (!woken)
			continue;
		if (now - second_start >= MSEC_PER_SEC) {
			second_start = now;
			wakeups = 0;
		} else if (++wakeups >= WAKEUPS_PER_SEC_MAX) {
			fprintf(stderr,
				PROM_NAME ": woken %d times in a second (a very busy kernel "
					  "log?); resting for a second\n",
				wakeups);
			rest_until = now + MSEC_PER_SEC;
		}
	}
}

int main(int argc, char **argv)
{
	char reason[PROM_REASON_MAX];
	switch (prom_options_parse(argc, argv, &g.o, reason)) {
	case PROM_PARSE_HELP:
		fputs(prom_options_help(), stdout);
		return EXIT_SUCCESS;
	case PROM_PARSE_VERSION:
		printf(PROM_NAME " " OOMWATCH_VERSION " (oomwatch)\n");
		return EXIT_SUCCESS;
	case PROM_PARSE_ERROR:
		fprintf(stderr, PROM_NAME ": %s\n", reason);
		return EXIT_BAD_ARGS;
	case PROM_PARSE_RUN:
		break;
	}
	if (prom_options_check(&g.o, reason) < 0) {
		fprintf(stderr, PROM_NAME ": %s\n", reason);
		return EXIT_BAD_ARGS;
	}
	for (size_t i = 0; i < CLIENTS_MAX; i++)
		g.clients[i].fd = -1;
	oomw_assess_params_default(&g.params, OOMW_FRONTEND_PROMETHEUS);
	g.held = (struct oomw_held){ OOMW_SEV_UNKNOWN, OOMW_SEV_UNKNOWN, OOMW_SEV_UNKNOWN };

	int r = 0;
	if (!g.o.once && (g.signal_fd = oomw_signals_open(OOMW_SIGNALS_STOP)) < 0) {
		fprintf(stderr, PROM_NAME ": cannot handle signals: %s\n", strerror(-g.signal_fd));
		return EXIT_CANNOT_RUN;
	}
	if (g.o.listen_text && (r = open_listener()) < 0) {
		fprintf(stderr, PROM_NAME ": cannot listen on %s: %s\n", g.o.listen_text, strerror(-r));
		return EXIT_CANNOT_RUN;
	}
	/* Watching (not --once): the oom:mark_victim tracepoint too, where allowed. */
	g.o.mon.trace = !g.o.once;
	r = oomw_monitor_open(&g.o.mon, &g.mon);
	if (r < 0) {
		fprintf(stderr, PROM_NAME ": cannot start monitoring: %s\n", strerror(-r));
		return EXIT_CANNOT_RUN;
	}
	r = refresh();
	int status = EXIT_SUCCESS;
	if (g.o.once)
		status = r < 0 ? EXIT_CANNOT_RUN : EXIT_SUCCESS;
	else
		status = watch();
	oomw_monitor_close(g.mon);
	free(g.text);
	return status;
}
