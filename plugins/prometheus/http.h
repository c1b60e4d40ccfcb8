/* SPDX-License-Identifier: MIT */
/* http.h — the one HTTP/1.x request oomwatch-exporter answers (GET or HEAD
 * /metrics) and the address it listens on, both parsed without I/O so that the
 * parser can be tested byte by byte. No keep-alive, no body, no chunking: a
 * request is read up to its blank line, answered, and the connection closed. */
#ifndef PROM_HTTP_H
#define PROM_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* A request head larger than this is refused (431). */
#define PROM_HTTP_REQUEST_MAX 8192

enum prom_http_verdict {
	PROM_HTTP_INCOMPLETE,  /* no blank line yet: read more */
	PROM_HTTP_METRICS,     /* 200 with the exposition */
	PROM_HTTP_ROOT,        /* 200 with a line pointing at /metrics */
	PROM_HTTP_NOT_FOUND,   /* 404 */
	PROM_HTTP_BAD_METHOD,  /* 405 */
	PROM_HTTP_BAD_REQUEST, /* 400: not an HTTP/1.x request line */
	PROM_HTTP_TOO_LARGE,   /* 431 */
};

/* Judges the request head in buf[0..len). *head is true for HEAD (headers only). */
enum prom_http_verdict prom_http_parse(const char *buf, size_t len, bool *head);
/* The status line's code and reason for a verdict (200 "OK", 404 "Not Found"…). */
int prom_http_status(enum prom_http_verdict v, const char **reason);

/* Parses "127.0.0.1:9101", "[::1]:9101" or "localhost:9101" (numeric, no
 * name lookup but "localhost"). A non-loopback address is refused unless
 * allow_remote. Returns 0 or -EINVAL with a static reason in *why. */
int prom_listen_parse(const char *text, bool allow_remote, struct sockaddr_storage *addr,
		      socklen_t *addr_len, const char **why);

#endif
