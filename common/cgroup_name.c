/* SPDX-License-Identifier: MIT */
/* cgroup_name.c — a cgroup path's unit, container and pod, component by
 * component; see cgroup_name.h. */
#include "cgroup_name.h"

#include <stdbool.h>
#include <string.h>

struct comp {
	const char *s;
	size_t len;
};

static bool has_prefix(struct comp c, const char *p)
{
	size_t n = strlen(p);
	return c.len >= n && memcmp(c.s, p, n) == 0;
}

static bool has_suffix(struct comp c, const char *p)
{
	size_t n = strlen(p);
	return c.len >= n && memcmp(c.s + c.len - n, p, n) == 0;
}

static bool is_comp(struct comp c, const char *p)
{
	return c.len == strlen(p) && memcmp(c.s, p, c.len) == 0;
}

/* A container id: 64 lowercase hex digits exactly. */
static bool container_id(const char *s, size_t len, char out[OOMW_CONTAINER_ID_MAX + 1])
{
	if (len != OOMW_CONTAINER_ID_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	memcpy(out, s, len);
	out[len] = '\0';
	return true;
}

/* A pod UID, 8-4-4-4-12 hex, with sep ('-' cgroupfs, '_' systemd driver)
 * between the groups; written with '-'. */
static bool pod_uid(const char *s, size_t len, char sep, char out[OOMW_POD_UID_MAX + 1])
{
	char uid[OOMW_POD_UID_MAX + 1];
	if (len != OOMW_POD_UID_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		char c = s[i];
		if (dash ? c != sep : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
		uid[i] = dash ? '-' : c;
	}
	uid[len] = '\0';
	memcpy(out, uid, sizeof(uid));
	return true;
}

/* "<prefix><id>.scope" of a container runtime (systemd driver, or docker and
 * podman under systemd). */
static const struct {
	const char *prefix;
	const char *runtime;
} scopes[] = {
	{ "docker-", "docker" },
	{ "cri-containerd-", "containerd" },
	{ "crio-", "cri-o" },
	{ "libpod-", "podman" },
};

static bool container_scope(struct comp c, struct oomw_cgroup_name *out)
{
	if (!has_suffix(c, ".scope"))
		return false;
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		size_t pl = strlen(scopes[i].prefix);
		if (has_prefix(c, scopes[i].prefix) &&
		    container_id(c.s + pl, c.len - pl - strlen(".scope"), out->container_id)) {
			out->runtime = scopes[i].runtime;
			return true;
		}
	}
	return false;
}

static enum oomw_qos qos_word(const char *s, size_t len)
{
	if (len == 9 && memcmp(s, "burstable", 9) == 0)
		return OOMW_QOS_BURSTABLE;
	if (len == 10 && memcmp(s, "besteffort", 10) == 0)
		return OOMW_QOS_BESTEFFORT;
	return OOMW_QOS_NONE;
}

/* The systemd driver's "kubepods[-<qos>]-pod<uid_>.slice", or the QoS slice
 * "kubepods-<qos>.slice". */
static void kube_slice(struct comp c, struct oomw_cgroup_name *out, enum oomw_qos *qos)
{
	if (!has_prefix(c, "kubepods-") || !has_suffix(c, ".slice"))
		return;
	const char *s = c.s + strlen("kubepods-");
	size_t len = c.len - strlen("kubepods-") - strlen(".slice");
	const char *dash = memchr(s, '-', len);
	size_t wl = dash ? (size_t)(dash - s) : len;
	enum oomw_qos q = qos_word(s, wl);
	if (q != OOMW_QOS_NONE) {
		*qos = q;
		if (!dash)
			return;
		s += wl + 1;
		len -= wl + 1;
	}
	if (len > 3 && memcmp(s, "pod", 3) == 0 && pod_uid(s + 3, len - 3, '_', out->pod_uid))
		out->qos = *qos;
}

static bool is_unit(struct comp c)
{
	return c.len <= OOMW_UNIT_NAME_MAX &&
	       ((c.len > strlen(".service") && has_suffix(c, ".service")) ||
		(c.len > strlen(".scope") && has_suffix(c, ".scope")));
}

void oomw_cgroup_name(const char *path, size_t len, struct oomw_cgroup_name *out)
{
	memset(out, 0, sizeof(*out));
	out->runtime = "";
	bool kube = false, after_pod = false, after_docker = false;
	enum oomw_qos qos = OOMW_QOS_GUARANTEED; /* a pod right below kubepods */
	const char *p = path, *end = path + len;
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		struct comp c = { p, (size_t)((slash ? slash : end) - p) };
		p = slash ? slash + 1 : end;
		if (c.len == 0)
			continue;
		bool was_pod = after_pod, was_docker = after_docker;
		after_pod = after_docker = false;
		if (is_comp(c, "kubepods") || is_comp(c, "kubepods.slice")) {
			kube = true;
		} else if (kube && qos_word(c.s, c.len) != OOMW_QOS_NONE) {
			qos = qos_word(c.s, c.len); /* cgroupfs driver */
		} else if (kube && c.len > 3 && memcmp(c.s, "pod", 3) == 0 &&
			   pod_uid(c.s + 3, c.len - 3, '-', out->pod_uid)) {
			out->qos = qos;
			after_pod = true;
		} else if (kube) {
			kube_slice(c, out, &qos);
			after_pod = out->pod_uid[0] != '\0' && has_prefix(c, "kubepods-");
		}
		if (container_scope(c, out))
			continue;
		if ((was_pod || was_docker) && container_id(c.s, c.len, out->container_id)) {
			if (was_docker)
				out->runtime = "docker";
			continue;
		}
		if (is_comp(c, "docker"))
			after_docker = true;
		else if (is_unit(c)) {
			memcpy(out->unit, c.s, c.len);
			out->unit[c.len] = '\0';
		}
	}
}

const char *oomw_qos_name(enum oomw_qos q)
{
	switch (q) {
	case OOMW_QOS_GUARANTEED:
		return "Guaranteed";
	case OOMW_QOS_BURSTABLE:
		return "Burstable";
	case OOMW_QOS_BESTEFFORT:
		return "BestEffort";
	case OOMW_QOS_NONE:
		break;
	}
	return "";
}
