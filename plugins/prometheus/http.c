/* SPDX-License-Identifier: MIT */
/* http.c — the request line of the one request oomwatch-exporter answers, and
 * its listening address. */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oomw.h"

#define PORT_MAX 65535
#define IPV4_LOOPBACK_NET 127 /* 127.0.0.0/8 */

/* Where the head ends (after its blank line), or NULL. */
static const char *head_end(const char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return buf + i + 2;
		if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return buf + i + 3;
	}
	return NULL;
}

static bool token_is(const char *s, size_t len, const char *word)
{
	return len == strlen(word) && memcmp(s, word, len) == 0;
}

enum prom_http_verdict prom_http_parse(const char *buf, size_t len, bool *head)
{
	*head = false;
	if (head_end(buf, len) == NULL)
		return len >= PROM_HTTP_REQUEST_MAX ? PROM_HTTP_TOO_LARGE : PROM_HTTP_INCOMPLETE;
	size_t line_len = (size_t)((const char *)memchr(buf, '\n', len) - buf);
	if (line_len > 0 && buf[line_len - 1] == '\r')
		line_len--;
	/* METHOD SP TARGET SP HTTP/1.x, printable ASCII only. */
	for (size_t i = 0; i < line_len; i++)
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] >= 0x7f)
			return PROM_HTTP_BAD_REQUEST;
	const char *sp1 = memchr(buf, ' ', line_len);
	if (sp1 == NULL || sp1 == buf)
		return PROM_HTTP_BAD_REQUEST;
	const char *target = sp1 + 1;
	const char *sp2 = memchr(target, ' ', line_len - (size_t)(target - buf));
	if (sp2 == NULL || sp2 == target || *target != '/')
		return PROM_HTTP_BAD_REQUEST;
	const char *version = sp2 + 1;
	size_t version_len = line_len - (size_t)(version - buf);
	if (!token_is(version, version_len, "HTTP/1.0") && !token_is(version, version_len, "HTTP/1.1"))
		return PROM_HTTP_BAD_REQUEST;
	size_t method_len = (size_t)(sp1 - buf);
	for (size_t i = 0; i < method_len; i++)
		if (buf[i] < 'A' || buf[i] > 'Z')
			return PROM_HTTP_BAD_REQUEST;
	if (token_is(buf, method_len, "HEAD"))
		*head = true;
	else if (!token_is(buf, method_len, "GET"))
		return PROM_HTTP_BAD_METHOD;
	size_t path_len = strcspn(target, "? ");
	if (path_len > (size_t)(sp2 - target))
		path_len = (size_t)(sp2 - target);
	if (token_is(target, path_len, "/metrics"))
		return PROM_HTTP_METRICS;
	if (token_is(target, path_len, "/"))
		return PROM_HTTP_ROOT;
	return PROM_HTTP_NOT_FOUND;
}

int prom_http_status(enum prom_http_verdict v, const char **reason)
{
	switch (v) {
	case PROM_HTTP_METRICS:
	case PROM_HTTP_ROOT:
		*reason = "OK";
		return 200;
	case PROM_HTTP_NOT_FOUND:
		*reason = "Not Found";
		return 404;
	case PROM_HTTP_BAD_METHOD:
		*reason = "Method Not Allowed";
		return 405;
	case PROM_HTTP_TOO_LARGE:
		*reason = "Request Header Fields Too Large";
		return 431;
	case PROM_HTTP_INCOMPLETE:
	case PROM_HTTP_BAD_REQUEST:
		break;
	}
	*reason = "Bad Request";
	return 400;
}

int prom_listen_parse(const char *text, bool allow_remote, struct sockaddr_storage *addr,
		      socklen_t *addr_len, const char **why)
{
	char host[64];
	const char *colon;
	memset(addr, 0, sizeof(*addr));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (close == NULL || close[1] != ':') {
			*why = "an IPv6 address is written [ADDR]:PORT";
			return -EINVAL;
		}
		colon = close + 1;
		if ((size_t)(close - text - 1) >= sizeof(host)) {
			*why = "address too long";
			return -EINVAL;
		}
		memcpy(host, text + 1, (size_t)(close - text - 1));
		host[close - text - 1] = '\0';
	} else {
		colon = strchr(text, ':');
		if (colon != NULL && strchr(colon + 1, ':') != NULL) {
			*why = "an IPv6 address is written [ADDR]:PORT";
			return -EINVAL;
		}
		if (colon == NULL || (size_t)(colon - text) >= sizeof(host)) {
			*why = "expected ADDRESS:PORT, e.g. 127.0.0.1:9101";
			return -EINVAL;
		}
		memcpy(host, text, (size_t)(colon - text));
		host[colon - text] = '\0';
	}
	uint64_t port;
	if (oomw_parse_u64(colon + 1, strlen(colon + 1), &port) < 0 || port == 0 || port > PORT_MAX) {
		*why = "the port is not 1..65535";
		return -EINVAL;
	}
	struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;
	bool loopback;
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*addr_len = sizeof(*v4);
		loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == IPV4_LOOPBACK_NET;
	} else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*addr_len = sizeof(*v6);
		loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
	} else {
		*why = "not a numeric IPv4 or IPv6 address (or localhost)";
		return -EINVAL;
	}
	if (!loopback && !allow_remote) {
		*why = "not a loopback address: /metrics has no authentication; add --allow-remote "
		       "to serve it beyond this machine";
		return -EINVAL;
	}
	return 0;
}
