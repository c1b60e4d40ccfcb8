/* SPDX-License-Identifier: MIT */
/* cgroup_name.h — who a cgroup path belongs to, in the words a team uses: the
 * systemd unit, the container (runtime and id) and the Kubernetes pod (UID and
 * QoS class), for both of the kubelet's cgroup drivers (cgroupfs:
 * /kubepods/burstable/pod<uid>/<id>; systemd:
 * /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid with
 * '_'>.slice/cri-containerd-<id>.scope) and the runtimes' own namings
 * (docker-<id>.scope, /docker/<id>, crio-<id>.scope, libpod-<id>.scope).
 * Pure: the path is any bytes a kernel log printed; what does not match a
 * known shape exactly is left empty, never guessed (doc/kernel-interfaces.md). */
#ifndef OOMW_CGROUP_NAME_H
#define OOMW_CGROUP_NAME_H

#include <stddef.h>

enum oomw_qos {
	OOMW_QOS_NONE = 0, /* not a Kubernetes pod, or not known */
	OOMW_QOS_GUARANTEED,
	OOMW_QOS_BURSTABLE,
	OOMW_QOS_BESTEFFORT,
};

#define OOMW_UNIT_NAME_MAX 255   /* systemd's limit on a unit name */
#define OOMW_CONTAINER_ID_MAX 64 /* hex digits of a full container id */
#define OOMW_POD_UID_MAX 36      /* 8-4-4-4-12 */

struct oomw_cgroup_name {
	char unit[OOMW_UNIT_NAME_MAX + 1];            /* innermost *.service or *.scope that is
					      * not a container's own scope; "" */
	const char *runtime;                          /* "docker", "containerd", "cri-o",
					      * "podman", or "" (a kubelet cgroupfs
					      * container: runtime not in the path) */
	char container_id[OOMW_CONTAINER_ID_MAX + 1]; /* lowercase hex; "" */
	char pod_uid[OOMW_POD_UID_MAX + 1];           /* with '-', as kubectl shows it; "" */
	enum oomw_qos qos;                            /* with pod_uid only */
};

/* Fills *out from path[0..len). Never fails: unknown parts stay empty. */
void oomw_cgroup_name(const char *path, size_t len, struct oomw_cgroup_name *out);
/* "Guaranteed", "Burstable", "BestEffort" (Kubernetes' spelling), or "". */
const char *oomw_qos_name(enum oomw_qos q);

#endif
